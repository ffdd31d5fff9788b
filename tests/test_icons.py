"""Tests for the vector icon set in hud.icons."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from hud.icons import (
    ICON_NAMES,
    MANEUVERS,
    STROKE_WIDTH,
    IconPath,
    _arc,
    icon_paths,
)

ROUNDABOUT_EXITS = range(1, 9)


def _all_icons() -> list[tuple[str, tuple[IconPath, ...]]]:
    """Every icon, plus every roundabout exit."""
    icons = [(name, icon_paths(name)) for name in ICON_NAMES]
    icons += [(f"roundabout/{n}", icon_paths("roundabout", exit=n)) for n in ROUNDABOUT_EXITS]
    return icons


def _mirrored(paths: tuple[IconPath, ...]) -> list[tuple[float, float]]:
    """All points mirrored about x = 12, rounded and sorted."""
    return sorted((round(24.0 - x, 2) + 0.0, round(y, 2) + 0.0) for p in paths for x, y in p.points)


def _rounded(paths: tuple[IconPath, ...]) -> list[tuple[float, float]]:
    """All points rounded and sorted."""
    return sorted((round(x, 2) + 0.0, round(y, 2) + 0.0) for p in paths for x, y in p.points)


def test_constants() -> None:
    assert STROKE_WIDTH == 2.5
    assert MANEUVERS == (
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
    assert list(ICON_NAMES) == sorted(set(ICON_NAMES))
    assert set(MANEUVERS) <= set(ICON_NAMES)


def test_expected_icons_present() -> None:
    expected = {
        "arrow-up", "arrow-down", "arrow-left", "arrow-right",
        "pin", "cart", "bell", "mic", "battery", "wallet", "plane",
        "message", "check", "star", "alert", "clock", "info",
    }  # fmt: skip
    assert expected <= set(ICON_NAMES)


@pytest.mark.parametrize("name", ICON_NAMES)
def test_every_icon_has_paths(name: str) -> None:
    paths = icon_paths(name)
    assert isinstance(paths, tuple) and len(paths) >= 1
    assert all(isinstance(p, IconPath) for p in paths)


@pytest.mark.parametrize(("name", "paths"), _all_icons())
def test_points_inside_grid(name: str, paths: tuple[IconPath, ...]) -> None:
    for path in paths:
        for x, y in path.points:
            assert math.isfinite(x) and math.isfinite(y)
            assert 0.0 <= x <= 24.0 and 0.0 <= y <= 24.0, (name, x, y)


@pytest.mark.parametrize(("name", "paths"), _all_icons())
def test_stroke_stays_inside_grid(name: str, paths: tuple[IconPath, ...]) -> None:
    half = STROKE_WIDTH / 2
    for path in paths:
        if path.filled:
            continue
        for x, y in path.points:
            assert half <= x <= 24.0 - half and half <= y <= 24.0 - half, (name, x, y)


@pytest.mark.parametrize(("name", "paths"), _all_icons())
def test_point_counts(name: str, paths: tuple[IconPath, ...]) -> None:
    for path in paths:
        assert isinstance(path.closed, bool) and isinstance(path.filled, bool)
        if path.filled:
            assert path.closed, name
        minimum = 3 if (path.closed or path.filled) else 2
        assert len(path.points) >= minimum, name


def test_roundabout_exits_differ() -> None:
    shapes = {icon_paths("roundabout", exit=n) for n in ROUNDABOUT_EXITS}
    assert len(shapes) == len(ROUNDABOUT_EXITS)


def test_roundabout_default_exit_is_2() -> None:
    assert icon_paths("roundabout") == icon_paths("roundabout", exit=2)


@pytest.mark.parametrize("bad", [0, 9, -1, 2.0, True])
def test_roundabout_bad_exit(bad: object) -> None:
    with pytest.raises(ValueError):
        icon_paths("roundabout", exit=bad)  # type: ignore[arg-type]


def test_exit_rejected_for_other_icons() -> None:
    with pytest.raises(ValueError):
        icon_paths("left", exit=1)


@pytest.mark.parametrize(("typo", "closest"), [("arow-up", "arrow-up"), ("sharp_left", "sharp-left"), ("bel", "bell")])
def test_unknown_name_suggests_closest(typo: str, closest: str) -> None:
    with pytest.raises(KeyError) as excinfo:
        icon_paths(typo)
    assert repr(closest) in str(excinfo.value)


@pytest.mark.parametrize("kind", ["slight-", "", "sharp-"])
def test_left_right_mirror(kind: str) -> None:
    left = icon_paths(f"{kind}left")
    right = icon_paths(f"{kind}right")
    assert left != right
    assert _rounded(left) == _mirrored(right)


def test_arrows_are_rotations() -> None:
    up = _rounded(icon_paths("arrow-up"))
    down = sorted((round(24.0 - x, 2) + 0.0, round(24.0 - y, 2) + 0.0) for x, y in up)
    assert _rounded(icon_paths("arrow-down")) == down
    assert _rounded(icon_paths("arrow-left")) == _mirrored(icon_paths("arrow-right"))


def _heading_of_tip(name: str) -> tuple[float, float]:
    """Direction (unit vector) of the last segment of the main shaft."""
    (x0, y0), (x1, y1) = icon_paths(name)[0].points[-2:]
    length = math.hypot(x1 - x0, y1 - y0)
    return ((x1 - x0) / length, (y1 - y0) / length)


@pytest.mark.parametrize(
    ("name", "degrees"),
    [
        ("straight", 0),
        ("slight-right", 45),
        ("right", 90),
        ("sharp-right", 135),
        ("slight-left", -45),
        ("left", -90),
        ("sharp-left", -135),
        ("u-turn", 180),
    ],
)
def test_maneuvers_point_the_right_way(name: str, degrees: float) -> None:
    dx, dy = _heading_of_tip(name)
    expected = (math.sin(math.radians(degrees)), -math.cos(math.radians(degrees)))
    assert dx == pytest.approx(expected[0], abs=1e-3)
    assert dy == pytest.approx(expected[1], abs=1e-3)


@pytest.mark.parametrize(("start", "end"), [(0, 360), (180, 0), (90, 95), (0, 45)])
def test_arc_segments_at_most_10_degrees(start: float, end: float) -> None:
    r = 5.0
    points = _arc(12.0, 12.0, r, start, end)
    assert len(points) >= 2
    max_chord = 2 * r * math.sin(math.radians(10.0) / 2) + 1e-2
    for (x0, y0), (x1, y1) in pairwise(points):
        assert math.hypot(x1 - x0, y1 - y0) <= max_chord
    a0, a1 = math.radians(start), math.radians(end)
    assert points[0] == pytest.approx((12 + r * math.cos(a0), 12 + r * math.sin(a0)), abs=1e-3)
    assert points[-1] == pytest.approx((12 + r * math.cos(a1), 12 + r * math.sin(a1)), abs=1e-3)
