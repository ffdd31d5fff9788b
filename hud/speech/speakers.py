"""Which widgets speak on a device: the rule, and the walk that finds them.

Kept apart from the rest of speech so that a program that only draws (`hud render` of a scene
with nothing to say) can ask `speaks_on` without loading the words, the voice or the mixer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from hud.scene import Scene
from hud.widgets.base import Composite, Widget
from hud.widgets.primitives import Text

if TYPE_CHECKING:
    from hud.devices import DeviceProfile

SILENT_TYPES = ("icon", "image", "progress")  # drawn, never spoken

Speaks = Callable[[Widget, str], bool]
"""(widget, its effective speak mode) -> should it be spoken on this device?"""


def speaks_without_display(widget: Widget, mode: str) -> bool:
    return mode != "never"


def speaks_with_display(widget: Widget, mode: str) -> bool:
    return mode == "always"


def speaks_on_device(has_display: bool, speak_types: tuple[str, ...] = ()) -> Speaks:
    """The rule for one device: without a display everything not marked "never" speaks; with one,
    widgets marked "always", and (unless marked "never") the types its profile lists in
    [audio] speak."""
    if not has_display:
        return speaks_without_display
    if not speak_types:
        return speaks_with_display

    def speaks(widget: Widget, mode: str) -> bool:
        return mode == "always" or (mode == "auto" and widget.type_name in speak_types)

    return speaks


def speaking_widgets(
    root: Widget, speaks: Speaks, mode: str = "auto", path: str = ""
) -> Iterator[tuple[Widget, str, str]]:
    """(widget, effective mode, tree position) for every visible widget of `root` that speaks,
    depth first. Composites and widgets with `spoken` speak for their whole subtree."""
    if not root.visible:
        return
    mode = root.speak if root.speak != "auto" else mode
    if root.spoken or isinstance(root, (Composite, Text)):
        if speaks(root, mode):
            yield root, mode, path
        return
    if root.type_name in SILENT_TYPES:
        return
    for index, child in enumerate(root.children):
        yield from speaking_widgets(child, speaks, mode, f"{path}.{index}" if path else str(index))


def speaks_on(target: Scene | Widget, device: DeviceProfile) -> bool:
    """Does a scene or tree say anything on this device (always without a display; with one,
    only if a widget has speak = "always" or is of a type the profile's [audio] speak lists)?"""
    if not device.has_display:
        return True
    if device.speakers == "none":
        return False
    root = target.root if isinstance(target, Scene) else target
    rule = speaks_on_device(device.has_display, device.speak)
    return next(speaking_widgets(root, rule), None) is not None
