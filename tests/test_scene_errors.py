"""Bad scene files: one `file:LINE: where: what (fix)` line, exit status 2, nothing written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hud.errors import SceneError
from hud.scene import load_scene

from cli_support import hud, hud_in_process
from paths import ROOT


def doc(*lines: str) -> str:
    """Join lines so that line N of the document is the N-th argument."""
    return "\n".join(lines) + "\n"


# (id, scene text, line of the error, widget id or type ("" for file-level errors), words the line must contain)
CASES = [
    (
        "unknown-type",
        doc(
            "[scene]",
            'title = "t"',
            "",
            "[[widgets]]",
            'type = "nav_arow"',
            'maneuver = "left"',
        ),
        5,
        "nav_arow",
        ["unknown widget type 'nav_arow'", "did you mean 'nav_arrow'?"],
    ),
    (
        "unknown-field-colour",
        doc(
            "[[widgets]]",
            'type = "text"',
            'text = "hi"',
            'colour = "dim"',
        ),
        4,
        "text",
        ["unknown field 'colour'", "did you mean 'color'?"],
    ),
    (
        "unknown-field-distnce",
        doc(
            "[[widgets]]",
            'type = "nav_arrow"',
            'id = "turn"',
            'maneuver = "left"',
            "distnce_m = 50",
        ),
        5,
        "nav_arrow 'turn'",
        ["unknown field 'distnce_m'", "did you mean 'distance_m'?"],
    ),
    (
        "wrong-type",
        doc(
            "[[widgets]]",
            'type = "price_card"',
            'product = "Tea"',
            'price = "abc"',
        ),
        4,
        "price_card",
        ["'price' must be a number", '"abc"'],
    ),
    (
        "brightness-range",
        doc(
            "[[widgets]]",
            'type = "text"',
            'text = "hi"',
            "brightness = 1.5",
        ),
        4,
        "text",
        ["'brightness' must be between 0 and 1", "1.5"],
    ),
    (
        "caption-max-lines-zero",
        doc(
            "[[widgets]]",
            'type = "caption"',
            'text = "hi"',
            "max_lines = 0",
        ),
        4,
        "caption",
        ["'max_lines' must be between 1 and 20", "got 0"],
    ),
    (
        "negative-distance",
        doc(
            "[[widgets]]",
            'type = "nav_arrow"',
            'maneuver = "left"',
            "distance_m = -3",
        ),
        4,
        "nav_arrow",
        ["'distance_m' must be between 0 and 10000000", "got -3"],
    ),
    (
        "toml-syntax",
        doc(
            "[[widgets]]",
            'type = "text"',
            'text = "unterminated',
            "size = 12",
        ),
        3,
        "",
        ["TOML syntax error"],
    ),
    (
        "toml-syntax-at-end",
        doc(
            "[[widgets]]",
            'type = "text"',
            "margin = [1, 2,",
        ),
        3,
        "",
        ["TOML syntax error"],
    ),
    (
        "missing-image",
        doc(
            "[[widgets]]",
            'type = "image"',
            'id = "photo"',
            'src = "nope.png"',
        ),
        4,
        "image 'photo'",
        ["'nope.png' not found"],
    ),
    (
        "image-outside-folder",
        doc(
            "[[widgets]]",
            'type = "image"',
            'src = "../outside.png"',
        ),
        3,
        "image",
        ["'../outside.png' points outside the scene's folder"],
    ),
    (
        "image-absolute-path",
        doc(
            "[[widgets]]",
            'type = "image"',
            'src = "/etc/passwd"',
        ),
        3,
        "image",
        ["'/etc/passwd' points outside the scene's folder"],
    ),
    (
        "bad-enum",
        doc(
            "[[widgets]]",
            'type = "nav_arrow"',
            'maneuver = "lefty"',
        ),
        3,
        "nav_arrow",
        ["'maneuver' must be one of", '"lefty"', "did you mean 'left'?"],
    ),
    (
        "bad-currency",
        doc(
            "[[widgets]]",
            'type = "price_card"',
            'product = "Tea"',
            "price = 12",
            'currency = "yuan"',
        ),
        5,
        "price_card",
        ["'currency' must be a 3-letter ISO currency code", '"yuan"'],
    ),
    (
        "compare-entry-missing-price",
        doc(
            "[[widgets]]",
            'type = "price_card"',
            'product = "Tea"',
            "price = 12",
            "compare = [",
            '  { store = "JD", price = 14 },',
            '  { store = "Pinduoduo" },',
            '  { store = "Tmall", price = 13 },',
            "]",
        ),
        7,
        "price_card",
        ["'compare' item 2 is missing 'price'"],
    ),
    (
        "compare-entry-unknown-field",
        doc(
            "[[widgets]]",
            'type = "price_card"',
            'product = "Tea"',
            "price = 12",
            "compare = [",
            '  { store = "JD", price = 14 },',
            '  { store = "Tmall", prce = 13 },',
            "]",
        ),
        7,
        "price_card",
        ["'compare' item 2 has unknown field 'prce'", "did you mean 'price'?"],
    ),
    (
        "children-on-text",
        doc(
            "[[widgets]]",
            'type = "text"',
            'text = "hi"',
            "  [[widgets.children]]",
            '  type = "text"',
            '  text = "child"',
        ),
        4,
        "text",
        ["text takes no children"],
    ),
    (
        "duplicate-id",
        doc(
            "[[widgets]]",
            'type = "text"',
            'id = "a"',
            "",
            "[[widgets]]",
            'type = "progress"',
            'id = "a"',
        ),
        7,
        "progress 'a'",
        ["id 'a' is already used on line 3"],
    ),
    (
        "duplicate-id-parent-then-child",
        doc(
            "[[widgets]]",
            'type = "column"',
            'id = "a"',
            "  [[widgets.children]]",
            '  type = "text"',
            '  id = "a"',
        ),
        6,
        "text 'a'",
        ["id 'a' is already used on line 3"],
    ),
    (
        "unknown-scene-key",
        doc(
            "[scene]",
            'title = "t"',
            'devise = "quark-s1"',
        ),
        3,
        "scene",
        ["unknown key 'devise'", "did you mean 'device'?"],
    ),
    (
        "unknown-device",
        doc(
            "[scene]",
            'title = "t"',
            'device = "quark-s2"',
        ),
        3,
        "scene",
        ["unknown device 'quark-s2'", "did you mean 'quark-s1'?"],
    ),
    (
        "unknown-target-device",
        doc(
            "[scene]",
            "targets = [",
            '  "quark-s1",',
            '  "even-g3",',
            "]",
        ),
        4,
        "scene",
        ["unknown device 'even-g3'"],
    ),
    (
        "unknown-top-level-key",
        doc(
            "[scene]",
            'title = "t"',
            "",
            "[widget]",
            'type = "text"',
        ),
        4,
        "scene",
        ["unknown top-level key 'widget'", "did you mean 'widgets'?"],
    ),
    (
        "missing-type",
        doc(
            "[[widgets]]",
            'type = "text"',
            "",
            "[[widgets]]",
            'id = "orphan"',
            'text = "hi"',
        ),
        4,
        "widget 'orphan'",
        ["missing 'type'", 'add type = "..."'],
    ),
    (
        "missing-required-field",
        doc(
            "[[widgets]]",
            'type = "text"',
            "",
            "[[widgets]]",
            'type = "price_card"',
            'product = "Tea"',
        ),
        4,
        "price_card",
        ["'price' is required", "add price = ..."],
    ),
    (
        "deeply-nested-child",
        doc(
            "[[widgets]]",
            'type = "column"',
            "  [[widgets.children]]",
            '  type = "row"',
            "    [[widgets.children.children]]",
            '    type = "text"',
            '    text = "fine"',
            "    [[widgets.children.children]]",
            '    type = "progress"',
            "    value = 2",
        ),
        10,
        "progress",
        ["'value' must be between 0 and 1"],
    ),
    (
        "deeply-nested-child-unknown-type",
        doc(
            "[[widgets]]",
            'type = "stack"',
            "  [[widgets.children]]",
            '  type = "panel"',
            "    [[widgets.children.children]]",
            '    type = "column"',
            "      [[widgets.children.children.children]]",
            '      type = "txt"',
        ),
        8,
        "txt",
        ["unknown widget type 'txt'", "did you mean 'text'?"],
    ),
    (
        "infinite-length",
        doc(
            "[[widgets]]",
            'type = "text"',
            'text = "hi"',
            "width = inf",
        ),
        4,
        "text",
        ["'width' must be between 0 px and 8192 px", "got inf"],
    ),
    (
        "nan-offset",
        doc(
            "[[widgets]]",
            'type = "text"',
            'text = "hi"',
            "offset = [nan, 0]",
        ),
        4,
        "text",
        ["'offset' must be between -8192 px and 8192 px (or -90deg and 90deg)", "got nan"],
    ),
]


def write_scene(tmp_path: Path, text: str | bytes, name: str = "scene.toml") -> Path:
    """Write a scene into its own folder (with a real image just outside it)."""
    folder = tmp_path / "scene"
    folder.mkdir(exist_ok=True)
    (tmp_path / "outside.png").write_bytes((ROOT / "scenes/assets/headphones.png").read_bytes())
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def scene_error(path: Path) -> str:
    """The message load_scene raises for `path`."""
    with pytest.raises(SceneError) as info:
        load_scene(str(path))
    return str(info.value)


def assert_error_line(message: str, path: Path, line: int | None, where: str, words: list[str]) -> None:
    """`message` is one `path:line: where: what (fix)` line containing every one of `words`."""
    place = f"{path}:{line}" if line is not None else str(path)
    start = f"{place}: {where}: " if where else f"{place}: "
    assert "\n" not in message
    assert message.startswith(start), message
    assert message.endswith(")"), f"no fix given: {message}"
    for word in words:
        assert word in message, message


def run_render(scene: Path, out: Path, in_process: bool = False) -> subprocess.CompletedProcess[str]:
    """`hud render SCENE --out OUT` in a fresh interpreter, or in this process."""
    if in_process:
        return hud_in_process("render", scene, "--out", out)
    return hud("render", scene, "--out", out, timeout=60)


def assert_cli_error(scene: Path, out: Path, line: int | None, in_process: bool = False) -> str:
    """The CLI exits 2 with exactly one stderr line starting with `scene:line:`, and writes nothing."""
    result = run_render(scene, out, in_process)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{scene}:{line}: " if line is not None else f"{scene}: "), lines[0]
    assert not out.exists() or not any(out.iterdir())
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize("text, line, where, words", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_scene_error(tmp_path: Path, text: str, line: int, where: str, words: list[str]) -> None:
    """load_scene names the file, the line, the widget, the problem and a fix."""
    path = write_scene(tmp_path, text)
    assert_error_line(scene_error(path), path, line, where, words)


@pytest.mark.parametrize("text, line, where, words", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_cli_scene_error(tmp_path: Path, text: str, line: int, where: str, words: list[str]) -> None:
    """`hud render` prints the same single line, exits 2 and writes no images (in this process:
    the tests below run it in a fresh interpreter)."""
    path = write_scene(tmp_path, text)
    message = assert_cli_error(path, tmp_path / "out", line, in_process=True)
    assert_error_line(message, path, line, where, words)


def test_non_utf8_file(tmp_path: Path) -> None:
    """A file that is not UTF-8 reports the line of the first bad byte."""
    path = write_scene(tmp_path, b'[[widgets]]\ntype = "text"\ntext = "caf\xe9"\n')
    assert_error_line(scene_error(path), path, 3, "", ["not valid UTF-8", "save it as UTF-8"])
    assert_cli_error(path, tmp_path / "out", 3)


def test_file_not_found(tmp_path: Path) -> None:
    """A missing scene file has no line to point at: `path: file not found (fix)`."""
    path = tmp_path / "missing.toml"
    assert_error_line(scene_error(path), path, None, "", ["file not found"])
    assert_cli_error(path, tmp_path / "out", None)


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Editors that save a byte-order mark still produce a loadable scene."""
    path = write_scene(tmp_path, b'\xef\xbb\xbf[[widgets]]\ntype = "text"\ntext = "hi"\n')
    assert load_scene(path).widgets[0].text == "hi"


def test_error_after_bom_keeps_line_numbers(tmp_path: Path) -> None:
    """A byte-order mark does not shift the reported line."""
    path = write_scene(tmp_path, b'\xef\xbb\xbf[[widgets]]\ntype = "text"\ncolour = "dim"\n')
    assert_error_line(scene_error(path), path, 3, "text", ["unknown field 'colour'"])


def test_error_in_parent_field_wins_over_child(tmp_path: Path) -> None:
    """The first problem in file order is reported: the parent's field before its children's."""
    path = write_scene(
        tmp_path,
        doc(
            "[[widgets]]",
            'type = "column"',
            'gap = "wide"',
            "  [[widgets.children]]",
            '  type = "txt"',
        ),
    )
    assert_error_line(scene_error(path), path, 3, "column", ["'gap' must be a length"])


def test_valid_scene_with_image_renders(tmp_path: Path) -> None:
    """Control: the same folder layout with a good image path renders (exit 0)."""
    path = write_scene(
        tmp_path,
        doc(
            "[[widgets]]",
            'type = "image"',
            'src = "photo.png"',
        ),
    )
    (path.parent / "photo.png").write_bytes((ROOT / "scenes/assets/headphones.png").read_bytes())
    result = run_render(path, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "layout.json",
        "left.png",
        "preview.png",
        "right.png",
    ]
