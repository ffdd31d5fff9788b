"""The compiled glyph compositing (hud/raster/_native.c) gives the numpy path's pixels exactly:
on random glyph runs, clips and colours, and on every example scene."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import hud
from hud.paint import GlyphKey, Glyphs
from hud.raster import cpu
from hud.raster.cpu import CpuRaster, native_available, use_native

from paths import EXAMPLES


def test_the_compiled_inner_loops_are_built() -> None:
    assert native_available(), (
        "hud.raster._native was not built: `make env` (pip install -e .) compiles it with the C compiler; "
        "without one hud falls back to numpy"
    )


@pytest.fixture
def both_paths() -> Iterator[None]:
    old = use_native(True)
    yield
    use_native(old)


def _draw(run: Glyphs, channels: int, clip: hud.geometry.Rect, native: bool, before: np.ndarray) -> np.ndarray:
    raster = CpuRaster(96, 64, channels)
    buffer = before.copy()
    use_native(native)
    raster._clip = clip
    raster.draw_command(buffer, run, 3, -2)
    return buffer


@pytest.mark.parametrize("channels", [1, 3])
def test_random_glyph_runs_composite_the_same(channels: int, both_paths: None) -> None:
    rng = np.random.default_rng(channels)
    changed = 0
    for trial in range(60):
        items = []
        for index in range(int(rng.integers(1, 12))):
            h, w = int(rng.integers(0, 20)), int(rng.integers(0, 20))
            bitmap = rng.integers(0, 256, (h, w), dtype=np.uint8)
            bitmap[rng.random((h, w)) < 0.3] = 0
            x, y = int(rng.integers(-15, 100)), int(rng.integers(-15, 70))
            items.append((GlyphKey("test", trial * 100 + index, 20), bitmap, x, y))
        colour = tuple(float(c) for c in rng.random(channels))
        run = Glyphs(tuple(items), colour, None)
        before = rng.random((64, 96, channels)).astype(np.float32)
        x0, y0 = int(rng.integers(0, 40)), int(rng.integers(0, 30))
        clip = hud.geometry.Rect(x0, y0, int(rng.integers(1, 96 - x0)), int(rng.integers(1, 64 - y0)))
        compiled = _draw(run, channels, clip, True, before)
        numpy_path = _draw(run, channels, clip, False, before)
        assert np.array_equal(compiled, numpy_path), f"trial {trial}"
        changed += not np.array_equal(compiled, before)
    assert changed > 15  # many runs land in their clip


@pytest.mark.parametrize("path", EXAMPLES[:: max(1, len(EXAMPLES) // 6)], ids=lambda p: p.stem)
def test_example_scenes_render_the_same_on_both_paths(path, both_paths: None) -> None:  # noqa: ANN001
    scene = hud.load_scene(path)
    frames = {}
    for native in (True, False):
        use_native(native)
        frames[native] = hud.Renderer(scene, "quark-s1").frame(1.0)
    for eye in frames[True].eyes:
        assert np.array_equal(frames[True].eyes[eye], frames[False].eyes[eye]), eye
    assert cpu.native_in_use() is False
