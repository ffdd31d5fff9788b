"""Golden-image tests for hud frames: a pytest plugin.

Usage in a test::

    def test_next_turn(golden):
        golden.check("next-turn", "scenes/navigation.toml", device="quark-s1")

Each eye of the rendered frame is compared with
``<golden_dir>/<backend>/<name>-<eye>.png``.  Run ``pytest --update-goldens`` to
create or refresh the goldens of the checks that ran.  On a mismatch the
expected, actual and diff images are written to ``<rootdir>/.golden-failures/``
together with an HTML report.

On a device without a display (``quark-g1``) a check pins what is said instead: the
transcript of the scene's whole timeline is compared with
``<golden_dir>/speech/<name>.json`` (hud.golden_speech), times within ``time_tolerance``
seconds.

Enable it with ``-p hud.golden`` or through the ``pytest11`` entry point.

ini options:

* ``golden_dir`` (default ``tests/goldens``): folder of the goldens, relative to
  the rootdir.
* ``golden_tolerance_gpu`` (default ``2``): per-channel tolerance used for
  every backend other than ``cpu`` (which defaults to an exact match).
"""

from __future__ import annotations

import difflib
import html
import math
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np
import pytest

from hud import golden_speech
from hud.files import AtomicFile, write_bytes, write_text

if TYPE_CHECKING:
    from hud.devices import DeviceProfile
    from hud.scene import Scene
    from hud.widgets.base import Widget

__all__ = [
    "GoldenChecker",
    "GoldenFailure",
    "GoldenState",
    "ImageDiff",
    "compare_images",
    "diff_image",
    "isolated_image",
    "load_png",
    "write_png_atomic",
]

UPDATE_FLAG = "--update-goldens"
DEFAULT_GOLDEN_DIR = "tests/goldens"
DEFAULT_GPU_TOLERANCE = 2
EXACT_BACKEND = "cpu"
FAILURES_DIRNAME = ".golden-failures"
REPORT_NAME = "report.html"
ARTEFACT_KINDS = ("expected", "actual", "diff", "isolated")
SPEECH_DIRNAME = "speech"    # speech goldens and their failure artefacts live in this subfolder
SPEECH_ARTEFACT_KINDS = ("expected", "actual")
UPDATE_HINT = f"run pytest {UPDATE_FLAG}"

_SAFE_STEM = re.compile(r"[A-Za-z0-9_.\-]+")
_REPORT_MIN_WIDTH = 240


# --------------------------------------------------------------------------
# Session state
# --------------------------------------------------------------------------


@dataclass
class GoldenFailure:
    """One failed golden comparison (one eye of one check)."""

    nodeid: str
    name: str
    eye: str
    backend: str
    message: str
    artefacts: dict[str, Path] = field(default_factory=dict)
    transcript: golden_speech.TranscriptMismatch | None = None
    """Set for a speech check: the golden and actual transcripts, for the report's table."""


@dataclass
class GoldenState:
    """Per-session plugin state, kept on ``config.stash``."""

    rootdir: Path
    golden_dir: Path
    update: bool
    gpu_tolerance: int
    failures: list[GoldenFailure] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    claimed: dict[Path, str] = field(default_factory=dict)

    @property
    def failures_dir(self) -> Path:
        """Folder for failure artefacts (owned by this plugin)."""
        return self.rootdir / FAILURES_DIRNAME

    @property
    def report_path(self) -> Path:
        """Location of the HTML failure report."""
        return self.failures_dir / REPORT_NAME

    def display(self, path: Path) -> str:
        """Path relative to the rootdir when inside it, else absolute."""
        try:
            return path.relative_to(self.rootdir).as_posix()
        except ValueError:
            return str(path)


STATE_KEY = pytest.StashKey[GoldenState]()


# --------------------------------------------------------------------------
# pytest hooks
# --------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--update-goldens`` and the ini options."""
    group = parser.getgroup("golden", "golden-image tests (hud)")
    group.addoption(
        UPDATE_FLAG,
        action="store_true",
        dest="update_goldens",
        default=False,
        help="write (or rewrite) the goldens (images, transcripts) of the checks that run",
    )
    parser.addini(
        "golden_dir",
        help=f"folder of goldens, relative to the rootdir (default {DEFAULT_GOLDEN_DIR})",
        default=DEFAULT_GOLDEN_DIR,
    )
    parser.addini(
        "golden_tolerance_gpu",
        help=(
            "per-channel tolerance for golden checks on backends other than "
            f"'{EXACT_BACKEND}' (integer, default {DEFAULT_GPU_TOLERANCE})"
        ),
        default=str(DEFAULT_GPU_TOLERANCE),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Create the session state."""
    rootdir = Path(config.rootpath)
    config.stash[STATE_KEY] = GoldenState(
        rootdir=rootdir,
        golden_dir=_golden_dir(config, rootdir),
        update=bool(config.getoption("update_goldens", default=False)),
        gpu_tolerance=_gpu_tolerance(config),
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove the artefacts of previous runs."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is not None:
        _remove_tree(state.failures_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the HTML report, or remove a stale one."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is None:
        return
    if state.failures:
        write_report(state)
    else:
        state.report_path.unlink(missing_ok=True)


def pytest_terminal_summary(
    terminalreporter: Any, exitstatus: int, config: pytest.Config
) -> None:
    """Mention updated goldens and the failure report."""
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    if state.updated:
        terminalreporter.write_sep("-", f"goldens written: {len(state.updated)}")
        for path in state.updated:
            terminalreporter.write_line(state.display(path))
    if state.failures and state.report_path.is_file():
        terminalreporter.write_sep("-", "golden failures")
        terminalreporter.write_line(
            f"{len(state.failures)} golden comparison(s) failed; "
            f"report: {state.report_path}"
        )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> GoldenChecker:
    """Compare rendered frames with golden PNGs: ``golden.check(name, target)``."""
    return GoldenChecker(request.config.stash[STATE_KEY], request.node.nodeid, Path(request.node.path).parent)


def _golden_dir(config: pytest.Config, rootdir: Path) -> Path:
    value = str(config.getini("golden_dir") or "").strip() or DEFAULT_GOLDEN_DIR
    return rootdir / value


def _gpu_tolerance(config: pytest.Config) -> int:
    raw = str(config.getini("golden_tolerance_gpu")).strip()
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise pytest.UsageError(
            f"golden_tolerance_gpu must be a non-negative integer, got {raw!r}"
        )
    return value


# --------------------------------------------------------------------------
# The fixture object
# --------------------------------------------------------------------------


class GoldenChecker:
    """Value of the ``golden`` fixture."""

    def __init__(self, state: GoldenState, nodeid: str, test_dir: Path | None = None) -> None:
        self._state = state
        self._nodeid = nodeid
        self._test_dir = test_dir

    @property
    def update(self) -> bool:
        """True when the session runs with ``--update-goldens``."""
        return self._state.update

    def path(self, name: str, eye: str, backend: str = EXACT_BACKEND) -> Path:
        """Golden file of one eye of a check."""
        _require_stem(name, "golden name")
        _require_stem(eye, "eye")
        _require_stem(backend, "backend")
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
        """Render ``target`` (a scene file, a ``hud.Scene``, a widget tree or an already
        rendered ``hud.Frame``) at time ``at`` on ``device`` and compare every eye with its
        golden, with a per-channel ``tolerance`` (default: 0 on the cpu backend, the
        ``golden_tolerance_gpu`` ini value on others).

        A relative scene path is found next to the test file first, then under the rootdir
        (never relative to the working folder, so a run from any folder checks the same file).
        A mismatch names the region that differs and the widgets drawn there.

        Unless ``lint=False``, the check first fails when ``hud lint`` finds errors in the
        scene at that moment (an overlap, a cut edge, text too small...): a golden must not pin
        a broken layout.

        On a device without a display (``device``, else the scene's own) the check compares what
        is said over the whole timeline with ``<golden_dir>/speech/<name>.json`` instead: texts,
        order, earcons and statuses exactly, queue, start and end times within ``time_tolerance``
        seconds. ``at`` and ``tolerance`` do not apply there, nor does lint."""
        _require_stem(name, "golden name")
        limit = _require_tolerance(tolerance)
        seconds = _require_time_tolerance(time_tolerance)
        target = self._scene_path(name, target)
        spoken = _display_less(target, device)
        if spoken is not None:
            self._check_speech(name, *spoken, at=at, tolerance=tolerance, time_tolerance=seconds)
            return
        frame = _frame_for(target, device=device, at=at)
        if lint:
            errors = _lint_errors(target, frame, device, at)
            if errors:
                shown = "\n".join(f"  {line}" for line in errors[:8])
                pytest.fail(f"golden {name!r}: the scene has {len(errors)} lint error(s); a golden must not pin a "
                            f"broken layout (fix them, or pass lint=False to this check):\n{shown}", pytrace=False)
        backend = _frame_backend(frame)
        eyes = _frame_eyes(frame)
        if limit is None:
            limit = 0 if backend == EXACT_BACKEND else self._state.gpu_tolerance
        problems = []
        for eye, image in eyes.items():
            problem = self._check_eye(name, backend, eye, image, limit, getattr(frame, "snapshot", None))
            if problem:
                problems.append(problem)
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)

    def _scene_path(self, name: str, target: Any) -> Any:
        """A relative scene path resolved next to the test file, else under the rootdir."""
        if not isinstance(target, (str, Path)) or Path(target).is_absolute():
            return target
        bases = [base for base in (self._test_dir, self._state.rootdir) if base is not None]
        for base in bases:
            if (base / target).is_file():
                return base / target
        looked = " or ".join(str(base / target) for base in dict.fromkeys(bases))
        pytest.fail(f"golden {name!r}: scene file {str(target)!r} not found (looked for {looked}; paths are "
                    "relative to the test file or the rootdir)", pytrace=False)

    def text_path(self, name: str) -> Path:
        """Golden file of a text check."""
        _require_stem(name, "golden name")
        return self._state.golden_dir / "text" / f"{name}.txt"

    def check_text(self, name: str, actual: str) -> None:
        """Compare ``actual`` with the text golden ``<golden_dir>/text/<name>.txt`` (speech
        transcripts and other text output); a mismatch fails with a unified diff."""
        path = self.text_path(name)
        expected = path.read_text(encoding="utf-8") if path.exists() else None
        if self._state.update:
            owner = self._state.claimed.get(path)
            if owner is not None and expected != actual:
                pytest.fail(f"conflicting golden updates for {name}: already written in this session by {owner}",
                            pytrace=False)
            self._state.claimed.setdefault(path, self._nodeid)
            if expected != actual:
                _write_text_atomic(path, actual)
                self._state.updated.append(path)
            return
        if expected == actual:
            return
        shown = self._state.display(path)
        if expected is None:
            pytest.fail(f"text golden {name}: missing {shown}; to create it, {UPDATE_HINT}", pytrace=False)
        diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"golden {shown}",
                                         "actual", lineterm="", n=1))
        more = f"\n  ... {len(diff) - 60} more diff lines" if len(diff) > 60 else ""
        pytest.fail(f"text golden {name} differs from {shown}:\n" + "\n".join(diff[:60]) + more
                    + f"\n  if the change is intended, {UPDATE_HINT}", pytrace=False)

    def speech_path(self, name: str) -> Path:
        """Golden file of a check on a device without a display."""
        _require_stem(name, "golden name")
        return self._state.golden_dir / SPEECH_DIRNAME / f"{name}.json"

    def _check_speech(
        self, name: str, target: Scene | Widget, device: DeviceProfile, *, at: float, tolerance: int | None,
        time_tolerance: float,
    ) -> None:
        """Compare (or update) the transcript of ``target`` spoken on ``device``."""
        if at != 0.0:
            pytest.fail(f"golden {name!r}: at= does not apply on {device.name}, which has no display: its golden is "
                        f"the transcript of the whole timeline (remove at={at!r})", pytrace=False)
        if tolerance is not None:
            pytest.fail(f"golden {name!r}: tolerance= is a per-channel pixel tolerance and {device.name} has no "
                        "display (for the transcript's times pass time_tolerance=, in seconds)", pytrace=False)
        actual = golden_speech.transcript(_speech_record(target, device))
        path = self.speech_path(name)
        state = self._state
        folder = state.failures_dir / SPEECH_DIRNAME
        for kind in SPEECH_ARTEFACT_KINDS:
            _speech_artefact_path(folder, name, kind).unlink(missing_ok=True)
        golden, problem = _load_speech_golden(path)
        problems = golden_speech.compare(golden, actual, time_tolerance) if golden is not None else []
        differs = problem is not None or bool(problems)
        if state.update:
            owner = state.claimed.get(path)
            if owner is not None and differs:
                pytest.fail(f"speech golden {name!r}: conflicting golden updates: {state.display(path)} was already "
                            f"written in this session by {owner} with a different transcript; give the checks "
                            "different names", pytrace=False)
            state.claimed.setdefault(path, self._nodeid)
            if differs:
                _write_text_atomic(path, golden_speech.dumps(actual))
                state.updated.append(path)
            return
        if not differs:
            return
        if problem == "missing":
            lines, hint = [f"missing {state.display(path)}"], f"to create it, {UPDATE_HINT}"
        elif problem is not None:
            lines, hint = [f"cannot read {state.display(path)}: {problem}"], f"to rewrite it, {UPDATE_HINT}"
        else:
            lines = [*problems, f"golden: {state.display(path)}"]
            hint = f"if the change is intended, {UPDATE_HINT}"
        mismatch = golden_speech.TranscriptMismatch(golden, actual, time_tolerance)
        pytest.fail(self._fail_speech(name, device.name, path if golden is not None else None, mismatch, lines, hint),
                    pytrace=False)

    def _fail_speech(
        self, name: str, device: str, golden: Path | None, mismatch: golden_speech.TranscriptMismatch,
        lines: list[str], hint: str,
    ) -> str:
        """Write the expected and actual transcripts, record the failure and return its message:
        the first line names the check and its first difference, the hint comes last."""
        state = self._state
        folder = state.failures_dir / SPEECH_DIRNAME
        message = [f"speech golden {name!r}: {lines[0]}", *(f"  {line}" for line in lines[1:])]
        try:
            artefacts = _write_speech_artefacts(state.failures_dir, name, golden, mismatch.actual)
        except OSError as exc:
            artefacts = {}
            message.append(f"  could not write artefacts to {state.display(folder)}: {exc}")
        else:
            names = ", ".join(path.name for path in artefacts.values())
            message.append(f"  artefacts in {state.display(folder)}/: {names}")
            message.append(f"  report: {state.display(state.report_path)} (written at the end of the session)")
        message.append(f"  {hint}")
        text = "\n".join(message)
        state.failures.append(GoldenFailure(self._nodeid, name, "transcript", device, text, artefacts, mismatch))
        return text

    def _check_eye(
        self, name: str, backend: str, eye: str, actual: np.ndarray, tolerance: int, snapshot: Any = None
    ) -> str | None:
        """Compare (or update) one eye; return a failure message or None."""
        item = _EyeCheck(name, backend, eye, self.path(name, eye, backend), actual)
        _clear_artefacts(self._state.failures_dir / backend, item.stem)
        expected, problem = _load_golden(item.path, actual)
        diff = None
        if problem is None and expected is not None:
            diff = compare_images(expected, actual, tolerance)
        differs = problem is not None or diff is not None
        if self._state.update:
            return self._update(item, expected, differs)
        if not differs:
            return None
        lines = _describe_problem(self._state, item, tolerance, problem, diff)
        if diff is not None:
            lines.append(f"  {_where_it_differs(diff, snapshot, eye)}")
        if problem == "missing":
            hint = f"to create it, {UPDATE_HINT}"
        else:
            hint = f"if the change is intended, {UPDATE_HINT}"
        return self._fail(item, lines, hint, expected, diff)

    def _update(
        self, item: _EyeCheck, expected: np.ndarray | None, differs: bool
    ) -> str | None:
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
        self,
        item: _EyeCheck,
        lines: list[str],
        hint: str,
        expected: np.ndarray | None,
        diff: ImageDiff | None,
    ) -> str:
        """Write artefacts, record the failure and return its message (hint last)."""
        state = self._state
        folder = state.failures_dir / item.backend
        try:
            artefacts = _write_artefacts(state.failures_dir, item, expected, diff)
        except OSError as exc:
            artefacts = {}
            lines.append(
                f"  could not write artefacts to {state.display(folder)}: {exc}"
            )
        else:
            names = ", ".join(path.name for path in artefacts.values())
            lines.append(f"  artefacts in {state.display(folder)}/: {names}")
            lines.append(
                f"  report: {state.display(state.report_path)} "
                "(written at the end of the session)"
            )
        lines.append(f"  {hint}")
        message = "\n".join(lines)
        state.failures.append(
            GoldenFailure(
                self._nodeid, item.name, item.eye, item.backend, message, artefacts
            )
        )
        return message


@dataclass(frozen=True)
class _EyeCheck:
    """One eye of one ``golden.check`` call."""

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
    def where(self) -> str:
        """E.g. ``'hello' (eye: left, backend: cpu`` (caller closes the bracket)."""
        return f"{self.name!r} (eye: {self.eye}, backend: {self.backend}"


# --------------------------------------------------------------------------
# Frames and validation
# --------------------------------------------------------------------------


def _require_stem(value: object, what: str) -> str:
    if not isinstance(value, str) or not _SAFE_STEM.fullmatch(value):
        raise ValueError(
            f"invalid {what} {value!r}: use only letters, digits, '-', '_' and '.' "
            "(it becomes part of a file name)"
        )
    return value


def _require_tolerance(tolerance: int | None) -> int | None:
    if tolerance is None:
        return None
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, (int, np.integer))
        or tolerance < 0
    ):
        raise ValueError(f"tolerance must be a non-negative integer, got {tolerance!r}")
    return int(tolerance)


def _require_time_tolerance(seconds: float) -> float:
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float, np.integer, np.floating))
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise ValueError(f"time_tolerance must be a non-negative number of seconds, got {seconds!r}")
    return float(seconds)


def _display_less(target: Any, device: Any) -> tuple[Scene | Widget, DeviceProfile] | None:
    """(the scene or widget tree, its device profile) when ``target`` is to be spoken on a device
    without a display; None when the check renders images (a frame, a device with a display, or a
    scene or device that cannot be loaded: rendering reports that, as it always has)."""
    from hud.devices import DEFAULT_DEVICE, load_device
    from hud.errors import HudError
    from hud.scene import Scene, load_scene
    from hud.widgets.base import Widget

    if not isinstance(target, (str, Path, Scene, Widget)):
        return None
    try:
        if device is None and isinstance(target, (str, Path)):
            target = load_scene(target)
        profile = load_device(device or (target.device if isinstance(target, Scene) else DEFAULT_DEVICE))
    except HudError:
        return None
    if profile.has_display:
        return None
    if isinstance(target, (str, Path)):
        target = load_scene(target)
    return target, profile


def _speech_record(target: Scene | Widget, device: DeviceProfile) -> dict[str, Any]:
    """The narrator's record (speech.json) of a scene's whole timeline, or of a widget tree as
    it stands, with the queue played out."""
    from hud.scene import Scene
    from hud.speech.narrator import Narrator, narrate

    if isinstance(target, Scene):
        return narrate(target, device).record()
    narrator = Narrator(target, device)
    narrator.update(0.0)
    narrator.finish()
    return narrator.record()


def _frame_for(target: Any, *, device: str | None, at: float) -> Any:
    """Return target when it is already a frame (has ``eyes`` and ``backend``), else render it."""
    if hasattr(target, "eyes") and hasattr(target, "backend"):
        if device is not None or at != 0.0:
            raise ValueError(
                "device= and at= only apply when golden.check renders the target; "
                "it was given an already rendered frame"
            )
        return target
    import hud  # lazy: the engine is optional for the plugin itself

    return hud.render(target, device=device, at=at)


def _lint_errors(target: Any, frame: Any, device: str | None, at: float) -> list[str]:
    """The lint errors of what a check renders, as lines."""
    from hud.lint import ERROR, lint, lint_frame
    from hud.scene import Scene, load_scene

    if isinstance(target, (str, Path, Scene)):
        scene = load_scene(target) if isinstance(target, (str, Path)) else target
        findings = lint(scene, device or scene.device, at=at)
    elif getattr(frame, "snapshot", None) is not None:
        findings = lint_frame(frame)
    else:
        return []
    return [str(f) for f in findings if f.severity == ERROR]


def _frame_backend(frame: Any) -> str:
    backend = getattr(frame, "backend", None)
    if not isinstance(backend, str):
        raise TypeError(f"frame.backend must be a string, got {backend!r}")
    return _require_stem(backend, "backend")


def _frame_eyes(frame: Any) -> dict[str, np.ndarray]:
    """Validated eye images, in a stable (sorted) order."""
    eyes = frame.eyes
    if not isinstance(eyes, Mapping) or not eyes:
        raise ValueError("frame.eyes must be a non-empty mapping of eye name to image")
    return {
        _require_stem(eye, "eye"): _as_image(eye, eyes[eye]) for eye in sorted(eyes)
    }


def _as_image(eye: str, value: Any) -> np.ndarray:
    image = np.asarray(value)
    mono = image.ndim == 2
    colour = image.ndim == 3 and image.shape[2] == 3
    if image.dtype != np.uint8 or not (mono or colour) or image.size == 0:
        raise ValueError(
            f"eye {eye!r}: expected a non-empty uint8 array of shape (H, W) or (H, W, 3), "
            f"got {image.dtype} {image.shape}"
        )
    return image


def _describe(image: np.ndarray) -> str:
    height, width = image.shape[:2]
    kind = "mono (L)" if image.ndim == 2 else "colour (RGB)"
    return f"{width}x{height} {kind}"


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageDiff:
    """Differences between two images of the same shape."""

    mask: np.ndarray
    """Boolean (H, W): pixels where some channel differs by more than the tolerance."""
    max_difference: int
    first_x: int
    first_y: int
    expected_value: int | tuple[int, ...]
    actual_value: int | tuple[int, ...]

    @property
    def count(self) -> int:
        """Number of differing pixels."""
        return int(self.mask.sum())

    @property
    def total(self) -> int:
        """Number of pixels."""
        return int(self.mask.size)

    def summary(self) -> str:
        """E.g. ``0.42% of pixels differ (1290 of 307200)``."""
        return f"{_percent(self.count, self.total)} of pixels differ ({self.count} of {self.total})"


def compare_images(
    expected: np.ndarray, actual: np.ndarray, tolerance: int = 0
) -> ImageDiff | None:
    """Compare per channel; None when every channel is within ``tolerance``."""
    if expected.shape != actual.shape:
        raise ValueError(f"shape mismatch: {expected.shape} vs {actual.shape}")
    delta = _abs_delta(expected, actual)
    per_pixel = delta if delta.ndim == 2 else delta.max(axis=2)
    mask = per_pixel > tolerance
    if not mask.any():
        return None
    first = int(np.argmax(mask))  # first True in row-major order
    y, x = divmod(first, mask.shape[1])
    return ImageDiff(
        mask=mask,
        max_difference=int(per_pixel.max()),
        first_x=x,
        first_y=y,
        expected_value=_pixel(expected[y, x]),
        actual_value=_pixel(actual[y, x]),
    )


def _abs_delta(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return np.abs(expected.astype(np.int16) - actual.astype(np.int16)).astype(np.uint8)


def _pixel(value: np.ndarray) -> int | tuple[int, ...]:
    if np.ndim(value) == 0:
        return int(value)
    return tuple(int(channel) for channel in value)


def _percent(count: int, total: int) -> str:
    """Share as a percentage that never rounds a non-zero count to 0% or 100%."""
    share = 100.0 * count / total
    text = f"{share:.2f}"
    if count and text == "0.00":
        text = f"{share:.2g}"
    elif count < total and text == "100.00":
        text = "99.99"
    return f"{text}%"


def _describe_problem(
    state: GoldenState,
    item: _EyeCheck,
    tolerance: int,
    problem: str | None,
    diff: ImageDiff | None,
) -> list[str]:
    """Message lines for a missing, unreadable, reshaped or differing golden."""
    golden = f"  golden: {state.display(item.path)}"
    if problem == "missing":
        return [f"golden image missing for {item.where})", golden]
    if problem is not None:
        return [f"golden image does not match {item.where})", golden, f"  {problem}"]
    assert diff is not None
    return [
        f"golden image mismatch for {item.where}, tolerance: {tolerance})",
        golden,
        f"  {diff.summary()}; max channel difference {diff.max_difference}",
        (
            f"  first difference at (x={diff.first_x}, y={diff.first_y}) "
            f"expected {diff.expected_value} got {diff.actual_value}"
        ),
    ]


WIDGETS_NAMED = 6   # a mismatch names at most this many widgets


def _where_it_differs(diff: ImageDiff, snapshot: Any, eye: str) -> str:
    """The box around every differing pixel, and the widgets (of the rendered frame) that
    draw over a differing pixel, innermost first."""
    ys, xs = np.nonzero(diff.mask)
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    region = f"differing region x {x0}..{x1 - 1}, y {y0}..{y1 - 1} ({x1 - x0}x{y1 - y0} px)"
    if snapshot is None:
        return region
    from hud.report import widget_boxes

    boxes = widget_boxes(snapshot)
    height, width = diff.mask.shape
    named = []
    for record in sorted(snapshot.widgets, key=lambda r: -len(r.path)):   # innermost first
        box = boxes.get(id(record.widget), {}).get(eye)
        if box is None or box.empty:
            continue
        left, top = max(box.x, 0), max(box.y, 0)
        right, bottom = min(box.right, width), min(box.bottom, height)
        if left < right and top < bottom and diff.mask[top:bottom, left:right].any():
            named.append(_widget_name(record.widget))
    if not named:
        return f"{region}; no widget draws there"
    more = f" and {len(named) - WIDGETS_NAMED} more" if len(named) > WIDGETS_NAMED else ""
    return f"{region}; widgets there: {', '.join(named[:WIDGETS_NAMED])}{more}"


def _widget_name(widget: Any) -> str:
    """E.g. ``caption 'sub' (city-walk.toml:12)``: its type, its id and where it was declared."""
    from hud.errors import escape

    kind = getattr(widget, "type_name", "") or type(widget).__name__
    name = f"{kind} {escape(repr(widget.id))}" if getattr(widget, "id", None) else kind
    source = getattr(widget, "source", None)
    if not source or not source[1]:
        return name
    return f"{name} ({escape(Path(str(source[0])).name)}:{source[1]})"


# --------------------------------------------------------------------------
# PNG input / output
# --------------------------------------------------------------------------


def load_png(path: Path) -> np.ndarray:
    """Load an 8-bit 'L' or 'RGB' PNG as (H, W) or (H, W, 3) uint8."""
    from hud.assets import read_image

    image = read_image(path)
    if image.mode not in ("L", "RGB"):
        raise ValueError(
            f"unsupported image mode {image.mode!r} (expected 'L' or 'RGB')"
        )
    return np.array(image)


def _load_golden(
    path: Path, actual: np.ndarray
) -> tuple[np.ndarray | None, str | None]:
    """(golden, problem): problem is 'missing', a description, or None."""
    if not path.is_file():
        return None, "missing"
    try:
        expected = load_png(path)
    except (OSError, ValueError, SyntaxError) as exc:
        return None, f"cannot read the golden: {exc}"
    if expected.shape != actual.shape:
        return expected, (
            f"size or mode mismatch: golden is {_describe(expected)}, "
            f"rendered image is {_describe(actual)}"
        )
    return expected, None


def _load_speech_golden(path: Path) -> tuple[golden_speech.Transcript | None, str | None]:
    """(golden, problem): problem is 'missing', a description, or None."""
    if not path.is_file():
        return None, "missing"
    try:
        return golden_speech.load(path), None
    except (OSError, ValueError) as exc:
        return None, str(exc)


def _save_png(image: np.ndarray, handle: IO[bytes]) -> None:
    """Encode ``image`` as PNG ('L' for 2-D, 'RGB' for (H, W, 3)) into ``handle``."""
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(image)).save(handle, format="PNG")


def _write_text_atomic(path: Path, text: str) -> None:
    """Write a text golden through a temporary file in the same folder."""
    write_text(path, text)


def write_png_atomic(path: Path, image: np.ndarray) -> None:
    """Write a PNG via a temp file in the same folder (hud.files.AtomicFile).

    Readers (and an interrupted run) see either the old file or the new one,
    never a partial one; the temp file is removed on any error.
    """
    with AtomicFile(path) as handle:
        _save_png(image, handle)


def _write_plain(path: Path, image: np.ndarray) -> None:
    with AtomicFile(path) as handle:
        _save_png(image, handle)


# --------------------------------------------------------------------------
# Failure artefacts
# --------------------------------------------------------------------------


def diff_image(expected: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """RGB: differing pixels bright red over a dimmed grey copy of ``expected``."""
    dimmed = (_luma(expected).astype(np.uint16) * 2 // 5).astype(np.uint8)
    out = np.repeat(dimmed[:, :, None], 3, axis=2)
    out[mask] = (255, 0, 0)
    return out


def isolated_image(
    expected: np.ndarray, actual: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """RGB: only the differing pixels, brightness showing the size of each channel's difference."""
    delta = _abs_delta(expected, actual).astype(np.uint16)
    if delta.ndim == 2:
        delta = np.repeat(delta[:, :, None], 3, axis=2)
    peak = max(int(delta.max()), 1)
    scaled = np.where(delta > 0, 64 + delta * 191 // peak, 0).astype(np.uint8)
    out = np.zeros_like(scaled)
    out[mask] = scaled[mask]
    return out


def _luma(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    weights = np.array([299, 587, 114], dtype=np.uint32)
    return (image.astype(np.uint32) @ weights // 1000).astype(np.uint8)


def _artefact_path(folder: Path, stem: str, kind: str) -> Path:
    return folder / f"{stem}-{kind}.png"


def _clear_artefacts(folder: Path, stem: str) -> None:
    for kind in ARTEFACT_KINDS:
        _artefact_path(folder, stem, kind).unlink(missing_ok=True)


def _artefact_folder(failures_dir: Path, name: str) -> Path:
    """A subfolder of the failures folder, created with the folder's .gitignore."""
    folder = failures_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    ignore = failures_dir / ".gitignore"
    if not ignore.exists():
        write_text(ignore, "# written by hud.golden\n*\n")
    return folder


def _write_artefacts(
    failures_dir: Path,
    item: _EyeCheck,
    expected: np.ndarray | None,
    diff: ImageDiff | None,
) -> dict[str, Path]:
    """Write the available artefacts of one eye; return them by kind."""
    folder = _artefact_folder(failures_dir, item.backend)
    images: dict[str, np.ndarray] = {}
    if expected is not None:
        images["expected"] = expected
    images["actual"] = item.actual
    if diff is not None and expected is not None:
        images["diff"] = diff_image(expected, diff.mask)
        images["isolated"] = isolated_image(expected, item.actual, diff.mask)
    written = {}
    for kind, image in images.items():
        path = _artefact_path(folder, item.stem, kind)
        _write_plain(path, image)
        written[kind] = path
    return written


def _speech_artefact_path(folder: Path, name: str, kind: str) -> Path:
    return folder / f"{name}-{kind}.json"


def _write_speech_artefacts(
    failures_dir: Path, name: str, golden: Path | None, actual: golden_speech.Transcript
) -> dict[str, Path]:
    """Copy the golden (when readable) and write the actual transcript; return them by kind."""
    folder = _artefact_folder(failures_dir, SPEECH_DIRNAME)
    written = {}
    if golden is not None:
        written["expected"] = write_bytes(_speech_artefact_path(folder, name, "expected"), golden.read_bytes())
    path = _speech_artefact_path(folder, name, "actual")
    _write_text_atomic(path, golden_speech.dumps(actual))
    written["actual"] = path
    return written


def _remove_tree(folder: Path) -> None:
    """Remove the plugin's artefact folder (a symlink is unlinked, not followed)."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------
# HTML report
# --------------------------------------------------------------------------

_REPORT_CSS = """
body { background: #111; color: #ddd; font-family: system-ui, sans-serif; margin: 1.5rem; }
h1 { font-size: 1.3rem; }
section { border-top: 1px solid #333; padding: 1rem 0; }
h2 { font-size: 1rem; font-family: ui-monospace, monospace; word-break: break-all; }
pre { white-space: pre-wrap; background: #1b1b1b; color: #f0a0a0; padding: 0.6rem; }
.images { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
figure { margin: 0; }
figcaption { color: #999; font-size: 0.85rem; margin-bottom: 0.3rem; }
img { image-rendering: pixelated; background: #000; border: 1px solid #444; display: block; }
.none { color: #777; font-style: italic; }
"""

_TRANSCRIPT_CSS = """
table.transcript { border-collapse: collapse; font-size: 0.85rem; }
.transcript th, .transcript td { border: 1px solid #333; padding: 0.2rem 0.4rem; text-align: left; }
.transcript td { vertical-align: top; }
.transcript th { color: #999; font-weight: normal; }
.transcript td.time { font-family: ui-monospace, monospace; white-space: nowrap; }
.transcript td.differs { background: #4a1d1d; color: #fff; }
.transcript td.gone { color: #777; font-style: italic; }
.transcript small { color: #999; display: block; }
.transcript td.differs small { color: #ddd; }
.files a { color: #9cf; }
"""


def write_report(state: GoldenState) -> Path:
    """Write ``report.html`` listing every failure with its images side by side."""
    sections = "\n".join(_report_section(state, failure) for failure in state.failures)
    count = len(state.failures)
    css = _REPORT_CSS
    if any(failure.transcript is not None for failure in state.failures):
        css += _TRANSCRIPT_CSS
    document = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Golden failures ({count})</title>\n<style>{css}</style>\n"
        f"</head>\n<body>\n<h1>{count} golden comparison(s) failed</h1>\n"
        f"{sections}\n</body>\n</html>\n"
    )
    path = state.report_path
    write_text(path, document)
    return path


def _report_section(state: GoldenState, failure: GoldenFailure) -> str:
    if failure.transcript is not None:
        return _transcript_section(state, failure, failure.transcript)
    figures = "\n".join(
        _report_figure(state, kind, failure.artefacts.get(kind))
        for kind in ARTEFACT_KINDS
    )
    title = html.escape(
        f"{failure.nodeid} — {failure.name} ({failure.eye}, {failure.backend})"
    )
    return (
        f"<section>\n<h2>{title}</h2>\n<pre>{html.escape(failure.message)}</pre>\n"
        f'<div class="images">\n{figures}\n</div>\n</section>'
    )


def _transcript_section(
    state: GoldenState, failure: GoldenFailure, mismatch: golden_speech.TranscriptMismatch
) -> str:
    """A speech failure: its message, links to the transcripts, and the golden and actual
    utterances side by side, one row per utterance, differing cells marked."""
    title = html.escape(f"{failure.nodeid} — {failure.name} ({failure.eye}, {failure.backend})")
    links = " · ".join(
        f'<a href="{quote(path.relative_to(state.failures_dir).as_posix())}">{kind}</a>'
        for kind, path in failure.artefacts.items()
    )
    heads = "".join(f"<th>{column}</th>" for column in golden_speech.COLUMNS)
    rows = "\n".join(
        f"<tr><td>{number}</td>{_transcript_cells(old, differs)}{_transcript_cells(new, differs)}</tr>"
        for number, (old, new, differs) in enumerate(mismatch.rows(), 1)
    )
    width = len(golden_speech.COLUMNS)
    return (
        f"<section>\n<h2>{title}</h2>\n<pre>{html.escape(failure.message)}</pre>\n"
        f'<p class="files">{links}</p>\n<table class="transcript">\n'
        f'<thead><tr><th rowspan="2">#</th><th colspan="{width}">golden</th><th colspan="{width}">actual</th></tr>\n'
        f"<tr>{heads}{heads}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n</section>"
    )


def _transcript_cells(utterance: dict[str, Any] | None, differs: set[str]) -> str:
    """One side of a transcript row: time, status (and why), priority, earcon, text (language,
    rate and skipped words under it)."""
    if utterance is None:
        return f'<td class="gone" colspan="{len(golden_speech.COLUMNS)}">(none)</td>'
    status = html.escape(str(utterance.get("status")))
    if utterance.get("reason"):
        status += f"<small>{html.escape(str(utterance['reason']))}</small>"
    notes = [str(utterance.get("language"))]
    if utterance.get("rate") is not None:
        notes.append(f"rate {utterance['rate']:g}")
    skipped = utterance.get("skipped")
    if skipped is not None:
        notes.append(f"skipped: {skipped.get('text') if isinstance(skipped, dict) else skipped}")
    text = html.escape(str(utterance.get("text"))) + f"<small>{html.escape(', '.join(notes))}</small>"
    cells = {
        "time": html.escape(golden_speech.time_span(utterance)),
        "status": status,
        "priority": html.escape(str(utterance.get("priority"))),
        "earcon": html.escape(str(utterance.get("earcon") or "-")),
        "text": text,
    }
    return "".join(
        f'<td class="{column}{" differs" if column in differs else ""}">{cells[column]}</td>'
        for column in golden_speech.COLUMNS
    )


def _report_figure(state: GoldenState, kind: str, path: Path | None) -> str:
    if path is None or not path.is_file():
        if kind == "isolated":
            return ""
        return f'<figure><figcaption>{kind}</figcaption><p class="none">(none)</p></figure>'
    source = quote(path.relative_to(state.failures_dir).as_posix())
    width, height = _png_size(path)
    scale = max(1, -(-_REPORT_MIN_WIDTH // width))  # ceil: small panels are enlarged
    return (
        f"<figure><figcaption>{kind}</figcaption>"
        f'<img src="{source}" alt="{kind}" width="{width * scale}" '
        f'height="{height * scale}"></figure>'
    )


def _png_size(path: Path) -> tuple[int, int]:
    from hud.assets import read_image

    return read_image(path).size
