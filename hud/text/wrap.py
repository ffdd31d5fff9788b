"""Line breaking and truncation, measured on the exact advances the renderer draws.

Latin breaks at spaces (and after hyphens), words longer than a line break between
graphemes, CJK breaks between characters with the kinsoku rules (no line starts with
closing punctuation, none ends with opening punctuation). A full UAX #14 breaker plugs in
at `break_segments`.
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from hud.text.shaping import text_width

ELLIPSIS = "\u2026"
OVERFLOWS = ("ellipsis", "clip", "keep-end")
# Never at the start of a line.
NO_START = frozenset("、。，．,.：:；;？?！!）)］]｝}」』】〉》〕〗〙〛’”»›…‥ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ・%‰℃°′″")
# Never at the end of a line.
NO_END = frozenset("（(［[｛{「『【〈《〔〖〘〚‘“«‹$¥￥£€#")
_BREAKS = re.compile("\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")


class TextLine(NamedTuple):
    """One line as drawn: its text and width in pixels."""

    text: str
    width: int


class TextBlock(NamedTuple):
    """Wrapped text: the lines, the widest line, and vertical metrics in pixels."""

    lines: tuple[TextLine, ...]
    width: int
    height: int
    line_height: int
    baseline: int      # from the top of a line to its baseline
    size_px: int
    weight: str
    truncated: bool    # lines or characters were cut to fit


def is_cjk(ch: str) -> bool:
    """Characters that may break on either side: ideographs, kana, Hangul, CJK punctuation."""
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or 0xFE30 <= cp <= 0xFE4F or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF)


def graphemes(text: str) -> list[str]:
    """Split into user-perceived characters: a base plus its marks, selectors and ZWJ joins."""
    clusters: list[str] = []
    joining = False
    for ch in text:
        cp = ord(ch)
        extends = (unicodedata.category(ch) in ("Mn", "Mc", "Me") or 0xFE00 <= cp <= 0xFE0F
                   or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F or 0xE0100 <= cp <= 0xE01EF
                   or cp == 0x200D)
        if clusters and (extends or joining):
            clusters[-1] += ch
        else:
            clusters.append(ch)
        joining = cp == 0x200D
    return clusters


def _is_space(cluster: str) -> bool:
    return cluster[0] in " \t\u3000" or (unicodedata.category(cluster[0]) == "Zs" and cluster[0] not in "\u00a0\u202f")


def _can_break(before: str, after: str) -> bool:
    """Is there a break opportunity between two grapheme clusters?"""
    if _is_space(after):
        return False
    if _is_space(before):
        return True
    if after[0] in NO_START or before[-1] in NO_END:
        return False
    if is_cjk(before[0]) or is_cjk(after[0]):
        return True
    return before == "-" and after[0].isalnum()


def break_segments(paragraph: str) -> list[tuple[str, str]]:
    """Unbreakable segments of a paragraph as (content, trailing spaces)."""
    clusters = graphemes(paragraph)
    segments: list[tuple[str, str]] = []
    word, spaces = "", ""
    previous = ""
    for cluster in clusters:
        if previous and _can_break(previous, cluster):
            segments.append((word, spaces))
            word, spaces = "", ""
        if _is_space(cluster):
            spaces += cluster
        else:
            word += cluster
        previous = cluster
    if word or spaces or not segments:
        segments.append((word, spaces))
    return segments


def layout_text(text: str, size_px: int, weight: str = "regular", max_width: int | None = None,
                max_lines: int = 0, overflow: str = "ellipsis", line_height: float = 1.25) -> TextBlock:
    """Wrap `text` into lines no wider than `max_width` pixels (None: no wrapping)."""
    lines: list[str] = []
    for paragraph in _BREAKS.split(text):
        lines.extend(_wrap_paragraph(paragraph, size_px, weight, max_width))
    truncated = False
    if max_lines and len(lines) > max_lines:
        truncated = True
        if overflow == "keep-end":
            lines = lines[-max_lines:]
        elif overflow == "clip":
            lines = lines[:max_lines]
        else:
            lines = lines[:max_lines]
            lines[-1] = _with_ellipsis(lines[-1], size_px, weight, max_width)
    if max_width is not None:
        # A single unbreakable line can still be too wide (nothing to wrap at): cut it, also
        # when lines were dropped above (a kept line may be one over-wide grapheme).
        for index, line in enumerate(lines):
            if text_width(line, size_px, weight) > max_width:
                lines[index] = _with_ellipsis(line, size_px, weight, max_width, force=True)
                truncated = True
    measured = tuple(TextLine(line, text_width(line, size_px, weight)) for line in lines)
    step = max(1, round(size_px * line_height))
    baseline = round((step - size_px) / 2 + size_px * 0.88)
    width = max((line.width for line in measured), default=0)
    return TextBlock(measured, width, step * len(measured), step, baseline, size_px, weight, truncated)


def _wrap_paragraph(paragraph: str, size_px: int, weight: str, max_width: int | None) -> list[str]:
    if max_width is None:
        return [paragraph.rstrip(" \t")]
    lines: list[str] = []
    current, pending_space = "", ""
    for word, spaces in break_segments(paragraph):
        candidate = current + pending_space + word
        if not current or text_width(candidate, size_px, weight) <= max_width:
            current = candidate
        else:
            lines.append(current)
            current = word
        pending_space = spaces
        while text_width(current, size_px, weight) > max_width and len(graphemes(current)) > 1:
            head, current = _split_to_fit(current, size_px, weight, max_width)
            lines.append(head)
    lines.append(current)
    return lines


def _split_to_fit(text: str, size_px: int, weight: str, max_width: int) -> tuple[str, str]:
    """Split an over-long word: the longest head (at least one grapheme) that fits."""
    clusters = graphemes(text)
    low, high = 1, len(clusters) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if text_width("".join(clusters[:mid]), size_px, weight) <= max_width:
            low = mid
        else:
            high = mid - 1
    # Prefer the nearest split that keeps the kinsoku rules; if none does, split where it fits.
    split = low
    while split > 1 and (clusters[split][0] in NO_START or clusters[split - 1][-1] in NO_END):
        split -= 1
    if clusters[split][0] in NO_START or clusters[split - 1][-1] in NO_END:
        split = low
    return "".join(clusters[:split]), "".join(clusters[split:])


def _with_ellipsis(line: str, size_px: int, weight: str, max_width: int | None, force: bool = False) -> str:
    """`line` cut so that it plus an ellipsis fits in `max_width`."""
    clusters = graphemes(line.rstrip())
    if max_width is None:
        return "".join(clusters) + ELLIPSIS
    while clusters:
        candidate = "".join(clusters).rstrip() + ELLIPSIS
        if text_width(candidate, size_px, weight) <= max_width:
            return candidate
        clusters.pop()
    return ELLIPSIS
