"""Running the `hud` command from tests: as a subprocess, or in this process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from hud import cli

from paths import ROOT

# The keys of `hud profile --json` (and of Profiler.summary()).
SUMMARY_KEYS = {
    "device",
    "backend",
    "frames",
    "budget_ms",
    "missed",
    "missed_share",
    "total",
    "stages",
    "dirty_px",
    "lit_px",
    "link",
}


def hud(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m hud ARGS` from the repository root (with `env` added to the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "hud", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def hud_in_process(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `hud ARGS` in this process as `hud()` runs it in a fresh interpreter: from the
    repository root, with `env` added to the environment, stdout and stderr captured, warnings
    shown under an interpreter's default filters, and argparse's exit as the exit status.

    For tests of what a command prints and returns. What needs the process boundary (start-up,
    signals, an environment variable a library reads when it loads, a traceback) uses `hud()`,
    and so does a test of a warning: hud warns about a missing character once per process."""
    argv = [str(arg) for arg in args]
    out, err = io.StringIO(), io.StringIO()
    saved_environ = dict(os.environ)
    os.environ.update(env or {})
    try:
        with (
            contextlib.chdir(ROOT),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("default")
            for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", quiet)  # as a fresh interpreter's filters have it
            try:
                code = cli.main(argv)
            except SystemExit as exc:  # argparse: --help, or a usage error
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)
    return subprocess.CompletedProcess([sys.executable, "-m", "hud", *argv], code, out.getvalue(), err.getvalue())


def run_hud(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `hud ARGS` in this process: (exit status, stdout, stderr)."""
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
