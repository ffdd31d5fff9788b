"""Sinks: where finished frames go. Files are written atomically (hud.files): all or nothing;
animated previews are streamed to their file frame by frame."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np
from PIL import Image as PILImage
from PIL import ImageChops

from hud.devices import DeviceProfile
from hud.files import AtomicFile, Content, write_files
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
        canvas[y - 1 : y + device.height + 1, x - 1 : x + device.width + 1] = PREVIEW_FRAME
        canvas[y : y + device.height, x : x + device.width] = eye
    return PILImage.fromarray(canvas, "RGB")


def write_images(images: Mapping[str, PILImage.Image | bytes], out_dir: Path) -> list[Path]:
    """Write `name -> image` as PNGs (or `name -> bytes` as they are, e.g. layout.json) into
    `out_dir`: every file or none, never a partial file."""
    out_dir = Path(out_dir)
    files: dict[str | Path, Content] = {}
    for name, image in images.items():
        files[out_dir / name] = image if isinstance(image, bytes) else _png_writer(image)
    return write_files(files)


def _png_writer(image: PILImage.Image) -> Callable[[BinaryIO], None]:
    def write(handle: BinaryIO) -> None:
        handle.write(image_png(image))

    return write


def image_png(image: PILImage.Image) -> bytes:
    """The PNG file `write_images` writes for a Pillow image."""
    if image.mode in ("L", "RGB") and image.width and image.height:
        return png_bytes(np.asarray(image))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def png_bytes(pixels: np.ndarray) -> bytes:
    """A PNG file of 8-bit grey (height, width) or RGB (height, width, 3) pixels: rows unfiltered,
    deflated at PNG_LEVEL."""
    header, data = _png_image_data(pixels, PNG_LEVEL)
    out = io.BytesIO()
    out.write(PNG_SIGNATURE)
    _png_chunk(out, b"IHDR", header)
    _png_chunk(out, b"IDAT", data)
    _png_chunk(out, b"IEND", b"")
    return out.getvalue()


class AnimationWriter:
    """An animated preview written to its file as the frames arrive: GIF (a palette per frame,
    10 ms steps) or APNG (.png/.apng). Memory holds the frame being written and the one before.

    A frame like the one before it lengthens that frame instead of adding one; a changed frame
    stores only the rectangle that changed. The file appears when `commit()` succeeds (nothing
    is written for no frames); as a context manager it commits on success and leaves no file on
    any failure.
    """

    def __init__(self, path: str | Path, fps: float) -> None:
        self.path = Path(path)
        self.gif = self.path.suffix.lower() == ".gif"
        self.frame_ms = max(10, round(1000 / fps))
        self.frames = 0  # frames added
        self.size = (0, 0)  # of the first frame: the animation's canvas
        self._file = AtomicFile(self.path)
        self._kept: PILImage.Image | None = None  # the last different frame, not written yet
        self._kept_box: tuple[int, int, int, int] | None = None
        self._kept_ms = 0
        self._written = 0  # frames in the file so far
        self._sequence = 0  # APNG chunk sequence number
        self._actl_at = 0  # APNG: where acTL's frame count is patched

    def add(self, image: PILImage.Image) -> None:
        """Append one frame (shown for 1/fps seconds)."""
        frame = _gif_frame(image) if self.gif else image.convert("RGB")
        self.frames += 1
        if self._kept is None and self._written == 0:
            self.size = frame.size
        if frame.size != self.size:
            raise ValueError(
                f"frame {self.frames} is {frame.size[0]}x{frame.size[1]}, the animation {self.size[0]}x{self.size[1]}"
            )
        if self._kept is None:
            self._kept, self._kept_box, self._kept_ms = frame, None, self.frame_ms
            return
        box = _changed_box(self._kept, frame)
        if box is None:
            self._kept_ms += self.frame_ms
            return
        self._write(self._kept, self._kept_box, self._kept_ms)
        self._kept, self._kept_box, self._kept_ms = frame, box, self.frame_ms

    def repeat(self) -> None:
        """Show the last frame for one more 1/fps (the same picture, without comparing it again)."""
        if self._kept is None:
            raise ValueError("repeat() before the first frame")
        self.frames += 1
        self._kept_ms += self.frame_ms

    def commit(self) -> Path | None:
        """Write the last frame, finish the file and put it in place (None: no frames, no file)."""
        if self._kept is None:
            self._file.discard()
            return None
        try:
            self._write(self._kept, self._kept_box, self._kept_ms)
            self._kept = None
            if self.gif:
                self._file.handle.write(b";")
            else:
                _png_chunk(self._file.handle, b"IEND", b"")
                self._file.handle.seek(self._actl_at)
                _png_chunk(self._file.handle, b"acTL", struct.pack(">II", self._written, 0))
        except BaseException:
            self._file.discard()
            raise
        return self._file.commit()

    def discard(self) -> None:
        """Stop: no file is written."""
        self._kept = None
        self._file.discard()

    def __enter__(self) -> AnimationWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    # -- writing -------------------------------------------------------------------------
    def _write(self, frame: PILImage.Image, box: tuple[int, int, int, int] | None, ms: int) -> None:
        """One frame (only `box` of it, when it is a delta), shown for `ms`; a time longer than
        the format can hold continues in a one-pixel frame that changes nothing."""
        limit = GIF_MAX_DELAY_CS * 10 if self.gif else APNG_MAX_DELAY_MS
        box = box or (0, 0) + frame.size
        while True:
            shown = min(ms, limit)
            part = frame if box == (0, 0) + frame.size else frame.crop(box)
            if self.gif:
                self._gif_frame(part, box[:2], shown)
            else:
                self._apng_frame(part, box[:2], shown)
            self._written += 1
            ms -= shown
            if ms <= 0:
                return
            box = (0, 0, 1, 1)

    def _gif_frame(self, part: PILImage.Image, offset: tuple[int, int], ms: int) -> None:
        flags, palette, data = _gif_image_data(part)
        out = self._file.handle
        if self._written == 0:
            out.write(b"GIF89a" + struct.pack("<HHBBB", *self.size, 0, 0, 0))
            out.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00")  # loop forever
        # Graphic control: leave the frame in place (disposal 1), no transparency; delay in 1/100 s.
        out.write(b"!\xf9\x04" + struct.pack("<BHB", 1 << 2, int(ms / 10), 0) + b"\x00")
        out.write(b"," + struct.pack("<HHHHB", *offset, *part.size, flags) + palette + data)

    def _apng_frame(self, part: PILImage.Image, offset: tuple[int, int], ms: int) -> None:
        header, data = _png_image_data(np.asarray(part))
        out = self._file.handle
        if self._written == 0:
            out.write(PNG_SIGNATURE)
            _png_chunk(out, b"IHDR", header)
            self._actl_at = out.tell()
            _png_chunk(out, b"acTL", struct.pack(">II", 0, 0))  # frame count patched by commit()
        _png_chunk(
            out, b"fcTL", struct.pack(">IIIIIHHBB", self._sequence, *part.size, *offset, round(ms), 1000, 0, 0)
        )  # dispose: none, blend: source
        self._sequence += 1
        if self._written == 0:
            _png_chunk(out, b"IDAT", data)
        else:
            _png_chunk(out, b"fdAT", struct.pack(">I", self._sequence) + data)
            self._sequence += 1


GIF_MAX_DELAY_CS = 65535  # a GIF frame's delay field (1/100 s)
APNG_MAX_DELAY_MS = 65535  # an APNG frame's delay numerator, over 1000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_COLOUR_TYPES = {1: 0, 3: 2}  # samples a pixel -> PNG colour type: grey, RGB (8 bits a sample)
# zlib's fastest level for frame images. On panel images (mostly dark, flat areas) it writes a
# frame and its preview in about half the time of the default level 6, in files about 1.3-2x the
# size, of a few tens of kB; row filters cost time and gain nothing on them. Animated previews,
# written once and shared, keep the default level.
PNG_LEVEL = 1


def write_animation(frames: Iterable[PILImage.Image], path: Path, fps: float) -> Path | None:
    """An animated preview of `frames` (any iterable: they are written as they come)."""
    with AnimationWriter(path, fps) as writer:
        for frame in frames:
            writer.add(frame)
    return path if writer.frames else None


def _gif_frame(image: PILImage.Image) -> PILImage.Image:
    """A frame in a palette of its own (256 colours, no dithering)."""
    return image.quantize(colors=256, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)


def _changed_box(before: PILImage.Image, after: PILImage.Image) -> tuple[int, int, int, int] | None:
    """The rectangle where `after` differs from `before` (None: the same picture)."""
    if before.mode == "P" and (
        before.palette is None or after.palette is None or bytes(before.palette.palette) != bytes(after.palette.palette)
    ):
        before, after = before.convert("RGB"), after.convert("RGB")
    return ImageChops.subtract_modulo(after, before).getbbox(alpha_only=False)


def _gif_image_data(image: PILImage.Image) -> tuple[int, bytes, bytes]:
    """(image descriptor flags, colour table, LZW image data) of a paletted frame as Pillow encodes
    it, the table made local to the frame."""
    buffer = io.BytesIO()
    image.save(buffer, format="GIF", optimize=False)
    data = buffer.getvalue()
    packed = data[10]
    bits = packed & 7
    position = 13
    palette = b""
    if packed & 0x80:
        palette = data[position : position + 3 * (2 << bits)]
        position += len(palette)
    while data[position : position + 1] == b"!":  # extensions: skip their sub-blocks
        position += 2
        while data[position]:
            position += data[position] + 1
        position += 1
    if data[position : position + 1] != b",":
        raise ValueError("unexpected GIF layout from the encoder")
    local = data[position + 9]
    position += 10
    if local & 0x80:  # a local table replaces the global one
        bits = local & 7
        palette = data[position : position + 3 * (2 << bits)]
        position += len(palette)
    flags = 0x80 | (local & 0x40) | bits  # local table, interlacing as encoded, table size
    start = position
    position += 1  # LZW minimum code size
    while data[position]:
        position += data[position] + 1
    return flags, palette, data[start : position + 1]


def _png_image_data(pixels: np.ndarray, level: int = zlib.Z_DEFAULT_COMPRESSION) -> tuple[bytes, bytes]:
    """(IHDR data, compressed image data) of 8-bit grey or RGB pixels, each row unfiltered."""
    height, width = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)  # each row's first byte: filter 0, none
    rows[:, 1:] = pixels.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, PNG_COLOUR_TYPES[channels], 0, 0, 0)
    return header, zlib.compress(rows.tobytes(), level)


def _png_chunk(out: BinaryIO, kind: bytes, body: bytes) -> None:
    out.write(struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body)))
