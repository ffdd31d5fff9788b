"""Speech at the edges: numbers of any length, units with "per", decoration, revised captions,
hostile text, texts up to MAX_TEXT_CHARS, and memory that follows the output, not the track.

Most tests use a stand-in espeak backend (a tone per character) behind the real Engine, so
pieces, caches and streaming run as they do with espeak-ng, fast; a few speak through espeak-ng.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hud.errors import HudError
from hud.limits import MAX_TEXT_CHARS
from hud.speech import audio, tts
from hud.speech.narrator import Narrator
from hud.speech.normalize import money, speakable, spoken_number
from hud.speech.templates import price_card_text
from hud.widgets import Caption, Column, Notification, PriceCard, Text

RATE = 22050


class ToneBackend:
    """Stands in for libespeak-ng: 4 ms of tone per character, with silence around it to trim."""

    sample_rate = RATE

    def __init__(self) -> None:
        self.calls: list[str] = []

    def render(self, text: str, voice: str, wpm: int = tts.DEFAULT_WPM) -> np.ndarray:
        self.calls.append(text)
        n = round(len(text) * 0.004 * RATE * tts.DEFAULT_WPM / wpm)
        tone = 0.5 * np.sin(np.arange(n) * 2 * np.pi * 330 / RATE)
        return np.concatenate([np.zeros(200), tone, np.zeros(200)]).astype(np.float32)


def tone_engine() -> tts.Engine:
    return tts.Engine(ToneBackend(), "tone test engine")


def clip_by_clip(narrator: Narrator, duration: float | None = None) -> np.ndarray:
    """The track as it was built before streaming: every clip whole, added into one array."""
    track = audio.silence(narrator.length(duration), narrator.rate)
    for utterance in narrator.utterances:
        if utterance.start is not None:
            audio.mix_into(track, narrator.clip(utterance), utterance.start, narrator.rate)
    return audio.limit(track)


# -- numbers ---------------------------------------------------------------------------------


def test_money_reads_any_number_of_digits() -> None:
    assert money(2199, "CNY", "en") == "2,199 yuan" and money(19.9, "CNY", "zh") == "19.9元"
    assert money(999_999_999_999_999, "USD", "en") == "999,999,999,999,999 dollars"  # 15 digits: grouped
    twenty_seven = "1" * 27
    assert money(twenty_seven, "CNY", "en") == " ".join("1" * 27) + " yuan"  # then digit by digit
    assert money(Decimal(twenty_seven + ".456"), "CNY", "zh") == " ".join("1" * 27) + ".46元"
    assert money(1e300, "EUR", "en").startswith("1 0 0 0") and money(1e300, "EUR", "en").endswith(" euros")
    assert money(-3, "GBP", "en") == "minus 3 pounds" and money(-0.001, "CNY", "zh") == "0元"
    assert spoken_number(12.5, "en") == "12.50" and spoken_number(12.5, "zh") == "12.5"


def test_an_amount_that_is_not_a_number_is_one_hud_error() -> None:
    for amount in (float("nan"), float("inf"), "-inf", "twelve"):
        with pytest.raises(HudError) as caught:
            money(amount, "CNY", "en")
        assert "\n" not in str(caught.value) and "finite number" in str(caught.value)


def test_long_amounts_in_text_are_said_exactly() -> None:
    said = speakable("Refund ¥123456789012345678901234567.89 today", "en")
    assert said == "Refund " + " ".join("123456789012345678901234567") + ".89 yuan today"
    assert speakable("¥1,000,000,000,000", "en") == "1,000,000,000,000 yuan"


def test_price_cards_at_their_limits_are_spoken() -> None:
    card = PriceCard(
        product="Gold bar", price=1e12, currency="USD", store="Mall", compare=[{"store": "Shop", "price": 0}]
    )
    assert (
        price_card_text(card, "en") == "Gold bar, 1,000,000,000,000 dollars on Mall, 1,000,000,000,000 more than Shop"
    )
    free = PriceCard(product="Sample", price=0, compare=[{"store": "Shop", "price": 1e12}])
    assert price_card_text(free, "zh").endswith("比Shop便宜1000000000000元")
    for bad in (float("nan"), -1.0, 1e13):
        with pytest.raises(HudError):
            PriceCard(product="x", price=bad)


# -- units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, english, chinese",
    [
        ("18 km/h", "18 kilometres per hour", "每小时18公里"),
        ("1 km/h", "1 kilometre per hour", "每小时1公里"),
        ("5 m/s", "5 metres per second", "每秒5米"),
        ("30 mph", "30 miles per hour", "每小时30英里"),
        ("25°C", "25 degrees Celsius", "25摄氏度"),
        ("25 ℃", "25 degrees Celsius", "25摄氏度"),
        ("1.5 km", "1.5 kilometres", "1.5公里"),
        ("300 m", "300 metres", "300米"),
        ("20%", "20%", "百分之20"),
    ],
)
def test_units_are_said_whole(written: str, english: str, chinese: str) -> None:
    assert speakable(f"Now {written}.", "en") == f"Now {english}."
    assert speakable(written, "zh") == chinese


# -- decoration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown, said",
    [
        ("• Gate B12", "Gate B12"),
        ("→ Gate B12 ▶", "Gate B12"),
        ("★★★★☆ 4.5", "4.5"),
        ("🚇 Line 1 arriving 🎉", "Line 1 arriving"),
        ("┌──┐ Boarding ├──┤", "Boarding"),
        ("Paid ¥4 · 🚇 Metro", "Paid 4 yuan, Metro"),
        ("Done ✓.", "Done."),
        ("Paris 🇫🇷!", "Paris!"),
        ("1️⃣ Tap to pay", "1 Tap to pay"),
        ("Hangzhou → Shanghai", "Hangzhou to Shanghai"),
        ("हिन्दी · English", "हिन्दी, English"),
        ("·•·", ""),
    ],
)
def test_decoration_is_not_said(shown: str, said: str) -> None:
    assert speakable(shown, "en") == said


def test_decoration_is_dropped_before_the_voice_hears_it() -> None:
    engine = tone_engine()
    narrator = Narrator(Text(text="▶ 🎉 Gate B12 ★"), "quark-g1", engine=engine)
    narrator.update(0.0)
    narrator.finish()
    assert narrator.utterances[0].message.text == "Gate B12"
    assert engine._backend.calls == ["Gate B12"]


# -- hostile text ----------------------------------------------------------------------------

HOSTILE = [
    "\ud800 lone",
    "\u0301\u0302\u0303",
    "\u202eevil\u202c",
    "nul\x00byte",
    "1" * 27,
    "¥" + "9" * 400,
    "2024-02-30 25:61",
    "31/12/1999 23:59",
    "\ufeff\u200b\u2066x\u2069",
    "",
    " ",
    "\x1b[31mred",
    "ﷺ" * 50,
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿" * 20,
    "-0.0 km/h",
    "1e309 m",
    "NaN%",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=120), st.sampled_from(HOSTILE)), language=st.sampled_from(["en", "zh"]))
def test_any_text_becomes_speakable_text_or_one_hud_error(text: str, language: str) -> None:
    said = speakable(text, language)
    assert isinstance(said, str) and "\x00" not in said


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=80), st.sampled_from(HOSTILE)))
def test_any_text_in_any_widget_is_spoken_or_refused_with_a_hud_error(text: str) -> None:
    engine = tone_engine()
    try:
        root = Column(
            Text(text=text),
            Caption(text=text, speaker=text[:10]),
            Notification(app="Pay", title=text[:100] or "x", body=text),
        )
    except HudError:
        return  # refused by the widget: one clear error
    narrator = Narrator(root, "quark-g1", engine=engine)
    narrator.update(0.0)
    narrator.finish()
    track = narrator.mix()
    assert track.shape[1] == 2 and np.isfinite(track).all()


def test_rewriting_long_hostile_text_stays_linear() -> None:
    # Runs of spaces, decoration and arrows: each pattern sees a run as one character.
    started = time.process_time()
    for text in (
        " " * MAX_TEXT_CHARS + "x",
        "🎉 " * (MAX_TEXT_CHARS // 3),
        "→ " * (MAX_TEXT_CHARS // 2),
        "·★" * (MAX_TEXT_CHARS // 2),
        " · " * (MAX_TEXT_CHARS // 3),
        "\x00 " * (MAX_TEXT_CHARS // 2),
    ):
        assert len(speakable(text, "en")) <= 1
    assert time.process_time() - started < 2.0  # about 0.05 s; quadratic runs took seconds each


def test_espeak_ng_says_hostile_text_without_error() -> None:
    engine = tts.engine()
    for text in HOSTILE + ["\u202eالعربية\u202c mixed", "\u0e01\u0e48\u0e48\u0e48"]:
        for language in ("en", "zh", "ar"):
            samples = engine.synthesize(speakable(text, language), language)
            assert samples.dtype == np.float32 and np.isfinite(samples).all()


# -- long texts ------------------------------------------------------------------------------


def test_long_text_is_cut_into_bounded_pieces_at_sentences_then_clauses_then_spaces() -> None:
    text = "First sentence here. " * 40 + "no stop " * 80 + "x" * 900
    pieces = tts.speech_pieces(text)
    assert "".join(pieces) == text and all(len(piece) <= tts.PIECE_CHARS for piece in pieces)
    assert pieces[0].endswith("here. ")  # a sentence end first
    assert any(piece.endswith("stop ") for piece in pieces)  # then a space
    assert tts.speech_pieces("short") == ["short"]
    marks = "e" + "\u0301" * 500  # no place to cut but inside a long cluster
    assert "".join(tts.speech_pieces(marks)) == marks


def test_the_longest_allowed_text_is_spoken_in_pieces_and_streamed(tmp_path: Path) -> None:
    engine = tone_engine()
    text = ("Long minutes of a meeting, said aloud. " * 600)[:MAX_TEXT_CHARS]
    narrator = Narrator(Text(text=text), "quark-g1", engine=engine)
    narrator.update(0.0)
    narrator.finish()
    assert max(len(call) for call in engine._backend.calls) <= tts.PIECE_CHARS
    utterance = narrator.utterances[0]
    assert utterance.duration == pytest.approx(engine.samples(text, "en") / RATE)
    assert engine.samples(text, "en") == len(engine.synthesize(text, "en"))
    narrator.export(tmp_path)
    written, rate = audio.read_wav(tmp_path / "speech.wav")
    assert rate == RATE and len(written) == narrator.frames()
    assert np.array_equal(audio.to_pcm16(written), audio.to_pcm16(clip_by_clip(narrator)))


def test_a_long_text_through_espeak_ng_is_pieces_joined_by_a_pause() -> None:
    engine = tts.engine()
    text = "The quick brown fox jumps over the lazy dog. " * 12
    pieces = tts.speech_pieces(text)
    assert len(pieces) == 2
    whole = engine.synthesize(text, "en")
    assert (
        len(whole)
        == engine.samples(text, "en")
        == sum(len(engine.synthesize_piece(piece, "en")) for piece in pieces) + engine.gap_samples
    )


# -- memory follows the output ---------------------------------------------------------------


def test_streamed_wav_is_the_clip_by_clip_mix_sample_for_sample(tmp_path: Path) -> None:
    engine = tone_engine()
    caption = Caption(text="A caption that is long enough to be cut off by the payment. " * 3)
    card = Notification(app="Alipay", title="Paid ¥18.00", priority="high", visible=False)
    narrator = Narrator(Column(caption, card), "quark-g1", engine=engine)
    narrator.update(0.0)
    card.visible = True
    narrator.update(0.7)
    narrator.finish()
    assert [u.status for u in narrator.utterances][:2] == ["interrupted", "spoken"]
    narrator.export(tmp_path, duration=5.0)
    record = json.loads((tmp_path / "speech.json").read_text(encoding="utf-8"))
    written, _ = audio.read_wav(tmp_path / "speech.wav")
    expected = clip_by_clip(narrator, 5.0)
    assert len(written) == round(record["duration"] * RATE) == len(expected)
    assert np.array_equal(audio.to_pcm16(written), audio.to_pcm16(expected))
    assert np.array_equal(narrator.mix(5.0), expected)
    for size in (1, 777, 10**6):  # any block size gives the same track
        assert np.array_equal(np.concatenate(list(narrator.blocks(5.0, size))), expected)


def test_a_notification_an_hour_in_does_not_hold_the_hour_in_memory(tmp_path: Path) -> None:
    engine = tone_engine()
    card = Notification(app="Alipay", title="Payment complete", visible=False)
    narrator = Narrator(card, "quark-g1", engine=engine)
    narrator.update(0.0)
    card.visible = True
    narrator.update(3600.0)
    narrator.finish()
    tracemalloc.start()
    try:
        narrator.export(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    frames = narrator.frames()
    assert frames > 3600 * RATE
    assert (tmp_path / "speech.wav").stat().st_size == 44 + 4 * frames
    assert peak < 16 * 1024 * 1024  # the float track alone would be 635 MB
    record = json.loads((tmp_path / "speech.json").read_text(encoding="utf-8"))
    assert record["utterances"][0]["start"] == 3600.0


def test_wav_stream_writer_checks_what_it_is_given(tmp_path: Path) -> None:
    blocks = [np.zeros((10, 2), np.float32), np.full((5, 2), 0.5, np.float32)]
    audio.write_wav(tmp_path / "whole.wav", np.concatenate(blocks))
    with open(tmp_path / "parts.wav", "wb") as handle:
        audio.wav_stream_writer(iter(blocks), 15)(handle)
    assert (tmp_path / "parts.wav").read_bytes() == (tmp_path / "whole.wav").read_bytes()
    with open(tmp_path / "short.wav", "wb") as handle, pytest.raises(ValueError, match="14"):
        audio.wav_stream_writer(iter(blocks), 14)(handle)


class AlternatingBackend(ToneBackend):
    """Like espeak-ng's noise source: every other call comes out one sample longer."""

    def render(self, text: str, voice: str, wpm: int = tts.DEFAULT_WPM) -> np.ndarray:
        samples = super().render(text, voice, wpm)
        return np.concatenate([samples[:-200], np.full(len(self.calls) % 2, 0.4, np.float32), samples[-200:]])


def test_a_text_synthesised_again_keeps_the_length_it_was_scheduled_with() -> None:
    engine = tts.Engine(AlternatingBackend(), "alternating test engine")
    scheduled = engine.piece_samples("Gate B12", "en")
    for other in range(tts.CACHE_SIZE + 2):  # its audio is forgotten, its length is not
        engine.synthesize_piece(f"filler {other}", "en")
    again = engine.synthesize_piece("Gate B12", "en")
    assert len(engine._backend.calls) == tts.CACHE_SIZE + 4 and again.size == scheduled  # (an even call)
