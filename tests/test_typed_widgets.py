"""Typed widgets: every widget class's signature comes from its declared fields, at run time
(`inspect.signature`, `help()`) and for type checkers (PEP 681, checked by running mypy on
small apps); main values and children are positional; reprs are short."""

from __future__ import annotations

import inspect
import pydoc
import re
import subprocess
import sys
import textwrap
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest

import hud
from hud.errors import FieldError
from hud.geometry import Length
from hud.widgets import WIDGET_TYPES, Widget, create_widget
from hud.widgets.props import Prop, Str

from paths import ROOT

TYPES = sorted(WIDGET_TYPES)
CONTAINERS = sorted(name for name, cls in WIDGET_TYPES.items() if cls.accepts_children)
LEAVES = sorted(name for name, cls in WIDGET_TYPES.items() if not cls.accepts_children)
# The value each leaf widget takes positionally, and one it accepts.
MAIN_VALUES = {
    "caption": ("text", "Where is the metro?"),
    "icon": ("name", "wallet"),
    "image": ("src", "map.png"),
    "nav_arrow": ("maneuver", "left"),
    "notification": ("title", "Paid ¥25"),
    "price_card": ("product", "AirPods Pro"),
    "progress": ("value", 0.4),
    "text": ("text", "hello"),
}
# Required fields other than the main value, with a value each.
OTHER_REQUIRED = {"notification": {"app": "Alipay"}, "price_card": {"price": 1899}}


def _class_name(type_name: str) -> str:
    return WIDGET_TYPES[type_name].__name__


# -- run-time signatures ------------------------------------------------------------------------


@pytest.mark.parametrize("type_name", TYPES)
def test_signature_lists_exactly_the_declared_fields(type_name: str) -> None:
    """The main value (or a container's children) first, then every declared field by keyword,
    each with its declared default (none for a required field) and the type its Prop accepts."""
    cls = WIDGET_TYPES[type_name]
    parameters = list(inspect.signature(cls).parameters.values())
    first = parameters[0]
    if cls.accepts_children:
        assert (first.name, first.kind, first.annotation) == ("children", first.VAR_POSITIONAL, Widget)
        assert cls.main is None
    else:
        assert (first.name, first.kind) == (MAIN_VALUES[type_name][0], first.POSITIONAL_OR_KEYWORD)
        assert cls.main == first.name
    fields = parameters[1:] if cls.accepts_children else parameters
    assert [p.name for p in fields] == sorted(cls.props, key=lambda name: cls.props[name].kw_only)
    hints = typing.get_type_hints(cls)
    for parameter in fields:
        prop = cls.props[parameter.name]
        assert parameter.default == (parameter.empty if prop.required else prop.default), parameter.name
        assert parameter.annotation == typing.get_args(hints[parameter.name])[0], parameter.name
        if parameter.name != cls.main:
            assert parameter.kind == parameter.KEYWORD_ONLY


def test_every_field_is_annotated_where_it_is_declared() -> None:
    """An unannotated Prop would be a field at run time but not for type checkers."""
    unannotated = [
        f"{klass.__name__}.{name}"
        for cls in WIDGET_TYPES.values()
        for klass in cls.__mro__
        for name, value in vars(klass).items()
        if isinstance(value, Prop) and name not in klass.__dict__.get("__annotations__", {})
    ]
    assert unannotated == []


def test_required_fields_are_those_declared_without_a_default() -> None:
    required = {
        name: sorted(field for field, prop in cls.props.items() if prop.required) for name, cls in WIDGET_TYPES.items()
    }
    assert {name: fields for name, fields in required.items() if fields} == {
        "icon": ["name"],
        "image": ["src"],
        "nav_arrow": ["maneuver"],
        "notification": ["app", "title"],
        "price_card": ["price", "product"],
    }
    with pytest.raises(FieldError, match="^name: is required"):
        hud.Icon()


@pytest.mark.parametrize("type_name", TYPES)
def test_help_shows_the_signature_and_every_field_doc(type_name: str) -> None:
    cls = WIDGET_TYPES[type_name]
    shown = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    assert f"{cls.__name__}{inspect.signature(cls)}" in shown.replace("\n |  ", "")
    for name, prop in cls.props.items():
        assert prop.doc and prop.__doc__ == prop.doc
        assert f"{name}\n |      {prop.doc}" in shown, name


# -- positional values ----------------------------------------------------------------------------


@pytest.mark.parametrize("type_name", LEAVES)
def test_a_leaf_takes_its_main_value_positionally(type_name: str) -> None:
    cls = WIDGET_TYPES[type_name]
    field, value = MAIN_VALUES[type_name]
    widget = cls(value, **OTHER_REQUIRED.get(type_name, {}))
    assert getattr(widget, field) == value
    assert widget.fields() == cls(**{field: value}, **OTHER_REQUIRED.get(type_name, {})).fields()


@pytest.mark.parametrize("type_name", CONTAINERS)
def test_a_container_takes_its_children_positionally(type_name: str) -> None:
    first, second = hud.Text("a"), hud.Icon("wallet")
    container = WIDGET_TYPES[type_name](first, second, id="box", padding=4)
    assert container.children == (first, second)
    assert first.parent is container and container.id == "box"


def test_a_second_positional_value_names_what_was_given() -> None:
    with pytest.raises(FieldError) as info:
        hud.Text("a", "b")
    assert str(info.value).startswith("text takes one positional value (its text), got 2: 'a', 'b' (")
    with pytest.raises(FieldError, match=r"^icon takes one positional value \(its name\), got 3: 'left', 2, None"):
        hud.Icon("left", 2, None)
    with pytest.raises(FieldError, match=r"^caption takes one positional value \(its text\), got 2"):
        hud.Caption("Hello", "你好")


def test_a_widget_without_a_main_value_takes_no_positional_values() -> None:
    with pytest.raises(
        FieldError, match=r"^Widget takes no positional values, got 2: 'x', 1 \(give its fields by name"
    ):
        hud.Widget("x", 1)


def test_a_class_declares_at_most_one_main_value() -> None:
    with pytest.raises(TypeError, match="declares 2 main values"):

        class Pair(hud.Text):
            other: Prop[str, str] = Prop(Str(), default="", kw_only=False)


def test_an_app_widget_class_has_a_signature_even_when_its_annotations_do_not_resolve() -> None:
    class Badge(hud.Text):
        label: Prop[NotDefinedHere, str] = Prop(Str(), default="")  # type: ignore[name-defined]  # noqa: F821

    parameters = inspect.signature(Badge).parameters
    assert list(parameters)[:2] == ["text", "id"] and parameters["label"].default == ""
    assert parameters["label"].annotation is inspect.Parameter.empty
    assert WIDGET_TYPES["text"] is hud.Text  # a subclass without a type name of its own registers nothing


def test_a_main_value_given_twice_is_an_error() -> None:
    with pytest.raises(FieldError, match=r"^text: given twice: positionally \('a'\) and by name \('b'\)"):
        hud.Text("a", text="b")


def test_a_container_names_what_is_not_a_widget() -> None:
    with pytest.raises(FieldError) as info:
        hud.Row("a")
    assert str(info.value).startswith("row's children must be widgets, got str 'a' (")
    assert "hud.Text('a')" in info.value.fix
    with pytest.raises(FieldError, match=r"column's children must be widgets, got list \[<text text='x'>\]"):
        hud.Column([hud.Text("x")])
    with pytest.raises(FieldError, match="stack's children must be widgets, got int 3"):
        hud.Stack().add(3)  # type: ignore[arg-type]


def test_a_leaf_given_a_widget_says_it_takes_no_children() -> None:
    with pytest.raises(FieldError, match="^children: text takes no children"):
        hud.Text(hud.Icon("wallet"))  # type: ignore[arg-type]


def test_children_by_keyword_point_to_positional_children() -> None:
    with pytest.raises(FieldError, match=r"^column's children are given positionally \(write Column\(a, b\)"):
        hud.Column(children=[hud.Text("a")])  # type: ignore[call-arg]
    with pytest.raises(FieldError, match="text takes no children"):
        hud.Text(children=[hud.Text("a")])  # type: ignore[call-arg]


def test_create_widget_takes_a_containers_children_from_its_fields() -> None:
    first = hud.Text("a")
    column = create_widget("column", {"children": [first], "gap": 4})
    assert column.children == (first,) and column.fields() == {"gap": Length(4.0)}
    with pytest.raises(FieldError, match="^children: text takes no children"):
        create_widget("text", {"children": ["not the text"]})
    with pytest.raises(FieldError, match="^column's children must be a list of widgets, got 3"):
        create_widget("column", {"children": 3})


@pytest.mark.parametrize(
    "build",
    [
        lambda: hud.Text(3),
        lambda: hud.Progress("half"),
        lambda: hud.Row(None),
        lambda: hud.Panel(hud.Text("a"), "b"),
        lambda: hud.Icon(),
        lambda: hud.Caption(text=None),
        lambda: hud.NavArrow("left", "right"),
        lambda: hud.Widget("x"),
    ],
)
def test_every_wrong_construction_is_one_field_error_line(build: Any) -> None:
    """No bare TypeError: each mistake is a FieldError (a HudError) on one line."""
    with pytest.raises(FieldError) as info:
        build()
    assert "\n" not in str(info.value) and str(info.value)


# -- reprs ----------------------------------------------------------------------------------------


def test_repr_shows_type_id_and_main_value() -> None:
    assert repr(hud.Text("Hello", id="greeting")) == "<text 'greeting' text='Hello'>"
    assert repr(hud.Icon("wallet")) == "<icon name='wallet'>"
    assert repr(hud.Progress(0.25)) == "<progress value=0.25>"
    assert repr(hud.Text("x", visible=False)) == "<text text='x' hidden>"


def test_repr_of_composites_shows_their_key_fields() -> None:
    assert repr(hud.NavArrow("left", distance_m=120, id="nav")) == "<nav_arrow 'nav' maneuver='left' distance_m=120>"
    assert repr(hud.PriceCard("Tea", price=19.9)) == "<price_card product='Tea' price=19.9>"
    assert repr(hud.Notification("Paid", app="Alipay")) == "<notification app='Alipay' title='Paid'>"


def test_repr_of_a_container_counts_its_children_and_never_shows_the_tree() -> None:
    inner = hud.Column(*(hud.Text(f"line {index}") for index in range(50)))
    outer = hud.Row(inner, id="outer")
    assert repr(outer) == "<row 'outer' 1 child>"
    assert repr(inner) == "<column 50 children>"


def test_repr_clips_long_values_to_one_short_line() -> None:
    shown = repr(hud.Caption("word " * 1000 + "\u202e\n"))
    assert len(shown) < 70 and "\n" not in shown and "\u202e" not in shown
    assert shown.startswith("<caption text='word word") and shown.endswith("…'>")


# -- the type checker's view ----------------------------------------------------------------------

CORRECT_APP = """\
from typing import assert_type

import hud
from hud.geometry import Length


def build() -> hud.Scene:
    caption = hud.Caption("Where is the metro?", translation="地铁站在哪里？", anchor="bottom")
    arrow = hud.NavArrow("left", distance_m=120, street="Wensan Road", eta_min=9)
    card = hud.PriceCard("AirPods Pro", price=1899, compare=[{"store": "JD", "price": 1999}])
    note = hud.Notification("Paid ¥25", app="Alipay", icon="wallet", priority="high")
    row = hud.Row(hud.Icon("wallet", size="2deg"), hud.Text("¥25", size=32, weight="bold"), gap=Length(0.4, "deg"))
    column = hud.Column(row, hud.Progress(0.4, width="50%"), hud.Image("map.png"), margin=[4, "1deg"])
    panel = hud.Panel(column, padding=8, radius="0.35deg", fill=0.2)
    caption.text = "Turn left"
    caption.width = "80%"
    assert_type(caption.text, str)
    assert_type(caption.translation, str | None)
    assert_type(caption.width, Length | None)
    assert_type(arrow.distance_m, float)
    assert_type(row.gap, Length)
    assert_type(card.compare[0]["price"], float)
    return hud.Scene(caption, arrow, card, note, hud.Stack(panel, id="panel"))
"""

WRONG_APP = """\
import hud

hud.Text(txt="x")
hud.Text(text=3)
hud.Icon()
hud.Row("a")
hud.Column(hud.Text("a"), gap=[1, 2])
hud.Text("a").width = [3]
hud.Text("a", anchor="middle")
"""
# The errors mypy reports for WRONG_APP, by line: (words each message holds).
WRONG_APP_ERRORS = {
    3: ('Unexpected keyword argument "txt" for "Text"', 'did you mean "text"?'),
    4: ('Argument "text" to "Text" has incompatible type "int"; expected "str"',),
    5: ('Missing positional argument "name" in call to "Icon"',),
    6: ('Argument 1 to "Row" has incompatible type "str"; expected "Widget"',),
    7: ('Argument "gap" to "Column"',),
    8: ("Incompatible types in assignment", '"list[int]"'),
    9: ('Argument "anchor" to "Text" has incompatible type "Literal[\'middle\']"',),
}


def _reveal_app() -> str:
    """reveal_type of every widget class (its constructor) and of each of its fields (the Prop)."""
    lines = ["import hud.widgets", ""]
    for name in TYPES:
        cls = WIDGET_TYPES[name]
        lines.append(f"reveal_type(hud.widgets.{cls.__name__})")
        lines += [f"reveal_type(hud.widgets.{cls.__name__}.{field})" for field in cls.props]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def mypy_messages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[int, str]]]:
    """One mypy run (the project's pinned mypy, hud found on MYPYPATH) over three small apps:
    {file stem: [(line, message)]}. Its cache is kept in .mypy_cache/typed-apps (mypy checks
    again whatever changed since), so only a fresh checkout pays for checking hud whole."""
    folder = tmp_path_factory.mktemp("typed_apps")
    apps = {"correct_app": CORRECT_APP, "wrong_app": WRONG_APP, "reveal_app": _reveal_app()}
    for stem, source in apps.items():
        (folder / f"{stem}.py").write_text(source, encoding="utf-8")
    config = folder / "mypy.ini"
    config.write_text("[mypy]\nfollow_imports = silent\nstrict = true\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "typed-apps"),
        ]
        + ["--no-error-summary", "--hide-error-context", *(f"{stem}.py" for stem in apps)],
        cwd=folder,
        env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    messages: dict[str, list[tuple[int, str]]] = {stem: [] for stem in apps}
    for line in result.stdout.splitlines():
        match = re.match(r"^(\w+)\.py:(\d+): (.*)$", line)
        assert match, line
        messages[match.group(1)].append((int(match.group(2)), match.group(3)))
    return messages


def test_mypy_passes_a_correct_app(mypy_messages: dict[str, list[tuple[int, str]]]) -> None:
    assert mypy_messages["correct_app"] == []


def test_mypy_reports_misspelt_fields_and_wrong_types(mypy_messages: dict[str, list[tuple[int, str]]]) -> None:
    errors: dict[int, str] = {}
    for line, message in mypy_messages["wrong_app"]:
        if message.startswith("error:"):
            errors[line] = errors.get(line, "") + message
    assert sorted(errors) == sorted(WRONG_APP_ERRORS), errors
    for line, words in WRONG_APP_ERRORS.items():
        assert all(word in errors[line] for word in words), errors[line]


def _split(types: str) -> list[str]:
    """Split a list mypy printed at its top-level commas (none inside brackets or quotes)."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(types):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(types[start:index].strip())
            start = index + 1
    parts.append(types[start:].strip())
    return [part for part in parts if part]


def _revealed(message: str) -> str:
    match = re.fullmatch(r'note: Revealed type is "(.*)"', message)
    assert match, message
    return match.group(1)


def test_type_checkers_see_exactly_the_declared_fields(mypy_messages: dict[str, list[tuple[int, str]]]) -> None:
    """What mypy sees as each constructor: the same parameters as the run-time signature (the
    main value or the children first, then every field by keyword; a default where one is
    declared), each taking the type its field's Prop accepts. Containers declare their
    constructors for type checkers by hand; this keeps them equal to their fields."""
    revealed = iter(_revealed(message) for _, message in sorted(mypy_messages["reveal_app"]))
    for name in TYPES:
        cls = WIDGET_TYPES[name]
        constructor = re.fullmatch(r"def \((.*)\) -> [\w.]+", next(revealed))
        assert constructor, name
        parameters = [p for p in _split(constructor.group(1)) if p != "*"]
        fields = [next(revealed) for _ in cls.props]
        accepted = {}
        for field, prop_type in zip(cls.props, fields):
            held = re.fullmatch(r"hud\.widgets\.props\.Prop\[(.*)\]", prop_type)
            assert held, (name, field, prop_type)
            accepted[field] = _split(held.group(1))[0]
        expected = [
            f"{field}: {accepted[field]}{'' if cls.props[field].required else ' ='}"
            for field in sorted(cls.props, key=lambda field: cls.props[field].kw_only)
        ]
        if cls.accepts_children:
            expected.insert(0, "*children: hud.widgets.base.Widget")
        assert parameters == expected, name


# -- packaging ------------------------------------------------------------------------------------


def test_the_package_ships_its_inline_types() -> None:
    """py.typed (PEP 561) is in the package and in its package data, so checkers use the types."""
    assert (Path(hud.__file__).parent / "py.typed").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["hud"]


def test_the_examples_in_widget_docstrings_hold() -> None:
    """Each widget class's docstring example gives the repr it shows."""
    import doctest

    for cls in [Widget, *WIDGET_TYPES.values()]:
        finder = doctest.DocTestFinder(recurse=False)
        for test in finder.find(cls, cls.__name__, globs={}):
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            outcome = runner.run(test, out=lambda text: None)
            assert outcome.attempted and not outcome.failed, textwrap.shorten(test.name, 80)
