"""Golden checks on a device without a display: what is said over the scene's whole timeline,
compared with ``<golden_dir>/speech/<name>.json`` (hud.golden_speech)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hud import golden_speech
from hud.files import write_text
from hud.golden.artefacts import (
    SPEECH_ARTEFACT_KINDS,
    SPEECH_DIRNAME,
    speech_artefact_path,
    write_speech_artefacts,
)
from hud.golden.png import MISSING
from hud.golden.state import UPDATE_HINT, GoldenFailure, GoldenState

if TYPE_CHECKING:
    from hud.devices import DeviceProfile
    from hud.scene import Scene
    from hud.widgets.base import Widget


def display_less(target: Any, device: Any) -> tuple[Scene | Widget, DeviceProfile] | None:
    """(the scene or widget tree, its device profile) when ``target`` is to be spoken on a device
    without a display; None when the check renders images (a frame, a device with a display, or a
    scene or device that cannot be loaded: rendering reports that, as it always has)."""
    from hud.devices import DEFAULT_DEVICE, load_device
    from hud.errors import HudError
    from hud.scene import Scene, load_scene
    from hud.widgets.base import Widget

    if not isinstance(target, (str, Path, Scene, Widget)):
        return None
    try:
        if device is None and isinstance(target, (str, Path)):
            target = load_scene(target)
        profile = load_device(device or (target.device if isinstance(target, Scene) else DEFAULT_DEVICE))
    except HudError:
        return None
    if profile.has_display:
        return None
    if isinstance(target, (str, Path)):
        target = load_scene(target)
    return target, profile


def check_speech(
    state: GoldenState,
    nodeid: str,
    name: str,
    path: Path,
    target: Scene | Widget,
    device: DeviceProfile,
    *,
    at: float,
    tolerance: int | None,
    time_tolerance: float,
) -> None:
    """Compare (or update) the transcript of ``target`` spoken on ``device`` with the golden at
    ``path``; a difference fails the test."""
    if at != 0.0:
        pytest.fail(
            f"golden {name!r}: at= does not apply on {device.name}, which has no display: its golden is "
            f"the transcript of the whole timeline (remove at={at!r})",
            pytrace=False,
        )
    if tolerance is not None:
        pytest.fail(
            f"golden {name!r}: tolerance= is a per-channel pixel tolerance and {device.name} has no "
            "display (for the transcript's times pass time_tolerance=, in seconds)",
            pytrace=False,
        )
    actual = golden_speech.transcript(_speech_record(target, device))
    folder = state.failures_dir / SPEECH_DIRNAME
    for kind in SPEECH_ARTEFACT_KINDS:
        speech_artefact_path(folder, name, kind).unlink(missing_ok=True)
    golden, problem = _load_speech_golden(path)
    problems = golden_speech.compare(golden, actual, time_tolerance) if golden is not None else []
    differs = problem is not None or bool(problems)
    if state.update:
        owner = state.claimed.get(path)
        if owner is not None and differs:
            pytest.fail(
                f"speech golden {name!r}: conflicting golden updates: {state.display(path)} was already "
                f"written in this session by {owner} with a different transcript; give the checks "
                "different names",
                pytrace=False,
            )
        state.claimed.setdefault(path, nodeid)
        if differs:
            write_text(path, golden_speech.dumps(actual))
            state.updated.append(path)
        return
    if not differs:
        return
    if problem == MISSING:
        lines, hint = [f"missing {state.display(path)}"], f"to create it, {UPDATE_HINT}"
    elif problem is not None:
        lines, hint = [f"cannot read {state.display(path)}: {problem}"], f"to rewrite it, {UPDATE_HINT}"
    else:
        lines = [*problems, f"golden: {state.display(path)}"]
        hint = f"if the change is intended, {UPDATE_HINT}"
    mismatch = golden_speech.TranscriptMismatch(golden, actual, time_tolerance)
    pytest.fail(
        _fail_speech(state, nodeid, name, device.name, path if golden is not None else None, mismatch, lines, hint),
        pytrace=False,
    )


def _fail_speech(
    state: GoldenState,
    nodeid: str,
    name: str,
    device: str,
    golden: Path | None,
    mismatch: golden_speech.TranscriptMismatch,
    lines: list[str],
    hint: str,
) -> str:
    """Write the expected and actual transcripts, record the failure and return its message:
    the first line names the check and its first difference, the hint comes last."""
    message = [f"speech golden {name!r}: {lines[0]}", *(f"  {line}" for line in lines[1:])]
    text, artefacts = state.failure_message(
        message,
        hint,
        state.failures_dir / SPEECH_DIRNAME,
        lambda: write_speech_artefacts(state.failures_dir, name, golden, mismatch.actual),
    )
    state.failures.append(GoldenFailure(nodeid, name, "transcript", device, text, artefacts, mismatch))
    return text


def _load_speech_golden(path: Path) -> tuple[golden_speech.Transcript | None, str | None]:
    """(golden, problem): problem is MISSING, a description, or None."""
    if not path.is_file():
        return None, MISSING
    try:
        return golden_speech.load(path), None
    except (OSError, ValueError) as exc:
        return None, str(exc)


def _speech_record(target: Scene | Widget, device: DeviceProfile) -> dict[str, Any]:
    """The narrator's record (speech.json) of a scene's whole timeline, or of a widget tree as
    it stands, with the queue played out."""
    from hud.scene import Scene
    from hud.speech.narrator import Narrator, narrate

    if isinstance(target, Scene):
        return narrate(target, device).record()
    narrator = Narrator(target, device)
    narrator.update(0.0)
    narrator.finish()
    return narrator.record()
