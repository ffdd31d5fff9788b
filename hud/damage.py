"""Damage: which rectangles of each eye a frame must re-raster.

Each paint item that appeared, disappeared or changed damages its old and its new bounds.
One pass per frame merges the rectangles: two merge only when their union is smaller than
their areas added up; past a small count the whole eye is redrawn instead.
"""
from __future__ import annotations

from typing import Iterable

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
    rects = [r for r in rects if not r.empty]
    merged = True
    while merged:
        merged = False
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                union = rects[i].union(rects[j])
                if union.area < rects[i].area + rects[j].area:
                    rects[i] = union
                    del rects[j]
                    merged = True
                    break
            if merged:
                break
    if len(rects) > MAX_RECTS:
        return None
    if sum(r.area for r in rects) >= screen.area:
        return None
    return rects
