"""The emulator, without a window: scene loading with hot reload, device switching, time,
gestures and voice, app callbacks, speech, and composited views as images.

Speech: when the scene speaks on the device (`hud.speech.narrator.speaks_on`: always on glasses
without a display; on others only for widgets with speak = "always") the emulator keeps a
Narrator and a LivePlayer on the current scene and device, updated with scene time after every
render. `transcript` holds its recent utterances as lines (the no-display panel shows them).
Loading or reloading the scene, switching the device or seeking backwards starts a fresh
narrator, which speaks what is on screen at that moment once (what was said before is not
remembered). Sound is off unless `set_audible(True)` (the window does that); without it the
schedule and the transcript run just the same. A speech engine error stops speech, is shown
like a scene error (`speech_error`) and is retried at the next load, device switch or seek.

Outlines (`show_outlines`, the window's O key): `outlines()` says what to draw over the view for
the current frame: every shown declared widget's box per eye (from `Frame.layout`) with its
label and form, coloured by its worst `hud.lint` finding at this moment, the widgets the
compositor hid and why, and the findings. Lint renders the scene itself (tens of ms), so its
findings are kept until the frame shows something else or the scene or device changes.

The end of the scene (`at_end`): scene time loops back to 0 at the scene's length (its
[scene] duration, else its timeline's end plus one second), or stops there. A scene without
either runs on. On glasses that speak the end waits until the last utterance has been said.

Live edits (the HTTP API's /widgets): `patch_widget`, `append_text`, `add_widget` and
`remove_widget` change the scene as it runs (see emulator.live). Reloading the scene file
replaces the scene: what the API changed is dropped, and the "loaded" event says how many
changes that was.

Events (`hub`, an emulator.events.EventHub): gestures, voice commands, loads and scene
errors, device switches, loops, live edits, frames over the refresh budget, and widgets the
compositor shows, hides or reduces to another form, for the API's `GET /events`. Nothing is
computed for them while nobody listens.

The window (emulator.window), the HTTP API (emulator.server) and tests all drive this
object; nothing here needs a display.
"""
from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np
from PIL import Image

from hud.assets import AssetError
from hud.devices import DeviceProfile, builtin_names, load_device
from hud.errors import HudError, escape
from hud.gestures import GESTURES, bindings_for, perform
from hud.limits import MAX_SCENE_BYTES
from hud.lint import ERROR, Finding, counts, lint
from hud.profile import Profiler
from hud.renderer import Frame, Renderer
from hud.scene import Scene, load_scene
from hud.sinks import panel_image, write_images
from hud.speech.narrator import Narrator, speaks_on
from hud.speech.player import LivePlayer, TranscriptEntry
from hud.widgets.primitives import Image as ImageWidget

from emulator.events import EventHub
from emulator.live import ApiEdits, NoScene, check_append, check_fields, check_widget, declared, find
from emulator.look import VIEWS, Look, composite
from emulator.overlay import (PAD, PROFILE_SIZE, SCENE_ERROR_TITLE, SPEECH_ERROR_TITLE, STATUS_BAR_H, draw_banner,
                              draw_error, draw_outlines, draw_profile, draw_status, eye_origins, no_display_panel)
from emulator.watch import FileWatcher

BANNER_S = 1.2  # how long the gesture that fired stays on screen
TRANSCRIPT_LINES = 24  # utterances kept in `transcript`
AT_END = ("loop", "stop")  # what scene time does at the scene's end
MAX_PROFILE_RECORDS = 36_000  # frames the profiler keeps (~10 min at 60 Hz): memory stays flat in a long session


class App(Protocol):
    """What an app driving the emulator may implement (every method is optional)."""

    def setup(self, emulator: Emulator) -> None: ...
    def update(self, emulator: Emulator, t: float, dt: float) -> None: ...
    def on_gesture(self, emulator: Emulator, gesture: str) -> None: ...
    def on_voice(self, emulator: Emulator, text: str) -> None: ...


@dataclass
class Event:
    """Something that happened, for the status line and the log."""

    wall: float
    text: str


Box = tuple[int, int, int, int]  # x, y, w, h in display pixels


@dataclass(frozen=True)
class Outline:
    """One shown declared widget, as the outlines overlay draws it."""

    label: str                          # "notification 'pay' · compact"
    eyes: tuple[tuple[str, Box], ...]   # (eye, box) for each eye it is drawn in
    severity: str | None = None         # its worst lint finding now: "error", "warning", None (clean)
    nested: bool = False                # inside another declared widget

    def box(self, eye: str) -> Box | None:
        return dict(self.eyes).get(eye)


@dataclass(frozen=True)
class Outlines:
    """What the outlines overlay draws for one frame (a value: equal when the drawing is)."""

    widgets: tuple[Outline, ...]
    hidden: tuple[str, ...]             # "notification 'msg': <the compositor's reason>"
    findings: tuple[Finding, ...]       # lint at this moment, errors first
    lint_error: str | None = None       # why lint could not run, if so

    @property
    def counts(self) -> tuple[int, int]:
        """(errors, warnings)."""
        return counts(self.findings)

    def summary(self) -> str:
        """The legend's first line: lint: 1 error, 2 warnings."""
        if self.lint_error:
            return f"lint failed: {self.lint_error}"
        errors, warnings = self.counts
        return f"lint: {errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"


@dataclass
class _LintRun:
    """The findings of one lint run, and what it ran on."""

    scene: Scene
    device: str
    frame: Frame
    findings: tuple[Finding, ...]
    error: str | None
    wall: float


@dataclass
class Emulator:
    """Everything the emulator does, headless."""

    scene_path: Path | None = None
    device: DeviceProfile = field(default_factory=lambda: load_device("quark-s1"))
    look: Look = field(default_factory=Look)
    view: str = "both"
    show_profile: bool = False
    show_outlines: bool = False
    at_end: str = "loop"

    def __post_init__(self) -> None:
        if self.at_end not in AT_END:
            raise ValueError(f"at_end must be one of {', '.join(AT_END)}, not {self.at_end!r}")
        self.scene: Scene | None = None
        self.renderer: Renderer | None = None
        self.profiler = Profiler(self.device.frame_budget_ms, self.device.name)
        self.frame: Frame | None = None
        self.t = 0.0
        self.paused = False
        self.error: str | None = None
        self.events: list[Event] = []
        self.apps: list[Any] = []
        self.watcher = FileWatcher()
        self.transcript_entries: list[TranscriptEntry] = []   # the live speech transcript
        self.speech: LivePlayer | None = None
        self.speech_error: str | None = None
        self.audible = False                 # play speech through the speakers (the window turns it on)
        self.muted = False
        self._lint: _LintRun | None = None
        self.length = 0.0                    # where scene time ends (0: it runs on)
        self.render_error: str | None = None  # why the latest frame could not be drawn (the last good one stays)
        self.hub = EventHub()
        self.edits: ApiEdits | None = None   # the API's field changes to the current scene
        self.api_changes = 0                 # API requests that changed the current scene
        self._shown: dict[str, dict[str, Any]] | None = None   # widget states last reported to listeners
        self._shown_snapshot: Any = None
        self._last_record: Any = None

    # -- scenes ------------------------------------------------------------------------------
    @classmethod
    def open(cls, scene: str | Path | Scene | None = None, device: str | Path | DeviceProfile | None = None,
             background: str | Path | None = None, at_end: str = "loop", **look: Any) -> Emulator:
        """An emulator on a scene file (or a Scene), a device and a background image or name;
        at the scene's end time loops (or stops: `at_end`)."""
        emulator = cls(at_end=at_end)
        if background is not None:
            from emulator.backgrounds import load_background

            emulator.look.background = load_background(str(background))
        for key, value in look.items():
            setattr(emulator.look, key, value)
        if isinstance(scene, Scene):
            emulator.set_scene(scene)
        elif scene is not None:
            if not emulator.load(scene):
                raise HudError(emulator.error or "cannot load the scene")
        if device is not None:
            emulator.set_device(device)
        elif emulator.scene is not None:
            emulator.set_device(emulator.scene.device)
        return emulator

    def load(self, path: str | Path) -> bool:
        """Load (or reload) a scene file. On any error the last good scene stays on screen and
        `error` holds the one-line message; returns whether the load succeeded."""
        reload = self.scene is not None and self.scene_path == Path(path)
        self.scene_path = Path(path)
        if self.scene_path not in self.watcher.paths:  # seen before it is read: a write meanwhile is noticed
            self.watcher.watch(self.watcher.paths + [self.scene_path])
        try:
            _check_scene_file(self.scene_path)
            scene = load_scene(self.scene_path)
        except HudError as exc:
            return self._load_failed(str(exc))
        except RecursionError:
            return self._load_failed(f"{self.scene_path}: the file nests tables or arrays too deeply to read "
                                     "(flatten it)")
        self.error = None
        dropped = self.api_changes if self.scene is not None else 0
        self.set_scene(scene, keep_time=True)
        self._log(f"loaded {self.scene_path.name}")
        self._emit("loaded", path=str(self.scene_path), title=scene.title, reload=reload,
                   api_changes_dropped=dropped)
        return True

    def _load_failed(self, message: str) -> bool:
        self.error = escape(message)
        self._watch([])
        self._emit("scene_error", error=self.error)
        return False

    def set_scene(self, scene: Scene, keep_time: bool = False) -> None:
        """Show `scene` (an app's tree, or a freshly loaded file)."""
        self.scene = scene
        self.length = scene.length
        self.edits = ApiEdits(scene)
        self.api_changes = 0
        if not keep_time:
            self.t = 0.0
        self.t = self._within_scene(self.t)
        self._watch_assets()
        self._new_renderer()
        self._new_speech()

    def _watch_assets(self) -> None:
        if self.scene is not None:
            self._watch([Path(w.src) for w in declared(self.scene.root) if isinstance(w, ImageWidget) and w.src])

    def _watch(self, assets: list[Path]) -> None:
        paths = ([self.scene_path] if self.scene_path else []) + assets
        self.watcher.watch(paths)

    def poll(self) -> bool:
        """Hot reload: reload when the scene file or one of its images changed. Returns True
        when a reload was attempted."""
        if self.scene_path is None or not self.watcher.changed():
            return False
        if not os.path.lexists(self.scene_path):
            self._load_failed(f"{self.scene_path}: file not found (waiting for it to be saved again)")
            return True
        self.load(self.scene_path)
        return True

    # -- devices -----------------------------------------------------------------------------
    def set_device(self, device: str | Path | DeviceProfile) -> None:
        """Switch to another device profile at runtime."""
        self.device = load_device(device)
        self.profiler = Profiler(self.device.frame_budget_ms, self.device.name)
        self._new_renderer()
        self._new_speech()
        self._log(f"device {self.device.name}")
        self._emit("device", device=self.device.name)

    def cycle_device(self, step: int = 1) -> str:
        """The next (or previous) built-in profile; returns its name."""
        names = builtin_names()
        index = names.index(self.device.name) if self.device.name in names else -1
        self.set_device(names[(index + step) % len(names)])
        return self.device.name

    def _new_renderer(self) -> None:
        self.frame = None
        self.render_error = None
        self._shown_snapshot = None
        if self.scene is None or not self.device.has_display:
            self.renderer = None
            return
        self.renderer = Renderer(self.scene, self.device, profiler=self.profiler)

    # -- time --------------------------------------------------------------------------------
    def advance(self, dt: float) -> Frame | None:
        """Move scene time on by `dt` seconds (unless paused; up to the scene's end, see
        `at_end`), run the apps, render."""
        if not self.paused:
            self._move_to(self.t + dt)
        for app in self.apps:
            if hasattr(app, "update"):
                app.update(self, self.t, dt)
        return self.render()

    def seek(self, t: float) -> Frame | None:
        """Jump to scene time `t` (within the scene's length: wrapped when it loops, held at
        the end when it stops) and render it. Backwards, speech starts afresh."""
        t = self._within_scene(max(0.0, t))
        if t < self.t:
            self._went_back(t)
        self.t = t
        return self.render()

    def _within_scene(self, t: float) -> float:
        if self.length <= 0 or t < self.length:
            return t
        return self.length if self.at_end == "stop" else t % self.length

    def _move_to(self, t: float) -> None:
        """Time moves on to `t`; at the scene's end it loops or stops once speech has been said."""
        end = self.length
        if end <= 0 or t < end or self._speech_pending():
            self.t = t
        elif self.at_end == "stop":
            self.t = max(end, self.t)
        else:
            looped = t % end if self.t < end else 0.0
            self._went_back(looped)
            self._emit("looped", length=end)
            self.t = looped

    def _went_back(self, t: float) -> None:
        """Scene time jumps back to `t`: speech starts afresh, the API's edits stay as they were."""
        self._new_speech()
        if self.edits is not None:
            self.edits.rebase(self.t, t, self.device)

    def _speech_pending(self) -> bool:
        """Whether the narrator is still saying something or has something queued."""
        if self.speech is None:
            return False
        scheduler = self.speech.narrator.scheduler
        return scheduler.current is not None or bool(scheduler.queue)

    def render(self) -> Frame | None:
        """The frame at the current time (None for a device without a display or no scene);
        the scene's timeline is brought to that time either way, and speech follows it. When
        the frame cannot be drawn (an image that cannot be read) the last good frame stays
        and `render_error` says why."""
        try:
            if self.renderer is None:
                if self.scene is not None:
                    self.scene.apply_timeline(self.t, self.device)
            else:
                self.frame = self.renderer.frame(self.t)
        except (HudError, AssetError) as exc:
            message = escape(str(exc) if isinstance(exc, HudError) else ": ".join(str(a) for a in exc.args if a))
            if message != self.render_error:
                self._emit("render_error", error=message)
            self.render_error = message
            if self.renderer is not None:  # a clean start next time
                self.renderer = Renderer(self.scene, self.device, profiler=self.profiler)
            return self.frame
        self.render_error = None
        self._speak()
        self._report_frame()
        return self.frame

    def trim_profile(self, keep: int = MAX_PROFILE_RECORDS) -> None:
        """Keep the profiler's memory flat in a long session: past `keep` frames, drop the oldest sixth."""
        records = self.profiler.records
        if len(records) > keep:
            del records[:len(records) - keep * 5 // 6]

    # -- speech ------------------------------------------------------------------------------
    def _new_speech(self) -> None:
        """Drop the narrator (if any); the next render starts a fresh one if the scene speaks."""
        if self.speech is not None:
            self.speech.stop()
        self.speech = None
        self.speech_error = None
        self.transcript_entries = []

    def _speak(self) -> None:
        """Speak what changed at the current time (a fresh narrator when the scene starts speaking)."""
        if self.speech_error is not None or self.scene is None:
            return
        try:
            if self.speech is None:
                if not speaks_on(self.scene, self.device):
                    return
                self.speech = LivePlayer(Narrator(self.scene, self.device), audible=self.audible)
                self.speech.mute(self.muted)
            self.speech.pause(self.paused)
            if not self.speech.update(self.t):
                return                     # no decision, so no utterance changed: the lines stand
        except HudError as exc:  # SpeechEngineError: no engine, or it failed to speak
            self.speech_error = str(exc)
            if self.speech is not None:
                self.speech.stop()
            self.speech = None
            self._log("speech stopped: see the error")
            return
        self.transcript_entries = self.speech.transcript(TRANSCRIPT_LINES)

    @property
    def transcript(self) -> list[str]:
        """The live speech transcript as lines, oldest first (LivePlayer.transcript)."""
        return [str(entry) for entry in self.transcript_entries]

    def set_audible(self, audible: bool = True) -> None:
        """Play speech through the computer's speakers (the window), or keep it silent (headless)."""
        self.audible = audible
        if self.speech is not None:
            if not audible:
                self.speech.stop()
            self.speech.enabled = audible

    def mute(self, muted: bool | None = None) -> bool:
        """Mute or unmute speech (None: toggle); returns whether it is muted now."""
        self.muted = (not self.muted) if muted is None else muted
        if self.speech is not None:
            self.speech.mute(self.muted)
        self._log("speech muted" if self.muted else "speech unmuted")
        return self.muted

    @property
    def sound_error(self) -> str | None:
        """Why speech that should be heard is not (the audio output could not be opened), if so."""
        return self.speech.failure if self.speech is not None and self.speech.enabled else None

    @property
    def speaking(self) -> bool:
        """Whether the scene speaks on this device (a narrator is running)."""
        return self.speech is not None

    # -- input -------------------------------------------------------------------------------
    def gesture(self, name: str) -> list[str]:
        """A temple-touchpad gesture: runs the scene's bindings and the apps' handlers."""
        if name not in GESTURES:
            raise ValueError(f"unknown gesture {name!r} (use one of {', '.join(GESTURES)})")
        done = [perform(self.scene, binding, self.t) for binding in bindings_for(self.scene, name)] if self.scene else []
        for app in self.apps:
            if hasattr(app, "on_gesture"):
                app.on_gesture(self, name)
        self._log(name.replace("_", " ") + (": " + "; ".join(done) if done else ""))
        self._emit("gesture", gesture=name, actions=list(done))
        return done

    def voice(self, text: str) -> None:
        """A voice command, as the speech recogniser would deliver it."""
        for app in self.apps:
            if hasattr(app, "on_voice"):
                app.on_voice(self, text)
        self._log(f"voice: {escape(text)}")
        self._emit("voice", text=text)

    def attach(self, app: App) -> None:
        """Let an app drive the tree: setup now, update every frame, gestures and voice."""
        self.apps.append(app)
        if hasattr(app, "setup"):
            app.setup(self)

    def _log(self, text: str) -> None:
        self.events.append(Event(time.monotonic(), text))
        del self.events[:-50]

    def _emit(self, kind: str, **data: Any) -> None:
        """An event for the API's listeners (nothing happens while there are none)."""
        self.hub.publish(kind, {"t": round(self.t, 4), **data})

    # -- live edits (the HTTP API) -----------------------------------------------------------
    def patch_widget(self, widget_id: str, fields: Any, shown: str = "PATCH /widgets") -> dict[str, Any]:
        """Set fields of the widget with this id, validated like the scene file and all or none
        (SceneError names the first bad one; UnknownWidget for an unknown id). Returns the
        fields as given."""
        scene = self._live_scene(shown)
        widget = find(scene, widget_id, shown)
        values = check_fields(widget, fields, _base_dir(scene), shown)
        self.edits.set(widget, values, self.t)
        if isinstance(widget, ImageWidget) and "src" in values:
            self._watch_assets()
        self._emit("changed", widget=widget_id, type=widget.type_name, fields=dict(fields), by="api")
        self._changed()
        return dict(fields)

    def append_text(self, widget_id: str, text: Any, commit: Any = True, shown: str = "POST /widgets/append") -> str:
        """Add words to a caption or text widget as a timeline `append` does (with its scroll);
        `commit=False` shows them as a caption's tentative words instead. Returns the text now."""
        scene = self._live_scene(shown)
        widget = find(scene, widget_id, shown)
        text, commit = check_append(widget, text, commit, shown)
        after = self.edits.append(widget, text, commit, self.t, self.device, shown)
        self._emit("appended", widget=widget_id, type=widget.type_name, text=text, commit=commit, by="api")
        self._changed()
        return after

    def add_widget(self, table: Any, shown: str = "POST /widgets") -> Any:
        """A new top-level widget from a `[[widgets]]` table (JSON), checked like the scene file.
        Without a scene, an empty one on the current device is started first."""
        if self.scene is None:
            self.set_scene(Scene(device=self.device.name))
        widget = check_widget(table, self.scene, shown)
        self.scene.add(widget)
        self._watch_assets()
        self._emit("added", widget=widget.id, type=widget.type_name, by="api")
        self._changed()
        return widget

    def remove_widget(self, widget_id: str, shown: str = "DELETE /widgets") -> None:
        """Take the widget with this id (and what it contains) out of the scene."""
        scene = self._live_scene(shown)
        widget = find(scene, widget_id, shown)
        self.edits.forget([widget, *declared(widget)])
        widget.parent.remove(widget)
        self._watch_assets()
        self._emit("removed", widget=widget_id, type=widget.type_name, by="api")
        self._changed()

    def _live_scene(self, shown: str) -> Scene:
        if self.scene is None or self.edits is None:
            raise NoScene(f"{shown}: no scene is loaded (POST /scene or POST /widgets first)")
        return self.scene

    def _changed(self) -> None:
        """After a live edit: count it and draw it, so the next screenshot shows it."""
        self.api_changes += 1
        self._lint = None
        self.render()

    # -- events for listeners ----------------------------------------------------------------
    def hello(self) -> dict[str, Any]:
        """What a new listener is told first: the time, device, scene and every declared
        widget's state (from here on, changes to those states arrive as events)."""
        if self.frame is None and self.renderer is not None:
            self.render()
        state = self._widget_states() if self.frame is not None else {}
        if self._shown is None and self.frame is not None:
            self._shown, self._shown_snapshot = state, self.frame.snapshot
        return {"t": round(self.t, 4), "device": self.device.name,
                "scene": str(self.scene_path) if self.scene_path is not None else None,
                "title": self.scene.title if self.scene is not None else None, "error": self.error,
                "widgets": {key: {k: entry[k] for k in ("type", "shown", "form", "reason")}
                            for key, entry in state.items()}}

    def _widget_states(self) -> dict[str, dict[str, Any]]:
        """Each declared widget's entry in the current frame's layout, by id (or type@line)."""
        return {entry["id"] or f"{entry['type']}@{entry['line']}": entry for entry in self.frame.layout["widgets"]}

    def _report_frame(self) -> None:
        """Tell listeners about a frame over the refresh budget and about widgets the frame
        shows, hides or draws in another form than the last one."""
        records = self.profiler.records
        record = records[-1] if records else None
        if self.hub.listeners == 0:
            self._shown, self._last_record = None, record
            return
        if record is not None and record is not self._last_record and record.total_ms > self.profiler.budget_ms:
            self._emit("missed_frame", ms=round(record.total_ms, 3), budget_ms=round(self.profiler.budget_ms, 3))
        self._last_record = record
        frame = self.frame
        if frame is None or frame.snapshot is self._shown_snapshot:
            return
        self._shown_snapshot = frame.snapshot
        state = self._widget_states()
        before, self._shown = self._shown, state
        if before is None:
            return
        for key, entry in state.items():
            old = before.get(key)
            data = {"widget": entry["id"], "key": key, "type": entry["type"], "form": entry["form"]}
            if old is None or old["shown"] != entry["shown"] or (not entry["shown"] and old["reason"] != entry["reason"]):
                if entry["shown"]:
                    self._emit("shown", **data)
                else:
                    self._emit("hidden", **data, reason=entry["reason"], by=_hidden_by(entry["reason"]))
            elif entry["shown"] and old["form"] != entry["form"]:
                self._emit("form", **data, was=old["form"])

    @property
    def last_event(self) -> str | None:
        """The latest gesture/voice/load message while it is fresh (for the banner)."""
        if self.events and time.monotonic() - self.events[-1].wall < BANNER_S:
            return self.events[-1].text
        return None

    # -- output ------------------------------------------------------------------------------
    def panels(self) -> dict[str, np.ndarray]:
        """The exact per-eye panel images of the current frame."""
        if self.frame is None:
            self.render()
        return dict(self.frame.eyes) if self.frame is not None else {}

    def grab(self, view: str | None = None, overlay: bool = True,
             compositor: Callable[..., np.ndarray] | None = None) -> np.ndarray:
        """The composited view (RGB uint8) as the wearer sees it, with the overlays."""
        view = view or self.view
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r} (use one of {', '.join(VIEWS)})")
        if not self.device.has_display:
            image = no_display_panel(960, 540, self.device.title, self.device.name, self.transcript_entries,
                                     muted=self.muted)
        else:
            if self.frame is None:
                self.render()
            panels = self.frame.eyes if self.frame is not None else {}
            image = (compositor or composite)(panels, self.device, self.look, view)
        if not overlay:
            return image
        return self.decorate(image, view)

    def decorate(self, image: np.ndarray, view: str | None = None) -> np.ndarray:
        """Outlines (when on), status line, the gesture banner, the error box and the profiler
        graph, over `image`: the composited `view` (default: the current one) at zoom 1."""
        view = view or self.view
        canvas = Image.fromarray(image).convert("RGB")
        profile = self.show_profile and bool(self.profiler.records)
        if profile:  # the graph goes in a band below the view, where it covers no eye's content
            band = Image.new("RGB", (max(canvas.width, PROFILE_SIZE[0] + 2 * PAD),
                                     canvas.height + PROFILE_SIZE[1] + 2 * PAD + STATUS_BAR_H), (10, 10, 13))
            band.paste(canvas, (0, 0))
            view_height, canvas = canvas.height, band
        outlines = self.outlines() if self.show_outlines else None
        if outlines is not None:
            draw_outlines(canvas, outlines, eye_origins(self.device, view),
                          (self.device.width, self.device.height))
        status = self.status_line(view)
        title = self.scene.title if self.scene is not None and self.scene.title else ""
        draw_status(canvas, status, title)
        if self.last_event:
            draw_banner(canvas, self.last_event)
        if self.error_box is not None:
            draw_error(canvas, *self.error_box)
        if profile:
            draw_profile(canvas, self.profiler, origin=(canvas.width - PROFILE_SIZE[0] - PAD, view_height + PAD))
        return np.asarray(canvas)

    @property
    def error_box(self) -> tuple[str, str] | None:
        """(message, title) of the error to show, if any: the scene's first, else speech's."""
        if self.error:
            return self.error, SCENE_ERROR_TITLE
        if self.render_error:
            return self.render_error, SCENE_ERROR_TITLE
        if self.speech_error:
            return self.speech_error, SPEECH_ERROR_TITLE
        return None

    def status_line(self, view: str | None = None) -> str:
        """The status bar's text: device, the view it is drawn over (default: the current one),
        time, paused, muted, ambient light."""
        return (f"{self.device.name}  {view or self.view}  t={self.t:5.2f}s{'  paused' if self.paused else ''}"
                f"{'  muted' if self.muted else ''}{'  no sound' if self.sound_error else ''}"
                f"  ambient {self.look.ambient}{'  outlines' if self.show_outlines else ''}")

    # -- outlines ----------------------------------------------------------------------------
    def outlines(self, min_interval: float = 0.0) -> Outlines | None:
        """What the outlines overlay draws for the current frame (None without one): each shown
        declared widget's boxes, coloured by its worst lint finding, the compositor-hidden
        widgets and the findings. Lint runs again only when the frame shows something else
        (or the scene or device changed), and then at most every `min_interval` seconds (the
        window's limit while things move; the boxes are always the current frame's)."""
        if self.renderer is None or self.scene is None:
            return None
        frame = self.frame if self.frame is not None else self.render()
        if frame is None:
            return None
        run = self._lint_run(frame, min_interval)
        worst: dict[tuple[str | None, int | None], str] = {}
        for finding in run.findings:
            key = (finding.widget, finding.line)
            if finding.severity == ERROR or key not in worst:
                worst[key] = finding.severity
        widgets, hidden = [], []
        for entry in frame.layout["widgets"]:
            label = f"{entry['type']} '{entry['id']}'" if entry["id"] else entry["type"]
            if entry["shown"] and entry["eyes"]:
                eyes = tuple((eye, tuple(box)) for eye, box in entry["eyes"].items())
                widgets.append(Outline(f"{label} · {entry['form']}", eyes, worst.get((label, entry["line"])),
                                       entry["parent"] is not None))
            elif entry["reason"] and not entry["reason"].startswith(("visible = false", "inside ")):
                hidden.append(f"{label}: {entry['reason']}")  # hidden by the compositor (not by the scene)
        return Outlines(tuple(widgets), tuple(hidden), run.findings, run.error)

    def _lint_run(self, frame: Frame, min_interval: float) -> _LintRun:
        """Lint at this moment, or the last run's findings when the frame looks the same."""
        run, now = self._lint, time.monotonic()
        if run is not None and run.scene is self.scene and run.device == self.device.name:
            if _same_frame(run.frame, frame):
                run.frame = frame  # the next call takes the fast path (the same arrays)
                return run
            if now - run.wall < min_interval:
                return run
        try:
            findings, error = tuple(lint(self.scene, self.device, at=self.t)), None
        except HudError as exc:
            findings, error = (), str(exc)
        self._lint = _LintRun(self.scene, self.device.name, frame, findings, error, now)
        return self._lint

    def screenshot(self, folder: str | Path, stem: str | None = None) -> list[Path]:
        """The per-eye panel images (native format) and the composited view, as PNGs."""
        stem = stem or f"hud-{time.strftime('%Y%m%d-%H%M%S')}"
        images = {f"{stem}-{eye}.png": panel_image(panel) for eye, panel in self.panels().items()}
        view_name = f"{stem}-{self.view}.png"
        if view_name in images:  # the left/right view would overwrite that eye's panel PNG
            view_name = f"{stem}-{self.view}-view.png"
        images[view_name] = Image.fromarray(self.grab(overlay=False))
        written = write_images(images, Path(folder))
        self._log(f"screenshot: {len(written)} files")
        return written

    def summary(self) -> dict[str, Any]:
        """The profiler's summary of the frames so far, the speech transcript and its state."""
        summary = self.profiler.summary()
        summary["transcript"] = list(self.transcript)
        summary["speech"] = self.speech_state()
        return summary

    def speech_state(self) -> dict[str, Any]:
        """Whether the scene speaks here, is heard, is muted, and the speech error if any."""
        return {"speaking": self.speech is not None, "audible": bool(self.speech and self.speech.audible),
                "muted": self.muted, "error": self.speech_error, "sound_error": self.sound_error,
                "utterances": len(self.speech.narrator.utterances) if self.speech is not None else 0}


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
        raise HudError(f"{escape(str(path))}: the file is {info.st_size} bytes; the limit is {MAX_SCENE_BYTES} "
                       "(split the scene, or keep data out of it)")


def _base_dir(scene: Scene) -> Path:
    """Where a scene's image paths start: its file's folder (the working folder for an app's scene)."""
    return scene.path.parent if scene.path is not None else Path.cwd()


def _hidden_by(reason: str | None) -> str:
    """Who hid a widget, from its layout reason: the scene (visible = false), or the compositor."""
    if reason is None:
        return "compositor"
    if "visible = false" in reason:
        return "scene"
    if reason.startswith("draws nothing"):
        return "empty"
    return "compositor"


def _same_frame(before: Frame, after: Frame) -> bool:
    """Whether two frames show the same: the same panel arrays (an unchanged frame), or equal
    pixels and layout (a redraw, e.g. after lint rendered the tree itself and invalidated it)."""
    if before.eyes.keys() != after.eyes.keys():
        return False
    if all(before.eyes[eye] is after.eyes[eye] for eye in before.eyes):
        return True
    return (all(np.array_equal(before.eyes[eye], after.eyes[eye]) for eye in before.eyes)
            and before.layout["widgets"] == after.layout["widgets"])
