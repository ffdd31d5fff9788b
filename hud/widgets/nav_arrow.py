"""Turn-by-turn navigation (Amap): the next maneuver, its distance, the street and ETA."""
from __future__ import annotations

from hud.geometry import Length
from hud.icons import MANEUVERS
from hud.widgets.base import IMPORTANCE, Composite, Widget
from hud.widgets.formatting import format_distance, format_minutes
from hud.widgets.primitives import Column, Icon, Row, Text
from hud.widgets.props import Choice, Number, Optional, Prop, Str


class NavArrow(Composite):
    """A thick vector arrow for the maneuver, with the distance to it in large type."""

    type_name = "nav_arrow"
    maneuver = Prop(Choice(MANEUVERS), "straight", required=True, doc="The next maneuver.")
    exit = Prop(Optional(Number(1, 8, integer=True)), None, doc="Roundabout exit number (roundabout only).")
    distance_m = Prop(Number(0, 1e7), 0.0, doc="Distance to the maneuver in metres.")
    street = Prop(Optional(Str(max_len=200)), None, doc="Street after the maneuver.")
    eta_min = Prop(Optional(Number(0, 100_000)), None, doc="Minutes to the destination.")

    def default_importance(self) -> float:
        return IMPORTANCE["nav_arrow"]

    def build(self) -> Widget:
        exit_number = self.exit if self.maneuver == "roundabout" else None
        arrow = Icon(name=self.maneuver, size=Length(2.6, "deg"), exit=exit_number)
        label = "arrive" if self.maneuver == "arrive" and self.distance_m < 5 else format_distance(self.distance_m)
        info = Column(gap=Length(0.05, "deg"))
        info.add(Text(text=label, size="large", weight="bold", max_lines=1))
        if self.street:
            info.add(Text(text=self.street, size="body", max_lines=1))
        if self.eta_min is not None:
            info.add(Text(text=f"ETA {format_minutes(self.eta_min)}", size="small", color="dim", max_lines=1))
        return Row(arrow, info, gap=Length(0.5, "deg"), align="center")
