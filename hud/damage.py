"""Damage: which rectangles of each eye a frame must re-raster.

Each paint item that appeared, disappeared or changed damages its old and its new bounds.
One pass per frame merges the rectangles: two merge only when their union is smaller than
their areas added up; past a small count the whole eye is redrawn instead. Merged rectangles
may still overlap: `disjoint` cuts them into pieces that do not, so that a backend drawing the
areas one after another draws each pixel once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hud.geometry import Rect
from hud.paint import PaintItem

MAX_RECTS = 8


def changed_items(old: list[PaintItem], new: list[PaintItem]) -> list[PaintItem] | None:
    """Items whose pixels differ between two frames (old and new versions both listed), or
    None when the drawing order of surviving items changed (redraw everything)."""
    old_by_key = {item.key: item for item in old}
    new_by_key = {item.key: item for item in new}
    survivors_old = [item.key for item in old if item.key in new_by_key]
    survivors_new = [item.key for item in new if item.key in old_by_key]
    if survivors_old != survivors_new:
        return None
    changed: list[PaintItem] = []
    for item in new:
        previous = old_by_key.get(item.key)
        if previous is None:
            changed.append(item)
        elif previous is not item:
            changed.extend((previous, item))
    changed.extend(item for item in old if item.key not in new_by_key)
    return changed


def eye_damage(items: Iterable[PaintItem], sign: int, offset: tuple[int, int], screen: Rect) -> list[Rect] | None:
    """Merged damage rectangles of one eye, or None for "redraw the whole eye"."""
    rects = []
    for item in items:
        rect = item.bounds.translate(sign * item.shift + offset[0], offset[1]).intersect(screen)
        if not rect.empty:
            rects.append(rect)
    return merge(rects, screen)


def merge(rects: list[Rect], screen: Rect) -> list[Rect] | None:
    """Merge rectangles whose union is smaller than their sum; None past MAX_RECTS."""
    merged: list[tuple[int, int, int, int, int]] = []  # x0, y0, x1, y1, area
    for x, y, w, h in rects:
        if w <= 0 or h <= 0:
            continue
        x0, y0, x1, y1, area = x, y, x + w, y + h, w * h
        absorbed = True
        while absorbed:  # a grown rectangle may now swallow others it missed before
            absorbed = False
            for index, (a0, b0, a1, b1, other) in enumerate(merged):
                u0, v0 = min(a0, x0), min(b0, y0)
                u1, v1 = max(a1, x1), max(b1, y1)
                union = (u1 - u0) * (v1 - v0)
                if union < other + area:
                    x0, y0, x1, y1, area = u0, v0, u1, v1, union
                    del merged[index]
                    absorbed = True
                    break
        merged.append((x0, y0, x1, y1, area))
    if len(merged) > MAX_RECTS or sum(m[4] for m in merged) >= screen.area:
        return None
    return [Rect(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1, _ in merged]


def disjoint(areas: Sequence[Rect]) -> list[Rect]:
    """The pixels of `areas` as rectangles that do not overlap: each area in order, less the
    pieces kept before it (cut into bands), so every pixel of the union is in exactly one piece."""
    pieces: list[Rect] = []
    for area in areas:
        parts = [] if area.empty else [area]
        for piece in pieces:
            parts = [rest for part in parts for rest in _subtract(part, piece)]
        pieces.extend(parts)
    return pieces


def _subtract(rect: Rect, hole: Rect) -> list[Rect]:
    """`rect` without `hole`, as up to four rectangles: the bands above and below the hole, then
    the parts left and right of it."""
    cut = rect.intersect(hole)
    if cut.empty:
        return [rect]
    parts = [
        Rect(rect.x, rect.y, rect.w, cut.y - rect.y),
        Rect(rect.x, cut.bottom, rect.w, rect.bottom - cut.bottom),
        Rect(rect.x, cut.y, cut.x - rect.x, cut.h),
        Rect(cut.right, cut.y, rect.right - cut.right, cut.h),
    ]
    return [part for part in parts if not part.empty]
