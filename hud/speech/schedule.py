"""Who speaks when: a priority queue with interruption, expiry and pace, each decision recorded.

One voice at a time. An urgent message (an imminent turn) interrupts anything else; a
high-priority one (a high-priority notification) interrupts normal and low speech; everything
else waits its turn. Cards expire when stale: a newer message from the same widget replaces
them, a widget that disappears takes its messages with it, and a card that waited longer than
its priority allows is dropped rather than read late.

Live text (captions, growing texts) never expires and is never replaced: its waiting words
are merged into one utterance (hud.speech.stream), an interrupted one resumes from the phrase
it was cut in, and the voice speeds up as speech waits (`Pace`), skipping to the newest
sentence, with an earcon, only when it is far behind at its fastest.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from hud.speech.changes import PRIORITIES, Message
from hud.speech.stream import Formed, Stream, Word
from hud.speech.tts import quantize_rate

RANK = {name: rank for rank, name in enumerate(PRIORITIES)}
GAP_S = 0.25  # pause between two utterances
LIVE_GAP_S = 0.1  # pause after live text: the next words go on as after a phrase
RESUME_MARGIN_S = 0.4  # a cut-off utterance resumes from the phrase heard this long before the cut
SKIP_EARCON = "skip"


@dataclass(frozen=True)
class Pace:
    """How the voice keeps up with live text (a device profile's [audio] settings).

    At each utterance's start the speech waiting (at normal speed, this utterance included for
    live text) sets the speed: normal up to `speed_from` seconds, rising evenly to `max_rate`
    at `speed_full` seconds; once caught up it slows by at most `ramp` per utterance. Live
    words skip to the newest sentence only when the voice is still behind at `max_rate`: the
    last caption utterance was at full speed, and the oldest word waiting arrived more than
    `skip_after` seconds ago or saying them all would take longer than that at full speed."""

    max_rate: float = 1.5
    skip_after: float = 6.0
    speed_from: float = 2.0
    speed_full: float = 4.5
    ramp: float = 0.2

    def rate(self, waiting: float, last: float) -> float:
        """The speed for an utterance when `waiting` seconds of speech wait, after one at `last`."""
        share = min(max((waiting - self.speed_from) / (self.speed_full - self.speed_from), 0.0), 1.0)
        target = 1.0 + (self.max_rate - 1.0) * share
        target = max(target, last - self.ramp)  # up at once, down gently
        return min(max(quantize_rate(target), 1.0), quantize_rate(self.max_rate))


@dataclass
class Utterance:
    """One scheduled message and what became of it.

    Its length is measured (synthesised) only when first needed, so an utterance can start, and
    its earcon sound, before its words exist.
    """

    id: int
    message: Message
    queued_at: float
    measure: Callable[[Message], float] = field(repr=False, compare=False)
    start: float | None = None
    cut_at: float | None = None  # when it was interrupted
    status: str = "queued"  # queued, speaking, spoken, interrupted, dropped
    reason: str = ""  # why it was interrupted or dropped
    repeat_of: int | None = None  # an interrupted utterance said again
    closed_at: float | None = None  # when its widget was hidden while it waited
    deadline: float | None = None  # it must start by then, or it is dropped
    live: bool = False  # says a stream's words (formed when it starts)
    resumes: bool = False  # goes on with a live utterance that was cut off: it goes next
    formed: Formed | None = field(default=None, repr=False)
    words: list[Word] = field(default_factory=list, repr=False)  # live words it says, timed
    _duration: float | None = field(default=None, repr=False)

    @property
    def duration(self) -> float:
        """Seconds it takes when spoken to the end."""
        if self._duration is None:
            self._duration = self.measure(self.message)
        return self._duration

    @property
    def end(self) -> float | None:
        """When it stopped (or will stop) sounding; None if it never started."""
        if self.start is None:
            return None
        return self.cut_at if self.cut_at is not None else self.start + self.duration

    @property
    def expires(self) -> float | None:
        """When it becomes stale if it has not started: its message's longest wait, or the
        deadline its closed card left it."""
        times = [self.queued_at + self.message.max_wait] if self.message.max_wait is not None else []
        times += [self.deadline] if self.deadline is not None else []
        return min(times) if times else None

    @property
    def rank(self) -> int:
        return RANK[self.message.priority]

    @property
    def order(self) -> tuple[int, int, int]:
        """Waiting utterances start best first: by priority (a resumed caption as high, after
        any other high one), then the oldest."""
        if self.resumes:
            return (max(self.rank, RANK["high"]), 0, -self.id)
        return (self.rank, 1, -self.id)

    @property
    def rate(self) -> float:
        return self.message.rate

    @property
    def skipped(self) -> dict | None:
        return self.formed.skipped if self.formed is not None else None


@dataclass(frozen=True)
class Decision:
    """A scheduling decision, for the record."""

    t: float
    action: str  # queue, start, finish, interrupt, drop, repeat, keep
    utterance: int
    why: str


@dataclass
class Scheduler:
    """Plans utterances on one voice. Feed it messages with `submit(t, ...)` in time order and
    move time on with `advance(t)`; `finish()` plays out what is still queued."""

    duration_of: Callable[[Message], float]
    gap: float = GAP_S
    pace: Pace = Pace()

    def __post_init__(self) -> None:
        self.utterances: list[Utterance] = []
        self.decisions: list[Decision] = []
        self.queue: list[Utterance] = []
        self.current: Utterance | None = None
        self.now = 0.0
        self.closed: dict[str, tuple[float, float | None]] = {}  # hidden sources: (when, grace)
        self.streams: dict[str, Stream] = {}  # live text, by source
        self.waiting: dict[str, Utterance] = {}  # each stream's queued utterance
        self.last_speaker = ""  # the speaker whose words were said last
        self._free_at = 0.0  # when the voice may start the next utterance
        self._last_rate = 1.0

    def copy(self) -> Scheduler:
        """An independent copy (its utterances and streams copied too), e.g. to play the queue
        out for an export while this one goes on."""
        other = Scheduler(self.duration_of, self.gap, self.pace)
        copies = {u.id: replace(u, words=list(u.words)) for u in self.utterances}
        other.utterances = list(copies.values())
        other.decisions = list(self.decisions)
        other.queue = [copies[u.id] for u in self.queue]
        other.current = copies[self.current.id] if self.current is not None else None
        other.now, other._free_at, other.closed = self.now, self._free_at, dict(self.closed)
        other.streams = copy.deepcopy(self.streams)
        other.waiting = {source: copies[u.id] for source, u in self.waiting.items()}
        other.last_speaker, other._last_rate = self.last_speaker, self._last_rate
        return other

    # -- input -------------------------------------------------------------------------------
    def submit(self, t: float, message: Message, *, start: bool = True) -> Utterance | None:
        """Queue `message` at time `t`; it may replace, interrupt or wait for others. Live text
        joins its stream's waiting utterance (returned), or queues one; None when a revision
        leaves nothing new to say. With `start=False` a free voice waits for `advance(t)`, so
        messages that arrive together start best first."""
        self.advance(t)
        if message.live:
            return self._submit_live(t, message, start)
        self.closed.pop(message.source, None)  # shown again
        replaced = [u for u in self.queue if u.message.key == message.key]
        utterance = Utterance(len(self.utterances) + 1, message, t, self.duration_of)
        self.utterances.append(utterance)
        self._record(t, "queue", utterance, f"{message.why}, {message.priority} priority")
        for older in replaced:
            self._drop(t, older, f"replaced by #{utterance.id} ({message.why})")
        current = self.current
        if current is not None and utterance.rank >= RANK["high"]:
            if current.message.key == message.key:  # newer news from the same widget, e.g. "now"
                self._interrupt(t, current, utterance, requeue=False)
            elif current.rank < utterance.rank:
                self._interrupt(t, current, utterance, requeue=True)
        self.queue.append(utterance)
        if start:
            self._start_next(t)
        return utterance

    def _submit_live(self, t: float, message: Message, start: bool) -> Utterance | None:
        stream = self.streams.get(message.source)
        if stream is None:
            caption = message.widget is None or message.widget.type_name == "caption"
            stream = self.streams[message.source] = Stream(message.source, message.language, caption)
        notes = stream.update(message.stream, t, message.speaker, message.language)
        waiting = self.waiting.get(message.source)
        why = "; ".join([message.why, *notes])
        if waiting is not None:
            waiting.message = replace(
                waiting.message, text=stream.preview(self.last_speaker), language=message.language
            )
            waiting._duration = None
            self._record(t, "merge", waiting, f"{why}: joins the words waiting to be said")
            return waiting
        if not stream.waiting:
            return None
        message = replace(message, text=stream.preview(self.last_speaker))
        utterance = Utterance(len(self.utterances) + 1, message, t, self.duration_of, live=True)
        self.utterances.append(utterance)
        self.waiting[message.source] = utterance
        self._record(t, "queue", utterance, f"{why}, {message.priority} priority")
        self.queue.append(utterance)
        if start:
            self._start_next(t)
        return utterance

    def withdraw(self, t: float, source: str, grace: float | None = None) -> None:
        """Drop every queued message from `source`, whose widget was hidden or removed; with
        `grace`, let them wait that many seconds more instead (a notification is still news
        after its card has closed). A caption's committed words are still said."""
        self.advance(t)
        stream = self.streams.get(source)
        if stream is not None and stream.caption:
            return  # a caption's committed words are still said
        self.streams.pop(source, None)
        self.waiting.pop(source, None)
        self.closed[source] = (t, grace)
        for utterance in [u for u in self.queue if u.message.source == source]:
            if grace is None:
                self._drop(t, utterance, "no longer shown")
            elif utterance.closed_at is None:
                utterance.closed_at, utterance.deadline = t, t + grace
                self._record(t, "keep", utterance, f"its card closed: it may still start until {t + grace:.2f} s")

    # -- time --------------------------------------------------------------------------------
    def advance(self, t: float) -> None:
        """Move time on to `t`: finish, expire and start utterances in the order they happen."""
        while True:
            current = self.current
            # (an utterance that starts at t cannot have ended by t: its words need not exist yet)
            ends = current.end if current is not None and current.start is not None and current.start < t else None
            expiring = min(((u.expires, u.id, u) for u in self.queue if u.expires is not None), default=None)
            if current is not None and ends is not None and ends <= t and (expiring is None or ends <= expiring[0]):
                current.status = "spoken"
                self.current = None
                self._record(ends, "finish", current, "spoken to the end")
                self._free_at = ends + (LIVE_GAP_S if current.live else self.gap)
            elif expiring is not None and expiring[0] <= t and (current is not None or expiring[0] < self._free_at):
                self._expire(expiring[2])
            elif current is None and self.queue and self._free_at <= t:
                self._start_next(max(self._free_at, self.now))
            else:
                break
        self.now = max(self.now, t)

    def finish(self) -> float:
        """Play out the queue; returns when the voice falls silent."""
        while self.current is not None or self.queue:
            current = self.current
            if current is not None:
                assert current.start is not None and current.end is not None, "the current utterance has started"
                self.advance(max(current.end, current.start + 1e-6))  # (a silent utterance ends at once)
            else:
                self.advance(max(self._free_at, self.now))
        return max((u.end for u in self.utterances if u.end is not None), default=0.0)

    # -- internals ---------------------------------------------------------------------------
    def _start_next(self, t: float) -> None:
        if self.current is not None or t < self._free_at:
            return
        while self.queue:
            best = max(self.queue, key=lambda u: u.order)
            if best.expires is not None and t > best.expires:
                self._expire(best)
                continue
            if best.live and not self._form(t, best):
                continue
            self.queue.remove(best)
            self._pace(best)
            best.start, best.status = t, "speaking"
            self.current = best
            if best.live:
                self._time_words(best)
            why = best.message.why if best.repeat_of is None else f"again after #{best.repeat_of}'s interruption"
            if best.rate != 1.0:
                why += f", at {best.rate:g}x to keep up"
            if best.skipped:
                why += f", {best.skipped['words']} words skipped ({best.skipped['why']})"
            self._record(t, "start", best, why)
            return

    def _form(self, t: float, utterance: Utterance) -> bool:
        """Fix what a live utterance says as it starts: everything its stream has waiting (skipping
        to the newest sentence when far behind). False (and dropped) when nothing is left."""
        source = utterance.message.source
        stream = self.streams[source]
        self.waiting.pop(source, None)
        # Skip only when still behind at full speed, and never right after an interruption (the
        # interruption's own time made the words old: a resumed caption loses nothing).
        at_fastest = self._last_rate >= quantize_rate(self.pace.max_rate) and not utterance.resumes
        fastest = self.pace.max_rate

        def at_full_speed(text: str) -> float:
            return self.duration_of(replace(utterance.message, text=text, rate=fastest, earcon=None))

        formed = stream.take(self.last_speaker, t, self.pace.skip_after if at_fastest else None, at_full_speed)
        if not formed.text:
            self._drop(t, utterance, "nothing left to say: its words were revised away")
            return False
        self.last_speaker = formed.speaker
        utterance.formed = formed
        utterance.message = replace(utterance.message, text=formed.text, earcon=SKIP_EARCON if formed.skipped else None)
        utterance._duration = None
        return True

    def _pace(self, utterance: Utterance) -> None:
        """Set the speed of a caption's utterance about to start from the speech waiting (itself
        included); everything else is said at the normal pace, and after anything else the
        next caption names its speaker again."""
        if not utterance.live:
            self.last_speaker = ""
            return
        if not self.streams[utterance.message.source].caption:
            return
        waiting = utterance.duration + sum(u.duration for u in self.queue if u is not utterance)
        rate = self.pace.rate(waiting, self._last_rate)
        self._last_rate = rate
        if rate != utterance.message.rate:
            utterance.message = replace(utterance.message, rate=rate)
            utterance._duration = None

    def _spans(self, utterance: Utterance) -> tuple[float, float]:
        """(seconds before its words begin, seconds of words) of a started utterance."""
        words = self.duration_of(replace(utterance.message, earcon=None))
        return max(utterance.duration - words, 0.0), words

    def _time_words(self, utterance: Utterance) -> None:
        """When each live word of a starting utterance is heard (spread over its words by position)."""
        assert utterance.start is not None and utterance.formed is not None, "a live utterance is formed as it starts"
        lead, length = self._spans(utterance)
        chars = max(len(utterance.message.text), 1)
        utterance.words = [
            replace(word, heard=round(utterance.start + lead + word.at / chars * length, 3))
            for word in utterance.formed.words
        ]

    def _interrupt(self, t: float, current: Utterance, by: Utterance, requeue: bool) -> None:
        reason = f"interrupted by #{by.id} ({by.message.priority} priority: {by.message.why})"
        current.cut_at, current.status, current.reason = t, "interrupted", reason
        self._record(t, "interrupt", current, reason)
        self.current = None
        self._free_at = t  # the interrupting message starts at once, with no pause
        if current.live:
            self._resume(t, current)
            return
        closed_at, grace = self.closed.get(current.message.source, (None, None))
        if closed_at is not None and (grace is None or closed_at + grace <= t):
            return  # its widget is gone: nothing to say again
        if requeue and current.rank >= RANK["normal"]:
            again = Utterance(
                len(self.utterances) + 1,
                current.message,
                t,
                self.duration_of,
                repeat_of=current.id,
                closed_at=closed_at,
                deadline=None if closed_at is None or grace is None else closed_at + grace,
                _duration=current._duration,
            )
            self.utterances.append(again)
            self.queue.append(again)
            self._record(t, "repeat", again, f"#{current.id} was cut off: said again when the voice is free")

    def _resume(self, t: float, cut: Utterance) -> None:
        """A live utterance was cut off at `t`: the phrase it was in, and everything after, wait
        again, and go right after the interruption."""
        source = cut.message.source
        stream = self.streams[source]
        assert cut.start is not None and cut.formed is not None, "a live utterance is formed as it starts"
        lead, length = self._spans(cut)
        heard = (t - cut.start - lead - RESUME_MARGIN_S) / length if length > 0 else 0.0
        at = stream.rollback(cut.formed, int(max(heard, 0.0) * len(cut.message.text)))
        cut.words = [word for word in cut.words if word.at < at]
        self.last_speaker = ""  # the speaker is named again after the interruption
        phrase = cut.message.text[at : at + 40]
        waiting = self.waiting.get(source)
        if waiting is not None:
            waiting.message = replace(waiting.message, text=stream.preview(self.last_speaker))
            waiting._duration = None
            waiting.resumes, waiting.repeat_of = True, cut.id
            self._record(t, "resume", waiting, f'#{cut.id} was cut off: goes on from "{phrase}" next')
            return
        message = replace(cut.message, text=stream.preview(self.last_speaker), earcon=None, rate=1.0)
        again = Utterance(
            len(self.utterances) + 1, message, t, self.duration_of, repeat_of=cut.id, live=True, resumes=True
        )
        self.utterances.append(again)
        self.queue.append(again)
        self.waiting[source] = again
        self._record(t, "resume", again, f'#{cut.id} was cut off: goes on from "{phrase}" next')

    def _expire(self, utterance: Utterance) -> None:
        """Drop a waiting utterance at the moment it became stale."""
        expires = utterance.expires
        assert expires is not None, "only an utterance with a time limit expires"
        if utterance.deadline is not None and utterance.closed_at is not None and utterance.deadline == expires:
            why = (
                f"stale: its card closed at {utterance.closed_at:.2f} s and it could not start within "
                f"{utterance.deadline - utterance.closed_at:g} s"
            )
        else:
            why = f"stale: not started within {utterance.message.max_wait:g} s"
        self._drop(expires, utterance, why)

    def _drop(self, t: float, utterance: Utterance, why: str) -> None:
        self.queue.remove(utterance)
        utterance.status, utterance.reason = "dropped", why
        self._record(t, "drop", utterance, why)

    def _record(self, t: float, action: str, utterance: Utterance, why: str) -> None:
        self.decisions.append(Decision(round(t, 4), action, utterance.id, why))
