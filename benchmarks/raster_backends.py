"""Raster backend benchmark: the CPU (numpy) and GL (moderngl) backends on the same frames.

    python benchmarks/raster_backends.py [--frames 200] [--json [PATH]]

The reference workload of benchmarks/frame_bench.py (a nav arrow, a price card, a notification
and a two-line caption, both eyes) rendered through `Renderer(..., backend=b)` for b in cpu and
gl, on quark-s1 (640x480 per eye) and on the same profile at four times its pixel count
(1280x960, the same field of view, so every widget is twice as large). Two cases:

  caption  only the caption's text changes each frame (dirty regions)
  full     every cache is dropped before each frame (compose, layout, paint, whole eyes)

Per case: p50 and p99 of the whole frame and of the raster stage (raster + panel, both eyes:
on GL the panel stage waits for the drawing and reads it back), in ms, and the CPU / GL ratio
of the p50s. The backends take turns frame by frame. Without a GL context here the gl rows are
empty and the CPU's numbers stand alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import warnings
from typing import Any

import numpy as np

import hud
from hud.devices import DeviceProfile, load_device
from hud.geometry import Edges
from hud.profile import Profiler
from hud.raster import BackendWarning, gl_available

from frame_bench import HudWorkload, texts  # this script's folder is on sys.path
from json_out import add_json_option, table_stream, write_json

BACKENDS = ("cpu", "gl")
CASES = ("caption", "full")
RASTER_STAGES = ("raster", "panel")


def scaled(profile: DeviceProfile, factor: int) -> DeviceProfile:
    """The profile with `factor` times its width and height (and margins), the same optics."""
    margin = profile.safe_margin
    return dataclasses.replace(
        profile,
        name=f"{profile.name}-x{factor * factor}",
        width=profile.width * factor,
        height=profile.height * factor,
        safe_margin=Edges(margin.top * factor, margin.right * factor, margin.bottom * factor, margin.left * factor),
    )


class Workload(HudWorkload):
    """frame_bench's scene, drawn for `device` by `backend`, timed per stage."""

    def __init__(self, device: DeviceProfile, backend: str) -> None:
        super().__init__()
        scene = self.renderer.scene
        self.renderer = hud.Renderer(scene, device, backend)
        self.renderer.profiler = Profiler(device.frame_budget_ms, device.name)
        self.renderer.frame()

    def run(self, frame: int, case: str) -> dict[str, float]:
        """Render one frame of `case`; its total and raster (raster + panel) ms."""
        renderer = self.renderer
        if case == "full":
            renderer.invalidate()
        else:
            t = texts(frame, "caption")
            self.caption.text = t["zh"]
            self.caption.translation = t["en"]
        started = time.perf_counter()
        result = renderer.frame()
        total = (time.perf_counter() - started) * 1000
        raster = sum(result.timings_ms.get(stage, 0.0) for stage in RASTER_STAGES)
        return {"frame": total, "raster": raster}


def measure(device: DeviceProfile, backends: tuple[str, ...], case: str, frames: int) -> dict[str, dict[str, float]]:
    """p50 and p99 per backend of `case` on `device`. The backends take turns frame by frame, so
    what else the machine does weighs on all of them alike."""
    workloads = {backend: Workload(device, backend) for backend in backends}
    for warm in range(5):
        for workload in workloads.values():
            workload.run(warm + 1, case)
    samples: dict[str, dict[str, list[float]]] = {backend: {"frame": [], "raster": []} for backend in backends}
    for frame in range(frames):
        for backend, workload in workloads.items():
            for key, value in workload.run(frame + 10, case).items():
                samples[backend][key].append(value)
    result: dict[str, dict[str, float]] = {}
    for backend, series in samples.items():
        result[backend] = {}
        for key, values in series.items():
            result[backend][f"{key}_p50_ms"] = float(np.percentile(values, 50))
            result[backend][f"{key}_p99_ms"] = float(np.percentile(values, 99))
    return result


def run(frames: int) -> dict[str, Any]:
    base = load_device("quark-s1")
    devices = {"s1": base, "s1x4": scaled(base, 2)}
    gl_here = gl_available()
    backends = BACKENDS if gl_here else ("cpu",)
    rows = []
    for label, device in devices.items():
        for case in CASES:
            row: dict[str, Any] = {"resolution": label, "size": [device.width, device.height], "case": case, "gl": None}
            row.update(measure(device, backends, case, frames))
            if row["gl"] is not None:
                row["ratio_frame_p50"] = row["cpu"]["frame_p50_ms"] / row["gl"]["frame_p50_ms"]
                row["ratio_raster_p50"] = row["cpu"]["raster_p50_ms"] / row["gl"]["raster_p50_ms"]
            rows.append(row)
    return {"frames": frames, "gl": gl_renderer() if gl_here else None, "rows": rows}


def gl_renderer() -> str:
    """The GL implementation the gl backend draws with (e.g. llvmpipe)."""
    from hud.raster.gl import _shared

    shared = _shared()
    with shared.current():
        info = shared.ctx.info
    return f"{info['GL_RENDERER']}, OpenGL {info['GL_VERSION']}"


def print_table(result: dict[str, Any], out: Any) -> None:
    gl = result["gl"] or "unavailable here (no OpenGL context): gl rows empty"
    print(f"p50 / p99 ms per frame over {result['frames']} frames, both eyes; GL: {gl}", file=out)
    print(
        f"{'size':<10} {'case':<8} {'backend':<8} {'frame p50':>10} {'p99':>8} {'raster p50':>11} {'p99':>8}", file=out
    )
    for row in result["rows"]:
        size = "x".join(str(v) for v in row["size"])
        for backend in BACKENDS:
            values = row[backend]
            if values is None:
                print(f"{size:<10} {row['case']:<8} {backend:<8} {'-':>10}", file=out)
                continue
            print(
                f"{size:<10} {row['case']:<8} {backend:<8} {values['frame_p50_ms']:>10.2f} {values['frame_p99_ms']:>8.2f} "
                f"{values['raster_p50_ms']:>11.2f} {values['raster_p99_ms']:>8.2f}",
                file=out,
            )
        if row["gl"] is not None:
            print(
                f"{'':<10} {'':<8} {'cpu/gl':<8} {row['ratio_frame_p50']:>9.2f}x {'':>8} {row['ratio_raster_p50']:>10.2f}x",
                file=out,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=200, help="frames per case and backend (default 200)")
    add_json_option(parser, "the numbers")
    args = parser.parse_args()
    warnings.simplefilter("ignore", BackendWarning)
    result = run(args.frames)
    print_table(result, table_stream(args.json))
    write_json(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
