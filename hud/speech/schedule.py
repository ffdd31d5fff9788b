"""Who speaks when: a priority queue with interruption and expiry, each decision recorded.

One voice at a time. An urgent message (an imminent turn) interrupts anything else; a
high-priority one (a high-priority notification) interrupts normal and low speech; everything
else waits its turn. Waiting messages expire when
stale: a newer message from the same widget replaces them, a widget that disappears takes its
messages with it, and a message that waited longer than its priority allows is dropped rather
than read late.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from hud.speech.changes import PRIORITIES, Message, in_place_of

RANK = {name: rank for rank, name in enumerate(PRIORITIES)}
GAP_S = 0.25          # pause between two utterances


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
    cut_at: float | None = None     # when it was interrupted
    status: str = "queued"          # queued, speaking, spoken, interrupted, dropped
    reason: str = ""                # why it was interrupted or dropped
    repeat_of: int | None = None    # an interrupted utterance said again
    closed_at: float | None = None  # when its widget was hidden while it waited
    deadline: float | None = None   # it must start by then, or it is dropped
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


@dataclass(frozen=True)
class Decision:
    """A scheduling decision, for the record."""

    t: float
    action: str        # queue, start, finish, interrupt, drop, repeat, keep
    utterance: int
    why: str


@dataclass
class Scheduler:
    """Plans utterances on one voice. Feed it messages with `submit(t, ...)` in time order and
    move time on with `advance(t)`; `finish()` plays out what is still queued."""

    duration_of: Callable[[Message], float]
    gap: float = GAP_S

    def __post_init__(self) -> None:
        self.utterances: list[Utterance] = []
        self.decisions: list[Decision] = []
        self.queue: list[Utterance] = []
        self.current: Utterance | None = None
        self.now = 0.0
        self.closed: dict[str, tuple[float, float | None]] = {}   # hidden sources: (when, grace)
        self._free_at = 0.0       # when the voice may start the next utterance

    def copy(self) -> Scheduler:
        """An independent copy (its utterances copied too), e.g. to play the queue out for an
        export while this one goes on."""
        other = Scheduler(self.duration_of, self.gap)
        copies = {u.id: replace(u) for u in self.utterances}
        other.utterances = list(copies.values())
        other.decisions = list(self.decisions)
        other.queue = [copies[u.id] for u in self.queue]
        other.current = copies[self.current.id] if self.current is not None else None
        other.now, other._free_at, other.closed = self.now, self._free_at, dict(self.closed)
        return other

    # -- input -------------------------------------------------------------------------------
    def submit(self, t: float, message: Message) -> Utterance:
        """Queue `message` at time `t`; it may replace, interrupt or wait for others."""
        self.advance(t)
        self.closed.pop(message.source, None)           # shown again
        replaced = [u for u in self.queue if u.message.key == message.key]
        for older in replaced:                          # keep the speaker's name and the sentence begun
            message = in_place_of(older.message, message)
        utterance = Utterance(len(self.utterances) + 1, message, t, self.duration_of)
        self.utterances.append(utterance)
        self._record(t, "queue", utterance, f"{message.why}, {message.priority} priority")
        for older in replaced:
            self._drop(t, older, f"replaced by #{utterance.id} ({message.why})")
        current = self.current
        if current is not None and utterance.rank >= RANK["high"]:
            if current.message.key == message.key:      # newer news from the same widget, e.g. "now"
                self._interrupt(t, current, utterance, requeue=False)
            elif current.rank < utterance.rank:
                self._interrupt(t, current, utterance, requeue=True)
        self.queue.append(utterance)
        self._start_next(t)
        return utterance

    def withdraw(self, t: float, source: str, grace: float | None = None) -> None:
        """Drop every queued message from `source`, whose widget was hidden or removed; with
        `grace`, let them wait that many seconds more instead (a notification is still news
        after its card has closed)."""
        self.advance(t)
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
            ends = current.end if current is not None and current.start < t else None
            expiring = min(((u.expires, u.id, u) for u in self.queue if u.expires is not None), default=None)
            if ends is not None and ends <= t and (expiring is None or ends <= expiring[0]):
                current.status = "spoken"
                self.current = None
                self._record(ends, "finish", current, "spoken to the end")
                self._free_at = ends + self.gap
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
            if self.current is not None:
                self.advance(max(self.current.end, self.current.start + 1e-6))  # (a silent utterance ends at once)
            else:
                self.advance(max(self._free_at, self.now))
        return max((u.end for u in self.utterances if u.end is not None), default=0.0)

    # -- internals ---------------------------------------------------------------------------
    def _start_next(self, t: float) -> None:
        if self.current is not None or t < self._free_at:
            return
        while self.queue:
            best = max(self.queue, key=lambda u: (u.rank, -u.id))
            if best.expires is not None and t > best.expires:
                self._expire(best)
                continue
            self.queue.remove(best)
            best.start, best.status = t, "speaking"
            self.current = best
            why = best.message.why if best.repeat_of is None else f"again after #{best.repeat_of}'s interruption"
            self._record(t, "start", best, why)
            return

    def _interrupt(self, t: float, current: Utterance, by: Utterance, requeue: bool) -> None:
        reason = f"interrupted by #{by.id} ({by.message.priority} priority: {by.message.why})"
        current.cut_at, current.status, current.reason = t, "interrupted", reason
        self._record(t, "interrupt", current, reason)
        self.current = None
        self._free_at = t      # the interrupting message starts at once, with no pause
        closed_at, grace = self.closed.get(current.message.source, (None, None))
        if closed_at is not None and (grace is None or closed_at + grace <= t):
            return                                      # its widget is gone: nothing to say again
        if requeue and current.rank >= RANK["normal"]:
            again = Utterance(len(self.utterances) + 1, current.message, t, self.duration_of, repeat_of=current.id,
                              closed_at=closed_at, deadline=None if closed_at is None else closed_at + grace,
                              _duration=current._duration)
            self.utterances.append(again)
            self.queue.append(again)
            self._record(t, "repeat", again, f"#{current.id} was cut off: said again when the voice is free")

    def _expire(self, utterance: Utterance) -> None:
        """Drop a waiting utterance at the moment it became stale."""
        if utterance.deadline is not None and utterance.deadline == utterance.expires:
            why = f"stale: its card closed at {utterance.closed_at:.2f} s and it could not start within " \
                  f"{utterance.deadline - utterance.closed_at:g} s"
        else:
            why = f"stale: not started within {utterance.message.max_wait:g} s"
        self._drop(utterance.expires, utterance, why)

    def _drop(self, t: float, utterance: Utterance, why: str) -> None:
        self.queue.remove(utterance)
        utterance.status, utterance.reason = "dropped", why
        self._record(t, "drop", utterance, why)

    def _record(self, t: float, action: str, utterance: Utterance, why: str) -> None:
        self.decisions.append(Decision(round(t, 4), action, utterance.id, why))
