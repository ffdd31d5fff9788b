"""The frame pipeline: update -> compose -> layout -> paint -> raster -> panel, for every eye.

One frame flows one way. The timeline brings the scene's fields to time t (update); the
compositor places the top-level widgets (compose); layout measures and places everything;
paint turns each widget into draw commands; the raster backend draws the damaged areas of
each eye; the panel stage turns light into the device's pixels. Every stage keeps its
results in its own tables, owned by this renderer (Builds, Layout, Painter, the backend's
surfaces); the scene's widgets hold only their fields and dirty marks, so any number of
renderers (devices, backends, a sheet, a test) can draw one scene.
"""

from __future__ import annotations

import bisect
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image as PILImage

from hud.anim import COMPOSE_MOVE_S, EASINGS
from hud.builds import Builds
from hud.compose import Composition, Compositor
from hud.damage import changed_items, disjoint, eye_damage
from hud.devices import DeviceProfile, load_device
from hud.errors import NoDisplayError, escape
from hud.geometry import Rect
from hud.layout import Layout, LayoutStats
from hud.paint import Painter, PaintItem
from hud.panel import reserved_colours, to_panel
from hud.profile import FrameRecord, Profiler, Span
from hud.raster import open_backend
from hud.report import LayoutSnapshot, layout_report, snapshot
from hud.scene import Scene, load_scene
from hud.sinks import panel_image, preview_image, write_images
from hud.tables import IdentityTable
from hud.text.wrap import TextBlock
from hud.theme import Theme
from hud.widgets.base import ANCHOR_CELLS, Composite, Widget
from hud.widgets.primitives import Screen, Text

STAGES = (
    "update",
    "compose",
    "layout",
    "paint",
    "raster",
    "panel",
)  # a renderer's own stages (the sink is the caller's)


@dataclass(repr=False)
class Frame:
    """One rendered moment: an 8-bit panel image per eye, and what it cost.

    `hud.render` and `Renderer.frame` return one. Its repr names the device, the time, the
    eyes, the backend, the damage and the timings, never the pixels:

    >>> import hud
    >>> frame = hud.render(hud.Scene(hud.Text(text="42 km/h")), device="quark-s1")
    >>> frame.eyes["left"].shape, frame.eyes["left"].dtype
    ((480, 640), dtype('uint8'))
    >>> sorted(frame.timings_ms)
    ['compose', 'layout', 'paint', 'panel', 'raster', 'update']
    >>> frame
    <Frame quark-s1 t=0s, 2 eyes 640x480, cpu backend, 614400 dirty px, ... ms (update ...)>

    `frame.save("out/nav")` writes `left.png`, `right.png`, `preview.png` and `layout.json`.
    """

    eyes: dict[str, np.ndarray]
    """One panel image per eye the device has ("left" and "right"; one of them on glasses with
    a display for one eye): numpy uint8 arrays of height x width on mono panels, height x
    width x 3 on colour panels, in the panel's native format (the light each pixel emits)."""
    device: DeviceProfile
    """The profile of the glasses the frame was drawn for."""
    backend: str
    """The raster backend that drew it: "cpu" (the reference) or "gl"."""
    t: float
    """Scene time of the frame, in seconds."""
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Milliseconds each stage of the pipeline took for this frame: "update", "compose",
    "layout", "paint", "raster" and "panel" ("raster" and "panel" summed over the eyes; a frame
    where nothing changed has only "update" and "compose"). Filled when the renderer has a
    `Profiler` (`Renderer(scene, profiler=hud.Profiler(...))`); `hud.render` always attaches
    one. Empty otherwise."""
    dirty_px: int = 0
    """Pixels re-rastered for this frame, all eyes together (0 when nothing changed)."""
    snapshot: LayoutSnapshot | None = field(default=None, compare=False)
    """What the frame shows, widget by widget, as the renderer left it; `layout` gives it as
    the `layout.json` document."""
    _layout: dict[str, Any] | None = field(default=None, init=False, compare=False)

    def __repr__(self) -> str:
        first = next(iter(self.eyes.values()), None)
        size = f" {first.shape[1]}x{first.shape[0]}" if first is not None and first.ndim >= 2 else ""
        eyes = f"{len(self.eyes)} eye{'s' if len(self.eyes) != 1 else ''}{size}"
        if self.timings_ms:
            stages = ", ".join(f"{stage} {ms:.1f}" for stage, ms in self.timings_ms.items())
            timing = f"{sum(self.timings_ms.values()):.1f} ms ({stages})"
        else:
            timing = "not timed (no profiler)"
        return (
            f"<Frame {escape(self.device.name)} t={self.t:g}s, {eyes}, {self.backend} backend, "
            f"{self.dirty_px} dirty px, {timing}>"
        )

    @property
    def layout(self) -> dict[str, Any]:
        """What the frame shows, widget by widget (the `layout.json` document): device, size and
        one entry per declared widget in document order, with its boxes on each eye."""
        if self._layout is None:
            if self.snapshot is None:
                return {"device": self.device.name, "size": [self.device.width, self.device.height], "widgets": []}
            self._layout = layout_report(self.snapshot)
        return self._layout

    def preview(self) -> PILImage.Image:
        """Both eyes side by side in the panel's colour."""
        return preview_image(self.eyes, self.device)

    def images(self) -> dict[str, PILImage.Image]:
        """`left.png` / `right.png` (native panel format) and `preview.png`."""
        images = {f"{eye}.png": panel_image(panel) for eye, panel in self.eyes.items()}
        images["preview.png"] = self.preview()
        return images

    def save(self, out_dir: str | Path) -> list[Path]:
        """Write the images and layout.json into `out_dir`, all or nothing."""
        files: dict[str, Any] = dict(self.images())
        files["layout.json"] = (json.dumps(self.layout, ensure_ascii=False, indent=1) + "\n").encode()
        return write_images(files, Path(out_dir))


class Renderer:
    """Renders a scene (or a widget tree) for one device, frame after frame.

    Frames are incremental: only widgets whose dirty marks moved on since this renderer's
    last frame are laid out and painted again, and only the rectangles they touched are
    re-rastered, per eye. A frame where nothing changed returns the previous images at once.
    `device` defaults to the scene's own. Attach a `Profiler` to time every stage (it fills
    `Frame.timings_ms`). `backend` is "cpu" (the reference) or "gl" (moderngl; the CPU draws
    instead, after one `BackendWarning`, where no GL context can be made). Glasses without a
    display raise `NoDisplayError`: `Output` speaks the scene there.

    >>> import hud
    >>> scene = hud.Scene(hud.Text(id="speed", text="42 km/h"), title="Ride")
    >>> renderer = hud.Renderer(scene, "quark-s1")
    >>> renderer
    <Renderer scene 'Ride' (1 widget) on quark-s1, cpu backend, not profiled>
    >>> first = renderer.frame(0.0)
    >>> scene["speed"].text = "43 km/h"     # marks the widget dirty; nothing is drawn yet
    >>> renderer.frame(0.1).dirty_px < first.dirty_px
    True
    """

    def __init__(
        self,
        scene: Scene | Widget,
        device: str | Path | DeviceProfile | None = None,
        backend: str = "cpu",
        profiler: Profiler | None = None,
    ) -> None:
        if not isinstance(scene, Scene):
            alone = scene.parent
            if isinstance(alone, Screen) and alone.children == (scene,):
                alone.remove(scene)  # drawn before as a scene of its own (hud.render(widget)): again
            scene = Scene(scene)
        self.scene = scene
        self.device = load_device(device or self.scene.device)
        if not self.device.has_display:
            raise NoDisplayError(no_display_message(self.device.name))
        self.theme = Theme(self.device)
        self.builds = Builds()
        self.layout = Layout(self.theme, self.builds)
        self.compositor = Compositor(self.theme, self.layout.measure, self.builds)
        self.painter = Painter(self.theme, self.layout)
        self.raster = open_backend(backend, self.device.width, self.device.height, self.theme.channels)
        self.backend = self.raster.name  # "cpu" when the GL backend cannot run here
        self.profiler = profiler
        if profiler is not None and not profiler.backend:
            profiler.backend = self.backend  # the profile says which backend drew
        self.screen = Rect(0, 0, self.device.width, self.device.height)
        margin = self.device.safe_margin
        self.safe_area = Rect(
            margin.left, margin.top, self.device.width - margin.horizontal, self.device.height - margin.vertical
        )
        self.composition: Composition | None = None
        self._placed: dict[int, Rect] = {}  # top-level boxes as drawn (moving ones mid-way)
        self._before: dict[float, dict[int, Rect]] = {}  # composition just before a timeline event
        self._moving = False  # the last frame drew a widget mid-move
        self._waiting: frozenset[int] = frozenset()  # just shown, waiting for the others to move away
        self._snapshot: LayoutSnapshot | None = None
        self._items: list[PaintItem] = []
        self._last: Frame | None = None
        self._seen = -1  # the tree's dirty mark when the last frame was drawn
        self._shared = False  # the last frame drew one eye and copied it to the others
        self._texts: IdentityTable[Widget, tuple[tuple, list[tuple[Text, TextBlock | None, Rect]]]] = (
            IdentityTable()
        )  # for snapshots

    def __repr__(self) -> str:
        title = self.scene.title or (self.scene.path.name if self.scene.path else "")
        named = f" {escape(repr(_clip(title)))}" if title else ""
        count = len(self.scene.widgets)
        widgets = f"{count} widget{'s' if count != 1 else ''}"
        profiled = "profiled" if self.profiler is not None else "not profiled"
        return f"<Renderer scene{named} ({widgets}) on {escape(self.device.name)}, {self.backend} backend, {profiled}>"

    def box(self, widget: Widget) -> Rect:
        """`widget`'s layout box (border box, screen pixels before the eye's shift) in the last
        frame; empty if it was not placed."""
        return self.layout.box(widget)

    def text_block(self, widget: Widget) -> TextBlock | None:
        """The wrapped lines a Text was drawn with in the last frame (None if it was not)."""
        return self.layout.block(widget)

    def content(self, widget: Composite) -> Widget:
        """The primitive subtree a composite (caption, card, nav arrow) draws in its current form."""
        return self.builds.content(widget)

    def form(self, widget: Composite) -> str:
        """The form a composite is drawn in (its pinned `form`, else the compositor's choice)."""
        return self.builds.form(widget)

    def walk(self, widget: Widget | None = None) -> Iterator[Widget]:
        """Every widget drawn, composites' built subtrees included, depth first (from the root)."""
        return self.builds.walk(self.scene.root if widget is None else widget)

    def close(self) -> None:
        """Free the raster backend's surfaces (GPU memory on the gl backend)."""
        self.raster.close()

    def invalidate(self) -> None:
        """Forget every kept build, measure, box and paint: the next frame is a full redraw."""
        self.builds.forget()
        self.layout.forget()
        self.painter.forget()
        self.compositor.clear()
        self._texts = IdentityTable()
        self._forget()

    def _forget(self) -> None:
        self._last = None
        self.composition = None
        self.compositor.forget()
        self._before.clear()

    def frame(self, t: float = 0.0) -> Frame:
        """Render the tree as it is at time `t` (seconds)."""
        profiler = self.profiler
        record = profiler.begin(t, time.perf_counter()) if profiler else None
        clock = record.start if record else 0.0

        def lap(stage: str, eye: str = "") -> None:
            nonlocal clock
            if record is not None:
                now = time.perf_counter()
                record.spans.append(Span(stage, clock, (now - clock) * 1000, eye))
                clock = now

        root = self.scene.root
        self.scene.apply_timeline(t, self.device)
        lap("update")
        same_tree = root._tree_revision == self._seen
        if self.composition is not None and same_tree and not self._moving and not self._move_window(t):
            composition, placed, changed = self.composition, self._placed, []  # nothing to compose
        else:
            changed = [widget for widget in root.children if self.layout.changed(widget)]
            composition = self._compose(root)
            placed = self._displayed(composition, t)
        lap("compose")
        last = self._last
        if last is not None and root._tree_revision == self._seen and placed == self._placed:
            return self._unchanged(last, t, record)
        self._placed = placed
        self.layout.run(root, self.screen, placed)
        lap("layout")
        if changed and composition is self.compositor.last and self.compositor.resized(changed, self.safe_area):
            # A widget changed size at its place (a caption grew a line): compose and place again.
            self.compositor.forget()
            composition = self._compose(root)
            replaced = self._displayed(composition, t)
            lap("compose")
            if replaced != placed or self.layout.changed(root):  # new places or forms: arrange again
                self._placed = placed = replaced
                self.layout.run(root, self.screen, placed)
                lap("layout")
        self._seen = root._tree_revision
        hidden = frozenset(key for key, p in composition.placements.items() if not p.shown) | self._waiting
        items = self.painter.run(root, hidden)
        self._snapshot = snapshot(
            root, self.device, composition, items, self.painter.owners, self.layout, self._waiting, self._texts
        )
        lap("paint")
        # Palette panels keep the colours text and strokes are drawn in.
        reserved = reserved_colours(items, self.theme) if self.device.max_colours else ()
        changed_paint = changed_items(self._items, items) if last is not None else None
        self._items = items
        eyes: dict[str, np.ndarray] = {}
        dirty_px = 0
        # Eyes that see the same picture (no content at a depth that shifts it, the same
        # calibration) share one raster and panel: the first eye is drawn, the others copy it.
        shared = self._shared_eyes(items)
        first = self.device.eyes[0]
        damage: list[Rect] | None = None  # the first eye's, which a copying eye shares
        for eye in self.device.eyes:
            sign, offset = (1 if eye == "left" else -1), self.device.eye_offset(eye)
            if shared and eye != first:
                self.raster.copy_eye(first, eye, damage if self._shared else None)  # whole when the eyes differed
                lap("raster", eye)
                eyes[eye] = eyes[first].copy()
                dirty_px += self._dirty(damage)
                lap("panel", eye)
                continue
            damage = None if changed_paint is None else eye_damage(changed_paint, sign, offset, self.screen)
            if damage is not None:
                damage = disjoint(damage)  # each pixel drawn once
            areas = self.raster.begin(eye, damage)
            self.raster.draw(eye, items, offset, sign)
            dirty_px += self._dirty(damage)
            lap("raster", eye)
            eyes[eye] = self._panel(eye, areas, last.eyes.get(eye) if last else None, reserved)
            lap("panel", eye)
        self._shared = shared
        if record is not None:
            record.dirty_px = dirty_px
            record.lit_px = sum(int(np.count_nonzero(panel)) for panel in eyes.values())
        if profiler is not None and record is not None:
            profiler.link_frame(record, self.device, eyes)  # what the device's link carries, if it has one
        self._last = Frame(eyes, self.device, self.backend, t, _stage_totals(record), dirty_px, self._snapshot)
        return self._last

    def _dirty(self, damage: list[Rect] | None) -> int:
        """Pixels of one eye that changed: its damage on the screen (all of it on a full redraw)."""
        if damage is None:
            return self.screen.area
        return sum(area.intersect(self.screen).area for area in damage)

    def _shared_eyes(self, items: list[PaintItem]) -> bool:
        """Whether every eye shows the same pixels: one calibration for all, and nothing drawn
        at a depth that shifts it between the eyes."""
        eyes = self.device.eyes
        if len(eyes) < 2 or len({self.device.eye_offset(eye) for eye in eyes}) > 1:
            return False
        return all(item.shift == 0 for item in items)

    # -- composition ----------------------------------------------------------------------
    def _compose(self, root: Widget) -> Composition:
        self.composition = self.compositor.run(root, self.safe_area, self.scene.gap)
        return self.composition

    def _displayed(self, composition: Composition, t: float) -> dict[int, Rect]:
        """Top-level boxes as drawn at `t`: where the compositor puts them, except that when a
        timeline shows or hides a widget the others move to their new places over
        COMPOSE_MOVE_S. The moves are a function of scene time alone, like every animation: each
        widget eases from where it was just before the latest show or hide that moved it, so
        any frame, rendered in any order, is the same. (A change made directly by app code
        re-places at once; `Timeline.show` / `hide` animate.)"""
        target = composition.shown_rects()
        self._waiting = frozenset()
        placed = target if self.scene.timeline is None else self._timeline_moves(target, t)
        self._moving = placed != target or bool(self._waiting)
        return placed

    def _move_window(self, t: float) -> bool:
        """Whether a timeline show or hide happened within a move's length before `t`."""
        if self.scene.timeline is None:
            return False
        times = self._show_hide_times()
        return bisect.bisect_right(times, t) > bisect.bisect_right(times, t - COMPOSE_MOVE_S)

    def _timeline_moves(self, target: dict[int, Rect], t: float) -> dict[int, Rect]:
        times = self._show_hide_times()
        first = bisect.bisect_right(times, t - COMPOSE_MOVE_S)
        window = [at for at in times[first : bisect.bisect_right(times, t)] if at > 0]
        if not window:
            return target
        placed = dict(target)
        anchors = {key: p.widget.anchor for key, p in self.composition.placements.items()} if self.composition else {}
        entering = set()
        for key, box in target.items():
            anchor = anchors.get(key, "top-left")
            for at in reversed(window):
                before = self._composition_before(at, t).get(key)
                if before is None or before.empty:
                    entering.add(key)
                    break
                if _anchor_point(before, anchor) != _anchor_point(box, anchor):
                    placed[key] = _move(before, box, anchor, (t - at) / COMPOSE_MOVE_S)
                    break
        # A widget that has just appeared waits (undrawn) until the others have moved out of its way.
        moving = [placed[key] for key in placed if placed[key] != target[key]]
        self._waiting = frozenset(
            key for key in entering if any(not box.intersect(target[key]).empty for box in moving)
        )
        return placed

    def _show_hide_times(self) -> list[float]:
        """Times of the timeline's shows, hides and form changes (kept until it changes; the
        compositions just before them are dropped then too)."""
        timeline = self.scene.timeline
        key = (id(timeline), timeline.revision) if timeline is not None else None
        if getattr(self, "_times_key", None) != key:
            self._times_key = key
            events = timeline.events if timeline is not None else []
            self._times = sorted({e.at for e in events if e.kind == "set" and e.field in ("visible", "form")})
            self._before.clear()
        return self._times

    def _composition_before(self, at: float, t: float) -> dict[int, Rect]:
        """Where the compositor put the top-level widgets just before `at` (cached)."""
        boxes = self._before.get(at)
        if boxes is None:
            current = self.compositor.last
            self.scene.apply_timeline(math.nextafter(at, -math.inf), self.device)
            boxes = self.compositor.run(self.scene.root, self.safe_area, self.scene.gap).shown_rects()
            self.scene.apply_timeline(t, self.device)
            self.compositor.restore(current)
            self._before[at] = boxes
        return boxes

    def _panel(
        self, eye: str, areas: list[Rect], previous: np.ndarray | None, reserved: tuple | list = ()
    ) -> np.ndarray:
        """The eye's panel image: the previous one with the damaged areas re-quantised (a fresh
        array, so earlier frames keep their pixels). Colour-budget panels are re-quantised
        whole, since their palette depends on every pixel."""
        if previous is None or self.device.max_colours or areas == [self.screen]:
            return to_panel(self.raster.read(eye, self.screen), self.device, reserved=reserved)
        panel = previous.copy()
        for area in areas:
            panel[area.y : area.bottom, area.x : area.right] = to_panel(self.raster.read(eye, area), self.device)
        return panel

    def _unchanged(self, last: Frame, t: float, record: FrameRecord | None) -> Frame:
        self.layout.stats = LayoutStats()
        if record is not None:
            record.lit_px = sum(int(np.count_nonzero(panel)) for panel in last.eyes.values())
        if self.profiler is not None and record is not None:
            self.profiler.link_frame(record, self.device, last.eyes)  # a frame the busy link missed may go now
        return Frame(last.eyes, self.device, self.backend, t, _stage_totals(record), 0, last.snapshot)


def _anchor_point(box: Rect, anchor: str) -> tuple[float, float]:
    """The point of a box its zone holds still: a right-anchored box grows to the left."""
    col, row = ANCHOR_CELLS[anchor]
    x = (box.x, box.x + box.w / 2, box.right)[col]
    y = (box.y, box.y + box.h / 2, box.bottom)[row]
    return x, y


def _move(start: Rect, end: Rect, anchor: str, progress: float) -> Rect:
    """A box on its way from `start` to `end` (eased, by its anchor point); its size is
    already the final one."""
    eased = EASINGS["ease-out"](min(max(progress, 0.0), 1.0))
    (x0, y0), (x1, y1) = _anchor_point(start, anchor), _anchor_point(end, anchor)
    dx, dy = round((x1 - x0) * (eased - 1)), round((y1 - y0) * (eased - 1))
    return end.translate(dx, dy)


def _stage_totals(record: FrameRecord | None) -> dict[str, float]:
    if record is None:
        return {}
    totals: dict[str, float] = {}
    for span in record.spans:
        totals[span.stage] = totals.get(span.stage, 0.0) + span.ms
    return totals


def no_display_message(device: str) -> str:
    """What `NoDisplayError` says for glasses without a display: what to use instead."""
    return (
        f"{device} has no display: there are no pixels to render; use hud.Output(scene, device={device!r}) "
        "to speak the scene instead (output.update(t) narrates it, output.export(folder) writes speech.json "
        "and speech.wav)"
    )


def _clip(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def render(
    target: Scene | Widget | str | Path,
    *,
    device: str | Path | DeviceProfile | None = None,
    at: float = 0.0,
    backend: str = "cpu",
) -> Frame:
    """Render a scene, a widget tree or a scene file at time `at` (seconds) in one call.

    `device` is a built-in profile's name, a profile file's path or a `DeviceProfile`
    (default: the scene's own); `backend` is "cpu" or "gl". The frame is always timed: its
    `timings_ms` holds every stage's milliseconds. To draw a scene frame after frame, keep a
    `Renderer`, which redraws only what changed. On glasses without a display (the Quark G1)
    it raises `NoDisplayError`: use `hud.Output(scene, device="quark-g1")`, which speaks the
    scene and writes `speech.json` and `speech.wav`.

    >>> import hud
    >>> frame = hud.render(hud.Scene(hud.NavArrow(maneuver="left", distance_m=120)), device="quark-s1")
    >>> frame.device.name, frame.backend, "raster" in frame.timings_ms
    ('quark-s1', 'cpu', True)
    >>> hud.render(hud.Scene(hud.Text(text="Hi")), device="quark-g1")
    Traceback (most recent call last):
    hud.errors.NoDisplayError: quark-g1 has no display: ... use hud.Output(scene, device='quark-g1') ...
    """
    scene = load_scene(target) if isinstance(target, (str, Path)) else target
    renderer = Renderer(scene, device, backend)
    renderer.profiler = Profiler(renderer.device.frame_budget_ms, renderer.device.name, backend=renderer.backend)
    try:
        return renderer.frame(at)
    finally:
        renderer.close()  # the frame keeps its panels; the backend's surfaces (GPU memory) go
