"""A scene built in Python keeps a scene file's rules, with the loader's messages, raised at the
app's line: an id is used once, a widget is in one place, and the timeline reaches only the
scene's own widgets."""

from __future__ import annotations

from pathlib import Path

import pytest

import hud
from hud.anim import Event, Timeline
from hud.errors import SceneError
from hud.scene import Scene, load_scene, parse_scene

HERE = __file__


def line_of(marker: str) -> int:
    """The line of this file that holds `marker` (in a comment), so tests name lines exactly."""
    lines = [n for n, text in enumerate(Path(HERE).read_text(encoding="utf-8").splitlines(), 1) if marker in text]
    assert len(lines) == 1, marker  # calls spell the marker in two pieces
    return lines[0]


def refused(action: object) -> SceneError:
    """The SceneError that calling `action` raises."""
    assert callable(action)
    with pytest.raises(SceneError) as info:
        action()
    return info.value


# -- ids --------------------------------------------------------------------------------------------
def test_two_widgets_with_one_id_are_refused_with_the_loaders_message() -> None:
    first = hud.Text("Gate 12", id="gate")  # first-gate
    second = hud.Text("Gate 14", id="gate")
    with pytest.raises(SceneError) as info:
        hud.Scene(first, second)  # scene-of-both
    error = info.value
    assert str(error) == (
        f"{HERE}:{line_of('# scene-of' + '-both')}: text 'gate': id 'gate' is already used on line "
        f"{line_of('# first' + '-gate')} (give each widget its own id)"
    )
    loader = refused(
        lambda: parse_scene('[[widgets]]\ntype = "text"\nid = "gate"\n\n[[widgets]]\ntype = "text"\nid = "gate"\n')
    )
    assert loader.problem == "id 'gate' is already used on line 3" and loader.fix == error.fix
    assert error.problem.startswith("id 'gate' is already used on line ")


def test_a_duplicate_id_anywhere_in_the_tree_is_refused() -> None:
    scene = Scene(hud.Column(hud.Text("a", id="a"), id="side"))
    error = refused(lambda: scene.add(hud.Row(hud.Icon("wallet", id="a"))))
    assert error.where == "icon 'a'" and "id 'a' is already used on line" in error.problem
    assert len(scene.widgets) == 1  # nothing was added
    error = refused(lambda: hud.Column(hud.Text("x", id="twice"), hud.Text("y", id="twice")))
    assert "id 'twice' is already used" in error.problem
    error = refused(lambda: scene.find("side").add(hud.Text("b", id="side")))  # a nested add
    assert error.where == "text 'side'"


def test_an_id_first_used_in_a_scene_file_is_named_by_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "gates.toml"
    path.write_text('[[widgets]]\ntype = "text"\nid = "gate"\ntext = "Gate 12"\n', encoding="utf-8")
    scene = load_scene(path)
    error = refused(lambda: scene.add(hud.Text("Gate 14", id="gate")))
    assert error.problem == f"id 'gate' is already used at {path}:1"


def test_an_id_cannot_change_through_set() -> None:
    label = hud.Text("Gate 12", id="gate")
    error = refused(lambda: label.set(id="exit"))
    assert error.problem == "'id' cannot change" and label.id == "gate"


# -- one widget, one place -------------------------------------------------------------------------
def test_a_widget_in_a_tree_cannot_be_added_again() -> None:
    text = hud.Text("Gate 12")
    column = hud.Column(text)
    error = refused(lambda: hud.Scene(text))  # add-again
    assert str(error) == (
        f"{HERE}:{line_of('# add' + '-again')}: text: is already in column (a widget is in one place at a "
        "time: remove it there first (parent.remove(widget)), or make another widget)"
    )
    assert text.parent is column  # not moved
    scene = Scene(hud.Icon("wallet", id="wallet"))
    icon = scene["wallet"]
    assert refused(lambda: scene.add(icon)).problem == "is already in the scene"
    assert refused(lambda: hud.Row(icon)).where == "icon 'wallet'"
    assert len(scene.widgets) == 1


def test_remove_then_add_moves_a_widget() -> None:
    text = hud.Text("Gate 12", id="gate")
    column = hud.Column(text)
    scene = Scene(column)
    column.remove(text)
    scene.add(text)
    assert text.parent is scene.root and scene["gate"] is text and column.children == ()


# -- timeline targets -------------------------------------------------------------------------------
def test_a_timeline_event_for_a_widget_not_in_the_scene_is_refused() -> None:
    scene = Scene(hud.Text("Gate 12", id="gate"))
    scene.timeline = Timeline()
    stranger = hud.Text("Exit", id="gates")
    error = refused(lambda: scene.timeline.show(1.0, stranger, "fade", 0.3, 0))  # show-stranger
    loader = refused(
        lambda: parse_scene(
            '[[widgets]]\ntype = "text"\nid = "gate"\n\n[[timeline]]\nat = 1\ntarget = "gates"\nshow = {}\n'
        )
    )
    assert (error.where, error.problem, error.fix) == (loader.where, loader.problem, loader.fix)
    assert (error.file, error.line) == (HERE, line_of("# show" + "-stranger"))
    assert scene.timeline.events == []
    nameless = hud.Icon("wallet")
    error = refused(lambda: scene.timeline.add(Event(1.0, nameless, "set", "visible", False)))
    assert (error.where, error.problem) == ("timeline", "icon is not in the scene")


def test_a_timeline_made_before_it_joins_the_scene_is_checked_when_it_does() -> None:
    scene = Scene(hud.Text("Gate 12", id="gate"))
    timeline = Timeline()
    timeline.add(Event(1.0, scene["gate"], "set", "text", "Gate 14"))
    timeline.add(Event(2.0, hud.Text("Exit", id="exit"), "set", "text", "Out"))
    with pytest.raises(SceneError) as info:
        scene.timeline = timeline  # join-timeline
    assert (info.value.line, info.value.problem) == (line_of("# join" + "-timeline"), "no widget with id 'exit'")
    assert scene.timeline is None
    scene.timeline = Timeline([timeline.events[0]])
    assert scene.timeline is not None and len(scene.timeline.events) == 1


def test_the_loader_and_the_emulator_build_their_timelines_through_the_same_check() -> None:
    """A scene file's timeline is bound to its scene: a later event for another scene's widget is
    refused, and the scene's own widgets are reached."""
    scene = parse_scene('[[widgets]]\ntype = "text"\nid = "gate"\n\n[[timeline]]\nat = 1\ntarget = "gate"\nhide = {}\n')
    assert scene.timeline is not None
    other = parse_scene('[[widgets]]\ntype = "text"\nid = "gate"\n')
    error = refused(lambda: scene.timeline.add(Event(2.0, other["gate"], "set", "visible", True)))
    assert error.problem == "text 'gate' is not in the scene"
