"""Gestures: the temple touchpad's inputs, and the built-in actions scenes bind them to.

A scene file binds a gesture to an action on a widget:

    [[gestures]]
    gesture = "tap"
    action = "dismiss"
    target = "pay"

Python apps receive the same gestures as events (see the emulator).
"""

from __future__ import annotations

from dataclasses import dataclass

from hud.widgets.base import Widget

GESTURES = ("tap", "double_tap", "long_press", "swipe_forward", "swipe_back")
ACTIONS = {
    "dismiss": "fade the target out and hide it",
    "show": "fade the target in",
    "toggle": "show the target if hidden, hide it if shown",
    "next": "in a container showing one child at a time, show the next child",
    "previous": "in a container showing one child at a time, show the previous child",
    "scroll_back": "scroll a caption or text one line back towards older text",
    "scroll_forward": "scroll a caption or text one line forward towards the newest text",
}
FADE_S = 0.25


@dataclass(frozen=True)
class Binding:
    """One scene binding: when `gesture` fires, do `action` on the widget with id `target`."""

    gesture: str
    action: str
    target: str


def perform(scene, binding: Binding, t: float) -> str:  # noqa: ANN001 - hud.scene.Scene (avoids a cycle)
    """Carry out a binding at scene time `t`; returns what happened, in words."""
    from hud.anim import Timeline

    widget = scene.find(binding.target)
    if widget is None:
        return f"{binding.gesture}: no widget '{binding.target}'"
    if binding.action in ("dismiss", "show", "toggle"):
        showing = widget.visible and widget.brightness > 0
        show = binding.action == "show" or (binding.action == "toggle" and not showing)
        if scene.timeline is None:
            scene.timeline = Timeline()
        order = len(scene.timeline.events) + 1_000_000
        if show:
            scene.timeline.show(t, widget, "fade", FADE_S, order)
        else:
            scene.timeline.hide(t, widget, "fade", FADE_S, order)
        return f"{binding.action} {binding.target}"
    if binding.action in ("next", "previous"):
        return _cycle(widget, 1 if binding.action == "next" else -1, binding)
    step = 1 if binding.action == "scroll_back" else -1
    if "back" not in widget.props:
        return f"{binding.action}: '{binding.target}' is not a caption or text"
    widget.back = max(0, widget.back + step)
    return f"{binding.action} {binding.target} (back {widget.back})"


def _cycle(container: Widget, step: int, binding: Binding) -> str:
    children = list(container.children)
    if not children:
        return f"{binding.action}: '{binding.target}' has no children"
    shown = next((i for i, child in enumerate(children) if child.visible), 0)
    target = (shown + step) % len(children)
    for index, child in enumerate(children):
        child.visible = index == target
    return f"{binding.action} {binding.target} ({target + 1}/{len(children)})"


def bindings_for(scene, gesture: str) -> list[Binding]:  # noqa: ANN001
    return [b for b in getattr(scene, "bindings", ()) if b.gesture == gesture]
