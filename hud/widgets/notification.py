"""Notifications (Alipay, messages, Fliggy travel): app, title and a short body."""

from __future__ import annotations

import typing
from typing import Literal

from hud.geometry import Length
from hud.icons import ICON_NAMES
from hud.names import CARD_EARCONS
from hud.text.language import detect
from hud.widgets.base import IMPORTANCE, Widget
from hud.widgets.card import PADDING_DEG, Card
from hud.widgets.formatting import text_width_deg, words_language, words_language_prop
from hud.widgets.primitives import Column, Icon, Row, Text
from hud.widgets.props import NOTHING, Choice, LengthKind, LengthValue, Optional, Prop, Str

Priority = Literal["low", "normal", "high"]
PRIORITIES: tuple[Priority, ...] = typing.get_args(Priority)


class Notification(Card):
    """A bordered card; high priority draws a heavier, brighter border, low priority is dimmer.

    Compact: icon and title on one line. Minimal: icon and app name.

    >>> import hud
    >>> hud.Notification("Paid ¥25 at FamilyMart", app="Alipay", icon="wallet")
    <notification app='Alipay' title='Paid ¥25 at FamilyMart'>
    """

    type_name = "notification"
    KEY_FIELDS = ("app", "title")
    app: Prop[str, str] = Prop(Str(max_len=100), doc="App that sent it (e.g. Alipay).")
    title: Prop[str, str] = Prop(Str(max_len=500), kw_only=False, doc="Headline.")
    body: Prop[str | None, str | None] = Prop(
        Optional(Str(max_len=5000)), default=None, doc="Details; truncated with … after two lines."
    )
    icon: Prop[str | None, str | None] = Prop(
        Optional(Choice(ICON_NAMES)), default=None, doc="Icon name; a bell by default."
    )
    priority: Prop[Priority, Priority] = Prop(Choice(PRIORITIES), default="normal", doc="low, normal or high.")
    earcon: Prop[str | None, str | None] = Prop(
        Optional(Choice(CARD_EARCONS)),
        default=None,
        affects=NOTHING,
        doc="Sound that opens it when spoken; payment for wallet icons and payment apps, else notification.",
    )
    lang: Prop[str | None, str | None] = words_language_prop()
    width: Prop[LengthValue | None, Length | None] = Prop(
        LengthKind(auto=True),
        default=Length(16.0, "deg"),
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
