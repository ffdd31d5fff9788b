"""hud's desktop emulator: both eyes through the waveguide, over the world, with hot reload,
gestures, screenshots, a profiler overlay, and an HTTP API that apps drive it with live
(emulator.server; headless with emulator.headless, `python -m emulator SCENE --serve PORT`).

    from emulator import Emulator
    emu = Emulator.open("scenes/city-walk.toml", background="street")
    emu.advance(1 / 60); emu.gesture("tap"); emu.grab("fused")
    emu.patch_widget("pay", {"title": "Refund"}); emu.append_text("live", "more words")

    import emulator
    emulator.run(my_app, scene=hud.Scene(...))   # opens the window; the app drives the tree
"""

from __future__ import annotations

from emulator.core import App, Emulator
from emulator.look import AMBIENTS, VIEWS, Look

__all__ = ["App", "Emulator", "Look", "VIEWS", "AMBIENTS", "run"]


def run(app=None, scene=None, device=None, background=None, backend=None, **options):  # noqa: ANN001, ANN201
    """Open the emulator window on `scene` (a path or a hud.Scene) with `app` driving it; the
    panels are drawn on `backend` ("gl" or "cpu"; default: gl where a GL context can be made)."""
    from emulator.window import run_window

    emu = Emulator.open(scene, device=device, background=background, backend=backend)
    if app is not None:
        emu.attach(app)
    return run_window(emu, **options)
