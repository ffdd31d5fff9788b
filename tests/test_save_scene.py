"""Saving scenes (hud.save): what `scene_to_toml` writes loads back to the same scene.

Every example scene and random scenes (hypothesis, from the fuzz strategies' declarations)
make the round trip load -> save -> load with the same header, tree, fields, timeline and
gesture bindings, and the same frames pixel for pixel; timelines built in Python (show, hide,
set, append, animate, in any order, ties included) give the same field values at every time
after the trip. Scenes built in Python are written with only their explicit fields, in the
file's own syntax, with generated ids for unnamed timeline targets and image paths relative to
the file; what a scene file cannot hold is one SaveError line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

import hud
from fuzz import toml_writer
from fuzz.strategies import IMAGE_SRC, prop_values, scene_docs
from hud.anim import EASINGS, Event, OffsetEnd, Timeline
from hud.devices import load_device
from hud.errors import SceneError
from hud.geometry import Length
from hud.gestures import Binding
from hud.renderer import Renderer
from hud.save import SaveError, save_scene, scene_to_toml
from hud.scene import Scene, load_scene, parse_scene
from hud.widgets import Widget
from hud.widgets.props import Number, Optional

from budget import examples
from paths import EXAMPLES, SCENES

ROUND_TRIP = settings(
    max_examples=examples(quick=100, long=1_500),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


# -- what a scene is, to compare two --------------------------------------------------------------


def _end(value: Any) -> Any:
    """An animation end as its effect: an offset in pixels shifted by pixels is one length."""
    if isinstance(value, OffsetEnd) and value.shift_px and value.length.unit == "px":
        return OffsetEnd(Length(value.length.value + value.shift_px), 0.0)
    return value


def paths_of(scene: Scene) -> dict[int, tuple[int, ...]]:
    """Each widget's place in the tree (child indexes from the root)."""
    places: dict[int, tuple[int, ...]] = {}

    def walk(widget: Widget, place: tuple[int, ...]) -> None:
        places[id(widget)] = place
        for index, child in enumerate(widget.children):
            walk(child, place + (index,))

    for index, child in enumerate(scene.root.children):
        walk(child, (index,))
    return places


def tree(widget: Widget, ids: bool = True) -> tuple:
    """Type, every field's value (the id too, unless `ids` is False) and the children."""
    fields = {name: getattr(widget, name) for name in type(widget).props if ids or name != "id"}
    return (widget.type_name, fields, [tree(child, ids) for child in widget.children])


def events(scene: Scene) -> list[tuple]:
    """The timeline's steps in the order they apply, targets by their place in the tree."""
    places = paths_of(scene)
    steps = scene.timeline.events if scene.timeline is not None else []
    return [
        (e.at, places[id(e.target)], e.kind, e.field, _end(e.value), _end(e.start), e.duration, e.easing) for e in steps
    ]


def describe(scene: Scene, ids: bool = True) -> dict[str, Any]:
    return {
        "title": scene.title,
        "device": scene.device,
        "targets": tuple(scene.targets),
        "gap": scene.gap,
        "duration": scene.duration,
        "widgets": [tree(widget, ids) for widget in scene.root.children],
        "timeline": events(scene),
        "gestures": [(b.gesture, b.action, b.target) for b in scene.bindings],
    }


def values_at(scene: Scene, t: float) -> list[tuple]:
    """Every widget's fields (ids left out) once the timeline is applied at `t`."""
    scene.apply_timeline(t)
    return [tree(widget, ids=False) for widget in scene.root.children]


def reload(scene: Scene, folder: Path) -> Scene:
    """The scene saved as text (images relative to `folder`) and loaded from it again."""
    return parse_scene(scene_to_toml(scene, folder), "<saved>", folder)


def image_folder(tmp_path: Path) -> Path:
    PILImage.new("L", (8, 6), 200).save(tmp_path / IMAGE_SRC)
    return tmp_path


# -- the examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_loads_back_the_same(path: Path) -> None:
    scene = load_scene(path)
    again = reload(scene, path.parent)
    assert describe(again) == describe(scene)
    for saved, original in zip(again.root.walk(), scene.root.walk()):
        written, given = saved.fields(), original.fields()
        assert set(written) <= set(given)  # only what the file set ...
        left_out = set(given) - set(written)  # ... bar a default the timeline changes from
        assert all(given[name] == original.props[name].default for name in left_out), left_out
    assert scene_to_toml(again, path.parent) == scene_to_toml(scene, path.parent)  # a fixed point


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_draws_the_same_frames(path: Path) -> None:
    scene = load_scene(path)
    again = reload(scene, path.parent)
    device = load_device(scene.device)
    assert device.has_display
    first, second = Renderer(scene, device, backend="cpu"), Renderer(again, device, backend="cpu")
    length = scene.length
    for t in sorted({0.0, 0.4, 1.0, 2.5, length / 2, max(length - 0.05, 0.0)}):
        a, b = first.frame(t), second.frame(t)
        for eye in a.eyes:
            assert np.array_equal(a.eyes[eye], b.eyes[eye]), (path.name, t, eye)


def test_saving_after_drawing_writes_the_scene_before_its_timeline() -> None:
    """Fields the timeline changes are written as they were before it, whatever time was drawn."""
    path = SCENES / "city-walk-timeline.toml"
    scene = load_scene(path)
    before = scene_to_toml(scene)
    renderer = Renderer(scene, load_device(scene.device), backend="cpu")
    renderer.frame(scene.length / 2)
    assert scene["next-turn"].distance_m != load_scene(path)["next-turn"].distance_m  # the timeline moved it
    assert scene_to_toml(scene) == before


def test_an_example_is_written_in_the_files_own_syntax() -> None:
    text = scene_to_toml(load_scene(SCENES / "notification-burst.toml"))
    assert 'show = { transition = "slide", duration = "300ms", hide_after = "4.5s" }' in text
    assert 'duration = "8s"' in text
    shopping = scene_to_toml(load_scene(SCENES / "shopping.toml"))
    assert 'src = "assets/headphones.png"' in shopping
    assert 'gap = "0.5deg"' in shopping
    assert 'compare = [{ store = "JD", price = 2499 }, { store = "Pinduoduo", price = 2299 }]' in shopping


# -- random scenes ----------------------------------------------------------------------------------


@ROUND_TRIP
@given(doc=scene_docs(max_widgets=4, depth=2, max_entries=6), at=st.floats(0, 4))
def test_random_scenes_load_back_the_same(tmp_path_factory: pytest.TempPathFactory, doc: dict, at: float) -> None:
    folder = image_folder(tmp_path_factory.mktemp("random"))
    try:
        scene = parse_scene(toml_writer.dumps(doc), "<random>", folder)
    except SceneError:  # a generated timeline the loader refuses (e.g. appends past a text's limit)
        event("the loader refuses the generated scene")
        return
    text = scene_to_toml(scene, folder)
    again = parse_scene(text, "<saved>", folder)
    assert describe(again) == describe(scene)
    scene.apply_timeline(at)  # drawn: a save still writes the scene as it was before its timeline
    drawn = parse_scene(scene_to_toml(scene, folder), "<saved>", folder)
    assert describe(drawn)["timeline"] == describe(again)["timeline"]
    for t in (0.0, at, at + 0.15, 3.5):
        assert values_at(again, t) == values_at(scene, t) == values_at(drawn, t)


@st.composite
def python_timelines(draw: st.DrawFn, scene: Scene, folder: Path) -> Timeline:
    """A timeline built in Python against any widget of `scene` (named or not): shows and hides
    of every transition, sets, appends and animations, at times and orders that tie."""
    widgets = list(scene.root.walk())[1:]
    timeline = Timeline()
    times = st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.3, 2.0])
    for _ in range(draw(st.integers(1, 8))):
        target = draw(st.sampled_from(widgets))
        at, order = draw(times), draw(st.integers(0, 2))
        action = draw(st.sampled_from(["show", "hide", "set", "append", "animate"]))
        duration = draw(st.sampled_from([0.0, 0.3, 0.25]))
        transition = draw(st.sampled_from(["fade", "slide", "none"]))
        if action == "show":
            hide_after = draw(st.one_of(st.none(), st.sampled_from([0.5, 1.7, 4.0])))
            timeline.show(at, target, transition, duration, order, hide_after)
        elif action == "hide":
            timeline.hide(at, target, transition, duration, order)
        elif action == "set":
            names = [n for n in type(target).props if n not in ("id", "src")]
            name = draw(st.sampled_from(names))
            value = target.props[name].validate(draw(prop_values(type(target), target.props[name])))
            timeline.add(Event(at, target, "set", name, value, order=order))
        elif action == "append" and target.type_name in ("caption", "text"):
            timeline.add(Event(at, target, "append", "text", draw(st.text(max_size=12)), order=order))
        elif action == "animate":
            numeric = [
                n
                for n, p in type(target).props.items()
                if isinstance(p.kind.inner if isinstance(p.kind, Optional) else p.kind, Number)
            ]
            name = draw(st.sampled_from(numeric + ["offset_x", "offset_y"]))
            if name in ("offset_x", "offset_y"):
                ends = st.one_of(
                    st.integers(-50, 50).map(float).map(Length), st.sampled_from([Length(0.5, "deg")])
                ).map(OffsetEnd)
            else:
                prop = target.props[name]
                ends = prop_values(type(target), prop).map(prop.validate)
            start = draw(ends)  # a start always: an optional field may have no value to start from
            timeline.add(
                Event(
                    at,
                    target,
                    "animate",
                    name,
                    draw(ends),
                    start,
                    duration,
                    draw(st.sampled_from(sorted(EASINGS))),
                    order,
                )
            )
    return timeline


@ROUND_TRIP
@given(data=st.data(), doc=scene_docs(max_widgets=3, depth=2, max_entries=0))
def test_timelines_built_in_python_load_back_with_the_same_effect(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, doc: dict
) -> None:
    folder = image_folder(tmp_path_factory.mktemp("python"))
    doc.pop("gestures", None)
    scene = parse_scene(toml_writer.dumps(doc), "<random>", folder)
    scene.timeline = data.draw(python_timelines(scene, folder))
    text = scene_to_toml(scene, folder)
    for action in ("show", "hide", "hide_after", "set", "animate", "append"):
        if f"{action} = " in text:
            event(f"written with {action}")
    again = parse_scene(text, "<saved>", folder)
    assert describe(again, ids=False)["timeline"] == describe(scene, ids=False)["timeline"]
    for t in (0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 1.0, 1.2, 1.3, 1.45, 2.0, 2.3, 3.0, 6.5):
        assert values_at(again, t) == values_at(scene, t), t


# -- scenes built in Python -------------------------------------------------------------------------


def test_only_explicit_fields_are_written_in_declaration_order_and_syntax() -> None:
    scene = Scene(
        hud.Column(
            hud.Text(text="Hi", size="0.8deg", color="#ff8800", max_lines=2, anchor="top"),
            hud.Progress(value=0.25, width="40%", margin=[4, "0.5deg"]),
            anchor="bottom",
            gap=Length(0.2, "deg"),
        ),
        title="Built",
        device="even-g2",
        targets=("even-g2", "quark-s1"),
        gap="0.4deg",
    )
    scene.duration = 2.5
    text = scene_to_toml(scene)
    assert text == (
        "[scene]\n"
        'title = "Built"\n'
        'device = "even-g2"\n'
        'targets = ["even-g2", "quark-s1"]\n'
        'gap = "0.4deg"\n'
        'duration = "2.5s"\n'
        "\n"
        "[[widgets]]\n"
        'type = "column"\n'
        'anchor = "bottom"\n'
        'gap = "0.2deg"\n'
        "\n"
        "  [[widgets.children]]\n"
        '  type = "text"\n'
        '  anchor = "top"\n'
        '  text = "Hi"\n'
        '  size = "0.8deg"\n'
        '  color = "#ff8800"\n'
        "  max_lines = 2\n"
        "\n"
        "  [[widgets.children]]\n"
        '  type = "progress"\n'
        '  margin = [4, "0.5deg"]\n'
        '  width = "40%"\n'
        "  value = 0.25\n"
    )
    assert describe(parse_scene(text)) == describe(scene)


def test_unnamed_timeline_targets_get_generated_ids(tmp_path: Path) -> None:
    first, second, named = hud.Text(text="a"), hud.Text(text="b"), hud.Text(text="c", id="text-2")
    scene = Scene(first, named, second)
    scene.timeline = Timeline()
    scene.timeline.show(0.5, second, "fade", 0.3, 0)
    scene.timeline.add(Event(1.0, first, "append", "text", " more"))
    scene.bindings.append(Binding("tap", "dismiss", "text-2"))
    text = scene_to_toml(scene)
    assert 'id = "text-1"' in text and 'id = "text-3"' in text and 'id = "text-2"\n' in text
    assert first.id is None and second.id is None  # the scene itself is not changed
    again = parse_scene(text)
    assert [w.id for w in again.widgets] == ["text-1", "text-2", "text-3"]
    assert describe(again, ids=False) == describe(scene, ids=False)
    assert 'show = { transition = "fade", duration = "300ms" }' in text
    assert 'append = " more"' in text


def test_a_generated_id_steps_around_one_in_use() -> None:
    unnamed, taken = hud.Icon(name="bell"), hud.Icon(name="cart", id="icon-1")
    scene = Scene(unnamed, taken)
    scene.timeline = Timeline()
    scene.timeline.add(Event(0.2, unnamed, "set", "color", "dim"))
    assert [w.id for w in parse_scene(scene_to_toml(scene)).widgets] == ["icon-1-2", "icon-1"]


def test_image_paths_are_relative_to_the_saved_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "art").mkdir()
    PILImage.new("L", (4, 4), 255).save(tmp_path / "art" / "logo.png")
    monkeypatch.chdir(tmp_path)
    scene = Scene(hud.Image(src="art/logo.png", id="logo"))
    path = save_scene(scene, tmp_path / "scene.toml")
    assert 'src = "art/logo.png"' in path.read_text(encoding="utf-8")
    loaded = load_scene(path)
    assert Path(loaded["logo"].src) == (tmp_path / "art" / "logo.png").resolve()
    deeper = save_scene(loaded, tmp_path / "art" / "again.toml")  # a loaded scene's absolute paths too
    assert 'src = "logo.png"' in deeper.read_text(encoding="utf-8")


def test_an_image_outside_the_files_folder_is_refused(tmp_path: Path) -> None:
    PILImage.new("L", (4, 4), 255).save(tmp_path / "logo.png")
    scene = Scene(hud.Image(src=str(tmp_path / "logo.png"), id="logo"))
    target = tmp_path / "scenes" / "scene.toml"
    with pytest.raises(SaveError) as caught:
        save_scene(scene, target)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{target}: cannot save the scene: image 'logo'")
    assert "outside" in message and "copy the image there, or save the scene next to it" in message
    assert not target.exists() and not target.parent.exists()


def test_save_scene_writes_all_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "scene.toml"
    target.write_text("old", encoding="utf-8")
    bad = Scene(hud.Text(text="a", id="x"))
    bad.bindings.append(Binding("tap", "dismiss", "y"))
    with pytest.raises(SaveError, match=r"targets 'y', which no widget has"):
        save_scene(bad, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.toml"]  # no temporary file left
    save_scene(Scene(hud.Text(text="new", id="x")), target)
    assert load_scene(target)["x"].text == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.toml"]


def test_an_id_used_twice_is_refused_naming_both_widgets() -> None:
    scene = Scene(hud.Text(text="a", id="x"), second := hud.Text(text="b", id="y"))
    second.id = "x"
    with pytest.raises(SaveError) as caught:
        scene_to_toml(scene)
    message = str(caught.value)
    assert message.startswith("text 'x' (") and "the id 'x' is also used by text 'x' (" in message
    assert message.count("test_save_scene.py:") == 2 and message.endswith("(give each widget its own id)")


def _removed_after_its_event() -> Scene:
    gone = hud.Text(text="gone")
    scene = Scene(gone)
    scene.timeline = Timeline()
    scene.timeline.add(Event(1.0, gone, "set", "text", "x"))
    scene.root.remove(gone)
    return scene


def _with_event(scene: Scene, event: Event) -> Scene:
    scene.timeline = Timeline([event])
    return scene


def _with_binding(scene: Scene, binding: Binding) -> Scene:
    scene.bindings.append(binding)
    return scene


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (_removed_after_its_event, "timeline: an event targets text"),
        (
            lambda: _with_binding(Scene(hud.Caption(id="live")), Binding("tap", "dismiss", "nobody")),
            "gestures: tap -> dismiss targets 'nobody', which no widget has",
        ),
        (
            lambda: _with_event(Scene(t := hud.Text(text="a", id="a")), Event(1.0, t, "set", "lang", None)),
            "sets 'lang' to nothing",
        ),
        (lambda: Scene(device=load_device("quark-s1")), "the device is a profile object"),
    ],
)
def test_what_a_scene_file_cannot_hold_is_one_line(build: Any, says: str, tmp_path: Path) -> None:
    with pytest.raises(SaveError) as caught:
        save_scene(build(), tmp_path / "scene.toml")
    message = str(caught.value)
    assert says in message and "\n" not in message and message.endswith(")")
    assert not (tmp_path / "scene.toml").exists()


def test_strings_and_numbers_survive_the_trip() -> None:
    hostile = 'quote " backslash \\ tab \t newline \n bell \x07 del \x7f bidi \u202e sep \u2028 字 \U0001f600'
    scene = Scene(
        hud.Text(text=hostile, id="a\u202eb"),
        hud.NavArrow(maneuver="left", distance_m=1e-05, eta_min=99999.75),
        hud.Progress(value=0.1 + 0.2, offset=["-0.125deg", 1e-7]),
    )
    text = scene_to_toml(scene)
    assert "\u202e" not in text and "\x07" not in text and "\u2028" not in text
    assert describe(parse_scene(text)) == describe(scene)


def test_times_are_written_exactly() -> None:
    widget = hud.Text(text="t", id="t")
    scene = Scene(widget)
    times = [0.0, 0.3, 1 / 3, 0.1 + 0.2, 2.5, 1e-9, 86399.999]
    scene.timeline = Timeline()
    for n, t in enumerate(times):
        scene.timeline.add(Event(t, widget, "set", "max_lines", 1 + n, order=n))
    again = parse_scene(scene_to_toml(scene))
    assert again.timeline is not None
    assert [e.at for e in again.timeline.events] == sorted(times)
    assert '"300ms"' in scene_to_toml(scene) and '"2.5s"' in scene_to_toml(scene)


def test_scene_to_toml_is_the_scene_method() -> None:
    scene = load_scene(SCENES / "navigation.toml")
    assert scene.to_toml() == scene_to_toml(scene)
