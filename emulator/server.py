"""A small HTTP API over the emulator, for tests and tools (stdlib only, 127.0.0.1 only).

    emu = Emulator.open("scenes/city-walk.toml")
    with ApiServer(emu) as server:          # port 0: any free port
        ...  # http://127.0.0.1:{server.port}/screenshot?view=fused

Endpoints (every error is JSON `{"error": "..."}` with a 4xx status; 404 for unknown paths,
405 for a wrong method, 413 for a request body over 64 KiB):

    GET  /screenshot?view=both|fused|left|right[&overlay=0]   image/png of emulator.grab(view)
    GET  /panels/left.png, /panels/right.png                   the exact panel image (L or RGB)
    POST /gesture  {"gesture": "tap"}                          -> {"gesture", "actions"}
    POST /voice    {"text": "..."}                             -> {"voice"}
    POST /scene    {"path": "..."}                             -> {"loaded", "title"}; 422 scene error, 404 no file
    POST /device   {"device": "even-g2"}                       -> {"device"}
    POST /advance  {"seconds": 0.5}  (default: one frame)      -> {"t", "rendered"}
    GET  /profile                                              the profiler summary, "transcript", "speech"
    GET  /state                                                {"device", "view", "t", "error", "scene",
                                                                "speech", "transcript", "outlines", "lint", ...}

The emulator is not thread-safe. Headless (`threaded_owner=False`, the default) each request
takes the server's lock and calls the emulator itself. Under a window (`threaded_owner=True`)
each request queues a job and waits for the window's main loop to run it in `pending()`;
when nobody does within `job_timeout` seconds the request gets 503.
"""
from __future__ import annotations

import io
import json
import logging
import math
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import numpy as np
from PIL import Image

from emulator.core import Emulator
from emulator.look import VIEWS
from hud.errors import HudError
from hud.gestures import GESTURES
from hud.sinks import panel_image

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024        # bytes; larger request bodies get 413
SOCKET_TIMEOUT_S = 10.0     # a client that stalls this long mid-request is dropped
JOB_TIMEOUT_S = 5.0         # threaded owner: how long a request waits for pending()
MAX_ADVANCE_S = 3600.0
DRAIN_LIMIT = 1 << 20       # how much of a refused body we read away so the client sees the reply

log = logging.getLogger("emulator.server")


class ApiError(Exception):
    """A request the API refuses: answered as `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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
        return cls.json({"error": message}, status, headers)

    @classmethod
    def png(cls, image: Image.Image) -> Reply:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)
        return cls(200, buffer.getvalue(), "image/png")


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

    def __init__(self, emulator: Emulator, port: int = 0, host: str = HOST, threaded_owner: bool = False,
                 job_timeout: float = JOB_TIMEOUT_S, socket_timeout: float = SOCKET_TIMEOUT_S) -> None:
        if host != HOST:
            raise ValueError(f"the emulator API only listens on {HOST}, not {host!r} (it has no authentication)")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer 0..65535, not {port!r}")
        self.emulator = emulator
        self.threaded_owner = threaded_owner
        self.job_timeout = float(job_timeout)
        self.lock = threading.Lock()
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closed = False
        handler = type("Handler", (_Handler,), {"timeout": socket_timeout})
        self.httpd = _HttpServer((HOST, port), handler)
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
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"emulator-api-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket; requests still waiting for pending() get 503."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()
        self._cancel_all()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

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
                    raise ApiError(503, f"the emulator did not take the request within {self.job_timeout:g} s "
                                        "(is its main loop calling pending()?)")
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


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    api: ApiServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("emulator API: connection error from %s", client_address, exc_info=True)  # noqa: LOG014 - called from an except block


# -- endpoints -------------------------------------------------------------------------------

def _copy(image: np.ndarray) -> np.ndarray:
    return np.array(image, dtype=np.uint8, copy=True)


def _screenshot(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    view = _one(query, "view")
    if view is not None and view not in VIEWS:
        raise ApiError(400, f"unknown view {view!r} (use one of {', '.join(VIEWS)})")
    overlay = _flag(_one(query, "overlay"), "overlay", default=True)
    image = server.call(lambda emu: _copy(emu.grab(view, overlay=overlay)))
    return Reply.png(Image.fromarray(image, "L" if image.ndim == 2 else "RGB"))


def _panel(eye: str) -> Callable[[ApiServer, dict[str, list[str]], bytes], Reply]:
    def handler(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
        def work(emu: Emulator) -> np.ndarray | str:
            panels = emu.panels()
            if eye not in panels:
                if not emu.device.has_display:
                    return f"{emu.device.name} has no display, so no {eye} panel"
                if emu.scene is None:
                    return "no scene is loaded"
                return f"{emu.device.name} has no {eye} panel (eyes: {', '.join(emu.device.eyes)})"
            return _copy(panels[eye])

        panel = server.call(work)
        if isinstance(panel, str):
            raise ApiError(404, panel)
        return Reply.png(panel_image(panel))
    return handler


def _gesture(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    name = _field(_json(body), "gesture", str)
    if name not in GESTURES:
        raise ApiError(400, f"unknown gesture {name!r} (use one of {', '.join(GESTURES)})")
    actions = server.call(lambda emu: emu.gesture(name))
    return Reply.json({"gesture": name, "actions": list(actions)})


def _voice(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    text = _field(_json(body), "text", str)
    server.call(lambda emu: emu.voice(text))
    return Reply.json({"voice": text})


def _scene(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    path = _field(_json(body), "path", str)
    if not path.strip():
        raise ApiError(400, "'path' must not be empty")
    if not Path(path).is_file():
        raise ApiError(404, f"{path}: scene file not found")

    def work(emu: Emulator) -> Reply:
        if emu.load(path):
            return Reply.json({"loaded": path, "title": emu.scene.title if emu.scene is not None else None})
        return Reply.error(422, emu.error or f"{path}: cannot load the scene")
    return server.call(work)


def _device(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    name = _field(_json(body), "device", str)

    def work(emu: Emulator) -> Reply:
        try:
            emu.set_device(name)
        except HudError as exc:
            return Reply.error(400, str(exc))
        return Reply.json({"device": emu.device.name, "title": emu.device.title})
    return server.call(work)


def _advance(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    data = _json(body) if body.strip() else {}
    seconds = data.get("seconds")
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ApiError(400, f"'seconds' must be a number, not {seconds!r}")
        if not 0 <= seconds <= MAX_ADVANCE_S:
            raise ApiError(400, f"'seconds' must be between 0 and {MAX_ADVANCE_S:g}, not {seconds!r}")

    def work(emu: Emulator) -> dict[str, Any]:
        dt = float(seconds) if seconds is not None else 1.0 / emu.device.refresh_hz
        frame = emu.advance(dt)
        return {"t": emu.t, "dt": dt, "rendered": frame is not None}
    return Reply.json(server.call(work))


def _profile(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    return Reply.json(server.call(lambda emu: emu.summary()))


def _state(server: ApiServer, query: dict[str, list[str]], body: bytes) -> Reply:
    def work(emu: Emulator) -> dict[str, Any]:
        return {"device": emu.device.name, "view": emu.view, "t": emu.t, "error": emu.error,
                "scene": str(emu.scene_path) if emu.scene_path is not None else None,
                "title": emu.scene.title if emu.scene is not None else None, "paused": emu.paused,
                "speech": emu.speech_state(), "transcript": list(emu.transcript),
                "outlines": emu.show_outlines, "lint": _lint_state(emu)}
    return Reply.json(server.call(work))


def _lint_state(emu: Emulator) -> dict[str, Any] | None:
    """While the outlines are on: the lint counts at this moment and the first findings."""
    outlines = emu.outlines() if emu.show_outlines else None
    if outlines is None:
        return None
    errors, warnings = outlines.counts
    return {"errors": errors, "warnings": warnings, "error": outlines.lint_error,
            "findings": [str(finding) for finding in outlines.findings[:3]]}


Endpoint = Callable[[ApiServer, dict[str, list[str]], bytes], Reply]
ROUTES: dict[str, dict[str, Endpoint]] = {
    "/screenshot": {"GET": _screenshot},
    "/panels/left.png": {"GET": _panel("left")},
    "/panels/right.png": {"GET": _panel("right")},
    "/gesture": {"POST": _gesture},
    "/voice": {"POST": _voice},
    "/scene": {"POST": _scene},
    "/device": {"POST": _device},
    "/advance": {"POST": _advance},
    "/profile": {"GET": _profile},
    "/state": {"GET": _state},
}


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, f"the request body is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return data


def _field(data: dict[str, Any], key: str, kind: type) -> Any:
    if key not in data:
        raise ApiError(400, f"missing {key!r} in the request body")
    value = data[key]
    if not isinstance(value, kind):
        raise ApiError(400, f"{key!r} must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _one(query: dict[str, list[str]], key: str) -> str | None:
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


class _Handler(BaseHTTPRequestHandler):
    """One connection, one request, one reply, then the connection closes."""

    server: _HttpServer
    protocol_version = "HTTP/1.0"
    server_version = "hud-emulator"
    sys_version = ""

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
            reply = Reply.error(exc.status, exc.message)
        except _ClientGone:
            return
        except Exception as exc:
            log.exception("emulator API: %s %s failed", self.command, self.path)
            reply = Reply.error(500, f"internal error: {type(exc).__name__}: {exc}")
        self._reply(reply)
        self._drain()

    def _route(self) -> Reply:
        self._unread = self._declared_length(check=False)  # drained after the reply unless read
        parts = urlsplit(self.path)
        methods = ROUTES.get(parts.path)
        if methods is None:
            raise ApiError(404, f"no such endpoint {parts.path!r} (endpoints: {', '.join(ROUTES)})")
        endpoint = methods.get(self.command)
        if endpoint is None:
            allowed = ", ".join(methods)
            return Reply.error(405, f"{self.command} is not allowed on {parts.path} (use {allowed})",
                               {"Allow": allowed})
        body = self._read_body()
        query = parse_qs(parts.query, keep_blank_values=True)
        return endpoint(self.server.api, query, body)

    def _declared_length(self, check: bool = True) -> int:
        if self.headers.get("Transfer-Encoding", "").strip().lower() not in ("", "identity"):
            if check:
                raise ApiError(411, "send the request body with a Content-Length (no chunked encoding)")
            return 0
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            if check:
                raise ApiError(400, f"bad Content-Length {raw!r}")
            return 0
        return length

    def _read_body(self) -> bytes:
        length = self._declared_length()
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
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _drain(self) -> None:
        """Read away (a bounded amount of) a body we refused, so that closing the socket does
        not reset the connection before the client has read the reply."""
        left = min(getattr(self, "_unread", 0), DRAIN_LIMIT)
        if left <= 0:
            return
        try:
            self.connection.settimeout(1.0)
            while left > 0:
                chunk = self.rfile.read1(min(left, 65536)) if hasattr(self.rfile, "read1") else self.rfile.read(
                    min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:  # includes the socket timeout
            pass


class _ClientGone(Exception):
    """The client stopped sending mid-request; nothing to answer."""


def main(argv: list[str] | None = None) -> int:
    """`python -m emulator.server [scene] [--device NAME] [--port N]`: the API, headless."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m emulator.server", description=__doc__.split("\n")[0])
    parser.add_argument("scene", nargs="?", help="scene file to open")
    parser.add_argument("--device", help="device profile (default: the scene's)")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    emulator = Emulator.open(args.scene, device=args.device)
    server = ApiServer(emulator, port=args.port)
    print(f"emulator API on {server.url} (Ctrl-C to stop)", flush=True)
    server.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
