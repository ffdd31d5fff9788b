"""Hypothesis strategies for everything a user hands the engine.

Scene files: valid ones generated from the widget declarations (`WIDGET_TYPES` and each
Prop's Kind, so a new widget or field is fuzzed without touching this file), broken shapes
(wrong types, missing type, unknown keys, tables where values go, mixed arrays), hostile
strings, deep trees, many widgets, timelines, text-level damage and raw bytes. Also device
profiles (from the profile schema), `hud` command lines (from the argparse declarations) and
HTTP requests to the emulator (from its route table).
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import re
from typing import Any

from hypothesis import strategies as st

from hud import devices, limits
from hud.anim import EASINGS, TRANSITIONS
from hud.devices import COLOUR_MODES, EYES, NOTES_TABLE, SPEAKERS, TABLES, builtin_names, load_device
from hud.gestures import ACTIONS, GESTURES
from hud.scene import SCENE_KEYS, TIMELINE_KEYS
from hud.widgets import WIDGET_TYPES
from hud.widgets.primitives import Image
from hud.widgets.props import (
    COLOR_ROLES,
    Bool,
    Choice,
    ColorKind,
    EdgesKind,
    Kind,
    LengthKind,
    ListOf,
    Number,
    OffsetKind,
    Optional,
    Prop,
    Record,
    Str,
)

from . import toml_writer

IMAGE_SRC = "fuzz.png"  # the image every generated scene uses; the tests write it next to the scene
DISPLAY_DEVICES = tuple(n for n in builtin_names() if load_device(n).has_display)

# -- hostile text ------------------------------------------------------------------------------

CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
BIDI = [
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
SEQUENCES = [
    "\x1b[31m",
    "\x1b[2J\x1b[H",
    "\x1b]0;owned\x07",
    "\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m",
    "\x1bP+q\x1b\\",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "e\u0301\u0301\u0301",
    "\u200d",
    "\u00ad",
    "\U0001f600",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "مرحبا",
    "שלום",
    "नमस्ते",
    "สวัสดีครับ",
    "你好世界",
    "こんにちは",
    "안녕하세요",
    "\U00020000",
    "\u0e01\u0e34\u0e34\u0e34",
    "%s%n{0}",
    "'; DROP TABLE",
    "../../etc/passwd",
    "\\",
    '"',
    "'''",
    '"""',
]
EDGE_NUMBERS = [
    0,
    -0.0,
    1,
    -1,
    0.5,
    1e-320,
    1e308,
    -1e308,
    2**31,
    2**63 - 1,
    -(2**63),
    2**64,
    10**30,
    float("nan"),
    float("inf"),
    float("-inf"),
]


def hostile_text(max_size: int = 40, surrogates: bool = False) -> st.SearchStrategy[str]:
    """Strings of any characters (controls and bidi overrides included), often with an escape
    sequence, a control, a bidi override or a piece of another script put in; lone surrogates
    too when `surrogates` (Python strings can hold them, UTF-8 and TOML cannot)."""
    return _hostile_text(max_size, surrogates)


@functools.cache
def _hostile_text(max_size: int, surrogates: bool) -> st.SearchStrategy[str]:
    excluded = () if surrogates else ("Cs",)
    plain = st.text(st.characters(exclude_categories=excluded), max_size=max_size)
    pieces = CONTROLS + BIDI + SEQUENCES + (["\ud800", "\udfff", "a\udc80b"] if surrogates else [])
    spiced = st.builds(
        lambda a, piece, b: (a + piece + b)[: max(max_size, 1) * 4],
        st.text(st.characters(exclude_categories=excluded), max_size=max_size // 2),
        st.sampled_from(pieces),
        st.text(st.characters(exclude_categories=excluded), max_size=4),
    )
    return st.one_of(plain, spiced)


@functools.cache
def long_text(sizes: tuple[int, ...]) -> st.SearchStrategy[str]:
    """A short unit repeated to exactly one of `sizes` characters (cheap to draw, long to handle)."""
    unit = st.one_of(
        st.sampled_from(["a", "word ", "字", "ا", "\x1b", "e\u0301", "\U0001f600"]), hostile_text(4).filter(bool)
    )
    return st.builds(lambda u, n: (u * (n // len(u) + 1))[:n], unit, st.sampled_from(sizes))


@functools.cache
def edge_number() -> st.SearchStrategy[int | float]:
    return st.one_of(st.sampled_from(EDGE_NUMBERS), st.integers(), st.floats(), st.integers(10**19, 10**400))


@functools.cache
def toml_datetime() -> st.SearchStrategy[Any]:
    return st.one_of(st.datetimes(timezones=st.none() | st.just(datetime.UTC)), st.dates(), st.times())


@functools.cache
def hostile_scalar() -> st.SearchStrategy[Any]:
    """Any value TOML can hold, biased to the awkward ones."""
    return st.one_of(
        hostile_text(),
        edge_number(),
        st.booleans(),
        toml_datetime(),
        st.sampled_from(["", " ", "auto", "12px", "0.8deg", "50%", "1.5s", "300ms", "-1s", "#00ff00"]),
    )


@functools.cache
def toml_values(depth: int = 2) -> st.SearchStrategy[Any]:
    """Arbitrary TOML values: scalars, arrays (of mixed types too) and tables, nested."""
    return st.recursive(
        hostile_scalar(),
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile_key(), inner, max_size=3)),
        max_leaves=6 * depth,
    )


@functools.cache
def hostile_key() -> st.SearchStrategy[str]:
    """A key a scene might hold: one the engine knows, a near miss, or anything."""
    known = sorted(
        {name for cls in WIDGET_TYPES.values() for name in cls.props}
        | set(SCENE_KEYS)
        | set(TIMELINE_KEYS)
        | {"type", "children", "scene", "widgets", "timeline", "gestures", "gesture", "action", "target"}
    )
    return st.one_of(
        st.sampled_from(known), st.sampled_from(known).map(lambda k: k + "s"), hostile_text(12).filter(bool)
    )


# -- valid values from the declarations ----------------------------------------------------------


def _number(kind: Number) -> st.SearchStrategy[int | float]:
    low = kind.low if kind.low is not None else -1e6
    high = kind.high if kind.high is not None else 1e6
    if kind.integer:
        lo, hi = int(low), int(high)
        return st.one_of(st.integers(lo, hi), st.sampled_from([lo, hi]), st.integers(lo, min(hi, lo + 10)))
    options = [st.floats(low, high, allow_nan=False, allow_infinity=False), st.sampled_from([low, high])]
    whole_low, whole_high = math.ceil(low), math.floor(high)
    if whole_low <= whole_high:
        options.append(st.integers(whole_low, whole_high))
    return st.one_of(options)


def _length(kind: LengthKind) -> st.SearchStrategy[Any]:
    options = []
    px_low = max(kind.low, 0.0)
    px_high = kind.highest["px"]
    deg_high = kind.highest["deg"]
    px = st.floats(px_low, px_high, allow_nan=False).filter(lambda v: kind.low <= 0 or v > 0)
    options.append(px)
    options.append(px.map(lambda v: f"{v:.3f}px"))
    options.append(st.floats(0.01 if kind.low > 0 else 0.0, deg_high, allow_nan=False).map(lambda v: f"{v:.3f}deg"))
    if kind.percent:
        options.append(
            st.floats(0.01 if kind.low > 0 else 0.0, kind.highest["%"], allow_nan=False).map(lambda v: f"{v:.2f}%")
        )
    if kind.auto:
        options.append(st.just("auto"))
    if kind.roles:
        options.append(st.sampled_from(kind.roles))
    return st.one_of(options)


@functools.cache
def _edge_length() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.floats(0, 200, allow_nan=False),
        st.floats(0, 5).map(lambda v: f"{v:.2f}deg"),
        st.integers(0, 40).map(lambda v: f"{v}px"),
    )


@functools.cache
def _offset_length() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.floats(-300, 300, allow_nan=False),
        st.floats(-10, 10).map(lambda v: f"{v:.2f}deg"),
        st.integers(-40, 40).map(lambda v: f"{v}px"),
    )


def _from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Candidate values for a JSON Schema (the Kinds this module has no rule for)."""
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of([_from_schema(s) for s in schema.get("anyOf", schema.get("oneOf"))])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(max_size=min(schema.get("maxLength", 40), 40))
    if kind in ("number", "integer"):
        low, high = schema.get("minimum", -1e6), schema.get("maximum", 1e6)
        return st.integers(int(low), int(high)) if kind == "integer" else st.floats(low, high, allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(_from_schema(schema.get("items", {})), max_size=min(schema.get("maxItems", 4), 4))
    if kind == "object":
        props = schema.get("properties", {})
        required = schema.get("required", [])
        return st.fixed_dictionaries(
            {k: _from_schema(props.get(k, {})) for k in required},
            optional={k: _from_schema(v) for k, v in props.items() if k not in required},
        )
    return hostile_scalar()


@functools.cache
def kind_values(kind: Kind, text_size: int = 40) -> st.SearchStrategy[Any]:
    """Values a scene file may give a field of this Kind (all accepted by `kind.coerce`)."""
    exact = type(kind)
    if exact is Optional:
        return kind_values(kind.inner, text_size)
    if exact is Str:
        return hostile_text(min(text_size, kind.max_len)).map(lambda s: s[: kind.max_len])
    if exact is Number:
        return _number(kind)
    if exact is Bool:
        return st.booleans()
    if exact is Choice:
        return st.sampled_from(kind.choices)
    if exact is LengthKind:
        return _length(kind)
    if exact is EdgesKind:
        return st.one_of(
            _edge_length(),
            st.lists(_edge_length(), min_size=2, max_size=2),
            st.lists(_edge_length(), min_size=4, max_size=4),
        )
    if exact is OffsetKind:
        return st.lists(_offset_length(), min_size=2, max_size=2)
    if exact is ColorKind:
        return st.one_of(
            st.sampled_from(COLOR_ROLES), st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True), st.floats(0, 1)
        )
    if exact is Record:
        return st.fixed_dictionaries(
            {k: kind_values(kind.fields[k], text_size) for k in kind.required},
            optional={k: kind_values(v, text_size) for k, v in kind.fields.items() if k not in kind.required},
        )
    if exact is ListOf:
        return st.lists(kind_values(kind.item, text_size), max_size=min(kind.max_items, 4))
    return _from_schema(kind.schema()).filter(lambda v: _accepts(kind, v))


def _accepts(kind: Kind, value: Any) -> bool:
    try:
        kind.coerce(value)
    except ValueError:
        return False
    return True


@functools.cache
def prop_values(cls: type, prop: Prop, text_size: int = 40) -> st.SearchStrategy[Any]:
    """Valid values of one widget field (an image's `src` names the image the tests provide)."""
    if issubclass(cls, Image) and prop.name == "src":
        return st.just(IMAGE_SRC)
    return kind_values(prop.kind, text_size)


def _settable(cls: type) -> list[str]:
    return [name for name in cls.props if name != "id"]


# -- valid scenes ----------------------------------------------------------------------------------


@functools.cache
def widget_tables(
    depth: int = 3, max_children: int = 3, text_size: int = 40, types: tuple[str, ...] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """One `[[widgets]]` table with valid fields (and children, for containers)."""
    names = types or tuple(sorted(WIDGET_TYPES))
    if depth <= 0:
        names = tuple(n for n in names if not WIDGET_TYPES[n].accepts_children) or names
    children = (
        st.lists(widget_tables(depth - 1, max_children, text_size, types), max_size=max_children)
        if depth > 0
        else st.just([])
    )
    return _widget_table(st.sampled_from(names), children, text_size)


@functools.cache
def _optional_fields(cls: type) -> st.SearchStrategy[list[str]]:
    """A few of the widget's optional fields (drawing each one's presence would take many draws)."""
    optional = [name for name in _settable(cls) if not cls.props[name].required]
    return st.lists(st.sampled_from(optional), max_size=4, unique=True) if optional else st.just([])


_IDS = st.one_of(
    st.sampled_from(["a", "b", "c", "next-turn", "pay", "字幕"]), hostile_text(12).filter(bool).map(lambda s: s[:200])
)


@st.composite
def _widget_table(
    draw: st.DrawFn, types: st.SearchStrategy[str], children: st.SearchStrategy[list], text_size: int
) -> dict[str, Any]:
    type_name = draw(types)
    cls = WIDGET_TYPES[type_name]
    table: dict[str, Any] = {"type": type_name}
    required = [name for name in _settable(cls) if cls.props[name].required]
    for name in required + draw(_optional_fields(cls)):
        table[name] = draw(prop_values(cls, cls.props[name], text_size))
    if draw(st.booleans()):
        table["id"] = draw(_IDS)
    if cls.accepts_children:
        kids = draw(children)
        if kids:
            table["children"] = kids
    return table


def _walk(tables: list[dict[str, Any]]):
    for table in tables:
        yield table
        yield from _walk(table.get("children", []))


def _unique_ids(tables: list[dict[str, Any]]) -> dict[str, type]:
    """Drop repeated ids (the first keeps it); the widget class of every id left."""
    seen: dict[str, type] = {}
    for table in _walk(tables):
        widget_id = table.get("id")
        if widget_id is None:
            continue
        if widget_id in seen:
            del table["id"]
        else:
            seen[widget_id] = WIDGET_TYPES[table["type"]]
    return seen


@functools.cache
def time_values(high: float = 3.0) -> st.SearchStrategy[Any]:
    """Valid times: seconds as a number, "1.5s" or "300ms"."""
    seconds = st.floats(0, high, allow_nan=False)
    return st.one_of(
        seconds,
        seconds.map(lambda s: f"{s:.3f}s"),
        seconds.map(lambda s: f"{round(s * 1000)}ms"),
        st.integers(0, int(high)),
    )


@st.composite
def timeline_entries(draw: st.DrawFn, ids: dict[str, type], high: float = 3.0, text_size: int = 40) -> dict[str, Any]:
    """One valid `[[timeline]]` entry against one of `ids`."""
    target = draw(st.sampled_from(sorted(ids)))
    cls = ids[target]
    actions = ["set", "animate", "show", "hide"] + (["append"] if cls.type_name in ("caption", "text") else [])
    action = draw(st.sampled_from(actions))
    entry: dict[str, Any] = {"at": draw(time_values(high)), "target": target}
    if action == "set":
        names = draw(st.lists(st.sampled_from(_settable(cls)), min_size=1, max_size=3, unique=True))
        entry["set"] = {name: draw(prop_values(cls, cls.props[name], text_size)) for name in names}
    elif action == "append":
        entry["append"] = draw(hostile_text(text_size))
    elif action == "animate":
        numeric = [
            n
            for n, p in cls.props.items()
            if isinstance(p.kind.inner if isinstance(p.kind, Optional) else p.kind, Number)
        ]
        name = draw(st.sampled_from(numeric + ["offset_x", "offset_y"]))
        if name in ("offset_x", "offset_y"):
            ends = st.one_of(st.floats(-200, 200, allow_nan=False), st.integers(-50, 50).map(lambda v: f"{v}px"))
        else:
            ends = prop_values(cls, cls.props[name], text_size)
        animate: dict[str, Any] = {"property": name, "to": draw(ends), "duration": draw(time_values(high))}
        unset = name not in ("offset_x", "offset_y") and cls.props[name].default is None
        if unset or draw(st.booleans()):  # a field with no value yet needs a start
            animate["from"] = draw(ends)
        if draw(st.booleans()):
            animate["easing"] = draw(st.sampled_from(sorted(EASINGS)))
        entry["animate"] = animate
    else:
        body: dict[str, Any] = {}
        if draw(st.booleans()):
            body["transition"] = draw(st.sampled_from(TRANSITIONS))
        if draw(st.booleans()):
            body["duration"] = draw(time_values(high))
        if action == "show" and draw(st.booleans()):
            body["hide_after"] = draw(time_values(high))
        entry[action] = body
    return entry


@st.composite
def gesture_bindings(draw: st.DrawFn, ids: dict[str, type]) -> dict[str, Any]:
    """One valid `[[gestures]]` binding: scroll actions on captions and text, next/previous on containers."""
    target = draw(st.sampled_from(sorted(ids)))
    cls = ids[target]
    actions = ["dismiss", "show", "toggle"]
    if "back" in cls.props:
        actions += ["scroll_back", "scroll_forward"]
    if cls.accepts_children:
        actions += ["next", "previous"]
    return {"gesture": draw(st.sampled_from(GESTURES)), "action": draw(st.sampled_from(actions)), "target": target}


@st.composite
def scene_docs(
    draw: st.DrawFn,
    max_widgets: int = 4,
    depth: int = 3,
    text_size: int = 40,
    max_entries: int = 6,
    high: float = 3.0,
    devices: tuple[str, ...] = DISPLAY_DEVICES,
) -> dict[str, Any]:
    """A valid scene as data: header, widget tree, timeline and gesture bindings."""
    header: dict[str, Any] = {}
    if draw(st.booleans()):
        header["title"] = draw(hostile_text(text_size))
    if draw(st.booleans()):
        header["device"] = draw(st.sampled_from(devices))
    if draw(st.integers(0, 4)) == 0:
        header["targets"] = draw(st.lists(st.sampled_from(devices), min_size=1, max_size=3))
    if draw(st.integers(0, 4)) == 0:
        header["gap"] = draw(st.one_of(st.floats(0, 1000), st.floats(0, 20).map(lambda v: f"{v:.2f}deg")))
    if draw(st.integers(0, 4)) == 0:
        header["duration"] = draw(time_values(high))
    widgets = draw(st.lists(widget_tables(depth, 3, text_size), min_size=1, max_size=max_widgets))
    doc: dict[str, Any] = {}
    if header:
        doc["scene"] = header
    doc["widgets"] = widgets
    ids = _unique_ids(widgets)
    if ids and max_entries:
        timeline = draw(st.lists(timeline_entries(ids, high, text_size), max_size=max_entries))
        if timeline:
            doc["timeline"] = timeline
        if draw(st.integers(0, 3)) == 0:
            doc["gestures"] = draw(st.lists(gesture_bindings(ids), min_size=1, max_size=2))
    return doc


def scene_text(doc: dict[str, Any]) -> st.SearchStrategy[str]:
    """TOML text of a scene document, children as `[[widgets.children]]` blocks or inline."""
    return st.booleans().map(lambda inline: toml_writer.dumps(doc, inline_children=inline))


def valid_scene_texts(**kwargs: Any) -> st.SearchStrategy[str]:
    return scene_docs(**kwargs).flatmap(scene_text)


# -- broken scenes ---------------------------------------------------------------------------------


def _paths(node: Any, here: tuple = ()) -> list[tuple]:
    """Every path to a value inside a document (dict keys and list indexes)."""
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, here + (i,))
    return out


def _get(node: Any, path: tuple) -> Any:
    for step in path:
        node = node[step]
    return node


def _tables(doc: dict[str, Any]) -> list[tuple]:
    return [p for p in _paths(doc) if isinstance(_get(doc, p), dict)]


def deep_tree_text(levels: int, inline: bool) -> str:
    """TOML of a column inside a column ... `levels` deep with a text at the bottom, written
    without recursion: as `[[widgets.children...]]` blocks, or inline."""
    if inline:
        return (
            "widgets = ["
            + '{type = "column", children = [' * levels
            + '{type = "text", text = "deep"}'
            + "]}" * levels
            + "]\n"
        )
    blocks = [f'[[widgets{".children" * level}]]\ntype = "column"\n' for level in range(levels)]
    return "".join(blocks) + f'[[widgets{".children" * levels}]]\ntype = "text"\ntext = "deep"\n'


@st.composite
def broken_scene_docs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scene with one to three things wrong with it."""
    doc = draw(scene_docs(max_widgets=3, depth=2, max_entries=3))
    for _ in range(draw(st.integers(1, 3))):
        mutation = draw(
            st.sampled_from(
                [
                    "replace",
                    "replace",
                    "unknown-key",
                    "drop-key",
                    "no-type",
                    "bad-type",
                    "top-level",
                    "timeline",
                    "gesture",
                ]
            )
        )
        paths = _paths(doc)
        if mutation == "replace":
            path = draw(st.sampled_from(paths[1:] or [("widgets",)]))
            parent = _get(doc, path[:-1]) if path else doc
            if path:
                parent[path[-1]] = draw(toml_values())
        elif mutation == "unknown-key":
            table = _get(doc, draw(st.sampled_from(_tables(doc))))
            table[draw(hostile_key())] = draw(toml_values(1))
        elif mutation == "drop-key":
            tables = [p for p in _tables(doc) if _get(doc, p)]
            if tables:
                table = _get(doc, draw(st.sampled_from(tables)))
                del table[draw(st.sampled_from(sorted(table, key=str)))]
        elif mutation in ("no-type", "bad-type"):
            widgets = [p for p in _tables(doc) if "type" in _get(doc, p)]
            if widgets:
                table = _get(doc, draw(st.sampled_from(widgets)))
                if mutation == "no-type":
                    del table["type"]
                else:
                    table["type"] = draw(st.one_of(hostile_text(10), toml_values(1)))
        elif mutation == "top-level":
            name = draw(st.sampled_from(["scene", "widgets", "timeline", "gestures", "widget", "Scene"]))
            doc[name] = draw(toml_values())
        elif mutation == "timeline":
            entry = draw(
                st.dictionaries(
                    st.sampled_from(sorted(TIMELINE_KEYS) + ["when", "property"]), toml_values(1), max_size=5
                )
            )
            if not isinstance(doc.get("timeline"), list):
                doc["timeline"] = []
            doc["timeline"].append(entry)
        else:
            entry = {
                "gesture": draw(st.one_of(st.sampled_from(GESTURES), hostile_text(8))),
                "action": draw(st.one_of(st.sampled_from(sorted(ACTIONS)), hostile_text(8))),
                "target": draw(st.one_of(hostile_text(8), edge_number())),
            }
            doc["gestures"] = [entry]
    return doc


@st.composite
def oversized_scene_docs(draw: st.DrawFn) -> dict[str, Any]:
    """Scenes past the limits: widget count, timeline length, text length, file size."""
    which = draw(st.sampled_from(["bytes", "widgets", "timeline", "text"]))
    if which == "bytes":
        return {"widgets": [{"type": "text", "text": "x"}], "scene": {"title": "x" * (limits.MAX_SCENE_BYTES + 1)}}
    if which == "widgets":
        count = draw(st.sampled_from([limits.MAX_WIDGETS, limits.MAX_WIDGETS + 1, 3 * limits.MAX_WIDGETS]))
        return {"widgets": [{"type": "progress", "value": 0.5} for _ in range(count)]}
    if which == "timeline":
        count = draw(st.sampled_from([limits.MAX_TIMELINE_ENTRIES + 1, 2 * limits.MAX_TIMELINE_ENTRIES]))
        return {
            "widgets": [{"type": "text", "id": "t", "text": "x"}],
            "timeline": [{"at": i / 1000, "target": "t", "set": {"text": str(i)}} for i in range(count)],
        }
    size = draw(st.sampled_from([limits.MAX_TEXT_CHARS, limits.MAX_TEXT_CHARS + 1, 100_001, 1_000_000]))
    text = draw(long_text((size,)))
    field = draw(
        st.sampled_from([("caption", "text"), ("text", "text"), ("notification", "title"), ("caption", "translation")])
    )
    table = {"type": field[0], field[1]: text}
    if field[0] == "notification":
        table.setdefault("app", "Alipay")
        table.setdefault("title", "x")
    return {"widgets": [table]}


_STRING_START = re.compile(r'= "')


@st.composite
def damaged_texts(draw: st.DrawFn, text: str, surrogates: bool = False) -> str:
    """`text` with one to three edits: a slice cut, a line repeated, hostile characters or a
    lone-surrogate escape put in, brackets and quotes unbalanced; with `surrogates`, a lone
    surrogate character itself (Python strings can hold one)."""
    edits = ["cut", "repeat-line", "insert", "surrogate", "bracket", "truncate"] + (["raw-surrogate"] * surrogates)
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            text = draw(hostile_text(20))
            continue
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(edits))
        if edit == "cut":
            end = draw(st.integers(at, min(len(text), at + 40)))
            text = text[:at] + text[end:]
        elif edit == "repeat-line":
            lines = text.splitlines(keepends=True)
            index = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: index + 1] + [lines[index]] + lines[index + 1 :])
        elif edit == "insert":
            text = (
                text[:at]
                + draw(
                    st.one_of(
                        hostile_text(8),
                        st.sampled_from(
                            ["[", "]", "[[", "]]", "{", "}", "=", '"', "'", "\n", "\\", "\\u", "#", ".", ",", "\x00"]
                        ),
                    )
                )
                + text[at:]
            )
        elif edit == "surrogate":
            starts = [m.end() for m in _STRING_START.finditer(text)]
            if starts:
                spot = draw(st.sampled_from(starts))
                text = (
                    text[:spot]
                    + draw(st.sampled_from(["\\uD800", "\\uDFFF", "\\UD800DC00", "\\U00110000", "\\x41", "\\z"]))
                    + text[spot:]
                )
        elif edit == "raw-surrogate":
            text = text[:at] + draw(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)) + text[at:]
        elif edit == "bracket":
            text = draw(st.sampled_from(["[[widgets]\n", "[widgets\n", "[[widgets]]]\n", "[scene]]\n"])) + text
        else:
            text = text[:at]
    return text


def oversized_scene_texts() -> st.SearchStrategy[str]:
    """Scene files at and past the limits: trees around MAX_DEPTH and far deeper (past Python's
    recursion limit), and the shapes of `oversized_scene_docs`."""
    # Blocks for a tree 5,000 deep would take 100 MB: that one is only written inline.
    depth = st.one_of(st.integers(limits.MAX_DEPTH - 2, limits.MAX_DEPTH + 3), st.sampled_from([200, 1000, 5000]))
    deep = st.builds(lambda levels, inline: deep_tree_text(levels, inline or levels > 1000), depth, st.booleans())
    return st.one_of(deep, oversized_scene_docs().flatmap(scene_text))


def scene_texts(surrogates: bool = False) -> st.SearchStrategy[str]:
    """Scene file text of every kind: valid, broken, damaged, or arbitrary (the oversized ones
    are `oversized_scene_texts`: few shapes, each slow to build)."""
    valid = valid_scene_texts()
    broken = broken_scene_docs().map(toml_writer.dumps)
    arbitrary = st.dictionaries(hostile_key(), toml_values(), max_size=4).map(toml_writer.dumps)
    damaged = st.one_of(valid, broken).flatmap(lambda text: damaged_texts(text, surrogates))
    return st.one_of(valid, broken, broken, damaged, damaged, arbitrary, hostile_text(200, surrogates))


def scene_bytes() -> st.SearchStrategy[bytes]:
    """Scene files as bytes: UTF-8 (with or without a BOM), other encodings, invalid UTF-8, binary."""

    def encode(text: str, how: str, junk: bytes, at: int) -> bytes:
        if how == "utf-8":
            return text.encode("utf-8")
        if how == "bom":
            return b"\xef\xbb\xbf" + text.encode("utf-8")
        if how == "double-bom":
            return b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode("utf-8")
        if how == "utf-16":
            return text.encode("utf-16")
        if how == "latin-1":
            return text.encode("latin-1", "replace")
        data = text.encode("utf-8")
        spot = at % (len(data) + 1)
        return data[:spot] + junk + data[spot:]

    texts = st.one_of(valid_scene_texts(max_widgets=2, depth=1), broken_scene_docs().map(toml_writer.dumps))
    junk = st.one_of(
        st.binary(min_size=1, max_size=8),
        st.sampled_from(
            [b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00", b"\xe2\x80\xae", b"\x1b[2J", b"\r"]
        ),
    )
    how = st.sampled_from(["utf-8", "bom", "double-bom", "utf-16", "latin-1", "junk", "junk"])
    return st.one_of(st.builds(encode, texts, how, junk, st.integers(0, 10_000)), st.binary(max_size=200))


# -- device profiles -------------------------------------------------------------------------------

TINY_SIDES = {"width": 160, "height": 120}  # generated displays stay small: quick to render


def _profile_number(section: str, key: str) -> st.SearchStrategy[int | float]:
    """A valid value of a numeric profile key, from the profile loader's declared ranges."""
    declared = getattr(devices, "RANGES", {}).get((section, key))
    integer = TABLES[section][key].kind.value_types == (int,)
    low, high = (declared.low, declared.high) if declared else (1, 1000)
    high = min(high, TINY_SIDES.get(key, high))
    low_open, high_open = (declared.low_open, declared.high_open) if declared else (False, False)
    if integer:
        return st.integers(
            math.floor(low) + 1 if low_open else math.ceil(low), math.ceil(high) - 1 if high_open else math.floor(high)
        )
    return st.floats(low, high, exclude_min=low_open, exclude_max=high_open)


@st.composite
def tiny_profile_docs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid device profile with a small display (fast to render), or none at all; every
    number within the ranges the profile loader declares."""
    has_display = draw(st.integers(0, 5)) > 0
    doc: dict[str, Any] = {
        "device": {"name": draw(st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)), "has_display": has_display}
    }
    if draw(st.booleans()):
        doc["device"]["title"] = draw(hostile_text(20))
    if has_display:
        width, height = draw(_profile_number("display", "width")), draw(_profile_number("display", "height"))
        # Margins leave at least a quarter of each side (what the profile loader asks).
        vertical, horizontal = draw(st.integers(0, height * 3 // 4)), draw(st.integers(0, width * 3 // 4))
        top, left = draw(st.integers(0, vertical)), draw(st.integers(0, horizontal))
        display: dict[str, Any] = {
            "eyes": draw(st.sampled_from([["left", "right"], ["left"], ["right"], ["right", "left"]])),
            "width": width,
            "height": height,
            "colour": draw(st.sampled_from(COLOUR_MODES)),
            "fov_diag_deg": draw(_profile_number("display", "fov_diag_deg")),
            "refresh_hz": draw(_profile_number("display", "refresh_hz")),
        }
        optional = {
            key: _profile_number("display", key)
            for key in ("wavelength_nm", "grey_levels", "max_colours", "peak_nits", "image_distance_m")
        }
        optional["safe_margin"] = st.just([top, horizontal - left, vertical - top, left])
        # Calibration moves an eye's image by at most half the panel.
        shift = st.tuples(st.integers(-(width // 2), width // 2), st.integers(-(height // 2), height // 2)).map(list)
        optional["calibration"] = st.fixed_dictionaries({}, optional={eye: shift for eye in EYES})
        for name, values in optional.items():
            if draw(st.booleans()):
                display[name] = draw(values)
        doc["display"] = display
    if draw(st.booleans()):
        doc["optics"] = draw(
            st.fixed_dictionaries(
                {}, optional={key: _profile_number("optics", key) for key in ("ipd_mm", "comfort_min_m")}
            )
        )
    if draw(st.booleans()):
        doc["audio"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "speakers": st.sampled_from([s for s in SPEAKERS if s != "none" or has_display]),
                    "speak": st.lists(st.sampled_from(sorted(WIDGET_TYPES)), max_size=3, unique=True),
                },
            )
        )
    return doc


@st.composite
def hostile_profile_docs(draw: st.DrawFn) -> dict[str, Any]:
    """A device profile with its keys (from the profile schema) given wrong or extreme values."""
    doc = draw(tiny_profile_docs())
    for _ in range(draw(st.integers(1, 3))):
        section = draw(st.sampled_from(sorted([*TABLES, NOTES_TABLE]) + ["screen", "Display"]))
        keys = sorted(TABLES.get(section, {})) + ["unknown", "has_displays"]
        choice = draw(st.sampled_from(["value", "value", "table", "drop", "flip-display"]))
        if choice == "table":
            doc[section] = draw(toml_values(1))
        elif choice == "drop":
            doc.pop(section, None)
        elif choice == "flip-display":
            if not isinstance(doc.get("device"), dict):
                doc["device"] = {}
            doc["device"]["has_display"] = draw(st.one_of(st.booleans(), hostile_scalar()))
        else:
            table = doc.setdefault(section, {})
            if isinstance(table, dict):
                table[draw(st.sampled_from(keys))] = draw(
                    st.one_of(
                        edge_number(),
                        st.integers(-10, 100_000),
                        toml_values(1),
                        st.lists(st.one_of(st.sampled_from(["left", "right", "centre"]), edge_number()), max_size=5),
                    )
                )
    return doc


def profile_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        tiny_profile_docs().map(toml_writer.dumps),
        hostile_profile_docs().map(toml_writer.dumps),
        tiny_profile_docs().map(toml_writer.dumps).flatmap(damaged_texts),
    )


def render_cases() -> st.SearchStrategy[dict[str, Any]]:
    """A small valid scene, a display (mostly a tiny generated profile, else a built-in one) and
    one to four moments, in any order, up to past the scene's end."""
    tiny = tiny_profile_docs().filter(lambda doc: doc["device"]["has_display"]).map(toml_writer.dumps)
    return st.one_of(
        st.fixed_dictionaries(
            {
                "scene": valid_scene_texts(max_widgets=4, depth=2, text_size=24),
                "device": st.none(),
                "profile": tiny,
                "times": st.lists(st.floats(0, 4, allow_nan=False), min_size=1, max_size=4),
            }
        ),
        st.fixed_dictionaries(
            {
                "scene": valid_scene_texts(max_widgets=3, depth=2, text_size=16),
                "device": st.sampled_from(DISPLAY_DEVICES),
                "profile": st.none(),
                "times": st.lists(st.floats(0, 4, allow_nan=False), min_size=1, max_size=2),
            }
        ),
    )


def speech_scenes() -> st.SearchStrategy[str]:
    """Small valid scenes for the spoken path (short timelines keep narration quick)."""
    return valid_scene_texts(max_widgets=3, depth=2, text_size=24, high=2.0)


# -- command lines ---------------------------------------------------------------------------------

# Files the CLI tests lay out in their working folder, by what they hold.
SCENE_FILES = ("valid.toml", "timeline.toml", "speaks.toml", "broken.toml", "binary.toml", "empty.toml")
CLI_FILES = SCENE_FILES + (
    "tiny.device.toml",
    "g1.device.toml",
    "broken.device.toml",
    "folder",
    "missing.toml",
    "image.png",
)
OUTPUTS = (
    "out",
    "out/sub",
    "out.gif",
    "anim.png",
    "anim.apng",
    "trace.json",
    "chart.png",
    "valid.toml",
    "folder",
    "/dev/null",
    "/proc/hud-fuzz",
    "",
    ".",
    "x.webp",
)
TIMES = ("0", "0.5", "1s", "300ms", "0.25s", "-1", "nan", "inf", "1e400", "10h", "1e9", "86401", "601", "1.5 s", "")
NUMBERS = ("0", "1", "2", "5", "-1", "nan", "inf", "-inf", "1e400", "1e9", "36001", "241", "0.5", "abc", "")
DEVICE_VALUES = DISPLAY_DEVICES + (
    "quark-g1",
    "all",
    "tiny.device.toml",
    "g1.device.toml",
    "broken.device.toml",
    "missing.device.toml",
    "quark-s2",
    "tiny.device.toml,quark-s1",
)
# What an option's or a positional's value names, by its argparse dest: the values to draw
# first (any other value of the general pool, or a hostile string, comes next). Options not
# listed here draw from the general pool.
VALUES_BY_DEST = {
    "scene": SCENE_FILES,
    "scenes": SCENE_FILES,
    "device": DEVICE_VALUES,
    "devices": DEVICE_VALUES,
    "at": TIMES,
    "duration": TIMES,
    "out": OUTPUTS,
    "frames": OUTPUTS,
    "preview": OUTPUTS,
    "trace": OUTPUTS,
    "chart": OUTPUTS,
    "screenshots": OUTPUTS,
    "background": ("street", "night", "image.png", "valid.toml", "nope"),
}

# Options that start a long-running service: only invalid values are fuzzed (a valid one never returns).
SERVICE_OPTIONS = {"--serve": ("-1", "65536", "abc", "1e3", "")}


@functools.cache
def _cli_values() -> st.SearchStrategy[str]:
    """Any value: a file, an output, a time, a number, a device, or a hostile string."""
    pool = st.sampled_from(CLI_FILES + OUTPUTS + TIMES + NUMBERS + DEVICE_VALUES)
    return st.one_of(pool, pool, pool, hostile_text(12), st.sampled_from(["-", "--", "-x", "--help-me"]))


@functools.cache
def _values_for(dest: str, choices: tuple[str, ...] | None, number: bool) -> st.SearchStrategy[str]:
    """Values for one argument: mostly of its kind (its choices, numbers, or VALUES_BY_DEST),
    sometimes anything."""
    if choices:
        typical = st.sampled_from(choices)
    elif number:
        typical = st.sampled_from(NUMBERS)
    elif dest in VALUES_BY_DEST:
        typical = st.sampled_from(VALUES_BY_DEST[dest])
    else:
        return _cli_values()
    return st.one_of(typical, typical, typical, _cli_values())


def _subcommands(parser: Any) -> dict[str, Any]:
    for action in parser._actions:
        if action.choices and isinstance(action.choices, dict):
            return dict(action.choices)
    return {}


def _values(action: Any) -> st.SearchStrategy[str]:
    choices = tuple(str(c) for c in action.choices) if action.choices else None
    return _values_for(action.dest, choices, action.type in (int, float))


@st.composite
def _command_args(draw: st.DrawFn, parser: Any, handed_on: dict[str, Any]) -> list[str]:
    """Arguments for one argparse parser: its positionals and a random choice of its options.
    A subcommand in `handed_on` takes the arguments of that parser instead (`hud emulate`)."""
    argv: list[str] = []
    subcommands = {**_subcommands(parser), **handed_on}
    for action in parser._actions:
        if action.option_strings or action.choices and isinstance(action.choices, dict):
            continue
        many = action.nargs in ("+", "*")
        count = draw(st.integers(1 if action.nargs == "+" else 0, 3)) if many else 1
        argv += [draw(_values(action)) for _ in range(count)]
    options = [a for a in parser._actions if a.option_strings and a.dest != "help"]
    required = [a for a in options if a.required]
    chosen = draw(st.lists(st.sampled_from(options), max_size=3, unique_by=id)) if options else []
    for action in required + [a for a in chosen if not a.required]:
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
        elif flag in SERVICE_OPTIONS:
            argv += [flag, draw(st.sampled_from(SERVICE_OPTIONS[flag]))]
        else:
            argv += [flag, draw(_values(action))]
    if subcommands:
        name = draw(st.sampled_from(sorted(subcommands)))
        argv = argv + [name] + draw(_command_args(subcommands[name], {}))
    return argv


def cli_argvs(parser: Any, handed_on: dict[str, Any] | None = None) -> st.SearchStrategy[list[str]]:
    """`hud` argument vectors from the parser's declarations (`handed_on`: subcommands that
    another parser reads); one in five shuffled, extended or plain garbage."""
    return _argvs(_command_args(parser, handed_on or {}))


@st.composite
def _argvs(draw: st.DrawFn, declared: st.SearchStrategy[list[str]]) -> list[str]:
    form = draw(st.integers(0, 9))
    if form == 0:
        return draw(st.lists(_cli_values(), max_size=5))
    argv = draw(declared)
    if form == 1:
        return draw(st.permutations(argv))
    if form == 2:
        return argv + draw(st.lists(_cli_values(), min_size=1, max_size=2))
    return argv


# -- HTTP requests -----------------------------------------------------------------------------------

METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "TRACE", "CONNECT", "get", "BREW", "G\x00T")


@functools.cache
def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        edge_number().filter(lambda v: not isinstance(v, int) or abs(v) < 10**300),
        hostile_text(20, surrogates=True),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(hostile_text(8, surrogates=True), inner, max_size=4)
        ),
        max_leaves=8,
    )


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=True, allow_nan=True).encode()


WIDGET_IDS = ("live", "next-turn", "nope", "", "%2e%2e", "a%2Fb", "%00", "%E2%80%AE", "x" * 300)


def _route_table(routes: Any) -> list[tuple[str, str, Any, Any]]:
    """(method, path template, example body, body schema) of each route, from the server's
    route table (Route objects, or an older {path: {method: handler}} mapping)."""
    if isinstance(routes, dict):
        return [(method, path, None, None) for path, methods in routes.items() for method in methods]
    return [(r.method, r.path, getattr(r, "example", None), getattr(r, "request", None)) for r in routes]


@functools.cache
def _field_values() -> st.SearchStrategy[Any]:
    """Values for a widget field sent as JSON: valid ones of any field, or hostile JSON."""
    valid = [
        prop_values(cls, prop, 20) for cls in WIDGET_TYPES.values() for prop in cls.props.values() if prop.name != "id"
    ]
    return st.one_of(st.one_of(valid), json_values())


def _body_from_schema(schema: dict[str, Any] | None) -> st.SearchStrategy[Any]:
    """JSON bodies for a route's declared request schema (a widget table for a widget $ref)."""
    if not schema:
        return json_values()
    if "$ref" in schema:
        return widget_tables(depth=1, text_size=20)
    if schema.get("type") == "object" and not schema.get("properties"):  # a widget's fields (PATCH)
        return st.one_of(
            st.sampled_from(sorted(WIDGET_TYPES)).flatmap(_some_fields),
            st.dictionaries(
                st.sampled_from(sorted({n for c in WIDGET_TYPES.values() for n in c.props})),
                _field_values(),
                min_size=1,
                max_size=3,
            ),
        )
    return _from_schema(schema)


@functools.cache
def _some_fields(type_name: str) -> st.SearchStrategy[dict[str, Any]]:
    """One to three fields of a widget type, with valid values."""
    cls = WIDGET_TYPES[type_name]
    names = _settable(cls)
    return st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({n: prop_values(cls, cls.props[n], 20) for n in chosen})
    )


def request_bodies(example: Any, schema: dict[str, Any] | None, widget_keys: list[str]) -> st.SearchStrategy[bytes]:
    """Bodies for one route: its example, the example with a field changed, one from its schema,
    objects of the API's field names, any JSON, raw bytes, deep or oversized JSON."""
    field_names = st.sampled_from(
        sorted(
            set(widget_keys)
            | {"gesture", "text", "path", "device", "seconds", "paused", "commit", "id", "type", "children"}
        )
    )
    values = st.one_of(
        json_values(),
        st.sampled_from(
            list(GESTURES)
            + list(DISPLAY_DEVICES)
            + ["quark-g1", "valid.toml", "/dev/zero", "/etc/passwd", "../../../etc/passwd", "scenes/city-walk.toml"]
        ),
        st.floats(-1, 5),
        widget_tables(depth=1, text_size=20),
    )
    objects = st.dictionaries(field_names, values, max_size=4)
    options = [
        objects.map(_json_bytes),
        json_values().map(_json_bytes),
        st.binary(max_size=64),
        st.just(b""),
        st.builds(lambda n: b"{" + b'"a":[' * n + b"]" * n + b"}", st.sampled_from([10, 1000, 100_000])),
        st.builds(
            lambda n: b'{"text": "' + b"a" * n + b'"}',
            st.sampled_from([limits.MAX_HTTP_BODY - 12, limits.MAX_HTTP_BODY + 1]),
        ),
    ]
    declared = [_body_from_schema(schema).map(_json_bytes)] * 3
    if isinstance(example, dict) and example:
        changed = st.builds(
            lambda key, value: _json_bytes({**example, key: value}),
            st.sampled_from(sorted(example)),
            st.one_of(values, _field_values()),
        )
        declared += [st.just(_json_bytes(example)), changed, changed]
    return st.one_of(declared + options)


@st.composite
def http_requests(draw: st.DrawFn, routes: Any, widget_keys: list[str]) -> dict[str, Any]:
    """One HTTP request as data: method, target, headers (name, value), body bytes, and whether
    the client sends fewer body bytes than it declares. Most follow a declared route (its
    method, path parameters, example and schema); the rest go anywhere."""
    table = _route_table(routes)
    method, template, example, schema = draw(st.sampled_from(table))
    ids = st.one_of(
        st.sampled_from(WIDGET_IDS[:2]),
        st.sampled_from(WIDGET_IDS[:2]),
        st.sampled_from(WIDGET_IDS),
        hostile_text(6).map(lambda t: re.sub(r"[\s/?#%]", "_", t)),
    )
    path = re.sub(r"\{[^}]*\}", lambda _: draw(ids), template)
    path = draw(
        st.one_of(
            st.just(path),
            st.just(path),
            st.just(path),
            st.sampled_from(["/", "/x", "/..", "%00", "?", "#", "//"]).map(lambda tail: path + tail),
            st.lists(
                st.tuples(
                    st.sampled_from(["view", "overlay", "id", "t", "x"]),
                    st.one_of(st.sampled_from(["both", "fused", "left", "right", "0", "1", "yes"]), hostile_text(6)),
                ),
                max_size=3,
            ).map(lambda q: path + "?" + "&".join(f"{k}={v}" for k, v in q)),
            st.sampled_from(
                ["*", "", "/", "http://127.0.0.1/state", "/state/../state", "/%2e%2e/", "/" + "a" * 70_000]
            ),
            hostile_text(20).map(lambda s: "/" + s),
        )
    )
    method = draw(st.one_of(st.just(method), st.just(method), st.just(method), st.sampled_from(METHODS)))
    body = draw(request_bodies(example, schema, widget_keys))
    headers: list[tuple[str, str]] = []
    length = draw(
        st.sampled_from(["exact"] * 8 + ["none", "short", "long", "negative", "junk", "huge", "chunked", "twice"])
    )
    declared = {
        "exact": str(len(body)),
        "short": str(max(0, len(body) - 1)),
        "long": str(len(body) + 5),
        "negative": "-5",
        "junk": draw(st.sampled_from(["abc", "1e3", " 12", "0x10", "", "١٢"])),
        "huge": str(10**20),
        "twice": str(len(body)),
    }.get(length)
    if declared is not None:
        headers.append(("Content-Length", declared))
    if length == "twice":
        headers.append(("Content-Length", str(len(body) + 1)))
    if length == "chunked":
        headers.append(("Transfer-Encoding", "chunked"))
    if draw(st.booleans()):
        headers.append(
            (
                "Content-Type",
                draw(
                    st.sampled_from(
                        [
                            "application/json",
                            "text/plain",
                            "application/toml",
                            "multipart/form-data; boundary=x",
                            "\x00",
                        ]
                    )
                ),
            )
        )
    extra = st.tuples(
        st.one_of(
            st.sampled_from(["Accept", "Host", "Connection", "Expect", "Range", "X-Fuzz"]),
            st.from_regex(r"[A-Za-z-]{1,20}", fullmatch=True),
        ),
        st.one_of(
            hostile_text(20).map(lambda s: s.replace("\r", "").replace("\n", "")),
            st.sampled_from(["100-continue", "keep-alive", "close", "bytes=0-1", "x" * 70_000]),
        ),
    )
    headers += draw(st.lists(extra, max_size=2))
    truncated = length == "long" or (length == "twice" and draw(st.booleans()))
    version = draw(st.sampled_from(["HTTP/1.1"] * 6 + ["HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.1 extra", ""]))
    return {
        "method": method,
        "path": path,
        "version": version,
        "headers": headers,
        "body": body,
        "truncated": truncated,
    }
