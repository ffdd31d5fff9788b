"""Saving scenes: a Scene, built in Python or loaded from a file, as scene-file TOML that
`load_scene` reads back to the same scene.

    text = scene_to_toml(scene)              # Scene.to_toml()
    save_scene(scene, "scenes/walk.toml")    # all or nothing (hud.files)

What is written:

- The `[scene]` header: title, device, targets, gap, duration (those that differ from the
  defaults; the device always).
- Every widget, depth first, with `type` and the fields set explicitly, in declaration order,
  in the file's own syntax: lengths `12` (px), `"1.2deg"`, `"50%"`; colours as given; times
  `"300ms"`, `"1.5s"`. Children follow as `[[widgets.children]]`.
- Fields as they were before the timeline's first event, whatever time was drawn last.
- The timeline as `[[timeline]]` entries: set, append, animate, and show / hide with their
  transition, duration and hide_after; steps made in Python that no entry makes alone are
  written as set and animate entries with the same effect, in the same order.
- The `[[gestures]]` bindings.

A widget without an id that the timeline targets is written with a generated id, `<type>-<n>`
(the n-th widget of that type in the scene, depth first; `-2`, `-3`... added when that is
taken). The scene itself is not changed. Image paths are written relative to the folder of
the file; an image outside that folder is refused, as the loader would refuse it. Anything a
scene file cannot hold is one SaveError naming the widget and how to fix it.
"""

from __future__ import annotations

import heapq
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from hud.anim import SLIDE_PX, Event, OffsetEnd, Timeline, parse_time
from hud.errors import HudError, escape
from hud.files import write_text
from hud.geometry import Length
from hud.gestures import Binding
from hud.limits import MAX_BINDINGS, MAX_TIMELINE_ENTRIES
from hud.widgets import WIDGET_TYPES, Widget
from hud.widgets.primitives import Image
from hud.widgets.props import EdgesKind, LengthKind, Prop

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# What a TOML string must escape (controls, DEL), and what is escaped to keep the file readable
# in any editor: C1 controls, bidi controls, line and paragraph separators.
_ESCAPED = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]')
_APPEND_FIELDS = ("partial", "scroll_left", "scroll_from")  # what an append changes besides the text
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class SaveError(HudError):
    """A scene that a scene file cannot hold: one line naming what and how to fix it.

    >>> import hud
    >>> try:
    ...     hud.save_scene(hud.Scene(hud.Image("/etc/map.png")), "/tmp/scene.toml")
    ... except hud.SaveError as error:
    ...     print("cannot save:", type(error).__name__)
    cannot save: SaveError
    """


class SavableScene(Protocol):
    """What saving reads of a scene (hud.scene.Scene has all of it)."""

    @property
    def title(self) -> str: ...
    @property
    def device(self) -> str: ...
    @property
    def targets(self) -> tuple[str, ...]: ...
    @property
    def gap(self) -> Length | None: ...
    @property
    def duration(self) -> float | None: ...
    @property
    def root(self) -> Widget: ...
    @property
    def timeline(self) -> Timeline | None: ...
    @property
    def bindings(self) -> list[Binding]: ...
    @property
    def path(self) -> Path | None: ...


def scene_to_toml(scene: SavableScene, folder: str | Path | None = None) -> str:
    """The scene as scene-file text. Image paths are written relative to `folder` (default: the
    folder of the scene's own file, else the working folder). SaveError when a part of the
    scene cannot be written."""
    if folder is None:
        folder = scene.path.parent if scene.path is not None else Path.cwd()
    return _Writer(scene, Path(folder)).text()


def save_scene(scene: SavableScene, path: str | Path) -> Path:
    """Write the scene to `path` as a scene file, all or nothing; image paths are written
    relative to its folder. Returns the path. SaveError names what cannot be written; an
    OSError (a full disk, a folder that cannot be made) leaves any old file as it was.

    >>> import hud
    >>> scene = hud.Scene(hud.Text(id="hello", text="Hello", anchor="center"), title="Greeting")
    >>> path = hud.save_scene(scene, "greeting.toml")
    >>> hud.load_scene(path)["hello"].text
    'Hello'
    """
    target = Path(path)
    if target.is_dir():
        raise SaveError(f"{escape(str(target))}: is a folder (give the scene file's name, e.g. scene.toml)")
    try:
        text = scene_to_toml(scene, target.absolute().parent)
    except SaveError as exc:
        raise SaveError(f"{escape(str(target))}: cannot save the scene: {exc}") from None
    return write_text(target, text)


# -- the writer ------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One [[timeline]] entry: its key-value text, and the events it stands for in the order the
    loader adds them."""

    lines: list[str]
    events: list[int]  # positions in the timeline's event list
    order: int  # the entry's place among the timeline's own (the first event's order)
    parts: list[_Entry] | None = None  # what it splits into (None: one entry per event)


@dataclass
class _Writer:
    scene: SavableScene
    folder: Path
    widgets: list[Widget] = field(default_factory=list)
    ids: dict[int, str] = field(default_factory=dict)  # id(widget) -> the id written
    touched: set[tuple[int, str]] = field(default_factory=set)  # (id(widget), field) the timeline changes

    def __post_init__(self) -> None:
        self.widgets = list(_declared(self.scene.root))
        if self.scene.timeline is not None:
            self.touched = _touched(self.scene.timeline)
        self._assign_ids()

    def text(self) -> str:
        blocks = [self._header()]
        blocks += ["\n".join(self._widget(widget, "widgets", 0)) for widget in self.scene.root.children]
        blocks += ["\n".join(entry) for entry in self._timeline()]
        blocks += ["\n".join(lines) for lines in self._bindings()]
        return "\n\n".join(blocks) + "\n"

    # -- ids -------------------------------------------------------------------------------------
    def _assign_ids(self) -> None:
        """The id of every widget written: its own, or a generated one for a timeline target."""
        first: dict[str, Widget] = {}
        for widget in self.widgets:
            if widget.id is None:
                continue
            if widget.id in first:
                raise SaveError(
                    f"{_label(widget)}: the id '{escape(widget.id)}' is also used by {_label(first[widget.id])} "
                    "(give each widget its own id)"
                )
            first[widget.id] = widget
            self.ids[id(widget)] = widget.id
        in_scene = {id(widget) for widget in self.widgets}
        events = self.scene.timeline.events if self.scene.timeline is not None else []
        targets = {id(event.target): event.target for event in events}
        for key, target in targets.items():
            if key not in in_scene:
                raise SaveError(
                    f"timeline: an event targets {_label(target)}, which is not in the scene "
                    "(add the widget to the scene, or remove its events)"
                )
        counts: dict[str, int] = {}
        for widget in self.widgets:
            counts[widget.type_name] = counts.get(widget.type_name, 0) + 1
            if id(widget) in self.ids or id(widget) not in targets:
                continue
            name = base = f"{widget.type_name.replace('_', '-')}-{counts[widget.type_name]}"
            suffix = 1
            while name in first:
                suffix += 1
                name = f"{base}-{suffix}"
            first[name] = widget
            self.ids[id(widget)] = name

    # -- [scene] ---------------------------------------------------------------------------------
    def _header(self) -> str:
        scene = self.scene
        lines = ["[scene]"]
        if scene.title:
            lines.append(f"title = {_string(scene.title)}")
        device = scene.device
        if not isinstance(device, str):
            raise SaveError(
                "scene: the device is a profile object, which a scene file cannot name "
                "(give the scene a built-in device name or the path of a profile .toml)"
            )
        lines.append(f"device = {_string(device)}")
        if tuple(scene.targets) != (device,):
            lines.append(f"targets = [{', '.join(_string(name) for name in scene.targets)}]")
        if scene.gap is not None:
            lines.append(f"gap = {_length(scene.gap)}")
        if scene.duration is not None:
            lines.append(f"duration = {_time(scene.duration)}")
        return "\n".join(lines)

    # -- [[widgets]] -----------------------------------------------------------------------------
    def _widget(self, widget: Widget, key: str, depth: int) -> list[str]:
        type_name = widget.type_name
        if not type_name or WIDGET_TYPES.get(type_name) is not type(widget):
            raise SaveError(
                f"{_label(widget)}: {type(widget).__name__} is not a widget type a scene file can name "
                f"(use one of {', '.join(sorted(WIDGET_TYPES))})"
            )
        indent = "  " * depth
        lines = [f"{indent}[[{key}]]", f"{indent}type = {_string(type_name)}"]
        for name, value in self._fields(widget):
            lines.append(f"{indent}{name} = {value}")
        for child in widget.children:
            lines.append("")
            lines += self._widget(child, f"{key}.children", depth + 1)
        return lines

    def _fields(self, widget: Widget) -> Iterator[tuple[str, str]]:
        """(name, TOML value) of every field set explicitly, in declaration order, as it was
        before the timeline. A field the timeline changes is left out at its default: drawing
        a frame may have set it explicitly, so a save gives the same text before and after."""
        explicit = widget.fields()
        for name, prop in type(widget).props.items():
            if name == "id":
                if id(widget) in self.ids:
                    yield name, _string(self.ids[id(widget)])
                continue
            if name not in explicit:
                continue
            value = self._rest(widget, name)
            if (id(widget), name) in self.touched and value == prop.default and not prop.required:
                continue
            if value is None:
                if prop.default is None:
                    continue
                if isinstance(prop.kind, LengthKind) and prop.kind.auto:
                    yield name, '"auto"'
                    continue
                raise SaveError(
                    f"{_label(widget)}: '{name}' is empty, which a scene file cannot write (give it a value)"
                )
            yield name, self._value(widget, prop, value)

    def _value(self, widget: Widget, prop: Prop, value: Any) -> str:
        if isinstance(widget, Image) and prop.name == "src":
            return _string(self._image_path(widget, value))
        if isinstance(prop.kind, EdgesKind):
            return _edges(value)
        try:
            return _toml(value)
        except TypeError:
            raise SaveError(
                f"{_label(widget)}: '{prop.name}' holds a {type(value).__name__}, which a scene file "
                "cannot write (assign the field a value of its kind)"
            ) from None

    def _image_path(self, widget: Widget, src: str) -> str:
        """`src` relative to the file's folder (posix separators); SaveError when outside it."""
        folder = self.folder.resolve()
        path = (Path.cwd() / src).resolve()  # an app's relative path is opened from the working folder
        if path != folder and folder not in path.parents:
            raise SaveError(
                f"{_label(widget)}: the image {escape(str(path))} is outside {escape(str(folder))}, and a scene "
                "file may only name images in its folder or below (copy the image there, or save the scene "
                "next to it)"
            )
        return path.relative_to(folder).as_posix()

    # -- [[timeline]] ----------------------------------------------------------------------------
    def _timeline(self) -> list[list[str]]:
        timeline = self.scene.timeline
        if timeline is None or not timeline.events:
            return []
        events = list(timeline.events)
        entries = self._arrange(self._entries(events), events)
        if len(entries) > MAX_TIMELINE_ENTRIES:
            raise SaveError(
                f"timeline: the scene would have {len(entries)} timeline entries, at most "
                f"{MAX_TIMELINE_ENTRIES} allowed (split it into several scenes)"
            )
        return [["[[timeline]]", *entry.lines] for entry in entries]

    def _entries(self, events: list[Event]) -> list[_Entry]:
        """The entries that make `events`: show and hide (with hide_after) recognised from their
        steps, adjacent sets of one widget as one set, anything else one entry per event."""
        used = [False] * len(events)
        entries: list[_Entry] = []
        for index in range(len(events)):
            if used[index]:
                continue
            entry = (
                self._show(events, used, index)
                or self._hide(events, used, index)
                or self._set(events, used, index)
                or self._step(events, index)
            )
            for position in entry.events:
                used[position] = True
            entries.append(entry)
        return entries

    def _arrange(self, entries: list[_Entry], events: list[Event]) -> list[_Entry]:
        """The entries in a file order that loads the events back in their sequence (a loader
        orders simultaneous events by their entry's place in the file). An entry whose events
        must interleave with another's both ways is split up: a show from its hide_after, other
        entries into one per event."""
        while True:
            ordered, tangled = _file_order(entries, events)
            if ordered is not None:
                return ordered
            split: list[_Entry] = []
            for number, entry in enumerate(entries):
                if number in tangled and len(entry.events) > 1:
                    split += entry.parts if entry.parts is not None else [self._step(events, p) for p in entry.events]
                else:
                    split.append(entry)
            assert len(split) > len(entries), "only entries of several events can be tangled"
            entries = split

    def _start(self, event: Event) -> list[str]:
        return [f"at = {_time(event.at)}", f"target = {_string(self.ids[id(event.target)])}"]

    def _rest(self, widget: Widget, name: str) -> Any:
        """A field's value before the timeline (what a show fades in to and slides back onto)."""
        timeline = self.scene.timeline
        return timeline.rest(widget, name) if timeline is not None else getattr(widget, name)

    def _show(self, events: list[Event], used: list[bool], index: int) -> _Entry | None:
        """A fade or slide `show` (and its hide_after) starting at `index`, or None."""
        first = events[index]
        if not (first.kind == "set" and first.field == "visible" and first.value is True):
            return None
        target = first.target
        fade = _next(events, used, index, first)
        if fade is None or not _is(
            events[fade], "animate", "brightness", self._rest(target, "brightness"), 0.0, "ease-out"
        ):
            return None
        duration = events[fade].duration
        taken = [index, fade]
        y = self._rest(target, "offset")[1]
        slide = _next(events, used, fade, first)
        if slide is not None and _is(
            events[slide], "animate", "offset_y", OffsetEnd(y), OffsetEnd(y, -SLIDE_PX), "ease-out", duration
        ):
            taken.append(slide)
        transition = "slide" if len(taken) == 3 else "fade"
        body = f'transition = "{transition}", duration = {_time(duration)}'
        shown = _Entry([*self._start(first), f"show = {{ {body} }}"], taken, first.order)
        for later in range(taken[-1] + 1, len(events)):
            hidden = self._hide(events, used, later, transition, duration, first.order)
            if hidden is None or events[later].target is not target:
                continue
            after = _difference(first.at, events[later].at)
            if after is not None:
                lines = [*self._start(first), f"show = {{ {body}, hide_after = {_time(after)} }}"]
                return _Entry(lines, taken + hidden.events, first.order, [shown, hidden])
        return shown

    def _hide(
        self,
        events: list[Event],
        used: list[bool],
        index: int,
        transition: str | None = None,
        duration: float | None = None,
        order: int | None = None,
    ) -> _Entry | None:
        """A fade or slide `hide` starting at `index` (of this transition, duration and order
        when given), or None."""
        first = events[index]
        if used[index] or (order is not None and first.order != order):
            return None
        target = first.target
        if not _is(first, "animate", "brightness", 0.0, None, "ease-in") or first.duration <= 0:
            return None
        if duration is not None and first.duration != duration:
            return None
        taken = [index]
        y = self._rest(target, "offset")[1]
        slide = _next(events, used, index, first)
        if slide is not None and _is(
            events[slide], "animate", "offset_y", OffsetEnd(y, -SLIDE_PX), None, "ease-in", first.duration
        ):
            taken.append(slide)
        kind = "slide" if len(taken) == 2 else "fade"
        if transition is not None and kind != transition:
            return None
        gone_at = first.at + first.duration
        gone = next(
            (
                position
                for position in range(taken[-1] + 1, len(events))
                if not used[position]
                and events[position].target is target
                and events[position].order == first.order
                and events[position].kind == "set"
                and events[position].field == "visible"
                and events[position].value is False
                and events[position].at == gone_at
            ),
            None,
        )
        if gone is None:
            return None
        taken.append(gone)
        body = f'transition = "{kind}", duration = {_time(first.duration)}'
        return _Entry([*self._start(first), f"hide = {{ {body} }}"], taken, first.order)

    def _set(self, events: list[Event], used: list[bool], index: int) -> _Entry | None:
        """A `set` of every field the adjacent set events at the same time give the same widget."""
        first = events[index]
        if first.kind != "set":
            return None
        taken = [index]
        position = index
        names = {first.field}
        while (following := _next(events, used, position, first)) is not None:
            event = events[following]
            if event.kind != "set" or event.field in names:
                break
            names.add(event.field)
            taken.append(following)
            position = following
        values = ", ".join(f"{events[p].field} = {self._set_value(events[p])}" for p in taken)
        return _Entry([*self._start(first), f"set = {{ {values} }}"], taken, first.order)

    def _step(self, events: list[Event], index: int) -> _Entry:
        """One event as an entry of its own."""
        event = events[index]
        if event.kind == "set":
            line = f"set = {{ {event.field} = {self._set_value(event)} }}"
        elif event.kind == "append":
            line = f"append = {_string(event.value)}"
        else:
            parts = [f"property = {_string(event.field)}"]
            if event.start is not None:
                parts.append(f"from = {self._end(event, event.start)}")
            parts += [f"to = {self._end(event, event.value)}", f"duration = {_time(event.duration)}"]
            if event.easing != "linear":
                parts.append(f"easing = {_string(event.easing)}")
            line = f"animate = {{ {', '.join(parts)} }}"
        return _Entry([*self._start(event), line], [index], event.order)

    def _set_value(self, event: Event) -> str:
        prop = type(event.target).props.get(event.field)
        where = f"timeline: {_label(event.target)} at {event.at:g} s"
        if prop is None or event.field == "id":
            raise SaveError(f"{where}: sets '{event.field}', which a timeline entry cannot set (remove the event)")
        if event.value is None:
            if isinstance(prop.kind, LengthKind) and prop.kind.auto:
                return '"auto"'
            raise SaveError(f"{where}: sets '{event.field}' to nothing, which a scene file cannot write (give a value)")
        return self._value(event.target, prop, event.value)

    def _end(self, event: Event, value: Any) -> str:
        """One end of an animation: a number, or for offset_x / offset_y a length."""
        if event.field not in ("offset_x", "offset_y"):
            return _toml(value)
        end = (
            value if isinstance(value, OffsetEnd) else OffsetEnd(value if isinstance(value, Length) else Length(value))
        )
        if end.shift_px == 0:
            return _length(end.length)
        if end.length.unit == "px":
            return _number(end.length.value + end.shift_px)
        raise SaveError(
            f"timeline: {_label(event.target)} at {event.at:g} s: an offset animation from an offset in degrees "
            "shifted by pixels cannot be written (use a show or hide with a slide transition)"
        )

    # -- [[gestures]] ----------------------------------------------------------------------------
    def _bindings(self) -> list[list[str]]:
        bindings = self.scene.bindings
        if len(bindings) > MAX_BINDINGS:
            raise SaveError(
                f"gestures: the scene has {len(bindings)} gesture bindings, at most {MAX_BINDINGS} allowed "
                "(split it into several scenes)"
            )
        ids = set(self.ids.values())
        out = []
        for binding in bindings:
            if binding.target not in ids:
                raise SaveError(
                    f"gestures: {binding.gesture} -> {binding.action} targets '{escape(binding.target)}', which no "
                    "widget has (give the widget that id, or remove the binding)"
                )
            out.append(
                [
                    "[[gestures]]",
                    f"gesture = {_string(binding.gesture)}",
                    f"action = {_string(binding.action)}",
                    f"target = {_string(binding.target)}",
                ]
            )
        return out


# -- the timeline's shapes ---------------------------------------------------------------------------


def _touched(timeline: Timeline) -> set[tuple[int, str]]:
    """(id(widget), field) of every field the timeline's events change: their own, and for an
    append the caption's tentative words and scroll."""
    touched = set()
    for event in timeline.events:
        name = "offset" if event.field in ("offset_x", "offset_y") else event.field
        touched.add((id(event.target), name))
        if event.kind == "append":
            touched |= {(id(event.target), extra) for extra in _APPEND_FIELDS if extra in event.target.props}
    return touched


def _next(events: list[Event], used: list[bool], index: int, like: Event) -> int | None:
    """The position after `index` when that event is unused and has `like`'s time, target and order."""
    following = index + 1
    if following >= len(events) or used[following]:
        return None
    event = events[following]
    if event.at != like.at or event.target is not like.target or event.order != like.order:
        return None
    return following


def _is(event: Event, kind: str, name: str, value: Any, start: Any, easing: str, duration: float | None = None) -> bool:
    """Whether `event` is this step (one a show or hide makes)."""
    return (
        event.kind == kind
        and event.field == name
        and type(event.value) is type(value)
        and event.value == value
        and event.start == start
        and event.easing == easing
        and (duration is None or event.duration == duration)
    )


def _difference(start: float, end: float) -> float | None:
    """The shortest decimal `d` with start + d == end (what hide_after must be), or None."""
    exact = end - start
    if exact < 0:
        return None
    for digits in range(0, 10):
        candidate = round(exact, digits)
        if candidate >= 0 and start + candidate == end:
            return candidate
    return exact if start + exact == end else None


def _file_order(entries: list[_Entry], events: list[Event]) -> tuple[list[_Entry] | None, set[int]]:
    """(the entries in a file order that loads `events` back in their sequence, nothing tangled),
    or (None, the numbers of the entries that cannot be placed whole).

    Simultaneous events load in the order of their entries in the file, then of their steps
    within an entry. So each entry's simultaneous steps must already be in sequence, and of two
    entries with events at one time, the one whose event comes first there goes first: a
    precedence graph, ordered topologically (ties: the timeline's own order). An entry on a
    cycle of it, or with steps out of sequence, is tangled."""
    owner: dict[int, int] = {}
    tangled: set[int] = set()
    for number, entry in enumerate(entries):
        by_time: dict[float, list[int]] = {}
        for position in entry.events:
            owner[position] = number
            by_time.setdefault(events[position].at, []).append(position)
        if any(steps != sorted(steps) for steps in by_time.values()):
            tangled.add(number)
    after: dict[int, set[int]] = {number: set() for number in range(len(entries))}
    for position in range(1, len(events)):
        first, second = owner[position - 1], owner[position]
        if events[position].at == events[position - 1].at and first != second:
            after[first].add(second)
    waiting = {number: 0 for number in after}
    for followers in after.values():
        for number in followers:
            waiting[number] += 1
    ready = [(entries[n].order, min(entries[n].events), n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    placed: list[int] = []
    while ready:
        *_, number = heapq.heappop(ready)
        placed.append(number)
        for follower in after[number]:
            waiting[follower] -= 1
            if waiting[follower] == 0:
                heapq.heappush(ready, (entries[follower].order, min(entries[follower].events), follower))
    left = set(after) - set(placed)
    tangled |= {number for number in left if _on_cycle(number, after, left)}
    if tangled:
        return None, tangled
    return [entries[number] for number in placed], set()


def _on_cycle(start: int, after: dict[int, set[int]], among: set[int]) -> bool:
    """Whether `start` reaches itself in the precedence graph, through `among` only."""
    stack, seen = list(after[start] & among), set()
    while stack:
        number = stack.pop()
        if number == start:
            return True
        if number not in seen:
            seen.add(number)
            stack.extend(after[number] & among)
    return False


# -- values in the scene file's syntax -------------------------------------------------------------------


def _toml(value: Any) -> str:
    """A field value as TOML; TypeError for what a scene file cannot hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Length):
        return _length(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(str(key))} = {_toml(item)}" for key, item in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(type(value).__name__)


def _number(value: float) -> str:
    """12, 0.5, 1e-05: a whole float is written as an integer (every field reads it back as a float)."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise TypeError("a number that is not finite")
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _decimal(value: float) -> str:
    """`value` as a plain decimal (no exponent), exactly: what lengths and times are written in."""
    if value == 0:
        return "0"
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _length(length: Length) -> str:
    """12 (pixels), "1.2deg" or "50%"."""
    if length.unit == "px":
        return _number(length.value)
    return _string(_decimal(length.value) + length.unit)


def _edges(value: tuple[Length, ...]) -> str:
    """Insets as short as they read back the same: one length, [v, h] or all four."""
    top, right, bottom, left = value
    if top == right == bottom == left:
        return _length(top)
    if top == bottom and right == left:
        return f"[{_length(top)}, {_length(right)}]"
    return "[" + ", ".join(_length(side) for side in value) + "]"


def _time(seconds: float) -> str:
    """ "300ms" below a second where that is exact, else "1.5s"."""
    if 0 < seconds < 1:
        millis = _decimal(seconds * 1000) + "ms"
        if parse_time(millis) == seconds:
            return _string(millis)
    text = _decimal(seconds) + "s"
    if parse_time(text) != seconds:  # a plain decimal of the float's shortest form reads back exactly
        raise SaveError(f"a time of {seconds!r} s cannot be written exactly")
    return _string(text)


def _string(text: str) -> str:
    """A TOML basic string."""
    return '"' + _ESCAPED.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


# -- naming widgets ---------------------------------------------------------------------------------------


def _declared(root: Widget) -> Iterator[Widget]:
    """The widgets of a scene, depth first (not its root)."""
    for child in root.children:
        yield child
        yield from _declared(child)


def _label(widget: Widget) -> str:
    """ "text 'greeting' (app.py:12)": a widget as a save error names it."""
    name = widget.type_name or type(widget).__name__
    shown = f"{name} '{escape(widget.id)}'" if widget.id else name
    if widget.source:
        file, line = widget.source
        shown += f" ({escape(_relative(str(file)))}:{line})"
    return shown


def _relative(file: str) -> str:
    """`file` relative to the working folder when it is inside it, else as it is."""
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive
        return file
    return file if relative.startswith("..") else relative
