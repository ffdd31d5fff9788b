"""Timelines: times, easings, set / append / animate / show / hide, caption scrolling, timeline
errors in scene files, and goldens of the example timeline scenes at fixed moments."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from hud.anim import CAPTION_SCROLL_S, EASINGS, SLIDE_PX, Event, Timeline, parse_time
from hud.devices import load_device
from hud.errors import SceneError
from hud.geometry import Length
from hud.paint import Glyphs, line_glyphs
from hud.renderer import Renderer
from hud.scene import load_scene, parse_scene
from hud.text import measure
from hud.widgets.caption import Caption
from hud.widgets.nav_arrow import NavArrow
from hud.widgets.primitives import Text

from cli_support import hud_in_process
from paths import SCENES

PX_PER_DEG = 26.0  # a display's pixels per degree, for timelines applied without a scene


def doc(*lines: str) -> str:
    """Join lines so that line N of the document is the N-th argument."""
    return "\n".join(lines) + "\n"


def same(a, b) -> bool:  # noqa: ANN001
    return a.eyes.keys() == b.eyes.keys() and all(np.array_equal(a.eyes[e], b.eyes[e]) for e in a.eyes)


def fresh(name: str, t: float):  # noqa: ANN201
    """A frame at `t` from a renderer that has rendered nothing before."""
    return Renderer(load_scene(SCENES / f"{name}.toml")).frame(t)


# -- parse_time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1.5s", 1.5),
        ("300ms", 0.3),
        (2, 2.0),
        (0, 0.0),
        (1.25, 1.25),
        (".5s", 0.5),
        ("4", 4.0),
        (" 2s ", 2.0),
        ("0ms", 0.0),
        ("1500ms", 1.5),
    ],
)
def test_parse_time(value, seconds: float) -> None:  # noqa: ANN001
    assert parse_time(value) == pytest.approx(seconds)
    assert isinstance(parse_time(value), float)


@pytest.mark.parametrize(
    "value",
    [
        "1.5 seconds",
        "abc",
        "",
        "-1s",
        "1.5m",
        "1.5sec",
        "1,5s",
        "s",
        -1,
        -0.5,
        True,
        False,
        None,
        float("nan"),
        float("inf"),
        [1],
        {"s": 1},
    ],
)
def test_parse_time_rejects(value) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        parse_time(value)


# -- easings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_easing_ends_and_monotonic(name: str) -> None:
    ease = EASINGS[name]
    assert ease(0.0) == pytest.approx(0.0, abs=1e-12)
    assert ease(1.0) == pytest.approx(1.0, abs=1e-12)
    values = [ease(i / 1000) for i in range(1001)]
    assert all(b >= a - 1e-12 for a, b in zip(values, values[1:]))
    assert all(-1e-12 <= v <= 1 + 1e-12 for v in values)


def test_easing_shapes() -> None:
    assert EASINGS["linear"](0.5) == 0.5
    assert EASINGS["ease-out"](0.5) > 0.5 > EASINGS["ease-in"](0.5)
    assert EASINGS["ease-in-out"](0.5) == pytest.approx(0.5)


# -- set / animate / append ---------------------------------------------------------------------


def test_set_applies_only_from_its_time() -> None:
    text = Text(text="before", color="fg")
    timeline = Timeline()
    timeline.add(Event(1.0, text, "set", "text", "after"))
    timeline.add(Event(2.0, text, "set", "color", "dim", order=1))
    timeline.apply(0.999, PX_PER_DEG)
    assert (text.text, text.color) == ("before", "fg")
    timeline.apply(1.0, PX_PER_DEG)
    assert (text.text, text.color) == ("after", "fg")
    timeline.apply(5.0, PX_PER_DEG)
    assert (text.text, text.color) == ("after", "dim")
    timeline.apply(0.0, PX_PER_DEG)  # back in time: the initial values again
    assert (text.text, text.color) == ("before", "fg")


def test_set_in_a_scene_file() -> None:
    scene = load_scene(SCENES / "city-walk-timeline.toml")
    arrow = scene["next-turn"]
    scene.apply_timeline(7.19)
    assert arrow.maneuver == "left" and arrow.street == "Hubin Road"
    scene.apply_timeline(7.2)
    assert (arrow.maneuver, arrow.distance_m, arrow.street, arrow.eta_min) == ("straight", 350, "Nanshan Road", 4)


def test_animate_linear_and_ease_out() -> None:
    linear, eased = Text(text="a"), Text(text="b")
    timeline = Timeline()
    timeline.add(Event(1.0, linear, "animate", "brightness", 1.0, 0.0, 2.0, "linear"))
    timeline.add(Event(1.0, eased, "animate", "brightness", 1.0, 0.0, 2.0, "ease-out", order=1))
    timeline.apply(0.5, PX_PER_DEG)
    assert linear.brightness == 1.0 and eased.brightness == 1.0  # not started: initial values
    timeline.apply(1.0, PX_PER_DEG)
    assert linear.brightness == 0.0 and eased.brightness == 0.0  # starts at `from`
    timeline.apply(2.0, PX_PER_DEG)
    assert linear.brightness == 0.5  # the linear midpoint, exactly
    assert eased.brightness > 0.5  # ease-out runs ahead of linear
    assert eased.brightness == pytest.approx(EASINGS["ease-out"](0.5))
    timeline.apply(3.0, PX_PER_DEG)
    assert linear.brightness == 1.0 and eased.brightness == 1.0
    timeline.apply(60.0, PX_PER_DEG)  # holds the end value
    assert linear.brightness == 1.0 and eased.brightness == 1.0
    assert timeline.end == 3.0


def test_animate_distance_counts_down_in_the_scene() -> None:
    scene = load_scene(SCENES / "city-walk-timeline.toml")
    arrow = scene["next-turn"]
    seen = []
    for t in (0.0, 1.75, 3.5, 5.25, 7.0, 7.1):
        scene.apply_timeline(t)
        seen.append(arrow.distance_m)
    assert seen == pytest.approx([180, 135, 90, 45, 0, 0])


def test_animate_without_from_starts_from_the_current_value() -> None:
    arrow = NavArrow(maneuver="left", distance_m=100)
    timeline = Timeline()
    timeline.add(Event(1.0, arrow, "animate", "distance_m", 0.0, None, 1.0, "linear"))
    timeline.apply(1.5, PX_PER_DEG)
    assert arrow.distance_m == pytest.approx(50)
    # A set before the animation changes where it starts from.
    timeline.add(Event(0.5, arrow, "set", "distance_m", 80.0, order=1))
    timeline.apply(0.75, PX_PER_DEG)
    assert arrow.distance_m == 80
    timeline.apply(1.5, PX_PER_DEG)
    assert arrow.distance_m == pytest.approx(40)
    timeline.apply(2.0, PX_PER_DEG)
    assert arrow.distance_m == 0
    timeline.apply(0.0, PX_PER_DEG)
    assert arrow.distance_m == 100


def test_animate_offset_component() -> None:
    text = Text(text="x", offset=["4px", "10px"])
    timeline = Timeline()
    timeline.add(Event(0.0, text, "animate", "offset_x", 24.0, None, 1.0, "linear"))
    timeline.apply(0.5, PX_PER_DEG)
    assert text.offset == (Length(14.0), Length(10.0))
    timeline.apply(2.0, PX_PER_DEG)
    assert text.offset == (Length(24.0), Length(10.0))


def test_animate_a_whole_number_field_steps_through_whole_numbers() -> None:
    """max_lines only takes whole numbers: an animation must not try 2.5 (it used to raise)."""
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "caption"',
            'id = "c"',
            'text = "hi"',
            "[[timeline]]",
            "at = 1",
            'target = "c"',
            'animate = { property = "max_lines", to = 4, duration = "1s" }',
        )
    )
    caption = scene["c"]
    seen = []
    for step in range(0, 41):
        scene.apply_timeline(step / 20)
        assert isinstance(caption.max_lines, int)
        seen.append(caption.max_lines)
    assert seen[0] == 2 and seen[-1] == 4 and 3 in seen
    assert seen == sorted(seen)


def test_append_builds_text_in_order_and_clears_partial() -> None:
    caption = Caption(text="One", partial=" tw")
    timeline = Timeline()
    timeline.add(Event(2.0, caption, "append", "text", " three", order=1))  # added out of time order
    timeline.add(Event(1.0, caption, "append", "text", " two", order=0))
    timeline.apply(0.5, PX_PER_DEG)
    assert (caption.text, caption.partial) == ("One", " tw")
    timeline.apply(1.0, PX_PER_DEG)
    assert (caption.text, caption.partial) == ("One two", "")
    timeline.apply(2.5, PX_PER_DEG)
    assert caption.text == "One two three"
    timeline.apply(1.5, PX_PER_DEG)
    assert caption.text == "One two"
    timeline.apply(0.0, PX_PER_DEG)
    assert (caption.text, caption.partial) == ("One", " tw")


def test_append_in_a_scene_file_keeps_file_order_at_the_same_time() -> None:
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "text"',
            'id = "t"',
            'text = "a"',
            "[[timeline]]",
            'at = "1s"',
            'target = "t"',
            'append = "b"',
            "[[timeline]]",
            'at = "1s"',
            'target = "t"',
            'append = "c"',
            "[[timeline]]",
            'at = "500ms"',
            'target = "t"',
            'append = "0"',
        )
    )
    scene.apply_timeline(2)
    assert scene["t"].text == "a0bc"


# -- show / hide ----------------------------------------------------------------------------------


def _one(widget_lines: list[str], entries: list[str]):  # noqa: ANN202
    return parse_scene(doc("[[widgets]]", *widget_lines, "[[timeline]]", *entries))


def test_show_fade() -> None:
    scene = _one(
        ['type = "text"', 'id = "n"', 'text = "hi"', "visible = false", "brightness = 0.8"],
        ['at = "1s"', 'target = "n"', 'show = { transition = "fade", duration = "400ms" }'],
    )
    n = scene["n"]
    scene.apply_timeline(0.99)
    assert n.visible is False
    scene.apply_timeline(1.0)
    assert n.visible is True and n.brightness == 0.0
    scene.apply_timeline(1.2)
    assert n.visible is True and 0.0 < n.brightness < 0.8
    scene.apply_timeline(1.4)
    assert n.brightness == pytest.approx(0.8)  # back to the widget's own brightness
    scene.apply_timeline(9.0)
    assert n.visible is True and n.brightness == pytest.approx(0.8)
    assert n.offset == (Length(0.0), Length(0.0))  # a fade does not move
    scene.apply_timeline(0.0)
    assert n.visible is False


@pytest.mark.parametrize("offset", [["0px", "0px"], ["5px", "10px"], ["0px", "0.5deg"]])
def test_show_slide_moves_then_returns_to_the_original_offset(offset: list[str]) -> None:
    lines = ['type = "text"', 'id = "n"', 'text = "hi"', "visible = false", f'offset = ["{offset[0]}", "{offset[1]}"]']
    scene = _one(lines, ['at = "2s"', 'target = "n"', 'show = { transition = "slide", duration = "300ms" }'])
    n = scene["n"]
    original = n.offset
    scene.apply_timeline(1.0)
    assert n.visible is False and n.offset == original
    device = load_device("quark-s1")

    def px(length: Length) -> float:
        return device.deg_to_px(length.value) if length.unit == "deg" else length.value

    base = px(original[1])
    scene.apply_timeline(2.0)
    assert n.visible is True and n.brightness == 0.0
    assert n.offset[0] == original[0] and px(n.offset[1]) == pytest.approx(
        base - SLIDE_PX, abs=1e-3
    )  # starts higher up
    ys = []
    for step in range(0, 7):
        scene.apply_timeline(2.0 + step * 0.05)
        ys.append(px(n.offset[1]))
    assert ys == sorted(ys) and ys[0] < ys[3] < base  # moves down towards its place, whatever its unit
    scene.apply_timeline(2.3)
    assert n.offset == original and n.brightness == 1.0
    scene.apply_timeline(20.0)
    assert n.offset == original


def test_show_none_and_hide_none() -> None:
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "text"',
            'id = "n"',
            'text = "hi"',
            "visible = false",
            "[[timeline]]",
            'at = "1s"',
            'target = "n"',
            'show = { transition = "none" }',
            "[[timeline]]",
            'at = "2s"',
            'target = "n"',
            'hide = { transition = "none", duration = "1s" }',
        )
    )
    n = scene["n"]
    scene.apply_timeline(1.0)
    assert n.visible is True and n.brightness == 1.0
    scene.apply_timeline(1.99)
    assert n.visible is True
    scene.apply_timeline(2.0)
    assert n.visible is False


def test_hide_after_fades_out_then_hides() -> None:
    scene = _one(
        ['type = "notification"', 'id = "n"', 'app = "Messages"', 'title = "Hi"', "visible = false"],
        ['at = "1s"', 'target = "n"', 'show = { transition = "fade", duration = "300ms", hide_after = "2s" }'],
    )
    n = scene["n"]
    scene.apply_timeline(2.0)
    assert n.visible is True and n.brightness == 1.0
    scene.apply_timeline(3.0)  # fade-out starts at 1 + 2 s
    assert n.visible is True and n.brightness == pytest.approx(1.0)
    scene.apply_timeline(3.15)
    assert n.visible is True and 0.0 < n.brightness < 1.0
    scene.apply_timeline(3.3)
    assert n.visible is False
    scene.apply_timeline(10.0)
    assert n.visible is False
    scene.apply_timeline(1.5)  # pure function of time: shown again
    assert n.visible is True and n.brightness == 1.0
    assert scene.timeline.end == pytest.approx(3.3)
    assert scene.length == pytest.approx(4.3)  # no [scene] duration: the end plus one second


def test_hide_after_in_example_scene() -> None:
    scene = load_scene(SCENES / "notification-burst.toml")
    pay, msg, gate = scene["pay"], scene["msg"], scene["gate"]
    scene.apply_timeline(0.4)
    assert not (pay.visible or msg.visible or gate.visible)
    scene.apply_timeline(3.0)
    assert pay.visible and msg.visible and gate.visible
    scene.apply_timeline(4.9)  # pay fades out from 4.5 s to 4.8 s
    assert not pay.visible and msg.visible and gate.visible
    scene.apply_timeline(7.5)
    assert not (pay.visible or msg.visible or gate.visible)


# -- [scene] duration ----------------------------------------------------------------------------


def test_scene_duration() -> None:
    assert load_scene(SCENES / "city-walk-timeline.toml").length == 10.0
    assert load_scene(SCENES / "streamed-caption.toml").length == 6.0
    assert parse_scene(doc("[scene]", 'duration = "1500ms"')).length == 1.5
    assert parse_scene(doc("[[widgets]]", 'type = "text"', 'text = "x"')).length == 0.0


def test_scene_duration_error_line() -> None:
    with pytest.raises(SceneError) as info:
        parse_scene(doc("[scene]", 'title = "t"', 'duration = "ten seconds"'), "bad.toml")
    assert info.value.line == 3 and "'duration'" in str(info.value)


# -- rendering is a pure function of time ---------------------------------------------------------


def test_render_out_of_order_equals_fresh() -> None:
    scene = load_scene(SCENES / "city-walk-timeline.toml")
    renderer = Renderer(scene)
    later = renderer.frame(4.0)
    earlier = renderer.frame(1.0)
    assert same(earlier, fresh("city-walk-timeline", 1.0))
    assert not same(earlier, later)
    again = renderer.frame(4.0)
    assert same(again, later)
    assert same(renderer.frame(4.0), later)  # the same time twice: identical


@pytest.mark.parametrize("name", ["city-walk-timeline", "notification-burst", "streamed-caption"])
def test_any_order_of_frames_equals_fresh_frames(name: str) -> None:
    """Incremental rendering in any order of times gives the images a fresh render gives."""
    scene = load_scene(SCENES / f"{name}.toml")
    times = [round(i * 0.15, 2) for i in range(int(scene.length / 0.15) + 1)]
    random.Random(7).shuffle(times)
    renderer = Renderer(scene)
    for index, t in enumerate(times):
        frame = renderer.frame(t)
        if index % 5 == 0:
            assert same(frame, fresh(name, t)), f"{name} at {t} s"


# -- caption scroll ------------------------------------------------------------------------------

APPEND_AT = [0.5, 1.2, 2.0, 2.8, 3.6, 4.5]  # streamed-caption.toml


def _main_text(renderer: Renderer, caption: Caption) -> Text:
    """The caption's own text (its first keep-end Text) in the build `renderer` draws."""
    content = renderer.content(caption)
    return next(c for c in content.children if isinstance(c, Text) and c.overflow == "keep-end")


def _drawn_scroll(renderer: Renderer, widget: Caption | Text, text: Text) -> float:
    """Lines `widget`'s scroll fields put `text` lower by: its own scroll, plus the lines the
    latest append pushed off (which layout counts) times the share of the scroll still to go."""
    return widget.scroll + renderer.layout.drop(text) * widget.scroll_left


def _caption_state(t: float) -> tuple[float, float, object]:
    scene = load_scene(SCENES / "streamed-caption.toml")
    renderer = Renderer(scene)
    frame = renderer.frame(t)
    caption = scene["live"]
    main = _main_text(renderer, caption)
    return _drawn_scroll(renderer, caption, main), _drawn_scroll(renderer, main, main), frame


def _top_line_y(renderer: Renderer, frame, caption: Caption) -> int:
    """Where the top line of the caption's text (as wrapped after the latest append) is drawn:
    the top of its first glyph's bitmap, read from the frame's draw commands."""
    main = _main_text(renderer, caption)
    block = renderer.text_block(main)
    (item,) = [item for item in frame.snapshot.items if item.key == id(main)]
    items = [glyph for command in item.commands if isinstance(command, Glyphs) for glyph in command.items]
    # The lines above the block (scrolling away) come first; the block's own glyphs are the last ones.
    own = sum(len(line_glyphs(line, block.size_px, 0, 0)) for line in block.lines)
    return items[len(items) - own][3]


def test_caption_append_scrolls_its_lines_up() -> None:
    """After an append that pushes lines off the top, the text is first drawn where the old lines
    were and then moves up over CAPTION_SCROLL_S, a little more every frame, to where a fresh
    render puts it; rendered in sequence or each moment afresh alike."""
    at = 3.6  # pushes two lines off (streamed-caption.toml)
    times = (at, at + 0.1, at + 0.3)
    scene = load_scene(SCENES / "streamed-caption.toml")
    renderer = Renderer(scene)
    renderer.frame(at - 0.1)
    in_sequence = []
    for t in times:
        frame = renderer.frame(t)
        in_sequence.append(_top_line_y(renderer, frame, scene["live"]))
    afresh = []
    for t in times:
        fresh_scene = load_scene(SCENES / "streamed-caption.toml")
        fresh_renderer = Renderer(fresh_scene)
        afresh.append(_top_line_y(fresh_renderer, fresh_renderer.frame(t), fresh_scene["live"]))
    assert in_sequence == afresh
    start, moving, settled = in_sequence
    assert start > moving > settled  # moves up, and only up
    line_height = renderer.text_block(_main_text(renderer, scene["live"])).line_height
    assert start - settled == 2 * line_height  # the two lines the append pushed off
    assert CAPTION_SCROLL_S < 0.3


def test_caption_scrolls_after_an_append_that_pushes_lines_off() -> None:
    # 1.2 s pushes one line off the top, 3.6 s two: they scroll; 0.5 s pushes none.
    for at, lines in ((1.2, 1), (3.6, 2)):
        start, start_main, _ = _caption_state(at)
        assert start == start_main == pytest.approx(lines)  # the append's own frame is fully scrolled
        scroll, main_scroll, scrolled = _caption_state(at + 0.05)
        assert main_scroll == scroll and 0 < scroll < lines
        settled_scroll, settled_main, settled = _caption_state(at + CAPTION_SCROLL_S)
        assert settled_scroll == settled_main == 0.0
        assert not same(scrolled, settled)
    assert _caption_state(0.55)[1] == 0.0  # the first append fits: nothing scrolls


def test_caption_scroll_is_the_same_rendered_in_sequence() -> None:
    scene = load_scene(SCENES / "streamed-caption.toml")
    renderer = Renderer(scene)
    main_scrolls = []
    for index in range(int(6 * 30) + 1):
        frame = renderer.frame(index / 30)
        main = _main_text(renderer, scene["live"])
        main_scrolls.append(_drawn_scroll(renderer, main, main))
        if index in (36, 37, 108, 110):  # 1.2 s, just after, 3.6 s, just after
            assert same(frame, fresh("streamed-caption", index / 30))
    assert max(main_scrolls) == pytest.approx(2.0)
    assert sum(1 for s in main_scrolls if s > 0) >= 8  # several frames of each scroll


def test_a_very_long_append_scrolls_at_most_three_lines(tmp_path: Path) -> None:
    """A scroll of more lines than the field allows used to raise in the middle of rendering."""
    long = " ".join(["many more words that wrap onto further lines"] * 8)
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "caption"',
            'id = "c"',
            'anchor = "bottom"',
            "max_lines = 2",
            'text = "Hello."',
            "[[timeline]]",
            'at = "0.5s"',
            'target = "c"',
            f'append = " {long}"',
        )
    )
    renderer = Renderer(scene)
    caption = scene["c"]
    for t in (0.0, 0.5, 0.51, 0.6, 1.0):
        renderer.frame(t)
        main = _main_text(renderer, caption)
        assert 0.0 <= _drawn_scroll(renderer, caption, main) <= 3.0
        if t == 0.5:
            assert renderer.layout.drop(main) == 3  # the append's own frame: at most three lines
            width = renderer.box(main).w
            block = renderer.text_block(main)
            pushed_off = len(measure(caption.text, block.size_px, width=width, weight="bold").lines) - 2
            assert pushed_off > 3


# -- scene-file errors ---------------------------------------------------------------------------

WIDGETS = (
    "[[widgets]]",  # 1
    'type = "text"',  # 2
    'id = "label"',  # 3
    'text = "hi"',  # 4
    "",  # 5
    "[[widgets]]",  # 6
    'type = "nav_arrow"',  # 7
    'id = "turn"',  # 8
    'maneuver = "left"',  # 9
    'street = "Main"',  # 10
    "",  # 11
    "[[timeline]]",  # 12
)

# (id, lines after line 12, line of the error, where, words the message must contain)
ERRORS = [
    (
        "unknown-key",
        ['at = "1s"', 'target = "label"', 'sett = { text = "x" }'],
        15,
        "timeline",
        ["unknown key 'sett'", "did you mean 'set'?"],
    ),
    ("missing-at", ['target = "label"', 'set = { text = "x" }'], 12, "timeline", ["missing 'at'"]),
    (
        "bad-time",
        ['at = "1.5 seconds"', 'target = "label"', 'set = { text = "x" }'],
        13,
        "timeline",
        ["'at'", "'1.5 seconds'", 'at = "1.5s"'],
    ),
    (
        "unknown-target",
        ['at = "1s"', 'target = "lable"', 'set = { text = "x" }'],
        14,
        "timeline",
        ["no widget with id 'lable'", "did you mean 'label'?"],
    ),
    (
        "two-actions",
        ['at = "1s"', 'target = "label"', 'set = { text = "x" }', 'append = "y"'],
        12,
        "timeline 'label'",
        ["exactly one of set, append, animate, show, hide"],
    ),
    (
        "set-unknown-field",
        ['at = "1s"', 'target = "label"', 'set = { txt = "x" }'],
        15,
        "timeline 'label'",
        ["text has no field 'txt'", "did you mean 'text'?"],
    ),
    (
        "set-out-of-range",
        ['at = "1s"', 'target = "label"', "set = { brightness = 2 }"],
        15,
        "timeline 'label'",
        ["'brightness' must be between 0 and 1", "got 2"],
    ),
    (
        "append-to-nav-arrow",
        ['at = "1s"', 'target = "turn"', 'append = "more"'],
        15,
        "timeline 'turn'",
        ["cannot append text to a nav_arrow", "caption or a text widget"],
    ),
    (
        "animate-street",
        ['at = "1s"', 'target = "turn"', 'animate = { property = "street", to = 1, duration = "1s" }'],
        15,
        "timeline 'turn'",
        ["cannot animate 'street' of a nav_arrow", "distance_m"],
    ),
    (
        "animate-missing-to",
        ['at = "1s"', 'target = "turn"', 'animate = { property = "distance_m", duration = "1s" }'],
        15,
        "timeline 'turn'",
        ["animate is missing 'to'"],
    ),
    (
        "unknown-easing",
        [
            'at = "1s"',
            'target = "turn"',
            "",
            "[timeline.animate]",
            'property = "distance_m"',
            "to = 0",
            'duration = "1s"',
            'easing = "ease-outt"',
        ],
        20,
        "timeline 'turn'",
        ["unknown easing 'ease-outt'", "did you mean 'ease-out'?"],
    ),
    (
        "unknown-transition",
        ['at = "1s"', 'target = "label"', 'show = { transition = "fad" }'],
        15,
        "timeline 'label'",
        ["unknown transition 'fad'", "did you mean 'fade'?"],
    ),
    (
        "negative-duration",
        ['at = "1s"', 'target = "label"', 'show = { transition = "fade", duration = -0.3 }'],
        15,
        "timeline 'label'",
        ["'duration'", "0 or more", "-0.3"],
    ),
]


def _write(tmp_path: Path, extra: list[str]) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(doc(*WIDGETS, *extra), encoding="utf-8")
    return path


def _check_message(message: str, path: Path, line: int, where: str, words: list[str]) -> None:
    assert "\n" not in message.strip()
    assert message.startswith(f"{path}:{line}: {where}: "), message
    for word in words:
        assert word in message, (word, message)
    assert message.rstrip().endswith(")"), message  # ends with the fix in brackets


@pytest.mark.parametrize(("extra", "line", "where", "words"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_timeline_error(tmp_path: Path, extra: list[str], line: int, where: str, words: list[str]) -> None:
    path = _write(tmp_path, extra)
    with pytest.raises(SceneError) as info:
        load_scene(path)
    assert info.value.line == line
    _check_message(str(info.value), path, line, where, words)


@pytest.mark.parametrize(("extra", "line", "where", "words"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_cli_timeline_error(tmp_path: Path, extra: list[str], line: int, where: str, words: list[str]) -> None:
    """`hud render` (in this process; tests/test_scene_errors.py runs it in a fresh one) prints
    the same single line, exits 2 and writes nothing."""
    path = _write(tmp_path, extra)
    out = tmp_path / "out"
    result = hud_in_process("render", path, "--out", out)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    _check_message(lines[0], path, line, where, words)
    assert not out.exists()


def test_good_timeline_control(tmp_path: Path) -> None:
    """Control: the same widgets with a valid entry of each kind load and render."""
    path = _write(
        tmp_path,
        [
            'at = "1s"',
            'target = "label"',
            'set = { text = "x", brightness = 0.5 }',
            "[[timeline]]",
            'at = "1s"',
            'target = "label"',
            'append = "y"',
            "[[timeline]]",
            "at = 0",
            'target = "turn"',
            'animate = { property = "distance_m", to = 0, duration = "2s" }',
            "[[timeline]]",
            'at = ".5s"',
            'target = "turn"',
            'hide = { transition = "slide", duration = "300ms" }',
        ],
    )
    scene = load_scene(path)
    assert len(scene.timeline.events) >= 5
    Renderer(scene).frame(1.5)
    assert scene["label"].text == "xy" and scene["turn"].visible is False


# -- goldens at fixed times ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scene", "at"),
    [
        ("city-walk-timeline", 0.0),  # distance 180 m, caption first phrase, no payment
        ("city-walk-timeline", 2.05),  # payment early in its slide: 42 % bright, 15 px above its place
        ("city-walk-timeline", 2.15),  # payment half-way through its 300 ms slide (ease-out: 87.5 % there)
        ("city-walk-timeline", 3.6),  # distance ~88 m, payment shown, caption scrolling after 3.5 s
        ("city-walk-timeline", 7.5),  # next instruction: straight 350 m Nanshan Road; payment gone
        ("notification-burst", 1.35),  # payment shown, message half-way in
        ("notification-burst", 3.0),  # all three notifications
        ("streamed-caption", 3.65),  # two lines scrolling up after the 3.6 s append
    ],
)
def test_timeline_golden(golden, scene: str, at: float) -> None:
    golden.check(f"timeline-{scene}-{at:g}s", SCENES / f"{scene}.toml", device="quark-s1", at=at)
