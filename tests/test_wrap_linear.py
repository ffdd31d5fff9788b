"""Wrapping is linear in the text's length, and still the greedy fill it always was.

Linearity is asserted on what HarfBuzz is given (characters shaped, counted by ShapeStats), not
on time: a text four times longer is shaped about four times as much, whatever the machine.
"""

from __future__ import annotations

import random
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hud
from hud.limits import MAX_TEXT_CHARS
from hud.text import shaping, wrap
from hud.text.shaping import ShapeStats, shape_line
from hud.text.wrap import _split_paragraphs, break_points, layout_text

from paths import BENCHMARKS

sys.path.insert(0, str(BENCHMARKS))
from wrap_bench import sample  # noqa: E402

SIZE, WIDTH = 24, 600
SHAPED_PER_CHAR = 5  # each character is shaped about 3-4 times: once to estimate, a few times in lines


def shaped_chars(text: str, width: int = WIDTH) -> int:
    """Characters shaped (cache cleared first) to lay out `text`."""
    wrap.clear_caches()
    before = ShapeStats.chars
    layout_text(text, SIZE, "regular", width)
    return ShapeStats.chars - before


@pytest.mark.parametrize("kind", ["url", "english", "cjk", "thai"])
def test_shaping_grows_linearly_with_the_text(kind: str) -> None:
    short, long = sample(kind, 2000), sample(kind, 8000)
    small, large = shaped_chars(short), shaped_chars(long)
    assert small <= SHAPED_PER_CHAR * len(short) and large <= SHAPED_PER_CHAR * len(long)
    assert large <= 4.4 * small  # four times the text: about four times the shaping


def test_a_long_unbreakable_word_is_never_shaped_whole_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # A URL or a base64 blob: each line used to shape the whole rest of the word to see it did not fit.
    longest = 0
    shape = shaping._shape_cached

    def recording(text: str, *args):  # noqa: ANN202
        nonlocal longest
        longest = max(longest, len(text))
        return shape(text, *args)

    wrap.clear_caches()
    monkeypatch.setattr(shaping, "_shape_cached", recording)
    block = layout_text(sample("url", 12_000), SIZE, "regular", WIDTH)
    assert len(block.lines) > 200
    assert longest <= 400  # a piece of the estimate, or about a line; never thousands


def test_a_field_of_the_longest_allowed_text_lays_out_in_bounded_work() -> None:
    for kind in ("url", "cjk"):
        text = sample(kind, MAX_TEXT_CHARS)
        assert shaped_chars(text) <= SHAPED_PER_CHAR * MAX_TEXT_CHARS


def greedy_ok(text: str, width: int) -> None:
    """Every line is as long as it can be: it fits, and it plus the next segment (up to the
    next break opportunity) does not, unless a single grapheme had to stand alone."""
    block = layout_text(text, SIZE, "regular", width)
    offset_lines = list(block.lines)
    for offset, paragraph in _split_paragraphs(text):
        lines = [line for line in offset_lines if offset <= line.start <= offset + len(paragraph)]
        edges = (0, *break_points(paragraph), len(paragraph))
        for line, following in zip(lines, lines[1:]):
            start, end = line.start - offset, following.start - offset
            if line.width > width:
                assert len(line.text) <= 2  # one grapheme wider than the line
                continue
            if end in edges:
                after = min(edge for edge in edges if edge > end) if end < len(paragraph) else None
                if after is not None:
                    assert shape_line(paragraph[start:after].rstrip(" \u3000"), SIZE).width > width


WORDS = (
    "the quick brown fox jumps over a lazy dog, translation (captions) stream! 我们 今天 在 西湖边 散步。"
    " 東京 ですね。 안녕하세요 여러분 123 4.5 $20 — … «quoted» supercalifragilisticexpialidocious"
).split(" ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), width=st.sampled_from([90, 200, 320]))
def test_lines_are_filled_greedily(words: list[str], width: int) -> None:
    greedy_ok(" ".join(words), width)


def test_long_paragraphs_are_filled_greedily_too() -> None:
    rng = random.Random(3)
    for kind in ("english", "cjk", "url"):
        greedy_ok(sample(kind, 1500, seed=rng.randrange(100)), 300)


def test_measure_prints_its_lines_and_widths() -> None:
    block = hud.measure("Then in 300 m: West Lake Cultural Square, past the Broken Bridge", 24, width=300, max_lines=2)
    shown = repr(block)
    assert shown.startswith("TextBlock(['Then in 300 m: West Lake' ")
    assert f"{block.lines[0].width}px" in shown and "truncated=True" in shown and "size_px=24" in shown
    assert "ShapedGlyph" not in shown and "Font" not in shown  # no glyph arrays
    assert (
        repr(block.lines[0]) == f"TextLine('Then in 300 m: West Lake', width={block.lines[0].width}, "
        f"{len(block.lines[0].glyphs)} glyphs)"
    )
    assert block == hud.measure(
        "Then in 300 m: West Lake Cultural Square, past the Broken Bridge", 24, width=300, max_lines=2
    )  # equality is still by value
    many = hud.measure("word " * 400, 24, width=100)
    assert "more" in repr(many) and repr(many).count("px") <= 13
