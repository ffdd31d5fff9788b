"""hud: a rendering engine for AR heads-up displays (Quark S1 / G1 and peers).

import hud
scene = hud.Scene(hud.NavArrow(maneuver="left", distance_m=120, anchor="top"))
hud.render(scene, device="quark-s1").save("out/")

out = hud.Output(scene, device="quark-g1")     # no display: the same scene, spoken
out.update(0.0)
out.export("out/")                             # speech.json + speech.wav
"""

from __future__ import annotations

from hud.devices import DeviceProfile, builtin_names, load_device
from hud.errors import DeviceError, FieldError, HudError, NoDisplayError, SceneError
from hud.lint import Finding, lint
from hud.output import Output
from hud.renderer import Frame, Renderer, render
from hud.scene import Scene, load_scene, parse_scene, scene_schema
from hud.text import measure
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
    "DeviceProfile",
    "builtin_names",
    "load_device",
    "DeviceError",
    "FieldError",
    "HudError",
    "NoDisplayError",
    "SceneError",
    "Frame",
    "Output",
    "Renderer",
    "render",
    "Scene",
    "load_scene",
    "parse_scene",
    "scene_schema",
    "measure",
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
    "lint",
    "Finding",
]
