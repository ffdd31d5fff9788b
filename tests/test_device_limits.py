"""Device profiles within limits: every number has a range (nan, inf and negatives are refused
with file:line, the key and the range), names are safe slugs for output paths, fonts are capped
in pixels, and the largest panel renders."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from hud import cli
from hud.devices import PROFILE_DIR, RANGES, load_device
from hud.errors import DeviceError, FieldError, HudError, SceneError
from hud.limits import MAX_FONT_PX, MAX_PANEL_PIXELS, MAX_PANEL_SIDE
from hud.renderer import Renderer
from hud.scene import Scene, load_scene
from hud.theme import Theme
from hud.widgets import NavArrow

from paths import ROOT

QUARK_S1 = (PROFILE_DIR / "quark-s1.toml").read_text(encoding="utf-8")


def profile(tmp_path: Path, old: str, new: str, name: str = "p.toml") -> Path:
    assert old in QUARK_S1, old
    path = tmp_path / name
    path.write_text(QUARK_S1.replace(old, new, 1), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(DeviceError) as info:
        load_device(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}:"), message
    return message


def line_of(text: str) -> int:
    """The line of `text` in quark-s1's profile (the edited copies keep the numbering above it)."""
    return QUARK_S1.splitlines().index(text) + 1


# Each key, the line as quark-s1 writes it, and values outside its range.
BAD_NUMBERS = [
    ("width", "width = 640", ["0", "-640", str(MAX_PANEL_SIDE + 1)]),
    ("height", "height = 480", ["0", "-1", str(MAX_PANEL_SIDE + 1)]),
    ("fov_diag_deg", "fov_diag_deg = 30.0", ["nan", "inf", "-inf", "0.0", "-30.0", "180.0", "1e308"]),
    ("refresh_hz", "refresh_hz = 60", ["nan", "inf", "0", "-60", "241"]),
    ("wavelength_nm", "wavelength_nm = 523", ["nan", "0", "-523", "1e9"]),
    ("grey_levels", "grey_levels = 256", ["0", "1", "-2", "257"]),
    ("peak_nits", "peak_nits = 4000", ["nan", "inf", "0", "-4000"]),
    ("image_distance_m", "image_distance_m = 2.0", ["nan", "inf", "0.0", "-2.0"]),
    ("ipd_mm", "ipd_mm = 63.0", ["nan", "inf", "0.0", "-63.0", "1000.0"]),
]


@pytest.mark.parametrize(("key", "line", "value"), [(k, line, v) for k, line, values in BAD_NUMBERS for v in values])
def test_numbers_out_of_range(tmp_path: Path, key: str, line: str, value: str) -> None:
    path = profile(tmp_path, line, f"{key} = {value}")
    message = refused(path)
    allowed = next(r for (section, name), r in RANGES.items() if name == key)
    assert message.startswith(f"{path}:{line_of(line)}: device profile: {key} must be {allowed.describe()}, got "), (
        message
    )


def test_optional_numbers_out_of_range(tmp_path: Path) -> None:
    path = profile(tmp_path, "ipd_mm = 63.0", "ipd_mm = 63.0\ncomfort_min_m = nan")
    assert "comfort_min_m must be at least 0.1 and at most 100 m, got nan" in refused(path)
    path = profile(tmp_path, 'colour = "mono"', 'colour = "rgb"\nmax_colours = 0')
    assert "max_colours must be at least 2 and at most 256" in refused(path)


def test_ranges_read_as_words() -> None:
    assert RANGES[("display", "fov_diag_deg")].describe() == "at least 1 and at most 170 degrees"
    assert RANGES[("display", "refresh_hz")].describe() == "at least 1 and at most 240 Hz"


def test_panel_pixels(tmp_path: Path) -> None:
    path = profile(tmp_path, "width = 640\nheight = 480", f"width = {MAX_PANEL_SIDE}\nheight = {MAX_PANEL_SIDE}")
    message = refused(path)
    assert f"over the limit of {MAX_PANEL_PIXELS:,} per eye" in message
    assert message.startswith(f"{path}:{line_of('width = 640')}:")


def test_largest_panel_loads(tmp_path: Path) -> None:
    height = MAX_PANEL_PIXELS // MAX_PANEL_SIDE
    path = profile(tmp_path, "width = 640\nheight = 480", f"width = {MAX_PANEL_SIDE}\nheight = {height}")
    device = load_device(path)
    assert device.width * device.height <= MAX_PANEL_PIXELS


@pytest.mark.parametrize("margin", ["[-1, 0, 0, 0]", "[0, 300, 0, 300]", "[200, 0, 200, 0]", "[0, 0, 0, 640]"])
def test_safe_margin_leaves_a_usable_area(tmp_path: Path, margin: str) -> None:
    path = profile(tmp_path, "safe_margin = [24, 32, 24, 32]", f"safe_margin = {margin}")
    message = refused(path)
    assert f":{line_of('safe_margin = [24, 32, 24, 32]')}: device profile: safe_margin" in message


@pytest.mark.parametrize("offset", ["[321, 0]", "[0, -241]", "[1000000, 0]"])
def test_calibration_is_bounded(tmp_path: Path, offset: str) -> None:
    path = profile(tmp_path, "left = [0, 0]", f"left = {offset}")
    message = refused(path)
    assert f":{line_of('left = [0, 0]')}: device profile: calibration left" in message
    assert "|dx| <= 320 and |dy| <= 240" in message


@pytest.mark.parametrize(
    "name",
    ["../../etc/evil", ".hidden", "a/b", "a\\\\b", "x" * 65, "", "-rf", "bad\\u001b[2J", "spaced name", "..", "café"],
)
def test_names_are_safe_slugs(tmp_path: Path, name: str) -> None:
    path = profile(tmp_path, 'name = "quark-s1"', f'name = "{name}"')
    message = refused(path)
    line = line_of('name = "quark-s1"')
    assert f":{line}: device profile: name" in message
    assert "\x1b" not in message


@pytest.mark.parametrize("name", ["my-glasses", "G2_proto.v3", "x" * 64, "7"])
def test_good_names(tmp_path: Path, name: str) -> None:
    assert load_device(profile(tmp_path, 'name = "quark-s1"', f'name = "{name}"')).name == name


def test_default_output_path_stays_under_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = profile(tmp_path, 'name = "quark-s1"', 'name = "my-glasses"', "good.toml")
    assert cli.main(["render", str(ROOT / "scenes/navigation.toml"), "--device", str(good)]) == 0
    assert (tmp_path / "out" / "navigation-my-glasses" / "left.png").is_file()
    evil = profile(tmp_path, 'name = "quark-s1"', 'name = "../../escaped"', "evil.toml")
    assert cli.main(["render", str(ROOT / "scenes/navigation.toml"), "--device", str(evil)]) == 2
    assert "name '../../escaped' is not a short name" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["evil.toml", "good.toml", "out"]
    assert os.listdir(tmp_path / "out") == ["navigation-my-glasses"]


def test_profiles_built_in_code_are_checked() -> None:
    with pytest.raises(DeviceError, match="width must be at least 1"):
        dataclasses.replace(load_device("quark-s1"), width=0)
    with pytest.raises(DeviceError, match="fov_diag_deg must be at least 1 and at most 170 degrees, got nan"):
        dataclasses.replace(load_device("quark-s1"), fov_diag_deg=float("nan"))
    assert dataclasses.replace(load_device("quark-s1"), grey_levels=16).grey_levels == 16


# -- the file itself -------------------------------------------------------------------------------
def test_hostile_files(tmp_path: Path) -> None:
    binary = tmp_path / "latin1.toml"
    binary.write_bytes(QUARK_S1.encode("utf-8").replace(b"Alibaba", b"Alib\xe4ba"))
    assert "not UTF-8" in refused(binary)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert "must be a regular file" in refused(folder)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.toml"
        os.mkfifo(fifo)
        assert "must be a regular file" in refused(fifo)
    with pytest.raises(DeviceError, match="NUL byte"):
        load_device("quark\x00s1")


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ('speakers = "stereo"', 'speakers = "stereo"\nspeak = [{ a = 1 }]', "which is not a widget type"),
        ('eyes = ["left", "right"]', 'eyes = [["left"], "right"]', "eyes must list"),
        ('eyes = ["left", "right"]', "eyes = [{ x = 1 }]", "eyes must list"),
        ("safe_margin = [24, 32, 24, 32]", "safe_margin = [true, 32, 24, 32]", "safe_margin must be 4 non-negative"),
        ("left = [0, 0]", "left = [true, 0]", "calibration maps"),
        ('title = "Quark AI Glasses S1"', f'title = "{"t" * 201}"', "title must be text of at most 200"),
    ],
)
def test_odd_values_are_one_line(tmp_path: Path, old: str, new: str, says: str) -> None:
    assert says in refused(profile(tmp_path, old, new))


def test_builtin_profiles_stay_valid() -> None:
    from hud.devices import builtin_names

    for name in builtin_names():
        assert load_device(name).name == name


# -- fonts in pixels -------------------------------------------------------------------------------
NARROW = """[device]
name = "narrow"
has_display = true

[display]
eyes = ["left", "right"]
width = 640
height = 480
colour = "mono"
fov_diag_deg = 2.0
refresh_hz = 60
"""


def test_font_size_in_degrees_is_capped_in_pixels(tmp_path: Path) -> None:
    device_path = tmp_path / "narrow.toml"
    device_path.write_text(NARROW, encoding="utf-8")
    scene_path = tmp_path / "big.toml"
    scene_path.write_text(
        '[scene]\ndevice = "quark-s1"\n\n[[widgets]]\ntype = "text"\nid = "headline"\ntext = "Hi"\nsize = "15deg"\n',
        encoding="utf-8",
    )
    device = load_device(device_path)
    with pytest.raises(SceneError) as info:
        Renderer(load_scene(scene_path), device).frame(0.0)
    message = str(info.value)
    px = round(device.deg_to_px(15))
    assert message.startswith(
        f"{scene_path}:4: text 'headline': 'size' 15deg is {px:,} px on narrow, over the "
        f"{MAX_FONT_PX} px limit for text (use at most "
    ), message


def test_font_cap_names_the_composite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    device_path = tmp_path / "narrow.toml"
    device_path.write_text(NARROW, encoding="utf-8")
    assert (
        cli.main(
            [
                "render",
                str(ROOT / "scenes/navigation.toml"),
                "--device",
                str(device_path),
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert "nav_arrow 'next-turn': its " in err and f"over the {MAX_FONT_PX} px limit for text" in err, err
    assert "wider fov_diag_deg" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_font_cap_without_a_widget() -> None:
    narrow = dataclasses.replace(load_device("quark-s1"), fov_diag_deg=2.0)
    theme = Theme(narrow)
    assert theme.text_px("small") <= MAX_FONT_PX
    with pytest.raises(FieldError, match=f"over the {MAX_FONT_PX} px limit"):
        theme.text_px("display")


def test_font_cap_of_a_composite_with_no_source_is_a_hud_error() -> None:
    narrow = dataclasses.replace(load_device("quark-s1"), fov_diag_deg=2.0)
    arrow = NavArrow(maneuver="left", street="Main", distance_m=100)
    arrow.source = None  # built by hud itself: no file or line
    with pytest.raises(HudError, match=f"over the {MAX_FONT_PX} px limit for text"):
        Renderer(Scene(arrow), narrow).frame(0.0)
