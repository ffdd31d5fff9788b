"""The CPU raster backend (the reference), in numpy: antialiased by exact signed distances at
pixel centres.

Every shape is drawn by computing, for each pixel centre inside the shape's bounds, the
signed distance to its outline; coverage is that distance clamped to one pixel. Glyphs
arrive as FreeType coverage bitmaps. Compositing is "over" in a float buffer of shape
(height, width, channels); the panel stage turns it into the device's 8-bit format.
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from types import ModuleType

import numpy as np

from hud.geometry import Rect
from hud.paint import Blit, Command, Fill, FillRoundRect, GlyphKey, Glyphs, PaintItem, Stroke, StrokeRoundRect
from hud.raster.base import ring_bands
from hud.theme import mono_light

_native: ModuleType | None
try:  # the compiled inner loops (hud/raster/_native.c), built by the project's install
    import hud.raster._native as _native
except ImportError:  # no C compiler where hud was installed: the numpy path, same pixels
    _native = None


def native_available() -> bool:
    """Whether the compiled inner loops were built and can be used."""
    return _native is not None


# The compiled glyph compositing is used where built, unless HUD_PURE_PYTHON=1; tests switch
# it with `use_native` to compare both paths pixel for pixel.
_use_native = native_available() and os.environ.get("HUD_PURE_PYTHON", "") not in ("1", "true", "yes")


def use_native(on: bool) -> bool:
    """Turn the compiled inner loops on or off (on only where built); returns the old setting."""
    global _use_native
    old, _use_native = _use_native, on and native_available()
    return old


def native_in_use() -> bool:
    """Whether glyph runs are composited by the compiled code right now."""
    return _use_native


CoverageParts = list[tuple[tuple[int, int, int, int], np.ndarray]]  # (x0, y0, x1, y1) windows and coverage
COVERAGE_CACHE_BYTES = 32 << 20  # shapes' coverage kept per backend


class CpuRaster:
    """The reference backend: numpy float buffers, one per eye (a `RasterBackend`)."""

    name = "cpu"

    def __init__(self, width: int, height: int, channels: int) -> None:
        self.width, self.height, self.channels = width, height, channels
        self.screen = Rect(0, 0, width, height)
        self._clip = self.screen  # pixels the current pass may change
        self._buffers: dict[str, np.ndarray] = {}
        self._areas: dict[str, list[Rect]] = {}
        self._coverage: OrderedDict[tuple, CoverageParts] = OrderedDict()  # shapes' coverage, oldest first
        self._coverage_bytes = 0

    def new_buffer(self) -> np.ndarray:
        """A cleared float canvas of the screen's size (for drawing outside the eye surfaces)."""
        return np.zeros((self.height, self.width, self.channels), dtype=np.float32)

    # -- RasterBackend -----------------------------------------------------------------------
    def begin(self, eye: str, areas: Sequence[Rect] | None = None) -> list[Rect]:
        """Start a frame on one eye: the next `draw` redraws `areas` (None: the whole screen, on
        a fresh surface). Returns the areas, clipped to the screen."""
        if areas is None or eye not in self._buffers:
            self._buffers[eye] = self.new_buffer()
            clipped = [self.screen]
        else:
            clipped = [a for a in (area.intersect(self.screen) for area in areas) if not a.empty]
        self._areas[eye] = clipped
        return clipped

    def draw(self, eye: str, items: Iterable[PaintItem], shift: tuple[int, int], sign: int) -> None:
        """Redraw the eye's begun areas, one after another (each cleared, then every item that
        reaches into it drawn clipped to it): each item moves by sign x its stereo shift plus the
        eye's `shift` (dx, dy). Each pixel sees the same operations in the same
        order as in a full redraw, so a partial frame equals a full one."""
        buffer = self._buffers[eye]
        items = list(items)
        for area in self._areas.get(eye, ()):
            buffer[area.y : area.bottom, area.x : area.right] = 0.0  # areas may overlap: clear each just before
            self._clip = area
            try:
                for item in items:
                    dx, dy = sign * item.shift + shift[0], shift[1]
                    if item.bounds.translate(dx, dy).intersect(area).empty:
                        continue
                    for command in item.commands:
                        self.draw_command(buffer, command, dx, dy)
            finally:
                self._clip = self.screen

    def copy_eye(self, source: str, target: str, areas: Sequence[Rect] | None) -> None:
        """Make `target`'s surface equal `source`'s in `areas` (None: everywhere), for eyes
        that see the same picture: the renderer draws one and copies it."""
        if areas is None or target not in self._buffers:
            self._buffers[target] = self._buffers[source].copy()
            return
        src, dst = self._buffers[source], self._buffers[target]
        for area in areas:
            area = area.intersect(self.screen)
            if not area.empty:
                dst[area.y : area.bottom, area.x : area.right] = src[area.y : area.bottom, area.x : area.right]

    def read(self, eye: str, area: Rect) -> np.ndarray:
        """The eye's light in `area`: float32 (h, w, channels), 0..1 (a view: copy to keep)."""
        return self._buffers[eye][area.y : area.bottom, area.x : area.right]

    def close(self) -> None:
        self._buffers.clear()
        self._areas.clear()

    # -- one command -------------------------------------------------------------------------
    def draw_command(self, buf: np.ndarray, cmd: Command, dx: int, dy: int) -> None:
        """Draw one command into any float array of this backend's channels (canvases, tests)."""
        if isinstance(cmd, Glyphs):
            self._glyphs(buf, cmd, dx, dy)
        elif isinstance(cmd, Blit):
            self._blit(buf, cmd, dx, dy)
        elif isinstance(cmd, (FillRoundRect, StrokeRoundRect, Stroke, Fill)):
            clip = self._clip
            for (ix0, iy0, ix1, iy1), coverage in self._shape_coverage(cmd, dx, dy):
                x0, y0 = max(ix0, clip.x), max(iy0, clip.y)
                x1, y1 = min(ix1, clip.right), min(iy1, clip.bottom)
                if x0 < x1 and y0 < y1:
                    part = coverage[y0 - iy0 : y1 - iy0, x0 - ix0 : x1 - ix0]
                    self._composite(buf, (x0, y0, x1, y1), part, cmd.colour)
        else:  # pragma: no cover - every command type is handled above
            raise TypeError(f"unknown draw command {type(cmd).__name__}")

    def _shape_coverage(self, cmd: FillRoundRect | StrokeRoundRect | Stroke | Fill, dx: int, dy: int) -> CoverageParts:
        """A shape's coverage on the screen, in windows: computed once per shape and position
        and kept (a shape's coverage at a pixel depends only on that pixel's centre), so a
        frame that redraws an unchanged shape in a damaged area only composites it."""
        key = (type(cmd), cmd[:-1], dx, dy)  # every field but the colour (the last)
        parts = self._coverage.get(key)
        if parts is not None:
            return parts
        clip, self._clip = self._clip, self.screen
        try:
            if isinstance(cmd, FillRoundRect):
                parts = self._round_rect(cmd.x + dx, cmd.y + dy, cmd.w, cmd.h, cmd.radius, None)
            elif isinstance(cmd, StrokeRoundRect):
                parts = self._round_rect(cmd.x + dx, cmd.y + dy, cmd.w, cmd.h, cmd.radius, cmd.width)
            elif isinstance(cmd, Stroke):
                parts = self._stroke([(x + dx, y + dy) for x, y in cmd.points], cmd.width, cmd.closed)
            else:
                parts = self._fill([(x + dx, y + dy) for x, y in cmd.points])
        finally:
            self._clip = clip
        size = sum(coverage.nbytes for _, coverage in parts)
        while self._coverage and self._coverage_bytes + size > COVERAGE_CACHE_BYTES:
            _, dropped = self._coverage.popitem(last=False)
            self._coverage_bytes -= sum(coverage.nbytes for _, coverage in dropped)
        self._coverage[key] = parts
        self._coverage_bytes += size
        return parts

    def _window(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int] | None:
        """Integer pixel bounds covering [x0, x1) x [y0, y1), clipped to the current area."""
        clip = self._clip
        ix0, iy0 = max(math.floor(x0), clip.x), max(math.floor(y0), clip.y)
        ix1, iy1 = min(math.ceil(x1), clip.right), min(math.ceil(y1), clip.bottom)
        if ix0 >= ix1 or iy0 >= iy1:
            return None
        return ix0, iy0, ix1, iy1

    @staticmethod
    def _centres(window: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
        ix0, iy0, ix1, iy1 = window
        xs = np.arange(ix0, ix1, dtype=np.float32) + 0.5
        ys = np.arange(iy0, iy1, dtype=np.float32) + 0.5
        return xs[None, :], ys[:, None]

    def _composite(
        self,
        buf: np.ndarray,
        window: tuple[int, int, int, int],
        coverage: np.ndarray,
        colour: tuple[float, ...] | np.ndarray,
    ) -> None:
        ix0, iy0, ix1, iy1 = window
        region = buf[iy0:iy1, ix0:ix1]
        alpha = coverage[..., None]
        region *= 1.0 - alpha
        region += alpha * np.asarray(colour, dtype=np.float32)[..., : self.channels]

    # -- shapes ------------------------------------------------------------------------------
    def _round_rect(self, x: float, y: float, w: float, h: float, radius: float, stroke: float | None) -> CoverageParts:
        window = self._window(x - 1, y - 1, x + w + 1, y + h + 1)
        if window is None or w <= 0 or h <= 0:
            return []
        radius = max(0.0, min(radius, w / 2, h / 2))
        parts = []
        for part in ring_bands(window, x, y, w, h, radius + stroke) if stroke is not None else [window]:
            px, py = self._centres(part)
            qx = np.abs(px - (x + w / 2)) - (w / 2 - radius)
            qy = np.abs(py - (y + h / 2)) - (h / 2 - radius)
            outside = _length(np.maximum(qx, 0), np.maximum(qy, 0))
            distance = outside + np.minimum(np.maximum(qx, qy), 0) - radius
            coverage = np.clip(0.5 - distance, 0.0, 1.0)
            if stroke is not None:
                coverage = coverage - np.clip(0.5 - (distance + stroke), 0.0, 1.0)
            parts.append((part, coverage))
        return parts

    def _stroke(self, points: list[tuple[float, float]], width: float, closed: bool) -> CoverageParts:
        if len(points) < 2:
            return []
        half = width / 2
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        window = self._window(min(xs) - half - 1, min(ys) - half - 1, max(xs) + half + 1, max(ys) + half + 1)
        if window is None:
            return []
        px, py = self._centres(window)
        distance = np.full((window[3] - window[1], window[2] - window[0]), np.inf, dtype=np.float32)
        segments = list(zip(points, points[1:]))
        if closed:
            segments.append((points[-1], points[0]))
        for (ax, ay), (bx, by) in segments:
            distance = np.minimum(distance, _segment_distance(px, py, ax, ay, bx, by))
        coverage = np.clip(half - distance + 0.5, 0.0, 1.0)
        if width < 1:
            coverage *= width
        return [(window, coverage)]

    def _fill(self, points: list[tuple[float, float]]) -> CoverageParts:
        if len(points) < 3:
            return []
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        window = self._window(min(xs) - 1, min(ys) - 1, max(xs) + 1, max(ys) + 1)
        if window is None:
            return []
        px, py = self._centres(window)
        shape = (window[3] - window[1], window[2] - window[0])
        inside = np.zeros(shape, dtype=bool)
        distance = np.full(shape, np.inf, dtype=np.float32)
        for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]):
            distance = np.minimum(distance, _segment_distance(px, py, ax, ay, bx, by))
            if ay != by:
                crosses = (ay > py) != (by > py)
                x_cross = ax + (py - ay) * (bx - ax) / (by - ay)
                inside ^= crosses & (px < x_cross)
        signed = np.where(inside, -distance, distance)
        return [(window, np.clip(0.5 - signed, 0.0, 1.0))]

    # -- bitmaps -----------------------------------------------------------------------------
    def _glyphs(self, buf: np.ndarray, cmd: Glyphs, dx: int, dy: int) -> None:
        """All glyphs of a run in one composite: the light each pixel keeps is the product of
        (1 - coverage) of the glyphs over it, which is "over" applied glyph by glyph."""
        clip = self._clip if cmd.clip is None else self._clip.intersect(cmd.clip.translate(dx, dy))
        if _use_native and _native is not None and buf.dtype == np.float32 and buf.ndim == 3 and buf.flags.c_contiguous:
            _native.glyph_run(buf, cmd.items, dx, dy, (clip.x, clip.y, clip.right, clip.bottom), cmd.colour)
            return
        placed = []
        bx0 = by0 = 1 << 30
        bx1 = by1 = -(1 << 30)
        for key, bitmap, gx, gy in cmd.items:
            x0, y0 = gx + dx, gy + dy
            h, w = bitmap.shape
            cx0, cy0 = max(x0, clip.x), max(y0, clip.y)
            cx1, cy1 = min(x0 + w, clip.right), min(y0 + h, clip.bottom)
            if cx0 >= cx1 or cy0 >= cy1:
                continue
            placed.append((key, bitmap, x0, y0, cx0, cy0, cx1, cy1))
            bx0, by0, bx1, by1 = min(bx0, cx0), min(by0, cy0), max(bx1, cx1), max(by1, cy1)
        if not placed:
            return
        keep = np.ones((by1 - by0, bx1 - bx0), dtype=np.float32)
        for key, bitmap, x0, y0, cx0, cy0, cx1, cy1 in placed:
            keep[cy0 - by0 : cy1 - by0, cx0 - bx0 : cx1 - bx0] *= _transmission(key, bitmap)[
                cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0
            ]
        region = buf[by0:by1, bx0:bx1]
        region *= keep[..., None]
        region += (1.0 - keep)[..., None] * np.asarray(cmd.colour, dtype=np.float32)[: self.channels]

    def _blit(self, buf: np.ndarray, cmd: Blit, dx: int, dy: int) -> None:
        h, w = cmd.alpha.shape
        x0, y0 = cmd.x + dx, cmd.y + dy
        clip = self._clip
        cx0, cy0 = max(x0, clip.x), max(y0, clip.y)
        cx1, cy1 = min(x0 + w, clip.right), min(y0 + h, clip.bottom)
        if cx0 >= cx1 or cy0 >= cy1:
            return
        rgb = cmd.rgb[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0] * cmd.brightness
        alpha = cmd.alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0][..., None]
        colour = mono_light(rgb) if self.channels == 1 else rgb
        region = buf[cy0:cy1, cx0:cx1]
        region *= 1.0 - alpha
        region += alpha * colour


def _segment_distance(px: np.ndarray, py: np.ndarray, ax: float, ay: float, bx: float, by: float) -> np.ndarray:
    """Distance from pixel centres to the segment a-b."""
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy
    wx, wy = px - ax, py - ay
    if length2 == 0:
        return _length(wx, wy)
    t = np.clip((wx * vx + wy * vy) / length2, 0.0, 1.0)
    return _length(wx - t * vx, wy - t * vy)


def _length(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """sqrt(x² + y²) with IEEE-exact operations only (np.hypot calls libm, which varies by platform)."""
    return np.sqrt(x * x + y * y)


_TRANSMISSION: dict[GlyphKey, np.ndarray] = {}


def _transmission(key: GlyphKey, bitmap: np.ndarray) -> np.ndarray:
    """1 - coverage of a glyph bitmap as float32, computed once per glyph key."""
    keep = _TRANSMISSION.get(key)
    if keep is None or keep.shape != bitmap.shape:
        keep = _TRANSMISSION[key] = 1.0 - bitmap.astype(np.float32) / 255.0
    return keep
