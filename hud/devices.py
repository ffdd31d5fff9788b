"""Device profiles: data files under hud/devices/, checked against the declarations in TABLES
(the value kinds of hud.fields, which widget fields are declared with too) and loaded into
immutable DeviceProfile objects."""

from __future__ import annotations

import math
import os
import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from hud.errors import DeviceError, escape, suggest
from hud.fields import Bool, Choice, Kind, ListOf, NestedError, Number, Range, Record, Str
from hud.geometry import Edges
from hud.limits import MAX_FPS, MAX_PANEL_PIXELS, MAX_PANEL_SIDE, MAX_SCENE_BYTES
from hud.names import WIDGET_TYPE_NAMES

PROFILE_DIR = Path(__file__).parent / "devices"
DEFAULT_DEVICE = "quark-s1"  # the profile a scene is for unless it names one
EYES = ("left", "right")
# A profile's name becomes part of output paths (out/<scene>-<name>): a short, safe slug.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
MAX_TITLE_CHARS = 200  # title and vendor
MIN_SAFE_SHARE = 0.25  # the safe margins leave at least this share of each side
COLOUR_MODES = ("mono", "rgb")
SPEAKERS = ("none", "mono", "stereo")
LINK_KINDS = ("none", "ble", "wifi")  # none: the glasses render the frames themselves
LINK_EYES = ("parallel", "serial", "once")  # how both eyes' images cross: at once, one after the other, one for both
LINK_UPDATES = ("regions", "full")  # regions: each changed rectangle; full: the whole image on any change
LINK_COMPRESSIONS = ("none", "deflate")
LINK_BITS = (1, 2, 4, 8, 16, 24)  # bits per pixel sent: up to 8 grey or palette indices, 16 RGB565, 24 RGB888
MAX_LINK_BYTES = 1 << 20  # headers and packets of the link format
NOTES_TABLE = "assumed"  # [assumed]: free notes on what a profile had to guess, any keys

Words = Callable[[Any], tuple[str, str] | None]  # a refused value -> (problem, fix); None: the kind's own words
Problem = tuple[tuple[str | int, ...], str, str]  # (key path in the file, problem, fix)
Fail = Callable[[tuple[str | int, ...], str, str], DeviceError]  # a Problem as the error that names file:line


class Key(NamedTuple):
    """One key of a profile table: the kind of value it takes (type, range, choices), whether a
    profile must give it ([display] keys: a profile with a display), and, where the kind's own
    words would not say it well, what a refusal says."""

    kind: Kind
    required: bool = False
    words: Words | None = None


def _says(problem: str, fix: str) -> Words:
    return lambda value: (problem, fix)


def _name_words(value: Any) -> tuple[str, str]:
    return (
        f"name {escape(repr(value))} is not a short name made of letters, digits, '-', '_' and '.' (it becomes "
        "part of output paths)",
        "e.g. name = \"my-glasses\", at most 64 characters, not starting with '.' or '-'",
    )


def _text_words(key: str) -> Words:
    return _says(f"{key} must be text of at most {MAX_TITLE_CHARS} characters", f"shorten the {key}")


def _speak_words(value: Any) -> tuple[str, str] | None:
    """[audio] speak names widget types: the first that is not one, with the closest that is."""
    wrong = next((name for name in value if not isinstance(name, str) or name not in WIDGET_TYPE_NAMES), None)
    if wrong is None:
        return None
    return (
        f"speak lists {escape(repr(wrong))}, which is not a widget type",
        suggest(wrong, WIDGET_TYPE_NAMES, f"use widget types: {', '.join(sorted(WIDGET_TYPE_NAMES))}"),
    )


_PIXELS = ListOf(Number(integer=True), min_items=2, max_items=2)

# Every table of a profile file and every key it may hold (besides [assumed]).
TABLES: dict[str, dict[str, Key]] = {
    "device": {
        "name": Key(Str(pattern=NAME_PATTERN), True, _name_words),
        "title": Key(Str(MAX_TITLE_CHARS), words=_text_words("title")),
        "vendor": Key(Str(MAX_TITLE_CHARS), words=_text_words("vendor")),
        "has_display": Key(Bool(), True),
    },
    "display": {
        "eyes": Key(
            ListOf(Choice(EYES), min_items=1, max_items=len(EYES), unique=True),
            True,
            _says("eyes must list 'left' and/or 'right' once each", 'e.g. eyes = ["left", "right"]'),
        ),
        "width": Key(Number(1, MAX_PANEL_SIDE, integer=True, unit="px"), True),
        "height": Key(Number(1, MAX_PANEL_SIDE, integer=True, unit="px"), True),
        "colour": Key(Choice(COLOUR_MODES), True),
        "fov_diag_deg": Key(Number(1, 170, unit="degrees"), True),
        "refresh_hz": Key(Number(1, MAX_FPS, unit="Hz"), True),
        "wavelength_nm": Key(Number(380, 780, unit="nm (visible light)")),
        "grey_levels": Key(Number(2, 256, integer=True)),
        "max_colours": Key(Number(2, 256, integer=True)),
        "peak_nits": Key(Number(0, 100_000, unit="nits", low_open=True)),
        "image_distance_m": Key(Number(0.1, 100, unit="m")),
        "safe_margin": Key(
            ListOf(Number(0, integer=True), min_items=4, max_items=4),
            words=_says(
                "safe_margin must be 4 non-negative integers (top, right, bottom, left)",
                "e.g. safe_margin = [24, 32, 24, 32]",
            ),
        ),
        "calibration": Key(
            Record({eye: _PIXELS for eye in EYES}),
            words=_says("calibration maps 'left'/'right' to [dx, dy] integer pixels", "e.g. left = [0, 0]"),
        ),
    },
    "optics": {
        "ipd_mm": Key(Number(30, 100, unit="mm")),
        "comfort_min_m": Key(Number(0.1, 100, unit="m")),
    },
    "audio": {
        "speakers": Key(Choice(SPEAKERS)),
        "speak": Key(ListOf(Choice(WIDGET_TYPE_NAMES)), words=_speak_words),
        "max_rate": Key(Number(1, 3, unit="x the voice's normal pace")),
        "skip_behind_s": Key(Number(1, 600, unit="s")),
        "speak_partials": Key(Bool()),
        "partial_delay_s": Key(Number(0, 10, unit="s")),
    },
    # How frames reach the glasses (hud.link): the phone's images over BLE or Wi-Fi, or none.
    "link": {
        "kind": Key(Choice(LINK_KINDS), True),
        "bandwidth": Key(Number(0, 1e10, unit="bytes/s", low_open=True)),
        "latency_ms": Key(Number(0, 60_000, unit="ms")),
        "eyes": Key(Choice(LINK_EYES)),
        "update": Key(Choice(LINK_UPDATES)),
        "image": Key(
            ListOf(Number(1, MAX_PANEL_SIDE, integer=True), min_items=2, max_items=2),
            words=_says("image must be [width, height] in whole pixels", "e.g. image = [576, 136]"),
        ),
        "bits": Key(Number(1, 24, integer=True)),
        "header_bytes": Key(Number(0, MAX_LINK_BYTES, integer=True, unit="bytes")),
        "packet_bytes": Key(Number(0, MAX_LINK_BYTES, integer=True, unit="bytes")),
        "packet_header_bytes": Key(Number(0, 1024, integer=True, unit="bytes")),
        "compression": Key(Choice(LINK_COMPRESSIONS)),
    },
}
# Every number of a profile, by key (section, key), with the range it must be in.
RANGES: dict[tuple[str, str], Range] = {
    (section, key): kind.range
    for section, table in TABLES.items()
    for key, spec in table.items()
    if isinstance(kind := spec.kind, Number)
}
_UNSET = 0  # peak_nits and max_colours: 0 in a profile built in code means "not published" / "no limit"
LINK_UNSET = ("bandwidth", "bits", "packet_bytes")  # 0 in code: no link / the panel's depth / no packets


@dataclass(frozen=True)
class Link:
    """How frames reach the glasses: `kind` "none" where the glasses render them themselves,
    else the phone sends images over "ble" or "wifi" at `bandwidth` bytes/s (each eye's link),
    waiting `latency_ms` per image (an acknowledgement). `update` "full" sends the whole
    `image` ([width, height], default the panel) on any change, "regions" each changed
    rectangle. Pixels go at `bits` per pixel (0: the panel's depth; on colour panels up to 8
    are palette indices, 16 RGB565, 24 RGB888), rows packed to whole bytes, `compression`
    "deflate" (zlib) or "none", after `header_bytes` per image, in packets of `packet_bytes`
    (0: one stream) that each carry `packet_header_bytes`. `eyes` says how two eyes' images
    travel: "parallel" (a link each), "serial" (one after the other) or "once" (one image
    shown on both).

    >>> import hud
    >>> g1 = hud.load_device("even-g1").link
    >>> g1.kind, g1.bandwidth, g1.update, g1.image, g1.bits
    ('ble', 10000.0, 'full', (576, 136), 1)
    >>> hud.load_device("quark-s1").link.kind
    'none'
    """

    kind: str = "none"
    bandwidth: float = 0.0
    latency_ms: float = 0.0
    eyes: str = "parallel"
    update: str = "regions"
    image: tuple[int, ...] = ()
    bits: int = 0
    header_bytes: int = 0
    packet_bytes: int = 0
    packet_header_bytes: int = 0
    compression: str = "none"

    @property
    def summary(self) -> str:
        """One line: kind, bandwidth, latency ("none (renders on the glasses)" without a link)."""
        if self.kind == "none":
            return "none (renders on the glasses)"
        return f"{self.kind}, {self.bandwidth / 1000:g} KB/s, {self.latency_ms:g} ms per image"


NO_LINK = Link()


@dataclass(frozen=True)
class DeviceProfile:
    """Everything the engine knows about one pair of glasses.

    >>> import hud
    >>> s1 = hud.load_device("quark-s1")
    >>> s1.title, s1.width, s1.height, s1.eyes
    ('Quark AI Glasses S1', 640, 480, ('left', 'right'))
    >>> hud.load_device("quark-g1").has_display
    False
    """

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
    comfort_min_m: float = 0.85  # nearest comfortable depth (vergence-accommodation conflict)
    safe_margin: Edges = Edges()
    calibration: tuple[tuple[str, tuple[int, int]], ...] = ()
    speakers: str = "stereo"
    speak: tuple[str, ...] = ()  # widget types spoken on this device even with a display
    max_rate: float = 1.5  # fastest speech, times the voice's normal pace, to keep up with live text
    skip_behind_s: float = 6.0  # live words skip to the newest sentence when this far behind at max_rate
    speak_partials: bool = False  # say a caption's partial result once it stays the same for partial_delay_s
    partial_delay_s: float = 1.0
    link: Link = NO_LINK  # how frames reach the glasses (hud.link); none: they render on the glasses
    assumed: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """A profile built in code is held to the same declarations as a profile file."""
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
    red, green, blue = (round(255 * clamp(c) ** 0.8) for c in (r, g, b))
    return red, green, blue


def builtin_names() -> list[str]:
    """Names of the profiles shipped with the engine.

    >>> import hud
    >>> "quark-s1" in hud.builtin_names() and "quark-g1" in hud.builtin_names()
    True
    """
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def load_device(name_or_path: str | Path | DeviceProfile) -> DeviceProfile:
    """Load a built-in profile by name, or a user's profile from a .toml path.

    >>> import hud
    >>> hud.load_device("quark-s1").refresh_hz > 0
    True

    Your own glasses: `hud.load_device("profiles/my-glasses.toml")` (any path ending in .toml).
    """
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
        hint = suggest(text, names, "see `hud devices`")
        raise DeviceError(f"unknown device '{shown}' ({hint} built-in: {', '.join(names)})")
    return _load_file(PROFILE_DIR / f"{text}.toml")


def _read_profile(path: Path) -> str:
    """The text of a profile file: a regular UTF-8 file within MAX_SCENE_BYTES."""
    shown = escape(str(path))
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        raise DeviceError(
            f"{shown}: device profile file not found (give a built-in name or an existing .toml path)"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise DeviceError(
            f"{shown}: a device profile must be a regular file, not a folder, pipe or device "
            "(give the path of a .toml file)"
        )
    if info.st_size > MAX_SCENE_BYTES:
        raise DeviceError(
            f"{shown}: device profile is {info.st_size:,} bytes, over the {MAX_SCENE_BYTES:,} byte "
            "limit (a profile is a few lines of TOML)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeviceError(
            f"{shown}: cannot read the device profile: {exc.strerror or exc} (check the file's permissions)"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeviceError(f"{shown}:{line}: device profile is not UTF-8 text (save it as UTF-8)") from None


def _load_file(path: Path) -> DeviceProfile:
    from hud.tomlpos import TomlPositions, toml_error_line

    text = _read_profile(path)
    shown = escape(str(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = toml_error_line(str(exc))
        raise DeviceError(
            f"{shown}:{line or 1}: TOML syntax error: {escape(str(exc).split(' (at')[0])} (fix the syntax)"
        ) from None
    positions = TomlPositions(text)

    def fail(keypath: tuple[str | int, ...], problem: str, fix: str) -> DeviceError:
        line = positions.line_of(keypath) or 1
        return DeviceError(f"{shown}:{line}: device profile: {problem} ({fix})")

    values = _checked_tables(data, fail)
    has_display = values["device"]["has_display"]
    if has_display:
        for key, spec in TABLES["display"].items():
            if spec.required and key not in values["display"]:
                raise fail(("display",), f"[display] is missing '{key}'", f"add {key} = ...")
    elif "display" in data:
        raise fail(
            ("display",),
            "a profile with has_display = false has no [display] table",
            "remove [display] or set has_display = true",
        )
    if "link" in data:
        _check_link_table(values["link"], has_display, fail)
    fields = _profile_fields(values)
    fields["assumed"] = tuple(sorted((str(k), str(v)) for k, v in data.get(NOTES_TABLE, {}).items()))
    fields["source"] = str(path)
    problem = profile_problem(fields)
    if problem is not None:
        raise fail(*problem)
    return DeviceProfile(**fields)


def _checked_tables(data: dict[str, Any], fail: Fail) -> dict[str, dict[str, Any]]:
    """The file's tables by their declarations (TABLES), each value converted by its key's kind.
    The first problem is raised through `fail`: unknown tables and keys and values of the wrong
    type anywhere in the file first, then a missing [device] key, then refused values."""
    names = [*TABLES, NOTES_TABLE]
    for section, table in data.items():
        if section not in names:
            raise fail(
                (section,),
                f"unknown table [{escape(section)}]",
                suggest(section, names, f"use one of {', '.join(names)}", quote="[{}]"),
            )
        if not isinstance(table, dict):
            raise fail((section,), f"'{section}' must be a table", f"write it as [{section}]")
        if section == NOTES_TABLE:
            continue
        for key, value in table.items():
            spec = TABLES[section].get(key)
            if spec is None:
                raise fail(
                    (section, key),
                    f"unknown key '{escape(key)}' in [{section}]",
                    suggest(key, TABLES[section], "remove it"),
                )
            types = spec.kind.value_types
            if isinstance(value, bool) and bool not in types or not isinstance(value, types):
                raise fail(
                    (section, key),
                    f"'{key}' must be a {_type_words(types)}, got {escape(_short(value))}",
                    "fix the value",
                )
    if "device" not in data:
        raise fail(("device",), "missing [device] table", "add [device] with name and has_display")
    for key, spec in TABLES["device"].items():
        if spec.required and key not in data["device"]:
            raise fail(("device",), f"[device] is missing '{key}'", f"add {key} = ...")
    values: dict[str, dict[str, Any]] = {}
    for section, table in TABLES.items():
        given = data.get(section, {})
        values[section] = {}
        for key, spec in table.items():
            if key in given:
                converted, problem = _converted(section, key, spec, given[key])
                if problem is not None:
                    raise fail(*problem)
                values[section][key] = converted
    return values


def _converted(section: str, key: str, spec: Key, value: Any) -> tuple[Any, Problem | None]:
    """(`value` as the key's kind converts it, None), or (None, the problem) when the kind refuses it."""
    try:
        return spec.kind.coerce(value), None
    except ValueError as exc:
        below = exc.path if isinstance(exc, NestedError) else ()
        words = (spec.words(value) if spec.words is not None else None) or _kind_words(key, spec.kind, value, exc)
        return None, ((section, key, *below), *words)


def _kind_words(key: str, kind: Kind, value: Any, refusal: ValueError) -> tuple[str, str]:
    """What a profile says when `kind` refuses `value`: a number's range, a choice's choices,
    else the kind's own words."""
    if isinstance(kind, Number):
        return f"{key} must be {kind.range.describe()}, got {value!r}", "fix the value"
    if isinstance(kind, Choice):
        return f"{key} must be one of {', '.join(kind.choices)}, got {escape(repr(value))}", "fix the value"
    return f"'{key}' {refusal.args[0]}", refusal.args[1] if len(refusal.args) > 1 else "fix the value"


def _type_words(types: tuple[type, ...]) -> str:
    return " or ".join(dict.fromkeys("number" if t in (int, float) else t.__name__ for t in types))


def _check_link_table(link: dict[str, Any], has_display: bool, fail: Fail) -> None:
    """A [link] table names its kind; a link that carries images says how fast; only glasses
    with a display have one."""
    if not has_display:
        raise fail(
            ("link",),
            "a profile with has_display = false has no [link] table (there are no frames to send)",
            "remove [link]",
        )
    if "kind" not in link:
        raise fail(("link",), "[link] is missing 'kind'", f"add kind = one of {', '.join(LINK_KINDS)}")
    if link["kind"] != "none" and "bandwidth" not in link:
        raise fail(("link", "kind"), f"a {link['kind']} link needs its bandwidth", "add bandwidth = BYTES_PER_SECOND")


def _profile_fields(values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """DeviceProfile fields from a file's converted tables (a key the file leaves out keeps the
    field's default)."""
    device, display = values["device"], values["display"]
    fields: dict[str, object] = {
        **values["optics"],
        **values["audio"],
        "name": device["name"],
        "title": device.get("title", device["name"]),
        "vendor": device.get("vendor", ""),
        "has_display": device["has_display"],
    }
    if device["has_display"]:
        fields.update(
            {key: value for key, value in display.items() if key not in ("eyes", "safe_margin", "calibration")}
        )
        fields["eyes"] = tuple(eye for eye in EYES if eye in display["eyes"])
        fields["safe_margin"] = Edges(*display.get("safe_margin", (0, 0, 0, 0)))
        fields["calibration"] = tuple(
            sorted((eye, tuple(offset)) for eye, offset in display.get("calibration", {}).items())
        )
    if values["link"]:
        fields["link"] = Link(**values["link"])
    return fields


def profile_problem(values: dict[str, Any]) -> Problem | None:
    """The first value of a profile (DeviceProfile fields by name) that its declaration in TABLES
    refuses or that does not fit the others, as (key path in the file, problem, fix); None when
    every value is allowed. A profile built in code is held to this as a file is."""
    sections = ["device", "optics", "audio"] + (["display"] if values.get("has_display") else [])
    for section in sections:
        for key, spec in TABLES[section].items():
            if key not in values or not isinstance(spec.kind, (Number, Str)):
                continue
            if key in ("peak_nits", "max_colours") and values[key] == _UNSET:
                continue
            problem = _converted(section, key, spec, values[key])[1]
            if problem is not None:
                return problem
    link = values.get("link", NO_LINK)
    if link is not NO_LINK:
        problem = _link_problem(link, values)
        if problem is not None:
            return problem
    if not values.get("has_display"):
        return None
    width, height = int(values.get("width", 0)), int(values.get("height", 0))
    if width * height > MAX_PANEL_PIXELS:
        return (
            ("display", "width"),
            f"a {width}x{height} panel has {width * height:,} pixels, over the limit of {MAX_PANEL_PIXELS:,} per eye",
            "use a smaller width or height",
        )
    margin = values.get("safe_margin", Edges())
    if isinstance(margin, Edges):
        usable_w, usable_h = width - margin.left - margin.right, height - margin.top - margin.bottom
        if min(margin) < 0 or usable_w < width * MIN_SAFE_SHARE or usable_h < height * MIN_SAFE_SHARE:
            return (
                ("display", "safe_margin"),
                f"safe_margin [{margin.top}, {margin.right}, {margin.bottom}, "
                f"{margin.left}] leaves {usable_w}x{usable_h} of the {width}x{height} panel",
                f"margins must be non-negative and leave at least {MIN_SAFE_SHARE:.0%} of each side",
            )
    calibration = values.get("calibration", ())
    for eye, (dx, dy) in calibration if isinstance(calibration, tuple) else ():
        if abs(dx) > width // 2 or abs(dy) > height // 2:
            return (
                ("display", "calibration", eye),
                f"calibration {eye} = [{dx}, {dy}] moves the image by more than half the panel",
                f"keep |dx| <= {width // 2} and |dy| <= {height // 2} px",
            )
    return None


def _link_problem(link: Link, values: dict[str, Any]) -> Problem | None:
    """The first value of a profile's link that its declaration refuses or that does not fit the
    panel, as profile_problem gives it."""
    if not values.get("has_display"):
        return ("link",), "a profile with has_display = false has no link", "drop the link"
    for key, spec in TABLES["link"].items():
        value = getattr(link, key)
        if key in LINK_UNSET and value == _UNSET or not isinstance(spec.kind, (Number, Str, Choice)):
            continue
        problem = _converted("link", key, spec, value)[1]
        if problem is not None:
            return problem
    if link.kind != "none" and not link.bandwidth:
        return ("link", "kind"), f"a {link.kind} link needs its bandwidth", "add bandwidth = BYTES_PER_SECOND"
    if link.bits and link.bits not in LINK_BITS:
        return (
            ("link", "bits"),
            f"bits must be one of {', '.join(map(str, LINK_BITS))}, got {link.bits}",
            "fix the value",
        )
    if link.bits > 8 and values.get("colour", "mono") == "mono":
        return ("link", "bits"), f"bits = {link.bits} is a colour format, and this panel is mono", "use 1, 2, 4 or 8"
    if link.image and (len(link.image) != 2 or min(link.image) < 1):
        return ("link", "image"), "image must be [width, height] in whole pixels", "e.g. image = [576, 136]"
    return None


def _short(value: object) -> str:
    """A value as the file wrote it, cut to one short line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@cache
def default_px_per_deg() -> float:
    """Pixels per degree of the default profile (DEFAULT_DEVICE)."""
    return load_device(DEFAULT_DEVICE).px_per_deg
