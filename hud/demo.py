"""`make demo`: render every example scene for every device it targets, and say where."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hud.devices import load_device
from hud.errors import HudError
from hud.renderer import Renderer
from hud.scene import load_scene
from hud.sinks import write_animation
from hud.speech.narrator import narrate

SCENES = Path(__file__).resolve().parents[1] / "scenes"
PREVIEW_FPS = 15


SPEECH_DEVICE = "quark-g1"  # every scene is also spoken as the display-less G1 would say it


def render_all(scenes_dir: Path, out: Path) -> list[tuple[str, str, float, Path]]:
    """Render each scene for each target, and speak it on the G1; returns (scene, device, ms, folder)."""
    results = []
    for path in sorted(scenes_dir.glob("*.toml")):
        scene = load_scene(path)
        for name in dict.fromkeys([*scene.targets, SPEECH_DEVICE]):
            device = load_device(name)
            if not device.has_display:
                started = time.perf_counter()
                folder = out / path.stem / name
                narrate(scene, device).export(folder)
                results.append((path.stem, name, (time.perf_counter() - started) * 1000, folder))
                continue
            started = time.perf_counter()
            renderer = Renderer(scene, device)
            frame = renderer.frame(0.0)
            elapsed = (time.perf_counter() - started) * 1000
            folder = out / path.stem / name
            frame.save(folder)
            if scene.timeline is not None:
                # Scenes that move also get an animated preview of their whole timeline.
                frames = (
                    renderer.frame(i / PREVIEW_FPS).preview() for i in range(round(scene.length * PREVIEW_FPS) + 1)
                )
                write_animation(frames, folder / "preview.gif", PREVIEW_FPS)
            results.append((path.stem, name, elapsed, folder))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenes", type=Path, default=SCENES, help="folder of scene files")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder")
    args = parser.parse_args(argv)
    try:
        results = render_all(args.scenes, args.out)
    except HudError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{'scene':<22} {'device':<22} {'time':>11}  output")
    for scene, device, ms, folder in results:
        if (folder / "preview.png").exists():
            where = f"{folder}/preview.png" + (" (+ preview.gif)" if (folder / "preview.gif").exists() else "")
        else:
            where = f"{folder}/speech.wav (+ speech.json)"
        print(f"{scene:<22} {device:<22} {ms:>8.1f} ms  {where}")
    print(
        f"\n{len(results)} renders in {args.out.resolve()}/<scene>/<device>/ (left.png, right.png: native panel "
        "images; preview.png: both eyes in the panel colour; speech.wav and speech.json: what the display-less "
        f"{SPEECH_DEVICE} says, when, and why)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
