"""The headless emulator: hot reload (broken edits, partial writes, atomic renames, delete
and re-create), gestures and their scene bindings, app mode, device switching and views."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import hud
from emulator import Emulator
from hud.errors import DeviceError

ROOT = Path(__file__).resolve().parents[1]
SCENE = """
[scene]
title = "Test"

[[widgets]]
type = "notification"
id = "pay"
anchor = "top-right"
app = "Alipay"
title = "{title}"

[[widgets]]
type = "stack"
id = "cards"
anchor = "left"
  [[widgets.children]]
  type = "text"
  id = "card-a"
  text = "Card A"
  [[widgets.children]]
  type = "text"
  id = "card-b"
  text = "Card B"
  visible = false

[[widgets]]
type = "caption"
id = "live"
anchor = "bottom"
max_lines = 1
text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"

[[gestures]]
gesture = "tap"
action = "dismiss"
target = "pay"

[[gestures]]
gesture = "swipe_forward"
action = "next"
target = "cards"

[[gestures]]
gesture = "swipe_back"
action = "scroll_back"
target = "live"
"""


def write(path: Path, title: str = "Payment complete") -> Path:
    path.write_text(SCENE.format(title=title), encoding="utf-8")
    return path


@pytest.fixture
def emu(tmp_path: Path) -> Emulator:
    emulator = Emulator.open(write(tmp_path / "scene.toml"))
    emulator.advance(0)
    return emulator


def lit(emulator: Emulator) -> int:
    return int(np.count_nonzero(emulator.panels()["left"]))


def test_views_have_the_expected_sizes(emu: Emulator) -> None:
    both, left = emu.grab("both", overlay=False), emu.grab("left", overlay=False)
    assert left.shape == (480, 640, 3) and both.shape[0] == 480 and both.shape[1] > 2 * 640
    assert emu.grab("fused", overlay=False).shape == (480, 640, 3)
    with pytest.raises(ValueError, match="view"):
        emu.grab("top")


def test_hot_reload_in_place_edit(emu: Emulator, tmp_path: Path) -> None:
    before = emu.panels()["left"].copy()
    write(tmp_path / "scene.toml", "Refund received")
    assert emu.poll()
    emu.advance(0)
    assert emu.error is None and not np.array_equal(before, emu.panels()["left"])
    assert not emu.poll()  # nothing changed since


def test_broken_edit_keeps_the_last_good_frame_and_shows_the_error(emu: Emulator, tmp_path: Path) -> None:
    good = emu.panels()["left"].copy()
    (tmp_path / "scene.toml").write_text('[[widgets]]\ntype = "text"\ntext = "unterminated\n', encoding="utf-8")
    emu.poll()
    emu.advance(0.1)
    assert emu.error is not None and "scene.toml:3:" in emu.error
    assert np.array_equal(emu.panels()["left"], good)
    decorated = emu.grab("left")
    red = (decorated[..., 0] > 200) & (decorated[..., 1] < 140)
    assert red.sum() > 200  # the error box
    write(tmp_path / "scene.toml", "Fixed")
    emu.poll()
    assert emu.error is None


def test_partial_write_then_rest_of_the_file(emu: Emulator, tmp_path: Path) -> None:
    text = SCENE.format(title="Partial")
    path = tmp_path / "scene.toml"
    cut = text.index('title = "Partial"') + len('title = "Par')  # mid-string: not valid TOML
    path.write_text(text[:cut], encoding="utf-8")
    emu.poll()
    assert emu.error is not None
    path.write_text(text, encoding="utf-8")
    emu.poll()
    assert emu.error is None and emu.scene.find("pay").title == "Partial"


def test_atomic_rename_is_noticed(emu: Emulator, tmp_path: Path) -> None:
    temp = tmp_path / ".scene.toml.swp"
    write(temp, "Renamed into place")
    os.replace(temp, tmp_path / "scene.toml")
    assert emu.poll()
    assert emu.scene.find("pay").title == "Renamed into place"


def test_delete_and_recreate(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "scene.toml"
    path.unlink()
    assert emu.poll()
    assert emu.error is not None and "not found" in emu.error
    assert lit(emu) > 0  # still the last good frame
    write(path, "Back again")
    assert emu.poll()
    assert emu.error is None and emu.scene.find("pay").title == "Back again"


def test_image_asset_change_reloads(tmp_path: Path) -> None:
    shutil.copy(ROOT / "scenes/assets/headphones.png", tmp_path / "photo.png")
    path = tmp_path / "img.toml"
    path.write_text('[[widgets]]\ntype = "image"\nsrc = "photo.png"\nanchor = "center"\n', encoding="utf-8")
    emu = Emulator.open(path)
    emu.advance(0)
    before = lit(emu)
    from PIL import Image

    Image.new("RGBA", (96, 96), (255, 255, 255, 255)).save(tmp_path / "photo.png")
    assert emu.poll()
    emu.advance(0)
    assert lit(emu) > before


def test_tap_dismisses_through_the_binding(emu: Emulator) -> None:
    assert emu.gesture("tap") == ["dismiss pay"]
    emu.advance(0.5)
    assert emu.scene.find("pay").visible is False
    assert emu.last_event and "tap" in emu.last_event


def test_swipe_forward_shows_the_next_card(emu: Emulator) -> None:
    emu.gesture("swipe_forward")
    assert emu.scene.find("card-b").visible and not emu.scene.find("card-a").visible
    emu.gesture("swipe_forward")
    assert emu.scene.find("card-a").visible


def test_swipe_back_scrolls_the_caption(emu: Emulator) -> None:
    newest = emu.panels()["left"].copy()
    emu.gesture("swipe_back")
    emu.advance(0)
    assert emu.scene.find("live").back == 1
    assert not np.array_equal(newest, emu.panels()["left"])


def test_unknown_gesture_is_an_error(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="double_tap"):
        emu.gesture("pinch")


def test_app_mode_drives_the_tree_and_receives_events(tmp_path: Path) -> None:
    class Counter:
        def setup(self, emulator: Emulator) -> None:
            self.caption = emulator.scene.add(hud.Caption(text="", anchor="bottom"))
            self.gestures: list[str] = []
            self.voices: list[str] = []

        def update(self, emulator: Emulator, t: float, dt: float) -> None:
            self.caption.text = f"t = {t:.1f}"

        def on_gesture(self, emulator: Emulator, gesture: str) -> None:
            self.gestures.append(gesture)

        def on_voice(self, emulator: Emulator, text: str) -> None:
            self.voices.append(text)

    emu = Emulator.open(hud.Scene())
    app = Counter()
    emu.attach(app)
    emu.advance(0.5)
    first = emu.panels()["left"].copy()
    emu.advance(0.5)
    assert app.caption.text == "t = 1.0" and not np.array_equal(first, emu.panels()["left"])
    emu.gesture("long_press")
    emu.voice("navigate to West Lake")
    assert app.gestures == ["long_press"] and app.voices == ["navigate to West Lake"]


def test_device_switch_across_every_profile(emu: Emulator) -> None:
    seen = set()
    for _ in range(len(hud.builtin_names())):
        seen.add(emu.cycle_device())
        emu.advance(1 / 60)
        image = emu.grab()
        assert image.ndim == 3 and image.shape[2] == 3
        if not emu.device.has_display:
            assert emu.panels() == {}
            assert (image > 150).sum() > 1000  # the "no display" panel's text
    assert seen == set(hud.builtin_names())
    with pytest.raises(DeviceError):
        emu.set_device("quark-s9")


def test_screenshot_writes_panels_and_view(emu: Emulator, tmp_path: Path) -> None:
    written = emu.screenshot(tmp_path / "shots", stem="s")
    names = sorted(p.name for p in written)
    assert names == ["s-both.png", "s-left.png", "s-right.png"]
    from PIL import Image

    assert Image.open(tmp_path / "shots/s-left.png").mode == "L"


def test_pause_and_profile(emu: Emulator) -> None:
    emu.paused = True
    emu.advance(1.0)
    assert emu.t == 0.0
    emu.paused = False
    for _ in range(5):
        emu.advance(1 / 60)
    summary = emu.summary()
    assert summary["frames"] >= 6 and summary["device"] == "quark-s1"
    emu.show_profile = True
    assert emu.grab("left").shape == (480, 640, 3)
