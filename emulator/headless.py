"""The emulator without a window: its core and the HTTP API, until Ctrl-C or SIGTERM.

    serve(Emulator.open("scenes/city-walk.toml"), port=8765)
    python -m emulator.headless [scene] [--device NAME] [--port N]

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
from collections.abc import Callable
from typing import Any

from emulator.core import Emulator
from emulator.server import ApiServer
from hud.errors import HudError, escape

MAX_STEP_S = 0.25  # a stalled tick does not make scene time jump further than this
NO_DISPLAY_HZ = 30.0  # ticks per second for glasses without a display (speech only)


def serve(
    emu: Emulator,
    port: int,
    note: str = "",
    stop: threading.Event | None = None,
    announce: Callable[[str], Any] = print,
) -> int:
    """Serve the API on 127.0.0.1:`port` (0: any free port) and run the emulator until
    SIGINT / SIGTERM (or `stop` is set). Raises HudError when the port cannot be had."""
    try:
        server = ApiServer(emu, port)
    except OSError as exc:
        raise HudError(
            f"cannot serve the emulator API on port {port}: {exc.strerror or exc} "
            "(pick another port, or 0 for any free one)"
        ) from None
    stop = stop or threading.Event()
    restore = _on_sigterm(stop)
    server.start()
    path = emu.scene_state.path
    scene = str(path) if path is not None else "no scene"
    detail = f"; {note}" if note else ""
    try:  # a Ctrl-C right after the line is printed stops it cleanly too
        announce(
            escape(
                f"emulator API on {server.url} (headless: {scene} on {emu.device.name}"
                f"{_drawn_by(emu)}{detail}; "
                "Ctrl-C stops it)"
            )
        )
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
            emu.scene_state.trim_profile()
            rate = emu.device.refresh_hz if emu.device.has_display and emu.device.refresh_hz else NO_DISPLAY_HZ
        last = now
        due = max(due + 1.0 / rate, time.monotonic() - 1.0 / rate)  # a late tick does not make the next ones rush
        stop.wait(max(0.0, due - time.monotonic()))


def _drawn_by(emu: Emulator) -> str:
    """ ", raster gl" (or cpu) when the panels are drawn, for the line that says where it serves."""
    backend = emu.scene_state.drawn_by
    return f", raster {backend}" if backend else ""


def _on_sigterm(stop: threading.Event) -> Callable[[], None]:
    """Make SIGTERM set `stop` (from the main thread only); returns how to undo it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def main(argv: list[str] | None = None) -> int:
    """`python -m emulator.headless [scene] [--device NAME] [--port N]`: the API, headless (see
    `python -m emulator SCENE --serve PORT --headless` for every option)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m emulator.headless", description=__doc__.split("\n")[0])
    parser.add_argument("scene", nargs="?", help="scene file to open")
    parser.add_argument("--device", help="device profile (default: the scene's)")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    try:
        return serve(Emulator.open(args.scene, device=args.device), args.port)
    except HudError as exc:
        print(escape(str(exc)), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
