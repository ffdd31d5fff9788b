"""benchmarks/speech_latency.py runs in-process with a few trials and reports sane numbers.

Structure and sanity only, never timing targets (CI machines vary): the notification really
interrupts the caption and starts at once, first sound comes no later than first word, the
peer's text holds the notification's words, and every time is positive.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "speech_latency.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("speech_latency_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up while the class is built
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
    for label in ("hud first sound", "hud first word", "of which TTS", "peer first sound", "peer/hud first sound",
                  "peer/hud first word", "idle update(t), note hidden", "idle update(t), note shown",
                  "interrupt #2 caption, start #4 flight"):
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
        for key in ("first_sound_ms", "first_word_ms", "update_ms", "peer_ms",
                    "idle_hidden_us", "idle_shown_us", "notification_audio_s", "peer_audio_s"):
            assert run[key] > 0, key
        assert run["first_sound_ms"] <= run["first_word_ms"]
        assert run["update_ms"] <= run["first_sound_ms"]
        assert run["update_tts_ms"] == 0   # the earcon starts before the words are synthesised
        assert run["notification_text"] and run["notification_text"] in run["peer_text"]
        assert "Wensan Road" in run["peer_text"] and "subway station" in run["peer_text"]
        assert len(run["peer_text"]) > len(run["notification_text"])
        titles.add(run["notification_text"])
    assert len(titles) == 5   # a new notification every trial: the speech cache never helps

    for side in ("hud", "peer"):
        for kind in ("first_sound_ms", "first_word_ms"):
            stats = result[side][kind]
            assert 0 < stats["median"] <= stats["p95"] <= stats["max"]
            assert result["ratio"][kind]["median"] > 0
    assert result["hud"]["first_sound_ms"]["median"] <= result["hud"]["first_word_ms"]["median"]
    for when in ("hidden", "shown"):
        assert result["idle_update_us"][when]["median"] > 0
