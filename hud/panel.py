"""Panel output: quantise each eye's light to the device's panel format.

Mono panels get an 8-bit 'L' image limited to the panel's grey levels; colour panels get
RGB, reduced to the panel's colour budget per frame when it has one.
"""
from __future__ import annotations

import numpy as np
from PIL import Image as PILImage

from hud.devices import DeviceProfile


ONE_BIT_THRESHOLD = 1 / 3


def to_panel(buffer: np.ndarray, device: DeviceProfile) -> np.ndarray:
    """uint8 panel image: (H, W) for mono panels, (H, W, 3) for colour panels."""
    light = np.clip(buffer, 0.0, 1.0)
    if device.colour == "mono":
        return quantise_levels(light[..., 0], device.grey_levels)
    rgb = quantise_levels(light, device.grey_levels)
    if device.max_colours:
        rgb = limit_colours(rgb, device.max_colours)
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


def limit_colours(rgb: np.ndarray, colours: int) -> np.ndarray:
    """Reduce an RGB image to at most `colours` distinct colours (median cut, no dithering)."""
    flat = rgb.reshape(-1, 3)
    if len(np.unique(flat.view(np.dtype((np.void, 3))))) <= colours:
        return rgb
    image = PILImage.fromarray(rgb, "RGB")
    reduced = image.quantize(colors=colours, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)
    return np.asarray(reduced.convert("RGB"))


def tint(panel: np.ndarray, device: DeviceProfile) -> np.ndarray:
    """How a panel image looks: mono light in the panel's colour, colour panels as they are."""
    if panel.ndim == 3:
        return panel
    colour = np.asarray(device.panel_rgb, dtype=np.float32) / 255.0
    return np.rint(panel[..., None].astype(np.float32) * colour).astype(np.uint8)
