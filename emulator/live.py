"""Live edits: an app changes the scene's widgets while it runs (the HTTP API's PATCH, POST and
DELETE on /widgets, and appends to captions).

Field changes become events on the scene's timeline at the scene time they arrive, exactly
like a `[[timeline]]` entry written for that moment: they are validated like the scene file,
they hold against the timeline's earlier events, the timeline's later events still happen,
a caption append scrolls the way a timeline `append` does, and a `visible` change moves the
other widgets aside the way a timeline `show` / `hide` does.

Only the newest edit of each field is kept (an append keeps the text before it and itself), so
a caption streamed word by word for hours costs two events, and its text keeps the newest
words as `Caption.append` does. When scene time goes back (the
scene loops, or a seek) the edits are moved to the new time with the values they had, so
what the app set stays set.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from hud.anim import Event, Timeline
from hud.assets import AssetError, resolve_asset
from hud.devices import DeviceProfile
from hud.errors import FieldError, HudError, SceneError, closest, escape, suggest
from hud.limits import MAX_DEPTH, MAX_TEXT_CHARS, MAX_WIDGETS
from hud.scene import Scene, widget_from_table
from hud.widgets.base import Widget
from hud.widgets.caption import Caption
from hud.widgets.primitives import Image, Text

API_ORDER = 1 << 40  # API events sort after a scene file's own events at the same moment
APPENDABLE = ("caption", "text")


class UnknownWidget(HudError):
    """No widget has the id a request names."""


class NoScene(HudError):
    """A live edit while no scene is loaded."""


def label(widget: Widget) -> str:
    """ "caption 'live'", as errors name a widget."""
    return f"{widget.type_name} '{escape(widget.id)}'" if widget.id else widget.type_name


def key(widget: Widget) -> str:
    """How events and GET /widgets name a widget: its id, else "type@line" (its scene file line)."""
    if widget.id:
        return widget.id
    line = widget.source[1] if widget.source else None
    return f"{widget.type_name}@{line}"


def find(scene: Scene, widget_id: str, shown: str) -> Widget:
    """The declared widget with this id; UnknownWidget when there is none."""
    for widget in declared(scene.root):
        if widget.id == widget_id:
            return widget
    ids = [w.id for w in declared(scene.root) if w.id]
    match = closest(widget_id, ids)
    fix = (
        f"did you mean '{escape(match)}'?"
        if match is not None
        else (f"ids in the scene: {', '.join(escape(i) for i in ids[:12])}" if ids else "the scene has no widget ids")
    )
    raise UnknownWidget(f"{shown}: no widget with id '{escape(widget_id)}' ({fix})")


def declared(root: Widget):  # noqa: ANN201 - an iterator of widgets
    """The widgets a scene declares (not the ones composite widgets build to draw themselves)."""
    for child in root.children if root.accepts_children else ():
        yield child
        yield from declared(child)


def check_fields(widget: Widget, fields: Any, base_dir: Path, shown: str) -> dict[str, Any]:
    """`fields` (a JSON object) validated for `widget` as a timeline `set` is: every name a
    field of its type (not `id`), every value converted. SceneError names the first bad one."""
    where = label(widget)
    if not isinstance(fields, dict) or not fields:
        raise SceneError(
            shown, None, where, "the body must be a JSON object of fields to set", 'e.g. {"text": "Hello"}'
        )
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        prop = widget.props.get(name)
        if prop is None or name == "id":
            names = [p for p in widget.props if p != "id"]
            fix = suggest(name, names, f"fields of {widget.type_name}: {', '.join(names)}")
            problem = (
                "'id' cannot change (DELETE the widget and POST a new one)"
                if name == "id"
                else f"{widget.type_name} has no field '{escape(name)}'"
            )
            raise SceneError(shown, None, where, problem, "" if name == "id" else fix)
        try:
            value = prop.validate(raw)
        except FieldError as exc:
            raise SceneError(shown, None, where, f"'{name}' {exc.problem}", exc.fix) from None
        if isinstance(widget, Image) and name == "src":
            try:
                value = str(resolve_asset(value, base_dir))
            except AssetError as exc:
                raise SceneError(shown, None, where, exc.problem, exc.fix) from None
        values[name] = value
    return values


def check_widget(table: Any, scene: Scene, shown: str) -> Widget:
    """A new top-level widget from a JSON `[[widgets]]` table, checked like the scene file; it
    must have an id (so that PATCH and DELETE can reach it) and fit the scene's limits."""
    if not isinstance(table, dict):
        raise SceneError(
            shown,
            None,
            "widget",
            "the body must be a JSON object: one [[widgets]] table",
            'e.g. {"type": "text", "id": "hello", "text": "Hello"}',
        )
    if "id" not in table:
        kind: str = table["type"] if isinstance(table.get("type"), str) else "widget"
        raise SceneError(
            shown, None, escape(kind), "missing 'id'", "give the widget an id, so PATCH and DELETE can reach it"
        )
    widget = widget_from_table(table, scene, shown=shown)
    count = sum(1 for _ in declared(scene.root)) + 1 + sum(1 for _ in declared(widget))
    if count > MAX_WIDGETS:
        raise SceneError(
            shown,
            None,
            label(widget),
            f"the scene would have {count} widgets; the limit is {MAX_WIDGETS}",
            "remove widgets first (DELETE /widgets/{id})",
        )
    depth = _depth(widget)
    if depth > MAX_DEPTH:
        raise SceneError(
            shown, None, label(widget), f"containers nest {depth} deep; the limit is {MAX_DEPTH}", "flatten the tree"
        )
    return widget


def _depth(widget: Widget) -> int:
    below = [_depth(child) for child in widget.children] if widget.accepts_children else []
    return 1 + max(below, default=0)


def check_append(widget: Widget, text: Any, commit: Any, shown: str) -> tuple[str, bool]:
    """The body of an append: text to add to a caption or text widget, and whether it is
    committed (False: a caption's tentative words, replacing the previous ones)."""
    where = label(widget)
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
        raise SceneError(shown, None, label(widget), f"'{name}' {exc.problem}", exc.fix) from None


class ApiEdits:
    """The API's field changes to one scene, as the newest timeline events per field."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self._events: dict[tuple[int, str], tuple[Widget, list[Event]]] = {}
        self._order = itertools.count(API_ORDER)

    def __len__(self) -> int:
        """How many fields the API holds."""
        return len(self._events)

    @property
    def timeline(self) -> Timeline:
        if self.scene.timeline is None:
            self.scene.timeline = Timeline()
        return self.scene.timeline

    def set(self, widget: Widget, values: dict[str, Any], t: float) -> None:
        """Set validated field values from time `t` on."""
        for name, value in values.items():
            self._replace(widget, name, [Event(t, widget, "set", name, value, order=next(self._order))])

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
        self._replace(
            widget,
            "text",
            [
                Event(t, widget, "set", "text", before, order=next(self._order)),
                Event(t, widget, "append", "text", text, order=next(self._order)),
            ],
        )
        if "partial" in widget.props:
            # Committed words replace the tentative ones for good, even when a later edit of
            # `text` replaces this append.
            self.set(widget, {"partial": ""}, t)
        return after

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

    def _replace(self, widget: Widget, name: str, events: list[Event]) -> None:
        timeline = self.timeline
        old = self._events.pop((id(widget), name), None)
        if old is not None:
            stale = {id(event) for event in old[1]}
            timeline.events[:] = [event for event in timeline.events if id(event) not in stale]
        for event in events:
            timeline.add(event)
        if events:
            self._events[(id(widget), name)] = (widget, events)
