"""Paint: each widget becomes a list of draw commands (kept until the widget changes).

Draw commands are the only thing raster backends see. They are in screen pixels and
eye-independent; one widget's commands form a PaintItem with one stereo shift.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from PIL import Image as PILImage

from hud.assets import open_image
from hud.geometry import Rect
from hud.icons import STROKE_WIDTH, icon_paths
from hud.layout import Layout
from hud.tables import IdentityTable
from hud.text.itemize import sanitize
from hud.text.wrap import TextBlock, TextLine
from hud.theme import Colour, Theme
from hud.widgets.base import Composite, Widget
from hud.widgets.primitives import Icon, Image, Panel, Progress, Text


class FillRoundRect(NamedTuple):
    x: float
    y: float
    w: float
    h: float
    radius: float
    colour: Colour


class StrokeRoundRect(NamedTuple):
    """An outline drawn inside the box: its outer edge is the box edge."""

    x: float
    y: float
    w: float
    h: float
    radius: float
    width: float
    colour: Colour


class Stroke(NamedTuple):
    """A polyline with round caps and joins."""

    points: tuple[tuple[float, float], ...]
    width: float
    closed: bool
    colour: Colour


class Fill(NamedTuple):
    """A filled polygon (even-odd)."""

    points: tuple[tuple[float, float], ...]
    colour: Colour


class GlyphKey(NamedTuple):
    """What names a glyph raster for every cache (the CPU's coverage cache, a GPU atlas): the same
    key always means the same bitmap."""

    font: str  # font file name
    gid: int  # glyph id in that font
    size: int  # pixels per em
    subpixel: int = 0  # horizontal offset in 1/4 px (0: glyphs sit on whole pixels)


class Glyphs(NamedTuple):
    """Glyph coverage bitmaps (uint8) at whole-pixel positions (top-left of each bitmap), each
    with its cache key, optionally clipped to a rectangle (screen pixels, before the eye's shift)."""

    items: tuple[tuple[GlyphKey, np.ndarray, int, int], ...]
    colour: Colour
    clip: Rect | None = None


class Blit(NamedTuple):
    """An image already scaled to its box: colour (h, w, 3) and alpha (h, w), floats 0..1."""

    x: int
    y: int
    rgb: np.ndarray
    alpha: np.ndarray
    brightness: float


Command = FillRoundRect | StrokeRoundRect | Stroke | Fill | Glyphs | Blit


class PaintItem(NamedTuple):
    """One widget's draw commands, its stereo shift and the screen area they touch."""

    key: int  # identity of the widget that painted them
    shift: int  # stereo shift in pixels (positive moves the left eye right)
    commands: tuple[Command, ...]
    bounds: Rect  # union of the commands' bounds, before the eye's shift


class Painter:
    """Turns a laid-out tree into paint items, painting again only what changed.

    Owns its table of paint items per widget: an item is kept while the widget's fields, its
    box, its text block and the brightness and depth it inherits are the same.
    """

    def __init__(self, theme: Theme, layout: Layout) -> None:
        self.theme = theme
        self.layout = layout
        self.painted = 0  # widgets painted by the last run (cache misses)
        self.owners: list[int] = []  # for each item of the last run: id() of the declared widget that drew it
        self._skip: frozenset[int] = frozenset()
        self._items: IdentityTable[Widget, tuple[tuple, TextBlock | None, PaintItem | None]] = IdentityTable()
        self._subtrees: IdentityTable[Widget, tuple[tuple, list[PaintItem], list[int]]] = IdentityTable()

    def run(self, root: Widget, skip: frozenset[int] = frozenset()) -> list[PaintItem]:
        """Paint items for the whole tree, in painter's order; widgets whose id is in `skip`
        (those the compositor hid) are not painted."""
        self.painted = 0
        items: list[PaintItem] = []
        self._skip = skip
        self.owners = []
        depth = self.theme.device.image_distance_m
        if not root.visible or id(root) in skip or root.brightness <= 0:
            return items
        brightness = root.brightness
        if root.depth_m is not None:
            depth = root.depth_m
        item = self._item(root, brightness, depth)
        if item is not None:
            items.append(item)
            self.owners.append(id(root))
        for child in self.layout.builds.children(root):
            # A top-level widget whose subtree, form, box and inherited light did not change
            # paints what it painted last frame: its items are reused without a walk.
            key = (
                child._tree_revision,
                self.layout.builds.form_stamp(child),
                self.layout.box(child),
                brightness,
                depth,
                id(child) in skip,
            )
            kept = self._subtrees.get(child)
            if kept is not None and kept[0] == key:
                items += kept[1]
                self.owners += kept[2]
                continue
            start = len(items)
            self._walk(child, brightness, depth, items, None)
            self._subtrees[child] = (key, items[start:], self.owners[start:])
        return items

    def forget(self) -> None:
        """Drop every kept item: the next run paints everything."""
        self._items = IdentityTable()
        self._subtrees = IdentityTable()

    def _walk(
        self,
        widget: Widget,
        brightness: float,
        depth: float,
        items: list[PaintItem],
        owner: Widget | None,
    ) -> None:
        if not widget.visible or id(widget) in self._skip:
            return
        brightness *= widget.brightness
        if widget.depth_m is not None:
            depth = widget.depth_m
        if brightness <= 0:
            return
        own = owner if owner is not None else widget  # the declared widget these pixels belong to
        item = self._item(widget, brightness, depth)
        if item is not None:
            items.append(item)
            self.owners.append(id(own))
        inner = own if owner is not None or isinstance(widget, Composite) else None
        for child in self.layout.builds.children(widget):
            self._walk(child, brightness, depth, items, inner)

    def _item(self, widget: Widget, brightness: float, depth: float) -> PaintItem | None:
        box = self.layout.box(widget)
        block = self.layout.block(widget)
        key = (widget._revision, brightness, depth, box)
        cached = self._items.get(widget)
        if cached is not None and cached[0] == key and cached[1] is block:
            return cached[2]
        self.painted += 1
        drop = self.layout.drop(widget) if isinstance(widget, Text) else 0
        commands = tuple(paint_widget(widget, box, self.theme, brightness, depth, block, drop))
        item = None
        if commands:
            bounds = Rect(0, 0, 0, 0)
            for command in commands:
                bounds = bounds.union(command_bounds(command))
            item = PaintItem(id(widget), self.theme.device.stereo_shift_px(depth), commands, bounds)
        self._items[widget] = (key, block, item)
        return item


def command_bounds(command: Command) -> Rect:
    """Pixels a command may touch (antialiasing included)."""
    if isinstance(command, Glyphs):
        if not command.items:
            return Rect(0, 0, 0, 0)
        x0 = y0 = 1 << 30
        x1 = y1 = -(1 << 30)
        for _, bitmap, x, y in command.items:
            height, width = bitmap.shape
            if width and height:
                x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x + width), max(y1, y + height)
        box = Rect(x0, y0, x1 - x0, y1 - y0) if x0 < x1 else Rect(0, 0, 0, 0)
        return box if command.clip is None else box.intersect(command.clip)
    if isinstance(command, Blit):
        return Rect(command.x, command.y, command.alpha.shape[1], command.alpha.shape[0])
    if isinstance(command, (Stroke, Fill)):
        pad = command.width / 2 + 1 if isinstance(command, Stroke) else 1
        xs = [p[0] for p in command.points]
        ys = [p[1] for p in command.points]
        return _span(min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    return _span(command.x - 1, command.y - 1, command.x + command.w + 1, command.y + command.h + 1)


def _span(x0: float, y0: float, x1: float, y1: float) -> Rect:
    left, top = math.floor(x0), math.floor(y0)
    return Rect(left, top, math.ceil(x1) - left, math.ceil(y1) - top)


def paint_widget(
    widget: Widget,
    box: Rect,
    theme: Theme,
    brightness: float,
    depth: float | None = None,
    block: TextBlock | None = None,
    drop: int = 0,
) -> list[Command]:
    """Draw commands for one widget's own pixels in its layout `box` (children are painted
    separately); a Text needs the `block` layout wrapped it into, and `drop`, the lines an
    append pushed off its top (they scroll away while `scroll_left` runs down)."""
    if isinstance(widget, Text):
        return _paint_text(widget, box, theme, brightness, block, drop)
    if isinstance(widget, Panel):
        return _paint_panel(widget, box, theme, brightness)
    if isinstance(widget, Icon):
        return _paint_icon(widget, box, theme, brightness)
    if isinstance(widget, Progress):
        return _paint_progress(widget, box, theme, brightness)
    if isinstance(widget, Image):
        return _paint_image(widget, box, theme, brightness, theme.device.image_distance_m if depth is None else depth)
    return []


def _content_box(widget: Widget, r: Rect, theme: Theme) -> tuple[int, int, int, int]:
    top, right, bottom, left = (round(theme.px(v)) for v in widget.padding)
    return r.x + left, r.y + top, max(r.w - left - right, 0), max(r.h - top - bottom, 0)


def _paint_text(
    widget: Text, box: Rect, theme: Theme, brightness: float, block: TextBlock | None, drop: int
) -> list[Command]:
    if block is None or not block.lines:
        return []
    colour = theme.colour(widget.color, brightness)
    x0, y0, width, height = _content_box(widget, box, theme)
    lines = block.lines
    top = y0
    clip = None
    scroll = widget.scroll + drop * widget.scroll_left
    if scroll > 0 and block.above:
        # Scrolling up: the block sits `scroll` lines lower and the lines above it come in
        # from the top edge, clipped to the box.
        extra = min(len(block.above), math.ceil(scroll))
        lines = block.above[len(block.above) - extra :] + lines
        top = y0 + round((scroll - extra) * block.line_height)
        clip = Rect(x0, y0, width, height)
    items: list[tuple[GlyphKey, np.ndarray, int, int]] = []
    dim_items: list[tuple[GlyphKey, np.ndarray, int, int]] = []  # characters from `dim_from` on
    for index, line in enumerate(lines):
        x = x0 + _line_offset(widget.align, line.rtl, width - line.width)
        baseline = top + index * block.line_height + block.baseline
        if widget.dim_from is None:
            items += line_glyphs(line, block.size_px, x, baseline)
            continue
        cut = _line_index(widget.text, line, widget.dim_from)
        items += line_glyphs(
            line._replace(glyphs=tuple(g for g in line.glyphs if g.cluster < cut)), block.size_px, x, baseline
        )
        dim_items += line_glyphs(
            line._replace(glyphs=tuple(g for g in line.glyphs if g.cluster >= cut)), block.size_px, x, baseline
        )
    commands: list[Command] = [Glyphs(tuple(items), colour, clip)] if items else []
    if dim_items:
        commands.append(Glyphs(tuple(dim_items), theme.colour("dim", brightness), clip))
    return commands


def _line_index(text: str, line: TextLine, index: int) -> int:
    """Where character `index` of the laid-out `text` falls in `line.text` (whose glyph
    clusters index it): 0 before the line, past its end after it. The line's text is
    sanitized, so characters the shaper never sees are not counted."""
    return len(sanitize(text[line.start : index])) if index > line.start else 0


def line_glyphs(line: TextLine, size: int, x: int, baseline: int) -> list[tuple[GlyphKey, np.ndarray, int, int]]:
    """The coverage bitmaps of a shaped line, keyed, and where their top-left corners go, for a
    line starting at `x` on `baseline` (the items of a Glyphs command)."""
    items = []
    for glyph in line.glyphs:
        bitmap = glyph.font.glyph(glyph.gid, size)
        if bitmap.bitmap.size:
            items.append(
                (
                    GlyphKey(glyph.font.name, glyph.gid, size),
                    bitmap.bitmap,
                    x + glyph.x + bitmap.left,
                    baseline - glyph.y - bitmap.top,
                )
            )
    return items


def _line_offset(align: str, rtl: bool, slack: int) -> int:
    """Where a line starts inside its box, for an alignment and the paragraph's direction."""
    if align == "start":
        align = "right" if rtl else "left"
    elif align == "end":
        align = "left" if rtl else "right"
    if align == "center":
        return slack // 2
    return slack if align == "right" else 0


def _paint_panel(widget: Panel, r: Rect, theme: Theme, brightness: float) -> list[Command]:
    if r.empty:
        return []
    radius = min(theme.px(widget.radius), r.w / 2, r.h / 2)
    commands: list[Command] = []
    fill = theme.colour(widget.fill, brightness)
    if max(fill) > 0:
        commands.append(FillRoundRect(r.x, r.y, r.w, r.h, radius, fill))
    border = theme.px(widget.border)
    if border > 0:
        commands.append(
            StrokeRoundRect(r.x, r.y, r.w, r.h, radius, border, theme.colour(widget.border_color, brightness))
        )
    return commands


def _paint_icon(widget: Icon, box: Rect, theme: Theme, brightness: float) -> list[Command]:
    x0, y0, width, height = _content_box(widget, box, theme)
    side = min(width, height)
    if side <= 0:
        return []
    scale = side / 24
    ox, oy = x0 + (width - side) / 2, y0 + (height - side) / 2
    colour = theme.colour(widget.color, brightness)
    stroke_width = max(1.0, STROKE_WIDTH * scale * widget.stroke)
    exit_number = widget.exit if widget.name == "roundabout" else None
    commands: list[Command] = []
    for path in icon_paths(widget.name, exit=exit_number):
        points = tuple((ox + px * scale, oy + py * scale) for px, py in path.points)
        if path.filled:
            commands.append(Fill(points, colour))
        else:
            commands.append(Stroke(points, stroke_width, path.closed, colour))
    return commands


def _paint_progress(widget: Progress, box: Rect, theme: Theme, brightness: float) -> list[Command]:
    x, y, w, h = _content_box(widget, box, theme)
    if w <= 0 or h <= 0:
        return []
    radius = h / 2
    outline = max(1.5, h / 6)  # thinner outlines shimmer on a waveguide
    commands: list[Command] = [StrokeRoundRect(x, y, w, h, radius, outline, theme.colour("dim", brightness))]
    filled = w * widget.value
    if filled > 0:
        commands.append(FillRoundRect(x, y, max(filled, h), h, radius, theme.colour(widget.color, brightness)))
    return commands


def _paint_image(widget: Image, box: Rect, theme: Theme, brightness: float, depth: float) -> list[Command]:
    """The image scaled into its content box (contain, cover or stretch), centred. Only the part
    some eye can show is scaled: a huge box costs no more than the panel."""
    x, y, w, h = _content_box(widget, box, theme)
    if w <= 0 or h <= 0 or not widget.src:
        return []
    source = open_image(widget.src)
    sw, sh = source.size
    if widget.fit == "stretch":
        tw, th = w, h
    else:
        scale = min(w / sw, h / sh) if widget.fit == "contain" else max(w / sw, h / sh)
        tw, th = max(1, round(sw * scale)), max(1, round(sh * scale))
    # Centred in the box; `cover` crops what spills over.
    placed = Rect(x - (tw - w) // 2, y - (th - h) // 2, tw, th)
    shown = placed.intersect(Rect(x, y, w, h))
    parts = [part for part in (shown.intersect(area) for area in _visible_areas(theme, depth)) if not part.empty]
    device = theme.device
    if parts == [shown] and tw * th <= 4 * device.width * device.height:
        # All of it is visible: scale the whole image, then crop (the pixels goldens pin).
        scaled = np.asarray(source.resize((tw, th), PILImage.Resampling.LANCZOS), dtype=np.float32) / 255.0
        pixels = scaled[shown.y - placed.y : shown.bottom - placed.y, shown.x - placed.x : shown.right - placed.x]
        return [Blit(shown.x, shown.y, pixels[..., :3].copy(), pixels[..., 3].copy(), brightness)]
    commands: list[Command] = []
    for part in parts:
        # The source rectangle that scales onto `part`, in source pixels.
        source_box = (
            (part.x - placed.x) * sw / tw,
            (part.y - placed.y) * sh / th,
            (part.right - placed.x) * sw / tw,
            (part.bottom - placed.y) * sh / th,
        )
        part_image = source.resize((part.w, part.h), PILImage.Resampling.LANCZOS, box=source_box)
        pixels = np.asarray(part_image, dtype=np.float32) / 255.0
        commands.append(Blit(part.x, part.y, pixels[..., :3].copy(), pixels[..., 3].copy(), brightness))
    return commands


def _visible_areas(theme: Theme, depth: float) -> list[Rect]:
    """Where an eye shows pixels at `depth`, in screen pixels before the eye's shift: the
    panel moved back by each eye's stereo shift and calibration offset. Areas that overlap or lie
    close together are one rectangle (at most two panels' pixels); far apart they stay two."""
    device = theme.device
    shift = device.stereo_shift_px(depth)
    areas = []
    for eye in device.eyes:
        sign = 1 if eye == "left" else -1
        dx, dy = device.eye_offset(eye)
        areas.append(Rect(-sign * shift - dx, -dy, device.width, device.height))
    if len(areas) == 2:
        joined = areas[0].union(areas[1])
        if joined.area <= 2 * device.width * device.height:
            return [joined]
    return areas
