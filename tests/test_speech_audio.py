"""Speech audio: earcons (shape, level, envelopes, distinctness, panning), stereo panning and
mixing, fades and the limiter, atomic 16-bit WAV files, and the loudness analysis helpers."""

from __future__ import annotations

import itertools
import os
import wave

import numpy as np
import pytest

from hud.speech.audio import (
    SAMPLE_RATE,
    active_spans,
    channel_rms_db,
    fade_out,
    limit,
    mix_into,
    pan_stereo,
    read_wav,
    rms_db,
    silence,
    to_pcm16,
    truncate,
    write_wav,
)
from hud.speech.earcons import EARCON_PAN, EARCONS, earcon, earcon_duration

# Largest cosine similarity allowed between two earcons' magnitude spectra. Measured values are
# all <= 0.22 (notification vs turn-left, turn-left vs turn-right); an earlier design in which
# turn-right and payment shared one note (E6) scored 0.47, which a wearer would find confusable.
MAX_SIMILARITY = 0.35


def tone(seconds: float, freq: float = 440.0, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(seconds * SAMPLE_RATE))) / SAMPLE_RATE
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def spectrum(clip: np.ndarray, n: int) -> np.ndarray:
    """Normalised FFT magnitude of the mono mix, zero-padded to n samples."""
    mag = np.abs(np.fft.rfft(clip.astype(np.float64).sum(axis=1), n))
    return mag / np.linalg.norm(mag)


def centroid(clip: np.ndarray) -> float:
    mag = np.abs(np.fft.rfft(clip.astype(np.float64).sum(axis=1)))
    return float((np.fft.rfftfreq(len(clip), 1 / SAMPLE_RATE) * mag).sum() / mag.sum())


# --- earcons ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EARCONS)
def test_earcon_shape_level_and_envelope(name):
    clip = earcon(name)
    assert clip.dtype == np.float32 and clip.ndim == 2 and clip.shape[1] == 2
    assert 0.1 <= len(clip) / SAMPLE_RATE <= 0.7
    assert earcon_duration(name) == pytest.approx(len(clip) / SAMPLE_RATE, abs=2 / SAMPLE_RATE)
    assert not np.isnan(clip).any()
    assert 0.3 <= np.abs(clip).max() <= 0.6
    assert np.abs(clip[0]).max() < 1e-3 and np.abs(clip[-1]).max() < 1e-3
    # Ramps, not steps: the first and last ~0.5 ms stay far below the peak.
    assert np.abs(clip[:10]).max() < 0.1 * np.abs(clip).max() and np.abs(clip[-10:]).max() < 0.1 * np.abs(clip).max()


@pytest.mark.parametrize("name", EARCONS)
def test_earcon_cached_read_only_and_deterministic(name):
    clip = earcon(name)
    assert earcon(name) is clip
    assert not clip.flags.writeable
    with pytest.raises(ValueError):
        clip[0, 0] = 1.0
    from hud.speech import earcons

    fresh = earcons._render.__wrapped__(name, SAMPLE_RATE)  # bypass the cache: a second synthesis
    assert np.array_equal(fresh, clip)


def test_earcon_other_rate():
    clip = earcon("payment", 44100)
    assert len(clip) == pytest.approx(2 * len(earcon("payment")), abs=4)
    assert np.abs(clip).max() == pytest.approx(0.5)


def test_unknown_earcon_names_the_valid_ones():
    with pytest.raises(ValueError) as err:
        earcon("ding")
    assert "ding" in str(err.value) and all(name in str(err.value) for name in EARCONS)
    with pytest.raises(ValueError):
        earcon_duration("ding")


def test_a_notification_can_name_only_earcons_that_are_synthesised():
    from hud.widgets import Notification

    choices = Notification.props["earcon"].kind.inner.choices
    assert set(choices) == set(EARCONS) - {"skip"}
    assert all(earcon_duration(name) > 0 for name in choices)


def test_arrival_is_the_longest():
    assert max(EARCONS, key=earcon_duration) == "arrival"
    assert earcon_duration("arrival") == pytest.approx(0.6, abs=0.1)


def test_earcons_pairwise_distinct():
    n = max(len(earcon(name)) for name in EARCONS)
    spectra = {name: spectrum(earcon(name), n) for name in EARCONS}
    scores = {(a, b): float(spectra[a] @ spectra[b]) for a, b in itertools.combinations(EARCONS, 2)}
    print("\n".join(f"{a:>12} ~ {b:<12} {score:.3f}" for (a, b), score in scores.items()))  # pytest -s shows them
    for pair, score in scores.items():
        assert score < MAX_SIMILARITY, f"{pair} sound alike: spectral similarity {score:.3f}"
    assert spectra["payment"] @ spectra["payment"] == pytest.approx(1.0)  # the metric's sanity


def test_turn_cues_differ_in_mono():
    """Falling for left, rising for right, so a wearer with one earbud still tells them apart."""
    half = int(0.1 * SAMPLE_RATE)  # the second tick starts at 0.1 s
    left, right = earcon("turn-left"), earcon("turn-right")
    assert centroid(left[:half]) > centroid(left[half:]) * 1.2
    assert centroid(right[:half]) * 1.2 < centroid(right[half:])
    n = max(len(left), len(right))
    assert spectrum(left, n) @ spectrum(right, n) < MAX_SIMILARITY


def test_earcon_panning():
    left_l, left_r = channel_rms_db(earcon("turn-left"))
    right_l, right_r = channel_rms_db(earcon("turn-right"))
    assert left_l - left_r >= 10
    assert right_r - right_l >= 10
    for name in EARCONS:
        if EARCON_PAN[name] == 0:
            left, right = channel_rms_db(earcon(name))
            assert abs(left - right) < 0.5, name
    assert EARCON_PAN["turn-left"] < -0.5 and EARCON_PAN["turn-right"] > 0.5


# --- panning, mixing, fades, limiter ---------------------------------------------------------


@pytest.mark.parametrize("pan", [-1.0, -0.8, -0.3, 0.0, 0.5, 1.0, 2.0])
def test_pan_constant_power(pan):
    mono = tone(0.05)
    st = pan_stereo(mono, pan)
    assert st.shape == (len(mono), 2) and st.dtype == np.float32
    np.testing.assert_allclose(st[:, 0] ** 2 + st[:, 1] ** 2, mono**2, atol=1e-6)


def test_pan_positions():
    mono = np.ones(4, dtype=np.float32)
    np.testing.assert_allclose(pan_stereo(mono, 0.0), np.full((4, 2), np.cos(np.pi / 4)), atol=1e-6)
    np.testing.assert_allclose(pan_stereo(mono, -1.0), [[1, 0]] * 4, atol=1e-6)
    np.testing.assert_allclose(pan_stereo(mono, 1.0), [[0, 1]] * 4, atol=1e-6)
    with pytest.raises(ValueError):
        pan_stereo(np.zeros((4, 2)), 0.0)


def test_silence():
    s = silence(0.5)
    assert s.shape == (11025, 2)
    assert s.dtype == np.float32 and not s.any()


def test_mix_into_places_at_the_right_sample():
    track = silence(2.0)
    impulse = np.zeros((3, 2), dtype=np.float32)
    impulse[0] = [0.5, 0.25]
    mix_into(track, impulse, 1.0)
    assert np.flatnonzero(track[:, 0]).tolist() == [22050]
    assert track[22050].tolist() == [0.5, 0.25]
    mix_into(track, impulse, 1.0, gain=2.0)  # adds, with gain
    assert track[22050].tolist() == [1.5, 0.75]


def test_mix_into_clips_at_both_ends():
    track = silence(1.0)
    clip = np.ones((SAMPLE_RATE // 2, 2), dtype=np.float32)
    mix_into(track, clip, -0.25)  # first quarter second cut off
    mix_into(track, clip, 0.75)  # last quarter second past the end
    assert track[: SAMPLE_RATE // 4 + 10, 0].sum() == pytest.approx(SAMPLE_RATE // 4, abs=2)
    assert len(track) == SAMPLE_RATE
    assert track[-1, 0] == 1.0 and track[0, 0] == 1.0
    assert not track[SAMPLE_RATE // 4 + 2 : 3 * SAMPLE_RATE // 4 - 2].any()
    mix_into(track, clip, 5.0)  # entirely past the end: nothing happens
    mix_into(track, clip, -5.0)
    assert track.sum() == pytest.approx(SAMPLE_RATE, abs=4)


def test_mix_into_mono_is_centred():
    track = silence(0.3)
    mix_into(track, tone(0.1), 0.1)
    np.testing.assert_array_equal(track[:, 0], track[:, 1])
    np.testing.assert_array_equal(track[2205:4410], pan_stereo(tone(0.1), 0.0))
    assert not track[:2205].any() and not track[4410:].any()
    with pytest.raises(ValueError):
        mix_into(track, np.zeros((10, 3)), 0.0)


def test_fade_out_and_truncate():
    clip = pan_stereo(np.ones(SAMPLE_RATE, dtype=np.float32), 0.0)
    faded = fade_out(clip, 0.1)
    assert faded is not clip and clip[-1, 0] > 0.7  # a copy; the original is untouched
    assert np.all(faded[-1] == 0) and np.all(faded[: -int(0.1 * SAMPLE_RATE)] == clip[0])
    assert np.all(np.diff(faded[-int(0.1 * SAMPLE_RATE) :, 0]) <= 0)  # monotonic ramp down
    cut = truncate(tone(2.0), 0.5)
    assert len(cut) == SAMPLE_RATE // 2 and cut[-1] == 0
    np.testing.assert_array_equal(cut[:1000], tone(2.0)[:1000])
    assert len(truncate(tone(0.2), 1.0)) == len(tone(0.2))  # shorter than the cut: all of it, faded
    assert len(fade_out(np.zeros((0, 2), np.float32))) == 0


def test_limit():
    quiet = pan_stereo(tone(0.2, amp=0.7), 0.3)
    np.testing.assert_array_equal(limit(quiet), quiet)
    loud = np.linspace(-4, 4, 10001, dtype=np.float32)
    out = limit(loud)
    assert out is not loud and np.abs(out).max() <= np.float32(0.98)
    assert np.all(np.diff(out) >= 0)  # still monotonic: no fold-over
    assert out[np.argmin(np.abs(loud - 0.9))] > 0.85  # a knee, not a hard clip at 0.8
    summed = silence(1.0)
    for _ in range(4):
        mix_into(summed, earcon("error"), 0.0)
    assert np.abs(limit(summed)).max() <= np.float32(0.98) and np.abs(limit(summed, 0.5)).max() <= 0.5
    with pytest.raises(ValueError):
        limit(quiet, 0.0)


# --- WAV files -------------------------------------------------------------------------------


def test_to_pcm16_rounds_and_clips():
    pcm = np.frombuffer(to_pcm16(np.array([[0.0, 1.0], [-1.0, 2.0], [-3.0, 0.5]], np.float32)), "<i2")
    assert pcm.tolist() == [0, 32767, -32767, 32767, -32768, 16384]
    with pytest.raises(ValueError):
        to_pcm16(np.array([[np.nan, 0.0]]))


def test_wav_round_trip(tmp_path):
    track = np.stack([tone(0.3, 440, 0.5), tone(0.3, 660, -0.25)], axis=1)
    path = tmp_path / "out.wav"
    write_wav(path, track)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (2, 2, 22050, len(track))
    back, rate = read_wav(path)
    assert rate == SAMPLE_RATE and back.dtype == np.float32 and back.shape == track.shape
    np.testing.assert_allclose(back, track, atol=1e-4)
    write_wav(str(path), track[:100], rate=44100)  # str paths, other rates, overwrite
    back, rate = read_wav(str(path))
    assert rate == 44100 and len(back) == 100
    assert os.listdir(tmp_path) == ["out.wav"]


def test_read_wav_mono_is_duplicated(tmp_path):
    path = tmp_path / "mono.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.array([0, 16384, -32768], "<i2").tobytes())
    back, rate = read_wav(path)
    assert rate == 16000 and back.tolist() == [[0, 0], [0.5, 0.5], [-1, -1]]


def test_write_wav_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "cue.wav"
    path.write_bytes(b"previous contents")

    def failing_replace(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk on fire"):
        write_wav(path, earcon("payment"))
    assert os.listdir(tmp_path) == ["cue.wav"] and path.read_bytes() == b"previous contents"
    monkeypatch.undo()

    def failing_frames(self, data):
        raise RuntimeError("interrupted mid-write")

    monkeypatch.setattr(wave.Wave_write, "writeframes", failing_frames)
    with pytest.raises(RuntimeError):
        write_wav(tmp_path / "new.wav", earcon("payment"))
    assert os.listdir(tmp_path) == ["cue.wav"]
    monkeypatch.undo()

    bad = silence(0.1)
    bad[5, 1] = np.nan  # NaN audio is an error, raised before any file
    with pytest.raises(ValueError, match="NaN"):
        write_wav(path, bad)
    with pytest.raises(ValueError):
        write_wav(path, tone(0.1))  # mono is not accepted: pan it first
    assert os.listdir(tmp_path) == ["cue.wav"] and path.read_bytes() == b"previous contents"


# --- analysis --------------------------------------------------------------------------------


def test_rms_db():
    assert rms_db(np.ones((100, 2), np.float32)) == pytest.approx(0.0)
    assert rms_db(tone(1.0, amp=1.0)) == pytest.approx(-3.01, abs=0.01)
    assert rms_db(np.zeros((100, 2))) == -120.0 and rms_db(np.zeros((0, 2))) == -120.0
    left, right = channel_rms_db(np.stack([tone(1.0, amp=1.0), tone(1.0, amp=0.1)], axis=1))
    assert left == pytest.approx(-3.01, abs=0.01) and right == pytest.approx(-23.01, abs=0.01)


def test_active_spans_two_tones():
    track = silence(4.5)
    mix_into(track, tone(0.5), 1.0)
    mix_into(track, tone(0.5), 3.0)
    spans = active_spans(track)
    assert len(spans) == 2
    for (start, end), expected in zip(spans, [(1.0, 1.5), (3.0, 3.5)]):
        assert start == pytest.approx(expected[0], abs=0.03) and end == pytest.approx(expected[1], abs=0.03)
    assert active_spans(silence(1.0)) == []


def test_active_spans_joins_words():
    track = silence(3.0)
    for i in range(5):  # five 0.2 s "words" with 0.08 s pauses
        mix_into(track, tone(0.2, 300 + 40 * i), 0.5 + 0.28 * i)
    spans = active_spans(track)
    assert len(spans) == 1
    assert spans[0][0] == pytest.approx(0.5, abs=0.03) and spans[0][1] == pytest.approx(0.5 + 0.28 * 4 + 0.2, abs=0.03)
    assert len(active_spans(track, min_gap=0.05)) == 5  # a shorter min_gap keeps them apart
    spans = active_spans(tone(1.0))  # mono, running to the very end
    assert spans == [(0.0, pytest.approx(1.0))]
