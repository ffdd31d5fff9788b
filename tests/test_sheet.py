"""`hud sheet`: a contact sheet of scenes x devices (x times), run as a user would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hud.sheet import (
    CELL_H,
    CELL_W,
    CLEAN_COLOUR,
    ERROR_COLOUR,
    GAP,
    INSET,
    LABEL_H,
    PREVIEW_H,
    PREVIEW_W,
    TITLE_H,
    WARNING_COLOUR,
    cell_origin,
)

from cli_support import hud

OFFSCREEN = """[scene]
title = "Off the edge"
device = "quark-s1"

[[widgets]]
type = "text"
id = "gone"
anchor = "center"
text = "Pushed off the display"
offset = [600, 0]
"""
TOO_NEAR = OFFSCREEN.replace("Off the edge", "Too near").replace("offset = [600, 0]", "depth_m = 0.3")


def outline(sheet: np.ndarray, row: int, column: int) -> tuple[int, ...]:
    """The colour of a cell's outline (its top-left corner)."""
    x, y = cell_origin(row, column)
    return tuple(int(v) for v in sheet[y + 1, x + 1])


def test_sheet_is_a_grid_with_lint_outlines_and_a_transcript_cell(tmp_path: Path) -> None:
    """Rows are scenes, columns devices; red for an error, amber for warnings, G1 cells say what they speak."""
    (tmp_path / "offscreen.toml").write_text(OFFSCREEN)
    (tmp_path / "near.toml").write_text(TOO_NEAR)
    out = tmp_path / "sheet.png"
    result = hud(
        "sheet",
        tmp_path / "offscreen.toml",
        tmp_path / "near.toml",
        "--devices",
        "quark-s1,quark-g1",
        "--out",
        out,
        "--jobs",
        "2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out} (2 rows x 2 columns, 1 errors, 1 warnings)"
    assert result.stderr == ""  # no progress bar on a pipe: stderr holds only warnings and errors
    sheet = np.asarray(Image.open(out).convert("RGB"))
    assert sheet.shape == (TITLE_H + GAP + 2 * (CELL_H + GAP), GAP + 2 * (CELL_W + GAP), 3)
    assert outline(sheet, 0, 0) == ERROR_COLOUR
    assert outline(sheet, 1, 0) == WARNING_COLOUR
    assert outline(sheet, 0, 1) == CLEAN_COLOUR  # no display: nothing to lint
    x, y = cell_origin(0, 1)
    transcript = sheet[y + LABEL_H : y + LABEL_H + PREVIEW_H, x + INSET : x + INSET + PREVIEW_W]
    assert len(np.unique(transcript.reshape(-1, 3), axis=0)) > 10  # text drawn (or the engine's message)


def test_at_twice_gives_two_rows_and_a_clean_scene_is_grey(tmp_path: Path) -> None:
    """--at repeats: one row per (scene, time); one job renders inline."""
    out = tmp_path / "nav.png"
    result = hud(
        "sheet",
        "scenes/navigation.toml",
        "--devices",
        "quark-s1",
        "--at",
        "0",
        "--at",
        "1s",
        "--out",
        out,
        "--jobs",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert "(2 rows x 1 columns, 0 errors, 0 warnings)" in result.stdout
    sheet = np.asarray(Image.open(out).convert("RGB"))
    assert sheet.shape[:2] == (TITLE_H + GAP + 2 * (CELL_H + GAP), GAP + CELL_W + GAP)
    assert outline(sheet, 0, 0) == outline(sheet, 1, 0) == CLEAN_COLOUR


NO_EGL = {"__EGL_VENDOR_LIBRARY_FILENAMES": "/nonexistent/egl-vendor.json"}  # glvnd's EGL then finds no driver
GL_FALLBACK = "warning: the GL backend cannot run here ("


def sheet_on(backend: str, out: Path, env: dict[str, str]) -> tuple[np.ndarray, list[str]]:
    """A 2 x 2 sheet drawn by two workers on `backend`: its pixels and its backend warnings."""
    result = hud(
        "sheet",
        "scenes/navigation.toml",
        "--devices",
        "quark-s1,frame",
        "--at",
        "0",
        "--at",
        "1s",
        "--out",
        out,
        "--jobs",
        "2",
        "--backend",
        backend,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith(GL_FALLBACK)]
    return np.asarray(Image.open(out).convert("RGB"), dtype=np.int16), warned


def test_gl_cells_match_cpu_cells_and_a_missing_context_is_one_warning(tmp_path: Path) -> None:
    """--backend gl: each worker opens its own backend, and the cells match the CPU's within the
    parity tolerance. Where no context can be made every worker draws on the CPU, and the sheet
    says so in one warning line, however many workers found it."""
    cpu, cpu_warned = sheet_on("cpu", tmp_path / "cpu.png", {})
    assert cpu_warned == []
    removable = (
        "(cpu backend)"
        in hud("render", "scenes/navigation.toml", "--backend", "gl", "--out", tmp_path / "probe", env=NO_EGL).stdout
    )
    for name, env in (("gl", {}), ("no-gl", NO_EGL)):
        pixels, warned = sheet_on("gl", tmp_path / f"{name}.png", env)
        assert len(warned) <= 1, warned
        if name == "no-gl" and removable:
            assert len(warned) == 1 and warned[0].endswith("): drawing on the CPU backend"), warned
        assert pixels.shape == cpu.shape
        assert np.mean(np.abs(pixels - cpu).max(axis=2) > 2) <= 0.005, name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--devices", "quark-s2"], "did you mean 'quark-s1'?"),
        (["--at", "2x"], "--at:"),
        (["--at", "1s", "--out", "{tmp}/sheet.jpg"], "ending in .png"),
        (["--out", "{tmp}/scene.toml/sheet.png"], "cannot write into"),
        (["--jobs", "0"], "--jobs"),
        (["missing.toml"], "missing.toml: file not found"),
    ],
)
def test_bad_input_is_one_line_with_nothing_written(tmp_path: Path, args: list[str], message: str) -> None:
    """A bad device, time, output or scene: exit status 2, one line on stderr, no file."""
    scene = tmp_path / "scene.toml"
    scene.write_text(OFFSCREEN)
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "sheet.png")]
    result = hud("sheet", scene, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.toml"]
