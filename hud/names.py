"""Names that scenes and device profiles refer to, kept below the stages that give them meaning.

A profile lists widget types (`[audio] speak`) and a notification names an earcon, yet device
profiles sit below the widgets and widgets below speech. The names live here so each stage can
check them without importing a stage above it; the stage that defines the things keeps its set
equal to these names (tests check both).
"""

from __future__ import annotations

# Every widget type a scene can declare (hud.widgets registers one class under each name).
WIDGET_TYPE_NAMES: tuple[str, ...] = (
    "caption",
    "column",
    "icon",
    "image",
    "nav_arrow",
    "notification",
    "panel",
    "price_card",
    "progress",
    "row",
    "stack",
    "text",
)

# Every earcon hud.speech.earcons synthesises.
EARCONS: tuple[str, ...] = ("notification", "payment", "turn-left", "turn-right", "arrival", "error", "skip")
# The earcons a card may open with ("skip" is the voice's own, for live words it leaves out).
CARD_EARCONS: tuple[str, ...] = tuple(name for name in EARCONS if name != "skip")
