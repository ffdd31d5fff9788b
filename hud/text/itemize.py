"""Splitting text into runs that can be shaped alone: bidi level, script, font.

Bidi levels come from python-bidi's Rust implementation of the Unicode Bidirectional
Algorithm (the unicode-bidi crate: embeddings, isolates, bracket pairs); script properties
from fontTools' copy of the Unicode Scripts data. Visual reordering of a line (L1-L2) is done
per run here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from bidi import get_base_level
from bidi.bidi import get_display_inner

from hud.text import ucd
from hud.text.fonts import Font, emoji_styles, font_for

DIRECTIONS = ("auto", "ltr", "rtl")
_JOINERS = frozenset("\u200c\u200d\u034f")
_WEAK_SCRIPTS = frozenset(("Zyyy", "Zinh", "Zzzz"))


class Run(NamedTuple):
    """Characters [start, end) of a line that share a bidi level, a script and a font."""

    start: int
    end: int
    level: int
    script: str
    font: Font


_UNSHAPEABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def sanitize(text: str) -> str:
    """Text the shaper can take: lone surrogates become U+FFFD, tabs spaces, other C0/C1
    controls (never visible) are dropped. Line separators are handled by the caller."""
    if not _UNSHAPEABLE.search(text):
        return text  # the usual case, found at C speed
    out = []
    for ch in text:
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            out.append("\ufffd")
        elif ch == "\t":
            out.append(" ")
        elif cp < 0x20 or 0x7F <= cp < 0xA0:
            continue
        else:
            out.append(ch)
    return "".join(out)


def base_level(text: str, direction: str = "auto") -> int:
    """Paragraph level: 0 left-to-right, 1 right-to-left (auto: rules P2-P3, the first strong
    character outside isolates)."""
    if direction == "rtl":
        return 1
    if direction == "ltr":
        return 0
    return get_base_level(text) if text else 0


# Every character whose bidi class can raise a level in a left-to-right paragraph: R, AL and
# AN (the right-to-left blocks) and the explicit embeddings, overrides and isolates. Without
# them every character resolves to level 0 (tests/test_text_fast_paths.py checks this set against
# the Unicode data for every code point).
RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\u200f\u061c\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufeff"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def bidi_levels(text: str, level: int) -> tuple[int, ...]:
    """Resolved embedding level of every character of a paragraph."""
    if not text:
        return ()
    if level == 0 and not RIGHT_TO_LEFT.search(text):
        return (0,) * len(text)  # nothing right-to-left and no explicit embedding: all level 0
    return _resolved_levels(text, level)


_LEVELS = re.compile(r"Level\(\s*(\d+),?\s*\)")


@lru_cache(maxsize=512)
def _resolved_levels(text: str, level: int) -> tuple[int, ...]:
    """Levels from python-bidi's Rust implementation of the full algorithm (explicit
    embeddings, isolates, bracket pairs): its debug report lists one level per UTF-8 byte."""
    report = get_display_inner(text, "R" if level else "L", True)
    start = report.index("levels: [")
    end = report.index("\n    ],", start)
    per_byte = [int(number) for number in _LEVELS.findall(report, start, end)]
    levels = []
    offset = 0
    for ch in text:
        levels.append(per_byte[offset] if offset < len(per_byte) else level)
        offset += len(ch.encode("utf-8"))
    return tuple(levels)


def line_levels(text: str, levels: tuple[int, ...], base: int) -> tuple[int, ...]:
    """Rule L1: whitespace at the end of a line goes back to the paragraph level."""
    out = list(levels)
    index = len(text) - 1
    while index >= 0 and (text[index].isspace() or unicodedata.category(text[index]) == "Cf"):
        out[index] = base
        index -= 1
    return tuple(out)


char_script = ucd.script  # the Script property of one character (cached there)


def scripts(text: str, before: str = "") -> list[str]:
    """Script of each character, with Common and Inherited resolved from their neighbours:
    the script before them, or the first real script for characters that start the text.
    `before` is the script in force before `text` when it is a piece of a longer text."""
    raw = [char_script(ch) for ch in text]
    resolved: list[str] = []
    last = before
    for script in raw:
        if script not in _WEAK_SCRIPTS:
            last = script
        resolved.append(last)
    first = next((script for script in raw if script not in _WEAK_SCRIPTS), "Zyyy")
    return [script or first for script in resolved]


def itemize(text: str, levels: tuple[int, ...], language: str, weight: str, before: str = "") -> list[Run]:
    """Runs of one line in logical order (`before`: see `scripts`)."""
    runs: list[Run] = []
    if not text:
        return runs
    script_of = scripts(text, before)
    emoji = emoji_styles(text)
    fonts: list[Font] = []
    for index, ch in enumerate(text):
        attaches = index > 0 and (
            ch in _JOINERS or unicodedata.category(ch) in ("Mn", "Me", "Mc") or 0xFE00 <= ord(ch) <= 0xFE0F
        )
        if attaches:
            fonts.append(fonts[-1])  # marks and joiners stay with their base's font
        else:
            fonts.append(font_for(ord(ch), script_of[index], language, weight, emoji[index]))
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or (levels[index], script_of[index], fonts[index]) != (
            levels[start],
            script_of[start],
            fonts[start],
        ):
            runs.append(Run(start, index, levels[start], script_of[start], fonts[start]))
            start = index
    return runs


def real_scripts(text: str) -> tuple[str, str]:
    """The first and the last script of `text` that is not Common or Inherited ("" if none)."""
    first = last = ""
    for ch in text:
        script = char_script(ch)
        if script not in _WEAK_SCRIPTS:
            last = script
            if not first:
                first = script
    return first, last


def visual_order(runs: list[Run]) -> list[Run]:
    """Rule L2: reverse every maximal sequence of runs at or above each odd level."""
    order = list(runs)
    if not order:
        return order
    highest = max(run.level for run in order)
    lowest_odd = min((run.level for run in order if run.level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if order[index].level >= level:
                end = index
                while end < len(order) and order[end].level >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return order
