"""The live API: PATCH / POST / DELETE /widgets, appends, GET /events (server-sent events),
GET /openapi.json, the scene's end (loop or stop), and what API edits do against the
timeline, loops and hot reload. In process, over real sockets on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path
from urllib.parse import quote

import jsonschema
import numpy as np
import pytest

from emulator import Emulator
from emulator.events import EventHub
from emulator.server import ROUTES, ApiServer

from paths import SCENES

TIMEOUT = 10

LIVE_SCENE = """\
[scene]
title = "Live"

[[widgets]]
type = "text"
id = "low"
anchor = "top"
text = "Low priority line"
importance = 0.1

[[widgets]]
type = "column"
id = "side"
anchor = "left"
  [[widgets.children]]
  type = "text"
  id = "side-a"
  text = "Side A"

[[widgets]]
type = "notification"
id = "pay"
anchor = "right"
app = "Alipay"
title = "Paid 18.00"

[[widgets]]
type = "caption"
id = "live"
anchor = "bottom"
max_lines = 1
width = "12deg"
text = "Hello"
"""

TIMED_SCENE = """\
[scene]
duration = "1s"

[[widgets]]
type = "text"
id = "sign"
anchor = "center"
text = "start"

[[timeline]]
at = "0.5s"
target = "sign"
set = { text = "timeline" }
"""

# more important than anything in LIVE_SCENE, and too big to share the display with 'pay' and 'side'
BIG = {
    "type": "text",
    "id": "big",
    "anchor": "top",
    "size": "display",
    "importance": 95,
    "max_lines": 3,
    "text": " ".join(["word"] * 200),
}


def request(
    server: ApiServer, method: str, path: str, body: object = None
) -> tuple[int, http.client.HTTPResponse, bytes]:
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body is not None else {})
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


def call(server: ApiServer, method: str, path: str, body: object = None, status: int = 200) -> dict:
    got, response, data = request(server, method, path, body)
    assert got == status, (method, path, got, data)
    assert response.getheader("Content-Type", "").startswith("application/json")
    return json.loads(data)


def error(server: ApiServer, method: str, path: str, body: object = None, status: int = 400) -> str:
    """The one-line JSON error of a refused request."""
    data = call(server, method, path, body, status)
    assert set(data) == {"error"} and "\n" not in data["error"] and "Traceback" not in data["error"], data
    return data["error"]


class Events:
    """A GET /events client: reads one server-sent event at a time."""

    def __init__(self, server: ApiServer) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
        self.conn.request("GET", "/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.comments: list[str] = []

    def next(self) -> tuple[str, dict] | None:
        """The next event as (kind, data); None at the end of the stream."""
        kind, data = "message", None
        while True:
            line = self.response.fp.readline()
            if not line:
                return None
            line = line.decode("utf-8").rstrip("\n")
            if not line:
                if data is not None:
                    return kind, json.loads(data)
                continue
            if line.startswith(":"):
                self.comments.append(line)
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = line[6:]

    def until(self, kind: str, **match: object) -> list[tuple[str, dict]]:
        """Events up to and including the first of `kind` whose data has `match`."""
        seen = []
        deadline = time.monotonic() + TIMEOUT  # heartbeats keep the socket busy: bound the wait here
        while time.monotonic() < deadline:
            event = self.next()
            assert event is not None, f"the stream ended before {kind} {match}: {seen}"
            seen.append(event)
            if event[0] == kind and all(event[1].get(k) == v for k, v in match.items()):
                return seen
        raise AssertionError(f"no {kind} {match} in {seen}")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def scene_file(tmp_path: Path) -> Path:
    path = tmp_path / "live.toml"
    path.write_text(LIVE_SCENE, encoding="utf-8")
    return path


@pytest.fixture
def emu(scene_file: Path) -> Emulator:
    emulator = Emulator.open(scene_file)
    emulator.advance(0)
    return emulator


@pytest.fixture
def server(emu: Emulator):
    api = ApiServer(emu, heartbeat_s=0.2)
    api.start()
    yield api
    api.stop()


def lit(emu: Emulator) -> int:
    return int(np.count_nonzero(emu.panels()["left"]))


# -- PATCH -----------------------------------------------------------------------------------------
def test_patch_sets_fields_validated_like_the_scene_file(server: ApiServer, emu: Emulator) -> None:
    before = emu.panels()["left"].copy()
    reply = call(server, "PATCH", "/widgets/pay", {"title": "Refund 18.00", "body": "Noodles"})
    assert reply == {"id": "pay", "set": {"title": "Refund 18.00", "body": "Noodles"}, "t": 0.0}
    assert call(server, "GET", "/widgets/pay")["fields"]["title"] == "Refund 18.00"
    assert not np.array_equal(before, emu.panels()["left"])  # drawn by the time the reply comes
    message = error(server, "PATCH", "/widgets/live", {"max_lines": 0})
    assert message == (
        "PATCH /widgets/live: caption 'live': 'max_lines' must be between 1 and 20, got 0 "
        "(use a value between 1 and 20)"
    )
    assert "did you mean 'text'?" in error(server, "PATCH", "/widgets/live", {"txt": "x"})
    assert "'id' cannot change" in error(server, "PATCH", "/widgets/live", {"id": "other"})
    assert "JSON object of fields" in error(server, "PATCH", "/widgets/live", {})
    assert "JSON object" in error(server, "PATCH", "/widgets/live", [1, 2])
    assert "did you mean 'live'?" in error(server, "PATCH", "/widgets/lvie", {"text": "x"}, status=404)
    assert "no widget with id" in error(server, "PATCH", "/widgets/nobody", {"text": "x"}, status=404)


def test_patch_is_all_or_nothing(server: ApiServer, emu: Emulator) -> None:
    assert "'max_lines'" in error(server, "PATCH", "/widgets/live", {"text": "Changed", "max_lines": 99})
    emu.advance(0.1)
    assert emu.scene["live"].text == "Hello" and emu.scene["live"].max_lines == 1
    call(server, "PATCH", "/widgets/live", {"text": "Changed", "max_lines": 2})
    assert emu.scene["live"].text == "Changed" and emu.scene["live"].max_lines == 2


def test_patch_a_nested_widget_and_an_image_path(server: ApiServer, emu: Emulator, tmp_path: Path) -> None:
    call(server, "PATCH", "/widgets/side-a", {"text": "Side A, edited"})
    assert emu.scene["side-a"].text == "Side A, edited"
    assert "outside the scene's folder" in error(
        server, "POST", "/widgets", {"type": "image", "id": "pic", "src": "../../etc/passwd"}
    )


def test_an_edit_holds_against_the_timeline_and_the_loop(tmp_path: Path) -> None:
    """API edits are timeline events at the moment they arrive: later timeline events still
    happen; when the scene loops they keep the values they had."""
    path = tmp_path / "timed.toml"
    path.write_text(TIMED_SCENE, encoding="utf-8")
    emu = Emulator.open(path)
    emu.advance(0.2)
    emu.patch_widget("sign", {"text": "api"})
    emu.advance(0.1)
    assert emu.scene["sign"].text == "api"
    emu.advance(0.3)  # t = 0.6: the timeline's own set at 0.5 s happens
    assert emu.scene["sign"].text == "timeline"
    emu.patch_widget("sign", {"text": "api again"})
    emu.advance(0.2)
    assert emu.scene["sign"].text == "api again"
    emu.advance(0.3)  # t = 1.1: the scene loops to 0.1
    assert emu.clock.t == pytest.approx(0.1)
    assert emu.scene["sign"].text == "api again"
    emu.advance(0.5)  # the timeline's set at 0.5 s happens again
    assert emu.scene["sign"].text == "timeline"
    assert len(emu.scene.timeline.events) == 2  # one timeline entry, one (the newest) API edit


# -- POST and DELETE -------------------------------------------------------------------------------
def test_post_adds_a_top_level_widget(server: ApiServer, emu: Emulator) -> None:
    before = lit(emu)
    status, response, data = request(
        server, "POST", "/widgets", {"type": "text", "id": "hello", "anchor": "top-left", "text": "Hello there"}
    )
    assert status == 201 and json.loads(data) == {"id": "hello", "type": "text", "t": 0.0}
    assert response.getheader("Location") == "/widgets/hello"
    assert lit(emu) > before
    listed = {w["key"]: w for w in call(server, "GET", "/widgets")["widgets"]}
    assert listed["hello"]["shown"] is True and listed["hello"]["parent"] is None
    assert listed["side-a"]["parent"] == "side"
    assert "id 'hello' is already used" in error(
        server, "POST", "/widgets", {"type": "text", "id": "hello", "text": "x"}
    )
    assert "missing 'id'" in error(server, "POST", "/widgets", {"type": "text", "text": "x"})
    assert "did you mean 'text'?" in error(server, "POST", "/widgets", {"type": "txt", "id": "a"})
    assert "'size'" in error(server, "POST", "/widgets", {"type": "text", "id": "a", "size": -4})
    assert "one [[widgets]] table" in error(server, "POST", "/widgets", ["text"])
    assert all(w["key"] != "a" for w in call(server, "GET", "/widgets")["widgets"])
    # Any id goes into the Location header percent-encoded: no injected header, no raw byte
    status, response, _ = request(
        server, "POST", "/widgets", {"type": "text", "id": "字幕\r\nX-Evil: 1\x1b", "text": "x"}
    )
    assert status == 201 and response.getheader("X-Evil") is None
    assert response.getheader("Location") == "/widgets/%E5%AD%97%E5%B9%95%0D%0AX-Evil%3A%201%1B"


def test_delete_removes_a_widget_top_level_or_nested(server: ApiServer, emu: Emulator) -> None:
    assert call(server, "DELETE", "/widgets/side-a") == {"removed": "side-a"}
    assert emu.scene.find("side-a") is None and emu.scene.find("side") is not None
    assert call(server, "DELETE", "/widgets/pay") == {"removed": "pay"}
    assert emu.scene.find("pay") is None
    assert "no widget with id 'pay'" in error(server, "DELETE", "/widgets/pay", status=404)
    assert "no widget with id 'pay'" in error(server, "PATCH", "/widgets/pay", {"title": "x"}, status=404)
    emu.advance(0.5)  # the removed widget's edits and the renderer's caches are gone with it


def test_without_a_scene_edits_are_409_and_post_starts_one() -> None:
    with ApiServer(Emulator()) as server:
        assert "no scene is loaded" in error(server, "PATCH", "/widgets/x", {"text": "y"}, status=409)
        call(server, "POST", "/widgets", {"type": "text", "id": "first", "text": "First"}, status=201)
        assert call(server, "GET", "/widgets/first")["fields"]["text"] == "First"


# -- appends ---------------------------------------------------------------------------------------
def test_append_streams_a_caption_with_the_timeline_scroll(emu: Emulator) -> None:
    caption = emu.scene["live"]
    words = "where is the nearest subway station from here please tell me the way".split()
    scrolled = False
    for word in words:
        emu.append_text("live", word, commit=False)
        assert caption.partial == word
        emu.append_text("live", word)
        assert caption.partial == ""
        emu.render()
        renderer = emu.scene_state.renderer
        main = next(node for node in renderer.walk(caption) if getattr(node, "overflow", "") == "keep-end")
        # A line left the top: it scrolls, as a timeline append does.
        scrolled = scrolled or (caption.scroll_left > 0 and renderer.layout.drop(main) > 0)
        emu.advance(0.3)  # longer than the scroll
        assert caption.scroll_left == 0 and caption.scroll_from is None
    assert caption.text == "Hello " + " ".join(words)
    assert scrolled
    for index in range(60):  # hours of streaming cost two timeline events
        emu.append_text("live", f"{index:02d} " + "more " * 20)
    assert len(emu.scene.timeline.events) <= 4  # text set + append, partial, and the scene's own
    assert 3000 < len(caption.text) <= 4000 and caption.text.startswith(("more", "1", "2", "3", "4"))
    assert caption.text.endswith("59 " + "more " * 20)
    emu.patch_widget("live", {"text": "fresh"})  # a later edit of the text keeps the committed
    assert caption.text == "fresh" and caption.partial == ""  # words' end of the tentative ones


def test_append_over_http(server: ApiServer, emu: Emulator) -> None:
    path = "/widgets/live/append"
    assert call(server, "POST", path, {"text": "world"})["text"] == "Hello world"
    assert call(server, "POST", path, {"text": "tentative", "commit": False})["text"] == "Hello world"
    assert emu.scene["live"].partial == "tentative"
    assert call(server, "POST", "/widgets/low/append", {"text": "!"})["text"] == "Low priority line!"
    assert "cannot append text to a notification" in error(server, "POST", "/widgets/pay/append", {"text": "x"})
    assert "'commit' must be true or false" in error(server, "POST", path, {"text": "x", "commit": "yes"})
    assert "'text' must be a string" in error(server, "POST", path, {"text": 5})
    assert "only a caption shows tentative words" in error(
        server, "POST", "/widgets/low/append", {"text": "x", "commit": False}
    )
    assert "unknown key 'txt'" in error(server, "POST", path, {"txt": "x"})
    assert "missing 'text'" in error(server, "POST", path, {"commit": True})
    assert "no widget" in error(server, "POST", "/widgets/none/append", {"text": "x"}, status=404)


# -- events ----------------------------------------------------------------------------------------
def test_events_report_api_changes_and_compositor_hide_show(server: ApiServer, emu: Emulator) -> None:
    first, second = Events(server), Events(server)  # several clients at once
    try:
        for client in (first, second):
            kind, hello = client.next()
            assert kind == "hello" and hello["widgets"]["low"]["shown"] is True
        call(server, "PATCH", "/widgets/pay", {"title": "Refund"})
        call(server, "POST", "/widgets", BIG, status=201)
        call(server, "DELETE", "/widgets/big")
        call(server, "POST", "/gesture", {"gesture": "swipe_back"})
        call(server, "POST", "/voice", {"text": "next card"})
        for client in (first, second):
            changed = client.until("changed", widget="pay")[-1][1]
            assert changed["fields"] == {"title": "Refund"} and changed["by"] == "api"
            hidden = client.until("hidden", widget="pay")[-1][1]
            assert hidden["by"] == "compositor" and "collides with text 'big'" in hidden["reason"]
            client.until("removed", widget="big")
            client.until("shown", widget="pay")
            client.until("gesture", gesture="swipe_back")
            client.until("voice", text="next card")
        call(server, "PATCH", "/widgets/pay", {"form": "minimal"})  # drawn in another form: said too
        assert first.until("form", widget="pay")[-1][1] == {
            "t": 0.0,
            "widget": "pay",
            "key": "pay",
            "type": "notification",
            "form": "minimal",
            "was": "full",
        }
    finally:
        first.close()
        second.close()


def test_events_report_reload_and_scene_errors(server: ApiServer, emu: Emulator, scene_file: Path) -> None:
    client = Events(server)
    try:
        client.next()
        call(server, "PATCH", "/widgets/pay", {"title": "Edited"})
        scene_file.write_text(LIVE_SCENE.replace("Paid 18.00", "Paid 20.50"), encoding="utf-8")  # the same size
        with server.lock:
            assert emu.poll()
        loaded = client.until("loaded")[-1][1]
        assert loaded["reload"] is True and loaded["api_changes_dropped"] == 1
        assert emu.scene["pay"].title == "Paid 20.50"  # the reload replaced the scene: the edit is gone
        scene_file.write_text("[[widgets]\n", encoding="utf-8")
        with server.lock:
            emu.poll()
        assert "live.toml:1" in client.until("scene_error")[-1][1]["error"]
        assert call(server, "GET", "/widgets/pay")["fields"]["title"] == "Paid 20.50"  # the last good scene stays
    finally:
        client.close()


def test_idle_streams_get_heartbeats_and_end_with_bye(emu: Emulator) -> None:
    server = ApiServer(emu, heartbeat_s=0.1)
    server.start()
    client = Events(server)
    try:
        assert client.next()[0] == "hello"
        time.sleep(0.35)
        server.stop()
        start = time.monotonic()
        assert client.next() == ("bye", {"reason": "the emulator API is stopping"})
        assert client.next() is None and time.monotonic() - start < 3
        assert ": heartbeat" in client.comments
    finally:
        client.close()
        server.stop()


def test_a_slow_listener_never_blocks_the_emulator(emu: Emulator) -> None:
    """A client that stops reading: its stream thread blocks on the socket, its queue drops the
    oldest events (counted), and the emulator publishes on at full speed."""
    emu.log.hub = EventHub(queue_size=8)
    with ApiServer(emu) as server:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
        sock.sendall(b"GET /events HTTP/1.0\r\n\r\n")
        for _ in range(200):  # wait for the stream to subscribe
            if emu.log.hub.listeners:
                break
            time.sleep(0.01)
        start = time.monotonic()
        words = "x" * 100_000
        with server.lock:
            for index in range(300):  # 30 MB of events: far more than the socket buffers hold
                emu.voice(f"{index} {words}")
        assert time.monotonic() - start < 2.0
        chunks: list[bytes] = []
        tail = b""
        sock.settimeout(5)
        while b'"299 ' not in tail:
            chunk = sock.recv(1 << 20)
            assert chunk, "the stream ended early"
            chunks.append(chunk)
            tail = (tail + chunk)[-250_000:]
        sock.close()
    data = b"".join(chunks)
    dropped = [json.loads(line[6:]) for line in data.decode().splitlines() if line.startswith('data: {"count"')]
    assert dropped and sum(d["count"] for d in dropped) > 100
    assert data.count(b"event: voice") < 300


def test_event_streams_are_bounded(emu: Emulator) -> None:
    with ApiServer(emu, streams=1) as server:
        client = Events(server)
        try:
            client.next()
            assert "too many event streams" in error(server, "GET", "/events", status=503)
            assert call(server, "GET", "/state")["device"] == "quark-s1"  # requests still served
        finally:
            client.close()


def open_stream(server: ApiServer, within: float = 1.5) -> socket.socket:
    """A raw GET /events connection, read up to its hello; retried on 503 for `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
        sock.sendall(b"GET /events HTTP/1.0\r\n\r\n")
        data = b""
        while b"event: hello" not in data and b"\r\n\r\n{" not in data:
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
        if data.startswith(b"HTTP/1.0 200"):
            return sock
        sock.close()
        assert b"too many event streams" in data and time.monotonic() < deadline, data
        time.sleep(0.05)


def test_a_stream_whose_client_hangs_up_frees_its_slot_at_once(emu: Emulator) -> None:
    with ApiServer(emu, heartbeat_s=30) as server:
        for _ in range(20):  # 8 streams allowed: each must be freed long before a heartbeat
            open_stream(server).close()
        open_stream(server).close()
        deadline = time.monotonic() + 1.5
        while emu.log.hub.listeners and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not emu.log.hub.listeners


def test_an_open_stream_still_gets_events_and_heartbeats(emu: Emulator) -> None:
    with ApiServer(emu, heartbeat_s=0.7) as server:
        client = Events(server)
        try:
            assert client.next()[0] == "hello"
            time.sleep(1.75)  # several hang-up checks, two heartbeats
            start = time.monotonic()
            with server.lock:
                emu.voice("next page")
            assert client.until("voice")[-1][1]["text"] == "next page"
            assert time.monotonic() - start < 0.2  # events are not held back by the slices
            assert client.comments == [": heartbeat", ": heartbeat"] and emu.log.hub.listeners == 1
        finally:
            client.close()


# -- OpenAPI ---------------------------------------------------------------------------------------
def test_openapi_documents_every_route_and_every_documented_path_responds(
    server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SCENES.parent)  # POST /scene's example is a path in the repository
    doc = call(server, "GET", "/openapi.json")
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": server.url}]
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    assert documented == {(route.path, route.method) for route in ROUTES}
    schemas = doc["components"]["schemas"]
    assert {"Error", "widget", "caption", "text"} <= set(schemas)
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    order = sorted(ROUTES, key=lambda r: (r.path == "/scene", r.method == "DELETE"))  # DELETE what POST added
    for route in order:
        op = doc["paths"][route.path][route.method.lower()]
        path = route.path
        for param in op.get("parameters", []):
            if param["in"] == "path":
                path = path.replace("{" + param["name"] + "}", quote(param["example"], safe=""))
        query = "&".join(
            f"{p['name']}={p['example']}" for p in op.get("parameters", []) if p["in"] == "query" and "example" in p
        )
        target = f"{path}?{query}" if query else path
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in body and "$ref" not in body["schema"]:
            jsonschema.validate(body["example"], body["schema"])
        if route.reply == "text/event-stream":
            client = Events(server)
            assert client.next()[0] == "hello"
            client.close()
            continue
        status, response, data = request(server, route.method, target, body.get("example"))
        assert str(status) in op["responses"] and status < 300, (route.method, target, status, data)
        assert response.getheader("Content-Type").split(";")[0] == route.reply


def test_unknown_routes_and_methods_on_the_new_paths(server: ApiServer) -> None:
    status, response, _ = request(server, "PUT", "/widgets/live", {"text": "x"})
    assert status == 405 and response.getheader("Allow") == "GET, PATCH, DELETE"
    status, response, _ = request(server, "DELETE", "/widgets")
    assert status == 405 and response.getheader("Allow") == "GET, POST"
    assert "no such endpoint" in error(server, "GET", "/widgets/live/extra/x", status=404)
    assert "no such endpoint" in error(server, "GET", "/widgets/", status=404)
    message = error(server, "GET", "/widgets/%1B%5B31m%E2%80%AEevil", status=404)
    assert "\\x1b[31m\\u202eevil" in message and "\x1b" not in message


# -- the scene's end, and the status bar -----------------------------------------------------------
def test_scene_time_loops_or_stops_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "timed.toml"
    path.write_text(TIMED_SCENE, encoding="utf-8")
    looping = Emulator.open(path)
    listener = looping.log.hub.subscribe()
    looping.advance(0.6)
    looping.advance(0.6)
    assert looping.clock.t == pytest.approx(0.2) and looping.scene["sign"].text == "start"
    kinds = [e.kind for e in listener.next(0.1).events if e.kind != "missed_frame"]  # the first frame may be slow
    assert kinds == ["looped"]
    looping.seek(2.5)
    assert looping.clock.t == pytest.approx(0.5)
    stopping = Emulator.open(path, at_end="stop")
    for _ in range(5):
        stopping.advance(0.6)
    assert stopping.clock.t == 1.0 and stopping.scene["sign"].text == "timeline"
    endless = Emulator.open(SCENES / "city-walk.toml")  # no timeline, no duration: time runs on
    endless.advance(100.0)
    assert endless.clock.t == 100.0
    with pytest.raises(ValueError, match="at_end"):
        Emulator(at_end="bounce")


def test_screenshot_of_another_view_names_that_view(server: ApiServer, emu: Emulator) -> None:
    """The status bar of an API screenshot names the view in it; the window's view stays."""
    emu.log.notes.clear()  # no banner
    assert emu.viewer.view == "both"
    status, _, data = request(server, "GET", "/screenshot?view=left")
    assert status == 200
    assert emu.viewer.status_line("left").split()[1] == "left"
    other = emu.grab("left")
    emu.viewer.view = "left"
    assert np.array_equal(other, emu.grab())  # as if the window showed the left eye
    emu.viewer.view = "both"
    assert call(server, "GET", "/state")["view"] == "both"
    assert emu.viewer.status_line().split()[1] == "both"


def test_a_frame_that_cannot_be_drawn_keeps_the_last_good_one(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGBA", (32, 32), (255, 255, 255, 255)).save(tmp_path / "pic.png")
    path = tmp_path / "pic.toml"
    path.write_text('[[widgets]]\ntype = "image"\nid = "pic"\nsrc = "pic.png"\nanchor = "center"\n', encoding="utf-8")
    emu = Emulator.open(path)
    emu.advance(0)
    good = emu.panels()["left"].copy()
    (tmp_path / "pic.png").write_bytes(b"not a png at all")  # replaced after the load checked it
    emu.patch_widget("pic", {"fit": "cover"})  # so that the frame reads it again
    render_error = emu.scene_state.render_error
    assert render_error is not None and "pic.png" in render_error and "\n" not in render_error
    assert np.array_equal(emu.panels()["left"], good)
    emu.advance(0.1)
    assert emu.scene_state.render_error is not None and emu.scene_state.error is None
    Image.new("RGBA", (32, 32), (90, 90, 90, 255)).save(tmp_path / "pic.png")
    emu.poll()
    emu.advance(0.1)
    assert emu.scene_state.render_error is None and not np.array_equal(emu.panels()["left"], good)
