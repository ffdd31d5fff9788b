"""Speech goldens: what a device without a display says, pinned as JSON a person can review.

A golden keeps the device, the scene title, the duration and one line per utterance with the
fields that describe what is heard: its words, language, priority, earcon, status and why, and
when it was queued, started and ended. `compare` checks a fresh transcript against it and
names the first utterances that differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "COLUMNS",
    "DEFAULT_TIME_TOLERANCE",
    "TranscriptMismatch",
    "compare",
    "differing_columns",
    "dumps",
    "load",
    "time_span",
    "transcript",
]

DEFAULT_TIME_TOLERANCE = 0.05  # seconds: how far a start, end or queue time may move
RATE_STEP = 0.01  # speaking rates are compared to this step
PROBLEMS_SHOWN = 8  # a failure names at most this many differences
EXTRAS_NAMED = 3  # utterances named when there are more or fewer than the golden

TIME_FIELDS = ("queued_at", "start", "end")
UTTERANCE_FIELDS = (
    "id",
    "queued_at",
    "start",
    "end",
    "status",
    "priority",
    "language",
    "earcon",
    "rate",
    "text",
    "skipped",
    "reason",
)
COLUMNS = ("time", "status", "priority", "earcon", "text")  # of the report's table, per side

_TIME_VERBS = {
    "queued_at": ("is queued at", "is never queued"),
    "start": ("starts at", "never starts"),
    "end": ("ends at", "never ends"),
}
_EXACT_FIELDS = (
    ("text", "text"),
    ("language", "text"),
    ("priority", "priority"),
    ("earcon", "earcon"),
    ("status", "status"),
    ("reason", "status"),
)
_EPSILON = 1e-9  # times and rates are rounded decimals: a difference of exactly the tolerance passes

Transcript = dict[str, Any]


# --------------------------------------------------------------------------
# The golden form
# --------------------------------------------------------------------------


def transcript(record: dict[str, Any]) -> Transcript:
    """The pinned part of a narrator's record (speech.json): device, scene title, duration, and
    per utterance only what is heard and when (rate only when it is not 1, skipped only when set)."""
    return {
        "device": record.get("device"),
        "scene": record.get("scene"),
        "duration": record.get("duration"),
        "utterances": [_pinned(utterance) for utterance in record.get("utterances", [])],
    }


def _pinned(utterance: dict[str, Any]) -> dict[str, Any]:
    entry = {key: utterance.get(key) for key in UTTERANCE_FIELDS if key not in ("rate", "skipped")}
    if _rate(utterance) != 1.0:
        entry["rate"] = _rate(utterance)
    if utterance.get("skipped") is not None:
        entry["skipped"] = utterance["skipped"]
    return {key: entry[key] for key in UTTERANCE_FIELDS if key in entry}


def dumps(golden: Transcript) -> str:
    """The golden as JSON text: the header one key a line, then one utterance a line, so a diff
    shows each changed utterance whole."""
    header = [f" {json.dumps(key)}: {_json(golden.get(key))}," for key in ("device", "scene", "duration")]
    utterances = [f"  {_json(entry)}" for entry in golden.get("utterances", [])]
    body = "[\n" + ",\n".join(utterances) + "\n ]" if utterances else "[]"
    return "{\n" + "\n".join(header) + f'\n "utterances": {body}\n}}\n'


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def load(path: Path) -> Transcript:
    """Read a golden; ValueError names what is wrong with a file that is not one."""
    try:
        golden = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(golden, dict) or not isinstance(golden.get("utterances"), list):
        raise ValueError('not a speech golden (expected an object with an "utterances" list)')
    if not _number_or_null(golden.get("duration")):
        raise ValueError('"duration" must be a number of seconds')
    for number, entry in enumerate(golden["utterances"], 1):
        if not isinstance(entry, dict):
            raise ValueError(f"utterance #{number} is not an object")
        for key in (*TIME_FIELDS, "rate"):
            if not _number_or_null(entry.get(key)):
                raise ValueError(f'utterance #{number}: "{key}" must be a number or null, got {_shown(entry[key])}')
    return golden


def _number_or_null(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------


def compare(golden: Transcript, actual: Transcript, tolerance: float) -> list[str]:
    """What differs, first difference first; empty when the transcripts match. Utterances are
    compared position by position (their ids are those positions): queue, start and end times
    within `tolerance` seconds, rates to 0.01, skipped words by their text, and text, language,
    priority, earcon, status and reason exactly, as are the device and the scene title. The
    duration (the last end plus a fixed tail) is reported only when nothing else differs."""
    problems = [
        f"{key} differs: golden {_shown(golden.get(key))} / actual {_shown(actual.get(key))}"
        for key in ("device", "scene")
        if golden.get(key) != actual.get(key)
    ]
    expected, said = golden["utterances"], actual["utterances"]
    for number, (old, new) in enumerate(zip(expected, said), 1):
        problems += [message for _, message in _entry_problems(number, old, new, tolerance)]
    if len(said) > len(expected):
        problems.append(_count_problem(len(said) - len(expected), "more", said, len(expected)))
    elif len(said) < len(expected):
        problems.append(_count_problem(len(expected) - len(said), "fewer", expected, len(said)))
    if not problems and _time_differs(golden.get("duration"), actual.get("duration"), tolerance):
        problems.append(
            f"the transcript lasts {_seconds(actual.get('duration'))} s, golden "
            f"{_seconds(golden.get('duration'))} s (tolerance {_seconds(tolerance)} s)"
        )
    if len(problems) > PROBLEMS_SHOWN:
        hidden = len(problems) - PROBLEMS_SHOWN
        problems = problems[:PROBLEMS_SHOWN] + [f"... and {hidden} more difference{_plural(hidden)}"]
    return problems


def differing_columns(golden: dict[str, Any] | None, actual: dict[str, Any] | None, tolerance: float) -> set[str]:
    """The report columns (COLUMNS) in which one utterance differs from its golden; every column
    when one side has no such utterance."""
    if golden is None or actual is None:
        return set(COLUMNS)
    return {column for column, _ in _entry_problems(0, golden, actual, tolerance)}


def _entry_problems(
    number: int, golden: dict[str, Any], actual: dict[str, Any], tolerance: float
) -> list[tuple[str, str]]:
    """(report column, message) for each way an utterance differs from its golden."""
    label = f"utterance #{number}"
    problems = [
        (column, f"{label} {key} differs: golden {_shown(golden.get(key))} / actual {_shown(actual.get(key))}")
        for key, column in _EXACT_FIELDS
        if golden.get(key) != actual.get(key)
    ]
    if abs(_rate(golden) - _rate(actual)) >= RATE_STEP - _EPSILON:
        problems.append(("text", f"{label} rate differs: golden {_rate(golden):g} / actual {_rate(actual):g}"))
    old_skip, new_skip = _skipped_text(golden), _skipped_text(actual)
    if old_skip != new_skip:
        problems.append(
            ("text", f"{label} skipped words differ: golden {_shown(old_skip)} / actual {_shown(new_skip)}")
        )
    for key in TIME_FIELDS:
        old, new = golden.get(key), actual.get(key)
        if _time_differs(old, new, tolerance):
            verb, never = _TIME_VERBS[key]
            now = never if new is None else f"{verb} {_seconds(new)} s"
            was = never if old is None else f"{_seconds(old)} s"
            bound = "" if old is None or new is None else f" (tolerance {_seconds(tolerance)} s)"
            problems.append(("time", f"{label} {now}, golden {was}{bound}"))
    return problems


def _count_problem(extra: int, word: str, entries: list[dict[str, Any]], first: int) -> str:
    """E.g. ``2 utterances more than the golden: #12 "...", #13 "..."``."""
    named = ", ".join(
        f"#{number} {_shown(entry.get('text'))}"
        for number, entry in enumerate(entries[first : first + EXTRAS_NAMED], first + 1)
    )
    more = ", ..." if extra > EXTRAS_NAMED else ""
    if word == "more":
        return f"{extra} utterance{_plural(extra)} more than the golden: {named}{more}"
    verb = "is" if extra == 1 else "are"
    return f"{extra} utterance{_plural(extra)} fewer than the golden: golden {named}{more} {verb} not said"


def _time_differs(golden: float | None, actual: float | None, tolerance: float) -> bool:
    if golden is None or actual is None:
        return (golden is None) != (actual is None)
    return abs(golden - actual) > tolerance + _EPSILON


def _rate(utterance: dict[str, Any]) -> float:
    rate = utterance.get("rate")
    return 1.0 if rate is None else float(rate)


def _skipped_text(utterance: dict[str, Any]) -> str | None:
    skipped = utterance.get("skipped")
    return skipped.get("text") if isinstance(skipped, dict) else skipped


# --------------------------------------------------------------------------
# Describing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptMismatch:
    """A failed speech check, for the HTML report: the golden (None when missing or unreadable),
    what was said, and the time tolerance."""

    golden: Transcript | None
    actual: Transcript
    tolerance: float

    def rows(self) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None, set[str]]]:
        """One row per utterance position: (golden utterance, actual utterance, differing columns)."""
        expected = self.golden["utterances"] if self.golden is not None else []
        said = self.actual["utterances"]
        rows = []
        for index in range(max(len(expected), len(said))):
            old = expected[index] if index < len(expected) else None
            new = said[index] if index < len(said) else None
            differs = differing_columns(old, new, self.tolerance) if self.golden is not None else set()
            rows.append((old, new, differs))
        return rows


def time_span(utterance: dict[str, Any]) -> str:
    """E.g. ``3.22–6.33``, or ``queued 1.00`` for an utterance that never started."""
    start, end = utterance.get("start"), utterance.get("end")
    if start is None:
        return f"queued {_seconds(utterance.get('queued_at'))}"
    return f"{_seconds(start)}–{_seconds(end)}" if end is not None else f"{_seconds(start)}–"


def _seconds(value: Any) -> str:
    """Seconds with two decimals, or three where the third is not zero."""
    if not isinstance(value, (int, float)):
        return _shown(value)
    text = f"{value:.3f}"
    return text[:-1] if text.endswith("0") else text


def _shown(value: Any) -> str:
    """A field's value in a message: strings quoted, none for null."""
    if value is None:
        return "none"
    return _json(value)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"
