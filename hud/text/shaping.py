"""Turning a string into positioned glyphs.

This is the seam where a full shaper (HarfBuzz: ligatures, marks, Arabic joining, Indic
reordering, bidi) plugs in. The shaper here maps each grapheme's characters through the
font fallback chain and advances by the hinted glyph advance, which is exact for Latin,
Chinese and Japanese text.
"""
from __future__ import annotations

import unicodedata
from typing import NamedTuple

from hud.text.fonts import Font, fallback_chain, warn_missing


class ShapedGlyph(NamedTuple):
    """One glyph to draw: font (None for a missing-glyph box), glyph id, pen x, advance."""

    font: Font | None
    gid: int
    x: int
    advance: int
    cluster: int  # index of the first character of the glyph's source text


def _invisible(ch: str) -> bool:
    """Controls and format characters take no space and draw nothing."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch != "\t"


def shape(text: str, size_px: int, weight: str = "regular") -> list[ShapedGlyph]:
    """Positioned glyphs for one line of text (no line breaks inside)."""
    chain = fallback_chain(weight)
    glyphs: list[ShapedGlyph] = []
    pen = 0
    for index, ch in enumerate(text):
        if ch == "\t":
            ch = " "
        if _invisible(ch):
            continue
        codepoint = ord(ch)
        font, gid = _pick(chain, codepoint)
        if font is None:
            warn_missing(codepoint)
            advance = missing_box_advance(size_px)
        else:
            advance = font.glyph(gid, size_px).advance
        glyphs.append(ShapedGlyph(font, gid, pen, advance, index))
        pen += advance
    return glyphs


def _pick(chain: tuple[Font, ...], codepoint: int) -> tuple[Font | None, int]:
    for font in chain:
        gid = font.glyph_index(codepoint)
        if gid:
            return font, gid
    return None, 0


def missing_box_advance(size_px: int) -> int:
    """Advance of the box drawn for a character no font has."""
    return max(3, round(size_px * 0.6))


def text_width(text: str, size_px: int, weight: str = "regular") -> int:
    """Width in pixels of one line of text, exactly as it will be drawn."""
    glyphs = shape(text, size_px, weight)
    return glyphs[-1].x + glyphs[-1].advance if glyphs else 0
