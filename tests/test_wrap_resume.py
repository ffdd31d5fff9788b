"""A paragraph that shares its start with one wrapped before (a caption growing word by word, a
tentative tail revised) keeps the lines decided before the change: the result is always the
one a fresh wrap gives."""

from __future__ import annotations

import random

import pytest

from hud.text import wrap
from hud.text.wrap import layout_text

WORDS = {
    "en": "where is the nearest subway station let's walk there together it is about 300 m on the left".split(),
    "zh": list("最近的地铁站在哪里我们一起走过去吧大约三百米在左边。，？"),
    "th": ["สถานี", "รถไฟใต้ดิน", "ที่ใกล้ที่สุด", "อยู่ที่ไหน", " "],
    "ko": "가장 가까운 지하철역은 어디에 있나요 왼쪽으로 300미터".split(),
    "hi": "सबसे नज़दीकी मेट्रो स्टेशन कहाँ है बाईं ओर".split(),
    "url": ["https://example.com/a/very/long/path/with/segments?and=query&more=values", "see", "at"],
}
JOINER = {"zh": "", "th": ""}


def _fresh(text: str, size: int, width: int, max_lines: int, overflow: str, lang: str):  # noqa: ANN202
    wrap.clear_caches()
    return layout_text(text, size, "regular", width, max_lines, overflow, 1.25, lang)


@pytest.mark.parametrize("script", sorted(WORDS))
def test_growing_and_revised_paragraphs_wrap_as_fresh_ones(script: str) -> None:
    rng = random.Random(script)
    joiner = JOINER.get(script, " ")
    lang = "" if script in ("en", "url") else script
    for trial in range(6):
        size, width = rng.choice((18, 23, 30)), rng.choice((120, 260, 560))
        max_lines, overflow = rng.choice(((0, "clip"), (1, "keep-end"), (2, "keep-end"), (2, "ellipsis")))
        words: list[str] = []
        sequence = []
        for _ in range(40):
            roll = rng.random()
            if roll < 0.65 or not words:
                words.append(rng.choice(WORDS[script]))  # a word arrives
            elif roll < 0.85:
                words[-1] = rng.choice(WORDS[script])  # the tentative word is revised
            else:
                del words[-rng.randint(1, len(words)) :]  # a new sentence
            sequence.append(joiner.join(words))
        wrap.clear_caches()
        for text in sequence:
            kept = layout_text(text, size, "regular", width, max_lines, overflow, 1.25, lang)
            expected = _fresh(text, size, width, max_lines, overflow, lang)
            assert kept == expected, (trial, text)
            # restore the growing history for the next step
            layout_text.cache_clear()
            layout_text(text, size, "regular", width, max_lines, overflow, 1.25, lang)


def test_a_grown_caption_wraps_only_its_last_lines() -> None:
    wrap.clear_caches()
    text = " ".join(WORDS["en"] * 3)
    layout_text(text, 23, "regular", 300)
    kept = wrap._kept_lines  # noqa: SLF001 - the resumed lines are what this test is about
    paragraph = wrap._Paragraph(text + " again", 23, "regular", "", "auto")
    lines = kept(paragraph, (23, "regular", "", paragraph.base, 300), None)
    full = layout_text(text, 23, "regular", 300).lines
    assert len(full) >= 6 and len(lines) >= len(full) - 2
