"""Raster backends: paint items -> one surface per eye. The CPU backend is the reference; the
GL backend draws the same commands with moderngl (headless by EGL)."""

from __future__ import annotations

import os

from hud.errors import warn_at_caller
from hud.raster.base import BackendWarning, RasterBackend
from hud.raster.cpu import CpuRaster

BACKEND_NAMES = ("cpu", "gl")
ALLOW_NO_GL = "HUD_ALLOW_NO_GL"  # set to 1 where no GL context is expected: checks that need one are skipped
NO_GL_FIX = "install Mesa's EGL (libegl1 libegl-mesa0 libgl1-mesa-dri)"
_unavailable: dict[str, str] = {}  # backend -> why it cannot run in this process


def open_backend(name: str, width: int, height: int, channels: int) -> RasterBackend:
    """A backend by name for a panel of `width` x `height` and `channels` (1 mono, 3 colour).
    When "gl" cannot make a context here, one BackendWarning says why and the CPU backend draws."""
    if name not in BACKEND_NAMES:
        raise ValueError(f"unknown backend '{name}' (available: {', '.join(BACKEND_NAMES)})")
    if name == "gl" and "gl" not in _unavailable:
        from hud.raster.gl import GlRaster, GlUnavailable

        try:
            return GlRaster(width, height, channels)
        except GlUnavailable as exc:
            _unavailable["gl"] = str(exc)
            warn_at_caller(f"the GL backend cannot run here ({exc}): drawing on the CPU backend", BackendWarning)
    return CpuRaster(width, height, channels)


def gl_problem() -> str | None:
    """Why the GL backend cannot run in this process (None: it can). Tries once."""
    if "gl" not in _unavailable:
        from hud.raster.gl import GlRaster, GlUnavailable

        try:
            GlRaster(4, 4, 1).close()
        except GlUnavailable as exc:
            _unavailable["gl"] = str(exc)
    return _unavailable.get("gl")


def gl_available() -> bool:
    """Whether a GL context can be made in this process (tries once)."""
    return gl_problem() is None


def no_gl_allowed() -> bool:
    """Whether HUD_ALLOW_NO_GL=1 says that checks needing GL are skipped, not failed, without it."""
    return os.environ.get(ALLOW_NO_GL, "") == "1"


def gl_unavailable_message(problem: str, checks: str, fix: str = NO_GL_FIX) -> str:
    """The one line for `checks` that need the GL backend where it cannot run (`problem`): why
    they are skipped under HUD_ALLOW_NO_GL=1, else how to fix it or skip them."""
    if no_gl_allowed():
        return f"the gl backend cannot render here ({problem}); {ALLOW_NO_GL}=1 skips {checks}"
    return f"the gl backend cannot render here ({problem}): {fix}, or set {ALLOW_NO_GL}=1 to skip {checks}"


__all__ = [
    "ALLOW_NO_GL",
    "BACKEND_NAMES",
    "NO_GL_FIX",
    "BackendWarning",
    "CpuRaster",
    "RasterBackend",
    "gl_available",
    "gl_problem",
    "gl_unavailable_message",
    "no_gl_allowed",
    "open_backend",
]
