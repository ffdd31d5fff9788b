"""`hud` option bounds and hostile arguments: each is one line on stderr, exit 2, nothing written.

Run in-process through `hud.cli.main` (fast); tests/test_cli.py runs the real command.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from hud import cli, options
from hud.limits import HARD_MAX_DURATION_S, HARD_MAX_FRAMES, MAX_DURATION_S, MAX_FRAMES, MAX_SCENE_BYTES

from cli_support import run_hud
from paths import SCENES

NAV = str(SCENES / "navigation.toml")
TIMELINE = str(SCENES / "streamed-caption.toml")
COMMANDS = ["render", "profile", "devices", "validate", "lint", "sheet", "text", "text measure", "schema"]


def one_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The command fails with exit 2 and exactly one clean stderr line; returns it."""
    code, out, err = run_hud(capsys, *args)
    assert code == 2, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert not any(ch in err for ch in "\x1b\x07\x00"), err
    return lines[0]


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- --help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([*command.split(), "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: hud {command}")


# -- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (["render", NAV, "--fps", "0"], ["--fps: must be above 0 and at most 240", "got 0"]),
        (["render", NAV, "--fps", "-5"], ["--fps: must be above 0", "got -5"]),
        (["render", NAV, "--fps", "241"], ["--fps: ", "at most 240", "got 241"]),
        (["render", NAV, "--fps", "nan"], ["--fps: must be a finite number, got nan"]),
        (["render", NAV, "--fps", "inf"], ["--fps: must be a finite number, got inf"]),
        (["render", NAV, "--fps", "fast"], ["--fps: expected a number, got 'fast'"]),
        (["render", NAV, "--at", "nan"], ['--at: expected a time like "1.5s" or "300ms", got \'nan\'']),
        (["render", NAV, "--at=-1s"], ["--at: expected a time"]),
        (["render", NAV, "--at", "1e300"], ["--at: expected a time"]),
        (["render", NAV, "--at", "99999999999s"], ["--at: ", "at most 86400 s"]),
        (["render", NAV, "--duration", "9" * 400], ["--duration: ", "at most 86400 s"]),
        (["render", NAV, "--max-duration", "0"], ["--max-duration: must be above 0 s"]),
        (["render", NAV, "--max-duration", "90000"], ["--max-duration: ", "at most 86400 s"]),
        (["render", NAV, "--max-frames", "0"], ["--max-frames: must be between 1 and 5184000 frames, got 0"]),
        (["render", NAV, "--max-frames", "1e3"], ["--max-frames: expected a whole number, got '1e3'"]),
        (["profile", NAV, "--frames", "0"], ["--frames: must be between 1 and", "got 0"]),
        (["profile", NAV, "--frames", "-3"], ["--frames: must be between 1 and", "got -3"]),
        (["profile", NAV, "--frames", "10000000000"], ["--frames: must be between 1 and 5184000"]),
        (["profile", NAV, "--frames", "2.5"], ["--frames: expected a whole number"]),
        (["profile", NAV, "--fps", "nan"], ["--fps: must be a finite number"]),
        (["lint", NAV, "--ambient", "nan"], ["--ambient: must be a finite number"]),
        (["lint", NAV, "--ambient", "-1"], ["--ambient: must be between 0 and 200000 lux, got -1"]),
        (["lint", NAV, "--at", "soon"], ["--at: expected a time"]),
        (["sheet", NAV, "--out", "x.png", "--jobs", "0"], ["--jobs: must be at least 1, got 0"]),
        (["sheet", NAV, "--out", "x.png", "--at", "inf"], ["--at: expected a time"]),
        (["text", "measure", "hi", "--max-lines", "-1"], ["--max-lines: must be at least 1, got -1"]),
        (["text", "measure", "hi", "--max-lines", "0"], ["--max-lines: must be at least 1, got 0"]),
        (["text", "measure", "hi", "--width", "0"], ["--width: must be at least 1 px"]),
        (["text", "measure", "hi", "--width", "150%"], ["--width: a percent must be above 0 and at most 100"]),
        (["text", "measure", "hi", "--width", "nan%"], ["--width: a percent must be above 0"]),
        (["text", "measure", "hi", "--width", "-5"], ["--width: "]),
        (["text", "measure", "hi", "--size", "0"], ["--size: "]),
    ],
)
def test_bad_numbers_are_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    words: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # a command that got through would write here
    line = one_line(capsys, *args)
    assert line.startswith(words[0].split(":")[0] + ":"), line
    for word in words:
        assert word in line, line
    assert listing(tmp_path) == []


def test_duration_over_the_bound_names_the_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    line = one_line(capsys, "render", NAV, "--frames", str(folder), "--duration", "1000")
    assert line == (
        "--duration: 1000 s is over the bound of 600 s (pass --max-duration 1000 to render that much "
        "on purpose, up to 86400)"
    )
    line = one_line(capsys, "render", NAV, "--frames", str(folder), "--duration", "1000", "--max-duration", "700")
    assert line == "--duration: 1000 s is over --max-duration 700 s (raise it to --max-duration 1000)"
    assert not folder.exists()


def test_frames_over_the_bound_name_frames_bound_and_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    line = one_line(capsys, "render", NAV, "--frames", str(folder), "--duration", "500", "--fps", "240")
    assert line.startswith("--frames: 120001 frames (500 s at 240 fps) are over the bound of 36000 frames"), line
    assert "--max-frames 120001" in line
    line = one_line(
        capsys,
        "render",
        NAV,
        "--preview",
        str(tmp_path / "p.gif"),
        "--duration",
        "1s",
        "--fps",
        "30",
        "--max-frames",
        "10",
    )
    assert line.startswith("--preview: 31 frames (1 s at 30 fps) are over the bound of 10 frames"), line
    assert listing(tmp_path) == []


def test_raised_bounds_render(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--max-duration lets a longer --duration through (at a low rate: 8 frames)."""
    folder = tmp_path / "frames"
    code, out, err = run_hud(
        capsys, "render", NAV, "--frames", str(folder), "--duration", "700", "--fps", "0.01", "--max-duration", "700"
    )
    assert code == 0, err
    assert out.startswith(f"8 frames of {NAV} (700 s at 0.01 fps)")
    assert len(list(folder.glob("left-*.png"))) == 8
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_bounds_from_options() -> None:
    assert options.Bounds.from_options(None, None) == options.Bounds(MAX_DURATION_S, MAX_FRAMES)
    raised = options.Bounds.from_options(3600.0, None)  # the frame bound rises with the duration bound
    assert (raised.duration_s, raised.frames) == (3600.0, 3600 * 60)
    assert options.Bounds.from_options(60.0, None).frames == MAX_FRAMES  # never lower than the default
    assert options.Bounds.from_options(3600.0, 100).frames == 100  # --max-frames decides on its own
    assert options.Bounds.from_options(HARD_MAX_DURATION_S, None).frames == HARD_MAX_FRAMES


def long_scene(tmp_path: Path, at: str) -> Path:
    path = tmp_path / "long.toml"
    path.write_text(
        f'[[widgets]]\ntype = "text"\nid = "t"\ntext = "hello"\n\n'
        f'[[timeline]]\nat = "{at}"\ntarget = "t"\nset = {{ text = "later" }}\n',
        encoding="utf-8",
    )
    return path


def test_scene_length_over_the_bound(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A timeline that runs past the bound is refused before any frame, naming its length."""
    scene = long_scene(tmp_path, "700s")
    line = one_line(capsys, "render", str(scene), "--preview", str(tmp_path / "p.gif"))
    assert line.startswith("--duration: the scene's length (701 s) is over the bound of 600 s"), line
    assert "--max-duration 701" in line
    assert listing(tmp_path) == ["long.toml"]


def test_speech_over_the_bound(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Speech on a device without a display: the same bound, before anything is said."""
    out = tmp_path / "speech"
    line = one_line(capsys, "render", NAV, "--device", "quark-g1", "--duration", "1000", "--out", str(out))
    assert line.startswith("--duration: 1000 s is over the bound of 600 s"), line
    line = one_line(capsys, "render", str(long_scene(tmp_path, "700s")), "--device", "quark-g1", "--out", str(out))
    assert line.startswith("--duration: the scene's length (701 s) is over the bound"), line
    assert not out.exists()


def test_profile_frames_over_the_bound(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    line = one_line(capsys, "profile", NAV, "--frames", str(MAX_FRAMES + 1), "--trace", str(trace))
    assert line == (
        f"--frames: {MAX_FRAMES + 1} frames are over the bound of {MAX_FRAMES} "
        f"(pass --max-frames {MAX_FRAMES + 1} to profile that many on purpose)"
    )
    line = one_line(capsys, "profile", NAV, "--frames", "20", "--max-frames", "10")
    assert line == "--frames: 20 frames are over the bound of 10 (raise it to --max-frames 20)"
    assert not trace.exists()


# -- hud text measure --width ---------------------------------------------------------------------


def measured_width(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    code, out, err = run_hud(capsys, "text", "measure", "word " * 60, "--json", *args)
    assert code == 0, err
    import json

    return json.loads(out)["width_px"]


def test_measure_width_auto_and_percent_of_the_safe_width(capsys: pytest.CaptureFixture[str]) -> None:
    from hud.devices import load_device

    for name in ("quark-s1", "even-g2"):
        device = load_device(name)
        safe = device.width - device.safe_margin.horizontal
        assert measured_width(capsys, "--width", "auto", "--device", name) == safe
        assert measured_width(capsys, "--width", "50%", "--device", name) == round(safe / 2)
        assert measured_width(capsys, "--width", "100%", "--device", name) == safe
    assert measured_width(capsys, "--width", "200") == 200


def test_measure_max_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_hud(capsys, "text", "measure", "word " * 60, "--width", "200", "--max-lines", "2")
    assert code == 0, err
    assert out.startswith("2 line(s)") and "(truncated)" in out


def test_measure_refuses_a_device_without_display_and_a_huge_text(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line(capsys, "text", "measure", "hi", "--device", "quark-g1")
    assert line.startswith("--device: quark-g1 has no display"), line
    line = one_line(capsys, "text", "measure", "x" * 20_001)
    assert line == "TEXT: is 20001 characters, over the limit of 20000 (measure a shorter text)"


# -- hostile paths and arguments ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, start",
    [
        (["render", ""], "hud render: scene: is empty"),
        (["render", NAV, "--device", ""], "--device: is empty"),
        (["render", NAV, "--out", ""], "--out: is empty"),
        (["render", NAV, "--frames", " "], "--frames: is empty"),
        (["validate", ""], "hud validate: scenes: is empty"),
        (["lint", NAV, "--device", ""], "--device: is empty"),
        (["profile", NAV, "--trace", ""], "--trace: is empty"),
        (["text", "measure", "hi", "--device", ""], "--device: is empty"),
        (["render", NAV, "--bogus"], "hud: unrecognized arguments: --bogus (see `hud --help`)"),
        (["render"], "hud render: the following arguments are required: scene (see `hud render --help`)"),
        (["rendr", NAV], "hud: COMMAND: invalid choice: 'rendr'"),
        (["render", NAV, "--language", "fr"], "--language: invalid choice: 'fr'"),
    ],
)
def test_empty_and_unknown_arguments(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], start: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert one_line(capsys, *args).startswith(start)
    assert listing(tmp_path) == []


def test_nul_and_non_utf8_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line(capsys, "render", "scene\x00.toml")
    assert line == "scene\\x00.toml: contains a NUL character (remove it)"
    line = one_line(capsys, "render", "sc\udcffene.toml")
    assert line == "sc\\udcffene.toml: is not valid UTF-8 text (rename the file, or pass UTF-8 text)"


def test_scene_paths_that_are_not_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert one_line(capsys, "render", str(folder)) == (
        f"{folder}: is a folder, not a file (give the path of a scene file (.toml))"
    )
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    assert one_line(capsys, "validate", str(fifo)) == (
        f"{fifo}: is not a regular file (a pipe, a socket or a device) (give the path of a scene file (.toml))"
    )
    assert one_line(capsys, "lint", "/dev/zero").startswith("/dev/zero: is not a regular file")
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_SCENE_BYTES + 1)  # sparse: no disk used
    assert one_line(capsys, "render", str(huge)) == (
        f"{huge}: is 8.0 MiB, over the 8.0 MiB limit of a scene file (split it, or remove what it does not need)"
    )
    assert (
        one_line(capsys, "render", str(tmp_path / "gone.toml"))
        == f"{tmp_path / 'gone.toml'}: file not found (check the path)"
    )
    assert one_line(capsys, "render", f"{huge}/x.toml").startswith(f"{huge}/x.toml: file not found")


def test_unreadable_scene(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scene = tmp_path / "locked.toml"
    scene.write_text("[[widgets]]\n", encoding="utf-8")
    scene.chmod(0)
    # root may read any file: the permission check answers as it would for anyone else
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if str(p) == str(scene) else real_access(p, mode, **kw)
    )
    assert (
        one_line(capsys, "render", str(scene))
        == f"{scene}: cannot read the file (permission denied) (check its permissions)"
    )


def test_device_paths_that_are_not_profiles(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert one_line(capsys, "render", NAV, "--device", str(tmp_path)) == (
        f"{tmp_path}: is a folder, not a file (give the path of a device profile (.toml))"
    )
    assert one_line(capsys, "render", NAV, "--device", "/dev/zero").startswith("/dev/zero: is not a regular file")
    assert one_line(capsys, "text", "measure", "x", "--device", "/dev/zero").startswith("/dev/zero: is not a regular")


def test_outputs_that_cannot_be_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("keep me")
    assert one_line(capsys, "render", NAV, "--out", "/dev/null/x") == (
        "/dev/null/x: cannot write the images: /dev/null is a file, not a folder (choose another folder)"
    )
    assert one_line(capsys, "render", NAV, "--out", str(taken)) == (
        f"{taken}: cannot write the images: it is a file, not a folder (choose another folder)"
    )
    assert one_line(capsys, "render", NAV, "--frames", str(taken / "f")) == (
        f"{taken / 'f'}: cannot write frames: {taken} is a file, not a folder (choose another folder)"
    )
    assert one_line(capsys, "render", NAV, "--preview", str(tmp_path)).startswith(
        "--preview: "
    )  # a folder has no .gif suffix
    assert one_line(capsys, "render", NAV, "--preview", "/dev/null/x.gif").startswith(
        "/dev/null/x.gif: cannot write the preview: /dev/null is a file"
    )
    assert one_line(capsys, "profile", NAV, "--frames", "2", "--trace", "/dev/null") == (
        "/dev/null: cannot write the trace: it is not a regular file (a device, a pipe or a link) (choose another file)"
    )
    assert one_line(capsys, "profile", NAV, "--frames", "2", "--chart", str(tmp_path)) == (
        f"{tmp_path}: cannot write the chart: it is a folder (give a file name)"
    )
    assert one_line(capsys, "render", NAV, "--device", "quark-g1", "--out", str(taken)).startswith(
        f"{taken}: cannot write the speech files: it is a file"
    )
    assert taken.read_text() == "keep me"
    assert listing(tmp_path) == ["taken"]


# -- failures while working -------------------------------------------------------------------------


def test_disk_full_while_saving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hud.renderer

    def full(images: dict, folder: Path) -> list[Path]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(hud.renderer, "write_images", full)
    out = tmp_path / "out"
    assert one_line(capsys, "render", NAV, "--out", str(out)) == (
        f"{out}: cannot write the images: No space left on device (free some disk space or choose another folder)"
    )


def test_disk_full_half_way_through_the_frames(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frames already written are removed with the folders made for them."""
    import hud.sinks

    real, calls = hud.sinks.write_images, []

    def fills_up(images: dict, folder: Path) -> list[Path]:
        calls.append(folder)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(images, folder)

    monkeypatch.setattr(hud.sinks, "write_images", fills_up)
    folder = tmp_path / "new" / "frames"
    line = one_line(capsys, "render", TIMELINE, "--frames", str(folder), "--fps", "10", "--duration", "1s")
    assert (
        line
        == f"{folder}: cannot write frames: No space left on device (free some disk space or choose another folder)"
    )
    assert 3 <= len(calls) <= 3 + 8  # frames are written on 8 threads: a few may have started
    assert listing(tmp_path) == []


def test_interrupted_render_leaves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C half-way through --frames and --preview: exit 130, no partial files. (Drawn in
    this process, --jobs 1, where the patched renderer runs; pool workers start from a clean
    fork server.)"""
    from hud.renderer import Renderer

    real, seen = Renderer.frame, []

    def interrupted(self: Renderer, t: float = 0.0):  # noqa: ANN202
        seen.append(t)
        if len(seen) == 4:
            raise KeyboardInterrupt
        return real(self, t)

    monkeypatch.setattr(Renderer, "frame", interrupted)
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "old.txt").write_text("kept")
    code, out, err = run_hud(
        capsys,
        "render",
        TIMELINE,
        "--frames",
        str(tmp_path / "frames"),
        "--fps",
        "10",
        "--duration",
        "1s",
        "--preview",
        str(tmp_path / "p.gif"),
        "--jobs",
        "1",
    )
    assert (code, err.strip()) == (130, "hud: interrupted")
    assert listing(tmp_path) == ["frames", "frames/old.txt"]


def test_memory_and_recursion_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hud.scene
    from hud.renderer import Renderer

    def no_memory(self: Renderer, t: float = 0.0) -> None:
        raise MemoryError

    monkeypatch.setattr(Renderer, "frame", no_memory)
    assert one_line(capsys, "render", NAV, "--out", str(tmp_path / "o")) == (
        f"{NAV}: out of memory (render fewer or smaller frames: lower --fps or --duration, or use a smaller "
        "device profile)"
    )

    def too_deep(path: str) -> None:
        raise RecursionError

    monkeypatch.setattr(hud.scene, "load_scene", too_deep)
    assert one_line(capsys, "validate", NAV) == (
        f"{NAV}: nested too deeply to process (put fewer containers inside each other)"
    )
    assert listing(tmp_path) == []


def test_a_real_bug_is_an_internal_error(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import hud.scene

    def bug(path: str) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(hud.scene, "load_scene", bug)
    code, _, err = run_hud(capsys, "validate", NAV)
    assert code == 1
    assert err == (
        "hud: internal error: ZeroDivisionError: division by zero (set HUD_DEBUG=1 for details and report it)\n"
    )
