"""Turn-by-turn navigation (Amap): the next maneuver, its distance, the street and ETA."""

from __future__ import annotations

from hud.geometry import Length
from hud.icons import MANEUVERS
from hud.text.language import detect
from hud.widgets.base import IMPORTANCE, Composite, Widget
from hud.widgets.formatting import (
    format_distance,
    format_eta,
    format_exit,
    text_width_deg,
    word,
    words_language,
    words_language_prop,
)
from hud.widgets.primitives import Column, Icon, Row, Stack, Text
from hud.widgets.props import Choice, Number, Optional, Prop, Str

ARROW_DEG = {"full": 2.6, "compact": 2.0, "minimal": 1.8}  # arrow size by form
EXIT_NUMBER_DEG = {"full": 0.9, "compact": 0.75, "minimal": 0.7}  # the exit number drawn in the arrow
ARROW_GAP_DEG = 0.5
STREET_GAP_DEG = 0.4  # between the distance and the street in the compact form
STREET_MIN_DEG = 3.0  # the least of the street line a squeezed compact form keeps (then ellipsised)
# Exits whose spoke or arrowhead fills the arrow's lower right corner: their number goes lower left.
_EXITS_LOWER_RIGHT = (1, 8)


class NavArrow(Composite):
    """A thick vector arrow for the maneuver, with the distance to it in large type.

    Compact: arrow, distance and street on one row (no ETA). Minimal: arrow and distance.

    >>> import hud
    >>> hud.NavArrow("left", distance_m=120, street="Wensan Road", eta_min=9)
    <nav_arrow maneuver='left' distance_m=120>
    """

    type_name = "nav_arrow"
    KEY_FIELDS = ("maneuver", "distance_m")
    maneuver: Prop[str, str] = Prop(Choice(MANEUVERS), kw_only=False, doc="The next maneuver.")
    exit: Prop[int | None, int | None] = Prop(
        Optional(Number(1, 8, integer=True)), default=None, doc="Roundabout exit number (roundabout only)."
    )
    distance_m: Prop[float, float] = Prop(Number(0, 1e7), default=0.0, doc="Distance to the maneuver in metres.")
    street: Prop[str | None, str | None] = Prop(
        Optional(Str(max_len=200)), default=None, doc="Street after the maneuver."
    )
    eta_min: Prop[float | None, float | None] = Prop(
        Optional(Number(0, 100_000)), default=None, doc="Minutes to the destination."
    )
    lang: Prop[str | None, str | None] = words_language_prop()

    def default_importance(self) -> float:
        return IMPORTANCE["nav_arrow"]

    @property
    def language(self) -> str:
        """The language of the arrow's own words: `lang`, else that of the street."""
        return words_language(detect(self.street or "", self.lang))

    @property
    def _exit_number(self) -> int | None:
        return self.exit if self.maneuver == "roundabout" else None

    def _distance_label(self) -> str:
        if self.maneuver == "arrive" and self.distance_m < 5:
            return word("arrive", self.language)
        return format_distance(self.distance_m, self.language)

    def _street_line(self) -> str:
        """The street, after the roundabout exit when there is one: "exit 3 · Wensan Road"."""
        exit_number = self._exit_number
        if exit_number is None:
            return self.street or ""
        return format_exit(exit_number, self.language, self.street)

    def min_width_deg(self, form: str) -> float | None:
        """Compact may squeeze its street line to STREET_MIN_DEG (ellipsised); else natural width."""
        if form != "compact" or text_width_deg(self._street_line()) <= STREET_MIN_DEG:
            return super().min_width_deg(form)
        distance = text_width_deg(self._distance_label(), "large", "bold")
        return ARROW_DEG[form] + ARROW_GAP_DEG + distance + STREET_GAP_DEG + STREET_MIN_DEG

    def build(self, form: str) -> Widget:
        arrow = Icon(name=self.maneuver, size=Length(ARROW_DEG[form], "deg"), exit=self._exit_number)
        distance = Text(text=self._distance_label(), size="large", weight="bold", max_lines=1)
        street = self._street_line()
        if form == "full":
            info: Widget = Column(distance, gap=Length(0.05, "deg"))
            if street:
                info.add(Text(text=street, size="body", max_lines=1))
            if self.eta_min is not None:
                info.add(Text(text=format_eta(self.eta_min, self.language), size="small", color="dim", max_lines=1))
        elif form == "compact" and street:
            # Bottom-aligned, the street's baseline sits on the distance's (as on the price card).
            info = Row(
                distance,
                Text(text=street, size="body", max_lines=1, margin=[0, 0, Length(0.2, "deg"), 0]),
                gap=Length(STREET_GAP_DEG, "deg"),
                align="end",
            )
        else:
            info = distance
        row = Row(arrow, info, gap=Length(ARROW_GAP_DEG, "deg"), align="center")
        return self._with_exit_number(row, form)

    def _with_exit_number(self, row: Row, form: str) -> Widget:
        """`row` with the roundabout exit number drawn in a free lower corner of its arrow."""
        exit_number = self._exit_number
        if exit_number is None:
            return row
        size, digit = ARROW_DEG[form], EXIT_NUMBER_DEG[form]
        # The arrow is centred on the row's middle, as is the number's line box (anchor "left"):
        # moved down by half the arrow less most of the line box, the digits stand on its bottom edge.
        x = size * (0.16 if exit_number in _EXITS_LOWER_RIGHT else 0.68)
        y = size * 0.5 - digit * 0.72
        number = Text(
            text=str(exit_number),
            size=Length(digit, "deg"),
            weight="bold",
            anchor="left",
            offset=[Length(x, "deg"), Length(y, "deg")],
        )
        return Stack(row, number)
