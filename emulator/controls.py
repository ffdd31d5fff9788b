"""The window's controls: the key bindings, one table (`BINDINGS`) that both `handle_key` and
the help overlay read, and the window state the keys change (`WindowState`).

Each binding is a row of the help: the keys as the help shows them, what they do, the pygame
keys that trigger it, and its action. `handle_key` is a pure function of (emulator, key,
modifiers, window state) that tests drive without a display. While the voice prompt is open it
takes every key instead (Return sends, Esc cancels, Backspace, typed characters).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from emulator.look import AMBIENTS, VIEWS
from emulator.world import background_names, load_background
from hud.devices import builtin_names
from hud.errors import HudError

if TYPE_CHECKING:
    from emulator.core import Emulator

NOTICE_S = 2.5  # how long a key's confirmation (e.g. the screenshot's path) stays up
MAX_ZOOM = 8
AMBIENT_ORDER: tuple[str, ...] = tuple(
    name for name in ("night", "indoor", "overcast", "sunny") if name in AMBIENTS
) or tuple(AMBIENTS)


@dataclass
class WindowState:
    """What the window remembers besides the emulator: zoom, help, the voice prompt, notices."""

    zoom: int | str = "fit"
    screenshot_dir: str = "screenshots"
    show_help: bool = False
    prompt: str | None = None  # the voice command being typed (None: no prompt)
    background: int | None = None  # index into world_choices() (None: not chosen here yet)
    fit_scale: float = 1.0  # the scale "fit" uses now (so + zooms in from there)
    running: bool = True
    notice: str | None = None  # a key's confirmation, shown in the banner for NOTICE_S
    notice_until: float = 0.0

    def say(self, text: str) -> str:
        """Show `text` in the banner for NOTICE_S; returns it."""
        self.notice = text
        self.notice_until = time.monotonic() + NOTICE_S
        return text

    @property
    def banner(self) -> str | None:
        return self.notice if self.notice and time.monotonic() < self.notice_until else None


@dataclass(frozen=True)
class Press:
    """One key press, as a binding's action sees it."""

    emu: Emulator
    state: WindowState
    key: int  # the pygame key code
    shift: bool
    text: str  # the character it typed ("" for none)


Action = Callable[[Press], "str | None"]


@dataclass(frozen=True)
class Binding:
    """One row of the keys table."""

    keys: str  # as the help shows them: "D  Shift+D"
    does: str  # what they do, for the help
    codes: tuple[str, ...]  # the pygame key names that trigger it: "K_d"
    action: Action  # carries it out; returns what happened, in words
    typed: tuple[str, ...] = ()  # characters that trigger it on any keyboard layout ("+")
    shift: bool | None = None  # Shift must be down (True), up (False), or either (None)

    def matches(self, key: int, shift: bool, text: str) -> bool:
        """Whether this binding takes the press."""
        import pygame

        if self.shift is not None and self.shift != shift:
            return False
        return (bool(text) and text in self.typed) or key in {getattr(pygame, code) for code in self.codes}


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def _key(*names: str) -> set[int]:
    import pygame

    return {getattr(pygame, name) for name in names}


# -- the actions -------------------------------------------------------------------------------
def _view(press: Press) -> str:
    number = next(n for n in range(1, 5) if press.key in _key(f"K_{n}", f"K_KP{n}"))
    press.emu.viewer.view = VIEWS[number - 1]
    return f"view {VIEWS[number - 1]}"


def _zoom(press: Press) -> str:
    state = press.state
    current = max(1, int(state.fit_scale)) if state.zoom == "fit" else int(state.zoom)
    if press.key in _key("K_0", "K_KP0"):
        state.zoom = "fit"
        return state.say("zoom: fit the window")
    if press.text == "-" or press.key in _key("K_MINUS", "K_KP_MINUS"):
        state.zoom = max(1, current - 1)
    else:
        state.zoom = 1 if state.zoom == "fit" and state.fit_scale < 1 else min(MAX_ZOOM, current + 1)
    return state.say(f"zoom {state.zoom}x")


def _device(press: Press) -> str:
    names = builtin_names()
    emu = press.emu
    index = names.index(emu.device.name) if emu.device.name in names else -1
    emu.set_device(names[(index + (-1 if press.shift else 1)) % len(names)])
    return press.state.say(f"device {emu.device.name}")


def world_choices() -> list[str]:
    """What B cycles through: the built-in backgrounds, then "none" (the neutral grey world)."""
    return background_names() + ["none"]


def _background(press: Press) -> str:
    state, look = press.state, press.emu.viewer.look
    names = world_choices()
    if state.background is None:
        state.background = len(names) - 1 if look.background is None else -1
    state.background = (state.background + 1) % len(names)
    name = names[state.background]
    look.background = None if name == "none" else load_background(name)
    return state.say(f"background {name}")


def _ambient(press: Press) -> str:
    look = press.emu.viewer.look
    index = AMBIENT_ORDER.index(look.ambient) if look.ambient in AMBIENT_ORDER else -1
    look.ambient = AMBIENT_ORDER[(index + 1) % len(AMBIENT_ORDER)]
    return press.state.say(f"ambient {look.ambient}")


def _look_switch(field: str, shown: str) -> Action:
    """An action that turns one of the Look's switches on or off."""

    def action(press: Press) -> str:
        look = press.emu.viewer.look
        setattr(look, field, not getattr(look, field))
        return press.state.say(f"{shown} {_on_off(getattr(look, field))}")

    return action


def _profiler(press: Press) -> str:
    viewer = press.emu.viewer
    viewer.show_profile = not viewer.show_profile
    return f"profiler {_on_off(viewer.show_profile)}"


def _outlines(press: Press) -> str:
    viewer = press.emu.viewer
    viewer.show_outlines = not viewer.show_outlines
    return press.state.say(f"outlines {_on_off(viewer.show_outlines)}")


def _screenshot(press: Press) -> str:
    return press.state.say(take_screenshot(press.emu, press.state.screenshot_dir))


def _pause(press: Press) -> str:
    clock = press.emu.clock
    clock.paused = not clock.paused
    return press.state.say("paused" if clock.paused else "running")


def _restart(press: Press) -> str:
    press.emu.seek(0.0)
    return press.state.say("restarted: t = 0")


def _gesture(name: str) -> Action:
    """An action that performs a touchpad gesture (the emulator's own event is the banner)."""

    def action(press: Press) -> str:
        press.emu.gesture(name)
        return f"gesture {name}"

    return action


def _open_prompt(press: Press) -> str:
    press.state.prompt = ""
    return "voice: prompt open"


def _mute(press: Press) -> str:
    return press.state.say("speech muted" if press.emu.narration.mute() else "speech unmuted")


def _help(press: Press) -> str:
    press.state.show_help = not press.state.show_help
    return f"help {_on_off(press.state.show_help)}"


def _quit(press: Press) -> str:
    if press.state.show_help and press.key in _key("K_ESCAPE"):  # Esc closes the help first
        press.state.show_help = False
        return "help off"
    press.state.running = False
    return "quit"


ENTER = ("K_RETURN", "K_KP_ENTER")

BINDINGS: tuple[Binding, ...] = (
    Binding(
        "1 2 3 4",
        "view: both eyes / fused / left eye / right eye",
        ("K_1", "K_2", "K_3", "K_4", "K_KP1", "K_KP2", "K_KP3", "K_KP4"),
        _view,
    ),
    Binding(
        "+  -  0",
        "zoom in / out (integer steps) / fit the window",
        ("K_PLUS", "K_KP_PLUS", "K_EQUALS", "K_MINUS", "K_KP_MINUS", "K_0", "K_KP0"),
        _zoom,
        typed=("+", "-"),
    ),
    Binding("D  Shift+D", "next / previous device profile", ("K_d",), _device),
    Binding("B", "next background (the built-ins, then none)", ("K_b",), _background),
    Binding("A", "ambient light: night, indoor, overcast, sunny", ("K_a",), _ambient),
    Binding("G", "glow (halation) on / off", ("K_g",), _look_switch("glow", "glow")),
    Binding("E", "eye-box fall-off on / off", ("K_e",), _look_switch("eye_box", "eye box")),
    Binding("W", "see-through on / off (off: black world)", ("K_w",), _look_switch("see_through", "see-through")),
    Binding("P", "profiler overlay on / off", ("K_p",), _profiler),
    Binding("O", "outlines: widget boxes, forms and lint findings on / off", ("K_o",), _outlines),
    Binding("S", "screenshot: panels + view as PNGs", ("K_s",), _screenshot),
    Binding("Space", "pause / resume scene time", ("K_SPACE",), _pause),
    Binding("R", "restart scene time (t = 0)", ("K_r",), _restart),
    Binding("Return", "gesture: tap", ENTER, _gesture("tap"), shift=False),
    Binding("Shift+Return", "gesture: double tap", ENTER, _gesture("double_tap"), shift=True),
    Binding("L", "gesture: long press", ("K_l",), _gesture("long_press")),
    Binding("Right", "gesture: swipe forward", ("K_RIGHT",), _gesture("swipe_forward")),
    Binding("Left", "gesture: swipe back", ("K_LEFT",), _gesture("swipe_back")),
    Binding("V", "voice command: type it, Return sends, Esc cancels", ("K_v",), _open_prompt),
    Binding("M", "speech sound: mute / unmute", ("K_m",), _mute),
    Binding("H  F1", "this help on / off", ("K_h", "K_F1"), _help),
    Binding("Q  Esc", "quit (Esc first closes the voice prompt or the help)", ("K_q", "K_ESCAPE"), _quit),
)


def binding_for(key: int, shift: bool = False, text: str = "") -> Binding | None:
    """The binding that takes a press (None: the key does nothing)."""
    return next((binding for binding in BINDINGS if binding.matches(key, shift, text)), None)


def handle_key(emu: Emulator, key: int, mod: int, state: WindowState, text: str = "") -> str | None:
    """Carry out one key press (pygame key code, modifier bits, the character it typed).

    Returns what happened, in words (None for a key that does nothing)."""
    import pygame

    press = Press(emu, state, key, bool(mod & pygame.KMOD_SHIFT), text)
    if state.prompt is not None:
        return _prompt_key(press)
    binding = binding_for(key, press.shift, text)
    return binding.action(press) if binding is not None else None


def _prompt_key(press: Press) -> str | None:
    """The voice prompt takes every key until Return sends or Esc cancels."""
    state = press.state
    assert state.prompt is not None
    if press.key in _key(*ENTER):
        command, state.prompt = state.prompt.strip(), None
        if not command:
            return state.say("voice: nothing typed")
        press.emu.voice(command)
        return f"voice: {command}"
    if press.key in _key("K_ESCAPE"):
        state.prompt = None
        return state.say("voice: cancelled")
    if press.key in _key("K_BACKSPACE"):
        state.prompt = state.prompt[:-1]
        return "voice: backspace"
    if press.text and press.text.isprintable():
        state.prompt += press.text
        return f"voice: typed {press.text!r}"
    return None


def take_screenshot(emu: Emulator, folder: str | Path) -> str:
    """emu.screenshot into `folder` under a name that does not repeat; returns the banner text."""
    now = time.time()
    stem = f"hud-{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}-{int(now * 1000) % 1000:03d}"
    try:
        written = emu.screenshot(folder, stem=stem)
    except (HudError, OSError) as exc:
        return f"screenshot failed: {exc}"
    view = emu.viewer.view
    named = (
        [p for p in written if p.stem.endswith(f"-{view}-view")]
        or [p for p in written if p.stem.endswith(f"-{view}")]
        or written[-1:]
    )
    if not named:
        return "screenshot: nothing to write"
    return f"screenshot: {named[0]}" + (f" (+{len(written) - 1} panels)" if len(written) > 1 else "")
