"""Live edits: widgets changed while their scene runs, by the emulator's HTTP API or by an app's
Python (the widget verbs of hud.widgets.verbs), with the same effect on every frame as the
`[[timeline]]` entry written for that moment.

An edit becomes events on the scene's timeline at the scene time it arrives: it is validated
like the scene file (the checks here are the loader's own), it holds against the timeline's
earlier events, the timeline's later events still happen, a caption append scrolls the way a
timeline `append` does, and a `visible` change moves the other widgets aside the way a
timeline `show` / `hide` does.

Only the newest edit of each field is kept, with what it needs to look the same: the edits
before it are replaced by the field's value at that moment, unless something they started
still runs then (an animation of the field, the scroll of an append) or lies ahead (the hide
of a `show(hide_after=...)`). So a caption streamed word by word for hours costs two events,
and its text keeps the newest words as `Caption.append` does. When scene time goes back (the
scene loops, or a seek) the edits are moved to the new time with the values they had, so what
the app set stays set.

Widgets in no scene, or in a scene that has not been drawn yet (it has no time), take a verb's
end state at once (`EndStates`).
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from hud.anim import (
    CAPTION_SCROLL_S,
    EASINGS,
    TRANSITION_S,
    TRANSITIONS,
    Event,
    OffsetEnd,
    Timeline,
    animatable,
    parse_time,
    stored_field,
)
from hud.assets import AssetError, resolve_asset
from hud.devices import DeviceProfile
from hud.errors import FieldError, HudError, SceneError, escape, suggest
from hud.limits import MAX_TEXT_CHARS
from hud.widgets.base import Widget
from hud.widgets.caption import Caption
from hud.widgets.primitives import Text
from hud.widgets.props import Prop, Str, bounded_length, show_value
from hud.widgets.verbs import Place, install_default, label, place_error

API_ORDER = 1 << 40  # live events sort after a scene file's own events at the same moment
APPENDABLE = ("caption", "text")
ID_FIXED = "timelines change fields, not ids: give the new id to another widget"
_APPEND = Prop(Str(MAX_TEXT_CHARS), "")
_APPEND.name = ""
_Checked = TypeVar("_Checked")


class EntryError(HudError):
    """A bad value in a timeline action: `key` locates it in a `[[timeline]]` entry (("set",
    "size"), ("animate", "to")); `problem` and `fix` word it as the scene file's errors do."""

    def __init__(self, key: tuple[str, ...], problem: str, fix: str) -> None:
        self.key, self.problem, self.fix = key, problem, fix
        super().__init__(f"{problem} ({fix})")


class Animation(NamedTuple):
    """A checked `animate` action: its field, end, start (None: the value at the time),
    seconds and easing."""

    field: str
    to: Any
    start: Any
    duration: float
    easing: str


def clip(text: str, most: int = 40) -> str:
    """A name from the user, short enough for one error line."""
    return text if len(text) <= most else text[: most - 3] + "..."


def named(value: Any) -> str:
    """A name the user wrote, in quotes: 'lable' (other values as they are shown)."""
    return f"'{clip(value)}'" if isinstance(value, str) else show_value(value)


def declared(root: Widget) -> Iterator[Widget]:
    """The widgets a scene declares (not the ones composite widgets build to draw themselves)."""
    for child in root.children if root.accepts_children else ():
        yield child
        yield from declared(child)


# -- the checks of a timeline entry's actions (the scene loader's, the API's and the verbs') ------
def check_set_field(widget: Widget, name: str, raw: Any, base_dir: Path | None, id_fix: str = ID_FIXED) -> Any:
    """`raw` converted for the field `name` of `widget`, as a timeline `set` takes it (an image
    path resolved inside `base_dir`, when given); EntryError at ("set", name) otherwise."""
    prop = widget.props.get(name)
    if prop is None or name == "id":
        if name == "id":
            raise EntryError(("set", name), "'id' cannot change", id_fix)
        names = [p for p in widget.props if p != "id"]
        fix = suggest(name, names, f"fields of {widget.type_name}: {', '.join(names)}")
        raise EntryError(("set", name), f"{widget.type_name} has no field '{clip(name)}'", fix)
    try:
        value = prop.validate(raw)
    except FieldError as exc:
        raise EntryError(("set", name), f"'{name}' {exc.problem}", exc.fix) from None
    if base_dir is not None and name == "src" and widget.type_name == "image":
        try:
            value = str(resolve_asset(value, base_dir))
        except AssetError as exc:
            raise EntryError(("set", name), exc.problem, exc.fix) from None
    return value


def check_append_text(widget: Widget, text: Any) -> str:
    """`text` to append to `widget`, as a timeline `append` takes it; EntryError at ("append",)."""
    if widget.type_name not in APPENDABLE:
        raise EntryError(
            ("append",), f"cannot append text to a {widget.type_name}", "target a caption or a text widget"
        )
    try:
        return _APPEND.validate(text)
    except FieldError as exc:
        raise EntryError(("append",), f"'append' {exc.problem}", exc.fix) from None


def appended_too_long(length: int, limit: int, t: float | None) -> EntryError:
    """Appends would make a text longer than its field allows."""
    when = f" at {t:g} s" if t is not None else ""
    return EntryError(
        ("append",),
        f"appends make the text {length} characters long{when}, at most {limit} allowed",
        "set a shorter text before appending, or use a caption, which drops its oldest lines",
    )


def check_animate(
    widget: Widget, name: Any, to: Any, start: Any, duration: Any, easing: Any, start_key: str = "from"
) -> Animation:
    """A timeline `animate` of `widget` checked: `name` a number field or offset_x / offset_y,
    `to` and `start` (None: none given; `start_key` is what the caller calls it) values of it,
    `duration` a time, `easing` a known one. EntryError at ("animate", key) otherwise."""
    if not isinstance(name, str) or not animatable(widget, name):
        numeric = [n for n in widget.props if animatable(widget, n)] + ["offset_x", "offset_y"]
        fix = suggest(str(name), numeric, f"numbers of {widget.type_name}: {', '.join(numeric)}")
        raise EntryError(("animate", "property"), f"cannot animate {named(name)} of a {widget.type_name}", fix)
    ends: dict[str, Any] = {}
    for key, shown, raw in (("from", start_key, start), ("to", "to", to)):
        if raw is None and key == "from":
            continue
        try:
            if raw is None:
                raise ValueError("must be a number, got nothing", f"give the value to animate {key}")
            if name in ("offset_x", "offset_y"):
                ends[key] = OffsetEnd(bounded_length(raw, signed=True))
            else:
                ends[key] = widget.props[name].validate(raw)
        except FieldError as exc:
            raise EntryError(("animate", key), f"'{shown}' {exc.problem}", exc.fix) from None
        except ValueError as exc:
            raise EntryError(("animate", key), f"'{shown}' {exc.args[0]}", exc.args[1]) from None
    try:
        seconds = parse_time(duration)
    except ValueError as exc:
        raise EntryError(("animate", "duration"), f"'duration': {exc}", 'e.g. duration = "300ms"') from None
    if not isinstance(easing, str) or easing not in EASINGS:
        raise EntryError(
            ("animate", "easing"),
            f"unknown easing {named(easing)}",
            suggest(str(easing), list(EASINGS), f"use one of {', '.join(EASINGS)}"),
        )
    return Animation(name, ends["to"], ends.get("from"), seconds, easing)


def no_start(field: str, t: float, start_key: str = "from") -> EntryError:
    """An animation of a field that has no value to start from at `t`."""
    return EntryError(
        ("animate",),
        f"'{field}' has no value at {t:g} s to animate from",
        f"add {start_key} = ... to the animation, or give the field a value first",
    )


def check_transition(action: str, transition: Any, duration: Any, hide_after: Any) -> tuple[str, float, float | None]:
    """A timeline `show` or `hide` checked: (transition, seconds, hide_after seconds or None);
    `duration` None is TRANSITION_S. EntryError at (action, key) otherwise."""
    if not isinstance(transition, str) or transition not in TRANSITIONS:
        raise EntryError(
            (action, "transition"),
            f"unknown transition {named(transition)}",
            suggest(str(transition), TRANSITIONS, f"use one of {', '.join(TRANSITIONS)}"),
        )
    times: dict[str, float] = {}
    for key, raw in (("duration", duration), ("hide_after", hide_after)):
        if raw is not None:
            try:
                times[key] = parse_time(raw)
            except ValueError as exc:
                raise EntryError((action, key), f"'{key}': {exc}", 'e.g. "300ms" or "4s"') from None
    return transition, times.get("duration", TRANSITION_S), times.get("hide_after")


# -- the HTTP API's bodies ----------------------------------------------------------------------
def check_fields(widget: Widget, fields: Any, base_dir: Path, shown: str) -> dict[str, Any]:
    """`fields` (a JSON object) validated for `widget` as a timeline `set` is: every name a
    field of its type (not `id`), every value converted. SceneError names the first bad one."""
    where = escape(label(widget))
    if not isinstance(fields, dict) or not fields:
        raise SceneError(
            shown, None, where, "the body must be a JSON object of fields to set", 'e.g. {"text": "Hello"}'
        )
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        try:
            values[name] = check_set_field(widget, name, raw, base_dir, "DELETE the widget and POST a new one")
        except EntryError as exc:
            raise SceneError(shown, None, where, escape(exc.problem), escape(exc.fix)) from None
    return values


def check_append(widget: Widget, text: Any, commit: Any, shown: str) -> tuple[str, bool]:
    """The body of an append: text to add to a caption or text widget, and whether it is
    committed (False: a caption's tentative words, replacing the previous ones)."""
    where = escape(label(widget))
    if widget.type_name not in APPENDABLE:
        raise SceneError(
            shown, None, where, f"cannot append text to a {widget.type_name}", "target a caption or a text widget"
        )
    if not isinstance(text, str):
        raise SceneError(
            shown, None, where, f"'text' must be a string, got {type(text).__name__}", 'e.g. {"text": "next words"}'
        )
    if len(text) > MAX_TEXT_CHARS:
        raise SceneError(
            shown,
            None,
            where,
            f"'text' is {len(text)} characters long; the limit is {MAX_TEXT_CHARS}",
            "send it in smaller pieces",
        )
    if not isinstance(commit, bool):
        raise SceneError(
            shown,
            None,
            where,
            f"'commit' must be true or false, got {escape(repr(commit))}",
            "true adds the words for good; false shows them as tentative",
        )
    if not commit and "partial" not in widget.props:
        raise SceneError(
            shown, None, where, "only a caption shows tentative words", 'send "commit": true to a text widget'
        )
    return text, commit


def _checked(widget: Widget, name: str, value: str, shown: str) -> str:
    """`value` validated for the widget's field `name`; SceneError (naming it) when too long."""
    try:
        return widget.props[name].validate(value)
    except FieldError as exc:
        raise SceneError(shown, None, escape(label(widget)), f"'{name}' {exc.problem}", exc.fix) from None


# -- the edits ----------------------------------------------------------------------------------
class LiveScene(Protocol):
    """What live edits use of a scene (hud.scene.Scene)."""

    @property
    def root(self) -> Widget: ...

    @property
    def timeline(self) -> Timeline | None: ...

    @timeline.setter
    def timeline(self, timeline: Timeline | None) -> None: ...

    @property
    def time(self) -> float | None: ...

    @property
    def time_device(self) -> DeviceProfile | None: ...

    @property
    def edits(self) -> ApiEdits: ...

    def apply_timeline(self, t: float, device: DeviceProfile | None = None) -> None: ...


class ApiEdits:
    """The live edits of one scene, as the newest timeline events per field (see the module)."""

    def __init__(self, scene: LiveScene) -> None:
        self.scene = scene
        self._events: dict[tuple[int, str], tuple[Widget, list[Event]]] = {}
        self._order = itertools.count(API_ORDER)

    def __len__(self) -> int:
        """How many fields the edits hold."""
        return len(self._events)

    @property
    def timeline(self) -> Timeline:
        """The scene's timeline (a new one when it has none)."""
        timeline = self.scene.timeline
        if timeline is None:
            timeline = self.scene.timeline = Timeline()
        return timeline

    def set(self, widget: Widget, values: dict[str, Any], t: float) -> None:
        """Set validated field values from time `t` on."""
        for name, value in values.items():
            self._edit(widget, name, [Event(t, widget, "set", name, value, order=next(self._order))], t)

    def append(
        self,
        widget: Widget,
        text: str,
        commit: bool,
        t: float,
        device: DeviceProfile | None = None,
        shown: str = "append",
    ) -> str:
        """Add `text` to a caption or text widget at `t`, as a timeline `append` does (a
        caption's uncommitted text replaces its tentative words instead); returns the widget's
        text afterwards. SceneError when the text would grow past the field's limit."""
        assert isinstance(widget, (Caption, Text)), "check_append admits captions and text widgets only"
        self.scene.apply_timeline(t, device)  # the widget holds its value at t
        if not commit:
            self.set(widget, {"partial": _checked(widget, "partial", text, shown)}, t)
            return widget.text
        before = widget.text
        after = _checked(widget, "text", widget.appended(before, text), shown)
        self._edit(
            widget,
            "text",
            [
                Event(t, widget, "set", "text", before, order=next(self._order)),
                Event(t, widget, "append", "text", text, order=next(self._order)),
            ],
            t,
        )
        if "partial" in widget.props:
            # Committed words replace the tentative ones for good, even when a later edit of
            # `text` replaces this append.
            self.set(widget, {"partial": ""}, t)
        return after

    def animate(self, widget: Widget, animation: Animation, t: float, device: DeviceProfile | None = None) -> None:
        """Animate a field from `t`, as a timeline `animate` does."""
        self.scene.apply_timeline(t, device)
        bake = next(self._order)
        field, to, start, duration, easing = animation
        event = Event(t, widget, "animate", field, to, start, duration, easing, next(self._order))
        self._edit(widget, stored_field(field), [event], t, bake)

    def show(
        self,
        widget: Widget,
        transition: str,
        duration: float,
        hide_after: float | None,
        t: float,
        device: DeviceProfile | None = None,
    ) -> None:
        """Show the widget from `t`, as a timeline `show` does."""
        self.scene.apply_timeline(t, device)
        bake = next(self._order)
        events = self.timeline.show_events(t, widget, transition, duration, next(self._order), hide_after)
        self._edit_fields(widget, events, t, bake)

    def hide(
        self, widget: Widget, transition: str, duration: float, t: float, device: DeviceProfile | None = None
    ) -> None:
        """Hide the widget from `t`, as a timeline `hide` does."""
        self.scene.apply_timeline(t, device)
        bake = next(self._order)
        events = self.timeline.hide_events(t, widget, transition, duration, next(self._order))
        self._edit_fields(widget, events, t, bake)

    def rebase(self, before: float, t: float, device: DeviceProfile | None = None) -> None:
        """Scene time jumps back from `before` to `t`: every edit becomes a set at `t` of the
        value it had at `before`."""
        if not self._events:
            return
        self.scene.apply_timeline(before, device)
        for (_, name), (widget, _) in list(self._events.items()):
            self._replace(widget, name, [Event(t, widget, "set", name, getattr(widget, name), order=next(self._order))])

    def forget(self, widgets: list[Widget]) -> None:
        """Drop the edits of widgets taken out of the scene."""
        gone = {id(widget) for widget in widgets}
        for key in [key for key in self._events if key[0] in gone]:
            self._replace(self._events[key][0], key[1], [])

    def _edit_fields(self, widget: Widget, events: list[Event], t: float, bake: int) -> None:
        """`_edit` each field that `events` change, with its own events."""
        fields: dict[str, list[Event]] = {}
        for event in events:
            fields.setdefault(stored_field(event.field), []).append(event)
        for name, group in fields.items():
            self._edit(widget, name, group, t, bake)

    def _edit(self, widget: Widget, name: str, events: list[Event], t: float, bake: int | None = None) -> None:
        """Make `events` (all on the field `name`, from `t` on) the field's newest edit. The
        earlier edits of the field are dropped when that changes no frame from `t` on: then
        they are replaced by the field's value at `t` (a set ordered `bake`, before `events`),
        unless `events` open with a set at `t`; edits still to come stay. The widget must hold
        its value at `t`."""
        old = self._events.get((id(widget), name), (widget, []))[1]
        past = [event for event in old if event.at <= t]
        if past and self._running(widget, name, events, t):
            self._replace(widget, name, old + events)
            return
        opens = events[0].kind == "set" and events[0].at == t
        lead = []
        if past and not opens:
            assert bake is not None, "edits that do not open with a set give an order for the field's value"
            lead = [Event(t, widget, "set", name, getattr(widget, name), order=bake)]
        self._replace(widget, name, lead + events + [event for event in old if event.at > t])

    def _running(self, widget: Widget, name: str, events: list[Event], t: float) -> bool:
        """Whether something the timeline started before `t` on the field still runs at `t` in
        a way `events` do not cover: an animation (unless they open with a set at `t`), or the
        scroll of an append (unless they append too)."""
        opens = events[0].kind == "set" and events[0].at == t
        appends = any(event.kind == "append" for event in events)
        for event in self.timeline.events:
            if event.target is not widget or stored_field(event.field) != name or event.at > t:
                continue
            if event.kind == "animate" and not opens and t < event.at + event.duration:
                return True
            if event.kind == "append" and not appends and t < event.at + CAPTION_SCROLL_S:
                return True
        return False

    def _replace(self, widget: Widget, name: str, events: list[Event]) -> None:
        timeline = self.timeline
        old = self._events.pop((id(widget), name), None)
        if old is not None:
            timeline.remove(old[1])
        for event in events:
            timeline.add(event)
        if events:
            self._events[(id(widget), name)] = (widget, events)


# -- the widget verbs ---------------------------------------------------------------------------
def _at(place: Place, widget: Widget, check: Callable[[], _Checked]) -> _Checked:
    """`check()`, its EntryError as a SceneError at the app's `place`."""
    try:
        return check()
    except EntryError as exc:
        raise place_error(place, label(widget), exc.problem, exc.fix) from None


def _fields(widget: Widget, fields: dict[str, Any]) -> dict[str, Any]:
    if not fields:
        raise EntryError(("set",), "set() needs at least one field", 'e.g. widget.set(text="Hello")')
    return {name: check_set_field(widget, name, raw, None) for name, raw in fields.items()}


def _appended(widget: Widget, more: str, t: float | None) -> str:
    """The widget's text with `more` appended; EntryError past the field's limit."""
    assert isinstance(widget, (Caption, Text)), "check_append_text admits captions and text widgets only"
    after = widget.appended(widget.text, more)
    kind = widget.props["text"].kind
    limit = kind.max_len if isinstance(kind, Str) else MAX_TEXT_CHARS
    if len(after) > limit:
        raise appended_too_long(len(after), limit, t)
    return after


class EndStates:
    """The verbs of widgets in no scene, or in a scene not drawn yet: each verb's end state at
    once (a `show` with `hide_after` is refused: nothing times the hide)."""

    def set(self, widget: Widget, fields: dict[str, Any], place: Place) -> None:
        for name, value in _at(place, widget, lambda: _fields(widget, fields)).items():
            setattr(widget, name, value)

    def animate(self, widget: Widget, name: str, to: Any, duration: Any, easing: Any, start: Any, place: Place) -> None:
        animation = _at(place, widget, lambda: check_animate(widget, name, to, start, duration, easing, "start"))
        if animation.field in ("offset_x", "offset_y"):
            offset = list(widget.offset)
            offset[0 if animation.field == "offset_x" else 1] = animation.to.length
            widget.offset = tuple(offset)
        else:
            setattr(widget, animation.field, animation.to)

    def show(self, widget: Widget, transition: Any, duration: Any, hide_after: Any, place: Place) -> None:
        _, _, after = _at(place, widget, lambda: check_transition("show", transition, duration, hide_after))
        if after is not None:
            raise place_error(
                place,
                label(widget),
                "'hide_after' needs a scene that is being drawn: the hide is timed from the scene's time",
                "draw a frame of the scene first, or call hide() when it is time",
            )
        widget.visible = True

    def hide(self, widget: Widget, transition: Any, duration: Any, place: Place) -> None:
        _at(place, widget, lambda: check_transition("hide", transition, duration, None))
        widget.visible = False

    def append(self, widget: Widget, more: Any, place: Place) -> None:
        text = _at(place, widget, lambda: check_append_text(widget, more))
        after = _at(place, widget, lambda: _appended(widget, text, None))
        if isinstance(widget, Caption):
            widget.partial = ""
        widget.text = after

    def replace_partial(self, widget: Widget, partial: Any, place: Place) -> None:
        value = _at(place, widget, lambda: check_set_field(widget, "partial", partial, None))
        assert isinstance(widget, Caption), "only a caption has replace_partial"
        widget.partial = value


class SceneEditor(EndStates):
    """The verbs of the widgets in one scene: once the scene has been drawn, timeline events at
    its time, kept by its ApiEdits as the HTTP API's are; before that (or once the scene is
    gone), end states at once. It holds the scene weakly: the scene's tree is its key."""

    def __init__(self, scene: LiveScene) -> None:
        self._scene = weakref.ref(scene)

    def _now(self) -> tuple[LiveScene, float] | None:
        """The scene and its time, every widget holding its value then (None: not drawn yet)."""
        scene = self._scene()
        if scene is None or scene.time is None:
            return None
        scene.apply_timeline(scene.time, scene.time_device)
        return scene, scene.time

    @staticmethod
    def _done(scene: LiveScene, t: float) -> None:
        """After an edit at `t`: the widgets hold their values at `t`, the edit's included."""
        scene.apply_timeline(t, scene.time_device)

    def set(self, widget: Widget, fields: dict[str, Any], place: Place) -> None:
        now = self._now()
        if now is None:
            super().set(widget, fields, place)
            return
        scene, t = now
        scene.edits.set(widget, _at(place, widget, lambda: _fields(widget, fields)), t)
        self._done(scene, t)

    def animate(self, widget: Widget, name: str, to: Any, duration: Any, easing: Any, start: Any, place: Place) -> None:
        now = self._now()
        if now is None:
            super().animate(widget, name, to, duration, easing, start, place)
            return
        scene, t = now
        animation = _at(place, widget, lambda: check_animate(widget, name, to, start, duration, easing, "start"))
        if animation.start is None and getattr(widget, stored_field(animation.field)) is None:
            missing = no_start(animation.field, t, "start")
            raise place_error(place, label(widget), missing.problem, missing.fix)
        scene.edits.animate(widget, animation, t, scene.time_device)
        self._done(scene, t)

    def show(self, widget: Widget, transition: Any, duration: Any, hide_after: Any, place: Place) -> None:
        now = self._now()
        if now is None:
            super().show(widget, transition, duration, hide_after, place)
            return
        scene, t = now
        checked = _at(place, widget, lambda: check_transition("show", transition, duration, hide_after))
        scene.edits.show(widget, *checked, t, scene.time_device)
        self._done(scene, t)

    def hide(self, widget: Widget, transition: Any, duration: Any, place: Place) -> None:
        now = self._now()
        if now is None:
            super().hide(widget, transition, duration, place)
            return
        scene, t = now
        kind, seconds, _ = _at(place, widget, lambda: check_transition("hide", transition, duration, None))
        scene.edits.hide(widget, kind, seconds, t, scene.time_device)
        self._done(scene, t)

    def append(self, widget: Widget, more: Any, place: Place) -> None:
        now = self._now()
        if now is None:
            super().append(widget, more, place)
            return
        scene, t = now
        text = _at(place, widget, lambda: check_append_text(widget, more))
        _at(place, widget, lambda: _appended(widget, text, t))
        scene.edits.append(widget, text, True, t, scene.time_device, place[0])
        self._done(scene, t)

    def replace_partial(self, widget: Widget, partial: Any, place: Place) -> None:
        now = self._now()
        if now is None:
            super().replace_partial(widget, partial, place)
            return
        scene, t = now
        value = _at(place, widget, lambda: check_set_field(widget, "partial", partial, None))
        scene.edits.set(widget, {"partial": value}, t)
        self._done(scene, t)


install_default(EndStates())
