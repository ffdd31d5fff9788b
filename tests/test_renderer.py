"""Tests for the frame pipeline: stereo placement, calibration, determinism and saving."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

import hud
from hud import sinks
from hud.devices import PROFILE_DIR, load_device
from hud.errors import NoDisplayError

S1 = load_device("quark-s1")


def _columns(panel: np.ndarray) -> tuple[int, int]:
    """First and last lit column."""
    lit = np.nonzero(panel.max(axis=0))[0]
    assert lit.size, "nothing was drawn"
    return int(lit[0]), int(lit[-1])


def _card(**fields: object) -> hud.Panel:
    return hud.Panel(hud.Text(text="Hi"), width=100, height=50, anchor="center", fill=0.5, **fields)


def test_frame_has_one_panel_per_eye() -> None:
    frame = hud.render(hud.Scene(_card()), device="quark-s1")
    assert set(frame.eyes) == {"left", "right"}
    for panel in frame.eyes.values():
        assert panel.shape == (480, 640) and panel.dtype == np.uint8
    assert frame.device == S1
    assert set(frame.timings_ms) == {"update", "compose", "layout", "paint", "raster", "panel"}


def test_single_eye_colour_device() -> None:
    frame = hud.render(hud.Scene(_card()), device="meta-ray-ban-display")
    assert set(frame.eyes) == {"right"}
    assert frame.eyes["right"].shape == (600, 600, 3)


def test_default_depth_gives_identical_eyes() -> None:
    frame = hud.render(hud.Scene(_card()), device="quark-s1")
    assert frame.eyes["left"].any()
    assert np.array_equal(frame.eyes["left"], frame.eyes["right"])


def test_depth_at_image_distance_gives_identical_eyes() -> None:
    frame = hud.render(hud.Scene(_card(depth_m=S1.image_distance_m)), device="quark-s1")
    assert np.array_equal(frame.eyes["left"], frame.eyes["right"])


def test_near_widget_shifts_right_in_left_eye_and_left_in_right_eye() -> None:
    base = hud.render(hud.Scene(_card()), device="quark-s1")
    near = hud.render(hud.Scene(_card(depth_m=1.0)), device="quark-s1")
    shift = round(S1.disparity_px(1.0))
    assert shift > 10
    base_l, base_r = _columns(base.eyes["left"]), _columns(base.eyes["right"])
    near_l, near_r = _columns(near.eyes["left"]), _columns(near.eyes["right"])
    assert near_l[0] - base_l[0] == shift and near_l[1] - base_l[1] == shift
    assert base_r[0] - near_r[0] == shift and base_r[1] - near_r[1] == shift
    # The image itself is the same, only moved.
    assert np.array_equal(near.eyes["left"][:, shift:], base.eyes["left"][:, :-shift])
    assert np.array_equal(near.eyes["right"][:, :-shift], base.eyes["right"][:, shift:])


def test_far_widget_shifts_the_other_way() -> None:
    base = hud.render(hud.Scene(_card()), device="quark-s1")
    far = hud.render(hud.Scene(_card(depth_m=10.0)), device="quark-s1")
    shift = round(S1.disparity_px(10.0))
    assert shift < 0
    assert _columns(far.eyes["left"])[0] - _columns(base.eyes["left"])[0] == shift
    assert _columns(far.eyes["right"])[0] - _columns(base.eyes["right"])[0] == -shift


def test_children_inherit_depth() -> None:
    text = hud.Text(text="depth", id="t")
    column = hud.Column(text, anchor="center", depth_m=1.0)
    frame = hud.render(hud.Scene(column), device="quark-s1")
    left, right = _columns(frame.eyes["left"]), _columns(frame.eyes["right"])
    assert left[0] - right[0] == 2 * round(S1.disparity_px(1.0))


def test_changing_depth_between_frames_moves_only_that_widget() -> None:
    near, flat = _card(id="near"), hud.Text(text="static", anchor="top-left")
    renderer = hud.Renderer(hud.Scene(near, flat), S1)
    first = renderer.frame()
    near.depth_m = 1.0
    second = renderer.frame()
    assert flat not in renderer.layout.stats.widgets  # depth re-places only that widget (stereo-safe)
    top = slice(0, 100)  # the static text lives at the top
    assert np.array_equal(first.eyes["left"][top], second.eyes["left"][top])
    assert not np.array_equal(first.eyes["left"], second.eyes["left"])


def _custom_profile(tmp_path: Path, left: tuple[int, int], right: tuple[int, int]) -> Path:
    text = (PROFILE_DIR / "quark-s1.toml").read_text(encoding="utf-8")
    text = text.replace("left = [0, 0]", f"left = [{left[0]}, {left[1]}]")
    text = text.replace("right = [0, 0]", f"right = [{right[0]}, {right[1]}]")
    text = text.replace('name = "quark-s1"', 'name = "calibrated"')
    path = tmp_path / "calibrated.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_calibration_offset_shifts_one_eye(tmp_path: Path) -> None:
    device = load_device(_custom_profile(tmp_path, (0, 0), (7, -3)))
    assert device.eye_offset("right") == (7, -3) and device.eye_offset("left") == (0, 0)
    base = hud.render(hud.Scene(_card()), device="quark-s1")
    frame = hud.render(hud.Scene(_card()), device=device)
    assert np.array_equal(frame.eyes["left"], base.eyes["left"])
    shifted = np.zeros_like(base.eyes["right"])
    shifted[:-3, 7:] = base.eyes["right"][3:, :-7]
    assert np.array_equal(frame.eyes["right"], shifted)


def test_calibration_adds_to_stereo_shift(tmp_path: Path) -> None:
    device = load_device(_custom_profile(tmp_path, (4, 0), (0, 0)))
    base = hud.render(hud.Scene(_card(depth_m=1.0)), device="quark-s1")
    frame = hud.render(hud.Scene(_card(depth_m=1.0)), device=device)
    assert _columns(frame.eyes["left"])[0] == _columns(base.eyes["left"])[0] + 4
    assert np.array_equal(frame.eyes["right"], base.eyes["right"])


def _busy_scene() -> hud.Scene:
    return hud.Scene(
        hud.NavArrow(maneuver="roundabout", exit=2, distance_m=230, street="Wensan Rd", anchor="top"),
        hud.Caption(text="欢迎来到杭州 welcome to Hangzhou", translation="Welcome", anchor="bottom"),
        hud.PriceCard(product="Tea", price=19.9, compare=[{"store": "JD", "price": 25}], anchor="left", depth_m=1.2),
        hud.Progress(value=0.4, anchor="right"),
    )


@pytest.mark.parametrize("device", ["quark-s1", "frame"])
def test_rendering_is_deterministic(device: str) -> None:
    first = hud.render(_busy_scene(), device=device)
    second = hud.render(_busy_scene(), device=device)
    assert first.eyes.keys() == second.eyes.keys()
    for eye in first.eyes:
        assert first.eyes[eye].any()
        assert np.array_equal(first.eyes[eye], second.eyes[eye])


def test_incremental_frame_equals_fresh_render() -> None:
    """Caches never leave stale pixels: a changed tree renders as if drawn from scratch."""
    scene = _busy_scene()
    renderer = hud.Renderer(scene, S1)
    renderer.frame()
    scene.widgets[0].distance_m = 40
    scene.widgets[1].append(" more words arrive")
    scene.widgets[3].value = 0.9
    scene.widgets[2].brightness = 0.5
    incremental = renderer.frame()
    fresh_scene = _busy_scene()
    fresh_scene.widgets[0].distance_m = 40
    fresh_scene.widgets[1].append(" more words arrive")
    fresh_scene.widgets[3].value = 0.9
    fresh_scene.widgets[2].brightness = 0.5
    fresh = hud.render(fresh_scene, device=S1)
    for eye in ("left", "right"):
        assert np.array_equal(incremental.eyes[eye], fresh.eyes[eye])


def test_same_scene_on_two_devices() -> None:
    scene = _busy_scene()
    s1 = hud.Renderer(scene, "quark-s1").frame()
    g2 = hud.Renderer(scene, "even-g2").frame()
    again = hud.Renderer(scene, "quark-s1").frame()
    assert g2.eyes["left"].shape == (288, 576)
    assert np.array_equal(s1.eyes["left"], again.eyes["left"])


def test_render_on_display_less_device_raises() -> None:
    with pytest.raises(NoDisplayError, match="quark-g1"):
        hud.render(hud.Scene(_card()), device="quark-g1")
    with pytest.raises(NoDisplayError):
        hud.Renderer(hud.Scene(_card()), load_device("quark-g1"))


def test_unknown_backend_is_rejected() -> None:
    with pytest.raises(ValueError, match="backend"):
        hud.Renderer(hud.Scene(_card()), "quark-s1", backend="vulkan")


def test_frame_save_writes_left_right_preview(tmp_path: Path) -> None:
    frame = hud.render(hud.Scene(_card(depth_m=1.0)), device="quark-s1")
    out = tmp_path / "out" / "nested"
    written = frame.save(out)
    assert sorted(p.name for p in written) == ["layout.json", "left.png", "preview.png", "right.png"]
    assert sorted(os.listdir(out)) == ["layout.json", "left.png", "preview.png", "right.png"]
    assert json.loads((out / "layout.json").read_text()) == frame.layout
    with PILImage.open(out / "left.png") as left:
        assert left.mode == "L" and left.size == (640, 480)
        assert np.array_equal(np.asarray(left), frame.eyes["left"])
    with PILImage.open(out / "preview.png") as preview:
        assert preview.mode == "RGB"
        assert preview.width > 2 * 640 and preview.height > 480
        # Lit pixels in the preview are green (the panel colour).
        pixels = np.asarray(preview).reshape(-1, 3)
        brightest = pixels[pixels.sum(axis=1).argmax()]
        assert tuple(brightest) == S1.panel_rgb


def test_frame_save_failure_leaves_no_partial_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = hud.render(hud.Scene(_card()), device="quark-s1")
    real_writer = sinks._png_writer
    calls = {"n": 0}

    def failing_writer(image):  # noqa: ANN001, ANN202
        write = real_writer(image)

        def failing(handle):  # noqa: ANN001, ANN202
            calls["n"] += 1
            write(handle)
            if calls["n"] == 2:
                raise OSError("disk full")  # something really is half written

        return failing

    monkeypatch.setattr(sinks, "_png_writer", failing_writer)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        frame.save(out)
    assert calls["n"] == 2
    assert os.listdir(out) == []


def test_frame_save_failure_keeps_previous_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    hud.render(hud.Scene(_card()), device="quark-s1").save(out)
    before = {name: (out / name).read_bytes() for name in os.listdir(out)}
    frame = hud.render(hud.Scene(_card(depth_m=1.0)), device="quark-s1")
    real_writer = sinks._png_writer

    def failing_writer(image):  # noqa: ANN001, ANN202
        write = real_writer(image)

        def failing(handle):  # noqa: ANN001, ANN202
            if ".preview." in str(getattr(handle, "name", "")):
                raise OSError("disk full")
            write(handle)

        return failing

    monkeypatch.setattr(sinks, "_png_writer", failing_writer)
    with pytest.raises(OSError):
        frame.save(out)
    assert {name: (out / name).read_bytes() for name in os.listdir(out)} == before


# -- incremental rendering against fresh renders ------------------------------------------------

_WORDS = ["alpha", "beta", "gamma", "中文", "排版", "longwordwithoutspaces", "¥199", "（括号）", "。", "x"]


def _random_spec(rng: random.Random, depth: int = 0) -> list:
    """[kind, fields, children] for a random small tree."""
    kinds = ["text", "text", "progress"] + (["row", "column", "stack", "panel"] if depth < 2 else [])
    kind = rng.choice(kinds)
    fields: dict = {}
    if rng.random() < 0.3:
        fields["grow"] = 1
    if rng.random() < 0.2:
        fields["width"] = rng.choice([60, "40%", "4deg"])
    if rng.random() < 0.2:
        fields["depth_m"] = rng.choice([0.7, 5.0])
    if rng.random() < 0.3:
        fields["anchor"] = rng.choice(hud.widgets.ANCHORS)
    if kind == "text":
        fields["text"] = " ".join(rng.choices(_WORDS, k=rng.randint(0, 8)))
    elif kind == "progress":
        fields["value"] = rng.random()
    children = []
    if kind not in ("text", "progress"):
        children = [_random_spec(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return [kind, fields, children]


def _build(spec: list) -> hud.Widget:
    kind, fields, children = spec
    cls = hud.widgets.WIDGET_TYPES[kind]
    return cls(*[_build(c) for c in children], **fields)


def _nodes(spec: list, path: tuple = ()) -> list[tuple[list, tuple]]:
    out = [(spec, path)]
    for index, child in enumerate(spec[2]):
        out += _nodes(child, path + (index,))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_incremental_frames_match_fresh_renders(seed: int) -> None:
    """Random trees, random edits: every incremental frame equals rendering the edited tree anew."""
    rng = random.Random(seed)
    spec = ["stack", {"width": "100%", "height": "100%"}, [_random_spec(rng) for _ in range(rng.randint(1, 3))]]
    tree = _build(spec)
    renderer = hud.Renderer(hud.Scene(tree), S1)
    renderer.frame()
    for _ in range(4):
        node, path = rng.choice(_nodes(spec)[1:])
        edits = [
            ("visible", rng.random() < 0.5),
            ("brightness", rng.choice([0.4, 1.0])),
            ("padding", rng.choice([0, 5])),
            ("depth_m", rng.choice([None, 0.8, 4.0])),
            ("anchor", rng.choice(hud.widgets.ANCHORS)),
        ]
        if node[0] == "text":
            edits += [("text", " ".join(rng.choices(_WORDS, k=rng.randint(0, 10))))] * 3
        field, value = rng.choice(edits)
        node[1][field] = value
        widget = tree
        for index in path:
            widget = widget.children[index]
        setattr(widget, field, value)
        incremental = renderer.frame()
        fresh = hud.render(hud.Scene(_build(spec)), device=S1)
        for eye in incremental.eyes:
            assert np.array_equal(incremental.eyes[eye], fresh.eyes[eye]), (seed, path, field, value)
