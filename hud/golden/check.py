"""The ``golden`` fixture's checker: render a target on the test's backend and compare each eye
with its golden, within the backend's tolerance; text and speech checks beside them.

Each eye is held to ``<golden_dir>/cpu/<name>-<eye>.png``: exactly on the reference (cpu)
backend, within the parity tolerance on any other. Where exact parity cannot be had, a backend
keeps its own golden, ``<golden_dir>/<backend>/<name>-<eye>.png``, which it is then held to.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from hud import golden_speech
from hud.files import write_text
from hud.golden import backends
from hud.golden.artefacts import SPEECH_DIRNAME, clear_artefacts, write_artefacts
from hud.golden.compare import Difference, ImageDiff, compare_images, difference
from hud.golden.frames import (
    frame_backend,
    frame_eyes,
    frame_for,
    lint_errors,
    require_stem,
    require_time_tolerance,
    require_tolerance,
)
from hud.golden.png import MISSING, load_golden, write_png_atomic
from hud.golden.regions import where_it_differs
from hud.golden.spoken import check_speech, display_less
from hud.golden.state import (
    UPDATE_FLAG,
    UPDATE_HINT,
    GoldenFailure,
    GoldenState,
    ParityRecord,
)
from hud.golden.tolerance import EXACT, PARITY_MAX_SHARE, REFERENCE_BACKEND, Tolerance

if TYPE_CHECKING:
    from hud.renderer import Frame


class GoldenChecker:
    """The ``golden`` pytest fixture: pins what a test renders, pixel for pixel, on each raster
    backend.

    The fixture comes with the package (a pytest plugin registered on install): a test asks
    for ``golden`` and calls ``check``. Every test that uses it runs once per backend of the
    ``golden_backends`` ini option (``test_x[cpu]``, ``test_x[gl]``); the first run fails
    because the golden is missing, ``pytest --update-goldens`` writes it (look at it, then
    commit it), and from then on any change of a pixel fails the test:

        import hud

        def test_next_turn(golden: hud.GoldenChecker) -> None:
            golden.check("next-turn", "scenes/navigation.toml", device="quark-s1")

        def test_speed(golden: hud.GoldenChecker) -> None:
            frame = golden.render(hud.Scene(hud.Text(text="42 km/h")), device="quark-s1", at=0.5)
            golden.check("speed", frame)

    Goldens live in the ``golden_dir`` ini option's folder (default ``tests/goldens``):
    ``cpu/<name>-<eye>.png`` for every backend, ``gl/<name>-<eye>.png`` only where the GL
    backend cannot match the CPU one within the parity tolerance, and
    ``speech/<name>.json`` for glasses without a display. Failures write expected, actual
    and diff images, and an HTML report of the session, into the folder
    ``<rootdir>/.golden-failures/``.
    """

    def __init__(
        self, state: GoldenState, nodeid: str, test_dir: Path | None = None, backend: str = REFERENCE_BACKEND
    ) -> None:
        self._state = state
        self._nodeid = nodeid
        self._test_dir = test_dir
        self._backend = require_stem(backend, "backend")

    @property
    def update(self) -> bool:
        """True when the session runs with ``--update-goldens``."""
        return self._state.update

    @property
    def backend(self) -> str:
        """The raster backend this test renders on (the fixture runs each test once per backend
        in ``golden_backends``). Fails, or skips, the test when it cannot render here."""
        self._require_backend()
        return self._backend

    def render(self, target: Any, *, device: str | None = None, at: float = 0.0) -> Frame:
        """``hud.render(target, device=device, at=at)`` on this test's backend: a frame to pass
        to ``check`` after the test has looked at it (a frame drawn on another backend fails
        the check)."""
        from hud.renderer import render  # lazy: the engine is optional for the plugin itself

        return render(target, device=device, at=at, backend=self.backend)

    def path(self, name: str, eye: str, backend: str = REFERENCE_BACKEND) -> Path:
        """Golden file of one eye of a check."""
        require_stem(name, "golden name")
        require_stem(eye, "eye")
        require_stem(backend, "backend")
        return self._state.golden_dir / backend / f"{name}-{eye}.png"

    def check(
        self,
        name: str,
        target: Any,
        *,
        device: str | None = None,
        at: float = 0.0,
        tolerance: int | None = None,
        lint: bool = True,
        time_tolerance: float = golden_speech.DEFAULT_TIME_TOLERANCE,
    ) -> None:
        """Compare what ``target`` draws with the golden images called ``name``; fail the test
        on any difference beyond the tolerance.

        Arguments:

        - ``name``: the golden's name, part of its file names (letters, digits, ``-``, ``_``,
          ``.``): ``<golden_dir>/cpu/<name>-left.png`` and ``-right.png``.
        - ``target``: what to check, one of
            - a scene file path: relative paths are found next to the test file first, then
              under pytest's rootdir (never the working folder, so a run from any folder
              checks the same file);
            - a ``hud.Scene``, or a widget tree (any ``hud.Widget``; it becomes a scene);
            - a ``hud.Frame`` already rendered on this test's backend (``golden.render(...)``,
              or ``backend=golden.backend`` given to ``hud.render`` / ``hud.Renderer``): it is
              compared as it is, so ``device`` and ``at`` must be left out.
        - ``device``: the glasses to render for (a built-in name or a profile path); default:
          the scene's own device.
        - ``at``: the scene time in seconds of the frame to check, for scenes with a timeline
          (default 0).
        - ``tolerance``: grey levels any channel of any pixel may differ by, on any number of
          pixels, on every backend. Without it the reference backend (cpu) must match
          exactly and other backends (gl) within the parity tolerance: no channel more than
          the ``golden_tolerance_gpu`` ini option's levels off (default 2), on at most 0.5 %
          of the pixels.
        - ``lint``: unless False, the check first fails when ``hud lint`` finds errors in the
          scene at that moment (an overlap, a cut edge, text too small...): a golden must not
          pin a broken layout.
        - ``time_tolerance``: seconds the times of a speech check may differ by (default 0.05).

        Backends: the test runs once per backend of the ``golden_backends`` ini option and
        renders on its own (``golden.backend``). Every backend is held to the cpu golden; a
        backend that cannot match it within the parity tolerance keeps its own golden, written
        by ``pytest --update-goldens`` only then, and is held to that instead.

        A mismatch fails with one message per eye. Its first line names the golden, the eye, the
        backend, the tolerance, the box around the differing pixels and the widgets drawn there;
        the next lines give the golden's path, the share of differing pixels, the first
        differing pixel and where the expected, actual and diff images were written:

            golden image mismatch for 'beside' (eye: left, backend: cpu, tolerance: 0): differing region x 310..320, y 34..46 (11x13 px); widgets there: text 'greeting' (beside.toml:5)
              golden: tests/goldens/cpu/beside-left.png
              0.04% of pixels differ (120 of 307200); max channel difference 255

        ``pytest --update-goldens`` writes the goldens instead of comparing.

        On glasses without a display (``device``, else the scene's own, e.g. ``quark-g1``) the
        check compares what is said over the whole timeline with
        ``<golden_dir>/speech/<name>.json`` instead: texts, order, earcons and statuses
        exactly, queue, start and end times within ``time_tolerance`` seconds. ``at`` and
        ``tolerance`` are errors there, and lint does not apply. For example:

            def test_walk(golden):
                golden.check("walk-2s", "scenes/city-walk-timeline.toml", device="quark-s1", at=2.0)
                golden.check("walk-g1", "scenes/city-walk-timeline.toml", device="quark-g1")
        """
        require_stem(name, "golden name")
        limit = require_tolerance(tolerance)
        seconds = require_time_tolerance(time_tolerance)
        target = self._scene_path(name, target)
        spoken = display_less(target, device)
        if spoken is not None:
            check_speech(
                self._state,
                self._nodeid,
                name,
                self.speech_path(name),
                *spoken,
                at=at,
                tolerance=tolerance,
                time_tolerance=seconds,
            )
            return
        self._require_backend()
        frame = frame_for(target, device=device, at=at, backend=self._backend)
        drawn_on = frame_backend(frame)
        if drawn_on != self._backend:
            pytest.fail(
                f"golden {name!r}: the frame was drawn on the {drawn_on} backend but this check runs on "
                f"{self._backend}; render it with golden.render(...) or backend=golden.backend",
                pytrace=False,
            )
        if lint:
            errors = lint_errors(target, frame, device, at)
            if errors:
                shown = "\n".join(f"  {line}" for line in errors[:8])
                pytest.fail(
                    f"golden {name!r}: the scene has {len(errors)} lint error(s); a golden must not pin a "
                    f"broken layout (fix them, or pass lint=False to this check):\n{shown}",
                    pytrace=False,
                )
        rule = self._tolerance(limit)
        snapshot = getattr(frame, "snapshot", None)
        problems = []
        for eye, image in frame_eyes(frame).items():
            problem = self._check_eye(name, eye, image, rule, snapshot)
            if problem:
                problems.append(problem)
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)

    def text_path(self, name: str) -> Path:
        """Golden file of a text check."""
        require_stem(name, "golden name")
        return self._state.golden_dir / "text" / f"{name}.txt"

    def check_text(self, name: str, actual: str) -> None:
        """Compare ``actual`` with the text golden ``<golden_dir>/text/<name>.txt`` (speech
        transcripts and other text output); a mismatch fails with a unified diff."""
        path = self.text_path(name)
        expected = path.read_text(encoding="utf-8") if path.exists() else None
        if self._state.update:
            owner = self._state.claimed.get(path)
            if owner is not None and expected != actual:
                pytest.fail(
                    f"conflicting golden updates for {name}: already written in this session by {owner}", pytrace=False
                )
            self._state.claimed.setdefault(path, self._nodeid)
            if expected != actual:
                write_text(path, actual)
                self._state.updated.append(path)
            return
        if expected == actual:
            return
        shown = self._state.display(path)
        if expected is None:
            pytest.fail(f"text golden {name}: missing {shown}; to create it, {UPDATE_HINT}", pytrace=False)
        diff = list(
            difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), f"golden {shown}", "actual", lineterm="", n=1
            )
        )
        more = f"\n  ... {len(diff) - 60} more diff lines" if len(diff) > 60 else ""
        pytest.fail(
            f"text golden {name} differs from {shown}:\n"
            + "\n".join(diff[:60])
            + more
            + f"\n  if the change is intended, {UPDATE_HINT}",
            pytrace=False,
        )

    def speech_path(self, name: str) -> Path:
        """Golden file of a check on a device without a display."""
        require_stem(name, "golden name")
        return self._state.golden_dir / SPEECH_DIRNAME / f"{name}.json"

    def _require_backend(self) -> None:
        """Fail the test (or skip it, where allowed) when its backend cannot render here."""
        problem = backends.backend_problem(self._backend)
        if problem is None:
            return
        message = backends.unavailable_message(self._backend, problem)
        if backends.may_skip(self._backend):
            pytest.skip(message)
        pytest.fail(message, pytrace=False)

    def _tolerance(self, limit: int | None) -> Tolerance:
        """The check's own per-channel limit, else exact on the reference backend and the
        parity tolerance on others."""
        if limit is not None:
            return Tolerance(limit)
        if self._backend == REFERENCE_BACKEND:
            return EXACT
        return Tolerance(self._state.gpu_tolerance, PARITY_MAX_SHARE)

    def _scene_path(self, name: str, target: Any) -> Any:
        """A relative scene path resolved next to the test file, else under the rootdir."""
        if not isinstance(target, (str, Path)) or Path(target).is_absolute():
            return target
        bases = [base for base in (self._test_dir, self._state.rootdir) if base is not None]
        for base in bases:
            if (base / target).is_file():
                return base / target
        looked = " or ".join(str(base / target) for base in dict.fromkeys(bases))
        pytest.fail(
            f"golden {name!r}: scene file {str(target)!r} not found (looked for {looked}; paths are "
            "relative to the test file or the rootdir)",
            pytrace=False,
        )

    def _check_eye(
        self, name: str, eye: str, actual: np.ndarray, tolerance: Tolerance, snapshot: Any = None
    ) -> str | None:
        """Compare (or update) one eye; return a failure message or None."""
        state = self._state
        item = _EyeCheck(name, self._backend, eye, self.path(name, eye), actual)
        clear_artefacts(state.failures_dir / item.backend, item.stem)
        expected, problem = load_golden(item.path, actual)
        parity = difference(expected, actual) if expected is not None and problem is None else None
        if item.backend != REFERENCE_BACKEND:
            own = self.path(name, eye, item.backend)
            if state.update:
                return self._update_backend(item, own, expected, problem, parity, tolerance)
            if own.is_file():
                item = replace(item, path=own)
                expected, problem = load_golden(own, actual)
        diff = compare_images(expected, actual, tolerance) if expected is not None and problem is None else None
        differs = problem is not None or diff is not None
        if state.update:
            message = self._update(item, expected, differs)
        elif not differs:
            message = None
        else:
            region = where_it_differs(diff, snapshot, eye) if diff is not None else ""
            lines = _describe_problem(state, item, tolerance, problem, diff, region)
            message = self._fail(item, lines, self._hint(item, problem), expected, diff)
        self._record(item, parity, message is None)
        return message

    def _hint(self, item: _EyeCheck, problem: str | None) -> str:
        """The last line of a failure: how to create the golden, or what a difference means."""
        if problem == MISSING:
            return f"to create it, {UPDATE_HINT}"
        if item.held_to == item.backend:
            return f"if the change is intended, {UPDATE_HINT}"
        own = self._state.display(self.path(item.name, item.eye, item.backend))
        return (
            f"a difference a person can see is a bug in the {item.backend} backend; where exact parity "
            f"cannot be had, pytest {UPDATE_FLAG} keeps {own} for it"
        )

    def _update_backend(
        self,
        item: _EyeCheck,
        own: Path,
        reference: np.ndarray | None,
        problem: str | None,
        parity: Difference | None,
        tolerance: Tolerance,
    ) -> str | None:
        """Under --update-goldens on a backend other than the reference: keep the backend's own
        golden only where its rendering is outside tolerance of the reference golden, and remove
        one that is no longer needed."""
        state = self._state
        if problem is not None or parity is None:
            lines = _describe_problem(state, item, tolerance, problem, None)
            if problem == MISSING:
                hint = (
                    f"the {REFERENCE_BACKEND} variant writes it: run pytest {UPDATE_FLAG} with "
                    f"{REFERENCE_BACKEND} in golden_backends"
                )
            else:
                hint = f"the {item.backend} backend must draw the same panel as the {REFERENCE_BACKEND} backend"
            failure = self._fail(item, lines, hint, reference, None)
            self._record(item, None, passed=False)
            return failure
        if tolerance.allows(parity.max_difference, parity.differing, parity.total):
            if own.is_file():
                own.unlink()
                state.removed.append(own)
            self._record(item, parity, passed=True)
            return None
        held = replace(item, path=own)
        expected, own_problem = load_golden(own, item.actual)
        differs = (
            expected is None or own_problem is not None or compare_images(expected, item.actual, tolerance) is not None
        )
        message = self._update(held, expected, differs)
        self._record(held, parity, message is None)
        return message

    def _update(self, item: _EyeCheck, expected: np.ndarray | None, differs: bool) -> str | None:
        """Write the golden when it differs, unless an earlier check claimed it."""
        owner = self._state.claimed.get(item.path)
        if owner is not None and differs:
            lines = [
                f"conflicting golden updates for {item.where})",
                f"  golden: {self._state.display(item.path)}",
                f"  already checked in this session by {owner} with a different image",
            ]
            hint = "give the checks different names"
            return self._fail(item, lines, hint, expected, None)
        self._state.claimed.setdefault(item.path, self._nodeid)
        if differs:
            write_png_atomic(item.path, item.actual)
            self._state.updated.append(item.path)
        return None

    def _fail(
        self, item: _EyeCheck, lines: list[str], hint: str, expected: np.ndarray | None, diff: ImageDiff | None
    ) -> str:
        """Write artefacts, record the failure and return its message (hint last)."""
        state = self._state
        message, artefacts = state.failure_message(
            lines,
            hint,
            state.failures_dir / item.backend,
            lambda: write_artefacts(state.failures_dir, item.backend, item.stem, item.actual, expected, diff),
        )
        state.failures.append(GoldenFailure(self._nodeid, item.name, item.eye, item.backend, message, artefacts))
        return message

    def _record(self, item: _EyeCheck, parity: Difference | None, passed: bool) -> None:
        """Note, for the report, how far this eye is from the reference golden."""
        self._state.parity.append(
            ParityRecord(self._nodeid, item.name, item.backend, item.eye, parity, item.held_to, passed)
        )


@dataclass(frozen=True)
class _EyeCheck:
    """One eye of one ``golden.check`` call, and the golden it is held to."""

    name: str
    backend: str
    eye: str
    path: Path
    actual: np.ndarray

    @property
    def stem(self) -> str:
        """File stem of the artefacts, e.g. ``hello-left``."""
        return f"{self.name}-{self.eye}"

    @property
    def held_to(self) -> str:
        """The backend folder of the golden: the reference's, or the backend's own."""
        return self.path.parent.name

    @property
    def where(self) -> str:
        """E.g. ``'hello' (eye: left, backend: cpu`` (caller closes the bracket)."""
        return f"{self.name!r} (eye: {self.eye}, backend: {self.backend}"


def _describe_problem(
    state: GoldenState,
    item: _EyeCheck,
    tolerance: Tolerance,
    problem: str | None,
    diff: ImageDiff | None,
    region: str = "",
) -> list[str]:
    """Message lines for a missing, unreadable, reshaped or differing golden; a difference's
    `region` (the box and the widgets there) ends the first line."""
    golden = f"  golden: {state.display(item.path)}"
    if problem == MISSING:
        return [f"golden image missing for {item.where})", golden]
    if problem is not None:
        return [f"golden image does not match {item.where})", golden, f"  {problem}"]
    assert diff is not None
    return [
        f"golden image mismatch for {item.where}, tolerance: {tolerance})" + (f": {region}" if region else ""),
        golden,
        f"  {diff.summary()}; max channel difference {diff.max_difference}",
        (
            f"  first difference at (x={diff.first_x}, y={diff.first_y}) "
            f"expected {diff.expected_value} got {diff.actual_value}"
        ),
    ]
