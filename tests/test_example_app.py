"""The worked example, examples/live_translation.py, as the README shows it: its driver feeds the
scripted walk through the live verbs while frames are drawn, on every backend, against goldens;
its scene renders through `hud render module:function`; the emulator runs it as an app; and
`--out` writes its previews.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

import hud
from emulator import Emulator
from hud.golden import GoldenChecker

from cli_support import hud as run_hud
from paths import ROOT

EXAMPLE = ROOT / "examples" / "live_translation.py"
FPS = 30
UNTIL_S = 8.0
# The pinned moments, by frame index: tentative words after the first commit; two full lines
# with tentative words; the caption scrolled up a line by the last commit.
MOMENTS = {48: "partial", 216: "two-lines", 240: "scrolled"}


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("live_translation", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = _load_example()


def _said() -> tuple[str, str]:
    """The caption's text and translation once every result has come in."""
    finals = [result for result in example.TRANSCRIPT if result.final]
    return "".join(result.words for result in finals), " ".join(result.english for result in finals)


def test_the_walk_draws_as_pinned(golden: GoldenChecker, capsys: pytest.CaptureFixture[str]) -> None:
    """The driver, headless, for 8 s of scene time at 30 fps: three moments match their goldens."""
    walk = example.scene()
    renderer = hud.Renderer(walk, backend=golden.backend)
    checked = []
    for frame in example.run(walk, renderer, until=UNTIL_S, fps=FPS):
        moment = MOMENTS.get(round(frame.t * FPS))
        if moment is not None:
            golden.check(f"example-live-translation-{moment}", frame)
            checked.append(moment)
    assert checked == list(MOMENTS.values())
    caption = walk["guide"]
    assert (caption.text, caption.translation) == _said() and caption.partial == ""
    # The arrow glides from the fix of 7 s toward the one that came in at 8 s.
    assert example.distance_m(UNTIL_S) < walk["turn"].distance_m < example.distance_m(UNTIL_S - 1)
    said = capsys.readouterr().out
    assert "partial 各位" in said and "commit  我们在这里停留十分钟。" in said


def test_the_scene_renders_through_the_cli(tmp_path: Path) -> None:
    """`hud render examples/live_translation.py:scene` draws the walk before anyone speaks: the
    driver's first frame, with no lint findings."""
    result = run_hud("render", "examples/live_translation.py:scene", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("examples/live_translation.py:scene on quark-s1 (cpu backend)")
    assert result.stderr == ""
    walk = example.scene()
    first = next(example.run(walk, hud.Renderer(walk), until=0.0))
    for eye in ("left", "right"):
        assert np.array_equal(np.asarray(Image.open(tmp_path / f"{eye}.png")), first.eyes[eye])


def test_the_emulator_runs_it_as_an_app() -> None:
    """Attached to a headless emulator, the app hears the same walk and ends on the same frame."""
    walk = example.scene()
    emu = Emulator.open(walk, backend="cpu")
    emu.attach(example.LiveTranslation(walk))
    for _ in range(round(UNTIL_S * FPS)):
        emu.advance(1 / FPS)
    caption = walk["guide"]
    assert (caption.text, caption.translation) == _said() and caption.partial == ""
    headless = example.scene()
    *_, last = example.run(headless, hud.Renderer(headless), until=UNTIL_S, fps=FPS)
    for eye, panel in emu.panels().items():
        assert np.array_equal(panel, last.eyes[eye]), eye


def test_out_writes_a_preview_every_second(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert example.main(["--out", str(tmp_path)]) == 0
    previews = sorted(path.name for path in tmp_path.iterdir())
    assert previews == sorted(f"preview-{second}s.png" for second in range(9))
    with Image.open(tmp_path / "preview-8s.png") as image:
        assert image.size[0] > image.size[1] and np.asarray(image).any()
    said = capsys.readouterr().out
    assert f"wrote {tmp_path / 'preview-8s.png'}" in said and "fix     50.2 m to the turn" in said
