"""The engine's light model (hud.light): white luminance from illuminance, perceived contrast, and
its agreement with the emulator's compositor, which uses the same model."""

from __future__ import annotations

import math

import numpy as np
import pytest

import emulator.look
import hud
from emulator.look import Look, composite
from hud import light
from hud.light import AMBIENTS, contrast, luminance, srgb_to_linear, white_nits

S1 = hud.load_device("quark-s1")
META = hud.load_device("meta-ray-ban-display")  # colour, right eye only
VALUES = (0.0, 0.05, 0.1, 0.3, 0.6, 1.0)
LUXES = (0.5, 5.0, 50.0, 250.0, 1000.0, 10000.0, 31416.0, 100000.0)


def test_white_nits_is_lux_over_pi() -> None:
    assert white_nits(math.pi) == pytest.approx(1.0)
    assert white_nits(0.0) == 0.0
    # the emulator's presets are white luminances: indoor ~ 940 lux, sunny ~ 31,000 lux
    assert white_nits(940) == pytest.approx(AMBIENTS["indoor"], rel=0.01)
    assert white_nits(31_000) == pytest.approx(AMBIENTS["sunny"], rel=0.02)


def test_emulator_uses_the_same_model() -> None:
    for name in (
        "AMBIENTS",
        "DEFAULT_PEAK_NITS",
        "WAVEGUIDE_EFFICIENCY",
        "MEAN_WORLD_GREY",
        "MIN_ADAPT_NITS",
        "KEY",
        "NEUTRAL_GREY",
        "LUMA",
        "srgb_to_linear",
        "linear_to_srgb",
        "peak_nits",
        "panel_colour",
    ):
        assert getattr(emulator.look, name) is getattr(light, name), name
    assert emulator.look.adaptation_nits(Look(ambient="sunny")) == light.adaptation(AMBIENTS["sunny"])
    assert emulator.look.adaptation_nits(Look(see_through=False)) == light.MIN_ADAPT_NITS


@pytest.mark.parametrize("device", [S1, META], ids=["quark-s1", "meta-ray-ban-display"])
def test_contrast_grows_with_value_and_falls_with_lux(device) -> None:
    for lux in LUXES:
        row = [contrast(device, value, lux) for value in VALUES]
        assert row[0] == 1.0
        assert all(a < b for a, b in zip(row, row[1:])), (lux, row)
    for value in VALUES[1:]:
        column = [contrast(device, value, lux) for lux in LUXES]
        assert all(a > b for a, b in zip(column, column[1:])), (value, column)


def test_dark_pixel_is_invisible() -> None:
    for lux in (0.0, 250.0, 10000.0):
        assert contrast(S1, 0.0, lux) == 1.0
        assert contrast(META, (0.0, 0.0, 0.0), lux) == 1.0
    assert contrast(S1, 1.0, 0.0) == math.inf  # no world at all


def test_quark_s1_numbers() -> None:
    assert 6 < contrast(S1, 1.0, 250) < 9.5  # dim indoors: clearly readable
    assert 2.7 < contrast(S1, 1.0, 10000) < 3.6  # bright daylight
    assert 1.2 < contrast(S1, 0.1, 10000) < 1.45  # a dim pixel in daylight: barely there
    assert 1.0 < contrast(S1, 1.0, 100_000) < 1.5  # direct sun: washed out


def test_value_forms() -> None:
    """Mono panels take a level (a sequence: its largest channel); colour panels sRGB (r, g, b) or a grey."""
    assert contrast(S1, (0.2, 0.6, 0.1), 250) == contrast(S1, 0.6, 250) == contrast(S1, (0.6,), 250)
    assert contrast(META, 0.5, 250) == contrast(META, (0.5, 0.5, 0.5), 250)
    assert (
        contrast(META, (0.0, 1.0, 0.0), 250)
        > contrast(META, (1.0, 0.0, 0.0), 250)
        > contrast(META, (0.0, 0.0, 1.0), 250)
    )
    assert contrast(S1, 2.0, 250) == contrast(S1, 1.0, 250)  # clipped like the panel


def _measured(device, value, ambient: str) -> float:
    """Contrast in the emulator's image: a lit square over a uniform NEUTRAL_GREY world, no glow or eye box."""
    shape = (device.height, device.width) if device.colour == "mono" else (device.height, device.width, 3)
    panels = {eye: np.zeros(shape, dtype=np.uint8) for eye in device.eyes}
    cy, cx = device.height // 2, device.width // 2
    for panel in panels.values():
        panel[cy - 20 : cy + 20, cx - 20 : cx + 20] = value
    world = np.full((48, 64, 3), light.NEUTRAL_GREY, dtype=np.uint8)
    image = composite(
        panels, device, Look(background=world, ambient=ambient, glow=False, eye_box=False), device.eyes[0]
    )
    linear = srgb_to_linear(image.astype(np.float32) / 255)
    return float(luminance(linear[cy, cx]) / luminance(linear[5, 5]))


@pytest.mark.parametrize(
    ("device", "value", "ambient"),
    [
        (S1, 26, "night"),
        (S1, 77, "indoor"),
        (S1, 26, "indoor"),
        (S1, 255, "overcast"),
        (S1, 77, "overcast"),
        (S1, 255, "sunny"),
        (S1, 26, "sunny"),
        (META, (255, 255, 255), "night"),
        (META, (255, 255, 255), "indoor"),
        (META, (60, 60, 60), "indoor"),
        (META, (255, 128, 51), "overcast"),
        (META, (255, 128, 51), "sunny"),
    ],
)
def test_matches_the_emulator(device, value, ambient) -> None:
    """Where no channel leaves the screen's gamut, contrast() is what composite() shows, within 2 %."""
    value01 = value / 255 if isinstance(value, int) else tuple(v / 255 for v in value)
    expected = contrast(device, value01, AMBIENTS[ambient] * math.pi)
    assert _measured(device, value, ambient) == pytest.approx(expected, rel=0.02)


def test_emulator_clipping_only_lowers_contrast() -> None:
    """A saturated colour far brighter than the world clips on screen: the model's contrast is higher."""
    for device, value, ambient in ((S1, 255, "night"), (S1, 255, "indoor"), (META, (255, 128, 51), "indoor")):
        value01 = value / 255 if isinstance(value, int) else tuple(v / 255 for v in value)
        assert _measured(device, value, ambient) < contrast(device, value01, AMBIENTS[ambient] * math.pi)
