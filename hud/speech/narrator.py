"""The audio sink: a widget tree, as it changes, becomes scheduled speech and a stereo track.

    narrator = Narrator(tree, device="quark-g1")
    narrator.update(t)          # after changing the tree: speak what changed
    narrator.finish()           # let queued speech play out
    narrator.export("out/")     # speech.json + speech.wav

`narrate(scene, device)` runs a scene file's timeline through a Narrator.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hud.devices import DeviceProfile, load_device
from hud.errors import HudError
from hud.files import write_files
from hud.scene import Scene
from hud.speech import audio, earcons, tts
from hud.speech.changes import ChangeTracker, Message
from hud.speech.schedule import Decision, Pace, Scheduler, Utterance
from hud.speech.speakers import speaks_on as speaks_on
from hud.speech.speakers import speaks_on_device
from hud.widgets.base import Widget

if TYPE_CHECKING:
    from hud.profile import SpeechProfiler

EARCON_GAP_S = 0.06  # between an earcon and the words after it
TAIL_S = 0.3  # silence kept after the last sound
SCENE_TICK_S = 0.05  # how often a scene's timeline is sampled for changes
NOTIFICATION_GRACE_S = 10.0  # a notification hidden before it was said may still start this long after
CUT_FADE_S = 0.02  # an interrupted utterance fades out over its last this many seconds
BLOCK_FRAMES = 65_536  # frames of the track mixed and written at a time (about 3 s)


class Narrator:
    """Speaks a widget tree: what appeared, what changed, at the thresholds that matter.

    On a device without a display every widget speaks unless it says `speak = "never"`; on a
    device with one, only widgets with `speak = "always"` do.
    """

    def __init__(
        self,
        target: Scene | Widget,
        device: str | Path | DeviceProfile | None = None,
        *,
        language: str | None = None,
        engine: tts.SpeechEngine | None = None,
    ) -> None:
        self.scene = target if isinstance(target, Scene) else None
        self.root = target.root if isinstance(target, Scene) else target
        name = device if device is not None else (self.scene.device if self.scene else "quark-g1")
        self.device = name if isinstance(name, DeviceProfile) else load_device(name)
        if not self.device.has_display and self.device.speakers == "none":
            raise HudError(f"{self.device.name} has neither a display nor speakers: it cannot show or say anything")
        delay = self.device.partial_delay_s if self.device.speak_partials else None
        self.tracker = ChangeTracker(
            speaks_on_device(self.device.has_display, self.device.speak), language, partial_delay=delay
        )
        self._engine = engine
        # Does the engine speak at other speeds (`synthesize(text, language, rate)`, as the
        # built-in one does)? One that does not always speaks at its own pace, never sped up.
        self.paced = engine is None or "rate" in inspect.signature(engine.synthesize).parameters
        fastest = self.device.max_rate if self.paced else 1.0
        self.scheduler = Scheduler(self.duration_of, pace=Pace(max_rate=fastest, skip_after=self.device.skip_behind_s))
        self._reported = 0

    # -- engine ------------------------------------------------------------------------------
    @property
    def engine(self) -> tts.SpeechEngine:
        """The speech engine (found on first use; SpeechEngineError if there is none)."""
        if self._engine is None:
            self._engine = tts.engine()
        return self._engine

    @property
    def rate(self) -> int:
        return self.engine.sample_rate

    def speech(self, message: Message) -> np.ndarray:
        """The message's words as mono samples, at its speed."""
        if self.paced:
            return self.engine.synthesize(message.text, message.language, message.rate)
        return self.engine.synthesize(message.text, message.language)

    def pieces(self, message: Message) -> tuple[list[tuple[int, Callable[[], np.ndarray]]], int]:
        """The message's words as pieces, each (its length in samples, a function returning its
        mono samples), and the samples of silence between two pieces. A long text is several
        pieces (hud.speech.tts.speech_pieces), so its sound is never needed all at once; an
        engine that only has `synthesize` gives one piece."""
        engine = self.engine
        if not hasattr(engine, "piece_samples") or not self.paced:
            return [(len(self.speech(message)), lambda: self.speech(message))], 0
        rate = message.rate
        return [
            (
                engine.piece_samples(piece, message.language, rate),
                functools.partial(engine.synthesize_piece, piece, message.language, rate),
            )
            for piece in tts.speech_pieces(message.text)
        ], engine.gap_samples

    def duration_of(self, message: Message) -> float:
        """Seconds the message takes: its earcon, a short gap, then the words."""
        pieces, gap = self.pieces(message)
        heard = [length for length, _ in pieces if length]
        words = (sum(heard) + gap * max(len(heard) - 1, 0)) / self.rate
        if message.earcon is None:
            return words
        return earcons.earcon_duration(message.earcon) + EARCON_GAP_S + words

    # -- running -----------------------------------------------------------------------------
    def update(self, t: float, profiler: SpeechProfiler | None = None) -> list[Decision]:
        """Compare the tree with what was said, schedule what changed at time `t` (seconds),
        and return the decisions taken since the last call. With `profiler`, the scan and the
        scheduling are timed as one tick."""
        if profiler is not None:
            profiler.begin(t)
        messages, gone = self.tracker.scan(self.root, t)
        if profiler is not None:
            profiler.lap("scan")
        for widget in gone:
            grace = NOTIFICATION_GRACE_S if widget.type_name == "notification" else None
            self.scheduler.withdraw(t, widget.source, grace)
        for message in messages:  # messages that arrive together start best first
            self.scheduler.submit(t, message, start=False)
        self.scheduler.advance(t)
        if profiler is not None:
            profiler.end("schedule")
        return self._new_decisions()

    def finish(self) -> float:
        """Let queued speech play out; returns when the last utterance ends."""
        end = self.scheduler.finish()
        self._new_decisions()
        return end

    def _new_decisions(self) -> list[Decision]:
        fresh = self.scheduler.decisions[self._reported :]
        self._reported = len(self.scheduler.decisions)
        return fresh

    @property
    def utterances(self) -> list[Utterance]:
        return self.scheduler.utterances

    @property
    def decisions(self) -> list[Decision]:
        return self.scheduler.decisions

    # -- audio -------------------------------------------------------------------------------
    def opening(self, utterance: Utterance) -> np.ndarray:
        """The stereo earcon an utterance opens with (empty without one): ready at once, so it
        can play while the words are synthesised."""
        name = utterance.message.earcon
        if name is None:
            return audio.silence(0.0, self.rate)
        return self._speakers(np.array(earcons.earcon(name, self.rate)))

    def words(self, utterance: Utterance) -> np.ndarray:
        """The stereo words of an utterance, centred, after the pause that follows its earcon."""
        lead = EARCON_GAP_S if utterance.message.earcon is not None else 0.0
        speech = self.speech(utterance.message)
        track = audio.silence(lead + len(speech) / self.rate, self.rate)
        audio.mix_into(track, speech, lead, self.rate)
        return self._speakers(track)

    def clip(self, utterance: Utterance) -> np.ndarray:
        """The stereo sound of one utterance as planned: earcon, then words (cut where it was
        interrupted)."""
        track = audio.silence(utterance.duration, self.rate)
        opening = self.opening(utterance)
        audio.mix_into(track, opening, 0.0, self.rate)
        audio.mix_into(track, self.words(utterance), len(opening) / self.rate, self.rate)
        if utterance.status == "interrupted" and utterance.start is not None and utterance.end is not None:
            track = audio.truncate(track, utterance.end - utterance.start, CUT_FADE_S, self.rate)
        return track

    def _speakers(self, track: np.ndarray) -> np.ndarray:
        """Mono speakers hear both channels mixed (no panning)."""
        if self.device.speakers == "mono":
            track[:] = track.mean(axis=1, keepdims=True)
        return track

    def mix(self, duration: float | None = None) -> np.ndarray:
        """Every utterance that was (or is being) said, mixed into one stereo track from t = 0."""
        return np.concatenate([*self.blocks(duration), np.zeros((0, 2), np.float32)])

    def frames(self, duration: float | None = None) -> int:
        """Stereo frames of the mixed track."""
        return max(int(round(self.length(duration) * self.rate)), 0)

    def blocks(self, duration: float | None = None, size: int = BLOCK_FRAMES) -> Iterator[np.ndarray]:
        """The mixed track (what `mix` returns, sample for sample) in consecutive blocks of at most
        `size` frames: memory follows the block and the utterances sounding in it, never the
        track's length. Silence between utterances costs nothing but its zeros."""
        sounds = [self._sound(u) for u in self.utterances if u.start is not None]
        by_start = sorted(range(len(sounds)), key=lambda index: sounds[index].at)
        upcoming, sounding = 0, []
        loaded: dict[int, np.ndarray] = {}  # the part last loaded: a piece spans several blocks
        total = self.frames(duration)
        for first in range(0, total, size):
            last = min(total, first + size)
            while upcoming < len(by_start) and sounds[by_start[upcoming]].at < last:
                sounding.append(by_start[upcoming])
                upcoming += 1
            sounding = sorted(index for index in sounding if sounds[index].at + sounds[index].frames > first)
            block = np.zeros((last - first, 2), np.float32)
            for index in sounding:  # in the order they were queued, as `mix` adds them
                sound = sounds[index]
                low, high = max(sound.at, first), min(sound.at + sound.frames, last)
                if low < high:
                    block[low - first : high - first] += sound.samples(low - sound.at, high - sound.at, loaded)
            yield audio.limit(block) if sounding else block

    def _sound(self, utterance: Utterance) -> _Sound:
        """Where an utterance's clip lies in the track and what it is made of, as `clip` builds it:
        the earcon, then the words (a piece of a long text at a time), cut where it was interrupted."""
        assert utterance.start is not None, "only an utterance that started has a sound"
        rate = self.rate
        frames = max(int(round(utterance.duration * rate)), 0)
        opening = self.opening(utterance)
        parts = [_Part(0, len(opening), min(len(opening), frames), lambda: opening)]
        message = utterance.message
        lead = EARCON_GAP_S if message.earcon is not None else 0.0
        pieces, gap = self.pieces(message)
        heard = [(length, load) for length, load in pieces if length]
        words = sum(length for length, _ in heard) + gap * max(len(heard) - 1, 0)
        words_at = int(round(len(opening) / rate * rate))
        words_end = min(words_at + max(int(round((lead + words / rate) * rate)), 0), frames)
        at = words_at + int(round(lead * rate))
        for length, load in heard:
            parts.append(_Part(at, length, words_end, self._stereo_loader(load)))
            at += length + gap
        fade = 0
        if utterance.status == "interrupted" and utterance.start is not None and utterance.end is not None:
            frames = min(frames, max(int(round((utterance.end - utterance.start) * rate)), 0))
            fade = min(max(int(round(CUT_FADE_S * rate)), 1), frames)
        return _Sound(int(round(utterance.start * rate)), frames, fade, parts)

    def _stereo_loader(self, load: Callable[[], np.ndarray]) -> Callable[[], np.ndarray]:
        """Mono words as the speakers play them: centred, as `words` places them."""
        return lambda: self._speakers(audio.pan_stereo(load(), 0.0))

    def length(self, duration: float | None = None) -> float:
        """Seconds of audio: to the end of the last utterance plus a short tail, or `duration`
        if longer (to the millisecond)."""
        end = max((u.end for u in self.utterances if u.end is not None), default=0.0) + TAIL_S
        return round(max(end, duration or 0.0), 3)

    # -- records -----------------------------------------------------------------------------
    def record(self, duration: float | None = None) -> dict[str, Any]:
        """What speech.json holds: the utterances in the order they were queued, each with what
        became of it and why, and every scheduling decision."""
        return {
            "scene": self.scene.title if self.scene else "",
            "device": self.device.name,
            "engine": self.engine.name,
            "sample_rate": self.rate,
            "duration": self.length(duration),
            "latency": latency(self.utterances),
            "skipped_words": sum(u.skipped["words"] for u in self.utterances if u.skipped),
            "utterances": [_utterance_record(u) for u in self.utterances],
            "decisions": [
                {"t": d.t, "action": d.action, "utterance": d.utterance, "why": d.why} for d in self.decisions
            ],
        }

    def live_summary(self) -> str:
        """One line on live text (captions): words heard and skipped, arrival to speech, speeds
        used; "" when nothing live was said."""
        lag = latency(self.utterances)
        skipped = sum(u.skipped["words"] for u in self.utterances if u.skipped)
        if not lag["words"] and not skipped:
            return ""
        rates = [u.rate for u in self.utterances if u.live and u.start is not None] or [1.0]
        line = f"live words: {lag['words']} heard, {skipped} skipped"
        if lag["words"]:
            line += f"; arrival to speech p50 {lag['p50']:.1f} s, p95 {lag['p95']:.1f} s, max {lag['max']:.1f} s"
        return line + f"; speed {min(rates):.2f}-{max(rates):.2f}x"

    def transcript(self) -> str:
        """The record as text, one line per utterance (what the emulator shows and goldens keep)."""
        return transcript_text(self.record())

    def played_out(self) -> Narrator:
        """A copy whose queue has played to the end; this narrator goes on unchanged."""
        other = copy.copy(self)
        other.scheduler = self.scheduler.copy()
        other.scheduler.finish()
        return other

    def export(self, out_dir: str | Path, duration: float | None = None) -> list[Path]:
        """Write speech.json and speech.wav into `out_dir`, with what is still queued played out
        (this narrator goes on unchanged). Both files appear together or not at all."""
        done = self.played_out()
        folder = Path(out_dir)
        record = done.record(duration)
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        wav, js = folder / "speech.wav", folder / "speech.json"
        blocks = done.blocks(record["duration"])
        write_files(
            {js: text.encode("utf-8"), wav: audio.wav_stream_writer(blocks, done.frames(record["duration"]), self.rate)}
        )
        return [js, wav]


@dataclass(frozen=True)
class _Part:
    """One sound inside an utterance's clip: `length` frames from frame `at`, heard up to
    frame `end` of the clip, loaded when a block of the track reaches it."""

    at: int
    length: int
    end: int
    load: Callable[[], np.ndarray]


@dataclass(frozen=True)
class _Sound:
    """One utterance's clip in the track: from frame `at`, `frames` long, its last `fade`
    frames faded out (where it was interrupted)."""

    at: int
    frames: int
    fade: int
    parts: list[_Part]

    def samples(self, low: int, high: int, loaded: dict[int, np.ndarray]) -> np.ndarray:
        """Stereo frames [low, high) of the clip. `loaded` keeps the part loaded last (by id), for
        the next block."""
        out = np.zeros((high - low, 2), np.float32)
        for part in self.parts:
            first, last = max(low, part.at), min(high, part.at + part.length, part.end)
            if first < last:
                if id(part) not in loaded:
                    loaded.clear()
                    loaded[id(part)] = part.load()
                out[first - low : last - low] += loaded[id(part)][first - part.at : last - part.at]
        if self.fade and high > self.frames - self.fade:
            ramp = np.linspace(1.0, 0.0, self.fade, dtype=np.float32)
            first = max(low, self.frames - self.fade)
            out[first - low :] *= ramp[first - (self.frames - self.fade) : high - (self.frames - self.fade), None]
        return out


def narrate(
    scene: Scene,
    device: str | Path | DeviceProfile | None = None,
    *,
    language: str | None = None,
    until: float | None = None,
    tick: float = SCENE_TICK_S,
    engine: tts.SpeechEngine | None = None,
    profiler: SpeechProfiler | None = None,
) -> Narrator:
    """Run a scene's timeline through a Narrator: sample it every `tick` seconds and at every
    timeline event up to `until` (default: the scene's length), then let the queue play out.
    With `profiler`, every sample is timed as a tick (`Narrator.update`)."""
    narrator = Narrator(scene, device, language=language, engine=engine)
    length = scene.length if until is None else until
    times = {round(i * tick, 6) for i in range(int(length / tick) + 1)}
    if scene.timeline is not None:
        times.update(event.at for event in scene.timeline.events if event.at <= length)
    for t in sorted(times):
        scene.apply_timeline(t)
        narrator.update(t, profiler)
    narrator.finish()
    scene.apply_timeline(0.0)
    return narrator


def _utterance_record(u: Utterance) -> dict[str, Any]:
    m = u.message
    return {
        "id": u.id,
        "source": m.source,
        "text": m.text,
        "language": m.language,
        "voice": tts.voice_for(m.language),
        "priority": m.priority,
        "earcon": m.earcon,
        "pan": earcons.EARCON_PAN.get(m.earcon, 0.0) if m.earcon else 0.0,
        "queued_at": round(u.queued_at, 3),
        "start": None if u.start is None else round(u.start, 3),
        "end": None if u.end is None else round(u.end, 3),
        "status": u.status,
        "why": m.why,
        "reason": u.reason or None,
        "repeat_of": u.repeat_of,
        "rate": u.rate,
        "words": [
            {"word": w.word, "arrived": round(w.arrived, 3), "heard": w.heard}
            | ({"correction": True} if w.correction else {})
            for w in u.words
        ],
        "skipped": u.skipped,
    }


def latency(utterances: list[Utterance]) -> dict[str, Any]:
    """Live words from arrival to being heard, in seconds: how many, p50, p95 and max (None
    without live words)."""
    waits = sorted(w.heard - w.arrived for u in utterances for w in u.words if w.heard is not None)
    if not waits:
        return {"words": 0, "p50": None, "p95": None, "max": None}

    def pick(share: float) -> float:
        return round(waits[min(len(waits) - 1, int(share * len(waits)))], 3)

    return {"words": len(waits), "p50": pick(0.5), "p95": pick(0.95), "max": round(waits[-1], 3)}


def transcript_text(record: dict[str, Any]) -> str:
    """speech.json as readable lines: time span, id, status, priority, language, earcon, words."""
    lines = [
        f"# {record['scene'] or 'speech'} on {record['device']}: {len(record['utterances'])} utterances, "
        f"{record['duration']:.2f} s"
    ]
    for u in record["utterances"]:
        span = f"{u['queued_at']:6.2f} queued" if u["start"] is None else f"{u['start']:6.2f}–{u['end']:6.2f}"
        earcon = u["earcon"] or "-"
        line = f"{span}  #{u['id']:<3} {u['status']:<11} {u['priority']:<6} {u['language']:<3} {earcon:<12} {u['text']}"
        notes = [f"repeat of #{u['repeat_of']}"] if u["repeat_of"] else []
        notes += [f"at {u['rate']:g}x"] if u.get("rate", 1.0) != 1.0 else []
        skipped = u.get("skipped")
        notes += [f"skipped {skipped['words']} words, {skipped['why']}: {skipped['text']}"] if skipped else []
        notes += [u["reason"]] if u["reason"] else []
        if notes:
            line += f"  [{'; '.join(notes)}]"
        lines.append(line)
    return "\n".join(lines) + "\n"
