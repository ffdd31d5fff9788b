"""Layout: measure and place the widget tree in pixels.

Two passes over the tree. `measure` asks a widget how big it wants to be inside an
available width and height (cached until the widget's size-changing dirty mark moves on).
`arrange` gives each widget its box and places its children; a subtree that did not change
and whose box did not move is skipped, so a frame re-lays out only what changed.

The results (boxes, wrapped text blocks, measured sizes) live in this stage's own table,
never on the widgets: `box(widget)` and `block(widget)` read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hud.builds import Builds
from hud.geometry import Edges, Rect, Size
from hud.tables import IdentityTable
from hud.text.wrap import TextBlock, layout_text
from hud.theme import Theme
from hud.widgets.base import ANCHOR_CELLS, Composite, Widget
from hud.widgets.primitives import Column, Icon, Image, Panel, Progress, Row, Screen, Stack, Text

EMPTY = Rect(0, 0, 0, 0)
MAX_SCROLL_LINES = 3  # a long append scrolls at most this many lines


@dataclass
class LayoutStats:
    """Work done by the last layout pass (for tests and the profiler)."""

    measured: int = 0
    arranged: int = 0
    widgets: list[Widget] = field(default_factory=list)


class _Entry:
    """What layout knows of one widget: its box, its wrapped text, its measured sizes."""

    __slots__ = ("token", "sizes", "blocks", "arranged", "box", "block", "drop")

    def __init__(self) -> None:
        self.token: tuple[int, int] = (-1, -1)  # the dirty marks `sizes` and `blocks` were measured at
        self.sizes: dict[tuple[int, int], Size] = {}
        self.blocks: dict[int, TextBlock] = {}
        self.arranged: tuple[int, int] = (-1, -1)  # the dirty marks `box` was arranged at
        self.box = EMPTY
        self.block: TextBlock | None = None
        self.drop: tuple[str | None, int, int] = (None, 0, 0)  # (scroll_from, width, lines) of the last drop


class Layout:
    """Lays out trees for one theme (device); owns every box and text block it computes."""

    def __init__(
        self, theme: Theme, builds: Builds | None = None, image_size: Callable[[Image], tuple[int, int]] | None = None
    ) -> None:
        self.theme = theme
        self.builds = builds or Builds()
        self.stats = LayoutStats()
        self.image_size = image_size or natural_image_size
        self._entries: IdentityTable[Widget, _Entry] = IdentityTable()
        self._root: Widget | None = None
        self._placements: dict[int, Rect] | None = None
        margin = theme.device.safe_margin
        self._root_inset = Edges(margin.top, margin.right, margin.bottom, margin.left)
        self._edges: dict[Any, Edges] = {}

    # -- entry point -------------------------------------------------------------------------
    def run(self, root: Widget, screen: Rect, placements: dict[int, Rect] | None = None) -> LayoutStats:
        """Place `root` into `screen`, its children inside the device's safe margins; returns
        what was (re)computed. `placements` (from the compositor) gives each shown top-level
        widget its box, before its own offset; without it top-level widgets sit at their
        anchors, and widgets missing from it are not placed."""
        self.stats = LayoutStats()
        if placements != self._placements or root is not self._root:
            self._entry(root).arranged = (-1, -1)  # top-level widgets move: place them again
        self._root, self._placements = root, placements
        self.arrange(root, screen)
        return self.stats

    # -- results -----------------------------------------------------------------------------
    def box(self, widget: Widget) -> Rect:
        """`widget`'s border box as last arranged (empty if it was not placed)."""
        entry = self._entries.get(widget)
        return entry.box if entry is not None else EMPTY

    def block(self, widget: Widget) -> TextBlock | None:
        """The wrapped text a Text widget was last placed with (None before)."""
        entry = self._entries.get(widget)
        return entry.block if entry is not None else None

    def drop(self, widget: Text) -> int:
        """Whole lines the latest append pushed off the top of a keep-end text (`text` against
        `scroll_from`, at its placed width; at most MAX_SCROLL_LINES), for the scroll."""
        entry = self._entries.get(widget)
        if widget.scroll_from is None or entry is None or entry.block is None:
            return 0
        inner_w = entry.box.inset(self.edges(widget.padding)).w
        if entry.drop[:2] != (widget.scroll_from, inner_w):
            entry.drop = (widget.scroll_from, inner_w, self._scroll_drop(widget, entry.block, inner_w))
        return entry.drop[2]

    def changed(self, widget: Widget) -> bool:
        """Whether `widget` changed size-wise since it was last arranged."""
        entry = self._entries.get(widget)
        return entry is None or entry.arranged != self._token(widget)

    def forget(self) -> None:
        """Drop every measure, box and block: the next run lays out everything."""
        self._entries = IdentityTable()

    def _token(self, widget: Widget) -> tuple[int, int]:
        return (widget._layout_stamp, self.builds.form_stamp(widget))

    def _entry(self, widget: Widget) -> _Entry:
        """The widget's entry, its measures dropped if it changed since they were taken."""
        entry = self._entries.get(widget)
        if entry is None:
            entry = self._entries[widget] = _Entry()
        token = self._token(widget)
        if entry.token != token:
            entry.token = token
            entry.sizes.clear()
            entry.blocks.clear()
            entry.drop = (None, 0, 0)
        return entry

    def _fixed_width(self, widget: Widget) -> Any:
        return widget.width_in(self.builds.form(widget)) if isinstance(widget, Composite) else widget.width

    # -- units -------------------------------------------------------------------------------
    def px(self, length, reference: float = 0.0) -> int:
        return round(self.theme.px(length, reference))

    def edges(self, values) -> Edges:
        """Padding or margin values in whole pixels (kept: a theme's units never change)."""
        edges = self._edges.get(values)
        if edges is None:
            if len(self._edges) > 4096:
                self._edges.clear()
            edges = self._edges[values] = Edges(*(self.px(v) for v in values))
        return edges

    # -- measuring ---------------------------------------------------------------------------
    def measure(self, widget: Widget, avail_w: int, avail_h: int) -> Size:
        """Border-box size `widget` wants inside the available space (margins excluded)."""
        entry = self._entry(widget)
        key = (avail_w, avail_h)
        cached = entry.sizes.get(key)
        if cached is not None:
            return cached
        self.stats.measured += 1
        pad = self.edges(widget.padding)
        # A widget is never wider than the space it is offered, so designs scale down to
        # narrow displays instead of running off the edge.
        width = self._fixed_width(widget)
        fixed_w = min(self.px(width, avail_w), avail_w) if width is not None else None
        fixed_h = self.px(widget.height, avail_h) if widget.height is not None else None
        inner_w = max((fixed_w if fixed_w is not None else avail_w) - pad.horizontal, 0)
        inner_h = max((fixed_h if fixed_h is not None else avail_h) - pad.vertical, 0)
        content = self._content_size(widget, inner_w, inner_h, fixed_w is not None)
        size = Size(
            fixed_w if fixed_w is not None else content.w + pad.horizontal,
            fixed_h if fixed_h is not None else content.h + pad.vertical,
        )
        entry.sizes[key] = size
        return size

    def _content_size(self, widget: Widget, inner_w: int, inner_h: int, fixed_w: bool) -> Size:
        if isinstance(widget, Text):
            block = self.text_block(widget, inner_w)
            return Size(block.width, block.height)
        if isinstance(widget, Column):
            return self._flex_content(widget, inner_w, inner_h, vertical=True)
        if isinstance(widget, Row):
            return self._flex_content(widget, inner_w, inner_h, vertical=False)
        if isinstance(widget, (Stack, Panel)) or isinstance(widget, Composite):
            children = self.builds.children(widget)
            width = height = 0
            for child in children:
                if not child.visible:
                    continue
                margin = self.edges(child.margin)
                size = self.measure(child, max(inner_w - margin.horizontal, 0), max(inner_h - margin.vertical, 0))
                width = max(width, size.w + margin.horizontal)
                height = max(height, size.h + margin.vertical)
            return Size(width, height)
        return self._leaf_size(widget, inner_w, inner_h, fixed_w)

    def _leaf_size(self, widget: Widget, inner_w: int, inner_h: int, fixed_w: bool) -> Size:
        if isinstance(widget, Icon):
            side = self.px(widget.size)
            return Size(side, side)
        if isinstance(widget, Progress):
            return Size(
                inner_w if fixed_w else self.px(self.theme.device.deg_to_px(6.0)),
                max(self.px(self.theme.device.deg_to_px(0.3)), 4),
            )
        if isinstance(widget, Image):
            natural_w, natural_h = self.image_size(widget)
            if widget.width is not None and widget.height is None and natural_w:
                return Size(inner_w, round(inner_w * natural_h / natural_w))
            scale = min(1.0, inner_w / natural_w if natural_w else 1.0)
            return Size(round(natural_w * scale), round(natural_h * scale))
        return Size(0, 0)

    def text_block(self, widget: Text, inner_w: int) -> TextBlock:
        """The wrapped text of a Text widget at this inner width (cached)."""
        blocks = self._entry(widget).blocks
        block = blocks.get(inner_w)
        if block is None:
            size_px = self.theme.text_px(widget.size, widget, self.builds.owner(widget))
            block = layout_text(
                widget.text,
                size_px,
                widget.weight,
                inner_w,
                widget.max_lines,
                widget.overflow,
                widget.line_height,
                widget.lang or "",
                widget.direction,
                widget.back,
            )
            blocks[inner_w] = block
        return block

    def _scroll_drop(self, widget: Text, block: TextBlock, inner_w: int) -> int:
        """Whole lines `text` pushes off the top that `scroll_from` did not (a scrolling append)."""
        if widget.scroll_from is None or widget.overflow != "keep-end" or not widget.max_lines or inner_w <= 0:
            return 0

        def hidden(text: str) -> int:
            lines = layout_text(text, block.size_px, widget.weight, inner_w, 0, "clip", 1.25, widget.lang or "").lines
            return max(0, len(lines) - widget.max_lines)

        return min(max(0, hidden(widget.text) - hidden(widget.scroll_from)), MAX_SCROLL_LINES)

    def _flex_content(self, widget: Row | Column, inner_w: int, inner_h: int, vertical: bool) -> Size:
        gap = self.px(widget.gap)
        main = cross = 0
        count = 0
        remaining = inner_w
        for child in self.builds.children(widget):
            if not child.visible:
                continue
            margin = self.edges(child.margin)
            if vertical:
                size = self.measure(child, max(inner_w - margin.horizontal, 0), max(inner_h - margin.vertical, 0))
                main += size.h + margin.vertical
                cross = max(cross, size.w + margin.horizontal)
            else:
                size = self.measure(child, max(remaining - margin.horizontal, 0), max(inner_h - margin.vertical, 0))
                main += size.w + margin.horizontal
                remaining = max(remaining - size.w - margin.horizontal - gap, 0)
                cross = max(cross, size.h + margin.vertical)
            count += 1
        main += gap * max(count - 1, 0)
        return Size(cross, main) if vertical else Size(main, cross)

    # -- placing -----------------------------------------------------------------------------
    def arrange(self, widget: Widget, rect: Rect) -> None:
        """Give `widget` its border box and place its children (skipped when nothing changed)."""
        entry = self._entry(widget)
        if entry.arranged == entry.token and entry.box == rect:
            return
        self.stats.arranged += 1
        self.stats.widgets.append(widget)
        entry.box = rect
        # A scene's Screen holds its widgets inside the device's safe margins.
        inner = rect.inset(self._root_inset if isinstance(widget, Screen) else self.edges(widget.padding))
        if isinstance(widget, Text):
            # Only the placed width decides what is drawn: measuring at other widths (a parent
            # trying sizes) must not replace the block a skipped, clean widget is painted from.
            entry.block = self.text_block(widget, inner.w)
        elif isinstance(widget, Column):
            self._place_flex(widget, inner, vertical=True)
        elif isinstance(widget, Row):
            self._place_flex(widget, inner, vertical=False)
        elif isinstance(widget, Composite):
            self._place_fill(self.builds.content(widget), inner)
        elif widget is self._root and self._placements is not None:
            for child in widget.children:
                box = self._placements.get(id(child))
                if box is not None and child.visible:
                    self.arrange(child, self._offset(child, box))
                else:
                    self._unplace(child)
        elif isinstance(widget, (Stack, Panel)):
            for child in widget.children:
                if child.visible:
                    self._place_anchored(child, inner)
                else:
                    self._unplace(child)
        entry.arranged = entry.token

    def _unplace(self, widget: Widget) -> None:
        """`widget` is not placed this frame (hidden): it and everything drawn inside it have no
        box and no text block, whatever they had before."""
        entry = self._entries.get(widget)
        if entry is None or (entry.box is EMPTY and entry.block is None):
            return  # never placed, or unplaced already (and so is everything inside it)
        entry.box, entry.block, entry.arranged = EMPTY, None, (-1, -1)
        if isinstance(widget, Composite):
            built = self.builds.existing(widget)  # hidden: nothing new is built for it
            children: tuple[Widget, ...] = (built,) if built is not None else ()
        else:
            children = widget.children
        for child in children:
            self._unplace(child)

    def _place_fill(self, child: Widget, inner: Rect) -> None:
        margin = self.edges(child.margin)
        box = inner.inset(margin)
        size = self.measure(child, box.w, box.h)
        self.arrange(child, self._offset(child, Rect(box.x, box.y, box.w, max(size.h, 0))))

    def _place_anchored(self, child: Widget, inner: Rect) -> None:
        margin = self.edges(child.margin)
        box = inner.inset(margin)
        size = self.measure(child, box.w, box.h)
        horizontal, vertical = ANCHOR_CELLS[child.anchor]
        x = box.x + (0, (box.w - size.w) // 2, box.w - size.w)[horizontal]
        y = box.y + (0, (box.h - size.h) // 2, box.h - size.h)[vertical]
        self.arrange(child, self._offset(child, Rect(x, y, size.w, size.h)))

    def _offset(self, widget: Widget, rect: Rect) -> Rect:
        dx, dy = (self.px(v) for v in widget.offset)
        return rect.translate(dx, dy) if dx or dy else rect

    def _place_flex(self, widget: Row | Column, inner: Rect, vertical: bool) -> None:
        for child in widget.children:
            if not child.visible:
                self._unplace(child)
        children = [c for c in widget.children if c.visible]
        if not children:
            return
        gap = self.px(widget.gap)
        margins = [self.edges(c.margin) for c in children]
        main_space = inner.h if vertical else inner.w
        sizes: list[Size] = []
        remaining = inner.w
        for child, margin in zip(children, margins):
            if vertical:
                sizes.append(
                    self.measure(child, max(inner.w - margin.horizontal, 0), max(inner.h - margin.vertical, 0))
                )
            else:
                size = self.measure(child, max(remaining - margin.horizontal, 0), max(inner.h - margin.vertical, 0))
                remaining = max(remaining - size.w - margin.horizontal - gap, 0)
                sizes.append(size)
        mains = [(s.h + m.vertical) if vertical else (s.w + m.horizontal) for s, m in zip(sizes, margins)]
        leftover = main_space - sum(mains) - gap * (len(children) - 1)
        grows = [c.grow for c in children]
        extra = [0] * len(children)
        if leftover > 0 and sum(grows) > 0:
            total = sum(grows)
            given = 0
            for index, grow in enumerate(grows):
                extra[index] = int(leftover * grow / total)
                given += extra[index]
            last = max(i for i, g in enumerate(grows) if g > 0)
            extra[last] += leftover - given
            leftover = 0
        start, spacing = _justify(widget.justify, max(leftover, 0), len(children))
        cursor = (inner.y if vertical else inner.x) + start
        for index, (child, margin, size) in enumerate(zip(children, margins, sizes)):
            if vertical:
                height = size.h + extra[index]
                cross_box = (inner.x + margin.left, inner.w - margin.horizontal)
                x, width = _cross(widget.align, cross_box, size.w, self._fixed_width(child) is None)
                rect = Rect(x, cursor + margin.top, width, height)
                cursor += height + margin.vertical + gap + spacing
            else:
                width = size.w + extra[index]
                if extra[index]:
                    size = self.measure(child, width, max(inner.h - margin.vertical, 0))
                cross_box = (inner.y + margin.top, inner.h - margin.vertical)
                y, height = _cross(widget.align, cross_box, size.h, child.height is None)
                rect = Rect(cursor + margin.left, y, width, height)
                cursor += width + margin.horizontal + gap + spacing
            self.arrange(child, self._offset(child, rect))


def _justify(mode: str, leftover: int, count: int) -> tuple[int, int]:
    """Offset of the first child and extra space between children for a justify mode."""
    if mode == "center":
        return leftover // 2, 0
    if mode == "end":
        return leftover, 0
    if mode == "space-between" and count > 1:
        return 0, leftover // (count - 1)
    if mode == "space-around":
        each = leftover // count
        return each // 2, each
    if mode == "space-evenly":
        each = leftover // (count + 1)
        return each, each
    return 0, 0


def _cross(align: str, box: tuple[int, int], size: int, stretchable: bool) -> tuple[int, int]:
    """Position and length on the cross axis."""
    start, length = box
    if align == "stretch" and stretchable:
        return start, max(length, 0)
    if align == "center":
        return start + (length - size) // 2, size
    if align == "end":
        return start + length - size, size
    return start, size


def natural_image_size(widget: Image) -> tuple[int, int]:
    """The image's own size in pixels (its file is checked and decoded once, then cached)."""
    from hud.assets import image_size

    return image_size(widget.src)
