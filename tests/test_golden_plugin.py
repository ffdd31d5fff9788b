"""Tests for the golden-image pytest plugin (hud.golden), run through pytester.

Most inner runs keep to the cpu backend (`golden_backends = cpu`); the parity tests at the end
run gl too, with the GL backend's availability faked, since their frames are given, not drawn."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hud import golden as golden_plugin
from hud.golden import backends, png
from hud.golden.backends import ALLOW_NO_GL

from paths import ROOT as REPO_ROOT

pytest_plugins = ["pytester"]

CPU_ONLY = "[pytest]\ngolden_backends = cpu\n"
GL_ONLY = "[pytest]\ngolden_backends = gl\n"
BOTH_BACKENDS = "[pytest]\n"  # the default: cpu gl

# Prepended to every inner test file: a stand-in for hud.Frame.
INNER_PRELUDE = '''
import numpy as np


class FakeFrame:
    """Duck-typed hud.Frame."""

    def __init__(self, eyes, backend="cpu"):
        self.eyes = eyes
        self.backend = backend


def mono(value=0, height=4, width=6):
    return np.full((height, width), value, dtype=np.uint8)


def rgb(colour=(10, 20, 30), height=4, width=6):
    return np.broadcast_to(np.array(colour, dtype=np.uint8), (height, width, 3)).copy()
'''


# Inner test helper: a 20x20 panel (400 pixels, so 2 pixels are 0.5 %).
PANEL_HELPERS = '''
        def panel(count=0, by=0):
            """A 20x20 mono panel of level 100, its first `count` pixels `by` levels brighter."""
            image = mono(100, 20, 20)
            image.flat[:count] += by
            return image
'''


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester whose runs load only hud.golden (no auto-loaded plugins), on the cpu backend."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv(ALLOW_NO_GL, raising=False)
    pytester.syspathinsert(REPO_ROOT)
    pytester.makeini(CPU_ONLY)
    return pytester


@pytest.fixture
def gl_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The GL backend counts as able to render (the inner tests give frames, nothing is drawn)."""
    monkeypatch.setattr(backends, "backend_problem", lambda name: None)


def write_tests(pytester: pytest.Pytester, **files: str) -> None:
    """Write inner test modules (each gets the FakeFrame prelude)."""
    pytester.makepyfile(**{name: INNER_PRELUDE + textwrap.dedent(body) for name, body in files.items()})


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "hud.golden", *args)


def golden_file(root: Path, name: str, eye: str = "left", backend: str = "cpu") -> Path:
    return root / "tests" / "goldens" / backend / f"{name}-{eye}.png"


def artefact(root: Path, stem: str, kind: str, backend: str = "cpu") -> Path:
    return root / ".golden-failures" / backend / f"{stem}-{kind}.png"


def save_png(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def load_png(path: Path) -> tuple[str, np.ndarray]:
    with Image.open(path) as image:
        return image.mode, np.array(image)


def mono(value: int = 0, height: int = 4, width: int = 6) -> np.ndarray:
    return np.full((height, width), value, dtype=np.uint8)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under folder with its mtime and content."""
    return {
        str(path.relative_to(folder)): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --------------------------------------------------------------------------
# missing goldens and --update-goldens
# --------------------------------------------------------------------------


def test_missing_golden_fails_with_hint(inner: pytest.Pytester) -> None:
    write_tests(
        inner,
        test_hud="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(), "right": mono()}))
    """,
    )
    result = run(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*golden image missing for 'hello' (eye: left, backend: cpu)*",
            "*golden: tests/goldens/cpu/hello-left.png*",
            "*to create it, run pytest --update-goldens*",
        ]
    )
    assert not (inner.path / "tests" / "goldens").exists()
    assert artefact(inner.path, "hello-left", "actual").is_file()


def test_update_creates_goldens_then_plain_run_passes(inner: pytest.Pytester) -> None:
    write_tests(
        inner,
        test_hud="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(7), "right": mono(9)}))
    """,
    )
    result = run(inner, "--update-goldens")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*goldens written: 2*", "tests/goldens/cpu/hello-left.png"])
    left, right = (
        golden_file(inner.path, "hello"),
        golden_file(inner.path, "hello", "right"),
    )
    assert load_png(left)[0] == "L"
    np.testing.assert_array_equal(load_png(left)[1], mono(7))
    np.testing.assert_array_equal(load_png(right)[1], mono(9))

    run(inner).assert_outcomes(passed=1)


def test_update_does_not_rewrite_unchanged_goldens(inner: pytest.Pytester) -> None:
    path = golden_file(inner.path, "same")
    save_png(path, mono(3))
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    write_tests(
        inner,
        test_hud="""
        def test_same(golden):
            golden.check("same", FakeFrame({"left": mono(3)}))
    """,
    )
    result = run(inner, "--update-goldens")
    result.assert_outcomes(passed=1)
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert "goldens written" not in result.stdout.str()


def test_update_rewrites_a_changed_golden(inner: pytest.Pytester) -> None:
    path = golden_file(inner.path, "hello")
    save_png(path, mono(0))
    write_tests(
        inner,
        test_hud="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(50)}))
    """,
    )
    run(inner, "--update-goldens").assert_outcomes(passed=1)
    np.testing.assert_array_equal(load_png(path)[1], mono(50))
    assert sorted(p.name for p in path.parent.iterdir()) == ["hello-left.png"]


def test_conflicting_updates_fail(inner: pytest.Pytester) -> None:
    write_tests(
        inner,
        test_hud="""
        def test_first(golden):
            golden.check("shared", FakeFrame({"left": mono(1)}))

        def test_second(golden):
            golden.check("shared", FakeFrame({"left": mono(2)}))
    """,
    )
    result = run(inner, "--update-goldens")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*conflicting golden updates for 'shared'*",
            "*already checked in this session by test_hud.py::test_first*",
        ]
    )
    np.testing.assert_array_equal(load_png(golden_file(inner.path, "shared"))[1], mono(1))


# --------------------------------------------------------------------------
# mismatches
# --------------------------------------------------------------------------


def test_changed_pixels_fail_with_details_artefacts_and_report(
    inner: pytest.Pytester,
) -> None:
    save_png(golden_file(inner.path, "hello"), mono(0))
    save_png(golden_file(inner.path, "hello", "right"), mono(0))
    write_tests(
        inner,
        test_hud="""
        def test_hello(golden):
            left = mono(0)
            left[1, 0] = 30    # (x=0, y=1)
            left[0, 5] = 200   # (x=5, y=0): first in row-major order
            golden.check("hello", FakeFrame({"left": left, "right": mono(0)}))
    """,
    )
    result = run(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*golden image mismatch for 'hello' (eye: left, backend: cpu, tolerance: 0)*",
            "*golden: tests/goldens/cpu/hello-left.png*",
            "*8.33% of pixels differ (2 of 24); max channel difference 200*",
            "*first difference at (x=5, y=0) expected 0 got 200*",
            (
                "*artefacts in .golden-failures/cpu/: hello-left-expected.png, hello-left-actual.png,"
                " hello-left-diff.png, hello-left-isolated.png*"
            ),
        ]
    )
    assert "eye: right" not in result.stdout.str()

    for kind in ("expected", "actual", "diff", "isolated"):
        assert artefact(inner.path, "hello-left", kind).is_file()
    assert not artefact(inner.path, "hello-right", "actual").exists()
    mode, diff = load_png(artefact(inner.path, "hello-left", "diff"))
    assert mode == "RGB"
    assert tuple(diff[0, 5]) == (255, 0, 0)
    assert tuple(diff[1, 0]) == (255, 0, 0)
    assert diff[2, 2, 0] == diff[2, 2, 1] == diff[2, 2, 2]  # grey elsewhere
    np.testing.assert_array_equal(load_png(artefact(inner.path, "hello-left", "actual"))[1][0, 5], 200)

    report = inner.path / ".golden-failures" / "report.html"
    text = report.read_text(encoding="utf-8")
    assert "test_hud.py::test_hello" in text
    assert 'src="cpu/hello-left-expected.png"' in text
    assert 'src="cpu/hello-left-actual.png"' in text
    assert 'src="cpu/hello-left-diff.png"' in text
    assert "image-rendering: pixelated" in text
    result.stdout.fnmatch_lines([f"*report: {report}*"])


def test_rgb_frames(inner: pytest.Pytester) -> None:
    write_tests(
        inner,
        test_create="""
        def test_colour(golden):
            golden.check("colour", FakeFrame({"left": rgb((10, 20, 30))}))
    """,
        test_change="""
        def test_colour(golden):
            image = rgb((10, 20, 30))
            image[3, 2] = (10, 20, 99)
            golden.check("colour", FakeFrame({"left": image}))
    """,
    )
    run(inner, "test_create.py", "--update-goldens").assert_outcomes(passed=1)
    mode, pixels = load_png(golden_file(inner.path, "colour"))
    assert mode == "RGB" and pixels.shape == (4, 6, 3)
    run(inner, "test_create.py").assert_outcomes(passed=1)

    result = run(inner, "test_change.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*4.17% of pixels differ (1 of 24); max channel difference 69*",
            "*first difference at (x=2, y=3) expected (10, 20, 30) got (10, 20, 99)*",
        ]
    )
    assert tuple(load_png(artefact(inner.path, "colour-left", "diff"))[1][3, 2]) == (
        255,
        0,
        0,
    )


def test_an_explicit_tolerance_allows_that_many_levels_on_every_backend(
    inner: pytest.Pytester, gl_renders: None
) -> None:
    inner.makeini(BOTH_BACKENDS)
    save_png(golden_file(inner.path, "noisy"), mono(100))
    write_tests(
        inner,
        test_hud="""
        def test_within(golden):
            golden.check("noisy", FakeFrame({"left": mono(105)}, backend=golden.backend), tolerance=5)

        def test_beyond(golden):
            golden.check("noisy", FakeFrame({"left": mono(106)}, backend=golden.backend), tolerance=5)

        def test_cpu_is_exact_by_default(golden):
            golden.check("noisy", FakeFrame({"left": mono(101)}, backend=golden.backend))
    """,
    )
    result = run(inner, "-v")
    result.assert_outcomes(passed=2, failed=4)
    result.stdout.fnmatch_lines(
        [
            "*test_within[[]cpu[]] PASSED*",
            "*test_within[[]gl[]] PASSED*",
            "*test_beyond[[]cpu[]] FAILED*",
            "*test_beyond[[]gl[]] FAILED*",
            "*test_cpu_is_exact_by_default[[]cpu[]] FAILED*",
            "*test_cpu_is_exact_by_default[[]gl[]] FAILED*",  # every pixel differs: over 0.5 %
        ]
    )
    result.stdout.fnmatch_lines(["*backend: gl, tolerance: 5)*", "*100.00% of pixels differ (24 of 24)*"])
    assert artefact(inner.path, "noisy-left", "diff", backend="gl").is_file()


def test_gl_is_held_to_the_cpu_golden_within_the_parity_tolerance(inner: pytest.Pytester, gl_renders: None) -> None:
    inner.makeini(GL_ONLY)
    save_png(golden_file(inner.path, "panel"), mono(100, 20, 20))
    write_tests(
        inner,
        test_hud=PANEL_HELPERS
        + """
        def test_identical(golden):
            golden.check("panel", FakeFrame({"left": panel()}, backend=golden.backend))

        def test_two_levels_on_half_a_percent(golden):
            golden.check("panel", FakeFrame({"left": panel(2, 2)}, backend=golden.backend))

        def test_three_levels(golden):
            golden.check("panel", FakeFrame({"left": panel(1, 3)}, backend=golden.backend))

        def test_too_many_pixels(golden):
            golden.check("panel", FakeFrame({"left": panel(3, 1)}, backend=golden.backend))
    """,
    )
    result = run(inner, "-v")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*test_three_levels[[]gl[]] FAILED*",
            "*golden image mismatch for 'panel' (eye: left, backend: gl, tolerance: 2 levels on at most 0.5% "
            "of pixels)*",
            "*golden: tests/goldens/cpu/panel-left.png*",
            "*0.25% of pixels differ (1 of 400); max channel difference 3*",
            "*a difference a person can see is a bug in the gl backend; where exact parity cannot be had, "
            "pytest --update-goldens keeps tests/goldens/gl/panel-left.png for it*",
        ]
    )
    result.stdout.fnmatch_lines(["*0.75% of pixels differ (3 of 400); max channel difference 1*"])
    assert not (inner.path / "tests" / "goldens" / "gl").exists()


def test_gpu_tolerance_ini_option(inner: pytest.Pytester, gl_renders: None) -> None:
    inner.makeini(GL_ONLY + "golden_tolerance_gpu = 3\n")
    save_png(golden_file(inner.path, "panel"), mono(100, 20, 20))
    write_tests(
        inner,
        test_hud=PANEL_HELPERS
        + """
        def test_within(golden):
            golden.check("panel", FakeFrame({"left": panel(1, 3)}, backend=golden.backend))

        def test_beyond(golden):
            golden.check("panel", FakeFrame({"left": panel(1, 4)}, backend=golden.backend))
    """,
    )
    run(inner).assert_outcomes(passed=1, failed=1)


def test_invalid_gpu_tolerance_ini_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makeini(CPU_ONLY + "golden_tolerance_gpu = lots\n")
    write_tests(inner, test_hud="def test_nothing():\n    pass\n")
    result = run(inner)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*golden_tolerance_gpu must be a non-negative integer*"])


@pytest.mark.parametrize(
    ("actual", "described"),
    [
        ("mono(0, height=5)", "rendered image is 6x5 mono (L)"),
        ("rgb((0, 0, 0))", "rendered image is 6x4 colour (RGB)"),
    ],
)
def test_size_or_mode_mismatch(inner: pytest.Pytester, actual: str, described: str) -> None:
    save_png(golden_file(inner.path, "panel"), mono(0))
    write_tests(
        inner,
        test_hud=f"""
        def test_panel(golden):
            golden.check("panel", FakeFrame({{"left": {actual}}}))
    """,
    )
    result = run(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*golden image does not match 'panel' (eye: left, backend: cpu)*",
            f"*size or mode mismatch: golden is 6x4 mono (L), {described}*",
        ]
    )
    assert artefact(inner.path, "panel-left", "expected").is_file()
    assert artefact(inner.path, "panel-left", "actual").is_file()
    assert not artefact(inner.path, "panel-left", "diff").exists()


def test_unreadable_golden_fails_clearly(inner: pytest.Pytester) -> None:
    path = golden_file(inner.path, "broken")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    write_tests(
        inner,
        test_hud="""
        def test_broken(golden):
            golden.check("broken", FakeFrame({"left": mono()}))
    """,
    )
    result = run(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*cannot read the golden*"])
    run(inner, "--update-goldens").assert_outcomes(passed=1)
    np.testing.assert_array_equal(load_png(path)[1], mono())


# --------------------------------------------------------------------------
# arguments and rendering
# --------------------------------------------------------------------------


def test_invalid_names_and_arguments_raise(inner: pytest.Pytester) -> None:
    write_tests(
        inner,
        test_hud="""
        import pytest

        @pytest.mark.parametrize("name", ["", "../escape", "a/b", "with space", "caf\\u00e9", "x\\n"])
        def test_bad_name(golden, name):
            with pytest.raises(ValueError, match="invalid golden name"):
                golden.check(name, FakeFrame({"left": mono()}))

        def test_bad_tolerance(golden):
            with pytest.raises(ValueError, match="tolerance must be a non-negative integer"):
                golden.check("ok", FakeFrame({"left": mono()}), tolerance=-1)

        def test_bad_image(golden):
            with pytest.raises(ValueError, match="uint8 array of shape"):
                golden.check("ok", FakeFrame({"left": mono().astype(float)}))

        def test_device_with_frame(golden):
            with pytest.raises(ValueError, match="only apply when golden.check renders"):
                golden.check("ok", FakeFrame({"left": mono()}), device="mono-640")
    """,
    )
    run(inner, "--update-goldens").assert_outcomes(passed=9)
    assert not (inner.path / "tests" / "goldens").exists()


def test_non_frame_targets_are_rendered_with_hud(inner: pytest.Pytester) -> None:
    save_png(golden_file(inner.path, "scene"), mono(4))
    scene = inner.path / "scenes" / "demo.toml"
    scene.parent.mkdir()
    scene.write_text("", encoding="utf-8")
    write_tests(
        inner,
        test_hud="""
        from pathlib import Path

        def test_render(golden, monkeypatch):
            calls = []

            def fake_render(target, *, device=None, at=0.0, backend="cpu"):
                calls.append((target, device, at))
                return FakeFrame({"left": mono(4)})

            monkeypatch.setattr("hud.renderer.render", fake_render)
            golden.check("scene", "scenes/demo.toml", device="mono-640", at=1.5, lint=False)
            assert calls == [(Path(__file__).parent / "scenes/demo.toml", "mono-640", 1.5)]
    """,
    )
    run(inner).assert_outcomes(passed=1)


def test_golden_dir_ini_option(inner: pytest.Pytester) -> None:
    inner.makeini(CPU_ONLY + "golden_dir = goldens/custom\n")
    write_tests(
        inner,
        test_hud="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(1)}))
            assert golden.path("hello", "left").as_posix().endswith("goldens/custom/cpu/hello-left.png")
    """,
    )
    run(inner, "--update-goldens").assert_outcomes(passed=1)
    assert (inner.path / "goldens" / "custom" / "cpu" / "hello-left.png").is_file()
    assert not (inner.path / "tests").exists()


# --------------------------------------------------------------------------
# never writing goldens without the flag; report lifecycle
# --------------------------------------------------------------------------


def test_without_flag_nothing_is_written_to_golden_dir(inner: pytest.Pytester) -> None:
    save_png(golden_file(inner.path, "same"), mono(1))
    save_png(golden_file(inner.path, "changed"), mono(1))
    golden_dir = inner.path / "tests" / "goldens"
    before = snapshot(golden_dir)
    write_tests(
        inner,
        test_hud="""
        def test_same(golden):
            golden.check("same", FakeFrame({"left": mono(1)}))

        def test_changed(golden):
            golden.check("changed", FakeFrame({"left": mono(2)}))

        def test_new(golden):
            golden.check("new", FakeFrame({"left": mono(3)}))
    """,
    )
    run(inner).assert_outcomes(passed=1, failed=2)
    assert snapshot(golden_dir) == before
    assert not golden_file(inner.path, "new").exists()


def test_report_and_stale_artefacts_removed_on_clean_run(
    inner: pytest.Pytester,
) -> None:
    save_png(golden_file(inner.path, "hello"), mono(0))
    write_tests(
        inner,
        test_fail="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(1)}))
    """,
        test_pass="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(0)}))
    """,
    )
    failures = inner.path / ".golden-failures"
    run(inner, "test_fail.py").assert_outcomes(failed=1)
    assert (failures / "report.html").is_file()
    assert artefact(inner.path, "hello-left", "diff").is_file()

    result = run(inner, "test_pass.py")
    result.assert_outcomes(passed=1)
    assert not (failures / "report.html").exists()
    assert not artefact(inner.path, "hello-left", "diff").exists()
    assert "golden failures" not in result.stdout.str()


# --------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------


def test_interrupted_update_leaves_no_partial_file(inner: pytest.Pytester) -> None:
    old = golden_file(inner.path, "old")
    save_png(old, mono(0))
    old_bytes = old.read_bytes()
    write_tests(
        inner,
        test_hud="""
        import hud.golden.png

        def broken_save(image, handle):
            handle.write(b"\\x89PNG\\r\\n\\x1a\\n half a png")
            raise OSError("disk full")

        def test_rewrite(golden, monkeypatch):
            monkeypatch.setattr(hud.golden.png, "_save_png", broken_save)
            golden.check("old", FakeFrame({"left": mono(9)}))

        def test_create(golden, monkeypatch):
            monkeypatch.setattr(hud.golden.png, "_save_png", broken_save)
            golden.check("fresh", FakeFrame({"left": mono(9)}))
    """,
    )
    result = run(inner, "--update-goldens")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*OSError: disk full*"])
    assert old.read_bytes() == old_bytes
    assert not golden_file(inner.path, "fresh").exists()
    assert sorted(p.name for p in old.parent.iterdir()) == ["old-left.png"]


def test_write_png_atomic_cleans_up_on_interrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cpu" / "frame-left.png"

    def interrupted(image: np.ndarray, handle) -> None:
        handle.write(b"\x89PNG partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(png, "_save_png", interrupted)
    with pytest.raises(KeyboardInterrupt):
        golden_plugin.write_png_atomic(target, mono())
    assert list(target.parent.iterdir()) == []

    monkeypatch.undo()
    golden_plugin.write_png_atomic(target, mono(5))
    assert list(target.parent.iterdir()) == [target]
    np.testing.assert_array_equal(golden_plugin.load_png(target), mono(5))


# --------------------------------------------------------------------------
# comparison helpers
# --------------------------------------------------------------------------


def test_compare_images_summary_and_tolerance() -> None:
    expected = np.zeros((480, 640), dtype=np.uint8)
    actual = expected.copy()
    actual.flat[:1290] = 3
    diff = golden_plugin.compare_images(expected, actual, tolerance=2)
    assert diff is not None
    assert diff.summary() == "0.42% of pixels differ (1290 of 307200)"
    assert (diff.first_x, diff.first_y, diff.max_difference) == (0, 0, 3)
    assert golden_plugin.compare_images(expected, actual, tolerance=3) is None

    one = expected.copy()
    one[479, 639] = 1
    diff = golden_plugin.compare_images(expected, one)
    assert diff is not None
    assert diff.summary() == "0.00033% of pixels differ (1 of 307200)"
    assert (diff.first_x, diff.first_y) == (639, 479)


# --------------------------------------------------------------------------
# backends: every golden test once per backend, gl held to the cpu goldens
# --------------------------------------------------------------------------


def test_every_golden_test_runs_once_per_backend(inner: pytest.Pytester, gl_renders: None) -> None:
    inner.makeini(BOTH_BACKENDS)
    write_tests(
        inner,
        test_hud="""
        import pytest

        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(7)}, backend=golden.backend))

        @pytest.mark.parametrize("golden_backend", ["cpu"], indirect=True)
        def test_pinned(golden):
            assert golden.backend == "cpu"

        def test_plain():
            pass
    """,
    )
    result = run(inner, "--update-goldens", "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*test_hello[[]cpu[]] PASSED*",
            "*test_hello[[]gl[]] PASSED*",
            "*test_pinned[[]cpu[]] PASSED*",
            "*test_plain PASSED*",
            "*goldens written: 1*",
            "tests/goldens/cpu/hello-left.png",
        ]
    )
    assert not (inner.path / "tests" / "goldens" / "gl").exists()  # gl matches the cpu golden exactly
    result = run(inner)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*golden parity with the cpu goldens*", "gl: 1 check(s): 1 identical"])


def test_the_summary_and_report_give_each_checks_difference_per_backend(
    inner: pytest.Pytester, gl_renders: None
) -> None:
    inner.makeini(BOTH_BACKENDS)
    for name, eye in (("panel", "left"), ("panel", "right"), ("same", "left")):
        save_png(golden_file(inner.path, name, eye), mono(100, 20, 20))
    write_tests(
        inner,
        test_hud=PANEL_HELPERS
        + """
        def test_panel(golden):
            image = panel(2, 2) if golden.backend == "gl" else panel()
            golden.check("panel", FakeFrame({"left": image, "right": panel()}, backend=golden.backend))

        def test_same(golden):
            golden.check("same", FakeFrame({"left": panel()}, backend=golden.backend))
    """,
    )
    result = run(inner)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*golden parity with the cpu goldens*",
            "tolerance off cpu: 2 levels on at most 0.5% of pixels; cpu is exact",
            "gl: 2 check(s): 1 within tolerance, 1 identical",
            "  panel  largest difference 2, 0.50% of pixels differ",
            "report: *report.html",
        ]
    )
    assert "  same " not in result.stdout.str()  # identical checks are counted, listed with -v
    run(inner, "-v").stdout.fnmatch_lines(["cpu: 2 check(s): 2 identical", "  panel  largest difference 0, 0.00%*"])

    assert (inner.path / ".golden-failures" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    text = (inner.path / ".golden-failures" / "report.html").read_text(encoding="utf-8")
    assert "Every golden comparison passed" in text and "Parity with the cpu goldens" in text
    assert (
        '<tr><td>panel</td><td>gl</td><td class="number">2</td><td class="number">0.50% (2)</td>'
        "<td>cpu</td><td>within tolerance</td></tr>"
    ) in text
    assert '<td>same</td><td>cpu</td><td class="number">0</td><td class="number">0.00% (0)</td>' in text


def test_gl_keeps_its_own_golden_only_where_parity_cannot_be_had(inner: pytest.Pytester, gl_renders: None) -> None:
    inner.makeini(GL_ONLY)
    reference = golden_file(inner.path, "panel")
    save_png(reference, mono(100, 20, 20))
    save_png(golden_file(inner.path, "close"), mono(100, 20, 20))
    stale = golden_file(inner.path, "close", backend="gl")
    save_png(stale, mono(7, 20, 20))
    before = snapshot(reference.parent)
    checks = (
        PANEL_HELPERS
        + """
        def test_close(golden):
            golden.check("close", FakeFrame({"left": panel(1, 1)}, backend=golden.backend))

        def test_far(golden):
            golden.check("panel", FakeFrame({"left": panel(1, FAR)}, backend=golden.backend))
    """
    )
    write_tests(inner, test_hud="        FAR = 9\n" + checks)
    result = run(inner, "--update-goldens")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*goldens written: 1*",
            "tests/goldens/gl/panel-left.png",
            "*goldens removed (within tolerance of cpu): 1*",
            "tests/goldens/gl/close-left.png",
        ]
    )
    assert snapshot(reference.parent) == before  # the cpu goldens are never written by gl
    assert not stale.exists()
    np.testing.assert_array_equal(load_png(golden_file(inner.path, "panel", backend="gl"))[1][0, :2], [109, 100])

    result = run(inner)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["  panel  largest difference 9, 0.25% of pixels differ [[]gl golden[]]"])

    write_tests(inner, test_hud="        FAR = 12\n" + checks)  # a change on gl: held to its own golden now
    result = run(inner)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*golden: tests/goldens/gl/panel-left.png*", "*if the change is intended, run pytest --update-goldens*"]
    )


def test_a_gl_golden_that_is_no_longer_needed_is_named_and_removed_on_update(
    inner: pytest.Pytester, gl_renders: None
) -> None:
    inner.makeini(GL_ONLY)
    save_png(golden_file(inner.path, "panel"), mono(100, 20, 20))
    own = mono(100, 20, 20)
    own[0, 0] = 103  # 3 levels off: kept when gl drew it so
    save_png(golden_file(inner.path, "panel", backend="gl"), own)
    write_tests(
        inner,
        test_hud=PANEL_HELPERS
        + """
        def test_panel(golden):
            golden.check("panel", FakeFrame({"left": panel(1, 1)}, backend=golden.backend))
    """,
    )
    result = run(inner)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  panel  largest difference 1, 0.25% of pixels differ [[]gl golden, no longer "
            "needed: pytest --update-goldens removes it[]]"
        ]
    )
    result = run(inner, "--update-goldens")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*goldens removed (within tolerance of cpu): 1*", "tests/goldens/gl/panel-left.png"])
    assert not golden_file(inner.path, "panel", backend="gl").exists()


def test_updating_gl_needs_the_cpu_golden(inner: pytest.Pytester, gl_renders: None) -> None:
    inner.makeini(GL_ONLY)
    write_tests(
        inner,
        test_hud="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(7)}, backend=golden.backend))
    """,
    )
    result = run(inner, "--update-goldens")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*golden image missing for 'hello' (eye: left, backend: gl)*",
            "*golden: tests/goldens/cpu/hello-left.png*",
            "*the cpu variant writes it: run pytest --update-goldens with cpu in golden_backends*",
        ]
    )
    assert not (inner.path / "tests" / "goldens").exists()


def test_gl_checks_fail_or_skip_saying_why_where_gl_cannot_render(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backends, "backend_problem", lambda name: None if name == "cpu" else "no EGL display")
    inner.makeini(BOTH_BACKENDS)
    save_png(golden_file(inner.path, "hello"), mono(7))
    write_tests(
        inner,
        test_hud="""
        def test_hello(golden):
            golden.check("hello", FakeFrame({"left": mono(7)}, backend=golden.backend))

        import pytest

        @pytest.mark.parametrize("golden_backend", ["gl"], indirect=True)
        def test_given_a_gl_frame(golden):
            golden.check("hello", FakeFrame({"left": mono(7)}, backend="gl"))
    """,
    )
    result = run(inner)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*the gl backend cannot render here (no EGL display): install Mesa's EGL (libegl1 libegl-mesa0 "
            "libgl1-mesa-dri) or leave gl out of golden_backends, or set HUD_ALLOW_NO_GL=1 to skip its golden checks*"
        ]
    )
    monkeypatch.setenv(ALLOW_NO_GL, "1")
    result = run(inner, "-ra")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]2[]] *the gl backend cannot render here (no EGL display); HUD_ALLOW_NO_GL=1 skips its golden "
            "checks"
        ]
    )


def test_a_frame_drawn_on_another_backend_fails(inner: pytest.Pytester, gl_renders: None) -> None:
    inner.makeini(GL_ONLY)
    write_tests(
        inner,
        test_hud="""
        def test_cpu_frame(golden):
            golden.check("hello", FakeFrame({"left": mono(7)}))
    """,
    )
    result = run(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*golden 'hello': the frame was drawn on the cpu backend but this check runs on gl; render it with "
            "golden.render(...) or backend=golden.backend*"
        ]
    )


def test_unknown_golden_backends_are_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makeini("[pytest]\ngolden_backends = cpu vulkan\n")
    write_tests(inner, test_hud="def test_nothing():\n    pass\n")
    result = run(inner)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*golden_backends must name each of its backends once, from cpu, gl; got 'cpu vulkan'*"]
    )


GL_RENDERS_CONFTEST = """
import pytest

from hud.golden import backends


@pytest.fixture(autouse=True)
def gl_renders(monkeypatch):
    monkeypatch.setattr(backends, "backend_problem", lambda name: None)
"""


def test_xdist_workers_findings_make_one_report(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    import xdist  # noqa: F401 - a test dependency (.[test]): the merged report is always checked

    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    inner.makeini(BOTH_BACKENDS)
    inner.makeconftest(GL_RENDERS_CONFTEST)
    save_png(golden_file(inner.path, "changed"), mono(0))
    save_png(golden_file(inner.path, "same"), mono(0))
    write_tests(
        inner,
        test_changed="""
        def test_changed(golden):
            golden.check("changed", FakeFrame({"left": mono(1)}, backend=golden.backend))
    """,
        test_same="""
        def test_same(golden):
            golden.check("same", FakeFrame({"left": mono(0)}, backend=golden.backend))
    """,
    )
    result = inner.runpytest_subprocess("-p", "hud.golden", "-p", "xdist.plugin", "-n", "2")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        ["gl: 2 check(s): 1 failed, 1 identical", "*2 golden comparison(s) failed; report: *report.html"]
    )
    text = (inner.path / ".golden-failures" / "report.html").read_text(encoding="utf-8")
    assert "test_changed.py::test_changed[cpu]" in text and "test_changed.py::test_changed[gl]" in text
    assert 'src="cpu/changed-left-diff.png"' in text and 'src="gl/changed-left-diff.png"' in text
    assert "<td>same</td><td>gl</td>" in text
