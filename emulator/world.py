"""The world behind the HUD: a built-in background image, or your own.

    load_background("street")            # a built-in, by name (background_names())
    load_background("photos/desk.jpg")   # any image file, checked like every image hud opens

The built-ins are the PNGs in emulator/backgrounds/ (800x600: enough for every built-in
device's eye), drawn by tools/make_backgrounds.py; the emulator only loads them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hud.errors import HudError, suggest

BACKGROUND_DIR = Path(__file__).resolve().parent / "backgrounds"


class BackgroundError(HudError, ValueError):
    """An unknown background name or an unreadable image (one line, for users and scripts)."""


def background_names() -> list[str]:
    """The built-in backgrounds, by name (the images in BACKGROUND_DIR), sorted."""
    return sorted(path.stem for path in BACKGROUND_DIR.glob("*.png"))


def load_background(name_or_path: str | Path) -> np.ndarray:
    """A world image as RGB uint8 (H, W, 3): a built-in name, or the path of an image file
    (relative to the current folder)."""
    text = str(name_or_path)
    names = background_names()
    if text in names:
        return _read(BACKGROUND_DIR / f"{text}.png")
    path = Path(text).expanduser()
    if path.exists():
        return _read(path)
    if not path.suffix and "/" not in text and "\\" not in text:  # meant as a name
        fix = suggest(text, names, f"built-in: {', '.join(names)}")
        raise BackgroundError(f"unknown background {text!r}: {fix} (or give the path of an image file)")
    raise BackgroundError(
        f"background image {text!r} not found (give an image path, or one of the built-ins: {', '.join(names)})"
    )


def _read(path: Path) -> np.ndarray:
    from hud.assets import AssetError, open_image

    try:
        return np.asarray(open_image(path), dtype=np.uint8)[..., :3].copy()
    except AssetError as exc:
        raise BackgroundError(f"background {exc}") from None
