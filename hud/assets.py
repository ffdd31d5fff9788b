"""Images used by scenes: every image file hud reads goes through `open_image`.

It takes only regular files inside the limits (`MAX_IMAGE_BYTES` on disk, `MAX_IMAGE_PIXELS`
decoded, checked from the header before any pixel is decoded), in the formats a designer
exports (PNG, JPEG, WebP, GIF: the first frame of an animation), and turns every decoder
failure into one `AssetError` naming the file and a fix. Decoded images are cached per file
version (path, size, modification time), within a memory budget.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import threading
import warnings
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from hud.errors import HudError, escape
from hud.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")  # Pillow's names of the formats hud reads
FORMAT_NAMES = "PNG, JPEG, WebP or GIF"
MAX_PATH_BYTES = 4096  # an asset path, encoded (Linux's PATH_MAX)
MAX_NAME_BYTES = 255  # one part of an asset path, encoded (NAME_MAX)
CACHE_BYTES = 2 * 4 * MAX_IMAGE_PIXELS  # decoded RGBA kept between frames: two of the largest images
# Other formats recognised by their first bytes, to say what a refused file is.
_OTHER_FORMATS = (
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF", "a PDF document"),
    (b"<svg", "an SVG drawing"),
    (b"<?xml", "an XML file (SVG?)"),
    (b"\x00\x00\x01\x00", "an ICO icon"),
    (b"8BPS", "a Photoshop file"),
    (b"qoif", "a QOI image"),
)
_SIXTEEN_BIT = ("I", "I;16", "I;16B", "I;16L", "I;16N")

_cache: OrderedDict[tuple[str, int, int, int], PILImage.Image] = OrderedDict()
_cached_bytes = 0
_cache_lock = threading.Lock()


class AssetError(HudError, ValueError):
    """An image that is missing, outside the scene's folder, too large or unreadable.

    `problem` names the image (escaped for the terminal); the scene loader adds file:line.
    """

    def __init__(self, problem: str, fix: str) -> None:
        self.problem, self.fix = problem, fix
        super().__init__(f"{problem} ({fix})")


def resolve_asset(src: str, base_dir: Path) -> Path:
    """Absolute path of `src` relative to `base_dir`: it must stay inside that folder and be an
    image `open_image` reads (checked here, at load time; the decoded image stays cached)."""
    shown = escape(src)
    _check_path_text(src, shown)
    base = base_dir.resolve()
    try:
        path = (base / src).resolve()
    except (OSError, RuntimeError) as exc:  # e.g. a symlink loop
        raise AssetError(f"image path '{shown}' cannot be resolved ({_reason(exc)})", "fix the path") from None
    if path != base and base not in path.parents:
        raise AssetError(
            f"'{shown}' points outside the scene's folder", "keep images in the scene's folder or below it"
        )
    open_image(path, shown=shown)
    return path


def open_image(path: str | Path, *, shown: str | None = None) -> PILImage.Image:
    """The image at `path` as RGBA pixels, decoded within the limits (cached until the file
    changes; do not modify it). `shown` is how messages name it (default: the path, escaped)."""
    global _cached_bytes
    text = os.fspath(path)
    shown = shown if shown is not None else escape(text)
    _check_path_text(text, shown)
    try:
        info = os.stat(text)
    except OSError as exc:
        raise _open_error(exc, text, shown) from None
    key = _key(text, info)
    with _cache_lock:
        image = _cache.get(key)
        if image is not None:
            _cache.move_to_end(key)
            return image
    data, key = _read_file(text, shown)
    decoded = _decode(data, shown)
    try:
        image = _rgba(decoded, shown)
    finally:
        decoded.close()
    with _cache_lock:
        if key not in _cache:
            _cached_bytes += _size_of(image)
        _cache[key] = image
        while _cached_bytes > CACHE_BYTES and len(_cache) > 1:
            _, old = _cache.popitem(last=False)
            _cached_bytes -= _size_of(old)
    return image


def read_image(path: str | Path, *, shown: str | None = None) -> PILImage.Image:
    """The image at `path`, checked and decoded like `open_image`, in the mode it is stored in
    (e.g. 'L' or 'RGB'; not cached): for callers that compare stored pixels, like goldens."""
    text = os.fspath(path)
    shown = shown if shown is not None else escape(text)
    _check_path_text(text, shown)
    data, _ = _read_file(text, shown)
    decoded = _decode(data, shown)
    try:
        return decoded.copy()
    finally:
        decoded.close()


def image_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of the image at `path`, as `open_image` reads it."""
    return open_image(path).size


# -- checks ----------------------------------------------------------------------------------
def _check_path_text(text: str, shown: str) -> None:
    if "\x00" in text:
        raise AssetError(f"image path '{shown}' contains a NUL byte (\\x00)", "remove it from the path")
    encoded = os.fsencode(text)
    if len(encoded) > MAX_PATH_BYTES:
        raise AssetError(
            f"image path '{shown[:60]}...' is {len(encoded)} bytes long, over the {MAX_PATH_BYTES} byte limit",
            "use a shorter path",
        )
    longest = max((len(part) for part in encoded.split(os.sep.encode())), default=0)
    if longest > MAX_NAME_BYTES:
        raise AssetError(
            f"image path '{shown[:60]}...' has a name of {longest} bytes, over the {MAX_NAME_BYTES} byte limit",
            "use shorter file and folder names",
        )


def _read_file(text: str, shown: str) -> tuple[bytes, tuple[str, int, int, int]]:
    """The file's bytes and its cache key; only a regular file within MAX_IMAGE_BYTES."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(text, flags)  # non-blocking: a FIFO does not hang the open
    except OSError as exc:
        raise _open_error(exc, text, shown) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise AssetError(f"image '{shown}' is a folder", "give the path of an image file")
        if not stat.S_ISREG(info.st_mode):
            raise AssetError(
                f"image '{shown}' is not a regular file (a pipe, socket or device)", "give the path of an image file"
            )
        if info.st_size > MAX_IMAGE_BYTES:
            raise AssetError(
                f"image '{shown}' is {_bytes(info.st_size)}, over the {_bytes(MAX_IMAGE_BYTES)} limit "
                "for one image file",
                "scale it down or compress it",
            )
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise AssetError(f"image '{shown}' cannot be read ({_reason(exc)})", "check the file") from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_IMAGE_BYTES:  # it grew while being read
        raise AssetError(
            f"image '{shown}' is over the {_bytes(MAX_IMAGE_BYTES)} limit for one image file",
            "scale it down or compress it",
        )
    return data, _key(text, info)


def _key(text: str, info: os.stat_result) -> tuple[str, int, int, int]:
    """One version of one file: where it is, and its inode, modification time and size."""
    return (os.path.realpath(text), info.st_ino, info.st_mtime_ns, info.st_size)


def _open_error(exc: OSError, text: str, shown: str) -> AssetError:
    if exc.errno == errno.ENOENT:
        return AssetError(
            f"image '{shown}' not found", f"put the file at {escape(os.path.abspath(text))} or fix the path"
        )
    if exc.errno == errno.EACCES:
        return AssetError(f"image '{shown}' cannot be opened (permission denied)", "make the file readable")
    if exc.errno == errno.ENAMETOOLONG:
        return AssetError(f"image path '{shown[:60]}...' is too long", "use a shorter path")
    if exc.errno == errno.ENXIO:
        return AssetError(
            f"image '{shown}' is not a regular file (a socket or device)", "give the path of an image file"
        )
    if exc.errno == errno.ENOTDIR:
        return AssetError(f"image '{shown}' not found (a part of its path is a file, not a folder)", "fix the path")
    return AssetError(f"image '{shown}' cannot be opened ({_reason(exc)})", "check the path and the file")


def _decode(data: bytes, shown: str) -> PILImage.Image:
    """Decode `data` (the first frame), refusing other formats and oversized images before their
    pixels are decoded."""
    fix = f"re-export it as {FORMAT_NAMES}"
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning (at 89 Mpx) is moot: the limit below is lower.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            opened = PILImage.open(io.BytesIO(data), formats=FORMATS)
    except PILImage.DecompressionBombError:  # past Pillow's own threshold, far over hud's
        raise AssetError(
            f"image '{shown}' is larger than {MAX_IMAGE_PIXELS:,} pixels (4096x4096)", "scale it down"
        ) from None
    except PILImage.UnidentifiedImageError:
        kind = next((name for magic, name in _OTHER_FORMATS if data.startswith(magic)), None)
        what = f"is {kind}" if kind else ("is empty" if not data else "is not an image hud reads")
        raise AssetError(f"image '{shown}' {what}", f"save it as {FORMAT_NAMES}") from None
    except Exception as exc:  # noqa: BLE001 - a decoder fails in its own ways on hostile bytes
        raise AssetError(f"image '{shown}' is damaged: its header cannot be read ({_reason(exc)})", fix) from None
    width, height = opened.size
    try:
        if width < 1 or height < 1:
            raise AssetError(f"image '{shown}' is {width}x{height} pixels: it has no pixels", fix)
        if width * height > MAX_IMAGE_PIXELS:
            raise AssetError(
                f"image '{shown}' is {width}x{height} pixels, over the limit of {MAX_IMAGE_PIXELS:,} "
                "pixels (4096x4096)",
                "scale it down",
            )
        try:
            opened.load()
        except Exception as exc:  # noqa: BLE001 - truncated data, a corrupt zlib stream, a bad palette...
            raise AssetError(f"image '{shown}' is damaged and cannot be decoded ({_reason(exc)})", fix) from None
    except AssetError:
        opened.close()
        raise
    return opened


def _rgba(image: PILImage.Image, shown: str) -> PILImage.Image:
    """A decoded image in RGBA, whatever mode it was stored in."""
    if image.mode in _SIXTEEN_BIT:
        # 16-bit grey: keep the top 8 bits (Pillow's own conversion clips at 255).
        values = np.asarray(image, dtype=np.int64)
        grey = PILImage.fromarray((np.clip(values, 0, 65535) >> 8).astype(np.uint8), "L")
        transparent = image.info.get("transparency")
        if isinstance(transparent, int):
            alpha = np.where(values == transparent, 0, 255).astype(np.uint8)
            return PILImage.merge("RGBA", (grey, grey, grey, PILImage.fromarray(alpha, "L")))
        return grey.convert("RGBA")
    try:
        return image.convert("RGBA")
    except Exception:  # noqa: BLE001 - a mode Pillow cannot convert, or a palette it cannot apply
        raise AssetError(
            f"image '{shown}' stores its pixels as {image.mode}, which hud does not convert",
            "save it as an 8-bit RGB or RGBA PNG",
        ) from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return escape(text if len(text) <= 120 else text[:117] + "...")


def _bytes(count: int) -> str:
    """A file size for a message: '64 MB', '1.5 MB', '900 bytes'."""
    if count >= 2**20:
        return f"{count / 2**20:.1f}".removesuffix(".0") + " MB"
    return f"{count:,} bytes"


def _size_of(image: PILImage.Image) -> int:
    return image.width * image.height * 4


def clear_cache() -> None:
    """Forget every decoded image."""
    global _cached_bytes
    with _cache_lock:
        _cache.clear()
        _cached_bytes = 0
