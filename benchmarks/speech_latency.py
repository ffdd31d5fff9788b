"""Speech latency: time to first sound of a high-priority notification on display-less glasses.

    python benchmarks/speech_latency.py [--trials 50] [--json [PATH]]

Scenario (quark-g1, no display, busy): a Column with a nav arrow, a caption streaming live
text (its English translation is being spoken, low priority) and a hidden high-priority
notification. At time t the app shows the notification, with a title and body unique to the
trial so no speech cache helps, and calls `narrator.update(t)`. Measured from just before the
tree change:

  first sound  update(t), then the interrupting utterance's earcon samples (its first audio)
  first word   update(t), then narrator.clip(utterance): earcon and words, ready to play

Peer, same run, same espeak-ng engine: a non-retained speaker that on every change describes
the whole tree again (a fresh ChangeTracker's scan: every visible widget, in tree order), joins
it into one text and synthesises all of it, uncached, before it plays anything. Its first sound
of the notification is when that synthesis is done (no earcon, no interruption).

Also reported: how much of hud's update(t) is speech synthesis ("of which TTS": none, since an
utterance starts, earcon first, before its words are synthesised; they are needed only when
the earcon has played), and update(t) when nothing changed. Each trial builds a fresh tree and narrator; 3 warm-up trials
(which load the engine) are not counted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from hud.speech import audio, earcons, tts
from hud.speech.changes import ChangeTracker, speaks_without_display
from hud.speech.narrator import Narrator
from hud.speech.schedule import GAP_S
from hud.widgets import Caption, Column, NavArrow, Notification

from json_out import add_json_option, table_stream, write_json  # this script's folder is on sys.path

DEVICE = "quark-g1"
WARMUP = 3
CAPTION_ZH = "最近的地铁站在哪里？我们一起走过去吧，只要五分钟"
CAPTION_EN = (
    "Where is the nearest subway station? I think it is on the other side of the square, next to the big bookshop."
)
CAPTION_EN_MORE = " Let's walk there together, it is only five minutes away."
INTO_CAPTION_S = 0.4  # the notification arrives this long after the caption started speaking
IDLE_STEP_S = 0.02  # idle updates this long before and after the notification


class TimedEngine:
    """The real engine, with the time spent in `synthesize` added up (a few hundred ns per call)."""

    def __init__(self, engine: tts.Engine) -> None:
        self.engine = engine
        self.name = engine.name
        self.sample_rate = engine.sample_rate
        self.seconds = 0.0

    def synthesize(self, text: str, language: str) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.engine.synthesize(text, language)
        finally:
            self.seconds += time.perf_counter() - started


def synthesize_uncached(engine: tts.Engine, text: str, language: str) -> np.ndarray:
    """What Engine.synthesize does (script runs, a gap between them, peak normalised), without its cache."""
    gap = np.zeros(round(tts.GAP_S * engine.sample_rate), np.float32)
    pieces: list[np.ndarray] = []
    for run, voice in tts.script_runs(text, language):
        piece = engine.synthesize_voice(run, voice)
        if piece.size:
            pieces += [gap, piece] if pieces else [piece]
    samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    if samples.size:
        samples *= tts.PEAK / float(np.abs(samples).max())
    return samples


def describe_tree(root: Column) -> tuple[str, str]:
    """The peer's words: every visible widget described afresh, in tree order, as one text."""
    messages, _ = ChangeTracker(speaks_without_display).scan(root)
    texts = [m.text or m.stream for m in messages]  # a caption hands on its whole text
    sentences = [text if text[-1:] in ".!?。！？" else text + "." for text in texts if text]
    return " ".join(sentences), messages[0].language if messages else "en"


@dataclass
class Trial:
    t: float = 0.0
    first_sound_ms: float = 0.0
    first_word_ms: float = 0.0
    update_ms: float = 0.0
    update_tts_ms: float = 0.0
    peer_ms: float = 0.0
    idle_hidden_us: float = 0.0  # update() with nothing changed, the notification still hidden
    idle_shown_us: float = 0.0  # and again once it is shown (its template is re-run each scan)
    caption_status: str = ""  # the caption's utterance just before the notification
    decisions: list[dict[str, Any]] = field(default_factory=list)  # those update(t) took
    notification_text: str = ""
    notification_audio_s: float = 0.0
    peer_text: str = ""
    peer_audio_s: float = 0.0


def build_tree() -> tuple[Column, Caption, Notification]:
    nav = NavArrow(id="nav", maneuver="left", distance_m=450, street="Wensan Road", eta_min=12)
    caption = Caption(id="caption", text=CAPTION_ZH, translation=CAPTION_EN, speaker="Lin")
    note = Notification(id="flight", app="Fliggy", title="", body=None, icon="plane", priority="high", visible=False)
    return Column(nav, caption, note), caption, note


def trial(i: int, engine: tts.Engine) -> Trial:
    """One trial: set the scene up (untimed), then time the notification through hud and the peer."""
    root, caption, note = build_tree()
    timed = TimedEngine(engine)
    narrator = Narrator(root, DEVICE, engine=timed)
    narrator.update(0.0)  # nav instruction starts (normal), caption waits (low)
    nav_end = narrator.scheduler.current.end
    t1 = round(nav_end + GAP_S + 0.05, 4)
    caption.translation = CAPTION_EN + CAPTION_EN_MORE  # live text streams in
    narrator.update(t1)  # first caption words start, the new ones queue
    t = round(narrator.scheduler.current.start + INTO_CAPTION_S, 4)
    result = Trial(t=t)

    started = time.perf_counter()
    narrator.update(round(t - IDLE_STEP_S, 4))  # nothing changed
    result.idle_hidden_us = (time.perf_counter() - started) * 1e6
    speaking = narrator.scheduler.current
    result.caption_status = f"{speaking.message.source}:{speaking.status}" if speaking else "silent"

    title = f"Gate change: MU51{i:02d} now boards at C{i}"
    body = f"Boarding closes {10 + i % 40} minutes before departure, flight {i}"
    # -- hud: retained, scheduled, cached --------------------------------------------------------
    timed.seconds = 0.0
    started = time.perf_counter()
    note.title, note.body, note.visible = title, body, True
    decisions = narrator.update(t)
    updated = time.perf_counter()
    result.update_tts_ms = timed.seconds * 1000
    utterance = narrator.scheduler.current
    sound = earcons.earcon(utterance.message.earcon, narrator.rate)
    first_sound = time.perf_counter()
    clip = narrator.clip(utterance)
    first_word = time.perf_counter()
    result.update_ms = (updated - started) * 1000
    result.first_sound_ms = (first_sound - started) * 1000
    result.first_word_ms = (first_word - started) * 1000
    if utterance is None or utterance.message.source != note.id or not (sound.size and clip.size):
        raise RuntimeError("the notification did not start at once: the scenario is broken")
    result.decisions = [
        {
            "t": d.t,
            "action": d.action,
            "utterance": d.utterance,
            "source": narrator.utterances[d.utterance - 1].message.source,
            "why": d.why,
        }
        for d in decisions
    ]
    result.notification_text = utterance.message.text
    result.notification_audio_s = len(clip) / narrator.rate

    started = time.perf_counter()
    narrator.update(round(t + IDLE_STEP_S, 4))  # nothing changed
    result.idle_shown_us = (time.perf_counter() - started) * 1e6

    # -- peer: describe everything, synthesise everything, then play ------------------------------
    note.visible = False
    note.title, note.body = "", None
    started = time.perf_counter()
    note.title, note.body, note.visible = title, body, True
    text, language = describe_tree(root)
    words = audio.pan_stereo(synthesize_uncached(engine, text, language), 0.0)
    result.peer_ms = (time.perf_counter() - started) * 1000
    result.peer_text = text
    result.peer_audio_s = len(words) / engine.sample_rate
    return result


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p95": float(np.percentile(values, 95)), "max": max(values)}


def run(trials: int, warmup: int = WARMUP) -> dict[str, Any]:
    started = time.perf_counter()
    engine = tts.engine()
    load_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for i in range(warmup):
        trial(90 + i, engine)
    warmup_ms = (time.perf_counter() - started) * 1000
    done = [trial(i + 1, engine) for i in range(trials)]
    hud = {
        "first_sound_ms": summary([r.first_sound_ms for r in done]),
        "first_word_ms": summary([r.first_word_ms for r in done]),
        "update_ms": summary([r.update_ms for r in done]),
        "update_tts_ms": summary([r.update_tts_ms for r in done]),
    }
    peer = {"first_sound_ms": summary([r.peer_ms for r in done]), "first_word_ms": summary([r.peer_ms for r in done])}
    ratio = {
        kind: {stat: peer[kind][stat] / hud[kind][stat] for stat in ("median", "p95", "max")}
        for kind in ("first_sound_ms", "first_word_ms")
    }
    return {
        "device": DEVICE,
        "engine": engine.name,
        "trials": trials,
        "warmup": warmup,
        "engine_load_ms": load_ms,
        "warmup_ms": warmup_ms,
        "hud": hud,
        "peer": peer,
        "ratio": ratio,
        "idle_update_us": {
            "hidden": summary([r.idle_hidden_us for r in done]),
            "shown": summary([r.idle_shown_us for r in done]),
        },
        "runs": [vars(r) for r in done],
    }


def print_table(result: dict[str, Any], out: TextIO = sys.stdout) -> None:
    hud, peer, ratio, idle = result["hud"], result["peer"], result["ratio"], result["idle_update_us"]
    last = result["runs"][-1]
    print(
        f"time to first sound of a high-priority notification, {result['device']} (no display), {result['engine']}",
        file=out,
    )
    print(
        f"{result['trials']} trials after {result['warmup']} warm-up trials ({result['warmup_ms']:.0f} ms, "
        f"engine load {result['engine_load_ms']:.1f} ms)",
        file=out,
    )
    print(f"{'':<34} {'median':>9} {'p95':>9} {'max':>9}", file=out)

    def row(label: str, stats: dict[str, float], unit: str = "", digits: int = 2) -> None:
        print(f"{label:<34} " + " ".join(f"{stats[s]:>8.{digits}f}{unit}" for s in ("median", "p95", "max")), file=out)

    row("hud first sound (earcon) ms", hud["first_sound_ms"], " ")
    row("hud first word (whole clip) ms", hud["first_word_ms"], " ")
    row("  hud update(t) ms", hud["update_ms"], " ")
    row("    of which TTS ms", hud["update_tts_ms"], " ")
    row("peer first sound = first word ms", peer["first_sound_ms"], " ")
    row("peer/hud first sound", ratio["first_sound_ms"], "x", 1)
    row("peer/hud first word", ratio["first_word_ms"], "x", 1)
    row("idle update(t), note hidden µs", idle["hidden"], " ", 1)
    row("idle update(t), note shown µs", idle["shown"], " ", 1)
    at = [f"{d['action']} #{d['utterance']} {d['source']}" for d in last["decisions"]]
    status = last["caption_status"].split(":")[-1]
    print(f"last trial at t = {last['t']:.2f} s (caption {status}): " + ", ".join(at), file=out)
    print(
        f"hud says {len(last['notification_text'])} chars ({last['notification_audio_s']:.1f} s of audio); "
        f"the peer synthesises {len(last['peer_text'])} chars ({last['peer_audio_s']:.1f} s) first",
        file=out,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=50, help="timed trials (default 50)")
    add_json_option(parser, "the results, every trial included")
    args = parser.parse_args(argv)
    if args.trials < 1:
        parser.error("--trials must be at least 1")
    result = run(args.trials)
    print_table(result, table_stream(args.json))
    write_json(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
