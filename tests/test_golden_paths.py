"""Golden checks of scene files: paths found from the test file or the rootdir whatever the
working folder, and a mismatch that names the region and the widgets that differ."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from paths import ROOT as REPO_ROOT

pytest_plugins = ["pytester"]

SCENE = """
[scene]
device = "quark-s1"

[[widgets]]
type = "text"
id = "greeting"
text = "{greeting}"
anchor = "top"

[[widgets]]
type = "text"
id = "farewell"
text = "Goodbye"
anchor = "bottom"
"""
CHECKS = """
def test_beside_the_test(golden):
    golden.check("beside", "beside.toml")


def test_under_the_rootdir(golden):
    golden.check("rooted", "scenes/rooted.toml")
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """rootdir/tests/test_scenes.py with a scene beside it, and rootdir/scenes/rooted.toml."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.syspathinsert(REPO_ROOT)
    pytester.makeini("[pytest]\ngolden_backends = cpu\n")  # paths, not backends, are checked here
    tests = pytester.mkdir("tests")
    (tests / "test_scenes.py").write_text(textwrap.dedent(CHECKS), encoding="utf-8")
    (tests / "beside.toml").write_text(SCENE.format(greeting="Hello"), encoding="utf-8")
    pytester.mkdir("scenes")
    (pytester.path / "scenes" / "rooted.toml").write_text(SCENE.format(greeting="Hello"), encoding="utf-8")
    return pytester


def run_in(pytester: pytest.Pytester, folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> pytest.RunResult:
    """pytest run from `folder` (the rootdir stays the project's: its ini file is above)."""
    monkeypatch.chdir(folder)
    return pytester.runpytest_inprocess("-p", "hud.golden", "--rootdir", str(pytester.path), *args)


def test_scene_paths_do_not_depend_on_the_working_folder(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_in(project, project.path, monkeypatch, "--update-goldens", "tests").assert_outcomes(passed=2)
    goldens = project.path / "tests" / "goldens" / "cpu"
    assert sorted(p.name for p in goldens.iterdir()) == [
        "beside-left.png",
        "beside-right.png",
        "rooted-left.png",
        "rooted-right.png",
    ]
    # From inside tests/ (`cd tests && pytest test_scenes.py`) and from elsewhere: the same files, the same pixels.
    run_in(project, project.path / "tests", monkeypatch, "test_scenes.py").assert_outcomes(passed=2)
    elsewhere = project.mkdir("elsewhere")
    run_in(project, elsewhere, monkeypatch, str(project.path / "tests")).assert_outcomes(passed=2)


def test_a_missing_scene_names_where_it_was_looked_for(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project.path / "tests" / "test_scenes.py").write_text(
        'def test_gone(golden):\n    golden.check("gone", "gone.toml")\n', encoding="utf-8"
    )
    result = run_in(project, project.path / "tests", monkeypatch, "test_scenes.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*golden 'gone': scene file 'gone.toml' not found (looked for "
            f"{project.path / 'tests' / 'gone.toml'} or {project.path / 'gone.toml'}; *"
        ]
    )


def test_a_mismatch_names_the_region_and_the_widgets(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run_in(project, project.path, monkeypatch, "--update-goldens", "tests").assert_outcomes(passed=2)
    (project.path / "tests" / "beside.toml").write_text(SCENE.format(greeting="Hallo"), encoding="utf-8")
    result = run_in(project, project.path, monkeypatch, "tests")
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "golden image mismatch for 'beside' (eye: left" in output
    result.stdout.fnmatch_lines(
        ["*differing region x *, y * (*x* px); widgets there: text 'greeting' (beside.toml:5)*"]
    )
    assert "farewell" not in output  # the unchanged widget is not blamed
