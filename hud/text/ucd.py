"""Unicode character properties for the text pipeline: Latin-1 (U+0000-U+00FF) answered from
tables built in here, every other character by uniseg (UAX #14 / #29 / emoji data) and fontTools
(scripts), imported on first need, so a scene written in Latin-1 never loads them.

tests/test_text_fast_paths.py holds each table to the libraries' values for all 256 characters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Line_Break of U+0000-U+00FF.
_LINE_BREAK = (
    "CM CM CM CM CM CM CM CM CM BA LF BK BK CR CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM "
    "CM SP EX QU AL PR PO AL QU OP CP AL PR IS HY IS SY NU NU NU NU NU NU NU NU NU NU IS IS AL AL "
    "AL EX AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL OP PR "
    "CP AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL OP "
    "BA CL AL CM CM CM CM CM CM NL CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM "
    "CM CM CM CM CM GL OP PO PR PR PR AL AI AI AL AI QU AL BA AL AL PO PR AI AI BB AL AI AI AI AI "
    "AI QU AI AI AI OP AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AI AL "
    "AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AI "
    "AL AL AL AL AL AL AL AL"
).split()

# Grapheme_Cluster_Break of U+0000-U+00FF (Indic_Conjunct_Break is None for all).
_GRAPHEME_BREAK = (
    "Control Control Control Control Control Control Control Control Control Control LF Control "
    "Control CR Control Control Control Control Control Control Control Control Control Control "
    "Control Control Control Control Control Control Control Control Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Control Control Control Control Control Control Control Control Control Control "
    "Control Control Control Control Control Control Control Control Control Control Control "
    "Control Control Control Control Control Control Control Control Control Control Control "
    "Control Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Control Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other Other Other Other Other Other Other Other "
    "Other Other Other Other Other Other Other Other"
).split()

# East_Asian_Width of U+0000-U+00FF.
_EAST_ASIAN_WIDTH = (
    "N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N Na Na Na Na Na Na Na Na Na "
    "Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na "
    "Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na "
    "Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na Na N N N N N N N N N N "
    "N N N N N N N N N N N N N N N N N N N N N N N N A Na Na A Na Na A A N A N Na A A Na A A A A "
    "A N A A A A A N A A A A N N N N N N A N N N N N N N N N A N N N N N N A A N N N N N A A A A "
    "N N N N A N A A A N A A N N A N A A N N N A A A A N A N A N"
).split()

# Script of U+0000-U+00FF.
_SCRIPT = (
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy "
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy "
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy "
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Latn Latn Latn Latn Latn Latn Latn "
    "Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn "
    "Latn Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn "
    "Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Zyyy Zyyy Zyyy "
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy "
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy "
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Latn Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy "
    "Zyyy Zyyy Zyyy Zyyy Zyyy Zyyy Latn Zyyy Zyyy Zyyy Zyyy Zyyy Latn Latn Latn Latn Latn Latn "
    "Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Zyyy "
    "Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn "
    "Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Latn Zyyy Latn Latn Latn Latn "
    "Latn Latn Latn Latn"
).split()

_PICTOGRAPHIC = frozenset("\u00a9\u00ae")  # the Extended_Pictographic characters of U+0000-U+00FF


def line_break(ch: str) -> str:
    """The Line_Break property (UAX #14) of one character."""
    if ch < "\u0100":
        return _LINE_BREAK[ord(ch)]
    from uniseg.linebreak import line_break as uniseg_line_break

    return uniseg_line_break(ch).value


def grapheme_break(ch: str) -> tuple[str, str]:
    """(Grapheme_Cluster_Break, Indic_Conjunct_Break) of one character (UAX #29)."""
    if ch < "\u0100":
        return _GRAPHEME_BREAK[ord(ch)], "None"
    from uniseg.derived import indic_conjunct_break
    from uniseg.graphemecluster import grapheme_cluster_break

    return grapheme_cluster_break(ch).value, indic_conjunct_break(ch).value


def category(ch: str) -> str:
    """The General_Category of one character, as uniseg's Unicode version has it."""
    if ch < "\u0100":
        return unicodedata.category(ch)
    from uniseg.unicodedatawrapper import category as uniseg_category

    return uniseg_category(ch).value


def east_asian_width(ch: str) -> str:
    """The East_Asian_Width property of one character."""
    if ch < "\u0100":
        return _EAST_ASIAN_WIDTH[ord(ch)]
    from uniseg.unicodedatawrapper import east_asian_width as uniseg_east_asian_width

    return uniseg_east_asian_width(ch).value


def extended_pictographic(ch: str) -> bool:
    """Whether one character is Extended_Pictographic (emoji data)."""
    if ch < "\u0100":
        return ch in _PICTOGRAPHIC
    from uniseg.emoji import extended_pictographic as uniseg_extended_pictographic

    return bool(uniseg_extended_pictographic(ch))


def emoji_presentation(ch: str) -> bool:
    """Whether one character has Emoji_Presentation (none in Latin-1)."""
    if ch < "\u0100":
        return False
    from uniseg.emoji import emoji_presentation as uniseg_emoji_presentation

    return bool(uniseg_emoji_presentation(ch))


@lru_cache(maxsize=65536)
def script(ch: str) -> str:
    """The Script property of one character (ISO 15924 code, e.g. Latn, Hani, Zyyy)."""
    if ch < "\u0100":
        return _SCRIPT[ord(ch)]
    from fontTools import unicodedata as fonttools_unicodedata

    return fonttools_unicodedata.script(ch)
