"""Panel output: quantise each eye's light to the device's panel format.

Mono panels get an 8-bit 'L' image limited to the panel's grey levels; colour panels get
RGB, reduced to the panel's colour budget per frame when it has one. The colours text and
strokes are drawn in can be reserved in that budget, so an alert colour over a photo stays itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image as PILImage

from hud.devices import DeviceProfile
from hud.paint import Fill, FillRoundRect, Glyphs, PaintItem, Stroke, StrokeRoundRect
from hud.theme import MONO_ROLES, RGB_ROLES, Theme

ONE_BIT_THRESHOLD = 1 / 3
DRAWN = (Glyphs, Stroke, StrokeRoundRect, Fill, FillRoundRect)  # commands drawn in one flat colour

RGB = tuple[float, float, float]


def to_panel(buffer: np.ndarray, device: DeviceProfile, reserved: Sequence[Sequence[float]] = ()) -> np.ndarray:
    """uint8 panel image: (H, W) for mono panels, (H, W, 3) for colour panels. On panels with a
    colour budget the `reserved` colours (see limit_colours) stay exact."""
    light = np.clip(buffer, 0.0, 1.0)
    if device.colour == "mono":
        return quantise_levels(light[..., 0], device.grey_levels)
    rgb = quantise_levels(light, device.grey_levels)
    if device.max_colours:
        rgb = limit_colours(rgb, device.max_colours, reserved, device.grey_levels)
    return rgb


def quantise_levels(light: np.ndarray, levels: int) -> np.ndarray:
    """Round light (0..1) to `levels` evenly spaced steps, stored as 0..255."""
    steps = levels - 1
    if steps == 1:
        # 1-bit panels: a pixel a third covered lights, so one-pixel strokes that antialiasing
        # spread over two pixels do not vanish.
        return np.where(light >= ONE_BIT_THRESHOLD, 255, 0).astype(np.uint8)
    level = np.floor(light * steps + 0.5)  # half rounds up: a half-covered pixel stays lit
    return np.floor(level * (255.0 / steps) + 0.5).astype(np.uint8)


def quantise_colour(colour: Sequence[float], levels: int = 256) -> np.ndarray:
    """A drawing colour (0..1, one channel or three) as the panel stores it: uint8 (3,), quantised
    like the pixels the colour is drawn in (float32, clipped, quantise_levels)."""
    rgb = np.broadcast_to(np.asarray(colour, dtype=np.float32), (3,))
    return quantise_levels(np.clip(rgb, 0.0, 1.0), levels)


def limit_colours(
    rgb: np.ndarray, colours: int, reserved: Sequence[Sequence[float]] = (), levels: int = 256
) -> np.ndarray:
    """Reduce an RGB image to at most `colours` distinct colours (median cut, no dithering).

    An image already within the budget is returned as it is. Otherwise the `reserved` colours
    (0..1, quantised to `levels` like the pixels) are kept exactly, at most colours // 2 of them:
    the first distinct ones given, later ones are ignored. The remaining budget goes to a median
    cut of the other pixels, and every pixel takes its nearest palette colour (Euclidean, the
    reserved colours winning ties). Without reserved colours it is Pillow's median cut as it is.
    """
    flat = rgb.reshape(-1, 3)
    keys = _keys(flat)
    present = _distinct(keys)
    if len(present) <= colours:
        return rgb
    kept = _reserved_palette(reserved, colours // 2, levels)
    if not len(kept):
        return _median_cut(rgb, colours)
    budget = colours - len(kept)
    rest = _colours(present[~np.isin(present, _keys(kept))])
    if len(rest) > budget:
        rest = _median_cut_palette(flat[~np.isin(keys, _keys(kept))], budget)
    palette = np.concatenate([kept, rest])
    # Nearest by squared distance |p|^2 - 2 p.c + |c|^2: whole numbers below 2^24, exact in float32.
    pixels, entries = _colours(present).astype(np.float32), palette.astype(np.float32)
    distance = (entries * entries).sum(axis=1) - 2 * pixels @ entries.T + (pixels * pixels).sum(axis=1)[:, None]
    lookup = np.empty(1 << 24, dtype=np.uint8)
    lookup[present] = np.argmin(distance, axis=1)  # the first of equally near colours: reserved ones first
    return palette[lookup[keys]].reshape(rgb.shape)


def _reserved_palette(reserved: Sequence[Sequence[float]], most: int, levels: int) -> np.ndarray:
    """The first `most` distinct reserved colours, quantised: uint8 (N, 3)."""
    kept: list[np.ndarray] = []
    for colour in reserved:
        if len(kept) == most:
            break
        value = quantise_colour(colour, levels)
        if not any(np.array_equal(value, other) for other in kept):
            kept.append(value)
    return np.array(kept, dtype=np.uint8).reshape(-1, 3)


def _keys(flat: np.ndarray) -> np.ndarray:
    """One int per RGB colour, (N, 3) -> (N,)."""
    flat = flat.astype(np.int32)
    return (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct keys, sorted (a table of all 2^24 colours: faster than sorting the pixels)."""
    seen = np.zeros(1 << 24, dtype=bool)
    seen[keys] = True
    return np.flatnonzero(seen)


def _colours(keys: np.ndarray) -> np.ndarray:
    """The RGB colours of keys: (N,) -> uint8 (N, 3)."""
    return np.stack([keys >> 16, (keys >> 8) & 255, keys & 255], axis=-1).astype(np.uint8).reshape(-1, 3)


def _median_cut(rgb: np.ndarray, colours: int) -> np.ndarray:
    """Pillow's median cut of an (H, W, 3) uint8 image to `colours`, no dithering."""
    image = PILImage.fromarray(np.ascontiguousarray(rgb), "RGB")
    reduced = image.quantize(colors=colours, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)
    return np.asarray(reduced.convert("RGB"))


def _median_cut_palette(pixels: np.ndarray, colours: int) -> np.ndarray:
    """The colours Pillow's median cut of (N, 3) uint8 pixels to `colours` uses: uint8 (M, 3)."""
    image = PILImage.fromarray(np.ascontiguousarray(pixels[None]), "RGB")
    reduced = image.quantize(colors=colours, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)
    entries = np.asarray(reduced.getpalette("RGB"), dtype=np.uint8).reshape(-1, 3)
    used = np.flatnonzero(np.bincount(np.asarray(reduced).ravel(), minlength=len(entries)))
    return entries[used]


def reserved_colours(items: Sequence[PaintItem], theme: Theme) -> list[RGB]:
    """The distinct colours text, strokes and fills are drawn in (Glyphs, Stroke, StrokeRoundRect,
    Fill, FillRoundRect; not images), for to_panel's `reserved`.

    Order: the theme's role colours at full brightness first, then the others (dimmed, faded,
    "#rrggbb"); within each, the colour of the most commands first, then painter's order.
    One-channel colours become grey.
    """
    counts: dict[RGB, int] = {}
    for item in items:
        for command in item.commands:
            if isinstance(command, DRAWN):
                rgb = _as_rgb(command.colour)
                counts[rgb] = counts.get(rgb, 0) + 1
    roles = {_as_rgb(theme.colour(role)) for role in (MONO_ROLES if theme.channels == 1 else RGB_ROLES)}
    order = {colour: index for index, colour in enumerate(counts)}
    return sorted(counts, key=lambda colour: (colour not in roles, -counts[colour], order[colour]))


def _as_rgb(colour: Sequence[float]) -> RGB:
    return (colour[0],) * 3 if len(colour) == 1 else (colour[0], colour[1], colour[2])


def palette_of(panel: np.ndarray) -> np.ndarray:
    """The distinct colours of an RGB panel image: uint8 (N, 3), sorted."""
    return _colours(_distinct(_keys(np.asarray(panel, dtype=np.uint8).reshape(-1, 3))))


def nearest_distance(colour: Sequence[float], palette: np.ndarray, levels: int = 256) -> float:
    """How far a drawing colour (0..1, quantised like the pixels) lands from itself in a palette:
    the Euclidean distance, in 0..255 sRGB steps, to the palette's nearest colour (0.0: kept
    exactly; inf: an empty palette). The largest possible is 255 x sqrt(3) ~ 441."""
    palette = np.asarray(palette, dtype=np.float64).reshape(-1, 3)
    if not len(palette):
        return float("inf")
    offset = palette - quantise_colour(colour, levels).astype(np.float64)
    return float(np.sqrt((offset**2).sum(axis=1).min()))


def colour_error(colour: Sequence[float], panel: np.ndarray, levels: int = 256) -> float:
    """nearest_distance of a drawing colour to the colours an RGB panel image shows."""
    return nearest_distance(colour, palette_of(panel), levels)


def tint(panel: np.ndarray, device: DeviceProfile) -> np.ndarray:
    """How a panel image looks: mono light in the panel's colour, colour panels as they are."""
    if panel.ndim == 3:
        return panel
    colour = np.asarray(device.panel_rgb, dtype=np.float32) / 255.0
    levels = np.rint(np.arange(256, dtype=np.float32)[:, None] * colour).astype(np.uint8)  # each grey level's RGB
    return levels[panel]
