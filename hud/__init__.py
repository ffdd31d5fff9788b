"""hud: a rendering engine for AR heads-up displays (Quark S1 / G1 and peers).

Everything an app uses is a name of this package: `import hud` and build.

    import hud

    scene = hud.Scene(
        hud.NavArrow(id="next-turn", maneuver="left", distance_m=120, anchor="top"),
        hud.Caption(id="live", anchor="bottom"),
        title="Walk",
        device="quark-s1",
    )
    renderer = hud.Renderer(scene, profiler=hud.Profiler(16.7, "quark-s1"))
    renderer.frame(0.0).save("out/walk")      # left.png, right.png, preview.png, layout.json
    scene["next-turn"].distance_m = 80         # marks the widget dirty
    frame = renderer.frame(0.5)                # redraws only what changed
    print(frame)                               # <Frame quark-s1 t=0.5s, 2 eyes 640x480, ...>

    out = hud.Output(scene, device="quark-g1") # no display: the same scene, spoken
    out.update(0.0)
    out.export("out/walk-g1")                  # speech.json + speech.wav

## What is here

- **Widgets**: `Text`, `Icon`, `Image`, `Progress`, the containers `Column`, `Row`, `Stack`,
  `Panel`, and the composites `Caption`, `NavArrow`, `Notification`, `PriceCard`; `Widget`
  is their base. Fields are validated as they are set (`FieldError`).
- **Scenes**: `Scene` holds the widget tree, its title, device and `Timeline`; `load_scene`
  and `parse_scene` read scene files (TOML; `SceneError` names the file and line),
  `save_scene` writes one, `scene_schema` is their JSON Schema.
- **Drawing**: `render` (one frame, timed), `Renderer` (frame after frame, incremental),
  `Frame` (the panel images, `timings_ms`, `dirty_px`, `layout`), `Profiler` (every stage
  against the display's frame budget), `measure` (the exact lines and widths text is drawn
  with, as a `TextBlock` of `TextLine`s).
- **Glasses without a display**: `Output` draws where there is a display and speaks where
  there is none; `render` raises `NoDisplayError` there.
- **Devices**: `load_device`, `builtin_names`, `DeviceProfile`; `DeviceError`.
- **Time**: `Timeline` and its `Event`s: the scene's state at any time t, reproducible.
- **Checks**: `lint` and its `Finding`s (overlaps, cut edges, text too small...); the
  `golden` pytest fixture, a `GoldenChecker`, pins frames pixel for pixel in an app's tests.
- **Errors and warnings**: every error is a `HudError` whose message is one line naming
  what is wrong and how to fix it. `MissingGlyphWarning` and `BackendWarning` point at the
  app's line that caused them.

The scene file format, the device profiles and the command-line tools are described in the
project's README.
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys
import types as _types
from typing import TYPE_CHECKING, Any

from hud.errors import suggest as _suggest

if TYPE_CHECKING:
    from hud.anim import Event, Timeline
    from hud.devices import DeviceProfile, builtin_names, load_device
    from hud.errors import DeviceError, FieldError, HudError, NoDisplayError, SceneError
    from hud.golden.check import GoldenChecker
    from hud.lint import Finding, lint
    from hud.output import Output
    from hud.profile import Profiler
    from hud.raster import BackendWarning
    from hud.renderer import Frame, Renderer, render
    from hud.save import SaveError, save_scene
    from hud.scene import Scene, load_scene, parse_scene, scene_schema
    from hud.text import MissingGlyphWarning, TextBlock, TextLine, measure
    from hud.widgets import (
        Caption,
        Column,
        Icon,
        Image,
        NavArrow,
        Notification,
        Panel,
        PriceCard,
        Progress,
        Row,
        Stack,
        Text,
        Widget,
    )

__version__ = "0.1.0"

__all__ = [
    # widgets
    "Caption",
    "Column",
    "Icon",
    "Image",
    "NavArrow",
    "Notification",
    "Panel",
    "PriceCard",
    "Progress",
    "Row",
    "Stack",
    "Text",
    "Widget",
    # scenes
    "Scene",
    "load_scene",
    "parse_scene",
    "save_scene",
    "scene_schema",
    "Timeline",
    "Event",
    # drawing and speaking
    "render",
    "Renderer",
    "Frame",
    "Profiler",
    "Output",
    "measure",
    "TextBlock",
    "TextLine",
    # devices
    "DeviceProfile",
    "builtin_names",
    "load_device",
    # checks
    "lint",
    "Finding",
    "GoldenChecker",
    # errors and warnings
    "HudError",
    "FieldError",
    "SceneError",
    "DeviceError",
    "NoDisplayError",
    "SaveError",
    "BackendWarning",
    "MissingGlyphWarning",
]

# Where each public name lives. A name is imported on first use, so a program loads only the
# stages it runs (`hud render` does not load speech, lint or the golden plugin).
_SOURCES: dict[str, str] = {
    **dict.fromkeys(("Event", "Timeline"), "hud.anim"),
    **dict.fromkeys(("DeviceProfile", "builtin_names", "load_device"), "hud.devices"),
    **dict.fromkeys(("DeviceError", "FieldError", "HudError", "NoDisplayError", "SceneError"), "hud.errors"),
    "GoldenChecker": "hud.golden.check",
    **dict.fromkeys(("Finding", "lint"), "hud.lint"),
    "Output": "hud.output",
    "Profiler": "hud.profile",
    "BackendWarning": "hud.raster",
    **dict.fromkeys(("Frame", "Renderer", "render"), "hud.renderer"),
    **dict.fromkeys(("SaveError", "save_scene"), "hud.save"),
    **dict.fromkeys(("Scene", "load_scene", "parse_scene", "scene_schema"), "hud.scene"),
    **dict.fromkeys(("MissingGlyphWarning", "TextBlock", "TextLine", "measure"), "hud.text"),
    **dict.fromkeys(
        (
            "Caption",
            "Column",
            "Icon",
            "Image",
            "NavArrow",
            "Notification",
            "Panel",
            "PriceCard",
            "Progress",
            "Row",
            "Stack",
            "Text",
            "Widget",
        ),
        "hud.widgets",
    ),
}

if not TYPE_CHECKING:  # type checkers see the imports above, and no attribute of hud that is not defined

    def __getattr__(name: str) -> Any:
        """A public name, imported from its module on first use."""
        source = _SOURCES.get(name)
        if source is None:
            raise AttributeError(
                f"module 'hud' has no attribute {name!r} ({_suggest(name, __all__, 'see hud.__all__')})"
            )
        value = getattr(_importlib.import_module(source), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_SOURCES})

    class _Package(_types.ModuleType):
        """The hud package. Its `lint` is the function hud.lint.lint: loading the module hud.lint,
        which would set the package's attribute `lint` to that module, leaves it the function."""

        @property
        def lint(self) -> Any:
            if "lint" not in self.__dict__:  # kept in the namespace, where readers of it (pdoc) look
                from hud.lint import lint

                self.__dict__["lint"] = lint
            return self.__dict__["lint"]

        @lint.setter
        def lint(self, value: Any) -> None:
            if not isinstance(value, _types.ModuleType):
                self.__dict__["lint"] = value

    _sys.modules[__name__].__class__ = _Package
