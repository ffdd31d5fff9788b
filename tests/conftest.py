"""Fixtures shared by the test modules (`gl`: the GL backend can run here), and the session
header lines about the GL backend and the hypothesis budget (tests/budget.py).

Shared paths are plain constants in tests/paths.py, imported normally.
"""

from __future__ import annotations

import pytest

from hud.raster import gl_problem, gl_unavailable_message, no_gl_allowed
from hud.text import fonts

import budget


def gl_context_summary() -> str:
    """What headless EGL gives here: the GL renderer and version, or why no context can be made."""
    try:
        import moderngl

        context = moderngl.create_standalone_context(backend="egl")  # type: ignore[arg-type]  # stub: settings as dict
    except Exception as exc:  # noqa: BLE001 - any failure means no GL here
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"no EGL context ({reason})"
    try:
        return f"{context.info['GL_RENDERER']}, OpenGL {context.info['GL_VERSION']} (EGL)"
    finally:
        context.release()


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Header lines saying whether the GL backend has a context in this run, and which
    hypothesis budget it uses."""
    return [f"GL backend: {gl_context_summary()}", budget.describe()]


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget which missing characters were already warned about."""
    monkeypatch.setattr(fonts, "_warned", set())


@pytest.fixture(scope="session")
def gl() -> None:
    """The GL backend can run here. Where it cannot, the test fails saying why and how to fix it,
    or, under HUD_ALLOW_NO_GL=1, is skipped saying why."""
    problem = gl_problem()
    if problem is None:
        return
    message = gl_unavailable_message(problem, "the tests that need GL")
    if no_gl_allowed():
        pytest.skip(message)
    pytest.fail(message, pytrace=False)
