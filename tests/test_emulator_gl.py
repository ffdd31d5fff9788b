"""The emulator on the GL raster backend: the same panels as on the CPU (within 2 grey levels),
the backend named in the status line, the hello event and GET /state, `--backend` on the
command line, and one clear line when GL was asked for and cannot run.

These run under EGL (Mesa's llvmpipe without a GPU). Where no GL context can be made, the `gl`
fixture (tests/conftest.py) fails them saying why, or skips them under HUD_ALLOW_NO_GL=1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hud.raster
import hud.raster.gl
from emulator import Emulator
from emulator.__main__ import main

from paths import SCENES

TOLERANCE = 2  # grey levels, per channel


@pytest.mark.parametrize(
    ("scene", "device", "times"),
    [
        ("city-walk.toml", "quark-s1", (0.0, 0.5, 2.5)),  # mono
        ("city-walk-timeline.toml", "quark-s1", (0.0, 1.0, 3.0, 6.0)),  # moves, fades, changes text
        ("city-walk.toml", "meta-ray-ban-display", (0.0, 1.0)),  # colour, one eye
        ("translation-ar-zh.toml", "frame", (0.0, 1.5)),  # colour, right-to-left and CJK text
    ],
)
def test_headless_panels_on_gl_match_the_cpu(gl: None, scene: str, device: str, times: tuple[float, ...]) -> None:
    on_gl = Emulator.open(SCENES / scene, device=device, backend="gl")
    on_cpu = Emulator.open(SCENES / scene, device=device, backend="cpu")
    assert on_gl.scene_state.drawn_by == "gl" and on_cpu.scene_state.drawn_by == "cpu"
    for t in times:
        on_gl.seek(t)
        on_cpu.seek(t)
        gl_panels, cpu_panels = on_gl.panels(), on_cpu.panels()
        assert gl_panels.keys() == cpu_panels.keys() and gl_panels
        for eye, cpu_panel in cpu_panels.items():
            assert gl_panels[eye].shape == cpu_panel.shape and gl_panels[eye].dtype == cpu_panel.dtype
            difference = np.abs(gl_panels[eye].astype(int) - cpu_panel.astype(int))
            assert difference.max() <= TOLERANCE, (
                scene,
                device,
                t,
                eye,
                int(difference.max()),
                int((difference > TOLERANCE).sum()),
            )
        assert cpu_panels[next(iter(cpu_panels))].any()  # something was drawn to compare


def test_gl_is_the_default_where_a_context_can_be_made_and_it_says_so(gl: None) -> None:
    emu = Emulator.open(SCENES / "city-walk.toml")
    emu.advance(0.5)
    assert emu.scene_state.backend == "gl" and emu.scene_state.drawn_by == "gl"
    assert "  raster gl" in emu.viewer.status_line()
    assert emu.hello()["backend"] == "gl"
    emu.set_device("quark-g1")  # no display: nothing is rasterised
    assert emu.scene_state.drawn_by is None and "raster" not in emu.viewer.status_line()
    assert emu.hello()["backend"] is None


def test_the_command_line_picks_the_backend(
    gl: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for backend in ("gl", "cpu"):
        folder = tmp_path / backend
        assert main([str(SCENES / "city-walk.toml"), "--backend", backend, "--screenshots", str(folder)]) == 0
        assert capsys.readouterr().err == ""
    for eye in ("left", "right"):
        on_gl = np.asarray(_png(tmp_path / "gl" / f"city-walk-quark-s1-{eye}.png"), dtype=int)
        on_cpu = np.asarray(_png(tmp_path / "cpu" / f"city-walk-quark-s1-{eye}.png"), dtype=int)
        assert np.abs(on_gl - on_cpu).max() <= TOLERANCE
    assert main([str(SCENES / "city-walk.toml"), "--backend", "vulkan"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "--backend" in err and "invalid choice" in err


def test_gl_asked_for_where_it_cannot_run_is_one_line_then_the_cpu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class NoContext:
        def __init__(self, *args: object) -> None:
            raise hud.raster.gl.GlUnavailable("no OpenGL context: EGL: test")

    monkeypatch.setattr(hud.raster.gl, "GlRaster", NoContext)
    monkeypatch.setattr(hud.raster, "_unavailable", {})
    assert main([str(SCENES / "city-walk.toml"), "--backend", "gl", "--screenshots", str(tmp_path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "emulator: the GL backend cannot run here (no OpenGL context: EGL: test): drawing on the CPU backend"
    ], err
    assert Emulator.open(SCENES / "city-walk.toml", backend="gl").scene_state.drawn_by == "cpu"


def _png(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image)
