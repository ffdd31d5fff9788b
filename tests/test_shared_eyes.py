"""Eyes that see the same picture are drawn once: the renderer rasters the first eye and copies
it, and every frame still equals a full redraw of each eye on its own, however often the
scene moves between shared and separate eyes (content at a depth, or not)."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

import hud
from hud.devices import DeviceProfile, load_device
from hud.raster.cpu import CpuRaster

S1 = load_device("quark-s1")
PALETTE = dataclasses.replace(S1, name="s1-palette", max_colours=16, colour="rgb")


def _scene() -> hud.Scene:
    return hud.Scene(
        hud.NavArrow("left", distance_m=120, street="Wensan Road", anchor="top-left", id="nav"),
        hud.Notification("Payment complete", app="Alipay", body="¥4.00", anchor="top-right", id="note"),
        hud.Caption("最近的地铁站在哪里？", translation="Where is the metro?", anchor="bottom", id="cap"),
    )


def _full(scene: hud.Scene, device: DeviceProfile) -> dict[str, np.ndarray]:
    renderer = hud.Renderer(scene, device)
    return renderer.frame().eyes


@pytest.mark.parametrize("device", [S1, PALETTE], ids=["quark-s1", "palette"])
def test_frames_moving_between_shared_and_separate_eyes_equal_full_redraws(device: DeviceProfile) -> None:
    rng = random.Random(5)
    scene = _scene()
    renderer = hud.Renderer(scene, device)
    renderer.frame()
    shared_frames = separate_frames = 0
    for step in range(24):
        widget = scene[rng.choice(["nav", "note", "cap"])]
        choice = rng.random()
        if choice < 0.35:
            widget.depth_m = rng.choice([None, None, 0.8, 1.5, 6.0])
        elif widget is scene["cap"]:
            widget.text = f"最近的地铁站在哪里？{step}"
        elif widget is scene["nav"]:
            widget.distance_m = 100 + step * 7
        else:
            widget.title = f"Payment {step}"
        frame = renderer.frame()
        shifted = any(w.depth_m is not None for w in scene.widgets)
        shared_frames += not shifted
        separate_frames += shifted
        expected = _full(scene, device)
        for eye in device.eyes:
            assert np.array_equal(frame.eyes[eye], expected[eye]), f"step {step}: {eye} eye differs"
    assert shared_frames and separate_frames


@pytest.mark.parametrize("device", [S1, PALETTE], ids=["quark-s1", "palette"])
def test_separate_then_shared_then_separate_eyes(device: DeviceProfile) -> None:
    # The right eye's surface must lose what it drew apart from the left one (the nav arrow at
    # a depth) when the eyes become one picture, even where the left eye's damage does not reach.
    scene = _scene()
    renderer = hud.Renderer(scene, device)
    renderer.frame()
    steps = [("nav", "depth_m", 6.0), ("nav", "depth_m", None), ("note", "depth_m", 1.0), ("note", "title", "Paid")]
    for name, field, value in steps:
        setattr(scene[name], field, value)
        frame = renderer.frame()
        expected = _full(scene, device)
        for eye in device.eyes:
            assert np.array_equal(frame.eyes[eye], expected[eye]), f"{name}.{field}={value}: {eye} eye differs"
        surfaces = {eye: np.array(renderer.raster.read(eye, renderer.screen)) for eye in device.eyes}
        if not any(w.depth_m is not None for w in scene.widgets):
            assert np.array_equal(surfaces["left"], surfaces["right"]), f"{name}.{field}={value}: surfaces differ"


@pytest.mark.parametrize("device", [S1, PALETTE], ids=["quark-s1", "palette"])
def test_on_the_gl_backend_a_copied_eye_is_drawn_whole_when_the_eyes_differ_again(
    gl: None, device: DeviceProfile
) -> None:
    # A palette panel reads its whole surface every frame: a stale one would show.
    scene = _scene()
    scene["nav"].depth_m = 6.0
    renderer = hud.Renderer(scene, device, backend="gl")
    renderer.frame()  # separate eyes: both surfaces drawn
    for name, field, value in [("nav", "depth_m", None), ("note", "title", "Paid"), ("note", "depth_m", 1.0)]:
        setattr(scene[name], field, value)
        frame = renderer.frame()
        fresh = hud.Renderer(scene, device, backend="gl")
        expected = fresh.frame().eyes
        fresh.close()
        for eye in device.eyes:
            assert np.array_equal(frame.eyes[eye], expected[eye]), f"{name}.{field}={value}: {eye} eye differs"
    renderer.close()


def test_a_shared_frame_rasters_one_eye_and_copies_it() -> None:
    drawn: list[str] = []
    copied: list[tuple[str, str]] = []

    class Recording(CpuRaster):
        def draw(self, eye, items, shift, sign):  # noqa: ANN001, ANN202
            drawn.append(eye)
            return super().draw(eye, items, shift, sign)

        def copy_eye(self, source, target, areas):  # noqa: ANN001, ANN202
            copied.append((source, target))
            return super().copy_eye(source, target, areas)

    scene = _scene()
    renderer = hud.Renderer(scene, S1)
    renderer.raster = Recording(S1.width, S1.height, 1)
    renderer.invalidate()
    first = renderer.frame()
    scene["cap"].text = "下一站"
    second = renderer.frame()
    assert drawn == ["left", "left"] and copied == [("left", "right"), ("left", "right")]
    assert np.array_equal(second.eyes["left"], second.eyes["right"])
    assert second.eyes["left"] is not second.eyes["right"]  # each eye its own array
    assert 0 < second.dirty_px < first.dirty_px
    assert np.array_equal(renderer.raster.read("right", renderer.screen), renderer.raster.read("left", renderer.screen))
    scene["nav"].depth_m = 1.0  # now the eyes differ: both drawn
    renderer.frame()
    assert drawn[-2:] == ["left", "right"]
