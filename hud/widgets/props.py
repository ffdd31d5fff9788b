"""Declarative widget properties: each Prop knows its kind (type, range: hud.fields), default,
what a change invalidates (layout or paint) and its documentation. Validation, JSON Schema and
dirty tracking are all derived from these declarations."""

from __future__ import annotations

from typing import Any

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
    "Prop",
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


class Prop:
    """A widget property: declared once on the class, validated on every assignment."""

    def __init__(
        self, kind: Kind, default: Any = None, *, affects: str = LAYOUT, doc: str = "", required: bool = False
    ) -> None:
        self.kind, self.default, self.affects, self.doc, self.required = kind, default, affects, doc, required
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._values.get(self.name, self.default)

    def __set__(self, obj: Any, value: Any) -> None:
        value = self.validate(value)
        if obj._values.get(self.name, self.default) == value and self.name in obj._values:
            return
        obj._values[self.name] = value
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
        if self.default is not None and not isinstance(self.default, tuple):
            out["default"] = self.default if not isinstance(self.default, Length) else str(self.default)
        return out
