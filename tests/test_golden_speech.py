"""Golden checks on a device without a display: the transcript of a scene's whole timeline is
pinned as JSON (hud.golden_speech) and compared with times within a tolerance."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from hud import golden_speech

from paths import ROOT as REPO_ROOT

pytest_plugins = ["pytester"]

SCENE = """
[scene]
title = "Short walk"
device = "quark-g1"
duration = "4s"

[[widgets]]
type = "nav_arrow"
id = "turn"
anchor = "top"
maneuver = "left"
distance_m = 60
street = "{street}"

[[widgets]]
type = "notification"
id = "pay"
anchor = "top-right"
visible = false
app = "Alipay"
icon = "wallet"
title = "Paid ¥4.00"
body = "Metro Line 1"

[[timeline]]
at = "1s"
target = "pay"
show = {{ hide_after = "2s" }}
"""
CHECK = """
def test_walk(golden):
    golden.check("walk", "walk.toml"{arguments})
"""
TURN = "In 60 metres, turn left onto Wensan Road"
PAYMENT = "Alipay: paid 4 yuan, Metro Line 1"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project with walk.toml (spoken on quark-g1) and test_walk.py checking it, on the cpu backend
    only (what is said does not depend on the raster backend)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.syspathinsert(REPO_ROOT)
    pytester.makeini("[pytest]\ngolden_backends = cpu\n")
    write_scene(pytester)
    write_check(pytester)
    return pytester


def write_scene(pytester: pytest.Pytester, street: str = "Wensan Road") -> None:
    (pytester.path / "walk.toml").write_text(SCENE.format(street=street), encoding="utf-8")


def write_check(pytester: pytest.Pytester, arguments: str = "") -> None:
    (pytester.path / "test_walk.py").write_text(CHECK.format(arguments=arguments), encoding="utf-8")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "hud.golden", *args)


def golden_path(pytester: pytest.Pytester, name: str = "walk") -> Path:
    return pytester.path / "tests" / "goldens" / "speech" / f"{name}.json"


def artefact(pytester: pytest.Pytester, kind: str, name: str = "walk") -> Path:
    return pytester.path / ".golden-failures" / "speech" / f"{name}-{kind}.json"


def seconds(value: float) -> str:
    """A time as messages show it: two decimals, three where the third is not zero."""
    text = f"{value:.3f}"
    return text.removesuffix("0")


def shift_start(pytester: pytest.Pytester, number: int, seconds: float) -> float:
    """Move one utterance's start in the golden by `seconds`; returns the new golden start."""
    path = golden_path(pytester)
    golden = json.loads(path.read_text(encoding="utf-8"))
    entry = golden["utterances"][number - 1]
    entry["start"] = round(entry["start"] + seconds, 3)
    path.write_text(golden_speech.dumps(golden), encoding="utf-8")
    return entry["start"]


# --------------------------------------------------------------------------
# through pytest, with the real speech engine
# --------------------------------------------------------------------------


def test_missing_golden_fails_with_the_hint(project: pytest.Pytester) -> None:
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "speech golden 'walk': missing tests/goldens/speech/walk.json",
            "*artefacts in .golden-failures/speech/: walk-actual.json",
            "*to create it, run pytest --update-goldens",
        ]
    )
    assert not (project.path / "tests").exists()
    assert [u["text"] for u in json.loads(artefact(project, "actual").read_text("utf-8"))["utterances"]] == [
        TURN,
        PAYMENT,
    ]


def test_update_writes_a_reviewable_golden_that_then_passes(project: pytest.Pytester) -> None:
    result = run(project, "--update-goldens")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*goldens written: 1*", "tests/goldens/speech/walk.json"])
    path = golden_path(project)
    text = path.read_text(encoding="utf-8")
    golden = json.loads(text)
    lines = text.splitlines()
    assert lines[:5] == [
        "{",
        ' "device": "quark-g1",',
        ' "scene": "Short walk",',
        f' "duration": {golden["duration"]},',
        ' "utterances": [',
    ]
    assert [json.loads(line.strip().rstrip(",")) for line in lines[5:-2]] == golden["utterances"]  # one a line
    first, second = golden["utterances"]
    assert list(first) == [
        "id",
        "queued_at",
        "start",
        "end",
        "status",
        "priority",
        "language",
        "earcon",
        "text",
        "reason",
    ]
    assert (first["text"], first["earcon"], first["status"], first["start"]) == (TURN, "turn-left", "spoken", 0.0)
    assert (second["text"], second["earcon"], second["queued_at"]) == (PAYMENT, "payment", 1.0)
    assert second["start"] > first["end"]  # the payment waits for the turn to be said

    written = path.stat().st_mtime_ns
    run(project).assert_outcomes(passed=1)
    run(project, "--update-goldens").assert_outcomes(passed=1)
    assert path.stat().st_mtime_ns == written  # an unchanged transcript is not rewritten


def test_a_changed_text_names_the_utterance(project: pytest.Pytester) -> None:
    run(project, "--update-goldens").assert_outcomes(passed=1)
    write_scene(project, street="Hubin Road")
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"speech golden 'walk': utterance #1 text differs: golden \"{TURN}\" / actual "
            f'"{TURN.replace("Wensan", "Hubin")}"',
            "*golden: tests/goldens/speech/walk.json",
            "*artefacts in .golden-failures/speech/: walk-expected.json, walk-actual.json",
            "*if the change is intended, run pytest --update-goldens",
        ]
    )
    assert artefact(project, "expected").read_bytes() == golden_path(project).read_bytes()

    run(project, "--update-goldens").assert_outcomes(passed=1)
    run(project).assert_outcomes(passed=1)
    assert "Hubin Road" in golden_path(project).read_text(encoding="utf-8")


def test_a_time_shift_passes_within_the_tolerance_and_fails_beyond(project: pytest.Pytester) -> None:
    run(project, "--update-goldens").assert_outcomes(passed=1)
    said = json.loads(golden_path(project).read_text(encoding="utf-8"))["utterances"][1]["start"]
    shift_start(project, 2, 0.04)
    run(project).assert_outcomes(passed=1)

    golden = shift_start(project, 2, 0.16)
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"speech golden 'walk': utterance #2 starts at {seconds(said)} s, golden "
            f"{seconds(golden)} s (tolerance 0.05 s)"
        ]
    )

    write_check(project, ", time_tolerance=0.25")
    run(project).assert_outcomes(passed=1)


def test_more_utterances_than_the_golden_are_named(project: pytest.Pytester) -> None:
    run(project, "--update-goldens").assert_outcomes(passed=1)
    path = golden_path(project)
    golden = json.loads(path.read_text(encoding="utf-8"))
    del golden["utterances"][1]
    path.write_text(golden_speech.dumps(golden), encoding="utf-8")
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"speech golden 'walk': 1 utterance more than the golden: #2 \"{PAYMENT}\""])


def test_the_report_has_the_transcripts_side_by_side(project: pytest.Pytester) -> None:
    run(project, "--update-goldens").assert_outcomes(passed=1)
    write_scene(project, street="Hubin Road")
    run(project).assert_outcomes(failed=1)
    report = (project.path / ".golden-failures" / "report.html").read_text(encoding="utf-8")
    assert "test_walk.py::test_walk[cpu] — walk (transcript, quark-g1)" in report
    assert '<a href="speech/walk-expected.json">expected</a>' in report
    assert '<a href="speech/walk-actual.json">actual</a>' in report
    assert '<table class="transcript">' in report
    assert '<td class="text differs">In 60 metres, turn left onto Wensan Road<small>en</small></td>' in report
    assert '<td class="text differs">In 60 metres, turn left onto Hubin Road<small>en</small></td>' in report
    assert '<td class="earcon">payment</td>' in report
    assert report.count("<tr><td>") == 2  # one row per utterance


def test_at_and_a_pixel_tolerance_are_usage_errors_without_a_display(project: pytest.Pytester) -> None:
    write_check(project, ", at=1.0")
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "golden 'walk': at= does not apply on quark-g1, which has no display: its golden is "
            "the transcript of the whole timeline (remove at=1.0)"
        ]
    )
    write_check(project, ", tolerance=2")
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "golden 'walk': tolerance= is a per-channel pixel tolerance and quark-g1 has no "
            "display (for the transcript's times pass time_tolerance=, in seconds)"
        ]
    )
    assert not (project.path / "tests").exists()


def test_an_explicit_device_and_a_widget_tree_are_spoken(project: pytest.Pytester) -> None:
    (project.path / "walk.toml").write_text(
        SCENE.format(street="Wensan Road").replace("quark-g1", "quark-s1"), encoding="utf-8"
    )
    (project.path / "test_walk.py").write_text(
        textwrap.dedent("""
        import hud

        def test_scene(golden):
            golden.check("walk", "walk.toml", device="quark-g1")

        def test_tree(golden):
            golden.check("tree", hud.NavArrow(maneuver="right", distance_m=30, street="Nanshan Road"),
                         device="quark-g1")
    """),
        encoding="utf-8",
    )
    run(project, "--update-goldens").assert_outcomes(passed=2)
    assert sorted(p.name for p in golden_path(project).parent.iterdir()) == ["tree.json", "walk.json"]
    tree = json.loads(golden_path(project, "tree").read_text(encoding="utf-8"))
    assert (tree["device"], tree["scene"]) == ("quark-g1", "")
    assert [u["earcon"] for u in tree["utterances"]] == ["turn-right"]
    assert not (project.path / "tests" / "goldens" / "cpu").exists()
    run(project).assert_outcomes(passed=2)


def test_two_checks_of_one_name_that_disagree_conflict_on_update(project: pytest.Pytester) -> None:
    (project.path / "test_walk.py").write_text(
        textwrap.dedent("""
        import hud

        def test_first(golden):
            golden.check("walk", "walk.toml")

        def test_second(golden):
            golden.check("walk", hud.Text(text="Hello"), device="quark-g1")
    """),
        encoding="utf-8",
    )
    result = run(project, "--update-goldens")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "speech golden 'walk': conflicting golden updates: tests/goldens/speech/walk.json "
            "was already written in this session by test_walk.py::test_first[[]cpu[]] with a "
            "different transcript; give the checks different names"
        ]
    )


def test_an_unreadable_golden_is_named(project: pytest.Pytester) -> None:
    path = golden_path(project)
    path.parent.mkdir(parents=True)
    path.write_text('{"utterances": [', encoding="utf-8")
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "speech golden 'walk': cannot read tests/goldens/speech/walk.json: not valid JSON "
            "(line 1, column 17: Expecting value)",
            "*to rewrite it, run pytest --update-goldens",
        ]
    )


# --------------------------------------------------------------------------
# the comparison on its own
# --------------------------------------------------------------------------


def utterance(number: int, text: str, start: float | None, end: float | None, **fields: object) -> dict:
    entry = {
        "id": number,
        "queued_at": 0.0,
        "start": start,
        "end": end,
        "status": "spoken",
        "priority": "normal",
        "language": "en",
        "earcon": None,
        "text": text,
        "reason": None,
    }
    return {**entry, **fields}


def transcript(*utterances: dict, duration: float = 5.0) -> dict:
    return {"device": "quark-g1", "scene": "Walk", "duration": duration, "utterances": list(utterances)}


def test_compare_names_each_difference() -> None:
    golden = transcript(
        utterance(1, "Turn left", 0.0, 1.0), utterance(2, "Paid", 1.2, 2.0), utterance(3, "Later", 2.2, 3.0)
    )
    actual = transcript(
        utterance(1, "Turn left", 0.0, 1.05), utterance(2, "Paid", None, None, status="dropped", reason="stale")
    )
    assert golden_speech.compare(golden, actual, 0.05) == [
        'utterance #2 status differs: golden "spoken" / actual "dropped"',
        'utterance #2 reason differs: golden none / actual "stale"',
        "utterance #2 never starts, golden 1.20 s",
        "utterance #2 never ends, golden 2.00 s",
        '1 utterance fewer than the golden: golden #3 "Later" is not said',
    ]


def test_compare_rates_to_a_hundredth_and_skipped_words_exactly() -> None:
    golden = transcript(
        utterance(1, "Turn left", 0.0, 1.0, rate=1.25, skipped={"text": "now", "words": 1, "why": "late"})
    )
    close = transcript(
        utterance(1, "Turn left", 0.0, 1.0, rate=1.255, skipped={"text": "now", "words": 1, "why": "later"})
    )
    assert golden_speech.compare(golden, close, 0.05) == []
    other = transcript(utterance(1, "Turn left", 0.0, 1.0))
    assert golden_speech.compare(golden, other, 0.05) == [
        "utterance #1 rate differs: golden 1.25 / actual 1",
        'utterance #1 skipped words differ: golden "now" / actual none',
    ]


def test_the_golden_form_pins_rate_and_skipped_only_when_they_say_something() -> None:
    record = {
        "scene": "Walk",
        "device": "quark-g1",
        "engine": "x",
        "sample_rate": 22050,
        "duration": 2.3,
        "latency": 0.1,
        "skipped_words": 0,
        "decisions": [],
        "utterances": [
            {
                **utterance(1, "Go", 0.0, 2.0),
                "source": "turn",
                "voice": "en",
                "pan": 0.0,
                "why": "appeared",
                "repeat_of": None,
                "rate": 1.0,
                "words": [],
                "skipped": None,
            },
            {**utterance(2, "Fast", 0.0, 1.0), "rate": 1.5, "skipped": {"text": "b", "words": 1, "why": "late"}},
        ],
    }
    pinned = golden_speech.transcript(record)
    assert list(pinned) == ["device", "scene", "duration", "utterances"]
    assert list(pinned["utterances"][0]) == [
        "id",
        "queued_at",
        "start",
        "end",
        "status",
        "priority",
        "language",
        "earcon",
        "text",
        "reason",
    ]
    assert pinned["utterances"][1]["rate"] == 1.5
    assert pinned["utterances"][1]["skipped"] == {"text": "b", "words": 1, "why": "late"}
    assert json.loads(golden_speech.dumps(pinned)) == pinned
    assert golden_speech.dumps(transcript()).endswith('"utterances": []\n}\n')


# --------------------------------------------------------------------------
# goldens of this repository
# --------------------------------------------------------------------------


@pytest.mark.parametrize("golden_backend", ["cpu"], indirect=True)  # nothing is drawn: once is enough
@pytest.mark.parametrize("stem", ["navigation", "city-walk-timeline"])
def test_example_scene_transcript_on_g1(stem: str, golden) -> None:
    golden.check(f"g1-{stem}", f"scenes/{stem}.toml", device="quark-g1")
