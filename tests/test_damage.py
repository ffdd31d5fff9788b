"""Damage rectangles cut into disjoint pieces: the same pixels as the areas, each in one piece."""

from __future__ import annotations

import numpy as np
import pytest

from hud.damage import disjoint
from hud.geometry import Rect

SIZE = (60, 80)  # rows, columns of the masks the tests compare


def coverage(rects: list[Rect]) -> np.ndarray:
    """How many of the rectangles hold each pixel of a SIZE grid (every test rectangle fits in it)."""
    counts = np.zeros(SIZE, dtype=int)
    for rect in rects:
        if not rect.empty:
            counts[rect.y : rect.bottom, rect.x : rect.right] += 1
    return counts


@pytest.mark.parametrize(
    "areas",
    [
        [],
        [Rect(5, 5, 10, 10)],
        [Rect(0, 0, 10, 10), Rect(20, 20, 10, 10)],  # apart
        [Rect(0, 0, 10, 10), Rect(10, 0, 10, 10)],  # side by side
        [Rect(0, 25, 80, 10), Rect(35, 0, 10, 60)],  # a cross
        [Rect(0, 0, 40, 40), Rect(10, 10, 5, 5)],  # one inside the other
        [Rect(10, 10, 5, 5), Rect(0, 0, 40, 40)],  # the other way round
        [Rect(3, 4, 20, 20), Rect(3, 4, 20, 20)],  # the same twice
        [Rect(0, 0, 30, 30), Rect(20, 20, 30, 30), Rect(10, 5, 50, 10), Rect(25, 0, 5, 60)],
    ],
)
def test_pieces_hold_each_pixel_of_the_areas_once(areas: list[Rect]) -> None:
    pieces = disjoint(areas)
    assert all(not piece.empty for piece in pieces)
    assert np.array_equal(coverage(pieces), np.minimum(coverage(areas), 1))


def test_areas_that_do_not_overlap_are_kept_as_they_are() -> None:
    areas = [Rect(0, 0, 10, 10), Rect(10, 0, 10, 10), Rect(0, 30, 5, 5)]
    assert disjoint(areas) == areas


def test_an_area_inside_an_earlier_one_adds_nothing() -> None:
    assert disjoint([Rect(0, 0, 40, 40), Rect(10, 10, 5, 5), Rect(0, 0, 40, 40)]) == [Rect(0, 0, 40, 40)]


def test_empty_areas_give_no_pieces() -> None:
    assert disjoint([Rect(5, 5, 0, 10), Rect(3, 3, 10, -1)]) == []


def test_an_overlap_is_cut_into_at_most_four_bands() -> None:
    """The second area less the first: the bands above and below it, then left and right."""
    pieces = disjoint([Rect(10, 10, 10, 10), Rect(0, 0, 30, 30)])
    assert pieces == [
        Rect(10, 10, 10, 10),
        Rect(0, 0, 30, 10),
        Rect(0, 20, 30, 10),
        Rect(0, 10, 10, 10),
        Rect(20, 10, 10, 10),
    ]


@pytest.mark.parametrize("seed", range(20))
def test_random_areas(seed: int) -> None:
    rng = np.random.default_rng(seed)
    areas = []
    for _ in range(int(rng.integers(1, 9))):
        x, y = int(rng.integers(0, 70)), int(rng.integers(0, 50))
        areas.append(Rect(x, y, int(rng.integers(0, SIZE[1] - x + 1)), int(rng.integers(0, SIZE[0] - y + 1))))
    pieces = disjoint(areas)
    assert np.array_equal(coverage(pieces), np.minimum(coverage(areas), 1))
    assert sum(piece.area for piece in pieces) == int(np.count_nonzero(coverage(areas)))
