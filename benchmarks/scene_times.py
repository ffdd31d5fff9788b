"""Time each example scene: a cold first frame and warm full redraws, per stage.

    python benchmarks/scene_times.py [--repeat 30]

Prints a Markdown table (the one in the README). A full redraw re-measures, re-lays out,
re-paints and re-rasters every widget; only the glyph cache is warm.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from hud.profile import Profiler
from hud.renderer import STAGES, Renderer
from hud.scene import load_scene
from hud.text import measure

SCENES = Path(__file__).resolve().parents[1] / "scenes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    measure("fonts 字", 20)  # open the font files once, outside the timings
    print(
        f"| scene | device | first frame ms | full redraw ms (median of {args.repeat}) | " + " | ".join(STAGES) + " |"
    )
    print("|---|---|---:|---:|" + "---:|" * len(STAGES))
    for path in sorted(SCENES.glob("*.toml")):
        scene = load_scene(path)
        renderer = Renderer(scene, "quark-s1")
        renderer.profiler = Profiler(renderer.device.frame_budget_ms, "quark-s1")
        started = time.perf_counter()
        renderer.frame()
        first = (time.perf_counter() - started) * 1000
        totals, stages = [], {stage: [] for stage in STAGES}
        for _ in range(args.repeat):
            renderer.invalidate()
            started = time.perf_counter()
            frame = renderer.frame()
            totals.append((time.perf_counter() - started) * 1000)
            for stage in STAGES:
                stages[stage].append(frame.timings_ms[stage])
        cells = " | ".join(f"{statistics.median(stages[s]):.2f}" for s in STAGES)
        print(f"| {path.stem} | quark-s1 | {first:.1f} | {statistics.median(totals):.1f} | {cells} |")


if __name__ == "__main__":
    main()
