"""Shaping: a line of text -> glyphs by id at HarfBuzz's positions, in visual order.

Each line is itemized into runs (bidi level, script, font), every run is shaped by HarfBuzz
with the whole line as context (so Arabic joins across font changes), and the runs are
placed left to right in visual order. Positions are rounded to whole pixels once, here, so
measuring and drawing agree exactly. Shaped lines are cached: a line that did not change is
never shaped again.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import uharfbuzz as hb

from hud.text.fonts import Font, font_for, warn_missing
from hud.text.itemize import (
    Run,
    base_level,
    bidi_levels,
    char_script,
    itemize,
    line_levels,
    real_scripts,
    sanitize,
    visual_order,
)


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
    text, levels, base = _line(text, levels, base)
    return _shape_cached(text, size_px, weight, language, levels, base)


def _line(text: str, levels: tuple[int, ...] | None, base: int | None) -> tuple[str, tuple[int, ...], int]:
    """A line as the shaper takes it: sanitized, with its paragraph's base level and its
    characters' levels (rule L1 applied to its end)."""
    text = sanitize(text)
    if base is None:
        base = base_level(text)
    if levels is None or len(levels) != len(text):
        levels = bidi_levels(text, base)
    return text, line_levels(text, levels, base), base


def line_width(
    text: str,
    size_px: int,
    weight: str = "regular",
    language: str = "",
    levels: tuple[int, ...] | None = None,
    base: int | None = None,
) -> int:
    """`shape_line(...).width`, without placing the glyphs where the line is shaped word by
    word (the width is the rounded sum of the words' advances)."""
    text, levels, base = _line(text, levels, base)
    if _by_words(text, levels, base):
        return round(sum(_advance64(glyphs) for glyphs, _ in _word_glyphs(text, size_px, weight, language)) / 64)
    return _shape_cached(text, size_px, weight, language, levels, base).width


def char_advances(
    text: str, size_px: int, weight: str = "regular", language: str = "", levels: tuple[int, ...] | None = None
) -> list[int] | None:
    """For a left-to-right line shaped word by word: each character's advance in 1/64 pixel
    (a cluster's glyphs counted at its first character), without placing the glyphs. None for
    other lines."""
    text = sanitize(text)
    if levels is None or len(levels) != len(text):
        levels = bidi_levels(text, 0)
    if not _by_words(text, levels, 0):
        return None
    advances = [0] * len(text)
    for glyphs, offset in _word_glyphs(text, size_px, weight, language):
        for glyph in glyphs:
            advances[offset + glyph.cluster] += glyph.x_advance
    return advances


def _by_words(text: str, levels: tuple[int, ...], base: int) -> bool:
    """Whether the line is shaped word by word (see PLAIN_SPACE_FONTS)."""
    return base == 0 and not any(levels) and (" " in text.strip(" ") or _IDEOGRAPH_PAIR.search(text) is not None)


@lru_cache(maxsize=8192)
def _advance64(glyphs: tuple[RawGlyph, ...]) -> int:
    return sum(glyph.x_advance for glyph in glyphs)


@lru_cache(maxsize=2048)
def _shape_cached(
    text: str, size_px: int, weight: str, language: str, levels: tuple[int, ...], base: int
) -> ShapedLine:
    ShapeStats.lines += 1
    if _by_words(text, levels, base):
        return _place(text, _word_glyphs(text, size_px, weight, language), base)
    return _shape_whole(text, size_px, weight, language, levels, base)


def _shape_whole(text: str, size_px: int, weight: str, language: str, levels: tuple[int, ...], base: int) -> ShapedLine:
    """The line shaped run by run, each with the whole line as context."""
    ShapeStats.chars += len(text)
    runs = visual_order(itemize(text, levels, language, weight))
    return _place(text, [(_shape_run(text, run, size_px, language), 0) for run in runs], base)


class RawGlyph(NamedTuple):
    """A glyph as HarfBuzz placed it, in 1/64 pixel, before rounding to the line's pen."""

    font: Font
    gid: int
    x_offset: int
    y_offset: int
    x_advance: int
    cluster: int


def _shape_run(text: str, run: Run, size_px: int, language: str) -> tuple[RawGlyph, ...]:
    """One run of `text` shaped by HarfBuzz, with the rest of `text` as context."""
    font = run.font.hb_font(size_px)
    buffer = hb.Buffer()
    codepoints = [ord(ch) for ch in text]
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
    glyphs = []
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
        if info.codepoint == 0:
            warn_missing(codepoints[info.cluster])
        glyphs.append(
            RawGlyph(
                run.font,
                info.codepoint,
                position.x_offset,
                position.y_offset,
                position.x_advance,
                info.cluster,
            )
        )
    return tuple(glyphs)


def _place(text: str, pieces: list[tuple[tuple[RawGlyph, ...], int]], base: int) -> ShapedLine:
    """Glyphs on whole pixels: each at the rounded pen, so measuring and drawing agree.
    `pieces` are runs of glyphs, each with the offset of its first character in `text`."""
    placed: list[ShapedGlyph] = []
    make = tuple.__new__
    pen = 0  # 1/64 pixel
    start = 0  # round(pen / 64)
    for glyphs, offset in pieces:
        for font, gid, x_offset, y_offset, x_advance, cluster in glyphs:
            left = start if not x_offset else round((pen + x_offset) / 64)
            pen += x_advance
            end = round(pen / 64)
            y = round(y_offset / 64) if y_offset else 0
            placed.append(make(ShapedGlyph, (font, gid, left, y, end - start, cluster + offset)))
            start = end
    return ShapedLine(text, tuple(placed), start, bool(base % 2))


# A left-to-right line is shaped word by word: a word and the spaces after it, each shaped
# once and kept, so a caption that changes a word shapes only that word. That gives the same
# glyphs as the whole line where the font drawing the space has no substitution, kerning or
# contextual rule that involves the space glyph (these fonts; tests/test_word_shaping.py
# reads every bundled font's GSUB/GPOS to keep this list exact). Other spaces (the CJK fonts
# substitute proportional spaces between Hangul words) keep their two words together.
PLAIN_SPACE_FONTS = frozenset(
    {
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSansDevanagari-Regular.ttf",
        "NotoSansDevanagari-Bold.ttf",
        "NotoSansTamil-Regular.ttf",
        "NotoSansTamil-Bold.ttf",
        "NotoSansThai-Regular.ttf",
        "NotoSansThai-Bold.ttf",
    }
)
# Text written without spaces (Chinese, Japanese) is cut between two Han ideographs where the
# font drawing them has no ligature, kerning or contextual rule among its default features
# that involves a Han ideograph, nor any contextual rule at all (the same test reads these).
PLAIN_IDEOGRAPH_FONTS = frozenset(
    {"NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf", "NotoSansJP-Regular.otf", "NotoSansJP-Bold.otf"}
)
_WORDS = re.compile(r" *[^ ]+ *| +")
_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff"
_IDEOGRAPH_PAIR = re.compile(f"[{_IDEOGRAPH}]{{2}}")
_BETWEEN_IDEOGRAPHS = re.compile(f"(?<=[{_IDEOGRAPH}])(?=[{_IDEOGRAPH}])")


def _words(text: str, language: str, weight: str) -> list[str]:
    """The pieces a line is shaped in: words with their spaces, Han text cut between ideographs."""
    words = _WORDS.findall(text)
    if text.isascii():
        return words
    if any(_attaches(word) for word in words[1:]):
        words = _joined(words)
    if _IDEOGRAPH_PAIR.search(text):
        cut: list[str] = []
        for word in words:
            if not _IDEOGRAPH_PAIR.search(word):
                cut.append(word)
                continue
            parts = _BETWEEN_IDEOGRAPHS.split(word)
            cut.append(parts[0])
            for part in parts[1:]:
                if _plain_ideograph(cut[-1][-1], language, weight) and _plain_ideograph(part[0], language, weight):
                    cut.append(part)
                else:
                    cut[-1] += part
        words = cut
    return words


@lru_cache(maxsize=16384)
def _plain_ideograph(ch: str, language: str, weight: str) -> bool:
    return font_for(ord(ch), "Hani", language, weight).name in PLAIN_IDEOGRAPH_FONTS


def _word_glyphs(text: str, size_px: int, weight: str, language: str) -> list[tuple[tuple[RawGlyph, ...], int]]:
    words = _words(text, language, weight)
    before = next((scripts[0] for scripts in map(_word_scripts, words) if scripts[0]), "")  # text-initial Common
    pieces = []
    offset = 0
    pending = ""  # words whose last space is shaped with the next word
    last_index = len(words) - 1
    for index, word in enumerate(words):
        if pending:
            word = pending + word
        _, last, weak_start = _word_scripts(word)
        after = last or before
        if index < last_index and word[-1] == " " and not _plain_space(after, language, weight):
            pending = word
            continue
        pending = ""
        # The script in force matters only to Common/Inherited characters before the word's own.
        pieces.append((_shape_word(word, size_px, weight, language, before if weak_start else ""), offset))
        offset += len(word)
        before = after
    return pieces


@lru_cache(maxsize=1024)
def _plain_space(script: str, language: str, weight: str) -> bool:
    """Whether the space in a run of `script` is drawn by a font in PLAIN_SPACE_FONTS."""
    return font_for(0x20, script or "Zyyy", language, weight).name in PLAIN_SPACE_FONTS


def _attaches(word: str) -> bool:
    """Whether a word begins with a mark or a format character, which shapes with the space
    before it."""
    return unicodedata.category(word[0])[0] == "M" or unicodedata.category(word[0]) == "Cf"


def _joined(words: list[str]) -> list[str]:
    joined = [words[0]]
    for word in words[1:]:
        if _attaches(word):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


@lru_cache(maxsize=16384)
def _word_scripts(word: str) -> tuple[str, str, bool]:
    """The word's first and last real scripts, and whether it starts with a Common or
    Inherited character (which takes the script in force before it)."""
    first, last = real_scripts(word)
    return first, last, char_script(word[0]) in ("Zyyy", "Zinh", "Zzzz")


@lru_cache(maxsize=8192)
def _shape_word(word: str, size_px: int, weight: str, language: str, before: str) -> tuple[RawGlyph, ...]:
    ShapeStats.chars += len(word)
    glyphs: list[RawGlyph] = []
    for run in itemize(word, (0,) * len(word), language, weight, before):
        glyphs += _shape_run(word, run, size_px, language)
    return tuple(glyphs)


def clear_caches() -> None:
    """Forget every shaped line and word (tests and benchmarks that count shaping)."""
    _shape_cached.cache_clear()
    _shape_word.cache_clear()


def shape(text: str, size_px: int, weight: str = "regular", language: str = "") -> list[ShapedGlyph]:
    """Positioned glyphs for one line of text, left to right."""
    return list(shape_line(text, size_px, weight, language).glyphs)


def text_width(text: str, size_px: int, weight: str = "regular", language: str = "") -> int:
    """Width in pixels of one line of text, exactly as it will be drawn."""
    return shape_line(text, size_px, weight, language).width
