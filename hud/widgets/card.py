"""Cards: composites drawn on a bordered panel whose `width` is the full form's width."""

from __future__ import annotations

from typing import Any

from hud.geometry import Length
from hud.widgets.base import Composite, Widget
from hud.widgets.primitives import Panel
from hud.widgets.props import Prop

PADDING_DEG = 0.45  # inside a card, round its content


class Card(Composite):
    """A composite drawn on a bordered panel whose `width` applies to the full form."""

    def _prop_changed(self, prop: Prop[Any, Any]) -> None:
        if prop.name == "width":  # reduced forms' builds are capped at it
            self._build_revision += 1
        super()._prop_changed(prop)

    def width_in(self, form: str) -> Any:
        """`width` is the full form's width; reduced forms are as wide as their content, up to
        that width (their builds cap it, see `card_panel`)."""
        return self.width if form == "full" else None

    def card_panel(self, form: str, content: Widget, content_deg: float, **style: Any) -> Panel:
        """The panel round `content` (about `content_deg` wide on one line): in the full form it
        fills the widget; in reduced forms it is as wide as its content, up to `width`."""
        panel = Panel(content, radius=Length(0.35, "deg"), **style)
        if form != "full":
            full_width = self._values.get("width", type(self).width.default)
            wide = content_deg + 2 * PADDING_DEG
            if full_width is not None and (full_width.unit != "deg" or wide > full_width.value):
                panel.width = full_width
        return panel
