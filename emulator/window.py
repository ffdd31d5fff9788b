"""The emulator window: pygame + moderngl, the waveguide composite on the GPU, overlays on top.

    run_window(Emulator.open("scenes/city-walk.toml"))

Each frame the window polls the scene file (hot reload), advances scene time at the device's
refresh rate, composites the current view with `GLCompositor.draw` (integer zoom, or fit with
letterboxing) and blends an RGBA overlay texture on top: the status bar, the gesture banner,
the scene error, the profiler graph, the widget outlines with lint findings, the help and the
voice prompt (drawn with Pillow by emulator.overlay, re-uploaded only when it changes, at most
every 250 ms for the moving parts). The outlines are mapped onto the scaled view with the same
`viewport` math the view is drawn with.

The keys are one table of bindings (emulator.controls.BINDINGS): `handle_key` dispatches a
press through it and the help overlay (H) lists it.

The panels are drawn by the emulator's renderer on its raster backend (GL where a context can
be made, else the CPU; the status bar says which); the window composites them with its own
OpenGL context, made current around each frame it draws.

Test hook: the environment variable HUD_EMULATOR_MAX_FRAMES=N makes the window close itself
after N frames and print one JSON line to stderr: the window's frame count, wall time and frame
rate, how many speech sounds it played and whether speech was audible, and `emulator.summary()`
(the profiler's summary of the rendered frames, the speech transcript and state).

Speech: the window turns the emulator's sound on (`Narration.set_audible`); pygame.mixer opens
when the scene first speaks, on SDL's default audio driver (SDL_AUDIODRIVER picks another;
"dummy" plays to nowhere). M mutes and unmutes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageDraw

from emulator.controls import BINDINGS, WindowState, handle_key
from emulator.look import EYE_GAP, FULLSCREEN_VERTEX, GLCompositor
from emulator.overlay import (
    PAD,
    PROFILE_SIZE,
    _font,
    draw_banner,
    draw_error,
    draw_lines,
    draw_outlines,
    draw_profile,
    draw_status,
    eye_origins,
)
from emulator.view import NO_DISPLAY_SIZE
from hud.errors import HudError

if TYPE_CHECKING:
    from emulator.core import Emulator

MAX_FRAMES_ENV = "HUD_EMULATOR_MAX_FRAMES"  # test hook: stop after this many frames (see the module doc)
STATUS_H = 24  # the status bar's height; the view is fitted into the area above it
OVERLAY_MIN_S = 0.25  # moving overlay parts (time, profiler graph) refresh at most this often
MAX_DT = 0.25  # a stalled frame does not make scene time jump further than this


class NoWindow(HudError):
    """No window can be opened here (no display, or no OpenGL 3.3)."""


# -- layout ------------------------------------------------------------------------------------
def natural_size(emu: Emulator) -> tuple[int, int]:
    """Size in pixels of the current view at zoom 1."""
    device = emu.device
    if not device.has_display:
        return NO_DISPLAY_SIZE
    width = 2 * device.width + EYE_GAP if emu.viewer.view == "both" else device.width
    return width, device.height


def fit_scale(natural: tuple[int, int], area: tuple[int, int]) -> float:
    return max(min(area[0] / natural[0], area[1] / natural[1]), 1e-3)


def viewport(
    natural: tuple[int, int], window: tuple[int, int], zoom: int | str, reserve: int = 0
) -> tuple[int, int, int, int]:
    """GL viewport (x, y from the bottom-left, w, h) of the view: centred in the area above the
    status bar (and above `reserve` more pixels), at integer `zoom` or scaled to fit with the
    aspect kept (letterboxed)."""
    area = (window[0], max(1, window[1] - STATUS_H - reserve))
    scale = fit_scale(natural, area) if zoom == "fit" else float(zoom)
    width, height = max(1, round(natural[0] * scale)), max(1, round(natural[1] * scale))
    left, top = (area[0] - width) // 2, (area[1] - height) // 2
    return left, window[1] - top - height, width, height


def view_layout(
    natural: tuple[int, int], window: tuple[int, int], zoom: int | str, profile: bool
) -> tuple[tuple[int, int, int, int], tuple[int, int] | None, int]:
    """Where the view goes (its GL viewport) and, with the profiler on, where the graph goes
    (its top-left corner in window pixels, top-down) so that it covers none of the view: in a
    letterbox bar or beside the view when one is wide and tall enough, else in a band kept free
    above the status bar (the view shrinks to fit above it). Also returns that band's height."""
    port = viewport(natural, window, zoom)
    if not profile:
        return port, None, 0
    spot = _free_spot(port, window)
    if spot is not None:
        return port, spot, 0
    reserve = PROFILE_SIZE[1] + 2 * PAD
    return (
        viewport(natural, window, zoom, reserve),
        (max(PAD, window[0] - PROFILE_SIZE[0] - PAD), window[1] - STATUS_H - reserve + PAD),
        reserve,
    )


def _free_spot(port: tuple[int, int, int, int], window: tuple[int, int]) -> tuple[int, int] | None:
    """A place for the profiler graph outside the view `port` and the status bar: the bar above
    the view, below it, right of it or left of it (top-left corner, top-down), or None."""
    (w, h), (win_w, win_h) = PROFILE_SIZE, window
    left, bottom, width, height = port
    top, below = win_h - bottom - height, win_h - bottom  # the view's top and bottom edges, top-down
    room_w, room_h = w + 2 * PAD, h + 2 * PAD
    if win_w >= room_w and top >= room_h:
        return win_w - w - PAD, PAD
    if win_w >= room_w and win_h - STATUS_H - below >= room_h:
        return win_w - w - PAD, below + PAD
    if win_h - STATUS_H >= room_h and win_w - (left + width) >= room_w:
        return left + width + PAD, PAD
    if win_h - STATUS_H >= room_h and left >= room_w:
        return PAD, PAD
    return None


def initial_size(natural: tuple[int, int], desktop: tuple[int, int], zoom: int | str) -> tuple[int, int]:
    """Window size: the view at `zoom` (fit: the largest integer zoom, or a smaller scale, that
    fits 90 % of the desktop) plus the status bar."""
    room = (max(320, int(desktop[0] * 0.9)), max(240, int(desktop[1] * 0.9) - STATUS_H))
    if zoom == "fit":
        scale = fit_scale(natural, room)
        scale = float(int(scale)) if scale >= 1 else scale
    else:
        scale = float(zoom)
    width = min(room[0], max(320, round(natural[0] * scale)))
    height = min(room[1], max(200, round(natural[1] * scale)))
    return width, height + STATUS_H


# -- overlay -----------------------------------------------------------------------------------
def status_text(emu: Emulator, state: WindowState, fps: float | None = None) -> str:
    """The window's status bar: the emulator's status line, the zoom, the frame rate."""
    zoom = "fit" if state.zoom == "fit" else f"{state.zoom}x"
    rate = f"  {fps:4.1f} fps" if fps is not None else ""
    return f"{emu.viewer.status_line()}  zoom {zoom}{rate}  H: help"


def help_rows() -> list[tuple[str, str]]:
    """What the help overlay lists: (keys, what they do) for every binding, in order."""
    return [(binding.keys, binding.does) for binding in BINDINGS]


def draw_help(image: Image.Image, top: int = PAD) -> None:
    """The keys table in two columns, top-left."""
    draw = ImageDraw.Draw(image, "RGBA")
    font, bold = _font(14), _font(14, bold=True)
    rows = help_rows()
    key_w = max(draw.textlength(keys, font=bold) for keys, _ in rows)
    what_w = max(draw.textlength(what, font=font) for _, what in rows)
    line = 18
    height = 8 + line * (len(rows) + 1)
    draw.rectangle([PAD, top, PAD * 4 + key_w + what_w, top + height], fill=(0, 0, 0, 215))
    draw.text((PAD * 2, top + 4), "Keys", font=bold, fill=(255, 196, 0, 255))
    for index, (keys, what) in enumerate(rows, 1):
        y = top + 4 + line * index
        draw.text((PAD * 2, y), keys, font=bold, fill=(255, 255, 255, 255))
        draw.text((PAD * 3 + key_w, y), what, font=font, fill=(220, 220, 220, 255))


def overlay_image(emu: Emulator, state: WindowState, size: tuple[int, int], fps: float | None = None) -> Image.Image:
    """The overlays for a window of `size`, on a transparent RGBA image (Viewer.decorate's look)."""
    viewer, profiler = emu.viewer, emu.scene_state.profiler
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    outlines = viewer.outlines(OVERLAY_MIN_S) if viewer.show_outlines else None
    natural = natural_size(emu)
    profile = viewer.show_profile and bool(profiler.records)
    port, graph, _ = view_layout(natural, size, state.zoom, profile)
    if outlines is not None:  # the view's pixels where draw() puts them: view_layout(), top-down
        left, bottom, width, height = port
        draw_outlines(
            canvas,
            outlines,
            eye_origins(emu.device, viewer.view),
            (emu.device.width, emu.device.height),
            origin=(left, size[1] - bottom - height),
            scale=(width / natural[0], height / natural[1]),
        )
    draw_status(canvas, status_text(emu, state, fps), viewer.title)
    banner = state.banner or emu.log.last_note
    if banner:
        draw_banner(canvas, banner)
    if viewer.error_box is not None:
        draw_error(canvas, *viewer.error_box)
    if graph is not None:
        draw_profile(canvas, profiler, origin=graph)
    if state.show_help:
        draw_help(canvas)
    if state.prompt is not None:
        top = PAD + 40 if banner else PAD
        draw_lines(canvas, ["Voice command (Return sends, Esc cancels):", f"> {state.prompt}_"], top=top)
    return canvas


def window_title(emu: Emulator) -> str:
    path = emu.scene_state.path
    title = emu.viewer.title or (path.name if path else "no scene")
    return f"hud emulator — {title} — {emu.device.name}"


# -- the window --------------------------------------------------------------------------------


_BLIT_FRAGMENT = """
#version 330
uniform sampler2D u_image;
uniform int u_flip;          // 1: row 0 is the top (uploaded from numpy / Pillow); 0: rendered by GL
in vec2 v_uv;
out vec4 f_color;
void main() {
    f_color = texture(u_image, vec2(v_uv.x, u_flip == 1 ? 1.0 - v_uv.y : v_uv.y));
}
"""


class Window:
    """The pygame/moderngl window around an emulator."""

    def __init__(self, emu: Emulator, state: WindowState, serve: int | None = None) -> None:
        self.emu = emu
        self.state = state
        self.serve = serve
        self.server: Any = None
        self.frames = 0
        self._overlay_tex: Any = None
        self._overlay_key: Any = None
        self._overlay_moving: Any = None
        self._overlay_at = 0.0
        self._panel_tex: Any = None
        self._panel_key: Any = None
        self._view: Any = None
        self._view_key: Any = None
        self._view_refs: Any = None
        self.composites = 0
        self._title: str | None = None
        self._times: list[float] = []

    # -- set-up ----------------------------------------------------------------------------
    def open(self) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        try:
            import moderngl
            import pygame
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise HudError(
                f"the emulator window needs pygame and moderngl ({exc}); pip install pygame moderngl"
            ) from None
        self.pygame, self.mgl = pygame, moderngl
        try:
            _init_display(pygame)
            desktop = pygame.display.get_desktop_sizes()[0] if pygame.display.get_desktop_sizes() else (1280, 800)
            pygame.display.gl_set_attribute(pygame.GL_CONTEXT_MAJOR_VERSION, 3)
            pygame.display.gl_set_attribute(pygame.GL_CONTEXT_MINOR_VERSION, 3)
            pygame.display.gl_set_attribute(pygame.GL_CONTEXT_PROFILE_MASK, pygame.GL_CONTEXT_PROFILE_CORE)
            if sys.platform == "darwin":  # pragma: no cover
                pygame.display.gl_set_attribute(pygame.GL_CONTEXT_FORWARD_COMPATIBLE_FLAG, True)
            size = initial_size(natural_size(self.emu), desktop, self.state.zoom)
            pygame.display.set_mode(size, pygame.OPENGL | pygame.DOUBLEBUF | pygame.RESIZABLE)
            self.ctx = moderngl.create_context()
        except Exception as exc:  # noqa: BLE001 - pygame.error, moderngl's Error, missing GL libraries
            pygame.quit()
            detail = str(exc).strip() or type(exc).__name__
            raise NoWindow(f"no display available: {detail}; use the headless Emulator or --screenshots") from None
        pygame.key.set_repeat(400, 40)
        self.emu.narration.set_audible(True)  # speech through the speakers (pygame.mixer, opened when it first speaks)
        self.compositor = GLCompositor(self.ctx)
        self.blit = self.ctx.program(vertex_shader=FULLSCREEN_VERTEX, fragment_shader=_BLIT_FRAGMENT)
        quad = np.array([-1, -1, 1, -1, -1, 1, 1, 1], dtype="f4")
        self._vbo = self.ctx.buffer(quad.tobytes())
        self._vao = self.ctx.vertex_array(self.blit, [(self._vbo, "2f", "in_pos")])
        self.clock = pygame.time.Clock()
        self.turns = _GlxTurns()  # from here on the window's context is current only while it draws
        if self.serve is not None:
            from emulator.server import ApiServer

            try:
                self.server = ApiServer(self.emu, self.serve, threaded_owner=True)
                self.server.start()
            except OSError as exc:
                self.server = None
                raise HudError(f"cannot serve the emulator API on port {self.serve}: {exc.strerror or exc}") from None
            print(f"emulator API on {self.server.url}", file=sys.stderr)

    def close(self) -> None:
        self.emu.narration.set_audible(False)
        if self.server is not None:
            self.server.stop()
            self.server = None
        if hasattr(self, "turns"):
            with self.turns:
                for obj in (self._overlay_tex, self._panel_tex, *(self._view or ())):
                    if obj is not None:
                        obj.release()
                if hasattr(self, "compositor"):
                    self.compositor.release()
        if hasattr(self, "pygame"):
            self.pygame.quit()

    # -- the loop --------------------------------------------------------------------------
    def run(self, max_frames: int | None = None) -> int:
        start = time.perf_counter()
        while self.state.running and (max_frames is None or self.frames < max_frames):
            self.frame()
        self.seconds = time.perf_counter() - start
        player = self.emu.narration.player
        self.sounds = (player.played, player.audible) if player is not None else (0, False)
        return 0

    @property
    def fps(self) -> float | None:
        if len(self._times) < 2:
            return None
        return (len(self._times) - 1) / max(self._times[-1] - self._times[0], 1e-6)

    def frame(self) -> None:
        pygame, emu = self.pygame, self.emu
        dt = self.clock.tick(emu.device.refresh_hz) / 1000.0
        now = time.perf_counter()
        self._times.append(now)
        while self._times and now - self._times[0] > 1.0:
            self._times.pop(0)
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.state.running = False
            elif event.type == pygame.KEYDOWN:
                handle_key(emu, event.key, event.mod, self.state, getattr(event, "unicode", ""))
        emu.poll()
        emu.advance(min(dt, MAX_DT) if self.frames else 0.0)
        emu.scene_state.trim_profile()
        if self.server is not None:
            self.server.pending()
        title = window_title(emu)
        if title != self._title:
            pygame.display.set_caption(title)
            self._title = title
        self.draw()
        self.frames += 1

    def draw(self) -> None:
        """Draw the view and the overlays, and show them (flip)."""
        size = self.pygame.display.get_window_size()
        # What may render comes first: the renderer's GL backend makes its own context current
        # while it draws. Then the window's context is made current for the window's drawing.
        panels = self.emu.panels() if self.emu.device.has_display else {}
        overlay = self._overlay_image(size)
        with self.turns:
            self._draw(size, panels, overlay)
            self.pygame.display.flip()

    def _draw(self, size: tuple[int, int], panels: dict[str, np.ndarray], overlay: Image.Image | None) -> None:
        screen = self.ctx.screen
        screen.use()
        screen.viewport = (0, 0, *size)
        self.ctx.disable(self.mgl.BLEND)
        screen.clear(0.04, 0.04, 0.05, 1.0)
        natural = natural_size(self.emu)
        profile = self.emu.viewer.show_profile and bool(self.emu.scene_state.profiler.records)
        port, _, reserve = view_layout(natural, size, self.state.zoom, profile)
        self.state.fit_scale = fit_scale(natural, (size[0], max(1, size[1] - STATUS_H - reserve)))
        texture = self._view_texture(natural, panels) if self.emu.device.has_display else self._no_display_texture()
        texture.filter = (
            (self.mgl.NEAREST, self.mgl.NEAREST) if self.state.zoom != "fit" else (self.mgl.LINEAR, self.mgl.LINEAR)
        )
        screen.use()
        # a zoomed view stays off the status bar (and the profiler's band)
        screen.scissor = (0, STATUS_H + reserve, size[0], max(1, size[1] - STATUS_H - reserve))
        self._draw_image(texture, port, blend=False, flip=not self.emu.device.has_display)
        screen.scissor = None  # type: ignore[assignment]  # moderngl takes None (no scissor); its stub omits it
        screen.viewport = (0, 0, *size)
        self._draw_image(self._overlay_texture(size, overlay), (0, 0, *size), blend=True)

    def _view_texture(self, natural: tuple[int, int], panels: dict[str, np.ndarray]) -> Any:
        """The composited view at zoom 1, in an offscreen texture. GLCompositor.draw runs only
        when the panels (the renderer hands back the same arrays for an unchanged frame), the
        look, the view or the device changed: a static HUD costs one blit per frame."""
        emu = self.emu
        look, view = emu.viewer.look, emu.viewer.view
        key = (
            emu.device.name,
            view,
            natural,
            tuple((eye, id(panel)) for eye, panel in panels.items()),
            look.see_through,
            look.ambient,
            look.glow,
            look.eye_box,
            id(look.background),
        )
        if self._view is None or self._view[0].size != natural:
            if self._view is not None:
                self._view[1].release()
                self._view[0].release()
            texture = self.ctx.texture(natural, 4)
            self._view = (texture, self.ctx.framebuffer(color_attachments=[texture]))
            self._view_key = None
        texture, fbo = self._view
        if key != self._view_key:
            fbo.use()
            self.compositor.draw(panels, emu.device, look, view, (0, 0, *natural))
            self._view_key = key
            self._view_refs = (panels, look.background)  # keep the ids in the key alive
            self.composites += 1
        return texture

    def _draw_image(self, texture: Any, port: tuple[int, int, int, int], blend: bool, flip: bool = True) -> None:
        ctx, mgl = self.ctx, self.mgl
        ctx.screen.viewport = port
        if blend:
            ctx.enable(mgl.BLEND)
            ctx.blend_func = (  # type: ignore[assignment]  # rgb and alpha factors: moderngl takes 4; its stub says 2
                mgl.SRC_ALPHA,
                mgl.ONE_MINUS_SRC_ALPHA,
                mgl.ONE,
                mgl.ONE_MINUS_SRC_ALPHA,
            )
        else:
            ctx.disable(mgl.BLEND)
        texture.use(0)
        for name, value in (("u_image", 0), ("u_flip", 1 if flip else 0)):
            uniform = self.blit.get(name, None)
            if isinstance(uniform, mgl.Uniform):
                uniform.value = value
        self._vao.render(mgl.TRIANGLE_STRIP)
        ctx.disable(mgl.BLEND)

    def _no_display_texture(self) -> Any:
        emu = self.emu
        key = (emu.device.name, tuple(emu.narration.entries), emu.narration.muted)
        if key != self._panel_key or self._panel_tex is None:
            image = np.ascontiguousarray(emu.grab(overlay=False))
            if self._panel_tex is None or self._panel_tex.size != (image.shape[1], image.shape[0]):
                if self._panel_tex is not None:
                    self._panel_tex.release()
                self._panel_tex = self.ctx.texture((image.shape[1], image.shape[0]), 3, alignment=1)
                self._panel_tex.filter = (self.mgl.LINEAR, self.mgl.LINEAR)
            self._panel_tex.write(image.tobytes(), alignment=1)
            self._panel_key = key
        return self._panel_tex

    def _overlay_image(self, size: tuple[int, int]) -> Image.Image | None:
        """The overlays drawn afresh when their content changed (None: the texture is current):
        at once for what a key or an event changes, at most every OVERLAY_MIN_S for the clock,
        the frame rate and the graph."""
        emu, state, viewer, narration = self.emu, self.state, self.emu.viewer, self.emu.narration
        banner = state.banner or emu.log.last_note
        key = (
            size,
            emu.device.name,
            viewer.view,
            emu.clock.paused,
            narration.muted,
            narration.sound_error,
            viewer.look.ambient,
            state.zoom,
            banner,
            viewer.error_box,
            viewer.show_profile,
            state.show_help,
            state.prompt,
            viewer.title,
            emu.scene_state.drawn_by,
            viewer.show_outlines,
            viewer.outlines(OVERLAY_MIN_S) if viewer.show_outlines else None,
        )
        moving = (round(emu.clock.t, 2), len(emu.scene_state.profiler.records) if viewer.show_profile else 0)
        now = time.monotonic()
        stale = key != self._overlay_key or (moving != self._overlay_moving and now - self._overlay_at >= OVERLAY_MIN_S)
        if self._overlay_tex is not None and not stale:
            return None
        self._overlay_key, self._overlay_moving, self._overlay_at = key, moving, now
        return overlay_image(emu, state, size, self.fps)

    def _overlay_texture(self, size: tuple[int, int], image: Image.Image | None) -> Any:
        """The overlay texture, with `image` uploaded when there is a new one."""
        if image is not None:
            if self._overlay_tex is None or self._overlay_tex.size != size:
                if self._overlay_tex is not None:
                    self._overlay_tex.release()
                self._overlay_tex = self.ctx.texture(size, 4)
                self._overlay_tex.filter = (self.mgl.NEAREST, self.mgl.NEAREST)
            self._overlay_tex.write(image.tobytes())
        return self._overlay_tex


class _GlxTurns:
    """Lets the window's GLX context and the GL raster backend's EGL context take turns on this
    thread: libglvnd lets a thread have a GLX or an EGL context current, not both, and the
    backend makes its own current while it draws, then releases it. So the window's context is
    current only while the window draws (`with turns:`). Where the window's context is not GLX
    (not Linux, or SDL made an EGL context) it does nothing."""

    def __init__(self) -> None:
        self._glx: Any = None
        self._current: tuple[int, int, int] = (0, 0, 0)
        name = (
            (ctypes.util.find_library("GLX") or ctypes.util.find_library("GL"))
            if sys.platform.startswith("linux")
            else None
        )
        if name is None:
            return
        glx = ctypes.CDLL(name)
        for function in ("glXGetCurrentContext", "glXGetCurrentDisplay"):
            getattr(glx, function).restype = ctypes.c_void_p
        glx.glXGetCurrentDrawable.restype = ctypes.c_ulong
        glx.glXMakeCurrent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
        context = glx.glXGetCurrentContext()
        if context:
            self._glx, self._current = glx, (glx.glXGetCurrentDisplay(), glx.glXGetCurrentDrawable(), context)
            self.release()

    def __enter__(self) -> None:
        if self._glx is not None:
            self._glx.glXMakeCurrent(*self._current)

    def __exit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        """No GLX context current on this thread."""
        if self._glx is not None:
            self._glx.glXMakeCurrent(self._current[0], 0, None)


def _init_display(pygame: Any) -> None:
    """pygame.display.init() on a real window system, or pygame.error saying why not.

    On Linux with $DISPLAY and no Wayland session SDL is pointed at X11 alone: otherwise, when
    the X server is unreachable, it probes Wayland (printing to stderr) and then falls back to
    its invisible offscreen driver, and the emulator would run with no window to see."""
    forced = None
    if (
        sys.platform.startswith("linux")
        and "SDL_VIDEODRIVER" not in os.environ
        and os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        forced = os.environ["SDL_VIDEODRIVER"] = "x11"
    try:
        pygame.display.init()
    except pygame.error as exc:
        where = f"cannot open the X display {os.environ['DISPLAY']!r} ({exc})" if forced else str(exc)
        raise pygame.error(where) from None
    finally:
        if forced:
            del os.environ["SDL_VIDEODRIVER"]
    driver = pygame.display.get_driver()
    if driver in ("offscreen", "dummy", "evdev"):
        pygame.display.quit()
        raise pygame.error(f"SDL found no window system (video driver {driver!r})")


def run_window(
    emu: Emulator,
    serve: int | None = None,
    max_frames: int | None = None,
    screenshot_dir: str = "screenshots",
    zoom: int | str = "fit",
) -> int:
    """Open the emulator window on `emu` and run it until Q, Esc or the window is closed.

    `serve`: also answer the HTTP API on this port (0: any free port). `max_frames`: stop after
    that many frames (HUD_EMULATOR_MAX_FRAMES does the same, and reports; see the module doc).
    Raises HudError when no display can be opened."""
    if zoom != "fit" and (not isinstance(zoom, int) or zoom < 1):
        raise HudError(f"zoom must be a positive integer or 'fit', not {zoom!r}")
    hook = os.environ.get(MAX_FRAMES_ENV)
    if max_frames is None and hook:
        try:
            max_frames = int(hook)
        except ValueError:
            raise HudError(f"{MAX_FRAMES_ENV} must be a whole number of frames, not {hook!r}") from None
    state = WindowState(zoom=zoom, screenshot_dir=screenshot_dir)
    window = Window(emu, state, serve)
    try:
        window.open()
        status = window.run(max_frames)
    finally:
        window.close()
    if hook:
        seconds = getattr(window, "seconds", 0.0)
        report = {
            "window": {
                "frames": window.frames,
                "seconds": round(seconds, 3),
                "fps": round(window.frames / seconds, 2) if seconds else 0.0,
                "composites": window.composites,
                "view": emu.viewer.view,
                "device": emu.device.name,
                "backend": emu.scene_state.drawn_by,
                "profile": emu.viewer.show_profile,
                "sounds": getattr(window, "sounds", (0, False))[0],
                "audible": getattr(window, "sounds", (0, False))[1],
            },
            "summary": emu.summary(),
        }
        print(json.dumps(report), file=sys.stderr)
    return status
