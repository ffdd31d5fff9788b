"""What each fuzz target checks, as plain functions: the fuzz tests call them with generated
input, the corpus test with the saved cases that once failed.

Every check runs under `guarded()`: past HANG_S seconds or MEMORY_HEADROOM bytes of new
address space the case fails as a hang or a memory blow-up instead of stalling the run.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import resource
import shutil
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image as PILImage

from hud.devices import DeviceProfile, load_device
from hud.errors import HudError
from hud.scene import Scene, load_scene, parse_scene

from .strategies import IMAGE_SRC

HANG_S = float(os.environ.get("HUD_FUZZ_HANG_S", "20"))  # one case taking longer is a hang
MEMORY_HEADROOM = 3 * 1024**3  # address space one case may add
# Raw controls and bidi overrides: never in a message or in what the CLI prints (tab and
# newline are allowed in printed output, not inside one message).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNSAFE_IN_MESSAGE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SCENE_NAME = "scene.toml"
TINY_SCENE = """\
[[widgets]]
type = "caption"
id = "live"
text = "Fuzz"
[[widgets]]
type = "nav_arrow"
id = "next-turn"
maneuver = "left"
anchor = "bottom-right"
"""

# The files CLI argument vectors name (strategies.CLI_FILES; "folder" is a folder and
# "missing.toml" does not exist).
CLI_FIXTURES = {
    "valid.toml": TINY_SCENE.encode(),
    "timeline.toml": (
        TINY_SCENE
        + """
[scene]
duration = "0.5s"

[[timeline]]
at = "0.2s"
target = "live"
append = " more"
"""
    ).encode(),
    "speaks.toml": b'[[widgets]]\ntype = "nav_arrow"\nmaneuver = "right"\nspeak = "always"\ndistance_m = 40\n',
    "broken.toml": b'[[widgets]]\ntype = "nav_arrow"\nmaneuver = "lefty"\n',
    "binary.toml": bytes(range(256)),
    "empty.toml": b"",
    "tiny.device.toml": b"""[device]
name = "tiny"
has_display = true
[display]
eyes = ["left", "right"]
width = 48
height = 32
colour = "mono"
fov_diag_deg = 20
refresh_hz = 30
""",
    "g1.device.toml": b'[device]\nname = "g1-copy"\nhas_display = false\n[audio]\nspeakers = "mono"\n',
    "broken.device.toml": b'[device]\nname = "x"\nhas_display = true\n[display]\nwidth = -1\n',
    "image.png": bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
        "3a7e9b550000000a49444154789c63600000000200015de2ab5a0000000049454e44ae426082"
    ),
}


class Hang(Exception):
    """A case ran past HANG_S seconds."""


@contextlib.contextmanager
def guarded(seconds: float = HANG_S) -> Iterator[None]:
    """Run a block with a time limit (SIGALRM, main thread only) and a memory ceiling."""
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = _address_space() + MEMORY_HEADROOM
    limited = False
    if old_limit[1] == resource.RLIM_INFINITY or ceiling < old_limit[1]:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, old_limit[1]))
            limited = True
    timed = _main_thread()

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds:g} s")

    if timed:
        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if limited:
            resource.setrlimit(resource.RLIMIT_AS, old_limit)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _address_space() -> int:
    """Bytes of address space this process holds now."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def check_message(exc: BaseException, shown: str | None = None) -> str:
    """A user error's message: one line, no raw control or bidi characters, naming `shown`."""
    assert isinstance(exc, HudError), f"{type(exc).__name__} escaped instead of a HudError: {exc!r}"
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} with an empty message"
    assert "\n" not in message and "\r" not in message, f"message is not one line: {message!r}"
    assert not UNSAFE_IN_MESSAGE.search(message), f"message holds raw control/bidi characters: {message!r}"
    if shown is not None:
        assert message.startswith(shown), f"message does not start with the file {shown!r}: {message!r}"
    return message


def write_assets(folder: Path) -> None:
    """The files generated scenes refer to (an image), next to the scene."""
    image = PILImage.new("L", (8, 6))
    image.putpixel((2, 2), 255)
    image.save(folder / IMAGE_SRC)


# -- loader ------------------------------------------------------------------------------------


def check_parse(text: str, folder: Path) -> Scene | None:
    """parse_scene on any text: a Scene, or a one-line HudError naming the file."""
    with guarded():
        try:
            return parse_scene(text, SCENE_NAME, folder)
        except HudError as exc:
            check_message(exc, SCENE_NAME)
            return None


def check_load(raw: bytes, folder: Path) -> Scene | None:
    """load_scene on a file holding any bytes: a Scene, or a one-line HudError naming the file."""
    path = folder / SCENE_NAME
    path.write_bytes(raw)
    shown = str(path)
    with guarded():
        try:
            return load_scene(path)
        except HudError as exc:
            check_message(exc, shown)
            return None


# -- renderer and speech -----------------------------------------------------------------------


def check_frames(scene: Scene, device: DeviceProfile, times: list[float], user_errors: bool = False) -> None:
    """Frames of `scene` at `times` (any order): one uint8 array per eye in the device's shape,
    and no exception; with `user_errors`, a one-line HudError may end it (a generated profile
    can make valid text too large for its panel). On any device, text sized in degrees that is
    larger than the text limit on that panel (a 14deg caption on frame's 37 px/deg) is that
    one-line error."""
    from hud.renderer import Renderer

    with guarded():
        try:
            _frames(Renderer(scene, device), device, times)
        except HudError as exc:
            if not user_errors and TEXT_OVER_LIMIT not in str(exc):
                raise
            check_message(exc)


TEXT_OVER_LIMIT = "px limit for text"  # hud.theme's error for text too large in pixels on a panel


def _frames(renderer: Any, device: DeviceProfile, times: list[float]) -> None:
    for t in times:
        frame = renderer.frame(t)
        assert tuple(frame.eyes) == tuple(device.eyes), f"eyes {tuple(frame.eyes)} != {device.eyes}"
        for eye, pixels in frame.eyes.items():
            shape = (device.height, device.width) + (() if device.colour == "mono" else (3,))
            assert isinstance(pixels, np.ndarray) and pixels.dtype == np.uint8, f"{eye}: {pixels.dtype}"
            assert pixels.shape == shape, f"{eye}: shape {pixels.shape}, expected {shape}"


def check_render(text: str, folder: Path, device: str | None, profile: str | None, times: list[float]) -> None:
    """A valid scene (text) renders on a built-in device or a profile (TOML text) at `times`
    (a profile the loader refuses must be refused in one line)."""
    scene = parse_scene(text, SCENE_NAME, folder)
    if profile is not None:
        path = folder / "fuzz.device.toml"
        path.write_text(profile, encoding="utf-8")
        try:
            target = load_device(path)
        except HudError as exc:
            check_message(exc, str(path))
            return
    else:
        target = load_device(device or scene.device)
    check_frames(scene, target, times, user_errors=profile is not None)


def check_speech(text: str, folder: Path, device: str = "quark-g1") -> dict[str, Any]:
    """A valid scene spoken on a device without a display: speech.json and speech.wav, both valid."""
    from hud.speech.narrator import narrate

    scene = parse_scene(text, SCENE_NAME, folder)
    out = folder / "speech"
    with guarded():
        narrator = narrate(scene, device)
        written = narrator.export(out)
    assert sorted(p.name for p in written) == ["speech.json", "speech.wav"], written
    record = json.loads((out / "speech.json").read_text(encoding="utf-8"))
    assert isinstance(record["utterances"], list) and isinstance(record["decisions"], list)
    assert record["device"] == load_device(device).name
    for utterance in record["utterances"]:
        assert isinstance(utterance["text"], str) and utterance["status"], utterance
    assert (out / "speech.wav").read_bytes()[:4] == b"RIFF"
    leftovers = [p.name for p in out.iterdir() if p.name not in ("speech.json", "speech.wav")]
    assert not leftovers, f"left behind {leftovers}"
    return record


# -- device profiles ---------------------------------------------------------------------------


def check_profile(text: str, folder: Path) -> DeviceProfile | None:
    """load_device on a profile file: a profile (that renders a small scene, if it has a
    display), or a one-line HudError naming the file."""
    path = folder / "fuzz.device.toml"
    path.write_text(text, encoding="utf-8")
    with guarded():
        try:
            device = load_device(path)
        except HudError as exc:
            check_message(exc, str(path))
            return None
    if device.has_display:
        check_frames(parse_scene(TINY_SCENE, SCENE_NAME, folder), device, [0.0, 0.5], user_errors=True)
    return device


# -- command line ------------------------------------------------------------------------------


def cli_files(folder: Path, fixtures: dict[str, bytes]) -> None:
    """Lay out the files CLI argument vectors name (strategies.CLI_FILES)."""
    for name, data in fixtures.items():
        (folder / name).write_bytes(data)
    (folder / "folder").mkdir(exist_ok=True)
    write_assets(folder)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def check_cli(argv: list[str], folder: Path, fixtures: dict[str, bytes]) -> tuple[int, str, str]:
    """`hud` with `argv` in a folder of fixture files: exit status 0 or 2 (lint: 1 for findings),
    never an internal error or a traceback; output without raw control characters; a failure
    ends with one error line and leaves no files behind."""
    from hud.cli import main

    cli_files(folder, fixtures)
    before = _files(folder)
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    debug = os.environ.pop("HUD_DEBUG", None)
    os.chdir(folder)
    try:
        with guarded(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(cwd)
        if debug is not None:
            os.environ["HUD_DEBUG"] = debug
    stdout, stderr = out.getvalue(), err.getvalue()
    lint_findings = argv[:1] == ["lint"] and code == 1
    assert code in (0, 2) or lint_findings, f"exit status {code}; stderr: {stderr[-500:]!r}"
    assert "internal error" not in stderr and "Traceback" not in stderr + stdout, stderr[-800:]
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        bad = UNSAFE.search(text)
        assert bad is None, f"{name} holds a raw {bad.group()!r}: {text[max(0, bad.start() - 60) : bad.end() + 60]!r}"
    if code == 2:
        lines = stderr.rstrip("\n").splitlines()
        assert lines and lines[-1].strip(), f"exit status 2 without an error line; stderr: {stderr!r}"
        assert not any(line.startswith("usage:") for line in lines), f"a usage block, not one line: {stderr!r}"
        added = sorted(_files(folder) - before)
        assert not added, f"failed (exit 2) but left files behind: {added[:5]}"
    return code, stdout, stderr


# -- HTTP ----------------------------------------------------------------------------------------


def request_bytes(request: dict[str, Any]) -> bytes:
    """The request as it goes on the wire (the body cut short when `truncated`)."""
    line = f"{request['method']} {request['path']} {request['version']}".rstrip(" ")
    head = line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in request["headers"]) + "\r\n"
    return head.encode("utf-8", "surrogateescape") + request["body"]


def _read_all(sock: socket.socket, deadline: float) -> tuple[bytes, bool]:
    """Everything the server sends until it closes; (data, timed_out). An event stream is cut
    after its headers."""
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return data, True
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return data, True
        except ConnectionResetError:
            return data, False
        if not chunk:
            return data, False
        data += chunk
        if b"\r\n\r\n" in data and b"text/event-stream" in data.split(b"\r\n\r\n", 1)[0].lower():
            return data, False
        if data.startswith((b"event:", b":")):  # an event stream answered the HTTP/0.9 way
            return data, False


# Every header the API answers with; any other name in an answer was injected through a value.
ANSWER_HEADERS = {
    "server",
    "date",
    "content-type",
    "content-length",
    "cache-control",
    "connection",
    "allow",
    "location",
    "retry-after",
    "x-accel-buffering",
}


def _parse_response(data: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of an HTTP/1.x response, skipping 1xx interim responses."""
    while True:
        assert b"\r\n\r\n" in data, f"no end of headers in {data[:200]!r}"
        head, data = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        match = re.fullmatch(r"HTTP/1\.[01] (\d{3})( .*)?", lines[0])
        assert match, f"bad status line {lines[0]!r}"
        status = int(match.group(1))
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            assert sep and name.strip() == name and name, f"bad header line {line!r}"
            headers[name.lower()] = value.strip()
        if 100 <= status < 200:
            continue
        return status, headers, data


def send_request(port: int, request: dict[str, Any]) -> bytes:
    """Send one request on a fresh connection, half-close, and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=HANG_S) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(request_bytes(request))
            sock.shutdown(socket.SHUT_WR)
        data, timed_out = _read_all(sock, time.monotonic() + HANG_S)
    if timed_out:
        raise Hang(f"no complete answer within {HANG_S:g} s (got {data[:120]!r})")
    return data


def check_http(port: int, request: dict[str, Any]) -> int | None:
    """One request of any shape: a well-formed 2xx/4xx answer (never 5xx), and the server
    still answers afterwards. A request whose body was cut short may get no answer."""
    data = send_request(port, request)
    status = None
    # A request line that is not "METHOD TARGET HTTP/1.x" is answered the HTTP/0.9 way (as
    # http.server does): the JSON body alone, no status line.
    # The request line as http.server reads it: bytes as latin-1, split at any whitespace.
    words = request_bytes(request).split(b"\n", 1)[0].decode("latin-1").split()
    simple = not (len(words) == 3 and re.fullmatch(r"HTTP/1\.\d+", words[2])) and not data.startswith(b"HTTP/")
    if not data:  # fine for a body cut short, and for HEAD the HTTP/0.9 way (no headers, no body)
        assert _cut_short(request) or (simple and words[:1] == ["HEAD"]), "closed the connection without an answer"
    elif simple:
        assert b"internal error" not in data, data[:300]
    else:
        status, headers, body = _parse_response(data)
        unknown = sorted(set(headers) - ANSWER_HEADERS)
        assert not unknown, f"answer headers {unknown} (injected through a value?): {data[:300]!r}"
        assert all(32 <= ord(c) < 127 for value in headers.values() for c in value), f"non-ASCII header: {headers}"
        major = re.match(r"HTTP/(\d+)", request["version"])
        too_new = major is not None and int(major.group(1)) >= 2
        assert 200 <= status < 500 or (status == 505 and too_new), f"status {status}: {body[:300]!r}"
        streaming = headers.get("content-type", "").startswith("text/event-stream")
        if "content-length" in headers and not streaming:
            # A request line over the server's limit is answered 414 before its method is read,
            # so even a HEAD gets a body.
            head = words[:1] == ["HEAD"] and len(words) == 3 and status != 414
            expected = 0 if head else int(headers["content-length"])
            assert len(body) == expected, (
                f"{len(body)} body bytes, expected {expected} "
                f"(Content-Length {headers['content-length']}{', HEAD' if head else ''})"
            )
        if headers.get("content-type", "").startswith("application/json") and body and not streaming:
            reply = json.loads(body)
            if status >= 400:
                message = reply.get("error") if isinstance(reply, dict) else None
                assert isinstance(message, str) and message, f"error reply without a message: {reply!r}"
                assert "\n" not in message and not UNSAFE_IN_MESSAGE.search(message), f"message: {message!r}"
                assert "internal error" not in message, message
    alive = send_request(
        port, {"method": "GET", "path": "/state", "version": "HTTP/1.1", "headers": [], "body": b"", "truncated": False}
    )
    assert alive.startswith(b"HTTP/1.") and b" 200 " in alive.split(b"\r\n", 1)[0], (
        f"server not answering: {alive[:200]!r}"
    )
    return status


def _cut_short(request: dict[str, Any]) -> bool:
    """Whether the client sent fewer body bytes than a Content-Length it gave declares."""
    for name, value in request["headers"]:
        if name.lower() == "content-length":
            try:
                if int(value.strip()) > len(request["body"]):
                    return True
            except ValueError:
                pass
    return bool(request.get("truncated"))


def http_case(request: dict[str, Any]) -> dict[str, Any]:
    """A request as JSON data (the body base64) for the corpus."""
    return {
        **request,
        "headers": [list(h) for h in request["headers"]],
        "body": base64.b64encode(request["body"]).decode(),
    }


def http_request(case: dict[str, Any]) -> dict[str, Any]:
    return {**case, "headers": [tuple(h) for h in case["headers"]], "body": base64.b64decode(case["body"])}


def fresh_folder(root: Path, name: str) -> Path:
    """An empty folder `root/name` (emptied if it exists)."""
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
