"""One output for an app's tree, whatever the glasses: drawn where there is a display, spoken
where there is none (and spoken on a display too for widgets with speak = "always").

    out = hud.Output(tree, device="quark-g1")      # the same app code for "quark-s1"
    tree.find("pay").visible = True
    out.update(t)                                   # a Frame on the S1, speech on the G1
    out.export("out/")                              # PNGs and/or speech.json + speech.wav
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hud.devices import DeviceProfile, load_device
from hud.renderer import Frame, Renderer
from hud.scene import Scene
from hud.speech.speakers import speaks_on
from hud.widgets.base import Widget

if TYPE_CHECKING:
    from hud.speech.narrator import Narrator


class Output:
    """Renders and/or narrates a widget tree as it changes.

    `audible=True` also plays the speech through the computer's speakers as it happens
    (pygame.mixer); otherwise speech is only scheduled and can be exported.

    >>> import hud
    >>> scene = hud.Scene(hud.NavArrow(maneuver="left", distance_m=120, street="Wensan Road"))
    >>> out = hud.Output(scene, device="quark-g1")
    >>> out.update(0.0) is None          # no display: no frame; the scene is spoken
    True

    `out.export("out/nav-g1")` then writes `speech.json` and `speech.wav`; with
    `device="quark-s1"` the same calls return and save frames.
    """

    def __init__(
        self,
        target: Scene | Widget,
        device: str | Path | DeviceProfile | None = None,
        *,
        audible: bool = False,
        language: str | None = None,
    ) -> None:
        name = device if device is not None else (target.device if isinstance(target, Scene) else "quark-s1")
        self.device = name if isinstance(name, DeviceProfile) else load_device(name)
        self.target = target
        self.renderer = Renderer(target, self.device) if self.device.has_display else None
        self.narrator: Narrator | None = None
        if speaks_on(target, self.device):  # the speech modules load only for a tree that speaks
            from hud.speech.narrator import Narrator

            self.narrator = Narrator(target, self.device, language=language)
        self.player = None
        if self.narrator is not None and audible:
            from hud.speech.player import LivePlayer

            self.player = LivePlayer(self.narrator)
        self.frame: Frame | None = None

    def update(self, t: float) -> Frame | None:
        """Show the tree as it is at time `t` (seconds): a new frame where there is a display,
        and the speech of what changed. Scenes apply their timeline at `t` first."""
        if self.renderer is not None:
            self.frame = self.renderer.frame(t)
        elif isinstance(self.target, Scene):
            self.target.apply_timeline(t)
        if self.player is not None:
            self.player.update(t)
        elif self.narrator is not None:
            self.narrator.update(t)
        return self.frame

    def export(self, out_dir: str | Path) -> list[Path]:
        """Write the last frame's images (with a display) and the speech so far (where the tree
        speaks) into `out_dir`."""
        written: list[Path] = []
        if self.frame is not None:
            written += self.frame.save(out_dir)
        if self.narrator is not None:
            written += self.narrator.export(out_dir)  # queued speech played out in the files only
        return written
