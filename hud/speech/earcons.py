"""Earcons: short, soft sounds for display-less glasses, synthesised here with numpy.

Each earcon is a few notes of additive synthesis (sine partials) under smooth envelopes: a
raised-cosine attack from silence, an exponential decay, and a raised-cosine release to exact
silence, so nothing clicks. They are meant to be heard all day, so they are short, peak at
-6 dBFS and avoid harsh timbres; each has its own pitch contour and timbre so they are told
apart without looking:

    notification  soft two-note bell chime, rising major third (E5 -> G#5)
    payment       bright quick rising major arpeggio with a coin-like shimmer (C6 E6 G6)
    turn-left     two quick ticks falling a fourth (G5 -> D5), panned left
    turn-right    two quick ticks rising a fourth (A5 -> D6), panned right
    arrival       gentle "mi re do" resolution onto a ringing tonic (B4 A4 G4), the longest
    error         low soft square-ish double buzz falling a tritone (Eb4 -> A3)
    skip          four very quick high ticks running down a diminished chord (C7 A6 F#6 D#6),
                  like a fast-forward: live words were skipped to catch up
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from hud.names import EARCONS
from hud.speech.audio import SAMPLE_RATE, pan_stereo

EARCON_PAN: dict[str, float] = {name: 0.0 for name in EARCONS} | {"turn-left": -0.8, "turn-right": 0.8}
PEAK = 0.5  # every earcon peaks at -6 dBFS

# Equal-tempered note frequencies, Hz (A4 = 440).
A3, EB4, G4, A4, B4 = 220.00, 311.13, 392.00, 440.00, 493.88
D5, E5, G5, GS5, A5 = 587.33, 659.26, 783.99, 830.61, 880.00
C6, D6, E6, G6 = 1046.50, 1174.66, 1318.51, 1567.98
DS6, FS6, A6, C7 = 1244.51, 1479.98, 1760.00, 2093.00


@dataclass(frozen=True)
class _Voice:
    """A timbre: partials as (frequency ratio, amplitude), and an envelope."""

    partials: tuple[tuple[float, float], ...]
    decay: float  # time constant of the fundamental's exponential decay, s
    attack: float = 0.004  # raised-cosine fade-in, s
    release: float = 0.015  # raised-cosine fade to silence at the note's end, s


# Bell: a slightly inharmonic upper partial (2.76, as in struck bars) that dies away quickly.
_BELL = _Voice(((1.0, 1.0), (2.0, 0.25), (2.76, 0.12), (4.0, 0.04)), decay=0.12)
# Coin: bright harmonics plus a copy of the fundamental detuned by 6-9 Hz, whose beating shimmers.
_COIN = _Voice(((1.0, 1.0), (1.0 + 6 / C6, 0.5), (2.0, 0.35), (3.0, 0.2), (4.0, 0.1)), decay=0.09, attack=0.003)
# Tick: nearly pure and very short, a soft wooden knock.
_TICK = _Voice(((1.0, 1.0), (2.0, 0.2)), decay=0.03, attack=0.003, release=0.01)
# Soft: almost a sine with a warm second harmonic, long decay.
_SOFT = _Voice(((1.0, 1.0), (2.0, 0.15), (3.0, 0.04)), decay=0.25, attack=0.008, release=0.04)
# Buzz: odd harmonics like a square wave, but rolled off steeply and dying away, so it hums rather than rasps.
_BUZZ = _Voice(((1.0, 1.0), (3.0, 0.3), (5.0, 0.12), (7.0, 0.05)), decay=0.1, attack=0.008, release=0.03)

# Each earcon: its voice and notes as (onset s, frequency Hz, duration s, gain).
_DESIGNS: dict[str, tuple[_Voice, tuple[tuple[float, float, float, float], ...]]] = {
    "notification": (_BELL, ((0.0, E5, 0.16, 0.8), (0.12, GS5, 0.26, 1.0))),
    "payment": (_COIN, ((0.0, C6, 0.14, 0.7), (0.07, E6, 0.14, 0.8), (0.14, G6, 0.24, 1.0))),
    "turn-left": (_TICK, ((0.0, G5, 0.07, 1.0), (0.1, D5, 0.08, 1.0))),
    "turn-right": (_TICK, ((0.0, A5, 0.07, 1.0), (0.1, D6, 0.08, 1.0))),
    "arrival": (_SOFT, ((0.0, B4, 0.16, 0.7), (0.14, A4, 0.16, 0.75), (0.28, G4, 0.32, 1.0))),
    "error": (_BUZZ, ((0.0, EB4, 0.11, 1.0), (0.16, A3, 0.14, 1.0))),
    "skip": (_TICK, ((0.0, C7, 0.03, 0.6), (0.04, A6, 0.03, 0.6), (0.08, FS6, 0.03, 0.6), (0.12, DS6, 0.04, 0.7))),
}


def _check(name: str) -> None:
    if name not in _DESIGNS:
        raise ValueError(f"unknown earcon {name!r}; valid earcons: {', '.join(EARCONS)}")


def _note(voice: _Voice, freq: float, seconds: float, rate: int) -> np.ndarray:
    """One mono note: the voice's partials under its envelope, starting and ending at exactly 0."""
    n = int(round(seconds * rate))
    t = np.arange(n) / rate
    out = np.zeros(n)
    for ratio, amp in voice.partials:
        if freq * ratio < 0.45 * rate:  # leave out partials that would alias
            # Higher partials die away faster, as in plucked and struck things.
            out += amp * np.exp(-t * ratio**0.5 / voice.decay) * np.sin(2 * np.pi * freq * ratio * t)
    env = np.ones(n)
    a, r = max(int(voice.attack * rate), 2), max(int(voice.release * rate), 2)
    env[:a] = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, a))
    env[n - r :] *= 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, r))
    return out * env


@functools.cache
def _render(name: str, rate: int) -> np.ndarray:
    voice, notes = _DESIGNS[name]
    placed = [
        (int(round(onset * rate)), gain * _note(voice, freq, seconds, rate)) for onset, freq, seconds, gain in notes
    ]
    mono = np.zeros(max(at + len(note) for at, note in placed))
    for at, note in placed:
        mono[at : at + len(note)] += note
    stereo = pan_stereo(mono.astype(np.float32), EARCON_PAN[name])
    stereo *= np.float32(PEAK / np.max(np.abs(stereo)))
    stereo.flags.writeable = False
    return stereo


def earcon(name: str, rate: int = SAMPLE_RATE) -> np.ndarray:
    """(n, 2) float32 stereo clip, cached, read-only (arr.flags.writeable = False). Unknown name -> ValueError
    naming the valid ones."""
    _check(name)
    if isinstance(rate, bool) or int(rate) != rate or rate < 8000:
        raise ValueError(f"the sample rate must be an integer of at least 8000 Hz, got {rate!r}")
    return _render(name, int(rate))


def earcon_duration(name: str) -> float:
    """Seconds an earcon lasts (its last note's end)."""
    _check(name)
    return max(onset + seconds for onset, _, seconds, _ in _DESIGNS[name][1])
