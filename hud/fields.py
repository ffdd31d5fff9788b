"""Value kinds: what a declared value may be (type, range, choices), how user input becomes
that value, and its JSON Schema. Widget fields (hud.widgets.props) and device profile tables
(hud.devices) are declared with these kinds, so one set of declarations checks both.

A kind's `coerce` converts a value or raises ValueError(problem, fix); a problem inside a list
or table is a NestedError that also says where below the value it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from hud.errors import escape, suggest
from hud.geometry import Length, parse_length
from hud.limits import MAX_LENGTH_DEG, MAX_LENGTH_PX, MAX_TEXT_CHARS


class Range(NamedTuple):
    """The values a number may take: low..high, each end included unless it is open."""

    low: float
    high: float
    unit: str = ""
    low_open: bool = False
    high_open: bool = False

    def allows(self, value: float) -> bool:
        try:
            if not math.isfinite(value):
                return False
        except OverflowError:  # an integer too large for a float
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self) -> str:
        """The range in words: "at least 1 and at most 170 degrees"."""
        low = f"above {self.low:g}" if self.low_open else f"at least {self.low:g}"
        high = f"below {self.high:g}" if self.high_open else f"at most {self.high:g}"
        return f"{low} and {high}{' ' + self.unit if self.unit else ''}"


class Kind:
    """The type of a declared value: converts user input or raises ValueError(problem, fix).

    `value_types` are the types a TOML or JSON document gives for it; `coerce` may also take
    what code passes for them (a tuple for a list, a whole float for an integer)."""

    value_types: tuple[type, ...] = ()

    def coerce(self, value: Any) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


_SURROGATE = re.compile("[\ud800-\udfff]")


class Str(Kind):
    """Text of at most `max_len` characters (MAX_TEXT_CHARS unless the field sets fewer); all of
    it matching `pattern` when one is given."""

    value_types = (str,)

    def __init__(self, max_len: int = MAX_TEXT_CHARS, *, pattern: re.Pattern[str] | None = None) -> None:
        self.max_len, self.pattern = max_len, pattern

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, got {show_value(value)}", "put the text in quotes")
        if len(value) > self.max_len:
            raise ValueError(
                f"is {len(value)} characters long, at most {self.max_len} allowed",
                "shorten it, or split it over several widgets",
            )
        surrogate = _SURROGATE.search(value)
        if surrogate:
            raise ValueError(
                f"has a lone surrogate \\u{ord(surrogate.group()):04x} at character {surrogate.start() + 1}, "
                "which is not text",
                "send the text as valid UTF-8",
            )
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise ValueError(f"must match {self.pattern.pattern}, got {show_value(value)}", "fix the value")
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "maxLength": self.max_len}
        if self.pattern is not None:
            out["pattern"] = f"^(?:{self.pattern.pattern})$"
        return out


class Number(Kind):
    """A number from `low` to `high` (either may be None: unbounded), each end included unless
    `low_open` / `high_open`; an integer when `integer`. `unit` names what it counts ("px",
    "Hz") in messages."""

    def __init__(
        self,
        low: float | None = None,
        high: float | None = None,
        integer: bool = False,
        *,
        unit: str = "",
        low_open: bool = False,
        high_open: bool = False,
    ) -> None:
        self.low, self.high, self.integer = low, high, integer
        self.unit, self.low_open, self.high_open = unit, low_open, high_open
        self.value_types = (int,) if integer else (int, float)

    @property
    def range(self) -> Range:
        """The declared range (an unbounded end is infinite)."""
        return Range(
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
            self.unit,
            self.low_open,
            self.high_open,
        )

    def coerce(self, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            word = "an integer" if self.integer else "a number"
            raise ValueError(f"must be {word}, got {show_value(value)}", "write it without quotes, e.g. 12")
        if not _fits_float(value):
            problem = (
                f"must be {self._range()}, got {_num(value)}"
                if self._range()
                else f"must be a finite number, got {_num(value)}"
            )
            raise ValueError(problem, f"use a value {self._range()}" if self._range() else "give a finite value")
        if self.integer and not float(value).is_integer():
            raise ValueError(f"must be a whole number, got {_num(value)}", "drop the fraction")
        if not self.range.allows(value):
            raise ValueError(f"must be {self._range()}, got {_num(value)}", f"use a value {self._range()}")
        return int(value) if self.integer else float(value) + 0.0  # + 0.0: -0.0 becomes 0.0

    def _range(self) -> str:
        """The range as a field's message says it: "between 0 and 1", "at least 1 px"."""
        unit = f" {self.unit}" if self.unit else ""
        low = "" if self.low is None else f"{'more than' if self.low_open else 'at least'} {_num(self.low)}"
        high = "" if self.high is None else f"{'less than' if self.high_open else 'at most'} {_num(self.high)}"
        if self.low is not None and self.high is not None and not (self.low_open or self.high_open):
            return f"between {_num(self.low)} and {_num(self.high)}{unit}"
        words = " and ".join(filter(None, (low, high)))
        return words + unit if words else ""

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.low is not None:
            out["exclusiveMinimum" if self.low_open else "minimum"] = self.low
        if self.high is not None:
            out["exclusiveMaximum" if self.high_open else "maximum"] = self.high
        return out


class Bool(Kind):
    value_types = (bool,)

    def coerce(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, got {show_value(value)}", "write true or false without quotes")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Choice(Kind):
    value_types = (str,)

    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = tuple(choices)

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            fix = suggest(value, self.choices, f"use one of: {', '.join(self.choices)}")
            raise ValueError(f"must be one of {', '.join(self.choices)}, got {show_value(value)}", fix)
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


class LengthKind(Kind):
    """A length in px (number or "12px"), degrees of visual angle ("0.8deg") or percent.

    Every length is bounded: at most MAX_LENGTH_PX pixels and MAX_LENGTH_DEG degrees unless the
    field asks for less."""

    value_types = (int, float, str)

    def __init__(
        self,
        auto: bool = False,
        percent: bool = True,
        low: float = 0.0,
        roles: tuple[str, ...] = (),
        high_px: float = MAX_LENGTH_PX,
        high_deg: float = MAX_LENGTH_DEG,
    ) -> None:
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
            extra = ', "auto"' if self.auto else ""
            roles = f" or one of {', '.join(self.roles)}" if self.roles else ""
            raise ValueError(
                f'must be a length like 12, "12px" or "0.8deg"{extra}{roles}, got {show_value(value)}',
                "give a number of pixels or degrees",
            ) from None
        low = self.low if length.unit == "px" else min(self.low, 0.0)
        high = self.highest[length.unit]
        above_zero = self.low > 0 and length.unit != "px"  # e.g. a font size: more than 0deg
        if (
            not math.isfinite(length.value)
            or length.value < low
            or length.value > high
            or (above_zero and length.value <= 0)
        ):
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

    value_types = (int, float, str, list)

    def coerce(self, value: Any) -> tuple[Length, Length, Length, Length]:
        items = list(value) if isinstance(value, (list, tuple)) and not isinstance(value, Length) else [value]
        if len(items) not in (1, 2, 4):
            raise ValueError(
                f"must be one length or a list of 2 or 4, got {show_value(value)}", "e.g. 8, [8, 12] or [8, 12, 8, 12]"
            )
        lengths = [bounded_length(item, signed=False) for item in items]
        if len(lengths) == 1:
            lengths *= 4
        elif len(lengths) == 2:
            lengths = [lengths[0], lengths[1], lengths[0], lengths[1]]
        top, right, bottom, left = lengths
        return top, right, bottom, left

    def schema(self) -> dict[str, Any]:
        one = LengthKind(percent=False).schema()
        return {"anyOf": [one, {"type": "array", "items": one, "minItems": 1, "maxItems": 4}]}


class OffsetKind(Kind):
    """An [x, y] shift in px or degrees, each within ±MAX_LENGTH_PX px or ±MAX_LENGTH_DEG deg."""

    value_types = (list,)

    def coerce(self, value: Any) -> tuple[Length, Length]:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ValueError(f"must be a list [x, y], got {show_value(value)}", 'e.g. [0, -12] or ["1deg", 0]')
        x, y = (bounded_length(item, signed=True) for item in value)
        return (x, y)

    def schema(self) -> dict[str, Any]:
        one = {"anyOf": [{"type": "number", "minimum": -MAX_LENGTH_PX, "maximum": MAX_LENGTH_PX}, {"type": "string"}]}
        return {"type": "array", "items": one, "minItems": 2, "maxItems": 2}


def bounded_length(value: Any, signed: bool) -> Length:
    """A length in px or degrees within the global bounds (from 0, or from minus the bound when
    `signed`); ValueError(problem, fix) naming the allowed range otherwise."""
    try:
        length = _parse(value, percent=False)
    except ValueError:
        raise ValueError(
            f'must be a length like 12, "12px" or "0.8deg", got {show_value(value)}',
            'use numbers of pixels or "0.5deg"',
        ) from None
    high = MAX_LENGTH_PX if length.unit == "px" else MAX_LENGTH_DEG
    low = -high if signed else 0.0
    if not math.isfinite(length.value) or not low <= length.value <= high:
        span = _span(low, high, length.unit)
        other = (
            _span(-MAX_LENGTH_DEG if signed else 0.0, MAX_LENGTH_DEG, "deg")
            if length.unit == "px"
            else _span(-MAX_LENGTH_PX if signed else 0.0, MAX_LENGTH_PX, "px")
        )
        raise ValueError(
            f"must be {span} (or {other.removeprefix('between ')}), got {show_value(value)}", f"use a value {span}"
        )
    return length


_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class LanguageKind(Str):
    """A BCP 47 language tag such as en, zh-Hans, ja, ar, pt-BR."""

    def coerce(self, value: Any) -> str:
        text = super().coerce(value)
        if not _LANGUAGE.match(text):
            raise ValueError(
                f"must be a language tag like en, ja, ar or zh-Hans, got {show_value(value)}", "use a BCP 47 tag"
            )
        return text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _LANGUAGE.pattern}


COLOR_ROLES = ("fg", "dim", "accent", "alert", "good", "off")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class ColorKind(Kind):
    """A theme role (fg, dim, accent, alert, good, off), "#rrggbb", or an intensity 0..1."""

    value_types = (str, int, float)

    def coerce(self, value: Any) -> str | float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if 0 <= value <= 1:
                return float(value)
            raise ValueError(f"intensity must be between 0 and 1, got {_num(value)}", "use 0 (off) to 1 (full)")
        if isinstance(value, str) and (value in COLOR_ROLES or _HEX.match(value)):
            return value
        fix = suggest(value, COLOR_ROLES, f'use one of {", ".join(COLOR_ROLES)}, "#rrggbb" or 0..1')
        raise ValueError(f'must be a colour role, "#rrggbb" or an intensity 0..1, got {show_value(value)}', fix)

    def schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "string", "enum": list(COLOR_ROLES)},
                {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                {"type": "number", "minimum": 0, "maximum": 1},
            ]
        }


class Optional(Kind):
    """Another kind, or nothing (None / absent)."""

    def __init__(self, inner: Kind) -> None:
        self.inner = inner
        self.value_types = inner.value_types

    def coerce(self, value: Any) -> Any:
        return None if value is None else self.inner.coerce(value)

    def schema(self) -> dict[str, Any]:
        return self.inner.schema()


class Record(Kind):
    """A small table of named fields, e.g. {store = "JD", price = 2499}."""

    value_types = (dict,)

    def __init__(self, fields: dict[str, Kind], required: tuple[str, ...] = ()) -> None:
        self.fields, self.required = fields, required

    def coerce(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError(
                f"must be a table like {{{', '.join(f'{k} = ...' for k in self.required)}}}, got {show_value(value)}",
                "write it as an inline table",
            )
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in self.fields:
                raise NestedError(
                    (key,), f"has unknown field '{key}'", suggest(key, self.fields, f"fields: {', '.join(self.fields)}")
                )
            try:
                out[key] = self.fields[key].coerce(item)
            except ValueError as exc:
                raise NestedError((key,), f"'{key}' {exc.args[0]}", exc.args[1] if len(exc.args) > 1 else "") from None
        for key in self.required:
            if key not in out:
                raise NestedError((), f"is missing '{key}'", f"add {key} = ...")
        return out

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {k: v.schema() for k, v in self.fields.items()},
            "required": list(self.required),
            "additionalProperties": False,
        }


class ListOf(Kind):
    """A list of `min_items` to `max_items` values of one kind; with `unique`, none twice."""

    value_types = (list,)

    def __init__(self, item: Kind, max_items: int = 64, *, min_items: int = 0, unique: bool = False) -> None:
        self.item, self.max_items, self.min_items, self.unique = item, max_items, min_items, unique

    def coerce(self, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"must be a list, got {show_value(value)}", "write it as [ ... ]")
        if len(value) > self.max_items:
            raise ValueError(f"has {len(value)} items, at most {self.max_items} allowed", "remove some")
        if len(value) < self.min_items:
            raise ValueError(f"has {len(value)} items, at least {self.min_items} needed", "add some")
        out: list[Any] = []
        for index, item in enumerate(value):
            try:
                converted = self.item.coerce(item)
            except NestedError as exc:
                raise NestedError((index, *exc.path), f"item {index + 1} {exc.args[0]}", exc.args[1]) from None
            except ValueError as exc:
                raise NestedError(
                    (index,), f"item {index + 1} {exc.args[0]}", exc.args[1] if len(exc.args) > 1 else ""
                ) from None
            if self.unique and converted in out:
                raise NestedError((index,), f"item {index + 1} repeats {show_value(item)}", "list each value once")
            out.append(converted)
        return tuple(out)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema(), "maxItems": self.max_items}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.unique:
            out["uniqueItems"] = True
        return out


class NestedError(ValueError):
    """A problem inside a list or record, with the path below the field."""

    def __init__(self, path: tuple[str | int, ...], problem: str, fix: str) -> None:
        super().__init__(problem, fix)
        self.path = path


def _parse(value: Any, percent: bool) -> Length:
    """parse_length, with numbers too large for a float read as infinite (out of any range)."""
    try:
        length = parse_length(value, allow_percent=percent)
    except OverflowError:
        return Length(math.inf if value > 0 else -math.inf, "px")
    return Length(length.value + 0.0, length.unit)  # -0.0 becomes 0.0


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
        except (ValueError, RecursionError):  # huge integers inside, or nesting too deep to show
            text = f"a {type(value).__name__}"
    text = escape(text[:60])
    return text if len(text) <= 40 else text[:37] + "..."
