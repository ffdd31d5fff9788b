"""The emulator's HTTP API, for apps, tests and tools (stdlib only, 127.0.0.1 only).

    emu = Emulator.open("scenes/city-walk.toml")
    with ApiServer(emu) as server:          # port 0: any free port
        ...  # http://127.0.0.1:{server.port}/screenshot?view=fused

The endpoints are the `ROUTES` table below, which the server dispatches on and which
`GET /openapi.json` describes (emulator.openapi), so the two cannot drift apart. Every error
is JSON `{"error": "one line"}`: 400 for a bad request (the message names the field), 404 for
an unknown path or widget id, 405 with `Allow` for a wrong method, 409 when there is no scene
to edit, 411 for a body without a Content-Length, 413 for a body over MAX_BODY (judged from
Content-Length, before reading it), 422 for a scene file with an error, 503 when busy.

Hardening: it listens on 127.0.0.1 only (there is no authentication). A connection must send
its whole request within `socket_timeout` seconds (a slow or half-open client is cut off, it
cannot hold a worker by trickling bytes), at most `workers` requests are served at once (the
next connections get 503 at once), and at most `streams` `GET /events` streams are open at
once, each on a thread of its own, outside the workers. A stream notices its client hanging up
within HANGUP_POLL_S seconds and frees its slot then (anything the client sends after its
request is read away; a client that shuts down its sending side counts as gone).

The emulator is not thread-safe. Headless (`threaded_owner=False`, the default) each request
takes the server's lock and calls the emulator itself; a loop that moves the emulator on
(emulator.headless) takes the same lock. Under a window (`threaded_owner=True`) each request
queues a job and waits for the window's main loop to run it in `pending()`; when nobody does
within `job_timeout` seconds the request gets 503.
"""

from __future__ import annotations

import io
import json
import logging
import math
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, quote, unquote, urlsplit

import numpy as np
from PIL import Image

from emulator.core import Emulator
from emulator.events import Batch, Listener, widget_states
from emulator.live import NoScene, UnknownWidget, declared, key
from emulator.look import VIEWS
from emulator.openapi import Param, Route, document
from hud.errors import HudError, escape
from hud.gestures import GESTURES
from hud.limits import HTTP_TIMEOUT_S, HTTP_WORKERS, MAX_HTTP_BODY
from hud.sinks import panel_image

HOST = "127.0.0.1"
MAX_BODY = MAX_HTTP_BODY  # bytes; a larger Content-Length gets 413 before anything is read
SOCKET_TIMEOUT_S = HTTP_TIMEOUT_S  # a connection gets this long to send its request
JOB_TIMEOUT_S = 5.0  # threaded owner: how long a request waits for pending()
EVENT_STREAMS = 8  # GET /events streams open at once
STREAM_SWEEP_S = 1.0  # how long a new stream waits for a slot that a gone client frees
HEARTBEAT_S = 15.0  # an idle event stream gets a comment line this often
HANGUP_POLL_S = 0.25  # how often an idle event stream checks that its client is still there
MAX_ADVANCE_S = 3600.0
DRAIN_LIMIT = 4 * MAX_BODY  # how much of a refused body we read away so the client sees the reply
BUSY_READ_S = 1.0  # how long a refused connection's request may take to arrive
_LENGTH = re.compile(r"^\s*\d{1,19}\s*$")

log = logging.getLogger("emulator.server")


class ApiError(Exception):
    """A request the API refuses: answered as `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        text = json.dumps(data, ensure_ascii=False, default=str)
        return cls(status, (text + "\n").encode("utf-8"), "application/json; charset=utf-8", headers or {})

    @classmethod
    def error(cls, status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
        return cls.json({"error": escape(message)}, status, headers)

    @classmethod
    def png(cls, image: Image.Image) -> Reply:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)
        return cls(200, buffer.getvalue(), "image/png")


@dataclass
class Stream:
    """A reply that stays open: server-sent events from `listener`, `hello` first."""

    listener: Listener
    hello: dict[str, Any]


@dataclass
class _Job:
    """A piece of emulator work waiting for the owner thread."""

    fn: Callable[[Emulator], Any]
    done: threading.Event = field(default_factory=threading.Event)
    guard: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False
    cancelled: bool = False
    result: Any = None
    error: BaseException | None = None


class ApiServer:
    """The HTTP API on 127.0.0.1:`port` (0 = any free port) over `emulator`."""

    def __init__(
        self,
        emulator: Emulator,
        port: int = 0,
        host: str = HOST,
        threaded_owner: bool = False,
        job_timeout: float = JOB_TIMEOUT_S,
        socket_timeout: float = SOCKET_TIMEOUT_S,
        workers: int = HTTP_WORKERS,
        streams: int = EVENT_STREAMS,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        if host != HOST:
            raise ValueError(f"the emulator API only listens on {HOST}, not {host!r} (it has no authentication)")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer 0..65535, not {port!r}")
        if workers < 1 or streams < 0:
            raise ValueError("workers must be at least 1 and streams at least 0")
        self.emulator = emulator
        self.threaded_owner = threaded_owner
        self.job_timeout = float(job_timeout)
        self.heartbeat_s = float(heartbeat_s)
        self.lock = threading.RLock()
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._listeners: set[Listener] = set()
        self._listeners_lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"timeout": socket_timeout})
        self.httpd = _HttpServer((HOST, port), handler, workers, streams)
        self.httpd.api = self

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def server_address(self) -> tuple[str, int]:
        return self.httpd.server_address[:2]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """Serve in a daemon thread."""
        if self._closed:
            raise RuntimeError("the server was stopped; make a new ApiServer")
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"emulator-api-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket: event streams end with a "bye" event, requests
        still waiting for pending() get 503."""
        if self._closed:
            return
        self._closed = True
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.close()
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()
        self._cancel_all()
        self.httpd.wait_for_connections(timeout=2.0)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def listen(self) -> Stream:
        """A new event stream: its listener, and the hello it starts with."""
        if self._closed:
            raise ApiError(503, "the emulator is shutting down")
        listener = self.emulator.log.hub.subscribe()
        with self._listeners_lock:
            self._listeners.add(listener)
        try:
            hello = self.call(lambda emu: emu.hello())
        except BaseException:
            self.forget(listener)
            raise
        return Stream(listener, hello)

    def poke_streams(self) -> None:
        """Wake every event stream so that those whose clients have gone end now."""
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.poke()

    def forget(self, listener: Listener) -> None:
        listener.close()
        with self._listeners_lock:
            self._listeners.discard(listener)

    # -- running emulator work ---------------------------------------------------------------
    def pending(self) -> None:
        """Run the queued requests' emulator work; the window's main loop calls this each frame
        (threaded_owner=True). Does nothing when nothing is queued."""
        for job in self._queued():
            with job.guard:
                if job.cancelled:
                    continue
                job.started = True
            try:
                job.result = job.fn(self.emulator)
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
                job.error = exc
            finally:
                job.done.set()

    def call(self, fn: Callable[[Emulator], Any]) -> Any:
        """Run `fn(emulator)` the way the owner wants: under the lock, or on the owner's
        thread via pending(). Raises ApiError(503) when the owner does not get to it."""
        if not self.threaded_owner:
            with self.lock:
                return fn(self.emulator)
        if self._closed:
            raise ApiError(503, "the emulator is shutting down")
        job = _Job(fn)
        self._jobs.put(job)
        if not job.done.wait(self.job_timeout):
            with job.guard:
                if not job.started:
                    job.cancelled = True
                    raise ApiError(
                        503,
                        f"the emulator did not take the request within {self.job_timeout:g} s "
                        "(is its main loop calling pending()?)",
                    )
            # Already running on the owner's thread: give it one more timeout to finish.
            if not job.done.wait(self.job_timeout):
                raise ApiError(503, "the emulator is busy; the request did not finish in time")
        if job.error is not None:
            raise job.error
        return job.result

    def _queued(self) -> Iterator[_Job]:
        """Take the queued jobs one by one until the queue is empty."""
        while True:
            try:
                yield self._jobs.get_nowait()
            except queue.Empty:
                return

    def _cancel_all(self) -> None:
        for job in self._queued():
            with job.guard:
                if not job.started:
                    job.cancelled = True
                    job.error = ApiError(503, "the emulator is shutting down")
                    job.done.set()


class _HttpServer(HTTPServer):
    """An HTTP server with a bounded number of connections served at once: `workers` for
    requests, `streams` more for event streams. A connection over the bound gets 503."""

    api: ApiServer
    server_address: tuple[str, int]  # an AF_INET server: (host, port)

    def __init__(self, address: tuple[str, int], handler: type, workers: int, streams: int) -> None:
        super().__init__(address, handler)
        self.workers = threading.BoundedSemaphore(workers)
        self.streams = threading.BoundedSemaphore(streams) if streams else None
        self.refusals = threading.BoundedSemaphore(2 * workers)  # connections being told 503
        self._held: dict[int, threading.BoundedSemaphore] = {}  # thread id -> the slot it holds
        self._active: set[threading.Thread] = set()
        self._active_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.workers.acquire(blocking=False):
            self._refuse(request)
            return
        thread = threading.Thread(
            target=self._serve, args=(request, client_address, self.workers), name="emulator-api-request", daemon=True
        )
        with self._active_lock:
            self._active.add(thread)
        thread.start()

    def _serve(self, request: Any, client_address: Any, slot: threading.BoundedSemaphore) -> None:
        me = threading.get_ident()
        self._held[me] = slot
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one connection's failure never stops the server
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._held.pop(me).release()
            with self._active_lock:
                self._active.discard(threading.current_thread())

    def to_stream(self) -> None:
        """The calling connection becomes an event stream: it gives its worker slot back and
        takes a stream slot; ApiError(503) when all are taken."""
        if self.streams is None:
            raise ApiError(503, "too many event streams are open; close one and try again")
        if not self.streams.acquire(blocking=False):
            # Streams whose clients hung up a moment ago may not have noticed yet: wake them
            # to check, and take a slot one of them gives back.
            self.api.poke_streams()
            if not self.streams.acquire(timeout=STREAM_SWEEP_S):
                raise ApiError(503, "too many event streams are open; close one and try again")
        me = threading.get_ident()
        self._held[me].release()
        self._held[me] = self.streams

    def _refuse(self, request: Any) -> None:
        """503 for a connection over the bound, from a short-lived thread of its own (bounded
        too: past that the connection is just closed)."""
        if not self.refusals.acquire(blocking=False):
            self.shutdown_request(request)
            return
        threading.Thread(target=self._answer_busy, args=(request,), name="emulator-api-busy", daemon=True).start()

    def _answer_busy(self, request: socket.socket) -> None:
        try:
            request.settimeout(BUSY_READ_S)
            head = b""
            deadline = time.monotonic() + BUSY_READ_S
            while b"\r\n\r\n" not in head and len(head) < 65536 and time.monotonic() < deadline:
                chunk = request.recv(65536)
                if not chunk:
                    break
                head += chunk
            reply = Reply.error(503, "the emulator API is busy serving other requests; try again")
            lines = [
                f"HTTP/1.0 503 {HTTPStatus(503).phrase}",
                f"Content-Type: {reply.content_type}",
                f"Content-Length: {len(reply.body)}",
                "Retry-After: 1",
                "Connection: close",
                "",
                "",
            ]
            request.sendall("\r\n".join(lines).encode("ascii") + reply.body)
        except OSError:
            pass
        finally:
            self.shutdown_request(request)
            self.refusals.release()

    def wait_for_connections(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for the connections being served to end."""
        deadline = time.monotonic() + timeout
        with self._active_lock:
            threads = list(self._active)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("emulator API: connection error from %s", client_address, exc_info=True)  # noqa: LOG014 - called from an except block


# -- endpoints -------------------------------------------------------------------------------
Query = dict[str, list[str]]


@dataclass
class Request:
    """What an endpoint gets: the server, the path's parameters, the query and the raw body."""

    server: ApiServer
    params: dict[str, str]
    query: Query
    body: bytes

    def json(self) -> Any:
        return _json(self.body)

    def object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise ApiError(400, "the request body must be a JSON object")
        return data


def _copy(image: np.ndarray) -> np.ndarray:
    return np.array(image, dtype=np.uint8, copy=True)


def _screenshot(request: Request) -> Reply:
    view = _one(request.query, "view")
    if view is not None and view not in VIEWS:
        raise ApiError(400, f"unknown view {view!r} (use one of {', '.join(VIEWS)})")
    overlay = _flag(_one(request.query, "overlay"), "overlay", default=True)
    image = request.server.call(lambda emu: _copy(emu.grab(view, overlay=overlay)))
    return Reply.png(Image.fromarray(image, "L" if image.ndim == 2 else "RGB"))


def _panel(eye: str) -> Callable[[Request], Reply]:
    def handler(request: Request) -> Reply:
        def work(emu: Emulator) -> np.ndarray | str:
            panels = emu.panels()
            if eye not in panels:
                if not emu.device.has_display:
                    return f"{emu.device.name} has no display, so no {eye} panel"
                if emu.scene is None:
                    return "no scene is loaded"
                return f"{emu.device.name} has no {eye} panel (eyes: {', '.join(emu.device.eyes)})"
            return _copy(panels[eye])

        panel = request.server.call(work)
        if isinstance(panel, str):
            raise ApiError(404, panel)
        return Reply.png(panel_image(panel))

    return handler


def _gesture(request: Request) -> Reply:
    name = _field(request.object(), "gesture", str)
    if name not in GESTURES:
        raise ApiError(400, f"unknown gesture {name!r} (use one of {', '.join(GESTURES)})")
    actions = request.server.call(lambda emu: emu.gesture(name))
    return Reply.json({"gesture": name, "actions": list(actions)})


def _voice(request: Request) -> Reply:
    text = _field(request.object(), "text", str)
    request.server.call(lambda emu: emu.voice(text))
    return Reply.json({"voice": text})


def _scene(request: Request) -> Reply:
    path = _field(request.object(), "path", str)
    if not path.strip():
        raise ApiError(400, "'path' must not be empty")
    try:
        found = Path(path).is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        raise ApiError(404, f"{path}: scene file not found")

    def work(emu: Emulator) -> Reply:
        if emu.load(path):
            return Reply.json({"loaded": path, "title": emu.scene.title if emu.scene is not None else None})
        return Reply.error(422, emu.scene_state.error or f"{path}: cannot load the scene")

    return request.server.call(work)


def _device(request: Request) -> Reply:
    name = _field(request.object(), "device", str)

    def work(emu: Emulator) -> Reply:
        try:
            emu.set_device(name)
        except HudError as exc:
            return Reply.error(400, str(exc))
        return Reply.json({"device": emu.device.name, "title": emu.device.title})

    return request.server.call(work)


def _advance(request: Request) -> Reply:
    data = request.object() if request.body.strip() else {}
    seconds = data.get("seconds")
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ApiError(400, f"'seconds' must be a number, not {seconds!r}")
        if not 0 <= seconds <= MAX_ADVANCE_S:
            raise ApiError(400, f"'seconds' must be between 0 and {MAX_ADVANCE_S:g}, not {seconds!r}")

    def work(emu: Emulator) -> dict[str, Any]:
        dt = float(seconds) if seconds is not None else 1.0 / emu.device.refresh_hz
        frame = emu.advance(dt)
        return {"t": emu.clock.t, "dt": dt, "rendered": frame is not None}

    return Reply.json(request.server.call(work))


def _pause(request: Request) -> Reply:
    paused = _field(request.object(), "paused", bool)

    def work(emu: Emulator) -> dict[str, Any]:
        emu.clock.paused = paused
        return {"paused": emu.clock.paused, "t": emu.clock.t}

    return Reply.json(request.server.call(work))


def _profile(request: Request) -> Reply:
    return Reply.json(request.server.call(lambda emu: emu.summary()))


def _state(request: Request) -> Reply:
    def work(emu: Emulator) -> dict[str, Any]:
        state, clock, viewer = emu.scene_state, emu.clock, emu.viewer
        return {
            "device": emu.device.name,
            "backend": state.drawn_by,
            "view": viewer.view,
            "t": clock.t,
            "error": state.error,
            "render_error": state.render_error,
            "scene": str(state.path) if state.path is not None else None,
            "title": emu.scene.title if emu.scene is not None else None,
            "paused": clock.paused,
            "length": clock.length,
            "at_end": clock.at_end,
            "api_changes": state.api_changes,
            "speech": emu.narration.state(),
            "transcript": emu.narration.transcript,
            "outlines": viewer.show_outlines,
            "lint": _lint_state(emu),
        }

    return Reply.json(request.server.call(work))


def _lint_state(emu: Emulator) -> dict[str, Any] | None:
    """While the outlines are on: the lint counts at this moment and the first findings."""
    outlines = emu.viewer.outlines() if emu.viewer.show_outlines else None
    if outlines is None:
        return None
    errors, warnings = outlines.counts
    return {
        "errors": errors,
        "warnings": warnings,
        "error": outlines.lint_error,
        "findings": [str(finding) for finding in outlines.findings[:3]],
    }


def _fields(widget: Any) -> dict[str, Any]:
    """A widget's fields (every one, defaults too) as JSON values."""
    return {name: _plain(getattr(widget, name)) for name in widget.props}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _widgets(request: Request) -> Reply:
    def work(emu: Emulator) -> dict[str, Any]:
        if emu.scene is None:
            return {"widgets": []}
        frame = emu.scene_state.frame
        if frame is None and emu.scene_state.renderer is not None:
            frame = emu.render()
        layout = widget_states(frame) if frame is not None else {}
        widgets = []
        for widget in declared(emu.scene.root):
            entry = layout.get(key(widget), {})
            parent = widget.parent
            widgets.append(
                {
                    "key": key(widget),
                    "id": widget.id,
                    "type": widget.type_name,
                    "parent": key(parent) if parent is not None and parent is not emu.scene.root else None,
                    "shown": entry.get("shown"),
                    "form": entry.get("form"),
                    "reason": entry.get("reason"),
                }
            )
        return {"widgets": widgets}

    return Reply.json(request.server.call(work))


def _widget(request: Request) -> Reply:
    widget_id = request.params["id"]

    def work(emu: Emulator) -> dict[str, Any]:
        widget = _find(emu, widget_id, f"GET /widgets/{widget_id}")
        return {"id": widget.id, "type": widget.type_name, "fields": _fields(widget)}

    return Reply.json(request.server.call(work))


def _find(emu: Emulator, widget_id: str, shown: str) -> Any:
    from emulator.live import find

    if emu.scene is None:
        raise NoScene(f"{shown}: no scene is loaded (POST /scene or POST /widgets first)")
    return find(emu.scene, widget_id, shown)


def _patch_widget(request: Request) -> Reply:
    widget_id = request.params["id"]
    fields = request.object()
    shown = f"PATCH /widgets/{widget_id}"
    changed = request.server.call(lambda emu: (emu.patch_widget(widget_id, fields, shown), emu.clock.t))
    return Reply.json({"id": widget_id, "set": changed[0], "t": changed[1]})


def _add_widget(request: Request) -> Reply:
    table = request.json()

    def work(emu: Emulator) -> dict[str, Any]:
        widget = emu.add_widget(table, "POST /widgets")
        return {"id": widget.id, "type": widget.type_name, "t": emu.clock.t}

    data = request.server.call(work)
    return Reply.json(data, 201, {"Location": "/widgets/" + quote(data["id"], safe="")})


def _delete_widget(request: Request) -> Reply:
    widget_id = request.params["id"]
    request.server.call(lambda emu: emu.remove_widget(widget_id, f"DELETE /widgets/{widget_id}"))
    return Reply.json({"removed": widget_id})


def _append(request: Request) -> Reply:
    widget_id = request.params["id"]
    data = request.object()
    unknown = sorted(set(data) - {"text", "commit"})
    if unknown:
        raise ApiError(400, f"unknown key {unknown[0]!r} in the request body (send text and, optionally, commit)")
    if "text" not in data:
        raise ApiError(400, "missing 'text' in the request body")
    shown = f"POST /widgets/{widget_id}/append"

    def work(emu: Emulator) -> dict[str, Any]:
        text = emu.append_text(widget_id, data["text"], data.get("commit", True), shown)
        return {"id": widget_id, "text": text, "t": emu.clock.t}

    return Reply.json(request.server.call(work))


def _events(request: Request) -> Stream:
    return request.server.listen()


def _openapi(request: Request) -> Reply:
    return Reply.json(document(ROUTES, request.server.url))


# -- the route table -------------------------------------------------------------------------
_STR = {"type": "string"}
_OBJ = {"type": "object"}
_ID = {"id": "live"}
_WIDGET_REF = {"$ref": "#/components/schemas/widget"}
ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        "/screenshot",
        _screenshot,
        "The view as the wearer sees it, with the overlays (PNG).",
        query=(
            Param("view", {"type": "string", "enum": list(VIEWS)}, "Which view (default: the window's).", "fused"),
            Param("overlay", {"type": "string", "enum": ["0", "1"]}, "0: the bare composite.", "1"),
        ),
        reply="image/png",
        errors=(400,),
    ),
    Route(
        "GET",
        "/panels/left.png",
        _panel("left"),
        "The left eye's exact panel image (native format, PNG).",
        reply="image/png",
        errors=(404,),
    ),
    Route(
        "GET",
        "/panels/right.png",
        _panel("right"),
        "The right eye's exact panel image (native format, PNG).",
        reply="image/png",
        errors=(404,),
    ),
    Route(
        "POST",
        "/gesture",
        _gesture,
        "A temple-touchpad gesture: runs the scene's bindings and the apps'.",
        body="required",
        request={
            "type": "object",
            "required": ["gesture"],
            "properties": {"gesture": {"type": "string", "enum": list(GESTURES)}},
        },
        example={"gesture": "tap"},
        result={"type": "object", "properties": {"gesture": _STR, "actions": {"type": "array", "items": _STR}}},
        errors=(400, 411),
    ),
    Route(
        "POST",
        "/voice",
        _voice,
        "A voice command, as the speech recogniser would deliver it.",
        body="required",
        request={"type": "object", "required": ["text"], "properties": {"text": _STR}},
        example={"text": "next card"},
        result={"type": "object", "properties": {"voice": _STR}},
        errors=(400, 411),
    ),
    Route(
        "POST",
        "/scene",
        _scene,
        "Load another scene file (it becomes the watched one).",
        body="required",
        request={"type": "object", "required": ["path"], "properties": {"path": _STR}},
        example={"path": "scenes/city-walk.toml"},
        result={"type": "object", "properties": {"loaded": _STR, "title": _STR}},
        errors=(400, 404, 411, 422),
    ),
    Route(
        "POST",
        "/device",
        _device,
        "Switch to another device profile (a built-in name or a profile file).",
        body="required",
        request={"type": "object", "required": ["device"], "properties": {"device": _STR}},
        example={"device": "quark-s1"},
        result={"type": "object", "properties": {"device": _STR, "title": _STR}},
        errors=(400, 411),
    ),
    Route(
        "POST",
        "/advance",
        _advance,
        "Move scene time on (default: one frame) and render.",
        body="optional",
        request={
            "type": "object",
            "properties": {"seconds": {"type": "number", "minimum": 0, "maximum": MAX_ADVANCE_S}},
        },
        example={"seconds": 0.5},
        result={
            "type": "object",
            "properties": {"t": {"type": "number"}, "dt": {"type": "number"}, "rendered": {"type": "boolean"}},
        },
        errors=(400,),
    ),
    Route(
        "POST",
        "/pause",
        _pause,
        "Stop or restart scene time (while paused, POST /advance renders without moving it).",
        body="required",
        request={"type": "object", "required": ["paused"], "properties": {"paused": {"type": "boolean"}}},
        example={"paused": False},
        result={"type": "object", "properties": {"paused": {"type": "boolean"}, "t": {"type": "number"}}},
        errors=(400, 411),
    ),
    Route(
        "GET",
        "/profile",
        _profile,
        "The profiler's summary of the frames so far, the transcript and speech.",
        result=_OBJ,
    ),
    Route("GET", "/state", _state, "Device, view, time, errors, scene, speech, lint and more.", result=_OBJ),
    Route(
        "GET",
        "/widgets",
        _widgets,
        "Every widget the scene declares: key (id, else type@line), type, parent's key, and whether the "
        "current frame shows it (form; else why not).",
        result={"type": "object", "properties": {"widgets": {"type": "array", "items": _OBJ}}},
    ),
    Route(
        "POST",
        "/widgets",
        _add_widget,
        "Add a top-level widget: one [[widgets]] table as JSON, with an id.",
        body="required",
        request=_WIDGET_REF,
        example={"type": "text", "id": "hello", "anchor": "top", "text": "Hello from the API"},
        status=201,
        result={"type": "object", "properties": {"id": _STR, "type": _STR, "t": {"type": "number"}}},
        errors=(400, 411),
    ),
    Route(
        "GET",
        "/widgets/{id}",
        _widget,
        "One widget's type and every field's current value.",
        params=_ID,
        result={"type": "object", "properties": {"id": _STR, "type": _STR, "fields": _OBJ}},
        errors=(409,),
    ),
    Route(
        "PATCH",
        "/widgets/{id}",
        _patch_widget,
        "Set fields, validated like the scene file; all or none. They hold from the current scene time on.",
        body="required",
        request={
            "type": "object",
            "minProperties": 1,
            "description": "Fields of the widget's type (see components.schemas).",
        },
        example={"max_lines": 2},
        params=_ID,
        result={"type": "object", "properties": {"id": _STR, "set": _OBJ, "t": {"type": "number"}}},
        errors=(400, 409, 411),
    ),
    Route(
        "DELETE",
        "/widgets/{id}",
        _delete_widget,
        "Take a widget (top-level or nested) out of the scene.",
        params={"id": "hello"},
        result={"type": "object", "properties": {"removed": _STR}},
        errors=(409,),
    ),
    Route(
        "POST",
        "/widgets/{id}/append",
        _append,
        "Stream words into a caption or text as a timeline append does (commit false: a caption's tentative words).",
        body="required",
        request={
            "type": "object",
            "required": ["text"],
            "properties": {"text": _STR, "commit": {"type": "boolean", "default": True}},
        },
        example={"text": "and more words", "commit": True},
        params=_ID,
        result={"type": "object", "properties": {"id": _STR, "text": _STR, "t": {"type": "number"}}},
        errors=(400, 409, 411),
    ),
    Route(
        "GET",
        "/events",
        _events,
        "Server-sent events: hello, then gesture, voice, loaded, scene_error, device, looped, changed, added, "
        "removed, appended, shown, hidden, form, missed_frame, render_error, dropped, bye; comments as heartbeats.",
        reply="text/event-stream",
        errors=(503,),
    ),
    Route("GET", "/openapi.json", _openapi, "This document.", result=_OBJ),
)


def _table(routes: tuple[Route, ...]) -> dict[str, dict[str, Route]]:
    table: dict[str, dict[str, Route]] = {}
    for route in routes:
        table.setdefault(route.path, {})[route.method] = route
    return table


TABLE = _table(ROUTES)


def match(path: str) -> tuple[dict[str, Route], dict[str, str]] | None:
    """The routes for a request path (by method) and its path parameters, or None."""
    segments = path.split("/")
    for template, routes in TABLE.items():
        parts = template.split("/")
        if len(parts) != len(segments):
            continue
        params: dict[str, str] = {}
        for part, segment in zip(parts, segments):
            if part.startswith("{") and part.endswith("}"):
                if not segment:
                    break
                params[part[1:-1]] = unquote(segment, errors="replace")
            elif part != segment:
                break
        else:
            return routes, params
    return None


def _json(body: bytes) -> Any:
    if not body.strip():
        raise ApiError(400, "the request body is empty: send a JSON object")
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise ApiError(400, "the request body nests arrays or objects too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, f"the request body is not valid JSON ({exc})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _field(data: dict[str, Any], key: str, kind: type) -> Any:
    if key not in data:
        raise ApiError(400, f"missing {key!r} in the request body")
    value = data[key]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ApiError(400, f"{key!r} must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _one(query: Query, key: str) -> str | None:
    values = query.get(key)
    return values[-1] if values else None


def _flag(value: str | None, name: str, default: bool) -> bool:
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ApiError(400, f"{name} must be 0 or 1, not {value!r}")


class _DeadlineReader(io.RawIOBase):
    """The connection's bytes, until a deadline: a request must arrive whole by then."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    """One connection, one request, one reply, then the connection closes."""

    server: _HttpServer
    timeout: ClassVar[float]  # seconds a request may take to arrive (ApiServer sets it per server)
    _unread: int | None  # body bytes not read yet (None: no Content-Length)
    protocol_version = "HTTP/1.0"
    server_version = "hud-emulator"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, time.monotonic() + self.timeout))
        self._unread = 0

    def __getattr__(self, name: str) -> Any:
        # Every method (PUT, DELETE, PATCH, odd ones) gets a JSON 405/404 rather than 501.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level errors (bad request line, headers too large) as JSON too."""
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "error"
        self._reply(Reply.error(code, message or phrase))

    def _dispatch(self) -> None:
        self.close_connection = True
        try:
            reply = self._route()
        except ApiError as exc:
            reply = Reply.error(exc.status, exc.message, exc.headers)
        except UnknownWidget as exc:
            reply = Reply.error(404, str(exc))
        except NoScene as exc:
            reply = Reply.error(409, str(exc))
        except HudError as exc:  # a scene-file-style error in what the request sent
            reply = Reply.error(400, str(exc))
        except _ClientGone:
            return
        except Exception as exc:
            log.exception("emulator API: %s %s failed", self.command, self.path)
            reply = Reply.error(500, f"internal error: {type(exc).__name__}: {exc}")
        self.connection.settimeout(self.timeout)  # the reply gets its own time to go out
        if isinstance(reply, Stream):
            self._stream(reply)
            return
        self._reply(reply)
        self._drain()

    def _route(self) -> Reply | Stream:
        self._unread = self._declared_length(check=False)  # drained after the reply unless read
        parts = urlsplit(self.path)
        found = match(parts.path)
        if found is None:
            known = ", ".join(TABLE)
            raise ApiError(404, f"no such endpoint {parts.path!r} (endpoints: {known})")
        methods, params = found
        route = methods.get(self.command)
        if route is None:
            allowed = ", ".join(methods)
            raise ApiError(405, f"{self.command} is not allowed on {parts.path} (use {allowed})", {"Allow": allowed})
        body = self._read_body(route)
        query = parse_qs(parts.query, keep_blank_values=True)
        if route.reply == "text/event-stream":
            self.server.to_stream()
        return route.handler(Request(self.server.api, params, query, body))

    def _declared_length(self, check: bool = True) -> int | None:
        """The body's Content-Length (None when there is none); ApiError for chunked bodies and
        bad or conflicting values when `check`."""
        if self.headers.get("Transfer-Encoding", "").strip().lower() not in ("", "identity"):
            if check:
                raise ApiError(411, "send the request body with a Content-Length (no chunked encoding)")
            return 0
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return None
        if any(not _LENGTH.match(value) for value in values) or len({value.strip() for value in values}) > 1:
            if check:
                raise ApiError(
                    400, f"bad Content-Length {escape(', '.join(values))!r} (send one whole number of bytes)"
                )
            return 0
        return int(values[0])

    def _read_body(self, route: Route) -> bytes:
        length = self._declared_length()
        if length is None:
            if route.body == "required":
                raise ApiError(411, "send the request body with a Content-Length header")
            return b""
        if length > MAX_BODY:
            raise ApiError(413, f"the request body is {length} bytes; the limit is {MAX_BODY}")
        if length == 0:
            return b""
        self._unread = 0
        try:
            body = self.rfile.read(length)
        except OSError:  # timed out or reset mid-body
            raise _ClientGone from None
        if len(body) != length:
            raise _ClientGone
        return body

    def _reply(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _stream(self, stream: Stream) -> None:
        """Server-sent events until the client goes away or the server stops."""
        api = self.server.api
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.send_header("X-Accel-Buffering", "no")
            self.end_headers()
            self._send_event(0, "hello", stream.hello)
            while True:
                batch = self._next(stream.listener, api.heartbeat_s)
                if batch is None:
                    self._send_event(0, "bye", {"reason": "the emulator API is stopping"})
                    return
                if not batch.events and not batch.dropped:
                    self.wfile.write(b": heartbeat\n\n")
                    self.wfile.flush()
                    continue
                if batch.dropped:
                    self._send_event(0, "dropped", {"count": batch.dropped}, flush=False)
                for event in batch.events:
                    self._send_event(event.seq, event.kind, event.data, flush=False)
                self.wfile.flush()
        except (OSError, _ClientGone):  # the client went away (or stopped reading for a whole timeout)
            pass
        finally:
            api.forget(stream.listener)

    def _next(self, listener: Listener, heartbeat_s: float) -> Batch | None:
        """The listener's next batch (empty after `heartbeat_s` seconds with none), waiting in
        slices of HANGUP_POLL_S; _ClientGone as soon as the client hangs up."""
        deadline = time.monotonic() + heartbeat_s
        while True:
            left = deadline - time.monotonic()
            batch = listener.next(min(HANGUP_POLL_S, max(left, 0.0)))
            if batch is None or batch.events or batch.dropped:
                return batch
            if self._hung_up():
                raise _ClientGone
            if left <= HANGUP_POLL_S:
                return batch

    def _hung_up(self) -> bool:
        """Whether the client has closed (or reset) the connection; reads away what it sent."""
        try:
            self.connection.settimeout(0)
            return self.connection.recv(65536) == b""
        except BlockingIOError:  # nothing to read: still there
            return False
        except OSError:
            return True
        finally:
            self.connection.settimeout(self.timeout)

    def _send_event(self, seq: int, kind: str, data: dict[str, Any], flush: bool = True) -> None:
        text = json.dumps(data, ensure_ascii=False, default=str)
        head = f"id: {seq}\n" if seq else ""
        self.wfile.write(f"{head}event: {kind}\ndata: {text}\n\n".encode())
        if flush:
            self.wfile.flush()

    def _drain(self) -> None:
        """Read away (a bounded amount of) a body we refused, so that closing the socket does
        not reset the connection before the client has read the reply."""
        left = min(self._unread or 0, DRAIN_LIMIT)
        if left <= 0:
            return
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(1.0)
            while left > 0:
                chunk = self.connection.recv(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:  # includes the socket timeout
            pass


class _ClientGone(Exception):
    """The client stopped sending mid-request; nothing to answer."""
