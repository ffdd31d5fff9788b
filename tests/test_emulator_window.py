"""The emulator window: the key bindings (pure, on SDL's dummy driver), the layout, the command
line without a display, the GPU composite (EGL, no display), and one real window under Xvfb,
photographed through X."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import moderngl
import numpy as np
import pygame
import pytest
from PIL import Image

import hud
from emulator import Emulator
from emulator.__main__ import main
from emulator.controls import BINDINGS, WindowState, binding_for, handle_key
from emulator.look import AMBIENTS, Look, composite
from emulator.overlay import PROFILE_SIZE, SPEAKING_BAND
from emulator.window import (
    MAX_FRAMES_ENV,
    STATUS_H,
    help_rows,
    initial_size,
    natural_size,
    overlay_image,
    run_window,
    status_text,
    view_layout,
    viewport,
)
from hud.errors import HudError

from paths import ROOT

CITY_WALK = ROOT / "scenes" / "city-walk.toml"
BOUND_SCENE = """
[scene]
title = "Bound"

[[widgets]]
type = "notification"
id = "pay"
anchor = "top-right"
app = "Alipay"
title = "Paid"

[[gestures]]
gesture = "tap"
action = "dismiss"
target = "pay"
"""


@pytest.fixture
def sdl_dummy(monkeypatch: pytest.MonkeyPatch):
    """pygame's display on SDL's dummy driver: no window, no OpenGL, key constants and events work."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    yield pygame
    pygame.display.quit()


@pytest.fixture
def emu(sdl_dummy, tmp_path: Path) -> Emulator:
    scene = tmp_path / "bound.toml"
    scene.write_text(BOUND_SCENE, encoding="utf-8")
    emulator = Emulator.open(scene, device="quark-s1")
    emulator.advance(1 / 60)
    return emulator


def press(emu: Emulator, state: WindowState, key: int, mod: int = 0, text: str = "") -> str | None:
    return handle_key(emu, key, mod, state, text)


# -- keys ----------------------------------------------------------------------------------------


KEY_NAMES = {"Space": "space", "Return": "return", "Esc": "escape", "Right": "right", "Left": "left", "F1": "f1"}


def _presses(keys: str) -> list[tuple[int, int, str]]:
    """(key code, modifiers, typed text) for each key the help names in a row: "D  Shift+D"."""
    presses = []
    for name in keys.split():
        shift = name.startswith("Shift+")
        name = name.removeprefix("Shift+")
        code = pygame.key.key_code(KEY_NAMES.get(name, name.lower()))
        text = name.lower() if len(name) == 1 else ""
        presses.append((code, pygame.KMOD_SHIFT if shift else 0, text))
    return presses


def test_dummy_driver_and_the_keys_table(sdl_dummy) -> None:
    assert pygame.display.get_driver() == "dummy"
    documented = " ".join(keys for keys, _ in help_rows())
    for key in (
        "1",
        "2",
        "3",
        "4",
        "+",
        "-",
        "0",
        "D",
        "Shift+D",
        "B",
        "A",
        "G",
        "E",
        "W",
        "P",
        "S",
        "Space",
        "R",
        "Return",
        "Shift+Return",
        "L",
        "Right",
        "Left",
        "V",
        "M",
        "H",
        "F1",
        "Q",
        "Esc",
    ):
        assert key in documented.split(), key


def test_every_key_the_help_names_dispatches_to_its_binding(emu: Emulator, tmp_path: Path) -> None:
    """Each row's keys, as the help writes them, reach that row's binding and do something."""
    for binding in BINDINGS:
        for code, mod, text in _presses(binding.keys):
            assert binding_for(code, bool(mod & pygame.KMOD_SHIFT), text) is binding, (binding.keys, code)
            state = WindowState(screenshot_dir=str(tmp_path / "shots"))
            done = handle_key(emu, code, mod, state, text)
            assert isinstance(done, str) and done, (binding.keys, code)
    assert binding_for(pygame.K_z) is None and handle_key(emu, pygame.K_z, 0, WindowState()) is None


def test_every_trigger_of_a_binding_dispatches_to_it(emu: Emulator, tmp_path: Path) -> None:
    """Keypad keys and the other codes a binding lists (not only those the help names)."""
    for binding in BINDINGS:
        shifts = (binding.shift,) if binding.shift is not None else (False, True)
        for code_name in binding.codes:
            for shift in shifts:
                code = getattr(pygame, code_name)
                assert binding_for(code, shift) is binding, (binding.keys, code_name, shift)
                state = WindowState(screenshot_dir=str(tmp_path / "shots"))
                assert handle_key(emu, code, pygame.KMOD_SHIFT if shift else 0, state), (binding.keys, code_name)
        for text in binding.typed:
            assert binding_for(pygame.K_UNKNOWN, False, text) is binding


def test_the_help_lists_exactly_the_bindings_and_so_does_the_readme() -> None:
    rows = [(binding.keys, binding.does) for binding in BINDINGS]
    assert help_rows() == rows
    assert len({keys for keys, _ in rows}) == len(rows)  # no row twice
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| key | does |") :].split("\n\n")[0].splitlines()[2:]
    documented = [tuple(cell.strip().strip("`") for cell in line.strip("|").split("|")) for line in table]
    assert documented == rows


def test_view_and_zoom_keys(emu: Emulator) -> None:
    state = WindowState(fit_scale=1.7)
    for key, view in ((pygame.K_2, "fused"), (pygame.K_3, "left"), (pygame.K_4, "right"), (pygame.K_1, "both")):
        press(emu, state, key)
        assert emu.viewer.view == view
    press(emu, state, pygame.K_EQUALS, text="+")
    assert state.zoom == 2  # from fit at 1.7x, + goes to the next integer zoom
    press(emu, state, pygame.K_PLUS)
    assert state.zoom == 3
    press(emu, state, pygame.K_MINUS)
    assert state.zoom == 2
    press(emu, state, pygame.K_0)
    assert state.zoom == "fit"


def test_device_keys_cycle_the_builtin_profiles(emu: Emulator) -> None:
    names = hud.builtin_names()
    state = WindowState()
    start = names.index("quark-s1")
    press(emu, state, pygame.K_d)
    assert emu.device.name == names[(start + 1) % len(names)]
    press(emu, state, pygame.K_d, pygame.KMOD_LSHIFT)
    press(emu, state, pygame.K_d, pygame.KMOD_RSHIFT)
    assert emu.device.name == names[(start - 1) % len(names)]
    assert "device" in state.banner


def test_look_keys(emu: Emulator) -> None:
    state = WindowState()
    assert emu.viewer.look.ambient == "indoor"
    seen = []
    for _ in range(4):
        press(emu, state, pygame.K_a)
        seen.append(emu.viewer.look.ambient)
    assert seen == ["overcast", "sunny", "night", "indoor"] and set(seen) == set(AMBIENTS)
    for key, field in ((pygame.K_g, "glow"), (pygame.K_e, "eye_box"), (pygame.K_w, "see_through")):
        before = getattr(emu.viewer.look, field)
        press(emu, state, key)
        assert getattr(emu.viewer.look, field) is (not before)
        press(emu, state, key)
        assert getattr(emu.viewer.look, field) is before
    from emulator.world import background_names

    assert emu.viewer.look.background is None
    for name in background_names():
        press(emu, state, pygame.K_b)
        assert isinstance(emu.viewer.look.background, np.ndarray) and emu.viewer.look.background.ndim == 3
        assert state.banner == f"background {name}"
    press(emu, state, pygame.K_b)
    assert emu.viewer.look.background is None and state.banner == "background none"


def test_pause_restart_and_profiler_keys(emu: Emulator) -> None:
    state = WindowState()
    press(emu, state, pygame.K_SPACE)
    assert emu.clock.paused
    t = emu.clock.t
    emu.advance(0.5)
    assert emu.clock.t == t
    press(emu, state, pygame.K_SPACE)
    emu.advance(0.5)
    assert emu.clock.t > t
    press(emu, state, pygame.K_r)
    assert emu.clock.t == 0.0
    press(emu, state, pygame.K_p)
    assert emu.viewer.show_profile
    image = np.asarray(overlay_image(emu, state, (800, 500)))
    port, (x, y), _ = view_layout(natural_size(emu), (800, 500), "fit", True)
    assert image[y : y + PROFILE_SIZE[1], x : x + PROFILE_SIZE[0], 3].mean() > 150  # the graph's box is drawn there


def _view_rect(port: tuple[int, int, int, int], window: tuple[int, int]) -> tuple[int, int, int, int]:
    """The view's rectangle in window pixels, top-down: (left, top, right, bottom)."""
    left, bottom, width, height = port
    top = window[1] - bottom - height
    return left, top, left + width, top + height


@pytest.mark.parametrize("view", ["both", "left"])
@pytest.mark.parametrize("window", [(1400, 900), (1000, 480 + STATUS_H), (700, 500), (2000, 560), (640, 300)])
@pytest.mark.parametrize("zoom", ["fit", 1])
def test_profiler_graph_covers_no_eye(emu: Emulator, view: str, window: tuple[int, int], zoom: int | str) -> None:
    """In a letterbox bar or beside the view when one fits, else in a band above the status bar."""
    emu.viewer.view = view
    natural = natural_size(emu)
    port, spot, reserve = view_layout(natural, window, zoom, True)
    assert spot is not None
    left, top, right, bottom = _view_rect(port, window)
    x, y = spot
    graph = (x, y, x + PROFILE_SIZE[0], y + PROFILE_SIZE[1])
    visible_bottom = window[1] - STATUS_H - reserve  # the scissor: a zoomed view is cut off here
    apart = graph[2] <= left or graph[0] >= right or graph[3] <= top or graph[1] >= min(bottom, visible_bottom)
    assert apart, (port, spot, reserve)
    assert graph[3] <= window[1] - STATUS_H and graph[0] >= 0  # and not over the status bar
    unreserved, _, _ = view_layout(natural, window, zoom, False)
    if reserve == 0:
        assert port == unreserved  # a free spot: the view does not move when P is pressed
    else:
        assert port[3] <= unreserved[3]  # the band: the view shrinks (fit) or is cut off above it


def test_gesture_keys_fire_gestures(emu: Emulator) -> None:
    state = WindowState()
    cases = (
        (pygame.K_RETURN, 0, "tap: dismiss pay"),
        (pygame.K_RETURN, pygame.KMOD_SHIFT, "double tap"),
        (pygame.K_l, 0, "long press"),
        (pygame.K_RIGHT, 0, "swipe forward"),
        (pygame.K_LEFT, 0, "swipe back"),
    )
    for key, mod, logged in cases:
        press(emu, state, key, mod)
        assert emu.log.notes[-1].text == logged
    assert emu.log.last_note == "swipe back"  # the banner


def test_screenshot_key_writes_files(emu: Emulator, tmp_path: Path) -> None:
    state = WindowState(screenshot_dir=str(tmp_path / "shots"))
    press(emu, state, pygame.K_3)  # the left view: its file must not overwrite the left panel
    press(emu, state, pygame.K_s)
    files = sorted(p.name for p in (tmp_path / "shots").iterdir())
    assert len(files) == 3 and any(name.endswith("-left-view.png") for name in files), files
    view = next(tmp_path.joinpath("shots", name) for name in files if name.endswith("-left-view.png"))
    assert str(view) in state.banner
    with Image.open(view) as image:
        assert image.size == (640, 480) and image.mode == "RGB"


def test_voice_prompt(emu: Emulator) -> None:
    heard: list[str] = []

    class App:
        def on_voice(self, emulator: Emulator, text: str) -> None:
            heard.append(text)

    emu.attach(App())
    state = WindowState()
    press(emu, state, pygame.K_v)
    assert state.prompt == ""
    for char in "next q":  # q is typed, not quit
        press(emu, state, pygame.key.key_code(char) if char != " " else pygame.K_SPACE, text=char)
    press(emu, state, pygame.K_BACKSPACE)
    press(emu, state, pygame.K_BACKSPACE)
    assert state.prompt == "next" and state.running and not emu.clock.paused
    assert np.asarray(overlay_image(emu, state, (640, 504)))[:100, 12, 3].max() > 150  # the prompt box
    press(emu, state, pygame.K_RETURN)
    assert heard == ["next"] and state.prompt is None and emu.log.notes[-1].text == "voice: next"
    press(emu, state, pygame.K_v)
    press(emu, state, pygame.K_x, text="x")
    press(emu, state, pygame.K_ESCAPE)
    assert state.prompt is None and heard == ["next"] and state.running


def test_mute_key(emu: Emulator) -> None:
    state = WindowState()
    assert press(emu, state, pygame.K_m) == "speech muted"
    assert emu.narration.muted and "  muted  " in status_text(emu, state) and state.banner == "speech muted"
    assert press(emu, state, pygame.K_m) == "speech unmuted"
    assert not emu.narration.muted and "muted" not in status_text(emu, state)
    assert any("M" == keys and "mute" in what for keys, what in help_rows())


def test_help_and_quit_keys(emu: Emulator) -> None:
    state = WindowState()
    press(emu, state, pygame.K_h)
    assert state.show_help
    assert np.asarray(overlay_image(emu, state, (640, 504)))[200, 20, 3] > 150  # the help box
    press(emu, state, pygame.K_ESCAPE)  # Esc closes the help first
    assert not state.show_help and state.running
    press(emu, state, pygame.K_F1)
    assert state.show_help
    press(emu, state, pygame.K_q)
    assert not state.running
    state = WindowState()
    press(emu, state, pygame.K_ESCAPE)
    assert not state.running


# -- layout, no display --------------------------------------------------------------------------


def test_viewport_fit_letterboxes_and_zoom_is_integer() -> None:
    assert viewport((640, 480), (640, 480 + STATUS_H), "fit") == (0, STATUS_H, 640, 480)
    x, y, w, h = viewport((1296, 480), (1000, 1000), "fit")  # wide view: bars above and below
    assert (x, w) == (0, 1000) and h == round(480 * 1000 / 1296) and y > STATUS_H
    assert viewport((640, 480), (1600, 900), 1)[2:] == (640, 480)
    assert viewport((640, 480), (1600, 900), 3)[2:] == (1920, 1440)  # larger than the window: centred, clipped
    assert initial_size((640, 480), (1600, 900), "fit") == (640, 480 + STATUS_H)
    assert initial_size((640, 200), (1920, 1080), "fit") == (1280, 400 + STATUS_H)


@pytest.mark.parametrize("case", ["no DISPLAY", "dead DISPLAY"])
def test_run_window_without_a_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """Never a traceback, and never SDL's invisible offscreen fallback running a window nobody sees."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER", MAX_FRAMES_ENV):
        monkeypatch.delenv(name, raising=False)
    if case == "no DISPLAY":
        monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    else:
        monkeypatch.setenv("DISPLAY", f":{_free_display()}")  # no X server there
    emu = Emulator.open(CITY_WALK)
    with pytest.raises(HudError, match=r"^no display available: .*; use the headless Emulator or --screenshots$"):
        run_window(emu, max_frames=1)


def test_main_without_a_display_writes_screenshots(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert main([str(CITY_WALK), "--device", "even-g2"]) == 0
    out = capsys.readouterr().out
    assert "no display available" in out
    names = sorted(p.name for p in (tmp_path / "screenshots").iterdir())
    assert names == sorted(
        f"city-walk-even-g2-{n}.png" for n in ("left", "right", "both", "fused", "left-view", "right-view")
    )
    with Image.open(tmp_path / "screenshots" / "city-walk-even-g2-both.png") as image:
        assert image.size == (2 * 576 + 16, 288)

    assert main([str(CITY_WALK), "--screenshots", str(tmp_path / "g1"), "--device", "quark-g1"]) == 0
    assert "no display available" not in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "g1").iterdir()] == ["city-walk-quark-g1-both.png"]

    for argv, expected in (
        ([str(tmp_path / "missing.toml")], "file not found"),
        ([str(CITY_WALK), "--background", "moon"], "unknown background 'moon'"),
        ([str(CITY_WALK), "--view", "up"], "invalid choice"),
        ([str(CITY_WALK), "--zoom", "0"], "--zoom"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and expected in err and "Traceback" not in err, err


# -- the GPU composite ---------------------------------------------------------------------------


def test_gl_compositor_matches_numpy_on_egl() -> None:
    from emulator.look import GLCompositor
    from emulator.world import load_background

    try:
        ctx = moderngl.create_standalone_context(backend="egl")
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"no EGL OpenGL context ({exc}): install Mesa's EGL (`make test` does: libegl1 libegl-mesa0)")
    try:
        emu = Emulator.open(CITY_WALK)
        emu.advance(0.5)
        compositor = GLCompositor(ctx)
        looks = (
            Look(),
            Look(ambient="sunny", background=load_background("street")),
            Look(see_through=False, glow=False),
        )
        for look, view in zip(looks, ("both", "fused", "left")):
            gpu = compositor.render(emu.panels(), emu.device, look, view)
            cpu = composite(emu.panels(), emu.device, look, view)
            assert gpu.shape == cpu.shape
            assert np.abs(gpu.astype(int) - cpu.astype(int)).max() <= 3, view
        compositor.release()
    finally:
        ctx.release()


# -- one real window -----------------------------------------------------------------------------


def _free_display() -> int:
    for number in range(90, 400):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


def _find_window(xdisplay, needle: str):
    net_wm_name = xdisplay.intern_atom("_NET_WM_NAME")

    def name_of(window) -> str:
        try:
            prop = window.get_full_property(net_wm_name, 0)
            if prop is not None and prop.value:
                return prop.value.decode("utf-8", "replace")
            name = window.get_wm_name()
            return name.decode("utf-8", "replace") if isinstance(name, bytes) else (name or "")
        except Exception:  # noqa: BLE001 - the window went away
            return ""

    stack = [xdisplay.screen().root]
    while stack:
        window = stack.pop()
        name = name_of(window)
        if needle in name:
            return window, name
        try:
            children = window.query_tree().children
        except Exception:  # noqa: BLE001 - the window went away while we looked
            children = []
        stack.extend(children)
    return None, ""


def _grab(xdisplay, window) -> np.ndarray:
    """The window's pixels as RGB, read from the root window (what is on the X screen)."""
    from Xlib import X

    root = xdisplay.screen().root
    geometry = window.get_geometry()
    origin = window.translate_coords(root, 0, 0)
    raw = root.get_image(-origin.x, -origin.y, geometry.width, geometry.height, X.ZPixmap, 0xFFFFFFFF)
    pixels = np.frombuffer(raw.data, dtype=np.uint8).reshape(geometry.height, geometry.width, 4)
    return pixels[..., [2, 1, 0]].copy()  # BGRX -> RGB


def _green(image: np.ndarray) -> np.ndarray:
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (g > 150) & (g > r + 60) & (g > b + 60)


@contextlib.contextmanager
def _xvfb():
    """An Xvfb server on a free display: yields (its number, an Xlib connection to it)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.fail("Xvfb is not installed: run `make test` (it installs xvfb with apt), or apt-get install xvfb")
    try:
        from Xlib import display as xlib_display
    except ImportError:
        pytest.fail("python-xlib is not installed: run `make test` (it installs the test extra)")
    number = _free_display()
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1600x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert server.poll() is None, f"Xvfb exited: {server.stderr.read().decode(errors='replace')}"
            assert time.monotonic() < deadline, "Xvfb did not create its socket within 10 s"
            time.sleep(0.05)
        yield number, xlib_display.Display(f":{number}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _run_window(number: int, xdisplay, args: list[str], frames: int, ready, extra_env: dict[str, str] | None = None):
    """python -m emulator ARGS in a window on display `number` for `frames` frames; returns
    (the last window image grabbed through X, its title, the JSON report line, stderr) once
    `ready(image)` held or the emulator exited."""
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "SDL_VIDEODRIVER", "SDL_AUDIODRIVER")}
    env.update(DISPLAY=f":{number}", PYTHONPATH=str(ROOT), **{MAX_FRAMES_ENV: str(frames)}, **(extra_env or {}))
    emulator = subprocess.Popen(
        [sys.executable, "-m", "emulator", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        image, title = None, ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and emulator.poll() is None:
            window, title = _find_window(xdisplay, "hud emulator")
            if window is not None:
                try:
                    image = _grab(xdisplay, window)
                except Exception:  # noqa: BLE001 - mapped but not yet viewable
                    image = None
                if image is not None and ready(image):
                    break
            time.sleep(0.2)
        _, err = emulator.communicate(timeout=30)
    finally:
        if emulator.poll() is None:
            emulator.kill()
            emulator.wait()
    assert emulator.returncode == 0, err
    assert image is not None, f"no emulator window appeared on :{number}: {err}"
    return image, title, json.loads(err.strip().splitlines()[-1]), err


def test_real_window_under_xvfb(tmp_path: Path) -> None:
    """python -m emulator opens an OpenGL window; X sees the composited HUD and the status bar."""
    with _xvfb() as (number, xdisplay):
        image, title, report, _ = _run_window(
            number,
            xdisplay,
            ["scenes/city-walk.toml", "--view", "left"],
            240,
            lambda image: _green(image).sum() > 2000 and image[-STATUS_H:].mean() > 5,
        )
    Image.fromarray(image).save(tmp_path / "emulator_xvfb.png")
    shutil.copy(tmp_path / "emulator_xvfb.png", "/tmp/emulator_xvfb.png")

    assert title == "hud emulator — City walk — quark-s1"
    assert image.shape == (480 + STATUS_H, 640, 3)  # the left eye at 1x, and the status bar
    hud_area, status = image[:-STATUS_H], image[-STATUS_H:]
    assert _green(hud_area).sum() > 2000, "no green HUD content in the window"
    assert (np.median(hud_area, axis=(0, 1)) > 60).all()  # the see-through world (neutral grey)
    text = (status.min(axis=2) > 150) & (np.ptp(status, axis=2) < 40)
    assert text.sum() > 100, "no status-bar text"
    assert status.mean() < hud_area.mean() / 2, "the status bar is not a dark band"

    assert report["window"]["frames"] == 240 and report["window"]["view"] == "left"
    assert report["summary"]["frames"] == 240
    assert report["summary"]["transcript"] == [] and not report["summary"]["speech"]["speaking"]
    assert report["window"]["sounds"] == 0


def test_real_window_speaks_on_glasses_without_a_display(tmp_path: Path) -> None:
    """On the G1 the window shows the live transcript, the line being spoken on its band, and
    plays the speech (here through SDL's dummy audio driver: no sound card needed)."""
    band = np.array(SPEAKING_BAND)

    def speaking(image: np.ndarray) -> bool:
        return int((np.abs(image.astype(int) - band).sum(axis=2) < 6).sum()) > 2000

    with _xvfb() as (number, xdisplay):
        image, title, report, err = _run_window(
            number,
            xdisplay,
            ["scenes/city-walk-timeline.toml", "--device", "quark-g1", "--zoom", "1"],
            150,
            speaking,
            {"SDL_AUDIODRIVER": "dummy"},
        )
    Image.fromarray(image).save(tmp_path / "emulator_xvfb_g1.png")
    shutil.copy(tmp_path / "emulator_xvfb_g1.png", "/tmp/emulator_xvfb_g1.png")

    assert title == "hud emulator — City walk (10 s) — quark-g1"
    assert image.shape == (540 + STATUS_H, 960, 3)
    assert speaking(image), "no highlighted transcript line in the window"
    assert (image[130:500, 100:900].min(axis=2) > 200).sum() > 300, "no transcript text"
    summary = report["summary"]
    assert "In 180 metres, turn left onto Hubin Road" in summary["transcript"][0]
    assert summary["speech"]["speaking"] and summary["speech"]["error"] is None
    assert report["window"]["audible"] and report["window"]["sounds"] >= 1  # played through the mixer
    assert "not audible" not in err and "Traceback" not in err


# -- outlines ------------------------------------------------------------------------------------


def test_outlines_key(emu: Emulator) -> None:
    state = WindowState()
    assert any(keys == "O" and "outlines" in what for keys, what in help_rows())
    assert not emu.viewer.show_outlines and "outlines" not in status_text(emu, state)
    assert press(emu, state, pygame.K_o) == "outlines on"
    assert emu.viewer.show_outlines and state.banner == "outlines on" and "  outlines  " in status_text(emu, state)
    assert press(emu, state, pygame.K_o) == "outlines off"
    assert not emu.viewer.show_outlines and "outlines" not in status_text(emu, state)


@pytest.mark.parametrize("zoom", [1, 2, "fit"])
@pytest.mark.parametrize("view", ["both", "left"])
def test_outlines_line_up_with_the_scaled_view(emu: Emulator, zoom: int | str, view: str) -> None:
    """The overlay texture's outlines sit where draw() puts the view: viewport(), top-down."""
    from emulator.look import EYE_GAP
    from emulator.overlay import OUTLINE_COLOURS
    from emulator.window import natural_size

    emu.viewer.view, emu.viewer.show_outlines = view, True
    emu.log.notes.clear()
    state = WindowState(zoom=zoom)
    natural = natural_size(emu)
    size = (1000, 700) if zoom == "fit" else (natural[0] * zoom + 100, natural[1] * zoom + 100)
    image = np.asarray(overlay_image(emu, state, size))
    left, bottom, width, height = viewport(natural, size, zoom)
    top, scale = size[1] - bottom - height, width / natural[0]
    entry = next(w for w in emu.scene_state.frame.layout["widgets"] if w["id"] == "pay")
    x0 = emu.device.width + EYE_GAP if view == "both" else 0
    x, y, w, h = entry["eyes"]["right" if view == "both" else "left"]
    box_left, box_right = round(left + (x0 + x) * scale), round(left + (x0 + x + w) * scale) - 1  # window pixels
    box_top, box_bottom = round(top + y * scale), round(top + (y + h) * scale) - 1
    middle_x, middle_y = (box_left + box_right) // 2, (box_top + box_bottom) // 2
    cyan = OUTLINE_COLOURS[None] + (255,)
    for wx, wy in ((box_left, middle_y), (box_right, middle_y), (middle_x, box_bottom)):
        assert tuple(image[wy, wx]) == cyan, (wx, wy)
    outside = ((box_left - 1, middle_y), (box_right + 1, middle_y), (middle_x, box_bottom + 1), (middle_x, middle_y))
    for wx, wy in outside:
        assert image[wy, wx, 3] == 0, (wx, wy)  # a line, just there
    if zoom == 1:  # at zoom 1 the window's outlines are Emulator.decorate's, pixel for pixel (above the legend)
        rows = natural[1] - 100
        grabbed = np.all(emu.grab(view)[:rows] == OUTLINE_COLOURS[None], axis=2)
        window = np.all(image[top : top + rows, left : left + natural[0]] == cyan, axis=2)
        assert grabbed.sum() > 500 and np.array_equal(grabbed, window)
