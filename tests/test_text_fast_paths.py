"""The text pipeline's shortcuts give exactly what the full algorithms give.

Bidi levels skip the algorithm for text with nothing right-to-left; grapheme boundaries skip
the rules for text of characters that never join; line-break chunks skip the ideograph split
for chunks without ideographs; wrapped blocks are kept and shared.
"""

from __future__ import annotations

import random
import unicodedata

from hud.text import wrap
from hud.text.itemize import RIGHT_TO_LEFT, _resolved_levels, bidi_levels
from hud.text.segment import _plain_grapheme, grapheme_boundaries, grapheme_rules
from hud.text.wrap import _split_ideographs, layout_text

RAISING = {"R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}


def test_every_character_that_can_raise_a_level_is_in_the_right_to_left_set() -> None:
    missing = [
        f"U+{cp:04X}"
        for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF
        and unicodedata.bidirectional(chr(cp)) in RAISING
        and not RIGHT_TO_LEFT.match(chr(cp))
    ]
    assert not missing


def _sample(rng: random.Random, ranges: list[tuple[int, int]], length: int) -> str:
    out = []
    while len(out) < length:
        low, high = rng.choice(ranges)
        ch = chr(rng.randint(low, high))
        if unicodedata.category(ch) not in ("Cs", "Cn", "Co") and not RIGHT_TO_LEFT.match(ch):
            out.append(ch)
    return "".join(out)


LEFT_TO_RIGHT_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x52F),
    (0x900, 0xDFF),
    (0x2000, 0x2064),
    (0x3000, 0x30FF),
    (0x4E00, 0x4F00),
    (0xAC00, 0xAD00),
    (0xFF00, 0xFFEF),
    (0x1F300, 0x1F6FF),
]


def test_text_without_right_to_left_resolves_to_level_zero_as_the_algorithm_says() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = _sample(rng, LEFT_TO_RIGHT_RANGES, rng.randint(1, 40))
        assert not RIGHT_TO_LEFT.search(text)
        assert bidi_levels(text, 0) == _resolved_levels(text, 0) == (0,) * len(text), text


def test_right_to_left_text_still_takes_the_algorithm() -> None:
    assert bidi_levels("abc שלום", 0) != (0,) * 8
    assert bidi_levels("x\u202bab", 0) != (0,) * 4


def test_plain_text_has_a_boundary_between_every_two_characters() -> None:
    rng = random.Random(11)
    plain = 0
    for _ in range(600):
        text = _sample(rng, LEFT_TO_RIGHT_RANGES, rng.randint(1, 12))
        if all(_plain_grapheme(ch) for ch in text):
            plain += 1
            assert grapheme_boundaries(text) == list(range(len(text) + 1)) == grapheme_rules(text), text
    assert plain > 100


def test_chunks_without_ideographs_are_never_split() -> None:
    assert _split_ideographs("international") == ["international"]
    assert _split_ideographs("地铁站在哪里") == ["地铁站在", "哪里"]


def test_wrapped_blocks_are_shared_and_cleared() -> None:
    wrap.clear_caches()
    first = layout_text("Where is the nearest subway station?", 23, "regular", 200)
    assert layout_text("Where is the nearest subway station?", 23, "regular", 200) is first
    wrap.clear_caches()
    again = layout_text("Where is the nearest subway station?", 23, "regular", 200)
    assert again is not first and again == first


def test_the_built_in_latin1_tables_match_the_unicode_libraries() -> None:
    from fontTools import unicodedata as fonttools_unicodedata
    from uniseg.derived import indic_conjunct_break
    from uniseg.emoji import emoji_presentation, extended_pictographic
    from uniseg.graphemecluster import grapheme_cluster_break
    from uniseg.linebreak import line_break
    from uniseg.unicodedatawrapper import category, east_asian_width

    from hud.text import ucd

    for cp in range(256):
        ch = chr(cp)
        assert ucd.line_break(ch) == line_break(ch).value, hex(cp)
        assert ucd.grapheme_break(ch) == (grapheme_cluster_break(ch).value, indic_conjunct_break(ch).value), hex(cp)
        assert ucd.category(ch) == category(ch).value, hex(cp)
        assert ucd.east_asian_width(ch) == east_asian_width(ch).value, hex(cp)
        assert ucd.extended_pictographic(ch) == bool(extended_pictographic(ch)), hex(cp)
        assert ucd.emoji_presentation(ch) == bool(emoji_presentation(ch)), hex(cp)
        assert ucd.script(ch) == fonttools_unicodedata.script(ch), hex(cp)
    for ch in "中ไक😀\u0301":  # past Latin-1: the libraries answer
        assert ucd.line_break(ch) == line_break(ch).value
        assert ucd.script(ch) == fonttools_unicodedata.script(ch)
