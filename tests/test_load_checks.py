"""Everything a render would reject is refused when the scene loads (so `hud validate` catches
it), with file:line; timeline values are checked like the fields they set; odd TOML values and
random mutations of the example scenes give one SceneError, never another exception."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from hud.anim import CAPTION_SCROLL_S
from hud.errors import FieldError, HudError, SceneError
from hud.geometry import Length
from hud.limits import MAX_TEXT_CHARS
from hud.renderer import Renderer
from hud.scene import load_scene, parse_scene
from hud.widgets.caption import MAX_BUFFER
from hud.widgets.primitives import Text

from paths import ROOT, SCENES

PNG = SCENES / "assets" / "headphones.png"


def doc(*lines: str) -> str:
    """Join lines so that line N of the document is the N-th argument."""
    return "\n".join(lines) + "\n"


def refused(text: str, base_dir: Path | None = None) -> SceneError:
    with pytest.raises(SceneError) as caught:
        parse_scene(text, "s.toml", base_dir)
    return caught.value


# -- timeline entries are checked at load, with their line ----------------------------------------

ARROW = ["[[widgets]]", 'type = "nav_arrow"', 'id = "n"', 'maneuver = "left"']
TEXT = ["[[widgets]]", 'type = "text"', 'id = "t"', 'text = "hi"']

# (id, scene text, line of the error, words the error must contain)
TIMELINE_CASES = [
    (
        "animate-optional-without-value",
        doc(
            *ARROW,
            "[[timeline]]",
            'at = "1s"',
            'target = "n"',
            'animate = { property = "importance", to = 50, duration = "1s" }',
        ),
        8,
        ["'importance' has no value at 1 s to animate from", "add from = ..."],
    ),
    (
        "animate-offset-huge",
        doc(
            *TEXT,
            "[[timeline]]",
            'at = "1s"',
            'target = "t"',
            'animate = { property = "offset_x", to = 1e308, duration = "1s" }',
        ),
        8,
        ["'to' must be between -8192 px and 8192 px (or -90deg and 90deg)", "1e+308"],
    ),
    (
        "animate-offset-inf",
        doc(
            *TEXT,
            "[[timeline]]",
            'at = "1s"',
            'target = "t"',
            'animate = { property = "offset_y", from = -inf, to = 0, duration = "1s" }',
        ),
        8,
        ["'from' must be between -8192 px and 8192 px", "-inf"],
    ),
    (
        "animate-offset-degrees-past-bound",
        doc(
            *TEXT,
            "[[timeline]]",
            'at = "1s"',
            'target = "t"',
            'animate = { property = "offset_x", to = "91deg", duration = "1s" }',
        ),
        8,
        ["'to' must be between -90deg and 90deg", '"91deg"'],
    ),
    (
        "animate-number-nan",
        doc(
            *TEXT,
            "[[timeline]]",
            'at = "1s"',
            'target = "t"',
            'animate = { property = "brightness", to = nan, duration = "1s" }',
        ),
        8,
        ["'to' must be between 0 and 1", "nan"],
    ),
    (
        "append-to-a-nav-arrow",
        doc(
            *ARROW,
            "[[timeline]]",
            'at = "1s"',
            'target = "n"',
            'append = "x"',
        ),
        8,
        ["cannot append text to a nav_arrow"],
    ),
    (
        "append-too-long",
        doc(
            *TEXT,
            "[[timeline]]",
            'at = "1s"',
            'target = "t"',
            f'append = "{"x" * (MAX_TEXT_CHARS + 1)}"',
        ),
        8,
        [f"'append' is {MAX_TEXT_CHARS + 1} characters long, at most {MAX_TEXT_CHARS} allowed"],
    ),
    (
        "at-huge-integer",
        doc(
            *TEXT,
            "[[timeline]]",
            f"at = {10**400}",
            'target = "t"',
            'set = { text = "x" }',
        ),
        6,
        ["'at': a time must be 0 or more and at most 86400 s", "a huge number"],
    ),
    (
        "at-too-many-digits",
        doc(
            *TEXT,
            "[[timeline]]",
            f'at = "{"9" * 400}s"',
            'target = "t"',
            'set = { text = "x" }',
        ),
        6,
        ["'at': a time must be 0 or more and at most 86400 s"],
    ),
    (
        "duration-nan",
        doc(
            *TEXT,
            "[[timeline]]",
            "at = 1",
            'target = "t"',
            "hide = { duration = nan }",
        ),
        8,
        ["'duration': a time must be 0 or more", "nan"],
    ),
    (
        "hide-after-past-a-day",
        doc(
            *TEXT,
            "[[timeline]]",
            "at = 1",
            'target = "t"',
            'show = { hide_after = "90000s" }',
        ),
        8,
        ["'hide_after': a time must be 0 or more and at most 86400 s"],
    ),
    (
        "set-text-too-long",
        doc(
            *TEXT,
            "[[timeline]]",
            "at = 1",
            'target = "t"',
            f'set = {{ text = "{"y" * (MAX_TEXT_CHARS + 5)}" }}',
        ),
        8,
        ["'text' is 20005 characters long"],
    ),
]


@pytest.mark.parametrize(("text", "line", "words"), [c[1:] for c in TIMELINE_CASES], ids=[c[0] for c in TIMELINE_CASES])
def test_timeline_values_are_checked_at_load(text: str, line: int, words: list[str]) -> None:
    error = refused(text)
    assert error.line == line, str(error)
    for word in words:
        assert word in str(error), (word, str(error))


def test_appends_past_the_text_limit_are_refused_at_the_append_that_passes_it() -> None:
    chunk = "z" * 4999
    entries = []
    for index in range(6):  # "hi" and 4 appends fit; the fifth passes MAX_TEXT_CHARS
        entries += ["[[timeline]]", f"at = {index + 1}", 'target = "t"', f'append = "{chunk}"']
    error = refused(doc(*TEXT, *entries))
    assert error.line == 4 + 4 * 4 + 4  # the fifth entry's append line
    assert f"appends make the text 24997 characters long at 5 s, at most {MAX_TEXT_CHARS} allowed" in str(error)
    assert "use a caption" in error.fix


def test_a_set_before_the_appends_counts() -> None:
    """The check follows the timeline: a shorter text set in between keeps the appends in bounds."""
    chunk = "z" * 9000
    scene = parse_scene(
        doc(
            *TEXT,
            "[[timeline]]",
            "at = 1",
            'target = "t"',
            f'append = "{chunk}"',
            "[[timeline]]",
            "at = 2",
            'target = "t"',
            'set = { text = "" }',
            "[[timeline]]",
            "at = 3",
            'target = "t"',
            f'append = "{chunk}"',
            "[[timeline]]",
            "at = 4",
            'target = "t"',
            f'append = "{chunk}"',
        )
    )
    scene.apply_timeline(5)
    assert len(scene["t"].text) == 18000


def test_appends_to_a_caption_drop_old_text_as_caption_append_does() -> None:
    words = " ".join(f"word{i}" for i in range(300))
    entries = []
    for index in range(20):
        entries += ["[[timeline]]", f"at = {index + 1}", 'target = "c"', f'append = "{words}"']
    scene = parse_scene(doc("[[widgets]]", 'type = "caption"', 'id = "c"', 'text = "Hello"', *entries))
    scene.apply_timeline(30)
    caption = scene["c"]
    assert len(caption.text) <= MAX_BUFFER and caption.text.endswith("word299")
    by_hand = caption.__class__(text="Hello")
    for _ in range(20):
        by_hand.append(words)
    assert caption.text == by_hand.text


def test_an_animation_after_a_set_has_a_value_to_start_from() -> None:
    scene = parse_scene(
        doc(
            *ARROW,
            "[[timeline]]",
            "at = 1",
            'target = "n"',
            "set = { importance = 10 }",
            "[[timeline]]",
            "at = 2",
            'target = "n"',
            'animate = { property = "importance", to = 50, duration = "1s" }',
        )
    )
    scene.apply_timeline(2.5)
    assert scene["n"].importance == pytest.approx(30)


def test_an_animation_with_from_needs_no_value_before() -> None:
    scene = parse_scene(
        doc(
            *ARROW,
            "[[timeline]]",
            "at = 1",
            'target = "n"',
            'animate = { property = "eta_min", from = 10, to = 20, duration = "1s" }',
        )
    )
    scene.apply_timeline(1.5)
    assert scene["n"].eta_min == pytest.approx(15)


# -- a timeline `set` of an image's src follows the asset rules -----------------------------------


def _image_scene(folder: Path, src: str) -> Path:
    (folder / "scene").mkdir()
    (folder / "scene" / "a.png").write_bytes(PNG.read_bytes())
    (folder / "elsewhere.png").write_bytes(PNG.read_bytes())
    path = folder / "scene" / "s.toml"
    path.write_text(
        doc(
            "[[widgets]]",
            'type = "image"',
            'id = "i"',
            'src = "a.png"',
            "[[timeline]]",
            "at = 1",
            'target = "i"',
            f'set = {{ src = "{src}" }}',
        )
    )
    return path


def test_timeline_image_src_outside_the_scene_folder_is_refused(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)  # the working folder holds the file: it must not matter
    path = _image_scene(tmp_path, "../elsewhere.png")
    with pytest.raises(SceneError) as caught:
        load_scene(path)
    assert caught.value.line == 8 and "points outside the scene's folder" in str(caught.value)


def test_timeline_image_src_resolves_against_the_scene_folder(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    path = _image_scene(tmp_path, "elsewhere.png")  # exists in the working folder, not in the scene's
    with pytest.raises(SceneError) as caught:
        load_scene(path)
    assert caught.value.line == 8 and "not found" in str(caught.value)
    (tmp_path / "scene" / "elsewhere.png").write_bytes(PNG.read_bytes())
    scene = load_scene(path)
    scene.apply_timeline(2)
    assert scene["i"].src == str((tmp_path / "scene" / "elsewhere.png").resolve())


def test_hud_validate_refuses_what_a_render_would(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(TIMELINE_CASES[0][1])
    result = subprocess.run(
        [sys.executable, "-m", "hud", "validate", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}:8: timeline 'n': ") and "Traceback" not in result.stderr


# -- offsets in degrees animate from where the widget is -------------------------------------------


def _x_at(scene_text: str, times: list[float]) -> list[int]:
    scene = parse_scene(scene_text)
    renderer = Renderer(scene)
    xs = []
    for t in times:
        renderer.frame(t)
        xs.append(renderer.box(scene["c"]).x)
    return xs


@pytest.mark.parametrize("to", ["100", '"100px"', '"8deg"'])
def test_an_offset_in_degrees_does_not_jump_when_its_animation_starts(to: str) -> None:
    text = doc(
        "[[widgets]]",
        'type = "text"',
        'id = "c"',
        'text = "Sliding"',
        'offset = ["4deg", "1deg"]',
        "[[timeline]]",
        "at = 1",
        'target = "c"',
        f'animate = {{ property = "offset_x", to = {to}, duration = "1s" }}',
    )
    before, start, later, end = _x_at(text, [0.9, 1.0, 1.05, 2.5])
    assert abs(start - before) <= 1  # no jump: it starts where it was
    assert abs(later - start) <= 10  # then moves a little at a time
    if to == '"8deg"':
        still = _x_at(text.replace('"8deg"', '"4deg"'), [2.5])[0]
        assert end - still == pytest.approx(end - before, abs=1) and end > before


def test_an_animation_ends_exactly_on_its_end_in_its_own_unit() -> None:
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "text"',
            'id = "c"',
            'text = "x"',
            'offset = [0, "1deg"]',
            "[[timeline]]",
            "at = 1",
            'target = "c"',
            'animate = { property = "offset_y", from = 12, to = "2deg", duration = "1s" }',
        )
    )
    scene.apply_timeline(1.0)
    assert scene["c"].offset == (Length(0.0), Length(12.0))
    scene.apply_timeline(3.0)
    assert scene["c"].offset == (Length(0.0), Length(2.0, "deg"))


# -- appending to a text works like appending to a caption -----------------------------------------


def test_append_to_a_keep_end_text_scrolls_like_a_caption() -> None:
    words = " ".join(["further words that wrap onto another line"] * 3)
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "text"',
            'id = "t"',
            'text = "First line."',
            'width = "12deg"',
            'overflow = "keep-end"',
            "max_lines = 2",
            'anchor = "bottom"',
            "[[timeline]]",
            "at = 1",
            'target = "t"',
            f'append = " {words}"',
        )
    )
    renderer = Renderer(scene)
    text = scene["t"]
    scrolls = []
    for t in (0.5, 1.0, 1.0 + CAPTION_SCROLL_S / 2, 1.0 + CAPTION_SCROLL_S, 2.0):
        renderer.frame(t)
        # Lines the text is drawn lower by: the lines the append pushed off, times what is left to go.
        scrolls.append(text.scroll + renderer.layout.drop(text) * text.scroll_left)
    assert scrolls[0] == 0.0 and scrolls[1] > scrolls[2] > 0.0 and scrolls[3:] == [0.0, 0.0]
    assert scene["t"].text == f"First line. {words}"


@pytest.mark.parametrize("overflow", ["ellipsis", "clip"])
def test_append_to_other_texts_renders_without_scrolling(overflow: str) -> None:
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "text"',
            'id = "t"',
            'text = "a"',
            f'overflow = "{overflow}"',
            "max_lines = 1",
            "[[timeline]]",
            "at = 1",
            'target = "t"',
            'append = " b c d e f g"',
        )
    )
    renderer = Renderer(scene)
    for t in (0.0, 1.0, 1.1, 2.0):
        renderer.frame(t)
        assert scene["t"].scroll == 0.0
    assert scene["t"].text == "a b c d e f g"


def test_text_append_in_python() -> None:
    text = Text(text="a")
    text.append("bc")
    assert text.text == "abc"
    with pytest.raises(SceneError, match="at most 20000 allowed"):
        text.append("x" * MAX_TEXT_CHARS)
    assert text.text == "abc"


# -- odd TOML values give one clean line ------------------------------------------------------------

ODD = [
    ("datetime-text", "text = 1979-05-27T07:32:00Z", 4, ["'text' must be a string", "datetime"]),
    ("time-of-day-width", "width = 07:32:00", 4, ["'width' must be a length"]),
    ("nested-array-offset", "offset = [[1, 2], [3]]", 4, ["'offset' must be a length"]),
    ("huge-int-brightness", f"brightness = {10**400}", 4, ["'brightness' must be between 0 and 1", "about 1e400"]),
    ("huge-int-width", f"width = {10**400}", 4, ["'width' must be between 0 px and 8192 px", "about 1e400"]),
    ("huge-int-margin", f"margin = [0, {-(10**30)}]", 4, ["'margin' must be between 0 px and 8192 px"]),
    ("huge-int-grow", f"grow = {10**309}", 4, ["'grow' must be between 0 and 100"]),
    ("huge-int-color", f"color = {10**400}", 4, ["intensity must be between 0 and 1", "about 1e400"]),
    ("escape-in-type", 'type = "te\\u001b[31mxt"', 2, ["unknown widget type", "\\x1b[31m"]),
    ("nul-in-field-name", '"co\\u0000lor" = 1', 4, ["unknown field 'co\\x00lor'"]),
    ("bidi-in-size", 'size = "\\u202e12px"', 4, ["\\u202e12px"]),
]


@pytest.mark.parametrize(("line", "at", "words"), [c[1:] for c in ODD], ids=[c[0] for c in ODD])
def test_odd_values_give_one_clean_line(line: str, at: int, words: list[str]) -> None:
    lines = ["[[widgets]]", 'type = "text"', 'lang = "en"', line]
    if line.startswith("type"):
        lines = ["[[widgets]]", line]
    error = refused(doc(*lines))
    message = str(error)
    assert error.line == at, message
    for word in words:
        assert word in message, (word, message)
    assert "\n" not in message and "\x1b" not in message and "\x00" not in message and "\u202e" not in message


def test_negative_zero_is_plain_zero() -> None:
    scene = parse_scene(
        doc(
            "[[widgets]]",
            'type = "text"',
            'id = "t"',
            'text = "hi"',
            "offset = [-0.0, -0.0]",
            "grow = -0.0",
            "[[timeline]]",
            "at = -0.0",
            'target = "t"',
            "set = { brightness = -0.0 }",
        )
    )
    text = scene["t"]
    assert all(str(length) == "0" for length in text.offset) and str(text.grow) == "0.0"
    assert str(scene.timeline.events[0].at) == "0.0"


def test_an_integer_too_long_to_read_is_one_line() -> None:
    error = refused(doc("[[widgets]]", 'type = "text"', f"grow = {'9' * 5000}"))
    assert error.line == 3 and "a number has too many digits to read" in str(error)


def test_lone_surrogates_are_refused_in_python_text() -> None:
    with pytest.raises(FieldError, match="lone surrogate"):
        Text(text="ok \ud800 not ok")


# -- random mutations of the example scenes: a SceneError or a scene, nothing else -----------------

_VALUES = [
    f"1{'0' * 400}",
    "nan",
    "-inf",
    "-0.0",
    "1979-05-27",
    "[[1], []]",
    '"\\u001b"',
    '"9999999999px"',
    '"91deg"',
    "{ a = 1 }",
    "true",
    '"../x.png"',
    '["1deg", "1e3"]',
    "1e308",
    '"' + "w " * 11000 + '"',
]


def _mutated(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(lines))
        choice = rng.random()
        if choice < 0.5 and "=" in lines[index]:
            lines[index] = lines[index].split("=")[0] + "= " + rng.choice(_VALUES)
        elif choice < 0.7:
            lines.insert(index, lines[rng.randrange(len(lines))])
        elif choice < 0.85:
            del lines[index]
        else:
            lines.insert(index, rng.choice(["[[timeline]]", "[[widgets]]", "[[widgets.children]]", "[[gestures]]"]))
    return "\n".join(lines) + "\n"


def test_random_mutations_of_the_example_scenes_raise_only_scene_errors() -> None:
    rng = random.Random(20240611)
    sources = [(path.name, path.read_text()) for path in sorted(SCENES.glob("*.toml"))]
    loaded = refused_count = 0
    for _ in range(400):
        name, text = rng.choice(sources)
        try:
            parse_scene(_mutated(text, rng), name, SCENES)
            loaded += 1
        except HudError as error:
            assert "\n" not in str(error)
            refused_count += 1
    assert loaded > 0 and refused_count > 0
