"""hud: a rendering engine for AR heads-up displays (Quark S1 / G1 and peers).

    import hud
    scene = hud.Scene(hud.NavArrow(maneuver="left", distance_m=120, anchor="top"))
    hud.render(scene, device="quark-s1").save("out/")
"""
from __future__ import annotations

from hud.devices import DeviceProfile, builtin_names, load_device
from hud.errors import DeviceError, FieldError, HudError, NoDisplayError, SceneError
from hud.renderer import Frame, Renderer, render
from hud.scene import Scene, load_scene, parse_scene, scene_schema
from hud.text import measure
from hud.widgets import (Caption, Column, Icon, Image, NavArrow, Notification, Panel, PriceCard, Progress, Row,
                         Stack, Text, Widget)

__version__ = "0.1.0"

__all__ = [
    "DeviceProfile", "builtin_names", "load_device", "DeviceError", "FieldError", "HudError", "NoDisplayError",
    "SceneError", "Frame", "Renderer", "render", "Scene", "load_scene", "parse_scene", "scene_schema", "measure",
    "Caption", "Column", "Icon", "Image", "NavArrow", "Notification", "Panel", "PriceCard", "Progress", "Row",
    "Stack", "Text", "Widget",
]
