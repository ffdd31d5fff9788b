"""The emulator, without a window: the parts it is made of, and the calls that drive them.

    emu = Emulator.open("scenes/city-walk.toml", background="street")
    emu.advance(1 / 60); emu.gesture("tap"); emu.grab("fused")

The parts, one concern each:

- `clock` (emulator.clock.SceneClock): scene time, pause, the scene's length and what happens
  at its end (`at_end`: loop or stop; on glasses that speak the end waits until the last
  utterance has been said).
- `scene_state` (emulator.scene_state.SceneState): the scene file with hot reload, or an app's
  tree; the device; the renderer on its raster backend ("gl" where a GL context can be made,
  else "cpu"); the latest frame; the API's live edits; load and render errors.
- `narration` (emulator.narration.Narration): speech on the scene and device, its transcript,
  mute and sound.
- `viewer` (emulator.view.Viewer): the view (both, fused, left, right) through the `look`, and
  the overlays: status line, banner, error box, profiler graph, outlines with lint findings;
  with `link` on, only what the device's link has delivered (its pace, hud.link).
- `log` (emulator.events.EventLog): notes for the banner and events for the API's listeners
  (`GET /events`), with `reporter` adding the frames' events.

The Emulator moves them together: loading or reloading the scene, switching the device or
time going back (a loop, a seek backwards) starts speech afresh; a reload replaces the scene,
dropping what the API changed (the "loaded" event says how many changes that was); a live edit
is drawn at once. The window (emulator.window), the HTTP API (emulator.server) and tests all
drive this object; nothing here needs a display.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from emulator.clock import Jump, SceneClock
from emulator.events import EventLog, FrameReporter
from emulator.look import Look
from emulator.narration import Narration
from emulator.scene_state import SceneState, default_backend
from emulator.view import Viewer
from hud.devices import DeviceProfile, load_device
from hud.errors import HudError, escape
from hud.gestures import GESTURES, bindings_for, perform
from hud.renderer import Frame
from hud.scene import Scene
from hud.sources import AppReference

DEFAULT_DEVICE = "quark-s1"


class App(Protocol):
    """What an app driving the emulator may implement (every method is optional)."""

    def setup(self, emulator: Emulator) -> None: ...
    def update(self, emulator: Emulator, t: float, dt: float) -> None: ...
    def on_gesture(self, emulator: Emulator, gesture: str) -> None: ...
    def on_voice(self, emulator: Emulator, text: str) -> None: ...


class Emulator:
    """Everything the emulator does, headless."""

    def __init__(
        self,
        device: str | Path | DeviceProfile = DEFAULT_DEVICE,
        look: Look | None = None,
        at_end: str = "loop",
        backend: str | None = None,
        link: bool = False,
    ) -> None:
        self.clock = SceneClock(at_end)
        self.log = EventLog(self.clock)
        self.reporter = FrameReporter()
        self.scene_state = SceneState(load_device(device), backend or default_backend())
        self.narration = Narration()
        self.viewer = Viewer(look or Look(), self.scene_state, self.clock, self.narration, self.log, self.render)
        self.viewer.pace_link = link
        self.apps: list[Any] = []

    @classmethod
    def open(
        cls,
        scene: str | Path | Scene | AppReference | None = None,
        device: str | Path | DeviceProfile | None = None,
        background: str | Path | None = None,
        at_end: str = "loop",
        backend: str | None = None,
        link: bool = False,
        **look: Any,
    ) -> Emulator:
        """An emulator on a scene file (or a Scene), a device (default: the scene's), a
        background image or name, and a raster backend ("gl" or "cpu"; default: gl where a GL
        context can be made); at the scene's end time loops (or stops: `at_end`); with `link`
        the view keeps to the pace of the device's link (`Emulator.link`). Other keywords set
        fields of the Look."""
        emulator = cls(at_end=at_end, backend=backend, link=link)
        if background is not None:
            from emulator.world import load_background

            emulator.viewer.look.background = load_background(background)
        for key, value in look.items():
            setattr(emulator.viewer.look, key, value)
        if isinstance(scene, Scene):
            emulator.set_scene(scene)
        elif scene is not None and not emulator.load(scene):
            raise HudError(emulator.scene_state.error or "cannot load the scene")
        if device is not None:
            emulator.set_device(device)
        elif emulator.scene is not None:
            emulator.set_device(emulator.scene.device)
        return emulator

    @property
    def scene(self) -> Scene | None:
        """The scene on screen (an app adds its widgets here)."""
        return self.scene_state.scene

    @property
    def device(self) -> DeviceProfile:
        """The device profile the scene is drawn on."""
        return self.scene_state.device

    @property
    def link(self) -> bool:
        """Whether the view keeps to the pace of the device's link: on glasses that show the
        phone's images, a frame shows only once the link has delivered it (the previous one
        finished crossing), with the jumps the real glasses show. Off by default."""
        return self.viewer.pace_link

    @link.setter
    def link(self, on: bool) -> None:
        self.viewer.pace_link = bool(on)
        self.viewer.restart_link()

    # -- scenes and devices ----------------------------------------------------------------------
    def load(self, path: str | Path | AppReference) -> bool:
        """Load (or reload) a scene file. On any error the last good scene stays on screen and
        `scene_state.error` holds the one-line message; returns whether the load succeeded."""
        state = self.scene_state
        reload = state.scene is not None and state.path == Path(path)
        try:
            scene = state.read(path)
        except HudError as exc:
            self.log.emit("scene_error", error=state.failed(str(exc)))
            return False
        state.error = None
        dropped = state.api_changes if state.scene is not None else 0
        self.set_scene(scene, keep_time=True)
        self.log.note(f"loaded {Path(path).name}")
        self.log.emit("loaded", path=str(state.path), title=scene.title, reload=reload, api_changes_dropped=dropped)
        return True

    def set_scene(self, scene: Scene, keep_time: bool = False) -> None:
        """Show `scene` (an app's tree, or a freshly loaded file); time starts again unless `keep_time`."""
        self.clock.start(scene.length, keep_time)
        self.scene_state.show(scene)
        self.reporter.forget_frame()
        self.narration.restart()
        self.viewer.restart_link()

    def set_device(self, device: str | Path | DeviceProfile) -> None:
        """Switch to another device profile at runtime."""
        self.scene_state.use_device(device)
        self.reporter.forget_frame()
        self.narration.restart()
        self.log.note(f"device {self.device.name}")
        self.log.emit("device", device=self.device.name)

    def poll(self) -> bool:
        """Hot reload: reload when the scene file or one of its images changed. Returns True
        when a reload was attempted."""
        state = self.scene_state
        if not state.changed_on_disk():
            return False
        assert state.path is not None
        if not os.path.lexists(state.path):
            message = f"{state.path}: file not found (waiting for it to be saved again)"
            self.log.emit("scene_error", error=state.failed(message))
            return True
        self.load(state.path)
        return True

    # -- time ------------------------------------------------------------------------------------
    def advance(self, dt: float) -> Frame | None:
        """Move scene time on by `dt` seconds (unless paused; up to the scene's end, see
        `clock.at_end`), run the apps, render."""
        jump = self.clock.step(dt, hold=self.narration.pending)
        if jump is not None:
            self._went_back(jump)
            self.log.emit("looped", t=round(jump.before, 4), length=self.clock.length)
        for app in self.apps:
            if hasattr(app, "update"):
                app.update(self, self.clock.t, dt)
        return self.render()

    def seek(self, t: float) -> Frame | None:
        """Jump to scene time `t` (within the scene's length: wrapped when it loops, held at
        the end when it stops) and render it. Backwards, speech starts afresh."""
        jump = self.clock.seek(t)
        if jump is not None:
            self._went_back(jump)
        return self.render()

    def _went_back(self, jump: Jump) -> None:
        """Scene time jumped back: speech starts afresh, the link starts idle, the API's edits
        stay as they were."""
        self.narration.restart()
        self.viewer.restart_link()
        if self.scene_state.edits is not None:
            self.scene_state.edits.rebase(jump.before, jump.after, self.device)

    def render(self) -> Frame | None:
        """The frame at the current time (None for a device without a display or no scene);
        the scene's timeline is brought to that time either way, and speech follows it. When
        the frame cannot be drawn the last good frame stays and `scene_state.render_error`
        says why."""
        state = self.scene_state
        before = state.render_error
        if not state.draw(self.clock.t):
            if state.render_error != before:
                self.log.emit("render_error", error=state.render_error)
            return state.frame
        if state.scene is not None and not self.narration.update(
            state.scene, self.device, self.clock.t, self.clock.paused
        ):
            self.log.note("speech stopped: see the error")
        self.reporter.report(state.frame, state.profiler, self.log)
        self.viewer.offer_link(state.frame)
        return state.frame

    # -- input -----------------------------------------------------------------------------------
    def gesture(self, name: str) -> list[str]:
        """A temple-touchpad gesture: runs the scene's bindings and the apps' handlers."""
        if name not in GESTURES:
            raise ValueError(f"unknown gesture {name!r} (use one of {', '.join(GESTURES)})")
        scene = self.scene
        done = [perform(scene, binding, self.clock.t) for binding in bindings_for(scene, name)] if scene else []
        for app in self.apps:
            if hasattr(app, "on_gesture"):
                app.on_gesture(self, name)
        self.log.note(name.replace("_", " ") + (": " + "; ".join(done) if done else ""))
        self.log.emit("gesture", gesture=name, actions=list(done))
        return done

    def voice(self, text: str) -> None:
        """A voice command, as the speech recogniser would deliver it."""
        for app in self.apps:
            if hasattr(app, "on_voice"):
                app.on_voice(self, text)
        self.log.note(f"voice: {escape(text)}")
        self.log.emit("voice", text=text)

    def attach(self, app: App) -> None:
        """Let an app drive the tree: setup now, update every frame, gestures and voice."""
        self.apps.append(app)
        if hasattr(app, "setup"):
            app.setup(self)

    # -- live edits (the HTTP API) ---------------------------------------------------------------
    def patch_widget(self, widget_id: str, fields: Any, shown: str = "PATCH /widgets") -> dict[str, Any]:
        """Set fields of the widget with this id, validated like the scene file and all or none
        (SceneError names the first bad one; UnknownWidget for an unknown id). Returns the
        fields as given."""
        widget = self.scene_state.patch(widget_id, fields, self.clock.t, shown)
        self.log.emit("changed", widget=widget_id, type=widget.type_name, fields=dict(fields), by="api")
        self._edited()
        return dict(fields)

    def append_text(self, widget_id: str, text: Any, commit: Any = True, shown: str = "POST /widgets/append") -> str:
        """Add words to a caption or text widget as a timeline `append` does (with its scroll);
        `commit=False` shows them as a caption's tentative words instead. Returns the text now."""
        widget, text, commit, after = self.scene_state.append(widget_id, text, commit, self.clock.t, shown)
        self.log.emit("appended", widget=widget_id, type=widget.type_name, text=text, commit=commit, by="api")
        self._edited()
        return after

    def add_widget(self, table: Any, shown: str = "POST /widgets") -> Any:
        """A new top-level widget from a `[[widgets]]` table (JSON), checked like the scene file.
        Without a scene, an empty one on the current device is started first."""
        if self.scene is None:
            self.set_scene(Scene(device=self.device.name))
        widget = self.scene_state.add(table, shown)
        self.log.emit("added", widget=widget.id, type=widget.type_name, by="api")
        self._edited()
        return widget

    def remove_widget(self, widget_id: str, shown: str = "DELETE /widgets") -> None:
        """Take the widget with this id (and what it contains) out of the scene."""
        widget = self.scene_state.remove(widget_id, shown)
        self.log.emit("removed", widget=widget_id, type=widget.type_name, by="api")
        self._edited()

    def _edited(self) -> None:
        """After a live edit: count it and draw it, so the next screenshot shows it."""
        self.scene_state.api_changes += 1
        self.viewer.forget_lint()
        self.render()

    # -- output ----------------------------------------------------------------------------------
    def hello(self) -> dict[str, Any]:
        """What a new listener is told first: the time, device, raster backend, scene and every
        declared widget's state (from here on, changes to those states arrive as events)."""
        state = self.scene_state
        if state.frame is None and state.renderer is not None:
            self.render()
        widgets = self.reporter.greet(state.frame)
        return {
            "t": round(self.clock.t, 4),
            "device": self.device.name,
            "backend": state.drawn_by,
            "scene": str(state.path) if state.path is not None else None,
            "title": state.scene.title if state.scene is not None else None,
            "error": state.error,
            "widgets": {
                key: {k: entry[k] for k in ("type", "shown", "form", "reason")} for key, entry in widgets.items()
            },
        }

    def panels(self) -> dict[str, np.ndarray]:
        """The exact per-eye panel images of the current frame."""
        return self.viewer.panels()

    def grab(
        self, view: str | None = None, overlay: bool = True, compositor: Callable[..., np.ndarray] | None = None
    ) -> np.ndarray:
        """The composited view (RGB uint8) as the wearer sees it, with the overlays (emulator.view)."""
        return self.viewer.grab(view, overlay, compositor)

    def screenshot(self, folder: str | Path, stem: str | None = None) -> list[Path]:
        """The per-eye panel images (native format) and the composited view, as PNGs."""
        return self.viewer.screenshot(folder, stem)

    def summary(self) -> dict[str, Any]:
        """The profiler's summary of the frames so far, the speech transcript and its state."""
        summary = self.scene_state.profiler.summary()
        summary["transcript"] = self.narration.transcript
        summary["speech"] = self.narration.state()
        return summary
