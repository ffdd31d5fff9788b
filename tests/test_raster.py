"""Tests for the CPU rasterizer: exact fills, antialiasing, strokes, polygons, clipping."""
from __future__ import annotations

import numpy as np
import pytest

from hud.paint import Blit, Fill, FillRoundRect, Glyphs, Layer, Stroke, StrokeRoundRect
from hud.raster import BACKENDS, CpuRaster

WHITE = (1.0,)


def _draw(*commands, size: tuple[int, int] = (100, 80), channels: int = 1, dx: int = 0, dy: int = 0) -> np.ndarray:
    raster = CpuRaster(size[0], size[1], channels)
    buffer = raster.new_buffer()
    for command in commands:
        raster.draw(buffer, command, dx, dy)
    return buffer if channels > 1 else buffer[..., 0]


def test_backends_registry() -> None:
    assert BACKENDS["cpu"] is CpuRaster
    buffer = CpuRaster(7, 5, 3).new_buffer()
    assert buffer.shape == (5, 7, 3) and buffer.dtype == np.float32 and not buffer.any()


def test_filled_rect_with_integer_edges_is_exact() -> None:
    cov = _draw(FillRoundRect(10, 20, 30, 15, 0, WHITE))
    expected = np.zeros_like(cov)
    expected[20:35, 10:40] = 1.0
    assert np.array_equal(cov, expected)


def test_filled_rect_colour_channels() -> None:
    rgb = _draw(FillRoundRect(2, 3, 4, 5, 0, (1.0, 0.5, 0.25)), size=(10, 10), channels=3)
    assert np.allclose(rgb[3:8, 2:6], (1.0, 0.5, 0.25))
    assert not rgb[:3].any() and not rgb[8:].any()


def test_fractional_edges_are_antialiased() -> None:
    """Edge pixels get the fraction of their area inside the shape."""
    cov = _draw(FillRoundRect(10.5, 10.25, 20, 20, 0, WHITE))
    assert cov[20, 10] == pytest.approx(0.5)      # left edge through the pixel centre
    assert cov[10, 20] == pytest.approx(0.75)     # top edge a quarter into the pixel
    assert cov[20, 30] == pytest.approx(0.5)      # right edge at 30.5
    assert cov[30, 20] == pytest.approx(0.25)     # bottom edge at 30.25
    assert cov[20, 11] == 1.0 and cov[20, 9] == 0.0
    edges = cov[(cov > 0) & (cov < 1)]
    assert edges.size > 0
    assert cov.sum() == pytest.approx(400, rel=0.005)


def test_rounded_corners_remove_coverage() -> None:
    square = _draw(FillRoundRect(10, 10, 40, 40, 0, WHITE))
    rounded = _draw(FillRoundRect(10, 10, 40, 40, 10, WHITE))
    assert rounded[10, 10] == 0.0 and square[10, 10] == 1.0
    assert rounded[30, 30] == 1.0
    # Four quarter circles cut off (4 - pi) r^2.
    assert square.sum() - rounded.sum() == pytest.approx((4 - np.pi) * 100, rel=0.03)


def test_stroke_coverage_is_symmetric() -> None:
    """A horizontal line on y = 20 covers rows mirrored around it equally, and its ends alike."""
    cov = _draw(Stroke(((10, 20.0), (50, 20.0)), 3, False, WHITE), size=(60, 40))
    assert np.allclose(cov[20:, :], cov[:20, :][::-1])
    assert np.allclose(cov[:, 30:], cov[:, :30][:, ::-1])
    assert cov[20, 30] == 1.0 and cov[19, 30] == 1.0
    assert cov[21, 30] == pytest.approx(0.5) and cov[18, 30] == pytest.approx(0.5)
    assert cov[23, 30] == 0.0


def test_stroke_is_transpose_symmetric() -> None:
    a = _draw(Stroke(((5.0, 12.5), (33.25, 40.0)), 2.5, False, WHITE), size=(50, 50))
    b = _draw(Stroke(((12.5, 5.0), (40.0, 33.25)), 2.5, False, WHITE), size=(50, 50))
    assert np.allclose(a, b.T)


def test_stroke_round_rect_symmetric_and_hollow() -> None:
    cov = _draw(StrokeRoundRect(10, 10, 40, 30, 6, 2.5, WHITE), size=(60, 50))
    box = cov[10:40, 10:50]
    assert np.allclose(box, box[::-1]) and np.allclose(box, box[:, ::-1])
    assert cov[25, 30] == 0.0              # inside is not filled
    assert cov[25, 10] == 1.0              # outer edge is the box edge
    assert cov[25, 9] == 0.0 and cov[9, 30] == 0.0


def test_stroke_width_scales_coverage() -> None:
    thin = _draw(Stroke(((10, 20.0), (50, 20.0)), 2, False, WHITE), size=(60, 40))
    thick = _draw(Stroke(((10, 20.0), (50, 20.0)), 4, False, WHITE), size=(60, 40))
    column = 30
    assert thin[:, column].sum() == pytest.approx(2.0)
    assert thick[:, column].sum() == pytest.approx(4.0)


def test_closed_stroke_joins_last_point_to_first() -> None:
    points = ((10.0, 10.0), (40.0, 10.0), (40.0, 40.0))
    open_ = _draw(Stroke(points, 2, False, WHITE), size=(50, 50))
    closed = _draw(Stroke(points, 2, True, WHITE), size=(50, 50))
    assert open_[25, 25] == 0.0
    assert closed[25, 25] > 0.9  # on the diagonal closing segment


@pytest.mark.parametrize("points", [
    ((10.3, 10.7), (80.2, 12.1), (30.5, 70.9)),
    ((50.0, 5.0), (95.5, 75.0), (4.5, 75.0)),
    ((20.0, 20.0), (21.0, 60.0), (90.0, 40.25)),
])
def test_triangle_fill_covers_its_area(points: tuple[tuple[float, float], ...]) -> None:
    (x1, y1), (x2, y2), (x3, y3) = points
    area = abs((x2 - x1) * (y3 - y1) - (x3 - x1) * (y2 - y1)) / 2
    cov = _draw(Fill(points, WHITE))
    assert cov.sum() == pytest.approx(area, rel=0.01)
    assert cov.max() == 1.0 and cov.min() == 0.0


def test_fill_winding_order_does_not_matter() -> None:
    points = ((10.3, 10.7), (80.2, 12.1), (30.5, 70.9))
    assert np.allclose(_draw(Fill(points, WHITE)), _draw(Fill(points[::-1], WHITE)), atol=1e-5)


def test_composite_is_over() -> None:
    """A half-covered pixel over a lit one mixes the two colours."""
    buffer = _draw(FillRoundRect(0, 0, 10, 10, 0, (0.2,)), FillRoundRect(4.5, 0, 10, 10, 0, WHITE), size=(20, 10))
    assert buffer[5, 2] == pytest.approx(0.2)
    assert buffer[5, 4] == pytest.approx(0.5 * 0.2 + 0.5 * 1.0)
    assert buffer[5, 6] == pytest.approx(1.0)


def test_glyph_blit_places_bitmap() -> None:
    bitmap = (np.arange(12, dtype=np.uint8).reshape(3, 4) * 20)
    cov = _draw(Glyphs(((bitmap, 5, 6),), WHITE), size=(20, 20))
    assert np.allclose(cov[6:9, 5:9], bitmap / 255)
    assert cov.sum() == pytest.approx(bitmap.sum() / 255)


@pytest.mark.parametrize("x, y", [(-2, -1), (17, 18), (-3, 17), (18, -2)])
def test_glyph_blit_clipped_at_buffer_edges(x: int, y: int) -> None:
    bitmap = np.full((4, 5), 255, dtype=np.uint8)
    cov = _draw(Glyphs(((bitmap, x, y),), WHITE), size=(20, 20))
    visible_w = min(x + 5, 20) - max(x, 0)
    visible_h = min(y + 4, 20) - max(y, 0)
    assert cov.sum() == pytest.approx(visible_w * visible_h)


def test_blit_clipped_and_mono_uses_brightest_channel() -> None:
    rgb = np.zeros((6, 6, 3), dtype=np.float32)
    rgb[..., 1] = 0.8
    alpha = np.ones((6, 6), dtype=np.float32)
    cov = _draw(Blit(-3, -3, rgb, alpha, 0.5), size=(10, 10))
    assert np.allclose(cov[:3, :3], 0.4)
    assert cov[3:, :].sum() == 0 and cov[:, 3:].sum() == 0


@pytest.mark.parametrize("command", [
    FillRoundRect(-50, -50, 20, 20, 4, WHITE),
    FillRoundRect(500, 10, 20, 20, 0, WHITE),
    StrokeRoundRect(-1000, -1000, 10, 10, 2, 2, WHITE),
    Stroke(((-100.0, -100.0), (-50.0, -60.0)), 3, False, WHITE),
    Stroke(((300.0, 5.0),), 3, False, WHITE),
    Fill(((200.0, 200.0), (260.0, 210.0), (230.0, 300.0)), WHITE),
    Fill(((1.0, 1.0), (2.0, 2.0)), WHITE),
    Glyphs(((np.full((8, 8), 255, np.uint8), -20, 5), (np.full((8, 8), 255, np.uint8), 5, 200)), WHITE),
    Glyphs(((np.zeros((0, 0), np.uint8), 3, 3),), WHITE),
    Blit(150, 150, np.ones((4, 4, 3), np.float32), np.ones((4, 4), np.float32), 1.0),
    FillRoundRect(10, 10, 0, 20, 0, WHITE),
])
def test_commands_wholly_outside_or_degenerate_draw_nothing(command) -> None:
    assert not _draw(command).any()


@pytest.mark.parametrize("command", [
    FillRoundRect(-10, -10, 30, 30, 5, WHITE),
    FillRoundRect(90, 70, 40, 40, 0, WHITE),
    StrokeRoundRect(-5, 60, 120, 40, 8, 3, WHITE),
    Stroke(((-20.0, 40.0), (120.0, 40.0)), 4, False, WHITE),
    Fill(((-30.0, -30.0), (60.0, -10.0), (-10.0, 60.0)), WHITE),
    Blit(95, 75, np.ones((10, 10, 3), np.float32), np.ones((10, 10), np.float32), 1.0),
])
def test_commands_partly_outside_draw_the_inside_part(command) -> None:
    cov = _draw(command)
    assert cov.any()
    assert cov.min() >= 0.0 and cov.max() <= 1.0


def test_render_applies_layer_shift_per_eye() -> None:
    raster = CpuRaster(60, 20, 1)
    layers = [Layer(5, (FillRoundRect(20, 5, 10, 10, 0, WHITE),))]
    left = raster.render(layers, (0, 0), 1)[..., 0]
    right = raster.render(layers, (2, 1), -1)[..., 0]
    assert np.nonzero(left.any(axis=0))[0].tolist() == list(range(25, 35))
    assert np.nonzero(right.any(axis=0))[0].tolist() == list(range(17, 27))
    assert np.nonzero(right.any(axis=1))[0].tolist() == list(range(6, 16))


def test_render_far_off_screen_shift_does_not_crash() -> None:
    raster = CpuRaster(30, 20, 3)
    layers = [Layer(10_000, (FillRoundRect(5, 5, 10, 10, 2, (1.0, 1.0, 1.0)),
                             Glyphs(((np.full((3, 3), 255, np.uint8), 1, 1),), (1.0, 1.0, 1.0))))]
    assert not raster.render(layers, (0, 0), 1).any()
    assert not raster.render(layers, (0, -10_000), -1).any()
