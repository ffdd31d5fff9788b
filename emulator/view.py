"""What the emulator shows of the current frame: the view (both eyes, fused, one eye) through the
waveguide look, and the overlays on it.

Overlays (`decorate`): the status line, the banner with the latest note, the error box (the
scene's error first, else speech's), the profiler graph (`show_profile`) in a band below the
view, and the outlines (`show_outlines`, the window's O key).

Outlines: `outlines()` says what to draw over the view for the current frame: every shown
declared widget's box per eye (from `Frame.layout`) with its label and form, coloured by its
worst `hud.lint` finding at this moment, the widgets the compositor hid and why, and the
findings. Lint renders the scene itself (tens of ms), so its findings are kept until the frame
shows something else or the scene or device changes.

Link pace (`pace_link`): on glasses that show the phone's images, the view shows only what
the device's link has delivered (hud.link.LinkPace, over scene time): a frame appears once the
previous one has crossed, so the view jumps as the real glasses do. Off by default.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from emulator.clock import SceneClock
from emulator.events import EventLog
from emulator.look import VIEWS, Look, composite
from emulator.narration import Narration
from emulator.overlay import (
    PAD,
    PROFILE_SIZE,
    SCENE_ERROR_TITLE,
    SPEECH_ERROR_TITLE,
    STATUS_BAR_H,
    Outline,
    Outlines,
    draw_banner,
    draw_error,
    draw_outlines,
    draw_profile,
    draw_status,
    eye_origins,
    no_display_panel,
)
from emulator.scene_state import SceneState
from hud.errors import HudError
from hud.link import LinkPace
from hud.lint import ERROR, Finding, lint
from hud.renderer import Frame
from hud.scene import Scene
from hud.sinks import panel_image, write_images

NO_DISPLAY_SIZE = (960, 540)  # the panel shown for glasses without a display


@dataclass
class _LintRun:
    """The findings of one lint run, and what it ran on."""

    scene: Scene
    device: str
    frame: Frame
    findings: tuple[Finding, ...]
    error: str | None
    wall: float


class Viewer:
    """The view and its overlays, over what `scenes` draws (`render` draws the current frame)."""

    def __init__(
        self,
        look: Look,
        scenes: SceneState,
        clock: SceneClock,
        narration: Narration,
        log: EventLog,
        render: Callable[[], Frame | None],
    ) -> None:
        self.look = look
        self.view = "both"  # one of VIEWS
        self.show_profile = False
        self.show_outlines = False
        self.pace_link = False  # show only what the device's link has delivered
        self._pace: LinkPace | None = None
        self._scenes, self._clock, self._narration, self._log, self._render = scenes, clock, narration, log, render
        self._lint: _LintRun | None = None

    # -- images ----------------------------------------------------------------------------------
    def panels(self) -> dict[str, np.ndarray]:
        """The exact per-eye panel images of the current frame (with `pace_link`, of the latest
        frame the device's link has delivered; dark before the first)."""
        frame = self._scenes.frame if self._scenes.frame is not None else self._render()
        if frame is None:
            return {}
        pace = self._link_pace()
        if pace is None:
            return dict(frame.eyes)
        shown = pace.shown(self._clock.t)
        return {eye: shown[eye] if eye in shown else np.zeros_like(panel) for eye, panel in frame.eyes.items()}

    def offer_link(self, frame: Frame | None) -> None:
        """Offer a frame just drawn to the device's link (with `pace_link` on a device with a link)."""
        pace = self._link_pace()
        if pace is not None and frame is not None:
            pace.offer(self._clock.t, frame.eyes)

    def restart_link(self) -> None:
        """Time went back or the scene changed: the link starts idle, the glasses dark."""
        if self._pace is not None:
            self._pace.reset()

    def _link_pace(self) -> LinkPace | None:
        device = self._scenes.device
        if not self.pace_link or not device.has_display or device.link.kind == "none":
            return None
        if self._pace is None or self._pace.device is not device:
            self._pace = LinkPace(device)
        return self._pace

    def grab(
        self, view: str | None = None, overlay: bool = True, compositor: Callable[..., np.ndarray] | None = None
    ) -> np.ndarray:
        """The composited view (RGB uint8) as the wearer sees it, with the overlays."""
        view = view or self.view
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r} (use one of {', '.join(VIEWS)})")
        device = self._scenes.device
        if not device.has_display:
            image = no_display_panel(
                *NO_DISPLAY_SIZE, device.title, device.name, self._narration.entries, muted=self._narration.muted
            )
        else:
            image = (compositor or composite)(self.panels(), device, self.look, view)
        return self.decorate(image, view) if overlay else image

    def screenshot(self, folder: str | Path, stem: str | None = None) -> list[Path]:
        """The per-eye panel images (native format) and the composited view, as PNGs."""
        stem = stem or f"hud-{time.strftime('%Y%m%d-%H%M%S')}"
        images: dict[str, Image.Image | bytes] = {
            f"{stem}-{eye}.png": panel_image(panel) for eye, panel in self.panels().items()
        }
        view_name = f"{stem}-{self.view}.png"
        if view_name in images:  # the left/right view would overwrite that eye's panel PNG
            view_name = f"{stem}-{self.view}-view.png"
        images[view_name] = Image.fromarray(self.grab(overlay=False))
        written = write_images(images, Path(folder))
        self._log.note(f"screenshot: {len(written)} files")
        return written

    # -- overlays --------------------------------------------------------------------------------
    def decorate(self, image: np.ndarray, view: str | None = None) -> np.ndarray:
        """Outlines (when on), status line, the banner, the error box and the profiler graph,
        over `image`: the composited `view` (default: the current one) at zoom 1."""
        view = view or self.view
        scenes = self._scenes
        canvas = Image.fromarray(image).convert("RGB")
        profile = self.show_profile and bool(scenes.profiler.records)
        if profile:  # the graph goes in a band below the view, where it covers no eye's content
            band = Image.new(
                "RGB",
                (
                    max(canvas.width, PROFILE_SIZE[0] + 2 * PAD),
                    canvas.height + PROFILE_SIZE[1] + 2 * PAD + STATUS_BAR_H,
                ),
                (10, 10, 13),
            )
            band.paste(canvas, (0, 0))
            view_height, canvas = canvas.height, band
        outlines = self.outlines() if self.show_outlines else None
        if outlines is not None:
            device = scenes.device
            draw_outlines(canvas, outlines, eye_origins(device, view), (device.width, device.height))
        draw_status(canvas, self.status_line(view), self.title)
        if self._log.last_note:
            draw_banner(canvas, self._log.last_note)
        if self.error_box is not None:
            draw_error(canvas, *self.error_box)
        if profile:
            draw_profile(canvas, scenes.profiler, origin=(canvas.width - PROFILE_SIZE[0] - PAD, view_height + PAD))
        return np.asarray(canvas)

    @property
    def title(self) -> str:
        """The scene's title ("" without one)."""
        scene = self._scenes.scene
        return scene.title if scene is not None and scene.title else ""

    @property
    def error_box(self) -> tuple[str, str] | None:
        """(message, title) of the error to show, if any: the scene's first, else speech's."""
        scenes = self._scenes
        if scenes.error:
            return scenes.error, SCENE_ERROR_TITLE
        if scenes.render_error:
            return scenes.render_error, SCENE_ERROR_TITLE
        if self._narration.error:
            return self._narration.error, SPEECH_ERROR_TITLE
        return None

    def status_line(self, view: str | None = None) -> str:
        """The status bar's text: device, the view it is drawn over (default: the current one),
        time, paused, muted, ambient light, the raster backend drawing the panels, outlines."""
        clock, narration, backend = self._clock, self._narration, self._scenes.drawn_by
        return (
            f"{self._scenes.device.name}  {view or self.view}  t={clock.t:5.2f}s"
            f"{'  paused' if clock.paused else ''}"
            f"{'  muted' if narration.muted else ''}{'  no sound' if narration.sound_error else ''}"
            f"  ambient {self.look.ambient}{f'  raster {backend}' if backend else ''}"
            f"{'  outlines' if self.show_outlines else ''}"
            f"{'  link-paced' if self._link_pace() is not None else ''}"
        )

    # -- outlines --------------------------------------------------------------------------------
    def outlines(self, min_interval: float = 0.0) -> Outlines | None:
        """What the outlines overlay draws for the current frame (None without one): each shown
        declared widget's boxes, coloured by its worst lint finding, the compositor-hidden
        widgets and the findings. Lint runs again only when the frame shows something else
        (or the scene or device changed), and then at most every `min_interval` seconds (the
        window's limit while things move; the boxes are always the current frame's)."""
        scenes = self._scenes
        if scenes.renderer is None or scenes.scene is None:
            return None
        frame = scenes.frame if scenes.frame is not None else self._render()
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
                widgets.append(
                    Outline(
                        f"{label} · {entry['form']}",
                        eyes,
                        worst.get((label, entry["line"])),
                        entry["parent"] is not None,
                    )
                )
            elif entry["reason"] and not entry["reason"].startswith(("visible = false", "inside ")):
                hidden.append(f"{label}: {entry['reason']}")  # hidden by the compositor (not by the scene)
        return Outlines(tuple(widgets), tuple(hidden), run.findings, run.error)

    def forget_lint(self) -> None:
        """The scene changed in place (a live edit): lint runs again for the next outlines."""
        self._lint = None

    def _lint_run(self, frame: Frame, min_interval: float) -> _LintRun:
        """Lint at this moment, or the last run's findings when the frame looks the same."""
        scenes, run, now = self._scenes, self._lint, time.monotonic()
        if run is not None and run.scene is scenes.scene and run.device == scenes.device.name:
            if _same_frame(run.frame, frame):
                run.frame = frame  # the next call takes the fast path (the same arrays)
                return run
            if now - run.wall < min_interval:
                return run
        assert scenes.scene is not None
        try:
            findings, error = tuple(lint(scenes.scene, scenes.device, at=self._clock.t)), None
        except HudError as exc:
            findings, error = (), str(exc)
        self._lint = _LintRun(scenes.scene, scenes.device.name, frame, findings, error, now)
        return self._lint


def _same_frame(before: Frame, after: Frame) -> bool:
    """Whether two frames show the same: the same panel arrays (an unchanged frame), or equal
    pixels and layout (a redraw, e.g. after lint rendered the tree itself and invalidated it)."""
    if before.eyes.keys() != after.eyes.keys():
        return False
    if all(before.eyes[eye] is after.eyes[eye] for eye in before.eyes):
        return True
    return (
        all(np.array_equal(before.eyes[eye], after.eyes[eye]) for eye in before.eyes)
        and before.layout["widgets"] == after.layout["widgets"]
    )
