"""Sinks: where finished frames go. Files are written atomically: all or nothing."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from hud.devices import DeviceProfile
from hud.panel import tint

PREVIEW_MARGIN = 12
PREVIEW_GAP = 12
PREVIEW_BACKDROP = (18, 18, 18)
PREVIEW_FRAME = (60, 60, 60)


def panel_image(panel: np.ndarray) -> PILImage.Image:
    """A panel array as a Pillow image ('L' for mono, 'RGB' for colour)."""
    return PILImage.fromarray(panel, "L" if panel.ndim == 2 else "RGB")


def preview_image(eyes: dict[str, np.ndarray], device: DeviceProfile) -> PILImage.Image:
    """Both eyes side by side (left, right) in the panel's colour, each framed by a thin line."""
    tinted = [tint(eyes[eye], device) for eye in device.eyes if eye in eyes]
    width = device.width * len(tinted) + PREVIEW_GAP * (len(tinted) - 1) + 2 * PREVIEW_MARGIN
    height = device.height + 2 * PREVIEW_MARGIN
    canvas = np.empty((height, width, 3), dtype=np.uint8)
    canvas[:] = PREVIEW_BACKDROP
    for index, eye in enumerate(tinted):
        x = PREVIEW_MARGIN + index * (device.width + PREVIEW_GAP)
        y = PREVIEW_MARGIN
        canvas[y - 1:y + device.height + 1, x - 1:x + device.width + 1] = PREVIEW_FRAME
        canvas[y:y + device.height, x:x + device.width] = eye
    return PILImage.fromarray(canvas, "RGB")


def write_images(images: dict[str, PILImage.Image | bytes], out_dir: Path) -> list[Path]:
    """Write `name -> image` as PNGs (or `name -> bytes` as they are, e.g. layout.json) into
    `out_dir`: every file or none, never a partial file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, image in images.items():
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            os.close(handle)
            staged.append((temp, out_dir / name))
            if isinstance(image, bytes):
                Path(temp).write_bytes(image)
            else:
                image.save(temp, format="PNG")
        for temp, final in staged:
            os.replace(temp, final)
    finally:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.unlink(temp)
    return [final for _, final in staged]


def write_animation(frames: list[PILImage.Image], path: Path, fps: float) -> None:
    """An animated preview: GIF (palette per frame, 10 ms steps) or APNG (.png/.apng), atomically."""
    if not frames:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    duration = max(10, round(1000 / fps))
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        if path.suffix.lower() == ".gif":
            paletted = [frame.quantize(colors=256, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)
                        for frame in frames]
            paletted[0].save(temp, format="GIF", save_all=True, append_images=paletted[1:], duration=duration,
                             loop=0, optimize=False, disposal=1)
        else:
            frames[0].save(temp, format="PNG", save_all=True, append_images=frames[1:], duration=duration,
                           loop=0, default_image=False)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def progress_bar(done: int, total: int, unit: str) -> None:
    """A progress bar on stderr (`[####  ] 6/12 frames`), redrawn in place on a terminal, every
    10 % otherwise."""
    width = 30
    filled = width * done // total
    text = f"[{'#' * filled}{' ' * (width - filled)}] {done}/{total} {unit}"
    if sys.stderr.isatty():
        print("\r" + text, end="" if done < total else "\n", file=sys.stderr, flush=True)
    elif done == total or done % max(1, total // 10) == 0:
        print(text, file=sys.stderr, flush=True)
