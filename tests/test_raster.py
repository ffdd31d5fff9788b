"""Tests for the raster backends (CPU and GL, same expectations): exact fills, antialiasing,
strokes, polygons, glyphs, images, clipping, eye shifts and dirty areas."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest

from hud.damage import disjoint
from hud.geometry import Rect
from hud.paint import (
    Blit,
    Command,
    Fill,
    FillRoundRect,
    GlyphKey,
    Glyphs,
    PaintItem,
    Stroke,
    StrokeRoundRect,
    command_bounds,
)
from hud.raster import BACKEND_NAMES, CpuRaster, RasterBackend, open_backend
from test_raster_gl import open_gl

WHITE = (1.0,)
EVERYWHERE = Rect(-1 << 20, -1 << 20, 1 << 21, 1 << 21)  # item bounds that never skip a command
Make = Callable[[int, int, int], RasterBackend]


@pytest.fixture(params=BACKEND_NAMES)
def make(request: pytest.FixtureRequest) -> Iterator[Make]:
    """A maker of backends of the parametrised kind, closed after the test."""
    made: list[RasterBackend] = []

    def new(width: int, height: int, channels: int) -> RasterBackend:
        if request.param == "gl":
            request.getfixturevalue("gl")  # GL can run here (else: fail or skip saying why)
        backend = CpuRaster(width, height, channels) if request.param == "cpu" else open_gl(width, height, channels)
        made.append(backend)
        return backend

    yield new
    for backend in made:
        backend.close()


def key(gid: int) -> GlyphKey:
    """A cache key of its own for each test bitmap (a key always names the same bitmap)."""
    return GlyphKey("raster-test.ttf", gid, 10)


def _frame(
    raster: RasterBackend,
    items: list[PaintItem],
    shift: tuple[int, int] = (0, 0),
    sign: int = 1,
    areas: list[Rect] | None = None,
    eye: str = "left",
) -> np.ndarray:
    """One frame on `eye`: begin, draw, read the whole screen (a copy)."""
    raster.begin(eye, areas)
    raster.draw(eye, items, shift, sign)
    return np.array(raster.read(eye, Rect(0, 0, raster.width, raster.height)))


def _draw(
    make: Make, *commands: Command, size: tuple[int, int] = (100, 80), channels: int = 1, dx: int = 0, dy: int = 0
) -> np.ndarray:
    """The commands drawn in order on a fresh surface, moved by (dx, dy); (h, w) when mono."""
    raster = make(size[0], size[1], channels)
    buffer = _frame(raster, [PaintItem(1, 0, commands, EVERYWHERE)], (dx, dy))
    return buffer if channels > 1 else buffer[..., 0]


def test_open_backend_by_name() -> None:
    raster = open_backend("cpu", 7, 5, 3)
    assert isinstance(raster, CpuRaster) and isinstance(raster, RasterBackend)
    assert raster.begin("left") == [Rect(0, 0, 7, 5)]
    buffer = raster.read("left", Rect(0, 0, 7, 5))
    assert buffer.shape == (5, 7, 3) and buffer.dtype == np.float32 and not buffer.any()
    with pytest.raises(ValueError, match="unknown backend 'vulkan'"):
        open_backend("vulkan", 7, 5, 3)


def test_draw_command_draws_into_any_buffer() -> None:
    raster = CpuRaster(20, 10, 1)
    canvas = raster.new_buffer()
    raster.draw_command(canvas, FillRoundRect(2, 3, 4, 5, 0, WHITE), 1, 2)
    assert canvas[5:10, 3:7].min() == 1.0 and canvas.sum() == 20


def test_filled_rect_with_integer_edges_is_exact(make: Make) -> None:
    cov = _draw(make, FillRoundRect(10, 20, 30, 15, 0, WHITE))
    expected = np.zeros_like(cov)
    expected[20:35, 10:40] = 1.0
    assert np.array_equal(cov, expected)


def test_filled_rect_colour_channels(make: Make) -> None:
    rgb = _draw(make, FillRoundRect(2, 3, 4, 5, 0, (1.0, 0.5, 0.25)), size=(10, 10), channels=3)
    assert np.allclose(rgb[3:8, 2:6], (1.0, 0.5, 0.25))
    assert not rgb[:3].any() and not rgb[8:].any()


def test_fractional_edges_are_antialiased(make: Make) -> None:
    """Edge pixels get the fraction of their area inside the shape."""
    cov = _draw(make, FillRoundRect(10.5, 10.25, 20, 20, 0, WHITE))
    assert cov[20, 10] == pytest.approx(0.5)  # left edge through the pixel centre
    assert cov[10, 20] == pytest.approx(0.75)  # top edge a quarter into the pixel
    assert cov[20, 30] == pytest.approx(0.5)  # right edge at 30.5
    assert cov[30, 20] == pytest.approx(0.25)  # bottom edge at 30.25
    assert cov[20, 11] == 1.0 and cov[20, 9] == 0.0
    edges = cov[(cov > 0) & (cov < 1)]
    assert edges.size > 0
    assert cov.sum() == pytest.approx(400, rel=0.005)


def test_rounded_corners_remove_coverage(make: Make) -> None:
    square = _draw(make, FillRoundRect(10, 10, 40, 40, 0, WHITE))
    rounded = _draw(make, FillRoundRect(10, 10, 40, 40, 10, WHITE))
    assert rounded[10, 10] == 0.0 and square[10, 10] == 1.0
    assert rounded[30, 30] == 1.0
    # Four quarter circles cut off (4 - pi) r^2.
    assert square.sum() - rounded.sum() == pytest.approx((4 - np.pi) * 100, rel=0.03)


def test_stroke_coverage_is_symmetric(make: Make) -> None:
    """A horizontal line on y = 20 covers rows mirrored around it equally, and its ends alike."""
    cov = _draw(make, Stroke(((10, 20.0), (50, 20.0)), 3, False, WHITE), size=(60, 40))
    assert np.allclose(cov[20:, :], cov[:20, :][::-1])
    assert np.allclose(cov[:, 30:], cov[:, :30][:, ::-1])
    assert cov[20, 30] == 1.0 and cov[19, 30] == 1.0
    assert cov[21, 30] == pytest.approx(0.5) and cov[18, 30] == pytest.approx(0.5)
    assert cov[23, 30] == 0.0


def test_stroke_is_transpose_symmetric(make: Make) -> None:
    a = _draw(make, Stroke(((5.0, 12.5), (33.25, 40.0)), 2.5, False, WHITE), size=(50, 50))
    b = _draw(make, Stroke(((12.5, 5.0), (40.0, 33.25)), 2.5, False, WHITE), size=(50, 50))
    assert np.allclose(a, b.T, atol=1e-6)


def test_stroke_round_rect_symmetric_and_hollow(make: Make) -> None:
    cov = _draw(make, StrokeRoundRect(10, 10, 40, 30, 6, 2.5, WHITE), size=(60, 50))
    box = cov[10:40, 10:50]
    assert np.allclose(box, box[::-1]) and np.allclose(box, box[:, ::-1])
    assert cov[25, 30] == 0.0  # inside is not filled
    assert cov[25, 10] == 1.0  # outer edge is the box edge
    assert cov[25, 9] == 0.0 and cov[9, 30] == 0.0


def test_stroke_width_scales_coverage(make: Make) -> None:
    thin = _draw(make, Stroke(((10, 20.0), (50, 20.0)), 2, False, WHITE), size=(60, 40))
    thick = _draw(make, Stroke(((10, 20.0), (50, 20.0)), 4, False, WHITE), size=(60, 40))
    hairline = _draw(make, Stroke(((10, 20.5), (50, 20.5)), 0.5, False, WHITE), size=(60, 40))
    column = 30
    assert thin[:, column].sum() == pytest.approx(2.0)
    assert thick[:, column].sum() == pytest.approx(4.0)
    # Under a pixel wide: one row, dimmer rather than thinner.
    assert np.nonzero(hairline[:, column])[0].tolist() == [20] and 0 < hairline[20, column] < 0.5


def test_closed_stroke_joins_last_point_to_first(make: Make) -> None:
    points = ((10.0, 10.0), (40.0, 10.0), (40.0, 40.0))
    open_ = _draw(make, Stroke(points, 2, False, WHITE), size=(50, 50))
    closed = _draw(make, Stroke(points, 2, True, WHITE), size=(50, 50))
    assert open_[25, 25] == 0.0
    assert closed[25, 25] > 0.9  # on the diagonal closing segment


@pytest.mark.parametrize(
    "points",
    [
        ((10.3, 10.7), (80.2, 12.1), (30.5, 70.9)),
        ((50.0, 5.0), (95.5, 75.0), (4.5, 75.0)),
        ((20.0, 20.0), (21.0, 60.0), (90.0, 40.25)),
    ],
)
def test_triangle_fill_covers_its_area(make: Make, points: tuple[tuple[float, float], ...]) -> None:
    (x1, y1), (x2, y2), (x3, y3) = points
    area = abs((x2 - x1) * (y3 - y1) - (x3 - x1) * (y2 - y1)) / 2
    cov = _draw(make, Fill(points, WHITE))
    assert cov.sum() == pytest.approx(area, rel=0.01)
    assert cov.max() == 1.0 and cov.min() == 0.0


def test_fill_winding_order_does_not_matter(make: Make) -> None:
    points = ((10.3, 10.7), (80.2, 12.1), (30.5, 70.9))
    assert np.allclose(_draw(make, Fill(points, WHITE)), _draw(make, Fill(points[::-1], WHITE)), atol=1e-5)


def test_self_intersecting_fill_is_even_odd(make: Make) -> None:
    """A five-pointed star drawn in one stroke order leaves its centre pentagon unfilled."""
    star = ((50.0, 5.0), (76.0, 75.0), (10.0, 30.0), (90.0, 30.0), (24.0, 75.0))
    cov = _draw(make, Fill(star, WHITE))
    assert cov[45, 50] == 0.0  # the pentagon in the middle
    assert cov[20, 50] == 1.0  # the top point


def test_composite_is_over(make: Make) -> None:
    """A half-covered pixel over a lit one mixes the two colours."""
    buffer = _draw(make, FillRoundRect(0, 0, 10, 10, 0, (0.2,)), FillRoundRect(4.5, 0, 10, 10, 0, WHITE), size=(20, 10))
    assert buffer[5, 2] == pytest.approx(0.2)
    assert buffer[5, 4] == pytest.approx(0.5 * 0.2 + 0.5 * 1.0)
    assert buffer[5, 6] == pytest.approx(1.0)


def test_glyph_blit_places_bitmap(make: Make) -> None:
    bitmap = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    cov = _draw(make, Glyphs(((key(1), bitmap, 5, 6),), WHITE), size=(20, 20))
    assert np.allclose(cov[6:9, 5:9], bitmap / 255)
    assert cov.sum() == pytest.approx(bitmap.sum() / 255)


def test_overlapping_glyphs_of_a_run_composite_as_over(make: Make) -> None:
    half = np.full((4, 4), 128, dtype=np.uint8)
    cov = _draw(make, Glyphs(((key(13), half, 2, 2), (key(13), half, 4, 4)), WHITE), size=(10, 10))
    c = 128 / 255
    assert cov[3, 3] == pytest.approx(c) and cov[5, 5] == pytest.approx(1 - (1 - c) ** 2)


@pytest.mark.parametrize("x, y", [(-2, -1), (17, 18), (-3, 17), (18, -2)])
def test_glyph_blit_clipped_at_buffer_edges(make: Make, x: int, y: int) -> None:
    bitmap = np.full((4, 5), 255, dtype=np.uint8)
    cov = _draw(make, Glyphs(((key(2), bitmap, x, y),), WHITE), size=(20, 20))
    visible_w = min(x + 5, 20) - max(x, 0)
    visible_h = min(y + 4, 20) - max(y, 0)
    assert cov.sum() == pytest.approx(visible_w * visible_h)


def test_glyph_clip_rect_moves_with_the_eye(make: Make) -> None:
    bitmap = np.full((10, 10), 255, dtype=np.uint8)
    cov = _draw(make, Glyphs(((key(3), bitmap, 5, 5),), WHITE, Rect(8, 6, 4, 20)), size=(30, 30), dx=3, dy=1)
    assert np.nonzero(cov.any(axis=0))[0].tolist() == list(range(11, 15))
    assert np.nonzero(cov.any(axis=1))[0].tolist() == list(range(7, 16))


def test_blit_clipped_and_mono_uses_brightest_channel(make: Make) -> None:
    rgb = np.zeros((6, 6, 3), dtype=np.float32)
    rgb[..., 1] = 0.8
    alpha = np.ones((6, 6), dtype=np.float32)
    cov = _draw(make, Blit(-3, -3, rgb, alpha, 0.5), size=(10, 10))
    assert np.allclose(cov[:3, :3], 0.4)
    assert cov[3:, :].sum() == 0 and cov[:, 3:].sum() == 0


def test_blit_alpha_composites_over_colour(make: Make) -> None:
    rgb = np.tile(np.array([0.2, 0.4, 1.0], dtype=np.float32), (4, 4, 1))
    alpha = np.full((4, 4), 0.25, dtype=np.float32)
    out = _draw(
        make, FillRoundRect(0, 0, 8, 8, 0, (1.0, 0.0, 0.0)), Blit(2, 2, rgb, alpha, 1.0), size=(8, 8), channels=3
    )
    assert np.allclose(out[3, 3], 0.75 * np.array([1.0, 0.0, 0.0]) + 0.25 * np.array([0.2, 0.4, 1.0]))
    assert np.allclose(out[0, 0], (1.0, 0.0, 0.0))


@pytest.mark.parametrize(
    "command",
    [
        FillRoundRect(-50, -50, 20, 20, 4, WHITE),
        FillRoundRect(500, 10, 20, 20, 0, WHITE),
        StrokeRoundRect(-1000, -1000, 10, 10, 2, 2, WHITE),
        Stroke(((-100.0, -100.0), (-50.0, -60.0)), 3, False, WHITE),
        Stroke(((300.0, 5.0),), 3, False, WHITE),
        Fill(((200.0, 200.0), (260.0, 210.0), (230.0, 300.0)), WHITE),
        Fill(((1.0, 1.0), (2.0, 2.0)), WHITE),
        Glyphs(
            ((key(4), np.full((8, 8), 255, np.uint8), -20, 5), (key(4), np.full((8, 8), 255, np.uint8), 5, 200)), WHITE
        ),
        Glyphs(((key(5), np.zeros((0, 0), np.uint8), 3, 3),), WHITE),
        Blit(150, 150, np.ones((4, 4, 3), np.float32), np.ones((4, 4), np.float32), 1.0),
        FillRoundRect(10, 10, 0, 20, 0, WHITE),
    ],
)
def test_commands_wholly_outside_or_degenerate_draw_nothing(make: Make, command: Command) -> None:
    assert not _draw(make, command).any()


@pytest.mark.parametrize(
    "command",
    [
        FillRoundRect(-10, -10, 30, 30, 5, WHITE),
        FillRoundRect(90, 70, 40, 40, 0, WHITE),
        StrokeRoundRect(-5, 60, 120, 40, 8, 3, WHITE),
        Stroke(((-20.0, 40.0), (120.0, 40.0)), 4, False, WHITE),
        Fill(((-30.0, -30.0), (60.0, -10.0), (-10.0, 60.0)), WHITE),
        Blit(95, 75, np.ones((10, 10, 3), np.float32), np.ones((10, 10), np.float32), 1.0),
    ],
)
def test_commands_partly_outside_draw_the_inside_part(make: Make, command: Command) -> None:
    cov = _draw(make, command)
    assert cov.any()
    assert cov.min() >= 0.0 and cov.max() <= 1.0


def test_items_move_by_their_shift_per_eye(make: Make) -> None:
    raster = make(60, 20, 1)
    command = FillRoundRect(20, 5, 10, 10, 0, WHITE)
    items = [PaintItem(1, 5, (command,), Rect(19, 4, 12, 12))]
    left = _frame(raster, items, (0, 0), 1, eye="left")[..., 0]
    right = _frame(raster, items, (2, 1), -1, eye="right")[..., 0]
    assert np.nonzero(left.any(axis=0))[0].tolist() == list(range(25, 35))
    assert np.nonzero(right.any(axis=0))[0].tolist() == list(range(17, 27))
    assert np.nonzero(right.any(axis=1))[0].tolist() == list(range(6, 16))


def test_far_off_screen_shift_draws_nothing(make: Make) -> None:
    raster = make(30, 20, 3)
    items = [
        PaintItem(
            1,
            10_000,
            (
                FillRoundRect(5, 5, 10, 10, 2, (1.0, 1.0, 1.0)),
                Glyphs(((key(6), np.full((3, 3), 255, np.uint8), 1, 1),), (1.0, 1.0, 1.0)),
            ),
            EVERYWHERE,
        )
    ]
    assert not _frame(raster, items, (0, 0), 1).any()
    assert not _frame(raster, items, (0, -10_000), -1).any()


def _scene() -> list[PaintItem]:
    """A few overlapping items of every kind."""
    bitmap = np.arange(64, dtype=np.uint8).reshape(8, 8) * 4
    rgb = np.random.default_rng(7).random((12, 16, 3), dtype=np.float32)
    commands: list[tuple[Command, ...]] = [
        (FillRoundRect(4.5, 3.25, 50, 30, 6, (0.3,)), StrokeRoundRect(4.5, 3.25, 50, 30, 6, 1.5, (0.9,))),
        (Glyphs(tuple((key(10 + i % 3), bitmap, 8 + 9 * i, 12) for i in range(8)), (1.0,)),),
        (
            Stroke(((10.0, 50.0), (40.0, 38.5), (70.0, 52.0)), 3.0, False, (0.7,)),
            Fill(((60.0, 5.0), (90.0, 20.0), (66.0, 34.0)), (0.5,)),
        ),
        (Blit(30, 20, rgb, np.full((12, 16), 0.6, np.float32), 0.8),),
    ]
    items = []
    for index, group in enumerate(commands):
        bounds = Rect(0, 0, 0, 0)
        for command in group:
            bounds = bounds.union(command_bounds(command))
        items.append(PaintItem(index, index - 1, group, bounds))
    return items


@pytest.mark.parametrize(
    "areas",
    [
        [Rect(0, 0, 30, 20)],
        [Rect(20, 10, 30, 30), Rect(60, 0, 40, 15)],
        [Rect(0, 25, 100, 10), Rect(40, 0, 10, 60)],  # overlapping: a cross
        [Rect(-10, -10, 30, 30), Rect(90, 50, 40, 40)],  # partly off the screen
    ],
)
@pytest.mark.parametrize("cut", [False, True], ids=["as given", "disjoint"])
def test_partial_frame_equals_full_frame(make: Make, areas: list[Rect], cut: bool) -> None:
    """Redrawing areas of a surface that held other light gives the full frame's pixels there,
    and leaves every other pixel as it was: areas as given (they may overlap) or cut into
    disjoint pieces, as the renderer passes them."""
    items = _scene()
    full = _frame(make(100, 60, 1), items)
    raster = make(100, 60, 1)
    before = _frame(raster, [PaintItem(9, 0, (FillRoundRect(0, 0, 100, 60, 0, (0.25,)),), Rect(0, 0, 100, 60))])
    clipped = raster.begin("left", disjoint(areas) if cut else areas)
    raster.draw("left", items, (0, 0), 1)
    after = np.array(raster.read("left", Rect(0, 0, 100, 60)))
    inside = np.zeros((60, 100), dtype=bool)
    for area in clipped:
        inside[area.y : area.bottom, area.x : area.right] = True
    assert np.allclose(after[inside], full[inside], atol=1e-6)
    assert np.array_equal(after[~inside], before[~inside])
    assert all(0 <= a.x and a.right <= 100 and 0 <= a.y and a.bottom <= 60 for a in clipped)


def test_read_returns_a_region(make: Make) -> None:
    raster = make(40, 30, 3)
    raster.begin("left")
    raster.draw(
        "left", [PaintItem(1, 0, (FillRoundRect(10, 5, 4, 3, 0, (0.5, 1.0, 0.25)),), Rect(9, 4, 6, 5))], (0, 0), 1
    )
    region = raster.read("left", Rect(8, 4, 8, 5))
    assert region.shape == (5, 8, 3) and region.dtype == np.float32
    assert np.allclose(region[1:4, 2:6], (0.5, 1.0, 0.25)) and region[0].sum() == 0 and region[:, :2].sum() == 0
