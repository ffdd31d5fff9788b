"""Live speech: a Narrator's utterances played through the computer's speakers as they happen.

    player = LivePlayer(Narrator(tree, device="quark-g1"))
    while running:
        ...                      # change the tree
        player.update(t)         # speak what changed, now
    player.stop()

`play(scene)` narrates a scene file (or a Scene, or a widget tree) in real time.

Sound goes through pygame.mixer at the narrator's sample rate (16-bit stereo), on two
reserved mixer channels used in turn: an interrupted utterance fades out over FADE_MS on one
while the utterance that interrupted it starts on the other. When the mixer cannot be opened
(no sound card, no pygame) the player warns once and goes on silently: the schedule and the
transcript are the same whether anything is heard or not. `audible=False` never touches
pygame at all (tests, headless tools, screenshots).
"""

from __future__ import annotations

import os
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from hud.scene import Scene, load_scene
from hud.speech.narrator import SCENE_TICK_S, Narrator
from hud.speech.schedule import Decision, Utterance
from hud.widgets.base import Widget

FADE_MS = 20  # an interrupted utterance fades out over this long
MIXER_BUFFER = 512  # samples per mixer buffer (about 23 ms at 22050 Hz): low latency
DRAIN_S = 1.0  # play() waits at most this long for the last sound to end after the schedule
TEXT_CHARS = 96  # transcript lines cut an utterance's words to this many characters

# Status marks in transcript lines; all of them are in the bundled fonts (NotoSans + NotoSansSC).
MARKS = {"speaking": "\u25b6", "spoken": "\u266a", "interrupted": "\u2016", "queued": "\u25cb", "dropped": "\u00d7"}
SPEAKING = MARKS["speaking"]
LEGEND = "  ".join(
    f"{mark} {word}" for mark, word in zip(MARKS.values(), ("speaking", "said", "cut off", "waiting", "dropped"))
)

_WARNED: set[str] = set()  # warnings already given in this process (one each)


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)


# -- the mixer -----------------------------------------------------------------------------------
@dataclass
class _Mixer:
    """The open mixer as this module uses it: its format and the two voice channels."""

    init: tuple[int, int, int]  # (frequency, format, channels) as pygame.mixer.get_init() says
    first: int  # the index of the first of the two channels
    channels: tuple[Any, Any]

    @property
    def rate(self) -> int:
        return self.init[0]


_MIXER: _Mixer | None = None
_UNAVAILABLE: dict[str | None, str] = {}  # SDL_AUDIODRIVER -> why the mixer did not open (not retried)


def _open_mixer(rate: int) -> _Mixer:
    """The mixer, opened at `rate`, 16-bit, stereo unless something else opened it already
    (then its format is kept and sounds are converted to it). Raises pygame.error or ImportError."""
    global _MIXER
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    init = pygame.mixer.get_init()
    if _MIXER is not None and init == _MIXER.init and pygame.mixer.get_num_channels() >= _MIXER.first + 2:
        return _MIXER
    if init is None:
        pygame.mixer.pre_init(rate, -16, 2, MIXER_BUFFER)
        pygame.mixer.init(frequency=rate, size=-16, channels=2, buffer=MIXER_BUFFER)
        init = pygame.mixer.get_init()
        if init is None:  # pragma: no cover - init succeeded but reports nothing
            raise pygame.error("the mixer did not open")
        pygame.mixer.set_reserved(2)  # Sound.play() never picks channels 0 and 1
        first = 0
    else:  # someone else's mixer: add two channels of our own at the end
        first = pygame.mixer.get_num_channels()
        pygame.mixer.set_num_channels(first + 2)
    _MIXER = _Mixer(init, first, (pygame.mixer.Channel(first), pygame.mixer.Channel(first + 1)))
    return _MIXER


def _sound(track: np.ndarray, rate: int, mixer: _Mixer) -> Any:
    """A pygame Sound of a float stereo track, converted to the mixer's rate, channels and format."""
    import pygame

    frequency, fmt, channels = mixer.init
    data = np.asarray(track, dtype=np.float32)
    if frequency != rate and len(data):
        n = max(1, round(len(data) * frequency / rate))
        where = np.arange(n) * (rate / frequency)
        index = np.arange(len(data))
        data = np.stack([np.interp(where, index, data[:, c]) for c in range(data.shape[1])], axis=1)
    if channels == 1:
        data = data.mean(axis=1, keepdims=True)
    elif channels > 2:
        data = np.concatenate([data, np.zeros((len(data), channels - 2), dtype=data.dtype)], axis=1)
    data = np.clip(data, -1.0, 1.0)
    if fmt == -16:
        samples = np.rint(data * 32767).astype(np.int16)
    elif fmt == 16:
        samples = (np.rint(data * 32767) + 32768).astype(np.uint16)
    elif fmt == -8:
        samples = np.rint(data * 127).astype(np.int8)
    elif fmt == 8:
        samples = (np.rint(data * 127) + 128).astype(np.uint8)
    elif abs(fmt) == 32:
        samples = data.astype(np.float32)
    else:
        raise pygame.error(f"unsupported mixer sample format {fmt}")
    return pygame.sndarray.make_sound(np.ascontiguousarray(samples))


# -- the player ----------------------------------------------------------------------------------
class LivePlayer:
    """Plays a Narrator's speech as it happens, through pygame.mixer."""

    def __init__(self, narrator: Narrator, *, audible: bool = True) -> None:
        self.narrator = narrator
        self.enabled = audible  # asked to make sound at all
        self.muted = False
        self.paused = False
        self.now = 0.0  # the time of the last update
        self.failure: str | None = None  # why the mixer could not be opened (then silent)
        self._mixer: _Mixer | None = None
        self._voice = 0  # index of the channel the current utterance is on
        self._playing: int | None = None  # id of the utterance on that channel
        self._sound: Any = None
        self.played = 0  # how many sounds were sent to the mixer

    # -- state ---------------------------------------------------------------------------------
    @property
    def audible(self) -> bool:
        """Whether speech is heard: asked for, not muted, and the mixer opened (or not tried yet)."""
        return self.enabled and not self.muted and self.failure is None

    @property
    def current(self) -> Utterance | None:
        """The utterance being spoken now, by the schedule."""
        return self.narrator.scheduler.current

    @property
    def channel(self) -> Any:
        """The mixer channel the current (or last) utterance plays on; None when nothing was played."""
        return self._mixer.channels[self._voice] if self._mixer is not None else None

    @property
    def busy(self) -> bool:
        """Whether any sound of this player is still coming out of the speakers."""
        if self._mixer is None or not _mixer_open():
            return False
        return any(channel.get_busy() for channel in self._mixer.channels)

    # -- running -------------------------------------------------------------------------------
    def update(self, t: float) -> list[Decision]:
        """narrator.update(t), then play what starts and fade out what was interrupted."""
        decisions = self.narrator.update(t)
        self.now = max(self.now, t)
        for decision in decisions:
            if decision.action == "start":
                self._start(self._utterance(decision.utterance))
            elif decision.action == "interrupt" and decision.utterance == self._playing:
                self._fade()
        return decisions

    def mute(self, muted: bool = True) -> None:
        """Mute (what is playing fades out) or unmute (what is being said resumes where it is)."""
        if muted == self.muted:
            return
        self.muted = muted
        if muted:
            self._fade()
        elif self.current is not None:
            self._start(self.current)

    def pause(self, paused: bool = True) -> None:
        """Hold the sound where it is (scene time stopped), or let it go on."""
        if paused == self.paused:
            return
        self.paused = paused
        if self._mixer is not None and _mixer_open():
            for channel in self._mixer.channels:
                if paused:
                    channel.pause()
                else:
                    channel.unpause()

    def stop(self) -> None:
        """Silence whatever this player is playing (with a short fade). Later updates play again."""
        self._fade()

    # -- transcript ----------------------------------------------------------------------------
    def transcript(self, limit: int = 12, text_chars: int = TEXT_CHARS) -> list[TranscriptEntry]:
        """The last `limit` utterances, oldest first, as entries; `str(entry)` is a line such as

            0:05.1 ▶ #6 In 50 metres, turn left onto Hubin Road
            0:05.1 ‖ #4 Alipay: paid 18 yuan, Lv's Noodles, Hubin (interrupted by #6)
            0:03.5 × #5 Mom: dinner at home tonight? (stale: not started within 30 s)

        The clock is when the utterance started (or, if it never did, when it was queued); the
        mark is its status (MARKS: ▶ speaking, ♪ said, ‖ cut off, ○ waiting, × dropped)."""
        if limit <= 0:
            return []
        latest = sorted(self.narrator.utterances, key=lambda u: (_shown_at(u), u.id))[-limit:]
        return [_entry(u, text_chars) for u in latest]

    # -- internals -----------------------------------------------------------------------------
    def _utterance(self, number: int) -> Utterance:
        utterances = self.narrator.utterances
        if 0 < number <= len(utterances) and utterances[number - 1].id == number:
            return utterances[number - 1]
        return next(u for u in utterances if u.id == number)

    def _start(self, utterance: Utterance) -> None:
        """Play `utterance` from where the schedule says it is now (nothing if it is over)."""
        if not self.audible or utterance.start is None:
            return
        end = utterance.end
        if utterance.status != "speaking" and end is not None and end <= self.now:
            return  # started and ended (or was cut) before now
        mixer = self._ensure_mixer()
        if mixer is None:
            return
        rate = self.narrator.rate
        skip = max(0, round((self.now - utterance.start) * rate))
        opening = self.narrator.opening(utterance)
        import pygame

        channel = mixer.channels[self._voice]
        if channel.get_busy():  # the last one is still fading: use the other
            self._voice = 1 - self._voice
            channel = mixer.channels[self._voice]
        try:
            if skip < len(opening):
                # The earcon sounds at once; the words are synthesised while it plays and
                # queued to follow it on the same channel.
                sound = _sound(opening[skip:], rate, mixer)
                channel.play(sound)
                channel.queue(_sound(self.narrator.words(utterance), rate, mixer))
            else:
                track = self.narrator.clip(utterance)
                if skip >= len(track):
                    return
                sound = _sound(track[skip:], rate, mixer)
                channel.play(sound)
        except pygame.error as exc:
            self._fail(exc)
            return
        self.played += 1
        if self.paused:
            channel.pause()
        self._playing, self._sound = utterance.id, sound

    def _fade(self) -> None:
        if self._mixer is None or self._playing is None or not _mixer_open():
            self._playing = None
            return
        channel = self._mixer.channels[self._voice]
        if channel.get_sound() is self._sound or channel.get_queue() is not None:  # still ours
            if channel.get_queue() is not None:  # a fade ends the sound, and would start the queued words:
                channel.queue(_sound(np.zeros((1, 2), np.float32), self.narrator.rate, self._mixer))
            channel.fadeout(FADE_MS)
        self._playing, self._sound = None, None

    def _ensure_mixer(self) -> _Mixer | None:
        if self.failure is not None:
            return None
        driver = os.environ.get("SDL_AUDIODRIVER")
        if driver in _UNAVAILABLE:  # tried and failed before: warned then, not again
            self.failure = _UNAVAILABLE[driver]
            return None
        rate = self.narrator.rate
        try:
            self._mixer = _open_mixer(rate)
        except (ImportError, RuntimeError, OSError) as exc:  # pygame.error is a RuntimeError
            _UNAVAILABLE[driver] = self._fail(exc)
        return self._mixer if self.failure is None else None

    def _fail(self, exc: BaseException) -> str:
        """Give up on sound, warning once; returns why."""
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        self.failure = detail
        self._mixer = None
        _warn_once(
            f"speech is not audible: cannot play sound ({detail}); the schedule and the transcript "
            f"still run (set SDL_AUDIODRIVER to pick an audio driver, e.g. dummy for none)"
        )
        return detail


def _mixer_open() -> bool:
    import pygame

    return pygame.mixer.get_init() is not None


def _clock(t: float) -> str:
    tenths = max(0, round(t * 10))
    minutes, rest = divmod(tenths, 600)
    return f"{minutes}:{rest // 10:02d}.{rest % 10}"


def _shown_at(u: Utterance) -> float:
    return u.start if u.start is not None else u.queued_at


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.，、；：") + "\u2026"


def _reason(u: Utterance) -> str:
    reason = u.reason
    if u.status == "interrupted":
        found = re.search(r"#\d+", reason)
        return f"interrupted by {found.group()}" if found else "interrupted"
    reason = reason.split(" (", 1)[0]
    return reason.split(" of at most", 1)[0]


class TranscriptEntry(NamedTuple):
    """One utterance as the transcript shows it."""

    clock: str  # when it started (or was queued), m:ss.t
    status: str  # speaking, spoken, interrupted, queued, dropped
    text: str  # "#id words (notes)"

    @property
    def mark(self) -> str:
        return MARKS.get(self.status, "?")

    def __str__(self) -> str:
        return f"{self.clock} {self.mark} {self.text}"


def _entry(u: Utterance, text_chars: int) -> TranscriptEntry:
    words = _short(u.message.text, text_chars)
    notes = []
    if u.repeat_of is not None:
        notes.append(f"again after #{u.repeat_of}")
    if u.rate != 1.0:
        notes.append(f"{u.rate:g}x")
    if u.skipped:
        notes.append(f"skipped {u.skipped['words']} words")
    if u.status in ("interrupted", "dropped") and u.reason:
        notes.append(_reason(u))
    note = f" ({'; '.join(notes)})" if notes else ""
    return TranscriptEntry(_clock(_shown_at(u)), u.status, f"#{u.id} {words}{note}")


# -- app code ------------------------------------------------------------------------------------
def play(
    target: Scene | Widget | str | Path,
    device: str | Path | Any = "quark-g1",
    *,
    seconds: float | None = None,
    realtime: bool = True,
    language: str | None = None,
    engine: Any = None,
    tick: float = SCENE_TICK_S,
) -> Narrator:
    """Narrate a scene (a file, a Scene with its timeline, or a widget tree) in real time through
    the speakers, and return the Narrator (its utterances, transcript(), export()).

    The timeline runs for `seconds` (default: the scene's length; a bare tree has none), sampled
    every `tick` seconds and at each timeline event; then what is still queued plays out.
    `realtime=False` runs the same schedule as fast as it can, silently (like `narrate`)."""
    scene = load_scene(target) if isinstance(target, (str, Path)) else target
    narrator = Narrator(scene, device, language=language, engine=engine)
    player = LivePlayer(narrator, audible=realtime)
    timeline = scene.timeline if isinstance(scene, Scene) else None
    length = seconds if seconds is not None else (scene.length if isinstance(scene, Scene) else 0.0)
    events = sorted({event.at for event in timeline.events if 0 < event.at <= length}) if timeline else []
    scheduler = narrator.scheduler
    began = time.monotonic()
    t = 0.0
    try:
        while True:
            if isinstance(scene, Scene):
                scene.apply_timeline(min(t, length))
            player.update(t)
            if t >= length and scheduler.current is None and not scheduler.queue:
                break
            after = t + tick
            upcoming = [at for at in events if t < at < after]
            t = round(upcoming[0] if upcoming else after, 6)
            if realtime:
                time.sleep(max(0.0, began + t - time.monotonic()))
        if realtime:
            deadline = time.monotonic() + DRAIN_S
            while player.busy and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        player.stop()
        if isinstance(scene, Scene):
            scene.apply_timeline(0.0)
    narrator.finish()
    return narrator
