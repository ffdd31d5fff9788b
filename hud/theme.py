"""Theme: colour roles and text size roles, resolved for one device profile."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from hud.devices import DeviceProfile
from hud.errors import FieldError, SceneError, escape
from hud.geometry import Length
from hud.limits import MAX_FONT_PX

Colour = tuple[float, ...]  # one channel (mono intensity) or three (linear-ish RGB), 0..1


class Declared(Protocol):
    """What a font-size error reads of the widget whose text is too large (a hud.widgets Widget):
    its type, id, where it was declared, and its parent."""

    @property
    def parent(self) -> Declared | None: ...

    @property
    def source(self) -> tuple[str, int] | None: ...

    @property
    def type_name(self) -> str: ...

    @property
    def id(self) -> Any: ...


def mono_light(rgb: np.ndarray) -> np.ndarray:
    """The mono rule: a monochrome panel lights a pixel as bright as its colour's brightest
    channel. `rgb` has colour channels last; the result keeps one channel, (..., 1)."""
    return np.max(rgb, axis=-1, keepdims=True)


# Intensities for monochrome panels: hierarchy comes from light level and weight.
MONO_ROLES = {"fg": 1.0, "dim": 0.6, "accent": 1.0, "alert": 1.0, "good": 1.0, "off": 0.0}
# Colours for colour panels.
RGB_ROLES = {
    "fg": (1.0, 1.0, 1.0),
    "dim": (0.62, 0.65, 0.7),
    "accent": (0.35, 0.85, 1.0),
    "alert": (1.0, 0.5, 0.2),
    "good": (0.45, 1.0, 0.5),
    "off": (0.0, 0.0, 0.0),
}
# Text sizes in degrees of visual angle: every size stays above the 0.6 deg legibility floor.
SIZE_ROLES_DEG = {"small": 0.7, "body": 0.9, "title": 1.05, "large": 1.5, "display": 2.2}
SIZE_ROLES = tuple(SIZE_ROLES_DEG)


@dataclass(frozen=True)
class Theme:
    """Colours and sizes for one device."""

    device: DeviceProfile

    @property
    def channels(self) -> int:
        return 1 if self.device.colour == "mono" else 3

    def colour(self, value: str | float, brightness: float = 1.0) -> Colour:
        """Resolve a colour field (role, "#rrggbb" or intensity) scaled by `brightness`."""
        return tuple(c * brightness for c in _light(self.channels, value))

    def px(self, length: Length | float | int, reference: float = 0.0) -> float:
        """A length in pixels; percentages are of `reference`."""
        if not isinstance(length, Length):
            return float(length)
        if length.unit == "deg":
            return self.device.deg_to_px(length.value)
        if length.unit == "%":
            return reference * length.value / 100
        return length.value

    def text_px(self, size: Length | str, widget: Declared | None = None, owner: Declared | None = None) -> int:
        """A font size in whole pixels from a role name or a length, at most MAX_FONT_PX: a larger
        one (degrees on a narrow-field display) is an error naming `widget` (or `owner`, the
        declared widget that built it), the size and the limit."""
        if isinstance(size, str):
            px = max(6, round(self.device.deg_to_px(SIZE_ROLES_DEG[size])))
        else:
            px = max(4, round(self.px(size)))
        if px > MAX_FONT_PX:
            raise self._font_too_large(size, px, widget, owner)
        return px

    def _font_too_large(
        self, size: Length | str, px: int, widget: Declared | None, owner: Declared | None
    ) -> FieldError | SceneError:
        shown = f"{size} ({SIZE_ROLES_DEG[size]:g}deg)" if isinstance(size, str) else str(size)
        device, largest = escape(self.device.name), self.device.px_to_deg(MAX_FONT_PX)
        if owner is None or owner.source is None:  # the nearest widget declared in a file or app code
            owner = next((node for node in _ancestry(owner or widget) if node.source is not None), None)
        if owner is None or owner.source is None:
            return FieldError(
                "size",
                f"{shown} is {px:,} px on {device}, over the {MAX_FONT_PX} px limit for text",
                f"use at most {largest:.3g}deg or {MAX_FONT_PX}px on this device",
            )
        label = escape(f"{owner.type_name} '{owner.id}'" if owner.id else owner.type_name)
        if owner is widget:
            problem = f"'size' {shown} is {px:,} px on {device}, over the {MAX_FONT_PX} px limit for text"
            fix = f"use at most {largest:.3g}deg or {MAX_FONT_PX}px on this device"
        else:  # text a composite draws at one of its own sizes
            problem = f"its {shown} text is {px:,} px on {device}, over the {MAX_FONT_PX} px limit for text"
            fix = (
                f"{device} has {self.device.px_per_deg:,.0f} px per degree, so text stops at {largest:.3g}deg: "
                "give the profile a wider fov_diag_deg, or the widget a smaller size where it has one"
            )
        return SceneError(escape(str(owner.source[0])), owner.source[1], label, problem, fix)


def _ancestry(widget: Declared | None) -> Iterator[Declared]:
    """The widget, its parent, and so on up to the root."""
    while widget is not None:
        yield widget
        widget = widget.parent


@lru_cache(maxsize=1024)
def _light(channels: int, value: str | float) -> tuple[float, ...]:
    """The light of a colour field (role, "#rrggbb" or intensity) at full brightness: one value
    on a mono panel, red, green and blue otherwise."""
    if isinstance(value, (int, float)):
        rgb: tuple[float, ...] = (float(value),) * 3
    elif value.startswith("#"):
        rgb = tuple(int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))
    elif channels == 1:
        rgb = (MONO_ROLES[value],) * 3
    else:
        rgb = RGB_ROLES[value]
    if channels == 1:
        return (float(mono_light(np.asarray(rgb))[0]),)
    return rgb
