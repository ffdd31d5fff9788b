"""Where a rendering differs from its golden: the box around the differing pixels and the
widgets of the rendered frame that draw there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hud.golden.compare import ImageDiff

WIDGETS_NAMED = 6  # a mismatch names at most this many widgets


def where_it_differs(diff: ImageDiff, snapshot: Any, eye: str) -> str:
    """The box around every differing pixel, and the widgets (of the rendered frame) that
    draw over a differing pixel, innermost first."""
    ys, xs = np.nonzero(diff.mask)
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    region = f"differing region x {x0}..{x1 - 1}, y {y0}..{y1 - 1} ({x1 - x0}x{y1 - y0} px)"
    if snapshot is None:
        return region
    from hud.report import widget_boxes

    boxes = widget_boxes(snapshot)
    height, width = diff.mask.shape
    named = []
    for record in sorted(snapshot.widgets, key=lambda r: -len(r.path)):  # innermost first
        box = boxes.get(id(record.widget), {}).get(eye)
        if box is None or box.empty:
            continue
        left, top = max(box.x, 0), max(box.y, 0)
        right, bottom = min(box.right, width), min(box.bottom, height)
        if left < right and top < bottom and diff.mask[top:bottom, left:right].any():
            named.append(widget_name(record.widget))
    if not named:
        return f"{region}; no widget draws there"
    more = f" and {len(named) - WIDGETS_NAMED} more" if len(named) > WIDGETS_NAMED else ""
    return f"{region}; widgets there: {', '.join(named[:WIDGETS_NAMED])}{more}"


def widget_name(widget: Any) -> str:
    """E.g. ``caption 'sub' (city-walk.toml:12)``: its type, its id and where it was declared."""
    from hud.errors import escape

    kind = getattr(widget, "type_name", "") or type(widget).__name__
    name = f"{kind} {escape(repr(widget.id))}" if getattr(widget, "id", None) else kind
    source = getattr(widget, "source", None)
    if not source or not source[1]:
        return name
    return f"{name} ({escape(Path(str(source[0])).name)}:{source[1]})"
