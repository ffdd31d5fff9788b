"""Theme: colour roles and text size roles, resolved for one device profile."""
from __future__ import annotations

from dataclasses import dataclass

from hud.devices import DeviceProfile
from hud.geometry import Length

Colour = tuple[float, ...]  # one channel (mono intensity) or three (linear-ish RGB), 0..1

# Intensities for monochrome panels: hierarchy comes from light level and weight.
MONO_ROLES = {"fg": 1.0, "dim": 0.6, "accent": 1.0, "alert": 1.0, "good": 1.0, "off": 0.0}
# Colours for colour panels.
RGB_ROLES = {
    "fg": (1.0, 1.0, 1.0), "dim": (0.62, 0.65, 0.7), "accent": (0.35, 0.85, 1.0),
    "alert": (1.0, 0.5, 0.2), "good": (0.45, 1.0, 0.5), "off": (0.0, 0.0, 0.0),
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
        if isinstance(value, (int, float)):
            rgb = (float(value),) * 3
        elif value.startswith("#"):
            rgb = tuple(int(value[i:i + 2], 16) / 255 for i in (1, 3, 5))
        elif self.channels == 1:
            rgb = (MONO_ROLES[value],) * 3
        else:
            rgb = RGB_ROLES[value]
        if self.channels == 1:
            # A mono panel lights a pixel as bright as the colour's brightest channel.
            return (max(rgb) * brightness,)
        return tuple(c * brightness for c in rgb)

    def px(self, length: Length | float | int, reference: float = 0.0) -> float:
        """A length in pixels; percentages are of `reference`."""
        if not isinstance(length, Length):
            return float(length)
        if length.unit == "deg":
            return self.device.deg_to_px(length.value)
        if length.unit == "%":
            return reference * length.value / 100
        return length.value

    def text_px(self, size: Length | str) -> int:
        """A font size in whole pixels from a role name or a length."""
        if isinstance(size, str):
            return max(6, round(self.device.deg_to_px(SIZE_ROLES_DEG[size])))
        return max(4, round(self.px(size)))
