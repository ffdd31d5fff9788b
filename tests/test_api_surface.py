"""The `hud` package as an app sees it: every name an app uses is in `hud.__all__`, documented
with an example that runs; reprs are short and say what matters; warnings point at the app's
line; asking a display-less device for pixels names `hud.Output`."""

from __future__ import annotations

import doctest
import inspect
import re
import subprocess
import sys
import textwrap
import types
import warnings
from pathlib import Path

import pytest

import hud
from hud.raster.gl import GlRaster, GlUnavailable

from paths import ROOT, SCENES

pytest_plugins = ["pytester"]

PUBLIC = sorted(hud.__all__)
# What an app builds with, draws with, tests with and catches: all of it must be public.
EXPECTED = set(
    """
    Caption Column Icon Image NavArrow Notification Panel PriceCard Progress Row Stack Text Widget
    Scene load_scene parse_scene save_scene scene_schema Timeline Event
    render Renderer Frame Profiler Output measure TextBlock TextLine
    DeviceProfile load_device builtin_names lint Finding GoldenChecker
    HudError FieldError SceneError DeviceError NoDisplayError BackendWarning MissingGlyphWarning
    """.split()
)
REPR_LIMIT = 200


def _here() -> int:
    """The caller's line number."""
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_lineno


def _has_example(name: str, doc: str) -> bool:
    """A doctest, or an indented code block that uses the name."""
    if re.search(r"^\s*>>> ", doc, re.MULTILINE):
        return True
    blocks = re.findall(r"(?:^(?: {4}|\t).*\n?)+", doc, re.MULTILINE)
    return any(name in block for block in blocks)


# -- the names ---------------------------------------------------------------------------------
def test_all_holds_what_an_app_uses_once_each() -> None:
    assert len(hud.__all__) == len(set(hud.__all__)), "a name is listed twice in hud.__all__"
    missing = EXPECTED - set(hud.__all__)
    assert not missing, f"hud.__all__ lacks {sorted(missing)}"


def test_every_class_and_function_hud_imports_is_public() -> None:
    imported = {
        name
        for name, value in vars(hud).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__.startswith("hud.")
    }
    assert imported <= set(hud.__all__), (
        f"hud holds these but hud.__all__ does not: {sorted(imported - set(hud.__all__))}"
    )


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_a_docstring_with_an_example(name: str) -> None:
    value = getattr(hud, name)
    doc = inspect.getdoc(value) or ""
    assert len(doc.split()) >= 5, f"hud.{name} has no docstring worth the name: {doc!r}"
    assert _has_example(name, doc), (
        f"hud.{name}'s docstring has no example: add a `>>>` example (or an indented code block using {name})"
    )


@pytest.mark.parametrize("name", [name for name in PUBLIC if ">>>" in (inspect.getdoc(getattr(hud, name)) or "")])
def test_public_examples_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes files writes them here
    value = getattr(hud, name)
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in finder.find(value, f"hud.{name}", globs={"hud": hud}):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_the_package_docstring_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = hud.__doc__ or ""
    example = textwrap.dedent(doc.split("\n\n", 2)[2].split("\n## ")[0])
    assert "hud.Renderer" in example and "hud.Output" in example
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "hud.__doc__", "exec"), {"__name__": "example"})
    assert sorted(p.name for p in (tmp_path / "out" / "walk").iterdir()) == [
        "layout.json",
        "left.png",
        "preview.png",
        "right.png",
    ]
    assert sorted(p.name for p in (tmp_path / "out" / "walk-g1").iterdir()) == ["speech.json", "speech.wav"]


def test_importing_hud_does_not_import_pytest() -> None:
    """The golden checker is public but needs pytest, which an app needs only in its tests."""
    code = "import sys, hud; print('pytest' in sys.modules, 'GoldenChecker' in dir(hud))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.split() == ["False", "True"]
    assert hud.GoldenChecker.__name__ == "GoldenChecker"


def test_a_misspelt_name_suggests_the_right_one() -> None:
    with pytest.raises(AttributeError, match=r"module 'hud' has no attribute 'Txt' \(did you mean 'Text'\?\)"):
        hud.Txt  # noqa: B018 - the lookup is the test


# -- reprs -------------------------------------------------------------------------------------
def test_frame_repr_names_device_time_damage_and_timings() -> None:
    frame = hud.render(hud.load_scene(SCENES / "city-walk-timeline.toml"), device="quark-s1", at=2.5)
    text = repr(frame)
    assert len(text) < REPR_LIMIT, text
    assert text.startswith("<Frame quark-s1 t=2.5s, 2 eyes 640x480, cpu backend, ")
    assert f"{frame.dirty_px} dirty px" in text
    total = sum(frame.timings_ms.values())
    assert f"{total:.1f} ms (update " in text and "panel " in text
    assert "array" not in text and "DeviceProfile" not in text


def test_frame_repr_of_an_unprofiled_renderer_says_so() -> None:
    renderer = hud.Renderer(hud.Scene(hud.Text(text="Hi")), "quark-s1")
    frame = renderer.frame(0.25)
    assert frame.timings_ms == {}
    assert repr(frame).endswith("not timed (no profiler)>")
    assert "t=0.25s" in repr(frame)


def test_timings_are_filled_by_a_profiler_and_always_by_render() -> None:
    scene = hud.Scene(hud.Text(text="Hi"))
    stages = {"update", "compose", "layout", "paint", "raster", "panel"}
    assert set(hud.render(scene, device="quark-s1").timings_ms) == stages
    profiler = hud.Profiler(16.7, "quark-s1")
    renderer = hud.Renderer(scene, "quark-s1", profiler=profiler)
    assert set(renderer.frame(0.0).timings_ms) == stages
    assert len(profiler.records) == 1
    unchanged = renderer.frame(0.1)  # nothing changed: the stages after compose did not run
    assert set(unchanged.timings_ms) == {"update", "compose"} and unchanged.dirty_px == 0


def test_renderer_repr() -> None:
    scene = hud.load_scene(SCENES / "city-walk-timeline.toml")
    renderer = hud.Renderer(scene, "quark-s1")
    text = repr(renderer)
    assert len(text) < REPR_LIMIT, text
    assert (
        text
        == f"<Renderer scene {scene.title!r} ({len(scene.widgets)} widgets) on quark-s1, cpu backend, not profiled>"
    )
    long_title = hud.Scene(hud.Text(text="a"), title="x" * 500)
    assert len(repr(hud.Renderer(long_title, "quark-s1"))) < REPR_LIMIT


def test_scene_repr_names_title_widgets_device_and_timeline() -> None:
    scene = hud.load_scene(SCENES / "city-walk-timeline.toml")
    assert scene.timeline is not None
    text = repr(scene)
    assert len(text) < REPR_LIMIT, text
    assert text.startswith("<Scene ") and scene.title in text and "quark-s1" in text
    assert f"{len(scene.widgets)} widgets" in text
    assert f"timeline {len(scene.timeline.events)} events" in text
    assert len(repr(hud.Scene(*[hud.Text(text="a" * 300) for _ in range(50)], title="t" * 300))) < REPR_LIMIT


def test_widget_repr_names_type_id_and_main_value() -> None:
    text = repr(hud.Text(id="greeting", text="Hello"))
    assert text.startswith("<text") and "'greeting'" in text and "Hello" in text
    assert len(repr(hud.Text(text="word " * 1000))) < REPR_LIMIT
    assert len(repr(hud.Column(*[hud.Text(text="a") for _ in range(100)]))) < REPR_LIMIT


# -- warnings and errors point at the app ---------------------------------------------------------
def test_missing_glyph_warning_points_at_the_callers_line(fresh_warnings: None) -> None:
    with pytest.warns(hud.MissingGlyphWarning) as caught:
        line = _here() + 1
        hud.measure("surface \U000f0101", 24)
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_missing_glyph_warning_from_a_render_points_at_the_render_call(fresh_warnings: None) -> None:
    scene = hud.Scene(hud.Text(text="surface \U000f0102"))
    with pytest.warns(hud.MissingGlyphWarning) as caught:
        line = _here() + 1
        hud.render(scene, device="quark-s1")
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_missing_glyph_warning_from_an_app_module_points_into_it(
    fresh_warnings: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "glyph_app.py"
    app.write_text(
        "import hud\n\n\ndef draw():\n    return hud.render(hud.Text(text='app \\U000f0103'), device='quark-s1')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__("glyph_app")
    assert isinstance(module, types.ModuleType)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module.draw()
    missing = [w for w in caught if issubclass(w.category, hud.MissingGlyphWarning)]
    assert [(Path(w.filename), w.lineno) for w in missing] == [(app, 5)]


def test_backend_warning_points_at_the_callers_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_context(self: GlRaster, *args: object, **kwargs: object) -> None:
        raise GlUnavailable("no EGL display here")

    monkeypatch.setattr(GlRaster, "__init__", no_context)
    monkeypatch.setattr("hud.raster._unavailable", {})  # forget what this process found out
    with pytest.warns(hud.BackendWarning, match="no EGL display here") as caught:
        line = _here() + 1
        renderer = hud.Renderer(hud.Scene(hud.Text(text="Hi")), "quark-s1", backend="gl")
    assert renderer.backend == "cpu"
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


@pytest.mark.parametrize("device", ["quark-g1"])
def test_render_on_a_device_without_a_display_names_hud_output(device: str) -> None:
    scene = hud.Scene(hud.Text(text="Hello"))
    expected = re.escape(f"use hud.Output(scene, device={device!r})")
    with pytest.raises(hud.NoDisplayError, match=expected) as raised:
        hud.render(scene, device=device)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{device} has no display")
    assert "speech.json" in message and "speech.wav" in message
    with pytest.raises(hud.NoDisplayError, match=expected):
        hud.Renderer(scene, device)
    hud.Output(scene, device=device).update(0.0)  # what the message says to use works


# -- golden failures -------------------------------------------------------------------------------
GOLDEN_SCENE = """
[scene]
device = "quark-s1"

[[widgets]]
type = "text"
id = "speed"
text = "{speed}"
anchor = "top"
"""


def test_a_golden_mismatch_names_the_region_and_the_widgets_on_its_first_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.syspathinsert(ROOT)
    pytester.makeini("[pytest]\ngolden_backends = cpu\n")
    pytester.makepyfile(test_speed='def test_speed(golden):\n    golden.check("speed", "speed.toml")\n')
    scene = pytester.path / "speed.toml"
    scene.write_text(GOLDEN_SCENE.format(speed="42 km/h"), encoding="utf-8")
    pytester.runpytest_inprocess("-p", "hud.golden", "--update-goldens").assert_outcomes(passed=1)
    scene.write_text(GOLDEN_SCENE.format(speed="43 km/h"), encoding="utf-8")
    result = pytester.runpytest_inprocess("-p", "hud.golden")
    result.assert_outcomes(failed=1)
    first = next(line for line in result.stdout.lines if "golden image mismatch for 'speed'" in line)
    assert re.search(
        r"golden image mismatch for 'speed' \(eye: left, backend: cpu, tolerance: 0\): differing region "
        r"x \d+\.\.\d+, y \d+\.\.\d+ \(\d+x\d+ px\); widgets there: text 'speed' \(speed\.toml:5\)$",
        first,
    ), first
