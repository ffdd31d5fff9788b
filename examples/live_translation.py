"""Live translation on a guided walk: a Chinese-speaking guide, captioned as the recogniser hears
her and translated into English, beside the arrow to the next turn.

    python examples/live_translation.py --out out/live          # a few frames, as PNG previews
    python examples/live_translation.py --emulate               # live in the emulator window
    hud render examples/live_translation.py:scene --out out/scene
    hud emulate examples/live_translation.py:scene              # the scene before anyone speaks

The recogniser's results arrive with their times: a partial result revises the tentative words
(`caption.replace_partial`, drawn dimmer), a final one commits them (`caption.append`, which
scrolls the caption like a timeline append), and the translator's English for the phrase joins
the translation (`caption.set`). Location fixes come once a second; the arrow glides to each
new distance (`arrow.animate`). Every verb acts at the scene's current time (the time of the
frame drawn last) and the next frame shows it: every run draws the same frames.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import hud

if TYPE_CHECKING:
    from emulator import Emulator


class Result(NamedTuple):
    """One result of the speech recogniser, `at` seconds into the walk."""

    at: float
    words: str
    final: bool = False  # final: the words are committed; else tentative, replaced by the next result
    english: str = ""  # the translator's English for a final result


TRANSCRIPT = [
    Result(0.3, "各位"),
    Result(0.7, "各位好，", final=True, english="Hello everyone,"),
    Result(1.0, "欢迎"),
    Result(1.4, "欢迎来到灵隐"),
    Result(1.8, "欢迎来到灵隐寺。", final=True, english="welcome to Lingyin Temple."),
    Result(2.2, "前面"),
    Result(2.6, "前面路口"),
    Result(3.0, "前面路口右转，", final=True, english="We turn right at the next crossing,"),
    Result(3.4, "就能"),
    Result(3.8, "就能看到飞来"),
    Result(4.2, "就能看到飞来峰。", final=True, english="and there you will see Feilai Peak."),
    Result(4.6, "峰上"),
    Result(5.0, "峰上有很多石刻"),
    Result(5.4, "峰上有很多石刻造像，", final=True, english="The peak has many stone carvings,"),
    Result(5.8, "大家"),
    Result(6.2, "大家可以慢慢看。", final=True, english="so take your time."),
    Result(6.6, "我们"),
    Result(7.0, "我们在这里"),
    Result(7.4, "我们在这里停留十分钟。", final=True, english="We stay here for ten minutes."),
]

TURN_M = 60.0  # metres to the next turn when the walk starts
WALK_M_PER_S = 1.4


def distance_m(t: float) -> float:
    """Metres left to the turn `t` seconds into the walk (what a location fix reports)."""
    return max(0.0, TURN_M - WALK_M_PER_S * t)


def scene() -> hud.Scene:
    """What the wearer sees: the next turn at the top, the guide's words at the bottom."""
    return hud.Scene(
        hud.NavArrow("right", id="turn", distance_m=distance_m(0), street="Lingyin Road", anchor="top"),
        hud.Caption(id="guide", speaker="导游 Guide", lang="zh", translation_lang="en", anchor="bottom"),
        title="Live translation on a walk",
        device="quark-s1",
    )


class LiveTranslation:
    """Feeds the recogniser's results and the location fixes into the scene as they come. It is
    an emulator app too: the emulator calls `update` every frame."""

    def __init__(self, scene: hud.Scene) -> None:
        caption, arrow = scene["guide"], scene["turn"]
        assert isinstance(caption, hud.Caption) and isinstance(arrow, hud.NavArrow), "the widgets scene() makes"
        self.caption, self.arrow = caption, arrow
        self.results = iter(TRANSCRIPT)
        self.next_result: Result | None = next(self.results)
        self.next_fix = 1  # location fixes come on every whole second
        self.english = ""

    def catch_up(self, t: float) -> list[str]:
        """Hand the scene everything that came in by `t` seconds; returns what was done."""
        done = []
        while self.next_result is not None and self.next_result.at <= t:
            result = self.next_result
            if result.final:
                self.caption.append(result.words)
                self.english = f"{self.english} {result.english}".strip()
                self.caption.set(translation=self.english)
                done.append(f"{t:4.2f} s  commit  {result.words}  ->  {result.english}")
            else:
                self.caption.replace_partial(result.words)
                done.append(f"{t:4.2f} s  partial {result.words}")
            self.next_result = next(self.results, None)
        while self.next_fix <= t:
            self.arrow.animate("distance_m", to=distance_m(self.next_fix), duration=1.0)
            done.append(f"{t:4.2f} s  fix     {distance_m(self.next_fix):.1f} m to the turn")
            self.next_fix += 1
        return done

    def update(self, emulator: Emulator, t: float, dt: float) -> None:
        """The emulator's hook, once a frame."""
        self.catch_up(t)


def run(scene: hud.Scene, renderer: hud.Renderer, until: float, fps: float = 30.0) -> Iterator[hud.Frame]:
    """Draw `scene` `fps` times a second from 0 to `until` seconds, feeding the walk into it as
    the emulator does: each frame shows what came in by its time. Yields the frames."""
    app = LiveTranslation(scene)
    for index in range(round(until * fps) + 1):
        t = index / fps
        for line in app.catch_up(t):
            print(line)
        yield renderer.frame(t)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Live translation on a guided walk, on quark-s1.")
    parser.add_argument("--out", type=Path, help="write a PNG preview (both eyes) every second into this folder")
    parser.add_argument("--emulate", action="store_true", help="run it live in the emulator window")
    args = parser.parse_args(argv)
    if args.emulate:
        import emulator

        walk = scene()
        return emulator.run(LiveTranslation(walk), scene=walk)
    if args.out is None:
        parser.error("give --out DIR (or --emulate)")
    args.out.mkdir(parents=True, exist_ok=True)
    walk = scene()
    for frame in run(walk, hud.Renderer(walk), until=8.0):
        if frame.t == int(frame.t):
            path = args.out / f"preview-{frame.t:.0f}s.png"
            frame.preview().save(path)
            print(f"{frame.t:4.2f} s  wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
