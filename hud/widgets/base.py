"""The retained widget tree: Widget base class, dirty tracking and the widget registry."""
from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path
from typing import Any, ClassVar, Iterator

from hud.errors import FieldError
from hud.geometry import Length, Rect
from hud.limits import MAX_DEPTH, MAX_WIDGETS
from hud.widgets.props import (LAYOUT, NOTHING, PAINT, Bool, Choice, EdgesKind, LengthKind, Number,
                               OffsetKind, Optional, Prop, Str)

SPEAK_MODES = ("auto", "always", "never")
FORMS = ("full", "compact", "minimal")   # a composite's forms, richest first (the compositor picks one)
# Default importance by kind (0-100): the compositor keeps the most important widgets in their
# richest form and hides the least important first. Ties keep document order.
IMPORTANCE = {"nav_arrow": 90, "caption": 80, "notification-high": 70, "price_card": 60,
              "notification-normal": 50, "notification-low": 30, "primitive": 10}
ANCHORS = ("top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right")
WIDGET_TYPES: dict[str, type[Widget]] = {}

_ZERO = Length(0.0)
# Attributes the pipeline keeps on widgets (not user fields).
_RUNTIME_ATTRIBUTES = frozenset({"parent", "rect", "layout_dirty", "paint_dirty", "paint_pending", "text_block",
                                 "source"})


_HUD_DIR = str(Path(__file__).resolve().parents[1]) + os.sep


def _caller() -> tuple[str, int] | None:
    """The app code line that creates a widget (None when hud itself builds it): lint findings
    and layout.json point there."""
    frame = sys._getframe(2)
    for _ in range(6):          # past the __init__ chain of widget classes
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
    """Base of every widget: shared fields, children, and dirty flags.

    Setting a property never draws: it marks the widget for re-layout or re-paint, and the
    next `Renderer.frame()` does the work.
    """

    type_name: ClassVar[str] = ""
    accepts_children: ClassVar[bool] = False
    props: ClassVar[dict[str, Prop]] = {}

    id = Prop(Optional(Str(max_len=200)), None, affects=NOTHING, doc="Name used by tree.find() and timelines.")
    visible = Prop(Bool(), True, doc="Hidden widgets take no space and draw nothing.")
    anchor = Prop(Choice(ANCHORS), "top-left",
                  doc="Zone inside the safe area (top level) or inside a stack/panel. Ignored in rows and columns.")
    offset = Prop(OffsetKind(), (_ZERO, _ZERO), doc="Shift [x, y] from the anchored position, px or deg.")
    margin = Prop(EdgesKind(), (_ZERO,) * 4, doc="Space outside the box: one value, [v, h] or [top, right, bottom, left].")
    padding = Prop(EdgesKind(), (_ZERO,) * 4, doc="Space inside the box around the content.")
    width = Prop(LengthKind(auto=True), None, doc="Fixed width in px, deg or % of the parent; auto by default.")
    height = Prop(LengthKind(auto=True), None, doc="Fixed height in px, deg or % of the parent; auto by default.")
    grow = Prop(Number(0, 100), 0.0, doc="Share of the leftover space in a row or column.")
    depth_m = Prop(Optional(Number(0.2, 100)), None,
                   doc="Virtual distance in metres for stereo placement; children inherit it. Default: the display's image distance.")
    brightness = Prop(Number(0, 1), 1.0, affects=PAINT, doc="Light output 0..1, multiplied down the tree.")
    speak = Prop(Choice(SPEAK_MODES), "auto", affects=NOTHING,
                 doc="Speech: auto = spoken on devices without a display; always = on every device; never = not spoken.")
    spoken = Prop(Optional(Str(max_len=2000)), None, affects=NOTHING,
                  doc="What speech says for this widget instead of its template.")
    importance = Prop(Optional(Number(0, 100)), None,
                      doc="0-100: when space runs out the compositor reduces, then hides, the least important "
                          "top-level widget first. Default by type: nav_arrow 90, caption 80, high notification 70, "
                          "price_card 60, notification 50, low notification 30, text/icon/image/progress 10; a "
                          "container takes its most important child's.")

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
        self._revision = 0                    # bumped by every field change (speech skips unchanged widgets)
        self._children: list[Widget] = []
        self.parent: Widget | None = None
        self.rect = Rect(0, 0, 0, 0)          # placed box (border box), set by layout
        self.layout_dirty = True
        self.paint_dirty = True
        self.paint_pending = True             # (root only) something below must be re-painted
        self._layout_cache: dict[tuple[int, int], Any] = {}
        self._layout_stamp = 0                # moved on by every change that can alter its size
        self._size = 1 if type(self).type_name else 0   # declared widgets in this subtree (the root screen: none)
        self._height = 0                      # levels of declared children below this widget
        self.source = _caller()   # (file, line) the widget was declared on: app code, or the scene loader's
        extra = fields.pop("children", None)
        for name, value in fields.items():
            if name not in self.props:
                close = difflib.get_close_matches(name, list(self.props), n=1)
                fix = f"did you mean '{close[0]}'?" if close else f"fields of {self.type_name}: {', '.join(self.props)}"
                raise FieldError(name, f"unknown field '{name}' for {self.type_name or type(self).__name__}", fix)
            setattr(self, name, value)
        for prop in self.props.values():
            if prop.required and prop.name not in self._values:
                raise FieldError(prop.name, "is required", f"add {prop.name} = ...", path=())
        for child in list(children) + list(extra or []):
            self.add(child)

    def __setattr__(self, name: str, value: Any) -> None:
        # Catch typos in app code (`caption.txt = ...`) instead of silently adding an attribute.
        if name.startswith("_") or name in self.props or name in _RUNTIME_ATTRIBUTES or hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        close = difflib.get_close_matches(name, list(self.props), n=1)
        fix = f"did you mean '{close[0]}'?" if close else f"fields of {self.type_name}: {', '.join(self.props)}"
        raise FieldError(name, f"unknown field '{name}' for {self.type_name or type(self).__name__}", fix)

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
            raise FieldError("children", f"{self.type_name} takes no children",
                             "put the widgets in a column, row, stack or panel")
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
        containers = 0                        # containers around `child` once added
        node: Widget | None = self
        while node is not None:
            if node is child:
                raise FieldError("children", "cannot add a widget inside itself",
                                 "add it to a container outside it")
            containers += 1 if type(node).type_name else 0
            root, node = node, node.parent
        deepest = containers + child._height
        if deepest > MAX_DEPTH:
            raise FieldError("children", f"would nest widgets {deepest} containers deep, at most {MAX_DEPTH} allowed",
                             "put fewer containers inside containers")
        joining = 0 if child.parent is not None and child.root is root else child._size
        total = root._size + joining
        if total > MAX_WIDGETS:
            raise FieldError("children", f"would make {total} widgets in one scene, at most {MAX_WIDGETS} allowed "
                             "(nested ones included)", "split the scene, or show fewer widgets at once")

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

    # -- dirty tracking ----------------------------------------------------------------------
    def _prop_changed(self, prop: Prop) -> None:
        if prop.affects == LAYOUT:
            self.mark_layout()
        elif prop.affects == PAINT:
            self.mark_paint()

    def mark_layout(self, changed: bool = True) -> None:
        """Re-measure and re-place this widget, and every ancestor whose size may follow.
        `changed=False` when only the compositor's choice of form changed, not a field."""
        node: Widget | None = self
        while node is not None:
            node.layout_dirty = True
            node.paint_dirty = True
            node._layout_cache.clear()
            if changed:
                node._layout_stamp += 1    # the compositor tells changed widgets apart by this count
            node = node.parent

    def mark_paint(self) -> None:
        """Re-paint this widget and its subtree (inherited brightness and depth)."""
        for widget in self.walk():
            widget.paint_dirty = True
        self.root.paint_pending = True

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

    Any change to its own fields rebuilds the subtree before the next layout. A composite has
    reduced forms (`FORMS`: full, compact, minimal) that the compositor picks from when space
    runs out; `form` pins one.
    """

    form = Prop(Choice(("auto",) + FORMS), "auto",
                doc="Which form to draw: auto lets the compositor reduce it (full, then compact, then minimal) "
                    "when space runs out; full, compact or minimal pins one.")
    # Narrowest width per form, degrees of visual angle (None: as wide as its content needs).
    MIN_WIDTH_DEG: ClassVar[dict[str, float | None]] = {"full": None, "compact": None, "minimal": None}

    def __init__(self, **fields: Any) -> None:
        self._builds: dict[str, Widget] = {}
        self._form_in_use = "full"          # the compositor's choice while `form` is auto
        super().__init__(**fields)

    def _prop_changed(self, prop: Prop) -> None:
        if prop.name in Widget.props:
            super()._prop_changed(prop)
            return
        if prop.affects == NOTHING:  # e.g. what speech says: nothing drawn changes
            return
        self._builds.clear()
        self.mark_layout()

    @property
    def effective_form(self) -> str:
        """The form drawn now: the pinned `form`, else the compositor's choice."""
        return self._form_in_use if self.form == "auto" else self.form

    def use_form(self, form: str) -> bool:
        """The compositor's choice of form (ignored while `form` pins one); True if it changed
        what is drawn."""
        if form not in FORMS:
            raise ValueError(f"form must be one of {', '.join(FORMS)}, got {form!r}")
        before = self.effective_form
        self._form_in_use = form
        if self.effective_form == before:
            return False
        self.mark_layout(changed=False)
        return True

    def min_width_deg(self, form: str) -> float | None:
        """How narrow this widget may be squeezed in `form` (None: its content's own width)."""
        return self.MIN_WIDTH_DEG.get(form)

    @property
    def _built(self) -> Widget | None:
        """The subtree built for the current form, if built."""
        return self._builds.get(self.effective_form)

    def build(self) -> Widget:
        """Return the primitive subtree that shows this widget's fields in `effective_form`."""
        raise NotImplementedError

    @property
    def content(self) -> Widget:
        """The built subtree of the current form (built on first use after a change; each
        form's build is kept until a field changes)."""
        form = self.effective_form
        built = self._builds.get(form)
        if built is None:
            built = self.build()
            built.parent = self
            self._builds[form] = built
        return built

    @property
    def children(self) -> tuple[Widget, ...]:
        return (self.content,)

    def walk(self) -> Iterator[Widget]:
        yield self
        yield from self.content.walk()


def create_widget(type_name: str, fields: dict[str, Any]) -> Widget:
    """Build a widget from its type name and a dict of fields (children already widgets)."""
    cls = WIDGET_TYPES.get(type_name)
    if cls is None:
        close = difflib.get_close_matches(type_name, list(WIDGET_TYPES), n=1)
        fix = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(sorted(WIDGET_TYPES))}"
        raise FieldError("type", f"unknown widget type '{type_name}'", fix)
    return cls(**fields)
