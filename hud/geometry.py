"""Immutable geometry: points, sizes, rectangles, edge insets and lengths in px or degrees."""

from __future__ import annotations

import re
from typing import NamedTuple


class Size(NamedTuple):
    """A width and height in pixels."""

    w: int
    h: int


class Rect(NamedTuple):
    """An axis-aligned rectangle in pixels; x, y is the top-left corner."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def area(self) -> int:
        return max(self.w, 0) * max(self.h, 0)

    @property
    def empty(self) -> bool:
        return self.w <= 0 or self.h <= 0

    def translate(self, dx: int, dy: int) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.w, self.h)

    def inset(self, edges: Edges) -> Rect:
        """This rectangle shrunk by `edges` (never below zero size)."""
        w = max(self.w - edges.left - edges.right, 0)
        h = max(self.h - edges.top - edges.bottom, 0)
        return Rect(self.x + edges.left, self.y + edges.top, w, h)

    def intersect(self, other: Rect) -> Rect:
        x0, y0 = max(self.x, other.x), max(self.y, other.y)
        x1, y1 = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(x0, y0, max(x1 - x0, 0), max(y1 - y0, 0))

    def union(self, other: Rect) -> Rect:
        if self.empty:
            return other
        if other.empty:
            return self
        x0, y0 = min(self.x, other.x), min(self.y, other.y)
        x1, y1 = max(self.right, other.right), max(self.bottom, other.bottom)
        return Rect(x0, y0, x1 - x0, y1 - y0)


class Edges(NamedTuple):
    """Insets on four sides (CSS order: top, right, bottom, left), in pixels."""

    top: int = 0
    right: int = 0
    bottom: int = 0
    left: int = 0

    @property
    def horizontal(self) -> int:
        return self.left + self.right

    @property
    def vertical(self) -> int:
        return self.top + self.bottom


class Length(NamedTuple):
    """A length as written by a designer: a number and a unit ('px', 'deg' or '%')."""

    value: float
    unit: str = "px"

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return number + ("" if self.unit == "px" else self.unit)


_LENGTH_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*(px|deg|%)?\s*$")


def parse_length(value: object, *, allow_percent: bool = True) -> Length:
    """Parse `12`, `12.5`, `"12px"`, `"0.8deg"` or `"50%"` into a Length.

    Raises ValueError with a message suitable for a scene error.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a length, got {value!r}")
    if isinstance(value, (int, float)):
        return Length(float(value), "px")
    if isinstance(value, Length):
        return value
    if isinstance(value, str):
        match = _LENGTH_RE.match(value)
        if match:
            unit = match.group(2) or "px"
            if unit == "%" and not allow_percent:
                raise ValueError(f"percentages are not allowed here, got {value!r}")
            return Length(float(match.group(1)), unit)
    raise ValueError(f'expected a length like 12, "12px" or "0.8deg", got {value!r}')
