"""The waveguide light model: how bright panel light and the world are at the eye, and how they look.

The panel images the engine renders are *light*: an emissive waveguide adds them on top of the
world seen through the lens. The model, shared by the emulator (`emulator.look`, in numpy and
GLSL) and the engine's own checks:

1. world      a world pixel's linear reflectance x the luminance of a white surface, in nits
              (the emulator's AMBIENTS; from illuminance: `white_nits(lux)` = lux / pi)
2. light      panel value -> linear light in the panel colour x peak nits x waveguide efficiency
3. additive   perceived = world + light (the emulator adds glow and an eye-box fall-off first)
4. adaptation the eye adapts to the mean world luminance, white x MEAN_WORLD_GREY (never below
              MIN_ADAPT_NITS); Reinhard tone mapping x / (1 + x) with x = perceived / (adaptation x KEY)

The Reinhard curve is applied to luminance and the colour scaled with it (Reinhard et al.
2002), so a saturated green stays green when it is far brighter than the world (per channel,
the S1's 3200-nit green would turn yellow at night, its red part saturating too). The constants were tuned on a
contact sheet of scenes/city-walk.toml over the built-in backgrounds: vivid green at night,
clearly readable indoors, washed out but faintly readable in the sun.

`contrast(device, value, lux)` sums the model up for the engine's checks: how one pixel stands out
from a neutral grey world at a given illuminance.

All arithmetic is float32, as in the emulator's numpy compositor; its GLSL shaders take the same
constants from here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from hud.devices import DeviceProfile

AMBIENTS = {
    "night": 5.0,
    "indoor": 300.0,
    "overcast": 3000.0,
    "sunny": 10000.0,
}  # background luminance in nits for a white pixel
DEFAULT_PEAK_NITS = 3000.0  # when a profile does not give peak_nits
WAVEGUIDE_EFFICIENCY = 0.8  # share of the panel's light that reaches the eye
MEAN_WORLD_GREY = 0.18  # mean reflectance of the world: the eye adapts to ambient x this
MIN_ADAPT_NITS = 20.0  # a bright HUD keeps the eye from dark-adapting further (also: no world)
KEY = 6.0  # tone-mapping white point, in multiples of the adaptation luminance
NEUTRAL_GREY = 118  # sRGB level of the default world (118 is 18 % linear grey)
LUMA = (0.2126, 0.7152, 0.0722)  # Rec. 709 / sRGB luminance weights (linear RGB)


def srgb_to_linear(c: npt.ArrayLike) -> np.ndarray:
    """sRGB-encoded values in [0, 1] to linear light (float32)."""
    c = np.asarray(c, dtype=np.float32)
    return np.where(
        c <= np.float32(0.04045),
        c / np.float32(12.92),
        ((c + np.float32(0.055)) / np.float32(1.055)) ** np.float32(2.4),
    ).astype(np.float32)


def linear_to_srgb(v: npt.ArrayLike) -> np.ndarray:
    """Linear light in [0, 1] to sRGB-encoded values (float32)."""
    v = np.clip(np.asarray(v, dtype=np.float32), 0.0, 1.0)
    return np.where(
        v <= np.float32(0.0031308),
        v * np.float32(12.92),
        np.float32(1.055) * v ** np.float32(1 / 2.4) - np.float32(0.055),
    ).astype(np.float32)


def peak_nits(device: DeviceProfile) -> float:
    """Light that reaches the eye from a fully lit pixel, in nits."""
    return float(device.peak_nits or DEFAULT_PEAK_NITS) * WAVEGUIDE_EFFICIENCY


def panel_colour(device: DeviceProfile) -> np.ndarray:
    """Linear RGB of a fully lit mono pixel (white for colour panels)."""
    return srgb_to_linear(np.asarray(device.panel_rgb, dtype=np.float32) / 255.0)


def white_nits(lux: float) -> float:
    """Luminance in nits of a white (Lambertian) surface lit by `lux`: lux / pi.

    The emulator's AMBIENTS are such white luminances, so they correspond to lux = nits x pi:
    indoor 300 nits ~ 940 lux, sunny 10000 nits ~ 31,000 lux.
    """
    return float(lux) / math.pi


def adaptation(white: float) -> float:
    """The luminance the eye adapts to, in nits, over a world whose white is `white` nits (0: no world)."""
    return max(white * MEAN_WORLD_GREY, MIN_ADAPT_NITS)


def reinhard(x: np.ndarray) -> np.ndarray:
    """Reinhard tone mapping of linear RGB (..., 3) in units of adaptation x KEY, on luminance
    (hue kept), channels clipped to [0, 1]: linear light, float32."""
    x = np.asarray(x, dtype=np.float32)
    lum = x[..., 0] * np.float32(LUMA[0]) + x[..., 1] * np.float32(LUMA[1]) + x[..., 2] * np.float32(LUMA[2])
    ratio = np.float32(1.0) / (np.float32(1.0) + lum)  # (lum / (1 + lum)) / lum
    return np.clip(x * ratio[..., None], 0.0, 1.0).astype(np.float32)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Luminance of linear RGB (..., 3)."""
    return np.asarray(rgb, dtype=np.float32) @ np.asarray(LUMA, dtype=np.float32)


def contrast(device: DeviceProfile, value: float | Sequence[float], lux: float) -> float:
    """Perceived contrast of a panel pixel over a neutral grey world lit by `lux`: the tone-mapped
    luminance of content + world over that of the world alone, in linear light (1.0: invisible).

    `value` is the pixel as the panel stores it, 0..1: a level for mono panels (a sequence: its
    largest channel, as Theme does) or sRGB-encoded (r, g, b) for colour panels (a float: grey).
    The world is NEUTRAL_GREY x white_nits(lux) and the light the emulator's, without glow or eye
    box. The curve is Reinhard on luminance, unclipped: the emulator also clips each channel to
    the screen's gamut, which caps a saturated colour far brighter than the world (the S1's green
    at 250 lux: 6.8:1 on screen, 8.9:1 here).
    """
    values = np.atleast_1d(np.asarray(value, dtype=np.float32))
    if device.colour == "mono":
        light = np.clip(values.max(), 0.0, 1.0) * panel_colour(device)
    else:
        light = srgb_to_linear(np.clip(np.broadcast_to(values, (3,)), 0.0, 1.0))
    white = white_nits(lux)
    world = float(srgb_to_linear(np.float32(NEUTRAL_GREY / 255.0))) * white
    scale = adaptation(white) * KEY
    content = float(luminance(light)) * peak_nits(device)
    seen, alone = (content + world) / scale, world / scale
    if alone <= 0:  # no world: any light is infinitely contrasted
        return 1.0 if seen <= 0 else math.inf
    return (seen / (1 + seen)) / (alone / (1 + alone))
