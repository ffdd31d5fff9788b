"""World text: HarfBuzz shaping, bidi order, script fallback, line breaking, measure/render
agreement, caption streaming, and robustness on any Unicode input."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import warnings

import numpy as np
import pytest
from bidi import get_display
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hud
from hud.builds import Builds
from hud.errors import FieldError
from hud.text import layout_text, measure, shape_line, text_width
from hud.text.fonts import fallback_chain, family_font
from hud.text.shaping import ShapeStats
from hud.text.wrap import break_points, graphemes

from budget import examples
from paths import ROOT

SIZE = 24


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def visual_text(text: str) -> str:
    """Source characters in the order their glyphs are drawn, left to right (one glyph each)."""
    line = shape_line(text, SIZE)
    return "".join(text[g.cluster] for g in line.glyphs)


# -- shaping --------------------------------------------------------------------------------


def test_arabic_letters_take_joining_forms() -> None:
    isolated = shape_line("ب", SIZE).glyphs[0].gid
    joined = {g.gid for g in shape_line("ببب", SIZE).glyphs}
    assert len(joined) == 3 and isolated not in joined  # initial, medial, final forms


def test_kerning_applies() -> None:
    assert text_width("AV", 100) < text_width("A", 100) + text_width("V", 100)


def test_devanagari_i_matra_is_drawn_before_its_consonant() -> None:
    glyphs = shape_line("कि", SIZE).glyphs
    ka = shape_line("क", SIZE).glyphs[0].gid
    assert [g.gid for g in glyphs][-1] == ka and glyphs[0].gid != ka
    assert glyphs[0].x < glyphs[1].x


def test_conjunct_forms_a_ligature() -> None:
    assert len(shape_line("क्ष", SIZE).glyphs) < 3  # not three separate letters


def test_thai_marks_stack_on_their_base() -> None:
    glyphs = shape_line("น้ำ", SIZE).glyphs
    base = glyphs[0]
    assert any(g.x < base.x + base.advance and g.advance == 0 for g in glyphs[1:])


def test_glyph_cache_is_keyed_by_font_size_and_glyph_id() -> None:
    glyph = shape_line("ب", SIZE).glyphs[0]
    first = glyph.font.glyph(glyph.gid, SIZE)
    assert glyph.font.glyph(glyph.gid, SIZE) is first
    assert (SIZE, glyph.gid) in glyph.font._glyphs


# -- bidi -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "שלום ABC 123",
        "הרכבת יוצאת בשעה 10:15, והכרטיס עולה 27.50 ₪.",
        "אפשר לשלם עם Alipay או בכרטיס Visa?",
        "abc שלום def 42",
        "1. שלום",
        'He said "שלום עולם" today.',
        "המלון Hilton (Tel Aviv) קרוב",  # bracket pairs (rule N0)
        "הטיסה עם El Al (LY)",
        "אב(גד[&ef]!)gh",
        "Driver \u2067אבי\u2069 5 min away",  # isolates
        "\u2068אבי כהן\u2069 sent you 3 photos",
    ],
)
def test_visual_order_matches_the_unicode_bidi_algorithm(text: str) -> None:
    """Same order as python-bidi's reference display string (isolate controls draw nothing)."""
    expected = "".join(ch for ch in get_display(text) if ch not in "\u2066\u2067\u2068\u2069")
    assert visual_text(text) == expected


def test_mixed_arabic_line_order() -> None:
    text = "مرحبا 2026 Hangzhou"
    line = shape_line(text, SIZE)
    first_x = {text[g.cluster]: g.x for g in reversed(line.glyphs)}
    assert line.rtl
    assert first_x["H"] < first_x["2"] < min(g.x for g in line.glyphs if "\u0600" <= text[g.cluster] <= "\u06ff")


def test_rtl_paragraph_is_right_aligned_by_default() -> None:
    widget = hud.Text(text="שלום ABC 123", width=400, anchor="center")
    frame = hud.render(hud.Scene(widget), device="quark-s1")
    ink = np.nonzero(frame.eyes["left"].max(axis=0))[0]
    (drawn,) = frame.snapshot.texts
    assert drawn.text is widget
    box = drawn.box
    assert abs(ink.max() - box.right) <= 3 and ink.min() > box.x + 100


def test_direction_can_be_forced() -> None:
    assert shape_line("abc", SIZE).rtl is False
    block = measure("abc שלום", SIZE, direction="rtl")
    assert block.lines[0].rtl


# -- fonts per script -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "font"),
    [
        ("Hello", "NotoSans-Regular.ttf"),
        ("مرحبا", "NotoSansArabic-Regular.ttf"),
        ("שלום", "NotoSansHebrew-Regular.ttf"),
        ("नमस्ते", "NotoSansDevanagari-Regular.ttf"),
        ("வணக்கம்", "NotoSansTamil-Regular.ttf"),
        ("বাংলা", "NotoSansBengali-Regular.ttf"),
        ("สวัสดี", "NotoSansThai-Regular.ttf"),
        ("안녕", "NotoSansKR-Regular.otf"),
        ("最近", "NotoSansSC-Regular.otf"),
        ("駅", "NotoSansJP-Regular.otf"),
    ],
)
def test_each_script_uses_its_font(text: str, font: str) -> None:
    glyphs = shape_line(text, SIZE).glyphs
    assert {g.font.name for g in glyphs} == {font}
    assert all(g.gid for g in glyphs)


def test_japanese_han_uses_japanese_forms_when_tagged() -> None:
    plain = shape_line("直", SIZE).glyphs[0]
    japanese = shape_line("直", SIZE, language="ja").glyphs[0]
    assert (plain.font.name, plain.gid) != (japanese.font.name, japanese.gid)


def _covered(text: str) -> bool:
    return all(any(font.glyph_index(ord(ch)) for font in fallback_chain("regular")) for ch in text)


def test_all_ks_x_1001_hangul_syllables_are_bundled() -> None:
    korean = family_font("NotoSansKR", "regular")
    syllables = [bytes([row, cell]).decode("euc_kr") for row in range(0xB0, 0xC9) for cell in range(0xA1, 0xFF)]
    assert len(syllables) == 2350
    assert all(korean.glyph_index(ord(s)) for s in syllables)


def test_japanese_kana_and_level_1_kanji_are_bundled() -> None:
    kanji = []
    for row in range(0xB0, 0xD0):
        for cell in range(0xA1, 0xFF):
            try:
                kanji.append(bytes([row, cell]).decode("euc_jp"))
            except UnicodeDecodeError:
                pass
    kana = [chr(cp) for cp in range(0x3041, 0x3097)] + [chr(cp) for cp in range(0x30A1, 0x30FB)]
    assert len(kanji) > 2900 and _covered("".join(kanji + kana))


@pytest.mark.parametrize(
    "text",
    [
        "Tiếng Việt: Đường phố Hà Nội, người, ở, ữ, ỹ",
        "İstanbul'da güzel bir gün: ğĞıİşŞçÇöÖüÜ",
        "Zażółć gęślą jaźń, Łódź",
        "Ștefan și Țara, Příliš žluťoučký kůň",
    ],
)
def test_latin_extended_is_covered(text: str) -> None:
    assert _covered(text)
    assert all(g.gid for g in shape_line(text, SIZE).glyphs)


# -- line breaking --------------------------------------------------------------------------


def test_thai_breaks_between_words() -> None:
    from pythainlp.tokenize import word_tokenize

    text = "ยินดีต้อนรับสู่ตลาดน้ำดำเนินสะดวกวันนี้มีมะม่วงสุกราคาพิเศษ"
    words = word_tokenize(text, engine="newmm")
    boundaries = {sum(len(w) for w in words[:i]) for i in range(1, len(words))}
    assert set(break_points(text)) == boundaries
    for width in (120, 180, 260):
        lines = measure(text, SIZE, width=width).lines
        assert "".join(line.text for line in lines) == text
        position = 0
        for line in lines[:-1]:
            position += len(line.text)
            assert position in boundaries


def test_korean_breaks_at_spaces_only() -> None:
    text = "안녕하세요! 명동역은 여기서 걸어서 5분 거리에 있고, 4호선을 타시면 됩니다."
    words = text.split(" ")
    for width in range(120, 500, 40):
        for line in measure(text, SIZE, width=width).lines:
            assert all(word in words for word in line.text.split(" ")), line.text


def test_cjk_breaks_between_characters_but_not_before_closing_punctuation() -> None:
    text = "最近的地铁站在哪里？我们一起去吧。「好的」，走吧！"
    # From three characters wide: the longest unbreakable run here ("的」，") must fit on a line.
    for width in range(3 * SIZE, 300, 7):
        lines = measure(text, SIZE, width=width).lines
        assert "".join(line.text for line in lines) == text
        for line in lines[1:]:
            assert line.text[0] not in "，。！？」、）"
        for line in lines[:-1]:
            assert line.text[-1] not in "「（"


@pytest.mark.parametrize(
    "text", ["क्षत्रिय श्री द्वार नमस्ते", "e\u0301" * 20, "\u1100\u1161\u11a8" * 8, "한국어 각", "น้ำใจไมตรี"]
)
def test_grapheme_clusters_are_never_split(text: str) -> None:
    clusters = graphemes(text)
    for width in range(SIZE, 200, 9):
        lines = quiet(measure, text, SIZE, width=width).lines
        joined = "".join(line.text for line in lines)
        assert joined.replace(" ", "") == text.replace(" ", "")
        cuts, position = set(), 0
        for line in lines:
            position += len(line.text)
            cuts.add(position)
        edges, at = set(), 0
        for cluster in graphemes(joined):
            at += len(cluster)
            edges.add(at)
        assert cuts <= edges and len(clusters) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "Where is the nearest subway station? I need to get to West Lake before noon.",
        "最近的地铁站在哪里？我们一起去吧。",
        "مرحبا بكم في دبي! الرحلة EK303 إلى شنغهاي تغادر الساعة 14:30 من البوابة B12.",
        "नमस्ते! यह रेशमी साड़ी 2,500 रुपये की है, लेकिन आज 20% छूट है।",
    ],
)
def test_wrap_point_is_where_pixels_run_out(text: str) -> None:
    """Each line fits, and the next break opportunity's text would not have fitted."""
    for width in (150, 230, 333):
        block = measure(text, SIZE, width=width)
        assert all(line.width <= width for line in block.lines)
        consumed = 0
        for line, following in zip(block.lines, block.lines[1:]):
            start = text.index(line.text, consumed)
            end = start + len(line.text)
            consumed = end
            nxt = text.index(following.text, end)
            points = [p for p in (*break_points(text), len(text)) if p > nxt]
            if points:
                longer = text[start : points[0]].rstrip()
                assert text_width(longer, SIZE) > width or len(longer) <= len(line.text)


# -- measure agrees with the renderer -------------------------------------------------------

MIXED = [
    "مرحبا 2026 Hangzhou",
    "שלום ABC 123",
    "Hello 世界 안녕 こんにちは",
    "สวัสดี Bangkok 2026",
    "नमस्ते Delhi 42",
    "Tiếng Việt và 中文",
    "السعر 2,199 يوان (خصم 20%)",
]


@pytest.mark.parametrize("text", MIXED)
@pytest.mark.parametrize("width", [120, 260, 600])
def test_measure_agrees_with_renderer(text: str, width: int) -> None:
    widget = hud.Text(text=text, size=SIZE, width=width, anchor="center")
    renderer = hud.Renderer(hud.Scene(widget), "quark-s1")
    frame = renderer.frame()
    expected = measure(text, SIZE, width=width)
    lines = renderer.text_block(widget).lines
    assert [(line.text, line.width) for line in lines] == [(line.text, line.width) for line in expected.lines]
    ink_rows = np.nonzero(frame.eyes["left"].max(axis=1))[0]
    assert ink_rows.size and renderer.box(widget).y - SIZE // 2 <= ink_rows.min()


def test_cli_measure_agrees_with_api() -> None:
    text = "مرحبا 2026 Hangzhou, שלום ABC 123, 最近的地铁站在哪里？"
    result = subprocess.run(
        [sys.executable, "-m", "hud", "text", "measure", text, "--size", "24", "--width", "200", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    data = json.loads(result.stdout)
    block = measure(text, 24, width=200)
    assert [(line["text"], line["width_px"]) for line in data["lines"]] == [
        (line.text, line.width) for line in block.lines
    ]


# -- caption streaming ----------------------------------------------------------------------


def test_caption_streaming_reshapes_only_changed_lines() -> None:
    caption = hud.Caption(text="The north gate of the museum opens at ten and", max_lines=3, width=300, anchor="bottom")
    renderer = hud.Renderer(hud.Scene(caption), "quark-s1")
    renderer.frame()
    before = renderer.text_block(renderer.content(caption).children[0]).lines
    caption.replace_partial(" the boat")
    renderer.frame()
    caption.replace_partial(" the boat tour")
    renderer.frame()
    caption.append(" the boat tour leaves at eleven from the pier by the lake")
    shaped = ShapeStats.lines
    renderer.frame()
    after = renderer.text_block(renderer.content(caption).children[0]).lines
    assert caption.partial == "" and caption.text.endswith("lake")
    assert len(after) == 3 and after[-1].text.endswith("lake")
    kept = {line.text: line for line in before}
    unchanged = [line for line in after if line.text in kept]
    assert all(line.glyphs is kept[line.text].glyphs for line in unchanged)  # the same shaped line, reused
    assert ShapeStats.lines - shaped < 40


def test_caption_partial_is_replaced_not_accumulated() -> None:
    caption = hud.Caption(text="你好")
    builds = Builds()
    caption.replace_partial("，我想")
    caption.replace_partial("，我想去")
    assert builds.content(caption).children[0].text == "你好，我想去"
    caption.append("，我想去西湖。")
    assert builds.content(caption).children[0].text == "你好，我想去西湖。"


# -- robustness -----------------------------------------------------------------------------

ANY_TEXT = st.lists(
    st.one_of(
        st.integers(0, 0x10FFFF),
        st.sampled_from(
            [
                0x200B,
                0x200C,
                0x200D,
                0x2066,
                0x2067,
                0x2068,
                0x2069,
                0x202A,
                0x202B,
                0x202C,
                0x202E,
                0xFEFF,
                0x0301,
                0x0E49,
                0x094D,
                0x0627,
                0x05D0,
                0xD800,
                0xDFFF,
                0x0A,
                0x20,
                0xFFFD,
            ]
        ),
    ),
    max_size=80,
).map(lambda cps: "".join(map(chr, cps)))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY_TEXT, width=st.integers(1, 400), max_lines=st.integers(0, 3))
def test_any_text_lays_out(text: str, width: int, max_lines: int) -> None:
    block = quiet(layout_text, text, SIZE, "regular", width, max_lines)
    assert block.lines
    if width >= 2 * SIZE:
        assert all(line.width <= width for line in block.lines)


@settings(max_examples=examples(quick=20, long=200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY_TEXT)
def test_any_text_renders(text: str) -> None:
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):  # not text: refused with one clear error
        with pytest.raises(FieldError, match="surrogate"):
            hud.Caption(text=text)
        text = "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)
    scene = hud.Scene(hud.Caption(text=text, translation=text[::-1], anchor="bottom"))
    frame = quiet(hud.render, scene, device="quark-s1")
    assert frame.eyes["left"].shape == (480, 640)


@pytest.mark.parametrize("seed", [1, 2])
def test_ten_thousand_character_inputs_render(seed: int) -> None:
    rng = random.Random(seed)
    pool = [rng.randrange(0, 0x10FFFF) for _ in range(200)] + [0x20] * 40 + list(range(0x600, 0x620))
    text = "".join(chr(rng.choice(pool)) for _ in range(10_000))
    scene = hud.Scene(hud.Caption(text=text, anchor="bottom"), hud.Text(text=text, max_lines=2, width=300))
    frame = quiet(hud.render, scene, device="quark-s1")
    assert frame.eyes["left"].any()


def test_ten_thousand_characters_without_a_break_opportunity() -> None:
    block = quiet(measure, "a" * 10_000, SIZE, width=300, max_lines=3)
    assert len(block.lines) == 3 and all(line.width <= 300 for line in block.lines)


# -- line-break fast path and chunking agree with the library --------------------------------

_BREAK_ALPHABET = st.sampled_from(
    list("abcXYZ019")
    + list("中文字地铁站")
    + list("あいう")
    + [
        " ",
        "(",
        ")",
        "，",
        "。",
        "！",
        "?",
        "-",
        "—",
        '"',
        "'",
        "「",
        "」",
        "ー",
        "ぁ",
        "한",
        "국",
        "\u0301",
        "😀",
        "%",
        "$",
    ]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_BREAK_ALPHABET, max_size=40).map("".join))
def test_chunked_break_points_match_uniseg(text: str) -> None:
    """Chunking and the letters/ideographs fast path give UAX #14's own answer (Korean
    tailoring aside, so Hangul-free strings are compared)."""
    from uniseg.graphemecluster import grapheme_cluster_boundaries
    from uniseg.linebreak import line_break_boundaries

    text = text.replace("한", "").replace("국", "")
    expected = set(line_break_boundaries(text)) & set(grapheme_cluster_boundaries(text))
    expected -= {0, len(text)}
    assert set(break_points(text)) == expected
