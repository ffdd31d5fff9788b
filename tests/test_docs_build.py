"""The Python API reference (`make docs`: tools/api_docs.py, pdoc) builds from the docstrings
without a warning, documents every public name, and refuses a broken docstring reference."""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import hud

from paths import ROOT

TOOL = ROOT / "tools" / "api_docs.py"


def _tool() -> ModuleType:
    """tools/api_docs.py as a module."""
    spec = importlib.util.spec_from_file_location("api_docs", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The reference as `make docs` builds it (into a temporary folder), and the run."""
    out = tmp_path_factory.mktemp("docs") / "api"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this tree's hud, however it is installed
    run = subprocess.run(
        [sys.executable, str(TOOL), "--out", str(out)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    return run, out


def test_the_reference_builds_without_a_warning(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    run, out = built
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.startswith(f"{out}: ")
    pages = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.html"))
    assert pages == ["hud.html", "hud/golden.html", "index.html"]


def test_the_reference_documents_every_public_name(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = built
    page = (out / "hud.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<section id="([A-Za-z_]\w*)">', page))
    assert set(hud.__all__) <= anchors, f"not on the page: {sorted(set(hud.__all__) - anchors)}"
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "Milliseconds each stage of the pipeline took" in text  # Frame.timings_ms
    assert "hud.Output(scene, device='quark-g1')" in text  # hud.render on a display-less device


def test_a_broken_reference_or_a_pdoc_warning_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shaky_docs.py").write_text(
        textwrap.dedent(
            '''
            """A module whose docstrings point at `hud.Nothing`."""

            from __future__ import annotations


            def framed(frame: "NoSuchType") -> None:
                """Uses `hud.Frame.timings_ms` and ``hud.golden``, which exist, and `hud.Frame.pixels`."""
            '''
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    tool = _tool()
    out = tmp_path / "api"
    out.mkdir()
    (out / "kept.html").write_text("earlier build", encoding="utf-8")
    problems = tool.build(out, ("shaky_docs",))
    assert any("NoSuchType" in problem for problem in problems), problems
    assert "shaky_docs: the docstring names `hud.Nothing`, which does not exist" in problems
    assert "shaky_docs.framed: the docstring names `hud.Frame.pixels`, which does not exist" in problems
    assert not any("timings_ms" in problem or "hud.golden" in problem for problem in problems), problems
    assert [path.name for path in out.iterdir()] == ["kept.html"]  # a failed build writes nothing
    assert not list(tmp_path.glob(".api-*"))  # and leaves no staging folder behind
