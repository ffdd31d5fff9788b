"""Bundled fonts, the per-character fallback chain, and the glyph cache (FreeType)."""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import freetype
import numpy as np

WEIGHTS = ("regular", "bold")
# Fallback order per weight: Latin UI face first, then the CJK face (also kana and symbols).
FALLBACK: dict[str, tuple[str, ...]] = {
    "regular": ("NotoSans-Regular.ttf", "NotoSansSC-Regular.otf"),
    "bold": ("NotoSans-Bold.ttf", "NotoSansSC-Bold.otf"),
}
_LOAD_FLAGS = freetype.FT_LOAD_DEFAULT | freetype.FT_LOAD_TARGET_LIGHT


class MissingGlyphWarning(UserWarning):
    """A character that no bundled font can draw (drawn as a box instead)."""


def font_dir() -> Path:
    """Folder holding the bundled fonts: $HUD_FONT_DIR, or fonts/ beside the package."""
    env = os.environ.get("HUD_FONT_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "fonts"


@dataclass(frozen=True)
class Glyph:
    """A rendered glyph: coverage bitmap (uint8) and its placement relative to the pen."""

    bitmap: np.ndarray
    left: int      # x of the bitmap's left edge from the pen position
    top: int       # y of the bitmap's top edge above the baseline
    advance: int   # pen advance in whole pixels


class Font:
    """One font file opened with FreeType; sizes are set per request."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"bundled font missing: {path} (restore the fonts/ folder)")
        self.path = path
        self.face = freetype.Face(str(path))
        self._size = 0
        self._cmap: dict[int, int] = {}
        self._glyphs: dict[tuple[int, int], Glyph] = {}

    def __repr__(self) -> str:
        return f"<Font {self.path.name}>"

    def glyph_index(self, codepoint: int) -> int:
        """Glyph id for a code point, 0 if the font lacks it."""
        gid = self._cmap.get(codepoint)
        if gid is None:
            gid = self.face.get_char_index(codepoint)
            self._cmap[codepoint] = gid
        return gid

    def glyph(self, gid: int, size_px: int) -> Glyph:
        """Render (once) and return glyph `gid` at `size_px` pixels per em."""
        key = (size_px, gid)
        cached = self._glyphs.get(key)
        if cached is not None:
            return cached
        if self._size != size_px:
            self.face.set_pixel_sizes(0, size_px)
            self._size = size_px
        self.face.load_glyph(gid, _LOAD_FLAGS)
        slot = self.face.glyph
        slot.render(freetype.FT_RENDER_MODE_NORMAL)
        bitmap = slot.bitmap
        rows, width, pitch = bitmap.rows, bitmap.width, bitmap.pitch
        if rows and width:
            data = np.frombuffer(bytes(bitmap.buffer), dtype=np.uint8).reshape(rows, abs(pitch))[:, :width].copy()
        else:
            data = np.zeros((0, 0), dtype=np.uint8)
        glyph = Glyph(data, slot.bitmap_left, slot.bitmap_top, round(slot.advance.x / 64))
        self._glyphs[key] = glyph
        return glyph


@lru_cache(maxsize=None)
def load_font(name: str) -> Font:
    """Open a bundled font by file name (cached for the process)."""
    return Font(font_dir() / name)


def fallback_chain(weight: str) -> tuple[Font, ...]:
    """Fonts to try, in order, for text of `weight`."""
    return tuple(load_font(name) for name in FALLBACK[weight])


_warned: set[int] = set()


def warn_missing(codepoint: int) -> None:
    """Warn once per process about a character no font has."""
    if codepoint in _warned:
        return
    _warned.add(codepoint)
    warnings.warn(f"no bundled font has U+{codepoint:04X} {chr(codepoint)!r}; drawing a box",
                  MissingGlyphWarning, stacklevel=3)
