"""Cold start: the wall time of a whole `hud render SCENE` in a fresh interpreter, per scene.

    python benchmarks/cold_start.py [--runs 10] [--json [PATH]] [SCENE ...]

Each scene (default: navigation, shopping, translation-ja-en, crowded) is rendered once to warm
the disk cache and the bytecode cache, then `--runs` times; the table shows the median and the
fastest wall time and the median CPU time (user + system) of those runs, against the 300 ms
target. Two rows for scale: the interpreter starting and stopping (`python -c pass`) and the
libraries a render imports (NumPy, Pillow, FreeType, HarfBuzz, uniseg, fontTools, python-bidi).

The bytecode of every module is cached in a temporary folder (PYTHONPYCACHEPREFIX), as an
installed package has it; with PYTHONDONTWRITEBYTECODE and no cache, Python would compile the
engine's sources on every start instead. On a shared machine take the median, and compare runs
made one after the other.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from json_out import add_json_option, table_stream, write_json

ROOT = Path(__file__).resolve().parents[1]
SCENES = ("navigation", "shopping", "translation-ja-en", "crowded")
TARGET_MS = 300.0
LIBRARIES = "import numpy, PIL.Image, freetype, uharfbuzz, uniseg.linebreak, fontTools.unicodedata, bidi"


def timed_runs(command: list[str], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median and fastest wall time and median CPU time, in ms, of `runs` runs after one warm-up."""
    walls, cpus = [], []
    for run in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run:
            walls.append(wall * 1000)
            cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return {"median_ms": statistics.median(walls), "min_ms": min(walls), "cpu_median_ms": statistics.median(cpus)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenes", nargs="*", default=list(SCENES), help="example scene names (scenes/NAME.toml)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per scene (default 10)")
    add_json_option(parser)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    out = table_stream(args.json)
    with tempfile.TemporaryDirectory(prefix="hud-cold-") as folder:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
        rows: list[dict[str, object]] = [
            {"what": "python -c pass", **timed_runs([sys.executable, "-c", "pass"], args.runs, env)},
            {"what": "the libraries alone", **timed_runs([sys.executable, "-c", LIBRARIES], args.runs, env)},
        ]
        for scene in args.scenes:
            path = ROOT / "scenes" / f"{scene}.toml"
            if not path.is_file():
                parser.error(f"no example scene {scene!r} ({path} does not exist)")
            command = [sys.executable, "-m", "hud", "render", str(path), "--out", str(Path(folder) / scene)]
            result = timed_runs(command, args.runs, env)
            rows.append({"what": f"hud render {scene}", **result, "under_target": result["median_ms"] < TARGET_MS})
    print(f"cold start, {args.runs} runs each (target: hud render under {TARGET_MS:.0f} ms)", file=out)
    print(f"{'':34s} {'median ms':>10s} {'min ms':>8s} {'cpu ms':>8s}", file=out)
    for row in rows:
        verdict = row.get("under_target")
        mark = "" if verdict is None else ("  under target" if verdict else "  OVER target")
        print(
            f"{row['what']:34s} {row['median_ms']:10.0f} {row['min_ms']:8.0f} {row['cpu_median_ms']:8.0f}{mark}",
            file=out,
        )
    write_json({"runs": args.runs, "target_ms": TARGET_MS, "python": sys.version.split()[0], "rows": rows}, args.json)


if __name__ == "__main__":
    main()
