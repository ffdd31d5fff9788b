"""The raster stage's interface: what every backend (CPU, GL) does with a frame's paint items."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from hud.geometry import Rect
from hud.paint import PaintItem


class BackendWarning(UserWarning):
    """A backend that was asked for cannot run here; another one draws instead.

    Given once per process, at the app's line that asked for the backend. To fail instead of
    drawing on the CPU:

        with warnings.catch_warnings():
            warnings.simplefilter("error", hud.BackendWarning)
            renderer = hud.Renderer(scene, "quark-s1", backend="gl")
    """


@runtime_checkable
class RasterBackend(Protocol):
    """Rasterises paint items into one surface per eye, which the backend owns.

    A frame on one eye is `begin(eye, areas)`, then `draw(eye, items, shift, sign)`, then
    `read(eye, area)` for each area the panel stage needs. Every backend draws the same
    command list to the same light, within the parity tolerance the golden tests hold.
    Glyph bitmaps are cached by their `GlyphKey` (font, glyph id, size, subpixel offset).
    """

    name: str
    width: int
    height: int
    channels: int

    def begin(self, eye: str, areas: Sequence[Rect] | None = None) -> list[Rect]:
        """Start a frame on `eye`: the next draw redraws `areas` (None: all of a fresh surface).
        Returns the areas clipped to the screen."""
        ...

    def draw(self, eye: str, items: Iterable[PaintItem], shift: tuple[int, int], sign: int) -> None:
        """Redraw the begun areas one after another (they may overlap): clear the area, then draw
        `items` in order clipped to it; each moves by `sign` x its stereo shift plus the eye's
        calibration `shift` (dx, dy)."""
        ...

    def read(self, eye: str, area: Rect) -> np.ndarray:
        """The eye's light in `area` as float32 (h, w, channels), 0..1."""
        ...

    def copy_eye(self, source: str, target: str, areas: Sequence[Rect] | None) -> None:
        """`target` shows what `source` shows, in `areas` (None: everywhere): the renderer
        draws one of two eyes that see the same picture. A backend may instead redraw
        `target` whole at its next `begin`."""
        ...

    def close(self) -> None:
        """Free the surfaces (and any GPU objects)."""
        ...


Window = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


def ring_bands(window: Window, x: float, y: float, w: float, h: float, depth: float) -> list[Window]:
    """An outline only touches pixels near its edge: `window` without the inside of the box
    (x, y, w, h) deeper than `depth` (the outline's radius plus width), where every pixel
    centre has coverage exactly 0. Up to four bands; the whole window when nothing is cut."""
    wx0, wy0, wx1, wy1 = window
    margin = depth + 1
    ix0, iy0 = max(math.ceil(x + margin - 0.5), wx0), max(math.ceil(y + margin - 0.5), wy0)
    ix1, iy1 = min(math.floor(x + w - margin - 0.5) + 1, wx1), min(math.floor(y + h - margin - 0.5) + 1, wy1)
    if ix0 >= ix1 or iy0 >= iy1:
        return [window]
    bands = [(wx0, wy0, wx1, iy0), (wx0, iy1, wx1, wy1), (wx0, iy0, ix0, iy1), (ix1, iy0, wx1, iy1)]
    return [band for band in bands if band[0] < band[2] and band[1] < band[3]]
