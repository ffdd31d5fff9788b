"""Notifications (Alipay, messages, Fliggy travel): app, title and a short body."""

from __future__ import annotations

from hud.geometry import Length
from hud.icons import ICON_NAMES
from hud.names import CARD_EARCONS
from hud.text.language import detect
from hud.widgets.base import IMPORTANCE, Widget
from hud.widgets.card import PADDING_DEG, Card
from hud.widgets.formatting import text_width_deg, words_language, words_language_prop
from hud.widgets.primitives import Column, Icon, Row, Text
from hud.widgets.props import NOTHING, Choice, LengthKind, Optional, Prop, Str

PRIORITIES = ("low", "normal", "high")


class Notification(Card):
    """A bordered card; high priority draws a heavier, brighter border, low priority is dimmer.

    Compact: icon and title on one line. Minimal: icon and app name.
    """

    type_name = "notification"
    app = Prop(Str(max_len=100), "", required=True, doc="App that sent it (e.g. Alipay).")
    title = Prop(Str(max_len=500), "", required=True, doc="Headline.")
    body = Prop(Optional(Str(max_len=5000)), None, doc="Details; truncated with … after two lines.")
    icon = Prop(Optional(Choice(ICON_NAMES)), None, doc="Icon name; a bell by default.")
    priority = Prop(Choice(PRIORITIES), "normal", doc="low, normal or high.")
    earcon = Prop(
        Optional(Choice(CARD_EARCONS)),
        None,
        affects=NOTHING,
        doc="Sound that opens it when spoken; payment for wallet icons and payment apps, else notification.",
    )
    lang = words_language_prop()
    width = Prop(
        LengthKind(auto=True),
        Length(16.0, "deg"),
        doc="Card width; 16 deg by default. Compact and minimal forms are as wide as their content, up to this width.",
    )
    # Full: room for two lines of title; compact: the icon and about 4 degrees of title.
    MIN_WIDTH_DEG = {"full": 9.0, "compact": 6.5, "minimal": None}

    def default_importance(self) -> float:
        return IMPORTANCE[f"notification-{self.priority}"]

    @property
    def language(self) -> str:
        """The language of the card's own words: `lang`, else that of its app, title and body."""
        return words_language(detect(" ".join(filter(None, (self.app, self.title, self.body))), self.lang))

    def build(self, form: str) -> Widget:
        icon_name = self.icon or ("alert" if self.priority == "high" else "bell")
        icon_deg = 1.3 if form == "full" else 1.1
        icon = Icon(name=icon_name, size=Length(icon_deg, "deg"))
        gap = 0.45 if form == "full" else 0.35
        if form == "full":
            text: Widget = Column(gap=Length(0.08, "deg"), grow=1, align="stretch")
            text.add(Text(text=self.app, size="small", color="dim", max_lines=1))
            text.add(Text(text=self.title, size="body", weight="bold", max_lines=2))
            if self.body:
                text.add(Text(text=self.body, size="body", max_lines=2, overflow="ellipsis"))
            content = Row(icon, text, gap=Length(gap, "deg"), align="start", width=Length(100.0, "%"))
            text_deg = 0.0
        else:
            words = self.title if form == "compact" or not self.app else self.app
            text_deg = text_width_deg(words, "body", "bold")
            content = Row(
                icon, Text(text=words, size="body", weight="bold", max_lines=1), gap=Length(gap, "deg"), align="center"
            )
        high = self.priority == "high"
        padding = Length(PADDING_DEG, "deg")
        vertical = padding if form == "full" else Length(0.3, "deg")
        return self.card_panel(
            form,
            content,
            icon_deg + gap + text_deg,
            padding=[vertical, padding],
            border=Length(3.0 if high else 2.0),
            border_color="fg" if high else "dim",
            brightness=0.7 if self.priority == "low" else 1.0,
        )
