"""The pytest plugin: ``--update-goldens``, the ini options, the ``golden`` fixture run once
per backend, the report at the end of the session, and the merge of xdist workers' findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hud.golden.artefacts import remove_tree
from hud.golden.backends import KNOWN_BACKENDS
from hud.golden.check import GoldenChecker
from hud.golden.report import has_parity, summary_lines, write_report
from hud.golden.state import (
    DEFAULT_BACKENDS,
    DEFAULT_GOLDEN_DIR,
    DEFAULT_GPU_TOLERANCE,
    UPDATE_FLAG,
    GoldenState,
)
from hud.golden.tolerance import REFERENCE_BACKEND

STATE_KEY = pytest.StashKey[GoldenState]()
WORKER_OUTPUT_KEY = "hud_golden"  # an xdist worker's findings, in its workeroutput


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
            f"'{REFERENCE_BACKEND}' (integer, default {DEFAULT_GPU_TOLERANCE})"
        ),
        default=str(DEFAULT_GPU_TOLERANCE),
    )
    parser.addini(
        "golden_backends",
        type="args",
        help=f"raster backends every golden test runs on, once each (default: {' '.join(DEFAULT_BACKENDS)})",
        default=list(DEFAULT_BACKENDS),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Create the session state."""
    rootdir = Path(config.rootpath)
    config.stash[STATE_KEY] = GoldenState(
        rootdir=rootdir,
        golden_dir=_golden_dir(config, rootdir),
        update=bool(config.getoption("update_goldens", default=False)),
        gpu_tolerance=_gpu_tolerance(config),
        backends=_backends(config),
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses ``golden`` once per backend of ``golden_backends``, unless the
    test parametrises ``golden_backend`` itself."""
    if "golden_backend" not in metafunc.fixturenames or _parametrises_backend(metafunc):
        return
    backends = metafunc.config.stash[STATE_KEY].backends
    metafunc.parametrize("golden_backend", backends, indirect=True, ids=list(backends))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove the artefacts of previous runs (on the controller only under xdist)."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is not None and not _is_worker(session.config):
        remove_tree(state.failures_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the HTML report, or remove a stale one; an xdist worker hands its findings to the
    controller instead."""
    config = session.config
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    if _is_worker(config):
        config.workeroutput[WORKER_OUTPUT_KEY] = state.export()  # type: ignore[attr-defined]
        return
    if state.failures or has_parity(state):
        write_report(state)
    else:
        state.report_path.unlink(missing_ok=True)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under xdist: add a finished worker's failures, goldens and parity records to the
    controller's, for the one report and summary."""
    state = node.config.stash.get(STATE_KEY, None)
    found = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if state is not None and found is not None:
        state.merge(found)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Mention goldens written or removed, each backend's parity with the reference goldens,
    and the report."""
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    if state.updated:
        terminalreporter.write_sep("-", f"goldens written: {len(state.updated)}")
        for path in state.updated:
            terminalreporter.write_line(state.display(path))
    if state.removed:
        terminalreporter.write_sep(
            "-", f"goldens removed (within tolerance of {REFERENCE_BACKEND}): {len(state.removed)}"
        )
        for path in state.removed:
            terminalreporter.write_line(state.display(path))
    if has_parity(state):
        terminalreporter.write_sep("-", f"golden parity with the {REFERENCE_BACKEND} goldens")
        for line in summary_lines(state, verbose=terminalreporter.verbosity > 0):
            terminalreporter.write_line(line)
        if not state.failures and state.report_path.is_file():
            terminalreporter.write_line(f"report: {state.report_path}")
    if state.failures and state.report_path.is_file():
        terminalreporter.write_sep("-", "golden failures")
        terminalreporter.write_line(f"{len(state.failures)} golden comparison(s) failed; report: {state.report_path}")


@pytest.fixture
def golden_backend(request: pytest.FixtureRequest) -> str:
    """The raster backend a golden test renders on: one run per backend of ``golden_backends``."""
    backend = request.param
    if backend not in KNOWN_BACKENDS:
        raise ValueError(f"golden_backend {backend!r} is not a backend: use one of {', '.join(KNOWN_BACKENDS)}")
    return str(backend)


@pytest.fixture
def golden(request: pytest.FixtureRequest, golden_backend: str) -> GoldenChecker:
    """Compare rendered frames with golden PNGs: ``golden.check(name, target)``, on
    ``golden.backend``."""
    return GoldenChecker(
        request.config.stash[STATE_KEY], request.node.nodeid, Path(request.node.path).parent, golden_backend
    )


def _is_worker(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist worker."""
    return hasattr(config, "workerinput")


def _parametrises_backend(metafunc: pytest.Metafunc) -> bool:
    """Whether the test's own parametrize marks name ``golden_backend``."""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if "golden_backend" in names:
            return True
    return False


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
        raise pytest.UsageError(f"golden_tolerance_gpu must be a non-negative integer, got {raw!r}")
    return value


def _backends(config: pytest.Config) -> tuple[str, ...]:
    names = tuple(str(name) for name in config.getini("golden_backends"))
    unknown = [name for name in names if name not in KNOWN_BACKENDS]
    if not names or unknown or len(set(names)) != len(names):
        raise pytest.UsageError(
            f"golden_backends must name each of its backends once, from {', '.join(KNOWN_BACKENDS)}; "
            f"got {' '.join(names) or 'nothing'!r}"
        )
    return names
