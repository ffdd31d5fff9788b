"""The compositor: zones, importance, reduced forms, width narrowing, hiding and stereo-safe boxes.

A hypothesis property test renders random sets of top-level widgets on every built-in display
profile and checks what the compositor promises (no two shown boxes meet, every box and every
lit pixel stays on the display and inside a shown box, every hidden widget is reported by
lint). Small tests below it pin each rule of `hud.compose` one by one.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import hud
from hud.anim import COMPOSE_MOVE_S, Timeline
from hud.compose import DEFAULT_GAP, MIN_SEPARATION_PX
from hud.devices import builtin_names, load_device
from hud.geometry import Rect
from hud.lint import lint
from hud.profile import Profiler
from hud.scene import parse_scene
from hud.widgets import ANCHORS, Caption, Column, Icon, NavArrow, Notification, PriceCard, Progress, Text, Widget

DISPLAYS = [name for name in builtin_names() if load_device(name).has_display]
S1 = load_device("quark-s1")     # 640 x 480, both eyes; safe area 576 x 432 at (32, 24)
G1 = load_device("even-g1")      # 640 x 200, both eyes, 1-bit; safe area 488 x 184 at (76, 8)


# -- helpers ----------------------------------------------------------------------------------------

def render(*widgets: Widget, device: Any = S1, **scene: Any) -> tuple[hud.Renderer, hud.Frame]:
    """A fresh renderer for `widgets` and its frame at t = 0."""
    renderer = hud.Renderer(hud.Scene(*widgets, **scene), device)
    return renderer, renderer.frame()


def tops(frame: hud.Frame) -> dict[str, dict[str, Any]]:
    """Top-level entries of `frame.layout` by widget id."""
    return {entry["id"]: entry for entry in frame.layout["widgets"] if entry["parent"] is None}


def box(frame: hud.Frame, widget_id: str, eye: str = "left") -> Rect:
    """The box of a shown top-level widget on one eye (the first eye of one-eyed devices)."""
    eyes = tops(frame)[widget_id]["eyes"]
    assert eyes is not None, f"{widget_id} is not shown: {tops(frame)[widget_id]['reason']}"
    return Rect(*eyes.get(eye, next(iter(eyes.values()))))


def placement(renderer: hud.Renderer, widget: Widget):  # noqa: ANN201
    """The compositor's placement of a top-level widget."""
    found = renderer.composition.placement(widget)
    assert found is not None
    return found


def gap_px(device: Any, gap: Any = DEFAULT_GAP) -> int:
    """A scene gap in whole pixels on `device` (what the compositor uses)."""
    return max(round(hud.renderer.Theme(load_device(device)).px(gap)), 0)


def findings(scene: hud.Scene, device: Any, rule: str) -> list[hud.Finding]:
    """Lint findings of one rule at t = 0."""
    return [f for f in lint(scene, device, at=0) if f.rule == rule]


def lit(panel: np.ndarray) -> np.ndarray:
    """Mask of the pixels that emit light (mono or colour panels)."""
    return panel != 0 if panel.ndim == 2 else (panel != 0).any(axis=2)


def same_pixels(a: hud.Frame, b: hud.Frame) -> bool:
    return a.eyes.keys() == b.eyes.keys() and all(np.array_equal(a.eyes[e], b.eyes[e]) for e in a.eyes)


def nav(**fields: Any) -> NavArrow:
    return NavArrow(**{"maneuver": "left", "distance_m": 120, "street": "Main St", "anchor": "top", "id": "nav",
                       **fields})


def note_card(**fields: Any) -> Notification:
    return Notification(**{"app": "Alipay", "title": "Payment received", "body": "18.00 yuan from Li",
                           "anchor": "top-right", "id": "pay", **fields})


def panel_box(w: int, h: int, **fields: Any) -> hud.Panel:
    """A fixed-size panel (border only): a widget of known size."""
    return hud.Panel(width=w, height=h, **fields)


# -- the property: random scenes on every display ---------------------------------------------------

WORDS = ["Turn left", "Gate C32", "Paid 18.00", "Wensan Road", "Hello", "前方两百米右转", "晚上回家吃饭吗？",
         "Your table is ready at the window", "Boarding now", "ETA 6 min", "Flight CA1234 to Beijing"]
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
LEAF_KINDS = ("nav_arrow", "caption", "notification", "price_card", "text", "icon", "progress")


@st.composite
def leaf_specs(draw: st.DrawFn) -> dict[str, Any]:
    """The fields of one non-container widget, as a plain dict (printed when a case fails)."""
    kind = draw(st.sampled_from(LEAF_KINDS))
    if kind == "nav_arrow":
        fields = {"maneuver": draw(st.sampled_from(["left", "right", "straight", "u-turn", "arrive"])),
                  "distance_m": draw(st.sampled_from([0, 45, 120, 1500, 25000])),
                  "street": draw(st.one_of(st.none(), phrases)), "eta_min": draw(st.sampled_from([None, 6, 95]))}
    elif kind == "caption":
        fields = {"text": draw(phrases), "translation": draw(st.one_of(st.none(), phrases)),
                  "speaker": draw(st.sampled_from([None, "Li"]))}
    elif kind == "notification":
        fields = {"app": draw(st.sampled_from(["Alipay", "Messages", "Fliggy"])), "title": draw(phrases),
                  "body": draw(st.one_of(st.none(), phrases)),
                  "priority": draw(st.sampled_from(["low", "normal", "high"]))}
    elif kind == "price_card":
        fields = {"product": draw(phrases), "price": draw(st.sampled_from([9.9, 128, 5999])),
                  "store": draw(st.sampled_from(["", "Taobao", "JD"])),
                  "compare": draw(st.sampled_from([[], [{"store": "JD", "price": 6299}]]))}
    elif kind == "text":
        fields = {"text": draw(phrases), "size": draw(st.sampled_from(["body", "large", "small"]))}
    elif kind == "icon":
        fields = {"name": draw(st.sampled_from(["bell", "star", "left"]))}
    else:
        fields = {"value": draw(st.floats(0, 1))}
    return {"type": kind, **fields}


@st.composite
def top_specs(draw: st.DrawFn, index: int) -> dict[str, Any]:
    """One top-level widget: a leaf, or a column of 1-2 leaves; in a random zone and depth."""
    if draw(st.integers(0, 5)) == 0:
        spec = {"type": "column", "children": draw(st.lists(leaf_specs(), min_size=1, max_size=2))}
    else:
        spec = draw(leaf_specs())
    spec["id"] = f"w{index}"
    spec["anchor"] = draw(st.sampled_from(ANCHORS))
    spec["depth_m"] = draw(st.one_of(st.none(), st.floats(0.4, 10.0)))
    if draw(st.integers(0, 3)) == 0:
        spec["importance"] = draw(st.integers(0, 100))
    return spec


@st.composite
def scenes(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 8))
    return [draw(top_specs(index)) for index in range(count)]


def build(spec: dict[str, Any]) -> Widget:
    """A widget from a spec of `leaf_specs` / `top_specs`."""
    fields = dict(spec)
    kind = fields.pop("type")
    children = [build(child) for child in fields.pop("children", [])]
    return hud.widgets.create_widget(kind, {**fields, "children": children} if kind == "column" else fields)


def check_composition(specs: list[dict[str, Any]], device_name: str) -> None:
    """The four promises of the compositor, for one scene on one device."""
    device = load_device(device_name)
    widgets = [build(spec) for spec in specs]
    scene = hud.Scene(*widgets)
    frame = hud.Renderer(scene, device).frame()
    entries = tops(frame)
    shown = {key: entry for key, entry in entries.items() if entry["shown"]}
    note(f"{device_name}: " + "; ".join(f"{k} {e['form']} {e['eyes'] or e['reason']}" for k, e in entries.items()))
    screen = Rect(0, 0, device.width, device.height)
    for eye in device.eyes:
        boxes = {key: Rect(*entry["eyes"][eye]) for key, entry in shown.items()}
        # (a) shown top-level boxes never meet
        keys = list(boxes)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                assert boxes[a].intersect(boxes[b]).empty, f"{a} {boxes[a]} and {b} {boxes[b]} meet in the {eye} eye"
        # (b) every box is on the display
        for key, rect in boxes.items():
            assert rect.intersect(screen) == rect, f"{key} {rect} leaves the {eye} display {screen}"
        # (c) every lit pixel is inside a shown top-level box
        covered = np.zeros((device.height, device.width), bool)
        for rect in boxes.values():
            covered[max(rect.y, 0):max(rect.bottom, 0), max(rect.x, 0):max(rect.right, 0)] = True
        stray = lit(frame.eyes[eye]) & ~covered
        if stray.any():
            ys, xs = np.nonzero(stray)
            raise AssertionError(f"{len(ys)} lit pixels of the {eye} eye outside every shown box, "
                                 f"first at (x={xs[0]}, y={ys[0]})")
    # (d) exactly the widgets the compositor hid have a "hidden" finding naming them
    hidden = {key for key, entry in entries.items() if not entry["shown"]}
    assert all(w.visible for w in widgets)
    reported = {f.widget for f in findings(scene, device, "hidden")}
    labels = {w.id: f"{w.type_name} '{w.id}'" for w in widgets}
    assert {labels[key] for key in hidden} == reported


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=scenes())
def test_random_scenes_compose_without_overlap_on_every_display(specs: list[dict[str, Any]]) -> None:
    """Shown boxes never meet, stay on the display and hold every lit pixel; what is hidden is linted."""
    for device_name in DISPLAYS:
        check_composition(specs, device_name)
