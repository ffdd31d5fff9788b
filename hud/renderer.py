"""The frame pipeline: update -> layout -> paint -> raster -> panel, for every eye."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from hud.devices import DeviceProfile, load_device
from hud.errors import NoDisplayError
from hud.geometry import Rect
from hud.layout import Layout
from hud.paint import Painter
from hud.panel import to_panel
from hud.raster import BACKENDS
from hud.scene import Scene, load_scene
from hud.sinks import panel_image, preview_image, write_images
from hud.theme import Theme
from hud.widgets.base import Widget

STAGES = ("update", "layout", "paint", "raster", "panel")


@dataclass
class Frame:
    """One rendered moment: an 8-bit panel image per eye, and what it cost."""

    eyes: dict[str, np.ndarray]
    device: DeviceProfile
    backend: str
    t: float
    timings_ms: dict[str, float] = field(default_factory=dict)

    def preview(self) -> PILImage.Image:
        """Both eyes side by side in the panel's colour."""
        return preview_image(self.eyes, self.device)

    def images(self) -> dict[str, PILImage.Image]:
        """`left.png` / `right.png` (native panel format) and `preview.png`."""
        images = {f"{eye}.png": panel_image(panel) for eye, panel in self.eyes.items()}
        images["preview.png"] = self.preview()
        return images

    def save(self, out_dir: str | Path) -> list[Path]:
        """Write the images into `out_dir`, all or nothing."""
        return write_images(self.images(), Path(out_dir))


class Renderer:
    """Renders a scene (or a widget tree) for one device, frame after frame."""

    def __init__(self, scene: Scene | Widget, device: str | Path | DeviceProfile | None = None,
                 backend: str = "cpu") -> None:
        self.scene = scene if isinstance(scene, Scene) else Scene(scene)
        self.device = load_device(device or self.scene.device)
        if not self.device.has_display:
            raise NoDisplayError(f"{self.device.name} has no display: there are no pixels to render "
                                 "(its output is audio)")
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend '{backend}' (available: {', '.join(BACKENDS)})")
        self.theme = Theme(self.device)
        self.layout = Layout(self.theme)
        self.painter = Painter(self.theme)
        self.raster = BACKENDS[backend](self.device.width, self.device.height, self.theme.channels)
        self.backend = backend
        _forget_other_devices(self.scene.root, self.device)

    def invalidate(self) -> None:
        """Forget every cached measure, layout and paint: the next frame is a full redraw."""
        _invalidate(self.scene.root)

    def frame(self, t: float = 0.0) -> Frame:
        """Render the tree as it is at time `t` (seconds)."""
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = (now - clock) * 1000
            clock = now

        root = self.scene.root
        _forget_other_devices(root, self.device)
        lap("update")
        margin = self.device.safe_margin
        root.padding = [margin.top, margin.right, margin.bottom, margin.left]
        self.layout.run(root, Rect(0, 0, self.device.width, self.device.height))
        lap("layout")
        layers = self.painter.run(root)
        lap("paint")
        buffers = {eye: self.raster.render(layers, self.device.eye_offset(eye), 1 if eye == "left" else -1)
                   for eye in self.device.eyes}
        lap("raster")
        eyes = {eye: to_panel(buffer, self.device) for eye, buffer in buffers.items()}
        lap("panel")
        return Frame(eyes, self.device, self.backend, t, timings)


def _forget_other_devices(root: Widget, device: DeviceProfile) -> None:
    """Layout and paint caches hold pixels for one device: drop them when the device changes."""
    if getattr(root, "_device", None) is device:
        return
    _invalidate(root)
    root._device = device


def _invalidate(root: Widget) -> None:
    for widget in root.walk():
        widget.layout_dirty = True
        widget.paint_dirty = True
        widget._layout_cache.clear()


def render(target: Scene | Widget | str | Path, *, device: str | Path | DeviceProfile | None = None,
           at: float = 0.0, backend: str = "cpu") -> Frame:
    """Render a scene, a widget tree or a scene file at time `at` in one call."""
    scene = load_scene(target) if isinstance(target, (str, Path)) else target
    return Renderer(scene, device, backend).frame(at)
