"""Live text as speech: every committed word of a growing text is said once, in order.

A caption, or any text that grows, is a stream. Its words wait while the voice is busy and
are then said together in their latest form: newer words join the waiting ones, never
replace them. When the text is revised, words already said are not said again; a revision
of said words is said as a short correction ("correction: right", "更正：右转") only when it
changes a number, a direction, a negation or a name. When the voice is far behind even at its
fastest, the waiting words skip to the newest sentence, with an earcon, and the skipped words
are recorded. An utterance cut off by an urgent one resumes from the start of the phrase
that was cut.

Words are runs of letters and digits, and each CJK ideograph or kana on its own (Chinese and
Japanese have no spaces).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from hud.speech.language import primary
from hud.speech.normalize import speakable
from hud.text.wrap import join_words

_IDEOGRAPHIC = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_CHAR = rf"(?:(?![{_IDEOGRAPHIC}])[^\W_])"
TOKEN = re.compile(rf"[{_IDEOGRAPHIC}]|{_WORD_CHAR}+(?:[.,:'’]{_WORD_CHAR}+)*")
# Marks that end a phrase or a sentence ("2.5", "12,000" and "12:30" end neither).
_PHRASE_END = re.compile(r"[,;:.!?…](?=\s|$)|[，。！？；：、\n]")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|[。！？\n]")
_LEADING = " \t\n,，、;；:：.。!！?？-—"
_TRAILING = " \t\n,，、;；:："  # an utterance never ends on a comma

CORRECTION = {
    "en": "Correction: ",
    "zh": "更正：",
    "ja": "訂正：",
    "ko": "정정: ",
    "fr": "Correction : ",
    "de": "Korrektur: ",
    "es": "Corrección: ",
    "it": "Correzione: ",
    "pt": "Correção: ",
    "ru": "Поправка: ",
}
# Words whose change is worth a correction (besides digits and capitalised names).
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million billion half quarter dozen first second third fourth fifth sixth
    seventh eighth ninth tenth once twice""".split()
)
_DIRECTION_WORDS = frozenset(
    """left right north south east west northeast northwest southeast southwest
    straight ahead back backwards forward forwards up down upstairs downstairs opposite behind front
    before after above below inside outside entrance exit""".split()
)
_NEGATION_WORDS = frozenset(
    """not no never none nothing nobody nowhere neither nor cannot without
    don't doesn't didn't isn't aren't wasn't weren't won't can't couldn't shouldn't wouldn't
    mustn't haven't hasn't hadn't""".split()
)
_CJK_NUMBERS = frozenset("零〇一二三四五六七八九十百千万亿两半第")
_CJK_DIRECTIONS = frozenset("左右东南西北前后直上下里外对进出")
_CJK_NEGATIONS = frozenset("不没别未无非勿莫甭")
_CJK_UNITS = frozenset("米个号点分秒层站元块楼路口条次号位岁年月日天")


@dataclass(eq=False)
class Token:
    """One word of a stream: where it is in the latest text, when it first arrived, whether it
    has been said (or handed to the voice), and whether it reads as a name."""

    start: int
    end: int
    word: str
    arrived: float
    said: bool = False
    name: bool = False


@dataclass
class Word:
    """A word as one utterance says it: its offset in the utterance's text, for its timing."""

    word: str
    arrived: float
    at: int  # character offset in the utterance's spoken text
    heard: float | None = None  # when it is heard, once the utterance is timed
    correction: bool = False  # said again in a correction


@dataclass
class Piece:
    """Words waiting to be said that are no longer part of the live text (the text was cleared
    or its speaker changed while they waited), or a correction."""

    text: str
    speaker: str
    arrived: list[tuple[str, float]]
    correction: bool = False


@dataclass
class Phrase:
    """A stretch of an utterance's text, from one phrase mark to the next: the unit a cut-off
    utterance resumes from."""

    at: int  # where it starts in the spoken text
    again: Piece  # what waits again if it is cut off: its words, as shown, and speaker


@dataclass
class Formed:
    """What one utterance of a stream says, and how its words map onto its text."""

    text: str
    words: list[Word]
    phrases: list[Phrase]
    speaker: str = ""  # whose words it ends with
    skipped: dict | None = None  # {"text", "words", "why"} when words were skipped to catch up


def tokens_of(text: str, arrived: float) -> list[Token]:
    """The words of `text`, each arrived at `arrived`."""
    found: list[Token] = []
    previous = 0
    for match in TOKEN.finditer(text):
        gap = text[previous : match.start()].rstrip()
        before = gap[-1] if gap else (text[previous - 1] if previous else "")
        name = (
            match.group()[0].isupper()
            and bool(before)
            and not _SENTENCE_END.match(before)
            and before not in "\"'“‘(（「"
        )
        found.append(Token(match.start(), match.end(), match.group(), arrived, name=name))
        previous = match.end()
    return found


def matters(words: list[Token]) -> bool:
    """Does a change in these words change the meaning enough to correct it aloud: a number, a
    direction, a negation or a name?"""
    for token in words:
        lower = token.word.lower()
        if any(char.isdigit() for char in lower) or token.name:
            return True
        if lower in _NUMBER_WORDS or lower in _DIRECTION_WORDS or lower in _NEGATION_WORDS or lower.endswith("n't"):
            return True
        if lower in _CJK_NUMBERS or lower in _CJK_DIRECTIONS or lower in _CJK_NEGATIONS:
            return True
    return False


class Stream:
    """The speech state of one growing text: its latest words, which were said, what waits."""

    def __init__(self, source: str, language: str, caption: bool = True) -> None:
        self.source = source
        self.language = language
        self.caption = caption  # a caption: kept when hidden, paced, skips when far behind
        self.text = ""
        self.speaker = ""
        self.tokens: list[Token] = []
        self.pending: list[Piece] = []

    # -- input -------------------------------------------------------------------------------
    def update(self, text: str, t: float, speaker: str, language: str) -> list[str]:
        """Take the text as it is now; returns notes on what changed (for the record). Words
        still waiting are never lost: a cleared text, a new speaker or a new passage in place
        of the last keep them to be said first."""
        notes: list[str] = []
        if speaker != self.speaker:
            if self._carry(t):
                notes.append(f"words of {self.speaker or 'the last speaker'} kept for the new speaker's turn")
            self.speaker = speaker
        self.language = language
        if not text.strip():
            if self._carry(t):
                notes.append("text cleared: its waiting words are still said")
            self.text, self.tokens = "", []
            return notes
        if text == self.text:
            return notes
        tokens = tokens_of(text, t)
        if self._new_passage(tokens):
            if self._carry(t):
                notes.append("text replaced by a new passage: its waiting words are still said")
            self.text, self.tokens = text, tokens
            return notes
        notes += self._revise(text, tokens, t)
        return notes

    def _new_passage(self, tokens: list[Token]) -> bool:
        """Are `tokens` the next passage in place of the last (a translation showing only its
        newest sentence) rather than a revision of it: they start with another word and hold
        fewer than half of the old words?"""
        if not self.tokens or (tokens and tokens[0].word == self.tokens[0].word):
            return False
        old, new = [token.word for token in self.tokens], [token.word for token in tokens]
        kept = sum(block.size for block in SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks())
        return kept * 2 < len(old)

    def _carry(self, t: float) -> bool:
        """Move the live words not yet said into a waiting piece of their own."""
        waiting = self._first_unsaid()
        if waiting is None:
            return False
        first = self.tokens[waiting]
        self.pending.append(
            Piece(
                self.text[first.start :], self.speaker, [(token.word, token.arrived) for token in self.tokens[waiting:]]
            )
        )
        for token in self.tokens[waiting:]:
            token.said = True
        return True

    def _revise(self, text: str, new: list[Token], t: float) -> list[str]:
        old = self.tokens
        heard = self._said_count()
        common = 0
        while common < min(len(old), len(new)) and old[common].word == new[common].word:
            common += 1
        notes: list[str] = []
        result: list[Token] = []
        for index in range(common):
            result.append(self._moved(old[index], new[index]))
        matcher = SequenceMatcher(
            None, [token.word for token in old[common:]], [token.word for token in new[common:]], autojunk=False
        )
        opcodes = [
            (tag, i1 + common, i2 + common, j1 + common, j2 + common) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
        said_in_new = (
            common
            if heard <= common
            else next((j1 + min(heard - i1, j2 - j1) for _, i1, i2, j1, j2 in opcodes if i1 <= heard <= i2), len(new))
        )
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                result += [self._moved(old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
                continue
            last = j2
            if i2 == heard and j2 - j1 > i2 - i1:
                # The last said words changed and words were added: the words in their place are
                # a revision only when it matters (a correction), else all are said as new words.
                last = j1 + (i2 - i1) if matters(old[i1:i2] + new[j1 : j1 + i2 - i1]) else j1
            fresh = new[j1:last]
            if i1 < heard and i2 <= heard and (fresh or tag == "delete"):  # words already said were revised
                for token in fresh:
                    token.said = True
                if tag == "delete" and i1 == 0:  # the oldest text scrolled out of a rolling buffer
                    continue
                if matters(old[i1:i2] + fresh):
                    said = self._correction_span(text, new, j1, last, said_in_new, tag == "insert")
                    self.pending.append(
                        Piece(said, self.speaker, [(token.word, t) for token in fresh], correction=True)
                    )
                    notes.append(f"said words revised: correction queued ({said})")
                else:
                    notes.append("said words revised: not repeated (no number, direction, negation or name changed)")
            result += new[j1:j2]
        self.text, self.tokens = text, result
        return notes

    @staticmethod
    def _moved(old: Token, new: Token) -> Token:
        old.start, old.end, old.name = new.start, new.end, new.name
        return old

    @staticmethod
    def _correction_span(text: str, tokens: list[Token], j1: int, j2: int, said: int, inserted: bool) -> str:
        """The revised words as a correction says them: the changed words; words put in are said
        with the said words after them up to the end of their phrase (at most four); a CJK
        numeral with the numerals and unit after it; at least two characters of CJK text."""
        if j1 == j2:  # words were taken out: say the words around the gap
            j1, j2 = max(j1 - 1, 0), min(j1 + 1, len(tokens))
        end = j2
        cjk = all(len(token.word) == 1 and not token.word.isascii() for token in tokens[j1:j2])
        if inserted:
            while end < min(len(tokens), said, j2 + 4) and not _PHRASE_END.search(
                text, tokens[end - 1].end, tokens[end].start
            ):
                end += 1
        elif cjk:
            while (
                end < min(len(tokens), said)
                and len(tokens[end].word) == 1
                and (tokens[end - 1].word in _CJK_NUMBERS or tokens[end].word in _CJK_UNITS or end - j1 < 2)
            ):
                end += 1
        if j1 >= len(tokens) or end <= j1:
            return ""
        return text[tokens[j1].start : tokens[end - 1].end]

    # -- state -------------------------------------------------------------------------------
    def _said_count(self) -> int:
        first = self._first_unsaid()
        return len(self.tokens) if first is None else first

    def _first_unsaid(self) -> int | None:
        for index in range(len(self.tokens) - 1, -1, -1):
            if self.tokens[index].said:
                return index + 1 if index + 1 < len(self.tokens) else None
        return 0 if self.tokens else None

    @property
    def waiting(self) -> bool:
        """Is anything waiting to be said?"""
        return bool(self.pending) or self._first_unsaid() is not None

    # -- output ------------------------------------------------------------------------------
    def preview(self, last_speaker: str) -> str:
        """What the next utterance would say now (for the record while it waits)."""
        return self._form(self._first_unsaid(), list(self.pending), last_speaker).text

    def oldest(self) -> float | None:
        """When the oldest word still waiting arrived (None when nothing waits)."""
        first = self._first_unsaid()
        times = [arrived for piece in self.pending if not piece.correction for _, arrived in piece.arrived]
        times += [token.arrived for token in self.tokens[first:]] if first is not None else []
        return min(times, default=None)

    def take(
        self,
        last_speaker: str,
        now: float,
        skip_after: float | None = None,
        fastest: Callable[[str], float] | None = None,
    ) -> Formed:
        """Hand everything waiting to the voice as one utterance, marking it said. With
        `skip_after`, a caption that is further behind than that skips to its newest
        sentence (corrections are kept). Behind is the later of how long its oldest waiting
        word has waited and how long the newest will wait: `fastest(text)`, the time the
        waiting words take at full speed."""
        first = self._first_unsaid()
        pieces = list(self.pending)
        skipped = None
        lag = 0.0
        if self.caption and skip_after is not None:
            oldest = self.oldest()
            lag = now - oldest if oldest is not None else 0.0
            if fastest is not None and lag <= skip_after:
                lag = max(lag, fastest(self._form(first, pieces, last_speaker).text))
            if lag > skip_after:
                first, pieces, skipped = self._skip(first, pieces, now - skip_after / 2)
        formed = self._form(first, pieces, last_speaker)
        if skipped is not None:
            formed.skipped = dict(skipped, why=f"behind by {lag:.1f} s")
        self.pending = []
        if first is not None:
            for token in self.tokens[first:]:
                token.said = True
        return formed

    def _skip(self, first: int | None, pieces: list[Piece], recent: float):
        """(first live word kept, pieces kept, {"text", "words"} skipped or None): everything
        before the newest sentence start, else the newest phrase start, else the words that
        arrived since `recent`."""
        corrections = [piece for piece in pieces if piece.correction]
        carried = [piece for piece in pieces if not piece.correction]
        if first is None:  # only pieces wait: keep the last one
            if len(carried) < 2:
                return first, pieces, None
            lost = carried[:-1]
            return (
                first,
                corrections + carried[-1:],
                {
                    "text": " ".join(piece.text.strip() for piece in lost),
                    "words": sum(len(piece.arrived) for piece in lost),
                },
            )
        live = self.tokens[first:]
        keep = self._newest_start(live, _SENTENCE_END) or self._newest_start(live, _PHRASE_END)
        if keep is None:
            keep = next((index for index, token in enumerate(live) if token.arrived >= recent and index > 0), None)
        if keep is None and not carried:
            return first, pieces, None
        keep = keep or 0
        lost_text = [piece.text.strip() for piece in carried]
        if keep:
            lost_text.append(self.text[live[0].start : live[keep].start].strip())
        for token in live[:keep]:
            token.said = True
        return (
            first + keep,
            corrections,
            {
                "text": " ".join(part for part in lost_text if part),
                "words": sum(len(piece.arrived) for piece in carried) + keep,
            },
        )

    def _newest_start(self, live: list[Token], ends: re.Pattern[str]) -> int | None:
        """Index in `live` of the first word after the last mark of `ends` between two of its words."""
        for index in range(len(live) - 1, 0, -1):
            if ends.search(self.text, live[index - 1].end, live[index].start):
                return index
        return None

    def _form(self, first: int | None, pieces: list[Piece], last_speaker: str) -> Formed:
        """The utterance that says `pieces` then the live words from `first`."""
        language = self.language
        parts: list[str] = []
        words: list[Word] = []
        phrases: list[Phrase] = []
        length = 0
        speaker = last_speaker

        def add(
            raw: str, arrivals: list[tuple[str, float]], tokens: list[Token], who: str, correction: bool = False
        ) -> None:
            nonlocal length, speaker
            lead = ""
            if who and who != speaker:
                name = speakable(who, language)
                lead = f"{name}：" if language == "zh" else f"{name}: "
            speaker = who or speaker
            said = speakable(raw.lstrip(_LEADING), language)
            if not any(char.isalnum() for char in said):
                return
            prefix = correction_word if correction else ""
            if correction and said[-1].isalnum():  # a correction is a sentence of its own
                said += "。" if primary(language) in ("zh", "ja") else "."
            joint = "" if not parts or primary(language) in ("zh", "ja") else " "
            at = length + len(joint) + len(lead) + len(prefix)
            phrases.append(Phrase(length + len(joint), Piece(raw, who, list(arrivals), correction)))
            for index, (word, arrived) in enumerate(arrivals):
                offset = tokens[index].start - tokens[0].start if tokens else raw.find(word)
                words.append(
                    Word(
                        word, arrived, at + round(max(offset, 0) / max(len(raw), 1) * len(said)), correction=correction
                    )
                )
            text = joint + lead + prefix + said
            parts.append(text)
            length += len(text)

        correction_word = CORRECTION.get(primary(language), CORRECTION["en"])
        for piece in pieces:
            if piece.correction:
                add(piece.text, piece.arrived, [], piece.speaker, correction=True)
                continue
            used = 0
            for raw, _ in _phrases(piece.text):
                count = len(TOKEN.findall(raw))
                add(raw, piece.arrived[used : used + count], [], piece.speaker)
                used += count
        if first is not None:
            live = self.tokens[first:]
            begin = live[0].start
            for raw, start in _phrases(self.text[begin:]):
                tokens = [token for token in live if begin + start <= token.start < begin + start + len(raw)]
                if tokens:
                    add(raw, [(token.word, token.arrived) for token in tokens], tokens, self.speaker)
        return Formed("".join(parts).rstrip(_TRAILING), words, phrases, speaker)

    def rollback(self, formed: Formed, at: int) -> int:
        """The utterance `formed` was cut off at character `at` of its text: the phrase it was in
        and every later one wait again, first, as they were said (with their speakers, whatever
        the text did since). Returns where that phrase starts in the text."""
        cut = 0
        for index, phrase in enumerate(formed.phrases):
            if phrase.at <= at:
                cut = index
        restored: list[Piece] = []
        for phrase in formed.phrases[cut:]:
            piece = phrase.again
            last = restored[-1] if restored else None
            if last is not None and not last.correction and not piece.correction and last.speaker == piece.speaker:
                restored[-1] = Piece(join_words(last.text, piece.text), last.speaker, last.arrived + piece.arrived)
            else:
                restored.append(Piece(piece.text, piece.speaker, list(piece.arrived), piece.correction))
        self.pending = restored + self.pending
        return formed.phrases[cut].at if formed.phrases else 0


def _phrases(text: str) -> list[tuple[str, int]]:
    """`text` cut after each phrase mark (and the spaces after it): (phrase, its start)."""
    found, start = [], 0
    for match in _PHRASE_END.finditer(text):
        end = match.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if text[start:end].strip():
            found.append((text[start:end], start))
        start = end
    if text[start:].strip():
        found.append((text[start:], start))
    return found
