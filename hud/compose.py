"""Composition: top-level widgets -> zones, forms and stereo-safe boxes.

The safe area (the display less the profile's safe margins) has nine zones, one per anchor.
Widgets that share a zone stack away from the display edge in document order (top zones
downward, bottom zones upward, middle zones as a centred group), `gap` apart. Every box
keeps both eyes' copies inside the safe area after the stereo shift of its depth.

When boxes collide, importance decides (`Widget.effective_importance`, ties keep document
order). Most important first, each widget is placed beside those already placed:
1. in its richest form (full), narrowing to the space left beside a more important widget,
   down to its minimum width;
2. else in its reduced forms, compact then minimal (each composite has them);
3. else the widgets already placed that are as important as it reduce their forms (equals
   share the space, the later one giving way first);
4. only when even that leaves no room is it hidden, with a reason naming the device and
   what it collides with.

A composition is a pure function of the tree and the device. It is redone only when a
top-level widget appears, disappears, changes its anchor, importance, pinned form or depth,
or its size at its place changes (`resized`, checked after layout from warm caches); a
caption-only frame reuses the last one and costs a signature check.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from hud.builds import Builds
from hud.geometry import Edges, Length, Rect, Size
from hud.tables import IdentityTable
from hud.theme import Theme
from hud.widgets.base import ANCHOR_CELLS, FORMS, Composite, Widget
from hud.widgets.primitives import Row, Text

Measure = Callable[[Widget, int, int], Size]

DEFAULT_GAP = Length(0.3, "deg")  # between widgets that share a zone, and between zones
MIN_SEPARATION_PX = 2  # the least gap: antialiased edges never touch
MIN_TEXT_WIDTH_DEG = 5.0  # a plain text narrows to this before anything else happens


class Placement(NamedTuple):
    """Where the compositor put one top-level widget (before its own `offset`)."""

    widget: Widget
    shown: bool
    form: str  # full, compact or minimal
    rect: Rect  # border box in screen pixels, before the eye's stereo shift
    reason: str | None = None  # why it is hidden
    width_cap: int = 0  # the width it was offered (narrower than its own when squeezed)
    settled: bool = False  # shown in its richest form with all the width it could have


@dataclass
class Composition:
    """The compositor's answer for one tree on one device."""

    placements: dict[int, Placement]  # by id(widget), top-level widgets only
    order: tuple[int, ...]  # the same ids in document order
    signature: tuple = ()
    area: Rect = Rect(0, 0, 0, 0)
    stamps: dict[int, int] = field(default_factory=dict)  # each widget's change count when composed
    inputs: dict[int, tuple] = field(default_factory=dict)  # unsettled widgets: the sizes and floors measured

    def placement(self, widget: Widget) -> Placement | None:
        return self.placements.get(id(widget))

    @property
    def hidden(self) -> list[Placement]:
        return [self.placements[k] for k in self.order if not self.placements[k].shown and self.placements[k].reason]

    def shown_rects(self) -> dict[int, Rect]:
        return {k: p.rect for k, p in self.placements.items() if p.shown}


@dataclass
class _Entry:
    """One top-level widget while it is being composed."""

    widget: Widget
    index: int
    col: int
    row: int
    importance: float
    forms: tuple[str, ...]
    eye_dx: tuple[tuple[int, int], ...]  # per eye: (least, most) horizontal shift of its copies
    lo: int  # stereo-safe horizontal range of the box
    hi: int
    label: str = ""
    margin: Edges = Edges()
    floors: dict[str, int] = field(default_factory=dict)

    @property
    def rank(self) -> tuple[float, int]:
        """Sort key: most important first, then document order."""
        return (-self.importance, self.index)

    @property
    def budget(self) -> int:
        return self.hi - self.lo


class Compositor:
    """Places a tree's top-level widgets for one device (theme)."""

    def __init__(self, theme: Theme, measure: Measure, builds: Builds) -> None:
        self.theme = theme
        self.device = theme.device
        self.measure_widget = measure
        self.builds = builds  # the forms it chooses are kept there
        self.last: Composition | None = None
        self.runs = 0  # full compositions done (tests and the profiler)
        self._sizes: dict[tuple, Size] = {}  # (widget, stamp, form, cap, height) -> footprint
        self._floors: dict[tuple, int] = {}  # (widget, stamp, form, budget, height) -> narrowest width
        self._measured: dict[int, dict[tuple[str, int], Size]] = {}  # this composition's, per widget
        self._shift_of: dict[float | None, int] = {}  # stereo shift per depth
        self._signatures: dict[tuple[int, int], tuple] = {}
        # Caches are keyed by a serial number per widget, never by id(): a new widget may get a
        # removed one's address (and, built from the same fields, its change stamp too).
        self._serials: IdentityTable[Widget, int] = IdentityTable()
        self._next_serial = itertools.count()

    # -- entry point -----------------------------------------------------------------------
    def run(self, root: Widget, area: Rect, gap: Length | float | None = None) -> Composition:
        """The composition of `root`'s children inside `area` (the safe area)."""
        gap_px = max(round(self.theme.px(DEFAULT_GAP if gap is None else gap)), MIN_SEPARATION_PX)
        dys = [self.device.eye_offset(eye)[1] for eye in self.device.eyes] or [0]
        top, bottom = max(area.y, -min(dys)), min(area.bottom, self.device.height - max(dys))
        area = Rect(area.x, top, area.w, max(bottom - top, 0))  # each eye's calibration stays on the display
        signature = self._signature(root, area, gap_px)
        last = self.last
        if last is not None and last.signature == signature and not self._unsettled_changed(last):
            return last
        self.runs += 1
        if len(self._sizes) > 4096:  # sizes of widgets long changed or gone
            self._sizes.clear()
            self._floors.clear()
        self._measured = {}
        composition = self._compose(root, area, gap_px, signature)
        composition.stamps = {key: p.widget._layout_stamp for key, p in composition.placements.items()}
        self.last = composition
        return composition

    def restore(self, composition: Composition | None) -> None:
        """Make `composition` the remembered one again, with every composite back in its form."""
        self.last = composition
        if composition is not None:
            for placement in composition.placements.values():
                self._apply_form(placement.widget, placement.form)

    def forget(self) -> None:
        """Drop the remembered composition (the next run composes afresh)."""
        self.last = None

    def clear(self) -> None:
        """Drop the composition and every measured size and floor (the widgets' content, e.g.
        an image file, may have changed without their fields)."""
        self.last = None
        self._sizes.clear()
        self._floors.clear()
        self._signatures.clear()

    def _serial(self, widget: Widget) -> int:
        serial = self._serials.get(widget)
        if serial is None:
            serial = self._serials[widget] = next(self._next_serial)
        return serial

    # -- change detection ------------------------------------------------------------------
    def _signature(self, root: Widget, area: Rect, gap: int) -> tuple:
        """What composition depends on besides sizes; each widget's part is kept until it changes."""
        items = []
        cache = self._signatures
        for widget in root.children:
            key = (self._serial(widget), widget._layout_stamp)
            item = cache.get(key)
            if item is None:
                item = cache[key] = (
                    key[0],
                    widget.visible,
                    widget.anchor,
                    widget.effective_importance,
                    widget.margin,
                    _pinned_forms(widget),
                    self._shifts(widget),
                )
            items.append(item)
        if len(cache) > 4 * len(items) + 64:
            live = {(self._serial(w), w._layout_stamp) for w in root.children}
            for key in [k for k in cache if k not in live]:
                del cache[key]
        return (area, gap, tuple(items))

    def _unsettled_changed(self, last: Composition) -> bool:
        """Whether a widget that is hidden, reduced or narrowed changed in a way that can change
        the composition: some size or floor the compositor measured for it is different now.
        (A reduced caption that only gets new words keeps its sizes, and its place.)"""
        for key, placement in last.placements.items():
            widget = placement.widget
            if not widget.visible or placement.settled or widget._layout_stamp == last.stamps.get(key):
                continue
            recorded = last.inputs.get(key)
            if recorded is None or not self._same_inputs(widget, recorded, last.area):
                return True
            self._apply_form(widget, placement.form)
            last.stamps[key] = widget._layout_stamp
        return False

    def _same_inputs(self, widget: Widget, recorded: tuple, area: Rect) -> bool:
        """Whether the widget, as it is now, measures what `recorded` holds (stops at the
        first difference)."""
        sizes, floors, budget = recorded
        margin = self._margin(widget)
        for form, cap, size in sizes:
            self._apply_form(widget, form)
            inner = self.measure_widget(widget, max(cap - margin.horizontal, 0), max(area.h - margin.vertical, 0))
            if (inner.w + margin.horizontal, inner.h + margin.vertical) != (size.w, size.h):
                return False
        for form, floor in floors:
            self._apply_form(widget, form)
            now = self._min_width(widget, max(budget - margin.horizontal, 0), area.h) + margin.horizontal
            if min(now, budget) != floor:
                return False
        return True

    def resized(self, changed: list[Widget], area: Rect) -> bool:
        """After layout: whether one of the `changed` top-level widgets now has another size at
        its place (then the renderer composes again). Layout has just measured their contents,
        so this re-measures from warm caches."""
        last = self.last
        if last is None:
            return False
        for widget in changed:
            placement = last.placements.get(id(widget))
            if placement is None or not placement.shown or not widget.visible:
                continue
            margin = self._margin(widget)
            size = self.measure_widget(
                widget, max(placement.width_cap - margin.horizontal, 0), max(area.h - margin.vertical, 0)
            )
            if (size.w, size.h) != (placement.rect.w, placement.rect.h):
                return True
        return False

    def _margin(self, widget: Widget) -> Edges:
        return Edges(*(round(self.theme.px(v)) for v in widget.margin))

    # -- composing -------------------------------------------------------------------------
    def _compose(self, root: Widget, area: Rect, gap: int, signature: tuple) -> Composition:
        device = self.device
        placements: dict[int, Placement] = {}
        entries: list[_Entry] = []
        for index, widget in enumerate(root.children):
            if not widget.visible:
                placements[id(widget)] = Placement(widget, False, self._current_form(widget), Rect(0, 0, 0, 0))
                continue
            entry = self._entry(widget, index, area)
            if entry.budget <= 0:
                placements[id(widget)] = Placement(
                    widget,
                    False,
                    entry.forms[-1],
                    Rect(0, 0, 0, 0),
                    f"at depth {_depth_label(widget)} its two eyes' copies are further apart than the safe area of "
                    f"{device.name} is wide ({area.w} px): move it further away",
                )
                continue
            entries.append(entry)
        shown = sorted(entries, key=lambda e: e.rank)
        forms = {id(e): e.forms[0] for e in shown}
        plan = self._plan(shown, forms, area, gap)
        if plan.conflicts:
            shown, forms, hidden = self._by_importance(shown, area, gap, device.name)
            placements.update(hidden)
            plan = self._plan(shown, forms, area, gap)
        for entry in shown:
            rect = plan.rects[id(entry)].inset(entry.margin)  # the footprint less the widget's margin
            cap = plan.caps[id(entry)]
            settled = forms[id(entry)] == entry.forms[0] and cap == entry.budget
            placements[id(entry.widget)] = Placement(entry.widget, True, forms[id(entry)], rect, None, cap, settled)
        # What each unsettled widget's decision rested on: its measured sizes and floors.
        inputs: dict[int, tuple] = {}
        for entry in entries:
            if not placements[id(entry.widget)].settled:
                sizes = tuple(
                    (form, cap, size) for (form, cap), size in self._measured.get(id(entry.widget), {}).items()
                )
                inputs[id(entry.widget)] = (sizes, tuple(sorted(entry.floors.items())), entry.budget)
        for entry in entries:  # leave every composite in the form it is drawn in
            self._apply_form(entry.widget, placements[id(entry.widget)].form)
        order = tuple(id(w) for w in root.children)
        return Composition(placements, order, signature, area, inputs=inputs)

    def _by_importance(
        self, entries: list[_Entry], area: Rect, gap: int, device: str
    ) -> tuple[list[_Entry], dict[int, str], dict[int, Placement]]:
        """Most important first, each widget takes the richest form that fits beside the ones
        already placed (narrowing if it must). One that fits in none of its forms first makes
        room by reducing the placed widgets as important as itself (equals share the space);
        failing that it is hidden."""
        placed: list[_Entry] = []
        forms: dict[int, str] = {}
        hidden: dict[int, Placement] = {}
        for entry in entries:
            fitted, plan = self._fit(entry, placed, forms, area, gap)
            peers = [e for e in reversed(placed) if e.importance == entry.importance]
            trial_forms = dict(forms)
            for peer in peers:  # the latest placed peer gives way first
                if fitted is not None:
                    break
                for form in peer.forms[peer.forms.index(trial_forms[id(peer)]) + 1 :]:
                    trial_forms[id(peer)] = form
                    fitted, _ = self._fit(entry, placed, trial_forms, area, gap)
                    if fitted is not None:
                        break
            if fitted is None:
                hidden[id(entry.widget)] = Placement(
                    entry.widget,
                    False,
                    entry.forms[-1],
                    Rect(0, 0, 0, 0),
                    self._hidden_reason(entry, placed, plan, area, device),
                )
                continue
            forms = fitted
            placed.append(entry)
        return sorted(placed, key=lambda e: e.rank), forms, hidden

    def _fit(
        self, entry: _Entry, placed: list[_Entry], forms: dict[int, str], area: Rect, gap: int
    ) -> tuple[dict[int, str] | None, _Plan]:
        """The forms with `entry` in its richest form that fits beside `placed`, or None."""
        plan: _Plan | None = None
        for form in entry.forms:
            trial = {**forms, id(entry): form}
            plan = self._plan(placed + [entry], trial, area, gap)
            if not plan.conflicts:
                return trial, plan
        assert plan is not None
        return None, plan

    def _hidden_reason(self, entry: _Entry, placed: list[_Entry], plan: _Plan, area: Rect, device: str) -> str:
        others = {o.label for pair in plan.conflicts if entry in pair for o in pair if o is not None and o is not entry}
        form = entry.forms[-1]
        size = self._size(entry, form, entry.budget, area)
        if not others and size.w <= entry.budget and size.h <= area.h:
            # It fits the safe area alone: the widgets stacked with it in its zone push it (or
            # it pushes them) out of the safe area.
            others = {o.label for o in placed if (o.col, o.row) == (entry.col, entry.row)}
        if others:
            return (
                f"no room on {device}: it collides with {', '.join(sorted(others))} (placed first: as or more "
                f"important) even in its {form} form"
            )
        return (
            f"too large for the safe area of {device} even in its {form} form "
            f"({size.w}x{size.h} px in {entry.budget}x{area.h} px)"
        )

    # -- one arrangement -------------------------------------------------------------------
    def _plan(self, entries: list[_Entry], forms: dict[int, str], area: Rect, gap: int) -> _Plan:
        """Place `entries` in `forms`, narrowing the less important of side-by-side collisions;
        returns the boxes and the collisions left."""
        caps = {id(e): e.budget for e in entries}
        separation = max(gap, MIN_SEPARATION_PX)
        zones: dict[tuple[int, int], list[_Entry]] = {}
        for entry in sorted(entries, key=lambda e: e.index):
            zones.setdefault((entry.col, entry.row), []).append(entry)
        ordered = sorted(entries, key=lambda e: e.rank)
        for _ in range(2 * len(entries) + 2):
            sizes = {id(e): self._size(e, forms[id(e)], caps[id(e)], area) for e in entries}
            rects = self._stack(zones, sizes, area, gap)
            conflicts = self._collisions(ordered, rects, area, separation)
            narrowed = False
            for first, second in conflicts:
                if second is None or first.col == second.col:
                    continue
                room = self._room_beside(second, first, rects, separation)
                floor = self._floor(second, forms[id(second)], area)
                if floor <= room < caps[id(second)]:
                    caps[id(second)] = room
                    narrowed = True
            if not narrowed:
                return _Plan(rects, caps, conflicts)
        return _Plan(rects, caps, conflicts)

    @staticmethod
    def _stack(
        zones: dict[tuple[int, int], list[_Entry]], sizes: dict[int, Size], area: Rect, gap: int
    ) -> dict[int, Rect]:
        """Boxes for every entry: each zone's members (in document order) stacked, columns aligned."""
        rects: dict[int, Rect] = {}
        for (col, row), members in zones.items():
            heights = [sizes[id(e)].h for e in members]
            total = sum(heights) + gap * (len(members) - 1)
            if row == 0:
                y = area.y
            elif row == 2:
                y = area.bottom - total
            else:
                y = min(max(area.y + (area.h - total) // 2, area.y), max(area.bottom - total, area.y))
            if row == 2:  # bottom zones stack upward: the first widget sits on the edge
                members, heights = members[::-1], heights[::-1]
            for entry, height in zip(members, heights):
                width = sizes[id(entry)].w
                if col == 0:
                    x = entry.lo
                elif col == 2:
                    x = entry.hi - width
                else:
                    x = (entry.lo + entry.hi - width) // 2
                rects[id(entry)] = Rect(x, y, width, height)
                y += height + gap
        return rects

    @staticmethod
    def _collisions(
        ordered: list[_Entry], rects: dict[int, Rect], area: Rect, separation: int
    ) -> list[tuple[_Entry, _Entry | None]]:
        """(more important, less important) pairs of `ordered` (most important first) whose
        copies come closer than `separation` in either eye, and (entry, None) for a box outside
        its stereo-safe area."""
        found: list[tuple[_Entry, _Entry | None]] = []
        for entry in ordered:
            rect = rects[id(entry)]
            if rect.x < entry.lo or rect.right > entry.hi or rect.y < area.y or rect.bottom > area.bottom:
                found.append((entry, None))
        for i, first in enumerate(ordered):
            a = rects[id(first)]
            for second in ordered[i + 1 :]:
                b = rects[id(second)]
                if a.y >= b.bottom + separation or b.y >= a.bottom + separation:
                    continue
                for (a_lo, a_hi), (b_lo, b_hi) in zip(first.eye_dx, second.eye_dx):
                    if a.x + a_lo < b.right + b_hi + separation and b.x + b_lo < a.right + a_hi + separation:
                        found.append((first, second))
                        break
        return found

    def _room_beside(self, entry: _Entry, other: _Entry, rects: dict[int, Rect], separation: int) -> int:
        """The widest box `entry` can have in its column and still clear `other` in both eyes."""
        box = rects[id(other)]
        room = entry.budget
        for (o_lo, o_hi), (e_lo, e_hi) in zip(other.eye_dx, entry.eye_dx):
            if entry.col > other.col:  # entry on the right of other
                left_edge = box.right + o_hi + separation - e_lo  # entry.x must be at least this
                width = entry.hi - left_edge if entry.col == 2 else entry.lo + entry.hi - 2 * left_edge
            else:  # entry on the left of other
                right_edge = box.x + o_lo - separation - e_hi  # entry.right must be at most this
                width = right_edge - entry.lo if entry.col == 0 else 2 * right_edge - entry.lo - entry.hi
            room = min(room, width)
        return max(room, 0)

    # -- sizes -----------------------------------------------------------------------------
    def _size(self, entry: _Entry, form: str, cap: int, area: Rect) -> Size:
        """The widget's footprint (its box and margin) in `form`, offered `cap` pixels across.
        Kept across compositions until the widget changes (its change stamp moves)."""
        widget = entry.widget
        key = (self._serial(widget), widget._layout_stamp, form, cap, area.h)
        size = self._sizes.get(key)
        if size is None:
            self._apply_form(widget, form)
            margin = entry.margin
            inner = self.measure_widget(widget, max(cap - margin.horizontal, 0), max(area.h - margin.vertical, 0))
            size = Size(inner.w + margin.horizontal, inner.h + margin.vertical)
            self._sizes[key] = size
        self._measured.setdefault(id(widget), {})[(form, cap)] = size
        return size

    def _floor(self, entry: _Entry, form: str, area: Rect) -> int:
        """The narrowest box `entry` may be squeezed to in `form` (kept like sizes)."""
        widget = entry.widget
        key = (self._serial(widget), widget._layout_stamp, form, entry.budget, area.h)
        floor = self._floors.get(key)
        if floor is None:
            self._apply_form(widget, form)
            margin = entry.margin
            floor = self._min_width(widget, max(entry.budget - margin.horizontal, 0), area.h) + margin.horizontal
            floor = self._floors[key] = min(floor, entry.budget)
        entry.floors[form] = floor
        return floor

    def _min_width(self, widget: Widget, avail_w: int, avail_h: int) -> int:
        natural = self.measure_widget(widget, avail_w, avail_h).w
        px = self.theme.px
        if isinstance(widget, Composite):
            degrees = widget.min_width_deg(self.builds.form(widget))
            return natural if degrees is None else min(natural, round(self.device.deg_to_px(degrees)))
        if isinstance(widget, Text):
            return min(natural, round(self.device.deg_to_px(MIN_TEXT_WIDTH_DEG)))
        children = [c for c in widget.children if c.visible]
        if not widget.accepts_children or not children:
            return natural
        padding = sum(round(px(v)) for v in (widget.padding[1], widget.padding[3]))
        floors = []
        for child in children:
            margin = sum(round(px(v)) for v in (child.margin[1], child.margin[3]))
            floors.append(self._min_width(child, max(avail_w - padding - margin, 0), avail_h) + margin)
        if isinstance(widget, Row):
            inner = sum(floors) + round(px(widget.gap)) * (len(floors) - 1)
        else:
            inner = max(floors)
        return min(natural, inner + padding)

    # -- entries ---------------------------------------------------------------------------
    def _entry(self, widget: Widget, index: int, area: Rect) -> _Entry:
        col, row = ANCHOR_CELLS[widget.anchor]
        shifts = self._shifts(widget)
        eye_dx = []
        lo, hi = area.x, area.right
        for eye in self.device.eyes:
            sign = 1 if eye == "left" else -1
            offset = self.device.eye_offset(eye)[0]
            moved = [sign * shift for shift in shifts]
            eye_dx.append((min(moved) + offset, max(moved) + offset))
            # The stereo shift stays inside the safe area; the eye's calibration (a few pixels
            # that align the two displays) only has to stay on the display.
            lo = max(lo, area.x - min(moved), -min(moved) - offset)
            hi = min(hi, area.right - max(moved), self.device.width - max(moved) - offset)
        forms = FORMS if _has_auto_form(widget) else (self._current_form(widget),)
        return _Entry(
            widget,
            index,
            col,
            row,
            widget.effective_importance,
            forms,
            tuple(eye_dx),
            lo,
            hi,
            widget_label(widget),
            self._margin(widget),
        )

    def _current_form(self, widget: Widget) -> str:
        forms = [self.builds.form(w) for w in declared(widget) if isinstance(w, Composite)]
        return forms[0] if forms else "full"

    def _apply_form(self, widget: Widget, form: str) -> None:
        """Draw every composite in the widget's declared subtree in `form` (unless pinned)."""
        for node in declared(widget):
            if isinstance(node, Composite):
                self.builds.use_form(node, form)

    def _shifts(self, widget: Widget) -> tuple[int, ...]:
        """The stereo shifts (px) of every depth in the widget's declared subtree."""
        shifts = set()
        for depth in _depths(widget, None):
            shift = self._shift_of.get(depth)
            if shift is None:
                shift = self._shift_of[depth] = self.device.stereo_shift_px(
                    self.device.image_distance_m if depth is None else depth
                )
            shifts.add(shift)
        return tuple(sorted(shifts))


class _Plan(NamedTuple):
    rects: dict[int, Rect]
    caps: dict[int, int]
    conflicts: list[tuple[_Entry, _Entry | None]]


def widget_label(widget: Widget) -> str:
    """How messages name a widget: `notification 'pay'`, or just its type."""
    kind = widget.type_name or type(widget).__name__
    return f"{kind} '{widget.id}'" if widget.id else kind


def declared(widget: Widget) -> Iterator[Widget]:
    """The widget and its declared descendants (not the primitives composites build)."""
    yield widget
    for child in widget._children:
        yield from declared(child)


def _depths(widget: Widget, inherited: float | None) -> Iterator[float | None]:
    depth = widget.depth_m if widget.depth_m is not None else inherited
    yield depth
    for child in widget._children:
        if child.visible:
            yield from _depths(child, depth)


def _has_auto_form(widget: Widget) -> bool:
    return any(isinstance(w, Composite) and w.form == "auto" for w in declared(widget))


def _pinned_forms(widget: Widget) -> tuple[str, ...]:
    return tuple(w.form for w in declared(widget) if isinstance(w, Composite))


def _depth_label(widget: Widget) -> str:
    depths = [d for d in _depths(widget, None) if d is not None]
    return f"{min(depths):g} m" if depths else "the image distance"
