"""Tests for panel output: grey levels, colour budgets and the preview tint."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hud.devices import load_device, wavelength_to_rgb
from hud.panel import ONE_BIT_THRESHOLD, limit_colours, quantise_levels, tint, to_panel

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
