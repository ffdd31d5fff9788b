"""`hud render --at`, `hud render --frames/--preview` and `hud profile`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from cli_support import SUMMARY_KEYS, hud


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# -- render --at ----------------------------------------------------------------------------------


def test_render_at_a_time(tmp_path: Path) -> None:
    later, start = tmp_path / "later", tmp_path / "start"
    result = hud("render", "scenes/city-walk-timeline.toml", "--at", "2.5s", "--out", str(later))
    assert result.returncode == 0, result.stderr
    assert "at 2.5 s" in result.stdout
    assert sorted(p.name for p in later.iterdir()) == ["layout.json", "left.png", "preview.png", "right.png"]
    result = hud("render", "scenes/city-walk-timeline.toml", "--at", "0", "--out", str(start))
    assert result.returncode == 0, result.stderr
    for name in ("left.png", "right.png", "preview.png"):
        assert not np.array_equal(pixels(later / name), pixels(start / name)), name
    # Milliseconds mean the same moment.
    same = tmp_path / "ms"
    assert hud("render", "scenes/city-walk-timeline.toml", "--at", "2500ms", "--out", str(same)).returncode == 0
    assert np.array_equal(pixels(same / "left.png"), pixels(later / "left.png"))


def test_render_shows_every_stage_of_a_timeline_scene(tmp_path: Path) -> None:
    """A timeline scene's first frame is arranged before its timeline applies: that compose and
    layout time counts as compose and layout, listed in pipeline order."""
    result = hud("render", "scenes/city-walk-timeline.toml", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    timings = result.stdout.splitlines()[0].split(" ms (")[1].removesuffix(" ms)")
    assert [part.split()[0] for part in timings.split(", ")] == [
        "update",
        "compose",
        "layout",
        "paint",
        "raster",
        "panel",
    ]


@pytest.mark.parametrize("value", ["2.5 seconds", "soon", "-1s"])
def test_render_bad_at(tmp_path: Path, value: str) -> None:
    out = tmp_path / "out"
    line = one_line_error(hud("render", "scenes/city-walk-timeline.toml", f"--at={value}", "--out", str(out)))
    assert line.startswith("--at: ") and "2.5s" in line
    assert not out.exists()


# -- render --frames / --preview ------------------------------------------------------------------


def _runs(frames: list[np.ndarray]) -> int:
    """Runs of identical consecutive images (animated PNG and GIF writers merge them)."""
    return sum(1 for i, frame in enumerate(frames) if i == 0 or not np.array_equal(frame, frames[i - 1]))


def _animation(path: Path) -> tuple[int, bool, int, list[np.ndarray]]:
    with Image.open(path) as image:
        frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(image)]
        durations = []
        for index in range(image.n_frames):
            image.seek(index)
            durations.append(image.info.get("duration", 0))
        return image.n_frames, image.is_animated, round(sum(durations)), frames


def test_render_frames_and_gif_preview(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    gif = folder / "anim.gif"
    result = hud(
        "render",
        "scenes/streamed-caption.toml",
        "--frames",
        str(folder),
        "--fps",
        "10",
        "--duration",
        "1s",
        "--preview",
        str(gif),
    )
    assert result.returncode == 0, result.stderr
    assert "11 frames" in result.stdout
    names = sorted(p.name for p in folder.iterdir())
    expected = sorted(f"{kind}-{i:05d}.png" for kind in ("left", "right", "preview") for i in range(11))
    assert names == sorted(expected + ["anim.gif"])
    previews = [pixels(folder / f"preview-{i:05d}.png") for i in range(11)]
    assert not np.array_equal(previews[0], previews[10])  # the 0.5 s append shows
    assert np.array_equal(previews[0], previews[4]) and not np.array_equal(previews[4], previews[5])
    # Eleven frames of 100 ms: the GIF writer merges identical neighbours into one longer frame.
    n_frames, animated, total_ms, frames = _animation(gif)
    assert animated and n_frames == _runs(previews) == 2
    assert total_ms == 11 * 100
    assert frames[0].shape == previews[0].shape


def test_render_apng_preview(tmp_path: Path) -> None:
    apng = tmp_path / "x.png"
    result = hud("render", "scenes/streamed-caption.toml", "--fps", "10", "--duration", "1s", "--preview", str(apng))
    assert result.returncode == 0, result.stderr
    with Image.open(apng) as image:
        assert image.format == "PNG"
        assert image.is_animated
        assert image.n_frames == 2  # 11 frames, identical neighbours merged
    n_frames, _, total_ms, frames = _animation(apng)
    assert total_ms == 11 * 100
    assert not np.array_equal(frames[0], frames[-1])


def test_render_frames_of_a_fade_in(tmp_path: Path) -> None:
    """A fade-in changes every frame: the preview keeps each of those frames, in order."""
    gif, folder = tmp_path / "burst.gif", tmp_path / "f"
    result = hud(
        "render",
        "scenes/notification-burst.toml",
        "--fps",
        "20",
        "--duration",
        "800ms",
        "--preview",
        str(gif),
        "--frames",
        str(folder),
    )
    assert result.returncode == 0, result.stderr
    previews = [pixels(folder / f"preview-{i:05d}.png") for i in range(17)]
    assert not (folder / "preview-00017.png").exists()
    n_frames, animated, total_ms, frames = _animation(gif)
    assert animated and n_frames == _runs(previews) >= 7  # blank until 0.5 s, then every 50 ms step differs
    assert total_ms == 17 * 50
    assert int(frames[-1].astype(int).sum()) > int(frames[0].astype(int).sum())  # the payment has appeared


def test_render_preview_bad_suffix(tmp_path: Path) -> None:
    line = one_line_error(hud("render", "scenes/streamed-caption.toml", "--preview", str(tmp_path / "x.mp4")))
    assert ".gif" in line and ".png" in line
    assert not (tmp_path / "x.mp4").exists()


def test_render_bad_duration(tmp_path: Path) -> None:
    line = one_line_error(
        hud("render", "scenes/streamed-caption.toml", "--frames", str(tmp_path / "f"), "--duration", "long")
    )
    assert line.startswith("--duration: ")
    assert not (tmp_path / "f").exists()


# -- profile --------------------------------------------------------------------------------------


def test_profile_json() -> None:
    result = hud("profile", "scenes/notification-burst.toml", "--device", "quark-s1", "--frames", "20", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == SUMMARY_KEYS
    assert data["frames"] == 20 and data["device"] == "quark-s1" and data["backend"] == "cpu"
    assert data["budget_ms"] == pytest.approx(1000 / 60, abs=0.001)
    assert 0 <= data["missed"] <= 20
    assert set(data["stages"]) == {"update", "compose", "layout", "paint", "raster", "panel", "sink"}


def test_profile_on_the_gl_backend() -> None:
    """--backend gl: the summary names the backend that drew (the CPU only after one warning)."""
    result = hud(
        "profile", "scenes/navigation.toml", "--device", "quark-s1", "--frames", "5", "--backend", "gl", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["frames"] == 5 and data["backend"] in ("gl", "cpu")
    fallback = [line for line in result.stderr.splitlines() if line.startswith("warning: the GL backend cannot run")]
    assert len(fallback) == (data["backend"] == "cpu"), result.stderr
    table = hud("profile", "scenes/navigation.toml", "--device", "quark-s1", "--frames", "5", "--backend", "gl")
    assert table.stdout.startswith(f"5 frames on quark-s1 ({data['backend']} backend), budget 16.67 ms: ")


def test_profile_trace_and_chart(tmp_path: Path) -> None:
    trace, chart = tmp_path / "out" / "trace.json", tmp_path / "out" / "chart.png"
    result = hud(
        "profile",
        "scenes/notification-burst.toml",
        "--device",
        "quark-s1",
        "--frames",
        "40",
        "--fps",
        "10",
        "--trace",
        str(trace),
        "--chart",
        str(chart),
    )
    assert result.returncode == 0, result.stderr
    assert "40 frames on quark-s1 (cpu backend), budget" in result.stdout
    assert str(trace) in result.stdout and str(chart) in result.stdout
    events = json.loads(trace.read_text())["traceEvents"]
    assert sum(1 for e in events if e.get("cat") == "frame") == 40
    assert any(e.get("cat") == "eye" for e in events)
    with Image.open(chart) as image:
        assert image.format == "PNG" and image.size[0] > 0
    assert sorted(p.name for p in trace.parent.iterdir()) == ["chart.png", "trace.json"]  # no temp files left


def test_profile_device_without_a_display_refuses_a_chart(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    line = one_line_error(
        hud("profile", "scenes/notification-burst.toml", "--device", "quark-g1", "--chart", str(chart))
    )
    assert "quark-g1" in line and "--chart" in line
    assert not chart.exists()


def test_profile_bad_frames() -> None:
    line = one_line_error(hud("profile", "scenes/notification-burst.toml", "--frames", "0"))
    assert "--frames" in line
