"""Tests for text: font fallback, shaping, line breaking, truncation and measuring."""

from __future__ import annotations

import unicodedata
import warnings
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hud
from hud.paint import Glyphs, paint_widget
from hud.text import MissingGlyphWarning, fonts, layout_text, measure, shape, text_width
from hud.text.wrap import ELLIPSIS

SIZE = 24
LATIN = (
    "The quick brown fox jumps over the lazy dog while the navigation assistant "
    "announces the next turn in two hundred metres"
)
CJK = "今天天气很好我们去公园散步吧你觉得怎么样我觉得非常好那我们下午三点在门口见面然后一起出发"
CLOSING = set("，。！？）」")
OPENING = set("（「")
KINSOKU_TEXT = (
    "今天天气很好，我们去公园散步吧！你觉得怎么样？（我觉得很好）「真的吗」他问。"
    "好的，走吧！「出发」（下午三点）。明天见！"
)


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingGlyphWarning)
        return function(*args, **kwargs)


# -- wrapping -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [150, 200, 333, 500])
def test_latin_breaks_at_spaces_and_fits(width: int) -> None:
    assert max(text_width(word, SIZE) for word in LATIN.split()) <= width  # every word fits
    block = measure(LATIN, SIZE, width=width)
    assert len(block.lines) > 1
    assert all(line.width <= width for line in block.lines)
    # Breaking only at spaces: the words are intact and in order.
    assert " ".join(line.text for line in block.lines) == LATIN
    assert all(not line.text.startswith(" ") and not line.text.endswith(" ") for line in block.lines)
    assert not block.truncated


def test_latin_lines_are_filled_greedily() -> None:
    """A line is broken only when the next word would not fit on it."""
    width = 200
    lines = measure(LATIN, SIZE, width=width).lines
    for line, following in pairwise(lines):
        next_word = following.text.split(" ")[0]
        assert text_width(f"{line.text} {next_word}", SIZE) > width


def test_long_word_breaks_between_characters() -> None:
    word = "Supercalifragilisticexpialidocious"
    block = measure(word, SIZE, width=100)
    assert len(block.lines) > 1
    assert "".join(line.text for line in block.lines) == word
    assert all(0 < line.width <= 100 for line in block.lines)
    assert not block.truncated


@pytest.mark.parametrize("width", [50, 100, 130, 250])
def test_cjk_breaks_between_characters(width: int) -> None:
    block = measure(CJK, SIZE, width=width)
    assert "".join(line.text for line in block.lines) == CJK
    assert all(line.width <= width for line in block.lines)
    per_line = width // SIZE  # full-width characters are one em wide
    assert all(len(line.text) == per_line for line in block.lines[:-1])


@pytest.mark.parametrize("width", range(4 * SIZE, 16 * SIZE, 7))
def test_kinsoku_no_closing_at_start_no_opening_at_end(width: int) -> None:
    lines = measure(KINSOKU_TEXT, SIZE, width=width).lines
    assert "".join(line.text for line in lines) == KINSOKU_TEXT
    for line in lines:
        assert line.text[0] not in CLOSING, line
        assert line.text[-1] not in OPENING, line
        assert line.width <= width


@pytest.mark.parametrize("width", range(80, 160, 3))
def test_kinsoku_kept_when_an_unbreakable_run_is_split(width: int) -> None:
    """A run wider than the line is split, preferring a point that keeps the kinsoku rules."""
    text = "价格（¥2,199）。Mixed 中文 and English，你好！"
    lines = measure(text, SIZE, width=width).lines
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert line.text[0] not in CLOSING, line
        assert line.text[-1] not in OPENING, line
        assert line.width <= width


def test_newline_forces_breaks() -> None:
    block = measure("one\ntwo\r\nthree\n\nfive", SIZE, width=1000)
    assert [line.text for line in block.lines] == ["one", "two", "three", "", "five"]
    assert block.height == 5 * block.line_height


def test_no_width_means_no_wrapping() -> None:
    block = measure(LATIN, SIZE)
    assert [line.text for line in block.lines] == [LATIN]


@pytest.mark.parametrize("width", [100, 150, 240])
def test_max_lines_with_ellipsis(width: int) -> None:
    block = measure(LATIN, SIZE, width=width, max_lines=2)
    assert len(block.lines) == 2
    assert block.truncated
    assert block.lines[-1].text.endswith(ELLIPSIS)
    assert all(line.width <= width for line in block.lines)
    # The first line is untouched: it is the first line of the full wrap.
    assert block.lines[0] == measure(LATIN, SIZE, width=width).lines[0]


def test_max_lines_not_reached_is_not_truncated() -> None:
    block = measure("short text", SIZE, width=400, max_lines=2)
    assert [line.text for line in block.lines] == ["short text"]
    assert not block.truncated


def test_overflow_keep_end_keeps_last_lines() -> None:
    full = measure(LATIN, SIZE, width=150).lines
    block = measure(LATIN, SIZE, width=150, max_lines=2, overflow="keep-end")
    assert block.lines == full[-2:]
    assert block.truncated
    assert LATIN.endswith(block.lines[-1].text)


def test_overflow_clip_keeps_first_lines() -> None:
    full = measure(LATIN, SIZE, width=150).lines
    block = measure(LATIN, SIZE, width=150, max_lines=3, overflow="clip")
    assert block.lines == full[:3]
    assert not block.lines[-1].text.endswith(ELLIPSIS)


def test_single_over_wide_grapheme_is_cut_to_fit() -> None:
    """A grapheme wider than the box cannot wrap: the line is cut (with an ellipsis) so it fits."""
    wide = "a" + "".join(map(chr, _missing_marks()))
    block = _quiet(measure, f"ok {wide}", SIZE, width=2 * SIZE)
    assert block.truncated
    assert block.lines[0].text == "ok"
    assert block.lines[-1].text.endswith(ELLIPSIS)
    assert all(line.width <= 2 * SIZE for line in block.lines)


def _missing_marks() -> list[int]:
    """Six combining marks (Syriac) that no bundled font has."""
    chain = fonts.fallback_chain("regular")
    marks = [
        cp
        for cp in range(0x730, 0x74B)
        if unicodedata.category(chr(cp)) == "Mn" and not any(f.glyph_index(cp) for f in chain)
    ]
    assert len(marks) >= 6
    return marks[:6]


def test_over_wide_grapheme_fits_also_when_lines_are_dropped() -> None:
    """Regression: with max_lines exceeded, kept lines are still cut to the width."""
    wide = "a" + "".join(map(chr, _missing_marks()))  # one cluster; each mark no font has is a box
    assert _quiet(text_width, wide, SIZE) > 2 * SIZE
    for overflow in ("ellipsis", "clip", "keep-end"):
        block = _quiet(layout_text, f"{wide}\n{wide}\nx", SIZE, "regular", 2 * SIZE, 2, overflow)
        assert len(block.lines) <= 2
        assert all(line.width <= 2 * SIZE for line in block.lines), (overflow, block.lines)


def test_measure_widths_equal_text_width_of_each_line() -> None:
    for text in (LATIN, CJK, KINSOKU_TEXT, "Mixed 中文 and English, 日本のかな"):
        block = measure(text, SIZE, width=170)
        for line in block.lines:
            assert line.width == text_width(line.text, SIZE)
        assert block.width == max(line.width for line in block.lines)


def test_measure_is_what_the_renderer_lays_out() -> None:
    """The public measure() gives the same lines as the Text widget in a render."""
    widget = hud.Text(text=LATIN, width=200, size=SIZE)
    renderer = hud.Renderer(hud.Scene(widget), "quark-s1")
    renderer.frame()
    assert renderer.text_block(widget).lines == measure(LATIN, SIZE, width=200).lines


def test_bold_is_wider_than_regular() -> None:
    assert text_width("Hello world", SIZE, "bold") > text_width("Hello world", SIZE, "regular")


def test_measure_rejects_bad_options() -> None:
    with pytest.raises(ValueError, match="weight"):
        measure("x", weight="heavy")
    with pytest.raises(ValueError, match="overflow"):
        measure("x", overflow="scroll")


# -- missing glyphs and fallback -------------------------------------------------------------


@pytest.mark.parametrize("char", ["\ue000", "\U0001fb00"])
def test_missing_glyph_draws_box_and_warns_once(char: str, fresh_warnings: None) -> None:
    assert not any(font.glyph_index(ord(char)) for font in fonts.fallback_chain("regular")), (
        f"a bundled font now has U+{ord(char):04X}: pick a character no font has"
    )
    text = f"a{char}b"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        glyphs = shape(text, SIZE)
        block = measure(text * 3, SIZE, width=300)
        shape(char, SIZE)
    missing = [w for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert len(missing) == 1
    assert f"U+{ord(char):04X}" in str(missing[0].message)
    box = glyphs[1]
    assert box.gid == 0 and box.advance > SIZE // 3  # the font's box glyph (.notdef)
    assert block.lines[0].width == text_width(text * 3, SIZE)

    # Painting draws the box glyph next to the real glyphs.
    widget = hud.Text(text=text, size=SIZE)
    renderer = hud.Renderer(hud.Scene(widget), "quark-s1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingGlyphWarning)
        frame = renderer.frame()
    commands = paint_widget(widget, renderer.box(widget), renderer.theme, 1.0, block=renderer.text_block(widget))
    assert sum(len(c.items) for c in commands if isinstance(c, Glyphs)) == 3
    assert frame.eyes["left"].max() > 0


def test_missing_glyph_in_wrapped_text_never_crashes(fresh_warnings: None) -> None:
    text = ("\ue000" * 40) + " word " + ("\ue001\ue002 " * 10)
    with pytest.warns(MissingGlyphWarning):
        block = measure(text, SIZE, width=100, max_lines=3)
    assert all(line.width <= 100 for line in block.lines)


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_fallback_latin_from_noto_sans_cjk_from_noto_sans_sc(weight: str) -> None:
    suffix = "Regular" if weight == "regular" else "Bold"
    (latin,) = shape("A", SIZE, weight)
    assert latin.font is not None and latin.font.path.name == f"NotoSans-{suffix}.ttf"
    for char in "中あ":
        (glyph,) = shape(char, SIZE, weight)
        assert glyph.font is not None and glyph.font.path.name == f"NotoSansSC-{suffix}.otf"
        assert glyph.advance == SIZE  # full width


def test_shaped_glyphs_advance_the_pen() -> None:
    glyphs = shape("Ab中", SIZE)
    assert [g.cluster for g in glyphs] == [0, 1, 2]
    for before, after in pairwise(glyphs):
        assert after.x == before.x + before.advance
    assert text_width("Ab中", SIZE) == glyphs[-1].x + glyphs[-1].advance


@pytest.mark.parametrize("invisible", ["\x00", "\x07", "\x1b", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_control_and_format_characters_take_no_width(invisible: str) -> None:
    assert text_width(f"ab{invisible}c", SIZE) == text_width("abc", SIZE)
    assert len(shape(f"ab{invisible}c", SIZE)) == 3
    assert text_width(invisible * 5, SIZE) == 0


def test_tab_is_a_space() -> None:
    assert text_width("a\tb", SIZE) == text_width("a b", SIZE)


def test_grapheme_clusters_never_split() -> None:
    """e + COMBINING ACUTE stays together whatever the width."""
    text = "e\u0301" * 25
    for width in range(SIZE, 200, 5):
        lines = measure(text, SIZE, width=width).lines
        assert "".join(line.text for line in lines) == text
        for line in lines:
            assert not line.text.startswith("\u0301")
            assert line.text.count("e") == line.text.count("\u0301")


def test_combining_mark_takes_no_extra_width() -> None:
    assert text_width("e\u0301", SIZE) == text_width("e", SIZE)


def test_emoji_zwj_sequence_never_split(fresh_warnings: None) -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text = (family + "a") * 6
    for width in range(2 * SIZE, 150, 9):
        lines = _quiet(measure, text, SIZE, width=width).lines
        assert "".join(line.text for line in lines) == text
        for line in lines:
            assert not line.text.startswith("\u200d")
            assert not line.text.endswith("\u200d")


# -- arbitrary text -------------------------------------------------------------------------

_SPECIAL = st.sampled_from(
    list(
        "\x00\x07\t\n\r\x0b\x0c\x85\u2028\u200b\u200c\u200d\u2060\ufeff\u0301\u0308 \u00a0\u3000，。！？）」（「中あA-…"
    )
    + ["e\u0301", "\U0001f44d\U0001f3fd", "\ue000", "\U0001f600", "Supercalifragilistic"]
)
_TEXT = st.lists(st.one_of(st.text(), _SPECIAL), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_TEXT,
    size=st.integers(6, 40),
    extra=st.integers(0, 300),
    max_lines=st.integers(0, 4),
    overflow=st.sampled_from(["ellipsis", "clip", "keep-end"]),
)
def test_layout_text_never_raises_and_fits(text: str, size: int, extra: int, max_lines: int, overflow: str) -> None:
    width = 2 * size + extra
    block = _quiet(layout_text, text, size, "regular", width, max_lines, overflow)
    assert block.lines
    assert all(line.width <= width for line in block.lines)
    if max_lines:
        assert len(block.lines) <= max_lines
    assert block.width == max(line.width for line in block.lines)
    assert block.height == block.line_height * len(block.lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_wrap_without_max_lines_loses_no_visible_text(text: str) -> None:
    """Without truncation, wrapping only drops break characters and the spaces at breaks."""
    width = 6 * SIZE
    block = _quiet(layout_text, text, SIZE, "regular", width)
    if block.truncated:
        return
    kept = "".join(line.text for line in block.lines)
    dropped = set(" \t\n\r\x0b\x0c\x85\u2028\u2029\u3000") | {
        c for c in text if unicodedata.category(c) in ("Zs", "Cc")
    }
    assert [c for c in kept if c not in dropped] == [c for c in text if c not in dropped]
