"""Tests for device profiles: loading, published values, optics and stereo geometry."""

from __future__ import annotations

import dataclasses
import math
from itertools import pairwise
from pathlib import Path

import pytest

from hud.devices import PROFILE_DIR, DeviceProfile, builtin_names, load_device, wavelength_to_rgb
from hud.errors import DeviceError
from hud.geometry import Edges

QUARK_S1 = (PROFILE_DIR / "quark-s1.toml").read_text(encoding="utf-8")


def test_builtin_names_match_profile_files() -> None:
    """Every .toml in the profile folder is listed, and the two Quark models are among them."""
    names = builtin_names()
    assert names == sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))
    assert {"quark-s1", "quark-g1", "meta-ray-ban-display"} <= set(names)


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_profile_loads(name: str) -> None:
    """Each shipped profile loads, is named after its file and is internally consistent."""
    device = load_device(name)
    assert isinstance(device, DeviceProfile)
    assert device.name == name
    assert device.source.endswith(f"{name}.toml")
    if device.has_display:
        assert device.width > 0 and device.height > 0
        assert device.eyes and set(device.eyes) <= {"left", "right"}
        assert device.colour in ("mono", "rgb")
        assert 2 <= device.grey_levels <= 256
        assert device.px_per_deg > 0
        margin = device.safe_margin
        assert margin.horizontal < device.width and margin.vertical < device.height
    else:
        assert device.eyes == ()


def test_quark_s1_values() -> None:
    """The primary target's numbers, as written in its profile."""
    device = load_device("quark-s1")
    assert device.has_display
    assert (device.width, device.height) == (640, 480)
    assert device.colour == "mono"
    assert device.wavelength_nm == 523
    assert device.grey_levels == 256
    assert device.fov_diag_deg == 30
    assert device.refresh_hz == 60
    assert device.peak_nits == 4000
    assert device.ipd_mm == 63
    assert device.image_distance_m == 2
    assert device.eyes == ("left", "right")
    assert device.safe_margin == Edges(24, 32, 24, 32)
    assert device.frame_budget_ms == pytest.approx(1000 / 60)
    assert device.summary == "640x480 both eyes, mono 523 nm, 256 levels"


def test_quark_s1_assumed_values_are_listed() -> None:
    """Unpublished values are flagged with a reason, so nobody mistakes them for specs."""
    assumed = dict(load_device("quark-s1").assumed)
    for key in ("width", "colour", "fov_diag_deg", "refresh_hz"):
        assert key in assumed
        assert assumed[key].strip()


def test_quark_g1_has_no_display() -> None:
    device = load_device("quark-g1")
    assert device.has_display is False
    assert device.eyes == ()
    assert device.summary == "no display (audio only)"


@pytest.mark.parametrize("deg", [0.0, 0.6, 1.0, 12.5, -3.0])
def test_deg_px_round_trip(deg: float) -> None:
    device = load_device("quark-s1")
    assert device.px_to_deg(device.deg_to_px(deg)) == pytest.approx(deg)
    assert device.deg_to_px(deg) == pytest.approx(deg * device.px_per_deg)


def test_px_per_deg_of_meta_ray_ban_display_matches_published_figure() -> None:
    """Meta publishes 42 px/deg for 600x600 over 20 deg."""
    assert load_device("meta-ray-ban-display").px_per_deg == pytest.approx(42, abs=0.5)


def test_px_per_deg_follows_pinhole_model() -> None:
    """Centre resolution from the diagonal FOV: half-diagonal / tan(half-FOV), per radian."""
    device = load_device("quark-s1")
    focal = math.hypot(640, 480) / 2 / math.tan(math.radians(15))
    assert device.focal_px == pytest.approx(focal)
    assert device.px_per_deg == pytest.approx(focal * math.pi / 180)
    # Small-angle sanity: about 800 px over 30 deg of diagonal.
    assert 25 < device.px_per_deg < 28


def test_disparity_zero_at_image_distance() -> None:
    device = load_device("quark-s1")
    assert device.disparity_px(device.image_distance_m) == pytest.approx(0, abs=1e-9)


def test_disparity_sign_nearer_and_farther() -> None:
    """Nearer than the image plane: crossed (positive); farther: uncrossed (negative)."""
    device = load_device("quark-s1")
    assert device.disparity_px(1.0) > 0
    assert device.disparity_px(0.5) > 0
    assert device.disparity_px(5.0) < 0
    assert device.disparity_px(100.0) < 0


def test_disparity_grows_as_depth_shrinks() -> None:
    device = load_device("quark-s1")
    depths = [50.0, 10.0, 4.0, 2.0, 1.5, 1.0, 0.7, 0.5, 0.3]
    values = [device.disparity_px(d) for d in depths]
    assert all(a < b for a, b in pairwise(values))


def test_disparity_matches_geometry() -> None:
    """Half-IPD vergence angle difference projected through the focal length."""
    device = load_device("quark-s1")
    half = 0.063 / 2
    expected = device.focal_px * math.tan(math.atan(half / 1.0) - math.atan(half / 2.0))
    assert device.disparity_px(1.0) == pytest.approx(expected)
    assert 20 < device.disparity_px(1.0) < 27


def test_profiles_are_immutable() -> None:
    device = load_device("quark-s1")
    assert dataclasses.is_dataclass(device)
    with pytest.raises(dataclasses.FrozenInstanceError):
        device.width = 1280  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        device.ipd_mm = 70.0  # type: ignore[misc]
    assert load_device("quark-s1").width == 640


def test_load_device_passes_profiles_through() -> None:
    device = load_device("quark-s1")
    assert load_device(device) is device


def test_load_device_from_path(tmp_path: Path) -> None:
    """A user's profile file loads by path (str or Path) with its own values."""
    text = QUARK_S1.replace('name = "quark-s1"', 'name = "my-glasses"').replace("width = 640", "width = 800")
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    for where in (path, str(path)):
        device = load_device(where)
        assert device.name == "my-glasses"
        assert device.width == 800
        assert device.height == 480
        assert device.source == str(path)


def test_load_device_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DeviceError, match="not found"):
        load_device(tmp_path / "nope.toml")


def test_unknown_name_suggests_close_name() -> None:
    with pytest.raises(DeviceError) as info:
        load_device("quark-s2")
    message = str(info.value)
    assert "quark-s2" in message
    assert "did you mean 'quark-s1'?" in message


def test_unknown_key_in_profile_is_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(QUARK_S1.replace("refresh_hz = 60", "refresh_hzz = 60"), encoding="utf-8")
    with pytest.raises(DeviceError) as info:
        load_device(path)
    line = QUARK_S1.splitlines().index("refresh_hz = 60") + 1
    assert f"bad.toml:{line}:" in str(info.value)
    assert "did you mean 'refresh_hz'?" in str(info.value)


def test_wavelength_523_is_green_dominant() -> None:
    r, g, b = wavelength_to_rgb(523)
    assert g == 255
    assert g > 2 * r and g > 2 * b


def test_wavelength_to_rgb_spectrum_ends() -> None:
    """Blue at short wavelengths, red at long ones."""
    r, g, b = wavelength_to_rgb(460)
    assert b == 255 and b > r and b > g
    r, g, b = wavelength_to_rgb(650)
    assert r == 255 and g == 0 and b == 0


def test_panel_rgb_mono_uses_wavelength_and_colour_is_white() -> None:
    assert load_device("quark-s1").panel_rgb == wavelength_to_rgb(523)
    assert load_device("meta-ray-ban-display").panel_rgb == (255, 255, 255)


# -- the declarations every profile is checked against --------------------------------------------
def profile_file(tmp_path: Path, old: str, new: str) -> Path:
    assert old in QUARK_S1, old
    path = tmp_path / "p.toml"
    path.write_text(QUARK_S1.replace(old, new, 1), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(DeviceError) as info:
        load_device(path)
    return str(info.value)


def test_speak_names_the_widget_types_without_importing_them() -> None:
    """[audio] speak is checked against the names in hud.names, which are the registered types."""
    from hud.names import WIDGET_TYPE_NAMES
    from hud.widgets import WIDGET_TYPES

    assert sorted(WIDGET_TYPE_NAMES) == sorted(WIDGET_TYPES)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            'colour = "mono"',
            'colour = "green"',
            "device profile: colour must be one of mono, rgb, got 'green' (fix the value)",
        ),
        ('speakers = "stereo"', 'speakers = "loud"', "speakers must be one of none, mono, stereo, got 'loud'"),
        (
            'speakers = "stereo"',
            'speakers = "stereo"\nspeak = ["zzzz"]',
            "speak lists 'zzzz', which is not a widget type (use widget types: caption, column, ",
        ),
        ("ipd_mm = 63.0", 'ipd_mm = "wide"', "device profile: 'ipd_mm' must be a number, got 'wide' (fix the value)"),
        ("width = 640", "width = 640.5", "'width' must be a number, got 640.5"),
        ('eyes = ["left", "right"]', "eyes = []", "eyes must list 'left' and/or 'right' once each"),
        ('eyes = ["left", "right"]', 'eyes = ["left", "left"]', "eyes must list 'left' and/or 'right' once each"),
        ("safe_margin = [24, 32, 24, 32]", "safe_margin = [24, 32, 24]", "safe_margin must be 4 non-negative integers"),
        ("left = [0, 0]", "middle = [0, 0]", "calibration maps 'left'/'right' to [dx, dy] integer pixels"),
        ("[display]", "[displays]", "unknown table [displays] (did you mean [display]?)"),
        ("[display]", "[screen]", "unknown table [screen] (use one of device, display, optics, audio, link, assumed)"),
    ],
)
def test_each_key_is_checked_by_its_declaration(tmp_path: Path, old: str, new: str, says: str) -> None:
    message = refusal(profile_file(tmp_path, old, new))
    line = QUARK_S1.splitlines().index(old) + 1 + new.count("\n")  # the line `new` ends on
    assert says in message and "\n" not in message, message
    assert f"p.toml:{line}: device profile: " in message, message


def test_profiles_built_in_code_are_checked_by_the_same_declarations() -> None:
    quark = load_device("quark-s1")
    with pytest.raises(DeviceError, match=r"^device profile: width must be at least 1 and at most 4096 px, got 'x' "):
        dataclasses.replace(quark, width="x")
    with pytest.raises(DeviceError, match=r"^device profile: name '\.\./x' is not a short name"):
        dataclasses.replace(quark, name="../x")
    with pytest.raises(DeviceError, match=r"^device profile: vendor must be text of at most 200 characters"):
        dataclasses.replace(quark, vendor="v" * 201)
    assert dataclasses.replace(quark, peak_nits=0.0).peak_nits == 0.0  # 0: not published
