"""Polygons as triangles: ear clipping, and the triangles a Fill's fragments are shaded over.

The GL backend draws a Fill as its interior triangles plus a band FRINGE wide along each edge,
so its fragments are the polygon's own pixels, not its bounding box; the per-pixel coverage
(even-odd inside, distance to the nearest edge) is the CPU's, so the light is the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Point = tuple[float, float]
Triangle = tuple[Point, Point, Point]

FRINGE = 1.0  # px each side of a polygon's edges its triangles cover (coverage ends at 0.5)
SHADED_BORDER = 4.0  # px shaded beside each triangle edge: rasterisers shade whole pixel blocks
# (2 x 2 on GPUs, 4 x 4 and more on llvmpipe), lanes outside the edge wasted


def fill_triangles(points: Sequence[Point], interior: Sequence[tuple[int, int, int]] | None) -> list[Triangle]:
    """Triangles covering every pixel centre a Fill of `points` may light (inside by even-odd, or
    within half a pixel of an edge): the `interior` triangles (indices into `points`, from
    `triangulate`) and a band FRINGE wide around each edge; with no interior (None) the
    polygon's bounds grown by FRINGE. The triangles overlap along the edges."""
    if interior is None:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, y0, x1, y1 = min(xs) - FRINGE, min(ys) - FRINGE, max(xs) + FRINGE, max(ys) + FRINGE
        return [((x0, y0), (x1, y0), (x1, y1)), ((x0, y0), (x1, y1), (x0, y1))]
    triangles: list[Triangle] = [(points[i], points[j], points[k]) for i, j, k in interior]
    for (ax, ay), (bx, by) in zip(points, [*points[1:], points[0]]):
        length = math.hypot(bx - ax, by - ay)
        ux, uy = ((bx - ax) / length, (by - ay) / length) if length > 0 else (1.0, 0.0)
        ex, ey, nx, ny = ux * FRINGE, uy * FRINGE, -uy * FRINGE, ux * FRINGE
        corners = (
            (ax - ex + nx, ay - ey + ny),
            (ax - ex - nx, ay - ey - ny),
            (bx + ex - nx, by + ey - ny),
            (bx + ex + nx, by + ey + ny),
        )
        triangles += [(corners[0], corners[1], corners[2]), (corners[0], corners[2], corners[3])]
    return triangles


def shading_cost(triangles: Iterable[Triangle]) -> float:
    """About how many fragments drawing the triangles shades: their area and SHADED_BORDER px
    along every edge (a long thin triangle costs far more than its area)."""
    cost = 0.0
    for a, b, c in triangles:
        cost += abs(_cross(a, b, c)) / 2 + SHADED_BORDER * (math.dist(a, b) + math.dist(b, c) + math.dist(c, a))
    return cost


def triangulate(points: Sequence[Point]) -> list[tuple[int, int, int]] | None:
    """Triangles (indices into `points`) that tile a simple polygon, by ear clipping: either way
    round, with repeated points and points on a straight line between their neighbours left
    out; [] when it encloses no area. None when the polygon is not simple (two edges cross or
    touch), where no set of triangles taken once tiles its even-odd inside."""
    ring = list(range(len(points)))
    _straighten(points, ring, list(ring))
    if len(ring) < 3:
        return []
    if not _is_simple([points[index] for index in ring]):
        return None
    turn = 1.0 if _doubled_area([points[index] for index in ring]) > 0 else -1.0
    reflex = {ring[at] for at in range(len(ring)) if _corner(points, ring, at) * turn < 0}
    triangles: list[tuple[int, int, int]] = []
    at = misses = 0
    while len(ring) > 3:
        if misses == len(ring):
            return None  # a simple polygon always has an ear: rounding made this one look otherwise
        at %= len(ring)
        corner = ring[at - 1], ring[at], ring[(at + 1) % len(ring)]
        if not _is_ear(points, reflex, corner, turn):
            at, misses = at + 1, misses + 1
            continue
        triangles.append(corner)
        del ring[at]
        _straighten(points, ring, [corner[0], corner[2]], turn, reflex)  # their corners changed
        at, misses = max(at - 1, 0), 0
    if len(ring) == 3:
        triangles.append((ring[0], ring[1], ring[2]))
    return triangles


def _cross(a: Point, b: Point, c: Point) -> float:
    """Twice the signed area of the triangle a, b, c (> 0: counter-clockwise with y up)."""
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _doubled_area(points: Sequence[Point]) -> float:
    """Twice the signed area of the polygon (> 0: counter-clockwise with y up)."""
    return sum(ax * by - bx * ay for (ax, ay), (bx, by) in zip(points, [*points[1:], points[0]]))


def _corner(points: Sequence[Point], ring: list[int], at: int) -> float:
    """How the ring turns at position `at` (`_cross` of the point and its two neighbours)."""
    return _cross(points[ring[at - 1]], points[ring[at]], points[ring[(at + 1) % len(ring)]])


def _straighten(
    points: Sequence[Point], ring: list[int], pending: list[int], turn: float = 0.0, reflex: set[int] | None = None
) -> None:
    """Take the `pending` points out of the ring while they repeat the point before or lie in
    line with their neighbours (neither changes what the polygon encloses), checking the
    neighbours of each one taken out again; with `reflex`, keep it to the points left that turn
    against `turn`. Fewer than three points left: the ring is emptied."""
    while pending and len(ring) >= 3:
        index = pending.pop()
        if index not in ring:
            continue
        at = ring.index(index)
        turning = _corner(points, ring, at)
        if turning == 0:
            pending += [ring[at - 1], ring[(at + 1) % len(ring)]]
            del ring[at]
        if reflex is not None:
            if turning * turn < 0:
                reflex.add(index)
            else:
                reflex.discard(index)
    if len(ring) < 3:
        ring.clear()


def _is_ear(points: Sequence[Point], reflex: set[int], corner: tuple[int, int, int], turn: float) -> bool:
    """Whether the corner (i, j, k) turns the polygon's way and no reflex point lies in or on its
    triangle (a point there means one that turns against the polygon is there too): then i-k is
    a diagonal inside the polygon and the triangle can be cut off."""
    a, b, c = (points[index] for index in corner)
    if _cross(a, b, c) * turn <= 0:
        return False
    for index in reflex:
        if index in corner:
            continue
        p = points[index]
        if _cross(a, b, p) * turn >= 0 and _cross(b, c, p) * turn >= 0 and _cross(c, a, p) * turn >= 0:
            return False
    return True


def _is_simple(points: Sequence[Point]) -> bool:
    """Whether no two edges meet except neighbours at their shared point (no two neighbours are in
    line: `_straighten`). Edges are swept left to right, each checked against those it overlaps."""
    count = len(points)
    edges = [(points[at], points[(at + 1) % count]) for at in range(count)]
    boxes = [(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])) for a, b in edges]
    active: list[int] = []
    for edge in sorted(range(count), key=lambda at: boxes[at][0]):
        x0, y0, _, y1 = boxes[edge]
        active = [other for other in active if boxes[other][2] >= x0]
        for other in active:
            if (edge - other) % count in (1, count - 1) or boxes[other][1] > y1 or boxes[other][3] < y0:
                continue
            if _segments_meet(*edges[edge], *edges[other]):
                return False
        active.append(edge)
    return True


def _segments_meet(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Whether the closed segments a-b and c-d share a point (crossing or touching)."""
    abc, abd, cda, cdb = _cross(a, b, c), _cross(a, b, d), _cross(c, d, a), _cross(c, d, b)
    if ((abc > 0 > abd) or (abc < 0 < abd)) and ((cda > 0 > cdb) or (cda < 0 < cdb)):
        return True
    return (
        (abc == 0 and _within(a, b, c))
        or (abd == 0 and _within(a, b, d))
        or (cda == 0 and _within(c, d, a))
        or (cdb == 0 and _within(c, d, b))
    )


def _within(a: Point, b: Point, p: Point) -> bool:
    """Whether p, in line with a-b, lies on the segment (its bounding box)."""
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])
