"""Pixel comparison of a rendering with its golden, and the images that show where they differ."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hud.golden.tolerance import Tolerance


@dataclass(frozen=True)
class Difference:
    """How far a rendering is from a golden of the same shape."""

    max_difference: int
    """The largest difference of any channel of any pixel, in grey levels."""
    differing: int
    """Pixels where some channel differs at all."""
    total: int
    """Pixels compared."""

    @property
    def share(self) -> float:
        """Share (0..1) of the pixels that differ."""
        return self.differing / self.total if self.total else 0.0

    @property
    def identical(self) -> bool:
        """Whether no pixel differs."""
        return self.differing == 0

    def summary(self) -> str:
        """E.g. ``largest difference 2, 0.21% of pixels differ``."""
        return f"largest difference {self.max_difference}, {percent(self.differing, self.total)} of pixels differ"


@dataclass(frozen=True)
class ImageDiff:
    """Differences between two images of the same shape."""

    mask: np.ndarray
    """Boolean (H, W): the pixels that fail the tolerance (beyond its per-channel limit, or, when
    only the share of differing pixels is too large, every pixel that differs)."""
    max_difference: int
    first_x: int
    first_y: int
    expected_value: int | tuple[int, ...]
    actual_value: int | tuple[int, ...]

    @property
    def count(self) -> int:
        """Number of differing pixels."""
        return int(self.mask.sum())

    @property
    def total(self) -> int:
        """Number of pixels."""
        return int(self.mask.size)

    def summary(self) -> str:
        """E.g. ``0.42% of pixels differ (1290 of 307200)``."""
        return f"{percent(self.count, self.total)} of pixels differ ({self.count} of {self.total})"


def difference(expected: np.ndarray, actual: np.ndarray) -> Difference:
    """The largest channel difference and the number of differing pixels."""
    per_pixel = _per_pixel_delta(expected, actual)
    return Difference(int(per_pixel.max()), int(np.count_nonzero(per_pixel)), int(per_pixel.size))


def compare_images(expected: np.ndarray, actual: np.ndarray, tolerance: int | Tolerance = 0) -> ImageDiff | None:
    """Compare per channel; None when the images are within ``tolerance`` (an int: every channel
    within that many levels, on any number of pixels)."""
    limit = tolerance if isinstance(tolerance, Tolerance) else Tolerance(int(tolerance))
    per_pixel = _per_pixel_delta(expected, actual)
    peak = int(per_pixel.max())
    if limit.allows(peak, int(np.count_nonzero(per_pixel)), int(per_pixel.size)):
        return None
    mask = per_pixel > (limit.max_difference if peak > limit.max_difference else 0)
    first = int(np.argmax(mask))  # first True in row-major order
    y, x = divmod(first, mask.shape[1])
    return ImageDiff(
        mask=mask,
        max_difference=peak,
        first_x=x,
        first_y=y,
        expected_value=_pixel(expected[y, x]),
        actual_value=_pixel(actual[y, x]),
    )


def diff_image(expected: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """RGB: differing pixels bright red over a dimmed grey copy of ``expected``."""
    dimmed = (_luma(expected).astype(np.uint16) * 2 // 5).astype(np.uint8)
    out = np.repeat(dimmed[:, :, None], 3, axis=2)
    out[mask] = (255, 0, 0)
    return out


def isolated_image(expected: np.ndarray, actual: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """RGB: only the differing pixels, brightness showing the size of each channel's difference."""
    delta = _abs_delta(expected, actual).astype(np.uint16)
    if delta.ndim == 2:
        delta = np.repeat(delta[:, :, None], 3, axis=2)
    peak = max(int(delta.max()), 1)
    scaled = np.where(delta > 0, 64 + delta * 191 // peak, 0).astype(np.uint8)
    out = np.zeros_like(scaled)
    out[mask] = scaled[mask]
    return out


def percent(count: int, total: int) -> str:
    """Share as a percentage that never rounds a non-zero count to 0% or 100%."""
    share = 100.0 * count / total
    text = f"{share:.2f}"
    if count and text == "0.00":
        text = f"{share:.2g}"
    elif count < total and text == "100.00":
        text = "99.99"
    return f"{text}%"


def _per_pixel_delta(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """(H, W): the largest channel difference of each pixel."""
    if expected.shape != actual.shape:
        raise ValueError(f"shape mismatch: {expected.shape} vs {actual.shape}")
    delta = _abs_delta(expected, actual)
    return delta if delta.ndim == 2 else delta.max(axis=2)


def _abs_delta(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return np.abs(expected.astype(np.int16) - actual.astype(np.int16)).astype(np.uint8)


def _luma(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    weights = np.array([299, 587, 114], dtype=np.uint32)
    return (image.astype(np.uint32) @ weights // 1000).astype(np.uint8)


def _pixel(value: np.ndarray) -> int | tuple[int, ...]:
    if np.ndim(value) == 0:
        return int(value)
    return tuple(int(channel) for channel in value)
