"""The retained widget tree: Widget base class, dirty tracking and the widget registry."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, ClassVar

from hud.errors import FieldError, suggest
from hud.geometry import Length
from hud.limits import MAX_DEPTH, MAX_WIDGETS
from hud.widgets.props import (
    LAYOUT,
    NOTHING,
    PAINT,
    Bool,
    Choice,
    EdgesKind,
    LengthKind,
    Number,
    OffsetKind,
    Optional,
    Prop,
    Str,
)

SPEAK_MODES = ("auto", "always", "never")
FORMS = ("full", "compact", "minimal")  # a composite's forms, richest first (the compositor picks one)
# Default importance by kind (0-100): the compositor keeps the most important widgets in their
# richest form and hides the least important first. Ties keep document order.
IMPORTANCE = {
    "nav_arrow": 90,
    "caption": 80,
    "notification-high": 70,
    "price_card": 60,
    "notification-normal": 50,
    "notification-low": 30,
    "primitive": 10,
}
ANCHORS = ("top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right")
# Anchor -> (column, row) of its zone: 0 start, 1 centre, 2 end.
ANCHOR_CELLS = {anchor: (index % 3, index // 3) for index, anchor in enumerate(ANCHORS)}
WIDGET_TYPES: dict[str, type[Widget]] = {}

_ZERO = Length(0.0)
# Attributes a widget has besides its fields: its place in the tree and where it was declared.
_TREE_ATTRIBUTES = frozenset({"parent", "source"})


_HUD_DIR = str(Path(__file__).resolve().parents[1]) + os.sep


def _caller() -> tuple[str, int] | None:
    """The app code line that creates a widget (None when hud itself builds it): lint findings
    and layout.json point there."""
    frame: FrameType | None = sys._getframe(2)
    for _ in range(6):  # past the __init__ chain of widget classes
        if frame is None:
            return None
        name = frame.f_code.co_filename
        if not name.startswith(_HUD_DIR):
            return (name, frame.f_lineno)
        if frame.f_code.co_name != "__init__":
            return None
        frame = frame.f_back
    return None


class Widget:
    """Base of every widget: its declared fields, its children, and its dirty marks.

    A widget is the scene's data and nothing else: every result of rendering (boxes, text
    blocks, draw commands, forms) lives in the tables of the renderer that drew it, so any
    number of renderers can share one tree. Setting a field never draws: it moves the
    widget's dirty marks (revision counters) on, and each renderer compares them with the
    ones it last saw.
    """

    type_name: ClassVar[str] = ""
    accepts_children: ClassVar[bool] = False
    props: ClassVar[dict[str, Prop]] = {}

    id = Prop(Optional(Str(max_len=200)), None, affects=NOTHING, doc="Name used by tree.find() and timelines.")
    visible = Prop(Bool(), True, doc="Hidden widgets take no space and draw nothing.")
    anchor = Prop(
        Choice(ANCHORS),
        "top-left",
        doc="Zone inside the safe area (top level) or inside a stack/panel. Ignored in rows and columns.",
    )
    offset = Prop(OffsetKind(), (_ZERO, _ZERO), doc="Shift [x, y] from the anchored position, px or deg.")
    margin = Prop(
        EdgesKind(), (_ZERO,) * 4, doc="Space outside the box: one value, [v, h] or [top, right, bottom, left]."
    )
    padding = Prop(EdgesKind(), (_ZERO,) * 4, doc="Space inside the box around the content.")
    width = Prop(LengthKind(auto=True), None, doc="Fixed width in px, deg or % of the parent; auto by default.")
    height = Prop(LengthKind(auto=True), None, doc="Fixed height in px, deg or % of the parent; auto by default.")
    grow = Prop(Number(0, 100), 0.0, doc="Share of the leftover space in a row or column.")
    depth_m = Prop(
        Optional(Number(0.2, 100)),
        None,
        doc="Virtual distance in metres for stereo placement; children inherit it. Default: the display's image distance.",
    )
    brightness = Prop(Number(0, 1), 1.0, affects=PAINT, doc="Light output 0..1, multiplied down the tree.")
    speak = Prop(
        Choice(SPEAK_MODES),
        "auto",
        affects=NOTHING,
        doc="Speech: auto = spoken on devices without a display; always = on every device; never = not spoken.",
    )
    spoken = Prop(
        Optional(Str(max_len=2000)),
        None,
        affects=NOTHING,
        doc="What speech says for this widget instead of its template.",
    )
    importance = Prop(
        Optional(Number(0, 100)),
        None,
        doc="0-100: when space runs out the compositor reduces, then hides, the least important "
        "top-level widget first. Default by type: nav_arrow 90, caption 80, high notification 70, "
        "price_card 60, notification 50, low notification 30, text/icon/image/progress 10; a "
        "container takes its most important child's.",
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        props: dict[str, Prop] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Prop):
                    props[name] = value
        cls.props = props
        if cls.type_name:
            WIDGET_TYPES[cls.type_name] = cls

    def __init__(self, *children: Widget, **fields: Any) -> None:
        self._values: dict[str, Any] = {}
        # Dirty marks: counters that only move on, so every renderer can tell what changed since
        # it last looked.
        self._revision = 0  # any change of this widget's own fields
        self._layout_stamp = 0  # any change that can alter its size (its own or below)
        self._tree_revision = 0  # any change at all, here or below
        self._children: list[Widget] = []
        self.parent: Widget | None = None
        self._size = 1 if type(self).type_name else 0  # declared widgets in this subtree (the root screen: none)
        self._height = 0  # levels of declared children below this widget
        self.source = _caller()  # (file, line) the widget was declared on: app code, or the scene loader's
        extra = fields.pop("children", None)
        for name, value in fields.items():
            if name not in self.props:
                raise self._unknown_field(name)
            setattr(self, name, value)
        for prop in self.props.values():
            if prop.required and prop.name not in self._values:
                raise FieldError(prop.name, "is required", f"add {prop.name} = ...", path=())
        for child in list(children) + list(extra or []):
            self.add(child)

    def __setattr__(self, name: str, value: Any) -> None:
        # Catch typos in app code (`caption.txt = ...`) instead of silently adding an attribute.
        if name.startswith("_") or name in self.props or name in _TREE_ATTRIBUTES or hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        raise self._unknown_field(name)

    def _unknown_field(self, name: str) -> FieldError:
        fix = suggest(name, self.props, f"fields of {self.type_name}: {', '.join(self.props)}")
        return FieldError(name, f"unknown field '{name}' for {self.type_name or type(self).__name__}", fix)

    # -- tree --------------------------------------------------------------------------------
    @property
    def children(self) -> tuple[Widget, ...]:
        return tuple(self._children)

    @children.setter
    def children(self, widgets: list[Widget]) -> None:
        for child in list(self._children):
            self.remove(child)
        for child in widgets:
            self.add(child)
        self.mark_layout()

    def add(self, child: Widget, index: int | None = None) -> Widget:
        """Insert `child` (at the end by default) and return it; FieldError past MAX_WIDGETS
        widgets in one tree or MAX_DEPTH containers inside containers."""
        if not self.accepts_children:
            raise FieldError(
                "children", f"{self.type_name} takes no children", "put the widgets in a column, row, stack or panel"
            )
        if not isinstance(child, Widget):
            raise TypeError(f"children must be widgets, got {type(child).__name__}")
        self._check_room(child)
        if child.parent is not None:
            child.parent.remove(child)
        child.parent = self
        if index is None:
            self._children.append(child)
        else:
            self._children.insert(index, child)
        node: Widget | None = self
        height = child._height + 1
        while node is not None:
            node._size += child._size
            node._height = max(node._height, height)
            height += 1
            node = node.parent
        self.mark_layout()
        return child

    def _check_room(self, child: Widget) -> None:
        """FieldError if adding `child` here would make a cycle or pass a tree limit."""
        containers = 0  # containers around `child` once added
        node: Widget | None = self
        while node is not None:
            if node is child:
                raise FieldError("children", "cannot add a widget inside itself", "add it to a container outside it")
            containers += 1 if type(node).type_name else 0
            root, node = node, node.parent
        deepest = containers + child._height
        if deepest > MAX_DEPTH:
            raise FieldError(
                "children",
                f"would nest widgets {deepest} containers deep, at most {MAX_DEPTH} allowed",
                "put fewer containers inside containers",
            )
        joining = 0 if child.parent is not None and child.root is root else child._size
        total = root._size + joining
        if total > MAX_WIDGETS:
            raise FieldError(
                "children",
                f"would make {total} widgets in one scene, at most {MAX_WIDGETS} allowed (nested ones included)",
                "split the scene, or show fewer widgets at once",
            )

    def remove(self, child: Widget) -> None:
        self._children.remove(child)
        child.parent = None
        node: Widget | None = self
        while node is not None:
            node._size -= child._size
            node._height = max((c._height + 1 for c in node._children), default=0)
            node = node.parent
        self.mark_layout()

    def walk(self) -> Iterator[Widget]:
        """This widget and all its descendants, depth first."""
        yield self
        for child in self._children:
            yield from child.walk()

    def find(self, widget_id: str) -> Widget | None:
        """The first widget in this subtree whose id is `widget_id`."""
        for widget in self.walk():
            if widget.id == widget_id:
                return widget
        return None

    @property
    def root(self) -> Widget:
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    # -- dirty marks -------------------------------------------------------------------------
    def _prop_changed(self, prop: Prop) -> None:
        if prop.affects == LAYOUT:
            self.mark_layout()
        elif prop.affects == PAINT:
            self.mark_paint()

    def mark_layout(self) -> None:
        """This widget may have changed size: renderers measure and place it, and every
        ancestor whose size may follow, again."""
        node: Widget | None = self
        while node is not None:
            node._layout_stamp += 1
            node._tree_revision += 1
            node = node.parent

    def mark_paint(self) -> None:
        """This widget draws differently at the same size: renderers paint it again."""
        node: Widget | None = self
        while node is not None:
            node._tree_revision += 1
            node = node.parent

    # -- composition -------------------------------------------------------------------------
    def default_importance(self) -> float:
        """Importance when the `importance` field is not set: by type; containers take their
        most important child's."""
        if self.accepts_children and self._children:
            return max(child.effective_importance for child in self._children)
        return IMPORTANCE["primitive"]

    @property
    def effective_importance(self) -> float:
        """The `importance` field, else the default for this kind of widget."""
        value = self.importance
        return self.default_importance() if value is None else value

    # -- description -------------------------------------------------------------------------
    @property
    def revision(self) -> int:
        """A counter that every change of a field moves on."""
        return self._revision

    def fields(self) -> dict[str, Any]:
        """The fields that were set explicitly."""
        return dict(self._values)

    def __repr__(self) -> str:
        label = f" id={self.id!r}" if self.id else ""
        return f"<{self.type_name or type(self).__name__}{label}>"


Widget.props = {name: value for name, value in vars(Widget).items() if isinstance(value, Prop)}


class Composite(Widget):
    """A widget that draws by building a subtree of primitives from its fields.

    `build(form)` is a function of the fields and the form: the renderer keeps what it builds
    (hud.builds) and builds again when a field changes. A composite has reduced forms
    (`FORMS`: full, compact, minimal) that the compositor picks from when space runs out;
    `form` pins one.
    """

    form = Prop(
        Choice(("auto",) + FORMS),
        "auto",
        doc="Which form to draw: auto lets the compositor reduce it (full, then compact, then minimal) "
        "when space runs out; full, compact or minimal pins one.",
    )
    # Narrowest width per form, degrees of visual angle (None: as wide as its content needs).
    MIN_WIDTH_DEG: ClassVar[dict[str, float | None]] = {"full": None, "compact": None, "minimal": None}
    # Fields that only change how the built subtree is drawn: `refresh` copies them into a
    # build instead of building again.
    DRAW_FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **fields: Any) -> None:
        self._build_revision = 0  # moved on by every change that needs a new build
        super().__init__(**fields)

    def _prop_changed(self, prop: Prop) -> None:
        if prop.name in Widget.props:
            super()._prop_changed(prop)
            return
        if prop.affects == NOTHING:  # e.g. what speech says: nothing drawn changes
            return
        if prop.name in self.DRAW_FIELDS:
            self.mark_paint()
            return
        self._build_revision += 1
        self.mark_layout()

    def min_width_deg(self, form: str) -> float | None:
        """How narrow this widget may be squeezed in `form` (None: its content's own width)."""
        return self.MIN_WIDTH_DEG.get(form)

    def width_in(self, form: str) -> Any:
        """The `width` the widget has in `form` (cards: only the full form)."""
        return self.width

    def build(self, form: str) -> Widget:
        """The primitive subtree that shows this widget's fields in `form`."""
        raise NotImplementedError

    def refresh(self, built: Widget) -> None:
        """Bring a build up to date with the DRAW_FIELDS (which do not rebuild)."""


def create_widget(type_name: str, fields: dict[str, Any]) -> Widget:
    """Build a widget from its type name and a dict of fields (children already widgets)."""
    cls = WIDGET_TYPES.get(type_name)
    if cls is None:
        fix = suggest(type_name, WIDGET_TYPES, f"use one of: {', '.join(sorted(WIDGET_TYPES))}")
        raise FieldError("type", f"unknown widget type '{type_name}'", fix)
    return cls(**fields)
