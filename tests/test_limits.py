"""Limits checked before the work starts: widgets, nesting, text, timeline entries, bindings and
file size in scene files and in Python; every length bounded; numbers finite."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import hud
from hud.anim import parse_time
from hud.errors import FieldError, SceneError
from hud.geometry import Length
from hud.limits import (
    MAX_BINDINGS,
    MAX_DEPTH,
    MAX_KEY_PARTS,
    MAX_LENGTH_DEG,
    MAX_LENGTH_PX,
    MAX_SCENE_BYTES,
    MAX_TEXT_CHARS,
    MAX_TIMELINE_ENTRIES,
    MAX_WIDGETS,
)
from hud.scene import load_scene, parse_scene, widget_from_table


def refused(text: str) -> SceneError:
    with pytest.raises(SceneError) as caught:
        parse_scene(text, "s.toml")
    return caught.value


def flat(count: int) -> str:
    """`count` top-level text widgets, three lines each."""
    return "".join(f'[[widgets]]\ntype = "text"\ntext = "w{i}"\n' for i in range(count))


def nested(levels: int) -> str:
    """Columns inside columns: the innermost widget has `levels` containers around it."""
    lines, key = [], "widgets"
    for _ in range(levels):
        lines += [f"[[{key}]]", 'type = "column"']
        key += ".children"
    return "\n".join(lines + [f"[[{key}]]", 'type = "text"', 'text = "deep"']) + "\n"


# -- widgets per scene ----------------------------------------------------------------------------


def test_a_scene_of_max_widgets_loads() -> None:
    assert len(parse_scene(flat(MAX_WIDGETS)).widgets) == MAX_WIDGETS


def test_one_widget_more_is_refused_at_its_line() -> None:
    error = refused(flat(MAX_WIDGETS + 1))
    assert error.line == 3 * MAX_WIDGETS + 1
    assert f"the scene has {MAX_WIDGETS + 1} widgets, at most {MAX_WIDGETS} allowed (nested ones included)" in str(
        error
    )


def test_nested_widgets_count() -> None:
    text = '[[widgets]]\ntype = "column"\n' + "".join(
        f'[[widgets.children]]\ntype = "text"\ntext = "c{i}"\n' for i in range(MAX_WIDGETS)
    )
    assert f"the scene has {MAX_WIDGETS + 1} widgets" in str(refused(text))


def test_a_hundred_thousand_widgets_are_refused_without_building_them() -> None:
    text = '[[widgets]]\ntype="text"\n' * 100_000
    start = time.perf_counter()
    error = refused(text)
    took = time.perf_counter() - start
    assert "the scene has 100000 widgets" in str(error) and error.line == 2 * MAX_WIDGETS + 1
    assert took < 8.0, f"{took:.1f} s"  # the TOML reader's time; building them took 40 s and more


# -- nesting ---------------------------------------------------------------------------------------


def test_max_depth_loads_and_one_more_is_refused() -> None:
    scene = parse_scene(nested(MAX_DEPTH))
    widget, depth = scene.widgets[0], 0
    while widget.children:
        widget, depth = widget.children[0], depth + 1
    assert depth == MAX_DEPTH and widget.text == "deep"
    error = refused(nested(MAX_DEPTH + 1))
    assert error.line == 2 * (MAX_DEPTH + 1) + 1
    assert f"text: is inside {MAX_DEPTH + 1} containers, at most {MAX_DEPTH} may nest" in str(error)


@pytest.mark.parametrize("levels", [600, 1000])
def test_deeply_nested_headers_are_one_line(levels: int) -> None:
    error = refused(nested(levels))
    assert f"widgets nest more than {MAX_DEPTH} containers deep" in str(error) and error.line is not None


@pytest.mark.parametrize("opening", ["[", "{a = ", "{ children = ["])
def test_deeply_nested_values_are_one_line(opening: str) -> None:
    closing = {"[": "]", "{a = ": "}", "{ children = [": "]}"}[opening]
    text = 'title = "x"\n' + "x = " + opening * 3000 + "1" + closing * 3000 + "\n"
    error = refused(text)
    assert error.line == 2 and "arrays or inline tables nest too deeply to read" in str(error)


def test_inline_widget_tables_nested_past_the_reader_are_one_line() -> None:
    inner = '{ type = "text", text = "x" }'
    for _ in range(1500):
        inner = f'{{ type = "column", children = [{inner}] }}'
    error = refused("[scene]\n" + f"widgets = [{inner}]\n")
    assert error.line == 2 and "nest too deeply" in str(error)


def test_keys_of_too_many_parts_are_refused_before_reading() -> None:
    key = ".".join(["a"] * (MAX_KEY_PARTS + 1))
    start = time.perf_counter()
    error = refused(f"[scene]\n{key} = 1\n")
    assert error.line == 2 and f"more than {MAX_KEY_PARTS} dotted parts" in str(error)
    assert time.perf_counter() - start < 1.0
    assert "unknown key" in str(refused(f"[scene]\n{'.'.join(['a'] * MAX_KEY_PARTS)} = 1\n"))


# -- the same limits in Python --------------------------------------------------------------------


def test_python_scene_past_max_widgets() -> None:
    scene = hud.Scene(*[hud.Text(text="x") for _ in range(MAX_WIDGETS)])
    with pytest.raises(FieldError, match=f"would make {MAX_WIDGETS + 1} widgets in one scene, at most {MAX_WIDGETS}"):
        scene.add(hud.Text(text="one more"))
    with pytest.raises(FieldError, match="at most"):
        hud.Scene(*[hud.Text(text="x") for _ in range(MAX_WIDGETS + 1)])
    column = hud.Column(hud.Text(text="a"), hud.Text(text="b"))
    with pytest.raises(FieldError, match=f"would make {MAX_WIDGETS + 3} widgets"):
        scene.add(column)
    scene.root.remove(scene.widgets[0])
    scene.root.remove(scene.widgets[0])
    scene.root.remove(scene.widgets[0])
    scene.add(column)  # room again after removing three
    moved = scene.widgets[0]
    scene.root.remove(moved)
    scene.add(moved)  # moving a widget inside the scene adds nothing
    assert len(list(scene.root.walk())) == MAX_WIDGETS + 1  # and the screen


def test_python_nesting_past_max_depth() -> None:
    outer = hud.Column()
    inner = outer
    for _ in range(MAX_DEPTH - 1):
        inner = inner.add(hud.Column())
    inner.add(hud.Text(text="at the limit"))
    with pytest.raises(FieldError, match=f"would nest widgets {MAX_DEPTH + 1} containers deep, at most {MAX_DEPTH}"):
        inner.add(hud.Column(hud.Text(text="too deep")))
    scene = hud.Scene()
    scene.add(outer)  # the screen is not a container of the user's
    with pytest.raises(FieldError, match="containers deep"):
        hud.Column().add(outer)


def test_python_cycles_are_refused() -> None:
    a, b = hud.Column(), hud.Column()
    a.add(b)
    with pytest.raises(FieldError, match="inside itself"):
        b.add(a)
    with pytest.raises(FieldError, match="inside itself"):
        a.add(a)


def test_children_setter_keeps_the_counts() -> None:
    column = hud.Column(*[hud.Text(text=str(i)) for i in range(5)])
    column.children = [hud.Text(text="only")]
    scene = hud.Scene(*[hud.Text(text="x") for _ in range(MAX_WIDGETS - 2)])
    scene.add(column)
    with pytest.raises(FieldError):
        scene.add(hud.Text(text="one too many"))


def test_widget_tables_from_requests_count_the_scene() -> None:
    scene = hud.Scene(*[hud.Text(text="x") for _ in range(MAX_WIDGETS - 1)])
    table = {"type": "column", "children": [{"type": "text", "text": "a"}]}
    with pytest.raises(SceneError, match=f"the scene has {MAX_WIDGETS + 1} widgets"):
        widget_from_table(table, scene)
    deep: dict = {"type": "text", "text": "x"}
    for _ in range(MAX_DEPTH + 1):
        deep = {"type": "column", "children": [deep]}
    with pytest.raises(SceneError, match="containers"):
        widget_from_table(deep, hud.Scene())


# -- text, timeline entries, bindings, file size -------------------------------------------------


def test_text_fields_hold_max_text_chars() -> None:
    assert len(hud.Text(text="x" * MAX_TEXT_CHARS).text) == MAX_TEXT_CHARS
    error = refused(f'[[widgets]]\ntype = "caption"\ntext = "{"x" * (MAX_TEXT_CHARS + 1)}"\n')
    assert error.line == 3 and f"is {MAX_TEXT_CHARS + 1} characters long, at most {MAX_TEXT_CHARS} allowed" in str(
        error
    )
    assert "'title'" in str(refused(f'[scene]\ntitle = "{"t" * (MAX_TEXT_CHARS + 1)}"\n'))
    with pytest.raises(FieldError, match="title"):
        hud.Scene(title="t" * (MAX_TEXT_CHARS + 1))


def _entries(count: int) -> str:
    return '[[widgets]]\ntype = "text"\nid = "t"\n' + "".join(
        f'[[timeline]]\nat = {i}\ntarget = "t"\nset = {{ text = "{i}" }}\n' for i in range(count)
    )


def test_timeline_entries_limit() -> None:
    scene = parse_scene(_entries(MAX_TIMELINE_ENTRIES))
    scene.apply_timeline(MAX_TIMELINE_ENTRIES)
    assert scene["t"].text == str(MAX_TIMELINE_ENTRIES - 1)
    error = refused(_entries(MAX_TIMELINE_ENTRIES + 1))
    assert error.line == 3 + 4 * MAX_TIMELINE_ENTRIES + 1
    assert f"{MAX_TIMELINE_ENTRIES + 1} timeline entries, at most {MAX_TIMELINE_ENTRIES} allowed" in str(error)


def test_gesture_bindings_limit() -> None:
    text = '[[widgets]]\ntype = "caption"\nid = "c"\n' + (
        '[[gestures]]\ngesture = "swipe_back"\naction = "scroll_back"\ntarget = "c"\n' * (MAX_BINDINGS + 1)
    )
    assert f"{MAX_BINDINGS + 1} gesture bindings, at most {MAX_BINDINGS} allowed" in str(refused(text))


def test_scene_file_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:  # sparse: the loader must not read it
        handle.truncate(MAX_SCENE_BYTES + 1)
    start = time.perf_counter()
    with pytest.raises(SceneError, match=f"the file is {MAX_SCENE_BYTES + 1} bytes, at most {MAX_SCENE_BYTES} allowed"):
        load_scene(path)
    assert time.perf_counter() - start < 0.5
    with pytest.raises(SceneError, match="at most"):
        parse_scene("#" * (MAX_SCENE_BYTES + 1))


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    with pytest.raises(SceneError, match="not a regular file"):
        load_scene(tmp_path)
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(SceneError, match="not a regular file"):  # would block forever if read
        load_scene(fifo)


# -- every length bounded, every number finite ----------------------------------------------------

LENGTH_FIELDS = [
    ("offset", "[{v}, 0]", True),
    ("margin", "{v}", False),
    ("padding", "[0, {v}]", False),
    ("width", "{v}", False),
    ("height", "{v}", False),
]


@pytest.mark.parametrize(("name", "shape", "signed"), LENGTH_FIELDS, ids=[f[0] for f in LENGTH_FIELDS])
def test_lengths_are_bounded_in_px_and_deg(name: str, shape: str, signed: bool) -> None:
    for value in (MAX_LENGTH_PX, f'"{MAX_LENGTH_DEG:g}deg"', f'"{-MAX_LENGTH_PX}px"' if signed else 0):
        parse_scene(f'[[widgets]]\ntype = "text"\n{name} = {shape.format(v=value)}\n')
    for value in (MAX_LENGTH_PX + 1, f'"{MAX_LENGTH_DEG + 0.5:g}deg"', "inf", "nan", f'"{"9" * 400}px"', 10**400):
        error = refused(f'[[widgets]]\ntype = "text"\n{name} = {shape.format(v=value)}\n')
        assert error.line == 3 and f"'{name}' must be between" in str(error), str(error)


@pytest.mark.parametrize(
    ("widget", "field", "value", "range_words"),
    [
        ("column", "gap", f"{MAX_LENGTH_PX + 1}", f"between 0 px and {MAX_LENGTH_PX} px"),
        ("column", "gap", '"100deg"', f"between 0deg and {MAX_LENGTH_DEG:g}deg"),
        ("panel", "radius", "1e12", f"between 0 px and {MAX_LENGTH_PX} px"),
        ("panel", "border", '"-1deg"', f"between 0deg and {MAX_LENGTH_DEG:g}deg"),
        ("text", "size", '"16deg"', "more than 0deg and at most 15deg"),
        ("icon", "size", "inf", "between 1 px and 2000 px"),
    ],
)
def test_widget_lengths_name_their_range(widget: str, field: str, value: str, range_words: str) -> None:
    extra = 'name = "bell"\n' if widget == "icon" else ""
    error = refused(f'[[widgets]]\ntype = "{widget}"\n{extra}{field} = {value}\n')
    assert range_words in str(error), str(error)


def test_python_lengths_are_bounded() -> None:
    assert hud.Text(offset=[-MAX_LENGTH_PX, f"{MAX_LENGTH_DEG}deg"]).offset == (
        Length(-MAX_LENGTH_PX),
        Length(MAX_LENGTH_DEG, "deg"),
    )
    for bad in ([float("inf"), 0], [0, float("nan")], [10**400, 0], ["91deg", 0]):
        with pytest.raises(FieldError, match="must be between"):
            hud.Text(offset=bad)


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), -1, 86_400.5, 10**400, "86401s", "9" * 400 + "s", "1e3s", "-0.5s"]
)
def test_times_are_finite_and_within_a_day(value) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        parse_time(value)


def test_times_at_the_bound() -> None:
    assert parse_time(86_400) == 86_400.0 and parse_time("86400000ms") == 86_400.0 and parse_time(-0.0) == 0.0


def test_scene_duration_is_bounded() -> None:
    error = refused('[scene]\nduration = "100000s"\n')
    assert error.line == 2 and "at most 86400 s" in str(error)
