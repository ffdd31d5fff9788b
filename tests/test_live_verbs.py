"""The live verbs: every timeline action as a widget method (`set`, `append`, `replace_partial`,
`animate`, `show`, `hide`) has the same effect on every frame as the `[[timeline]]` entry
written for that moment, is checked with the scene file's messages at the app's line, and
outside a drawn scene applies its end state at once."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable

import numpy as np
import pytest

import hud
from hud.anim import CAPTION_SCROLL_S, TRANSITION_S
from hud.errors import SceneError
from hud.renderer import Frame, Renderer
from hud.scene import Scene, parse_scene

FPS = 30
AT_FRAME = 15  # the action happens at 0.5 s
FRAMES = AT_FRAME + FPS  # and is watched for one second after
AT = AT_FRAME / FPS

BASE = """\
[scene]
title = "Verbs"

[[widgets]]
type = "caption"
id = "live"
anchor = "bottom"
max_lines = 2
width = "14deg"
text = "Where is the nearest subway station from here, and how long does it take"

[[widgets]]
type = "text"
id = "label"
anchor = "top"
width = "9deg"
max_lines = 2
overflow = "keep-end"
text = "Gate 12 boarding soon"

[[widgets]]
type = "nav_arrow"
id = "turn"
anchor = "top-left"
maneuver = "left"
distance_m = 120
street = "Main St"

[[widgets]]
type = "notification"
id = "pay"
anchor = "right"
app = "Alipay"
title = "Paid 18.00"
visible = false

[[timeline]]
at = "0.9s"
target = "pay"
set = { title = "Paid 20.00" }

[[timeline]]
at = "1.2s"
target = "label"
set = { text = "Boarding now" }
"""

Verb = Callable[[Scene], None]

# (name, the [[timeline]] entry's lines, the same action as a Python verb, least distinct frames from AT on)
ACTIONS: list[tuple[str, list[str], Verb, int]] = [
    (
        "set",
        ['target = "label"', 'set = { text = "Gate 14 boarding soon", brightness = 0.6 }'],
        lambda scene: scene["label"].set(text="Gate 14 boarding soon", brightness=0.6),
        2,
    ),
    (
        "append-caption",
        ['target = "live"', 'append = "please tell me the way to the museum by the lake"'],
        lambda scene: scene["live"].append("please tell me the way to the museum by the lake"),
        4,
    ),
    (
        "append-text",
        ['target = "label"', 'append = " at gate 14 after the security check"'],
        lambda scene: scene["label"].append(" at gate 14 after the security check"),
        4,
    ),
    (
        "replace-partial",
        ['target = "live"', 'set = { partial = "by bus" }'],
        lambda scene: scene["live"].replace_partial("by bus"),
        2,
    ),
    (
        "animate",
        ['target = "turn"', 'animate = { property = "distance_m", to = 40, duration = "0.6s", easing = "ease-out" }'],
        lambda scene: scene["turn"].animate("distance_m", to=40, duration="0.6s", easing="ease-out"),
        4,
    ),
    (
        "animate-offset-from",
        ['target = "turn"', 'animate = { property = "offset_x", from = "-1deg", to = 0, duration = "400ms" }'],
        lambda scene: scene["turn"].animate("offset_x", start="-1deg", to=0, duration="400ms"),
        4,
    ),
    (
        "show-slide-hide-after",
        ['target = "pay"', 'show = { transition = "slide", duration = "0.3s", hide_after = "0.6s" }'],
        lambda scene: scene["pay"].show(transition="slide", duration="0.3s", hide_after="0.6s"),
        4,
    ),
    (
        "hide-fade",
        ['target = "turn"', 'hide = { transition = "fade", duration = "0.3s" }'],
        lambda scene: scene["turn"].hide(transition="fade", duration="0.3s"),
        4,
    ),
]


def _with_entry(lines: list[str]) -> Scene:
    return parse_scene(BASE + "\n[[timeline]]\n" + f'at = "{AT}s"\n' + "\n".join(lines) + "\n", "verbs.toml")


def _digest(frame: Frame) -> str:
    return hashlib.sha1(b"".join(frame.eyes[eye].tobytes() for eye in sorted(frame.eyes))).hexdigest()


def _difference(a: Frame, b: Frame) -> str:
    """ "" when the frames are the same pixel for pixel, else where they differ."""
    if a.eyes.keys() != b.eyes.keys():
        return f"eyes {sorted(a.eyes)} and {sorted(b.eyes)}"
    for eye in sorted(a.eyes):
        differ = np.argwhere(a.eyes[eye] != b.eyes[eye])
        if len(differ):
            (top, left), (bottom, right) = differ.min(axis=0)[:2], differ.max(axis=0)[:2]
            return f"{eye} eye: {len(differ)} values differ in x {left}..{right}, y {top}..{bottom}"
    return ""


@pytest.mark.parametrize(("lines", "verb", "distinct"), [a[1:] for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_a_verb_draws_every_frame_as_its_timeline_entry(lines: list[str], verb: Verb, distinct: int) -> None:
    """The scene file with the entry at 0.5 s, rendered every 1/30 s to 1.5 s, against the scene
    without it, rendered to 0.5 s, the verb called, and rendered on: every frame from 0.5 s on
    is the same, pixel for pixel, including the scene's own later entries (0.9 s, 1.2 s)."""
    filed = _with_entry(lines)
    filed_renderer = Renderer(filed)
    expected = [filed_renderer.frame(k / FPS) for k in range(FRAMES + 1)]

    live = parse_scene(BASE, "verbs.toml")
    renderer = Renderer(live)
    before = [renderer.frame(k / FPS) for k in range(AT_FRAME + 1)]
    assert live.time == AT
    verb(live)
    after = [renderer.frame(k / FPS) for k in range(AT_FRAME, FRAMES + 1)]

    for k, frame in enumerate(after, start=AT_FRAME):
        assert frame.t == expected[k].t
        difference = _difference(expected[k], frame)
        assert not difference, f"at {k}/{FPS} s: {difference}"
    assert all(not _difference(expected[k], frame) for k, frame in enumerate(before[:AT_FRAME]))
    # The action shows, and moves where it animates: the comparison is not of still frames.
    assert len({_digest(frame) for frame in after} - {_digest(before[-1])}) >= distinct - 1


def test_a_caption_append_scrolls_over_the_timeline_scroll() -> None:
    """`caption.append` in a drawn scene scrolls: the text is first drawn where its old lines
    were and settles CAPTION_SCROLL_S later (the frames between differ from both ends)."""
    scene = parse_scene(BASE, "verbs.toml")
    renderer = Renderer(scene)
    renderer.frame(0.0)
    caption = scene["live"]
    caption.append("please tell me the way to the museum by the lake")
    assert caption.scroll_left == 1.0 and caption.scroll_from is not None
    start = renderer.frame(0.0)
    moving = renderer.frame(CAPTION_SCROLL_S / 2)
    settled = renderer.frame(CAPTION_SCROLL_S)
    assert len({_digest(start), _digest(moving), _digest(settled)}) == 3
    assert caption.scroll_left == 0.0 and caption.scroll_from is None
    assert caption.text.endswith("by the lake")


def test_a_scene_built_in_python_without_a_timeline_takes_verbs_on_its_time() -> None:
    """A scene with no timeline of its own knows its time once drawn: a verb starts one."""
    caption = hud.Caption(
        text="Where is the nearest subway station from here, and how long does it take",
        id="live",
        anchor="bottom",
        max_lines=2,
        width="14deg",
    )
    scene = hud.Scene(caption)
    renderer = Renderer(scene)
    renderer.frame(0.0)
    renderer.frame(1.0)
    assert scene.time == 1.0 and scene.timeline is None
    caption.append("please tell me the way to the museum by the lake")
    assert scene.timeline is not None and caption.scroll_left == 1.0
    renderer.frame(1.0 + CAPTION_SCROLL_S)
    assert caption.scroll_left == 0.0


def test_a_verb_in_a_drawn_scene_holds_its_value_at_once() -> None:
    """After a verb the widget holds its value at the scene's time (what the next frame draws)."""
    scene = parse_scene(BASE, "verbs.toml")
    renderer = Renderer(scene)
    renderer.frame(0.25)
    scene["label"].set(text="Gate 14")
    scene["turn"].animate("distance_m", to=40, duration="1s")
    scene["live"].replace_partial("by bus")
    assert scene["label"].text == "Gate 14" and scene["turn"].distance_m == 120
    assert scene["live"].partial == "by bus"
    renderer.frame(0.75)
    assert scene["turn"].distance_m == pytest.approx(80)
    renderer.frame(1.25)
    assert scene["turn"].distance_m == 40 and scene["label"].text == "Boarding now"  # the file's 1.2 s entry


def test_streamed_appends_keep_the_timeline_small() -> None:
    """A caption streamed word by word for a long time keeps only its newest edit (a set of the
    text before it and the append), as the HTTP API does."""
    scene = parse_scene(BASE, "verbs.toml")
    renderer = Renderer(scene)
    own = len(scene.timeline.events)
    caption = scene["live"]
    for index in range(60):
        renderer.frame(index * 0.4)
        caption.replace_partial(f"word{index}")
        caption.append(f"word{index}")
    assert len(scene.timeline.events) == own + 3  # text: set + append; partial: one set
    assert caption.text.endswith("word58 word59") and caption.partial == ""


def test_an_edit_while_an_animation_runs_keeps_it_running() -> None:
    """An animation started by a verb is still running when the next verb on the field comes:
    both stay, as two timeline entries would, and the frames match the file's."""
    entries = [
        'at = "0.2s"\ntarget = "turn"\nanimate = { property = "distance_m", to = 40, duration = "1s" }',
        'at = "0.5s"\ntarget = "turn"\nanimate = { property = "distance_m", to = 100, duration = "0.4s" }',
    ]
    filed = parse_scene(BASE + "".join(f"\n[[timeline]]\n{entry}\n" for entry in entries), "verbs.toml")
    filed_renderer = Renderer(filed)
    live = parse_scene(BASE, "verbs.toml")
    renderer = Renderer(live)
    verbs = {
        6: lambda: live["turn"].animate("distance_m", to=40, duration="1s"),
        15: lambda: live["turn"].animate("distance_m", to=100, duration="0.4s"),
    }
    for k in range(31):
        t = k / FPS
        frame = renderer.frame(t)
        if k in verbs:
            verbs[k]()
            frame = renderer.frame(t)
        if k >= 6:
            difference = _difference(filed_renderer.frame(t), frame)
            assert not difference, f"at {k}/{FPS} s: {difference}"


def test_show_after_hide_fades_back_to_the_widgets_own_brightness() -> None:
    """A hide fades the brightness to 0; a later show fades it back to the widget's own, not
    to the 0 the hide left (the same for gestures' dismiss and show)."""
    scene = parse_scene(BASE, "verbs.toml")
    renderer = Renderer(scene)
    turn = scene["turn"]
    renderer.frame(0.1)
    turn.hide(duration="0.2s")
    renderer.frame(0.5)
    assert not turn.visible and turn.brightness == 0.0
    turn.show(duration="0.2s")
    renderer.frame(1.0)
    assert turn.visible and turn.brightness == 1.0


# -- outside a drawn scene: the end state at once ---------------------------------------------------
def test_outside_a_drawn_scene_a_verb_applies_its_end_state() -> None:
    text = hud.Text("Gate 12", id="gate")
    text.set(text="Gate 14", brightness=0.5)
    assert (text.text, text.brightness) == ("Gate 14", 0.5)
    text.append(" now")
    assert text.text == "Gate 14 now"
    caption = hud.Caption(text="Hello", partial="wor")
    caption.append("world")
    assert (caption.text, caption.partial) == ("Hello world", "")
    caption.replace_partial("again")
    assert caption.partial == "again"
    arrow = hud.NavArrow(maneuver="left", distance_m=120)
    scene = Scene(arrow, text, caption)  # in a scene not drawn yet: the same
    arrow.animate("distance_m", to=40, duration="2s", easing="ease-out")
    arrow.animate("offset_x", to="0.5deg", duration="1s")
    assert arrow.distance_m == 40 and str(arrow.offset[0]) == "0.5deg"
    arrow.hide(transition="slide")
    assert not arrow.visible and arrow.brightness == 1.0
    arrow.show()
    assert arrow.visible
    assert scene.timeline is None and scene.time is None


def test_show_with_hide_after_needs_a_drawn_scene() -> None:
    card = hud.Notification(app="Alipay", title="Paid", visible=False)
    with pytest.raises(SceneError) as info:
        card.show(hide_after="4s")
    assert "'hide_after' needs a scene that is being drawn" in str(info.value)
    assert not card.visible


def test_the_verbs_default_to_the_timeline_defaults() -> None:
    for verb in (hud.Widget.show, hud.Widget.hide):
        parameters = inspect.signature(verb).parameters
        assert parameters["duration"].default == TRANSITION_S
        assert parameters["transition"].default == "fade"
    assert inspect.signature(hud.Widget.animate).parameters["easing"].default == "linear"


# -- the scene file's messages, at the app's line -------------------------------------------------
# (the bad [[timeline]] entry's lines, the same mistake as a verb)
MISTAKES: list[tuple[str, list[str], Verb]] = [
    (
        "set-unknown-field",
        ['target = "label"', 'set = { txt = "x" }'],
        lambda scene: scene["label"].set(txt="x"),
    ),
    (
        "set-out-of-range",
        ['target = "label"', "set = { brightness = 2 }"],
        lambda scene: scene["label"].set(brightness=2),
    ),
    ("set-id", ['target = "label"', 'set = { id = "other" }'], lambda scene: scene["label"].set(id="other")),
    (
        "append-not-a-string",
        ['target = "label"', "append = 5"],
        lambda scene: scene["label"].append(5),  # type: ignore[arg-type]
    ),
    (
        "animate-street",
        ['target = "turn"', 'animate = { property = "street", to = 1, duration = "1s" }'],
        lambda scene: scene["turn"].animate("street", to=1, duration="1s"),
    ),
    (
        "animate-out-of-range",
        ['target = "turn"', 'animate = { property = "brightness", to = 3, duration = "1s" }'],
        lambda scene: scene["turn"].animate("brightness", to=3, duration="1s"),
    ),
    (
        "unknown-easing",
        ['target = "turn"', 'animate = { property = "distance_m", to = 0, duration = "1s", easing = "ease-outt" }'],
        lambda scene: scene["turn"].animate("distance_m", to=0, duration="1s", easing="ease-outt"),
    ),
    (
        "bad-duration",
        ['target = "turn"', 'animate = { property = "distance_m", to = 0, duration = "1.5 seconds" }'],
        lambda scene: scene["turn"].animate("distance_m", to=0, duration="1.5 seconds"),
    ),
    (
        "unknown-transition",
        ['target = "pay"', 'show = { transition = "fad" }'],
        lambda scene: scene["pay"].show(transition="fad"),
    ),
    (
        "negative-duration",
        ['target = "turn"', 'hide = { transition = "fade", duration = -0.3 }'],
        lambda scene: scene["turn"].hide(duration=-0.3),
    ),
]


def _loader_error(lines: list[str]) -> SceneError:
    with pytest.raises(SceneError) as info:
        _with_entry(lines)
    return info.value


@pytest.mark.parametrize("drawn", [True, False], ids=["drawn", "not-drawn"])
@pytest.mark.parametrize(("lines", "verb"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_a_bad_verb_says_what_the_scene_file_says_at_the_callers_line(
    lines: list[str], verb: Verb, drawn: bool
) -> None:
    loader = _loader_error(lines)
    scene = parse_scene(BASE, "verbs.toml")
    if drawn:
        Renderer(scene).frame(0.5)
    before = len(scene.timeline.events)
    with pytest.raises(SceneError) as info:
        verb(scene)
    error = info.value
    assert (error.file, error.line) == (__file__, verb.__code__.co_firstlineno)  # the app's line: the lambda's
    assert (error.problem, error.fix) == (loader.problem, loader.fix)
    target = lines[0].split('"')[1]
    assert error.where == f"{scene[target].type_name} '{target}'"
    assert len(scene.timeline.events) == before  # nothing of a refused verb is kept


def test_an_animation_with_nothing_to_start_from_is_refused_as_in_the_file() -> None:
    loader = _loader_error(['target = "turn"', 'animate = { property = "depth_m", to = 2, duration = "1s" }'])
    scene = parse_scene(BASE, "verbs.toml")
    Renderer(scene).frame(0.5)
    with pytest.raises(SceneError) as info:
        scene["turn"].animate("depth_m", to=2, duration="1s")
    assert info.value.problem == loader.problem
    assert info.value.fix == loader.fix.replace("from = ...", "start = ...")
    scene["turn"].animate("depth_m", start=1, to=2, duration="1s")  # with a start it runs
