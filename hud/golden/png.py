"""Golden PNG files: reading one for a comparison, and writing one atomically."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import numpy as np

from hud.files import AtomicFile

MISSING = "missing"  # the problem load_golden reports for a golden that does not exist


def load_png(path: Path) -> np.ndarray:
    """Load an 8-bit 'L' or 'RGB' PNG as (H, W) or (H, W, 3) uint8."""
    from hud.assets import read_image

    image = read_image(path)
    if image.mode not in ("L", "RGB"):
        raise ValueError(f"unsupported image mode {image.mode!r} (expected 'L' or 'RGB')")
    return np.array(image)


def load_golden(path: Path, actual: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """(golden, problem): problem is MISSING, a description, or None when ``actual`` can be
    compared with the golden."""
    if not path.is_file():
        return None, MISSING
    try:
        expected = load_png(path)
    except (OSError, ValueError, SyntaxError) as exc:
        return None, f"cannot read the golden: {exc}"
    if expected.shape != actual.shape:
        return expected, f"size or mode mismatch: golden is {describe(expected)}, rendered image is {describe(actual)}"
    return expected, None


def describe(image: np.ndarray) -> str:
    """E.g. ``640x480 mono (L)``."""
    height, width = image.shape[:2]
    kind = "mono (L)" if image.ndim == 2 else "colour (RGB)"
    return f"{width}x{height} {kind}"


def write_png_atomic(path: Path, image: np.ndarray) -> None:
    """Write a PNG via a temp file in the same folder (hud.files.AtomicFile).

    Readers (and an interrupted run) see either the old file or the new one,
    never a partial one; the temp file is removed on any error.
    """
    with AtomicFile(path) as handle:
        _save_png(image, handle)


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of an image file."""
    from hud.assets import read_image

    return read_image(path).size


def _save_png(image: np.ndarray, handle: IO[bytes]) -> None:
    """Encode ``image`` as PNG ('L' for 2-D, 'RGB' for (H, W, 3)) into ``handle``."""
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(image)).save(handle, format="PNG")
