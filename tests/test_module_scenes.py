"""`module:function` scenes (hud.sources): every command that takes a scene file also takes a
module's function that returns a hud.Scene, as `uvicorn app:app` takes an app; what goes wrong
is one line; only the command line runs code (scene files and the emulator's API load files);
and the emulator runs the module again when its file changes.

Commands run as a user runs them (a fresh interpreter in the app's folder); the errors and the
emulator run in this process, from a tiny app module written to tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from emulator import Emulator
from hud.errors import SceneError
from hud.save import save_scene
from hud.scene import load_scene
from hud.sources import app_reference, load_scene_arg, scene_stem

from cli_support import run_hud

APP = '''"""A tiny app: the scene it shows, built in Python."""

import hud


def walk():
    return hud.Scene(
        hud.Text(text="{greeting}", id="greeting", anchor="center"),
        hud.NavArrow(maneuver="left", distance_m=120, street="Wensan Road", anchor="top"),
        title="App walk",
    )


def not_a_scene():
    return [hud.Text(text="loose")]


def needs_data(data, more=1):
    return hud.Scene()


def crashes():
    values = {{}}
    return values["missing"]


def bad_field():
    return hud.Scene(hud.Caption(max_lines=0))


SCENE = hud.Scene()
'''


def write_app(folder: Path, name: str = "app", greeting: str = "Hello from Python") -> Path:
    path = folder / f"{name}.py"
    path.write_text(APP.format(greeting=greeting), encoding="utf-8")
    return path


def hud_in(folder: Path, *args: str | Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`python -m hud ARGS` run from `folder`, as a user in the app's folder runs it."""
    return subprocess.run(
        [sys.executable, "-m", "hud", *map(str, args)],
        cwd=folder,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str] | tuple[int, str, str]) -> str:
    """Exit status 2 and one stderr line, no traceback; returns the line."""
    code, err = (result.returncode, result.stderr) if isinstance(result, subprocess.CompletedProcess) else result[::2]
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def app_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """tmp_path as the working folder, holding app.py; sys.path and the modules imported from
    the folder are put back afterwards."""
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield tmp_path
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


# -- every command ---------------------------------------------------------------------------------


def test_render_takes_module_function_and_draws_what_the_saved_file_draws(app_folder: Path) -> None:
    save_scene(load_scene_arg("app:walk"), app_folder / "walk.toml")
    from_module = hud_in(app_folder, "render", "app:walk", "--out", "a")
    assert from_module.returncode == 0, from_module.stderr
    assert from_module.stdout.startswith("app:walk on quark-s1 (cpu backend)")
    from_file = hud_in(app_folder, "render", "walk.toml", "--out", "b")
    assert from_file.returncode == 0, from_file.stderr
    for eye in ("left", "right"):
        a = np.asarray(Image.open(app_folder / "a" / f"{eye}.png"))
        b = np.asarray(Image.open(app_folder / "b" / f"{eye}.png"))
        assert a.any() and np.array_equal(a, b)
    layout = json.loads((app_folder / "a" / "layout.json").read_text(encoding="utf-8"))
    assert [widget["line"] for widget in layout["widgets"]] == [8, 9]  # the app's lines that made them
    default = hud_in(app_folder, "render", "app:walk")
    assert default.returncode == 0, default.stderr
    assert (app_folder / "out" / "app-walk-quark-s1" / "left.png").is_file()


def test_a_path_and_a_package_module_are_taken_too(app_folder: Path) -> None:
    (app_folder / "apps").mkdir()
    write_app(app_folder / "apps", "street")
    (app_folder / "pkg").mkdir()
    (app_folder / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    write_app(app_folder / "pkg", "scenes")
    for reference in ("apps/street.py:walk", "pkg.scenes:walk", str(app_folder / "app.py") + ":walk"):
        result = hud_in(app_folder, "validate", reference)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"{reference}: ok (2 widgets, for quark-s1)")


def test_profile_lint_validate_and_sheet_take_module_function(app_folder: Path) -> None:
    profiled = hud_in(app_folder, "profile", "app:walk", "--frames", "3", "--json")
    assert profiled.returncode == 0, profiled.stderr
    assert json.loads(profiled.stdout)["frames"] == 3
    linted = hud_in(app_folder, "lint", "app:walk", "--json")
    assert linted.returncode in (0, 1), linted.stderr
    assert {"findings", "errors", "warnings"} <= set(json.loads(linted.stdout))
    validated = hud_in(app_folder, "validate", "app:walk")
    assert validated.returncode == 0 and validated.stdout.startswith("app:walk: ok"), validated.stderr
    save_scene(load_scene_arg("app:walk"), app_folder / "walk.toml")
    sheet = hud_in(app_folder, "sheet", "app:walk", "walk.toml", "--out", "sheet.png", "--jobs", "2")
    assert sheet.returncode == 0, sheet.stderr
    assert "wrote sheet.png (2 rows x 1 columns" in sheet.stdout
    assert Image.open(app_folder / "sheet.png").size[1] > 0


def test_emulate_takes_module_function(app_folder: Path) -> None:
    result = hud_in(app_folder, "emulate", "app:walk", "--screenshots", "shots", "--backend", "cpu")
    assert result.returncode == 0, result.stderr
    assert "rendered app:walk on quark-s1" in result.stdout
    shots = sorted(p.name for p in (app_folder / "shots").iterdir())
    assert shots and all(name.startswith("app-walk-quark-s1") for name in shots), shots


# -- what goes wrong ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ("nowhere:walk", "nowhere:walk: no module named 'nowhere', and no scene file of that name (run hud from"),
        ("app:wlak", "app:wlak: module 'app' (app.py) has no 'wlak' (did you mean 'walk'?)"),
        ("app:SCENE", "app:SCENE: 'SCENE' in module 'app' (app.py) is a Scene, not a function (define def SCENE()"),
        ("app:needs_data", "app:needs_data: needs_data() needs data, but hud calls it with no arguments"),
        ("app:not_a_scene", "app:not_a_scene: not_a_scene() returned a list, not a hud.Scene"),
        (
            "app:crashes",
            "app:crashes: crashes() raised KeyError: 'missing' (app.py:24; HUD_DEBUG=1 shows the traceback)",
        ),
        ("app:bad_field", "app:bad_field: app.py:28: max_lines: must be between 1 and 20, got 0"),
        ("gone.py:walk", "gone.py:walk: there is no file gone.py (check the path"),
    ],
)
def test_each_mistake_is_one_line(
    app_folder: Path, capsys: pytest.CaptureFixture[str], reference: str, says: str
) -> None:
    line = one_line(run_hud(capsys, "validate", reference))
    assert line.startswith(says), line


def test_what_the_module_raises_when_imported_names_its_line(
    app_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (app_folder / "broken.py").write_text("import hud\n\ndef walk(:\n    pass\n", encoding="utf-8")
    (app_folder / "failing.py").write_text("import hud\n\nVALUE = 1 / 0\n", encoding="utf-8")
    (app_folder / "missing_dependency.py").write_text("import not_installed_anywhere\n", encoding="utf-8")
    assert one_line(run_hud(capsys, "render", "broken:walk")) == (
        "broken:walk: broken.py:3: syntax error: invalid syntax (fix the module)"
    )
    assert one_line(run_hud(capsys, "render", "failing:walk")) == (
        "failing:walk: importing failing raised ZeroDivisionError: division by zero "
        "(failing.py:3; HUD_DEBUG=1 shows the traceback)"
    )
    line = one_line(run_hud(capsys, "lint", "missing_dependency:walk"))
    assert line.startswith("missing_dependency:walk: importing missing_dependency raised ModuleNotFoundError"), line
    assert "missing_dependency.py:1" in line


def test_nothing_is_written_when_the_app_fails(app_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one_line(run_hud(capsys, "render", "app:crashes", "--out", "out"))
    assert not (app_folder / "out").exists()


# -- only the command line runs code -------------------------------------------------------------


def test_an_existing_file_is_a_scene_file_whatever_its_name(app_folder: Path) -> None:
    save_scene(load_scene_arg("app:walk"), app_folder / "app:walk")
    assert app_reference("app:walk") is None
    assert load_scene_arg("app:walk").path == Path("app:walk")
    assert scene_stem("app:walk") == "app:walk"


def test_scene_files_and_the_emulator_api_never_run_a_module(app_folder: Path) -> None:
    with pytest.raises(SceneError, match="file not found"):
        load_scene("app:walk")
    emu = Emulator.open(backend="cpu")
    assert not emu.load("app:walk")  # what POST /scene does with a path
    assert emu.scene_state.error == "app:walk: file not found (check the path)"
    assert emu.scene is None and emu.scene_state.app is None


# -- the emulator reloads the module --------------------------------------------------------------


def test_the_emulator_runs_the_module_again_when_its_file_changes(app_folder: Path) -> None:
    reference = app_reference("app:walk")
    assert reference is not None
    emu = Emulator.open(reference, backend="cpu")
    emu.advance(0)
    assert emu.scene is not None and emu.scene["greeting"].text == "Hello from Python"
    assert emu.scene_state.path == (app_folder / "app.py").resolve()
    first = emu.panels()["left"].copy()

    write_app(app_folder, greeting="Hello again, Python")  # the same size: only the bytes changed
    assert emu.poll()
    emu.advance(1 / 60)
    assert emu.scene_state.error is None
    assert emu.scene["greeting"].text == "Hello again, Python"
    edited = emu.panels()["left"].copy()
    assert not np.array_equal(edited, first)

    (app_folder / "app.py").write_text(APP.replace("def walk():", "def walk(:"), encoding="utf-8")
    assert emu.poll()
    emu.advance(1 / 60)
    assert emu.scene_state.error == "app:walk: app.py:6: syntax error: invalid syntax (fix the module)"
    assert np.array_equal(emu.panels()["left"], edited)  # the last good scene stays on screen
    assert sys.modules["app"].__file__ == str((app_folder / "app.py").resolve())  # and its module

    write_app(app_folder, greeting="Back to Python")
    assert emu.poll()
    emu.advance(1 / 60)
    assert emu.scene_state.error is None and emu.scene["greeting"].text == "Back to Python"
    assert not emu.poll()  # nothing changed since


def test_what_the_app_raises_on_reload_is_one_line_and_a_scene_file_replaces_the_app(app_folder: Path) -> None:
    emu = Emulator.open(app_reference("app:walk"), backend="cpu")
    emu.advance(0)
    (app_folder / "app.py").write_text(
        APP.replace('text="{greeting}"', "text=1 / 0").replace("{{}}", "{}"), encoding="utf-8"
    )
    assert emu.poll()
    error = emu.scene_state.error or ""
    assert error.startswith("app:walk: walk() raised ZeroDivisionError: division by zero (app.py:8;"), error
    assert emu.scene is not None and emu.scene["greeting"].text == "Hello from Python"
    save_scene(emu.scene, app_folder / "walk.toml")
    assert emu.load(app_folder / "walk.toml")
    assert emu.scene_state.app is None and emu.scene_state.path == app_folder / "walk.toml"
    assert emu.scene["greeting"].text == "Hello from Python"
