"""Bundled fonts: per-script choice with a coverage fallback chain, HarfBuzz fonts for
shaping and a FreeType glyph cache for rasterizing glyphs by id."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

import freetype
import numpy as np
import uharfbuzz as hb

from hud.errors import warn_at_caller
from hud.text import ucd

WEIGHTS = ("regular", "bold")
_LOAD_FLAGS = freetype.FT_LOAD_DEFAULT | freetype.FT_LOAD_TARGET_LIGHT

# Font families, as file stems without the weight: `<family>-Regular.<ext>` / `-Bold`.
FAMILIES: dict[str, str] = {
    "NotoSans": "ttf",
    "NotoSansSC": "otf",
    "NotoSansJP": "otf",
    "NotoSansKR": "otf",
    "NotoSansArabic": "ttf",
    "NotoSansHebrew": "ttf",
    "NotoSansDevanagari": "ttf",
    "NotoSansBengali": "ttf",
    "NotoSansTamil": "ttf",
    "NotoSansThai": "ttf",
    "NotoEmoji": "ttf",
}
# Preferred families per ISO 15924 script; everything else falls back through FALLBACK_ORDER.
SCRIPT_FAMILIES: dict[str, tuple[str, ...]] = {
    "Latn": ("NotoSans",),
    "Grek": ("NotoSans",),
    "Cyrl": ("NotoSans",),
    "Hani": ("NotoSansSC", "NotoSansJP"),
    "Hira": ("NotoSansSC", "NotoSansJP"),
    "Kana": ("NotoSansSC", "NotoSansJP"),
    "Bopo": ("NotoSansSC",),
    "Hang": ("NotoSansKR",),
    "Arab": ("NotoSansArabic",),
    "Hebr": ("NotoSansHebrew",),
    "Deva": ("NotoSansDevanagari",),
    "Beng": ("NotoSansBengali",),
    "Taml": ("NotoSansTamil",),
    "Thai": ("NotoSansThai",),
}
# Japanese text draws Han with Japanese glyph forms first.
LANGUAGE_FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "ja": {
        "Hani": ("NotoSansJP", "NotoSansSC"),
        "Hira": ("NotoSansJP", "NotoSansSC"),
        "Kana": ("NotoSansJP", "NotoSansSC"),
    },
    "ko": {"Hani": ("NotoSansSC", "NotoSansJP")},
}
FALLBACK_ORDER = (
    "NotoSans",
    "NotoSansSC",
    "NotoSansJP",
    "NotoSansKR",
    "NotoSansArabic",
    "NotoSansHebrew",
    "NotoSansDevanagari",
    "NotoSansBengali",
    "NotoSansTamil",
    "NotoSansThai",
    "NotoEmoji",
)
# Monochrome emoji, drawn as outlines like text. Last in the fallback chain, and tried first
# for characters that `emoji_styles` says are shown as emoji.
EMOJI_FAMILY = "NotoEmoji"
_TEXT_STYLE, _EMOJI_STYLE, _KEYCAP, _ZWJ = "\ufe0e", "\ufe0f", "\u20e3", "\u200d"
# A line with none of these characters has no emoji (Emoji_Presentation starts at U+231A).
_EMOJI_CANDIDATES = re.compile("[\u20e3\u231a-\u2bff\ufe0e\ufe0f\U0001f000-\U0001ffff\U000e0020-\U000e007f]")


class MissingGlyphWarning(UserWarning):
    """A character that no bundled font can draw (drawn as the font's box glyph instead).

    Given once per character and process, at the app's line that measured or rendered the
    text. Silence it, or turn it into an error in tests, with the usual warning filters:

    >>> import warnings, hud
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", hud.MissingGlyphWarning)
    ...     block = hud.measure("\U000f0001", 24)
    """


def font_dir() -> Path:
    """Folder holding the bundled fonts: $HUD_FONT_DIR, or fonts/ beside the package."""
    env = os.environ.get("HUD_FONT_DIR")
    if env:
        return Path(env)
    return _bundled_font_dir()


@cache
def _bundled_font_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "fonts"


@dataclass(frozen=True)
class Glyph:
    """A rendered glyph: coverage bitmap (uint8) and its placement relative to the pen."""

    bitmap: np.ndarray
    left: int  # x of the bitmap's left edge from the glyph origin
    top: int  # y of the bitmap's top edge above the baseline
    advance: int  # hinted advance in whole pixels (for reference; layout uses HarfBuzz)


class Font:
    """One font file: FreeType for glyph bitmaps, HarfBuzz for shaping. Each opens the file on
    first use, so a process pays only for the fonts its text needs."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"bundled font missing: {path} (restore the fonts/ folder)")
        self.path = path
        self.name = path.name  # the file's name: how glyph keys and profiles name the font
        self._size = 0
        self._cmap: dict[int, int] = {}
        self._glyphs: dict[tuple[int, int], Glyph] = {}

    def __repr__(self) -> str:
        return f"<Font {self.path.name}>"

    @cached_property
    def face(self) -> freetype.Face:
        """The FreeType face: character map and glyph bitmaps."""
        return freetype.Face(str(self.path))

    @cached_property
    def _hb_font(self) -> hb.Font:
        # Read into memory rather than memory-mapping: a font file replaced while mapped
        # would crash the process (SIGBUS) instead of raising.
        return hb.Font(hb.Face(hb.Blob(self.path.read_bytes())))

    def glyph_index(self, codepoint: int) -> int:
        """Glyph id for a code point, 0 if the font lacks it."""
        gid = self._cmap.get(codepoint)
        if gid is None:
            gid = self.face.get_char_index(codepoint)
            self._cmap[codepoint] = gid
        return gid

    def hb_font(self, size_px: int) -> hb.Font:
        """The HarfBuzz font scaled so positions come out in 1/64 pixel."""
        self._hb_font.scale = (size_px * 64, size_px * 64)
        return self._hb_font

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


def family_file(family: str, weight: str) -> str:
    return f"{family}-{'Bold' if weight == 'bold' else 'Regular'}.{FAMILIES[family]}"


@cache
def load_font(name: str) -> Font:
    """Open a bundled font by file name (cached for the process)."""
    return Font(font_dir() / name)


@cache
def family_font(family: str, weight: str) -> Font | None:
    """The bundled font of a family and weight, or None when that file is not bundled."""
    path = font_dir() / family_file(family, weight)
    return load_font(path.name) if path.is_file() else None


def fallback_chain(weight: str) -> tuple[Font, ...]:
    """Every bundled font, in the order tried for characters no preferred font has."""
    return tuple(font for family in FALLBACK_ORDER if (font := family_font(family, weight)) is not None)


def emoji_styles(text: str) -> list[bool]:
    """For each character of `text`, is it shown as an emoji? See `emoji_style`."""
    if not _EMOJI_CANDIDATES.search(text):
        return [False] * len(text)
    return [emoji_style(text, index) for index in range(len(text))]


def emoji_style(text: str, index: int) -> bool:
    """Is `text[index]` shown as an emoji? Yes when U+FE0F, the keycap U+20E3 or a skin tone
    follows it (☀️, 1️⃣, ☝🏽), no when U+FE0E follows it; otherwise when it has
    Emoji_Presentation (🚇, 👍, skin tones, regional indicators), is a tag character
    (subdivision flags) or is a pictograph right after a ZWJ (the ♀ of 🏃‍♀)."""
    following = text[index + 1] if index + 1 < len(text) else ""
    if following in (_EMOJI_STYLE, _KEYCAP) or "\U0001f3fb" <= following <= "\U0001f3ff":
        return True
    if following == _TEXT_STYLE:
        return False
    ch = text[index]
    return _default_emoji(ch) or (
        index > 0
        and text[index - 1] == _ZWJ
        and ucd.extended_pictographic(ch)
        and _EMOJI_CANDIDATES.match(ch) is not None
    )


@lru_cache(maxsize=65536)
def _default_emoji(ch: str) -> bool:
    """Emoji_Presentation, or a tag character (U+E0020-E007F)."""
    codepoint = ord(ch)
    return codepoint >= 0x231A and (0xE0020 <= codepoint <= 0xE007F or ucd.emoji_presentation(ch))


@lru_cache(maxsize=65536)
def font_for(codepoint: int, script: str, language: str, weight: str, emoji: bool = False) -> Font:
    """The font that draws `codepoint` in a run of `script`: the emoji font when `emoji` and
    it has the character, else the script's preferred fonts, then every bundled font; the
    first font of the chain if none has it."""
    if emoji:
        font = family_font(EMOJI_FAMILY, weight)
        if font is not None and font.glyph_index(codepoint):
            return font
    preferred = LANGUAGE_FAMILIES.get(language, {}).get(script) or SCRIPT_FAMILIES.get(script, ())
    candidates = [f for family in preferred if (f := family_font(family, weight)) is not None]
    candidates += [f for f in fallback_chain(weight) if f not in candidates]
    for font in candidates:
        if font.glyph_index(codepoint):
            return font
    return candidates[0]


def has_glyph(codepoint: int, weight: str = "regular") -> bool:
    """Does any bundled font draw this character?"""
    return any(font.glyph_index(codepoint) for font in fallback_chain(weight))


_warned: set[int] = set()


def warn_missing(codepoint: int) -> None:
    """Warn once per process about a character no font has, at the app's line that asked for it."""
    if codepoint in _warned:
        return
    _warned.add(codepoint)
    warn_at_caller(f"no bundled font has U+{codepoint:04X}; drawing a box", MissingGlyphWarning)
