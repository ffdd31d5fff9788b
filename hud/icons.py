"""Vector icon set for HUD widgets: pure data, no rendering.

Every icon is a tuple of :class:`IconPath` in a 24x24 design grid (x right,
y down).  Waveguide displays halate filled areas, so icons are drawn almost
entirely as heavy strokes: renderers stroke the open/closed polylines with
``STROKE_WIDTH`` grid units (scaled with the icon) using round caps and joins,
and fill the few ``filled`` paths (small dots, the battery level bar).
Shapes keep about 2 units of margin so a round-capped stroke stays in 0..24.

Arrowheads are always open stroked chevrons (arms at 45 degrees), for the
plain arrows and the navigation maneuvers alike.  Arcs and circles are
polylines with at most 10 degrees per segment.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from hud.errors import closest

__all__ = [
    "ICON_NAMES",
    "MANEUVERS",
    "ROUNDABOUT_EXIT_ANGLES",
    "STROKE_WIDTH",
    "IconPath",
    "icon_paths",
]

Point = tuple[float, float]


class IconPath(NamedTuple):
    """One path of an icon in a 24x24 design grid (x right, y down)."""

    points: tuple[tuple[float, float], ...]
    closed: bool  # closed outline (last point joins the first)
    filled: bool  # True: filled polygon; False: stroked polyline


STROKE_WIDTH: float = 2.5
"""Stroke width in grid units for stroked paths (scaled with the icon)."""

MANEUVERS: tuple[str, ...] = (
    "straight",
    "slight-left",
    "left",
    "sharp-left",
    "slight-right",
    "right",
    "sharp-right",
    "u-turn",
    "roundabout",
    "arrive",
)

GRID = 24.0
_MAX_ARC_STEP = 10.0  # degrees per polyline segment
_HEAD_ARM = 5.5  # chevron arm length of every arrowhead
_HEAD_ANGLE = 45.0  # angle between an arm and the shaft

# --------------------------------------------------------------------------
# geometry helpers
# --------------------------------------------------------------------------


def _pt(x: float, y: float) -> Point:
    """A grid point rounded to 3 decimals (``+ 0.0`` folds ``-0.0``)."""
    return (round(x, 3) + 0.0, round(y, 3) + 0.0)


def _arc(cx: float, cy: float, r: float, start_deg: float, end_deg: float) -> list[Point]:
    """Points of an arc, both ends included, at most 10 degrees per segment.

    Angles are screen angles: 0 = +x (right), 90 = +y (down), so increasing
    angles turn clockwise on screen.  ``end_deg < start_deg`` runs backwards.
    """
    sweep = end_deg - start_deg
    steps = max(1, math.ceil(abs(sweep) / _MAX_ARC_STEP - 1e-9))
    points = []
    for i in range(steps + 1):
        a = math.radians(start_deg + sweep * i / steps)
        points.append(_pt(cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def _circle(cx: float, cy: float, r: float, *, filled: bool = False) -> IconPath:
    """A closed circle outline (or a filled disc)."""
    return IconPath(tuple(_arc(cx, cy, r, 0.0, 360.0)[:-1]), True, filled)


def _dot(cx: float, cy: float, r: float = 1.6) -> IconPath:
    """A small filled disc (the dot of '!' and 'i', pin centres)."""
    return _circle(cx, cy, r, filled=True)


def _line(*points: Point) -> IconPath:
    """An open stroked polyline."""
    return IconPath(tuple(_pt(x, y) for x, y in points), False, False)


def _outline(points: list[Point]) -> IconPath:
    """A closed stroked outline."""
    return IconPath(tuple(_pt(x, y) for x, y in points), True, False)


def _filled(points: list[Point]) -> IconPath:
    """A filled polygon."""
    return IconPath(tuple(_pt(x, y) for x, y in points), True, True)


def _direction(heading_deg: float) -> Point:
    """Unit vector of a heading measured clockwise from up (0 = up, 90 = right)."""
    h = math.radians(heading_deg)
    return (math.sin(h), -math.cos(h))


def _chevron(tip: Point, heading_deg: float, arm: float = _HEAD_ARM) -> IconPath:
    """Open arrowhead at ``tip`` pointing along ``heading_deg`` (clockwise from up)."""
    ends = []
    for side in (-1.0, 1.0):
        dx, dy = _direction(heading_deg + 180.0 + side * _HEAD_ANGLE)
        ends.append((tip[0] + arm * dx, tip[1] + arm * dy))
    return _line(ends[0], tip, ends[1])


def _rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> list[Point]:
    """Clockwise outline of a rectangle with rounded corners of radius ``r``."""
    return (
        _arc(x0 + r, y0 + r, r, 180.0, 270.0)
        + _arc(x1 - r, y0 + r, r, 270.0, 360.0)
        + _arc(x1 - r, y1 - r, r, 0.0, 90.0)
        + _arc(x0 + r, y1 - r, r, 90.0, 180.0)
    )


def _rotate(paths: tuple[IconPath, ...], quarter_turns: int) -> tuple[IconPath, ...]:
    """Rotate paths clockwise about the grid centre by 90-degree steps."""
    c = GRID / 2
    out = []
    for path in paths:
        points = path.points
        for _ in range(quarter_turns % 4):
            points = tuple(_pt(c - (y - c), c + (x - c)) for x, y in points)
        out.append(path._replace(points=points))
    return tuple(out)


# --------------------------------------------------------------------------
# arrows and maneuvers
# --------------------------------------------------------------------------


def _arrow_up() -> tuple[IconPath, ...]:
    """Plain up arrow: shaft + chevron head."""
    tip = (12.0, 3.0)
    return (_line((12.0, 21.0), tip), _chevron(tip, 0.0))


def _turn_arrow(start_x: float, bend_y: float, turn_deg: float, radius: float, leg: float) -> tuple[IconPath, ...]:
    """A maneuver arrow: a shaft up from the bottom, a rounded bend, a head.

    The shaft rises from ``(start_x, 21)`` to ``(start_x, bend_y)``, bends by
    ``turn_deg`` (positive = right, negative = left) along an arc of
    ``radius`` and continues ``leg`` units in the new heading to the tip.
    """
    side = 1.0 if turn_deg >= 0 else -1.0
    cx, cy = start_x + side * radius, bend_y
    points: list[Point] = [(start_x, 21.0)]
    steps = max(1, math.ceil(abs(turn_deg) / _MAX_ARC_STEP - 1e-9))
    for i in range(steps + 1):
        h = math.radians(turn_deg * i / steps)
        # Where the heading is h, the centre lies `radius` away along the
        # normal on the turning side, i.e. side * (cos h, sin h).
        points.append((cx - side * radius * math.cos(h), cy - side * radius * math.sin(h)))
    dx, dy = _direction(turn_deg)
    end_x, end_y = points[-1]
    tip = (end_x + leg * dx, end_y + leg * dy)
    points.append(tip)
    return (_line(*points), _chevron(tip, turn_deg))


# Maneuver shapes for right turns: (start_x, bend_y, turn_deg, radius, leg).
# The shaft is shifted away from the turn so the whole glyph stays centred.
_TURNS: dict[str, tuple[float, float, float, float, float]] = {
    "slight": (10.0, 13.0, 45.0, 5.0, 6.5),
    "normal": (8.0, 12.0, 90.0, 4.0, 7.5),
    "sharp": (7.0, 8.5, 135.0, 3.5, 10.0),
}


def _maneuver(kind: str, side: float) -> tuple[IconPath, ...]:
    """A turn maneuver; ``side`` is +1 for right, -1 for left."""
    start_x, bend_y, turn, radius, leg = _TURNS[kind]
    return _turn_arrow(12.0 + side * (start_x - 12.0), bend_y, side * turn, radius, leg)


def _u_turn() -> tuple[IconPath, ...]:
    """Left-hand U-turn: up on the right, a round 180-degree arc, down on the left."""
    return _turn_arrow(16.0, 9.5, -180.0, 4.0, 7.5)


def _straight() -> tuple[IconPath, ...]:
    """Straight ahead: the plain up arrow."""
    return _arrow_up()


ROUNDABOUT_EXIT_ANGLES: dict[int, float] = {
    1: 90.0,  # right
    2: 0.0,  # straight ahead
    3: -90.0,  # left
    4: -135.0,  # back (down-left: straight down would hide in the entry)
    5: 45.0,  # up-right: the gap after exit 1
    6: -45.0,  # up-left: the gap after exit 2
    7: -112.5,  # left, slightly down: the gap after exit 3
    8: 135.0,  # down-right: the gap after exit 4 (wrapping round past the entry)
}
"""Exit number -> direction of the exit spoke, degrees clockwise from up."""

_RING_CENTRE = (12.0, 11.5)
_RING_RADIUS = 3.5
_THIN_RING_WIDTH = 1.2  # the part of the ring the route does not use


def _annulus_sector(cx: float, cy: float, r: float, width: float, start: float, end: float) -> IconPath:
    """A thin filled band along an arc (screen angles, as for `_arc`)."""
    outer = _arc(cx, cy, r + width / 2, start, end)
    inner = _arc(cx, cy, r - width / 2, end, start)
    return _filled(outer + inner)


def _roundabout(exit: int) -> tuple[IconPath, ...]:
    """Roundabout in the style of navigation apps.

    One thick route comes up from the bottom, runs counter-clockwise round
    the ring (right-hand traffic) and leaves along the exit spoke to an
    arrowhead; the rest of the ring is a thin filled band.
    """
    cx, cy = _RING_CENTRE
    heading = ROUNDABOUT_EXIT_ANGLES[exit]
    dx, dy = _direction(heading)
    entry_angle = 90.0  # screen angle of the ring's bottom
    exit_angle = heading - 90.0  # screen angle where the spoke leaves
    # Spokes pointing down are longer, so their heads clear the entry shaft.
    reach = 9.0 + 2.5 * max(0.0, dy)
    tip = (cx + reach * dx, cy + reach * dy)
    route = [(12.0, 21.0)] + _arc(cx, cy, _RING_RADIUS, entry_angle, exit_angle) + [tip]
    rest = _annulus_sector(cx, cy, _RING_RADIUS, _THIN_RING_WIDTH, exit_angle, entry_angle - 360.0)
    return (rest, _line(*route), _chevron(tip, heading, 4.0))


# --------------------------------------------------------------------------
# UI icons
# --------------------------------------------------------------------------


def _pin_outline(cx: float, cy: float, r: float, tip_y: float) -> IconPath:
    """Teardrop map-pin outline: a circle head tapering to a point at the bottom."""
    spread = math.degrees(math.acos(r / (tip_y - cy)))
    head = _arc(cx, cy, r, 90.0 + spread, 450.0 - spread)
    return _outline(head + [(cx, tip_y)])


def _pin() -> tuple[IconPath, ...]:
    """Map pin: teardrop outline with an inner circle."""
    return (_pin_outline(12.0, 9.5, 7.0, 21.5), _circle(12.0, 9.5, 2.5))


def _arrive() -> tuple[IconPath, ...]:
    """Destination: a map pin with a solid dot standing on a ground line."""
    return (
        _pin_outline(12.0, 8.5, 6.0, 18.5),
        _dot(12.0, 8.5, 2.2),
        _line((5.5, 21.5), (18.5, 21.5)),
    )


def _cart() -> tuple[IconPath, ...]:
    """Shopping cart: handle, basket and two wheels."""
    return (
        _line((2.5, 3.5), (5.0, 3.5), (7.5, 15.0), (18.5, 15.0), (21.0, 7.0), (6.0, 7.0)),
        _dot(9.5, 19.5, 1.9),
        _dot(17.0, 19.5, 1.9),
    )


def _bell() -> tuple[IconPath, ...]:
    """Bell: flared dome, clapper arc below, small knob on top."""
    body = [(3.5, 17.5), (6.0, 14.5)] + _arc(12.0, 10.5, 6.0, 180.0, 360.0) + [(18.0, 14.5), (20.5, 17.5)]
    return (
        _outline(body),
        _line(*_arc(12.0, 18.5, 2.5, 0.0, 180.0)),
        _line((12.0, 4.5), (12.0, 2.5)),
    )


def _mic() -> tuple[IconPath, ...]:
    """Microphone: capsule, U-shaped holder, stand and base."""
    capsule = _arc(12.0, 5.5, 3.0, 180.0, 360.0) + _arc(12.0, 10.5, 3.0, 0.0, 180.0)
    holder = [(5.5, 9.0)] + _arc(12.0, 10.5, 6.5, 180.0, 0.0) + [(18.5, 9.0)]
    return (
        _outline(capsule),
        _line(*holder),
        _line((12.0, 17.0), (12.0, 21.0)),
        _line((8.0, 21.0), (16.0, 21.0)),
    )


def _battery() -> tuple[IconPath, ...]:
    """Battery: rounded body, terminal tip and a filled (half) level bar."""
    return (
        _outline(_rounded_rect(2.5, 6.5, 19.0, 17.5, 2.0)),
        _line((21.5, 10.0), (21.5, 14.0)),
        _filled([(5.5, 9.5), (12.0, 9.5), (12.0, 14.5), (5.5, 14.5)]),
    )


def _wallet() -> tuple[IconPath, ...]:
    """Wallet: rounded body, a card peeking out, and a clasp on the right."""
    clasp = [(20.5, 10.0)] + _arc(16.5, 12.5, 2.5, 270.0, 90.0) + [(20.5, 15.0)]
    return (
        _outline(_rounded_rect(2.5, 6.5, 20.5, 20.0, 2.5)),
        _line((5.5, 6.5), (15.5, 3.0), (17.0, 6.5)),
        _line(*clasp),
    )


def _plane() -> tuple[IconPath, ...]:
    """Airplane seen from above, nose up, as a stroked outline."""
    right = [
        (14.0, 9.0),
        (21.0, 13.5),
        (21.0, 15.5),
        (14.0, 13.5),
        (14.0, 17.5),
        (16.5, 19.5),
        (16.5, 21.0),
        (12.0, 20.0),
    ]
    nose = _arc(12.0, 4.5, 2.0, 180.0, 360.0)
    left = [(GRID - x, y) for x, y in reversed(right[:-1])]
    return (_outline(nose + right + left),)


def _message() -> tuple[IconPath, ...]:
    """Speech bubble with a tail at the bottom left."""
    x0, y0, x1, y1, r = 2.5, 3.5, 21.5, 16.5, 3.0
    outline = (
        _arc(x0 + r, y0 + r, r, 180.0, 270.0)
        + _arc(x1 - r, y0 + r, r, 270.0, 360.0)
        + _arc(x1 - r, y1 - r, r, 0.0, 90.0)
        + [(11.0, y1), (6.5, 21.0), (6.5, y1)]
        + _arc(x0 + r, y1 - r, r, 90.0, 180.0)
    )
    return (_outline(outline),)


def _check() -> tuple[IconPath, ...]:
    """Check mark."""
    return (_line((4.0, 12.5), (9.5, 18.0), (20.0, 6.5)),)


def _star() -> tuple[IconPath, ...]:
    """Five-point star outline, visually centred."""
    cx, cy, outer, inner = 12.0, 12.8, 9.5, 4.3
    points = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = math.radians(-90.0 + 36.0 * k)
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return (_outline(points),)


def _alert() -> tuple[IconPath, ...]:
    """Warning triangle with an exclamation mark."""
    return (
        _outline([(12.0, 3.0), (21.5, 20.0), (2.5, 20.0)]),
        _line((12.0, 9.0), (12.0, 13.0)),
        _dot(12.0, 16.6),
    )


def _clock() -> tuple[IconPath, ...]:
    """Clock face with hour and minute hands."""
    return (_circle(12.0, 12.0, 9.5), _line((12.0, 6.5), (12.0, 12.0), (16.0, 14.5)))


def _info() -> tuple[IconPath, ...]:
    """Information: circle with a lowercase i."""
    return (_circle(12.0, 12.0, 9.5), _dot(12.0, 7.5), _line((12.0, 11.0), (12.0, 16.5)))


# --------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------

_BUILDERS: dict[str, Callable[[], tuple[IconPath, ...]]] = {
    "arrow-up": _arrow_up,
    "arrow-right": lambda: _rotate(_arrow_up(), 1),
    "arrow-down": lambda: _rotate(_arrow_up(), 2),
    "arrow-left": lambda: _rotate(_arrow_up(), 3),
    "straight": _straight,
    "slight-right": lambda: _maneuver("slight", 1.0),
    "right": lambda: _maneuver("normal", 1.0),
    "sharp-right": lambda: _maneuver("sharp", 1.0),
    "slight-left": lambda: _maneuver("slight", -1.0),
    "left": lambda: _maneuver("normal", -1.0),
    "sharp-left": lambda: _maneuver("sharp", -1.0),
    "u-turn": _u_turn,
    "arrive": _arrive,
    "pin": _pin,
    "cart": _cart,
    "bell": _bell,
    "mic": _mic,
    "battery": _battery,
    "wallet": _wallet,
    "plane": _plane,
    "message": _message,
    "check": _check,
    "star": _star,
    "alert": _alert,
    "clock": _clock,
    "info": _info,
}

_DEFAULT_EXIT = 2

ICON_NAMES: tuple[str, ...] = tuple(sorted([*_BUILDERS, "roundabout"]))


@cache
def _built(name: str, exit: int) -> tuple[IconPath, ...]:
    """An icon's paths, built once, on first use (`exit`: the roundabout's exit, else 0)."""
    return _roundabout(exit) if name == "roundabout" else _BUILDERS[name]()


def icon_paths(name: str, *, exit: int | None = None) -> tuple[IconPath, ...]:
    """Paths of icon `name`; `exit` (1..8) only for 'roundabout'.

    Raises KeyError with the closest valid name in the message for unknown
    names, ValueError for a bad exit.  Roundabout traffic runs
    counter-clockwise (right-hand traffic); the exit spoke leaves the ring at
    ``ROUNDABOUT_EXIT_ANGLES[exit]`` degrees clockwise from up: 1 right (90),
    2 straight (0, the default), 3 left (-90), 4 back (-135, down-left, as
    straight down would hide in the entry); exit 4 + k sits midway in the gap
    after exit k going counter-clockwise: 5 up-right (45), 6 up-left (-45),
    7 left-down (-112.5), 8 down-right (135, wrapping round past the entry).
    The route is drawn thick along the ring from the entry to the exit.
    """
    if name == "roundabout":
        if exit is None:
            exit = _DEFAULT_EXIT
        if isinstance(exit, bool) or not isinstance(exit, int) or exit not in ROUNDABOUT_EXIT_ANGLES:
            raise ValueError(f"roundabout exit must be an int in 1..8, got {exit!r}")
        return _built(name, exit)
    if not isinstance(name, str) or name not in _BUILDERS:
        match = closest(name, ICON_NAMES, cutoff=0.0)
        hint = f"; did you mean {match!r}?" if match is not None else ""
        raise KeyError(f"unknown icon {name!r}{hint}") from None
    if exit is not None:
        raise ValueError(f"exit only applies to 'roundabout', not {name!r}")
    return _built(name, 0)
