"""`hud profile` on a device without a display: the speech ticks of a scene's timeline, timed.

Structure and sanity only, never timing targets (machines vary): every tick is timed with the
three stages back to back, synthesis cut out of the scheduling it ran in, the listener's side
(word latency, skipped words, speeds) reported, and options a speech profile has no use for
refused in one line. Run in-process through `hud.cli.main`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hud.profile import SPEECH_STAGES, SpeechProfiler, trace_problems
from hud.scene import load_scene
from hud.speech import tts
from hud.speech.narrator import SCENE_TICK_S, narrate

from cli_support import run_hud
from paths import SCENES

CAPTION = str(SCENES / "streamed-caption.toml")
SUMMARY_KEYS = {
    "device",
    "ticks",
    "budget_ms",
    "over_budget",
    "over_budget_share",
    "total",
    "stages",
    "synthesis_calls",
    "after_timeline",
    "speech",
}


def ticks_of(scene: str) -> int:
    """The samples `narrate` takes of a scene: every tick and every timeline event."""
    loaded = load_scene(scene)
    times = {round(i * SCENE_TICK_S, 6) for i in range(int(loaded.length / SCENE_TICK_S) + 1)}
    times.update(event.at for event in loaded.timeline.events if event.at <= loaded.length)
    return len(times)


def test_profile_prints_the_speech_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_hud(capsys, "profile", CAPTION, "--device", "quark-g1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"{ticks_of(CAPTION)} speech ticks on quark-g1, budget 50.00 ms: " + lines[0].split(": ", 1)[1]
    assert lines[1].split() == ["stage", "mean", "p50", "p95", "max", "(ms)"]
    assert [line.split()[0] for line in lines[2:6]] == [*SPEECH_STAGES, "total"]
    assert lines[6].startswith("synthesis calls: ")
    assert lines[7].startswith("live words: ") and "arrival to speech p50 " in lines[7]
    assert " 0 skipped" in lines[7] and "speeds 1.00-" in lines[7]


def test_profile_json_has_the_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_hud(capsys, "profile", CAPTION, "--device", "quark-g1", "--json")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == SUMMARY_KEYS
    assert data["device"] == "quark-g1" and data["ticks"] == ticks_of(CAPTION)
    assert data["budget_ms"] == pytest.approx(SCENE_TICK_S * 1000)
    assert 0 <= data["over_budget"] <= data["ticks"]
    assert set(data["stages"]) == set(SPEECH_STAGES)
    for stats in [data["total"], *data["stages"].values()]:
        assert set(stats) == {"mean_ms", "p50_ms", "p95_ms", "max_ms"}
        assert 0 <= stats["p50_ms"] <= stats["p95_ms"] <= stats["max_ms"]
    assert data["stages"]["synthesize"]["max_ms"] > 0 and data["synthesis_calls"] > 0
    assert set(data["after_timeline"]) == {"synthesis_calls", "synthesis_ms"}
    speech = data["speech"]
    assert set(speech) == {"engine", "utterances", "latency", "skipped_words", "speeds"}
    assert speech["engine"].startswith("espeak-ng") and speech["utterances"] >= 1
    assert set(speech["latency"]) == {"words", "p50", "p95", "max"}
    assert speech["latency"]["words"] > 40 and speech["skipped_words"] == 0
    assert 0 < speech["latency"]["p50"] <= speech["latency"]["p95"] <= speech["latency"]["max"]
    assert speech["speeds"] == sorted(speech["speeds"]) and 1.0 <= speech["speeds"][0] <= speech["speeds"][-1] <= 1.5


def test_profile_trace_holds_the_ticks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "out" / "speech-trace.json"
    code, out, err = run_hud(capsys, "profile", CAPTION, "--device", "quark-g1", "--trace", str(trace))
    assert code == 0, err
    assert str(trace) in out
    document = json.loads(trace.read_text())
    assert trace_problems(document) == []
    events = document["traceEvents"]
    assert sum(1 for e in events if e.get("cat") == "tick") == ticks_of(CAPTION)
    assert {e["name"] for e in events if e.get("cat") == "speech"} == set(SPEECH_STAGES)
    assert sorted(p.name for p in trace.parent.iterdir()) == ["speech-trace.json"]


@pytest.mark.parametrize("option, value", [("--chart", "chart.png"), ("--fps", "30")])
def test_profile_refuses_frame_options_without_a_display(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    trace = tmp_path / "trace.json"
    argument = str(tmp_path / value) if option == "--chart" else value
    code, out, err = run_hud(
        capsys, "profile", CAPTION, "--device", "quark-g1", option, argument, "--trace", str(trace)
    )
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"{option}: quark-g1 has no display") and lines[0].endswith(f"(drop {option})")
    assert list(tmp_path.iterdir()) == []


def test_profile_refuses_a_scene_over_the_tick_bound(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_hud(capsys, "profile", CAPTION, "--device", "quark-g1", "--max-frames", "50")
    assert code == 2, (out, err)
    assert err.strip() == (
        "--max-frames: the scene's 6 s are 121 speech ticks, over the bound of 50 (raise it to --max-frames 121)"
    )


def test_ticks_put_synthesis_between_the_stages() -> None:
    """Each tick is scan, then scheduling, with every synthesis call a span of its own cut out
    of the scheduling it ran in: back to back, nothing counted twice."""
    profiler = SpeechProfiler(SCENE_TICK_S * 1000, "quark-g1")
    engine = tts.TimedEngine(tts.engine(), profiler)
    narrator = narrate(load_scene(CAPTION), "quark-g1", engine=engine, profiler=profiler)
    assert len(profiler.records) == ticks_of(CAPTION)
    synthesized = 0
    for record in profiler.records:
        stages = [span.stage for span in record.spans]
        assert stages[0] == "scan" and stages[-1] == "schedule"
        assert set(stages[1:]) <= {"schedule", "synthesize"}
        for before, after in zip(record.spans, record.spans[1:]):
            assert after.start == pytest.approx(before.start + before.ms / 1000, abs=1e-9)
        assert record.total_ms == pytest.approx(sum(record.stage_ms(stage) for stage in SPEECH_STAGES))
        synthesized += stages.count("synthesize")
    assert synthesized == profiler.calls > 0
    assert engine.name == narrator.engine.name and engine.sample_rate == tts.engine().sample_rate
    assert engine.gap_samples == tts.engine().gap_samples
    assert engine.samples("West Lake", "en", 1.2) == len(engine.synthesize("West Lake", "en", 1.2))
    assert engine.piece_samples("断桥", "zh") == len(engine.synthesize_piece("断桥", "zh"))
    assert profiler.outside_calls >= 4  # the calls just made, outside any tick
