"""Frame-budget profiler: times every stage of every frame against the refresh budget.

A data source, not a printer: `Profiler.records` holds one FrameRecord per frame, and
`summary()`, `chrome_trace()` and `chart()` turn them into a table, a Perfetto-loadable
trace and a frame-time chart. A renderer without a profiler takes no timings at all.

On glasses that show the phone's images (a profile with a [link]), each frame also records
what it put on the link (`link_frame`): its bytes, its time on the link, and whether it missed
its refresh because the link was still busy with an earlier frame (hud.link).

Devices without a display have no frames: `SpeechProfiler` times the ticks of their speech
(the change scan, the scheduling and the synthesis it asks for) against the tick budget.
"""

from __future__ import annotations

import bisect
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

from hud.devices import NO_LINK, DeviceProfile, Link
from hud.link import LinkPace, bits_per_pixel, image_rect

STAGES = ("update", "compose", "layout", "paint", "raster", "panel", "sink")
EYE_STAGES = ("raster", "panel")
FRAME_TID = 1  # the trace's frame track
# Where a stage may run in a frame: update, compose and layout arrange (in any order, and
# again when a widget changed size), then paint, then each eye's raster and panel, then the sink.
STAGE_PHASE = {"update": 0, "compose": 0, "layout": 0, "paint": 1, "raster": 2, "panel": 2, "sink": 3}
STAGE_COLOURS = {
    "update": (150, 150, 150),
    "compose": (255, 110, 200),
    "layout": (80, 160, 255),
    "paint": (170, 110, 255),
    "raster": (60, 200, 120),
    "panel": (240, 190, 60),
    "sink": (240, 110, 80),
}
SPEECH_STAGES = ("scan", "schedule", "synthesize")  # a speech tick's stages (devices without a display)
TICK_TID = 1  # the speech trace's tick track
TICK_STATS = ("mean_ms", "p50_ms", "p95_ms", "max_ms")
Result = TypeVar("Result")


class Narration(Protocol):
    """What the speech profiler reads of a finished narrator (hud.speech.narrator.Narrator)."""

    @property
    def utterances(self) -> Sequence[Any]: ...

    def record(self) -> dict[str, Any]: ...


@dataclass
class Span:
    """One timed piece of work: start (seconds, perf_counter clock) and duration (ms)."""

    stage: str
    start: float
    ms: float
    eye: str = ""


@dataclass
class FrameRecord:
    """What one frame cost."""

    index: int
    t: float  # scene time of the frame (seconds)
    start: float  # wall clock when the frame began (perf_counter seconds)
    spans: list[Span] = field(default_factory=list)
    dirty_px: int = 0  # pixels re-rastered, all eyes together
    lit_px: int = 0  # pixels emitting light, all eyes together
    link_bytes: int = 0  # bytes this frame put on the device's link (0: not sent)
    link_ms: float = 0.0  # time those bytes took on the link
    link_missed: bool = False  # differs from the frame the busy link last took: not shown at its refresh

    def stage_ms(self, stage: str) -> float:
        return sum(span.ms for span in self.spans if span.stage == stage)

    @property
    def total_ms(self) -> float:
        return sum(span.ms for span in self.spans)


class Profiler:
    """Collects FrameRecords for one device's frame budget (drawn by the raster `backend` that
    drew them, "cpu" or "gl", where the caller names it).

    >>> import hud
    >>> profiler = hud.Profiler(budget_ms=16.7, device="quark-s1")
    >>> renderer = hud.Renderer(hud.Scene(hud.Text(text="42 km/h")), "quark-s1", profiler=profiler)
    >>> frames = [renderer.frame(n / 30) for n in range(3)]
    >>> profiler.summary()["frames"], "raster" in frames[0].timings_ms
    (3, True)

    `print(profiler.table())` shows every stage's times against the budget.
    """

    def __init__(self, budget_ms: float, device: str = "", backend: str = "") -> None:
        self.budget_ms = budget_ms
        self.device = device
        self.backend = backend
        self.records: list[FrameRecord] = []
        self.link: Link | None = None  # the link of the device whose frames were recorded (link_frame)
        self._link_format = ""
        self._pace: LinkPace | None = None

    # -- recording ---------------------------------------------------------------------------
    def begin(self, t: float, start: float) -> FrameRecord:
        record = FrameRecord(len(self.records), t, start)
        self.records.append(record)
        return record

    def link_frame(self, record: FrameRecord, device: DeviceProfile, eyes: dict[str, np.ndarray]) -> None:
        """Put a frame's panel images (`eyes`) on `device`'s link at the record's scene time:
        its link bytes and ms when it went out, `link_missed` when it changed while the link was
        still busy. Nothing to do on glasses without a link (they render on the glasses)."""
        if self._pace is None or self._pace.device is not device:
            self.link = device.link
            self._link_format = link_format(device)
            self._pace = None if device.link.kind == "none" else LinkPace(device)
        if self._pace is None:
            return
        offer = self._pace.offer(record.t, eyes)
        record.link_bytes, record.link_ms = offer.transfer.bytes, offer.transfer.ms
        record.link_missed = offer.outcome == "missed"

    def add_sink(self, ms: float, start: float) -> None:
        """Time spent by whatever consumed the latest frame (files, a window)."""
        if self.records:
            self.records[-1].spans.append(Span("sink", start, ms))

    # -- summaries ---------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """{"device", "backend", "frames", "budget_ms", "missed", "missed_share", "total": stats,
        "stages": {stage: stats}, "dirty_px": stats, "lit_px": stats, "link": link_summary}."""
        totals = [r.total_ms for r in self.records]
        missed = sum(1 for total in totals if total > self.budget_ms)
        return {
            "device": self.device,
            "backend": self.backend,
            "frames": len(self.records),
            "budget_ms": round(self.budget_ms, 3),
            "missed": missed,
            "missed_share": round(missed / len(totals), 4) if totals else 0.0,
            "total": stats(totals),
            "stages": {stage: stats([r.stage_ms(stage) for r in self.records]) for stage in STAGES},
            "dirty_px": stats([r.dirty_px for r in self.records], unit=""),
            "lit_px": stats([r.lit_px for r in self.records], unit=""),
            "link": self.link_summary(),
        }

    def link_summary(self) -> dict[str, Any] | None:
        """What the device's link carried: None before a frame told the profiler its device,
        {"kind": "none"} on glasses that render themselves, else {"kind", "bandwidth",
        "latency_ms", "format", "sent", "missed", "bytes": stats, "ms": stats, "fps"}: frames
        sent and missed because of the link, the bytes and ms of those sent, and the frames a
        second the link allows at their median cost (at most the refresh rate)."""
        link = self.link
        if link is None or link.kind == "none":
            return None if link is None else {"kind": "none"}
        sent = [r for r in self.records if r.link_bytes]
        times = [r.link_ms for r in sent]
        ms = stats(times)
        refresh = 1000.0 / self.budget_ms
        fps = min(refresh, 1000.0 / ms["p50_ms"]) if ms["p50_ms"] > 0 else (refresh if sent else 0.0)
        return {
            "kind": link.kind,
            "bandwidth": link.bandwidth,
            "latency_ms": link.latency_ms,
            "format": self._link_format,
            "sent": len(sent),
            "missed": sum(1 for r in self.records if r.link_missed),
            "bytes": stats([float(r.link_bytes) for r in sent], unit=""),
            "ms": ms,
            "fps": round(fps, 3),
        }

    def table(self) -> str:
        """The summary as a plain-text table."""
        data = self.summary()
        backend = f" ({data['backend']} backend)" if data["backend"] else ""
        lines = [
            f"{data['frames']} frames on {data['device'] or 'device'}{backend}, "
            f"budget {data['budget_ms']:.2f} ms: "
            f"{data['missed']} over budget ({100 * data['missed_share']:.1f} %)",
            f"{'stage':<8} {'mean':>8} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}  (ms)",
        ]
        rows = [(stage, data["stages"][stage]) for stage in STAGES] + [("total", data["total"])]
        for name, row in rows:
            lines.append(
                f"{name:<8} " + " ".join(f"{row[k]:>8.3f}" for k in ("mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"))
            )
        for key, label in (("dirty_px", "dirty px/frame"), ("lit_px", "lit px/frame")):
            row = data[key]
            lines.append(f"{label:<15} mean {row['mean']:.0f}  p50 {row['p50']:.0f}  max {row['max']:.0f}")
        return "\n".join(lines + self._link_lines(data["link"]))

    def _link_lines(self, link: dict[str, Any] | None) -> list[str]:
        if link is None:
            return []
        if link["kind"] == "none":
            return [f"link: {NO_LINK.summary}"]
        size, ms = link["bytes"], link["ms"]
        return [
            f"link: {link['kind']}, {link['bandwidth'] / 1000:g} KB/s, {link['latency_ms']:g} ms per image, "
            f"{link['format']}: {link['sent']} frame(s) sent, {link['missed']} missed because of the link",
            f"link bytes/frame p50 {size['p50']:.0f}  p99 {size['p99']:.0f}; "
            f"link ms/frame p50 {ms['p50_ms']:.1f}  p99 {ms['p99_ms']:.1f}; "
            f"the link allows {link['fps']:.2f} fps (refresh {1000 / self.budget_ms:.0f} Hz)",
        ]

    # -- exports -----------------------------------------------------------------------------
    def chrome_trace(self) -> dict[str, Any]:
        """Chrome trace-event JSON (loads in Perfetto and chrome://tracing).

        The frame track holds one complete event per frame and, nested inside it, one event per
        timed stage, back to back in the order they ran (a stage that ran twice, such as
        compose again after a caption grew a line, shows twice). Each eye's raster and panel
        work also has a track of its own per eye and stage. Events on one track never overlap,
        so every viewer nests them as they ran; `trace_problems` checks that."""
        if not self.records:
            return {"traceEvents": [], "displayTimeUnit": "ms"}
        origin = self.records[0].start
        tracks = {"frame": FRAME_TID}
        for stage in EYE_STAGES:
            for eye in ("left", "right"):
                tracks[f"{eye} {stage}"] = len(tracks) + 1
        events: list[dict[str, Any]] = [
            {"ph": "M", "pid": 1, "name": "process_name", "args": {"name": f"hud {self.device}".strip()}},
        ]
        for name, tid in tracks.items():
            events.append({"ph": "M", "pid": 1, "tid": tid, "name": "thread_name", "args": {"name": name}})
            events.append({"ph": "M", "pid": 1, "tid": tid, "name": "thread_sort_index", "args": {"sort_index": tid}})
        cursor = 0  # ns: the end of the last event on the frame track (clock rounding never makes overlaps)
        for record in self.records:
            begin = cursor = max(_ns(record.start - origin), cursor)
            stage_events = []
            for span in sorted(record.spans, key=lambda s: s.start):
                start = max(_ns(span.start - origin), cursor)
                cursor = max(_ns(span.start - origin + span.ms / 1000), start)
                event = {
                    "ph": "X",
                    "pid": 1,
                    "tid": FRAME_TID,
                    "name": span.stage,
                    "cat": "stage",
                    "ts": start / 1000,
                    "dur": (cursor - start) / 1000,
                }
                if span.eye:
                    event["args"] = {"eye": span.eye}
                stage_events.append(event)
                if span.eye and span.stage in EYE_STAGES:
                    stage_events.append({**event, "tid": tracks[f"{span.eye} {span.stage}"], "cat": "eye"})
            events.append(
                {
                    "ph": "X",
                    "pid": 1,
                    "tid": FRAME_TID,
                    "name": f"frame {record.index}",
                    "cat": "frame",
                    "ts": begin / 1000,
                    "dur": (cursor - begin) / 1000,
                    "args": {
                        "t": record.t,
                        "total_ms": round(record.total_ms, 4),
                        "over_budget": record.total_ms > self.budget_ms,
                        "dirty_px": record.dirty_px,
                        "lit_px": record.lit_px,
                    },
                }
            )
            events += stage_events
        return {"traceEvents": events, "displayTimeUnit": "ms"}

    def write_trace(self, path: str | Path) -> None:
        _write_atomic(Path(path), json.dumps(self.chrome_trace()).encode())

    def chart(self, width: int = 1200, height: int = 420) -> PILImage:
        """One bar per frame split by stage, lines at 1x/2x/3x the budget, over-budget frames
        marked red under their bar; the scale tops out at 3x the budget (taller bars are cut
        and capped with a red tick)."""
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (width, height), (16, 16, 20))
        draw = ImageDraw.Draw(image)
        left, right, top, bottom = 56, width - 170, 16, height - 36
        scale_ms = 3 * self.budget_ms
        y_of = lambda ms: bottom - (bottom - top) * min(ms, scale_ms) / scale_ms  # noqa: E731
        for multiple in (1, 2, 3):
            y = y_of(multiple * self.budget_ms)
            draw.line([(left, y), (right, y)], fill=(90, 90, 100) if multiple > 1 else (220, 220, 220), width=1)
            draw.text((4, y - 6), f"{multiple}x {multiple * self.budget_ms:.1f}", fill=(200, 200, 200))
        count = max(len(self.records), 1)
        step = (right - left) / count
        bar = max(1.0, step * 0.8)
        for index, record in enumerate(self.records):
            x0 = left + index * step
            base = 0.0
            for stage in STAGES:
                ms = record.stage_ms(stage)
                if ms <= 0:
                    continue
                y0, y1 = y_of(base + ms), y_of(base)
                if y1 - y0 >= 0.5:
                    draw.rectangle([x0, y0, x0 + bar - 1, y1], fill=STAGE_COLOURS[stage])
                base += ms
            if record.total_ms > self.budget_ms:
                draw.rectangle([x0, bottom + 3, x0 + bar - 1, bottom + 8], fill=(255, 60, 60))
            if record.total_ms > scale_ms:
                draw.rectangle([x0, top - 4, x0 + bar - 1, top - 1], fill=(255, 60, 60))
        draw.line([(left, bottom), (right, bottom)], fill=(200, 200, 200))
        data = self.summary()
        draw.text(
            (left, bottom + 14),
            f"{data['frames']} frames  budget {self.budget_ms:.2f} ms  "
            f"missed {data['missed']}  p50 {data['total']['p50_ms']:.2f} ms  "
            f"p99 {data['total']['p99_ms']:.2f} ms  max {data['total']['max_ms']:.2f} ms",
            fill=(220, 220, 220),
        )
        for row, stage in enumerate(STAGES):
            y = top + 8 + row * 18
            draw.rectangle([right + 16, y, right + 28, y + 12], fill=STAGE_COLOURS[stage])
            draw.text((right + 34, y), stage, fill=(220, 220, 220))
        legend = top + 8 + len(STAGES) * 18
        draw.rectangle([right + 16, legend, right + 28, legend + 5], fill=(255, 60, 60))
        draw.text((right + 34, legend - 2), "over budget", fill=(220, 220, 220))
        return image

    def write_chart(self, path: str | Path) -> None:
        from hud.sinks import write_images

        target = Path(path)
        write_images({target.name: self.chart()}, target.parent)


class SpeechProfiler:
    """Collects one FrameRecord per speech tick of a device without a display, for its tick budget.

    `Narrator.update(t, profiler)` opens a tick, laps "scan" (the change tracker) and ends it
    with "schedule" (the scheduler's decisions). A speech engine wrapped as
    `hud.speech.tts.TimedEngine(engine, profiler)` times every synthesis call through `timed`:
    a call made inside a tick is cut out of the stage it ran in as a "synthesize" span of its
    own; calls outside the ticks (the queue played out after the timeline) are counted apart.
    `add_speech(narrator)` keeps what the listener got."""

    def __init__(self, budget_ms: float, device: str = "") -> None:
        self.budget_ms = budget_ms
        self.device = device
        self.records: list[FrameRecord] = []
        self.speech: dict[str, Any] = {}
        self.calls = 0  # synthesis calls inside ticks
        self.outside_calls = 0  # and outside them, with their time
        self.outside_ms = 0.0
        self._open = False
        self._clock = 0.0  # where the running stage began
        self._synthesis: list[Span] = []  # synthesis calls since the last lap

    # -- recording ---------------------------------------------------------------------------
    def begin(self, t: float) -> None:
        """Open a tick at scene time `t` (seconds)."""
        self._clock = time.perf_counter()
        self.records.append(FrameRecord(len(self.records), t, self._clock))
        self._open, self._synthesis = True, []

    def lap(self, stage: str) -> None:
        """End the open tick's running stage as `stage`: the time since the last lap, its synthesis
        calls each a span of their own in between."""
        now = time.perf_counter()
        spans, cursor = self.records[-1].spans, self._clock
        for call in self._synthesis:
            spans += [Span(stage, cursor, (call.start - cursor) * 1000), call]
            cursor = call.start + call.ms / 1000
        spans.append(Span(stage, cursor, (now - cursor) * 1000))
        self._clock, self._synthesis = now, []

    def end(self, stage: str) -> None:
        """Lap `stage` and close the tick."""
        self.lap(stage)
        self._open = False

    def timed(self, call: Callable[..., Result], *args: Any) -> Result:
        """`call(*args)`, timed as synthesis: in the open tick, else outside the ticks."""
        started = time.perf_counter()
        try:
            return call(*args)
        finally:
            ms = (time.perf_counter() - started) * 1000
            if self._open:
                self._synthesis.append(Span("synthesize", started, ms))
                self.calls += 1
            else:
                self.outside_calls += 1
                self.outside_ms += ms

    def add_speech(self, narrator: Narration) -> None:
        """Keep what the listener got from a finished narrator: live words from arrival to
        speech, words skipped, the speeds used."""
        record = narrator.record()
        speeds = sorted({u.rate for u in narrator.utterances if u.live and u.start is not None})
        self.speech = {
            "engine": record["engine"],
            "utterances": len(record["utterances"]),
            "latency": record["latency"],
            "skipped_words": record["skipped_words"],
            "speeds": speeds,
        }

    # -- summaries ---------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """{"device", "ticks", "budget_ms", "over_budget", "over_budget_share", "total": tick stats,
        "stages": {stage: tick stats}, "synthesis_calls", "after_timeline": {"synthesis_calls",
        "synthesis_ms"}, "speech": {"engine", "utterances", "latency", "skipped_words", "speeds"}}."""
        totals = [r.total_ms for r in self.records]
        over = sum(1 for total in totals if total > self.budget_ms)
        return {
            "device": self.device,
            "ticks": len(self.records),
            "budget_ms": round(self.budget_ms, 3),
            "over_budget": over,
            "over_budget_share": round(over / len(totals), 4) if totals else 0.0,
            "total": tick_stats(totals),
            "stages": {stage: tick_stats([r.stage_ms(stage) for r in self.records]) for stage in SPEECH_STAGES},
            "synthesis_calls": self.calls,
            "after_timeline": {"synthesis_calls": self.outside_calls, "synthesis_ms": round(self.outside_ms, 3)},
            "speech": self.speech,
        }

    def table(self) -> str:
        """The summary as a plain-text table."""
        data = self.summary()
        ticks = f"{data['ticks']} speech tick{'s' if data['ticks'] != 1 else ''}"
        lines = [
            f"{ticks} on {data['device'] or 'device'}, budget {data['budget_ms']:.2f} ms: "
            f"{data['over_budget']} over budget ({100 * data['over_budget_share']:.1f} %)",
            f"{'stage':<11} {'mean':>8} {'p50':>8} {'p95':>8} {'max':>8}  (ms)",
        ]
        rows = [(stage, data["stages"][stage]) for stage in SPEECH_STAGES] + [("total", data["total"])]
        for name, row in rows:
            lines.append(f"{name:<11} " + " ".join(f"{row[key]:>8.3f}" for key in TICK_STATS))
        after = data["after_timeline"]
        lines.append(
            f"synthesis calls: {data['synthesis_calls']} in ticks; {after['synthesis_calls']} after the "
            f"timeline, as the queue played out ({after['synthesis_ms']:.1f} ms)"
        )
        speech = data["speech"]
        if speech and not (speech["latency"]["words"] or speech["skipped_words"]):
            lines.append("live words: none (no caption or growing text was said)")
        elif speech:
            lag, speeds = speech["latency"], speech["speeds"] or [1.0]
            line = f"live words: {lag['words']} heard, {speech['skipped_words']} skipped"
            if lag["words"]:
                line += f"; arrival to speech p50 {lag['p50']:.2f} s, p95 {lag['p95']:.2f} s, max {lag['max']:.2f} s"
            lines.append(line + f"; speeds {min(speeds):.2f}-{max(speeds):.2f}x")
        return "\n".join(lines)

    # -- exports -----------------------------------------------------------------------------
    def chrome_trace(self) -> dict[str, Any]:
        """Chrome trace-event JSON (loads in Perfetto and chrome://tracing): one track with one
        complete event per tick and, nested inside it, its stages back to back as they ran
        (scheduling, a synthesis call, scheduling again). Events never overlap (see
        `Profiler.chrome_trace`)."""
        if not self.records:
            return {"traceEvents": [], "displayTimeUnit": "ms"}
        origin = self.records[0].start
        events: list[dict[str, Any]] = [
            {"ph": "M", "pid": 1, "name": "process_name", "args": {"name": f"hud {self.device} speech".strip()}},
            {"ph": "M", "pid": 1, "tid": TICK_TID, "name": "thread_name", "args": {"name": "tick"}},
        ]
        cursor = 0  # ns: the end of the last event
        for record in self.records:
            begin = cursor = max(_ns(record.start - origin), cursor)
            stage_events = []
            for span in record.spans:
                start = max(_ns(span.start - origin), cursor)
                cursor = max(_ns(span.start - origin + span.ms / 1000), start)
                stage_events.append(
                    {
                        "ph": "X",
                        "pid": 1,
                        "tid": TICK_TID,
                        "name": span.stage,
                        "cat": "speech",
                        "ts": start / 1000,
                        "dur": (cursor - start) / 1000,
                    }
                )
            events.append(
                {
                    "ph": "X",
                    "pid": 1,
                    "tid": TICK_TID,
                    "name": f"tick {record.index}",
                    "cat": "tick",
                    "ts": begin / 1000,
                    "dur": (cursor - begin) / 1000,
                    "args": {
                        "t": record.t,
                        "total_ms": round(record.total_ms, 4),
                        "over_budget": record.total_ms > self.budget_ms,
                    },
                }
            )
            events += stage_events
        return {"traceEvents": events, "displayTimeUnit": "ms"}

    def write_trace(self, path: str | Path) -> None:
        _write_atomic(Path(path), json.dumps(self.chrome_trace()).encode())


def link_format(device: DeviceProfile) -> str:
    """The link's image format in words: "1-bit 576x136 full images, both eyes at once"."""
    link = device.link
    if link.kind == "none":
        return ""
    bits = bits_per_pixel(device)
    depth = f"{bits}-bit" + (" indexed" if device.colour != "mono" and bits <= 8 else "")
    if link.update == "full":
        rect = image_rect(device)
        what = f"{depth} {rect.w}x{rect.h} full images"
    else:
        what = f"{depth} regions"
    if link.compression != "none":
        what += f", {link.compression}"
    if len(device.eyes) > 1:
        what += {
            "parallel": ", both eyes at once",
            "serial": ", one eye then the other",
            "once": ", one image for both eyes",
        }[link.eyes]
    return what


def tick_stats(values: list[float]) -> dict[str, float]:
    """mean, p50, p95 and max in ms (nearest-rank percentiles); zeros for no values."""
    if not values:
        return {key: 0.0 for key in TICK_STATS}
    ordered = sorted(values)
    p50, p95 = (ordered[max(0, math.ceil(q * len(ordered)) - 1)] for q in (0.5, 0.95))
    return {key: round(value, 4) for key, value in zip(TICK_STATS, (float(np.mean(ordered)), p50, p95, ordered[-1]))}


def stats(values: list[float], unit: str = "_ms") -> dict[str, float]:
    """mean, p50, p90, p99 and max (nearest-rank percentiles); zeros for no values."""
    keys = ("mean", "p50", "p90", "p99", "max")
    if not values:
        return {f"{k}{unit}": 0.0 for k in keys}
    ordered = sorted(values)
    rank = lambda q: ordered[max(0, math.ceil(q * len(ordered)) - 1)]  # noqa: E731
    out = [float(np.mean(ordered)), rank(0.5), rank(0.9), rank(0.99), ordered[-1]]
    return {f"{k}{unit}": round(float(v), 4) for k, v in zip(keys, out)}


def _ns(seconds: float) -> int:
    return round(seconds * 1e9)


def trace_problems(trace: dict[str, Any]) -> list[str]:
    """What is wrong with a Chrome trace the profiler wrote, as lines (empty: nothing).

    On every track, events nest properly: one that starts inside another ends inside it.
    Frames do not overlap; each holds its stage events side by side (none overlapping
    another), in pipeline order: arranging (update, compose, layout), paint, each eye's raster
    then panel, the sink. Every stage and per-eye event lies inside a frame."""
    problems: list[str] = []
    complete = [e for e in trace.get("traceEvents", []) if e.get("ph") == "X"]
    for event in complete:
        missing = {"ts", "dur", "pid", "tid", "name"} - set(event)
        if missing or event.get("dur", 0) < 0:
            problems.append(f"{event.get('name')!r}: missing {sorted(missing)} or a negative duration")
    if problems:
        return problems
    tracks: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for event in complete:
        tracks.setdefault((event["pid"], event["tid"]), []).append(event)
    for (_, tid), events in tracks.items():
        stack: list[dict[str, Any]] = []
        for event in sorted(events, key=lambda e: (_start(e), -_end(e))):
            while stack and _start(event) >= _end(stack[-1]):
                stack.pop()
            if stack and _end(event) > _end(stack[-1]):
                problems.append(
                    f"track {tid}: {event['name']!r} at {event['ts']} us starts inside "
                    f"{stack[-1]['name']!r} and ends after it"
                )
            stack.append(event)
    frames = sorted((e for e in complete if e.get("cat") == "frame"), key=_start)
    for before, after in zip(frames, frames[1:]):
        if _end(before) > _start(after):
            problems.append(f"{before['name']!r} overlaps {after['name']!r}")
    starts = [_start(frame) for frame in frames]
    stages: dict[int, list[dict[str, Any]]] = {id(frame): [] for frame in frames}
    for event in complete:
        if event.get("cat") not in ("stage", "eye"):
            continue
        owner = _frame_of(event, frames, starts)
        if owner is None:
            problems.append(f"{event.get('cat')} event {event['name']!r} at {event['ts']} us lies outside every frame")
        elif event.get("cat") == "stage":
            if event["tid"] != owner["tid"]:
                problems.append(f"stage {event['name']!r} at {event['ts']} us is not on its frame's track")
            stages[id(owner)].append(event)
    for frame in frames:
        ordered = sorted(stages[id(frame)], key=lambda e: (_start(e), _end(e)))
        for before, after in zip(ordered, ordered[1:]):
            if _end(before) > _start(after):
                problems.append(f"{frame['name']}: stage {after['name']!r} starts before {before['name']!r} ends")
        problems += _order_problems(frame, ordered)
    return problems


def _frame_of(event: dict[str, Any], frames: list[dict[str, Any]], starts: list[int]) -> dict[str, Any] | None:
    """The latest frame (of `frames`, sorted by their `starts`) that holds `event` whole."""
    index = bisect.bisect_right(starts, _start(event)) - 1
    for frame in frames[max(index - 1, 0) : index + 1][::-1]:
        if _start(frame) <= _start(event) and _end(event) <= _end(frame):
            return frame
    return None


def _order_problems(frame: dict[str, Any], stages: list[dict[str, Any]]) -> list[str]:
    """Stages of one frame out of pipeline order (see STAGE_PHASE), or an eye's panel before its raster."""
    problems = []
    phase = 0
    rastered: dict[str, int] = {}
    for event in stages:  # in time order
        name = event["name"]
        if name not in STAGE_PHASE:
            problems.append(f"{frame['name']}: unknown stage {name!r}")
            continue
        if STAGE_PHASE[name] < phase:
            problems.append(f"{frame['name']}: {name!r} runs after a later stage of the pipeline")
        phase = max(phase, STAGE_PHASE[name])
        eye = event.get("args", {}).get("eye", "")
        if name == "raster":
            rastered[eye] = rastered.get(eye, 0) + 1
        elif name == "panel" and rastered.get(eye, 0) < 1:
            problems.append(f"{frame['name']}: the {eye or 'eye'} panel runs before its raster")
        elif name == "panel":
            rastered[eye] -= 1
    return problems


def _at(microseconds: float) -> int:
    """A trace time in whole nanoseconds (the profiler writes µs with 3 decimals)."""
    return round(microseconds * 1000)


def _start(event: dict[str, Any]) -> int:
    return _at(event["ts"])


def _end(event: dict[str, Any]) -> int:
    return _at(event["ts"]) + _at(event["dur"])


def _write_atomic(path: Path, data: bytes) -> None:
    from hud.files import write_bytes

    write_bytes(path, data)
