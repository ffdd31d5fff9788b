"""benchmarks/speech_latency.py and speech_stream.py run in-process, briefly, and report sane numbers.

Structure and sanity only, never timing targets (CI machines vary): the notification really
interrupts the caption and starts at once, first sound comes no later than first word, the
peer's text holds the notification's words, and every time is positive; a caption streamed at
3 words (characters) a second is said whole, nothing skipped.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from paths import BENCHMARKS

BENCH = BENCHMARKS / "speech_latency.py"
STREAM_BENCH = BENCH.with_name("speech_stream.py")
STREAM_COLUMNS = [
    "language",
    "rate",
    "words in",
    "heard",
    "skipped",
    "lag p50 s",
    "lag p95 s",
    "lag max s",
    "end lag s",
    "speed min-max",
    "at max",
]


def load_bench(path: Path = BENCH):
    if str(path.parent) not in sys.path:  # as when run as a script: its folder's helpers import
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"{path.stem}_bench", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_speech_latency_benchmark_runs(tmp_path, capsys):
    bench = load_bench()
    out = tmp_path / "speech.json"
    assert bench.main(["--trials", "5", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    for label in (
        "hud first sound",
        "hud first word",
        "of which TTS",
        "peer first sound",
        "peer/hud first sound",
        "peer/hud first word",
        "idle update(t), note hidden",
        "idle update(t), note shown",
        "interrupt #2 caption, resume #3 caption, start #4 flight",
    ):
        assert label in table
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["trials"] == 5 and len(result["runs"]) == 5 and result["device"] == "quark-g1"

    titles = set()
    for run in result["runs"]:
        # The caption was speaking; at t the notification interrupted it and started at once.
        assert run["caption_status"] == "caption:speaking"
        actions = {(d["action"], d["source"]) for d in run["decisions"]}
        assert ("interrupt", "caption") in actions and ("start", "flight") in actions
        assert {d["t"] for d in run["decisions"]} == {run["t"]}
        start = next(d for d in run["decisions"] if d["action"] == "start")
        interrupt = next(d for d in run["decisions"] if d["action"] == "interrupt")
        assert start["t"] == interrupt["t"] == run["t"]
        # Sanity: positive times, the earcon before the words, the peer says the notification too.
        for key in (
            "first_sound_ms",
            "first_word_ms",
            "update_ms",
            "peer_ms",
            "idle_hidden_us",
            "idle_shown_us",
            "notification_audio_s",
            "peer_audio_s",
        ):
            assert run[key] > 0, key
        assert run["first_sound_ms"] <= run["first_word_ms"]
        assert run["update_ms"] <= run["first_sound_ms"]
        assert run["update_tts_ms"] < 0.5  # the earcon starts before the words are synthesised (cache look-ups only)
        assert run["notification_text"] and run["notification_text"] in run["peer_text"]
        assert "Wensan Road" in run["peer_text"] and "subway station" in run["peer_text"]
        assert len(run["peer_text"]) > len(run["notification_text"])
        titles.add(run["notification_text"])
    assert len(titles) == 5  # a new notification every trial: the speech cache never helps

    for side in ("hud", "peer"):
        for kind in ("first_sound_ms", "first_word_ms"):
            stats = result[side][kind]
            assert 0 < stats["median"] <= stats["p95"] <= stats["max"]
            assert result["ratio"][kind]["median"] > 0
    assert result["hud"]["first_sound_ms"]["median"] <= result["hud"]["first_word_ms"]["median"]
    for when in ("hidden", "shown"):
        assert result["idle_update_us"][when]["median"] > 0


def test_speech_stream_benchmark_runs(tmp_path, capsys):
    bench = load_bench(STREAM_BENCH)
    out = tmp_path / "stream.json"
    assert bench.main(["--seconds", "10", "--rates", "3", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert [cell.strip() for cell in rows[0].strip("|").split("|")] == STREAM_COLUMNS
    assert [row.split("|")[1:3] for row in rows[2:]] == [[" en ", " 3 words/s "], [" zh ", " 3 chars/s "]]
    assert "characters per second" in table

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["device"] == "quark-g1" and result["seconds"] == 10
    assert [(run["language"], run["rate"]) for run in result["runs"]] == [("en", 3), ("zh", 3)]
    for run in result["runs"]:
        # 3 a second is within the voice's pace in both languages: every word is heard, none skipped.
        assert run["skipped"] == 0
        assert run["heard"] == run["words_in"] >= 25
        assert 0 <= run["lag_p50"] <= run["lag_p95"] <= run["lag_max"]
        assert run["last_arrival"] <= 10 and run["end_lag"] >= 0
        assert 1.0 <= run["speed_min"] <= run["speed_max"] <= result["max_rate"]
