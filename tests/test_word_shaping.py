"""Left-to-right lines are shaped word by word (a word and the spaces after it, each shaped once
and kept): the glyphs must be exactly those of the whole line shaped at once.

That holds where the font drawing the space has no substitution, kerning or contextual rule
that mentions the space glyph (PLAIN_SPACE_FONTS, checked here against every bundled font's
GSUB/GPOS); elsewhere the two words are shaped together, and a mark or a format character
after a space stays with it. Chinese and Japanese are cut between two Han ideographs where
the font has no rule that could act across them (PLAIN_IDEOGRAPH_FONTS, checked here too). The first test holds
every bundled font to that, for every character it maps; the others compare the two paths on
the example scenes' texts and on random text in every script the fonts cover.
"""

from __future__ import annotations

import random
import tomllib
import unicodedata
from pathlib import Path

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otBase, otTables

from hud.text import shaping
from hud.text.fonts import font_dir
from hud.text.itemize import bidi_levels
from hud.text.shaping import (
    PLAIN_IDEOGRAPH_FONTS,
    PLAIN_SPACE_FONTS,
    ShapedLine,
    _shape_cached,
    _shape_whole,
    shape_line,
)

from paths import SCENES

FONT_FILES = sorted(p for p in font_dir().iterdir() if p.suffix in (".ttf", ".otf"))
RTL_FONTS = ("Arabic", "Hebrew")  # right-to-left lines are always shaped whole


def _names(table: object, out: set[str], seen: set[int]) -> None:
    """Every glyph name a GSUB/GPOS lookup mentions (coverages, class definitions, sequences)."""
    if id(table) in seen:
        return
    seen.add(id(table))
    if isinstance(table, otTables.Coverage):
        out.update(table.glyphs)
    elif isinstance(table, otTables.ClassDef):
        out.update(table.classDefs)
    elif isinstance(table, str):
        out.add(table)
    elif isinstance(table, dict):
        for key, value in table.items():
            _names(key, out, seen)
            _names(value, out, seen)
    elif isinstance(table, (list, tuple)):
        for value in table:
            _names(value, out, seen)
    elif isinstance(table, otBase.BaseTable):
        for value in vars(table).values():
            _names(value, out, seen)


def _space_in_lookups(path: Path) -> bool | None:
    """Whether any substitution or positioning lookup of the font mentions its space glyph
    (None: the font has no space)."""
    font = TTFont(path)
    space = font.getBestCmap().get(0x20)
    if space is None:
        return None
    for tag in ("GSUB", "GPOS"):
        if tag in font and font[tag].table.LookupList:
            for lookup in font[tag].table.LookupList.Lookup:
                names: set[str] = set()
                _names(lookup, names, set())
                if space in names:
                    return True
    return False


def test_the_plain_space_fonts_are_exactly_those_whose_lookups_never_mention_the_space() -> None:
    plain = {
        path.name
        for path in FONT_FILES
        if not any(rtl in path.name for rtl in RTL_FONTS) and _space_in_lookups(path) is False
    }
    assert plain == set(PLAIN_SPACE_FONTS)


DEFAULT_FEATURES = {
    "ccmp",
    "locl",
    "mark",
    "mkmk",
    "rlig",
    "calt",
    "clig",
    "curs",
    "dist",
    "kern",
    "liga",
    "rclt",
    "rvrn",
}
CONTEXTUAL = {"GSUB": {4, 5, 6, 8}, "GPOS": {2, 3, 4, 5, 6, 7, 8}}  # all but context-free substitutions


def _ideographs_in_rules(path: Path) -> list[str]:
    """Lookups of the default (always applied) features that could act across two Han
    ideographs: contextual or chained rules of any kind, and ligatures, pairs and attachments
    that mention an ideograph."""
    font = TTFont(path)
    cmap = font.getBestCmap()
    han = {gid for cp, gid in cmap.items() if 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF}
    found = []
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        table = font[tag].table
        features: dict[int, set[str]] = {}
        for record in table.FeatureList.FeatureRecord:
            for index in record.Feature.LookupListIndex:
                features.setdefault(index, set()).add(record.FeatureTag)
        for index, lookup in enumerate(table.LookupList.Lookup):
            if not features.get(index, set()) & DEFAULT_FEATURES:
                continue
            kind = lookup.LookupType
            if (tag, kind) in (("GSUB", 7), ("GPOS", 9)):
                kind = lookup.SubTable[0].ExtensionLookupType
            names: set[str] = set()
            _names(lookup, names, set())
            if kind in (5, 6, 8) or (tag == "GPOS" and kind == 7) or (kind in CONTEXTUAL[tag] and names & han):
                found.append(f"{tag} lookup {index} (type {kind})")
    return found


@pytest.mark.parametrize("name", sorted(PLAIN_IDEOGRAPH_FONTS))
def test_a_plain_ideograph_font_has_no_rule_across_two_ideographs(name: str) -> None:
    assert _ideographs_in_rules(font_dir() / name) == []


def test_the_other_cjk_fonts_are_not_cut_between_ideographs() -> None:
    assert _ideographs_in_rules(font_dir() / "NotoSansKR-Regular.otf")  # Hanja in Korean text stay whole


def _glyphs(font: hb.Font, text: str) -> list[tuple[int, int, int, int]]:
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    return [
        (info.codepoint, pos.x_advance, pos.x_offset, pos.y_offset)
        for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions)
    ]


@pytest.mark.parametrize("name", sorted(PLAIN_SPACE_FONTS))
def test_a_plain_space_font_shapes_every_character_after_a_space_alone(name: str) -> None:
    path = font_dir() / name
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    font.scale = (23 * 64, 23 * 64)
    space = _glyphs(font, " ")
    crossing = []
    for cp in sorted(TTFont(path, lazy=True).getBestCmap()):
        ch = chr(cp)
        if cp <= 0x20 or ch.isspace() or unicodedata.category(ch)[0] == "M" or unicodedata.category(ch) == "Cf":
            continue  # marks and format characters are shaped with the space before them
        if _glyphs(font, " " + ch) != space + _glyphs(font, ch):
            crossing.append(f"U+{cp:04X}")
    assert not crossing, f"{name} shapes across a space before {', '.join(crossing[:20])}"


def _both(text: str, size: int = 23, weight: str = "regular", language: str = "") -> tuple[ShapedLine, ShapedLine]:
    levels = bidi_levels(text, 0)
    assert not any(levels)
    return shape_line(text, size, weight, language), _shape_whole(text, size, weight, language, levels, 0)


def _scene_texts() -> list[str]:
    texts: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str) and " " in value.strip():
            texts.append(value)

    for path in sorted(SCENES.glob("*.toml")):
        collect(tomllib.loads(path.read_text(encoding="utf-8")))
    return texts


def test_example_scene_texts_shape_the_same_word_by_word() -> None:
    shaping.clear_caches()
    compared = 0
    for text in _scene_texts():
        for line in text.split("\n"):
            if any(bidi_levels(line, 0)) or " " not in line.strip(" "):
                continue
            for weight in ("regular", "bold"):
                by_words, whole = _both(line, 23, weight)
                assert by_words == whole, line
                compared += 1
    assert compared > 50


WORDS = {
    "": [
        "Where",
        "is",
        "the",
        "nearest",
        "subway",
        "station?",
        "(12)",
        "¥2,199",
        "JD",
        "+¥300",
        "—",
        "“quoted”",
        "10:45",
    ],
    "ru": ["Где", "ближайшая", "станция", "метро?", "Улица", "№5"],
    "el": ["Πού", "είναι", "ο", "σταθμός;"],
    "zh": ["最近的", "地铁站", "在哪里？", "我们", "一起走", "过去吧", "300米", "右转"],
    "ja": ["最寄りの", "駅は", "どこですか？", "ー", "コーヒー", "々"],
    "ko": ["가장", "가까운", "지하철역은", "어디에", "있나요?"],
    "hi": ["सबसे", "नज़दीकी", "मेट्रो", "स्टेशन", "कहाँ", "है?", "क्षेत्र"],
    "th": ["สถานี", "รถไฟใต้ดิน", "ที่ใกล้ที่สุด", "อยู่ที่ไหน"],
    "bn": ["নিকটতম", "মেট্রো", "স্টেশন", "কোথায়?"],
    "ta": ["அருகிலுள்ள", "மெட்ரோ", "நிலையம்", "எங்கே?"],
}
EMOJI = ["🚇", "👍🏽", "☀️", "1️⃣", "🏃\u200d♀️", "🇨🇳"]


@pytest.mark.parametrize("language", sorted(WORDS))
def test_random_text_shapes_the_same_word_by_word(language: str) -> None:
    rng = random.Random(f"words-{language}")
    pool = WORDS[language] + WORDS[""][:6] + EMOJI
    shaping.clear_caches()
    for _ in range(150):
        words = [rng.choice(pool) for _ in range(rng.randint(2, 12))]
        text = "".join(word + " " * rng.choice((1, 1, 1, 2)) for word in words)
        if rng.random() < 0.3:
            text = " " + text  # leading spaces
        if rng.random() < 0.5:
            text = text.rstrip(" ")
        if language in ("zh", "ja") and rng.random() < 0.5:
            text = text.replace(" ", "")  # written without spaces
        size, weight = rng.choice((18, 23, 39)), rng.choice(("regular", "bold"))
        lang = language if rng.random() < 0.7 else ""
        by_words, whole = _both(text, size, weight, lang)
        assert by_words == whole, (text, size, weight, lang)


def test_a_line_that_changes_one_word_shapes_only_that_word() -> None:
    shaping.clear_caches()
    shape_line("Where is the nearest subway station? (1)", 23)
    before = shaping.ShapeStats.chars
    shape_line("Where is the nearest subway station? (2)", 23)
    assert shaping.ShapeStats.chars - before == len("(2)")
    assert _shape_cached.cache_info().currsize == 2
