"""Declarative widget properties: each Prop knows its kind (type, range: hud.fields), default,
what a change invalidates (layout or paint) and its documentation. Validation, JSON Schema,
dirty tracking, the widget classes' signatures and their static types are all derived from
these declarations.

A field is declared once, with the values it accepts and the value it holds:

    width: Prop[LengthValue | None, Length | None] = Prop(LengthKind(auto=True), default=None, doc="...")

Type checkers read `Prop[accepts, holds]` as a descriptor: assigning takes `accepts`, reading
gives `holds`, and the widget's constructor takes `accepts` (PEP 681, see `WidgetType`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypedDict, TypeVar, overload

from hud.errors import FieldError
from hud.fields import (
    COLOR_ROLES,
    Bool,
    Choice,
    ColorKind,
    EdgesKind,
    Kind,
    LanguageKind,
    LengthKind,
    ListOf,
    NestedError,
    Number,
    OffsetKind,
    Optional,
    Record,
    Str,
    bounded_length,
    show_value,
)
from hud.geometry import Length

__all__ = [
    "LAYOUT",
    "PAINT",
    "NOTHING",
    "REQUIRED",
    "Prop",
    "LengthValue",
    "EdgesValue",
    "OffsetValue",
    "Edges",
    "Offset",
    "ColorValue",
    "PriceEntry",
    "COLOR_ROLES",
    "Bool",
    "Choice",
    "ColorKind",
    "EdgesKind",
    "Kind",
    "LanguageKind",
    "LengthKind",
    "ListOf",
    "Number",
    "OffsetKind",
    "Optional",
    "Record",
    "Str",
    "bounded_length",
    "show_value",
]

LAYOUT = "layout"  # a change can move or resize things: re-measure and re-place
PAINT = "paint"  # a change only alters pixels inside the widget's box
NOTHING = "nothing"  # bookkeeping only (ids)

# What fields of each value kind accept from code, and what they hold once converted.
LengthValue = Length | float | str  # 12 (px), "12px", "0.8deg", "50%", Length(0.8, "deg")
EdgesValue = LengthValue | Sequence[LengthValue]  # one length, [vertical, horizontal] or [top, right, bottom, left]
OffsetValue = Sequence[LengthValue]  # [x, y]
Edges = tuple[Length, Length, Length, Length]  # top, right, bottom, left
Offset = tuple[Length, Length]
ColorValue = str | float  # a colour role, "#rrggbb", or an intensity 0..1 (held as given)


class PriceEntry(TypedDict):
    """Another store's price, as a price card's `compare` lists it."""

    store: str
    price: float


class _Required:
    """The default of a field that has none: it must be given."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

Accepted = TypeVar("Accepted")
Held = TypeVar("Held")


class Prop(Generic[Accepted, Held]):
    """A widget property: declared once on the class, validated on every assignment.

    `kind` converts and checks values (hud.fields); `default` is the value until one is set
    (none: the field is required); `affects` is what a change invalidates (LAYOUT, PAINT or
    NOTHING); `doc` documents it (the README reference, the JSON Schema, `help()`). The one
    field with `kw_only=False` is the widget's main value, which may be given positionally:
    `Text("hello")`.
    """

    def __init__(
        self: Prop[Any, Any],  # an unannotated Prop holds anything; a widget field's annotation narrows it
        kind: Kind,
        default: Any = REQUIRED,
        *,
        affects: str = LAYOUT,
        doc: str = "",
        kw_only: bool = True,
    ) -> None:
        self.kind, self.default, self.affects, self.doc, self.kw_only = kind, default, affects, doc, kw_only
        self.__doc__ = doc
        self.name = ""

    @property
    def required(self) -> bool:
        """Whether a widget must be given this field (it was declared without a default)."""
        return self.default is REQUIRED

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Prop[Accepted, Held]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> Held: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._values.get(self.name, self.default)

    def __set__(self, obj: Any, value: Accepted) -> None:
        converted = self.validate(value)
        if obj._values.get(self.name, self.default) == converted and self.name in obj._values:
            return
        obj._values[self.name] = converted
        obj._revision += 1
        obj._prop_changed(self)

    def validate(self, value: Any) -> Any:
        """Convert `value`, raising FieldError that names this property."""
        try:
            return self.kind.coerce(value)
        except NestedError as exc:
            raise FieldError(self.name, exc.args[0], exc.args[1], path=(self.name, *exc.path)) from None
        except ValueError as exc:
            fix = exc.args[1] if len(exc.args) > 1 else ""
            raise FieldError(self.name, str(exc.args[0]), fix) from None

    def schema(self) -> dict[str, Any]:
        out = dict(self.kind.schema())
        if self.doc:
            out["description"] = self.doc
        if self.default is not None and not self.required and not isinstance(self.default, tuple):
            out["default"] = self.default if not isinstance(self.default, Length) else str(self.default)
        return out
