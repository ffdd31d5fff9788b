"""Running the `hud` command from tests: as a subprocess, or in this process."""

from __future__ import annotations

import os
import subprocess
import sys
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


def run_hud(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `hud ARGS` in this process: (exit status, stdout, stderr)."""
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
