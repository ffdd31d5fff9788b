"""`hud lint`: every rule trips on its fixture and stays quiet on a nearby clean one, the
Finding format, the CLI (text, --json, exit codes, --device all, --at, --ambient), the lint
lines of `hud render`, and the example scenes (no errors on any of their targets).

Fixtures live in tests/lint/: <rule>-trips.toml and <rule>-clean.toml, each saying in a
comment what it shows (low-contrast also has low-contrast-warning-trips.toml).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

import hud
from hud.devices import builtin_names, load_device
from hud.lint import ERROR, RULES, WARNING, Finding, lint
from hud.scene import parse_scene

from cli_support import hud as hud_subprocess
from cli_support import hud_in_process as hud_cli
from paths import EXAMPLES
from paths import LINT_FIXTURES as FIXTURES

DISPLAYS = sorted(name for name in builtin_names() if load_device(name).has_display)
DAYLIGHT = 10000.0

# The bundled fonts lack the fixtures' private-use character on purpose: the shaper warns.
pytestmark = pytest.mark.filterwarnings("ignore:no bundled font has")

# (rule, trip fixture, severity it must have, ambient lux to lint at)
TRIPS = [
    ("overlap", "overlap-trips.toml", ERROR, None),
    ("offscreen", "offscreen-trips.toml", ERROR, None),
    ("hidden", "hidden-trips.toml", WARNING, None),
    ("truncated", "truncated-trips.toml", WARNING, None),
    ("text-too-small", "text-too-small-trips.toml", ERROR, None),
    ("thin-stroke", "thin-stroke-trips.toml", WARNING, None),
    ("low-contrast", "low-contrast-trips.toml", ERROR, DAYLIGHT),
    ("low-contrast", "low-contrast-warning-trips.toml", WARNING, DAYLIGHT),
    ("power", "power-trips.toml", WARNING, None),
    ("burn-in", "burn-in-trips.toml", WARNING, None),
    ("reading-time", "reading-time-trips.toml", WARNING, None),
    ("missing-glyph", "missing-glyph-trips.toml", ERROR, None),
    ("too-near", "too-near-trips.toml", WARNING, None),
    ("colour-lost", "colour-lost-trips.toml", WARNING, None),
    ("link", "link-trips.toml", WARNING, None),
]
# Each clean fixture is linted at the ambient light of its rule's trip fixtures.
AMBIENT = {rule: ambient for rule, _, _, ambient in TRIPS}


def run_lint(path: Path, ambient: float | None = None, **kwargs: object) -> list[Finding]:
    return lint(path, ambient=ambient, **kwargs) if ambient is not None else lint(path, **kwargs)


def table_line(path: Path, widget_id: str) -> int:
    """1-based line of the [[widgets...]] header of the table that holds `id = "widget_id"`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.strip() == f'id = "{widget_id}"')
    return next(n + 1 for n in range(at, -1, -1) if lines[n].strip().startswith("[[widgets"))


def widget_id(finding: Finding) -> str:
    found = re.fullmatch(r"[a-z_]+ '([^']+)'", finding.widget or "")
    assert found, f"the finding names no widget id: {finding}"
    return found.group(1)


# -- every rule: trips and clean -------------------------------------------------------------


def test_every_rule_has_a_trip_and_a_clean_fixture() -> None:
    """The table above covers the 14 rules, and each has both fixtures on disk."""
    assert {rule for rule, *_ in TRIPS} == set(RULES)
    assert len(RULES) == 14
    for rule in RULES:
        for kind in ("trips", "clean"):
            path = FIXTURES / f"{rule}-{kind}.toml"
            assert path.is_file(), path
            assert path.read_text(encoding="utf-8").startswith(f"# {rule}"), f"{path}: say what it shows"


@pytest.mark.parametrize("rule, name, severity, ambient", TRIPS, ids=[name[:-5] for _, name, _, _ in TRIPS])
def test_trip_fixture_trips_its_rule(rule: str, name: str, severity: str, ambient: float | None) -> None:
    """At least one finding of the rule, every one with the expected severity, each pointing at
    the line of its widget's table in the fixture."""
    path = FIXTURES / name
    findings = [f for f in run_lint(path, ambient) if f.rule == rule]
    assert findings, f"{name}: no {rule} finding"
    for finding in findings:
        assert finding.severity == severity, str(finding)
        if rule != "low-contrast":
            assert finding.severity == RULES[rule][0]
        assert finding.file == str(path)
        assert finding.line == table_line(path, widget_id(finding)), str(finding)
        assert finding.message and finding.device in DISPLAYS


@pytest.mark.parametrize("rule", list(RULES))
def test_clean_fixture_does_not_trip_its_rule(rule: str) -> None:
    """The nearby clean variation has no finding of that rule (none at all, in fact)."""
    findings = run_lint(FIXTURES / f"{rule}-clean.toml", AMBIENT[rule])
    assert [str(f) for f in findings if f.rule == rule] == []
    assert [str(f) for f in findings] == []


def test_low_contrast_depends_on_the_ambient_light() -> None:
    """The daylight error fixture is fine indoors (the default 250 lux)."""
    path = FIXTURES / "low-contrast-trips.toml"
    assert not [f for f in lint(path) if f.rule == "low-contrast"]
    (error,) = [f for f in lint(path, ambient=DAYLIGHT) if f.rule == "low-contrast"]
    (warning,) = [
        f for f in lint(FIXTURES / "low-contrast-warning-trips.toml", ambient=DAYLIGHT) if f.rule == "low-contrast"
    ]
    assert error.value < error.limit == 1.2
    assert 1.2 <= warning.value < warning.limit == 1.5
    assert "10000 lux" in error.message


def test_overlap_ignores_a_widget_that_draws_nothing() -> None:
    """At brightness 0 (as at the first moment of a fade or slide in) the pulled-up text draws
    nothing, so it overlaps nothing; a little light and it does."""
    text = (FIXTURES / "overlap-trips.toml").read_text(encoding="utf-8")
    assert "offset = [0, -20]\n" in text

    def rules(brightness: float) -> list[str]:
        scene = parse_scene(text.replace("offset = [0, -20]\n", f"offset = [0, -20]\nbrightness = {brightness}\n"))
        return [f.rule for f in lint(scene, "quark-s1")]

    assert rules(0) == []
    assert rules(0.5) == ["overlap"]


def test_text_too_small_reports_degrees() -> None:
    """10 px on quark-s1 is 0.38 deg, against the 0.6 deg floor."""
    (finding,) = [f for f in lint(FIXTURES / "text-too-small-trips.toml") if f.rule == "text-too-small"]
    assert (finding.value, finding.limit) == (pytest.approx(0.38, abs=0.01), 0.6)
    assert "0.38 deg" in finding.message


def test_thin_stroke_text_on_vuzix() -> None:
    """14 px regular text on the Z100 is legible in size (0.67 deg) but its stems are under 1.5 px;
    bold stems are thick enough."""

    def scene(weight: str) -> hud.Scene:
        return parse_scene(
            f'[scene]\ndevice = "vuzix-z100"\n\n[[widgets]]\ntype = "text"\nid = "eta"\n'
            f'size = 14\nweight = "{weight}"\ntext = "ETA 4 min"\n'
        )

    regular = lint(scene("regular"))
    assert [f.rule for f in regular] == ["thin-stroke"]
    assert regular[0].value < 1.5 and regular[0].device == "vuzix-z100"
    assert lint(scene("bold")) == []


def test_missing_glyph_from_the_legacy_computing_block() -> None:
    """U+1FB00 (Symbols for Legacy Computing) is in no bundled font either."""
    scene = parse_scene('[[widgets]]\ntype = "text"\nid = "t"\ntext = "a \U0001fb00 b"\n')
    (finding,) = [f for f in lint(scene, "quark-s1") if f.rule == "missing-glyph"]
    assert finding.severity == ERROR and "U+1FB00" in finding.message


def test_hidden_message_is_the_compositors_reason() -> None:
    """The message is the reason itself (not "hidden: ..." again after the rule id)."""
    findings = [f for f in lint(FIXTURES / "hidden-trips.toml") if f.rule == "hidden"]
    assert findings
    for finding in findings:
        assert not finding.message.startswith("hidden"), str(finding)
        assert "even-g1" in finding.message


def test_burn_in_without_a_timeline() -> None:
    """[scene] duration alone (no [[timeline]]) makes a static scene run 70 s: one finding for
    the static text (not one per eye), across time (no moment)."""
    findings = [f for f in lint(FIXTURES / "burn-in-trips.toml") if f.rule == "burn-in"]
    assert len(findings) == 1
    (finding,) = findings
    assert finding.widget == "text 'clock'" and finding.time is None
    assert finding.value > 60 and finding.limit == 60


def test_burn_in_names_a_widget_that_appears_later() -> None:
    """The static text is shown at 2 s: the finding still names it and its line."""
    text = (
        (FIXTURES / "burn-in-trips.toml")
        .read_text(encoding="utf-8")
        .replace('id = "clock"\n', 'id = "clock"\nvisible = false\n')
    )
    text += '\n[[timeline]]\nat = "2s"\ntarget = "clock"\nshow = { transition = "none" }\n'
    (finding,) = [f for f in lint(parse_scene(text, "late.toml")) if f.rule == "burn-in"]
    assert finding.widget == "text 'clock'" and finding.line == text.splitlines().index("[[widgets]]") + 1
    assert finding.value == pytest.approx(68.5)


def test_reading_time_is_found_when_the_notification_appears() -> None:
    (finding,) = [f for f in lint(FIXTURES / "reading-time-trips.toml") if f.rule == "reading-time"]
    assert finding.time == 1.0
    assert finding.value == pytest.approx(0.5, abs=0.11) and finding.limit > 2


def test_colour_lost_names_the_colours_past_the_kept_half() -> None:
    """Frame keeps at most 8 text colours exactly; only later ones are lost."""
    findings = [f for f in lint(FIXTURES / "colour-lost-trips.toml") if f.rule == "colour-lost"]
    lost = {widget_id(f) for f in findings}
    assert lost and lost <= {f"c{n}" for n in range(9, 13)}
    assert all(f.device == "frame" and f.value > f.limit for f in findings)


def test_colour_lost_ignores_content_drawn_off_the_display() -> None:
    """A text pushed off the frame display is an offscreen error, not also a lost colour."""
    findings = lint(FIXTURES / "offscreen-trips.toml", "frame")
    assert [f.rule for f in findings] == ["offscreen"]


# -- Finding -------------------------------------------------------------------------------


def test_finding_str_format() -> None:
    """file:line: severity rule: message (widget, device, time)."""
    path = FIXTURES / "overlap-trips.toml"
    (finding,) = lint(path)
    line = table_line(path, "second")
    assert re.fullmatch(r"overlaps text 'first' by \d+x\d+ px in the left eye", finding.message)
    assert str(finding) == f"{path}:{line}: error overlap: {finding.message} (text 'second', quark-s1, 0 s)"


def test_finding_str_without_time_line_or_widget() -> None:
    """Across-time findings have no time; a finding without line or widget drops them."""
    burn = next(f for f in lint(FIXTURES / "burn-in-trips.toml") if f.rule == "burn-in")
    assert str(burn).endswith(f": {burn.message} (text 'clock', quark-s1)")
    bare = Finding("power", WARNING, "x.toml", None, None, "frame", 1.5, "too bright")
    assert str(bare) == "x.toml: warning power: too bright (frame, 1.5 s)"


def test_finding_to_json() -> None:
    finding = lint(FIXTURES / "overlap-trips.toml")[0]
    assert finding.to_json() == {
        "rule": "overlap",
        "severity": "error",
        "file": finding.file,
        "line": finding.line,
        "widget": "text 'second'",
        "device": "quark-s1",
        "time": 0.0,
        "message": finding.message,
        "value": finding.value,
        "limit": 0,
    }


def test_lint_is_importable_from_hud() -> None:
    """hud.lint(scene, device=...) on a file and on a scene built in Python."""
    assert hud.lint is lint and hud.Finding is Finding
    assert [f.rule for f in hud.lint(FIXTURES / "overlap-trips.toml", device="quark-s1")] == ["overlap"]
    scene = hud.Scene(hud.Text(text="Tap to pay", size=10))
    line = sys._getframe().f_lineno - 1  # the line above
    findings = hud.lint(scene, device="quark-s1")
    assert "text-too-small" in {f.rule for f in findings}
    for finding in findings:  # a widget built in Python points at the line that made it
        assert (finding.file, finding.line, finding.device) == (__file__, line, "quark-s1")


def test_device_all_covers_every_display() -> None:
    """'all' lints every built-in profile with a display; quark-g1 (audio only) has no findings."""
    findings = lint(FIXTURES / "offscreen-trips.toml", "all")
    assert sorted({f.device for f in findings if f.rule == "offscreen"}) == DISPLAYS
    assert "quark-g1" not in {f.device for f in findings}
    assert lint(FIXTURES / "offscreen-trips.toml", "quark-g1") == []


# -- the command ---------------------------------------------------------------------------


def test_cli_clean_scene_exits_0() -> None:
    result = hud_cli("lint", FIXTURES / "overlap-clean.toml")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "1 scene(s): 0 error(s), 0 warning(s)\n"


def test_cli_warnings_only_exit_0() -> None:
    result = hud_cli("lint", FIXTURES / "power-trips.toml", FIXTURES / "too-near-trips.toml")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert " warning power: " in lines[0] and " warning too-near: " in lines[1]
    assert lines[-1] == "2 scene(s): 0 error(s), 2 warning(s)"


def test_cli_errors_exit_1_and_print_each_finding() -> None:
    """One line per finding, exactly str(Finding), then the count."""
    path = FIXTURES / "overlap-trips.toml"
    result = hud_cli("lint", path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [str(f) for f in lint(path)] + ["1 scene(s): 1 error(s), 0 warning(s)"]


def test_cli_ambient() -> None:
    """--ambient 10000 turns the dim text into an error; indoors it passes."""
    path = FIXTURES / "low-contrast-trips.toml"
    assert hud_cli("lint", path).returncode == 0
    result = hud_cli("lint", path, "--ambient", "10000")
    assert result.returncode == 1
    assert " error low-contrast: " in result.stdout


@pytest.mark.parametrize(
    "text",
    [
        '[[widgets]]\ntype = "txt"\n',  # unknown type
        '[[widgets]]\ntype = "text"\nbrightness = 1.5\n',  # out of range
        "[scene\n",  # not TOML
    ],
)
def test_cli_broken_scene_exits_2_with_one_line(tmp_path: Path, text: str) -> None:
    """A scene that does not load: one line on stderr naming the file, nothing on stdout, even
    when a good scene comes first (every scene is read before any output)."""
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = hud_cli("lint", FIXTURES / "overlap-trips.toml", bad)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:"), result.stderr


def test_cli_missing_scene_and_bad_options_exit_2(tmp_path: Path) -> None:
    """In a fresh interpreter, as a user runs it (the other command tests run it in this process)."""
    for args in (
        [tmp_path / "gone.toml"],
        [FIXTURES / "overlap-clean.toml", "--device", "nosuch"],
        [FIXTURES / "overlap-clean.toml", "--ambient", "-5"],
    ):
        result = hud_subprocess("lint", *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_cli_json_shape() -> None:
    path = FIXTURES / "text-too-small-trips.toml"
    result = hud_cli("lint", path, "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"findings", "errors", "warnings"}
    assert (document["errors"], document["warnings"]) == (1, 1)
    keys = {"rule", "severity", "file", "line", "widget", "device", "time", "message", "value", "limit"}
    for item in document["findings"]:
        assert set(item) == keys
        assert item["file"] == str(path) and item["line"] == table_line(path, "fine-print")
        assert item["severity"] in (ERROR, WARNING) and item["rule"] in RULES
    assert [item["rule"] for item in document["findings"]] == ["text-too-small", "thin-stroke"]
    assert document["findings"] == [f.to_json() for f in lint(path)]


def test_cli_json_clean() -> None:
    result = hud_cli("lint", FIXTURES / "overlap-clean.toml", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"findings": [], "errors": 0, "warnings": 0}


def test_cli_device_all_skips_the_display_less_g1() -> None:
    result = hud_cli("lint", FIXTURES / "offscreen-trips.toml", "--device", "all", "--json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert sorted({f["device"] for f in findings}) == DISPLAYS
    assert "quark-g1" in builtin_names() and "quark-g1" not in DISPLAYS


MOVES_OFF_AT_2S = """[scene]
device = "quark-s1"

[[widgets]]
type = "text"
id = "speed"
text = "42 km/h"

[[timeline]]
at = "2s"
target = "speed"
set = { offset = [700, 0] }
"""


def test_cli_at_checks_one_moment(tmp_path: Path) -> None:
    """A text pushed off the display at 2 s: found at 2 s by default, not at --at 1s, at 2.5 s
    with --at 2.5s (and only then)."""
    path = tmp_path / "moves.toml"
    path.write_text(MOVES_OFF_AT_2S, encoding="utf-8")
    every = json.loads(hud_cli("lint", path, "--json").stdout)["findings"]
    assert [(f["rule"], f["time"]) for f in every] == [("offscreen", 2.0)]
    before = hud_cli("lint", path, "--at", "1s")
    assert before.returncode == 0 and "0 error(s)" in before.stdout
    after = hud_cli("lint", path, "--at", "2.5s", "--json")
    assert after.returncode == 1
    assert [(f["rule"], f["time"]) for f in json.loads(after.stdout)["findings"]] == [("offscreen", 2.5)]


def test_at_skips_the_rules_across_time() -> None:
    """One moment has no reading time or burn-in to check."""
    assert not [f for f in lint(FIXTURES / "reading-time-trips.toml", at=1.2) if f.rule == "reading-time"]
    assert lint(FIXTURES / "burn-in-trips.toml", at=30.0) == []


def test_cli_bad_at_is_a_usage_error() -> None:
    result = hud_cli("lint", FIXTURES / "overlap-clean.toml", "--at", "soon")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1


def test_render_prints_lint_findings_but_exits_0(tmp_path: Path) -> None:
    """`hud render` of a scene with a lint error still renders and exits 0; the count and the
    first findings go to stderr."""
    path = FIXTURES / "overlap-trips.toml"
    result = hud_cli("render", path, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "left.png").is_file()
    lines = result.stderr.splitlines()
    assert lines[0] == "lint: 1 error(s), 0 warning(s) (run `hud lint` for all)"
    assert lines[1:] == [f"  {lint(path)[0]}"]
    assert "lint:" not in result.stdout


def test_render_of_a_clean_scene_prints_no_lint(tmp_path: Path) -> None:
    result = hud_cli("render", FIXTURES / "overlap-clean.toml", "--out", tmp_path / "out")
    assert (result.returncode, result.stderr) == (0, "")


# -- the example scenes --------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_scene_has_no_lint_errors(path: Path) -> None:
    """Every example scene lints without errors on each of its targets (warnings are allowed)."""
    errors = [str(f) for f in lint(path) if f.severity == ERROR]
    assert errors == []
