"""Outputs: every file is written through hud.files (temp file in the target folder, fsync,
rename; the umask's permissions; nothing partial on any failure), and animated previews are
streamed to their file with the frames and durations Pillow's own writer gives."""

from __future__ import annotations

import errno
import io
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from hud import cli
from hud.files import AtomicFile, temp_folder, write_bytes, write_files, write_text
from hud.renderer import Renderer
from hud.scene import load_scene
from hud.sinks import APNG_MAX_DELAY_MS, AnimationWriter, write_animation

from paths import SCENES

NAV = SCENES / "navigation.toml"
TIMELINE = SCENES / "city-walk-timeline.toml"


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- the helper ------------------------------------------------------------------------------------
def test_mode_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_bytes(tmp_path / "a.bin", b"x")
        assert mode(tmp_path / "a.bin") == 0o640
        os.umask(0o022)
        write_text(tmp_path / "b.txt", "y")
        assert mode(tmp_path / "b.txt") == 0o644
        assert mode(temp_folder(tmp_path / "frames")) == 0o755
    finally:
        os.umask(old)


def test_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "folder" / "x.json"
    write_text(target, "one")
    write_text(target, "two ✓")
    assert target.read_text(encoding="utf-8") == "two ✓"
    assert names(target.parent) == ["x.json"]


@pytest.mark.parametrize(
    "failure", [RuntimeError("boom"), KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")]
)
def test_failure_leaves_the_old_file(tmp_path: Path, failure: BaseException) -> None:
    target = tmp_path / "x.png"
    target.write_bytes(b"old")
    with pytest.raises(type(failure)):
        with AtomicFile(target) as handle:
            handle.write(b"half a new fi")
            raise failure
    assert target.read_bytes() == b"old" and names(tmp_path) == ["x.png"]


def test_write_files_is_all_or_nothing(tmp_path: Path) -> None:
    def full_disk(handle) -> None:  # noqa: ANN001
        handle.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        write_files({tmp_path / "a.txt": b"complete", tmp_path / "b.wav": full_disk})
    assert names(tmp_path) == []
    written = write_files({tmp_path / "a.txt": b"1", tmp_path / "b.txt": lambda handle: handle.write(b"2")})
    assert written == [tmp_path / "a.txt", tmp_path / "b.txt"] and names(tmp_path) == ["a.txt", "b.txt"]


# -- every writer uses it --------------------------------------------------------------------------
def test_render_outputs_are_0644(tmp_path: Path, umask_022: None) -> None:
    """Frame.save (PNGs, layout.json), speech files, traces and charts: the umask's mode."""
    from hud.profile import Profiler
    from hud.speech.narrator import narrate

    scene = load_scene(NAV)
    profiler = Profiler(1000 / 60, "quark-s1")
    renderer = Renderer(scene, "quark-s1", profiler=profiler)
    written = renderer.frame(0.0).save(tmp_path / "images")
    narrate(scene, "quark-g1").export(tmp_path / "speech")
    profiler.write_trace(tmp_path / "trace.json")
    profiler.write_chart(tmp_path / "chart.png")
    files = written + [
        tmp_path / "speech/speech.json",
        tmp_path / "speech/speech.wav",
        tmp_path / "trace.json",
        tmp_path / "chart.png",
    ]
    assert {path.name: oct(mode(path)) for path in files} == {path.name: oct(0o644) for path in files}
    assert all(not name.startswith(".") for folder in ("images", "speech") for name in names(tmp_path / folder))


def test_golden_and_frames_outputs_are_0644(
    tmp_path: Path, umask_022: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from hud.golden import write_png_atomic

    write_png_atomic(tmp_path / "g" / "x-left.png", np.zeros((4, 4), np.uint8))
    assert mode(tmp_path / "g" / "x-left.png") == 0o644
    frames = tmp_path / "frames"
    preview = tmp_path / "p.gif"
    assert (
        cli.main(
            [
                "render",
                str(NAV),
                "--frames",
                str(frames),
                "--preview",
                str(preview),
                "--duration",
                "0.1s",
                "--fps",
                "10",
            ]
        )
        == 0
    )
    assert mode(frames) == 0o755 and mode(preview) == 0o644
    assert {mode(path) for path in frames.iterdir()} == {0o644}


def test_disk_full_during_render_leaves_nothing(tmp_path: Path) -> None:
    """A real write failure (the file-size limit: EFBIG, as a full disk gives ENOSPC): exit 2, one
    line, no partial file and no temp file."""

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4_000, 4_000))

    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "hud", "render", str(NAV), "--out", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "File too large" in lines[0] and "Traceback" not in done.stderr
    assert not out.exists() or names(out) == []


# -- streamed previews -----------------------------------------------------------------------------
def moving_frames(count: int = 24, size: tuple[int, int] = (160, 90)) -> list[Image.Image]:
    """A dot that moves, rests (repeated frames) and changes colour: deltas, merges, new palettes."""
    frames = []
    for index in range(count):
        pixels = np.full((size[1], size[0], 3), 18, np.uint8)
        x = min(index, count // 2) * 4
        pixels[30:50, x : x + 20] = (40 + 8 * index, 220, 90) if index > count * 3 // 4 else (40, 220, 90)
        frames.append(Image.fromarray(pixels, "RGB"))
    return frames


def pillow_animation(frames: list[Image.Image], path: Path, fps: float) -> None:
    """What previews were before streaming: every frame held, then Pillow's own writer."""
    duration = max(10, round(1000 / fps))
    if path.suffix == ".gif":
        paletted = [
            frame.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE) for frame in frames
        ]
        paletted[0].save(
            path,
            format="GIF",
            save_all=True,
            append_images=paletted[1:],
            duration=duration,
            loop=0,
            optimize=False,
            disposal=1,
        )
    else:
        frames[0].save(
            path, format="PNG", save_all=True, append_images=frames[1:], duration=duration, loop=0, default_image=False
        )


def decoded(path: Path) -> list[tuple[np.ndarray, float]]:
    with Image.open(path) as image:
        return [
            (np.asarray(frame.convert("RGB")).copy(), frame.info.get("duration"))
            for frame in ImageSequence.Iterator(image)
        ]


def assert_same_animation(expected: Path, actual: Path) -> None:
    want, got = decoded(expected), decoded(actual)
    assert [duration for _, duration in got] == [duration for _, duration in want]
    for index, ((a, _), (b, _)) in enumerate(zip(want, got)):
        assert np.array_equal(a, b), f"frame {index} differs"


@pytest.mark.parametrize("suffix", [".gif", ".png"])
def test_streamed_preview_matches_pillow(tmp_path: Path, suffix: str) -> None:
    frames = moving_frames()
    pillow_animation(frames, tmp_path / f"pillow{suffix}", 30)
    assert write_animation(iter(frames), tmp_path / f"streamed{suffix}", 30) == tmp_path / f"streamed{suffix}"
    assert_same_animation(tmp_path / f"pillow{suffix}", tmp_path / f"streamed{suffix}")
    assert len(decoded(tmp_path / f"streamed{suffix}")) < len(frames)  # resting frames merged


@pytest.mark.parametrize("suffix", [".gif", ".apng"])
def test_cli_preview_of_a_scene_matches_pillow(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`hud render --preview` on a real timeline: the frames and durations of the writer before."""
    streamed = tmp_path / f"streamed{suffix}"
    assert cli.main(["render", str(TIMELINE), "--preview", str(streamed), "--fps", "2", "--duration", "4s"]) == 0
    renderer = Renderer(load_scene(TIMELINE), "quark-s1")
    frames = [renderer.frame(index / 2).preview() for index in range(9)]
    reference = tmp_path / f"pillow{'.gif' if suffix == '.gif' else '.png'}"
    pillow_animation(frames, reference, 2)
    assert_same_animation(reference, streamed)


def test_long_rests_split_past_the_delay_field(tmp_path: Path) -> None:
    path = tmp_path / "rest.png"
    with AnimationWriter(path, 1) as writer:  # 1 fps: 1000 ms a frame
        for frame in moving_frames(2):
            writer.add(frame)
        for _ in range(99):
            writer.repeat()
    durations = [duration for _, duration in decoded(path)]
    assert sum(durations) == 101_000 and max(durations) <= APNG_MAX_DELAY_MS and len(durations) == 3


def test_no_frames_no_file_and_failures_leave_nothing(tmp_path: Path) -> None:
    assert write_animation([], tmp_path / "empty.gif", 10) is None
    with pytest.raises(KeyboardInterrupt):
        with AnimationWriter(tmp_path / "cut.gif", 10) as writer:
            writer.add(moving_frames(1)[0])
            raise KeyboardInterrupt
    with pytest.raises(ValueError, match="the animation 160x90"):
        with AnimationWriter(tmp_path / "sizes.png", 10) as writer:
            writer.add(moving_frames(1)[0])
            writer.add(Image.new("RGB", (10, 10)))
    assert names(tmp_path) == []


def test_interrupted_render_writes_no_preview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = Renderer.frame

    def interrupted(self, t: float = 0.0):  # noqa: ANN001, ANN202
        if t > 0.5:
            raise KeyboardInterrupt
        return real(self, t)

    monkeypatch.setattr(Renderer, "frame", interrupted)  # in this process (--jobs 1): pool workers start clean
    preview = str(tmp_path / "p.gif")
    code = cli.main(["render", str(TIMELINE), "--preview", preview, "--fps", "10", "--duration", "2s", "--jobs", "1"])
    assert code == 130 and names(tmp_path) == []


MEMORY_PROBE = """
import resource, sys
import numpy as np
from PIL import Image
from hud.sinks import AnimationWriter
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with AnimationWriter(sys.argv[1], 60) as writer:
    for index in range(60):                        # 60 different 1200x1000 frames: 216 MB if held
        pixels = np.zeros((1000, 1200, 3), np.uint8)
        pixels[index * 15:index * 15 + 40, 100:300] = 255
        writer.add(Image.fromarray(pixels, "RGB"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_streaming_memory_is_bounded_by_a_few_frames(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(tmp_path / "big.png")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    grown_mb = int(done.stdout) / 1024  # ru_maxrss is in KiB on Linux
    assert grown_mb < 60, f"{grown_mb:.0f} MB for 60 frames of 3.6 MB"
    assert len(decoded(tmp_path / "big.png")) == 60


def test_gif_frame_keeps_the_encoders_layout() -> None:
    """Pillow interlaces frames taller than 16 rows: the spliced frame keeps that flag."""
    from hud.sinks import _gif_frame, _gif_image_data

    flags, palette, data = _gif_image_data(_gif_frame(moving_frames(1)[0]))
    buffer = io.BytesIO()
    _gif_frame(moving_frames(1)[0]).save(buffer, format="GIF", optimize=False)
    assert flags & 0x80 and len(palette) == 3 * (2 << (flags & 7))
    assert data[-1] == 0 and data in buffer.getvalue()
