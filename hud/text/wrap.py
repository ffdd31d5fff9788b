"""Line breaking and truncation, measured on shaped advances.

Break opportunities follow the Unicode line-breaking algorithm (UAX #14, via uniseg), with
two tailorings readers expect: Thai (written without spaces) breaks between dictionary words
(pythainlp), and Korean breaks at spaces only, not between syllables. Grapheme clusters
(UAX #29) are never split. A line is filled while its shaped width fits, then shaped once
more as a whole: the width that decided the break is the width that gets drawn.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from itertools import takewhile
from typing import Iterable, Iterator, NamedTuple

from uniseg.graphemecluster import grapheme_cluster_boundaries
from uniseg.linebreak import line_break, line_break_boundaries

from hud.text.itemize import base_level, bidi_levels, char_script, sanitize
from hud.text.shaping import ShapedGlyph, ShapedLine, shape_line

ELLIPSIS = "\u2026"
OVERFLOWS = ("ellipsis", "clip", "keep-end")
SCROLLBACK = 3  # lines kept above a keep-end block, for scroll animations
# Never at the start of a line, even where a word has to be cut between graphemes.
NO_START = frozenset("、。，．,.：:；;？?！!）)］]｝}」』】〉》〕〗〙〛’”»›…‥ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ・%‰℃°′″")
# Never at the end of a line.
NO_END = frozenset("（(［[｛{「『【〈《〔〖〘〚‘“«‹$¥￥£€#")
_PARAGRAPHS = re.compile("\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
# Scripts written without spaces between words (Korean, in Hangul, uses spaces).
UNSPACED_SCRIPTS = frozenset(("Hani", "Hira", "Kana", "Bopo", "Thai", "Laoo", "Khmr", "Mymr"))
_CLOSING = NO_START | frozenset("،؛؟۔।॥")   # no word space before these
_OPENING = NO_END | frozenset("¿¡")          # nor after these


class TextLine(NamedTuple):
    """One line as drawn: its text, width in pixels and shaped glyphs (left to right)."""

    text: str
    width: int
    glyphs: tuple[ShapedGlyph, ...] = ()
    rtl: bool = False  # its paragraph runs right to left (aligns right by default)
    start: int = 0     # index in the laid-out text of the line's first character


def join_words(before: str, after: str) -> str:
    """`before` then `after` with the word space their scripts use between them.

    A space goes in unless one side is empty or already has whitespace at the join, `after`
    starts with closing punctuation (",", "。", ")"), `before` ends with opening punctuation,
    or the word on either side is in a script written without spaces (Chinese, Japanese,
    Thai, Lao, Khmer, Myanmar; Korean is spaced).
    """
    if not before or not after:
        return before + after
    last, first = before[-1], after[0]
    if last.isspace() or first.isspace() or _is_closing(first) or _is_opening(last):
        return before + after
    if _word_script(reversed(before)) in UNSPACED_SCRIPTS or _word_script(after) in UNSPACED_SCRIPTS:
        return before + after
    return before + " " + after


def _is_closing(ch: str) -> bool:
    return ch in _CLOSING or unicodedata.category(ch) in ("Pe", "Pf")


def _is_opening(ch: str) -> bool:
    return ch in _OPENING or unicodedata.category(ch) in ("Ps", "Pi")


def _word_script(chars: Iterable[str]) -> str:
    """The script of the first letter among `chars` up to a space ("" if none: digits, symbols)."""
    for ch in takewhile(lambda c: not c.isspace(), chars):
        script = char_script(ch)
        if script not in ("Zyyy", "Zinh", "Zzzz"):
            return script
    return ""


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
    above: tuple[TextLine, ...] = ()  # with keep-end: the lines just above the kept ones (for scrolling)


def is_hangul(ch: str) -> bool:
    cp = ord(ch)
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F or 0xA960 <= cp <= 0xA97F


def is_han_or_kana(ch: str) -> bool:
    cp = ord(ch)
    return 0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF


def is_thai(ch: str) -> bool:
    return 0x0E00 <= ord(ch) <= 0x0E7F


def graphemes(text: str) -> list[str]:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    edges = list(grapheme_cluster_boundaries(text))
    return [text[a:b] for a, b in zip(edges, edges[1:])]


def break_points(paragraph: str) -> tuple[int, ...]:
    """Indices where a new line may start (0 and len excluded).

    The paragraph is cut into chunks where UAX #14 always allows a break and nothing across
    the cut changes the rules inside a chunk: after spaces followed by a letter, digit or
    opening bracket (unless opening punctuation or a quotation mark precedes the spaces), and
    between two ideographs. Chunks are cached, so a live caption that grows word by word
    only segments its new words.
    """
    points: list[int] = []
    offset = 0
    for chunk in _chunks(paragraph):
        if offset:
            points.append(offset)
        points.extend(offset + point for point in _chunk_breaks(chunk))
        offset += len(chunk)
    return tuple(points)


_CHUNK_END = re.compile(r"(?<=[^\s])( +)(?=[^\W_]|[(\[])")
_SIMPLE_CLASSES = frozenset(("AL", "NU", "HL", "ID"))
_NO_BREAK_AFTER = frozenset("([{（［｛「『【〈《〔〖〘〚\"'‘’“”«»‹›")


def _chunks(paragraph: str) -> list[str]:
    chunks: list[str] = []
    start = 0
    for match in _CHUNK_END.finditer(paragraph):
        before = match.start() - 1
        while before > 0 and unicodedata.category(paragraph[before]).startswith("M"):
            before -= 1                 # a combining mark takes the class of its base (UAX #14 LB9)
        if paragraph[before] in _NO_BREAK_AFTER:
            continue
        if match.end() < len(paragraph) and paragraph[match.end()] in NO_START:
            continue                    # a non-starter (ー, 々, small kana) never begins a line
        chunks.extend(_split_ideographs(paragraph[start:match.end()]))
        start = match.end()
    chunks.extend(_split_ideographs(paragraph[start:]))
    return chunks


def _split_ideographs(chunk: str, every: int = 4) -> list[str]:
    """Text without spaces (Chinese, Japanese) is cut between two ideographs, where UAX #14
    always allows a break, about every `every` characters."""
    if len(chunk) <= every:
        return [chunk]
    pieces: list[str] = []
    start = 0
    for index in range(every, len(chunk)):
        if index - start >= every and _is_ideograph(chunk[index - 1]) and _is_ideograph(chunk[index]):
            pieces.append(chunk[start:index])
            start = index
    pieces.append(chunk[start:])
    return pieces


def _is_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF


@lru_cache(maxsize=8192)
def _chunk_breaks(chunk: str) -> tuple[int, ...]:
    """UAX #14 break opportunities inside one chunk, tailored for Korean and Thai."""
    classes = [line_break(ch).value for ch in chunk]
    if _SIMPLE_CLASSES.issuperset(classes):
        # Letters, digits and ideographs only: UAX #14 breaks exactly beside each ideograph
        # (LB31) and never between letters and digits (LB23, LB25, LB28). Decided here
        # because uniseg's general walk costs about 0.15 ms per character.
        return tuple(i for i in range(1, len(chunk)) if classes[i - 1] == "ID" or classes[i] == "ID")
    points = set(line_break_boundaries(chunk)) & set(grapheme_cluster_boundaries(chunk))
    points.discard(0)
    points.discard(len(chunk))
    for index in list(points):
        # Korean is written with spaces between words: break at spaces, never inside a word
        # (digits and Latin letters attached to Hangul belong to the word). Han and kana next
        # to Hangul keep their own breaks.
        before, after = chunk[index - 1], chunk[index]
        if (is_hangul(before) or is_hangul(after)) and not (before.isspace() or after.isspace()
                                                            or is_han_or_kana(before) or is_han_or_kana(after)):
            points.discard(index)
    points.update(_thai_word_breaks(chunk))
    return tuple(sorted(points))


def _thai_word_breaks(paragraph: str) -> list[int]:
    """Word boundaries inside runs of Thai letters (no spaces between Thai words)."""
    breaks: list[int] = []
    for match in re.finditer("[\u0e00-\u0e7f]+", paragraph):
        if len(match.group()) < 4:
            continue
        from pythainlp.tokenize import word_tokenize

        position = match.start()
        for word in word_tokenize(match.group(), engine="newmm", keep_whitespace=True)[:-1]:
            position += len(word)
            breaks.append(position)
    return [b for b in breaks if 0 < b < len(paragraph)]


class _Paragraph:
    """One paragraph with its bidi levels, shaping any slice of it in context.

    `raw` starts at `offset` in the laid-out text; `text` is `raw` sanitized for the shaper.
    """

    def __init__(self, raw: str, size_px: int, weight: str, language: str, direction: str, offset: int = 0) -> None:
        text = sanitize(raw)
        self.text, self.size, self.weight, self.language = text, size_px, weight, language
        self.base = base_level(text, direction)
        self.levels = bidi_levels(text, self.base)
        self._bounds: list[int] | None = None
        self._raw, self._offset = raw, offset
        self._sources: list[int] | None = None

    def source(self, index: int) -> int:
        """Index in the laid-out text of the character at `index` in `text`."""
        if len(self.text) == len(self._raw):  # nothing dropped by sanitize (the usual case)
            return self._offset + index
        if self._sources is None:
            self._sources = [i for i, ch in enumerate(self._raw) if sanitize(ch)]
        return self._offset + (self._sources[index] if index < len(self._sources) else len(self._raw))

    def grapheme_bounds(self, start: int, end: int) -> list[int]:
        """Grapheme boundaries in (start, end]."""
        if self._bounds is None:
            self._bounds = list(grapheme_cluster_boundaries(self.text))
        low = bisect.bisect_right(self._bounds, start)
        high = bisect.bisect_right(self._bounds, end)
        return self._bounds[low:high]

    def shape(self, start: int, end: int, suffix: str = "") -> ShapedLine:
        text = self.text[start:end]
        levels = self.levels[start:end]
        if suffix:
            text += suffix
            levels += (levels[-1] if levels else self.base,) * len(suffix)
        return shape_line(text, self.size, self.weight, self.language, levels, self.base)

    def line(self, start: int, end: int, suffix: str = "") -> TextLine:
        while end > start and self.text[end - 1] in " \u3000":
            end -= 1
        shaped = self.shape(start, end, suffix)
        return TextLine(shaped.text, shaped.width, shaped.glyphs, shaped.rtl, self.source(start))


def layout_text(text: str, size_px: int, weight: str = "regular", max_width: int | None = None,
                max_lines: int = 0, overflow: str = "ellipsis", line_height: float = 1.25,
                language: str = "", direction: str = "auto", back: int = 0) -> TextBlock:
    """Wrap `text` into lines no wider than `max_width` pixels (None: no wrapping).

    With overflow "keep-end", `back` scrolls that many lines back from the newest.
    """
    lines: list[TextLine] = []
    paragraphs: list[tuple[_Paragraph, int, int]] = []  # (paragraph, line start, line end)
    # Lines past the limit are only needed when the newest lines are kept.
    limit = max_lines + 1 if max_lines and overflow != "keep-end" else None
    for offset, raw in _split_paragraphs(text):
        paragraph = _Paragraph(raw, size_px, weight, language, direction, offset)
        for start, end in _wrap(paragraph, max_width, limit and limit - len(paragraphs)):
            paragraphs.append((paragraph, start, end))
        if limit and len(paragraphs) >= limit:
            break
    truncated = False
    spans = paragraphs
    above: tuple[TextLine, ...] = ()
    if overflow == "keep-end" and back and max_lines:
        spans = spans[:max(max_lines, len(spans) - back)]
    if max_lines and len(spans) > max_lines:
        truncated = True
        if overflow == "keep-end":
            above = tuple(p.line(a, b) for p, a, b in spans[max(0, len(spans) - max_lines - SCROLLBACK):-max_lines])
        spans = spans[-max_lines:] if overflow == "keep-end" else spans[:max_lines]
    for index, (paragraph, start, end) in enumerate(spans):
        line = paragraph.line(start, end)
        last_cut = truncated and overflow == "ellipsis" and index == len(spans) - 1
        if last_cut or (max_width is not None and line.width > max_width):
            line = _with_ellipsis(paragraph, start, end, max_width)
            truncated = True
        lines.append(line)
    step = max(1, round(size_px * line_height))
    baseline = round((step - size_px) / 2 + size_px * 0.88)
    width = max((line.width for line in lines), default=0)
    return TextBlock(tuple(lines), width, step * len(lines), step, baseline, size_px, weight, truncated, above)


def _split_paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Each paragraph of `text` (without its separator) and where it starts."""
    start = 0
    for match in _PARAGRAPHS.finditer(text):
        yield start, text[start:match.start()]
        start = match.end()
    yield start, text[start:]


def _wrap(paragraph: _Paragraph, max_width: int | None, limit: int | None = None) -> list[tuple[int, int]]:
    """Line spans [start, end) of one paragraph, greedy on shaped widths (at most `limit`)."""
    text = paragraph.text
    if max_width is None or not text:
        return [(0, len(text))]
    edges = (0, *break_points(text), len(text))
    spans: list[tuple[int, int]] = []
    start = 0
    index = 1
    while index < len(edges) and (limit is None or len(spans) < limit):
        end = edges[index]
        if paragraph.line(start, end).width <= max_width:
            index = _furthest_fit(paragraph, edges, start, index, max_width)
            end = edges[index]
            spans.append((start, end))
            start = end
            index += 1
            continue
        # The next segment alone is too wide: cut it between graphemes.
        cut = _fit_graphemes(paragraph, start, end, max_width)
        spans.append((start, cut))
        start = cut
        if cut >= end:
            index += 1
    if (start < len(text) or not spans) and (limit is None or len(spans) < limit):
        spans.append((start, len(text)))
    return spans


def _furthest_fit(paragraph: _Paragraph, edges: tuple[int, ...], start: int, index: int, max_width: int) -> int:
    """The last break edge (from `index`, which fits) whose line from `start` still fits.

    Widths grow with the text, so the edge is found by galloping then bisecting: a few
    shapes per line instead of one per word. A short rest of the paragraph is tried whole
    first, since a caption line usually fits.
    """
    last = len(edges) - 1
    fits = lambda k: paragraph.line(start, edges[k]).width <= max_width  # noqa: E731
    if index == last:
        return index
    if edges[last] - start <= 400 and fits(last):
        return last
    low, step, high = index, 1, last  # edges[low] fits; nothing past `high` does
    while low + step <= last:
        if not fits(low + step):
            high = low + step - 1
            break
        low += step
        step *= 2
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _fit_graphemes(paragraph: _Paragraph, start: int, end: int, max_width: int) -> int:
    """The furthest grapheme boundary in (start, end] whose line fits (at least one grapheme),
    moved back where possible so the next line does not start with closing punctuation."""
    text = paragraph.text
    bounds = paragraph.grapheme_bounds(start, end)
    if not bounds:
        return end
    low, high = 0, len(bounds) - 1
    probe = 8
    while probe < high:  # exponential search first: lines are short, words may be very long
        if paragraph.line(start, bounds[probe]).width > max_width:
            high = probe
            break
        low = probe
        probe *= 2
    while low < high:  # largest index whose prefix fits
        mid = (low + high + 1) // 2
        if paragraph.line(start, bounds[mid]).width <= max_width:
            low = mid
        else:
            high = mid - 1
    choice = low
    while choice > 0 and bounds[choice] < len(text) and (
            text[bounds[choice]] in NO_START or text[bounds[choice] - 1] in NO_END):
        choice -= 1
    if bounds[choice] < len(text) and (text[bounds[choice]] in NO_START or text[bounds[choice] - 1] in NO_END):
        choice = low
    return bounds[choice]


def _with_ellipsis(paragraph: _Paragraph, start: int, end: int, max_width: int | None) -> TextLine:
    """The line [start, end) cut at a grapheme boundary so that it plus … fits."""
    while end > start and paragraph.text[end - 1] in " \u3000":
        end -= 1
    if max_width is None:
        return paragraph.line(start, end, ELLIPSIS)
    bounds = [start] + paragraph.grapheme_bounds(start, end)
    low, high = 0, len(bounds) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if paragraph.line(start, bounds[mid], ELLIPSIS).width <= max_width:
            low = mid
        else:
            high = mid - 1
    cut = bounds[low]
    while cut > start and paragraph.text[cut - 1] in " \u3000":
        cut -= 1
    return paragraph.line(start, cut, ELLIPSIS)
