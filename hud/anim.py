"""Timelines and animation: a scene's state as a pure function of time.

A Timeline holds events (set fields, append text, animate a number with an easing, show or
hide with a transition). `apply(t)` computes every touched field's value at `t` from the
scene's initial values and the events up to `t`, so any frame at any time is reproducible,
whatever order frames are rendered in. Unchanged values are not assigned, so they mark
nothing dirty.
"""

from __future__ import annotations

import math
import re
from bisect import insort
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from hud.devices import default_px_per_deg
from hud.errors import suggest
from hud.geometry import Length
from hud.limits import HARD_MAX_DURATION_S
from hud.text.wrap import join_words
from hud.widgets.base import Widget
from hud.widgets.caption import Caption
from hud.widgets.primitives import Text
from hud.widgets.props import Number, Optional
from hud.widgets.verbs import app_error, label

EASINGS: dict[str, Callable[[float], float]] = {
    "linear": lambda x: x,
    "ease-in": lambda x: x * x * x,
    "ease-out": lambda x: 1 - (1 - x) ** 3,
    "ease-in-out": lambda x: 4 * x * x * x if x < 0.5 else 1 - (-2 * x + 2) ** 3 / 2,
}
TRANSITIONS = ("fade", "slide", "none")
SLIDE_PX = 8.0  # slide distance: within the compositor's gap (0.3 deg is 8 px on the S1),
# so a sliding widget reaches neither its zone-mates nor the display edge
CAPTION_SCROLL_S = 0.25  # how long a caption takes to scroll a line up
TRANSITION_S = 0.3  # how long a show or hide takes when it names no duration
COMPOSE_MOVE_S = 0.2  # how long widgets take to move to new places when another shows or hides
MAX_TIME_S = HARD_MAX_DURATION_S  # latest time a scene may name (an event's `at`, a duration)
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?\s*$")


def parse_time(value: Any) -> float:
    """Seconds from 1.5, "1.5s" or "300ms", between 0 and MAX_TIME_S (a day); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f'expected a time like "1.5s" or "300ms", got {value!r}')
    if isinstance(value, (int, float)):
        seconds = float(value) if abs(value) <= MAX_TIME_S else math.inf  # huge integers: no float
    elif isinstance(value, str) and (match := _TIME.match(value)):
        seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
    else:
        shown = repr(value) if isinstance(value, str) and len(value) <= 40 else type(value).__name__
        raise ValueError(f'expected a time like "1.5s" or "300ms", got {shown}')
    if not 0 <= seconds <= MAX_TIME_S:  # also nan
        if isinstance(value, str):
            shown = repr(value) if len(value) <= 40 else repr(value[:37] + "...")
        else:
            shown = f"{value:g}" if isinstance(value, float) or abs(value) < 10**16 else "a huge number"
        raise ValueError(f"a time must be 0 or more and at most {MAX_TIME_S:g} s (one day), got {shown}")
    return seconds + 0.0  # -0.0 becomes 0.0


class OffsetEnd(NamedTuple):
    """One end of an offset animation: a length (px or deg) plus a shift in pixels (a slide)."""

    length: Length
    shift_px: float = 0.0

    def px(self, px_per_deg: float) -> float:
        """This end in pixels on a display of `px_per_deg`."""
        value = self.length.value * px_per_deg if self.length.unit == "deg" else self.length.value
        return value + self.shift_px


@dataclass(frozen=True)
class Event:
    """One timeline entry, already resolved to primitive steps.

    >>> import hud
    >>> scene = hud.parse_scene('''
    ... [[widgets]]
    ... type = "nav_arrow"
    ... id = "next-turn"
    ... maneuver = "left"
    ... [[timeline]]
    ... at = "1.5s"
    ... target = "next-turn"
    ... set = { distance_m = 80 }
    ... ''')
    >>> [(event.at, event.kind, event.field, event.value) for event in scene.timeline.events]
    [(1.5, 'set', 'distance_m', 80.0)]
    """

    at: float
    target: Widget
    kind: str  # "set", "append" or "animate"
    field: str  # field name ("offset_x" / "offset_y" animate one offset component)
    value: Any = None  # set: value; append: text; animate: end value (an offset: OffsetEnd,
    # Length or pixels)
    start: Any = None  # animate: start value (None: the value before the animation)
    duration: float = 0.0
    easing: str = "linear"
    order: int = 0  # position in the file, to keep simultaneous events in order


@dataclass
class Timeline:
    """Events against one scene's widgets.

    Once a Scene holds it (`scene.timeline = timeline`), every event must target a widget in
    that scene: one that is not is a SceneError at the app's line that added it.

    >>> import hud
    >>> arrow = hud.NavArrow(id="next-turn", maneuver="left", distance_m=120)
    >>> scene = hud.Scene(arrow)
    >>> scene.timeline = hud.Timeline()
    >>> scene.timeline.add(hud.Event(1.0, arrow, "set", "distance_m", 80))
    >>> scene.apply_timeline(1.5)
    >>> arrow.distance_m
    80.0
    """

    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._initial: dict[tuple[int, str], tuple[Widget, Any]] = {}
        self._snapshot_stale = True
        self._laid_out = False
        self._root: Widget | None = None  # the tree of the scene that holds the timeline
        self.revision = 0  # moved on by every event added or removed

    def bind(self, root: Widget) -> None:
        """Hold the timeline to the scene whose tree is `root`: its events, and every event
        added from now on, must target widgets in that tree (SceneError otherwise)."""
        for event in self.events:
            self._check_target(event.target, root)
        self._root = root

    def add(self, event: Event) -> None:
        """Insert `event` in time order (file order among events at the same time)."""
        if self._root is not None:
            self._check_target(event.target, self._root)
        insort(self.events, event, key=_event_key)
        self.revision += 1
        # Snapshot the new event's fields at the next apply; fields already snapshotted keep
        # their initial values (the widget may now hold a value the timeline computed).
        self._snapshot_stale = True

    def remove(self, events: list[Event]) -> None:
        """Take these events (the very objects) out of the timeline."""
        if not events:
            return
        gone = {id(event) for event in events}
        self.events[:] = [event for event in self.events if id(event) not in gone]
        self.revision += 1
        self._snapshot_stale = True  # fields no event touches any more are let go at the next apply

    @staticmethod
    def _check_target(target: Widget, root: Widget) -> None:
        """SceneError (at the app's line) unless `target` is in the tree under `root`."""
        if target.root is root:
            return
        ids = [widget.id for widget in root.walk() if widget.id is not None]
        if target.id is not None and target.id not in ids:
            problem = f"no widget with id '{target.id}'"
            fix = suggest(target.id, ids, "add the widget to the scene first")
        else:
            problem = f"{label(target)} is not in the scene"
            fix = "add it to the scene first: a timeline reaches only the scene's own widgets"
        raise app_error("timeline", problem, fix)

    def rest(self, target: Widget, name: str) -> Any:
        """`target`'s field `name` as it was before this timeline changed it: what a show fades
        in to and slides back onto, whenever it happens."""
        key = (id(target), name)
        return self._initial[key][1] if key in self._initial else getattr(target, name)

    @property
    def end(self) -> float:
        """When the last event finishes."""
        return max((e.at + e.duration for e in self.events), default=0.0)

    # -- transitions -------------------------------------------------------------------------
    def show(
        self,
        at: float,
        target: Widget,
        transition: str,
        duration: float,
        order: int,
        hide_after: float | None = None,
        slide_px: float = SLIDE_PX,
    ) -> None:
        """Make `target` visible at `at`, fading and/or sliding in; optionally hide it later."""
        for event in self.show_events(at, target, transition, duration, order, hide_after, slide_px):
            self.add(event)

    def hide(
        self, at: float, target: Widget, transition: str, duration: float, order: int, slide_px: float = SLIDE_PX
    ) -> None:
        """Fade and/or slide `target` out from `at`, then make it invisible."""
        for event in self.hide_events(at, target, transition, duration, order, slide_px):
            self.add(event)

    def show_events(
        self,
        at: float,
        target: Widget,
        transition: str,
        duration: float,
        order: int,
        hide_after: float | None = None,
        slide_px: float = SLIDE_PX,
    ) -> list[Event]:
        """The events of `show`: visible at `at`, the brightness fading in from 0 to the
        widget's own (its value before the timeline), and with a slide the offset easing down
        from `slide_px` above its own; then `hide_events` after `hide_after`."""
        events = [Event(at, target, "set", "visible", True, order=order)]
        if transition == "fade" or transition == "slide":
            brightness = self.rest(target, "brightness")
            events.append(Event(at, target, "animate", "brightness", brightness, 0.0, duration, "ease-out", order))
        if transition == "slide":  # from slide_px above its own offset (whatever its unit) down onto it
            base = self.rest(target, "offset")[1]
            events.append(
                Event(
                    at,
                    target,
                    "animate",
                    "offset_y",
                    OffsetEnd(base),
                    OffsetEnd(base, -slide_px),
                    duration,
                    "ease-out",
                    order,
                )
            )
        if hide_after is not None:
            events += self.hide_events(at + hide_after, target, transition, duration, order, slide_px)
        return events

    def hide_events(
        self, at: float, target: Widget, transition: str, duration: float, order: int, slide_px: float = SLIDE_PX
    ) -> list[Event]:
        """The events of `hide`: the brightness fading to 0 and with a slide the offset easing
        up by `slide_px` from `at`, then invisible when they end."""
        events = []
        if transition in ("fade", "slide") and duration > 0:
            events.append(Event(at, target, "animate", "brightness", 0.0, None, duration, "ease-in", order))
            if transition == "slide":
                base = self.rest(target, "offset")[1]
                events.append(
                    Event(
                        at, target, "animate", "offset_y", OffsetEnd(base, -slide_px), None, duration, "ease-in", order
                    )
                )
        events.append(
            Event(at + (duration if transition != "none" else 0.0), target, "set", "visible", False, order=order)
        )
        return events

    # -- evaluation --------------------------------------------------------------------------
    def apply(self, t: float, px_per_deg: float | None = None) -> None:
        """Set every field the timeline touches to its value at time `t`; `px_per_deg` is the
        display's (offsets in degrees and pixels animate between each other in pixels; default:
        the default profile's)."""
        if px_per_deg is None:
            px_per_deg = default_px_per_deg()
        if self._snapshot_stale:
            self._snapshot()
            self._snapshot_stale = False
        values = {key: value for key, (_, value) in self._initial.items()}
        appended_at: dict[int, tuple[float, str, str]] = {}
        for event in self.events:
            if event.at > t:
                break
            key = (id(event.target), stored_field(event.field))
            if event.kind == "set":
                values[key] = event.value
            elif event.kind == "append":
                assert isinstance(event.target, (Text, Caption)), "appends go to captions and text widgets only"
                before = values[key]
                values[key] = event.target.appended(before, event.value)
                partial_key = (id(event.target), "partial")
                shown = before  # what the text showed just before: a caption's tentative words too
                if partial_key in values:
                    if values[partial_key]:
                        shown = join_words(before, values[partial_key])
                    values[partial_key] = ""
                appended_at[id(event.target)] = (event.at, shown, values[key])
            else:
                progress = 1.0 if event.duration <= 0 else min(1.0, (t - event.at) / event.duration)
                eased = EASINGS[event.easing](progress)
                values[key] = _interpolate(values[key], event, eased, px_per_deg)
        # An append scrolls the lines it pushed off the top away: the layout counts them (at
        # the width it gives the text) from the text before the append.
        for key, (widget, _) in self._initial.items():
            if key[1] == "scroll_left":
                before, left = self._scroll(appended_at.get(id(widget)), t)
                values[key], values[(id(widget), "scroll_from")] = left, before
        for key, (widget, _) in self._initial.items():
            value = values[key]
            if getattr(widget, key[1]) != value:
                setattr(widget, key[1], value)

    def _snapshot(self) -> None:
        """Record the value before the timeline of each field its events touch (a field already
        recorded keeps its value), and let go of the fields no event touches any more: each is
        given back its value before the timeline, which then leaves it (and its widget) alone."""
        touched: set[tuple[int, str]] = set()
        for event in self.events:
            target = event.target
            keys = [(id(target), stored_field(event.field))]
            self._initial.setdefault(keys[0], (target, getattr(target, keys[0][1])))
            if event.kind == "append" and "partial" in target.props:
                partial = getattr(target, "partial", "")  # a caption's, or any widget's that declares one
                keys.append((id(target), "partial"))
                self._initial.setdefault(keys[-1], (target, partial))
            if event.kind == "append" and "scroll_left" in target.props:
                keys += [(id(target), "scroll_left"), (id(target), "scroll_from")]
                self._initial.setdefault(keys[-2], (target, 0.0))
                self._initial.setdefault(keys[-1], (target, None))
            touched.update(keys)
        for key in [key for key in self._initial if key not in touched]:
            widget, value = self._initial.pop(key)
            if getattr(widget, key[1]) != value:
                setattr(widget, key[1], value)

    @staticmethod
    def _scroll(appended: tuple[float, str, str] | None, t: float) -> tuple[str | None, float]:
        """(text before the latest append, share of its scroll still to go) at `t`: the scroll
        eases out over CAPTION_SCROLL_S, then both are cleared."""
        if appended is None:
            return None, 0.0
        at, before, _ = appended
        progress = (t - at) / CAPTION_SCROLL_S
        if progress >= 1:
            return None, 0.0
        return before, 1 - EASINGS["ease-out"](progress)


def _event_key(event: Event) -> tuple[float, int]:
    return (event.at, event.order)


def stored_field(name: str) -> str:
    """The widget field an event changes: offset_x and offset_y change `offset`."""
    return "offset" if name in ("offset_x", "offset_y") else name


def _interpolate(current: Any, event: Event, eased: float, px_per_deg: float) -> Any:
    if event.field in ("offset_x", "offset_y"):
        index = 0 if event.field == "offset_x" else 1
        point = list(current)
        end = _offset_end(event.value)
        if eased >= 1 and end.shift_px == 0:
            point[index] = end.length  # land exactly on the end, in its own unit
        else:
            start = _offset_end(event.start if event.start is not None else current[index]).px(px_per_deg)
            value = start + (end.px(px_per_deg) - start) * eased
            point[index] = Length(round(value, 3))
        return tuple(point)
    if event.start is None and current is None:  # an optional field with nothing to start from
        return event.value
    start = event.start if event.start is not None else current
    if eased >= 1:
        return event.value  # land exactly on the end (it was validated)
    # Both ends are valid values: keep rounding from stepping outside them.
    value = min(max(start + (event.value - start) * eased, min(start, event.value)), max(start, event.value))
    prop = event.target.props.get(event.field)
    kind = prop.kind.inner if prop is not None and isinstance(prop.kind, Optional) else getattr(prop, "kind", None)
    if isinstance(kind, Number) and kind.integer:  # whole-number fields step through whole numbers
        return round(value)
    return value


def _offset_end(value: OffsetEnd | Length | float) -> OffsetEnd:
    """An offset animation's end as an OffsetEnd (a bare number is pixels)."""
    if isinstance(value, OffsetEnd):
        return value
    return OffsetEnd(value if isinstance(value, Length) else Length(float(value)))


def animatable(widget: Widget, name: str) -> bool:
    """Can `name` be animated on this widget (a number, or one offset component)?"""
    if name in ("offset_x", "offset_y"):
        return True
    prop = widget.props.get(name)
    if prop is None:
        return False
    kind = prop.kind.inner if isinstance(prop.kind, Optional) else prop.kind
    return isinstance(kind, Number)
