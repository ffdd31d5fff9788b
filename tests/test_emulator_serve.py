"""`python -m emulator SCENE --serve PORT` without a display (or with --headless): the emulator
and its HTTP API run headless until SIGTERM / Ctrl-C, print one line saying where they
serve, and write no files. The example client streams a live caption into it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

import emulator.headless
from emulator import Emulator
from emulator.__main__ import main
from hud.cli import main as hud_main

from paths import ROOT

EXAMPLE = ROOT / "emulator" / "examples" / "live_caption.py"
SCENE = """\
[scene]
title = "Serve"

[[widgets]]
type = "caption"
id = "live"
anchor = "bottom"
max_lines = 2
text = ""
"""
LINE = re.compile(r"^emulator API on http://127\.0\.0\.1:(\d+) \(headless: .*; Ctrl-C stops it\)$")
NO_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "SDL_VIDEODRIVER")


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    path = tmp_path / "serve.toml"
    path.write_text(SCENE, encoding="utf-8")
    return path


def start(scene: Path, cwd: Path, *options: str, display: str | None = None) -> tuple[subprocess.Popen, int, str]:
    """The emulator as a subprocess on any free port: (process, port, the line it printed)."""
    env = {key: value for key, value in os.environ.items() if key not in NO_DISPLAY}
    if display is not None:
        env["DISPLAY"] = display
    cwd.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", str(scene), "--serve", "0", *options],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline().rstrip("\n")
    match = LINE.match(line)
    if match is None:
        process.kill()
        raise AssertionError(f"unexpected first line {line!r}; stderr: {process.communicate(timeout=10)[1]}")
    return process, int(match.group(1)), line


def get(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as reply:
        return json.load(reply)


def stop(process: subprocess.Popen, signum: int = signal.SIGTERM) -> tuple[int, str, str]:
    process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, out, err


def test_serves_headless_without_a_display_and_the_example_client_streams_a_caption(
    scene: Path, tmp_path: Path
) -> None:
    cwd = tmp_path / "cwd"
    process, port, line = start(scene, cwd)
    try:
        assert "no display: $DISPLAY is not set" in line
        assert get(port, "/state")["scene"] == str(scene)
        events = socket.create_connection(("127.0.0.1", port), timeout=10)
        events.sendall(b"GET /events HTTP/1.0\r\n\r\n")
        words = "Where is the nearest subway station".split()
        run = subprocess.run(
            [sys.executable, str(EXAMPLE), "--url", f"http://127.0.0.1:{port}", "--id", "live", "--delay", "0", *words],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == " ".join(words)
        assert get(port, "/widgets/live")["fields"]["text"] == " ".join(words)  # the server holds it
        status, out, err = stop(process)
        stream = b""
        while chunk := events.recv(65536):
            stream += chunk
        events.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert status == 0 and out == "" and err == "", (status, out, err)
    assert stream.count(b"event: appended") == 2 * len(words)  # tentative, then committed: each word
    assert stream.rstrip().endswith(b'event: bye\ndata: {"reason": "the emulator API is stopping"}')
    assert list(cwd.iterdir()) == []  # no files written


def test_headless_flag_serves_even_with_a_display_and_ctrl_c_stops_it(scene: Path, tmp_path: Path) -> None:
    process, port, line = start(scene, tmp_path / "cwd", "--headless", "--at-end", "stop", display=":97")
    try:
        assert "no display" not in line
        assert get(port, "/state")["at_end"] == "stop"
    finally:
        status, out, err = stop(process, signal.SIGINT)
    assert status == 0 and err == ""


def test_serve_picks_headless_where_no_window_can_open(
    scene: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[tuple[int, str]] = []
    monkeypatch.setattr(emulator.headless, "serve", lambda emu, port, note="": served.append((port, note)) or 0)
    for name in NO_DISPLAY:
        monkeypatch.delenv(name, raising=False)
    assert main([str(scene), "--serve", "0"]) == 0  # no display at all
    assert served[-1] == (0, "no display: $DISPLAY is not set and this is not a Wayland session")
    monkeypatch.setenv("DISPLAY", ":97")  # a display that does not answer
    assert main([str(scene), "--serve", "8765"]) == 0
    assert served[-1][0] == 8765 and served[-1][1].startswith("no display available: ")
    assert hud_main(["emulate", str(scene), "--serve", "0", "--headless"]) == 0
    assert served[-1] == (0, "")
    assert capsys.readouterr().out == ""  # and no screenshots instead


def test_option_errors_are_one_line(scene: Path, capsys: pytest.CaptureFixture[str]) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        for argv, expected in (
            ([str(scene), "--headless"], "--headless runs the HTTP API without a window"),
            ([str(scene), "--serve", "0", "--screenshots", "x"], "cannot serve"),
            ([str(scene), "--serve", "0", "--at-end", "bounce"], "invalid choice"),
            ([str(scene), "--serve", "70000"], "--serve must be a port number"),
            (
                [str(scene), "--serve", str(busy.getsockname()[1]), "--headless"],
                "cannot serve the emulator API on port",
            ),
        ):
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert len(err.splitlines()) == 1 and expected in err and "Traceback" not in err, err
    finally:
        busy.close()


RAW_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ODD_NAME = "odd\x1b]0;pwned\x07\u202ename.toml"


@pytest.fixture
def odd_scene(tmp_path: Path) -> Path:
    path = tmp_path / ODD_NAME
    path.write_text(SCENE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("option", "expected"),
    (
        (["\x1f"], "unrecognized arguments: \\x1f"),
        (["--view", "\x1b[2J"], "invalid choice: '\\x1b[2J'"),
        (["--at-end", "a\u202eb"], "a\\u202eb"),
        (["--device", "no\x1bsuch"], "no\\x1bsuch"),
    ),
)
def test_option_errors_show_control_characters_escaped(
    scene: Path, option: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(scene), *option]) == 2
    assert hud_main(["emulate", str(scene), *option]) == 2
    err = capsys.readouterr().err
    assert not RAW_CONTROLS.search(err) and err.count(expected) == 2 and len(err.splitlines()) == 2, err


def test_screenshot_lines_show_control_characters_escaped(
    odd_scene: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "shots\x1b[2J"
    assert main([str(odd_scene), "--screenshots", str(folder)]) == 0
    out = capsys.readouterr().out
    assert any(folder.iterdir()) and not RAW_CONTROLS.search(out), out
    assert "odd\\x1b]0;pwned\\x07\\u202ename" in out and "shots\\x1b[2J" in out, out


def test_serve_line_shows_control_characters_escaped(odd_scene: Path) -> None:
    lines: list[str] = []
    stopped = threading.Event()
    stopped.set()
    note = "no display: \x1b[2J\u202e"
    assert (
        emulator.headless.serve(Emulator.open(str(odd_scene)), 0, note=note, stop=stopped, announce=lines.append) == 0
    )
    assert len(lines) == 1 and not RAW_CONTROLS.search(lines[0]), lines
    assert "odd\\x1b]0;pwned\\x07\\u202ename.toml" in lines[0] and "no display: \\x1b[2J\\u202e" in lines[0]
