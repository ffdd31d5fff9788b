"""python -m emulator SCENE [--device NAME] [--background NAME|IMAGE] [--serve PORT [--headless]]
                        [--at-end loop|stop] [--view both|fused|left|right] [--zoom N|fit]
                        [--backend gl|cpu] [--screenshots DIR]

Opens the emulator window on a scene (`hud emulate` runs the same `main`).

--backend picks the raster backend that draws the panels: gl (moderngl; headless by EGL) or
cpu. The default is gl where a GL context can be made, else cpu. Asked for gl where no context
can be made, it says so in one line and draws on the CPU.

With --serve PORT it also answers the HTTP API on 127.0.0.1:PORT (0: any free port). Where
there is no display ($DISPLAY unset and not a Wayland session, or one that cannot be opened),
or with --headless, it runs without a window instead: the emulator and the API, headless,
until Ctrl-C or SIGTERM, printing one line that says where it serves (emulator.headless).

With --screenshots DIR, or with no display and no --serve, it opens no window: it renders the
scene's first second headless and writes a screenshot of every view.
Errors are one line on stderr and exit status 2. Every line it prints shows control characters
and bidi overrides escaped (hud.errors.escape).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from hud.errors import HudError, escape
from hud.raster import BACKEND_NAMES, BackendWarning
from hud.sources import app_reference, scene_stem

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2
HEADLESS_S = 1.0  # scene time rendered before headless screenshots


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage block
        raise HudError(f"{self.prog}: {message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m emulator",
        description="Desktop emulator for AR glasses: both eyes through the waveguide, "
        "over the world, with hot reload. Press H in the window for the keys.",
    )
    parser.add_argument("scene", help="scene file (.toml), or module:function returning a hud.Scene")
    parser.add_argument("--device", help="built-in device name or a profile .toml (default: the scene's)")
    parser.add_argument("--background", metavar="NAME|IMAGE", help="built-in background name or an image file")
    parser.add_argument(
        "--serve",
        type=int,
        metavar="PORT",
        help="also serve the HTTP API on 127.0.0.1:PORT (0: any free port); without a display it runs headless",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="with --serve: no window even where there is a display (for CI and remote use)",
    )
    parser.add_argument(
        "--at-end",
        choices=("loop", "stop"),
        default="loop",
        help="what scene time does at the scene's end (default: loop)",
    )
    parser.add_argument(
        "--view",
        choices=("both", "fused", "left", "right"),
        default="both",
        help="what the window shows first (default: both)",
    )
    parser.add_argument("--zoom", default="fit", help="integer zoom, or fit (default)")
    parser.add_argument(
        "--backend",
        choices=BACKEND_NAMES,
        help="raster backend for the panels (default: gl where a GL context can be made, else cpu)",
    )
    parser.add_argument(
        "--link",
        action="store_true",
        help="show frames at the pace of the device's link (glasses that show the phone's images): "
        "a frame appears once the previous one has crossed",
    )
    parser.add_argument(
        "--screenshots", metavar="DIR", help="no window: render headless and write a screenshot of every view into DIR"
    )
    return parser


def display_available() -> tuple[bool, str]:
    """Whether a window can be tried, and if not, why."""
    if sys.platform in ("win32", "darwin"):
        return True, ""
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if driver in ("dummy", "offscreen"):
        return False, f"SDL_VIDEODRIVER={driver}"
    if os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return True, ""
    if os.environ.get("DISPLAY"):
        return True, ""
    return False, "$DISPLAY is not set and this is not a Wayland session"


def _zoom(text: str) -> int | str:
    if text == "fit":
        return "fit"
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise HudError(f"--zoom must be a positive integer or fit, not {text!r}")
    return value


def headless(emu, folder: str | Path, scene: str) -> list[Path]:
    """Render the first HEADLESS_S of the scene, then write a screenshot of every view."""
    from emulator.look import VIEWS

    step = 1.0 / emu.device.refresh_hz
    for _ in range(max(1, round(HEADLESS_S * emu.device.refresh_hz))):
        emu.advance(step)
    stem = f"{scene_stem(scene)}-{emu.device.name}"
    written: list[Path] = []
    viewer = emu.viewer
    views = VIEWS if emu.device.has_display else (viewer.view,)  # without a display every view is the same panel
    original = viewer.view
    for view in views:
        viewer.view = view
        for path in emu.screenshot(folder, stem=stem):
            if path not in written:
                written.append(path)
    viewer.view = original
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m emulator` and `hud emulate`."""
    try:
        try:
            args = _parser().parse_args(argv)
        except SystemExit as exc:  # --help
            return int(exc.code or 0)
        zoom = _zoom(args.zoom)
        if args.serve is not None and not 0 <= args.serve <= 65535:
            raise HudError(f"--serve must be a port number 0..65535, not {args.serve}")
        if args.headless and args.serve is None:
            raise HudError(
                "--headless runs the HTTP API without a window: add --serve PORT (or use --screenshots DIR for images)"
            )
        if args.screenshots and args.serve is not None:
            raise HudError("--screenshots writes images and exits, so it cannot serve: drop --serve or --screenshots")
        from emulator.core import Emulator

        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", BackendWarning)
                emu = Emulator.open(
                    app_reference(args.scene) or args.scene,
                    device=args.device,
                    background=args.background,
                    at_end=args.at_end,
                    backend=args.backend,
                    link=args.link,
                )
        except ValueError as exc:  # a bad --background (load_background's message is one line)
            raise HudError(str(exc)) from None
        for warning in caught:
            if issubclass(warning.category, BackendWarning):
                print(escape(f"emulator: {warning.message}"), file=sys.stderr)
            else:
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        emu.viewer.view = args.view
        ok, why = display_available()
        if args.serve is not None and (args.headless or not ok):
            from emulator.headless import serve

            return serve(emu, args.serve, note="" if args.headless else f"no display: {why}")
        if args.screenshots or not ok:
            folder = args.screenshots or "screenshots"
            if not args.screenshots:
                print(
                    escape(
                        f"no display available ({why}): not opening a window; "
                        f"writing headless screenshots to {folder}/ instead (or pass --screenshots DIR)"
                    )
                )
            written = headless(emu, folder, args.scene)
            print(
                escape(
                    f"rendered {args.scene} on {emu.device.name} (raster {emu.scene_state.drawn_by or 'none'}) "
                    f"for {HEADLESS_S:g} s; wrote {len(written)} files:"
                )
            )
            for path in written:
                print(escape(f"  {path}"))
            return EXIT_OK
        from emulator.window import NoWindow, run_window

        try:
            return run_window(emu, serve=args.serve, zoom=zoom)
        except NoWindow as exc:
            if args.serve is None:
                raise
            from emulator.headless import serve

            return serve(emu, args.serve, note=str(exc).split(";")[0])
    except HudError as exc:
        print(escape(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("emulator: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("HUD_DEBUG"):
            raise
        print(
            escape(
                f"emulator: internal error: {type(exc).__name__}: {exc} (set HUD_DEBUG=1 for details and report it)"
            ),
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
