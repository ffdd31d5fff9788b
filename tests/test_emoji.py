"""Emoji: the bundled monochrome Noto Emoji font in the fallback chain, emoji presentation
(U+FE0F, Emoji_Presentation), and ZWJ sequences, flags, keycaps and skin tones shaped as one
glyph."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import hud
from hud.text import MissingGlyphWarning, fonts, measure, shape_line, text_width

SIZE = 24
METRO = "Metro \U0001f687 Line 1"
EMOJI_FONTS = {"regular": "NotoEmoji-Regular.ttf", "bold": "NotoEmoji-Bold.ttf"}
SEQUENCES = {
    "family (ZWJ)": "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "rainbow flag (ZWJ)": "\U0001f3f3\ufe0f\u200d\U0001f308",
    "woman technologist, medium skin tone (ZWJ)": "\U0001f469\U0001f3fd\u200d\U0001f4bb",
    "flag of Japan": "\U0001f1ef\U0001f1f5",
    "flag of England (tags)": "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "thumbs up, medium skin tone": "\U0001f44d\U0001f3fd",
    "keycap 1": "1\ufe0f\u20e3",
    "keycap #": "#\u20e3",
}


def _missing(function, *args, **kwargs) -> list[warnings.WarningMessage]:
    """Run `function` and return the MissingGlyphWarnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        function(*args, **kwargs)
    return [w for w in caught if issubclass(w.category, MissingGlyphWarning)]


@pytest.mark.parametrize("weight", ["regular", "bold"])
@pytest.mark.parametrize(
    "char",
    [
        "\U0001f687",
        "\U0001f600",
        "\U0001f44d",
        "\U0001f1ef",
        "\U0001f3fd",
        "\u26a1",
        "\u2600",
        "\ufe0f",
        "\u200d",
        "\u20e3",
        "\U000e0067",
    ],
)
def test_emoji_characters_have_a_glyph(char: str, weight: str) -> None:
    assert fonts.has_glyph(ord(char), weight)
    assert fonts.family_font("NotoEmoji", weight).glyph_index(ord(char))


def test_emoji_font_is_last_in_the_fallback_chain() -> None:
    assert fonts.FALLBACK_ORDER[-1] == "NotoEmoji"
    assert [font.name for font in fonts.fallback_chain("bold")][-1] == EMOJI_FONTS["bold"]


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_metro_emoji_shapes_from_the_emoji_font(weight: str, fresh_warnings: None) -> None:
    assert not _missing(shape_line, METRO, SIZE, weight)
    glyphs = shape_line(METRO, SIZE, weight).glyphs
    (emoji,) = [g for g in glyphs if g.cluster == METRO.index("\U0001f687")]
    assert emoji.font.name == EMOJI_FONTS[weight] and emoji.gid != 0
    assert {g.font.name for g in glyphs if g is not emoji} == {f"NotoSans-{weight.capitalize()}.ttf"}
    assert all(g.gid for g in glyphs)


def test_metro_emoji_measures_a_sane_width(fresh_warnings: None) -> None:
    assert not _missing(measure, METRO, SIZE)
    block = measure(METRO, SIZE)
    (line,) = block.lines
    (emoji,) = [g for g in line.glyphs if g.font.name == EMOJI_FONTS["regular"]]
    assert SIZE <= emoji.advance <= 1.4 * SIZE  # about one em, wider than a CJK character
    assert abs(line.width - (text_width("Metro  Line 1", SIZE) + emoji.advance)) <= 1


def test_metro_emoji_renders_lit_pixels_where_the_emoji_is(fresh_warnings: None) -> None:
    widget = hud.Text(text=METRO, anchor="center")
    scene = hud.Scene(widget)
    caught = _missing(hud.render, scene, device="quark-s1")
    assert not caught
    frame = hud.render(scene, device="quark-s1")
    eye = frame.eyes["left"]
    (drawn,) = frame.snapshot.texts
    (line,) = drawn.block.lines
    (emoji,) = [g for g in line.glyphs if g.font.name == EMOJI_FONTS["regular"]]
    rect = drawn.box
    box = eye[rect.y : rect.y + rect.h, rect.x + emoji.x + 1 : rect.x + emoji.x + emoji.advance - 1]
    text = eye[rect.y : rect.y + rect.h, rect.x : rect.x + emoji.x - 1]  # "Metro "
    lit = np.count_nonzero(box > 128)
    assert lit > box.size // 10  # a filled pictogram, not an empty box outline
    assert box.max() == text.max()  # rasterised as an outline, as bright as the text
    # Blank columns either side of the glyph: it is drawn where the shaper placed it.
    assert np.count_nonzero(eye[rect.y : rect.y + rect.h, rect.x + emoji.x - 3]) < 3


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_sequence_shapes_to_one_emoji_glyph(name: str, fresh_warnings: None) -> None:
    sequence = SEQUENCES[name]
    assert not _missing(shape_line, sequence, SIZE)
    (glyph,) = shape_line(sequence, SIZE).glyphs
    assert glyph.font.name == EMOJI_FONTS["regular"] and glyph.gid != 0 and glyph.cluster == 0
    # Inside text the sequence is still one glyph, in one run with its components.
    glyphs = shape_line(f"a {sequence} b", SIZE).glyphs
    assert [g.gid for g in glyphs if g.font.name == EMOJI_FONTS["regular"]] == [glyph.gid]


@pytest.mark.parametrize("name", ["family (ZWJ)", "flag of Japan", "keycap 1"])
def test_sequence_draws_the_ligature_not_its_first_component(name: str) -> None:
    sequence = SEQUENCES[name]
    (whole,) = shape_line(sequence, SIZE).glyphs
    emoji_font = fonts.family_font("NotoEmoji", "regular")
    assert whole.gid != emoji_font.glyph_index(ord(sequence[0]))


def test_zwj_sequence_stays_one_glyph_in_right_to_left_text(fresh_warnings: None) -> None:
    text = "مترو " + SEQUENCES["family (ZWJ)"] + " خط"
    assert not _missing(shape_line, text, SIZE)
    line = shape_line(text, SIZE)
    assert line.rtl
    assert [g.cluster for g in line.glyphs if g.font.name == EMOJI_FONTS["regular"]] == [text.index("\U0001f468")]


def test_emoji_presentation_selector_picks_the_emoji_font() -> None:
    """☀ has text presentation by default and Noto Sans CJK SC has it: bare it stays text,
    with U+FE0F it comes from the emoji font."""
    (bare,) = shape_line("\u2600", SIZE).glyphs
    (emoji,) = shape_line("\u2600\ufe0f", SIZE).glyphs
    assert bare.font.name == "NotoSansSC-Regular.otf"
    assert emoji.font.name == EMOJI_FONTS["regular"] and emoji.gid


def test_default_emoji_presentation_wins_over_an_earlier_font() -> None:
    """⚽ is an emoji by default although Noto Sans CJK SC has a text glyph; U+FE0E asks for
    the text glyph."""
    assert fonts.family_font("NotoSansSC", "regular").glyph_index(0x26BD)
    (emoji,) = shape_line("\u26bd", SIZE).glyphs
    (text,) = shape_line("\u26bd\ufe0e", SIZE).glyphs
    assert emoji.font.name == EMOJI_FONTS["regular"]
    assert text.font.name == "NotoSansSC-Regular.otf"


def test_mixed_cjk_and_emoji(fresh_warnings: None) -> None:
    text = "地铁\U0001f687站 出口" + SEQUENCES["family (ZWJ)"]
    assert not _missing(shape_line, text, SIZE)
    line = shape_line(text, SIZE)
    names = [(text[g.cluster], g.font.name) for g in line.glyphs]
    assert names == [
        ("地", "NotoSansSC-Regular.otf"),
        ("铁", "NotoSansSC-Regular.otf"),
        ("\U0001f687", EMOJI_FONTS["regular"]),
        ("站", "NotoSansSC-Regular.otf"),
        (" ", "NotoSansSC-Regular.otf"),
        ("出", "NotoSansSC-Regular.otf"),
        ("口", "NotoSansSC-Regular.otf"),
        ("\U0001f468", EMOJI_FONTS["regular"]),
    ]
    assert all(g.gid for g in line.glyphs)
    assert line.width == sum(g.advance for g in line.glyphs)


def test_emoji_wrap_never_splits_a_sequence_and_fits(fresh_warnings: None) -> None:
    text = " ".join(SEQUENCES.values()) + " 地铁\U0001f687站"
    for width in range(2 * SIZE, 200, 13):
        assert not _missing(measure, text, SIZE, width=width)
        block = measure(text, SIZE, width=width)
        assert all(line.width <= width for line in block.lines)
        assert "".join(line.text for line in block.lines).replace(" ", "") == text.replace(" ", "")
        assert all(any(sequence in line.text for line in block.lines) for sequence in SEQUENCES.values())
        for line in block.lines:
            assert line.width == text_width(line.text, SIZE)
