"""What happens in the emulator, fanned out to any number of listeners (the HTTP API's
`GET /events` streams), without ever making the emulator wait.

    hub = EventHub()
    listener = hub.subscribe()
    hub.publish("gesture", {"gesture": "tap", "actions": []})
    batch = listener.next(timeout=1.0)   # Batch(events=[...], dropped=0), or None once closed

Each listener has a bounded queue: when a slow listener falls QUEUE_SIZE events behind, the
oldest are dropped and counted, and its next batch says how many. `publish` only appends to
those queues, so it is cheap and never blocks on a listener. Thread-safe.

`EventLog` is the emulator's side: short notes for the banner (gestures, voice, loads,
screenshots) and events for the hub, stamped with the scene time. `FrameReporter` turns frames
into events: a frame over the refresh budget, and declared widgets the compositor shows, hides
or reduces to another form. Nothing is computed for them while nobody listens.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.clock import SceneClock
    from hud.profile import Profiler
    from hud.renderer import Frame

QUEUE_SIZE = 256  # events one listener may fall behind before the oldest are dropped
BANNER_S = 1.2  # how long the latest note (the gesture that fired...) stays on the banner
NOTES_KEPT = 50


@dataclass(frozen=True)
class HudEvent:
    """One thing that happened: a kind ("gesture", "hidden", ...) and its JSON-able data."""

    seq: int  # 1, 2, 3... across the hub: a listener sees gaps where it dropped events
    kind: str
    data: dict[str, Any]
    wall: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Batch:
    """The events a listener has not read yet, and how many it missed since its last batch."""

    events: list[HudEvent]
    dropped: int


class Listener:
    """One subscriber's queue (make it with EventHub.subscribe)."""

    def __init__(self, hub: EventHub, size: int) -> None:
        self._hub = hub
        self._size = size
        self._queue: deque[HudEvent] = deque()
        self._dropped = 0
        self._closed = False
        self._poked = False
        self._ready = threading.Condition()

    def put(self, event: HudEvent) -> None:
        with self._ready:
            if self._closed:
                return
            if len(self._queue) >= self._size:
                self._queue.popleft()
                self._dropped += 1
            self._queue.append(event)
            self._ready.notify()

    def next(self, timeout: float) -> Batch | None:
        """The waiting events (an empty batch after `timeout` seconds with none); None once the
        listener is closed and everything before that was read."""
        with self._ready:
            self._ready.wait_for(lambda: self._queue or self._closed or self._poked, timeout)
            self._poked = False
            if not self._queue and not self._dropped:
                return None if self._closed else Batch([], 0)
            batch = Batch(list(self._queue), self._dropped)
            self._queue.clear()
            self._dropped = 0
            return batch

    @property
    def closed(self) -> bool:
        return self._closed

    def poke(self) -> None:
        """Wake a reader waiting in next() with an empty batch (so it can check its client)."""
        with self._ready:
            self._poked = True
            self._ready.notify_all()

    def close(self) -> None:
        """Stop receiving; a reader waiting in next() wakes up."""
        self._hub.unsubscribe(self)
        with self._ready:
            self._closed = True
            self._ready.notify_all()


class EventHub:
    """Publishes events to every listener's bounded queue."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._seq = 0
        self._closed = False

    @property
    def listeners(self) -> int:
        """How many listeners there are now."""
        return len(self._listeners)

    def subscribe(self) -> Listener:
        """A new listener: it receives what is published from now on (closed at once after close())."""
        listener = Listener(self, self.queue_size)
        with self._lock:
            if not self._closed:
                self._listeners.append(listener)
                return listener
        listener.close()
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def publish(self, kind: str, data: dict[str, Any] | None = None) -> HudEvent | None:
        """Hand an event to every listener (None when nobody listens: nothing is kept)."""
        with self._lock:
            if not self._listeners:
                return None
            self._seq += 1
            event = HudEvent(self._seq, kind, dict(data or {}))
            listeners = list(self._listeners)
        for listener in listeners:
            listener.put(event)
        return event

    def close(self) -> None:
        """Close every listener (their readers get what is queued, then None); no new ones."""
        with self._lock:
            self._closed = True
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener.close()


@dataclass
class Note:
    """Something that happened, in words, for the banner and the log."""

    wall: float
    text: str


class EventLog:
    """What happened in the emulator: notes for the banner, and events for the API's listeners
    (through `hub`), each event stamped with the scene time on `clock`."""

    def __init__(self, clock: SceneClock) -> None:
        self.clock = clock
        self.notes: list[Note] = []
        self.hub = EventHub()

    def note(self, text: str) -> None:
        """A line for the banner (the latest NOTES_KEPT are kept)."""
        self.notes.append(Note(time.monotonic(), text))
        del self.notes[:-NOTES_KEPT]

    @property
    def last_note(self) -> str | None:
        """The latest note while it is fresh (BANNER_S), for the banner."""
        if self.notes and time.monotonic() - self.notes[-1].wall < BANNER_S:
            return self.notes[-1].text
        return None

    def emit(self, kind: str, **data: Any) -> None:
        """An event for the listeners, at the current scene time unless `data` gives "t"
        (nothing happens while there are none)."""
        self.hub.publish(kind, {"t": round(self.clock.t, 4), **data})


def widget_states(frame: Frame) -> dict[str, dict[str, Any]]:
    """Each declared widget's entry in a frame's layout, by id (or type@line)."""
    return {entry["id"] or f"{entry['type']}@{entry['line']}": entry for entry in frame.layout["widgets"]}


class FrameReporter:
    """Tells listeners what changes from frame to frame."""

    def __init__(self) -> None:
        self._states: dict[str, dict[str, Any]] | None = None  # widget states last reported
        self._snapshot: Any = None  # the layout they were read from
        self._last_record: Any = None  # the profiler record last looked at

    def forget_frame(self) -> None:
        """A new renderer: the next frame is compared afresh."""
        self._snapshot = None

    def greet(self, frame: Frame | None) -> dict[str, dict[str, Any]]:
        """The widget states a new listener starts from (reported changes start from them too)."""
        if frame is None:
            return {}
        states = widget_states(frame)
        if self._states is None:
            self._states, self._snapshot = states, frame.snapshot
        return states

    def report(self, frame: Frame | None, profiler: Profiler, log: EventLog) -> None:
        """Emit a missed_frame event for a frame over the refresh budget, and shown, hidden and
        form events for widgets this frame draws otherwise than the last reported one."""
        records = profiler.records
        record = records[-1] if records else None
        if log.hub.listeners == 0:
            self._states, self._last_record = None, record
            return
        if record is not None and record is not self._last_record and record.total_ms > profiler.budget_ms:
            log.emit("missed_frame", ms=round(record.total_ms, 3), budget_ms=round(profiler.budget_ms, 3))
        self._last_record = record
        if frame is None or frame.snapshot is self._snapshot:
            return
        self._snapshot = frame.snapshot
        states = widget_states(frame)
        before, self._states = self._states, states
        if before is None:
            return
        for key, entry in states.items():
            old = before.get(key, {"shown": None, "reason": None, "form": None})
            data = {"widget": entry["id"], "key": key, "type": entry["type"], "form": entry["form"]}
            if old["shown"] != entry["shown"] or (not entry["shown"] and old["reason"] != entry["reason"]):
                if entry["shown"]:
                    log.emit("shown", **data)
                else:
                    log.emit("hidden", **data, reason=entry["reason"], by=_hidden_by(entry["reason"]))
            elif entry["shown"] and old["form"] != entry["form"]:
                log.emit("form", **data, was=old["form"])


def _hidden_by(reason: str | None) -> str:
    """Who hid a widget, from its layout reason: the scene (visible = false), or the compositor."""
    if reason is None:
        return "compositor"
    if "visible = false" in reason:
        return "scene"
    if reason.startswith("draws nothing"):
        return "empty"
    return "compositor"
