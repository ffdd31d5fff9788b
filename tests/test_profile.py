"""The frame-budget profiler: stats, summaries, the Chrome trace, the chart, and zero cost when off."""

from __future__ import annotations

import json
import types
from pathlib import Path

import numpy as np
import pytest

from hud.profile import STAGES, FrameRecord, Profiler, Span, stats, trace_problems
from hud.renderer import Renderer
from hud.scene import load_scene

from cli_support import SUMMARY_KEYS
from paths import ROOT

STAT_KEYS = {"mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"}
PX_KEYS = {"mean", "p50", "p90", "p99", "max"}


def record(index: int, stage_ms: dict[str, float], start: float = 0.0, eyes: tuple[str, ...] = ()) -> FrameRecord:
    """A frame whose stages run back to back from `start` (seconds); eye stages split per eye."""
    frame = FrameRecord(index, index / 60, start)
    clock = start
    for stage, ms in stage_ms.items():
        if stage in ("raster", "panel") and eyes:
            for eye in eyes:
                frame.spans.append(Span(stage, clock, ms / len(eyes), eye))
                clock += ms / len(eyes) / 1000
        else:
            frame.spans.append(Span(stage, clock, ms))
            clock += ms / 1000
    return frame


def profiler_with(totals: list[float], budget: float = 10.0) -> Profiler:
    profiler = Profiler(budget, "test-device")
    for index, total in enumerate(totals):
        profiler.records.append(
            record(
                index,
                {"update": total * 0.2, "raster": total * 0.5, "panel": total * 0.3},
                start=index * 0.1,
                eyes=("left", "right"),
            )
        )
    return profiler


# -- stats ----------------------------------------------------------------------------------------


def test_stats_of_nothing_is_zeros() -> None:
    assert stats([]) == {key: 0.0 for key in STAT_KEYS}
    assert stats([], unit="") == {key: 0.0 for key in PX_KEYS}


def test_stats_nearest_rank() -> None:
    values = list(range(1, 101))  # 1..100
    result = stats([float(v) for v in reversed(values)])
    assert result == {"mean_ms": 50.5, "p50_ms": 50.0, "p90_ms": 90.0, "p99_ms": 99.0, "max_ms": 100.0}
    # Ten values: nearest rank ceil(q * n) - the 5th, 9th and 10th smallest.
    ten = [7.0, 1.0, 9.0, 3.0, 5.0, 2.0, 10.0, 4.0, 8.0, 6.0]
    assert stats(ten) == {"mean_ms": 5.5, "p50_ms": 5.0, "p90_ms": 9.0, "p99_ms": 10.0, "max_ms": 10.0}
    assert stats([4.0]) == {key: 4.0 for key in STAT_KEYS}
    assert stats([1.0, 3.0]) == {"mean_ms": 2.0, "p50_ms": 1.0, "p90_ms": 3.0, "p99_ms": 3.0, "max_ms": 3.0}


# -- summary ------------------------------------------------------------------------------------


def test_summary_with_no_frames() -> None:
    data = Profiler(16.667, "quark-s1").summary()
    assert set(data) == SUMMARY_KEYS
    assert data["frames"] == 0 and data["missed"] == 0 and data["missed_share"] == 0.0
    assert data["total"] == {key: 0.0 for key in STAT_KEYS}
    assert set(data["stages"]) == set(STAGES)
    json.dumps(data)
    assert "0 frames" in Profiler(16.667).table()


def test_summary_with_no_missed_frames() -> None:
    data = profiler_with([2.0, 4.0, 9.99, 10.0]).summary()  # exactly the budget is not a miss
    assert data["frames"] == 4 and data["missed"] == 0 and data["missed_share"] == 0.0
    assert data["total"]["max_ms"] == pytest.approx(10.0)


def test_missed_count_and_share() -> None:
    profiler = profiler_with([5.0, 12.0, 8.0, 31.0, 2.0, 10.5, 9.0, 1.0])
    data = profiler.summary()
    assert data["device"] == "test-device" and data["budget_ms"] == 10.0
    assert data["frames"] == 8
    assert data["missed"] == 3
    assert data["missed_share"] == pytest.approx(3 / 8)
    assert data["total"]["max_ms"] == pytest.approx(31.0)
    assert data["total"]["p50_ms"] == pytest.approx(8.0)  # 4th of 1, 2, 5, 8, 9, 10.5, 12, 31
    assert data["stages"]["raster"]["max_ms"] == pytest.approx(15.5)  # both eyes together
    assert data["stages"]["layout"] == {key: 0.0 for key in STAT_KEYS}
    table = profiler.table()
    assert "3 over budget (37.5 %)" in table
    for stage in STAGES:
        assert any(line.startswith(stage) for line in table.splitlines())


def test_summary_json_shape() -> None:
    profiler = profiler_with([3.0, 14.0])
    profiler.records[0].dirty_px, profiler.records[0].lit_px = 1000, 50
    data = json.loads(json.dumps(profiler.summary()))
    assert set(data) == SUMMARY_KEYS
    assert set(data["total"]) == STAT_KEYS
    assert set(data["stages"]) == {"update", "compose", "layout", "paint", "raster", "panel", "sink"}
    for stage in STAGES:
        assert set(data["stages"][stage]) == STAT_KEYS
    assert set(data["dirty_px"]) == PX_KEYS and set(data["lit_px"]) == PX_KEYS
    assert data["dirty_px"]["max"] == 1000 and data["lit_px"]["mean"] == 25


def test_add_sink_goes_to_the_latest_frame() -> None:
    profiler = Profiler(10.0)
    profiler.add_sink(1.0, 0.0)  # no frame yet: ignored
    first = profiler.begin(0.0, 1.0)
    second = profiler.begin(0.1, 2.0)
    profiler.add_sink(3.0, 2.01)
    assert first.spans == [] and second.stage_ms("sink") == 3.0
    assert profiler.summary()["stages"]["sink"]["max_ms"] == 3.0


# -- chrome trace -------------------------------------------------------------------------------


def check_trace(trace: dict, frames: int) -> None:
    """Structure of a Chrome trace from a profiler over `frames` frames."""
    trace = json.loads(json.dumps(trace))  # valid JSON
    events = trace["traceEvents"]
    complete = [e for e in events if e["ph"] == "X"]
    for event in complete:
        assert {"ts", "dur", "pid", "tid", "name"} <= set(event)
        assert event["dur"] >= 0
    names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert names[1] == "frame"
    frame_events = [e for e in complete if e.get("cat") == "frame"]
    assert len(frame_events) == frames
    assert all(e["tid"] == 1 for e in frame_events)
    stage_events = [e for e in complete if e.get("cat") == "stage"]
    assert stage_events and all(e["tid"] == 1 for e in stage_events)
    # Every stage event lies inside one frame event, the one it belongs to.
    frame_events.sort(key=lambda e: e["ts"])
    eps = 0.01  # µs: rounding to 3 decimals
    for stage in stage_events:
        owners = [
            f
            for f in frame_events
            if f["ts"] - eps <= stage["ts"] and stage["ts"] + stage["dur"] <= f["ts"] + f["dur"] + eps
        ]
        assert len(owners) == 1, stage
    for a, b in zip(frame_events, frame_events[1:]):
        assert a["ts"] + a["dur"] <= b["ts"] + eps  # frames do not overlap
    # Per-eye work: on its own track, named "<eye> <stage>".
    eye_events = [e for e in complete if e.get("cat") == "eye"]
    assert eye_events
    tracks: dict[int, str] = {}
    for event in eye_events:
        assert event["tid"] != 1
        assert names[event["tid"]] == f"{event['args']['eye']} {event['name']}"
        tracks[event["tid"]] = names[event["tid"]]
        assert any(
            f["ts"] - eps <= event["ts"] and event["ts"] + event["dur"] <= f["ts"] + f["dur"] + eps
            for f in frame_events
        )
    assert len(set(tracks.values())) == len(tracks)  # one name per track


def test_chrome_trace_of_hand_made_records() -> None:
    profiler = profiler_with([5.0, 12.0, 8.0])
    profiler.add_sink(0.5, profiler.records[-1].start + 0.009)
    trace = profiler.chrome_trace()
    check_trace(trace, 3)
    complete = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    frames = [e for e in complete if e.get("cat") == "frame"]
    assert [f["args"]["over_budget"] for f in frames] == [False, True, False]
    assert frames[1]["ts"] == pytest.approx(100_000)  # µs from the first frame's start
    assert frames[0]["dur"] == pytest.approx(5000)
    eye_tracks = {e["tid"] for e in complete if e.get("cat") == "eye"}
    assert len(eye_tracks) == 4  # left/right x raster/panel
    names = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"}
    assert {names[tid] for tid in eye_tracks} == {"left raster", "right raster", "left panel", "right panel"}


def test_chrome_trace_empty() -> None:
    trace = Profiler(10.0).chrome_trace()
    assert trace["traceEvents"] == []
    json.dumps(trace)


def test_chrome_trace_of_a_real_run(tmp_path: Path) -> None:
    scene = load_scene(ROOT / "scenes/notification-burst.toml")
    profiler = Profiler(16.667, "quark-s1")
    renderer = Renderer(scene, "quark-s1", profiler=profiler)
    for index in range(30):
        renderer.frame(index * 0.1)
    assert len(profiler.records) == 30
    assert profiler.summary()["frames"] == 30
    check_trace(profiler.chrome_trace(), 30)
    path = tmp_path / "trace.json"
    profiler.write_trace(path)
    assert json.loads(path.read_text())["traceEvents"]
    assert trace_problems(profiler.chrome_trace()) == []
    # Every frame has an update span; frames that drew something have both eyes' raster and panel.
    # One frame flows one way: the timeline's update comes first, every frame.
    for rec in profiler.records:
        stages = [span.stage for span in rec.spans]
        assert stages[0] == "update"
        if "raster" in stages:
            assert stages == ["update", "compose", "layout", "paint", "raster", "panel", "raster", "panel"]
            assert [s.eye for s in rec.spans if s.eye] == ["left", "left", "right", "right"]
        for a, b in zip(rec.spans, rec.spans[1:]):
            assert b.start == pytest.approx(a.start + a.ms / 1000, abs=1e-9)  # back to back


# -- chart --------------------------------------------------------------------------------------


def test_chart_budget_lines_and_over_budget_markers(tmp_path: Path) -> None:
    totals = [5.0, 25.0, 8.0, 40.0, 9.0, 11.0]
    profiler = profiler_with(totals, budget=10.0)
    width, height = 1200, 420
    image = profiler.chart(width, height)
    assert image.size == (width, height)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    left, right, top, bottom = 56, width - 170, 16, height - 36
    background = pixels[height // 2, 2]
    for multiple in (1, 2, 3):
        y = bottom - (bottom - top) * multiple / 3
        rows = [pixels[r, left:right] for r in range(int(y) - 1, int(y) + 2)]
        lit = max(int(np.count_nonzero(np.any(row != background, axis=1))) for row in rows)
        assert lit > 0.15 * (right - left), f"no {multiple}x budget line near y={y}"
    step = (right - left) / len(totals)
    red = np.array([255, 60, 60])
    for index, total in enumerate(totals):
        x = int(left + index * step + 2)
        marker = pixels[bottom + 5, x]
        assert np.array_equal(marker, red) == (total > 10.0), (index, total, marker)
    # A frame over 3x the budget is capped with a red tick at the top.
    x = int(left + 3 * step + 2)
    assert np.array_equal(pixels[top - 2, x], red)
    assert not np.array_equal(pixels[top - 2, int(left + 1 * step + 2)], red)
    path = tmp_path / "chart.png"
    profiler.write_chart(path)
    from PIL import Image

    with Image.open(path) as written:
        assert written.format == "PNG" and written.size == (width, height)


def test_chart_of_no_frames() -> None:
    image = Profiler(16.667).chart()
    assert image.size == (1200, 420)


# -- zero cost when off -------------------------------------------------------------------------


def test_renderer_without_a_profiler_takes_no_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    import hud.renderer

    def no_clock() -> float:
        raise AssertionError("the renderer read the clock without a profiler")

    monkeypatch.setattr(hud.renderer, "time", types.SimpleNamespace(perf_counter=no_clock))
    scene = load_scene(ROOT / "scenes/notification-burst.toml")
    renderer = Renderer(scene, "quark-s1")
    assert renderer.profiler is None
    for t in (0.0, 0.6, 0.6, 1.3, 2.5):
        frame = renderer.frame(t)
        assert frame.timings_ms == {}


def test_renderer_with_a_profiler_times_every_stage() -> None:
    scene = load_scene(ROOT / "scenes/notification-burst.toml")
    profiler = Profiler(16.667, "quark-s1")
    frame = Renderer(scene, "quark-s1", profiler=profiler).frame(1.0)
    assert set(frame.timings_ms) == {"update", "compose", "layout", "paint", "raster", "panel"}
    assert frame.timings_ms["raster"] == pytest.approx(profiler.records[0].stage_ms("raster"))
    assert profiler.records[0].dirty_px == 2 * 640 * 480
    assert profiler.records[0].lit_px > 0
