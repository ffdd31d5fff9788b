"""Line-break opportunities (UAX #14) and grapheme clusters (UAX #29), one pass each.

The rules are uniseg's, rule for rule, with its character property tables; they are walked
here over plain lists with every backward look-up precomputed, so a text costs a few
microseconds per character instead of uniseg's ~0.15 ms, and any length stays linear.
"""

from __future__ import annotations

from functools import lru_cache

from hud.text import ucd

_EAST_ASIAN = frozenset(("F", "W", "H"))
_HARD = ("BK", "CR", "LF", "NL")
_DOTTED_CIRCLE = "\u25cc"


@lru_cache(maxsize=65536)
def _line_class(ch: str) -> str:
    """Line_Break class after rule LB1 (AI, SG, XX -> AL; SA -> CM or AL; CJ -> NS)."""
    value = ucd.line_break(ch)
    if value in ("AI", "SG", "XX"):
        return "AL"
    if value == "SA":
        return "CM" if ucd.category(ch) in ("Mn", "Mc") else "AL"
    if value == "CJ":
        return "NS"
    return value


@lru_cache(maxsize=65536)
def _category(ch: str | None) -> str | None:
    return None if ch is None else ucd.category(ch)


@lru_cache(maxsize=65536)
def _wide(ch: str | None) -> bool:
    """East_Asian_Width F, W or H (None: no character)."""
    return ch is not None and ucd.east_asian_width(ch) in _EAST_ASIAN


@lru_cache(maxsize=65536)
def _pictographic(ch: str | None) -> bool:
    return ch is not None and ucd.extended_pictographic(ch)


@lru_cache(maxsize=65536)
def _grapheme_class(ch: str) -> tuple[str, str]:
    """(Grapheme_Cluster_Break, Indic_Conjunct_Break) of one character."""
    return ucd.grapheme_break(ch)


@lru_cache(maxsize=65536)
def _plain_grapheme(ch: str) -> bool:
    """Grapheme_Cluster_Break Other and no Indic_Conjunct_Break: a cluster on its own, whatever
    is around it (with rules GB11 and GB9c reached only through ZWJ, Extend or Consonant)."""
    return _grapheme_class(ch) == ("Other", "None")


def _run_starts(values: list[str], members: tuple[str, ...]) -> list[int]:
    """For each index k: the smallest j <= k such that values[j:k] are all in `members`."""
    starts = [0] * len(values)
    for k in range(1, len(values)):
        starts[k] = starts[k - 1] if values[k - 1] in members else k
    return starts


def line_breaks(text: str) -> list[int]:
    """Indices where a line may start (UAX #14), then len(text): what
    `uniseg.linebreak.line_break_boundaries` yields, in linear time."""
    n = len(text)
    if not n:
        return []
    chars = list(text)
    classes = [_line_class(ch) for ch in chars]
    decided: list[int | None] = [None] * n
    decided[0] = 0  # LB2
    before_spaces = _run_starts(classes, ("SP",))
    for i in range(1, n):
        prev, curr = classes[i - 1], classes[i]
        if prev == "BK":  # LB4
            decided[i] = 1
        elif prev == "CR" and curr == "LF":  # LB5
            decided[i] = 0
        elif prev in ("CR", "LF", "NL"):
            decided[i] = 1
        elif curr in _HARD or curr in ("SP", "ZW"):  # LB6, LB7
            decided[i] = 0
        elif before_spaces[i] > 0 and classes[before_spaces[i] - 1] == "ZW":  # LB8
            decided[i] = 1
        elif prev == "ZWJ":  # LB8a
            decided[i] = 0
    # LB9: combining marks and ZWJ take the class of their base and are skipped from here on.
    mark_starts = _run_starts(classes, ("CM", "ZWJ"))
    kept = [0]
    for i in range(1, n):
        base = classes[mark_starts[i] - 1] if mark_starts[i] > 0 else None
        if classes[i] in ("CM", "ZWJ") and base not in (*_HARD, "SP", "ZW"):
            if decided[i] is None:
                decided[i] = 0
        else:
            kept.append(i)
    for i in kept:  # LB10
        if classes[i] in ("CM", "ZWJ"):
            chars[i], classes[i] = "A", "AL"
    c = [classes[i] for i in kept]  # the text as units: their classes and characters
    h = [chars[i] for i in kept]
    m = len(kept)
    sp = _run_starts(c, ("SP",))
    syis = _run_starts(c, ("SY", "IS"))
    last = n - 1
    for k in range(1, m):
        at = kept[k]
        if decided[at] is not None:
            continue
        decided[at] = _pair_rule(c, h, k, m, sp, syis, at == last)
    # LB30a: regional indicators pair up.
    run = 0
    for k in range(m):
        run = run + 1 if c[k] == "RI" else 0
        if run and run % 2 == 0 and decided[kept[k]] is None:
            decided[kept[k]] = 0
    for k in range(1, m):  # LB30b
        if (
            c[k] == "EM"
            and decided[kept[k]] is None
            and (c[k - 1] == "EB" or (_category(h[k - 1]) == "Cn" and _pictographic(h[k - 1])))
        ):
            decided[kept[k]] = 0
    points = [i for i in range(n) if decided[i] != 0]  # LB31: break everywhere else
    points.append(n)
    return points


def _pair_rule(c: list[str], h: list[str], k: int, m: int, sp: list[int], syis: list[int], at_end: bool) -> int | None:
    """Rules LB11-LB30 before unit k: 1 break, 0 no break, None (no rule: decided later)."""
    prev, curr = c[k - 1], c[k]
    nxt = c[k + 1] if k + 1 < m else None
    pc, cc = h[k - 1], h[k]
    j = sp[k]
    before_sp = c[j - 1] if j > 0 else None
    if curr == "WJ" or prev == "WJ":  # LB11
        return 0
    if prev == "GL":  # LB12
        return 0
    if prev not in ("SP", "BA", "HY") and curr == "GL":  # LB12a
        return 0
    if curr in ("CL", "CP", "EX", "SY"):  # LB13
        return 0
    if before_sp == "OP":  # LB14
        return 0
    if (
        j > 0
        and _category(h[j - 1]) == "Pi"
        and (  # LB15a
            (c[j - 1] == "QU" and j >= 2 and c[j - 2] in (*_HARD, "OP", "QU", "GL", "SP", "ZW")) or j == 1
        )
    ):
        return 0
    if (
        _category(cc) == "Pf"
        and curr == "QU"
        and (  # LB15b
            nxt in ("SP", "GL", "WJ", "CL", "QU", "CP", "EX", "IS", "SY", *_HARD, "ZW") or at_end
        )
    ):
        return 0
    if prev == "SP" and curr == "IS" and nxt == "NU":  # LB15c
        return 1
    if curr == "IS":  # LB15d
        return 0
    if before_sp in ("CL", "CP") and curr == "NS":  # LB16
        return 0
    if before_sp == "B2" and curr == "B2":  # LB17
        return 0
    if prev == "SP":  # LB18
        return 1
    if (curr == "QU" and _category(cc) != "Pi") or (prev == "QU" and _category(pc) != "Pf"):  # LB19
        return 0
    if curr == "QU" and (not _wide(pc) or nxt is None or not _wide(h[k + 1]) or at_end):  # LB19a
        return 0
    if prev == "QU" and (not _wide(cc) or k == 1 or not _wide(h[k - 2])):
        return 0
    if curr == "CB" or prev == "CB":  # LB20
        return 1
    if (
        prev in ("HY", "BA")
        and curr == "AL"
        and (prev == "HY" or pc == "\u2010")
        and (  # LB20a
            k == 1 or c[k - 2] in (*_HARD, "SP", "ZW", "CB", "GL")
        )
    ):
        return 0
    if curr in ("BA", "HY", "NS") or prev == "BB":  # LB21
        return 0
    if prev in ("HY", "BA") and k >= 2 and c[k - 2] == "HL" and curr != "HL":  # LB21a
        return 0
    if prev == "SY" and curr == "HL":  # LB21b
        return 0
    if curr == "IN":  # LB22
        return 0
    if (prev in ("AL", "HL") and curr == "NU") or (prev == "NU" and curr in ("AL", "HL")):  # LB23
        return 0
    if (prev == "PR" and curr in ("ID", "EB", "EM")) or (prev in ("ID", "EB", "EM") and curr == "PO"):  # LB23a
        return 0
    if (prev in ("PR", "PO") and curr in ("AL", "HL")) or (prev in ("AL", "HL") and curr in ("PR", "PO")):  # LB24
        return 0
    if _numeric_rule(c, k, m, syis, prev, curr, nxt):  # LB25
        return 0
    if (
        (prev == "JL" and curr in ("JL", "JV", "H2", "H3"))
        or (prev in ("JV", "H2") and curr in ("JV", "JT"))
        or (prev in ("JT", "H3") and curr == "JT")
    ):  # LB26
        return 0
    if (prev in ("JL", "JV", "JT", "H2", "H3") and curr == "PO") or (
        prev == "PR" and curr in ("JL", "JV", "JT", "H2", "H3")
    ):  # LB27
        return 0
    if prev in ("AL", "HL") and curr in ("AL", "HL"):  # LB28
        return 0
    if _aksara_rule(c, h, k, prev, curr, nxt):  # LB28a
        return 0
    if prev == "IS" and curr in ("AL", "HL"):  # LB29
        return 0
    if (prev in ("AL", "HL", "NU") and curr == "OP" and not _wide(cc)) or (
        prev == "CP" and not _wide(pc) and curr in ("AL", "HL", "NU")
    ):  # LB30
        return 0
    return None


def _numeric_rule(c: list[str], k: int, m: int, syis: list[int], prev: str, curr: str, nxt: str | None) -> bool:
    """LB25 as uniseg words it: no break inside numbers with their prefixes and postfixes."""
    j = syis[k]
    before = c[j - 1] if j > 0 else None  # before the SY/IS run that ends at k - 1
    if curr in ("PO", "PR"):
        if prev in ("CL", "CP"):
            j2 = syis[k - 1]
            if j2 > 0 and c[j2 - 1] == "NU":
                return True
        if before == "NU":
            return True
    if prev in ("PO", "PR") and curr == "OP" and (nxt == "NU" or (nxt == "IS" and k + 2 < m and c[k + 2] == "NU")):
        return True
    if curr == "NU" and (prev in ("PO", "PR", "HY", "IS") or before == "NU"):
        return True
    return False


def _aksara_rule(c: list[str], h: list[str], k: int, prev: str, curr: str, nxt: str | None) -> bool:
    """LB28a: no break inside orthographic syllables of Brahmic scripts."""
    circle_c, circle_p = h[k] == _DOTTED_CIRCLE, h[k - 1] == _DOTTED_CIRCLE
    if prev == "AP" and (curr in ("AK", "AS") or circle_c):
        return True
    if (prev in ("AK", "AS") or circle_p) and curr in ("VF", "VI"):
        return True
    if (
        k >= 2
        and (c[k - 2] in ("AK", "AS") or h[k - 2] == _DOTTED_CIRCLE)
        and prev == "VI"
        and (curr == "AK" or circle_c)
    ):
        return True
    return (prev in ("AK", "AS") or circle_p) and (curr in ("AK", "AS") or circle_c) and nxt == "VF"


def grapheme_boundaries(text: str) -> list[int]:
    """Grapheme cluster boundaries (UAX #29), 0 and len(text) included: what
    `uniseg.graphemecluster.grapheme_cluster_boundaries` yields, in linear time."""
    n = len(text)
    if not n:
        return []
    if all(map(_plain_grapheme, set(text))):
        return list(range(n + 1))  # no rule joins plain characters (GB999 everywhere)
    return grapheme_rules(text)


def grapheme_rules(text: str) -> list[int]:
    """`grapheme_boundaries` by walking every rule (for any text)."""
    n = len(text)
    if not n:
        return []
    props = [_grapheme_class(ch) for ch in text]
    g = [gcb for gcb, _ in props]
    incb = [value for _, value in props]
    extend_or_linker = _run_starts(incb, ("Extend", "Linker"))
    extend_only = _run_starts(incb, ("Extend",))
    extend = _run_starts(g, ("Extend",))
    decided: list[int | None] = [None] * n
    for i in range(1, n):
        prev, curr = g[i - 1], g[i]
        if prev == "CR" and curr == "LF":  # GB3
            decided[i] = 0
        elif prev in ("Control", "CR", "LF") or curr in ("Control", "CR", "LF"):  # GB4, GB5
            decided[i] = 1
        elif (
            (prev == "L" and curr in ("L", "V", "LV", "LVT"))
            or (prev in ("LV", "V") and curr in ("V", "T"))
            or (prev in ("LVT", "T") and curr == "T")
        ):  # GB6-GB8
            decided[i] = 0
        elif curr in ("Extend", "ZWJ") or curr == "SpacingMark" or prev == "Prepend":  # GB9-GB9b
            decided[i] = 0
        elif (
            incb[i] == "Consonant"
            and extend_or_linker[i] > 0  # GB9c
            and incb[extend_or_linker[i] - 1] == "Consonant"
            and not (extend_only[i] > 0 and incb[extend_only[i] - 1] == "Consonant")
        ):
            decided[i] = 0
        elif (
            prev == "ZWJ" and _pictographic(text[i]) and extend[i - 1] > 0 and _pictographic(text[extend[i - 1] - 1])
        ):  # GB11
            decided[i] = 0
    run = 0
    for i in range(n):  # GB12, GB13
        run = run + 1 if g[i] == "Regional_Indicator" else 0
        if run and run % 2 == 0 and decided[i] is None:
            decided[i] = 0
    points = [i for i in range(n) if decided[i] != 0]  # GB999
    points.append(n)
    return points
