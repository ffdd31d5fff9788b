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

The window (emulator.window), the HTTP API (emulator.server) and tests all drive this
object; nothing here needs a display.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np
from PIL import Image

from hud.devices import DeviceProfile, builtin_names, load_device
from hud.errors import HudError
from hud.gestures import GESTURES, bindings_for, perform
from hud.lint import ERROR, Finding, counts, lint
from hud.profile import Profiler
from hud.renderer import Frame, Renderer
from hud.scene import Scene, load_scene
from hud.sinks import panel_image, write_images
from hud.speech.narrator import Narrator, speaks_on
from hud.speech.player import LivePlayer, TranscriptEntry
from hud.widgets.primitives import Image as ImageWidget

from emulator.look import VIEWS, Look, composite
from emulator.overlay import (SCENE_ERROR_TITLE, SPEECH_ERROR_TITLE, draw_banner, draw_error, draw_outlines,
                              draw_profile, draw_status, eye_origins, no_display_panel)
from emulator.watch import FileWatcher

BANNER_S = 1.2  # how long the gesture that fired stays on screen
TRANSCRIPT_LINES = 24  # utterances kept in `transcript`


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

    def __post_init__(self) -> None:
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

    # -- scenes ------------------------------------------------------------------------------
    @classmethod
    def open(cls, scene: str | Path | Scene | None = None, device: str | Path | DeviceProfile | None = None,
             background: str | Path | None = None, **look: Any) -> Emulator:
        """An emulator on a scene file (or a Scene), a device and a background image or name."""
        emulator = cls()
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
        self.scene_path = Path(path)
        try:
            scene = load_scene(self.scene_path)
        except HudError as exc:
            self.error = str(exc)
            self._watch([])
            return False
        self.error = None
        self.set_scene(scene, keep_time=True)
        self._log(f"loaded {self.scene_path.name}")
        return True

    def set_scene(self, scene: Scene, keep_time: bool = False) -> None:
        """Show `scene` (an app's tree, or a freshly loaded file)."""
        self.scene = scene
        if not keep_time:
            self.t = 0.0
        self._watch([Path(w.src) for w in scene.root.walk() if isinstance(w, ImageWidget) and w.src])
        self._new_renderer()
        self._new_speech()

    def _watch(self, assets: list[Path]) -> None:
        paths = ([self.scene_path] if self.scene_path else []) + assets
        self.watcher.watch(paths)

    def poll(self) -> bool:
        """Hot reload: reload when the scene file or one of its images changed. Returns True
        when a reload was attempted."""
        if self.scene_path is None or not self.watcher.changed():
            return False
        if not self.scene_path.exists():
            self.error = f"{self.scene_path}: file not found (waiting for it to be saved again)"
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

    def cycle_device(self, step: int = 1) -> str:
        """The next (or previous) built-in profile; returns its name."""
        names = builtin_names()
        index = names.index(self.device.name) if self.device.name in names else -1
        self.set_device(names[(index + step) % len(names)])
        return self.device.name

    def _new_renderer(self) -> None:
        self.frame = None
        if self.scene is None or not self.device.has_display:
            self.renderer = None
            return
        self.renderer = Renderer(self.scene, self.device, profiler=self.profiler)

    # -- time --------------------------------------------------------------------------------
    def advance(self, dt: float) -> Frame | None:
        """Move scene time on by `dt` seconds (unless paused), run the apps, render."""
        if not self.paused:
            self.t += dt
        for app in self.apps:
            if hasattr(app, "update"):
                app.update(self, self.t, dt)
        return self.render()

    def seek(self, t: float) -> Frame | None:
        """Jump to scene time `t` and render it (backwards: speech starts afresh)."""
        t = max(0.0, t)
        if t < self.t:
            self._new_speech()
        self.t = t
        return self.render()

    def render(self) -> Frame | None:
        """The frame at the current time (None for a device without a display or no scene);
        the scene's timeline is brought to that time either way, and speech follows it."""
        if self.renderer is None:
            if self.scene is not None:
                self.scene.apply_timeline(self.t)
            self._speak()
            return None
        self.frame = self.renderer.frame(self.t)
        self._speak()
        return self.frame

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
        return done

    def voice(self, text: str) -> None:
        """A voice command, as the speech recogniser would deliver it."""
        for app in self.apps:
            if hasattr(app, "on_voice"):
                app.on_voice(self, text)
        self._log(f"voice: {text}")

    def attach(self, app: App) -> None:
        """Let an app drive the tree: setup now, update every frame, gestures and voice."""
        self.apps.append(app)
        if hasattr(app, "setup"):
            app.setup(self)

    def _log(self, text: str) -> None:
        self.events.append(Event(time.monotonic(), text))
        del self.events[:-50]

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
        canvas = Image.fromarray(image).convert("RGB")
        outlines = self.outlines() if self.show_outlines else None
        if outlines is not None:
            draw_outlines(canvas, outlines, eye_origins(self.device, view or self.view),
                          (self.device.width, self.device.height))
        status = self.status_line()
        title = self.scene.title if self.scene is not None and self.scene.title else ""
        draw_status(canvas, status, title)
        if self.last_event:
            draw_banner(canvas, self.last_event)
        if self.error_box is not None:
            draw_error(canvas, *self.error_box)
        if self.show_profile and self.profiler.records:
            draw_profile(canvas, self.profiler)
        return np.asarray(canvas)

    @property
    def error_box(self) -> tuple[str, str] | None:
        """(message, title) of the error to show, if any: the scene's first, else speech's."""
        if self.error:
            return self.error, SCENE_ERROR_TITLE
        if self.speech_error:
            return self.speech_error, SPEECH_ERROR_TITLE
        return None

    def status_line(self) -> str:
        """The status bar's text: device, view, time, paused, muted, ambient light."""
        return (f"{self.device.name}  {self.view}  t={self.t:5.2f}s{'  paused' if self.paused else ''}"
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


def _same_frame(before: Frame, after: Frame) -> bool:
    """Whether two frames show the same: the same panel arrays (an unchanged frame), or equal
    pixels and layout (a redraw, e.g. after lint rendered the tree itself and invalidated it)."""
    if before.eyes.keys() != after.eyes.keys():
        return False
    if all(before.eyes[eye] is after.eyes[eye] for eye in before.eyes):
        return True
    return (all(np.array_equal(before.eyes[eye], after.eyes[eye]) for eye in before.eyes)
            and before.layout["widgets"] == after.layout["widgets"])
