"""The GL backend against the CPU reference: every command kind, polygons as triangles (the
triangulation itself runs without GL), the glyph atlas (growth, least recently used eviction,
glyphs drawn again after it), the example scenes within the parity tolerance, the context it
shares a thread with, and the fallback to the CPU with one warning.

Without a GL context the tests that draw fail saying why (the `gl` fixture of conftest.py);
HUD_ALLOW_NO_GL=1 skips them saying why."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

import hud
from hud.geometry import Rect
from hud.paint import Blit, Command, Fill, FillRoundRect, GlyphKey, Glyphs, PaintItem, Stroke, StrokeRoundRect
from hud.raster import (
    ALLOW_NO_GL,
    NO_GL_FIX,
    BackendWarning,
    CpuRaster,
    RasterBackend,
    gl_unavailable_message,
    open_backend,
)
from hud.raster import gl as gl_module
from hud.raster.gl import GlRaster, GlUnavailable
from hud.raster.triangulate import fill_triangles, shading_cost, triangulate

from paths import SCENES

PARITY_DEVICES = ("quark-s1", "meta-ray-ban-display")
MAX_LEVELS = 2  # largest per-channel difference from the CPU, in 8-bit levels
MAX_SHARE = 0.005  # largest share of pixels that differ at all
EVERYWHERE = Rect(-1 << 20, -1 << 20, 1 << 21, 1 << 21)


def open_gl(width: int, height: int, channels: int, **options: int) -> GlRaster:
    """A GL backend (for tests that use the `gl` fixture, which says why where none can run)."""
    return GlRaster(width, height, channels, **options)


@pytest.fixture
def gl_rasters(gl: None) -> Iterator[list[RasterBackend]]:
    """Backends a test made, closed after it (GL can run here: the `gl` fixture)."""
    made: list[RasterBackend] = []
    yield made
    for raster in made:
        raster.close()


def key(gid: int, h: int = 7, w: int = 6) -> GlyphKey:
    """The cache key of glyph(gid, h, w) (a key always names the same bitmap)."""
    return GlyphKey(f"raster-gl-test-{h}x{w}.ttf", gid, 10)


def frame(
    raster: RasterBackend,
    items: list[PaintItem],
    shift: tuple[int, int] = (0, 0),
    sign: int = 1,
    areas: list[Rect] | None = None,
) -> np.ndarray:
    raster.begin("left", areas)
    raster.draw("left", items, shift, sign)
    return np.array(raster.read("left", Rect(0, 0, raster.width, raster.height)))


def both(
    gl_rasters: list[RasterBackend],
    items: list[PaintItem],
    size: tuple[int, int] = (64, 48),
    channels: int = 1,
    shift: tuple[int, int] = (0, 0),
    sign: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """The same frame on the CPU and on GL."""
    gl = open_gl(size[0], size[1], channels)
    gl_rasters.append(gl)
    return frame(CpuRaster(size[0], size[1], channels), items, shift, sign), frame(gl, items, shift, sign)


def glyph(gid: int, h: int = 7, w: int = 6) -> np.ndarray:
    """A random coverage bitmap, the same for the same arguments."""
    return np.random.default_rng(gid).integers(0, 256, (h, w), dtype=np.uint8)


RGB = np.random.default_rng(3).random((9, 11, 3), dtype=np.float32)
ALPHA = np.random.default_rng(4).random((9, 11), dtype=np.float32)
COMMANDS: dict[str, Command] = {
    "fill round rect": FillRoundRect(5.5, 4.25, 40.5, 30, 7.5, (0.8, 0.6, 0.3)),
    "fill round rect, radius past half": FillRoundRect(10, 10, 12, 30, 40, (1.0, 1.0, 1.0)),
    "stroke round rect": StrokeRoundRect(3.25, 2.5, 50, 35.75, 9, 2.25, (0.4, 1.0, 0.2)),
    "stroke": Stroke(((4.0, 40.0), (20.5, 6.25), (33.0, 30.0), (60.0, 12.0)), 3.5, False, (1.0, 0.5, 0.0)),
    "closed hairline stroke": Stroke(((10.0, 10.0), (50.0, 14.0), (30.0, 40.0)), 0.6, True, (0.9, 0.9, 0.9)),
    "one-point stroke": Stroke(((30.0, 20.0), (30.0, 20.0)), 6.0, False, (1.0, 1.0, 1.0)),
    "fill": Fill(((8.3, 4.7), (58.2, 10.1), (26.5, 44.9), (14.0, 30.0)), (0.2, 0.7, 1.0)),
    "fill, self-intersecting": Fill(
        ((32.0, 2.0), (50.0, 44.0), (6.0, 16.0), (58.0, 16.0), (14.0, 44.0)), (1.0, 1.0, 1.0)
    ),
    "fill, concave with points in line": Fill(
        ((4.0, 6.0), (20.0, 6.0), (36.0, 6.0), (36.0, 20.0), (20.5, 12.25), (10.0, 40.0), (4.0, 40.0), (4.0, 22.0)),
        (0.9, 0.3, 0.6),
    ),
    "fill, notch narrower than a pixel": Fill(
        ((5.0, 5.0), (40.0, 5.0), (40.0, 40.0), (22.3, 40.0), (22.3, 12.0), (21.8, 12.0), (21.8, 40.0), (5.0, 40.0)),
        (1.0, 0.8, 0.4),
    ),
    "fill, thin diagonal": Fill(((2.0, 3.0), (3.5, 2.0), (62.0, 45.0), (60.5, 46.25)), (0.7, 1.0, 0.5)),
    "glyphs": Glyphs(tuple((key(i % 3), glyph(i % 3), 3 + 7 * i, 9 + (i % 2)) for i in range(8)), (0.6, 0.6, 1.0)),
    "glyphs, clipped": Glyphs(
        tuple((key(i % 3), glyph(i % 3), 3 + 5 * i, 20) for i in range(10)), (1.0, 1.0, 1.0), Rect(12, 22, 25, 3)
    ),
    "image": Blit(20, 15, RGB, ALPHA, 0.7),
    "image off the edge": Blit(58, -4, RGB, ALPHA, 1.0),
}


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_matches_the_cpu(gl_rasters: list[RasterBackend], name: str, channels: int) -> None:
    """Over a grey background, moved by an eye shift: the CPU's light to float rounding."""
    background = FillRoundRect(0, 0, 64, 48, 0, (0.25, 0.5, 0.75))
    items = [PaintItem(1, 0, (background,), Rect(0, 0, 64, 48)), PaintItem(2, 2, (COMMANDS[name],), EVERYWHERE)]
    cpu, gl = both(gl_rasters, items, channels=channels, shift=(1, -2), sign=-1)
    assert cpu.any() and np.abs(cpu - gl).max() <= 1e-5


FILLS = [name for name, command in COMMANDS.items() if isinstance(command, Fill)]


@pytest.fixture(params=["triangles", "bounds"])
def polygons(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Polygons drawn over their triangles wherever they are simple, or over their bounds, not as
    their shading cost picks."""
    if request.param == "triangles":
        monkeypatch.setattr(gl_module, "_interior", triangulate)
    else:
        monkeypatch.setattr(gl_module, "_interior", lambda points: None)
    return str(request.param)


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("name", FILLS)
def test_each_polygon_matches_the_cpu_over_triangles_and_over_bounds(
    gl_rasters: list[RasterBackend], polygons: str, name: str, channels: int
) -> None:
    background = FillRoundRect(0, 0, 64, 48, 0, (0.25, 0.5, 0.75))
    items = [PaintItem(1, 0, (background,), Rect(0, 0, 64, 48)), PaintItem(2, 2, (COMMANDS[name],), EVERYWHERE)]
    cpu, gl = both(gl_rasters, items, channels=channels, shift=(1, -2), sign=-1)
    assert cpu.any() and np.abs(cpu - gl).max() <= 1e-5


def test_commands_draw_in_order_across_kinds(gl_rasters: list[RasterBackend]) -> None:
    """Kinds interleaved (each kind is its own program on GL) keep the painter's order."""
    commands = (
        FillRoundRect(0, 0, 40, 30, 0, (0.2,)),
        Glyphs(((key(1, 20, 20), glyph(1, 20, 20), 5, 5),), (1.0,)),
        FillRoundRect(10, 10, 20, 10, 3, (0.6,)),
        Blit(12, 12, RGB, ALPHA, 1.0),
        Stroke(((0.0, 15.0), (40.0, 15.0)), 2.0, False, (0.9,)),
        Glyphs(((key(2, 9, 9), glyph(2, 9, 9), 20, 8),), (0.3,)),
    )
    cpu, gl = both(gl_rasters, [PaintItem(1, 0, commands, EVERYWHERE)], size=(40, 30))
    assert np.abs(cpu - gl).max() <= 1e-5


# -- polygons as triangles ---------------------------------------------------------------------
Point = tuple[float, float]
SQUARE = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
PENTAGON = ((5.0, 0.0), (10.0, 4.0), (8.0, 10.0), (2.0, 10.0), (0.0, 4.0))
ARROW = ((0.0, 4.0), (12.0, 4.0), (12.0, 0.0), (20.0, 7.0), (12.0, 14.0), (12.0, 10.0), (0.0, 10.0))
COMB = (
    (0.0, 0.0),
    (3.0, 0.0),
    (3.0, 8.0),
    (4.0, 8.0),
    (4.0, 0.0),
    (7.0, 0.0),
    (7.0, 8.0),
    (8.0, 8.0),
    (8.0, 0.0),
    (11.0, 0.0),
    (11.0, 12.0),
    (0.0, 12.0),
)
SPIRAL = (
    (0.0, 0.0),
    (20.0, 0.0),
    (20.0, 20.0),
    (4.0, 20.0),
    (4.0, 8.0),
    (14.0, 8.0),
    (14.0, 14.0),
    (10.0, 14.0),
    (10.0, 12.0),
    (12.0, 12.0),
    (12.0, 10.0),
    (6.0, 10.0),
    (6.0, 18.0),
    (18.0, 18.0),
    (18.0, 2.0),
    (0.0, 2.0),
)
IN_LINE = ((0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (10.0, 10.0), (10.0, 10.0), (5.0, 10.0), (0.0, 10.0), (0.0, 5.0))
THIN_DIAGONAL = ((10.0, 12.0), (13.5, 10.0), (392.0, 285.5), (388.5, 288.0))
PENTAGRAM = ((32.0, 2.0), (50.0, 44.0), (6.0, 16.0), (58.0, 16.0), (14.0, 44.0))
SIMPLE = {
    "square": SQUARE,
    "pentagon": PENTAGON,
    "arrow": ARROW,
    "comb": COMB,
    "spiral": SPIRAL,
    "points in line": IN_LINE,
    "thin diagonal": THIN_DIAGONAL,
}


def cross(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def polygon_area(points: tuple[Point, ...]) -> float:
    return abs(sum(ax * by - bx * ay for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]))) / 2


def even_odd(points: tuple[Point, ...], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points (xs, ys) are inside the polygon by the even-odd rule."""
    inside = np.zeros(xs.shape, dtype=bool)
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]):
        if ay != by:
            inside ^= ((ay > ys) != (by > ys)) & (xs < ax + (ys - ay) * (bx - ax) / (by - ay))
    return inside


def in_triangle(triangle: tuple[Point, Point, Point], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points (xs, ys) lie in the closed triangle, either way round."""
    (ax, ay), (bx, by), (cx, cy) = triangle
    sides = [
        (bx - ax) * (ys - ay) - (by - ay) * (xs - ax),
        (cx - bx) * (ys - by) - (cy - by) * (xs - bx),
        (ax - cx) * (ys - cy) - (ay - cy) * (xs - cx),
    ]
    return np.all([side >= 0 for side in sides], axis=0) | np.all([side <= 0 for side in sides], axis=0)


def assert_tiles(points: tuple[Point, ...], triangles: list[tuple[int, int, int]] | None) -> None:
    """The triangles turn the polygon's way, add up to its area, and hold each sample point
    inside it once (and none outside)."""
    assert triangles
    turn = np.sign(sum(ax * by - bx * ay for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1])))
    corners = [(points[i], points[j], points[k]) for i, j, k in triangles]
    assert all(np.sign(cross(*corner)) == turn for corner in corners)
    assert sum(abs(cross(*corner)) / 2 for corner in corners) == pytest.approx(polygon_area(points), rel=1e-12)
    grid_x, grid_y = np.meshgrid(np.arange(-1.0, 400.0, 0.37) + 0.0123, np.arange(-1.0, 300.0, 0.41) + 0.0071)
    xs, ys = grid_x.ravel(), grid_y.ravel()
    bounds = [f(p[axis] for p in points) for axis in (0, 1) for f in (min, max)]
    near = (xs >= bounds[0] - 1) & (xs <= bounds[1] + 1) & (ys >= bounds[2] - 1) & (ys <= bounds[3] + 1)
    xs, ys = xs[near], ys[near]
    held = np.sum([in_triangle(corner, xs, ys) for corner in corners], axis=0)
    inside = even_odd(points, xs, ys)
    assert inside.any() and np.array_equal(held, inside.astype(int))


@pytest.mark.parametrize("clockwise", [False, True])
@pytest.mark.parametrize("name", list(SIMPLE))
def test_triangulation_tiles_a_simple_polygon(name: str, clockwise: bool) -> None:
    points = SIMPLE[name][::-1] if clockwise else SIMPLE[name]
    assert_tiles(points, triangulate(points))


@pytest.mark.parametrize("seed", range(12))
def test_triangulation_tiles_random_star_shaped_polygons(seed: int) -> None:
    """Points around a centre at random radii (many turn inwards), 5 to 80 of them."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(5, 81))
    angles = np.sort(rng.uniform(0, 2 * np.pi, count))
    radii = rng.uniform(5, 60, count)
    points = tuple((float(70 + r * np.cos(a)), float(70 + r * np.sin(a))) for a, r in zip(angles, radii))
    assert_tiles(points, triangulate(points))


def test_triangulation_leaves_out_repeated_points_and_points_in_line() -> None:
    """IN_LINE is a square with four extra points on its sides and one repeated: two triangles."""
    triangles = triangulate(IN_LINE)
    assert triangles is not None and len(triangles) == 2
    assert {index for triangle in triangles for index in triangle} <= {0, 2, 3, 4, 6}


@pytest.mark.parametrize(
    "points",
    [
        (),
        ((1.0, 1.0), (5.0, 2.0)),
        ((3.0, 3.0), (3.0, 3.0), (3.0, 3.0)),  # one point
        ((0.0, 0.0), (4.0, 2.0), (8.0, 4.0), (2.0, 1.0)),  # every point on one line
        ((0.0, 0.0), (10.0, 0.0), (5.0, 0.0)),  # a spike out and back
    ],
)
def test_triangulation_of_a_polygon_without_area_is_empty(points: tuple[Point, ...]) -> None:
    assert triangulate(points) == []


@pytest.mark.parametrize(
    "points",
    [
        ((0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0)),  # a bow tie
        PENTAGRAM,
        (
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (20.0, 10.0),
            (20.0, 20.0),
            (10.0, 20.0),
            (10.0, 10.0),
            (0.0, 10.0),
        ),  # two squares touching
        ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (5.0, 0.0), (0.0, 10.0)),  # a point on an edge
    ],
)
def test_triangulation_of_a_polygon_that_is_not_simple_is_none(points: tuple[Point, ...]) -> None:
    """Edges that cross or touch: no tiling, so the polygon's bounds are drawn instead."""
    assert triangulate(points) is None
    x0, y0 = min(p[0] for p in points), min(p[1] for p in points)
    x1, y1 = max(p[0] for p in points), max(p[1] for p in points)
    bounds = fill_triangles(points, None)
    grown = 2 * gl_module.FRINGE
    assert sum(abs(cross(*triangle)) / 2 for triangle in bounds) == pytest.approx((x1 - x0 + grown) * (y1 - y0 + grown))


@pytest.mark.parametrize("points", [*SIMPLE.values(), PENTAGRAM], ids=[*SIMPLE, "pentagram"])
def test_fill_triangles_cover_every_pixel_the_cpu_lights(points: tuple[Point, ...]) -> None:
    """Every pixel the CPU lights for a Fill has its centre in one of the triangles GL draws for
    it (small polygons scaled and moved by fractions of a pixel, so edges meet pixel centres at
    many phases)."""
    moved = tuple((x * 1.7 + 3.3, y * 1.3 + 2.6) for x, y in points) if max(p[0] for p in points) < 100 else points
    cpu = CpuRaster(420, 310, 1)
    lit = frame(cpu, [PaintItem(1, 0, (Fill(moved, (1.0,)),), EVERYWHERE)])[..., 0] > 0
    ys, xs = np.nonzero(lit)
    covered = np.zeros(len(xs), dtype=bool)
    for triangle in fill_triangles(moved, triangulate(moved)):
        covered |= in_triangle(triangle, xs + 0.5, ys + 0.5)
    assert lit.any() and covered.all()


def test_a_thin_diagonal_polygon_is_shaded_over_its_own_pixels() -> None:
    """Its bounds are mostly empty: the triangles (interior and antialiasing band) cover under 5 %
    of them, and the interior exactly the polygon."""
    triangles = triangulate(THIN_DIAGONAL)
    assert triangles is not None and gl_module._interior(THIN_DIAGONAL) == tuple(triangles)
    interior = sum(abs(cross(*(THIN_DIAGONAL[i] for i in triangle))) / 2 for triangle in triangles)
    assert interior == pytest.approx(polygon_area(THIN_DIAGONAL), rel=1e-12)
    shaded = sum(abs(cross(*triangle)) / 2 for triangle in fill_triangles(THIN_DIAGONAL, triangles))
    bounds = (392.0 - 10.0 + 2) * (288.0 - 10.0 + 2)
    assert shaded < 0.05 * bounds


def test_small_round_polygons_are_shaded_over_their_bounds() -> None:
    """A 36-sided wheel 16 px across: its thin triangles would shade more pixels than its bounds."""
    wheel = tuple((float(50 + 8 * np.cos(a)), float(40 + 8 * np.sin(a))) for a in np.linspace(0, 2 * np.pi, 36, False))
    triangles = triangulate(wheel)
    assert triangles is not None and len(triangles) == 34
    assert shading_cost(fill_triangles(wheel, triangles)) > shading_cost(fill_triangles(wheel, None))
    assert gl_module._interior(wheel) is None


@pytest.mark.parametrize("channels", [1, 3])
def test_a_thin_diagonal_polygon_matches_the_cpu(gl_rasters: list[RasterBackend], channels: int) -> None:
    items = [
        PaintItem(1, 0, (FillRoundRect(0, 0, 400, 300, 0, (0.2, 0.3, 0.4)),), Rect(0, 0, 400, 300)),
        PaintItem(2, 3, (Fill(THIN_DIAGONAL, (1.0, 0.9, 0.8)),), EVERYWHERE),
    ]
    cpu, gl = both(gl_rasters, items, size=(400, 300), channels=channels, shift=(0, 1), sign=-1)
    assert np.abs(cpu - gl).max() <= 1e-5


def test_overlapping_polygons_each_cover_their_pixels(gl_rasters: list[RasterBackend], polygons: str) -> None:
    """A polygon's own triangles light each pixel once, but the next polygon draws over it (the
    CPU's "over" twice where they overlap), in one item and across items."""
    first = Fill(((4.0, 4.0), (40.0, 6.5), (20.0, 40.0)), (0.5,))
    second = Fill(((10.0, 30.0), (12.0, 2.0), (50.0, 20.0), (30.0, 24.0)), (1.0,))
    once = [PaintItem(1, 0, (first, second), EVERYWHERE)]
    twice = [PaintItem(1, 0, (first, second, first), EVERYWHERE), PaintItem(2, 0, (second,), EVERYWHERE)]
    cpu_once, gl_once = both(gl_rasters, once)
    cpu_twice, gl_twice = both(gl_rasters, twice)
    assert not np.allclose(cpu_once, cpu_twice)  # edges drawn over again differ
    assert np.abs(cpu_once - gl_once).max() <= 1e-5 and np.abs(cpu_twice - gl_twice).max() <= 1e-5


@pytest.mark.parametrize("areas", [None, [Rect(0, 0, 30, 48), Rect(20, 10, 44, 20)]])
def test_polygons_past_the_depths_of_one_clear_match_the_cpu(
    gl_rasters: list[RasterBackend], polygons: str, monkeypatch: pytest.MonkeyPatch, areas: list[Rect] | None
) -> None:
    """Each polygon takes its own depth; when they run out, what is batched is drawn and the depth
    cleared (in every piece of the begun areas)."""
    monkeypatch.setattr(gl_module, "MAX_FILL_DEPTHS", 3)
    fills = tuple(Fill(((4.0 + 3 * i, 4.0), (40.0 + 2 * i, 6.5 + i), (20.0, 40.0 - i)), (0.3,)) for i in range(8))
    items = [PaintItem(1, 0, fills, EVERYWHERE)]
    gl = open_gl(64, 48, 1)
    gl_rasters.append(gl)
    cpu = CpuRaster(64, 48, 1)
    frame(gl, items)
    frame(cpu, items)
    assert np.abs(frame(gl, items, areas=areas) - frame(cpu, items, areas=areas)).max() <= 1e-5


def test_a_new_surface_is_cleared_whatever_the_last_scissor(gl_rasters: list[RasterBackend]) -> None:
    """A smaller backend's scissor stays in the shared context; a whole-surface clear ignores it."""
    big, small = open_gl(80, 80, 1), open_gl(16, 16, 1)
    gl_rasters += [big, small]
    lit = [PaintItem(1, 0, (FillRoundRect(0, 0, 80, 80, 0, (1.0,)),), EVERYWHERE)]
    frame(big, lit)
    frame(small, lit)
    assert not frame(big, []).any()
    polygon = [PaintItem(1, 0, (Fill(((50.0, 50.0), (78.0, 60.0), (60.0, 78.0)), (1.0,)),), EVERYWHERE)]
    frame(small, lit)
    other = open_gl(80, 80, 3)
    gl_rasters.append(other)
    assert np.abs(frame(other, polygon) - frame(CpuRaster(80, 80, 3), polygon)).max() <= 1e-5


def test_scissored_areas_leave_the_rest(gl_rasters: list[RasterBackend]) -> None:
    gl = open_gl(40, 30, 3)
    gl_rasters.append(gl)
    lit = [PaintItem(1, 0, (FillRoundRect(0, 0, 40, 30, 0, (0.5, 0.5, 0.5)),), Rect(0, 0, 40, 30))]
    frame(gl, lit)
    after = frame(gl, [], areas=[Rect(5, 5, 10, 10), Rect(30, 20, 20, 20)])
    assert not after[5:15, 5:15].any() and not after[20:, 30:].any()
    after[5:15, 5:15] = after[20:, 30:] = 0.5
    assert np.all(after == 0.5)


def test_a_run_of_glyphs_is_one_draw_call_per_area(gl_rasters: list[RasterBackend]) -> None:
    gl = open_gl(160, 120, 1)
    gl_rasters.append(gl)
    items = [_glyph_run(range(200, 300)), _glyph_run(range(300, 310))]
    calls = gl.draw_calls
    frame(gl, items)
    assert gl.draw_calls - calls == 1
    calls = gl.draw_calls
    frame(gl, items, areas=[Rect(0, 0, 40, 40), Rect(100, 60, 40, 40)])
    assert gl.draw_calls - calls == 2


def _glyph_run(keys: range) -> PaintItem:
    """Distinct 10x10 glyphs in rows across a 160 x 120 screen."""
    items = tuple(
        (key(gid, 10, 10), glyph(gid, 10, 10), 2 + 12 * (i % 13), 2 + 12 * (i // 13)) for i, gid in enumerate(keys)
    )
    return PaintItem(1, 0, (Glyphs(items, (1.0,)),), Rect(0, 0, 160, 120))


def test_atlas_grows_by_pages_then_evicts(gl_rasters: list[RasterBackend]) -> None:
    """Nine 10x10 glyphs fill a 32 x 32 page: 20 glyphs take three pages, 20 more evict."""
    gl = open_gl(160, 120, 1, page_size=32, max_pages=3)
    gl_rasters.append(gl)
    cpu = CpuRaster(160, 120, 1)
    first = [_glyph_run(range(20))]
    assert np.array_equal(frame(gl, first), frame(cpu, first))
    assert len(gl.atlas.pages) == 3 and gl.atlas.evictions == 0
    second = [_glyph_run(range(100, 120))]
    assert np.array_equal(frame(gl, second), frame(cpu, second))
    assert len(gl.atlas.pages) == 3 and gl.atlas.evictions >= 2


def test_one_run_larger_than_the_atlas_draws_whole(gl_rasters: list[RasterBackend]) -> None:
    """A run needing more glyphs than every page holds is drawn in parts, pages evicted between."""
    gl = open_gl(160, 120, 1, page_size=32, max_pages=2)
    gl_rasters.append(gl)
    items = [_glyph_run(range(60))]
    assert np.array_equal(frame(gl, items), frame(CpuRaster(160, 120, 1), items))
    assert gl.atlas.evictions >= 4


def test_least_recently_used_page_is_evicted(gl_rasters: list[RasterBackend]) -> None:
    gl = open_gl(160, 120, 1, page_size=32, max_pages=2)
    gl_rasters.append(gl)
    a, b, c = [_glyph_run(range(9))], [_glyph_run(range(20, 29))], [_glyph_run(range(40, 41))]
    for items in (a, b, a, c):  # a fills page 0, b page 1; a is used again, so c evicts b's page
        frame(gl, items)
    entries = gl.atlas.entries
    assert all(key(gid, 10, 10) in entries for gid in range(9))
    assert not any(key(gid, 10, 10) in entries for gid in range(20, 29))
    assert key(40, 10, 10) in entries
    assert np.array_equal(frame(gl, b), frame(CpuRaster(160, 120, 1), b))  # uploaded again when needed


def test_glyph_larger_than_a_page_draws(gl_rasters: list[RasterBackend]) -> None:
    big = (key(7, 40, 36), glyph(7, 40, 36), 5, 3)
    items = [PaintItem(1, 0, (Glyphs((big, (key(8), glyph(8), 30, 30)), (0.7,)),), EVERYWHERE)]
    gl = open_gl(64, 48, 1, page_size=32, max_pages=1)
    gl_rasters.append(gl)
    assert np.abs(frame(gl, items) - frame(CpuRaster(64, 48, 1), items)).max() <= 1e-6


def test_same_key_with_another_bitmap_is_replaced(gl_rasters: list[RasterBackend]) -> None:
    gl = open_gl(20, 20, 1)
    gl_rasters.append(gl)
    reused = GlyphKey("raster-gl-test-reused.ttf", 9, 10)
    frame(gl, [PaintItem(1, 0, (Glyphs(((reused, glyph(1, 4, 4), 2, 2),), (1.0,)),), EVERYWHERE)])
    other = [PaintItem(1, 0, (Glyphs(((reused, glyph(2, 6, 5), 2, 2),), (1.0,)),), EVERYWHERE)]
    assert np.allclose(frame(gl, other)[2:8, 2:7, 0], glyph(2, 6, 5) / 255)


@pytest.mark.parametrize("device", PARITY_DEVICES)
@pytest.mark.parametrize("scene", sorted(path.name for path in SCENES.glob("*.toml")))
def test_example_scenes_match_the_cpu(gl: None, scene: str, device: str) -> None:
    cpu = hud.render(SCENES / scene, device=device, backend="cpu")
    on_gl = hud.render(SCENES / scene, device=device, backend="gl")
    assert on_gl.backend == "gl"
    for eye, expected in cpu.eyes.items():
        difference = np.abs(on_gl.eyes[eye].astype(np.int16) - expected.astype(np.int16))
        differing = difference.reshape(difference.shape[0], difference.shape[1], -1).max(axis=2) > 0
        assert difference.max() <= MAX_LEVELS and differing.mean() <= MAX_SHARE, (
            f"{scene} on {device}, {eye} eye: {difference.max()} levels, {differing.mean():.3%} of pixels differ"
        )


def test_timeline_frames_match_the_cpu(gl: None) -> None:
    """Frame after frame of a timeline (damaged areas redrawn by scissor), GL keeps to the CPU."""
    path = SCENES / "city-walk-timeline.toml"
    cpu = hud.Renderer(hud.load_scene(path), "quark-s1", backend="cpu")
    on_gl = hud.Renderer(hud.load_scene(path), "quark-s1", backend="gl")
    partial = 0
    for step in range(0, 101, 4):
        a, b = cpu.frame(step / 10), on_gl.frame(step / 10)
        partial += 0 < b.dirty_px < 2 * 640 * 480
        for eye in a.eyes:
            assert np.abs(a.eyes[eye].astype(np.int16) - b.eyes[eye].astype(np.int16)).max() <= MAX_LEVELS
    assert partial > 5


def test_another_context_stays_current(gl_rasters: list[RasterBackend]) -> None:
    """Drawing takes turns with a context someone else made current on this thread."""
    import moderngl

    gl = open_gl(16, 16, 1)
    gl_rasters.append(gl)
    other = moderngl.create_standalone_context(backend="egl")  # type: ignore[arg-type]  # stub: settings as dict
    try:
        texture = other.texture((2, 2), 4, dtype="f4")
        target = other.framebuffer(color_attachments=[texture])
        frame(gl, [PaintItem(1, 0, (FillRoundRect(0, 0, 8, 8, 0, (1.0,)),), EVERYWHERE)])
        target.clear(0.0, 0.5, 0.0, 1.0)
        assert np.allclose(np.frombuffer(target.read(components=4, dtype="f4"), np.float32)[:4], (0.0, 0.5, 0.0, 1.0))
        assert frame(gl, [])[0, 0, 0] == 0.0
    finally:
        other.release()


def test_drawing_moves_between_threads(gl_rasters: list[RasterBackend]) -> None:
    """The context is current only while the backend works, so another thread can draw next."""
    gl = open_gl(16, 16, 1)
    gl_rasters.append(gl)
    items = [PaintItem(1, 0, (FillRoundRect(2, 2, 8, 8, 2, (0.8,)),), EVERYWHERE)]
    here = frame(gl, items)
    there: list[np.ndarray] = []
    worker = threading.Thread(target=lambda: there.append(frame(gl, items)))
    worker.start()
    worker.join()
    assert there and np.array_equal(there[0], here)


@pytest.fixture
def no_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process where no GL context can be made (and none was made yet)."""
    import hud.raster

    def fail() -> None:
        raise GlUnavailable("no EGL display")

    monkeypatch.setattr(gl_module, "_SHARED", None)
    monkeypatch.setattr(gl_module, "_make_context", fail)
    monkeypatch.setattr(hud.raster, "_unavailable", {})


def test_without_a_context_gl_falls_back_with_one_warning(no_context: None) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = open_backend("gl", 8, 8, 1)
        second = open_backend("gl", 8, 8, 3)
        renderer = hud.Renderer(hud.Scene(hud.Text(text="hi")), "quark-s1", backend="gl")
    assert isinstance(first, CpuRaster) and isinstance(second, CpuRaster) and renderer.backend == "cpu"
    assert [warning.category for warning in caught] == [BackendWarning]
    message = str(caught[0].message)
    assert "no EGL display" in message and "CPU" in message and "\n" not in message


def test_without_a_context_gl_raster_says_why(no_context: None) -> None:
    with pytest.raises(GlUnavailable, match="no EGL display"):
        GlRaster(8, 8, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert open_backend("cpu", 8, 8, 1).name == "cpu"


def test_where_gl_cannot_run_one_line_says_how_to_fix_it_or_why_it_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_NO_GL, raising=False)
    failing = gl_unavailable_message("no EGL display", "the checks")
    assert (
        failing
        == f"the gl backend cannot render here (no EGL display): {NO_GL_FIX}, or set {ALLOW_NO_GL}=1 to skip the checks"
    )
    monkeypatch.setenv(ALLOW_NO_GL, "1")
    assert (
        gl_unavailable_message("no EGL display", "the checks")
        == f"the gl backend cannot render here (no EGL display); {ALLOW_NO_GL}=1 skips the checks"
    )
