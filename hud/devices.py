"""Device profiles: data files under hud/devices/, loaded into immutable DeviceProfile objects."""
from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hud.errors import DeviceError
from hud.geometry import Edges

PROFILE_DIR = Path(__file__).parent / "devices"
EYES = ("left", "right")

# section -> key -> (types, required-when-has-display)
_SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "device": {"name": ((str,), True), "title": ((str,), False), "vendor": ((str,), False),
               "has_display": ((bool,), True)},
    "display": {"eyes": ((list,), True), "width": ((int,), True), "height": ((int,), True),
                "colour": ((str,), True), "wavelength_nm": ((int, float), False),
                "grey_levels": ((int,), False), "max_colours": ((int,), False),
                "fov_diag_deg": ((int, float), True), "refresh_hz": ((int, float), True),
                "peak_nits": ((int, float), False), "image_distance_m": ((int, float), False),
                "safe_margin": ((list,), False), "calibration": ((dict,), False)},
    "optics": {"ipd_mm": ((int, float), False), "comfort_min_m": ((int, float), False)},
    "audio": {"speakers": ((str,), False), "speak": ((list,), False)},
    "assumed": {},
}
COLOUR_MODES = ("mono", "rgb")
SPEAKERS = ("none", "mono", "stereo")


@dataclass(frozen=True)
class DeviceProfile:
    """Everything the engine knows about one pair of glasses."""

    name: str
    title: str
    vendor: str
    has_display: bool
    eyes: tuple[str, ...] = ()
    width: int = 0
    height: int = 0
    colour: str = "mono"
    wavelength_nm: float = 523.0
    grey_levels: int = 256
    max_colours: int = 0
    fov_diag_deg: float = 30.0
    refresh_hz: float = 60.0
    peak_nits: float = 0.0
    image_distance_m: float = 2.0
    ipd_mm: float = 63.0
    comfort_min_m: float = 0.85       # nearest comfortable depth (vergence-accommodation conflict)
    safe_margin: Edges = Edges()
    calibration: tuple[tuple[str, tuple[int, int]], ...] = ()
    speakers: str = "stereo"
    speak: tuple[str, ...] = ()       # widget types spoken on this device even with a display
    assumed: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)

    # -- optics -------------------------------------------------------------------------
    @property
    def focal_px(self) -> float:
        """Distance to the virtual image plane in pixels (pinhole model from the diagonal FOV)."""
        half_diag = math.hypot(self.width, self.height) / 2
        return half_diag / math.tan(math.radians(self.fov_diag_deg) / 2)

    @property
    def px_per_deg(self) -> float:
        """Pixels per degree of visual angle at the centre of the display."""
        return self.focal_px * math.pi / 180

    def deg_to_px(self, deg: float) -> float:
        """Convert a visual angle in degrees to pixels."""
        return deg * self.px_per_deg

    def px_to_deg(self, px: float) -> float:
        """Convert pixels to a visual angle in degrees."""
        return px / self.px_per_deg

    def disparity_px(self, depth_m: float) -> float:
        """Horizontal shift of each eye's image for content at `depth_m`.

        Positive means crossed disparity (nearer than the image plane): the left eye's copy
        moves right and the right eye's copy moves left.
        """
        half_ipd = self.ipd_mm / 2000
        angle = math.atan(half_ipd / depth_m) - math.atan(half_ipd / self.image_distance_m)
        return self.focal_px * math.tan(angle)

    def stereo_shift_px(self, depth_m: float) -> int:
        """Whole-pixel shift of each eye's copy for content at `depth_m` (0 on a display for one
        eye, which has no disparity to give)."""
        if len(self.eyes) < 2:
            return 0
        return round(self.disparity_px(depth_m))

    def eye_offset(self, eye: str) -> tuple[int, int]:
        """Per-eye calibration offset in pixels."""
        return dict(self.calibration).get(eye, (0, 0))

    @property
    def frame_budget_ms(self) -> float:
        return 1000.0 / self.refresh_hz

    @property
    def panel_rgb(self) -> tuple[int, int, int]:
        """The colour a fully lit mono pixel emits, as sRGB; white for colour panels."""
        if self.colour != "mono":
            return (255, 255, 255)
        return wavelength_to_rgb(self.wavelength_nm)

    @property
    def summary(self) -> str:
        if not self.has_display:
            return "no display (audio only)"
        eyes = "both eyes" if len(self.eyes) == 2 else f"{self.eyes[0]} eye"
        if self.colour == "mono":
            colour = f"mono {self.wavelength_nm:g} nm, {self.grey_levels} levels"
        else:
            colour = f"colour, {self.max_colours} colours" if self.max_colours else "colour"
        return f"{self.width}x{self.height} {eyes}, {colour}"


def wavelength_to_rgb(nm: float) -> tuple[int, int, int]:
    """Approximate sRGB colour of monochromatic light (Bruton's piecewise fit), at full value."""
    if nm < 440:
        r, g, b = (440 - nm) / 60, 0.0, 1.0
    elif nm < 490:
        r, g, b = 0.0, (nm - 440) / 50, 1.0
    elif nm < 510:
        r, g, b = 0.0, 1.0, (510 - nm) / 20
    elif nm < 580:
        r, g, b = (nm - 510) / 70, 1.0, 0.0
    elif nm < 645:
        r, g, b = 1.0, (645 - nm) / 65, 0.0
    else:
        r, g, b = 1.0, 0.0, 0.0
    clamp = lambda v: max(0.0, min(1.0, v))  # noqa: E731
    return tuple(round(255 * clamp(c) ** 0.8) for c in (r, g, b))  # type: ignore[return-value]


def builtin_names() -> list[str]:
    """Names of the profiles shipped with the engine."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def load_device(name_or_path: str | Path | DeviceProfile) -> DeviceProfile:
    """Load a built-in profile by name, or a user's profile from a .toml path."""
    if isinstance(name_or_path, DeviceProfile):
        return name_or_path
    text = str(name_or_path)
    path = Path(text)
    if text.endswith(".toml") or path.is_file() or "/" in text:
        if not path.is_file():
            raise DeviceError(f"{text}: device profile file not found (give a built-in name or an existing .toml path)")
        return _load_file(path)
    builtin = PROFILE_DIR / f"{text}.toml"
    if not builtin.is_file():
        names = builtin_names()
        close = difflib.get_close_matches(text, names, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "see `hud devices`"
        raise DeviceError(f"unknown device '{text}' ({hint} built-in: {', '.join(names)})")
    return _load_file(builtin)


def _load_file(path: Path) -> DeviceProfile:
    from hud.tomlpos import TomlPositions, toml_error_line

    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = toml_error_line(str(exc))
        raise DeviceError(f"{path}:{line or 1}: TOML syntax error: {str(exc).split(' (at')[0]} (fix the syntax)") from None
    positions = TomlPositions(text)

    def fail(keypath: tuple[str, ...], problem: str, fix: str) -> DeviceError:
        line = positions.line_of(keypath) or 1
        return DeviceError(f"{path}:{line}: device profile: {problem} ({fix})")

    _check_schema(data, fail)
    device = data.get("device", {})
    has_display = device["has_display"]
    kwargs: dict[str, object] = {
        "name": device["name"], "title": device.get("title", device["name"]),
        "vendor": device.get("vendor", ""), "has_display": has_display,
        "ipd_mm": float(data.get("optics", {}).get("ipd_mm", 63.0)),
        "comfort_min_m": float(data.get("optics", {}).get("comfort_min_m", 0.85)),
        "speakers": data.get("audio", {}).get("speakers", "stereo"),
        "assumed": tuple(sorted((str(k), str(v)) for k, v in data.get("assumed", {}).items())),
        "source": str(path),
    }
    if kwargs["speakers"] not in SPEAKERS:
        raise fail(("audio", "speakers"), f"speakers must be one of {', '.join(SPEAKERS)}", "fix the value")
    kwargs["speak"] = _speak_types(data.get("audio", {}).get("speak", []), fail)
    if has_display:
        kwargs.update(_display_fields(data.get("display", {}), fail))
    elif "display" in data:
        raise fail(("display",), "a profile with has_display = false has no [display] table",
                   "remove [display] or set has_display = true")
    return DeviceProfile(**kwargs)  # type: ignore[arg-type]


def _speak_types(value: list, fail) -> tuple[str, ...]:  # noqa: ANN001
    """[audio] speak: the widget types a display device speaks too (e.g. ["nav_arrow"])."""
    from hud.widgets import WIDGET_TYPES

    for name in value:
        if name not in WIDGET_TYPES:
            close = difflib.get_close_matches(str(name), list(WIDGET_TYPES), n=1)
            raise fail(("audio", "speak"), f"speak lists {name!r}, which is not a widget type",
                       f"did you mean '{close[0]}'?" if close else f"use widget types: {', '.join(sorted(WIDGET_TYPES))}")
    return tuple(value)


def _check_schema(data: dict, fail) -> None:
    for section, table in data.items():
        if section not in _SCHEMA:
            close = difflib.get_close_matches(section, list(_SCHEMA), n=1)
            raise fail((section,), f"unknown table [{section}]",
                       f"did you mean [{close[0]}]?" if close else f"use one of {', '.join(_SCHEMA)}")
        if not isinstance(table, dict):
            raise fail((section,), f"'{section}' must be a table", f"write it as [{section}]")
        if section == "assumed":
            continue
        for key, value in table.items():
            spec = _SCHEMA[section].get(key)
            if spec is None:
                close = difflib.get_close_matches(key, list(_SCHEMA[section]), n=1)
                raise fail((section, key), f"unknown key '{key}' in [{section}]",
                           f"did you mean '{close[0]}'?" if close else "remove it")
            types = spec[0]
            if isinstance(value, bool) and bool not in types or not isinstance(value, types):
                names = " or ".join("number" if t in (int, float) else t.__name__ for t in types)
                raise fail((section, key), f"'{key}' must be a {names}, got {value!r}", "fix the value")
    device = data.get("device")
    if device is None:
        raise fail(("device",), "missing [device] table", "add [device] with name and has_display")
    for key in ("name", "has_display"):
        if key not in device:
            raise fail(("device",), f"[device] is missing '{key}'", f"add {key} = ...")


def _display_fields(display: dict, fail) -> dict[str, object]:
    for key, (_, required) in _SCHEMA["display"].items():
        if required and key not in display:
            raise fail(("display",), f"[display] is missing '{key}'", f"add {key} = ...")
    eyes = display["eyes"]
    if not eyes or len(set(eyes)) != len(eyes) or any(e not in EYES for e in eyes):
        raise fail(("display", "eyes"), "eyes must list 'left' and/or 'right' once each", 'e.g. eyes = ["left", "right"]')
    ordered = tuple(e for e in EYES if e in eyes)
    colour = display["colour"]
    if colour not in COLOUR_MODES:
        raise fail(("display", "colour"), f"colour must be one of {', '.join(COLOUR_MODES)}, got {colour!r}", "fix the value")
    checks = {"width": (1, 8192), "height": (1, 8192), "grey_levels": (2, 256), "max_colours": (0, 256),
              "fov_diag_deg": (1, 170), "refresh_hz": (1, 1000), "wavelength_nm": (380, 780),
              "image_distance_m": (0.1, 100), "peak_nits": (0, 100000)}
    for key, (low, high) in checks.items():
        if key in display and not low <= display[key] <= high:
            raise fail(("display", key), f"{key} must be between {low} and {high}, got {display[key]}", "fix the value")
    margin = display.get("safe_margin", [0, 0, 0, 0])
    if len(margin) != 4 or not all(isinstance(m, int) and m >= 0 for m in margin):
        raise fail(("display", "safe_margin"), "safe_margin must be 4 non-negative integers (top, right, bottom, left)",
                   "e.g. safe_margin = [24, 32, 24, 32]")
    calibration = []
    for eye, offset in display.get("calibration", {}).items():
        valid = isinstance(offset, list) and len(offset) == 2 and all(isinstance(v, int) for v in offset)
        if eye not in EYES or not valid:
            raise fail(("display", "calibration", eye), "calibration maps 'left'/'right' to [dx, dy] integer pixels",
                       "e.g. left = [0, 0]")
        calibration.append((eye, (offset[0], offset[1])))
    return {
        "eyes": ordered, "width": display["width"], "height": display["height"], "colour": colour,
        "wavelength_nm": float(display.get("wavelength_nm", 523.0)),
        "grey_levels": display.get("grey_levels", 256), "max_colours": display.get("max_colours", 0),
        "fov_diag_deg": float(display["fov_diag_deg"]), "refresh_hz": float(display["refresh_hz"]),
        "peak_nits": float(display.get("peak_nits", 0)),
        "image_distance_m": float(display.get("image_distance_m", 2.0)),
        "safe_margin": Edges(*margin), "calibration": tuple(sorted(calibration)),
    }
