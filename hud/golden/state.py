"""What one pytest session of golden checks collects: failures, goldens written or removed, and
how far each backend's renderings are from the reference goldens. Under pytest-xdist each
worker collects its own and hands it to the controller as plain data (`export`, `merge`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hud import golden_speech
from hud.golden.compare import Difference
from hud.golden.tolerance import PARITY_MAX_DIFFERENCE, REFERENCE_BACKEND

UPDATE_FLAG = "--update-goldens"
UPDATE_HINT = f"run pytest {UPDATE_FLAG}"
DEFAULT_GOLDEN_DIR = "tests/goldens"
DEFAULT_GPU_TOLERANCE = PARITY_MAX_DIFFERENCE
FAILURES_DIRNAME = ".golden-failures"
REPORT_NAME = "report.html"
DEFAULT_BACKENDS = (REFERENCE_BACKEND, "gl")  # every golden test runs once on each


@dataclass
class GoldenFailure:
    """One failed golden comparison (one eye of one check)."""

    nodeid: str
    name: str
    eye: str
    backend: str
    message: str
    artefacts: dict[str, Path] = field(default_factory=dict)
    transcript: golden_speech.TranscriptMismatch | None = None
    """Set for a speech check: the golden and actual transcripts, for the report's table."""

    def export(self) -> dict[str, Any]:
        """As plain data (for an xdist worker's output)."""
        mismatch = self.transcript
        return {
            "nodeid": self.nodeid,
            "name": self.name,
            "eye": self.eye,
            "backend": self.backend,
            "message": self.message,
            "artefacts": {kind: str(path) for kind, path in self.artefacts.items()},
            "transcript": None
            if mismatch is None
            else {"golden": mismatch.golden, "actual": mismatch.actual, "tolerance": mismatch.tolerance},
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> GoldenFailure:
        """From `export`'s plain data."""
        mismatch = data["transcript"]
        return cls(
            data["nodeid"],
            data["name"],
            data["eye"],
            data["backend"],
            data["message"],
            {kind: Path(path) for kind, path in data["artefacts"].items()},
            None if mismatch is None else golden_speech.TranscriptMismatch(**mismatch),
        )


@dataclass(frozen=True)
class ParityRecord:
    """One eye of one image check: how far the rendering is from the reference (cpu) golden,
    which golden it was held to, and whether it passed."""

    nodeid: str
    name: str
    backend: str
    eye: str
    reference: Difference | None
    """Against the reference golden; None when there is none of the same size to compare with."""
    golden: str
    """The backend folder of the golden the check was held to: the reference's, or the
    backend's own where exact parity cannot be had."""
    passed: bool

    def export(self) -> dict[str, Any]:
        """As plain data (for an xdist worker's output)."""
        reference = self.reference
        return {
            "nodeid": self.nodeid,
            "name": self.name,
            "backend": self.backend,
            "eye": self.eye,
            "reference": None
            if reference is None
            else [reference.max_difference, reference.differing, reference.total],
            "golden": self.golden,
            "passed": self.passed,
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> ParityRecord:
        """From `export`'s plain data."""
        reference = data["reference"]
        return cls(
            data["nodeid"],
            data["name"],
            data["backend"],
            data["eye"],
            None if reference is None else Difference(*reference),
            data["golden"],
            data["passed"],
        )


@dataclass
class GoldenState:
    """Per-session plugin state, kept on ``config.stash``."""

    rootdir: Path
    golden_dir: Path
    update: bool
    gpu_tolerance: int
    backends: tuple[str, ...] = DEFAULT_BACKENDS
    failures: list[GoldenFailure] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    """Backend goldens an update removed: the backend came within tolerance of the reference."""
    parity: list[ParityRecord] = field(default_factory=list)
    claimed: dict[Path, str] = field(default_factory=dict)

    @property
    def failures_dir(self) -> Path:
        """Folder for failure artefacts (owned by this plugin)."""
        return self.rootdir / FAILURES_DIRNAME

    @property
    def report_path(self) -> Path:
        """Location of the HTML report."""
        return self.failures_dir / REPORT_NAME

    def display(self, path: Path) -> str:
        """Path relative to the rootdir when inside it, else absolute."""
        try:
            return path.relative_to(self.rootdir).as_posix()
        except ValueError:
            return str(path)

    def failure_message(
        self, lines: list[str], hint: str, folder: Path, write: Callable[[], dict[str, Path]]
    ) -> tuple[str, dict[str, Path]]:
        """Write a failure's artefacts into `folder` with `write` and finish its message: where
        they are (or why they could not be written) and the report, then `hint`."""
        try:
            artefacts = write()
        except OSError as exc:
            artefacts = {}
            lines.append(f"  could not write artefacts to {self.display(folder)}: {exc}")
        else:
            names = ", ".join(path.name for path in artefacts.values())
            lines.append(f"  artefacts in {self.display(folder)}/: {names}")
            lines.append(f"  report: {self.display(self.report_path)} (written at the end of the session)")
        lines.append(f"  {hint}")
        return "\n".join(lines), artefacts

    def export(self) -> dict[str, Any]:
        """What this (worker's) session found, as plain data."""
        return {
            "failures": [failure.export() for failure in self.failures],
            "updated": [str(path) for path in self.updated],
            "removed": [str(path) for path in self.removed],
            "parity": [record.export() for record in self.parity],
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add what a worker's session found (`export`'s plain data)."""
        self.failures += [GoldenFailure.restore(failure) for failure in data["failures"]]
        self.updated += [Path(path) for path in data["updated"]]
        self.removed += [Path(path) for path in data["removed"]]
        self.parity += [ParityRecord.restore(record) for record in data["parity"]]
