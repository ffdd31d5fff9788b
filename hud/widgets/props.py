"""Declarative widget properties: each Prop knows its type, default, range, what a change
invalidates (layout or paint) and its documentation. Validation, JSON Schema and dirty
tracking are all derived from these declarations."""
from __future__ import annotations

import difflib
import math
import re
from typing import Any, Iterable

from hud.errors import FieldError, escape
from hud.geometry import Length, parse_length
from hud.limits import MAX_LENGTH_DEG, MAX_LENGTH_PX, MAX_TEXT_CHARS

LAYOUT = "layout"   # a change can move or resize things: re-measure and re-place
PAINT = "paint"     # a change only alters pixels inside the widget's box
NOTHING = "nothing"  # bookkeeping only (ids)


class Kind:
    """The type of a property value: converts user input or raises ValueError(problem, fix)."""

    def coerce(self, value: Any) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


_SURROGATE = re.compile("[\ud800-\udfff]")


class Str(Kind):
    """Text of at most `max_len` characters (MAX_TEXT_CHARS unless the field sets fewer)."""

    def __init__(self, max_len: int = MAX_TEXT_CHARS) -> None:
        self.max_len = max_len

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, got {show_value(value)}", "put the text in quotes")
        if len(value) > self.max_len:
            raise ValueError(f"is {len(value)} characters long, at most {self.max_len} allowed",
                             "shorten it, or split it over several widgets")
        surrogate = _SURROGATE.search(value)
        if surrogate:
            raise ValueError(f"has a lone surrogate \\u{ord(surrogate.group()):04x} at character {surrogate.start() + 1}, "
                             "which is not text", "send the text as valid UTF-8")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_len}


class Number(Kind):
    def __init__(self, low: float | None = None, high: float | None = None, integer: bool = False) -> None:
        self.low, self.high, self.integer = low, high, integer

    def coerce(self, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            word = "an integer" if self.integer else "a number"
            raise ValueError(f"must be {word}, got {show_value(value)}", "write it without quotes, e.g. 12")
        if not _fits_float(value):
            problem = f"must be {self._range()}, got {_num(value)}" if self._range() else f"must be a finite number, got {_num(value)}"
            raise ValueError(problem, f"use a value {self._range()}" if self._range() else "give a finite value")
        if self.integer and not float(value).is_integer():
            raise ValueError(f"must be a whole number, got {_num(value)}", "drop the fraction")
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValueError(f"must be {self._range()}, got {_num(value)}", f"use a value {self._range()}")
        return int(value) if self.integer else float(value) + 0.0   # + 0.0: -0.0 becomes 0.0

    def _range(self) -> str:
        if self.low is not None and self.high is not None:
            return f"between {_num(self.low)} and {_num(self.high)}"
        if self.low is not None:
            return f"at least {_num(self.low)}"
        return f"at most {_num(self.high)}" if self.high is not None else ""

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.low is not None:
            out["minimum"] = self.low
        if self.high is not None:
            out["maximum"] = self.high
        return out


class Bool(Kind):
    def coerce(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, got {show_value(value)}", "write true or false without quotes")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Choice(Kind):
    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = tuple(choices)

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            close = difflib.get_close_matches(str(value), self.choices, n=1)
            fix = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(self.choices)}"
            raise ValueError(f"must be one of {', '.join(self.choices)}, got {show_value(value)}", fix)
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


class LengthKind(Kind):
    """A length in px (number or "12px"), degrees of visual angle ("0.8deg") or percent.

    Every length is bounded: at most MAX_LENGTH_PX pixels and MAX_LENGTH_DEG degrees unless the
    field asks for less."""

    def __init__(self, auto: bool = False, percent: bool = True, low: float = 0.0,
                 roles: tuple[str, ...] = (), high_px: float = MAX_LENGTH_PX, high_deg: float = MAX_LENGTH_DEG) -> None:
        self.auto, self.percent, self.low, self.roles = auto, percent, low, roles
        self.highest = {"px": min(high_px, MAX_LENGTH_PX), "deg": min(high_deg, MAX_LENGTH_DEG), "%": 1000.0}

    def coerce(self, value: Any) -> Length | str | None:
        if value is None or (self.auto and value == "auto"):
            if self.auto:
                return None
        if isinstance(value, str) and value in self.roles:
            return value
        try:
            length = _parse(value, self.percent)
        except ValueError:
            extra = ", \"auto\"" if self.auto else ""
            roles = f" or one of {', '.join(self.roles)}" if self.roles else ""
            raise ValueError(f"must be a length like 12, \"12px\" or \"0.8deg\"{extra}{roles}, got {show_value(value)}",
                             "give a number of pixels or degrees") from None
        low = self.low if length.unit == "px" else min(self.low, 0.0)
        high = self.highest[length.unit]
        above_zero = self.low > 0 and length.unit != "px"   # e.g. a font size: more than 0deg
        if (not math.isfinite(length.value) or length.value < low or length.value > high
                or (above_zero and length.value <= 0)):
            span = _span(low, high, length.unit, above_zero)
            raise ValueError(f"must be {span}, got {show_value(value)}", f"use a value {span}")
        return length

    def schema(self) -> dict[str, Any]:
        units = "px|deg|%" if self.percent else "px|deg"
        options: list[dict[str, Any]] = [
            {"type": "number", "minimum": self.low, "maximum": self.highest["px"]},
            # Same strings as geometry.parse_length: "12", "12px", ".5deg", "0.8 deg".
            {"type": "string", "pattern": rf"^\s*-?(\d+(\.\d+)?|\.\d+)\s*({units})?\s*$"},
        ]
        enum = (["auto"] if self.auto else []) + list(self.roles)
        if enum:
            options.append({"type": "string", "enum": enum})
        return {"anyOf": options}


class EdgesKind(Kind):
    """Insets: one length, [vertical, horizontal] or [top, right, bottom, left], each between 0
    and MAX_LENGTH_PX px or MAX_LENGTH_DEG deg."""

    def coerce(self, value: Any) -> tuple[Length, Length, Length, Length]:
        items = list(value) if isinstance(value, (list, tuple)) and not isinstance(value, Length) else [value]
        if len(items) not in (1, 2, 4):
            raise ValueError(f"must be one length or a list of 2 or 4, got {show_value(value)}",
                             "e.g. 8, [8, 12] or [8, 12, 8, 12]")
        lengths = [bounded_length(item, signed=False) for item in items]
        if len(lengths) == 1:
            lengths *= 4
        elif len(lengths) == 2:
            lengths = [lengths[0], lengths[1], lengths[0], lengths[1]]
        return tuple(lengths)  # type: ignore[return-value]

    def schema(self) -> dict[str, Any]:
        one = LengthKind(percent=False).schema()
        return {"anyOf": [one, {"type": "array", "items": one, "minItems": 1, "maxItems": 4}]}


class OffsetKind(Kind):
    """An [x, y] shift in px or degrees, each within ±MAX_LENGTH_PX px or ±MAX_LENGTH_DEG deg."""

    def coerce(self, value: Any) -> tuple[Length, Length]:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ValueError(f"must be a list [x, y], got {show_value(value)}", "e.g. [0, -12] or [\"1deg\", 0]")
        x, y = (bounded_length(item, signed=True) for item in value)
        return (x, y)

    def schema(self) -> dict[str, Any]:
        one = {"anyOf": [{"type": "number", "minimum": -MAX_LENGTH_PX, "maximum": MAX_LENGTH_PX},
                         {"type": "string"}]}
        return {"type": "array", "items": one, "minItems": 2, "maxItems": 2}


def bounded_length(value: Any, signed: bool) -> Length:
    """A length in px or degrees within the global bounds (from 0, or from minus the bound when
    `signed`); ValueError(problem, fix) naming the allowed range otherwise."""
    try:
        length = _parse(value, percent=False)
    except ValueError:
        raise ValueError(f"must be a length like 12, \"12px\" or \"0.8deg\", got {show_value(value)}",
                         "use numbers of pixels or \"0.5deg\"") from None
    high = MAX_LENGTH_PX if length.unit == "px" else MAX_LENGTH_DEG
    low = -high if signed else 0.0
    if not math.isfinite(length.value) or not low <= length.value <= high:
        span = _span(low, high, length.unit)
        other = _span(-MAX_LENGTH_DEG if signed else 0.0, MAX_LENGTH_DEG, "deg") if length.unit == "px" else \
            _span(-MAX_LENGTH_PX if signed else 0.0, MAX_LENGTH_PX, "px")
        raise ValueError(f"must be {span} (or {other.removeprefix('between ')}), got {show_value(value)}",
                         f"use a value {span}")
    return length


_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class LanguageKind(Str):
    """A BCP 47 language tag such as en, zh-Hans, ja, ar, pt-BR."""

    def coerce(self, value: Any) -> str:
        text = super().coerce(value)
        if not _LANGUAGE.match(text):
            raise ValueError(f"must be a language tag like en, ja, ar or zh-Hans, got {show_value(value)}",
                             "use a BCP 47 tag")
        return text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _LANGUAGE.pattern}


COLOR_ROLES = ("fg", "dim", "accent", "alert", "good", "off")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class ColorKind(Kind):
    """A theme role (fg, dim, accent, alert, good, off), "#rrggbb", or an intensity 0..1."""

    def coerce(self, value: Any) -> str | float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if 0 <= value <= 1:
                return float(value)
            raise ValueError(f"intensity must be between 0 and 1, got {_num(value)}", "use 0 (off) to 1 (full)")
        if isinstance(value, str) and (value in COLOR_ROLES or _HEX.match(value)):
            return value
        close = difflib.get_close_matches(str(value), COLOR_ROLES, n=1)
        fix = f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(COLOR_ROLES)}, \"#rrggbb\" or 0..1"
        raise ValueError(f"must be a colour role, \"#rrggbb\" or an intensity 0..1, got {show_value(value)}", fix)

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "enum": list(COLOR_ROLES)},
                          {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                          {"type": "number", "minimum": 0, "maximum": 1}]}


class Optional(Kind):
    """Another kind, or nothing (None / absent)."""

    def __init__(self, inner: Kind) -> None:
        self.inner = inner

    def coerce(self, value: Any) -> Any:
        return None if value is None else self.inner.coerce(value)

    def schema(self) -> dict[str, Any]:
        return self.inner.schema()


class Record(Kind):
    """A small table of named fields, e.g. {store = "JD", price = 2499}."""

    def __init__(self, fields: dict[str, Kind], required: tuple[str, ...]) -> None:
        self.fields, self.required = fields, required

    def coerce(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError(f"must be a table like {{{', '.join(f'{k} = ...' for k in self.required)}}}, "
                             f"got {show_value(value)}", "write it as an inline table")
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in self.fields:
                close = difflib.get_close_matches(key, list(self.fields), n=1)
                raise _NestedError((key,), f"has unknown field '{key}'",
                                   f"did you mean '{close[0]}'?" if close else f"fields: {', '.join(self.fields)}")
            try:
                out[key] = self.fields[key].coerce(item)
            except ValueError as exc:
                raise _NestedError((key,), f"'{key}' {exc.args[0]}", exc.args[1] if len(exc.args) > 1 else "") from None
        for key in self.required:
            if key not in out:
                raise _NestedError((), f"is missing '{key}'", f"add {key} = ...")
        return out

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "properties": {k: v.schema() for k, v in self.fields.items()},
                "required": list(self.required), "additionalProperties": False}


class ListOf(Kind):
    def __init__(self, item: Kind, max_items: int = 64) -> None:
        self.item, self.max_items = item, max_items

    def coerce(self, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"must be a list, got {show_value(value)}", "write it as [ ... ]")
        if len(value) > self.max_items:
            raise ValueError(f"has {len(value)} items, at most {self.max_items} allowed", "remove some")
        out = []
        for index, item in enumerate(value):
            try:
                out.append(self.item.coerce(item))
            except _NestedError as exc:
                raise _NestedError((index, *exc.path), f"item {index + 1} {exc.args[0]}", exc.args[1]) from None
            except ValueError as exc:
                raise _NestedError((index,), f"item {index + 1} {exc.args[0]}",
                                   exc.args[1] if len(exc.args) > 1 else "") from None
        return tuple(out)

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema(), "maxItems": self.max_items}


class _NestedError(ValueError):
    """A problem inside a list or record, with the path below the field."""

    def __init__(self, path: tuple[str | int, ...], problem: str, fix: str) -> None:
        super().__init__(problem, fix)
        self.path = path


class Prop:
    """A widget property: declared once on the class, validated on every assignment."""

    def __init__(self, kind: Kind, default: Any = None, *, affects: str = LAYOUT, doc: str = "",
                 required: bool = False) -> None:
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
        except _NestedError as exc:
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


def _parse(value: Any, percent: bool) -> Length:
    """parse_length, with numbers too large for a float read as infinite (out of any range)."""
    try:
        length = parse_length(value, allow_percent=percent)
    except OverflowError:
        return Length(math.inf if value > 0 else -math.inf, "px")
    return Length(length.value + 0.0, length.unit)   # -0.0 becomes 0.0


def _span(low: float, high: float, unit: str, above_zero: bool = False) -> str:
    """The allowed range of a length, as a message says it: 'between 0 px and 8192 px'."""
    def shown(number: float) -> str:
        return _num(number) + (" px" if unit == "px" else unit)
    if above_zero:
        return f"more than {shown(0)} and at most {shown(high)}"
    return f"between {shown(low)} and {shown(high)}"


def _fits_float(value: float | int) -> bool:
    """A finite number a float can hold (huge TOML integers cannot)."""
    if isinstance(value, int):
        return abs(value) <= 1.7e308
    return math.isfinite(value)


def _num(value: float | int) -> str:
    """A number for a message: 10000000 rather than 1e+07; huge integers approximately."""
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) < 10**16:
            return str(value)
        digits = int(abs(value).bit_length() * math.log10(2))
        return f"{'-' if value < 0 else ''}about 1e{digits}"
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:g}"


def show_value(value: Any) -> str:
    """A user's value for a message: short, on one line, controls escaped."""
    if isinstance(value, str):
        text = '"' + value + '"'
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = _num(value)
    else:
        try:
            text = repr(value)
        except (ValueError, RecursionError):   # huge integers inside, or nesting too deep to show
            text = f"a {type(value).__name__}"
    text = escape(text[:60])
    return text if len(text) <= 40 else text[:37] + "..."
