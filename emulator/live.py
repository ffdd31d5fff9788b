"""The HTTP API's side of live edits: naming widgets in requests (by id, or "type@line"), and
new top-level widgets from JSON.

The edits themselves, and the checks they share with the scene file and the widget verbs, are
hud.live's: field changes become events on the scene's timeline at the scene time they
arrive, exactly like a `[[timeline]]` entry written for that moment (see hud.live).
"""

from __future__ import annotations

from typing import Any

from hud.errors import HudError, SceneError, closest, escape
from hud.limits import MAX_DEPTH, MAX_WIDGETS
from hud.live import ApiEdits, check_append, check_fields, declared
from hud.scene import Scene, widget_from_table
from hud.widgets.base import Widget
from hud.widgets.verbs import label

__all__ = [
    "ApiEdits",
    "NoScene",
    "UnknownWidget",
    "check_append",
    "check_fields",
    "check_widget",
    "declared",
    "find",
    "key",
    "label",
]


class UnknownWidget(HudError):
    """No widget has the id a request names."""


class NoScene(HudError):
    """A live edit while no scene is loaded."""


def key(widget: Widget) -> str:
    """How events and GET /widgets name a widget: its id, else "type@line" (its scene file line)."""
    if widget.id:
        return widget.id
    line = widget.source[1] if widget.source else None
    return f"{widget.type_name}@{line}"


def find(scene: Scene, widget_id: str, shown: str) -> Widget:
    """The declared widget with this id; UnknownWidget when there is none."""
    for widget in declared(scene.root):
        if widget.id == widget_id:
            return widget
    ids = [w.id for w in declared(scene.root) if w.id]
    match = closest(widget_id, ids)
    fix = (
        f"did you mean '{escape(match)}'?"
        if match is not None
        else (f"ids in the scene: {', '.join(escape(i) for i in ids[:12])}" if ids else "the scene has no widget ids")
    )
    raise UnknownWidget(f"{shown}: no widget with id '{escape(widget_id)}' ({fix})")


def check_widget(table: Any, scene: Scene, shown: str) -> Widget:
    """A new top-level widget from a JSON `[[widgets]]` table, checked like the scene file; it
    must have an id (so that PATCH and DELETE can reach it) and fit the scene's limits."""
    if not isinstance(table, dict):
        raise SceneError(
            shown,
            None,
            "widget",
            "the body must be a JSON object: one [[widgets]] table",
            'e.g. {"type": "text", "id": "hello", "text": "Hello"}',
        )
    if "id" not in table:
        kind: str = table["type"] if isinstance(table.get("type"), str) else "widget"
        raise SceneError(
            shown, None, escape(kind), "missing 'id'", "give the widget an id, so PATCH and DELETE can reach it"
        )
    widget = widget_from_table(table, scene, shown=shown)
    count = sum(1 for _ in declared(scene.root)) + 1 + sum(1 for _ in declared(widget))
    if count > MAX_WIDGETS:
        raise SceneError(
            shown,
            None,
            escape(label(widget)),
            f"the scene would have {count} widgets; the limit is {MAX_WIDGETS}",
            "remove widgets first (DELETE /widgets/{id})",
        )
    depth = _depth(widget)
    if depth > MAX_DEPTH:
        raise SceneError(
            shown,
            None,
            escape(label(widget)),
            f"containers nest {depth} deep; the limit is {MAX_DEPTH}",
            "flatten the tree",
        )
    return widget


def _depth(widget: Widget) -> int:
    below = [_depth(child) for child in widget.children] if widget.accepts_children else []
    return 1 + max(below, default=0)
