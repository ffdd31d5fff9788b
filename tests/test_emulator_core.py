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
from emulator.overlay import PAD, PROFILE_SIZE, STATUS_BAR_H
from hud.errors import DeviceError

from paths import ROOT

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
    assert emu.scene_state.error is None and not np.array_equal(before, emu.panels()["left"])
    assert not emu.poll()  # nothing changed since


def test_broken_edit_keeps_the_last_good_frame_and_shows_the_error(emu: Emulator, tmp_path: Path) -> None:
    good = emu.panels()["left"].copy()
    (tmp_path / "scene.toml").write_text('[[widgets]]\ntype = "text"\ntext = "unterminated\n', encoding="utf-8")
    emu.poll()
    emu.advance(0.1)
    assert emu.scene_state.error is not None and "scene.toml:3:" in emu.scene_state.error
    assert np.array_equal(emu.panels()["left"], good)
    decorated = emu.grab("left")
    red = (decorated[..., 0] > 200) & (decorated[..., 1] < 140)
    assert red.sum() > 200  # the error box
    write(tmp_path / "scene.toml", "Fixed")
    emu.poll()
    assert emu.scene_state.error is None


def test_partial_write_then_rest_of_the_file(emu: Emulator, tmp_path: Path) -> None:
    text = SCENE.format(title="Partial")
    path = tmp_path / "scene.toml"
    cut = text.index('title = "Partial"') + len('title = "Par')  # mid-string: not valid TOML
    path.write_text(text[:cut], encoding="utf-8")
    emu.poll()
    assert emu.scene_state.error is not None
    path.write_text(text, encoding="utf-8")
    emu.poll()
    assert emu.scene_state.error is None and emu.scene.find("pay").title == "Partial"


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
    assert emu.scene_state.error is not None and "not found" in emu.scene_state.error
    assert lit(emu) > 0  # still the last good frame
    write(path, "Back again")
    assert emu.poll()
    assert emu.scene_state.error is None and emu.scene.find("pay").title == "Back again"


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
    assert emu.log.last_note and "tap" in emu.log.last_note


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
    for name in hud.builtin_names():
        emu.set_device(name)
        seen.add(emu.device.name)
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
    emu.clock.paused = True
    emu.advance(1.0)
    assert emu.clock.t == 0.0
    emu.clock.paused = False
    for _ in range(5):
        emu.advance(1 / 60)
    summary = emu.summary()
    assert summary["frames"] >= 6 and summary["device"] == "quark-s1"
    emu.viewer.show_profile = True
    emu.log.notes.clear()  # no banner
    grabbed = emu.grab("left")
    band = PROFILE_SIZE[1] + 2 * PAD + STATUS_BAR_H  # the graph sits in a band below the view ...
    assert grabbed.shape == (480 + band, 640, 3)
    assert np.array_equal(grabbed[:480], emu.grab("left", overlay=False))  # ... covering none of it
    assert grabbed[480 : 480 + band - STATUS_BAR_H].max() > 200  # the graph's text and bars


# -- outlines ------------------------------------------------------------------------------------
OFFSCREEN_SCENE = """
[scene]
title = "Offscreen"

[[widgets]]
type = "text"
id = "lost"
anchor = "top-left"
offset = [700, 0]
text = "Out of view"

[[widgets]]
type = "notification"
id = "pay"
anchor = "top-right"
app = "Alipay"
title = "Paid"
"""


def _box(emulator: Emulator, widget_id: str, eye: str) -> tuple[int, int, int, int]:
    entry = next(w for w in emulator.scene_state.frame.layout["widgets"] if w["id"] == widget_id)
    return tuple(entry["eyes"][eye])


def test_outlines_draw_each_widget_box_on_every_view() -> None:
    from emulator.look import EYE_GAP
    from emulator.overlay import OUTLINE_COLOURS

    emu = Emulator.open(ROOT / "scenes" / "city-walk.toml")
    emu.seek(2.5)
    emu.log.notes.clear()  # no banner over the boxes
    off = emu.grab("both")
    assert emu.viewer._lint is None  # off: lint never runs
    emu.viewer.show_outlines = True
    on = emu.grab("both")
    assert "outlines" in emu.viewer.status_line()
    cyan = OUTLINE_COLOURS[None]
    for eye, x0 in (("left", 0), ("right", emu.device.width + EYE_GAP)):
        x, y, w, h = _box(emu, "pay", eye)
        for px, py in ((x0 + x, y + h // 2), (x0 + x + w - 1, y + h // 2), (x0 + x + w // 2, y + h - 1)):
            assert tuple(on[py, px]) == cyan and tuple(off[py, px]) != cyan, (eye, px, py)
        assert np.array_equal(on[y + h // 2, x0 + x + 4], off[y + h // 2, x0 + x + 4])  # outlined, not filled
    changed = np.any(on != off, axis=2)
    assert not changed[200:380, 250:330].any()  # empty world between the widgets: untouched
    outlines = emu.viewer.outlines()
    labels = [o.label for o in outlines.widgets]
    assert "notification 'pay' · full" in labels and "nav_arrow 'next-turn' · full" in labels
    assert [o.nested for o in outlines.widgets if o.label.startswith("caption 'live'")] == [True]
    assert outlines.summary() == "lint: 0 errors, 0 warnings" and outlines.hidden == ()
    x, y, w, h = _box(emu, "pay", "left")
    assert tuple(emu.grab("fused")[y + h // 2, x]) == cyan  # fused: the left eye's boxes
    x, y, w, h = _box(emu, "pay", "right")
    assert tuple(emu.grab("right")[y + h // 2, x]) == cyan
    assert emu.grab("both", overlay=False).shape == on.shape and np.array_equal(
        emu.grab("both", overlay=False), emu.grab("both", overlay=False)
    )


def test_outlines_show_a_lint_error_in_red(tmp_path: Path) -> None:
    from emulator.overlay import OUTLINE_COLOURS

    scene = tmp_path / "offscreen.toml"
    scene.write_text(OFFSCREEN_SCENE, encoding="utf-8")
    emu = Emulator.open(scene)
    emu.advance(0)
    emu.log.notes.clear()
    emu.viewer.show_outlines = True
    outlines = emu.viewer.outlines()
    assert outlines.counts == (1, 0) and outlines.summary() == "lint: 1 error, 0 warnings"
    assert outlines.findings[0].rule == "offscreen" and outlines.findings[0].widget == "text 'lost'"
    severity = {o.label: o.severity for o in outlines.widgets}
    assert severity == {"text 'lost' · full": "error", "notification 'pay' · full": None}
    image = emu.grab("left")
    red = OUTLINE_COLOURS["error"]
    x, y, w, h = _box(emu, "lost", "left")
    assert x >= emu.device.width  # wholly beyond the right edge: a red bar on that edge
    assert tuple(image[y + h // 2, emu.device.width - 2]) == red
    x, y, w, h = _box(emu, "pay", "left")
    assert tuple(image[y + h // 2, x]) == OUTLINE_COLOURS[None]
    reds = np.all(np.abs(image.astype(int) - red) < 40, axis=2)
    assert reds[emu.device.height // 2 :].sum() > 200  # the legend's lint line and its message, in red


def test_outlines_lint_again_only_when_the_frame_changes(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    import emulator.view as view

    calls: list[float] = []
    real = view.lint

    def counted(*args, **kwargs):
        calls.append(kwargs["at"])
        return real(*args, **kwargs)

    monkeypatch.setattr(view, "lint", counted)
    emu.viewer.show_outlines = True
    emu.grab()
    emu.grab("left")
    assert calls == [emu.clock.t]
    for _ in range(3):  # a static HUD: after lint's own render the tree redraws, the same pixels
        emu.advance(1 / 60)
        emu.grab()
    assert len(calls) == 1
    emu.gesture("tap")  # dismisses pay (it fades out): other frames
    emu.advance(0.1)
    emu.viewer.outlines(min_interval=60)  # the window's rate limit: the last findings, for now
    assert len(calls) == 1
    emu.viewer.outlines()
    assert len(calls) == 2
    emu.advance(0.5)
    outlines = emu.viewer.outlines()
    assert len(calls) == 3 and not any("'pay'" in o.label for o in outlines.widgets)
    emu.advance(1 / 60)
    assert emu.viewer.outlines() == outlines and len(calls) == 3
    emu.set_device("even-g2")
    emu.advance(0)
    emu.viewer.outlines()
    assert len(calls) == 4
    emu.viewer.show_outlines = False
    emu.advance(1 / 60)
    emu.grab()
    assert len(calls) == 4


def test_outlines_list_compositor_hidden_widgets_and_skip_devices_without_display() -> None:
    emu = Emulator.open(ROOT / "scenes" / "crowded.toml", device="even-g1")
    emu.advance(0)
    emu.viewer.show_outlines = True
    outlines = emu.viewer.outlines()
    assert outlines.hidden and all(": no room" in line for line in outlines.hidden), outlines.hidden
    assert all(o.label.split(" · ")[0] + ":" not in " ".join(outlines.hidden) for o in outlines.widgets)
    emu.set_device("quark-g1")
    assert emu.viewer.outlines() is None and emu.grab().shape == (540, 960, 3)


def test_state_reports_lint_while_outlines_are_on(emu: Emulator) -> None:
    import json
    import urllib.request

    from emulator.server import ApiServer

    with ApiServer(emu) as server:

        def state() -> dict:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/state", timeout=10) as reply:
                return json.loads(reply.read())

        assert state()["outlines"] is False and state()["lint"] is None
        emu.viewer.show_outlines = True
        lint = state()["lint"]
        assert state()["outlines"] is True
        assert set(lint) == {"errors", "warnings", "error", "findings"} and lint["error"] is None
        assert (lint["errors"], lint["warnings"]) == emu.viewer.outlines().counts
