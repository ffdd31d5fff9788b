"""Which raster backends golden checks can render on in this process, and what happens when one
cannot: its checks fail saying why, or, for gl with HUD_ALLOW_NO_GL=1, are skipped saying why."""

from __future__ import annotations

from hud.golden.tolerance import REFERENCE_BACKEND
from hud.raster import ALLOW_NO_GL, NO_GL_FIX, gl_problem, gl_unavailable_message, no_gl_allowed

KNOWN_BACKENDS = (REFERENCE_BACKEND, "gl")

_problems: dict[str, str | None] = {}  # backend -> why it cannot render in this process (None: it can)


def backend_problem(name: str) -> str | None:
    """Why backend `name` cannot render in this process, or None when it can (tried once)."""
    if name not in _problems:
        _problems[name] = _probe(name)
    return _problems[name]


def may_skip(name: str) -> bool:
    """Whether checks on `name` are skipped, not failed, when it cannot render here."""
    return name == "gl" and no_gl_allowed()


def unavailable_message(name: str, problem: str) -> str:
    """The one line a golden check on `name` fails with (or, where `may_skip`, is skipped with)
    when the backend cannot render here for `problem`."""
    if name == "gl":
        return gl_unavailable_message(problem, "its golden checks", f"{NO_GL_FIX} or leave gl out of golden_backends")
    return f"the {name} backend cannot render here ({problem}): leave it out of golden_backends"


def _probe(name: str) -> str | None:
    if name == REFERENCE_BACKEND:
        return None
    if name != "gl":
        return f"hud has no {name!r} raster backend (known: {', '.join(KNOWN_BACKENDS)})"
    return gl_problem()


__all__ = ["ALLOW_NO_GL", "KNOWN_BACKENDS", "backend_problem", "may_skip", "unavailable_message"]
