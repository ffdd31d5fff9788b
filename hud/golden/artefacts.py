"""Failure artefacts: the expected, actual and diff files a failed check leaves for a person to
look at, in a folder of their own that every session starts afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from hud import golden_speech
from hud.files import write_bytes, write_text
from hud.golden.compare import ImageDiff, diff_image, isolated_image
from hud.golden.png import write_png_atomic

ARTEFACT_KINDS = ("expected", "actual", "diff", "isolated")
SPEECH_DIRNAME = "speech"  # speech goldens and their failure artefacts live in this subfolder
SPEECH_ARTEFACT_KINDS = ("expected", "actual")


def artefact_path(folder: Path, stem: str, kind: str) -> Path:
    """E.g. ``<folder>/hello-left-diff.png``."""
    return folder / f"{stem}-{kind}.png"


def clear_artefacts(folder: Path, stem: str) -> None:
    """Remove the image artefacts an earlier failure of this eye left."""
    for kind in ARTEFACT_KINDS:
        artefact_path(folder, stem, kind).unlink(missing_ok=True)


def failures_folder(failures_dir: Path) -> Path:
    """The failures folder, created with a .gitignore that keeps it out of version control."""
    failures_dir.mkdir(parents=True, exist_ok=True)
    ignore = failures_dir / ".gitignore"
    if not ignore.exists():
        write_text(ignore, "# written by hud.golden\n*\n")
    return failures_dir


def artefact_folder(failures_dir: Path, name: str) -> Path:
    """A subfolder of the failures folder, created with the folder's .gitignore."""
    folder = failures_folder(failures_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_artefacts(
    failures_dir: Path,
    backend: str,
    stem: str,
    actual: np.ndarray,
    expected: np.ndarray | None,
    diff: ImageDiff | None,
) -> dict[str, Path]:
    """Write the available artefacts of one eye under ``<failures_dir>/<backend>/``; return
    them by kind."""
    folder = artefact_folder(failures_dir, backend)
    images: dict[str, np.ndarray] = {}
    if expected is not None:
        images["expected"] = expected
    images["actual"] = actual
    if diff is not None and expected is not None:
        images["diff"] = diff_image(expected, diff.mask)
        images["isolated"] = isolated_image(expected, actual, diff.mask)
    written = {}
    for kind, image in images.items():
        path = artefact_path(folder, stem, kind)
        write_png_atomic(path, image)
        written[kind] = path
    return written


def speech_artefact_path(folder: Path, name: str, kind: str) -> Path:
    """E.g. ``<folder>/walk-actual.json``."""
    return folder / f"{name}-{kind}.json"


def write_speech_artefacts(
    failures_dir: Path, name: str, golden: Path | None, actual: golden_speech.Transcript
) -> dict[str, Path]:
    """Copy the golden (when readable) and write the actual transcript; return them by kind."""
    folder = artefact_folder(failures_dir, SPEECH_DIRNAME)
    written = {}
    if golden is not None:
        written["expected"] = write_bytes(speech_artefact_path(folder, name, "expected"), golden.read_bytes())
    path = speech_artefact_path(folder, name, "actual")
    write_text(path, golden_speech.dumps(actual))
    written["actual"] = path
    return written


def remove_tree(folder: Path) -> None:
    """Remove the plugin's artefact folder (a symlink is unlinked, not followed)."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
