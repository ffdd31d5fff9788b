"""Shaping: a line of text -> glyphs by id at HarfBuzz's positions, in visual order.

Each line is itemized into runs (bidi level, script, font), every run is shaped by HarfBuzz
with the whole line as context (so Arabic joins across font changes), and the runs are
placed left to right in visual order. Positions are rounded to whole pixels once, here, so
measuring and drawing agree exactly. Shaped lines are cached: a line that did not change is
never shaped again.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import uharfbuzz as hb

from hud.text.fonts import Font, warn_missing
from hud.text.itemize import base_level, bidi_levels, itemize, line_levels, sanitize, visual_order


class ShapedGlyph(NamedTuple):
    """One glyph to draw: its font and id, pen position and offset in pixels, and source."""

    font: Font
    gid: int
    x: int  # left edge of the glyph's advance box, from the line's left end
    y: int  # vertical offset, pixels up from the baseline (marks)
    advance: int
    cluster: int  # index of the first character of the glyph's source text


class ShapedLine(NamedTuple):
    """A shaped line: glyphs left to right and the exact width in pixels."""

    text: str
    glyphs: tuple[ShapedGlyph, ...]
    width: int
    rtl: bool  # the paragraph's base direction is right-to-left


class ShapeStats:
    """How many lines and characters were shaped (cache misses), for tests and the profiler."""

    lines = 0
    chars = 0


def shape_line(
    text: str,
    size_px: int,
    weight: str = "regular",
    language: str = "",
    levels: tuple[int, ...] | None = None,
    base: int | None = None,
) -> ShapedLine:
    """Shape one line (no line breaks inside). `levels` and `base` come from the paragraph
    the line belongs to; without them the line is its own paragraph."""
    text = sanitize(text)
    if base is None:
        base = base_level(text)
    if levels is None or len(levels) != len(text):
        levels = bidi_levels(text, base)
    return _shape_cached(text, size_px, weight, language, line_levels(text, levels, base), base)


@lru_cache(maxsize=8192)
def _shape_cached(
    text: str, size_px: int, weight: str, language: str, levels: tuple[int, ...], base: int
) -> ShapedLine:
    ShapeStats.lines += 1
    ShapeStats.chars += len(text)
    codepoints = [ord(ch) for ch in text]
    glyphs: list[ShapedGlyph] = []
    pen = 0  # 1/64 pixel
    for run in visual_order(itemize(text, levels, language, weight)):
        font = run.font.hb_font(size_px)
        buffer = hb.Buffer()
        buffer.add_codepoints(codepoints, run.start, run.end - run.start)
        buffer.direction = "rtl" if run.level % 2 else "ltr"
        if run.script not in ("Zyyy", "Zinh", "Zzzz"):
            buffer.script = run.script
        if language:
            buffer.language = language
        buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_GRAPHEMES
        # Joiners and other default ignorables shape (ZWJ/ZWNJ steer joining) but draw nothing.
        buffer.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
        hb.shape(font, buffer, {})
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
            if info.codepoint == 0:
                warn_missing(codepoints[info.cluster])
            left = round((pen + position.x_offset) / 64)
            advance = round((pen + position.x_advance) / 64) - round(pen / 64)
            glyphs.append(
                ShapedGlyph(run.font, info.codepoint, left, round(position.y_offset / 64), advance, info.cluster)
            )
            pen += position.x_advance
    return ShapedLine(text, tuple(glyphs), round(pen / 64), bool(base % 2))


def shape(text: str, size_px: int, weight: str = "regular", language: str = "") -> list[ShapedGlyph]:
    """Positioned glyphs for one line of text, left to right."""
    return list(shape_line(text, size_px, weight, language).glyphs)


def text_width(text: str, size_px: int, weight: str = "regular", language: str = "") -> int:
    """Width in pixels of one line of text, exactly as it will be drawn."""
    return shape_line(text, size_px, weight, language).width
