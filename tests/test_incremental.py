"""Incremental frames are pixel-equal to full redraws, and an unchanged frame costs nothing.

The core of this file is a hypothesis state machine: it builds two identical random widget
trees from one random recipe, renders one of them incrementally with a long-lived Renderer
(dirty layout, cached paint items, damage rectangles per eye) and the other from scratch
every step, applies the same random mutation to both, and compares every eye's panel image
after every frame. It runs for a two-eye mono device, a one-eye 16-colour device and a device
with per-eye calibration offsets.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import hud
from hud.damage import MAX_RECTS, merge
from hud.devices import PROFILE_DIR, DeviceProfile, load_device
from hud.geometry import Rect
from hud.icons import ICON_NAMES, MANEUVERS
from hud.widgets import ANCHORS, WIDGET_TYPES, Caption, Composite, NavArrow, Progress, Text, Widget
from hud.widgets.primitives import ALIGNS, JUSTIFIES, TEXT_ALIGNS

from budget import examples
from paths import SCENES

S1 = load_device("quark-s1")
FRAME = load_device("frame")  # one eye, RGB, at most 16 colours per frame


def _calibrated_device() -> DeviceProfile:
    """quark-s1 with per-eye calibration offsets, loaded from a profile file in a temp dir."""
    text = (PROFILE_DIR / "quark-s1.toml").read_text(encoding="utf-8")
    for old, new in (
        ("left = [0, 0]", "left = [3, -2]"),
        ("right = [0, 0]", "right = [-4, 1]"),
        ('name = "quark-s1"', 'name = "quark-s1-calibrated"'),
    ):
        assert old in text, old
        text = text.replace(old, new)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "quark-s1-calibrated.toml"
        path.write_text(text, encoding="utf-8")
        device = load_device(path)
    assert device.eye_offset("left") == (3, -2) and device.eye_offset("right") == (-4, 1)
    return device


CALIBRATED = _calibrated_device()


# -- comparing frames ----------------------------------------------------------------------------


def assert_same_eyes(actual: dict[str, np.ndarray], expected: dict[str, np.ndarray], label: str) -> None:
    """Every eye pixel-equal; on mismatch name the first differing pixel and how many differ."""
    assert actual.keys() == expected.keys(), f"{label}: eyes {sorted(actual)} != {sorted(expected)}"
    for eye, e in expected.items():
        a = actual[eye]
        assert a.shape == e.shape and a.dtype == e.dtype, (
            f"{label}: eye {eye} {a.shape}/{a.dtype} != {e.shape}/{e.dtype}"
        )
        if np.array_equal(a, e):
            continue
        differs = a != e
        if differs.ndim == 3:
            differs = differs.any(axis=2)
        ys, xs = np.nonzero(differs)
        y, x = int(ys[0]), int(xs[0])
        raise AssertionError(
            f"{label}: eye '{eye}' differs from a full redraw at (x={x}, y={y}): "
            f"incremental {a[y, x].tolist()} vs full {e[y, x].tolist()}; {len(ys)} pixels differ, "
            f"within x {xs.min()}..{xs.max()}, y {ys.min()}..{ys.max()}"
        )


def full_render(scene: hud.Scene, device: DeviceProfile, t: float = 0.0) -> hud.Frame:
    renderer = hud.Renderer(scene, device)
    renderer.invalidate()
    return renderer.frame(t)


# What a widget holds: its fields, its dirty marks, its place in the tree (with the widget count
# and nesting height the tree limits check) and where it was declared; a composite also the mark
# that says when it needs a new build. Nothing any renderer computes.
WIDGET_STATE = frozenset(
    {"_values", "_revision", "_layout_stamp", "_tree_revision", "_children", "parent", "_size", "_height", "source"}
)
COMPOSITE_STATE = WIDGET_STATE | {"_build_revision"}


def assert_holds_no_render_state(root: Widget) -> None:
    """Every widget of the tree has exactly its own state: no box, block, build, cache or owner."""
    for widget in root.walk():
        expected = COMPOSITE_STATE if isinstance(widget, Composite) else WIDGET_STATE
        assert set(vars(widget)) == expected, f"{widget!r}: {sorted(set(vars(widget)) ^ expected)}"


# -- random trees ---------------------------------------------------------------------------------

LATIN = [
    "Turn left",
    "Hello world",
    "Gate C32",
    "Paid 18.00",
    "Wensan Road",
    "x",
    "naïve café",
    "longwordwithoutanyspacesatall",
    "ETA 6 min",
]
CJK = ["欢迎来到杭州", "前方两百米右转", "晚上回家吃饭吗？", "地铁站", "（括号）。", "中文排版"]
ARABIC = ["مرحبا بالعالم", "السلام عليكم", "انعطف يسارا", "محطة المترو"]
WORDS = LATIN + CJK + ARABIC

texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=5).map(" ".join)
some_texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
long_texts = st.lists(st.sampled_from(WORDS), min_size=4, max_size=14).map(" ".join)  # captions overflow
short_texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(" ".join)
# Skewed so that most widgets stay lit and on screen: a tree where nothing is drawn proves little.
depths = st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.0, 10.0]), st.floats(0.5, 10.0))
brightnesses = st.one_of(st.sampled_from([1.0, 1.0, 0.8, 0.6, 0.35, 0.0]), st.floats(0.05, 1.0))
widths = st.sampled_from([None, 60, 160, 300, "40%", "100%", "6deg", "12deg"])
offsets = st.one_of(
    st.tuples(st.integers(-40, 40), st.integers(-40, 40)),
    st.tuples(st.sampled_from(["0.5deg", "-1deg", 0, 12, -25]), st.sampled_from(["1deg", "-0.5deg", 0, 9])),
    st.tuples(st.sampled_from([-700, -300, 0, 150, 300, 700]), st.sampled_from([-500, -150, 0, 200, 500])),
).map(list)
colours = st.sampled_from(["fg", "dim", "accent", "alert", 0.5, "#ff8800"])

COMMON = {
    "anchor": st.sampled_from(ANCHORS),
    "width": widths,
    "depth_m": depths,
    "brightness": brightnesses,
    "offset": offsets,
    "padding": st.sampled_from([0, 4, [2, 6]]),
    "margin": st.sampled_from([0, 3]),
    "grow": st.sampled_from([0, 1]),
    "visible": st.sampled_from([True] * 7 + [False]),
}


def _fields(required: dict[str, st.SearchStrategy], optional: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    return st.fixed_dictionaries(required, optional={**COMMON, **optional})


LEAVES: dict[str, st.SearchStrategy] = {
    "text": _fields(
        {"text": st.one_of(some_texts, long_texts)},
        {
            "size": st.sampled_from(["small", "body", "title", "large", 18]),
            "max_lines": st.integers(0, 3),
            "align": st.sampled_from(TEXT_ALIGNS),
            "weight": st.sampled_from(["regular", "bold"]),
            "color": colours,
            "overflow": st.sampled_from(["ellipsis", "clip", "keep-end"]),
            "scroll": st.sampled_from([0.5, 1.0, 2.5]),
        },
    ),
    "icon": _fields(
        {"name": st.sampled_from(ICON_NAMES)},
        {
            "size": st.sampled_from([16, 32, "1.2deg", "2.5deg"]),
            "stroke": st.sampled_from([0.5, 1.0, 2.0]),
            "color": colours,
            "exit": st.integers(1, 8),
        },
    ),
    "progress": _fields({"value": st.floats(0.0, 1.0)}, {"color": colours}),
    "caption": _fields(
        {"text": long_texts},
        {
            "translation": texts,
            "speaker": short_texts,
            "max_lines": st.integers(1, 3),
            "size": st.sampled_from(["small", "body", "large"]),
            "lang": st.sampled_from(["en", "zh", "ar"]),
        },
    ),
    "notification": _fields(
        {"app": short_texts, "title": short_texts},
        {
            "body": texts,
            "priority": st.sampled_from(["low", "normal", "high"]),
            "icon": st.sampled_from(["wallet", "plane", "message", "bell"]),
        },
    ),
    "nav_arrow": _fields(
        {"maneuver": st.sampled_from(MANEUVERS)},
        {
            "distance_m": st.floats(0.0, 5000.0),
            "street": short_texts,
            "eta_min": st.integers(0, 90),
            "exit": st.integers(1, 8),
        },
    ),
    "price_card": _fields(
        {"product": short_texts, "price": st.floats(0.0, 99999.0)},
        {
            "store": short_texts,
            "rating": st.floats(0.0, 5.0),
            "compare": st.lists(
                st.fixed_dictionaries({"store": short_texts, "price": st.floats(0.0, 99999.0)}), max_size=2
            ),
        },
    ),
}
CONTAINERS: dict[str, dict[str, st.SearchStrategy]] = {
    "column": {
        "gap": st.sampled_from([0, 4, "0.3deg"]),
        "align": st.sampled_from(ALIGNS),
        "justify": st.sampled_from(JUSTIFIES),
        "height": st.sampled_from([None, 200, "50%"]),
    },
    "row": {
        "gap": st.sampled_from([0, 4, "0.3deg"]),
        "align": st.sampled_from(ALIGNS),
        "justify": st.sampled_from(JUSTIFIES),
    },
    "stack": {"height": st.sampled_from([None, 120, "30%"])},
    "panel": {
        "fill": st.sampled_from(["off", "dim", 0.3]),
        "border": st.sampled_from([0, 2, "0.2deg"]),
        "radius": st.sampled_from([0, 8, 30]),
    },
}

Spec = tuple[str, dict[str, Any], list]  # (widget type, fields, child specs)


def leaf_specs() -> st.SearchStrategy:
    return st.one_of([st.tuples(st.just(kind), fields, st.just([])) for kind, fields in LEAVES.items()])


def widget_specs(depth: int = 0) -> st.SearchStrategy:
    """A widget recipe; containers nest at most two deep."""
    if depth >= 2:
        return leaf_specs()
    containers = [
        st.tuples(st.just(kind), _fields({}, fields), st.lists(widget_specs(depth + 1), max_size=3))
        for kind, fields in CONTAINERS.items()
    ]
    return st.one_of(leaf_specs(), *containers)


scene_recipes = st.lists(widget_specs(), min_size=1, max_size=4)


def build(spec: Spec) -> Widget:
    kind, fields, children = spec
    return WIDGET_TYPES[kind](*[build(child) for child in children], **fields)


def clone(widget: Widget) -> Widget:
    """A brand-new widget (no caches, no built subtree) with the same explicit fields."""
    return type(widget)(*[clone(child) for child in widget._children], **widget.fields())


def widget_paths(widget: Widget, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Widget]]:
    """(index path, widget) for every widget the app built (not composites' generated subtrees)."""
    for index, child in enumerate(widget._children):
        yield path + (index,), child
        yield from widget_paths(child, path + (index,))


def resolve(root: Widget, path: tuple[int, ...]) -> Widget:
    widget = root
    for index in path:
        widget = widget._children[index]
    return widget


# -- the state machine ----------------------------------------------------------------------------


class IncrementalMachine(RuleBasedStateMachine):
    """Tree A: one long-lived renderer, incremental frames. Tree B: the same tree, the same
    mutations, every frame drawn from scratch (every cache invalidated). After every step the
    two must be pixel-equal, per eye."""

    device: DeviceProfile = S1

    def __init__(self) -> None:
        super().__init__()
        self.scene_a: hud.Scene | None = None
        self.scene_b: hud.Scene | None = None
        self.previous: hud.Frame | None = None
        self.previous_copy: dict[str, np.ndarray] = {}
        self.expect_unchanged = False
        self.frames = 0
        self.healthy = True
        self.screenshot_pending = False
        self.other_pending = False
        self.seen = -1  # tree A's dirty mark when its renderer last drew it

    @initialize(recipe=scene_recipes)
    def build_trees(self, recipe: list[Spec]) -> None:
        self.scene_a = hud.Scene(*[build(spec) for spec in recipe])
        self.scene_b = hud.Scene(*[build(spec) for spec in recipe])
        self.renderer_a = hud.Renderer(self.scene_a, self.device)
        self.renderer_b = hud.Renderer(self.scene_b, self.device)
        self.renderer_other = hud.Renderer(self.scene_a, FRAME if self.device is not FRAME else S1)

    # -- helpers ---------------------------------------------------------------------------------
    def _paths(self, want: Callable[[Widget], bool] = lambda w: True) -> list[tuple[int, ...]]:
        assert self.scene_a is not None
        return [path for path, widget in widget_paths(self.scene_a.root) if want(widget)]

    def _has(self, want: Callable[[Widget], bool]) -> bool:
        return self.scene_a is not None and any(True for _ in self._paths(want))

    def _apply(
        self, data: st.DataObject, want: Callable[[Widget], bool], change: Callable[[Widget], None], label: str
    ) -> None:
        path = data.draw(st.sampled_from(self._paths(want)), label=f"{label} at path")
        for scene in (self.scene_a, self.scene_b):
            widget = resolve(scene.root, path)
            change(widget)

    # -- mutations ---------------------------------------------------------------------------------
    @precondition(lambda self: self._has(lambda w: isinstance(w, Text)))
    @rule(data=st.data(), text=texts)
    def set_text(self, data: st.DataObject, text: str) -> None:
        self._apply(data, lambda w: isinstance(w, Text), lambda w: setattr(w, "text", text), "set text")

    @precondition(lambda self: self._has(lambda w: isinstance(w, Caption)))
    @rule(
        data=st.data(),
        more=st.one_of(st.just(""), long_texts),
        partial=st.sampled_from([None, "", " and then", " 然后"]),
    )
    def caption_append(self, data: st.DataObject, more: str, partial: str | None) -> None:
        def change(caption: Caption) -> None:
            caption.append(more and " " + more)  # "" commits nothing and drops the partial words
            if partial is not None:
                caption.replace_partial(partial)

        self._apply(data, lambda w: isinstance(w, Caption), change, "caption append")

    @precondition(lambda self: self._has(lambda w: isinstance(w, (Caption, Text))))
    @rule(data=st.data(), value=st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 3.0)))
    def set_scroll(self, data: st.DataObject, value: float) -> None:
        """Lines still scrolling up: keep-end text is drawn lower, the lines above it clipped
        to its box (paint only)."""
        self._apply(data, lambda w: isinstance(w, (Caption, Text)), lambda w: setattr(w, "scroll", value), "scroll")

    @precondition(lambda self: self._has(lambda w: True))
    @rule(data=st.data(), value=brightnesses)
    def set_brightness(self, data: st.DataObject, value: float) -> None:
        self._apply(data, lambda w: True, lambda w: setattr(w, "brightness", value), "brightness")

    @precondition(lambda self: self._has(lambda w: True))
    @rule(data=st.data())
    def toggle_visible(self, data: st.DataObject) -> None:
        self._apply(data, lambda w: True, lambda w: setattr(w, "visible", not w.visible), "toggle visible")

    @precondition(lambda self: self._has(lambda w: True))
    @rule(data=st.data(), value=depths)
    def set_depth(self, data: st.DataObject, value: float | None) -> None:
        self._apply(data, lambda w: True, lambda w: setattr(w, "depth_m", value), "depth")

    @precondition(lambda self: self._has(lambda w: True))
    @rule(
        data=st.data(),
        name=st.sampled_from(["anchor", "offset", "width"]),
        anchor=st.sampled_from(ANCHORS),
        offset=offsets,
        width=widths,
    )
    def set_geometry(self, data: st.DataObject, name: str, anchor: str, offset: list, width: Any) -> None:
        value = {"anchor": anchor, "offset": offset, "width": width}[name]
        self._apply(data, lambda w: True, lambda w: setattr(w, name, value), f"set {name}")

    @precondition(lambda self: self._has(lambda w: isinstance(w, Progress)))
    @rule(data=st.data(), value=st.floats(0.0, 1.0))
    def set_progress(self, data: st.DataObject, value: float) -> None:
        self._apply(data, lambda w: isinstance(w, Progress), lambda w: setattr(w, "value", value), "progress")

    @precondition(lambda self: self._has(lambda w: isinstance(w, NavArrow)))
    @rule(data=st.data(), value=st.one_of(st.floats(0.0, 5000.0), st.sampled_from([0, 3, 99, 100, 1000, 1049])))
    def set_nav_distance(self, data: st.DataObject, value: float) -> None:
        self._apply(data, lambda w: isinstance(w, NavArrow), lambda w: setattr(w, "distance_m", value), "nav distance")

    @rule(data=st.data(), spec=widget_specs(1), at_start=st.booleans())
    def add_child(self, data: st.DataObject, spec: Spec, at_start: bool) -> None:
        # Containers, the screen (path ()) included.
        paths = [()] + self._paths(lambda w: w.accepts_children)
        path = data.draw(st.sampled_from(paths), label="add child to")
        for scene in (self.scene_a, self.scene_b):
            resolve(scene.root, path).add(build(spec), 0 if at_start else None)

    @precondition(lambda self: self._has(lambda w: True))
    @rule(data=st.data())
    def remove_child(self, data: st.DataObject) -> None:
        self._apply(data, lambda w: True, lambda w: w.parent.remove(w), "remove")

    @precondition(lambda self: self._has(lambda w: True))
    @rule(data=st.data())
    def move_to_front(self, data: st.DataObject) -> None:
        """Reorder: remove a widget and add it back as its parent's first child."""

        def change(widget: Widget) -> None:
            parent = widget.parent
            parent.remove(widget)
            parent.add(widget, 0)

        self._apply(data, lambda w: True, change, "reorder")

    @rule()
    def nothing(self) -> None:
        self.expect_unchanged = self.previous is not None

    @rule()
    def screenshot(self) -> None:
        """After the next change, a second renderer (same device) draws tree A before its own
        renderer does, as an app taking a screenshot would."""
        self.screenshot_pending = True

    @rule()
    def other_device(self) -> None:
        """Before the next frame, a long-lived renderer for another device draws tree A: it
        must draw what a fresh renderer for that device draws, and tree A's own renderer must
        not notice (an unchanged frame stays free)."""
        self.other_pending = True
        self.expect_unchanged = self.previous is not None

    # -- the check ---------------------------------------------------------------------------------
    @invariant()
    def incremental_equals_full(self) -> None:
        if self.scene_a is None:
            return
        self.healthy = False
        label = f"{self.device.name} frame {self.frames}"
        root = self.scene_a.root
        screenshot = None
        if self.screenshot_pending and root._tree_revision != self.seen:  # tree A changed since its last frame
            screenshot = hud.Renderer(self.scene_a, self.device).frame()
            self.screenshot_pending = False
        if self.other_pending:
            other = self.renderer_other.frame()
            expected = hud.Renderer(self.scene_b, self.renderer_other.device).frame()
            assert_same_eyes(other.eyes, expected.eyes, f"{label}: {self.renderer_other.device.name} on the same tree")
            self.other_pending = False
        frame_a = self.renderer_a.frame()
        self.seen = root._tree_revision
        self.renderer_b.invalidate()
        frame_b = self.renderer_b.frame()
        assert frame_b.dirty_px == self.device.width * self.device.height * len(self.device.eyes)
        assert_same_eyes(frame_a.eyes, frame_b.eyes, label)
        if screenshot is not None:
            assert_same_eyes(screenshot.eyes, frame_b.eyes, f"{label}: the screenshot")
        assert 0 <= frame_a.dirty_px <= frame_b.dirty_px
        if self.expect_unchanged:
            assert frame_a.dirty_px == 0, f"{label}: nothing changed but {frame_a.dirty_px} px were re-rastered"
            for eye, panel in frame_a.eyes.items():
                assert panel is self.previous.eyes[eye], f"{label}: nothing changed but a new {eye} image was made"
            assert self.renderer_a.layout.stats.measured == 0 and self.renderer_a.layout.stats.arranged == 0
        # Earlier frames keep their pixels (copy-on-write panels).
        if self.previous is not None:
            assert_same_eyes(self.previous.eyes, self.previous_copy, f"{label}: the previous frame")
        assert_holds_no_render_state(root)
        self.previous = frame_a
        self.previous_copy = {eye: panel.copy() for eye, panel in frame_a.eyes.items()}
        self.expect_unchanged = False
        self.frames += 1
        self.healthy = True

    def teardown(self) -> None:
        # Once per run, a third tree built anew from tree B's fields (no built composite
        # subtrees, no caches at all) in a new renderer must also give the same pixels.
        if self.scene_b is None or self.previous is None or not self.healthy:
            return
        fresh = hud.Scene(*[clone(widget) for widget in self.scene_b.root._children])
        assert_same_eyes(
            self.previous.eyes,
            hud.Renderer(fresh, self.device).frame().eyes,
            f"{self.device.name}: last frame against a tree rebuilt from its fields",
        )


class ColourMachine(IncrementalMachine):
    device = FRAME


class CalibratedMachine(IncrementalMachine):
    device = CALIBRATED


# `make test` walks each machine a few times; `make test-long` walks them many more times, and
# further. The colour machine costs five times as much per step (Frame's 16-colour palette).
_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "stateful_step_count": examples(quick=12, long=25),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}

TestIncrementalMono = IncrementalMachine.TestCase
TestIncrementalMono.settings = settings(max_examples=examples(quick=25, long=300), **_SETTINGS)
TestIncrementalColour = ColourMachine.TestCase
TestIncrementalColour.settings = settings(max_examples=examples(quick=10, long=150), **_SETTINGS)
TestIncrementalCalibrated = CalibratedMachine.TestCase
TestIncrementalCalibrated.settings = settings(max_examples=examples(quick=25, long=300), **_SETTINGS)


# -- plain tests: what an incremental frame costs and keeps ----------------------------------------

EYE_AREA = S1.width * S1.height


def _street_scene() -> hud.Scene:
    return hud.Scene(
        hud.NavArrow(maneuver="left", distance_m=120, street="Wensan Road", eta_min=6, anchor="top-left", id="nav"),
        hud.Notification(
            app="Alipay",
            title="Paid ¥18.00",
            body="Lv's Noodles, Hubin",
            anchor="top-right",
            width="10deg",
            depth_m=1.2,
            id="pay",
        ),
        hud.Progress(value=0.4, anchor="right", id="progress"),
        hud.Caption(
            text="欢迎来到杭州", translation="Welcome to Hangzhou", speaker="Guide", anchor="bottom", id="caption"
        ),
    )


def _lit_box(panel: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the lit pixels, exclusive ends."""
    lit = panel if panel.ndim == 2 else panel.max(axis=2)
    ys, xs = np.nonzero(lit)
    assert xs.size, "nothing was drawn"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_unchanged_frame_returns_the_previous_images_at_no_cost() -> None:
    scene = _street_scene()
    renderer = hud.Renderer(scene, S1)
    first = renderer.frame()
    assert first.dirty_px == EYE_AREA * 2
    second = renderer.frame(0.5)
    assert second.t == 0.5 and second.dirty_px == 0
    for eye in first.eyes:
        assert second.eyes[eye] is first.eyes[eye]
    stats = renderer.layout.stats
    assert stats.measured == 0 and stats.arranged == 0 and stats.widgets == []

    # "Almost nothing": far cheaper than a full frame (the margin is huge, so this is not flaky).
    start = time.perf_counter()
    for _ in range(50):
        renderer.frame()
    unchanged = (time.perf_counter() - start) / 50
    start = time.perf_counter()
    for _ in range(3):
        renderer.invalidate()
        renderer.frame()
    full = (time.perf_counter() - start) / 3
    assert unchanged < full / 20, (unchanged, full)


def test_setting_a_field_to_its_current_value_is_no_change() -> None:
    scene = _street_scene()
    renderer = hud.Renderer(scene, S1)
    first = renderer.frame()
    scene["progress"].value = 0.4
    scene["nav"].street = "Wensan Road"
    second = renderer.frame()
    assert second.dirty_px == 0 and second.eyes["left"] is first.eyes["left"]


def test_caption_change_rerasters_a_small_area_and_equals_a_full_render() -> None:
    scene = _street_scene()
    renderer = hud.Renderer(scene, S1)
    first = renderer.frame()
    scene["caption"].append("，请往前走")
    frame = renderer.frame()
    assert 0 < frame.dirty_px < EYE_AREA * 2 // 8, frame.dirty_px
    # Widgets away from the caption were neither laid out nor painted again.
    assert renderer.painter.painted < 10
    assert not any(w in renderer.layout.stats.widgets for w in (scene["nav"], scene["pay"], scene["progress"]))
    assert not np.array_equal(frame.eyes["left"], first.eyes["left"])
    fresh = _street_scene()
    fresh["caption"].append("，请往前走")
    assert_same_eyes(frame.eyes, full_render(fresh, S1).eyes, "caption append")


def test_removing_a_widget_clears_its_pixels() -> None:
    scene = _street_scene()
    renderer = hud.Renderer(scene, S1)
    before = renderer.frame()
    alone = hud.Renderer(hud.Scene(hud.Progress(value=0.4, anchor="right")), S1).frame()
    x0, y0, x1, y1 = _lit_box(alone.eyes["left"])
    assert before.eyes["left"][y0:y1, x0:x1].any()
    scene.root.remove(scene["progress"])
    after = renderer.frame()
    assert 0 < after.dirty_px < EYE_AREA * 2 // 8
    for eye in after.eyes:
        assert not after.eyes[eye][y0:y1, x0:x1].any(), f"the removed progress bar is still in the {eye} eye"
    fresh = _street_scene()
    fresh.root.remove(fresh["progress"])
    assert_same_eyes(after.eyes, full_render(fresh, S1).eyes, "remove")


def test_committing_nothing_drops_the_partial_words() -> None:
    caption = hud.Caption(text="hello", anchor="bottom")
    renderer = hud.Renderer(hud.Scene(caption), S1)
    renderer.frame()
    caption.replace_partial(" wor")
    renderer.frame()
    caption.append("")  # the recogniser commits nothing: the tentative words go
    frame = renderer.frame()
    assert caption.partial == ""
    expected = full_render(hud.Scene(hud.Caption(text="hello", anchor="bottom")), S1)
    assert_same_eyes(frame.eyes, expected.eyes, "append('') after a partial")


def test_hiding_and_dimming_to_zero_clear_pixels() -> None:
    scene = _street_scene()
    renderer = hud.Renderer(scene, S1)
    renderer.frame()
    scene["pay"].visible = False
    scene["nav"].brightness = 0.0
    frame = renderer.frame()
    fresh = hud.Scene(
        hud.Progress(value=0.4, anchor="right"),
        hud.Caption(text="欢迎来到杭州", translation="Welcome to Hangzhou", speaker="Guide", anchor="bottom"),
    )
    assert_same_eyes(frame.eyes, full_render(fresh, S1).eyes, "hidden and dark")


@pytest.mark.parametrize("device", [S1, CALIBRATED], ids=["quark-s1", "calibrated"])
def test_moving_a_widget_in_depth_damages_both_eyes(device: DeviceProfile) -> None:
    def build_scene() -> hud.Scene:
        card = hud.Panel(hud.Text(text="Gate C32 登机口"), width=160, height=60, anchor="center", fill=0.4, id="card")
        return hud.Scene(card, hud.Text(text="static", anchor="top-left", id="static"))

    scene = build_scene()
    static = scene["static"]
    renderer = hud.Renderer(scene, device)
    first = renderer.frame()
    for depth in (0.6, 10.0, None, 1.0):
        scene["card"].depth_m = depth
        frame = renderer.frame()
        assert static not in renderer.layout.stats.widgets  # depth re-places only that widget
        assert 0 < frame.dirty_px < device.width * device.height * 2 // 3
        expected_scene = build_scene()
        expected_scene["card"].depth_m = depth
        expected = full_render(expected_scene, device)
        assert_same_eyes(frame.eyes, expected.eyes, f"depth {depth}")
        shift = 0 if depth is None else round(device.disparity_px(depth))
        # The card moves by +shift in the left eye and -shift in the right eye from where
        # it was at the image distance (plus each eye's calibration offset).
        for eye, sign in (("left", 1), ("right", -1)):
            base = _lit_box(first.eyes[eye][device.height // 3 :])
            moved = _lit_box(frame.eyes[eye][device.height // 3 :])
            assert moved[0] - base[0] == sign * shift and moved[2] - base[2] == sign * shift, (eye, depth)
        if shift:
            assert not np.array_equal(frame.eyes["left"], frame.eyes["right"])


def test_earlier_frames_keep_their_pixels() -> None:
    scene = _street_scene()
    renderer = hud.Renderer(scene, S1)
    frames, copies = [], []
    for step in range(5):
        if step:
            scene["progress"].value = step / 5
            scene["caption"].append(f" {step}")
            scene["pay"].depth_m = 0.8 + step
        frame = renderer.frame()
        frames.append(frame)
        copies.append({eye: panel.copy() for eye, panel in frame.eyes.items()})
    for index, (frame, copy) in enumerate(zip(frames, copies)):
        assert_same_eyes(frame.eyes, copy, f"frame {index} after later frames")
    for eye in frames[0].eyes:
        assert len({id(frame.eyes[eye]) for frame in frames}) == len(frames)
        assert not np.array_equal(frames[0].eyes[eye], frames[-1].eyes[eye])


def test_a_second_renderer_on_the_same_tree_leaves_no_stale_pixels() -> None:
    """A screenshot renderer (same device object) drawing the tree between two frames takes
    nothing from the display's renderer: the display still shows the change, not its previous
    images."""
    scene = _street_scene()
    display = hud.Renderer(scene, S1)
    display.frame()
    scene["progress"].value = 0.9
    screenshot = hud.Renderer(scene, S1).frame()
    frame = display.frame()
    fresh = _street_scene()
    fresh["progress"].value = 0.9
    expected = full_render(fresh, S1).eyes
    assert_same_eyes(screenshot.eyes, expected, "screenshot")
    assert_same_eyes(frame.eyes, expected, "display after a screenshot")
    assert display.frame().dirty_px == 0  # and then it is incremental again


STREET_CHANGES: list[tuple[str, Callable[[hud.Scene], None]]] = [
    ("nothing", lambda scene: None),
    ("progress", lambda scene: setattr(scene["progress"], "value", 0.9)),
    ("caption append", lambda scene: scene["caption"].append("，请往前走")),
    ("payment depth", lambda scene: setattr(scene["pay"], "depth_m", 0.6)),
    ("nothing again", lambda scene: None),
    ("street", lambda scene: setattr(scene["nav"], "street", "Hubin Road, West Lake District")),
    ("hide payment", lambda scene: setattr(scene["pay"], "visible", False)),
    ("caption partial", lambda scene: scene["caption"].replace_partial("，然后")),
]


@pytest.mark.parametrize("second", ["frame", "gl"], ids=["another device", "another backend"])
def test_two_renderers_drawing_one_scene_alternately_each_draw_what_a_fresh_one_draws(second: str) -> None:
    """Every result of rendering lives in the renderer that computed it, so two renderers (the
    S1 and another device, or the CPU and the GL backend) drawing one scene in turn each give,
    frame after frame and incrementally, exactly what a fresh renderer gives; and neither
    writes anything onto the widgets."""
    scene = _street_scene()
    s1 = hud.Renderer(scene, S1)
    other = hud.Renderer(scene, FRAME) if second == "frame" else hud.Renderer(scene, S1, backend="gl")
    fresh_scene = _street_scene()
    for step, (label, change) in enumerate(STREET_CHANGES):
        change(scene)
        change(fresh_scene)
        order = (s1, other) if step % 2 else (other, s1)
        for renderer in order:
            frame = renderer.frame()
            expected = hud.Renderer(fresh_scene, renderer.device, backend=renderer.backend).frame()
            assert_same_eyes(frame.eyes, expected.eyes, f"{renderer.device.name} {renderer.backend}: {label}")
            if step:
                full = renderer.device.width * renderer.device.height * len(renderer.device.eyes)
                assert frame.dirty_px < full // 2, f"{label}: {frame.dirty_px} px re-rastered"  # incremental
            if label.startswith("nothing") and step:
                assert frame.dirty_px == 0
        assert_holds_no_render_state(scene.root)
        assert_holds_no_render_state(fresh_scene.root)


# -- damage rectangles -------------------------------------------------------------------------------

SCREEN = Rect(0, 0, 640, 480)


def test_merge_joins_overlapping_rects() -> None:
    assert merge([Rect(0, 0, 100, 100), Rect(10, 10, 100, 100)], SCREEN) == [Rect(0, 0, 110, 110)]
    assert merge([Rect(10, 10, 50, 50), Rect(20, 20, 5, 5)], SCREEN) == [Rect(10, 10, 50, 50)]
    # A merge can make the union overlap a third rect: that one joins too.
    chain = merge([Rect(0, 0, 60, 20), Rect(50, 0, 60, 20), Rect(100, 0, 60, 20)], SCREEN)
    assert chain == [Rect(0, 0, 160, 20)]


def test_merge_keeps_far_apart_rects_separate() -> None:
    a, b = Rect(0, 0, 20, 20), Rect(500, 400, 20, 20)
    assert a.union(b).area > a.area + b.area
    assert sorted(merge([a, b], SCREEN)) == sorted([a, b])
    assert merge([Rect(5, 5, 0, 10), Rect(3, 3, 10, -1)], SCREEN) == []


def test_merge_gives_up_past_max_rects() -> None:
    def spread(count: int) -> list[Rect]:
        return [Rect(70 * i, 50 * (i % 2), 10, 10) for i in range(count)]

    assert len(merge(spread(MAX_RECTS), SCREEN)) == MAX_RECTS
    assert merge(spread(MAX_RECTS + 1), SCREEN) is None  # None: redraw the whole eye
    assert merge([SCREEN], SCREEN) is None


# -- timelines ---------------------------------------------------------------------------------------

TIMELINE_SCENES = ["city-walk-timeline.toml", "notification-burst.toml", "streamed-caption.toml"]


@pytest.mark.parametrize("name", TIMELINE_SCENES)
def test_timeline_played_at_30_fps_equals_fresh_renders(name: str) -> None:
    scene = hud.load_scene(SCENES / name)
    renderer = hud.Renderer(scene)
    count = round(scene.length * 30)
    sample = set(range(0, count + 1, 4)) | {count}
    dirty = []
    for index in range(count + 1):
        t = index / 30
        frame = renderer.frame(t)
        dirty.append(frame.dirty_px)
        if index in sample:
            fresh = hud.Renderer(hud.load_scene(SCENES / name)).frame(t)
            assert_same_eyes(frame.eyes, fresh.eyes, f"{name} at t={t:.3f}s")
    assert any(0 < d < EYE_AREA * 2 // 2 for d in dirty), "no partial frame was exercised"
    assert dirty.count(0) > 0, "no frame was unchanged"


@pytest.mark.parametrize("name", TIMELINE_SCENES)
def test_timeline_frames_are_pure_functions_of_time(name: str) -> None:
    scene = hud.load_scene(SCENES / name)
    renderer = hud.Renderer(scene)
    late = renderer.frame(5.0)
    early = renderer.frame(2.0)
    assert_same_eyes(early.eyes, hud.Renderer(hud.load_scene(SCENES / name)).frame(2.0).eyes, f"{name}: 5 s then 2 s")
    assert_same_eyes(renderer.frame(5.0).eyes, late.eyes, f"{name}: back to 5 s")
    for t in (4.1, 0.0, 3.3, 1.05, 2.5):
        assert_same_eyes(
            renderer.frame(t).eyes,
            hud.Renderer(hud.load_scene(SCENES / name)).frame(t).eyes,
            f"{name}: jumping to {t} s",
        )
