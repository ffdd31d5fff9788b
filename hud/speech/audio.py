"""Stereo audio buffers: panning, mixing, limiting, 16-bit WAV files, and loudness analysis.

All audio is numpy float32 in [-1, 1]. Stereo is shape (n, 2), column 0 left and column 1
right; mono is shape (n,). Times are seconds and are turned into sample indices by rounding.
"""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from hud.files import AtomicFile

SAMPLE_RATE = 22050  # the project's audio rate (espeak-ng's native rate)
SILENCE_DB = -120.0  # what rms_db reports for digital silence
_KNEE_RATIO = 0.8 / 0.98  # limit(): the knee sits at this fraction of the ceiling (0.8 by default)


def _samples(seconds: float, rate: int) -> int:
    return int(round(seconds * rate))


def _stereo(clip: np.ndarray) -> np.ndarray:
    """A clip as (n, 2): mono is panned to the centre; stereo is returned as is."""
    clip = np.asarray(clip)
    if clip.ndim == 1:
        return pan_stereo(clip, 0.0)
    if clip.ndim == 2 and clip.shape[1] == 2:
        return clip
    raise ValueError(f"expected mono (n,) or stereo (n, 2) audio, got shape {clip.shape}")


def pan_stereo(mono: np.ndarray, pan: float) -> np.ndarray:
    """Constant-power pan: pan -1 = hard left, 0 = centre (both channels at cos(pi/4)), +1 = hard right.

    Pans outside [-1, 1] are clamped. L**2 + R**2 == mono**2 for every pan.
    """
    mono = np.asarray(mono, dtype=np.float32)
    if mono.ndim != 1:
        raise ValueError(f"pan_stereo expects mono (n,) audio, got shape {mono.shape}")
    if not np.isfinite(pan):
        raise ValueError(f"pan must be a number in [-1, 1], got {pan!r}")
    theta = (min(max(float(pan), -1.0), 1.0) + 1.0) * np.pi / 4  # 0 = left .. pi/2 = right
    return np.stack([mono * np.float32(np.cos(theta)), mono * np.float32(np.sin(theta))], axis=1)


def silence(seconds: float, rate: int = SAMPLE_RATE) -> np.ndarray:
    """(n, 2) float32 zeros lasting `seconds`."""
    return np.zeros((max(_samples(seconds, rate), 0), 2), dtype=np.float32)


def fade_out(clip: np.ndarray, seconds: float = 0.02, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Copy with a linear fade over its last `seconds` (to cut a clip short without a click).

    The last sample is exactly 0; a clip shorter than the fade is faded over its whole length.
    """
    out = np.array(clip, dtype=np.float32)  # a copy
    n = min(max(_samples(seconds, rate), 1), len(out))
    if n:
        ramp = np.linspace(1.0, 0.0, n, dtype=np.float32)
        out[len(out) - n :] *= ramp if out.ndim == 1 else ramp[:, None]
    return out


def truncate(clip: np.ndarray, seconds: float, fade: float = 0.02, rate: int = SAMPLE_RATE) -> np.ndarray:
    """The first `seconds` of a clip, faded out at the cut (used when speech is interrupted)."""
    return fade_out(np.asarray(clip)[: max(_samples(seconds, rate), 0)], fade, rate)


def mix_into(track: np.ndarray, clip: np.ndarray, start: float, rate: int = SAMPLE_RATE, gain: float = 1.0) -> None:
    """Add `clip` (mono (n,) -> centred, or (n, 2)) into `track` (n, 2) at `start` seconds, in place;
    the part past the end of the track is cut off; negative start cuts the beginning.

    A mono clip is centred with the constant-power law, as pan_stereo(clip, 0): each channel gets
    clip * cos(pi/4).
    """
    if track.ndim != 2 or track.shape[1] != 2:
        raise ValueError(f"the track must be stereo (n, 2), got shape {track.shape}")
    clip = _stereo(clip)
    at = _samples(start, rate)
    lo, hi = max(at, 0), min(at + len(clip), len(track))
    if lo < hi:
        track[lo:hi] += clip[lo - at : hi - at] * np.float32(gain)


def limit(track: np.ndarray, ceiling: float = 0.98) -> np.ndarray:
    """Soft-limit a mix so overlapping sounds never clip (tanh-style knee above ~0.8, identity below);
    returns a new array.

    Below the knee (0.8 for the default ceiling) samples are unchanged; above it the excess is
    squashed by tanh towards the ceiling, which is approached but never passed. The curve is
    continuous with slope 1 at the knee, so there is no kink to hear.
    """
    if not 0 < ceiling <= 1:
        raise ValueError(f"the ceiling must be in (0, 1], got {ceiling!r}")
    out = np.array(track, dtype=np.float32)  # a copy; only the loud samples are touched
    knee = ceiling * _KNEE_RATIO
    over = np.flatnonzero(np.abs(out) > knee)
    if over.size:
        flat = out.reshape(-1)
        loud = flat[over].astype(np.float64)
        squashed = knee + (ceiling - knee) * np.tanh((np.abs(loud) - knee) / (ceiling - knee))
        flat[over] = np.sign(loud) * np.minimum(squashed, ceiling)
    return out


def to_pcm16(track: np.ndarray) -> bytes:
    """Interleaved little-endian int16 (x * 32767, rounded, clipped to the int16 range).

    NaN or infinite samples are a bug upstream and raise ValueError rather than becoming noise.
    """
    x = np.asarray(track, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("audio contains NaN or infinite samples")
    return np.clip(np.rint(x * 32767.0), -32768, 32767).astype("<i2").tobytes()


def write_wav(path: str | Path, track: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """16-bit stereo WAV, written atomically (hud.files.AtomicFile): on any error no partial file is
    left at `path` (an existing file stays as it was). NaN or infinite samples and non-(n, 2)
    arrays raise ValueError before anything is written."""
    write = wav_writer(track, rate)  # validate before touching the disk
    with AtomicFile(path) as handle:
        write(handle)


def wav_writer(track: np.ndarray, rate: int = SAMPLE_RATE) -> Callable[[BinaryIO], None]:
    """Check `track` (stereo (n, 2), finite) and `rate`; return a function that writes them as a
    16-bit stereo WAV into a binary handle (for hud.files.write_files)."""
    track = np.asarray(track)
    if track.ndim != 2 or track.shape[1] != 2:
        raise ValueError(f"write_wav expects stereo (n, 2) audio, got shape {track.shape}")
    if int(rate) != rate or rate <= 0:
        raise ValueError(f"the sample rate must be a positive integer, got {rate!r}")
    frames = to_pcm16(track)

    def write(handle: BinaryIO) -> None:
        with wave.open(handle, "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(int(rate))
            w.writeframes(frames)

    return write


def wav_stream_writer(blocks: Iterable[np.ndarray], frames: int, rate: int = SAMPLE_RATE) -> Callable[[BinaryIO], None]:
    """A function that writes `frames` stereo frames, given as consecutive (n, 2) blocks, as a 16-bit
    stereo WAV into a binary handle, one block at a time (for hud.files.write_files): memory
    follows the block, not the track. ValueError if the blocks hold another number of frames."""
    if int(rate) != rate or rate <= 0:
        raise ValueError(f"the sample rate must be a positive integer, got {rate!r}")

    def write(handle: BinaryIO) -> None:
        written = 0
        with wave.open(handle, "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(int(rate))
            w.setnframes(frames)
            for block in blocks:
                if block.ndim != 2 or block.shape[1] != 2:
                    raise ValueError(f"expected stereo (n, 2) blocks, got shape {block.shape}")
                w.writeframesraw(to_pcm16(block))
                written += len(block)
            if written != frames:
                raise ValueError(f"the blocks held {written} frames, not the {frames} announced")

    return write


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """(float32 (n, 2) [mono files -> duplicated], rate) of a 16-bit PCM WAV; for tests and tools."""
    with wave.open(str(path), "rb") as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        frames = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: only 16-bit WAV files are supported, this one has {8 * width}-bit samples")
    if channels not in (1, 2):
        raise ValueError(f"{path}: expected a mono or stereo WAV, this one has {channels} channels")
    x = (np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0).reshape(-1, channels)
    if channels == 1:
        x = np.repeat(x, 2, axis=1)
    return x, rate


def _db(rms: float) -> float:
    return float(20 * np.log10(rms)) if rms > 10 ** (SILENCE_DB / 20) else SILENCE_DB


def rms_db(samples: np.ndarray) -> float:
    """RMS in dBFS of all channels together (a full-scale sine is -3 dB); -120.0 for silence or no samples."""
    x = np.asarray(samples, dtype=np.float64)
    return _db(float(np.sqrt(np.mean(x * x)))) if x.size else SILENCE_DB


def channel_rms_db(samples: np.ndarray) -> tuple[float, float]:
    """RMS in dBFS per channel, (left, right), of stereo (n, 2) audio."""
    x = np.asarray(samples)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"expected stereo (n, 2) audio, got shape {x.shape}")
    return rms_db(x[:, 0]), rms_db(x[:, 1])


def active_spans(
    track: np.ndarray, rate: int = SAMPLE_RATE, threshold_db: float = -45.0, window: float = 0.02, min_gap: float = 0.15
) -> list[tuple[float, float]]:
    """(start, end) seconds of the parts louder than threshold (RMS over `window`-second frames), joining
    spans separated by less than `min_gap` seconds of quiet. Speech has short pauses between words: min_gap
    keeps one utterance one span.

    Frames do not overlap, so edges are accurate to one window; ends are clamped to the track's length.
    Mono (n,) tracks are accepted too.
    """
    x = np.asarray(track, dtype=np.float64)
    x = x.reshape(len(x), -1)
    hop = max(_samples(window, rate), 1)
    frames = -(-len(x) // hop)
    padded = np.zeros((frames * hop, x.shape[1]))
    padded[: len(x)] = x
    power = np.mean((padded.reshape(frames, hop * x.shape[1])) ** 2, axis=1)
    loud = power > 10 ** (threshold_db / 10)
    duration = len(x) / rate
    spans: list[tuple[float, float]] = []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    for first, past in zip(edges[::2], edges[1::2]):
        start, end = first * hop / rate, min(past * hop / rate, duration)
        if spans and start - spans[-1][1] < min_gap:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
