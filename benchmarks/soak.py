"""Soak benchmark: render a timeline scene for a long time and watch the process's memory.

    python benchmarks/soak.py [--frames 100000] [--every 10000] [--scene scenes/city-walk-timeline.toml]
                              [--device NAME] [--fps N] [--tolerance 5]

Renders `--frames` frames of the scene at the device's refresh rate, scene time looping over
the scene's length (the timeline starts again from its first event each loop), and prints the
resident set size (RSS) every `--every` frames. After warm-up (the first checkpoint) RSS should
stay flat: the last column is the change against the first checkpoint, and the run exits 1
when any later checkpoint is more than `--tolerance` percent above it.

RSS is read from /proc/self/status (Linux); elsewhere the peak RSS from getrusage stands in.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hud.devices import load_device  # noqa: E402
from hud.renderer import Renderer  # noqa: E402
from hud.scene import load_scene  # noqa: E402


def rss_bytes() -> int:
    """Resident set size of this process now (Linux), else its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def soak(scene_path: Path, device_name: str | None, frames: int, every: int, fps: float | None) -> list[dict]:
    """Render `frames` frames, looping scene time; one row per `every` frames."""
    scene = load_scene(scene_path)
    device = load_device(device_name or scene.device)
    renderer = Renderer(scene, device)
    step = 1.0 / (fps or device.refresh_hz)
    length = scene.length or 1.0
    rows = []
    started = last = time.perf_counter()
    for index in range(1, frames + 1):
        renderer.frame(((index - 1) * step) % length)
        if index % every == 0 or index == frames:
            gc.collect()
            now = time.perf_counter()
            done_since = index - (rows[-1]["frames"] if rows else 0)
            rows.append(
                {
                    "frames": index,
                    "loops": (index * step) / length,
                    "elapsed_s": now - started,
                    "ms_per_frame": (now - last) * 1000 / done_since,
                    "rss": rss_bytes(),
                }
            )
            last = now
            print_row(rows)
    return rows


def print_row(rows: list[dict]) -> None:
    row = rows[-1]
    if len(rows) == 1:
        print(f"{'frames':>8}  {'loops':>7}  {'elapsed s':>9}  {'ms/frame':>8}  {'RSS MiB':>8}  {'vs first':>8}")
    base = rows[0]["rss"]
    change = (row["rss"] - base) * 100 / base
    print(
        f"{row['frames']:>8}  {row['loops']:>7.1f}  {row['elapsed_s']:>9.1f}  {row['ms_per_frame']:>8.2f}  "
        f"{row['rss'] / 2**20:>8.1f}  {change:>+7.1f}%",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scene", type=Path, default=ROOT / "scenes" / "city-walk-timeline.toml")
    parser.add_argument("--device", help="device profile (default: the scene's)")
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=10_000, help="frames between RSS readings")
    parser.add_argument("--fps", type=float, help="scene time step (default: the device's refresh rate)")
    parser.add_argument("--tolerance", type=float, default=5.0, help="allowed RSS growth after warm-up, percent")
    args = parser.parse_args(argv)
    if args.frames < 1 or args.every < 1:
        parser.error("--frames and --every must be at least 1")
    print(f"soak: {args.frames} frames of {args.scene.name}, RSS every {args.every} frames")
    rows = soak(args.scene, args.device, args.frames, args.every, args.fps)
    base = rows[0]["rss"]
    worst = max(rows[1:], key=lambda r: r["rss"], default=rows[0])
    growth = (worst["rss"] - base) * 100 / base
    total = rows[-1]["elapsed_s"]
    print(
        f"{args.frames} frames in {total:.0f} s ({total * 1000 / args.frames:.2f} ms/frame); RSS after warm-up "
        f"{base / 2**20:.1f} MiB, highest later {worst['rss'] / 2**20:.1f} MiB ({growth:+.1f}%): "
        + ("flat" if growth <= args.tolerance else f"grows more than {args.tolerance:g}%")
    )
    return 0 if growth <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
