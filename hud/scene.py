"""Scenes: a titled widget tree for a device, built in Python or loaded from a TOML file.

Scene files are data: parsed with tomllib, every field validated against the widget
declarations, image paths kept inside the scene's folder. Any problem is one SceneError
naming the file, the line, the widget, what is wrong and how to fix it.
"""
from __future__ import annotations

import difflib
import json
import tomllib
from pathlib import Path
from typing import Any

from hud.anim import EASINGS, TRANSITIONS, Event, Timeline, animatable, parse_time
from hud.assets import AssetError, resolve_asset
from hud.gestures import ACTIONS, GESTURES, Binding
from hud.geometry import Length, parse_length
from hud.devices import builtin_names, load_device
from hud.errors import DeviceError, FieldError, SceneError
from hud.layout import Screen
from hud.tomlpos import TomlPositions, toml_error_line
from hud.widgets import WIDGET_TYPES, Widget, create_widget
from hud.widgets.primitives import Image
from hud.widgets.props import LengthKind, Prop

SCENE_KEYS = {
    "title": "Title shown in tools.",
    "duration": "How long the scene runs (\"10s\"); default: until the last timeline event ends, plus 1 s.",
    "device": "Device profile the scene is designed for (default quark-s1).",
    "targets": "Every device profile the scene is meant for (default: just `device`); `make demo` renders each.",
    "gap": "Space between top-level widgets that share a zone, and between zones (px or deg; default 0.3deg).",
}
DEFAULT_DEVICE = "quark-s1"
TIMELINE_KEYS = {"at": "When, e.g. \"1.5s\" or \"300ms\".", "target": "Id of the widget.",
                 "set": "Fields to set: { distance_m = 80 }.", "append": "Text to append to a caption or text.",
                 "animate": "{ property, from, to, duration, easing } for a numeric field or offset_x / offset_y.",
                 "show": "{ transition = fade | slide | none, duration, hide_after }.",
                 "hide": "{ transition = fade | slide | none, duration }."}
ANIMATE_KEYS = ("property", "from", "to", "duration", "easing")


class Scene:
    """A widget tree plus the scene's title and target device."""

    def __init__(self, *widgets: Widget, title: str = "", device: str = DEFAULT_DEVICE,
                 targets: tuple[str, ...] = (), path: Path | None = None,
                 gap: Length | float | str | None = None) -> None:
        self.title = title
        self._gap: Length | None = None if gap is None else _gap(gap)
        self.device = device
        self.targets = targets or (device,)
        self.path = path
        self.timeline: Timeline | None = None
        self.bindings: list[Binding] = []     # [[gestures]]: gesture -> built-in action
        self.duration: float | None = None
        self.root = Screen()
        for widget in widgets:
            self.root.add(widget)

    @property
    def gap(self) -> Length | None:
        """Space between top-level widgets that share a zone, and between zones (None: 0.3 deg)."""
        return self._gap

    @gap.setter
    def gap(self, value: Length | float | str | None) -> None:
        self._gap = None if value is None else _gap(value)
        self.root.mark_layout()

    @property
    def length(self) -> float:
        """Seconds the scene runs: [scene] duration, else the timeline's end plus one second."""
        if self.duration is not None:
            return self.duration
        return self.timeline.end + 1.0 if self.timeline else 0.0

    def apply_timeline(self, t: float) -> None:
        """Bring every field the timeline touches to its value at time `t`."""
        if self.timeline is not None:
            self.timeline.apply(t)

    @property
    def widgets(self) -> tuple[Widget, ...]:
        """Top-level widgets."""
        return self.root.children

    def add(self, widget: Widget) -> Widget:
        """Add a top-level widget and return it."""
        return self.root.add(widget)

    def find(self, widget_id: str) -> Widget | None:
        """The widget with this id, or None."""
        return self.root.find(widget_id)

    def __getitem__(self, widget_id: str) -> Widget:
        widget = self.find(widget_id)
        if widget is None:
            raise KeyError(f"no widget with id '{widget_id}'")
        return widget


def load_scene(path: str | Path) -> Scene:
    """Read and validate a scene file; raises SceneError on any problem."""
    file = Path(path)
    shown = str(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise SceneError(shown, None, "", "file not found", "check the path") from None
    except OSError as exc:
        raise SceneError(shown, None, "", f"cannot read the file ({exc.strerror})", "check its permissions") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # editors may save a byte-order mark
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SceneError(shown, line, "", "the file is not valid UTF-8", "save it as UTF-8") from None
    scene = parse_scene(text, shown, file.parent)
    scene.path = file
    return scene


def parse_scene(text: str, shown: str = "<scene>", base_dir: Path | None = None) -> Scene:
    """Build a Scene from TOML text; `base_dir` is where relative image paths start."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        # "(at end of document)" carries no line: point at the last line.
        line = toml_error_line(message) or len(text.rstrip().splitlines()) or 1
        problem = message.split(" (at ")[0]
        raise SceneError(shown, line, "", f"TOML syntax error: {problem}",
                         "check quotes, brackets and '=' on that line") from None
    builder = _Builder(shown, TomlPositions(text), base_dir or Path.cwd())
    return builder.scene(data)


def widget_from_table(table: Any, scene: Scene, shown: str = "<request>") -> Widget:
    """A widget built from one `[[widgets]]` table (e.g. parsed JSON), checked as in a scene file.

    Ids already used in `scene` count as taken; image paths resolve inside the scene's folder.
    Raises SceneError naming `shown` and the problem (no line: the table has none).
    """
    base_dir = scene.path.parent if scene.path is not None else Path.cwd()
    builder = _Builder(shown, TomlPositions(""), base_dir)
    builder.has_lines = False
    for widget in scene.root.walk():
        if widget.id is not None:
            builder.ids[widget.id] = ()
    return builder.widget(table, ())


class _Builder:
    def __init__(self, shown: str, positions: TomlPositions, base_dir: Path) -> None:
        self.shown, self.positions, self.base_dir = shown, positions, base_dir
        self.ids: dict[str, tuple] = {}
        self.has_lines = True                 # False for tables that come from no file (JSON)

    def fail(self, path: tuple, where: str, problem: str, fix: str) -> SceneError:
        line = (self.positions.line_of(path) or 1) if self.has_lines else None
        return SceneError(self.shown, line, where, problem, fix)

    def scene(self, data: dict[str, Any]) -> Scene:
        for key in data:
            if key not in ("scene", "widgets", "timeline", "gestures"):
                close = difflib.get_close_matches(key, ["scene", "widgets", "timeline", "gestures"], n=1)
                if key in SCENE_KEYS:
                    fix = f"move '{key}' under the [scene] table"
                else:
                    fix = (f"did you mean '{close[0]}'?" if close
                           else "a scene has a [scene] table, [[widgets]] and optionally [[timeline]]")
                raise self.fail((key,), "scene", f"unknown top-level key '{key}'", fix)
        header = data.get("scene", {})
        if not isinstance(header, dict):
            raise self.fail(("scene",), "scene", "'scene' must be a table", "write it as [scene]")
        for key, value in header.items():
            if key not in SCENE_KEYS:
                close = difflib.get_close_matches(key, list(SCENE_KEYS), n=1)
                fix = f"did you mean '{close[0]}'?" if close else f"[scene] takes {', '.join(SCENE_KEYS)}"
                raise self.fail(("scene", key), "scene", f"unknown key '{key}'", fix)
            if key == "targets":
                if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                    raise self.fail(("scene", key), "scene", f"'targets' must be a list of device names, got {value!r}",
                                    'e.g. targets = ["quark-s1", "even-g2"]')
            elif key == "gap":
                try:
                    _gap(value)
                except FieldError as exc:
                    raise self.fail(("scene", key), "scene", f"'gap' {exc.problem}", exc.fix) from None
            elif key == "duration":
                try:
                    parse_time(value)
                except ValueError as exc:
                    raise self.fail(("scene", key), "scene", f"'duration': {exc}", 'e.g. duration = "10s"') from None
            elif not isinstance(value, str):
                raise self.fail(("scene", key), "scene", f"'{key}' must be a string, got {value!r}",
                                "put it in quotes")
        for key in ("device", "targets"):
            names = header.get(key, [])
            for index, name in enumerate([names] if isinstance(names, str) else names):
                try:
                    load_device(name)
                except DeviceError as exc:
                    at = ("scene", key) if isinstance(names, str) else ("scene", key, index)
                    close = difflib.get_close_matches(name, builtin_names(), n=1)
                    fix = f"did you mean '{close[0]}'? see `hud devices`" if close else "see `hud devices` for the names"
                    raise self.fail(at, "scene", str(exc).split(" (")[0], fix) from None
        widgets = data.get("widgets", [])
        if not isinstance(widgets, list):
            raise self.fail(("widgets",), "scene", "'widgets' must be an array of tables",
                            "write each widget as [[widgets]]")
        device = header.get("device", DEFAULT_DEVICE)
        scene = Scene(title=header.get("title", ""), device=device, targets=tuple(header.get("targets", [device])),
                      gap=header.get("gap"))
        for index, item in enumerate(widgets):
            scene.add(self.widget(item, ("widgets", index)))
        entries = data.get("timeline", [])
        if not isinstance(entries, list):
            raise self.fail(("timeline",), "timeline", "'timeline' must be an array of tables",
                            "write each entry as [[timeline]]")
        if entries:
            scene.timeline = Timeline()
            for index, entry in enumerate(entries):
                self.timeline_entry(scene, entry, ("timeline", index), index)
        if "duration" in header:
            scene.duration = parse_time(header["duration"])
        bindings = data.get("gestures", [])
        if not isinstance(bindings, list):
            raise self.fail(("gestures",), "gestures", "'gestures' must be an array of tables",
                            "write each binding as [[gestures]]")
        for index, entry in enumerate(bindings):
            scene.bindings.append(self.binding(scene, entry, ("gestures", index)))
        return scene

    def target(self, scene: Scene, target_id: Any, path: tuple, where: str) -> Widget:
        """The widget a timeline entry or gesture binding names, or a one-line error."""
        widget = scene.find(target_id) if isinstance(target_id, str) else None
        if widget is None:
            ids = [w.id for w in scene.root.walk() if w.id]
            close = difflib.get_close_matches(str(target_id), ids, n=1)
            fix = f"did you mean '{close[0]}'?" if close else "give the widget an id and use it here"
            raise self.fail(path + ("target",), where, f"no widget with id {target_id!r}", fix)
        return widget

    def binding(self, scene: Scene, entry: Any, path: tuple) -> Binding:
        """Validate one [[gestures]] binding."""
        where = "gestures"
        if not isinstance(entry, dict):
            raise self.fail(path, where, "a gesture binding must be a table", "write it as [[gestures]]")
        for key in entry:
            if key not in ("gesture", "action", "target"):
                close = difflib.get_close_matches(key, ["gesture", "action", "target"], n=1)
                raise self.fail(path + (key,), where, f"unknown key '{key}'",
                                f"did you mean '{close[0]}'?" if close else "a binding takes gesture, action, target")
        for key in ("gesture", "action", "target"):
            if key not in entry:
                raise self.fail(path, where, f"missing '{key}'", f"add {key} = ...")
        choices = {"gesture": GESTURES, "action": tuple(ACTIONS)}
        for key, allowed in choices.items():
            if entry[key] not in allowed:
                close = difflib.get_close_matches(str(entry[key]), allowed, n=1)
                fix = f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(allowed)}"
                raise self.fail(path + (key,), where, f"unknown {key} {entry[key]!r}", fix)
        target = entry["target"]
        widget = self.target(scene, target, path, where)
        if entry["action"] in ("scroll_back", "scroll_forward") and "back" not in widget.props:
            raise self.fail(path + ("action",), where, f"{entry['action']} needs a caption or text target",
                            "bind it to a caption")
        if entry["action"] in ("next", "previous") and not widget.accepts_children:
            raise self.fail(path + ("action",), where, f"{entry['action']} needs a container target",
                            "bind it to a stack, column or row whose children are cards")
        return Binding(entry["gesture"], entry["action"], target)

    def timeline_entry(self, scene: Scene, entry: Any, path: tuple, order: int) -> None:
        """Validate one [[timeline]] entry and add its events."""
        where = "timeline"
        if not isinstance(entry, dict):
            raise self.fail(path, where, "a timeline entry must be a table", "write it as [[timeline]]")
        for key in entry:
            if key not in TIMELINE_KEYS:
                close = difflib.get_close_matches(key, list(TIMELINE_KEYS), n=1)
                fix = f"did you mean '{close[0]}'?" if close else f"entries take {', '.join(TIMELINE_KEYS)}"
                raise self.fail(path + (key,), where, f"unknown key '{key}'", fix)
        for key in ("at", "target"):
            if key not in entry:
                raise self.fail(path, where, f"missing '{key}'", f"add {key} = ...")
        try:
            at = parse_time(entry["at"])
        except ValueError as exc:
            raise self.fail(path + ("at",), where, f"'at': {exc}", 'e.g. at = "1.5s"') from None
        target_id = entry["target"]
        target = self.target(scene, target_id, path, where)
        where = f"timeline '{target_id}'"
        actions = [key for key in ("set", "append", "animate", "show", "hide") if key in entry]
        if len(actions) != 1:
            raise self.fail(path, where, "an entry needs exactly one of set, append, animate, show, hide",
                            "split it into one entry per action")
        action = actions[0]
        timeline = scene.timeline
        value = entry[action]
        if action == "set":
            if not isinstance(value, dict) or not value:
                raise self.fail(path + ("set",), where, "'set' must be a table of fields",
                                "e.g. set = { distance_m = 80 }")
            for name, raw in value.items():
                prop = target.props.get(name)
                if prop is None or name == "id":
                    close = difflib.get_close_matches(name, list(target.props), n=1)
                    fix = f"did you mean '{close[0]}'?" if close else f"fields of {target.type_name}: {', '.join(target.props)}"
                    raise self.fail(path + ("set", name), where, f"{target.type_name} has no field '{name}'", fix)
                try:
                    converted = prop.validate(raw)
                except FieldError as exc:
                    raise self.fail(path + ("set", name), where, f"'{name}' {exc.problem}", exc.fix) from None
                timeline.add(Event(at, target, "set", name, converted, order=order))
        elif action == "append":
            if not isinstance(value, str):
                raise self.fail(path + ("append",), where, "'append' must be a string", "put the text in quotes")
            if "text" not in target.props or target.type_name not in ("caption", "text"):
                raise self.fail(path + ("append",), where, f"cannot append text to a {target.type_name}",
                                "target a caption or a text widget")
            timeline.add(Event(at, target, "append", "text", value, order=order))
        elif action == "animate":
            self.animate_entry(timeline, target, value, at, path + ("animate",), where, order)
        else:
            self.transition_entry(timeline, target, action, value, at, path + (action,), where, order)

    def animate_entry(self, timeline: Timeline, target: Widget, value: Any, at: float, path: tuple,
                      where: str, order: int) -> None:
        if not isinstance(value, dict):
            raise self.fail(path, where, "'animate' must be a table",
                            'e.g. animate = { property = "brightness", to = 1.0, duration = "300ms" }')
        for key in value:
            if key not in ANIMATE_KEYS:
                close = difflib.get_close_matches(key, ANIMATE_KEYS, n=1)
                raise self.fail(path + (key,), where, f"unknown key '{key}' in animate",
                                f"did you mean '{close[0]}'?" if close else f"animate takes {', '.join(ANIMATE_KEYS)}")
        for key in ("property", "to", "duration"):
            if key not in value:
                raise self.fail(path, where, f"animate is missing '{key}'", f"add {key} = ...")
        name = value["property"]
        if not isinstance(name, str) or not animatable(target, name):
            numeric = [n for n in target.props if animatable(target, n)] + ["offset_x", "offset_y"]
            close = difflib.get_close_matches(str(name), numeric, n=1)
            fix = f"did you mean '{close[0]}'?" if close else f"numbers of {target.type_name}: {', '.join(numeric)}"
            raise self.fail(path + ("property",), where, f"cannot animate {name!r} of a {target.type_name}", fix)
        ends = {}
        for key in ("from", "to"):
            if key not in value:
                continue
            raw = value[key]
            try:
                if name in ("offset_x", "offset_y"):
                    ends[key] = _offset_px(raw)
                else:
                    ends[key] = target.props[name].validate(raw)
            except (FieldError, ValueError) as exc:
                problem = exc.problem if isinstance(exc, FieldError) else str(exc)
                raise self.fail(path + (key,), where, f"'{key}' {problem}", "give a number in the field's range") from None
        try:
            duration = parse_time(value["duration"])
        except ValueError as exc:
            raise self.fail(path + ("duration",), where, f"'duration': {exc}", 'e.g. duration = "300ms"') from None
        easing = value.get("easing", "linear")
        if easing not in EASINGS:
            close = difflib.get_close_matches(str(easing), list(EASINGS), n=1)
            raise self.fail(path + ("easing",), where, f"unknown easing {easing!r}",
                            f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(EASINGS)}")
        timeline.add(Event(at, target, "animate", name, ends["to"], ends.get("from"), duration, easing, order))

    def transition_entry(self, timeline: Timeline, target: Widget, action: str, value: Any, at: float,
                         path: tuple, where: str, order: int) -> None:
        if not isinstance(value, dict):
            raise self.fail(path, where, f"'{action}' must be a table",
                            f'e.g. {action} = {{ transition = "fade", duration = "300ms" }}')
        allowed = ("transition", "duration", "hide_after") if action == "show" else ("transition", "duration")
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                raise self.fail(path + (key,), where, f"unknown key '{key}' in {action}",
                                f"did you mean '{close[0]}'?" if close else f"{action} takes {', '.join(allowed)}")
        transition = value.get("transition", "fade")
        if transition not in TRANSITIONS:
            close = difflib.get_close_matches(str(transition), TRANSITIONS, n=1)
            raise self.fail(path + ("transition",), where, f"unknown transition {transition!r}",
                            f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(TRANSITIONS)}")
        times = {}
        for key in ("duration", "hide_after"):
            if key in value:
                try:
                    times[key] = parse_time(value[key])
                except ValueError as exc:
                    raise self.fail(path + (key,), where, f"'{key}': {exc}", 'e.g. "300ms" or "4s"') from None
        duration = times.get("duration", 0.3)
        if action == "show":
            timeline.show(at, target, transition, duration, order, times.get("hide_after"))
        else:
            timeline.hide(at, target, transition, duration, order)

    def widget(self, item: Any, path: tuple) -> Widget:
        if not isinstance(item, dict):
            raise self.fail(path, "widget", f"a widget must be a table, got {item!r}",
                            "write it as [[widgets]] with type = \"...\"")
        type_name = item.get("type")
        where = self._where(item)
        if type_name is None:
            raise self.fail(path, where, "missing 'type'",
                            f"add type = \"...\", one of {', '.join(sorted(WIDGET_TYPES))}")
        if not isinstance(type_name, str):
            raise self.fail(path + ("type",), where, f"'type' must be a string, got {type_name!r}", "put it in quotes")
        fields = {k: v for k, v in item.items() if k not in ("type", "children")}
        # The widget's own fields come first, then its children: errors and duplicate ids
        # are then reported in the order they appear in the file.
        try:
            widget = create_widget(type_name, fields)
        except FieldError as exc:
            if exc.field == "type":
                raise self.fail(path + ("type",), where, exc.problem, exc.fix) from None
            problem = f"'{exc.field}' {exc.problem}" if exc.field else exc.problem
            if exc.problem.startswith("unknown field"):
                problem = f"unknown field '{exc.field}'"
            raise self.fail(path + exc.path if exc.path else path, where, problem, exc.fix) from None
        widget.source = (self.shown, self.positions.line_of(path) or 1)
        if isinstance(widget, Image):
            try:
                widget.src = str(resolve_asset(widget.src, self.base_dir))
            except AssetError as exc:
                raise self.fail(path + ("src",), where, exc.problem, exc.fix) from None
        if widget.id is not None:
            if widget.id in self.ids:
                first = self.positions.line_of(self.ids[widget.id]) if self.ids[widget.id] else None
                used = f"on line {first}" if first else "in the scene"
                raise self.fail(path + ("id",), where, f"id '{widget.id}' is already used {used}",
                                "give each widget its own id")
            self.ids[widget.id] = path + ("id",)
        if "children" in item:
            raw_children = item["children"]
            if not isinstance(raw_children, list):
                raise self.fail(path + ("children",), where, "'children' must be a list of widgets",
                                f"write each child as [[{_dotted(path)}.children]]")
            if raw_children and not widget.accepts_children:
                raise self.fail(path + ("children",), where, f"{type_name} takes no children",
                                "put the widgets in a column, row, stack or panel")
            for index, child in enumerate(raw_children):
                widget.add(self.widget(child, path + ("children", index)))
        return widget

    @staticmethod
    def _where(item: dict[str, Any]) -> str:
        type_name = item.get("type") if isinstance(item.get("type"), str) else "widget"
        widget_id = item.get("id")
        return f"{type_name} '{widget_id}'" if isinstance(widget_id, str) else str(type_name)


_GAP = Prop(LengthKind(percent=False, high_px=1000, high_deg=20), None)
_GAP.name = "gap"


def _gap(value: Any) -> Length:
    """The [scene] gap as a length; FieldError when it is not one."""
    return _GAP.validate(value)


def _offset_px(value: Any) -> float:
    """An offset end value in pixels: a number or "12px" (degrees need a device, so not here)."""
    length = parse_length(value, allow_percent=False)
    if length.unit != "px":
        raise ValueError(f"offsets animate in pixels, got {value!r}")
    return length.value


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path if isinstance(p, str))


def scene_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for scene files, generated from the widget declarations."""
    definitions: dict[str, Any] = {}
    for name, cls in sorted(WIDGET_TYPES.items()):
        properties: dict[str, Any] = {"type": {"const": name}}
        for prop_name, prop in cls.props.items():
            properties[prop_name] = prop.schema()
        if cls.accepts_children:
            properties["children"] = {"type": "array", "items": {"$ref": "#/$defs/widget"}}
        required = ["type"] + [p.name for p in cls.props.values() if p.required]
        definitions[name] = {"type": "object", "description": (cls.__doc__ or "").strip().splitlines()[0],
                             "properties": properties, "required": required, "additionalProperties": False}
    definitions["widget"] = {"oneOf": [{"$ref": f"#/$defs/{name}"} for name in sorted(WIDGET_TYPES)]}
    time = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": r"^\s*(\d+(\.\d+)?|\.\d+)\s*(ms|s)?\s*$"}]}
    transition = {"type": "string", "enum": list(TRANSITIONS)}
    definitions["timeline_entry"] = {
        "type": "object", "additionalProperties": False, "required": ["at", "target"],
        "properties": {
            "at": {**time, "description": TIMELINE_KEYS["at"]},
            "target": {"type": "string", "description": TIMELINE_KEYS["target"]},
            "set": {"type": "object", "description": TIMELINE_KEYS["set"]},
            "append": {"type": "string", "description": TIMELINE_KEYS["append"]},
            "animate": {"type": "object", "additionalProperties": False, "required": ["property", "to", "duration"],
                        "description": TIMELINE_KEYS["animate"],
                        "properties": {"property": {"type": "string"}, "from": {"type": "number"},
                                       "to": {"type": "number"}, "duration": time,
                                       "easing": {"type": "string", "enum": list(EASINGS)}}},
            "show": {"type": "object", "additionalProperties": False, "description": TIMELINE_KEYS["show"],
                     "properties": {"transition": transition, "duration": time, "hide_after": time}},
            "hide": {"type": "object", "additionalProperties": False, "description": TIMELINE_KEYS["hide"],
                     "properties": {"transition": transition, "duration": time}},
        },
        "oneOf": [{"required": [action]} for action in ("set", "append", "animate", "show", "hide")],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/hud/hud/scene.schema.json",
        "title": "hud scene file",
        "type": "object",
        "properties": {
            "scene": {"type": "object", "additionalProperties": False, "properties": {
                "title": {"type": "string", "description": SCENE_KEYS["title"]},
                "duration": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}],
                             "description": SCENE_KEYS["duration"]},
                "device": {"type": "string", "description": SCENE_KEYS["device"]},
                "targets": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                            "description": SCENE_KEYS["targets"]},
                "gap": {**_GAP.kind.schema(), "description": SCENE_KEYS["gap"]}}},
            "widgets": {"type": "array", "items": {"$ref": "#/$defs/widget"}},
            "timeline": {"type": "array", "items": {"$ref": "#/$defs/timeline_entry"}},
            "gestures": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["gesture", "action", "target"],
                "properties": {"gesture": {"type": "string", "enum": list(GESTURES)},
                               "action": {"type": "string", "enum": list(ACTIONS)},
                               "target": {"type": "string"}}}},
        },
        "additionalProperties": False,
        "$defs": definitions,
    }


def schema_json() -> str:
    return json.dumps(scene_schema(), indent=2, ensure_ascii=False, default=str)
