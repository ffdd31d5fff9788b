"""Command-line options of `hud`: argparse types and the checks made before any work starts.

Every bad value is one line naming the option, what is wrong and how to fix it (argparse
types raise ArgumentTypeError, which the CLI's parser prints as that one line; the checks
raise HudError subclasses). Paths are checked here too: a scene or profile must be a
readable regular file under its size limit, and an output path must be writable, so that
a render never stops half-way for a reason known at the start.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from hud.errors import DeviceError, HudError, OptionError, SceneError, escape
from hud.limits import (
    HARD_MAX_DURATION_S,
    HARD_MAX_FRAMES,
    MAX_DURATION_S,
    MAX_FPS,
    MAX_FRAMES,
    MAX_SCENE_BYTES,
    MIN_FPS,
)

FRAMES_PER_BOUND_SECOND = MAX_FRAMES / MAX_DURATION_S  # --max-duration raises the frame bound at this rate
MAX_AMBIENT_LUX = 200_000.0  # brighter than direct sunlight


# -- argparse types ------------------------------------------------------------------------------
def _number(text: str, example: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {escape(repr(text))} (e.g. {example})") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text.strip()} (e.g. {example})")
    return value


def _whole(text: str, example: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {escape(repr(text))} (e.g. {example})"
        ) from None


def fps(text: str) -> float:
    """Frames per second: above MIN_FPS, at most MAX_FPS."""
    value = _number(text, "--fps 30")
    if not MIN_FPS < value <= MAX_FPS:
        raise argparse.ArgumentTypeError(
            f"must be above {MIN_FPS:g} and at most {MAX_FPS:g} frames per second, got {value:g} (e.g. --fps 30)"
        )
    return value


def seconds(text: str) -> float:
    """A time: 2.5, "2.5s" or "300ms", 0 or more, at most HARD_MAX_DURATION_S (tighter bounds
    are checked once every option is known: see `check_time`)."""
    from hud.anim import parse_time

    try:
        value = parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (e.g. 2.5s or 300ms)") from None
    if not math.isfinite(value) or value > HARD_MAX_DURATION_S:
        raise argparse.ArgumentTypeError(
            f"must be at most {HARD_MAX_DURATION_S:g} s, got {escape(text.strip())} (e.g. 2.5s or 300ms)"
        )
    return value


def max_duration(text: str) -> float:
    """--max-duration: above 0, at most HARD_MAX_DURATION_S."""
    value = seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0 s, got {value:g} (e.g. --max-duration 1800)")
    return value


def frame_count(text: str) -> int:
    """A number of frames: 1 or more, at most HARD_MAX_FRAMES."""
    value = _whole(text, "300")
    if not 1 <= value <= HARD_MAX_FRAMES:
        raise argparse.ArgumentTypeError(f"must be between 1 and {HARD_MAX_FRAMES} frames, got {value} (e.g. 300)")
    return value


def jobs(text: str) -> int:
    """Worker processes: 1 or more (more than there is work for are never started)."""
    value = _whole(text, "--jobs 4")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value} (e.g. --jobs 4)")
    return value


def lux(text: str) -> float:
    """World light in lux: 0 to MAX_AMBIENT_LUX."""
    value = _number(text, "--ambient 10000")
    if not 0 <= value <= MAX_AMBIENT_LUX:
        raise argparse.ArgumentTypeError(
            f"must be between 0 and {MAX_AMBIENT_LUX:g} lux, got {value:g} (250 indoors, 10000 daylight)"
        )
    return value


def line_count(text: str) -> int:
    """--max-lines: 1 or more."""
    value = _whole(text, "--max-lines 2")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value} (leave it out for no limit)")
    return value


def non_empty(text: str) -> str:
    """A path or a name that must not be empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty (give a path or a name)")
    return text


# -- bounds known once every option is parsed ----------------------------------------------------
@dataclass(frozen=True)
class Bounds:
    """How long and how many frames one command may render: the defaults of hud.limits, or what
    --max-duration / --max-frames raised them to."""

    duration_s: float = MAX_DURATION_S
    frames: int = MAX_FRAMES
    raised_duration: bool = False
    raised_frames: bool = False

    @classmethod
    def from_options(cls, duration: float | None, frames: int | None) -> Bounds:
        """--max-duration raises the time bound and the frame bound with it (60 frames a second);
        --max-frames sets the frame bound on its own (for a high --fps)."""
        bound_s = duration if duration is not None else MAX_DURATION_S
        scaled = max(MAX_FRAMES, math.ceil(bound_s * FRAMES_PER_BOUND_SECOND))
        return cls(
            bound_s,
            frames if frames is not None else min(scaled, HARD_MAX_FRAMES),
            duration is not None,
            frames is not None,
        )


def check_time(value: float, option: str, bounds: Bounds, what: str = "") -> None:
    """A time option (or the scene's length, `what`) within the duration bound."""
    if value <= bounds.duration_s:
        return
    shown = what or f"{value:g} s"
    part = "render a part with --duration, or " if what else ""
    if value > HARD_MAX_DURATION_S:
        raise OptionError(
            option,
            f"{shown} is over the hard limit of {HARD_MAX_DURATION_S:g} s",
            "render a shorter part with --duration",
        )
    if bounds.raised_duration:
        raise OptionError(
            option,
            f"{shown} is over --max-duration {bounds.duration_s:g} s",
            f"{part}raise it to --max-duration {math.ceil(value)}",
        )
    raise OptionError(
        option,
        f"{shown} is over the bound of {bounds.duration_s:g} s",
        f"{part}pass --max-duration {math.ceil(value)} to render that much on purpose, up to {HARD_MAX_DURATION_S:g}",
    )


def check_frames(count: int, duration: float, rate: float, option: str, bounds: Bounds) -> None:
    """A frame count within the frame bound, named with the duration and rate that make it."""
    if count <= bounds.frames:
        return
    made = f"{count} frames ({duration:g} s at {rate:g} fps)"
    if count > HARD_MAX_FRAMES:
        raise OptionError(
            option, f"{made} are over the hard limit of {HARD_MAX_FRAMES} frames", "lower --fps or --duration"
        )
    raise OptionError(
        option,
        f"{made} are over the bound of {bounds.frames} frames",
        f"lower --fps or --duration, or pass --max-frames {count} to render them on purpose, up to {HARD_MAX_FRAMES}",
    )


# -- paths ----------------------------------------------------------------------------------------
def check_scene_file(path: str) -> None:
    """A scene path that names a readable regular file no larger than MAX_SCENE_BYTES."""
    problem = _input_problem(path, MAX_SCENE_BYTES, "scene file")
    if problem is not None:
        raise SceneError(path, None, "", *problem)


def check_device_option(value: str | None) -> None:
    """--device: a built-in name (checked when loaded) or a profile path that is a readable file."""
    if value is None:
        return
    if not value.strip():
        raise OptionError(
            "--device",
            "is empty",
            "give a built-in name such as quark-s1 (see `hud devices`) or the path of a profile .toml",
        )
    if value.endswith(".toml") or "/" in value or os.sep in value or Path(value).exists():
        problem = _input_problem(value, MAX_SCENE_BYTES, "device profile")
        if problem is not None:
            raise DeviceError(f"{value}: {problem[0]} ({problem[1]})")


def _input_problem(path: str, limit: int, what: str) -> tuple[str, str] | None:
    """(problem, fix) when `path` cannot be read as a `what`, else None (without opening it: a
    pipe or a device would block or never end)."""
    if not path.strip():
        return f"the {what} path is empty", "give the path of a .toml file"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "file not found", "check the path"
    except NotADirectoryError:
        return "file not found: a part of the path is a file, not a folder", "check the path"
    except OSError as exc:
        return f"cannot read the file ({exc.strerror})", "check the path and its permissions"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file", f"give the path of a {what} (.toml)"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a pipe, a socket or a device)", f"give the path of a {what} (.toml)"
    if info.st_size > limit:
        return (
            f"is {_size(info.st_size)}, over the {_size(limit)} limit of a {what}",
            "split it, or remove what it does not need",
        )
    if not os.access(path, os.R_OK):
        return "cannot read the file (permission denied)", "check its permissions"
    return None


def check_output_folder(path: Path, option: str, what: str) -> None:
    """A folder that exists or can be made, and may be written."""
    if not str(path).strip():
        raise OptionError(option, "is empty", "give a folder")
    if path.exists() and not path.is_dir():
        raise HudError(f"{path}: cannot write {what}: it is a file, not a folder (choose another folder)")
    _check_writable_parent(path, what, "folder")


def check_output_file(path: Path, option: str, what: str) -> None:
    """A file path whose folder exists or can be made and may be written; an existing file is
    replaced, anything else there (a folder, a device, a pipe) is refused."""
    if not str(path).strip():
        raise OptionError(option, "is empty", "give a file name")
    if path.is_dir():
        raise HudError(f"{path}: cannot write {what}: it is a folder (give a file name)")
    if path.exists() or path.is_symlink():
        try:
            mode = path.lstat().st_mode
        except OSError as exc:
            raise HudError(f"{path}: cannot write {what}: {exc.strerror} (choose another file)") from None
        if not stat.S_ISREG(mode):
            raise HudError(
                f"{path}: cannot write {what}: it is not a regular file (a device, a pipe or a link) "
                "(choose another file)"
            )
    _check_writable_parent(path, what, "file")


def _check_writable_parent(path: Path, what: str, kind: str) -> None:
    folder = path.absolute()
    if kind == "file":
        folder = folder.parent
    existing = next((p for p in (folder, *folder.parents) if os.path.lexists(p)), None)
    if existing is None:
        return
    if not existing.is_dir():
        raise HudError(f"{path}: cannot write {what}: {existing} is a file, not a folder (choose another {kind})")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise HudError(
            f"{path}: cannot write {what}: {existing} is not writable (check its permissions or choose another {kind})"
        )


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB" if count >= 1024 * 1024 else f"{count} bytes"
