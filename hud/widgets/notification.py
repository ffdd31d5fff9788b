"""Notifications (Alipay, messages, Fliggy travel): app, title and a short body."""
from __future__ import annotations

from hud.geometry import Length
from hud.icons import ICON_NAMES
from hud.widgets.base import IMPORTANCE, Composite, Widget
from hud.widgets.primitives import Column, Icon, Panel, Row, Text
from hud.speech.earcons import EARCONS
from hud.widgets.props import NOTHING, Choice, LengthKind, Optional, Prop, Str

PRIORITIES = ("low", "normal", "high")


class Notification(Composite):
    """A bordered card; high priority draws a heavier, brighter border, low priority is dimmer."""

    type_name = "notification"
    app = Prop(Str(max_len=100), "", required=True, doc="App that sent it (e.g. Alipay).")
    title = Prop(Str(max_len=500), "", required=True, doc="Headline.")
    body = Prop(Optional(Str(max_len=5000)), None, doc="Details; truncated with … after two lines.")
    icon = Prop(Optional(Choice(ICON_NAMES)), None, doc="Icon name; a bell by default.")
    priority = Prop(Choice(PRIORITIES), "normal", doc="low, normal or high.")
    earcon = Prop(Optional(Choice(EARCONS)), None, affects=NOTHING,
                  doc="Sound that opens it when spoken; payment for wallet icons and payment apps, else notification.")
    width = Prop(LengthKind(auto=True), Length(16.0, "deg"), doc="Card width; 16 deg by default.")

    def default_importance(self) -> float:
        return IMPORTANCE[f"notification-{self.priority}"]

    def build(self) -> Widget:
        text = Column(gap=Length(0.08, "deg"), grow=1, align="stretch")
        text.add(Text(text=self.app, size="small", color="dim", max_lines=1))
        text.add(Text(text=self.title, size="body", weight="bold", max_lines=2))
        if self.body:
            text.add(Text(text=self.body, size="body", max_lines=2, overflow="ellipsis"))
        icon_name = self.icon or ("alert" if self.priority == "high" else "bell")
        icon = Icon(name=icon_name, size=Length(1.3, "deg"))
        content = Row(icon, text, gap=Length(0.45, "deg"), align="start", width=Length(100.0, "%"))
        high = self.priority == "high"
        return Panel(content, padding=Length(0.45, "deg"), radius=Length(0.35, "deg"),
                     border=Length(3.0 if high else 2.0), border_color="fg" if high else "dim",
                     brightness=0.7 if self.priority == "low" else 1.0)
