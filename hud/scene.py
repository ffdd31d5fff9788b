"""Scenes: a titled widget tree for a device, built in Python or loaded from a TOML file.

Scene files are data: parsed with tomllib, every field validated against the widget
declarations, image paths kept inside the scene's folder. Any problem is one SceneError
naming the file, the line, the widget, what is wrong and how to fix it.
"""

from __future__ import annotations

import json
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from hud.anim import EASINGS, MAX_TIME_S, TRANSITIONS, Event, Timeline, parse_time, stored_field
from hud.assets import AssetError, resolve_asset
from hud.devices import DEFAULT_DEVICE, DeviceProfile, builtin_names, default_px_per_deg, load_device
from hud.errors import DeviceError, FieldError, SceneError, closest, escape, suggest
from hud.geometry import Length
from hud.gestures import ACTIONS, GESTURES, Binding
from hud.limits import (
    MAX_BINDINGS,
    MAX_DEPTH,
    MAX_KEY_PARTS,
    MAX_SCENE_BYTES,
    MAX_TEXT_CHARS,
    MAX_TIMELINE_ENTRIES,
    MAX_WIDGETS,
)
from hud.live import (
    ApiEdits,
    EntryError,
    SceneEditor,
    appended_too_long,
    check_animate,
    check_append_text,
    check_set_field,
    check_transition,
    clip,
    named,
    no_start,
)
from hud.tomlpos import TomlPositions, long_key_line, nesting_line, toml_error_line
from hud.widgets import WIDGET_TYPES, Caption, Widget, create_widget
from hud.widgets.primitives import Image, Screen, Text
from hud.widgets.props import LengthKind, Prop, Str
from hud.widgets.props import show_value as show
from hud.widgets.verbs import install

SCENE_KEYS = {
    "title": "Title shown in tools.",
    "duration": 'How long the scene runs ("10s"); default: until the last timeline event ends, plus 1 s.',
    "device": "Device profile the scene is designed for (default quark-s1).",
    "targets": "Every device profile the scene is meant for (default: just `device`); `make demo` renders each.",
    "gap": "Space between top-level widgets that share a zone, and between zones (px or deg; default 0.3deg).",
}
TIMELINE_KEYS = {
    "at": 'When, e.g. "1.5s" or "300ms".',
    "target": "Id of the widget.",
    "set": "Fields to set: { distance_m = 80 }.",
    "append": "Text to append to a caption or text.",
    "animate": "{ property, from, to, duration, easing } for a numeric field or offset_x / offset_y.",
    "show": "{ transition = fade | slide | none, duration, hide_after }.",
    "hide": "{ transition = fade | slide | none, duration }.",
}
ANIMATE_KEYS = ("property", "from", "to", "duration", "easing")
TOML_NESTING = 64  # arrays / inline tables inside each other where a reader that recurses is blamed
_DIGITS = re.compile(r"[0-9_]{4000,}")  # an integer too long for Python to read (over 4300 digits)
_px_per_deg: dict[str, float] = {}  # a device name's pixels per degree (the scene's own profile)


class Scene:
    """A widget tree plus the scene's title and target device, and its timeline.

    The tree keeps a scene file's rules: an id is used once, a widget is in one place, and the
    timeline reaches only the scene's widgets (a SceneError at the app's line otherwise). Once
    the scene is drawn, its widgets' verbs (`caption.append(...)`, `card.show()`, `set`,
    `animate`, `hide`, `replace_partial`) become timeline events at the scene's `time`, as the
    same `[[timeline]]` entries would (hud.live).

    >>> import hud
    >>> scene = hud.Scene(hud.Text(id="hello", text="Hello", anchor="center"), title="Greeting", device="quark-s1")
    >>> scene["hello"].text
    'Hello'
    >>> len(scene.widgets)
    1
    """

    def __init__(
        self,
        *widgets: Widget,
        title: str = "",
        device: str = DEFAULT_DEVICE,
        targets: tuple[str, ...] = (),
        path: Path | None = None,
        gap: Length | float | str | None = None,
    ) -> None:
        self.title = _TITLE.validate(title)
        self._gap: Length | None = None if gap is None else _gap(gap)
        self.device = device
        self.targets = targets or (device,)
        self.path = path
        self.bindings: list[Binding] = []  # [[gestures]]: gesture -> built-in action
        self.duration: float | None = None
        self.root = Screen()
        self._timeline: Timeline | None = None
        self._time: float | None = None
        self._time_device: DeviceProfile | None = None
        self.edits = ApiEdits(self)  # live edits: the HTTP API's and the widget verbs'
        install(self.root, SceneEditor(self))
        for widget in widgets:
            self.root.add(widget)

    @property
    def timeline(self) -> Timeline | None:
        """The scene's events over time (None: none); every event must target a widget of
        the scene."""
        return self._timeline

    @timeline.setter
    def timeline(self, timeline: Timeline | None) -> None:
        if timeline is not None:
            timeline.bind(self.root)
        self._timeline = timeline

    @property
    def time(self) -> float | None:
        """Scene time of the latest `apply_timeline` (every frame drawn brings the scene to
        its time): when the widgets' verbs take effect. None until the scene is drawn: verbs
        then apply their end state at once."""
        return self._time

    @property
    def time_device(self) -> DeviceProfile | None:
        """The device of the latest `apply_timeline` (None: the scene's own profile)."""
        return self._time_device

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

    def apply_timeline(self, t: float, device: DeviceProfile | None = None) -> None:
        """Bring every field the timeline touches to its value at time `t`, on `device` (the
        display that converts degrees to pixels; default: the scene's own profile). The scene's
        `time` is `t` from now on."""
        self._time, self._time_device = t, device
        if self.timeline is not None:
            self.timeline.apply(t, self._px_per_deg(device))

    def _px_per_deg(self, device: DeviceProfile | None) -> float:
        """Pixels per degree on `device`, else the scene's profile, else the default profile
        (also for profiles without a display, where nothing is drawn)."""
        if device is not None and device.has_display:
            return device.px_per_deg
        name = self.device if isinstance(self.device, str) else DEFAULT_DEVICE
        if name not in _px_per_deg:
            try:
                profile = load_device(name)
            except (DeviceError, OSError, ValueError):
                profile = None
            _px_per_deg[name] = profile.px_per_deg if profile and profile.has_display else default_px_per_deg()
        return _px_per_deg[name]

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

    def to_toml(self) -> str:
        """The scene as scene-file text that `load_scene` reads back to the same scene (see
        `hud.save_scene`, which writes it to a file).

        >>> import hud
        >>> print(hud.Scene(hud.Text("Hello", id="greeting")).to_toml())  # doctest: +ELLIPSIS
        [scene]
        ...
        [[widgets]]
        type = "text"
        id = "greeting"
        text = "Hello"
        ...
        """
        from hud.save import scene_to_toml

        return scene_to_toml(self)

    def __repr__(self) -> str:
        """E.g. `<Scene 'City walk' 4 widgets on quark-s1, timeline 12 events>`."""
        title = self.title if len(self.title) <= 40 else self.title[:37] + "..."
        named = f" {escape(repr(title))}" if title else ""
        count = len(self.widgets)
        widgets = f"{count} widget{'s' if count != 1 else ''}"
        timeline = f", timeline {len(self.timeline.events)} events" if self.timeline is not None else ""
        return f"<Scene{named} {widgets} on {escape(str(self.device))}{timeline}>"


def load_scene(path: str | Path) -> Scene:
    """Read and validate a scene file; raises SceneError on any problem.

    For example:

        scene = hud.load_scene("scenes/navigation.toml")
        hud.render(scene).save("out/nav")
    """
    file = Path(path)
    shown = str(path)
    place = escape(shown)
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SceneError(place, None, "", "not a regular file", "give the path of a .toml scene file")
        if info.st_size > MAX_SCENE_BYTES:
            raise _too_big(place, info.st_size)
        with file.open("rb") as handle:
            raw = handle.read(MAX_SCENE_BYTES + 1)
    except FileNotFoundError:
        raise SceneError(place, None, "", "file not found", "check the path") from None
    except OSError as exc:
        raise SceneError(
            place, None, "", f"cannot read the file ({exc.strerror or type(exc).__name__})", "check its permissions"
        ) from None
    except ValueError:  # a path with a NUL character
        raise SceneError(place, None, "", "the path is not a valid file name", "check the path") from None
    if len(raw) > MAX_SCENE_BYTES:  # it grew while being read
        raise _too_big(place, len(raw))
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # editors may save a byte-order mark
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SceneError(place, line, "", "the file is not valid UTF-8", "save it as UTF-8") from None
    scene = parse_scene(text, shown, file.parent)
    scene.path = file
    return scene


def parse_scene(text: str, shown: str = "<scene>", base_dir: Path | None = None) -> Scene:
    """Build a Scene from TOML text; `base_dir` is where relative image paths start.

    >>> import hud
    >>> scene = hud.parse_scene('''
    ... [scene]
    ... title = "Hello"
    ... [[widgets]]
    ... type = "text"
    ... text = "Hello"
    ... ''')
    >>> scene.title, len(scene.widgets)
    ('Hello', 1)
    """
    place = escape(shown)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SCENE_BYTES:
        raise _too_big(place, size)
    long_key = long_key_line(text, MAX_KEY_PARTS)
    if long_key is not None:
        if ".children" in text.split("\n", long_key)[long_key - 1]:  # [[widgets.children.children...]]
            raise SceneError(
                place,
                long_key,
                "",
                f"widgets nest more than {MAX_DEPTH} containers deep (this key has over {MAX_KEY_PARTS} parts)",
                "put fewer columns, rows, stacks and panels inside each other",
            )
        raise SceneError(
            place,
            long_key,
            "",
            f"a key of more than {MAX_KEY_PARTS} dotted parts (a.b.c...)",
            "a scene needs only a few: shorten the key",
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        # "(at end of document)" carries no line: point at the last line.
        line = toml_error_line(message) or len(text.rstrip().splitlines()) or 1
        problem = message.split(" (at ")[0]
        raise SceneError(
            place, line, "", f"TOML syntax error: {escape(problem)}", "check quotes, brackets and '=' on that line"
        ) from None
    except RecursionError:
        raise SceneError(
            place,
            nesting_line(text, TOML_NESTING),
            "",
            "arrays or inline tables nest too deeply to read",
            "a scene needs only a few levels: remove the extra brackets",
        ) from None
    except ValueError:  # an integer of more than 4300 digits
        digits = _DIGITS.search(text)
        digits_line = text.count("\n", 0, digits.start()) + 1 if digits else None
        raise SceneError(
            place, digits_line, "", "a number has too many digits to read", "write it with fewer digits"
        ) from None
    builder = _Builder(shown, TomlPositions(text), base_dir or Path.cwd())
    return builder.scene(data)


def _too_big(place: str, size: int) -> SceneError:
    return SceneError(
        place,
        None,
        "",
        f"the file is {size} bytes, at most {MAX_SCENE_BYTES} allowed ({MAX_SCENE_BYTES // 1024 // 1024} MiB)",
        "split it into several scenes",
    )


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
    builder.check_tree([table], (), scene.root._size)
    return builder.widget(table, ())


class _Builder:
    def __init__(self, shown: str, positions: TomlPositions, base_dir: Path) -> None:
        self.shown, self.positions, self.base_dir = shown, positions, base_dir
        self.ids: dict[str, tuple] = {}  # id -> path of the widget that has it
        self.by_id: dict[str, Widget] = {}  # id -> widget built so far
        self.has_lines = True  # False for tables that come from no file (JSON)

    def fail(self, path: tuple, where: str, problem: str, fix: str) -> SceneError:
        """One error line; everything in it that came from the user is escaped for the terminal."""
        line = (self.positions.line_of(path) or 1) if self.has_lines else None
        return SceneError(escape(self.shown), line, escape(where), escape(problem), escape(fix))

    def check_sizes(self, data: dict[str, Any]) -> None:
        """Refuse a scene past the limits on widgets, nesting, timeline entries and bindings
        before building any of it."""
        if isinstance(data.get("widgets"), list):
            self.check_tree(data["widgets"], ("widgets",), 0)
        for key, limit, name in (
            ("timeline", MAX_TIMELINE_ENTRIES, "timeline entries"),
            ("gestures", MAX_BINDINGS, "gesture bindings"),
        ):
            entries = data.get(key)
            if isinstance(entries, list) and len(entries) > limit:
                raise self.fail(
                    (key, limit),
                    key,
                    f"the scene has {len(entries)} {name}, at most {limit} allowed",
                    "split it into several scenes",
                )

    def check_tree(self, items: list, path: tuple, already: int) -> None:
        """Refuse widget tables nested more than MAX_DEPTH containers deep, or more than
        MAX_WIDGETS widgets with the `already` in the scene; counted without building any."""
        total, over = already, None
        stack = [(path, iter(enumerate(items)), 0)]  # lists of widget tables still to count
        while stack:
            list_path, entries, depth = stack[-1]
            entry = next(entries, None)
            if entry is None:
                stack.pop()
                continue
            index, item = entry
            if not isinstance(item, dict):
                continue
            item_path = list_path + (index,)
            total += 1
            if total == MAX_WIDGETS + 1:
                over = item_path
            if depth > MAX_DEPTH:
                raise self.fail(
                    item_path,
                    self._where(item),
                    f"is inside {depth} containers, at most {MAX_DEPTH} may nest",
                    "put fewer columns, rows, stacks and panels inside each other",
                )
            children = item.get("children")
            if isinstance(children, list) and children:
                stack.append((item_path + ("children",), iter(enumerate(children)), depth + 1))
        if over is not None:
            raise self.fail(
                over,
                "scene",
                f"the scene has {total} widgets, at most {MAX_WIDGETS} allowed (nested ones included)",
                "split it into several scenes, or show fewer widgets at once",
            )

    def scene(self, data: dict[str, Any]) -> Scene:
        for key in data:
            if key not in ("scene", "widgets", "timeline", "gestures"):
                if key in SCENE_KEYS:
                    fix = f"move '{key}' under the [scene] table"
                else:
                    fix = suggest(
                        key,
                        ["scene", "widgets", "timeline", "gestures"],
                        "a scene has a [scene] table, [[widgets]] and optionally [[timeline]]",
                    )
                raise self.fail((key,), "scene", f"unknown top-level key '{clip(key)}'", fix)
        header = data.get("scene", {})
        if not isinstance(header, dict):
            raise self.fail(("scene",), "scene", "'scene' must be a table", "write it as [scene]")
        for key, value in header.items():
            if key not in SCENE_KEYS:
                fix = suggest(key, list(SCENE_KEYS), f"[scene] takes {', '.join(SCENE_KEYS)}")
                raise self.fail(("scene", key), "scene", f"unknown key '{clip(key)}'", fix)
            if key == "targets":
                if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                    raise self.fail(
                        ("scene", key),
                        "scene",
                        f"'targets' must be a list of device names, got {show(value)}",
                        'e.g. targets = ["quark-s1", "even-g2"]',
                    )
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
                raise self.fail(
                    ("scene", key), "scene", f"'{key}' must be a string, got {show(value)}", "put it in quotes"
                )
            elif key == "title":
                try:
                    _TITLE.validate(value)
                except FieldError as exc:
                    raise self.fail(("scene", key), "scene", f"'title' {exc.problem}", exc.fix) from None
        for key in ("device", "targets"):
            names = header.get(key, [])
            checked: set[str] = set()
            for index, name in enumerate([names] if isinstance(names, str) else names):
                if name in checked:
                    continue
                checked.add(name)
                try:
                    load_device(name)
                except (DeviceError, OSError, ValueError) as exc:  # OSError, ValueError: not a usable path
                    at = ("scene", key) if isinstance(names, str) else ("scene", key, index)
                    close = closest(name, builtin_names())
                    fix = f"did you mean '{close}'? see `hud devices`" if close else "see `hud devices` for the names"
                    problem = (
                        str(exc).split(" (")[0] if isinstance(exc, DeviceError) else f"unknown device '{clip(name)}'"
                    )
                    raise self.fail(at, "scene", problem, fix) from None
        self.check_sizes(data)
        widgets = data.get("widgets", [])
        if not isinstance(widgets, list):
            raise self.fail(
                ("widgets",), "scene", "'widgets' must be an array of tables", "write each widget as [[widgets]]"
            )
        device = header.get("device", DEFAULT_DEVICE)
        scene = Scene(
            title=header.get("title", ""),
            device=device,
            targets=tuple(header.get("targets", [device])),
            gap=header.get("gap"),
        )
        for index, item in enumerate(widgets):
            scene.add(self.widget(item, ("widgets", index)))
        entries = data.get("timeline", [])
        if not isinstance(entries, list):
            raise self.fail(
                ("timeline",), "timeline", "'timeline' must be an array of tables", "write each entry as [[timeline]]"
            )
        if entries:
            scene.timeline = Timeline()
            for index, entry in enumerate(entries):
                self.timeline_entry(scene, entry, ("timeline", index), index)
            self.check_timeline(scene.timeline)
        if "duration" in header:
            scene.duration = parse_time(header["duration"])
        bindings = data.get("gestures", [])
        if not isinstance(bindings, list):
            raise self.fail(
                ("gestures",), "gestures", "'gestures' must be an array of tables", "write each binding as [[gestures]]"
            )
        for index, entry in enumerate(bindings):
            scene.bindings.append(self.binding(scene, entry, ("gestures", index)))
        return scene

    def target(self, scene: Scene, target_id: Any, path: tuple, where: str) -> Widget:
        """The widget a timeline entry or gesture binding names, or a one-line error."""
        widget = self.by_id.get(target_id) if isinstance(target_id, str) else None
        if widget is None:
            fix = suggest(str(target_id), list(self.by_id), "give the widget an id and use it here")
            raise self.fail(path + ("target",), where, f"no widget with id {named(target_id)}", fix)
        return widget

    def binding(self, scene: Scene, entry: Any, path: tuple) -> Binding:
        """Validate one [[gestures]] binding."""
        where = "gestures"
        if not isinstance(entry, dict):
            raise self.fail(path, where, "a gesture binding must be a table", "write it as [[gestures]]")
        for key in entry:
            if key not in ("gesture", "action", "target"):
                raise self.fail(
                    path + (key,),
                    where,
                    f"unknown key '{clip(key)}'",
                    suggest(key, ["gesture", "action", "target"], "a binding takes gesture, action, target"),
                )
        for key in ("gesture", "action", "target"):
            if key not in entry:
                raise self.fail(path, where, f"missing '{key}'", f"add {key} = ...")
        choices = {"gesture": GESTURES, "action": tuple(ACTIONS)}
        for key, allowed in choices.items():
            if entry[key] not in allowed:
                fix = suggest(str(entry[key]), allowed, f"use one of {', '.join(allowed)}")
                raise self.fail(path + (key,), where, f"unknown {key} {named(entry[key])}", fix)
        target = entry["target"]
        widget = self.target(scene, target, path, where)
        if entry["action"] in ("scroll_back", "scroll_forward") and "back" not in widget.props:
            raise self.fail(
                path + ("action",), where, f"{entry['action']} needs a caption or text target", "bind it to a caption"
            )
        if entry["action"] in ("next", "previous") and not widget.accepts_children:
            raise self.fail(
                path + ("action",),
                where,
                f"{entry['action']} needs a container target",
                "bind it to a stack, column or row whose children are cards",
            )
        return Binding(entry["gesture"], entry["action"], target)

    def timeline_entry(self, scene: Scene, entry: Any, path: tuple, order: int) -> None:
        """Validate one [[timeline]] entry and add its events."""
        where = "timeline"
        if not isinstance(entry, dict):
            raise self.fail(path, where, "a timeline entry must be a table", "write it as [[timeline]]")
        for key in entry:
            if key not in TIMELINE_KEYS:
                fix = suggest(key, list(TIMELINE_KEYS), f"entries take {', '.join(TIMELINE_KEYS)}")
                raise self.fail(path + (key,), where, f"unknown key '{clip(key)}'", fix)
        for key in ("at", "target"):
            if key not in entry:
                raise self.fail(path, where, f"missing '{key}'", f"add {key} = ...")
        try:
            at = parse_time(entry["at"])
        except ValueError as exc:
            raise self.fail(path + ("at",), where, f"'at': {exc}", 'e.g. at = "1.5s"') from None
        target_id = entry["target"]
        target = self.target(scene, target_id, path, where)
        where = f"timeline '{clip(target_id)}'"
        actions = [key for key in ("set", "append", "animate", "show", "hide") if key in entry]
        if len(actions) != 1:
            raise self.fail(
                path,
                where,
                "an entry needs exactly one of set, append, animate, show, hide",
                "split it into one entry per action",
            )
        action = actions[0]
        timeline = scene.timeline
        assert timeline is not None, "the scene's timeline is made before its entries are read"
        value = entry[action]
        try:
            if action == "set":
                if not isinstance(value, dict) or not value:
                    raise self.fail(
                        path + ("set",), where, "'set' must be a table of fields", "e.g. set = { distance_m = 80 }"
                    )
                for name, raw in value.items():
                    converted = check_set_field(target, name, raw, self.base_dir)
                    timeline.add(Event(at, target, "set", name, converted, order=order))
            elif action == "append":
                text = check_append_text(target, value)
                timeline.add(Event(at, target, "append", "text", text, order=order))
            elif action == "animate":
                self.animate_entry(timeline, target, value, at, path + ("animate",), where, order)
            else:
                self.transition_entry(timeline, target, action, value, at, path + (action,), where, order)
        except EntryError as exc:
            raise self.fail(path + exc.key, where, exc.problem, exc.fix) from None

    def animate_entry(
        self, timeline: Timeline, target: Widget, value: Any, at: float, path: tuple, where: str, order: int
    ) -> None:
        """Check one `animate` table's keys and add its event (EntryError for a bad value)."""
        if not isinstance(value, dict):
            raise self.fail(
                path,
                where,
                "'animate' must be a table",
                'e.g. animate = { property = "brightness", to = 1.0, duration = "300ms" }',
            )
        for key in value:
            if key not in ANIMATE_KEYS:
                raise self.fail(
                    path + (key,),
                    where,
                    f"unknown key '{clip(key)}' in animate",
                    suggest(key, ANIMATE_KEYS, f"animate takes {', '.join(ANIMATE_KEYS)}"),
                )
        for key in ("property", "to", "duration"):
            if key not in value:
                raise self.fail(path, where, f"animate is missing '{key}'", f"add {key} = ...")
        name, to, start, duration, easing = check_animate(
            target, value["property"], value["to"], value.get("from"), value["duration"], value.get("easing", "linear")
        )
        timeline.add(Event(at, target, "animate", name, to, start, duration, easing, order))

    def transition_entry(
        self,
        timeline: Timeline,
        target: Widget,
        action: str,
        value: Any,
        at: float,
        path: tuple,
        where: str,
        order: int,
    ) -> None:
        """Check one `show` / `hide` table's keys and add its events (EntryError for a bad value)."""
        if not isinstance(value, dict):
            raise self.fail(
                path,
                where,
                f"'{action}' must be a table",
                f'e.g. {action} = {{ transition = "fade", duration = "300ms" }}',
            )
        allowed = ("transition", "duration", "hide_after") if action == "show" else ("transition", "duration")
        for key in value:
            if key not in allowed:
                raise self.fail(
                    path + (key,),
                    where,
                    f"unknown key '{clip(key)}' in {action}",
                    suggest(key, allowed, f"{action} takes {', '.join(allowed)}"),
                )
        transition, duration, hide_after = check_transition(
            action, value.get("transition", "fade"), value.get("duration"), value.get("hide_after")
        )
        if action == "show":
            timeline.show(at, target, transition, duration, order, hide_after)
        else:
            timeline.hide(at, target, transition, duration, order)

    def check_timeline(self, timeline: Timeline) -> None:
        """What only the whole timeline shows, in time order: an animation of a field that has
        no value to start from, and appends that make a text longer than its limit."""
        values: dict[tuple[int, str], Any] = {}
        for event in timeline.events:
            target = event.target
            name = stored_field(event.field)
            key = (id(target), name)
            current = values[key] if key in values else getattr(target, name)
            where = f"timeline '{clip(target.id or '')}'"
            if event.kind == "set":
                values[key] = event.value
            elif event.kind == "append":
                text_kind = target.props["text"].kind
                assert isinstance(target, (Text, Caption)) and isinstance(text_kind, Str), "appends go to text fields"
                after = target.appended(current, event.value)
                limit = text_kind.max_len
                if len(after) > limit:
                    error = appended_too_long(len(after), limit, event.at)
                    raise self.fail(("timeline", event.order, "append"), where, error.problem, error.fix)
                values[key] = after
            elif event.kind == "animate":
                if event.start is None and current is None:
                    error = no_start(event.field, event.at)
                    raise self.fail(("timeline", event.order, "animate"), where, error.problem, error.fix)
                values[key] = event.value

    def widget(self, item: Any, path: tuple) -> Widget:
        if not isinstance(item, dict):
            raise self.fail(
                path,
                "widget",
                f"a widget must be a table, got {show(item)}",
                'write it as [[widgets]] with type = "..."',
            )
        type_name = item.get("type")
        where = self._where(item)
        if type_name is None:
            raise self.fail(
                path, where, "missing 'type'", f'add type = "...", one of {", ".join(sorted(WIDGET_TYPES))}'
            )
        if not isinstance(type_name, str):
            raise self.fail(
                path + ("type",), where, f"'type' must be a string, got {show(type_name)}", "put it in quotes"
            )
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
                raise self.fail(
                    path + ("id",), where, f"id '{widget.id}' is already used {used}", "give each widget its own id"
                )
            self.ids[widget.id] = path + ("id",)
            self.by_id[widget.id] = widget
        if "children" in item:
            raw_children = item["children"]
            if not isinstance(raw_children, list):
                raise self.fail(
                    path + ("children",),
                    where,
                    "'children' must be a list of widgets",
                    f"write each child as [[{_dotted(path)}.children]]",
                )
            if raw_children and not widget.accepts_children:
                raise self.fail(
                    path + ("children",),
                    where,
                    f"{type_name} takes no children",
                    "put the widgets in a column, row, stack or panel",
                )
            for index, child in enumerate(raw_children):
                widget.add(self.widget(child, path + ("children", index)))
        return widget

    @staticmethod
    def _where(item: dict[str, Any]) -> str:
        type_name = clip(item["type"]) if isinstance(item.get("type"), str) else "widget"
        widget_id = item.get("id")
        return f"{type_name} '{clip(widget_id)}'" if isinstance(widget_id, str) else type_name


_GAP = Prop(LengthKind(percent=False, high_px=1000, high_deg=20), None)
_GAP.name = "gap"
_TITLE = Prop(Str(MAX_TEXT_CHARS), "")
_TITLE.name = "title"


def _gap(value: Any) -> Length:
    """The [scene] gap as a length; FieldError when it is not one."""
    return _GAP.validate(value)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path if isinstance(p, str))


def scene_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for scene files, generated from the widget declarations.

    >>> import hud
    >>> schema = hud.scene_schema()
    >>> schema["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    """
    definitions: dict[str, Any] = {}
    for name, cls in sorted(WIDGET_TYPES.items()):
        properties: dict[str, Any] = {"type": {"const": name}}
        for prop_name, prop in cls.props.items():
            properties[prop_name] = prop.schema()
        if cls.accepts_children:
            properties["children"] = {"type": "array", "items": {"$ref": "#/$defs/widget"}}
        required = ["type"] + [p.name for p in cls.props.values() if p.required]
        definitions[name] = {
            "type": "object",
            "description": (cls.__doc__ or "").strip().splitlines()[0],
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
    definitions["widget"] = {"oneOf": [{"$ref": f"#/$defs/{name}"} for name in sorted(WIDGET_TYPES)]}
    time = {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": MAX_TIME_S},
            {"type": "string", "pattern": r"^\s*(\d+(\.\d+)?|\.\d+)\s*(ms|s)?\s*$"},
        ]
    }
    end = {
        "anyOf": [{"type": "number"}, {"type": "string"}],
        "description": 'A number of the field, or for offset_x / offset_y a length: 12, "12px" or "0.5deg".',
    }
    transition = {"type": "string", "enum": list(TRANSITIONS)}
    definitions["timeline_entry"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["at", "target"],
        "properties": {
            "at": {**time, "description": TIMELINE_KEYS["at"]},
            "target": {"type": "string", "description": TIMELINE_KEYS["target"]},
            "set": {"type": "object", "description": TIMELINE_KEYS["set"]},
            "append": {"type": "string", "description": TIMELINE_KEYS["append"]},
            "animate": {
                "type": "object",
                "additionalProperties": False,
                "required": ["property", "to", "duration"],
                "description": TIMELINE_KEYS["animate"],
                "properties": {
                    "property": {"type": "string"},
                    "from": end,
                    "to": end,
                    "duration": time,
                    "easing": {"type": "string", "enum": list(EASINGS)},
                },
            },
            "show": {
                "type": "object",
                "additionalProperties": False,
                "description": TIMELINE_KEYS["show"],
                "properties": {"transition": transition, "duration": time, "hide_after": time},
            },
            "hide": {
                "type": "object",
                "additionalProperties": False,
                "description": TIMELINE_KEYS["hide"],
                "properties": {"transition": transition, "duration": time},
            },
        },
        "oneOf": [{"required": [action]} for action in ("set", "append", "animate", "show", "hide")],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/hud/hud/scene.schema.json",
        "title": "hud scene file",
        "type": "object",
        "properties": {
            "scene": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "title": {"type": "string", "description": SCENE_KEYS["title"]},
                    "duration": {
                        "anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}],
                        "description": SCENE_KEYS["duration"],
                    },
                    "device": {"type": "string", "description": SCENE_KEYS["device"]},
                    "targets": {
                        "type": "array",
                        "items": {"type": "string"},
                        "minItems": 1,
                        "description": SCENE_KEYS["targets"],
                    },
                    "gap": {**_GAP.kind.schema(), "description": SCENE_KEYS["gap"]},
                },
            },
            "widgets": {"type": "array", "items": {"$ref": "#/$defs/widget"}},
            "timeline": {"type": "array", "items": {"$ref": "#/$defs/timeline_entry"}},
            "gestures": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["gesture", "action", "target"],
                    "properties": {
                        "gesture": {"type": "string", "enum": list(GESTURES)},
                        "action": {"type": "string", "enum": list(ACTIONS)},
                        "target": {"type": "string"},
                    },
                },
            },
        },
        "additionalProperties": False,
        "$defs": definitions,
    }


def schema_json() -> str:
    return json.dumps(scene_schema(), indent=2, ensure_ascii=False, default=str)
