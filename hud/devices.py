"""Device profiles: data files under hud/devices/, loaded into immutable DeviceProfile objects."""
from __future__ import annotations

import difflib
import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from hud.errors import DeviceError, escape
from hud.geometry import Edges
from hud.limits import MAX_FPS, MAX_PANEL_PIXELS, MAX_PANEL_SIDE, MAX_SCENE_BYTES

PROFILE_DIR = Path(__file__).parent / "devices"
DEFAULT_DEVICE = "quark-s1"   # the profile a scene is for unless it names one
EYES = ("left", "right")
# A profile's name becomes part of output paths (out/<scene>-<name>): a short, safe slug.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
MAX_TITLE_CHARS = 200            # title and vendor
MIN_SAFE_SHARE = 0.25            # the safe margins leave at least this share of each side


class Range(NamedTuple):
    """The values a number may take: low..high, each end included unless it is open."""

    low: float
    high: float
    unit: str = ""
    low_open: bool = False
    high_open: bool = False

    def allows(self, value: float) -> bool:
        try:
            if not math.isfinite(value):
                return False
        except OverflowError:        # an integer too large for a float
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self) -> str:
        low = f"above {self.low:g}" if self.low_open else f"at least {self.low:g}"
        high = f"below {self.high:g}" if self.high_open else f"at most {self.high:g}"
        return f"{low} and {high}{' ' + self.unit if self.unit else ''}"


# Every number of a profile, by key (section, key), with the range it must be in.
RANGES: dict[tuple[str, str], Range] = {
    ("display", "width"): Range(1, MAX_PANEL_SIDE, "px"),
    ("display", "height"): Range(1, MAX_PANEL_SIDE, "px"),
    ("display", "fov_diag_deg"): Range(1, 170, "degrees"),
    ("display", "refresh_hz"): Range(1, MAX_FPS, "Hz"),
    ("display", "wavelength_nm"): Range(380, 780, "nm (visible light)"),
    ("display", "grey_levels"): Range(2, 256),
    ("display", "max_colours"): Range(2, 256),
    ("display", "peak_nits"): Range(0, 100_000, "nits", low_open=True),
    ("display", "image_distance_m"): Range(0.1, 100, "m"),
    ("optics", "ipd_mm"): Range(30, 100, "mm"),
    ("optics", "comfort_min_m"): Range(0.1, 100, "m"),
    ("audio", "max_rate"): Range(1, 3, "x the voice's normal pace"),
    ("audio", "skip_behind_s"): Range(1, 600, "s"),
    ("audio", "partial_delay_s"): Range(0, 10, "s"),
}

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
    "audio": {"speakers": ((str,), False), "speak": ((list,), False), "max_rate": ((int, float), False),
              "skip_behind_s": ((int, float), False), "speak_partials": ((bool,), False),
              "partial_delay_s": ((int, float), False)},
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
    max_rate: float = 1.5             # fastest speech, times the voice's normal pace, to keep up with live text
    skip_behind_s: float = 6.0        # live words skip to the newest sentence when this far behind at max_rate
    speak_partials: bool = False      # say a caption's partial result once it stays the same for partial_delay_s
    partial_delay_s: float = 1.0
    assumed: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """A profile built in code is held to the same ranges as a profile file."""
        problem = profile_problem({name: getattr(self, name) for name in self.__dataclass_fields__})
        if problem is not None:
            raise DeviceError(f"device profile: {problem[1]} ({problem[2]})")

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
    text = os.fspath(name_or_path)
    shown = escape(text)
    if "\x00" in text:
        raise DeviceError(f"device '{shown}': the name contains a NUL byte (give a built-in name or a .toml path)")
    path = Path(text)
    if text.endswith(".toml") or os.sep in text or "/" in text or path.is_file():
        return _load_file(path)
    if not NAME_PATTERN.fullmatch(text) or not (PROFILE_DIR / f"{text}.toml").is_file():
        names = builtin_names()
        close = difflib.get_close_matches(text, names, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "see `hud devices`"
        raise DeviceError(f"unknown device '{shown}' ({hint} built-in: {', '.join(names)})")
    return _load_file(PROFILE_DIR / f"{text}.toml")


def _read_profile(path: Path) -> str:
    """The text of a profile file: a regular UTF-8 file within MAX_SCENE_BYTES."""
    shown = escape(str(path))
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        raise DeviceError(f"{shown}: device profile file not found (give a built-in name or an existing "
                          ".toml path)") from None
    if not stat.S_ISREG(info.st_mode):
        raise DeviceError(f"{shown}: a device profile must be a regular file, not a folder, pipe or device "
                          "(give the path of a .toml file)")
    if info.st_size > MAX_SCENE_BYTES:
        raise DeviceError(f"{shown}: device profile is {info.st_size:,} bytes, over the {MAX_SCENE_BYTES:,} byte "
                          "limit (a profile is a few lines of TOML)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeviceError(f"{shown}: cannot read the device profile: {exc.strerror or exc} "
                          "(check the file's permissions)") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DeviceError(f"{shown}:{line}: device profile is not UTF-8 text (save it as UTF-8)") from None


def _load_file(path: Path) -> DeviceProfile:
    from hud.tomlpos import TomlPositions, toml_error_line

    text = _read_profile(path)
    shown = escape(str(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = toml_error_line(str(exc))
        raise DeviceError(f"{shown}:{line or 1}: TOML syntax error: {escape(str(exc).split(' (at')[0])} "
                          "(fix the syntax)") from None
    positions = TomlPositions(text)

    def fail(keypath: tuple[str, ...], problem: str, fix: str) -> DeviceError:
        line = positions.line_of(keypath) or 1
        return DeviceError(f"{shown}:{line}: device profile: {problem} ({fix})")

    _check_schema(data, fail)
    _check_numbers(data, fail)
    device = data.get("device", {})
    has_display = device["has_display"]
    optics = data.get("optics", {})
    kwargs: dict[str, object] = {
        "name": device["name"], "title": device.get("title", device["name"]),
        "vendor": device.get("vendor", ""), "has_display": has_display,
        "ipd_mm": float(optics.get("ipd_mm", 63.0)),
        "comfort_min_m": float(optics.get("comfort_min_m", 0.85)),
        "speakers": data.get("audio", {}).get("speakers", "stereo"),
        "max_rate": float(data.get("audio", {}).get("max_rate", 1.5)),
        "skip_behind_s": float(data.get("audio", {}).get("skip_behind_s", 6.0)),
        "speak_partials": data.get("audio", {}).get("speak_partials", False),
        "partial_delay_s": float(data.get("audio", {}).get("partial_delay_s", 1.0)),
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
    problem = profile_problem(kwargs)
    if problem is not None:
        raise fail(*problem)
    return DeviceProfile(**kwargs)  # type: ignore[arg-type]


def profile_problem(values: dict[str, object]) -> tuple[tuple[str, ...], str, str] | None:
    """The first value of a profile (DeviceProfile fields by name) outside its range, as
    (key path in the file, problem, fix); None when every value is allowed."""
    name, title, vendor = values.get("name", ""), values.get("title", ""), values.get("vendor", "")
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        return (("device", "name"), f"name {escape(repr(name))} is not a short name made of letters, digits, "
                "'-', '_' and '.' (it becomes part of output paths)",
                "e.g. name = \"my-glasses\", at most 64 characters, not starting with '.' or '-'")
    for key, text in (("title", title), ("vendor", vendor)):
        if not isinstance(text, str) or len(text) > MAX_TITLE_CHARS:
            return (("device", key), f"{key} must be text of at most {MAX_TITLE_CHARS} characters",
                    f"shorten the {key}")
    keys = [("optics", "ipd_mm"), ("optics", "comfort_min_m"), *(key for key in RANGES if key[0] == "audio")]
    if values.get("has_display"):
        keys += [key for key in RANGES if key[0] == "display"]
    for section, key in keys:
        value = values.get(key)
        if key in ("peak_nits", "max_colours") and value == 0:   # 0: not published / no limit
            continue
        allowed = RANGES[(section, key)]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not allowed.allows(value):
            return ((section, key), f"{key} must be {allowed.describe()}, got {value!r}", "fix the value")
    if not values.get("has_display"):
        return None
    width, height = int(values.get("width", 0)), int(values.get("height", 0))  # type: ignore[call-overload]
    if width * height > MAX_PANEL_PIXELS:
        return (("display", "width"), f"a {width}x{height} panel has {width * height:,} pixels, over the limit of "
                f"{MAX_PANEL_PIXELS:,} per eye", "use a smaller width or height")
    margin = values.get("safe_margin", Edges())
    if isinstance(margin, Edges):
        usable_w, usable_h = width - margin.left - margin.right, height - margin.top - margin.bottom
        if min(margin) < 0 or usable_w < width * MIN_SAFE_SHARE or usable_h < height * MIN_SAFE_SHARE:
            return (("display", "safe_margin"), f"safe_margin [{margin.top}, {margin.right}, {margin.bottom}, "
                    f"{margin.left}] leaves {usable_w}x{usable_h} of the {width}x{height} panel",
                    f"margins must be non-negative and leave at least {MIN_SAFE_SHARE:.0%} of each side")
    for eye, (dx, dy) in values.get("calibration", ()):  # type: ignore[misc]
        if abs(dx) > width // 2 or abs(dy) > height // 2:
            return (("display", "calibration", eye), f"calibration {eye} = [{dx}, {dy}] moves the image by more "
                    f"than half the panel", f"keep |dx| <= {width // 2} and |dy| <= {height // 2} px")
    return None


def _speak_types(value: list, fail) -> tuple[str, ...]:  # noqa: ANN001
    """[audio] speak: the widget types a display device speaks too (e.g. ["nav_arrow"])."""
    from hud.widgets import WIDGET_TYPES

    for name in value:
        if not isinstance(name, str) or name not in WIDGET_TYPES:
            close = difflib.get_close_matches(str(name), list(WIDGET_TYPES), n=1)
            raise fail(("audio", "speak"), f"speak lists {escape(repr(name))}, which is not a widget type",
                       f"did you mean '{close[0]}'?" if close else f"use widget types: {', '.join(sorted(WIDGET_TYPES))}")
    return tuple(value)


def _check_schema(data: dict, fail) -> None:  # noqa: ANN001
    for section, table in data.items():
        if section not in _SCHEMA:
            close = difflib.get_close_matches(section, list(_SCHEMA), n=1)
            raise fail((section,), f"unknown table [{escape(section)}]",
                       f"did you mean [{close[0]}]?" if close else f"use one of {', '.join(_SCHEMA)}")
        if not isinstance(table, dict):
            raise fail((section,), f"'{section}' must be a table", f"write it as [{section}]")
        if section == "assumed":
            continue
        for key, value in table.items():
            spec = _SCHEMA[section].get(key)
            if spec is None:
                close = difflib.get_close_matches(key, list(_SCHEMA[section]), n=1)
                raise fail((section, key), f"unknown key '{escape(key)}' in [{section}]",
                           f"did you mean '{close[0]}'?" if close else "remove it")
            types = spec[0]
            if isinstance(value, bool) and bool not in types or not isinstance(value, types):
                names = " or ".join("number" if t in (int, float) else t.__name__ for t in types)
                raise fail((section, key), f"'{key}' must be a {names}, got {escape(_short(value))}", "fix the value")
    device = data.get("device")
    if device is None:
        raise fail(("device",), "missing [device] table", "add [device] with name and has_display")
    for key in ("name", "has_display"):
        if key not in device:
            raise fail(("device",), f"[device] is missing '{key}'", f"add {key} = ...")


def _check_numbers(data: dict, fail) -> None:  # noqa: ANN001
    """Every number the file gives, against its range (nan and inf are never allowed)."""
    for (section, key), allowed in RANGES.items():
        value = data.get(section, {}).get(key)
        if value is not None and not allowed.allows(value):
            raise fail((section, key), f"{key} must be {allowed.describe()}, got {value!r}", "fix the value")


def _display_fields(display: dict, fail) -> dict[str, object]:  # noqa: ANN001
    for key, (_, required) in _SCHEMA["display"].items():
        if required and key not in display:
            raise fail(("display",), f"[display] is missing '{key}'", f"add {key} = ...")
    eyes = display["eyes"]
    if not eyes or not all(isinstance(e, str) and e in EYES for e in eyes) or len(set(eyes)) != len(eyes):
        raise fail(("display", "eyes"), "eyes must list 'left' and/or 'right' once each", 'e.g. eyes = ["left", "right"]')
    ordered = tuple(e for e in EYES if e in eyes)
    colour = display["colour"]
    if colour not in COLOUR_MODES:
        raise fail(("display", "colour"), f"colour must be one of {', '.join(COLOUR_MODES)}, got "
                   f"{escape(repr(colour))}", "fix the value")
    margin = display.get("safe_margin", [0, 0, 0, 0])
    if len(margin) != 4 or not all(isinstance(m, int) and not isinstance(m, bool) and m >= 0 for m in margin):
        raise fail(("display", "safe_margin"), "safe_margin must be 4 non-negative integers (top, right, bottom, left)",
                   "e.g. safe_margin = [24, 32, 24, 32]")
    calibration = []
    for eye, offset in display.get("calibration", {}).items():
        valid = isinstance(offset, list) and len(offset) == 2 and all(
            isinstance(v, int) and not isinstance(v, bool) for v in offset)
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


def _short(value: object) -> str:
    """A value as the file wrote it, cut to one short line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@cache
def default_px_per_deg() -> float:
    """Pixels per degree of the default profile (DEFAULT_DEVICE)."""
    return load_device(DEFAULT_DEVICE).px_per_deg
