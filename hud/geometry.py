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
        x, y, w, h = self
        return _new_rect(Rect, (x + dx, y + dy, w, h))

    def inset(self, edges: Edges) -> Rect:
        """This rectangle shrunk by `edges` (never below zero size)."""
        w = max(self.w - edges.left - edges.right, 0)
        h = max(self.h - edges.top - edges.bottom, 0)
        return Rect(self.x + edges.left, self.y + edges.top, w, h)

    def intersect(self, other: Rect) -> Rect:
        ax, ay, aw, ah = self
        bx, by, bw, bh = other
        x0, y0 = ax if ax > bx else bx, ay if ay > by else by
        x1, y1 = min(ax + aw, bx + bw), min(ay + ah, by + bh)
        return _new_rect(Rect, (x0, y0, x1 - x0 if x1 > x0 else 0, y1 - y0 if y1 > y0 else 0))

    def union(self, other: Rect) -> Rect:
        ax, ay, aw, ah = self
        bx, by, bw, bh = other
        if aw <= 0 or ah <= 0:
            return other
        if bw <= 0 or bh <= 0:
            return self
        x0, y0 = min(ax, bx), min(ay, by)
        return _new_rect(Rect, (x0, y0, max(ax + aw, bx + bw) - x0, max(ay + ah, by + bh) - y0))


_new_rect = tuple.__new__  # a Rect from a tuple of its four fields, without NamedTuple's argument parsing


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
