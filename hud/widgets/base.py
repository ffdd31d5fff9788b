"""The retained widget tree: Widget base class, dirty tracking and the widget registry.

Every widget class declares its fields once, as `Prop`s (hud.widgets.props); from them come
validation, dirty marks, the README reference, the JSON Schema, the class's signature
(`inspect.signature`, `help()`) and, through PEP 681 (`WidgetType`), the constructor that type
checkers and editors see.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, ClassVar, Literal, dataclass_transform

from hud.errors import FieldError, suggest
from hud.geometry import Length
from hud.limits import MAX_DEPTH, MAX_WIDGETS
from hud.widgets.props import (
    LAYOUT,
    NOTHING,
    PAINT,
    Bool,
    Choice,
    Edges,
    EdgesKind,
    EdgesValue,
    LengthKind,
    LengthValue,
    Number,
    Offset,
    OffsetKind,
    OffsetValue,
    Optional,
    Prop,
    Str,
)
from hud.widgets.verbs import Verbs, check_add

SpeakMode = Literal["auto", "always", "never"]
SPEAK_MODES: tuple[SpeakMode, ...] = typing.get_args(SpeakMode)
# A composite's `form` field: auto lets the compositor pick one of its forms, or one is pinned.
FormSetting = Literal["auto", "full", "compact", "minimal"]
FORMS: tuple[str, ...] = typing.get_args(FormSetting)[1:]  # a composite's forms, richest first
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
Anchor = Literal["top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right"]
ANCHORS: tuple[Anchor, ...] = typing.get_args(Anchor)
# Anchor -> (column, row) of its zone: 0 start, 1 centre, 2 end.
ANCHOR_CELLS: dict[str, tuple[int, int]] = {anchor: (index % 3, index // 3) for index, anchor in enumerate(ANCHORS)}
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


@dataclass_transform(kw_only_default=True, eq_default=False, field_specifiers=(Prop,))
class WidgetType(type):
    """The class of every widget class: collects its declared fields (`props`) and its main
    value (`main`), registers its type name, and gives it a signature made from the fields.

    Type checkers and editors (PEP 681) read the same declarations: a widget class's
    constructor takes each field by keyword, with the type its `Prop` accepts, the main value
    also positionally; a field declared without a default is required.
    """

    props: dict[str, Prop[Any, Any]]
    main: str | None

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(name, bases, namespace, **kwargs)
        props: dict[str, Prop[Any, Any]] = {}
        for klass in reversed(cls.__mro__):
            for field_name, value in vars(klass).items():
                if isinstance(value, Prop):
                    props[field_name] = value
        cls.props = props
        positional = [prop.name for prop in props.values() if not prop.kw_only]
        if len(positional) > 1:
            raise TypeError(f"{name} declares {len(positional)} main values ({', '.join(positional)}), at most one")
        cls.main = positional[0] if positional else None
        type_name = namespace.get("type_name", "")
        if type_name:
            WIDGET_TYPES[type_name] = typing.cast("type[Widget]", cls)

    @property
    def __signature__(cls) -> inspect.Signature:
        """The constructor's signature, from the declared fields: the main value (or the
        children, for containers), then every field by keyword with its default."""
        return _signature(cls)


@functools.cache
def _signature(cls: WidgetType) -> inspect.Signature:
    """A widget class's signature: annotated with what each field accepts."""
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):  # an app's widget class whose annotations do not resolve here
        hints = {}

    def accepted(name: str) -> Any:
        args = typing.get_args(hints.get(name))
        return args[0] if args else inspect.Parameter.empty

    parameters: list[inspect.Parameter] = []
    if getattr(cls, "accepts_children", False):
        parameters.append(inspect.Parameter("children", inspect.Parameter.VAR_POSITIONAL, annotation=Widget))
    ordered = sorted(cls.props.values(), key=lambda prop: prop.kw_only)  # the main value first
    for prop in ordered:
        kind = inspect.Parameter.KEYWORD_ONLY if prop.kw_only else inspect.Parameter.POSITIONAL_OR_KEYWORD
        default = inspect.Parameter.empty if prop.required else prop.default
        parameters.append(inspect.Parameter(prop.name, kind, default=default, annotation=accepted(prop.name)))
    return inspect.Signature(parameters, return_annotation=inspect.Signature.empty)


class Widget(Verbs, metaclass=WidgetType):
    """Base of every widget: its declared fields, its children, and its dirty marks.

    A widget is the scene's data and nothing else: every result of rendering (boxes, text
    blocks, draw commands, forms) lives in the tables of the renderer that drew it, so any
    number of renderers can share one tree. Setting a field never draws: it moves the
    widget's dirty marks (revision counters) on, and each renderer compares them with the
    ones it last saw.

    Fields are given by keyword; a widget's main value (`main`: a text's text, an icon's name)
    may also be given first, positionally, and a container's children are given positionally:

    >>> import hud
    >>> hud.Column(hud.Text("Hello", id="greeting"), hud.Icon("wallet"), gap="0.3deg")
    <column 2 children>
    """

    type_name: ClassVar[str] = ""
    accepts_children: ClassVar[bool] = False
    props: ClassVar[dict[str, Prop[Any, Any]]]  # every declared field, by name (set by WidgetType)
    main: ClassVar[str | None]  # the field that may be given positionally (set by WidgetType)
    # Fields a widget's repr shows besides its id (none declared: its main value).
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ()

    id: Prop[str | None, str | None] = Prop(
        Optional(Str(max_len=200)), default=None, affects=NOTHING, doc="Name used by tree.find() and timelines."
    )
    visible: Prop[bool, bool] = Prop(Bool(), default=True, doc="Hidden widgets take no space and draw nothing.")
    anchor: Prop[Anchor, Anchor] = Prop(
        Choice(ANCHORS),
        default="top-left",
        doc="Zone inside the safe area (top level) or inside a stack/panel. Ignored in rows and columns.",
    )
    offset: Prop[OffsetValue, Offset] = Prop(
        OffsetKind(), default=(_ZERO, _ZERO), doc="Shift [x, y] from the anchored position, px or deg."
    )
    margin: Prop[EdgesValue, Edges] = Prop(
        EdgesKind(),
        default=(_ZERO,) * 4,
        doc="Space outside the box: one value, [v, h] or [top, right, bottom, left].",
    )
    padding: Prop[EdgesValue, Edges] = Prop(
        EdgesKind(), default=(_ZERO,) * 4, doc="Space inside the box around the content."
    )
    width: Prop[LengthValue | None, Length | None] = Prop(
        LengthKind(auto=True), default=None, doc="Fixed width in px, deg or % of the parent; auto by default."
    )
    height: Prop[LengthValue | None, Length | None] = Prop(
        LengthKind(auto=True), default=None, doc="Fixed height in px, deg or % of the parent; auto by default."
    )
    grow: Prop[float, float] = Prop(Number(0, 100), default=0.0, doc="Share of the leftover space in a row or column.")
    depth_m: Prop[float | None, float | None] = Prop(
        Optional(Number(0.2, 100)),
        default=None,
        doc="Virtual distance in metres for stereo placement; children inherit it. Default: the display's image distance.",
    )
    brightness: Prop[float, float] = Prop(
        Number(0, 1), default=1.0, affects=PAINT, doc="Light output 0..1, multiplied down the tree."
    )
    speak: Prop[SpeakMode, SpeakMode] = Prop(
        Choice(SPEAK_MODES),
        default="auto",
        affects=NOTHING,
        doc="Speech: auto = spoken on devices without a display; always = on every device; never = not spoken.",
    )
    spoken: Prop[str | None, str | None] = Prop(
        Optional(Str(max_len=2000)),
        default=None,
        affects=NOTHING,
        doc="What speech says for this widget instead of its template.",
    )
    importance: Prop[float | None, float | None] = Prop(
        Optional(Number(0, 100)),
        default=None,
        doc="0-100: when space runs out the compositor reduces, then hides, the least important "
        "top-level widget first. Default by type: nav_arrow 90, caption 80, high notification 70, "
        "price_card 60, notification 50, low notification 30, text/icon/image/progress 10; a "
        "container takes its most important child's.",
    )

    def __init__(self, *values: Any, **fields: Any) -> None:
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
        children = self._positional(values, fields)
        for name, value in fields.items():
            if name not in self.props:
                raise self._unknown_field(name)
            setattr(self, name, value)
        for prop in self.props.values():
            if prop.required and prop.name not in self._values:
                raise FieldError(prop.name, "is required", f"add {prop.name} = ...", path=())
        for child in children:
            self.add(child)

    def _positional(self, values: tuple[Any, ...], fields: dict[str, Any]) -> tuple[Widget, ...]:
        """Sort out the positional values: a container's children (returned), or the main value
        (moved into `fields`, first); FieldError naming what was given for anything else."""
        if not values:
            return ()
        name = self.type_name or type(self).__name__
        if self.accepts_children:
            for value in values:
                if not isinstance(value, Widget):
                    raise _not_a_widget(self, value)
            return values
        if any(isinstance(value, Widget) for value in values):
            raise FieldError(
                "children", f"{name} takes no children", "put the widgets in a column, row, stack or panel"
            )
        main = type(self).main
        shown = ", ".join(_short(value) for value in values[:4]) + (", ..." if len(values) > 4 else "")
        if main is None:
            raise FieldError(
                "",
                f"{name} takes no positional values, got {len(values)}: {shown}",
                f"give its fields by name, e.g. {type(self).__name__}(id=...)",
            )
        if len(values) > 1:
            raise FieldError(
                "",
                f"{name} takes one positional value (its {main}), got {len(values)}: {shown}",
                f"give one {main} and name the other fields, e.g. {type(self).__name__}({_short(values[0])}, id=...)",
            )
        if main in fields:
            raise FieldError(
                main,
                f"given twice: positionally ({shown}) and by name ({_short(fields[main])})",
                "give it once",
            )
        fields_in_order = {main: values[0], **fields}
        fields.clear()
        fields.update(fields_in_order)
        return ()

    def __setattr__(self, name: str, value: Any) -> None:
        # Catch typos in app code (`caption.txt = ...`) instead of silently adding an attribute.
        if name.startswith("_") or name in self.props or name in _TREE_ATTRIBUTES or hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        raise self._unknown_field(name)

    def _unknown_field(self, name: str) -> FieldError:
        shown = self.type_name or type(self).__name__
        if name == "children" and self.accepts_children:
            class_name = type(self).__name__
            fix = f"write {class_name}(a, b), or unpack a list: {class_name}(*widgets)"
            return FieldError("", f"{shown}'s children are given positionally", fix, path=("children",))
        if name == "children":
            return FieldError(name, f"{shown} takes no children", "put the widgets in a column, row, stack or panel")
        fix = suggest(name, self.props, f"fields of {shown}: {', '.join(self.props)}")
        return FieldError(name, f"unknown field '{name}' for {shown}", fix)

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
            raise _not_a_widget(self, child)
        self._check_room(child)
        check_add(self, child)
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
    def _prop_changed(self, prop: Prop[Any, Any]) -> None:
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
        """`<text 'greeting' text='Hello'>`: the type, the id, the key fields (clipped) and, for a
        container, how many children it has; never the tree below it."""
        cls = type(self)
        parts = [cls.type_name or cls.__name__]
        if self.id is not None:
            parts.append(_short(self.id))
        for name in cls.KEY_FIELDS or ((cls.main,) if cls.main else ()):
            parts.append(f"{name}={_short(getattr(self, name))}")
        if cls.accepts_children:
            count = len(self._children)
            parts.append(f"{count} child" if count == 1 else f"{count} children")
        if not self.visible:
            parts.append("hidden")
        return "<" + " ".join(parts) + ">"


def _short(value: Any, most: int = 40) -> str:
    """A value for a repr or an error message: on one line, at most about `most` characters."""
    if isinstance(value, Widget):
        return repr(value)
    if isinstance(value, Length):
        return repr(str(value))
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value if len(value) <= most else value[: most - 1] + "…")
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # huge integers inside, or nesting too deep to show
        return f"a {type(value).__name__}"
    return text if len(text) <= most else text[: most - 3] + "..."


def _not_a_widget(container: Widget, value: Any) -> FieldError:
    """The error for a container's child that is not a widget, naming what was given."""
    shown = container.type_name or type(container).__name__
    if isinstance(value, str):
        fix = f"make it a widget: hud.Text({_short(value)})"
    elif isinstance(value, (list, tuple)):
        name = type(container).__name__
        fix = f"give the widgets one by one, {name}(a, b), or unpack the list: {name}(*widgets)"
    else:
        fix = "give widgets such as hud.Text(...) or hud.Icon(...)"
    problem = f"{shown}'s children must be widgets, got {type(value).__name__} {_short(value)}"
    return FieldError("", problem, fix, path=("children",))


class Composite(Widget):
    """A widget that draws by building a subtree of primitives from its fields.

    `build(form)` is a function of the fields and the form: the renderer keeps what it builds
    (hud.builds) and builds again when a field changes. A composite has reduced forms
    (`FORMS`: full, compact, minimal) that the compositor picks from when space runs out;
    `form` pins one.
    """

    form: Prop[FormSetting, FormSetting] = Prop(
        Choice(typing.get_args(FormSetting)),
        default="auto",
        doc="Which form to draw: auto lets the compositor reduce it (full, then compact, then minimal) "
        "when space runs out; full, compact or minimal pins one.",
    )
    # Narrowest width per form, degrees of visual angle (None: as wide as its content needs).
    MIN_WIDTH_DEG: ClassVar[dict[str, float | None]] = {"full": None, "compact": None, "minimal": None}
    # Fields that only change how the built subtree is drawn: `refresh` copies them into a
    # build instead of building again.
    DRAW_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Fields that change what the built subtree says but, most often, not its shape (a live
    # caption's words): `refresh` copies them into the build where it can (the widget's size
    # may change, so layout runs), and the widget is built again where it cannot.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *values: Any, **fields: Any) -> None:
        self._build_revision = 0  # moved on by every change that needs a new build
        super().__init__(*values, **fields)

    def _prop_changed(self, prop: Prop[Any, Any]) -> None:
        if prop.name in Widget.props:
            super()._prop_changed(prop)
            return
        if prop.affects == NOTHING:  # e.g. what speech says: nothing drawn changes
            return
        if prop.name in self.DRAW_FIELDS:
            self.mark_paint()
            return
        if prop.name not in self.TEXT_FIELDS:
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

    def refresh(self, built: Widget) -> bool:
        """Bring a build up to date with the DRAW_FIELDS and TEXT_FIELDS; False when it cannot
        (the build no longer has the shape the fields need): the widget is built again."""
        return not self.TEXT_FIELDS


def create_widget(type_name: str, fields: dict[str, Any]) -> Widget:
    """Build a widget from its type name and a dict of fields; a "children" entry, for a
    container, lists its children (widgets already)."""
    cls = WIDGET_TYPES.get(type_name)
    if cls is None:
        fix = suggest(type_name, WIDGET_TYPES, f"use one of: {', '.join(sorted(WIDGET_TYPES))}")
        raise FieldError("type", f"unknown widget type '{type_name}'", fix)
    values = dict(fields)
    children = values.pop("children", None) or ()
    if children and not cls.accepts_children:
        raise FieldError(
            "children", f"{type_name} takes no children", "put the widgets in a column, row, stack or panel"
        )
    if not isinstance(children, (list, tuple)):
        raise FieldError(
            "", f"{type_name}'s children must be a list of widgets, got {_short(children)}", path=("children",)
        )
    return cls(*children, **values)
