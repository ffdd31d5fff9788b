"""Batches (hud.batch): a process pool and a Dask cluster draw exactly what one process draws,
results come back in order, a task's error is one line, and the progress bar is tqdm's, on a
terminal only."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hud.batch import (
    CLUSTER_ENV,
    Batch,
    SceneSource,
    StillTask,
    frame_ranges,
    render_still,
)
from hud.devices import load_device
from hud.errors import HudError
from hud.renderer import Renderer
from hud.scene import load_scene, parse_scene
from hud.sources import load_scene_arg

from cli_support import run_hud
from paths import ROOT, SCENES

STILLS = [SCENES / "navigation.toml", SCENES / "shopping.toml", SCENES / "translation-ja-en.toml"]
TIMELINE = SCENES / "streamed-caption.toml"
BROKEN = '[[widgets]]\ntype = "nav_arrow"\nmaneuver = "lefty"\n'


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def render(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = run_hud(capsys, "render", *map(str, args))
    assert code == 0, err
    return out


# -- splitting frames ----------------------------------------------------------------------------
@pytest.mark.parametrize(("count", "workers"), [(1, 1), (1, 2), (31, 2), (61, 1), (600, 16), (7, 64)])
def test_frame_ranges_cover_every_frame_once_in_order(count: int, workers: int) -> None:
    ranges = frame_ranges(count, workers)
    assert [index for frames in ranges for index in frames] == list(range(count))
    assert all(len(frames) <= 60 for frames in ranges)
    if workers > 1 and count >= 4 * workers:
        assert len(ranges) >= workers  # every worker gets work


# -- a process pool draws what one process draws ------------------------------------------------
@pytest.mark.parametrize("device", ["quark-s1", "frame"])
def test_pool_renders_several_scenes_as_one_process_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, device: str
) -> None:
    one = render(capsys, *STILLS, "--device", device, "--jobs", "1", "--out", tmp_path / "one")
    pool = render(capsys, *STILLS, "--device", device, "--jobs", "2", "--out", tmp_path / "pool")
    assert files_of(tmp_path / "pool") == files_of(tmp_path / "one")
    assert [line for line in pool.splitlines() if line.startswith("  ")] == [
        line.replace("/one/", "/pool/") for line in one.splitlines() if line.startswith("  ")
    ]
    alone = tmp_path / "alone"
    render(capsys, STILLS[1], "--device", device, "--out", alone)  # the single-scene path, written as files
    assert files_of(alone) == files_of(tmp_path / "one" / f"shopping-{device}")


def test_pool_frames_equal_one_renderer_frame_by_frame(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Frames split into ranges across processes equal one process's run, byte for byte, and each
    equals frame k of one renderer drawing the whole timeline."""
    common = [TIMELINE, "--duration", "2s", "--fps", "15"]
    render(capsys, *common, "--frames", tmp_path / "one", "--preview", tmp_path / "one.gif", "--jobs", "1")
    out = render(capsys, *common, "--frames", tmp_path / "pool", "--preview", tmp_path / "pool.gif", "--jobs", "2")
    assert "on 2 processes" in out.splitlines()[0]
    assert files_of(tmp_path / "pool") == files_of(tmp_path / "one")
    assert (tmp_path / "pool.gif").read_bytes() == (tmp_path / "one.gif").read_bytes()
    scene = load_scene(TIMELINE)
    renderer = Renderer(scene, load_device(scene.device))
    for index in range(31):
        frame = renderer.frame(index / 15)
        for eye, panel in frame.eyes.items():
            assert np.array_equal(pixels(tmp_path / "pool" / f"{eye}-{index:05d}.png"), panel), (index, eye)


def test_several_scenes_refuse_frames(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_hud(capsys, "render", *map(str, STILLS[:2]), "--frames", str(tmp_path / "f"))
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith("--frames: renders the timeline of one scene, and 2 scenes were given")
    assert not (tmp_path / "f").exists()


def test_a_failing_task_stops_the_batch_with_its_line() -> None:
    """A HudError raised in a worker comes back as its one line, in order, never as a traceback."""
    device = load_device("quark-s1")
    good = SceneSource.of(str(STILLS[0]), load_scene(STILLS[0]), load_scene_arg)
    bad = SceneSource("broken.toml", BROKEN)
    with pytest.raises(HudError) as raised:
        parse_scene(BROKEN, "broken.toml")
    tasks = [StillTask(good, device, "cpu", 0.0), StillTask(bad, device, "cpu", 0.0), StillTask(good, device, "cpu", 0)]
    seen = []
    with Batch("hud render", jobs=2) as batch, pytest.raises(HudError) as failed:
        for still in batch.map(render_still, tasks):
            seen.append(still)
    assert len(seen) == 1
    assert str(failed.value) == str(raised.value)


# -- a Dask cluster draws what this machine draws ------------------------------------------------
@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-worker Dask cluster on this machine (worker processes, as on other machines)."""
    import distributed  # a dependency of hud: never skipped

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def test_cluster_renders_frames_and_scenes_as_this_machine_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cluster: str
) -> None:
    common = [TIMELINE, "--duration", "1s", "--fps", "15"]
    render(capsys, *common, "--frames", tmp_path / "local", "--jobs", "1")
    out = render(capsys, *common, "--frames", tmp_path / "dask", "--cluster", cluster)
    assert f"on the Dask cluster at {cluster} (2 worker threads)" in out
    assert files_of(tmp_path / "dask") == files_of(tmp_path / "local")
    # shopping.toml's image travels with its text: the workers load it from their own folder
    render(capsys, *STILLS, "--jobs", "1", "--out", tmp_path / "one")
    render(capsys, *STILLS, "--cluster", cluster, "--out", tmp_path / "many")
    assert files_of(tmp_path / "many") == files_of(tmp_path / "one")


def test_cluster_from_the_environment_draws_the_sheet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["sheet", str(STILLS[0]), str(STILLS[1]), "--devices", "quark-s1,frame"]
    code, _, err = run_hud(capsys, *args, "--jobs", "1", "--out", str(tmp_path / "local.png"))
    assert code == 0, err
    monkeypatch.setenv(CLUSTER_ENV, cluster)
    code, _, err = run_hud(capsys, *args, "--out", str(tmp_path / "dask.png"))
    assert code == 0, err
    assert (tmp_path / "dask.png").read_bytes() == (tmp_path / "local.png").read_bytes()


def test_cluster_task_errors_are_one_line(cluster: str) -> None:
    device = load_device("quark-s1")
    with pytest.raises(HudError) as raised:
        parse_scene(BROKEN, "broken.toml")
    with Batch("hud render", cluster=cluster) as batch, pytest.raises(HudError) as failed:
        list(batch.map(render_still, [StillTask(SceneSource("broken.toml", BROKEN), device, "cpu", 0.0)] * 2))
    assert str(failed.value) == str(raised.value)
    missing = SceneSource("no_such_hud_app:scene", loader=load_scene_arg)
    with Batch("hud render", cluster=cluster) as batch, pytest.raises(HudError) as failed:
        list(batch.map(render_still, [StillTask(missing, device, "cpu", 0.0)] * 2))
    line = str(failed.value)
    assert "\n" not in line
    assert line.startswith("no_such_hud_app:scene: module 'no_such_hud_app' cannot be imported on the worker at ")
    assert line.endswith(
        "(a module:function scene runs where it is imported: install the module on every worker, or give a scene file)"
    )


def test_an_unreachable_scheduler_is_one_line_quickly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    started = time.perf_counter()
    code, out, err = run_hud(
        capsys, "render", str(TIMELINE), "--frames", str(tmp_path / "f"), "--cluster", "tcp://127.0.0.1:1"
    )
    assert time.perf_counter() - started < 5
    assert code == 2 and out == ""
    assert err == (
        "hud render: cannot reach the Dask scheduler at tcp://127.0.0.1:1: Connection refused "
        "(start one with `dask scheduler`, or leave out --cluster)\n"
    )
    assert not (tmp_path / "f").exists()


# -- the progress bar ----------------------------------------------------------------------------
def test_progress_bar_on_a_terminal_and_not_on_a_pipe(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "hud", "render", str(TIMELINE), "--duration", "0.5s", "--jobs", "1"]
    piped = subprocess.run(
        [*command, "--frames", str(tmp_path / "piped")], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert piped.returncode == 0 and piped.stderr == ""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    try:
        shown = subprocess.run(
            [*command, "--frames", str(tmp_path / "tty")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
        )
        os.close(terminal)
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(controller)
    assert shown.returncode == 0
    text = drawn.decode()
    assert "100%" in text and "16/16" in text and "frames" in text, text


def test_an_error_clears_the_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaving the bar on an error wipes its line, so the error is the only line left."""
    import io

    from hud.batch import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with pytest.raises(HudError), Progress(4, "frames") as progress:
        progress.update(2)
        raise HudError("a.toml: broken")
    drawn = terminal.getvalue()
    assert "0/4 [" in drawn  # drawn when it started
    assert drawn.rpartition("\r")[2].strip() == "" and not drawn.endswith("\n")
