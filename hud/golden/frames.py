"""What a golden check renders: the target made into a frame on a backend, its eyes validated,
and the lint errors that keep a broken layout from being pinned."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

_SAFE_STEM = re.compile(r"[A-Za-z0-9_.\-]+")


def require_stem(value: object, what: str) -> str:
    """`value` when it can be part of a file name, else ValueError naming `what`."""
    if not isinstance(value, str) or not _SAFE_STEM.fullmatch(value):
        raise ValueError(
            f"invalid {what} {value!r}: use only letters, digits, '-', '_' and '.' (it becomes part of a file name)"
        )
    return value


def require_tolerance(tolerance: int | None) -> int | None:
    """A per-channel tolerance given to a check: None or a non-negative integer."""
    if tolerance is None:
        return None
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, np.integer)) or tolerance < 0:
        raise ValueError(f"tolerance must be a non-negative integer, got {tolerance!r}")
    return int(tolerance)


def require_time_tolerance(seconds: float) -> float:
    """A speech check's time tolerance: a non-negative, finite number of seconds."""
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float, np.integer, np.floating))
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise ValueError(f"time_tolerance must be a non-negative number of seconds, got {seconds!r}")
    return float(seconds)


def is_frame(target: Any) -> bool:
    """Whether `target` is an already rendered frame (has ``eyes`` and ``backend``)."""
    return hasattr(target, "eyes") and hasattr(target, "backend")


def frame_for(target: Any, *, device: str | None, at: float, backend: str) -> Any:
    """Return target when it is already a frame, else render it on `backend`."""
    if is_frame(target):
        if device is not None or at != 0.0:
            raise ValueError(
                "device= and at= only apply when golden.check renders the target; "
                "it was given an already rendered frame"
            )
        return target
    from hud.renderer import render  # lazy: the engine is optional for the plugin itself

    return render(target, device=device, at=at, backend=backend)


def lint_errors(target: Any, frame: Any, device: str | None, at: float) -> list[str]:
    """The lint errors of what a check renders, as lines."""
    from hud.lint import ERROR, lint, lint_frame
    from hud.scene import Scene, load_scene

    if isinstance(target, (str, Path, Scene)):
        scene = load_scene(target) if isinstance(target, (str, Path)) else target
        findings = lint(scene, device or scene.device, at=at)
    elif getattr(frame, "snapshot", None) is not None:
        findings = lint_frame(frame)
    else:
        return []
    return [str(f) for f in findings if f.severity == ERROR]


def frame_backend(frame: Any) -> str:
    """The name of the backend that drew `frame`."""
    backend = getattr(frame, "backend", None)
    if not isinstance(backend, str):
        raise TypeError(f"frame.backend must be a string, got {backend!r}")
    return require_stem(backend, "backend")


def frame_eyes(frame: Any) -> dict[str, np.ndarray]:
    """Validated eye images, in a stable (sorted) order."""
    eyes = frame.eyes
    if not isinstance(eyes, Mapping) or not eyes:
        raise ValueError("frame.eyes must be a non-empty mapping of eye name to image")
    return {require_stem(eye, "eye"): _as_image(eye, eyes[eye]) for eye in sorted(eyes)}


def _as_image(eye: str, value: Any) -> np.ndarray:
    image = np.asarray(value)
    mono = image.ndim == 2
    colour = image.ndim == 3 and image.shape[2] == 3
    if image.dtype != np.uint8 or not (mono or colour) or image.size == 0:
        raise ValueError(
            f"eye {eye!r}: expected a non-empty uint8 array of shape (H, W) or (H, W, 3), "
            f"got {image.dtype} {image.shape}"
        )
    return image
