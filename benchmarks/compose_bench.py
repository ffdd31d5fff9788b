"""What composition costs per frame, on the crowded example scene (five widgets, quark-s1).

    python benchmarks/compose_bench.py [--frames 300]

Three workloads, interleaved in one run:
- caption: the live caption gets new words every frame (the frame that matters: nothing else
  changes, so the compositor must reuse its last composition);
- reshow: a notification hides or shows every frame, so every frame composes afresh
  (importance order, forms, narrowing) from warm measure caches;
- always: the caption workload with the reuse switched off (`Compositor.forget()` before each
  frame), the peer: what composing every frame would cost.
and a playback: scenes/notification-burst.toml frame by frame at 60 fps (three notifications
arrive and leave in one zone, the others gliding to their new places).
Each prints the compose stage's p50 / p99 and the whole frame's p50, from hud's profiler.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hud.profile import Profiler, stats
from hud.renderer import Renderer
from hud.scene import load_scene

SCENE = Path(__file__).resolve().parents[1] / "scenes" / "crowded.toml"
WORDS = "tea leaves picked before the Qingming festival are the most tender and fragrant of the year".split()


def workload(name: str) -> tuple[Renderer, Profiler]:
    scene = load_scene(SCENE)
    profiler = Profiler(1000 / 60, "quark-s1")
    renderer = Renderer(scene, "quark-s1", profiler=profiler)
    renderer.frame(0.0)
    profiler.records.clear()
    return renderer, profiler


def step(name: str, renderer: Renderer, index: int) -> None:
    scene = renderer.scene
    if name == "reshow":
        note = scene["msg"]
        note.visible = not note.visible
    else:
        caption = scene["live"]
        caption.translation = " ".join(WORDS[(index + k) % len(WORDS)] for k in range(6))
        if name == "always":
            renderer.compositor.forget()
    renderer.frame(0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    names = ("caption", "reshow", "always")
    runs = {name: workload(name) for name in names}
    for index in range(args.frames):
        for name in names:
            step(name, runs[name][0], index)
    burst = load_scene(SCENE.parent / "notification-burst.toml")
    playback = Profiler(1000 / 60, "quark-s1")
    player = Renderer(burst, "quark-s1", profiler=playback)
    for index in range(round(burst.length * 60) + 1):
        player.frame(index / 60)
    print(f"compose stage on {SCENE.name} (quark-s1), {args.frames} frames each, interleaved")
    print(f"{'workload':<9} {'compose p50':>12} {'compose p99':>12} {'frame p50':>10} {'full compositions':>18}")
    for name in names:
        renderer, profiler = runs[name]
        compose = stats([r.stage_ms("compose") for r in profiler.records])
        frame = stats([r.total_ms for r in profiler.records])
        print(
            f"{name:<9} {compose['p50_ms'] * 1000:>9.0f} µs {compose['p99_ms'] * 1000:>9.0f} µs "
            f"{frame['p50_ms']:>7.2f} ms {renderer.compositor.runs - 1:>18}"
        )
    compose = stats([r.stage_ms("compose") for r in playback.records])
    frame = stats([r.total_ms for r in playback.records])
    print(
        f"{'playback':<9} {compose['p50_ms'] * 1000:>9.0f} µs {compose['p99_ms'] * 1000:>9.0f} µs "
        f"{frame['p50_ms']:>7.2f} ms {player.compositor.runs:>18}  ({len(playback.records)} frames of "
        f"notification-burst.toml)"
    )


if __name__ == "__main__":
    main()
