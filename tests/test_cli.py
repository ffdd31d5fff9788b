"""The `hud` command: devices, render, validate, run as a user would (a fresh interpreter each time)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cli_support import hud, hud_in_process
from paths import EXAMPLES, ROOT

BUILTIN = ["quark-s1", "quark-g1", "even-g1", "even-g2", "vuzix-z100", "frame", "meta-ray-ban-display"]
NAVIGATION = "scenes/navigation.toml"
Rendered = tuple[subprocess.CompletedProcess[str], Path]  # the result of `hud render` and its --out folder


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Exit status 2 and a single stderr line without a traceback; returns that line."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def line_of(text: str, start: str) -> int:
    """1-based number of the first line of `text` that starts with `start`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def files_in(folder: Path) -> list[str]:
    """Names of everything in `folder` (hidden temporary files included)."""
    return sorted(p.name for p in folder.iterdir())


# -- hud devices ---------------------------------------------------------------------------


def test_devices_lists_every_builtin_profile_in_a_table() -> None:
    """One row per built-in profile under a header and a rule."""
    result = hud("devices")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["name", "display"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    rows = {line.split()[0]: line for line in lines[2:]}
    assert sorted(rows) == sorted(BUILTIN)
    assert "640x480" in rows["quark-s1"] and "left+right" in rows["quark-s1"]
    assert "576x288" in rows["even-g2"]
    assert "none" in rows["quark-g1"] and "audio" in rows["quark-g1"]


# -- hud render ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quark_s1_render(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The navigation scene rendered once for the S1 (shared: each render costs a process)."""
    out = tmp_path_factory.mktemp("render") / "quark-s1"
    return hud("render", NAVIGATION, "--device", "quark-s1", "--out", out), out


def test_render_quark_s1_writes_both_eyes_and_a_preview(quark_s1_render: Rendered) -> None:
    """Two 640x480 8-bit grey panels plus an RGB preview."""
    result, out = quark_s1_render
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert files_in(out) == ["layout.json", "left.png", "preview.png", "right.png"]
    for eye in ("left", "right"):
        with Image.open(out / f"{eye}.png") as image:
            assert (image.size, image.mode) == ((640, 480), "L")
            assert image.getextrema()[1] > 0, "nothing was drawn"
    with Image.open(out / "preview.png") as preview:
        assert preview.mode == "RGB"
        assert preview.width > 2 * 640 and preview.height > 480


def test_render_even_g2_uses_the_device_size(tmp_path: Path) -> None:
    """--device picks the profile: the G2 panel is 576x288."""
    result = hud("render", NAVIGATION, "--device", "even-g2", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    for eye in ("left", "right"):
        with Image.open(tmp_path / "out" / f"{eye}.png") as image:
            assert (image.size, image.mode) == ((576, 288), "L")


def test_render_frame_writes_one_rgb_eye_with_at_most_16_colours(tmp_path: Path) -> None:
    """Frame has one colour display on the right and a 16-colour palette."""
    out = tmp_path / "out"
    result = hud("render", NAVIGATION, "--device", "frame", "--out", out)
    assert result.returncode == 0, result.stderr
    assert files_in(out) == ["layout.json", "preview.png", "right.png"]
    with Image.open(out / "right.png") as image:
        assert (image.size, image.mode) == ((640, 400), "RGB")
        colours = image.getcolors(maxcolors=256)
        assert colours is not None and 1 < len(colours) <= 16


def test_render_for_a_device_without_display_speaks(tmp_path: Path) -> None:
    """The G1 has no display: no images, speech.json and speech.wav instead, and stdout says so."""
    out = tmp_path / "out"
    result = hud("render", NAVIGATION, "--device", "quark-g1", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "has no display: it speaks" in result.stdout
    assert files_in(out) == ["speech.json", "speech.wav"]


# -- --backend --------------------------------------------------------------------------------
NO_EGL = {"__EGL_VENDOR_LIBRARY_FILENAMES": "/nonexistent/egl-vendor.json"}  # glvnd's EGL then finds no driver
GL_FALLBACK = "warning: the GL backend cannot run here ("


def drawn_by(stdout: str) -> str:
    """The raster backend `hud render` says drew the frame."""
    found = re.search(r" \((cpu|gl) backend\): ", stdout)
    assert found is not None, stdout
    return found.group(1)


def test_render_on_the_gl_backend_draws_what_the_cpu_draws(tmp_path: Path, quark_s1_render: Rendered) -> None:
    """--backend gl writes the same files, within the parity tolerance (2 grey levels on all but
    0.5 % of the pixels); the header names the backend that drew, and the CPU draws only after
    one warning line."""
    result = hud("render", NAVIGATION, "--device", "quark-s1", "--backend", "gl", "--out", tmp_path / "gl")
    assert result.returncode == 0, result.stderr
    backend = drawn_by(result.stdout)
    fallback = [line for line in result.stderr.splitlines() if line.startswith(GL_FALLBACK)]
    assert len(fallback) == (backend == "cpu"), result.stderr
    cpu_result, cpu_out = quark_s1_render
    assert drawn_by(cpu_result.stdout) == "cpu"
    assert files_in(tmp_path / "gl") == files_in(cpu_out)
    for eye in ("left.png", "right.png"):
        gl, cpu = (np.asarray(Image.open(folder / eye), dtype=np.int16) for folder in (tmp_path / "gl", cpu_out))
        assert gl.shape == cpu.shape
        assert np.mean(np.abs(gl - cpu) > 2) <= 0.005, eye


def test_without_a_gl_context_the_cpu_draws_after_one_warning_line(tmp_path: Path) -> None:
    result = hud("render", NAVIGATION, "--device", "quark-s1", "--backend", "gl", "--out", tmp_path / "out", env=NO_EGL)
    assert result.returncode == 0, result.stderr
    if drawn_by(result.stdout) == "gl":
        pytest.skip("this EGL does not load its driver through glvnd, so the test cannot take the context away")
    (line,) = result.stderr.splitlines()
    assert line.startswith(GL_FALLBACK) and line.endswith("): drawing on the CPU backend"), line
    assert files_in(tmp_path / "out") == ["layout.json", "left.png", "preview.png", "right.png"]


@pytest.mark.parametrize(
    "command", [["render", NAVIGATION], ["profile", NAVIGATION], ["sheet", NAVIGATION, "--out", "sheet.png"]]
)
def test_an_unknown_backend_is_one_line(command: list[str]) -> None:
    line = assert_one_line_error(hud(*command, "--backend", "vulkan"))
    assert line == "--backend: invalid choice: 'vulkan' (choose from 'cpu', 'gl')"
    assert not (ROOT / "sheet.png").exists()


@pytest.mark.parametrize("name, hint", [("quark-s2", "did you mean 'quark-s1'?"), ("nosuch", "quark-s1")])
def test_render_unknown_device(tmp_path: Path, name: str, hint: str) -> None:
    """An unknown device name is one line naming it, with a close name or the list of names."""
    out = tmp_path / "out"
    line = assert_one_line_error(hud("render", NAVIGATION, "--device", name, "--out", out))
    assert f"unknown device '{name}'" in line and hint in line
    assert not out.exists()


@pytest.fixture
def custom_profile(tmp_path: Path) -> Path:
    """A copy of the S1 profile named custom-wide, 800 px wide."""
    text = (ROOT / "hud/devices/quark-s1.toml").read_text(encoding="utf-8")
    text = text.replace('name = "quark-s1"', 'name = "custom-wide"').replace("width = 640", "width = 800")
    assert "custom-wide" in text and "width = 800" in text
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_render_with_a_user_profile_file(tmp_path: Path, custom_profile: Path) -> None:
    """--device accepts a profile .toml path."""
    out = tmp_path / "out"
    result = hud("render", NAVIGATION, "--device", custom_profile, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "custom-wide" in result.stdout
    for eye in ("left", "right"):
        with Image.open(out / f"{eye}.png") as image:
            assert (image.size, image.mode) == ((800, 480), "L")


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("width = 800", "widht = 800", ["unknown key 'widht' in [display]", "did you mean 'width'?"]),
        ("width = 800", 'width = "800"', ["'width' must be a number", "'800'"]),
        ("refresh_hz = 60", "refresh_hz = 0", ["refresh_hz must be", "got 0"]),
    ],
)
def test_render_with_a_broken_user_profile(
    tmp_path: Path, custom_profile: Path, old: str, new: str, words: list[str]
) -> None:
    """A bad profile file is one `file:LINE:` error, exit 2, nothing written."""
    text = custom_profile.read_text(encoding="utf-8").replace(old, new)
    custom_profile.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    line = assert_one_line_error(hud("render", NAVIGATION, "--device", custom_profile, "--out", out))
    assert line.startswith(f"{custom_profile}:{line_of(text, new)}: "), line
    for word in words:
        assert word in line, line
    assert not out.exists()


def test_render_missing_profile_file(tmp_path: Path) -> None:
    """A profile path that does not exist is one line, exit 2."""
    line = assert_one_line_error(
        hud("render", NAVIGATION, "--device", tmp_path / "gone.toml", "--out", tmp_path / "out")
    )
    assert "gone.toml" in line and "not found" in line


def test_rerender_replaces_files_without_leftovers(quark_s1_render: Rendered) -> None:
    """Rendering again into the same folder replaces every file and leaves no `.*.tmp` behind."""
    first, out = quark_s1_render
    assert first.returncode == 0, first.stderr
    (out / "left.png").write_bytes(b"stale")
    result = hud("render", NAVIGATION, "--device", "quark-s1", "--out", out)
    assert result.returncode == 0, result.stderr
    assert files_in(out) == ["layout.json", "left.png", "preview.png", "right.png"]
    assert not list(out.glob(".*.tmp"))
    with Image.open(out / "left.png") as image:
        assert (image.size, image.mode) == ((640, 480), "L")


def test_render_into_a_file_is_a_user_error(tmp_path: Path) -> None:
    """--out naming an existing file: one line and exit 2, not an internal error."""
    target = tmp_path / "taken"
    target.write_text("keep me")
    line = assert_one_line_error(hud("render", NAVIGATION, "--out", target))
    assert line.startswith(f"{target}: cannot write"), line
    assert target.read_text() == "keep me"


# -- hud validate --------------------------------------------------------------------------


def test_validate_every_example_scene() -> None:
    """Each example scene gets an `ok` line; exit 0."""
    result = hud("validate", *EXAMPLES)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXAMPLES) >= 6
    for scene, line in zip(EXAMPLES, lines):
        assert re.match(rf"{re.escape(str(scene))}: ok \(\d+ widgets, for [a-z0-9-]+", line), line


def test_validate_stops_at_a_bad_scene(tmp_path: Path) -> None:
    """validate reports a bad scene like render does."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[[widgets]]\ntype = "text"\nbrightness = 1.5\n', encoding="utf-8")
    line = assert_one_line_error(hud("validate", bad))
    assert line.startswith(f"{bad}:3: text: 'brightness' must be between 0 and 1"), line


# -- strings from a user are shown, never obeyed ------------------------------------------------------

RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_clean(*texts: str) -> None:
    """No terminal control character or bidi override reaches the terminal."""
    for text in texts:
        assert not RAW_CONTROLS.search(text), repr(text)


def test_escape_sequences_in_a_widget_type_are_shown_escaped(tmp_path: Path) -> None:
    scene = tmp_path / "evil.toml"
    scene.write_text('[[widgets]]\ntype = "\\u001b]0;pwned\\u0007"\n', encoding="utf-8")
    result = hud("render", scene, "--out", tmp_path / "out")
    line = assert_one_line_error(result)
    assert line.startswith(f"{scene}:2: ") and "\\x1b]0;pwned\\x07" in line, line
    assert_clean(result.stdout, result.stderr)
    assert not (tmp_path / "out").exists()


def test_escape_sequences_in_a_size_are_shown_escaped(tmp_path: Path) -> None:
    scene = tmp_path / "size.toml"
    scene.write_text('[[widgets]]\ntype = "text"\ntext = "hi"\nsize = "1\\u001b[31m"\n', encoding="utf-8")
    result = hud("validate", scene)
    line = assert_one_line_error(result)
    assert line.startswith(f"{scene}:4: text: 'size'") and '"1\\x1b[31m"' in line, line
    assert_clean(result.stdout, result.stderr)


def test_validate_lint_and_measure_output_is_escaped(tmp_path: Path) -> None:
    """A valid scene whose id and text hold controls: every printed line shows them escaped."""
    scene = tmp_path / "odd\x1b[2Jname.toml"
    scene.write_text(
        '[[widgets]]\ntype = "text"\nid = "a\\u202eb"\ntext = "hi\\u001b[31m there"\nsize = 6\n', encoding="utf-8"
    )
    shown = str(scene).replace("\x1b", "\\x1b")
    validate = hud("validate", scene)
    assert validate.returncode == 0, validate.stderr
    assert validate.stdout.startswith(f"{shown}: ok (1 widgets")
    assert "\\x1b[31m" in validate.stderr and "\\u202e" in validate.stderr  # the lint findings
    lint = hud("lint", scene)
    assert lint.returncode == 1 and "\\u202e" in lint.stdout
    lint_json = hud("lint", scene, "--json")
    findings = json.loads(lint_json.stdout)["findings"]
    assert findings and all("hi\x1b[31m there" in f["message"] and "a\u202eb" in f["widget"] for f in findings)
    measure = hud("text", "measure", "x\u202e\x1b[2Jy", "--json")
    assert json.loads(measure.stdout)["lines"][0]["text"].startswith("x")
    plain = hud("text", "measure", "x\u202ey")
    assert plain.stdout.splitlines()[1].endswith("x\\u202ey")
    missing = hud("render", tmp_path / "no\x1b]0;t\x07.toml")
    assert assert_one_line_error(missing).endswith("no\\x1b]0;t\\x07.toml: file not found (check the path)")
    for result in (validate, lint, lint_json, measure, plain, missing):
        assert_clean(result.stdout, result.stderr)


def test_warnings_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    from hud import cli

    cli._show_warning(UserWarning("glyph \x1b[31m\u202e missing"), UserWarning, "x.py", 1)
    assert capsys.readouterr().err == "warning: glyph \\x1b[31m\\u202e missing\n"


@pytest.mark.parametrize(
    "args",
    [
        ["devices"],
        ["render", "--frobnicate"],  # argparse's usage error, exit 2
        ["validate", NAVIGATION],
        ["lint", "tests/lint/overlap-trips.toml", "--json"],  # findings: exit 1
    ],
    ids=["devices", "usage-error", "validate", "lint-findings"],
)
def test_in_process_runs_print_and_exit_as_a_fresh_interpreter_does(args: list[str]) -> None:
    """The other test modules run most commands in their own process (cli_support.hud_in_process):
    same exit status, stdout and stderr as here, on every run."""
    fresh = hud(*args)
    for _ in range(2):
        here = hud_in_process(*args)
        assert (here.returncode, here.stdout, here.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
