"""Speech synthesis with espeak-ng (hud.speech.tts): the packaged library, a system library, the command."""

from __future__ import annotations

import ast
import shutil
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from hud.errors import HudError
from hud.speech import tts

RATE = tts.ESPEAK_RATE
ZH = "前方120米左转，进入文三路"
EN = "In 120 metres, turn left onto Wensan Road"


@pytest.fixture(scope="module")
def engine() -> tts.Engine:
    return tts.engine()


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def one_line_error(excinfo: pytest.ExceptionInfo[tts.SpeechEngineError]) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    assert isinstance(excinfo.value, HudError)
    return message


# -- the packaged engine ---------------------------------------------------------------------


def test_the_process_engine_is_the_packaged_espeak_ng(engine: tts.Engine) -> None:
    assert engine is tts.engine()
    assert engine.name.startswith("espeak-ng 1.52") and "espeakng-loader" in engine.name
    assert engine.sample_rate == 22050


@pytest.mark.parametrize(("text", "language"), [(ZH, "zh"), (EN, "en")])
def test_a_navigation_sentence_is_seconds_of_audible_normalised_speech(
    engine: tts.Engine, text: str, language: str
) -> None:
    audio = engine.synthesize(text, language)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 1.0 <= audio.size / engine.sample_rate <= 6.0
    assert rms(audio) > 0.05
    assert 0.65 <= np.abs(audio).max() <= min(tts.PEAK + 1e-6, 1.0)
    assert engine.duration(text, language) == audio.size / engine.sample_rate


def test_silence_is_trimmed_to_a_short_margin(engine: tts.Engine) -> None:
    audio = engine.synthesize(EN, "en")
    margin = round(0.02 * engine.sample_rate)
    assert np.abs(audio[:margin]).max() > 0.007 and np.abs(audio[-margin:]).max() > 0.007


def test_longer_text_takes_longer(engine: tts.Engine) -> None:
    assert engine.duration("Turn left", "en") < engine.duration(EN, "en")
    assert engine.duration("左转", "zh") < engine.duration(ZH, "zh")


def test_synthesis_is_deterministic(engine: tts.Engine) -> None:
    """Bit-exact through the cache; espeak-ng itself carries a pitch-flutter phase from one call to the
    next (a C static no API resets), so a fresh rendering may differ by about a millisecond."""
    text = "Turn right onto Main Street"
    assert np.array_equal(engine.synthesize(text, "en"), engine.synthesize(text, "en"))
    first = engine.synthesize_voice(text, "en")
    engine.synthesize_voice("换个声音", "cmn")  # another voice in between
    again = engine.synthesize_voice(text, "en")
    assert abs(first.size - again.size) < 0.005 * RATE
    assert abs(rms(first) - rms(again)) < 0.05 * rms(first)


def test_results_are_cached_and_read_only(engine: tts.Engine) -> None:
    audio = engine.synthesize("Keep right", "en")
    assert engine.synthesize("Keep right", "en") is audio
    assert not audio.flags.writeable
    with pytest.raises(ValueError):
        audio[0] = 1.0
    assert engine.synthesize("Keep right", "en-US") is not audio  # the language is part of the key


def test_the_cache_forgets_the_least_recently_used(engine: tts.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts, "CACHE_SIZE", 2)
    fresh = tts.Engine(engine._backend, "test")
    one, two = fresh.synthesize("one", "en"), fresh.synthesize("two", "en")
    assert fresh.synthesize("one", "en") is one  # now "two" is the oldest
    fresh.synthesize("three", "en")
    assert fresh.synthesize("one", "en") is one
    assert fresh.synthesize("two", "en") is not two


def test_blank_text_is_an_empty_array(engine: tts.Engine) -> None:
    for text in ("", "   ", "\n\t"):
        audio = engine.synthesize(text, "en")
        assert audio.size == 0 and audio.dtype == np.float32
        assert engine.duration(text, "zh") == 0.0


def test_threads_share_the_engine_safely(engine: tts.Engine) -> None:
    texts = [f"Exit {n} in {n * 100} metres" for n in range(1, 9)]
    expected = [engine.synthesize_voice(text, "en") for text in texts]
    got: dict[int, np.ndarray] = {}
    threads = [
        threading.Thread(target=lambda n=n: got.__setitem__(n, engine.synthesize_voice(texts[n], "en")))
        for n in range(len(texts))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, text in enumerate(texts):  # interleaved callbacks would mix or lose whole chunks
        assert abs(got[n].size - expected[n].size) < 0.005 * RATE, text


# -- voices and scripts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "voice"),
    [
        ("zh", "cmn"),
        ("zh-CN", "cmn"),
        ("zh-Hans", "cmn"),
        ("zh-Hans-CN", "cmn"),
        ("zh_TW", "cmn"),
        ("zh-HK", "yue"),
        ("en", "en"),
        ("en-GB", "en"),
        ("en-US", "en-us"),
        ("EN_us", "en-us"),
        ("ja-JP", "ja"),
        ("pt-BR", "pt-br"),
        ("fr-CA", "fr"),
        ("xx", "en"),
        ("", "en"),
    ],
)
def test_voice_for_maps_language_codes_to_voices(language: str, voice: str) -> None:
    assert tts.voice_for(language) == voice


def test_every_listed_voice_exists(engine: tts.Engine) -> None:
    for language in (
        "zh",
        "en",
        "ja",
        "ko",
        "ar",
        "he",
        "hi",
        "th",
        "ru",
        "fr",
        "de",
        "es",
        "it",
        "pt",
        "vi",
        "el",
        "tr",
    ):
        assert language in tts.VOICES
    for voice in sorted(set(tts.VOICES.values())):
        assert engine.synthesize_voice("1", voice).size > 0, voice


def test_a_missing_voice_raises_instead_of_speaking_in_the_last_one(engine: tts.Engine) -> None:
    engine.synthesize_voice("hello", "en")
    with pytest.raises(tts.SpeechEngineError, match="no voice 'nope'") as excinfo:
        engine.synthesize_voice("hello", "nope")
    one_line_error(excinfo)
    with pytest.raises(tts.SpeechEngineError):
        engine.synthesize_voice("hello", "nope")  # still refused, not cached as loaded
    assert engine.synthesize_voice("hello", "en").size > 0


@pytest.mark.parametrize(
    ("text", "language", "runs"),
    [
        ("Turn onto 文三路", "en", [("Turn onto ", "en"), ("文三路", "cmn")]),
        ("文三路, then left", "en", [("文三路, ", "cmn"), ("then left", "en")]),
        ("“文三路” 120 m", "en-US", [("“文三路” ", "cmn"), ("120 m", "en-us")]),
        (ZH, "zh", [(ZH, "cmn")]),
        ("连接 WH-1000XM5 耳机", "zh", [("连接 WH-1000XM5 耳机", "cmn")]),  # cmn reads Latin words in English
        ("Next: 東京駅まで", "en", [("Next: ", "en"), ("東京駅", "cmn"), ("まで", "ja")]),
        ("東京駅まで120メートル", "ja", [("東京駅", "cmn"), ("まで120メートル", "ja")]),
        ("Go to Москва or Αθήνα", "en", [("Go to ", "en"), ("Москва ", "ru"), ("or ", "en"), ("Αθήνα", "el")]),
        ("Київ", "uk", [("Київ", "uk")]),
        (
            "서울 and القاهرة and ירושלים",
            "en",
            [("서울 ", "ko"), ("and ", "en"), ("القاهرة ", "ar"), ("and ", "en"), ("ירושלים", "he")],
        ),
        ("दिल्ली กรุงเทพ", "en", [("दिल्ली ", "hi"), ("กรุงเทพ", "th")]),
        ("...", "en", [("...", "en")]),
        ("   ", "en", []),
    ],
)
def test_script_runs_give_each_script_a_voice_that_reads_it(
    text: str, language: str, runs: list[tuple[str, str]]
) -> None:
    assert tts.script_runs(text, language) == runs
    assert "".join(run for run, _ in runs) == text or not text.strip()


def test_mixed_script_speaks_han_in_mandarin_not_as_chinese_letters(engine: tts.Engine) -> None:
    mixed = engine.synthesize("Turn onto 文三路", "en")
    english_only = engine.synthesize("Turn onto", "en")
    spelled = engine.synthesize_voice("Turn onto 文三路", "en")  # "Chinese letter" three times
    assert rms(mixed) > 0.05
    mandarin = engine.synthesize_voice("文三路", "cmn").size
    joined = engine.synthesize_voice("Turn onto", "en").size + round(tts.GAP_S * RATE) + mandarin
    assert abs(mixed.size - joined) < 0.005 * RATE
    assert english_only.size < mixed.size < spelled.size


# -- other sources ---------------------------------------------------------------------------


def test_no_sources_is_a_one_line_error_with_the_fix() -> None:
    with pytest.raises(tts.SpeechEngineError) as excinfo:
        tts.load_engine(sources=())
    message = one_line_error(excinfo)
    assert message.startswith("no speech engine") and "pip install espeakng-loader" in message


def test_a_missing_library_is_a_one_line_error_with_the_fix() -> None:
    with pytest.raises(tts.SpeechEngineError) as excinfo:
        tts.load_engine(sources=("system-library",), library="/nonexistent.so")
    message = one_line_error(excinfo)
    assert "/nonexistent.so" in message and "apt install espeak-ng" in message


def test_the_error_lists_every_source_tried(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(tts.SpeechEngineError) as excinfo:
        tts.load_engine(sources=("system-library", "system-command"), library="/nonexistent.so")
    message = one_line_error(excinfo)
    assert "system-library:" in message and "system-command: no espeak-ng command is on PATH" in message


def test_an_unknown_source_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown speech engine source"):
        tts.load_engine(sources=("festival",))


def packaged_library() -> str:
    import espeakng_loader

    return espeakng_loader.get_library_path()


def test_the_system_library_path_works_with_the_packaged_library(
    engine: tts.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the packaged .so is a separate espeak-ng instance, initialised with its default data
    path (None), which ESPEAK_DATA_PATH (the folder holding espeak-ng-data) points at the packaged data."""
    import espeakng_loader

    copy = tmp_path / "libespeak-ng.so.1"
    shutil.copy(packaged_library(), copy)
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(Path(espeakng_loader.get_data_path()).parent))
    system = tts.load_engine(sources=("system-library",), library=str(copy))
    assert "system library" in system.name and system.sample_rate == engine.sample_rate
    for text, language in ((EN, "en"), (ZH, "zh")):
        assert abs(system.synthesize(text, language).size - engine.synthesize(text, language).size) < 0.05 * RATE
    with pytest.raises(tts.SpeechEngineError):
        system.synthesize_voice("hello", "nope")


def test_a_system_library_without_its_data_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "libespeak-ng.so"
    shutil.copy(packaged_library(), copy)
    monkeypatch.delenv("ESPEAK_DATA_PATH", raising=False)  # its built-in data path does not exist here
    with pytest.raises(tts.SpeechEngineError) as excinfo:
        tts.load_engine(sources=("system-library",), library=str(copy))
    assert "cannot use espeak-ng data" in one_line_error(excinfo)


def test_a_library_that_is_not_espeak_ng_is_a_one_line_error() -> None:
    import ctypes.util

    other = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    assert other
    with pytest.raises(tts.SpeechEngineError) as excinfo:
        tts.load_engine(sources=("system-library",), library=other)
    assert "is not libespeak-ng" in one_line_error(excinfo)


def test_the_same_library_loads_once() -> None:
    again = tts.load_engine(sources=("system-library",), library=packaged_library())
    assert again._backend is tts.engine()._backend


FAKE_ESPEAK = """#!{python}
import math, os, struct, sys
args = sys.argv[1:]
with open(os.environ["FAKE_ESPEAK_LOG"], "a", encoding="utf-8") as log:
    log.write(repr(args) + "\\n")
voice = args[args.index("-v") + 1]
if voice == "nope":
    sys.stderr.write("Failed to read voice 'nope'\\n")
    sys.exit(1)
rate = int(os.environ.get("FAKE_ESPEAK_RATE", "22050"))
tone = [int(16000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(rate // 2)]
samples = [0] * (rate // 10) + tone + [0] * (rate // 10)
# espeak-ng writes its header before it knows the length: RIFF and data sizes are placeholders
header = (b"RIFF" + struct.pack("<I", 0x7FFFF024) + b"WAVEfmt "
          + struct.pack("<IHHIIHH", 16, 1, 1, rate, 2 * rate, 2, 16) + b"data" + struct.pack("<I", 0x7FFFF000))
sys.stdout.buffer.write(header + struct.pack("<%dh" % len(samples), *samples))
"""


@pytest.fixture
def fake_espeak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `espeak-ng` on PATH that logs its arguments and writes 0.5 s of 440 Hz between silences."""
    program = tmp_path / "bin" / "espeak-ng"
    program.parent.mkdir()
    program.write_text(FAKE_ESPEAK.format(python=sys.executable))
    program.chmod(0o755)
    log = tmp_path / "args.log"
    monkeypatch.setenv("PATH", str(program.parent))
    monkeypatch.setenv("FAKE_ESPEAK_LOG", str(log))
    return log


@pytest.mark.parametrize("rate", [22050, 16000])
def test_the_command_path_parses_espeak_wav_output(
    fake_espeak: Path, monkeypatch: pytest.MonkeyPatch, rate: int
) -> None:
    monkeypatch.setenv("FAKE_ESPEAK_RATE", str(rate))
    command = tts.load_engine(sources=("system-command",))
    assert "system command" in command.name and command.sample_rate == 22050
    audio = command.synthesize("-5 degrees", "en-US")
    assert audio.size == pytest.approx(0.52 * RATE, abs=0.002 * RATE)  # 0.5 s of tone, 10 ms margins
    assert np.abs(audio).max() == pytest.approx(tts.PEAK, abs=1e-5)
    spectrum = np.abs(np.fft.rfft(audio))
    assert np.argmax(spectrum) * RATE / audio.size == pytest.approx(440, abs=5)
    assert fake_espeak.read_text().splitlines() == [
        repr(["-v", "en-us", "-s", str(tts.DEFAULT_WPM), "--stdout", " -5 degrees"])
    ]


def test_the_command_path_splits_scripts_and_reports_failures(fake_espeak: Path) -> None:
    command = tts.load_engine(sources=("system-command",))
    assert command.synthesize("Turn onto 文三路", "en").size > RATE
    voices = [ast.literal_eval(line)[1] for line in fake_espeak.read_text().splitlines()]
    assert voices == ["en", "cmn"]
    with pytest.raises(tts.SpeechEngineError, match="Failed to read voice 'nope'") as excinfo:
        command.synthesize_voice("hello", "nope")
    one_line_error(excinfo)


def test_the_command_path_rejects_output_that_is_not_wav(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "espeak-ng"
    program.write_text("#!/bin/sh\necho not a wav\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(tts.SpeechEngineError, match="wrote no WAV") as excinfo:
        tts.load_engine(sources=("system-command",)).synthesize("hello", "en")
    one_line_error(excinfo)


def test_lengths_do_not_depend_on_what_was_said_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The packaged engine speaks through the flutter-free variant, so schedules are reproducible."""
    engine = tts.engine()
    if engine.name.endswith("(espeakng-loader)"):
        assert engine._backend.variant == tts.STEADY_VARIANT
    first = engine.synthesize_voice("In 50 metres, turn left onto Hubin Road", "en").size
    engine.synthesize_voice("Something else entirely, said in between.", "en")
    engine.synthesize_voice("前方120米左转", "cmn")
    # (espeak-ng's noise source alternates from one call to the next, which can move the
    # trimmed end by a sample; flutter would move it by tenths of a second)
    assert abs(engine.synthesize_voice("In 50 metres, turn left onto Hubin Road", "en").size - first) <= 2


def test_steady_data_falls_back_to_the_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import espeakng_loader

    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(tts.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    made = tts.steady_data(espeakng_loader.get_data_path())
    assert made is not None and made.startswith(str(tmp_path / "tmp"))
    assert (Path(made) / "voices" / "!v" / tts.STEADY_VARIANT).read_text().endswith("flutter 0\n")
    assert (Path(made) / "phontab").exists()
