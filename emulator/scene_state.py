"""The scene the emulator shows and what draws it: the scene file (watched for hot reload), an
app's `module:function` (its module file watched, the module run again when it changes) or an
app's tree, the device profile, the renderer on its raster backend, the latest frame, the API's
live edits, and why a load or a frame failed.

Loading: `read` refuses what is not a scene file before reading it (a folder, a pipe or device,
a file over MAX_SCENE_BYTES) and raises HudError with the one-line message; the emulator keeps
the last good scene on screen and shows the message. Given a hud.sources.AppReference (what the
command line names as `module:function`; never a path from the HTTP API), `read` runs the
module and calls the function instead, and reading its module file again later runs the
module afresh: an edit of the app reloads like an edit of a scene file. `show` puts a scene on
screen: a fresh renderer, the API's edits reset, and its images watched along with the file.

Backends: "gl" (moderngl, headless by EGL) or "cpu". `default_backend()` is "gl" where a GL
context can be made here, else "cpu". When "gl" is asked for and no context can be made, the
renderer draws on the CPU after one BackendWarning; `drawn_by` says which is drawing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from emulator.live import ApiEdits, NoScene, check_append, check_fields, check_widget, declared, find
from emulator.watch import FileWatcher
from hud.assets import AssetError
from hud.devices import DeviceProfile, load_device
from hud.errors import HudError, escape
from hud.limits import MAX_SCENE_BYTES
from hud.profile import Profiler
from hud.raster import BACKEND_NAMES, gl_available
from hud.renderer import Frame, Renderer
from hud.scene import Scene, load_scene
from hud.sources import AppReference
from hud.widgets.base import Widget
from hud.widgets.primitives import Image as ImageWidget

MAX_PROFILE_RECORDS = 36_000  # frames the profiler keeps (~10 min at 60 Hz): memory stays flat in a long session


def default_backend() -> str:
    """ "gl" where a GL context can be made in this process, else "cpu"."""
    return "gl" if gl_available() else "cpu"


class SceneState:
    """The scene on screen, its device and renderer, and the latest frame."""

    def __init__(self, device: DeviceProfile, backend: str) -> None:
        if backend not in BACKEND_NAMES:
            raise HudError(f"unknown raster backend {backend!r} (use one of {', '.join(BACKEND_NAMES)})")
        self.path: Path | None = None  # the scene file, or the app's module file (None: an app's tree)
        self.app: AppReference | None = None  # the app's module:function that made the scene
        self.scene: Scene | None = None
        self.device = device
        self.backend = backend  # the backend asked for ("gl" may fall back to "cpu")
        self.profiler = Profiler(device.frame_budget_ms, device.name)
        self.renderer: Renderer | None = None  # None: no scene, or a device without a display
        self.frame: Frame | None = None
        self.error: str | None = None  # why the scene file could not be loaded (the last good scene stays)
        self.render_error: str | None = None  # why the latest frame could not be drawn (the last good one stays)
        self.watcher = FileWatcher()
        self.edits: ApiEdits | None = None  # the API's field changes to the current scene
        self.api_changes = 0  # API requests that changed the current scene

    # -- the scene -------------------------------------------------------------------------------
    def read(self, path: str | Path | AppReference) -> Scene:
        """The scene in a file, or the one an app's `module:function` returns, its module run
        afresh (HudError with the one-line message when it cannot be had). The file is watched
        from now on, so a write while it is read is noticed; reading the app's module file again
        runs the app again."""
        if isinstance(path, AppReference):
            self.app = path
        elif self.app is not None and Path(path) != Path(self.app):
            self.app = None  # another scene file replaces the app
        self.path = Path(path)
        if self.path not in self.watcher.paths:
            self.watcher.watch(self.watcher.paths + [self.path])
        if self.app is not None:
            return self.app.scene(fresh=True)
        try:
            _check_scene_file(self.path)
            return load_scene(self.path)
        except RecursionError:
            raise HudError(f"{self.path}: the file nests tables or arrays too deeply to read (flatten it)") from None

    def failed(self, message: str) -> str:
        """A load failed: keep the last good scene, watch only the file; returns the message as shown."""
        self.error = escape(message)
        self._watch([])
        return self.error

    def show(self, scene: Scene) -> None:
        """Put `scene` on screen (an app's tree, or a freshly loaded file)."""
        self.scene = scene
        self.edits = scene.edits  # one store for the API's edits and the app's verbs
        self.api_changes = 0
        self.watch_assets()
        self.new_renderer()

    def changed_on_disk(self) -> bool:
        """Whether the scene file or one of its images changed since the last look."""
        return self.path is not None and self.watcher.changed()

    def watch_assets(self) -> None:
        """Watch the scene file and every image its widgets show."""
        if self.scene is not None:
            self._watch([Path(w.src) for w in declared(self.scene.root) if isinstance(w, ImageWidget) and w.src])

    def _watch(self, assets: list[Path]) -> None:
        self.watcher.watch(([self.path] if self.path else []) + assets)

    # -- the device and the renderer -------------------------------------------------------------
    def use_device(self, device: str | Path | DeviceProfile) -> None:
        """Draw on another device profile from the next frame on (a fresh profiler too)."""
        self.device = load_device(device)
        self.profiler = Profiler(self.device.frame_budget_ms, self.device.name)
        self.new_renderer()

    def new_renderer(self) -> None:
        """A fresh renderer for the scene and device (none without a scene or a display)."""
        self.frame = None
        self.render_error = None
        self._replace_renderer()

    def _replace_renderer(self) -> None:
        """Drop the renderer, freeing its backend's surfaces (GPU memory on gl), and make the
        next one. The last frame stays: its panels are the renderer's copies."""
        if self.renderer is not None:
            self.renderer.close()
        self.renderer = None
        if self.scene is not None and self.device.has_display:
            self.renderer = Renderer(self.scene, self.device, backend=self.backend, profiler=self.profiler)

    @property
    def drawn_by(self) -> str | None:
        """The raster backend drawing the panels now ("gl" or "cpu"; None when nothing is drawn)."""
        return self.renderer.backend if self.renderer is not None else None

    def draw(self, t: float) -> bool:
        """Bring the scene to time `t` and draw it into `frame` (a device without a display only
        moves the timeline). Returns False when the frame cannot be drawn (an image that cannot
        be read): the last good frame stays, `render_error` says why, the next draw starts clean."""
        try:
            if self.renderer is None:
                if self.scene is not None:
                    self.scene.apply_timeline(t, self.device)
            else:
                self.frame = self.renderer.frame(t)
        except (HudError, AssetError) as exc:
            self.render_error = escape(
                str(exc) if isinstance(exc, HudError) else ": ".join(str(a) for a in exc.args if a)
            )
            if self.renderer is not None:
                self._replace_renderer()
            return False
        self.render_error = None
        return True

    def trim_profile(self, keep: int = MAX_PROFILE_RECORDS) -> None:
        """Keep the profiler's memory flat in a long session: past `keep` frames, drop the oldest sixth."""
        records = self.profiler.records
        if len(records) > keep:
            del records[: len(records) - keep * 5 // 6]

    # -- live edits (the HTTP API) ---------------------------------------------------------------
    def patch(self, widget_id: str, fields: Any, t: float, shown: str) -> Widget:
        """Set fields of the widget with this id from time `t` on, validated like the scene file
        and all or none (SceneError names the first bad one; UnknownWidget for an unknown id)."""
        scene, edits = self._live(shown)
        widget = find(scene, widget_id, shown)
        values = check_fields(widget, fields, _base_dir(scene), shown)
        edits.set(widget, values, t)
        if isinstance(widget, ImageWidget) and "src" in values:
            self.watch_assets()
        return widget

    def append(self, widget_id: str, text: Any, commit: Any, t: float, shown: str) -> tuple[Widget, str, bool, str]:
        """Add words to a caption or text widget at `t` (emulator.live.ApiEdits.append): the
        widget, the text and commit as checked, and the widget's text afterwards."""
        scene, edits = self._live(shown)
        widget = find(scene, widget_id, shown)
        text, commit = check_append(widget, text, commit, shown)
        return widget, text, commit, edits.append(widget, text, commit, t, self.device, shown)

    def add(self, table: Any, shown: str) -> Widget:
        """A new top-level widget from a `[[widgets]]` table, checked like the scene file."""
        scene, _ = self._live(shown)
        widget = check_widget(table, scene, shown)
        scene.add(widget)
        self.watch_assets()
        return widget

    def remove(self, widget_id: str, shown: str) -> Widget:
        """Take the widget with this id (and what it contains) out of the scene."""
        scene, edits = self._live(shown)
        widget = find(scene, widget_id, shown)
        edits.forget([widget, *declared(widget)])
        assert widget.parent is not None  # a declared widget is inside the scene's root
        widget.parent.remove(widget)
        self.watch_assets()
        return widget

    def _live(self, shown: str) -> tuple[Scene, ApiEdits]:
        if self.scene is None or self.edits is None:
            raise NoScene(f"{shown}: no scene is loaded (POST /scene or POST /widgets first)")
        return self.scene, self.edits


def _check_scene_file(path: Path) -> None:
    """Refuse what is not a scene file before reading it: a folder, a pipe or device (reading
    it could wait forever), or a file over MAX_SCENE_BYTES."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return  # load_scene reports it
    if stat.S_ISDIR(info.st_mode):
        raise HudError(f"{escape(str(path))}: is a folder, not a scene file (save the scene as a .toml file there)")
    if not stat.S_ISREG(info.st_mode):
        raise HudError(f"{escape(str(path))}: is not a regular file (save the scene as a .toml file there)")
    if info.st_size > MAX_SCENE_BYTES:
        raise HudError(
            f"{escape(str(path))}: the file is {info.st_size} bytes; the limit is {MAX_SCENE_BYTES} "
            "(split the scene, or keep data out of it)"
        )


def _base_dir(scene: Scene) -> Path:
    """Where a scene's image paths start: its file's folder (the working folder for an app's scene)."""
    return scene.path.parent if scene.path is not None else Path.cwd()
