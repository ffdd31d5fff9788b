"""Tests for panel output: grey levels, colour budgets, reserved colours and the preview tint."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PIL import Image

from hud.devices import load_device, wavelength_to_rgb
from hud.geometry import Rect
from hud.paint import Blit, Fill, FillRoundRect, Glyphs, PaintItem, Stroke, StrokeRoundRect
from hud.panel import (
    ONE_BIT_THRESHOLD,
    colour_error,
    limit_colours,
    nearest_distance,
    palette_of,
    quantise_colour,
    quantise_levels,
    reserved_colours,
    tint,
    to_panel,
)
from hud.theme import Theme

RAMP = np.linspace(0.0, 1.0, 1001, dtype=np.float32)


def test_256_levels_maps_ends_and_is_identity_on_8bit_values() -> None:
    out = quantise_levels(RAMP, 256)
    assert out.dtype == np.uint8
    assert out[0] == 0 and out[-1] == 255
    values = np.arange(256, dtype=np.float32) / 255
    assert np.array_equal(quantise_levels(values, 256), np.arange(256, dtype=np.uint8))


def test_quantising_is_monotonic() -> None:
    for levels in (2, 4, 16, 256):
        assert np.all(np.diff(quantise_levels(RAMP, levels).astype(int)) >= 0)


def test_16_levels_gives_multiples_of_17() -> None:
    out = quantise_levels(RAMP, 16)
    assert np.all(out % 17 == 0)
    assert set(out.tolist()) == {17 * k for k in range(16)}
    assert out[0] == 0 and out[-1] == 255


def test_levels_round_to_nearest_step() -> None:
    """With 16 levels a step is 1/15; half a step up rounds up, just under rounds down."""
    step = 1 / 15
    light = np.array([0.49 * step, 0.51 * step, 7.4 * step, 7.6 * step], dtype=np.float32)
    assert quantise_levels(light, 16).tolist() == [0, 17, 7 * 17, 8 * 17]


def test_2_levels_only_off_and_full() -> None:
    out = quantise_levels(RAMP, 2)
    assert set(out.tolist()) == {0, 255}
    assert out[RAMP >= ONE_BIT_THRESHOLD + 1e-3].min() == 255
    assert out[RAMP < ONE_BIT_THRESHOLD - 1e-3].max() == 0


def test_to_panel_mono_is_2d_and_clips() -> None:
    device = load_device("quark-s1")
    buffer = np.array([[[-0.5], [0.0], [0.5], [1.0], [3.0]]], dtype=np.float32)
    panel = to_panel(buffer, device)
    assert panel.shape == (1, 5) and panel.dtype == np.uint8
    assert panel.tolist() == [[0, 0, 128, 255, 255]]


def test_to_panel_uses_device_grey_levels() -> None:
    device = dataclasses.replace(load_device("quark-s1"), grey_levels=16)
    panel = to_panel(RAMP.reshape(1, -1, 1), device)
    assert np.all(panel % 17 == 0)
    one_bit = load_device("even-g1")
    assert one_bit.grey_levels == 2
    assert set(to_panel(RAMP.reshape(1, -1, 1), one_bit).ravel().tolist()) == {0, 255}


def test_colour_with_max_colours_limits_unique_colours() -> None:
    device = load_device("frame")
    assert device.colour == "rgb" and device.max_colours == 16
    rng = np.random.default_rng(7)
    buffer = rng.random((40, 50, 3), dtype=np.float32)
    panel = to_panel(buffer, device)
    assert panel.shape == (40, 50, 3) and panel.dtype == np.uint8
    unique = np.unique(panel.reshape(-1, 3), axis=0)
    assert 1 < len(unique) <= 16


def test_limit_colours_keeps_images_already_within_budget() -> None:
    rgb = np.zeros((4, 4, 3), dtype=np.uint8)
    rgb[:2] = (255, 0, 0)
    rgb[2:, :2] = (0, 200, 30)
    assert limit_colours(rgb, 16) is rgb


def test_colour_without_budget_keeps_all_colours() -> None:
    device = load_device("meta-ray-ban-display")
    assert device.max_colours == 0
    values = np.arange(256, dtype=np.float32) / 255
    buffer = np.stack([values, values[::-1], np.full(256, 0.5, np.float32)], axis=-1).reshape(16, 16, 3)
    panel = to_panel(buffer, device)
    assert len(np.unique(panel.reshape(-1, 3), axis=0)) == 256


def test_tint_of_mono_uses_panel_colour() -> None:
    device = load_device("quark-s1")
    green = wavelength_to_rgb(523)
    panel = np.array([[0, 255, 128]], dtype=np.uint8)
    out = tint(panel, device)
    assert out.shape == (1, 3, 3) and out.dtype == np.uint8
    assert tuple(out[0, 0]) == (0, 0, 0)
    assert tuple(out[0, 1]) == green == device.panel_rgb
    assert np.allclose(out[0, 2], np.array(green) * 128 / 255, atol=1)


def test_tint_follows_wavelength() -> None:
    red = dataclasses.replace(load_device("quark-s1"), wavelength_nm=650.0)
    out = tint(np.full((2, 2), 255, dtype=np.uint8), red)
    assert tuple(out[0, 0]) == (255, 0, 0)


def test_tint_leaves_colour_panels_alone() -> None:
    device = load_device("meta-ray-ban-display")
    rgb = np.arange(27, dtype=np.uint8).reshape(3, 3, 3)
    assert np.array_equal(tint(rgb, device), rgb)


@pytest.mark.parametrize("levels", [2, 3, 4, 8, 16, 64, 256])
def test_every_level_count_yields_that_many_values(levels: int) -> None:
    values = set(quantise_levels(RAMP, levels).tolist())
    assert len(values) == levels
    assert min(values) == 0 and max(values) == 255


# -- reserved colours: text and strokes keep their colour on a colour budget -----------------------
def photo_with_block(colour, seed: int = 3) -> np.ndarray:
    """A float buffer: smooth colourful 'photo' noise with a thin bar of `colour` on it, as text
    strokes are (a small share of the pixels: median cut alone averages it away)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:120, 0:160].astype(np.float32)
    buffer = np.stack(
        [0.5 + 0.4 * np.sin(x / 13 + y / 29), 0.45 + 0.35 * np.cos(y / 11), 0.4 + 0.3 * np.sin((x - y) / 17)], axis=-1
    )
    buffer += rng.normal(0, 0.05, buffer.shape).astype(np.float32)
    buffer[40:44, 30:130] = colour
    return buffer.astype(np.float32)


def colours_of(panel: np.ndarray) -> set[tuple[int, int, int]]:
    return {tuple(int(v) for v in c) for c in np.unique(panel.reshape(-1, 3), axis=0)}


def test_reserved_alert_colour_survives_over_a_photo() -> None:
    device = load_device("frame")
    alert = Theme(device).colour("alert")
    buffer = photo_with_block(alert)
    wanted = tuple(int(v) for v in quantise_colour(alert))
    plain = to_panel(buffer, device)
    assert wanted not in colours_of(plain)  # median cut alone turns it into something else
    assert colour_error(alert, plain) > 10
    panel = to_panel(buffer, device, reserved=[alert])
    assert panel.dtype == np.uint8 and panel.shape == (120, 160, 3)
    assert len(colours_of(panel)) <= 16 and wanted in colours_of(panel)
    assert np.all(panel[40:44, 30:130] == wanted)  # every pixel of the bar kept exactly
    assert colour_error(alert, panel) == 0.0
    assert np.array_equal(panel, to_panel(buffer, device, reserved=[alert]))  # deterministic


def test_reserved_colours_are_at_most_half_the_budget() -> None:
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    reserved = [(k / 10, 1 - k / 10, 0.5) for k in range(10)]
    for k, colour in enumerate(reserved):
        rgb[k * 6 : k * 6 + 4, :8] = quantise_colour(colour)
    out = limit_colours(rgb, 16, reserved)
    palette = colours_of(out)
    assert len(palette) <= 16
    kept = [tuple(int(v) for v in quantise_colour(c)) in palette for c in reserved]
    assert kept[:8] == [True] * 8  # the first 16 // 2 are exact
    assert np.array_equal(out[:4, :8], np.broadcast_to(quantise_colour(reserved[0]), (4, 8, 3)))
    # a colour given twice counts once: with a budget of 4, both of these distinct two are kept
    out = limit_colours(rgb, 4, [reserved[1], reserved[1], reserved[2]])
    assert len(colours_of(out)) <= 4
    assert {tuple(int(v) for v in quantise_colour(c)) for c in reserved[1:3]} <= colours_of(out)


def test_reserved_colours_are_quantised_like_the_pixels() -> None:
    assert quantise_colour((1.0, 0.5, 0.2)).tolist() == [255, 128, 51]
    assert quantise_colour((0.5,)).tolist() == [128, 128, 128]
    assert quantise_colour((1.0, 0.5, 0.2), 16).tolist() == [255, 136, 51]
    assert quantise_colour((2.0, -1.0, 0.3), 2).tolist() == [255, 0, 0]


def test_no_reserved_colours_is_plain_median_cut() -> None:
    device = load_device("frame")
    buffer = photo_with_block((1.0, 0.5, 0.2))
    rgb = quantise_levels(np.clip(buffer, 0, 1), 256)
    image = Image.fromarray(rgb, "RGB").quantize(colors=16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    expected = np.asarray(image.convert("RGB"))
    assert np.array_equal(to_panel(buffer, device), expected)
    assert np.array_equal(to_panel(buffer, device, reserved=()), expected)
    assert np.array_equal(limit_colours(rgb, 16), expected)


def test_reserved_colours_leave_images_within_budget_alone() -> None:
    rgb = np.zeros((4, 4, 3), dtype=np.uint8)
    rgb[:2] = (255, 0, 0)
    assert limit_colours(rgb, 16, [(0.0, 1.0, 0.0)]) is rgb


def test_reserved_colours_of_paint_items() -> None:
    theme = Theme(load_device("frame"))
    alert, fg, dim = theme.colour("alert"), theme.colour("fg"), theme.colour("dim")
    faded = theme.colour("alert", 0.5)
    pixels = np.ones((2, 2, 3), np.float32)
    items = [
        PaintItem(1, 0, (Glyphs((), faded), Glyphs((), faded), Glyphs((), faded)), Rect(0, 0, 1, 1)),
        PaintItem(
            2,
            0,
            (
                Stroke(((0, 0), (1, 1)), 1.0, False, dim),
                Fill(((0, 0), (1, 0), (1, 1)), alert),
                Blit(0, 0, pixels, pixels[..., 0], 1.0),
            ),
            Rect(0, 0, 1, 1),
        ),
        PaintItem(
            3,
            0,
            (FillRoundRect(0, 0, 4, 4, 1, alert), StrokeRoundRect(0, 0, 4, 4, 1, 1, (0.2, 0.3, 0.4)), Glyphs((), fg)),
            Rect(0, 0, 4, 4),
        ),
    ]
    # role colours first (most used first, then painter's order), then the others the same way
    assert reserved_colours(items, theme) == [alert, dim, fg, faded, (0.2, 0.3, 0.4)]
    assert reserved_colours([], theme) == []
    mono = Theme(load_device("quark-s1"))
    assert reserved_colours([PaintItem(1, 0, (Glyphs((), (0.6,)),), Rect(0, 0, 1, 1))], mono) == [(0.6, 0.6, 0.6)]


def test_nearest_distance_and_palette() -> None:
    panel = np.zeros((2, 3, 3), dtype=np.uint8)
    panel[0] = (255, 128, 51)
    panel[1, 0] = (0, 0, 255)
    palette = palette_of(panel)
    assert palette.dtype == np.uint8 and palette.tolist() == [[0, 0, 0], [0, 0, 255], [255, 128, 51]]
    assert nearest_distance((1.0, 0.5, 0.2), palette) == 0.0
    assert nearest_distance((0.0, 0.0, 0.8), palette) == pytest.approx(51.0)
    assert nearest_distance((1.0, 1.0, 1.0), np.zeros((0, 3), np.uint8)) == float("inf")
    assert colour_error((1.0, 0.5, 0.2), panel) == 0.0
    assert colour_error((1.0, 0.5, 0.4), panel) == pytest.approx(51.0)


def test_alert_text_over_a_photo_keeps_its_colour_on_frame(tmp_path) -> None:
    """End to end on the 16-colour `frame`: small alert-coloured text drawn over a colourful
    image keeps exactly the alert colour (it is reserved in the frame's palette; median cut
    alone maps it to a photo colour)."""
    import hud
    from hud.theme import Theme

    rng = np.random.default_rng(3)
    ramp = np.linspace(0, 255, 320, dtype=np.float32)
    photo = np.stack(
        [np.tile(ramp, (200, 1)), np.tile(ramp[::-1], (200, 1)), rng.uniform(0, 255, (200, 320))], axis=2
    ).astype(np.uint8)
    Image.fromarray(photo, "RGB").save(tmp_path / "photo.png")
    scene_file = tmp_path / "scene.toml"
    scene_file.write_text(
        '[scene]\ndevice = "frame"\n\n[[widgets]]\ntype = "stack"\nanchor = "center"\n'
        '  [[widgets.children]]\n  type = "image"\n  src = "photo.png"\n  width = 560\n'
        '  [[widgets.children]]\n  type = "text"\n  anchor = "center"\n  text = "GATE CLOSING"\n'
        '  color = "alert"\n  size = "small"\n',
        encoding="utf-8",
    )
    frame = hud.render(scene_file, device="frame")
    panel = frame.eyes["right"]
    device = hud.load_device("frame")
    alert = tuple(int(np.floor(c * 255 + 0.5)) for c in Theme(device).colour("alert"))
    colours = {tuple(int(v) for v in c) for c in panel.reshape(-1, 3)}
    assert len(colours) <= 16
    assert alert in colours, f"alert {alert} lost: the palette is {sorted(colours)}"
