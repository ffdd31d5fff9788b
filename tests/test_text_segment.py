"""hud.text.segment: line-break opportunities (UAX #14) and grapheme clusters (UAX #29).

The rules are uniseg's, walked in one pass: every result must be exactly uniseg's, for text
mixing every Line_Break class and every Grapheme_Cluster_Break value, and its cost must not
grow faster than the text.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from uniseg.graphemecluster import grapheme_cluster_boundaries
from uniseg.linebreak import line_break_boundaries

from hud.text.segment import grapheme_boundaries, line_breaks

# At least one character of every Line_Break class (AI AK AL AP AS B2 BA BB BK CB CJ CL CM CP CR EB
# EM EX GL H2 H3 HL HY ID IN IS JL JT JV LF NL NS NU OP PO PR QU RI SA SP SY VF VI WJ XX ZW ZWJ) and
# Grapheme_Cluster_Break value (Prepend, SpacingMark, Extend, L V T LV LVT, Regional_Indicator,
# Control, CR, LF, ZWJ), plus the characters the rules single out (dotted circle, hyphen U+2010,
# quotation marks by category and width, Indic consonants and virama).
CLASSES = (
    "\u00a7\u1b05\u0041\U00011f06\U00011f04\u2014\u00ad\u00b4\u000b\ufffc\u3041\u0029\u0301\u005d\u000d"
    "\U0001f466\U0001f3fb\u0021\u00a0\uac00\uac01\u05d0\u002d\u4e00\u2024\u002c\u1100\u11a8\u1160"
    "\u000a\u0085\u30fc\u0031\u0028\u0025\u0024\u0022\U0001f1e6\u0e01\u0e31\u0020\u002f\u1b44\u1b34"
    "\u2060\u200b\u200d\u0600\u0903\u0e33\u25cc\u2010\u00ab\u00bb\u201c\u201d\u2018\u2019\u300c\u300d"
    "\u0915\u094d\u0937\u093f\U0001f600\u2764\ufe0f\u20e3\U000e0067\u00e9\u0065\u0009\u0007\u3000"
    "\u3002\u3001\uff01\u2026\u0030\u002e\u003a\u00b0\u2103\u002b\u20ac\u00a5\u0e40\u0e48\u0627\u064e"
    "\u0378\u17d6\u1b50\u1bf2\U00011003"
)
TEXTS = st.text(alphabet=st.sampled_from(CLASSES), max_size=24)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_line_breaks_are_uniseg_s(text: str) -> None:
    assert line_breaks(text) == list(line_break_boundaries(text))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_grapheme_boundaries_are_uniseg_s(text: str) -> None:
    assert grapheme_boundaries(text) == list(grapheme_cluster_boundaries(text))


def test_familiar_cases() -> None:
    assert line_breaks("Hello, world.") == [7, 13]
    assert line_breaks("あい、うえ、お。") == [1, 3, 4, 6, 8]
    assert line_breaks("18 km") == [3, 5]
    assert line_breaks("") == [] and grapheme_boundaries("") == []
    assert grapheme_boundaries("g\u0308o") == [0, 2, 3]  # a letter and its mark are one
    assert grapheme_boundaries("\U0001f1e8\U0001f1f3\U0001f1ef") == [0, 2, 3]  # flags pair up
    assert grapheme_boundaries("\U0001f468\u200d\U0001f469") == [0, 3]  # a ZWJ sequence
    assert grapheme_boundaries("\u0915\u094d\u0937") == [0, 3]  # an Indic conjunct


def test_a_long_run_costs_about_what_a_short_one_costs_per_character() -> None:
    # Long runs of spaces, marks and separators used to be walked again at every position.
    for unit in (" ", "a\u0301", "1.", "\U0001f1e8", "中"):
        short, long = unit * 500, unit * 8000
        started = time.process_time()
        line_breaks(short), grapheme_boundaries(short)
        small = time.process_time() - started
        started = time.process_time()
        line_breaks(long), grapheme_boundaries(long)
        large = time.process_time() - started
        assert large < 16 * 4 * max(small, 1e-3), unit  # 16 times the text: far from 256 times the time
