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

from hud.assets import AssetError, resolve_asset
from hud.devices import builtin_names, load_device
from hud.errors import DeviceError, FieldError, SceneError
from hud.layout import Screen
from hud.tomlpos import TomlPositions, toml_error_line
from hud.widgets import WIDGET_TYPES, Widget, create_widget
from hud.widgets.primitives import Image

SCENE_KEYS = {
    "title": "Title shown in tools.",
    "device": "Device profile the scene is designed for (default quark-s1).",
    "targets": "Every device profile the scene is meant for (default: just `device`); `make demo` renders each.",
}
DEFAULT_DEVICE = "quark-s1"


class Scene:
    """A widget tree plus the scene's title and target device."""

    def __init__(self, *widgets: Widget, title: str = "", device: str = DEFAULT_DEVICE,
                 targets: tuple[str, ...] = (), path: Path | None = None) -> None:
        self.title = title
        self.device = device
        self.targets = targets or (device,)
        self.path = path
        self.root = Screen()
        for widget in widgets:
            self.root.add(widget)

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


class _Builder:
    def __init__(self, shown: str, positions: TomlPositions, base_dir: Path) -> None:
        self.shown, self.positions, self.base_dir = shown, positions, base_dir
        self.ids: dict[str, tuple] = {}

    def fail(self, path: tuple, where: str, problem: str, fix: str) -> SceneError:
        return SceneError(self.shown, self.positions.line_of(path) or 1, where, problem, fix)

    def scene(self, data: dict[str, Any]) -> Scene:
        for key in data:
            if key not in ("scene", "widgets"):
                close = difflib.get_close_matches(key, ["scene", "widgets"], n=1)
                if key in SCENE_KEYS:
                    fix = f"move '{key}' under the [scene] table"
                else:
                    fix = f"did you mean '{close[0]}'?" if close else "a scene has a [scene] table and [[widgets]]"
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
        scene = Scene(title=header.get("title", ""), device=device, targets=tuple(header.get("targets", [device])))
        for index, item in enumerate(widgets):
            scene.add(self.widget(item, ("widgets", index)))
        return scene

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
        if isinstance(widget, Image):
            try:
                widget.src = str(resolve_asset(widget.src, self.base_dir))
            except AssetError as exc:
                raise self.fail(path + ("src",), where, exc.problem, exc.fix) from None
        if widget.id is not None:
            if widget.id in self.ids:
                first = self.positions.line_of(self.ids[widget.id])
                raise self.fail(path + ("id",), where, f"id '{widget.id}' is already used on line {first}",
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
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/hud/hud/scene.schema.json",
        "title": "hud scene file",
        "type": "object",
        "properties": {
            "scene": {"type": "object", "additionalProperties": False, "properties": {
                "title": {"type": "string", "description": SCENE_KEYS["title"]},
                "device": {"type": "string", "description": SCENE_KEYS["device"]},
                "targets": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                            "description": SCENE_KEYS["targets"]}}},
            "widgets": {"type": "array", "items": {"$ref": "#/$defs/widget"}},
        },
        "additionalProperties": False,
        "$defs": definitions,
    }


def schema_json() -> str:
    return json.dumps(scene_schema(), indent=2, ensure_ascii=False, default=str)
