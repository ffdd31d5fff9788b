"""The device link: profiles' [link] tables, the bytes and time a frame takes on the link
(hand-computed for 1-bit packing, zlib for deflate), frames missed while it is busy in the
profiler, the lint rule, and the emulator keeping to the link's pace."""

from __future__ import annotations

import dataclasses
import json
import math
import zlib
from pathlib import Path

import numpy as np
import pytest

import hud
from hud.devices import NO_LINK, PROFILE_DIR, DeviceProfile, Link, load_device
from hud.errors import DeviceError
from hud.geometry import Rect
from hud.link import changed_regions, pack_rows, transfer
from hud.lint import lint
from hud.profile import Profiler
from hud.renderer import Renderer

from cli_support import hud as hud_cli
from paths import LINT_FIXTURES

FADE = LINT_FIXTURES / "link-trips.toml"  # a notification fading in over 300 ms at 1 s, on even-g1
NO_FADE = LINT_FIXTURES / "link-clean.toml"
G1_IMAGE_BYTES = 576 * 136 // 8  # 1-bit rows of 72 bytes
G1_EYE_BYTES = 9968  # 74 header + 9792 pixels = 9866 in 51 packets of 194, 2 bytes each: + 102


def with_link(name: str, **fields: object) -> DeviceProfile:
    """A built-in profile with its link changed."""
    device = load_device(name)
    return dataclasses.replace(device, link=dataclasses.replace(device.link, **fields))


def dark(device: DeviceProfile) -> dict[str, np.ndarray]:
    shape = (device.height, device.width) + ((3,) if device.colour == "rgb" else ())
    return {eye: np.zeros(shape, np.uint8) for eye in device.eyes}


# -- profiles ---------------------------------------------------------------------------------


def test_builtin_links() -> None:
    """Glasses that render themselves have none; the Even G1 takes whole 1-bit 576x136 images
    over BLE; every assumed link value has its reason in [assumed]."""
    assert load_device("quark-s1").link.kind == "none"
    assert load_device("meta-ray-ban-display").link.kind == "none"
    assert load_device("quark-g1").link is NO_LINK
    g1 = load_device("even-g1").link
    assert (g1.kind, g1.bandwidth, g1.latency_ms, g1.update, g1.image, g1.bits) == (
        "ble",
        10000.0,
        176.0,
        "full",
        (576, 136),
        1,
    )
    assert (g1.packet_bytes, g1.packet_header_bytes, g1.compression) == (194, 2, "none")
    for name in ("even-g1", "even-g2", "frame", "vuzix-z100"):
        device = load_device(name)
        assert device.link.kind == "ble" and device.link.bandwidth > 0
        assert "link_bandwidth" in dict(device.assumed), name
    assert "link_kind" in dict(load_device("quark-s1").assumed)


@pytest.mark.parametrize(
    "table, at, words",
    [
        (
            '[link]\nkind = "ble"\nbandwith = 10000\n',
            "bandwith",
            ["unknown key 'bandwith' in [link]", "did you mean 'bandwidth'"],
        ),
        ('[link]\nkind = "ble"\n', "kind", ["a ble link needs its bandwidth"]),
        ("[link]\nbandwidth = 10000\n", "[link]", ["[link] is missing 'kind'"]),
        ('[link]\nkind = "bluetooth"\nbandwidth = 10000\n', "kind", ["kind must be one of none, ble, wifi"]),
        ('[link]\nkind = "ble"\nbandwidth = 10000\nbits = 3\n', "bits", ["bits must be one of 1, 2, 4, 8, 16, 24"]),
        ('[link]\nkind = "ble"\nbandwidth = 10000\nbits = 16\n', "bits", ["bits = 16 is a colour format"]),
        ('[link]\nkind = "ble"\nbandwidth = -5\n', "bandwidth", ["bandwidth must be"]),
        ('[link]\nkind = "ble"\nbandwidth = 1\ncompression = "zip"\n', "compression", ["compression must be one of"]),
    ],
)
def test_bad_link_table_is_one_line_with_its_line(tmp_path: Path, table: str, at: str, words: list[str]) -> None:
    """A bad [link] is one DeviceError line naming the file and the line of the bad key."""
    text = (PROFILE_DIR / "even-g1.toml").read_text(encoding="utf-8")
    start, end = text.index("[link]\n"), text.index("\n[assumed]")
    text = text[:start] + table + text[end:]
    path = tmp_path / "glasses.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeviceError) as caught:
        load_device(path)
    message = str(caught.value)
    assert "\n" not in message
    line = next(number for number, line in enumerate(text.splitlines(), 1) if line.startswith(at))
    assert message.startswith(f"{path}:{line}: device profile: "), message
    for word in words:
        assert word in message, message


def test_link_on_glasses_without_a_display_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audio.toml"
    text = (PROFILE_DIR / "quark-g1.toml").read_text(encoding="utf-8") + '\n[link]\nkind = "ble"\nbandwidth = 1000\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeviceError, match=r"audio\.toml:\d+: .*has_display = false has no \[link\]"):
        load_device(path)


def test_a_link_built_in_code_is_checked() -> None:
    device = load_device("even-g1")
    with pytest.raises(DeviceError, match="a ble link needs its bandwidth"):
        dataclasses.replace(device, link=Link("ble"))
    assert dataclasses.replace(device, link=Link("wifi", 1e6)).link.bandwidth == 1e6


# -- bytes and time -------------------------------------------------------------------------------


def test_pack_rows_is_most_significant_first_and_pads_rows() -> None:
    codes = np.array([[1, 0, 1, 1, 0, 0, 0, 0, 1], [0] * 8 + [1]], np.uint8)
    assert pack_rows(codes, 1) == bytes([0b10110000, 0b10000000, 0, 0b10000000])
    assert pack_rows(np.array([[3, 1, 2]], np.uint8), 2) == bytes([0b11011000])
    assert pack_rows(np.array([[15, 1, 9]], np.uint8), 4) == bytes([0xF1, 0x90])


def test_even_g1_sends_the_whole_bitmap_to_both_arms() -> None:
    """Any change sends the 576x136 1-bit image: 9968 bytes an eye with its header and packets,
    both arms at once: 176 ms + 9968 / 10000 s."""
    device = load_device("even-g1")
    panels = dark(device)
    panels["left"][100, 320] = 255
    one = transfer(device, panels, {"left": [Rect(320, 100, 1, 1)]})
    assert (one.bytes, one.images) == (G1_EYE_BYTES, 1)
    assert G1_EYE_BYTES == 74 + G1_IMAGE_BYTES + math.ceil((74 + G1_IMAGE_BYTES) / 194) * 2
    both = transfer(device, panels, {eye: [Rect(320, 100, 1, 1)] for eye in device.eyes})
    assert (both.bytes, both.images) == (2 * G1_EYE_BYTES, 2)
    assert both.ms == pytest.approx(176 + 1000 * G1_EYE_BYTES / 10000)
    serial = transfer(with_link("even-g1", eyes="serial"), panels, {eye: [Rect(0, 0, 1, 1)] for eye in device.eyes})
    assert serial.ms == pytest.approx(2 * both.ms)
    assert transfer(device, panels, {}).bytes == 0


def test_regions_in_one_bit_are_hand_computed() -> None:
    """A 10x3 region of 1-bit pixels: rows of 2 bytes, 6 bytes behind a 5-byte header, in
    packets of 4 bytes with 1 byte each (11 bytes: 3 packets)."""
    device = with_link("even-g1", update="regions", header_bytes=5, packet_bytes=4, packet_header_bytes=1)
    panels = dark(device)
    panels["left"][20:23, 40:50] = 255
    regions = {"left": changed_regions(None, panels["left"])}
    assert regions == {"left": [Rect(40, 20, 10, 3)]}
    cost = transfer(device, panels, regions)
    assert (cost.bytes, cost.images) == (5 + 6 + 3, 1)
    assert cost.ms == pytest.approx(176 + 1000 * 14 / 10000)


def test_deflate_compresses_the_packed_rows_as_zlib_does() -> None:
    device = with_link("even-g2", compression="deflate", packet_bytes=0, header_bytes=16)
    panel = np.zeros((device.height, device.width), np.uint8)
    panel[40:60, 100:300] = 255  # 16 grey levels: code 15
    panel[40:60, 300:301] = 136  # code 8
    codes = (panel[40:60, 100:301].astype(np.uint32) * 15 + 127) // 255
    packed = pack_rows(codes.astype(np.uint8), 4)
    assert packed[:2] == bytes([0xFF, 0xFF]) and packed[100] == 0x80
    cost = transfer(device, {"left": panel, "right": panel}, {"left": [Rect(100, 40, 201, 20)]})
    assert cost.bytes == 16 + len(zlib.compress(packed))  # "once": one image shown on both eyes
    assert cost.bytes < 16 + len(packed)


def test_colour_regions_send_palette_indices_and_the_palette() -> None:
    """Frame: 4-bit indices, rows of 15 bytes for 30 px, and a 16-entry palette of 3 bytes each."""
    device = with_link("frame", packet_bytes=0)
    panel = dark(device)["right"]
    panel[10:20, 100:130] = (255, 0, 0)
    cost = transfer(device, {"right": panel}, {"right": [Rect(100, 10, 30, 10)]})
    assert cost.bytes == 10 + 16 * 3 + 15 * 10


def test_changed_regions_cover_every_change_in_bands() -> None:
    before = np.zeros((100, 100), np.uint8)
    after = before.copy()
    after[5, 10] = after[8, 30] = 255  # one band (3 rows apart)
    after[60:62, 50:55] = 255  # another, far below
    assert changed_regions(before, after) == [Rect(10, 5, 21, 4), Rect(50, 60, 5, 2)]
    assert changed_regions(after, after) == []


# -- the profiler -----------------------------------------------------------------------------------


def profile(scene: Path, device: str, frames: int) -> Profiler:
    profile_device = load_device(device)
    profiler = Profiler(profile_device.frame_budget_ms, device)
    renderer = Renderer(hud.load_scene(scene), profile_device, profiler=profiler)
    for index in range(frames):
        renderer.frame(index / profile_device.refresh_hz)
    return profiler


def test_the_fade_on_even_g1_misses_frames_because_of_the_link() -> None:
    """At 20 Hz, the fade's first lit frame goes at 1.05 s and takes 1.17 s; every frame until
    the link is free differs from it and misses its refresh, and the fade's end goes at the
    next frame after that (2.25 s)."""
    profiler = profile(FADE, "even-g1", 60)
    sent = [(round(r.t, 2), r.link_bytes) for r in profiler.records if r.link_bytes]
    assert sent == [(1.05, 2 * G1_EYE_BYTES), (2.25, 2 * G1_EYE_BYTES)]
    missed = [round(r.t, 2) for r in profiler.records if r.link_missed]
    assert missed == [round(1.1 + 0.05 * n, 2) for n in range(23)]  # 1.1 .. 2.2 s
    link = profiler.summary()["link"]
    assert link["sent"] == 2 and link["missed"] == len(missed)
    assert link["bytes"]["p50"] == link["bytes"]["p99"] == 2 * G1_EYE_BYTES
    assert link["ms"]["p50_ms"] == pytest.approx(176 + 1000 * G1_EYE_BYTES / 10000)
    assert link["fps"] == pytest.approx(1000 / link["ms"]["p50_ms"], abs=0.001)
    table = profiler.table()
    assert f"{len(missed)} missed because of the link" in table
    assert "1-bit 576x136 full images" in table and "the link allows 0.85 fps" in table


def test_quark_s1_has_no_link_to_profile() -> None:
    profiler = profile(FADE, "quark-s1", 30)
    assert all(r.link_bytes == 0 and not r.link_missed for r in profiler.records)
    assert profiler.summary()["link"] == {"kind": "none"}
    assert profiler.table().splitlines()[-1] == "link: none (renders on the glasses)"


def test_link_frame_on_its_own() -> None:
    """The profiler's link bookkeeping, fed panels directly: sent, missed, same."""
    device = load_device("even-g1")
    profiler = Profiler(device.frame_budget_ms, device.name)
    assert profiler.summary()["link"] is None  # no frame has said which device yet
    lit = {eye: np.full((device.height, device.width), 255, np.uint8) for eye in device.eyes}
    for index, panels in enumerate([lit, dark(device), dark(device)]):
        record = profiler.begin(index * 0.5, 0.0)
        profiler.link_frame(record, device, panels)
    first, second, third = profiler.records
    assert (first.link_bytes, first.link_missed) == (2 * G1_EYE_BYTES, False)
    assert (second.link_bytes, second.link_missed) == (0, True)
    assert (third.link_bytes, third.link_missed) == (0, True)  # at 1.0 s the first is still crossing
    again = profiler.begin(0.0, 0.0)  # time went back (a loop): the link starts idle, the glasses dark
    profiler.link_frame(again, device, lit)
    assert (again.link_bytes, again.link_missed) == (2 * G1_EYE_BYTES, False)


def test_profile_json_and_table_have_the_link() -> None:
    result = hud_cli("profile", FADE, "--frames", "60", "--json")
    assert result.returncode == 0, result.stderr
    link = json.loads(result.stdout)["link"]
    keys = {"kind", "bandwidth", "latency_ms", "format", "sent", "missed", "bytes", "ms", "fps"}
    assert set(link) == keys and link["kind"] == "ble" and link["missed"] > 0
    table = hud_cli("profile", FADE, "--frames", "60").stdout.splitlines()
    assert table[-2].startswith("link: ble, 10 KB/s, 176 ms per image, 1-bit 576x136 full images")
    assert table[-1].startswith("link bytes/frame p50 19936  p99 19936; link ms/frame p50 1172.8")
    s1 = hud_cli("profile", FADE, "--device", "quark-s1", "--frames", "5")
    assert s1.stdout.splitlines()[-1] == "link: none (renders on the glasses)"


# -- lint -------------------------------------------------------------------------------------------


def test_lint_warns_of_a_fade_the_link_cannot_carry() -> None:
    (finding,) = lint(FADE)
    assert (finding.rule, finding.severity, finding.device, finding.time) == ("link", "warning", "even-g1", 1.0)
    lines = FADE.read_text(encoding="utf-8").splitlines()
    assert (finding.file, finding.line) == (str(FADE), lines.index("[[widgets]]") + 1)
    assert finding.widget == "notification 'msg'"
    assert "300 ms fade changes what is drawn 12.0 times a second" in finding.message
    assert "carries 0.85 frames a second at 19936 bytes a frame, so it shows as 1 jump:" in finding.message
    assert 'transition "none"' in finding.message
    assert finding.value == pytest.approx(0.853, abs=0.001) and finding.limit == 12


def test_lint_is_quiet_where_the_link_keeps_up() -> None:
    assert lint(FADE, "quark-s1") == []  # renders on the glasses
    assert lint(NO_FADE) == []  # nothing animates
    fast = with_link("even-g1", bandwidth=10_000_000, latency_ms=1)
    assert [f for f in lint(FADE, fast) if f.rule == "link"] == []


# -- the emulator -----------------------------------------------------------------------------------


def shown_changes(link: bool, seconds: float = 3.5) -> list[tuple[float, int]]:
    """(scene time, lit pixels of the left eye) whenever what the emulator shows changes."""
    from emulator.core import Emulator

    emulator = Emulator.open(FADE, backend="cpu", link=link)
    step = 1 / emulator.device.refresh_hz
    changes, before = [], -1
    for _ in range(round(seconds / step)):
        emulator.advance(step)
        lit = int(np.count_nonzero(emulator.panels()["left"]))
        if lit != before:
            changes.append((round(emulator.clock.t, 2), lit))
            before = lit
    return changes


def test_emulator_shows_frames_at_the_links_pace() -> None:
    """Unpaced, the fade shows frame by frame from 1.05 s; paced, the first frame sent (at
    1.05 s) shows once it has crossed (1.17 s later), then the end, 1.17 s after that."""
    free = shown_changes(link=False)
    assert [t for t, _ in free][:3] == [0.05, 1.05, 1.1] and len(free) >= 5
    paced = shown_changes(link=True)
    assert [t for t, _ in paced] == [0.05, 2.25, 3.45]
    assert paced[0][1] == 0 and paced[1][1] == free[1][1] and paced[2][1] == free[-1][1]


def test_emulator_link_option() -> None:
    from emulator.__main__ import _parser
    from emulator.core import Emulator

    assert _parser().parse_args(["x.toml", "--link"]).link is True
    assert _parser().parse_args(["x.toml"]).link is False
    emulator = Emulator.open(FADE, backend="cpu")
    assert emulator.link is False and "link-paced" not in emulator.viewer.status_line()
    emulator.link = True
    assert "link-paced" in emulator.viewer.status_line()
    emulator.set_device("quark-s1")  # no link: shown as drawn
    assert "link-paced" not in emulator.viewer.status_line()
