"""The emulator without a window: its core and the HTTP API, until Ctrl-C or SIGTERM.

    serve(Emulator.open("scenes/city-walk.toml"), port=8765)

For CI and remote use (`python -m emulator SCENE --serve PORT` where there is no display, or
with --headless). It runs what the window runs, minus drawing: scene time at the device's
refresh rate, hot reload of the scene file, speech (silent), the profiler, and the API's
requests in between, under the server's lock. It writes no files unless a request asks.
On start it prints one line saying where it serves; it stops cleanly on SIGINT or SIGTERM
(event streams get a "bye" event) and returns 0.
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any, Callable

from hud.errors import HudError, escape

from emulator.core import Emulator
from emulator.server import ApiServer

MAX_STEP_S = 0.25        # a stalled tick does not make scene time jump further than this
NO_DISPLAY_HZ = 30.0     # ticks per second for glasses without a display (speech only)


def serve(emu: Emulator, port: int, note: str = "", stop: threading.Event | None = None,
          announce: Callable[[str], Any] = print) -> int:
    """Serve the API on 127.0.0.1:`port` (0: any free port) and run the emulator until
    SIGINT / SIGTERM (or `stop` is set). Raises HudError when the port cannot be had."""
    try:
        server = ApiServer(emu, port)
    except OSError as exc:
        raise HudError(f"cannot serve the emulator API on port {port}: {exc.strerror or exc} "
                       "(pick another port, or 0 for any free one)") from None
    stop = stop or threading.Event()
    restore = _on_sigterm(stop)
    server.start()
    scene = str(emu.scene_path) if emu.scene_path is not None else "no scene"
    detail = f"; {note}" if note else ""
    try:  # a Ctrl-C right after the line is printed stops it cleanly too
        announce(escape(f"emulator API on {server.url} (headless: {scene} on {emu.device.name}{detail}; "
                        "Ctrl-C stops it)"))
        sys.stdout.flush()
        run(emu, server, stop)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        restore()
    return 0


def run(emu: Emulator, server: ApiServer, stop: threading.Event) -> None:
    """Tick the emulator at its device's refresh rate until `stop` is set."""
    last = time.monotonic()
    due = last
    while not stop.is_set():
        now = time.monotonic()
        with server.lock:
            emu.poll()
            emu.advance(min(now - last, MAX_STEP_S))
            emu.trim_profile()
            rate = emu.device.refresh_hz if emu.device.has_display and emu.device.refresh_hz else NO_DISPLAY_HZ
        last = now
        due = max(due + 1.0 / rate, time.monotonic() - 1.0 / rate)  # a late tick does not make the next ones rush
        stop.wait(max(0.0, due - time.monotonic()))


def _on_sigterm(stop: threading.Event) -> Callable[[], None]:
    """Make SIGTERM set `stop` (from the main thread only); returns how to undo it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    return lambda: signal.signal(signal.SIGTERM, previous)
