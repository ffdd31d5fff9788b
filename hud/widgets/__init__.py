"""Widgets: the retained tree's node types. Importing this module registers every type."""

from __future__ import annotations

from hud.widgets.base import ANCHORS, WIDGET_TYPES, Composite, Widget, create_widget
from hud.widgets.caption import Caption
from hud.widgets.nav_arrow import NavArrow
from hud.widgets.notification import Notification
from hud.widgets.price_card import PriceCard
from hud.widgets.primitives import Column, Icon, Image, Panel, Progress, Row, Stack, Text

__all__ = [
    "ANCHORS",
    "WIDGET_TYPES",
    "Widget",
    "Composite",
    "create_widget",
    "Caption",
    "NavArrow",
    "Notification",
    "PriceCard",
    "Column",
    "Row",
    "Stack",
    "Panel",
    "Text",
    "Icon",
    "Image",
    "Progress",
]
