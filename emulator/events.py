"""What happens in the emulator, fanned out to any number of listeners (the HTTP API's
`GET /events` streams), without ever making the emulator wait.

    hub = EventHub()
    listener = hub.subscribe()
    hub.publish("gesture", {"gesture": "tap", "actions": []})
    batch = listener.next(timeout=1.0)   # Batch(events=[...], dropped=0), or None once closed

Each listener has a bounded queue: when a slow listener falls QUEUE_SIZE events behind, the
oldest are dropped and counted, and its next batch says how many. `publish` only appends to
those queues, so it is cheap and never blocks on a listener. Thread-safe.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

QUEUE_SIZE = 256   # events one listener may fall behind before the oldest are dropped


@dataclass(frozen=True)
class HudEvent:
    """One thing that happened: a kind ("gesture", "hidden", ...) and its JSON-able data."""

    seq: int            # 1, 2, 3... across the hub: a listener sees gaps where it dropped events
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
