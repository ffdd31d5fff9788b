"""The emulator's HTTP API (emulator.server), headless, over real sockets on 127.0.0.1."""

from __future__ import annotations

import http.client
import io
import json
import re
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from emulator import VIEWS, Emulator
from emulator.server import MAX_BODY, ApiServer
from hud.gestures import GESTURES

from paths import ROOT

CITY_WALK = ROOT / "scenes" / "city-walk.toml"
TIMEOUT = 10  # every request is bounded

TAP_SCENE = """\
[scene]
title = "Tap to dismiss"
device = "quark-s1"

[[widgets]]
type = "notification"
id = "pay"
anchor = "top-right"
app = "Alipay"
icon = "wallet"
title = "Paid 18.00"
body = "Noodles"

[[gestures]]
gesture = "tap"
action = "dismiss"
target = "pay"
"""

BROKEN_SCENE = """\
[scene]
title = "Broken"

[[widgets]]
type = "no-such-widget"
id = "pay"
"""


def request(
    server: ApiServer, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPResponse, bytes]:
    """One request on a fresh connection: (status, response, body)."""
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


def get_json(server: ApiServer, method: str, path: str, body: object = None, status: int = 200) -> dict:
    got, response, data = request(server, method, path, body)
    assert got == status, (got, data)
    assert response.getheader("Content-Type", "").startswith("application/json")
    return json.loads(data)


def error(server: ApiServer, method: str, path: str, body: object = None, status: int = 400) -> str:
    """The JSON error message of a refused request (never a traceback)."""
    data = get_json(server, method, path, body, status)
    assert set(data) == {"error"}, data
    assert "Traceback" not in data["error"]
    return data["error"]


def png(server: ApiServer, path: str) -> Image.Image:
    status, response, data = request(server, "GET", path)
    assert status == 200, (status, data)
    assert response.getheader("Content-Type") == "image/png"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def emu() -> Emulator:
    return Emulator.open(CITY_WALK)


@pytest.fixture
def server(emu: Emulator):
    api = ApiServer(emu)
    api.start()
    yield api
    api.stop()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- binding ---------------------------------------------------------------------------------------
def test_bound_to_localhost_only(server: ApiServer, emu: Emulator) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.httpd.server_address[0] == "127.0.0.1"
    assert server.port > 0
    for host in ("0.0.0.0", "", "localhost", "::", "192.168.1.2"):
        with pytest.raises(ValueError, match="127.0.0.1"):
            ApiServer(emu, host=host)


# -- images ----------------------------------------------------------------------------------------
def test_screenshot_every_view(server: ApiServer, emu: Emulator) -> None:
    for view in VIEWS:
        image = png(server, f"/screenshot?view={view}")
        height, width = emu.grab(view).shape[:2]
        assert image.size == (width, height)
        assert image.mode == "RGB"
    default = png(server, "/screenshot")
    assert default.size == png(server, f"/screenshot?view={emu.viewer.view}").size


def test_screenshot_without_overlay_is_the_bare_composite(server: ApiServer, emu: Emulator) -> None:
    bare = np.asarray(png(server, "/screenshot?view=fused&overlay=0"))
    assert np.array_equal(bare, emu.grab("fused", overlay=False))
    with_overlay = np.asarray(png(server, "/screenshot?view=fused&overlay=1"))
    assert not np.array_equal(bare, with_overlay)  # the status line


def test_screenshot_bad_arguments(server: ApiServer) -> None:
    message = error(server, "GET", "/screenshot?view=top")
    assert all(view in message for view in VIEWS)
    assert "overlay" in error(server, "GET", "/screenshot?overlay=maybe")


def test_panels_are_the_exact_panel_images(server: ApiServer, emu: Emulator) -> None:
    for eye in ("left", "right"):
        image = png(server, f"/panels/{eye}.png")
        assert image.size == (640, 480)
        assert image.mode == "L"
        assert np.array_equal(np.asarray(image), emu.panels()[eye])
    assert "no such endpoint" in error(server, "GET", "/panels/middle.png", status=404)


def test_panels_of_an_eye_the_device_lacks(server: ApiServer) -> None:
    get_json(server, "POST", "/device", {"device": "vuzix-z100"})
    assert "left" in error(server, "GET", "/panels/left.png", status=404)
    assert png(server, "/panels/right.png").size == (640, 480)
    get_json(server, "POST", "/device", {"device": "quark-g1"})  # no display at all
    assert "no display" in error(server, "GET", "/panels/right.png", status=404)
    assert png(server, "/screenshot").size[0] > 0  # the no-display panel


# -- input -----------------------------------------------------------------------------------------
def test_gestures(server: ApiServer) -> None:
    for gesture in GESTURES:
        data = get_json(server, "POST", "/gesture", {"gesture": gesture})
        assert data["gesture"] == gesture
        assert isinstance(data["actions"], list)
    assert "swipe_forward" in error(server, "POST", "/gesture", {"gesture": "pinch"})
    assert "gesture" in error(server, "POST", "/gesture", {"name": "tap"})
    assert "str" in error(server, "POST", "/gesture", {"gesture": 3})
    assert "JSON" in error(server, "POST", "/gesture", b"{tap")
    assert "JSON" in error(server, "POST", "/gesture", b"")
    assert "object" in error(server, "POST", "/gesture", ["tap"])
    assert "JSON" in error(server, "POST", "/gesture", b"\xff\xfe")


def test_tap_on_a_binding_changes_the_screenshot(server: ApiServer, tmp_path: Path) -> None:
    scene = write(tmp_path, "tap.toml", TAP_SCENE)
    data = get_json(server, "POST", "/scene", {"path": str(scene)})
    assert data == {"loaded": str(scene), "title": "Tap to dismiss"}
    get_json(server, "POST", "/advance", {"seconds": 0.5})
    before = np.asarray(png(server, "/screenshot?view=right&overlay=0"))
    panel_before = np.asarray(png(server, "/panels/right.png"))
    assert panel_before.max() > 0  # the notification is lit

    # Without a gesture time alone changes nothing ...
    get_json(server, "POST", "/advance", {"seconds": 0.5})
    assert np.array_equal(np.asarray(png(server, "/screenshot?view=right&overlay=0")), before)

    # ... the tap dismisses it.
    data = get_json(server, "POST", "/gesture", {"gesture": "tap"})
    assert data == {"gesture": "tap", "actions": ["dismiss pay"]}
    get_json(server, "POST", "/advance", {"seconds": 0.5})
    after = np.asarray(png(server, "/screenshot?view=right&overlay=0"))
    assert not np.array_equal(before, after)
    assert np.asarray(png(server, "/panels/right.png")).max() == 0  # faded out and hidden


def test_voice(server: ApiServer, emu: Emulator) -> None:
    heard: list[str] = []

    class App:
        def on_voice(self, emulator: Emulator, text: str) -> None:
            heard.append(text)

    emu.attach(App())
    assert get_json(server, "POST", "/voice", {"text": "next page"}) == {"voice": "next page"}
    assert heard == ["next page"]
    assert "text" in error(server, "POST", "/voice", {})
    assert "str" in error(server, "POST", "/voice", {"text": ["a"]})


# -- scenes ----------------------------------------------------------------------------------------
def test_broken_scene_keeps_the_last_good_frame(server: ApiServer, tmp_path: Path) -> None:
    good = np.asarray(png(server, "/screenshot?view=both&overlay=0"))
    broken = write(tmp_path, "broken.toml", BROKEN_SCENE)
    message = error(server, "POST", "/scene", {"path": str(broken)}, status=422)
    assert re.search(re.escape(str(broken)) + r":\d+:", message), message
    assert ":5:" in message  # the `type = ...` line
    state = get_json(server, "GET", "/state")
    assert state["error"] == message
    assert state["scene"] == str(broken)  # watched: saving a fix reloads it
    assert np.array_equal(np.asarray(png(server, "/screenshot?view=both&overlay=0")), good)
    assert png(server, "/screenshot").size == (good.shape[1], good.shape[0])  # with the error box

    fixed = write(tmp_path, "fixed.toml", TAP_SCENE)
    get_json(server, "POST", "/scene", {"path": str(fixed)})
    assert get_json(server, "GET", "/state")["error"] is None


def test_scene_bad_requests(server: ApiServer, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert "not found" in error(server, "POST", "/scene", {"path": str(missing)}, status=404)
    assert "not found" in error(server, "POST", "/scene", {"path": str(tmp_path)}, status=404)  # a folder
    assert "str" in error(server, "POST", "/scene", {"path": 7})
    assert "str" in error(server, "POST", "/scene", {"path": None})
    assert "path" in error(server, "POST", "/scene", {})
    assert "empty" in error(server, "POST", "/scene", {"path": ""})
    state = get_json(server, "GET", "/state")
    assert state["error"] is None and state["scene"] == str(CITY_WALK)  # untouched


# -- device, time, profile, state ------------------------------------------------------------------
def test_device_switch(server: ApiServer) -> None:
    assert get_json(server, "POST", "/device", {"device": "even-g2"})["device"] == "even-g2"
    assert get_json(server, "GET", "/state")["device"] == "even-g2"
    panel = png(server, "/panels/left.png")
    assert panel.size == (576, 288)
    assert "unknown device" in error(server, "POST", "/device", {"device": "google-glass"})
    assert "str" in error(server, "POST", "/device", {"device": 1})
    assert get_json(server, "GET", "/state")["device"] == "even-g2"


def test_advance(server: ApiServer, emu: Emulator) -> None:
    t0 = get_json(server, "GET", "/state")["t"]
    data = get_json(server, "POST", "/advance", b"")  # one frame at 60 Hz
    assert data["t"] == pytest.approx(t0 + 1 / 60) and data["rendered"] is True
    data = get_json(server, "POST", "/advance", {})
    assert data["t"] == pytest.approx(t0 + 2 / 60)
    data = get_json(server, "POST", "/advance", {"seconds": 0.5})
    assert data["t"] == pytest.approx(t0 + 2 / 60 + 0.5)
    for bad in ({"seconds": "1"}, {"seconds": -1}, {"seconds": True}, {"seconds": 1e9}):
        assert "seconds" in error(server, "POST", "/advance", bad)
    assert "NaN is not a JSON number" in error(server, "POST", "/advance", b'{"seconds": NaN}')
    assert emu.clock.t == pytest.approx(t0 + 2 / 60 + 0.5)


def test_pause(server: ApiServer, emu: Emulator) -> None:
    assert get_json(server, "POST", "/pause", {"paused": True}) == {"paused": True, "t": 0.0}
    assert get_json(server, "POST", "/advance", {"seconds": 0.5})["t"] == 0.0  # rendered, time held
    assert get_json(server, "POST", "/pause", {"paused": False})["paused"] is False
    assert get_json(server, "POST", "/advance", {"seconds": 0.5})["t"] == 0.5
    assert "'paused' must be a bool" in error(server, "POST", "/pause", {"paused": "yes"})
    assert "'paused' must be a bool" in error(server, "POST", "/pause", {"paused": 1})
    assert "missing 'paused'" in error(server, "POST", "/pause", {})


def test_profile(server: ApiServer) -> None:
    for _ in range(3):
        get_json(server, "POST", "/advance", {})
    data = get_json(server, "GET", "/profile")
    assert {"frames", "budget_ms", "missed", "total", "stages"} <= set(data)
    assert data["frames"] >= 3
    assert data["budget_ms"] == pytest.approx(1000 / 60, abs=1e-3)
    assert "p99_ms" in data["total"]


def test_state(server: ApiServer) -> None:
    state = get_json(server, "GET", "/state")
    assert {"device", "view", "t", "error", "scene"} <= set(state)
    assert state["device"] == "quark-s1" and state["view"] == "both" and state["error"] is None
    assert state["scene"] == str(CITY_WALK)


# -- protocol --------------------------------------------------------------------------------------
def test_speech_transcript_in_state_and_profile(server: ApiServer) -> None:
    state = get_json(server, "GET", "/state")
    assert state["transcript"] == [] and state["speech"]["speaking"] is False  # quark-s1: nothing speaks
    get_json(server, "POST", "/device", {"device": "quark-g1"})  # no display: it all speaks
    get_json(server, "POST", "/advance", {"seconds": 0.5})
    state = get_json(server, "GET", "/state")
    assert state["speech"] == {
        "speaking": True,
        "audible": False,
        "muted": False,
        "error": None,
        "sound_error": None,
        "utterances": len(state["transcript"]),
    }
    assert state["transcript"] and all(line.startswith("0:00.") for line in state["transcript"])
    assert get_json(server, "GET", "/profile")["transcript"] == state["transcript"]


def test_unknown_paths_and_wrong_methods(server: ApiServer) -> None:
    assert "no such endpoint" in error(server, "GET", "/nope", status=404)
    assert "no such endpoint" in error(server, "GET", "/", status=404)
    assert "no such endpoint" in error(server, "POST", "/screenshot/extra", {}, status=404)
    for method, path in (
        ("GET", "/gesture"),
        ("POST", "/state"),
        ("DELETE", "/scene"),
        ("PUT", "/screenshot"),
        ("PATCH", "/device"),
        ("BREW", "/advance"),
    ):
        status, response, data = request(server, method, path, b"{}" if method != "GET" else None)
        assert status == 405, (method, path, status, data)
        assert "not allowed" in json.loads(data)["error"]
        assert response.getheader("Allow") in ("GET", "POST")


def test_oversize_body(server: ApiServer) -> None:
    body = json.dumps({"text": "x" * MAX_BODY}).encode()
    assert "limit" in error(server, "POST", "/voice", body, status=413)
    status, _, _ = request(server, "POST", "/voice", b"x" * (4 * MAX_BODY))
    assert status == 413
    assert get_json(server, "POST", "/voice", {"text": "x" * (MAX_BODY - 100)})  # under the limit


def test_bad_content_length(server: ApiServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"POST /voice HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
        reply = _read_all(sock)
    assert reply.startswith(b"HTTP/1.0 400") and b"Content-Length" in reply


def raw(server: ApiServer, data: bytes) -> bytes:
    """Send raw bytes on a fresh connection; everything the server answers before closing."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        return _read_all(sock)


def test_413_is_judged_from_content_length_before_the_body_arrives(server: ApiServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(f"POST /voice HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n".encode())
        sock.settimeout(3)
        reply = b""
        while b"the limit is" not in reply:  # no body sent: the answer cannot have waited for it
            chunk = sock.recv(65536)
            assert chunk, reply
            reply += chunk
    assert reply.startswith(b"HTTP/1.0 413")


@pytest.mark.parametrize(
    ("headers", "status", "words"),
    [
        (b"", 411, b"Content-Length header"),  # a body is required
        (b"Content-Length: abc\r\n", 400, b"bad Content-Length"),
        (b"Content-Length: 5_0\r\n", 400, b"bad Content-Length"),
        (b"Content-Length: +5\r\n", 400, b"bad Content-Length"),
        (b"Content-Length: 5\r\nContent-Length: 6\r\n", 400, b"bad Content-Length"),
        (b"Transfer-Encoding: chunked\r\n", 411, b"no chunked encoding"),
    ],
)
def test_content_length_is_required_and_checked(server: ApiServer, headers: bytes, status: int, words: bytes) -> None:
    reply = raw(server, b"POST /voice HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert reply.startswith(f"HTTP/1.0 {status}".encode()) and words in reply, reply


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"text": "a",}',
        b"\xff\xfe{}",
        b"[" * 100_000,
        b'{"text": "x"} extra',
        b'{"text": Infinity}',
        b"null",
        b'"text"',
        b"   ",
    ],
)
def test_malformed_json_is_a_one_line_400(server: ApiServer, body: bytes) -> None:
    message = error(server, "POST", "/voice", body)
    assert "\n" not in message and ("JSON" in message or "nests" in message), message


def test_a_slowloris_client_is_cut_off_and_blocks_nobody(emu: Emulator) -> None:
    """One byte every 0.1 s never trips a per-read timeout; the whole request's deadline does."""
    with ApiServer(emu, socket_timeout=1.0) as api:
        slow = socket.create_connection(("127.0.0.1", api.port), timeout=TIMEOUT)
        stop = threading.Event()

        def trickle() -> None:
            for byte in b"GET /state HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
                if stop.wait(0.1):
                    return
                try:
                    slow.sendall(bytes([byte]))
                except OSError:
                    return

        thread = threading.Thread(target=trickle)
        start = time.monotonic()
        thread.start()
        try:
            for _ in range(3):
                assert get_json(api, "GET", "/state")["device"] == "quark-s1"  # served meanwhile
            try:
                assert _read_all(slow) == b""  # the server hung up on it ...
            except ConnectionResetError:
                pass
            assert time.monotonic() - start < 3.0  # ... after its 1 s, not after the 20 s it would take
        finally:
            stop.set()
            thread.join(timeout=5)
            slow.close()


def test_connections_over_the_worker_bound_get_503(emu: Emulator) -> None:
    with ApiServer(emu, workers=2, socket_timeout=5.0) as api:
        holders = [socket.create_connection(("127.0.0.1", api.port), timeout=TIMEOUT) for _ in range(2)]
        try:
            for sock in holders:
                sock.sendall(b"GET /state HTTP/1.1\r\n")  # never finishes: holds a worker
            time.sleep(0.2)
            status, response, data = request(api, "GET", "/state")
            assert status == 503 and response.getheader("Retry-After") == "1"
            assert "busy" in json.loads(data)["error"]
        finally:
            for sock in holders:
                sock.close()
        deadline = time.monotonic() + 5
        while request(api, "GET", "/state")[0] != 200:  # the workers come back
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_every_response_closes_the_connection(server: ApiServer) -> None:
    for method, path, body in (("GET", "/state", None), ("GET", "/nope", None), ("POST", "/gesture", b"{")):
        _, response, _ = request(server, method, path, body)
        assert response.getheader("Connection") == "close"


def test_slow_client_is_dropped(emu: Emulator) -> None:
    with (
        ApiServer(emu, socket_timeout=0.3) as api,
        socket.create_connection(("127.0.0.1", api.port), timeout=TIMEOUT) as slow,
    ):
        slow.sendall(b"GET /state HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        assert get_json(api, "GET", "/state")["device"] == "quark-s1"  # others are served meanwhile
        start = time.monotonic()
        assert _read_all(slow) == b""  # the server hung up on it
        assert time.monotonic() - start < 5


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    for _ in range(1000):  # bounded
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


# -- threads ---------------------------------------------------------------------------------------
def test_concurrent_requests_share_the_lock(server: ApiServer) -> None:
    failures: list[object] = []

    def client() -> None:
        try:
            for _ in range(4):
                assert request(server, "POST", "/advance", {"seconds": 0.01})[0] == 200
                assert request(server, "GET", "/screenshot?view=fused&overlay=0")[0] == 200
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures and not any(thread.is_alive() for thread in threads)
    assert get_json(server, "GET", "/state")["t"] == pytest.approx(16 * 0.01)


def test_threaded_owner_runs_requests_in_pending(emu: Emulator) -> None:
    ran_on: list[str] = []

    class App:
        def on_voice(self, emulator: Emulator, text: str) -> None:
            ran_on.append(threading.current_thread().name)

    emu.attach(App())
    stop = threading.Event()

    def main_loop() -> None:  # the window's loop, in miniature
        for _ in range(2000):  # bounded: 20 s at most
            if stop.is_set():
                return
            api.pending()
            time.sleep(0.01)

    with ApiServer(emu, threaded_owner=True, job_timeout=0.5) as api:
        owner = threading.Thread(target=main_loop, name="owner")
        owner.start()
        try:
            assert get_json(api, "POST", "/voice", {"text": "hello"}) == {"voice": "hello"}
            assert get_json(api, "GET", "/state")["device"] == "quark-s1"
            assert png(api, "/screenshot?view=left").size == (640, 480)
            assert "unknown device" in error(api, "POST", "/device", {"device": "nope"})
            get_json(api, "POST", "/advance", {"seconds": 0.25})
        finally:
            stop.set()
            owner.join(timeout=10)
        assert ran_on == ["owner"]
        assert emu.clock.t == pytest.approx(0.25)

        # Nobody calls pending(): the request gives up after job_timeout with 503 ...
        start = time.monotonic()
        assert "pending()" in error(api, "POST", "/voice", {"text": "lost"}, status=503)
        assert 0.4 < time.monotonic() - start < 5
        # ... and the abandoned job never runs later.
        api.pending()
        assert ran_on == ["owner"]
        # Requests refused before reaching the emulator need no owner at all.
        assert "gesture" in error(api, "POST", "/gesture", {"gesture": "wink"})
