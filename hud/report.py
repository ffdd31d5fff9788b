"""What a frame shows, widget by widget: the boxes of `layout.json` and `Frame.layout`.

Each declared widget (the ones a scene file or app code creates, not the primitives that
composites build) gets one entry, in document order:

    {"id", "type", "line", "parent", "shown", "form", "reason",
     "eyes": {"left": [x, y, w, h], "right": [x, y, w, h]}}

Boxes are display pixels of each eye after the stereo shift and the eye's calibration, and
hold every pixel the widget (and everything inside it) draws: the union of its layout box and
the exact ink of its draw commands. A widget that is not shown has `"eyes": null`.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from hud.compose import Composition
from hud.devices import DeviceProfile
from hud.geometry import Rect
from hud.layout import Layout
from hud.paint import Blit, Command, Fill, FillRoundRect, Glyphs, PaintItem, Stroke, StrokeRoundRect, command_bounds
from hud.tables import IdentityTable
from hud.text.wrap import TextBlock
from hud.widgets.base import Composite, Widget
from hud.widgets.primitives import Text


class DeclaredWidget(NamedTuple):
    """One declared widget as it was when the frame was drawn."""

    widget: Widget
    parent: int | None  # index of the parent entry, None at the top level
    path: tuple[int, ...]  # index path from the top level (document order)
    rect: Rect  # layout box
    shift: int  # stereo shift of its own depth
    visible: bool  # it and every ancestor are visible
    own_visible: bool  # its own `visible` field
    form: str  # the form it was drawn in (full for widgets without forms)


class DrawnText(NamedTuple):
    """A Text drawn in the frame (declared, or built by a composite) with its wrapped lines."""

    owner: Widget  # the declared widget it belongs to
    text: Text
    block: TextBlock | None
    box: Rect


class LayoutSnapshot(NamedTuple):
    """Everything `Frame.layout` needs, captured when the frame was drawn (immutable)."""

    device: DeviceProfile
    composition: Composition | None
    widgets: tuple[DeclaredWidget, ...]
    items: tuple[PaintItem, ...]
    owners: tuple[int, ...]  # for each item: id() of the declared widget that drew it
    waiting: frozenset[int] = frozenset()  # just shown, not drawn until the others move out of the way
    texts: tuple[DrawnText, ...] = ()  # every visible text, in document order


def snapshot(
    root: Widget,
    device: DeviceProfile,
    composition: Composition | None,
    items: list[PaintItem],
    owners: list[int],
    layout: Layout,
    waiting: frozenset[int] = frozenset(),
    kept: IdentityTable[Widget, tuple[tuple, list[tuple[Text, TextBlock | None, Rect]]]] | None = None,
) -> LayoutSnapshot:
    """Capture the declared widgets of `root` with their boxes (from `layout`'s table). `kept`
    holds each composite's drawn texts between frames (a renderer's), reused while the
    composite, its form and its box are unchanged."""
    capture = _Capture(device, composition, layout, kept)
    for index, child in enumerate(root._children):
        capture.visit(child, None, (index,), device.image_distance_m, True)
    records, texts = capture.records, capture.texts
    return LayoutSnapshot(device, composition, tuple(records), tuple(items), tuple(owners), waiting, tuple(texts))


class _Capture:
    """One snapshot being taken: the declared widgets and the drawn texts, in document order.
    (A class rather than nested functions, which would hold each other in a reference cycle
    that only the garbage collector frees, every frame.)"""

    def __init__(
        self,
        device: DeviceProfile,
        composition: Composition | None,
        layout: Layout,
        kept: IdentityTable[Widget, tuple[tuple, list[tuple[Text, TextBlock | None, Rect]]]] | None,
    ) -> None:
        self.device, self.composition, self.layout, self.kept = device, composition, layout, kept
        self.builds = layout.builds
        self.records: list[DeclaredWidget] = []
        self.texts: list[DrawnText] = []

    def visit(self, widget: Widget, parent: int | None, path: tuple[int, ...], depth: float, visible: bool) -> None:
        layout = self.layout
        if widget.depth_m is not None:
            depth = widget.depth_m
        own = widget.visible
        visible = visible and own
        if isinstance(widget, Composite):
            # A hidden composite has no form in use: its pinned one, else full (not whatever it
            # was last drawn in).
            form = self.builds.form(widget) if visible else (widget.form if widget.form != "auto" else "full")
            if visible:
                self.composite_texts(widget)
        else:
            form = _placed_form(widget, self.composition)
            if visible and isinstance(widget, Text):
                self.texts.append(DrawnText(widget, widget, layout.block(widget), layout.box(widget)))
        shift = self.device.stereo_shift_px(depth)
        self.records.append(DeclaredWidget(widget, parent, path, layout.box(widget), shift, visible, own, form))
        here = len(self.records) - 1
        for index, child in enumerate(widget._children):
            self.visit(child, here, path + (index,), depth, visible)

    def composite_texts(self, widget: Composite) -> None:
        key = (widget._tree_revision, self.builds.form_stamp(widget), self.layout.box(widget))
        kept = self.kept
        cached = kept.get(widget) if kept is not None else None
        if cached is not None and cached[0] == key:
            self.texts.extend(DrawnText(widget, *drawn) for drawn in cached[1])
            return
        start = len(self.texts)
        self.add_texts(widget, self.builds.content(widget))
        if kept is not None:  # kept without the composite itself, so the table's weak key can go
            kept[widget] = (key, [(drawn.text, drawn.block, drawn.box) for drawn in self.texts[start:]])

    def add_texts(self, owner: Widget, node: Widget) -> None:
        if not node.visible:
            return
        if isinstance(node, Text):
            self.texts.append(DrawnText(owner, node, self.layout.block(node), self.layout.box(node)))
        for child in self.builds.children(node):
            self.add_texts(owner, child)


def _placed_form(widget: Widget, composition: Composition | None) -> str:
    placement = composition.placements.get(id(widget)) if composition is not None else None
    return placement.form if placement is not None else "full"


def ink_bounds(command: Command) -> Rect:
    """The pixels a command can light, exactly (the raster's antialiasing included)."""
    if isinstance(command, (FillRoundRect, StrokeRoundRect)):
        return _span(command.x, command.y, command.x + command.w, command.y + command.h)
    if isinstance(command, (Stroke, Fill)):
        pad = command.width / 2 if isinstance(command, Stroke) else 0.0
        xs = [p[0] for p in command.points]
        ys = [p[1] for p in command.points]
        return _span(min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    if isinstance(command, (Glyphs, Blit)):
        return command_bounds(command)
    return command_bounds(command)


def item_ink(item: PaintItem) -> Rect:
    """Union of the exact ink of one paint item's commands (before the eye's shift)."""
    box = Rect(0, 0, 0, 0)
    for command in item.commands:
        box = _union(box, ink_bounds(command))
    return box


def eye_box(box: Rect, shift: int, eye: str, device: DeviceProfile) -> Rect:
    """`box` as it lands on `eye`'s display."""
    if box.empty:
        return box
    sign = 1 if eye == "left" else -1
    dx, dy = device.eye_offset(eye)
    return box.translate(sign * shift + dx, dy)


def widget_boxes(snap: LayoutSnapshot, ink_only: bool = False) -> dict[int, dict[str, Rect]]:
    """For each shown declared widget (by id), its box on each eye: its layout box and its ink
    together, or (`ink_only`) just the pixels it draws."""
    device = snap.device
    index_of = {id(record.widget): i for i, record in enumerate(snap.widgets)}
    boxes: dict[int, dict[str, Rect]] = {}
    hidden = _hidden_by_compositor(snap)
    shown = [r.visible and not _under(r, snap, hidden) for r in snap.widgets]
    for i, record in enumerate(snap.widgets):
        if shown[i] and not record.rect.empty and not ink_only:
            boxes[id(record.widget)] = {eye: eye_box(record.rect, record.shift, eye, device) for eye in device.eyes}
    for item, owner in zip(snap.items, snap.owners):
        ink = item_ink(item)
        if ink.empty:
            continue
        index = index_of.get(owner)
        while index is not None:  # the owner and every declared ancestor hold this ink
            record = snap.widgets[index]
            if not shown[index]:
                break
            eyes = boxes.setdefault(id(record.widget), {})
            for eye in device.eyes:
                eyes[eye] = _union(eyes.get(eye, Rect(0, 0, 0, 0)), eye_box(ink, item.shift, eye, device))
            index = record.parent
    return boxes


def layout_report(snap: LayoutSnapshot, scene_file: str | None = None) -> dict[str, Any]:
    """The `layout.json` document of a frame."""
    device = snap.device
    boxes = widget_boxes(snap)
    hidden = _hidden_by_compositor(snap)
    entries = []
    for record in snap.widgets:
        widget = record.widget
        parent = None
        if record.parent is not None:
            parent_widget = snap.widgets[record.parent]
            parent = parent_widget.widget.id if parent_widget.widget.id else list(parent_widget.path)
        eyes = boxes.get(id(widget))
        reason = _reason(record, snap, hidden)
        shown = eyes is not None and reason is None
        if not shown and reason is None:
            reason = "draws nothing (empty)"
        entries.append(
            {
                "id": widget.id,
                "type": widget.type_name or type(widget).__name__,
                "line": widget.source[1] if widget.source else None,
                "parent": parent,
                "shown": shown,
                "form": record.form,
                "reason": reason,
                "eyes": {eye: list(box) for eye, box in eyes.items()} if shown and eyes is not None else None,
            }
        )
    report: dict[str, Any] = {"device": device.name, "size": [device.width, device.height], "widgets": entries}
    if scene_file is not None:
        report = {"scene": scene_file, **report}
    return report


def _hidden_by_compositor(snap: LayoutSnapshot) -> dict[int, str]:
    """Why each top-level widget the compositor did not draw is not drawn."""
    hidden = {key: "appearing: it waits for the others to move out of its way" for key in snap.waiting}
    if snap.composition is None:
        return hidden
    visible = {id(r.widget): r.own_visible for r in snap.widgets}
    hidden.update(
        {
            key: p.reason or "hidden by the compositor"
            for key, p in snap.composition.placements.items()
            if not p.shown and visible.get(key, False)
        }
    )
    return hidden


def _under(record: DeclaredWidget, snap: LayoutSnapshot, hidden: dict[int, str]) -> bool:
    """Whether the record or one of its ancestors was hidden by the compositor."""
    node: DeclaredWidget | None = record
    while node is not None:
        if id(node.widget) in hidden:
            return True
        node = snap.widgets[node.parent] if node.parent is not None else None
    return False


def _reason(record: DeclaredWidget, snap: LayoutSnapshot, hidden: dict[int, str]) -> str | None:
    node: DeclaredWidget | None = record
    while node is not None:
        key = id(node.widget)
        if key in hidden:
            return hidden[key] if node is record else f"inside a hidden widget: {hidden[key]}"
        if not node.own_visible:
            return "visible = false" if node is record else "inside a widget with visible = false"
        node = snap.widgets[node.parent] if node.parent is not None else None
    return None


def _union(a: Rect, b: Rect) -> Rect:
    if a.empty:
        return b
    if b.empty:
        return a
    return a.union(b)


def _span(x0: float, y0: float, x1: float, y1: float) -> Rect:
    left, top = math.floor(x0), math.floor(y0)
    return Rect(left, top, math.ceil(x1) - left, math.ceil(y1) - top)
