"""Line breaking and truncation, measured on shaped advances.

Break opportunities follow the Unicode line-breaking algorithm (UAX #14, hud.text.segment),
with two tailorings readers expect: Thai (written without spaces) breaks between dictionary
words (pythainlp), and Korean breaks at spaces only, not between syllables. Grapheme clusters
(UAX #29) are never split. A line is filled while its shaped width fits, then shaped once
more as a whole: the width that decided the break is the width that gets drawn.

Time is linear in the text's length: the paragraph is shaped once, in pieces, to estimate
where each line ends; each line is then shaped whole a few times near that guess, so no
search ever shapes more than about a line, however long the paragraph or a word in it.

Annotations here are evaluated when the module loads (no postponed annotations): the
signatures of the TextLine and TextBlock named tuples then carry real types, which
documentation tools and `typing.get_type_hints` read without the module's namespace.
"""

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import accumulate, takewhile
from typing import NamedTuple

from hud.text.itemize import base_level, bidi_levels, char_script, sanitize
from hud.text.segment import grapheme_boundaries, line_breaks
from hud.text.shaping import ShapedGlyph, ShapedLine, char_advances, line_width, shape_line
from hud.text.shaping import clear_caches as shaping_clear_caches

ELLIPSIS = "\u2026"
OVERFLOWS = ("ellipsis", "clip", "keep-end")
SCROLLBACK = 3  # lines kept above a keep-end block, for scroll animations
REPR_LINES = 12  # lines a TextBlock's repr lists
# Never at the start of a line, even where a word has to be cut between graphemes.
NO_START = frozenset(
    "、。，．,.：:；;？?！!）)］]｝}」』】〉》〕〗〙〛’”»›…‥ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ・%‰℃°′″"
)
# Never at the end of a line.
NO_END = frozenset("（(［[｛{「『【〈《〔〖〘〚‘“«‹$¥￥£€#")
_PARAGRAPHS = re.compile("\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
# Scripts written without spaces between words (Korean, in Hangul, uses spaces).
UNSPACED_SCRIPTS = frozenset(("Hani", "Hira", "Kana", "Bopo", "Thai", "Laoo", "Khmr", "Mymr"))
_CLOSING = NO_START | frozenset("،؛؟۔।॥")  # no word space before these
_OPENING = NO_END | frozenset("¿¡")  # nor after these
PIECE_CHARS = 256  # a paragraph is shaped in pieces of about this many characters to estimate widths
_SPACES = " \u3000"  # not drawn at the end of a line


class TextLine(NamedTuple):
    """One line as drawn: its text, width in pixels and shaped glyphs (left to right).

    >>> import hud
    >>> hud.measure("Wensan Road", 24).lines[0]
    TextLine('Wensan Road', width=154, 11 glyphs)
    """

    text: str
    """The line's characters (an ellipsis included where it was cut)."""
    width: int
    """Its width in pixels, exactly as drawn."""
    glyphs: tuple[ShapedGlyph, ...] = ()
    """The shaped glyphs, in visual order (left to right)."""
    rtl: bool = False
    """Its paragraph runs right to left (it aligns right by default)."""
    start: int = 0
    """Index in the laid-out text of the line's first character."""

    def __repr__(self) -> str:
        extra = (", rtl=True" if self.rtl else "") + (f", start={self.start}" if self.start else "")
        return f"TextLine({self.text!r}, width={self.width}{extra}, {len(self.glyphs)} glyphs)"


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
    """Wrapped text: the lines, the widest line, and vertical metrics in pixels (what `measure`
    returns, and what the renderer draws).

    >>> import hud
    >>> hud.measure("Turn left onto Wensan Road in 120 metres", 24, width=300)
    TextBlock(['Turn left onto Wensan' 250px, 'Road in 120 metres' 218px], width=250, height=60, size_px=24, regular, truncated=False)
    """

    lines: tuple[TextLine, ...]
    """The lines, top to bottom."""
    width: int
    """Width of the widest line, in pixels."""
    height: int
    """Height of all the lines, in pixels."""
    line_height: int
    """Distance from one line's top to the next one's, in pixels."""
    baseline: int
    """Distance from the top of a line to its baseline, in pixels."""
    size_px: int
    """The text size in pixels."""
    weight: str
    """The weight: "regular" or "bold"."""
    truncated: bool
    """Lines or characters were cut to fit the width and the line limit."""
    above: tuple[TextLine, ...] = ()
    """With keep-end overflow: the lines just above the kept ones (for scrolling)."""

    def __repr__(self) -> str:
        """The lines and their widths, then the block's size: what `print(hud.measure(...))` shows."""
        shown = [f"{line.text!r} {line.width}px" for line in self.lines[:REPR_LINES]]
        if len(self.lines) > REPR_LINES:
            shown.append(f"... {len(self.lines) - REPR_LINES} more")
        above = f", {len(self.above)} above" if self.above else ""
        return (
            f"TextBlock([{', '.join(shown)}], width={self.width}, height={self.height}, "
            f"size_px={self.size_px}, {self.weight}, truncated={self.truncated}{above})"
        )


def is_hangul(ch: str) -> bool:
    cp = ord(ch)
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F or 0xA960 <= cp <= 0xA97F


def is_han_or_kana(ch: str) -> bool:
    cp = ord(ch)
    return 0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF


def graphemes(text: str) -> list[str]:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    edges = grapheme_boundaries(text)
    return [text[a:b] for a, b in zip(edges, edges[1:])]


def break_points(paragraph: str) -> tuple[int, ...]:
    """Indices where a new line may start (0 and len excluded).

    The paragraph is cut into chunks where UAX #14 always allows a break and nothing across
    the cut changes the rules inside a chunk: after spaces followed by a letter, digit or
    opening bracket (unless opening punctuation or a quotation mark precedes the spaces), and
    between two ideographs. Chunks are cached, so a live caption that grows word by word
    only segments its new words.
    """
    return _break_points_and_chunks(paragraph)[0]


def _break_points_and_chunks(paragraph: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """`break_points`, and where each chunk starts (every break before a chunk start is decided
    by the text before that start alone)."""
    points: list[int] = []
    starts: list[int] = []
    offset = 0
    for chunk in _chunks(paragraph):
        starts.append(offset)
        if offset:
            points.append(offset)
        points.extend(offset + point for point in _chunk_breaks(chunk))
        offset += len(chunk)
    return tuple(points), tuple(starts)


_CHUNK_END = re.compile(r"(?<=[^\s])( +)(?=[^\W_]|[(\[])")
_NO_BREAK_AFTER = frozenset("([{（［｛「『【〈《〔〖〘〚\"'‘’“”«»‹›")


def _chunks(paragraph: str) -> list[str]:
    chunks: list[str] = []
    start = 0
    for match in _CHUNK_END.finditer(paragraph):
        before = match.start() - 1
        while before > 0 and unicodedata.category(paragraph[before]).startswith("M"):
            before -= 1  # a combining mark takes the class of its base (UAX #14 LB9)
        if paragraph[before] in _NO_BREAK_AFTER:
            continue
        if match.end() < len(paragraph) and paragraph[match.end()] in NO_START:
            continue  # a non-starter (ー, 々, small kana) never begins a line
        chunks.extend(_split_ideographs(paragraph[start : match.end()]))
        start = match.end()
    chunks.extend(_split_ideographs(paragraph[start:]))
    return chunks


def _split_ideographs(chunk: str, every: int = 4) -> list[str]:
    """Text without spaces (Chinese, Japanese) is cut between two ideographs, where UAX #14
    always allows a break, about every `every` characters."""
    if len(chunk) <= every or not _IDEOGRAPHS.search(chunk):
        return [chunk]
    pieces: list[str] = []
    start = 0
    for index in range(every, len(chunk)):
        if index - start >= every and _is_ideograph(chunk[index - 1]) and _is_ideograph(chunk[index]):
            pieces.append(chunk[start:index])
            start = index
    pieces.append(chunk[start:])
    return pieces


_IDEOGRAPHS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


def _is_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF


@lru_cache(maxsize=8192)
def _chunk_breaks(chunk: str) -> tuple[int, ...]:
    """UAX #14 break opportunities inside one chunk, tailored for Korean and Thai."""
    points = set(line_breaks(chunk)) & set(grapheme_boundaries(chunk))
    points.discard(0)
    points.discard(len(chunk))
    for index in list(points):
        # Korean is written with spaces between words: break at spaces, never inside a word
        # (digits and Latin letters attached to Hangul belong to the word). Han and kana next
        # to Hangul keep their own breaks.
        before, after = chunk[index - 1], chunk[index]
        if (is_hangul(before) or is_hangul(after)) and not (
            before.isspace() or after.isspace() or is_han_or_kana(before) or is_han_or_kana(after)
        ):
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
        self._pen: list[int] | None = None
        self._solid: list[int] | None = None
        self._edges: tuple[int, ...] | None = None
        self._chunk_starts: tuple[int, ...] = ()

    def source(self, index: int) -> int:
        """Index in the laid-out text of the character at `index` in `text`."""
        if len(self.text) == len(self._raw):  # nothing dropped by sanitize (the usual case)
            return self._offset + index
        if self._sources is None:
            self._sources = [i for i, ch in enumerate(self._raw) if sanitize(ch)]
        return self._offset + (self._sources[index] if index < len(self._sources) else len(self._raw))

    @property
    def edges(self) -> tuple[int, ...]:
        """Where lines may start: 0, the break points, and the paragraph's length."""
        if self._edges is None:
            points, self._chunk_starts = _break_points_and_chunks(self.text)
            self._edges = (0, *points, len(self.text))
        return self._edges

    @property
    def chunk_starts(self) -> tuple[int, ...]:
        """Where the chunks of `break_points` start (0 first)."""
        if self._edges is None:
            self.edges  # noqa: B018 - computes the chunks with the edges
        return self._chunk_starts

    @property
    def bounds(self) -> list[int]:
        """Grapheme boundaries of the paragraph, 0 and its length included."""
        if self._bounds is None:
            self._bounds = grapheme_boundaries(self.text) or [0]
        return self._bounds

    def grapheme_bounds(self, start: int, end: int) -> list[int]:
        """Grapheme boundaries in (start, end]."""
        bounds = self.bounds
        return bounds[bisect.bisect_right(bounds, start) : bisect.bisect_right(bounds, end)]

    def shape(self, start: int, end: int, suffix: str = "") -> ShapedLine:
        text = self.text[start:end]
        levels = self.levels[start:end]
        if suffix:
            text += suffix
            levels += (levels[-1] if levels else self.base,) * len(suffix)
        return shape_line(text, self.size, self.weight, self.language, levels, self.base)

    def width(self, start: int, end: int) -> int:
        """The width of `line(start, end)`, measured without placing its glyphs where it can."""
        end = self.drawn_end(start, end)
        return line_width(
            self.text[start:end], self.size, self.weight, self.language, self.levels[start:end], self.base
        )

    def line(self, start: int, end: int, suffix: str = "") -> TextLine:
        end = self.drawn_end(start, end)
        shaped = self.shape(start, end, suffix)
        return TextLine(shaped.text, shaped.width, shaped.glyphs, shaped.rtl, self.source(start))

    def fits(self, start: int, end: int, max_width: int) -> bool:
        """Does the line [start, end) fit in `max_width` pixels, shaped as it will be drawn?

        A line estimated to be well past the width is first tried by its start, about a line
        long: when that does not fit, neither does the whole (a line only grows with its text),
        and the rest of a long word is never shaped.
        """
        over = max_width + self.size
        if self.estimate(start, end) > over:
            bounds = self.bounds
            low, high = bisect.bisect_right(bounds, start), bisect.bisect_left(bounds, end)
            cut = bisect.bisect_right(range(low, high), over, key=lambda i: self.estimate(start, bounds[i])) + low
            if cut < high and self.width(start, bounds[cut]) > max_width:
                return False
        return self.width(start, end) <= max_width

    def drawn_end(self, start: int, end: int) -> int:
        """`end` moved back over the spaces a line [start, end) does not draw."""
        if self._solid is None:
            # solid[i]: i moved back over the spaces just before it.
            solid = [0] * (len(self.text) + 1)
            for index, ch in enumerate(self.text, 1):
                solid[index] = solid[index - 1] if ch in _SPACES else index
            self._solid = solid
        return max(self._solid[end], start)

    def estimate(self, start: int, end: int) -> int:
        """About the width in pixels of the line [start, end): within a pixel or two of the
        shaped width for ordinary text. Used only to guess where a line ends."""
        pen = self._pen if self._pen is not None else self._estimate_pen()
        return pen[self.drawn_end(start, end)] - pen[start]

    def _estimate_pen(self) -> list[int]:
        """Pen position before every character: the paragraph shaped once, in pieces of about
        PIECE_CHARS cut at break points (between graphemes inside a longer word), with each
        cluster's advances summed at its first character."""
        if self.base == 0:
            raw = char_advances(self.text, self.size, self.weight, self.language, self.levels)
            if raw is not None:  # shaped word by word: the advances without placing glyphs
                self._pen = [0, *((pen + 32) >> 6 for pen in accumulate(max(advance, 0) for advance in raw))]
                return self._pen
        advances = [0] * (len(self.text) + 1)
        for start, end in self._pieces():
            for glyph in self.shape(start, end).glyphs:
                advances[start + glyph.cluster + 1] += glyph.advance
        self._pen = list(accumulate(max(advance, 0) for advance in advances))
        return self._pen

    def _pieces(self) -> Iterator[tuple[int, int]]:
        text, bounds, edges = self.text, self.bounds, self.edges
        start = 0
        while start < len(text):
            target = start + PIECE_CHARS
            if target >= len(text):
                yield start, len(text)
                return
            end = edges[bisect.bisect_right(edges, target) - 1]
            if end <= start:  # one word longer than a piece: cut it between graphemes
                index = bisect.bisect_right(bounds, target) - 1
                end = bounds[index] if bounds[index] > start else bounds[index + 1]
            yield start, end
            start = end


@lru_cache(maxsize=1024)
def layout_text(
    text: str,
    size_px: int,
    weight: str = "regular",
    max_width: int | None = None,
    max_lines: int = 0,
    overflow: str = "ellipsis",
    line_height: float = 1.25,
    language: str = "",
    direction: str = "auto",
    back: int = 0,
) -> TextBlock:
    """Wrap `text` into lines no wider than `max_width` pixels (None: no wrapping).

    With overflow "keep-end", `back` scrolls that many lines back from the newest. Blocks are
    immutable and kept: the same text at the same size and width (a composite measured in
    several forms, a widget measured again) is wrapped once.
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
        spans = spans[: max(max_lines, len(spans) - back)]
    if max_lines and len(spans) > max_lines:
        truncated = True
        if overflow == "keep-end":
            above = tuple(p.line(a, b) for p, a, b in spans[max(0, len(spans) - max_lines - SCROLLBACK) : -max_lines])
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
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]


# The latest wraps of paragraphs per style and width: (text, levels, lines). Each line is
# (start, end, horizon): its break was decided by the text up to `horizon` alone, so a
# paragraph that shares that much with it (a caption that grew by a word) keeps the line.
_RECENT: dict[tuple, list[tuple[str, tuple[int, ...], list[tuple[int, int, int]]]]] = {}
RECENT_WRAPS = 4  # kept per style and width


def _wrap(paragraph: _Paragraph, max_width: int | None, limit: int | None = None) -> list[tuple[int, int]]:
    """Line spans [start, end) of one paragraph, greedy on shaped widths (at most `limit`)."""
    text = paragraph.text
    if max_width is None or not text:
        return [(0, len(text))]
    edges = paragraph.edges
    key = (paragraph.size, paragraph.weight, paragraph.language, paragraph.base, max_width)
    lines = _kept_lines(paragraph, key, limit)
    spans = [(start, end) for start, end, _ in lines]
    start = spans[-1][1] if spans else 0
    index = bisect.bisect_right(edges, start)
    while index < len(edges) and (limit is None or len(spans) < limit):
        end = edges[index]
        if paragraph.estimate(start, end) <= max_width:
            fits = paragraph.fits(start, end, max_width)
            fitting = None
        else:
            # Guessed too wide (a long word, a URL): find how much of it fits, shaping about a
            # line, never the whole rest of the word.
            fitting = _last_fitting_grapheme(paragraph, start, end, max_width)
            fits = fitting == end
        if fits:
            index = _furthest_fit(paragraph, edges, start, index, max_width)
            end = edges[index]
            spans.append((start, end))
            lines.append((start, end, edges[index + 1] if index + 1 < len(edges) else len(text)))
            start = end
            index += 1
            continue
        # The next segment alone is too wide: cut it between graphemes.
        cut = _fit_graphemes(paragraph, start, end, max_width, fitting)
        spans.append((start, cut))
        lines.append((start, cut, end))
        start = cut
        if cut >= end:
            index += 1
    if (start < len(text) or not spans) and (limit is None or len(spans) < limit):
        spans.append((start, len(text)))
        lines.append((start, len(text), len(text)))
    if len(_RECENT) > 256:
        _RECENT.clear()
    recent = _RECENT.setdefault(key, [])
    recent.insert(0, (text, paragraph.levels, lines))
    del recent[RECENT_WRAPS:]
    return spans


def _kept_lines(paragraph: _Paragraph, key: tuple, limit: int | None) -> list[tuple[int, int, int]]:
    """The leading lines of a recent wrap that this paragraph shares: those decided by text
    before the last chunk start inside the common prefix (breaks before it are the same)."""
    recent = _RECENT.get(key)
    if not recent:
        return []
    text = paragraph.text
    best: tuple[int, tuple[str, tuple[int, ...], list[tuple[int, int, int]]]] | None = None
    for entry in recent:
        shared = _common_prefix(entry[0], text)
        if best is None or shared > best[0]:
            best = (shared, entry)
    assert best is not None
    shared, (_, levels, lines) = best
    if shared < 2:
        return []
    starts = paragraph.chunk_starts
    safe = starts[bisect.bisect_left(starts, shared) - 1] if starts else 0
    if safe <= 0 or levels[:safe] != paragraph.levels[:safe]:
        return []
    kept: list[tuple[int, int, int]] = []
    for line in lines:
        if line[2] > safe or (limit is not None and len(kept) >= limit):
            break
        kept.append(line)
    return kept


def _common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix of two strings (slices compared at C speed)."""
    high = min(len(a), len(b))
    if a[:high] == b[:high]:
        return high
    low = 0  # a[:low] == b[:low] and a[:high] != b[:high]
    while high - low > 1:
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _last_true(low: int, high: int, guess: int, test: Callable[[int], bool]) -> int:
    """The largest i in [low, high] with test(i), for a test that holds up to some i and fails
    after it (low - 1 if it never holds). Searched outward from `guess` by doubling steps, then
    bisected: a right guess costs two tests, and no test goes further than twice the distance
    between the guess and the answer."""
    guess = min(max(guess, low), high)
    if test(guess):
        good, bad, step = guess, high + 1, 1
        while good + step <= high:
            if not test(good + step):
                bad = good + step
                break
            good += step
            step *= 2
    else:
        good, bad, step = low - 1, guess, 1
        while bad - step >= low:
            if test(bad - step):
                good = bad - step
                break
            bad -= step
            step *= 2
    while bad - good > 1:
        middle = (good + bad) // 2
        if test(middle):
            good = middle
        else:
            bad = middle
    return good


def _furthest_fit(paragraph: _Paragraph, edges: tuple[int, ...], start: int, index: int, max_width: int) -> int:
    """The last break edge (from `index`, which fits) whose line from `start` still fits.

    The estimated widths give a guess; the shaped widths decide, searched outward from the
    guess, so a line costs a few shapes of about its own length.
    """
    last = len(edges) - 1
    guess = (
        bisect.bisect_right(range(index, last + 1), max_width, key=lambda k: paragraph.estimate(start, edges[k]))
        + index
        - 1
    )
    return max(index, _last_true(index, last, guess, lambda k: paragraph.fits(start, edges[k], max_width)))


def _last_fitting_grapheme(paragraph: _Paragraph, start: int, end: int, max_width: int) -> int | None:
    """The furthest grapheme boundary in (start, end] whose line from `start` fits; None if not
    even the first grapheme fits."""
    bounds = paragraph.bounds
    low, high = bisect.bisect_right(bounds, start), bisect.bisect_right(bounds, end) - 1
    if low > high:
        return None
    guess = (
        bisect.bisect_right(range(low, high + 1), max_width, key=lambda i: paragraph.estimate(start, bounds[i]))
        + low
        - 1
    )
    found = _last_true(low, high, guess, lambda i: paragraph.fits(start, bounds[i], max_width))
    return bounds[found] if found >= low else None


def _fit_graphemes(paragraph: _Paragraph, start: int, end: int, max_width: int, fitting: int | None = None) -> int:
    """The furthest grapheme boundary in (start, end] whose line fits (at least one grapheme),
    moved back where possible so the next line does not start with closing punctuation.
    `fitting` is that boundary when already known."""
    text, bounds = paragraph.text, paragraph.bounds
    low, high = bisect.bisect_right(bounds, start), bisect.bisect_right(bounds, end) - 1
    if low > high:
        return end
    if fitting is None:
        fitting = _last_fitting_grapheme(paragraph, start, end, max_width)
    best = bisect.bisect_left(bounds, fitting) if fitting is not None else low
    choice = best
    while (
        choice > low
        and bounds[choice] < len(text)
        and (text[bounds[choice]] in NO_START or text[bounds[choice] - 1] in NO_END)
    ):
        choice -= 1
    if bounds[choice] < len(text) and (text[bounds[choice]] in NO_START or text[bounds[choice] - 1] in NO_END):
        choice = best
    return bounds[choice]


def _with_ellipsis(paragraph: _Paragraph, start: int, end: int, max_width: int | None) -> TextLine:
    """The line [start, end) cut at a grapheme boundary so that it plus … fits."""
    end = paragraph.drawn_end(start, end)
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
    return paragraph.line(start, paragraph.drawn_end(start, bounds[low]), ELLIPSIS)


def clear_caches() -> None:
    """Forget every wrapped block and shaped line (tests and benchmarks that count shaping)."""
    layout_text.cache_clear()
    _RECENT.clear()
    shaping_clear_caches()
