"""The profiler's Chrome trace nests properly on every track, for every kind of scene.

`hud.profile.trace_problems` is the checker: frames side by side, each holding its stage
spans side by side in pipeline order, per-eye spans inside their frame. It runs on traces of
static, timeline, streaming-caption and speech (G1) scenes on several displays, and must
catch the overlaps of hand-made broken traces.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hud.profile import FrameRecord, Profiler, Span, trace_problems
from hud.renderer import Renderer
from hud.scene import load_scene

from paths import ROOT

CASES = [
    ("navigation.toml", "quark-s1", 0.5),  # static: one full frame, then unchanged ones
    ("city-walk-timeline.toml", "quark-s1", 0.25),  # timeline: every frame starts with its update
    ("streamed-caption.toml", "even-g2", 0.1),  # a caption that grows: compose and layout run again
    ("notification-burst.toml", "frame", 0.1),  # one colour eye with a palette
    ("commute-zh.toml", "quark-s1", 0.5),  # the G1's speech scene, on its display target
]


def profiled(scene: str, device: str, step: float, frames: int = 24) -> Profiler:
    profiler = Profiler(16.667, device)
    renderer = Renderer(load_scene(ROOT / "scenes" / scene), device, profiler=profiler)
    for index in range(frames):
        renderer.frame(index * step)
        profiler.add_sink(0.01, profiler.records[-1].spans[-1].start + profiler.records[-1].spans[-1].ms / 1000)
    return profiler


@pytest.mark.parametrize("scene, device, step", CASES)
def test_traces_nest_properly(scene: str, device: str, step: float) -> None:
    profiler = profiled(scene, device, step)
    trace = json.loads(json.dumps(profiler.chrome_trace()))
    assert trace_problems(trace) == []
    frames = [e for e in trace["traceEvents"] if e.get("cat") == "frame"]
    stages = [e for e in trace["traceEvents"] if e.get("cat") == "stage"]
    assert len(frames) == 24
    # Every span the profiler recorded is one event on the frame track, none merged.
    assert len(stages) == sum(len(record.spans) for record in profiler.records)


def test_first_timeline_frame_flows_one_way() -> None:
    """A timeline scene's first frame applies its timeline before anything is composed or laid
    out: update, compose, layout and paint once each, then each eye's raster and panel; all side
    by side."""
    profiler = profiled("city-walk-timeline.toml", "quark-s1", 0.25, frames=2)
    first = [span.stage for span in profiler.records[0].spans]
    assert first[:4] == ["update", "compose", "layout", "paint"] and first.count("update") == 1
    assert first[-5:] == ["raster", "panel", "raster", "panel", "sink"]
    assert trace_problems(profiler.chrome_trace()) == []


def test_profile_command_writes_a_nested_trace(tmp_path: Path) -> None:
    trace = tmp_path / "trace.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hud",
            "profile",
            "scenes/streamed-caption.toml",
            "--frames",
            "30",
            "--fps",
            "10",
            "--trace",
            str(trace),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert trace_problems(json.loads(trace.read_text())) == []


# -- the checker catches what Perfetto would draw wrongly ---------------------------------------------


def event(name: str, ts: float, dur: float, cat: str = "stage", tid: int = 1, **args: str) -> dict:
    made = {"ph": "X", "pid": 1, "tid": tid, "name": name, "cat": cat, "ts": ts, "dur": dur}
    if args:
        made["args"] = args
    return made


def frame(ts: float, dur: float, *stages: dict) -> list[dict]:
    return [event("frame 0", ts, dur, cat="frame"), *stages]


def test_checker_accepts_a_well_formed_frame() -> None:
    events = frame(
        0,
        10,
        event("update", 0, 1),
        event("compose", 1, 2),
        event("layout", 3, 1),
        event("paint", 4, 1),
        event("raster", 5, 1, eye="left"),
        event("panel", 6, 1, eye="left"),
        event("raster", 7, 1, eye="right"),
        event("panel", 8, 1, eye="right"),
        event("sink", 9, 1),
    )
    assert trace_problems({"traceEvents": events}) == []


def test_checker_finds_merged_stage_spans_that_overlap() -> None:
    """The old trace: one 'raster' from the left eye's raster to the right one's, over 'panel'."""
    events = frame(0, 10, event("paint", 0, 1), event("raster", 1, 6), event("panel", 2, 7))
    problems = trace_problems({"traceEvents": events})
    assert any("'panel' at 2 us starts inside 'raster' and ends after it" in p for p in problems), problems
    assert any("stage 'panel' starts before 'raster' ends" in p for p in problems), problems


def test_checker_finds_stages_outside_or_across_frames() -> None:
    events = frame(0, 5, event("update", 0, 1), event("paint", 4, 3))
    problems = trace_problems({"traceEvents": events + [event("update", 20, 1)]})
    assert any("'paint' at 4 us starts inside 'frame 0' and ends after it" in p for p in problems), problems
    assert any("stage event 'update' at 20 us lies outside every frame" in p for p in problems), problems


def test_checker_finds_stages_out_of_pipeline_order() -> None:
    events = frame(0, 10, event("raster", 0, 1, eye="left"), event("paint", 1, 1), event("panel", 2, 1, eye="right"))
    problems = trace_problems({"traceEvents": events})
    assert "frame 0: 'paint' runs after a later stage of the pipeline" in problems
    assert "frame 0: the right panel runs before its raster" in problems


def test_checker_finds_overlapping_frames_and_eye_events_outside() -> None:
    events = [
        event("frame 0", 0, 5, cat="frame"),
        event("frame 1", 4, 5, cat="frame"),
        event("raster", 30, 1, cat="eye", tid=2, eye="left"),
    ]
    problems = trace_problems({"traceEvents": events})
    assert "'frame 0' overlaps 'frame 1'" in problems
    assert any("eye event 'raster' at 30 us lies outside every frame" in p for p in problems), problems


def test_clock_rounding_never_makes_an_overlap() -> None:
    """Back-to-back spans whose float ends land a hair past the next start still nest."""
    record = FrameRecord(0, 0.0, 100.0)
    clock = 100.0
    for stage, ms in (("update", 0.1234567), ("compose", 2.0000001), ("layout", 0.3), ("paint", 1.1)):
        record.spans.append(Span(stage, clock, ms + 1e-7))  # each ends just after the next starts
        clock += ms / 1000
    profiler = Profiler(16.667)
    profiler.records.append(record)
    assert trace_problems(profiler.chrome_trace()) == []
