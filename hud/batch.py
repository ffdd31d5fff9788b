"""Batches of independent render tasks: in this process, on a pool of local processes (one per
core), or on a Dask distributed cluster, with the results streamed back in task order.

A batch runs where it pays: in this process for one task or one worker, on a process pool for
several tasks on several cores (`jobs`), and on the Dask scheduler at `cluster` (or at the
DASK_SCHEDULER_ADDRESS environment variable) when one is named. Whichever runs it, result i is
handed on as soon as results 0..i are done, so files appear in order and the first failure
stops the batch. A task's HudError comes back as its one line, never a remote traceback; a
warning a worker raised is shown once, however many workers raised it.

Tasks travel to other machines, so they carry what a worker needs and nothing it may lack:
a scene file travels as its text and the bytes of the images it references (a worker puts them
in a folder of its own and loads the scene from there; messages still name the file as
given), a device as its loaded profile. A `module:function` scene is called where the task
runs, so its module must be importable on every worker. `distributed` and `tqdm` are imported
only when a cluster is named or a progress bar is drawn.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from importlib.machinery import PathFinder
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from hud.devices import DeviceProfile
from hud.errors import HudError, escape, warn_at_caller
from hud.scene import Scene, parse_scene
from hud.widgets.base import Widget
from hud.widgets.primitives import Image

CLUSTER_ENV = "DASK_SCHEDULER_ADDRESS"
CONNECT_TIMEOUT_S = 3.0  # to reach the scheduler before saying it cannot be reached
MAX_RANGE_FRAMES = 60  # frames one task renders: bounds the memory a finished task holds
RANGES_PER_WORKER = 4  # ranges per worker, so that a slow range does not hold up the others
START_HINT = "start one with `dask scheduler`, or leave out --cluster"

T = TypeVar("T")
R = TypeVar("R")


# -- where a batch runs --------------------------------------------------------------------------
def cpu_count() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def cluster_address(option: str | None) -> str | None:
    """The Dask scheduler to use: `--cluster`, else DASK_SCHEDULER_ADDRESS, else None (local)."""
    if option:
        return option
    return os.environ.get(CLUSTER_ENV) or None


class Batch:
    """Where tasks run: `map(work, tasks)` yields `work(task)` for each task, in order.

    `work` and the tasks must pickle (a function defined at a module's top level, plain data)
    whenever more than one worker runs them. Use as a context manager: leaving it lets the
    pool's processes end, stops them at once when it is left by an error, and disconnects from
    the cluster."""

    def __init__(self, command: str, jobs: int | None = None, cluster: str | None = None) -> None:
        self.command = command
        self.cluster = cluster
        self._client: Any = None
        self._pool: Any = None
        self._local = False  # the last map ran in this process
        if cluster:
            self._client = _connect(cluster, command)
            self.workers = max(1, sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values()))
        else:
            self.workers = jobs or cpu_count()

    def __enter__(self) -> Batch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(finished=error is None)

    def close(self, finished: bool = False) -> None:
        """Let the pool's processes end (`finished`: every task is done) or stop them, or
        disconnect from the cluster."""
        pool, self._pool = self._pool, None
        if pool is not None:
            if not finished:
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()  # stopped at once: their results are not wanted
            pool.shutdown(wait=True, cancel_futures=True)
        client, self._client = self._client, None
        if client is not None:
            client.close()

    @property
    def where(self) -> str:
        """Where the tasks ran, for a summary line."""
        if self.cluster:
            return f"on the Dask cluster at {self.cluster} ({self.workers} worker threads)"
        return "in this process" if self._local else f"on {self.workers} processes"

    def map(self, work: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """`work(task)` for each task, in order, each yielded as soon as it and every task
        before it are done. The first task that fails raises its error here."""
        if self._client is not None:
            return self._on_cluster(work, tasks)
        self._local = self.workers <= 1 or len(tasks) <= 1
        if self._local:
            return (work(task) for task in tasks)  # errors and warnings as they are
        return self._on_pool(work, tasks)

    def _on_pool(self, work: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        if self._pool is None:
            self.workers = min(self.workers, len(tasks))
            # Workers come from a fork server (a clean process started once), never forked from
            # this one, whose other threads (the file writers) may hold locks at that moment.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["hud.batch"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_signals)
        shown: set[tuple[type[Warning], str]] = set()
        futures = [self._pool.submit(_call, work, task) for task in tasks]
        try:
            for future in futures:
                try:
                    outcome = future.result()
                except BrokenProcessPool as exc:
                    raise HudError(
                        f"{self.command}: a worker process stopped without finishing its task ({exc}); "
                        "run again with --jobs 1 to render in this process"
                    ) from None
                yield _unpack(outcome, shown)
        finally:
            for future in futures:
                future.cancel()  # a consumer that stopped early, or a task that failed

    def _on_cluster(self, work: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        futures = self._client.map(partial(_call, work), list(tasks), pure=False)
        shown: set[tuple[type[Warning], str]] = set()
        try:
            for future in futures:
                yield _unpack(future.result(), shown)
        finally:
            if self._client is not None:  # (a consumer that stopped early, before the batch closed)
                self._client.cancel(futures)


def _connect(address: str, command: str) -> Any:
    """A Dask client of the scheduler at `address`; one HudError line when it cannot be reached."""
    reason = _unreachable(address)
    if reason is None:
        import logging

        from distributed import Client

        logging.getLogger("distributed").setLevel(logging.ERROR)
        try:
            return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - any failure to connect is the same one line
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    raise HudError(f"{command}: cannot reach the Dask scheduler at {escape(address)}: {escape(reason)} ({START_HINT})")


def _unreachable(address: str) -> str | None:
    """Why a tcp:// scheduler address cannot be connected to (None: it can, or it is not tcp)."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme != "tcp":
        return None
    host, colon, port = rest.rpartition(":")
    if not colon or not port.isdigit():
        return f"no port in the address (e.g. tcp://{rest or 'HOST'}:8786)"
    try:
        with socket.create_connection((host.strip("[]") or "localhost", int(port)), timeout=CONNECT_TIMEOUT_S):
            return None
    except TimeoutError:
        return f"no answer within {CONNECT_TIMEOUT_S:g} s"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def _worker_signals() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops them with SIGTERM: that ends a
    worker at once (a handler in Python would wait for the worker's next bytecode, which a
    worker blocked on the task queue's lock never runs)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@dataclass(frozen=True)
class _Outcome:
    """What a worker sends back: the value, or a HudError's line; and the warnings it raised."""

    value: Any
    error: str | None
    notes: tuple[tuple[type[Warning], str], ...]
    interrupted: bool = False


def _call(work: Callable[[Any], Any], task: Any) -> _Outcome:
    """Run one task in a worker. A HudError travels as its line (a subclass with its own
    constructor arguments does not unpickle); other exceptions travel as they are."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = work(task), None
        except HudError as exc:
            value, error = None, str(exc)
        except KeyboardInterrupt:  # a worker would die of it and leave the pool waiting
            return _Outcome(None, None, (), interrupted=True)
    notes = tuple(dict.fromkeys((w.category, str(w.message)) for w in caught))
    return _Outcome(value, error, notes)


def _unpack(outcome: _Outcome, shown: set[tuple[type[Warning], str]]) -> Any:
    if outcome.interrupted:
        raise KeyboardInterrupt
    for note in outcome.notes:
        if note not in shown:
            shown.add(note)
            warn_at_caller(note[1], note[0])
    if outcome.error is not None:
        raise HudError(outcome.error)
    return outcome.value


# -- progress ------------------------------------------------------------------------------------
class Progress:
    """A tqdm progress bar on stderr while it is a terminal (stderr that is a file or a pipe holds
    only warnings and errors). Leaving it on an error clears the bar, so the error is the only
    line left."""

    def __init__(self, total: int, unit: str) -> None:
        self._bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: pool workers fork from this process
            self._bar = tqdm(total=total, unit=f" {unit}", file=sys.stderr, dynamic_ncols=True)

    def update(self, done: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(done)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            if error is not None:
                self._bar.leave = False
            self._bar.close()


# -- scenes that travel --------------------------------------------------------------------------
@dataclass(frozen=True)
class SceneSource:
    """A scene as a task carries it: a scene file's text and the images it references (paths
    relative to its folder), or a `module:function` called with `loader` where the task runs.
    `loaded` is the parent's own Scene, used in this process and never sent anywhere."""

    name: str
    text: str | None = None
    assets: tuple[tuple[str, bytes], ...] = ()
    loader: Callable[[str], Scene] | None = None
    loaded: Scene | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, name: str, scene: Scene, loader: Callable[[str], Scene], keep: bool = False) -> SceneSource:
        """The source of `scene`, loaded from `name` (a file, else a `module:function` that
        `loader` calls); `keep`: use `scene` itself when the task runs in this process."""
        kept = scene if keep else None
        if scene.path is None:
            return cls(name, loader=loader, loaded=kept)
        path = Path(scene.path)
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        return cls(name, text, _assets(scene, path.parent), loaded=kept)

    def __reduce__(self) -> tuple[Any, ...]:
        return (SceneSource, (self.name, self.text, self.assets, self.loader))

    def load(self) -> Scene:
        """The scene, loaded where the task runs."""
        if self.loaded is not None:
            return self.loaded
        if self.text is None:
            assert self.loader is not None, "a SceneSource holds a scene file's text or a loader"
            _check_importable(self.name)
            return self.loader(self.name)
        scene = parse_scene(self.text, self.name, _asset_folder(self.assets))
        scene.path = Path(self.name)
        return scene


def _assets(scene: Scene, folder: Path) -> tuple[tuple[str, bytes], ...]:
    """Every image the scene's widgets and timeline name, relative to the scene's folder."""
    base = folder.resolve()
    sources: list[str] = []
    stack: list[Widget] = [scene.root]
    while stack:
        widget = stack.pop()
        if isinstance(widget, Image):
            sources.append(widget.src)
        stack.extend(widget._children)
    if scene.timeline is not None:
        sources += [str(e.value) for e in scene.timeline.events if e.field == "src" and isinstance(e.value, str)]
    found: dict[str, bytes] = {}
    for src in dict.fromkeys(sources):
        relative = Path(src).resolve().relative_to(base).as_posix()
        found[relative] = Path(src).read_bytes()
    return tuple(sorted(found.items()))


_asset_folders: dict[str, Path] = {}


def _asset_folder(assets: tuple[tuple[str, bytes], ...]) -> Path | None:
    """A folder of this process holding `assets` at their relative paths (made once per set)."""
    if not assets:
        return None
    digest = hashlib.sha256()
    for name, data in assets:
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    key = digest.hexdigest()
    folder = _asset_folders.get(key)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="hud-assets-"))
        atexit.register(shutil.rmtree, folder, True)
        for name, data in assets:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _asset_folders[key] = folder
    return folder


def _check_importable(reference: str) -> None:
    """A `module:function` whose module this worker cannot import: one line saying so."""
    module = reference.rpartition(":")[0]
    if module.endswith(".py"):
        found = os.path.isfile(module)
    else:  # its top package, on sys.path or in the working folder (where hud.sources looks first)
        top = module.partition(".")[0]
        try:
            found = importlib.util.find_spec(top) is not None or PathFinder.find_spec(top, [os.getcwd()]) is not None
        except (ImportError, ValueError):
            found = False
    if not found:
        raise HudError(
            f"{escape(reference)}: module '{escape(module)}' cannot be imported on the worker at "
            f"{escape(socket.gethostname())} (a module:function scene runs where it is imported: install "
            "the module on every worker, or give a scene file)"
        )


# -- render tasks --------------------------------------------------------------------------------
def frame_ranges(count: int, workers: int) -> list[range]:
    """Frames 0..count-1 cut into contiguous ranges: one for one worker (at most
    MAX_RANGE_FRAMES each), else about RANGES_PER_WORKER per worker."""
    size = MAX_RANGE_FRAMES if workers <= 1 else -(-count // (workers * RANGES_PER_WORKER))
    size = max(1, min(size, MAX_RANGE_FRAMES))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


@dataclass(frozen=True)
class FramesTask:
    """Frames `frames` of a scene's timeline at `rate` frames a second, as PNG files (`files`)
    and/or the preview's pixels (`preview`)."""

    source: SceneSource
    device: DeviceProfile
    backend: str
    rate: float
    frames: range
    files: bool
    preview: bool


@dataclass(frozen=True)
class RenderedFrame:
    """One frame of a FramesTask: `left-NNNNN.png`... as PNG bytes, and the preview's RGB
    pixels (None where the frame equals the one before it in its range)."""

    index: int
    files: dict[str, bytes]
    preview: np.ndarray | None
    backend: str


# A process's last renderer, reused when its next range carries straight on from the last one.
_last_range: list[Any] = []


def render_frames(task: FramesTask) -> list[RenderedFrame]:
    """Render a range of frames with one long-lived renderer (its incremental path). A frame is a
    function of its time alone, so frame k of a range equals frame k of a whole run."""
    from hud.renderer import Renderer

    key = (task.source.name, task.source.text, task.device, task.backend, task.rate)
    if _last_range and _last_range[0] == key and _last_range[2] == task.frames.start:
        renderer = _last_range[1]
    else:
        renderer = Renderer(task.source.load(), task.device, backend=task.backend)
    _last_range[:] = [key, renderer, task.frames.stop]
    rendered: list[RenderedFrame] = []
    last_eyes: Any = None
    files: dict[str, bytes] = {}
    for index in task.frames:
        frame = renderer.frame(index / task.rate)
        same = frame.eyes is last_eyes
        if task.files:
            if not same:
                files = {name[:-4]: _png(image) for name, image in frame.images().items()}
            named = {f"{eye}-{index:05d}.png": data for eye, data in files.items()}
        else:
            named = {}
        preview = None if same or not task.preview else np.asarray(frame.preview())
        rendered.append(RenderedFrame(index, named, preview, frame.backend))
        last_eyes = frame.eyes
    return rendered


@dataclass(frozen=True)
class StillTask:
    """One moment `at` of a scene on a device: its images, layout.json and lint findings."""

    source: SceneSource
    device: DeviceProfile
    backend: str
    at: float


@dataclass(frozen=True)
class RenderedStill:
    """A StillTask's files (name -> bytes, as Frame.save writes them), timings and findings."""

    files: dict[str, bytes]
    eyes: int
    backend: str
    elapsed_ms: float
    timings_ms: dict[str, float]
    findings: tuple[str, ...]
    summary: str


def render_still(task: StillTask) -> RenderedStill:
    """Render one moment as `hud render` does, returning the files instead of writing them."""
    import json

    from hud.lint import lint, lint_frame, summary_line
    from hud.profile import Profiler
    from hud.renderer import Renderer

    scene = task.source.load()
    renderer = Renderer(scene, task.device, backend=task.backend)
    renderer.profiler = Profiler(task.device.frame_budget_ms, task.device.name, backend=renderer.backend)
    started = time.perf_counter()
    frame = renderer.frame(task.at)
    elapsed = (time.perf_counter() - started) * 1000
    files = {name: _png(image) for name, image in frame.images().items()}
    files["layout.json"] = (json.dumps(frame.layout, ensure_ascii=False, indent=1) + "\n").encode()
    # The moment's lint rules read the frame just drawn (the reference backend's pixels);
    # another backend's frame is linted as the CPU draws it.
    findings = lint_frame(frame) if frame.backend == "cpu" else lint(scene, task.device, at=task.at)
    return RenderedStill(
        files,
        len(frame.eyes),
        frame.backend,
        elapsed,
        dict(frame.timings_ms),
        tuple(str(finding) for finding in findings),
        summary_line(findings) if findings else "",
    )


def _png(image: Any) -> bytes:
    """A Pillow image as the PNG file bytes hud.sinks.write_images writes for it."""
    from hud.sinks import image_png

    return image_png(image)
