"""Images used by scenes: loaded once per file version, kept inside the scene's folder."""
from __future__ import annotations

from pathlib import Path

from PIL import Image as PILImage

_cache: dict[tuple[str, float], PILImage.Image] = {}


class AssetError(ValueError):
    """An asset path that is missing, unreadable, or outside the scene's folder."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem, fix)
        self.problem, self.fix = problem, fix


def resolve_asset(src: str, base_dir: Path) -> Path:
    """Absolute path of `src` relative to `base_dir`; it must stay inside that folder and exist."""
    base = base_dir.resolve()
    path = (base / src).resolve()
    if path != base and base not in path.parents:
        raise AssetError(f"'{src}' points outside the scene's folder", "keep images in the scene's folder or below it")
    if not path.is_file():
        raise AssetError(f"image '{src}' not found", f"put the file at {path} or fix the path")
    return path


def load_image(path: str | Path) -> PILImage.Image:
    """An image as RGBA, cached until the file changes."""
    file = Path(path)
    try:
        key = (str(file.resolve()), file.stat().st_mtime)
    except OSError:
        raise AssetError(f"image '{path}' not found", "fix the path") from None
    image = _cache.get(key)
    if image is None:
        try:
            with PILImage.open(file) as opened:
                image = opened.convert("RGBA")
        except (OSError, SyntaxError, ValueError) as exc:
            raise AssetError(f"image '{path}' could not be read ({exc})", "save it as a PNG") from None
        _cache[key] = image
    return image
