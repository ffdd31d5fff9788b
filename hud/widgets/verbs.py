"""Live verbs: a timeline's actions as widget methods, and a scene file's rules for trees.

Every widget has `set(**fields)`, `animate(field, to=..., duration=...)`, `show()` and
`hide()`; captions and texts have `append(text)`, captions `replace_partial(text)`. Each does
what the `[[timeline]]` entry of the same name does, validated with the same messages:

    caption.append("next words")        # scrolls its lines up over 250 ms, as an append entry
    card.show(transition="slide")       # fades and slides in over 0.3 s, as a show entry
    arrow.animate("distance_m", to=40, duration="2s", easing="ease-out")

The widgets know no scenes and no timelines: a Scene installs an `Editor` on its root
(`install`), and a verb hands its arguments to the editor of the tree its widget is in. In a
scene that has been drawn the editor adds timeline events at the scene's time; a widget in no
scene, or in a scene not drawn yet, gets its verb's end state at once (from the editor
installed with `install_default`). Plain attribute assignment (`caption.text = "..."`) stays
the immediate form: it sets the field now, with no animation.

The tree keeps a scene file's rules too (`check_add`): a widget is in one place at a time, and
an id is used once in a tree. Every error here is a SceneError naming the app's line.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any, Protocol

from hud.errors import SceneError, app_frame, escape

Place = tuple[str, int | None]  # the app's file and line that called a verb

# The editor of each scene's tree, by the tree's root (kept outside the widgets, which hold
# nothing but their own state; an editor must not hold its root strongly).
_editors: weakref.WeakKeyDictionary[Any, Editor] = weakref.WeakKeyDictionary()
_default: list[Editor] = []  # the editor of widgets in no scene (installed by hud.live)
# The widgets with an id in each tree, by the tree's root and id (weakly: removed widgets go).
_ids: weakref.WeakKeyDictionary[Any, dict[str, weakref.ref[Any]]] = weakref.WeakKeyDictionary()


class Editor(Protocol):
    """What carries out the verbs of the widgets in one tree (hud.live implements it)."""

    def set(self, widget: Any, fields: dict[str, Any], place: Place) -> None: ...

    def animate(
        self, widget: Any, name: str, to: Any, duration: Any, easing: Any, start: Any, place: Place
    ) -> None: ...

    def show(self, widget: Any, transition: Any, duration: Any, hide_after: Any, place: Place) -> None: ...

    def hide(self, widget: Any, transition: Any, duration: Any, place: Place) -> None: ...

    def append(self, widget: Any, more: Any, place: Place) -> None: ...

    def replace_partial(self, widget: Any, partial: Any, place: Place) -> None: ...


def install(root: Any, editor: Editor) -> None:
    """Make `editor` carry out the verbs of every widget in the tree under `root` (a scene's);
    `editor` must not keep `root` alive."""
    _editors[root] = editor


def install_default(editor: Editor) -> None:
    """Make `editor` carry out the verbs of widgets in no scene."""
    _default[:] = [editor]


def editor_of(widget: Any) -> Editor:
    """The editor of the tree `widget` is in (its scene's, else the default)."""
    editor = _editors.get(widget.root)
    if editor is None:
        assert _default, "hud.live installs the default editor when hud is imported"
        editor = _default[0]
    return editor


def caller() -> Place:
    """The app's file and line that called into hud ("<python>" when hud itself did)."""
    frame = app_frame()
    return (frame.f_code.co_filename, frame.f_lineno) if frame is not None else ("<python>", None)


def place_error(place: Place, where: str, problem: str, fix: str) -> SceneError:
    """`file:line: where: problem (fix)` at `place`, everything in it escaped for a terminal."""
    return SceneError(escape(place[0]), place[1], escape(where), escape(problem), escape(fix))


def app_error(where: str, problem: str, fix: str) -> SceneError:
    """A SceneError at the app's line that called into hud."""
    return place_error(caller(), where, problem, fix)


def label(widget: Any) -> str:
    """How messages name a widget: "caption 'live'", "text" (no id), "the scene" (its root)."""
    if not widget.type_name:
        return "the scene"
    return f"{widget.type_name} '{widget.id}'" if widget.id else widget.type_name


class Verbs:
    """The timeline's actions as methods of every widget (see the module's docstring)."""

    def set(self, **fields: Any) -> None:
        """Set fields as a timeline `set` does: from the scene's time in a drawn scene (a later
        timeline event on the field still happens), at once elsewhere.

        >>> import hud
        >>> label = hud.Text("Gate 12", id="gate")
        >>> label.set(text="Gate 14", brightness=0.8)
        >>> label.text
        'Gate 14'
        """
        editor_of(self).set(self, fields, caller())

    def animate(
        self,
        field: str,
        *,
        to: Any,
        duration: float | str,
        easing: str = "linear",
        start: Any = None,
    ) -> None:
        """Move a number field (or `offset_x` / `offset_y`) to `to` over `duration` (seconds, or
        "300ms"), as a timeline `animate` does; `easing` is linear, ease-in, ease-out or
        ease-in-out; `start` is the `from` of the entry (default: the value at the time). In a
        widget not drawn in a scene, the field takes `to` at once.

        >>> import hud
        >>> arrow = hud.NavArrow(maneuver="left", distance_m=120)
        >>> arrow.animate("distance_m", to=40, duration="2s", easing="ease-out")
        >>> arrow.distance_m
        40.0
        """
        editor_of(self).animate(self, field, to, duration, easing, start, caller())

    def show(
        self, transition: str = "fade", duration: float | str = 0.3, hide_after: float | str | None = None
    ) -> None:
        """Show the widget as a timeline `show` does: `transition` fade, slide or none over
        `duration`; `hide_after` hides it again that long after (only in a drawn scene,
        which times it). Elsewhere the widget becomes visible at once.

        >>> import hud
        >>> card = hud.Notification(app="Alipay", title="Paid", visible=False)
        >>> card.show(transition="slide")
        >>> card.visible
        True
        """
        editor_of(self).show(self, transition, duration, hide_after, caller())

    def hide(self, transition: str = "fade", duration: float | str = 0.3) -> None:
        """Hide the widget as a timeline `hide` does: `transition` fade, slide or none over
        `duration`, then invisible. Elsewhere the widget becomes invisible at once.

        >>> import hud
        >>> card = hud.Notification(app="Alipay", title="Paid")
        >>> card.hide()
        >>> card.visible
        False
        """
        editor_of(self).hide(self, transition, duration, caller())


def append(widget: Any, more: Any) -> None:
    """`widget.append(more)` of a caption or text: as a timeline `append` (see Verbs)."""
    editor_of(widget).append(widget, more, caller())


def replace_partial(widget: Any, partial: Any) -> None:
    """`caption.replace_partial(partial)`: as a timeline `set` of `partial` (see Verbs)."""
    editor_of(widget).replace_partial(widget, partial, caller())


def check_add(parent: Any, child: Any) -> None:
    """Refuse to add `child` under `parent` where a scene file could not say it: `child` is
    already in a tree (remove it there first), or an id in it is already used in the tree it
    joins. SceneError at the app's line. (An id given by assignment to a widget already in its
    tree is not indexed; `set(id=...)` is refused.)"""
    if child.parent is not None:
        raise app_error(
            label(child),
            f"is already in {label(child.parent)}",
            "a widget is in one place at a time: remove it there first (parent.remove(widget)), or make another widget",
        )
    joining = {widget.id: widget for widget in _walk(child) if widget.id is not None}
    if not joining:
        return
    root = parent.root
    index = _ids.get(root)
    if index is None:
        index = _ids[root] = {w.id: weakref.ref(w) for w in _walk(root) if w.id is not None}
    for widget_id, again in joining.items():
        ref = index.get(widget_id)
        first = ref() if ref is not None else None
        if first is not None and first.id == widget_id and first.root is root:
            place = caller()
            source = first.source
            if source is None:
                used = "in the scene"
            elif source[0] == place[0]:
                used = f"on line {source[1]}"
            else:
                used = f"at {source[0]}:{source[1]}"
            raise place_error(
                place, label(again), f"id '{widget_id}' is already used {used}", "give each widget its own id"
            )
    index.update((widget_id, weakref.ref(widget)) for widget_id, widget in joining.items())


def _walk(root: Any) -> Iterator[Any]:
    """`root` and every widget below it (declared children), without recursion."""
    stack = [root]
    while stack:
        widget = stack.pop()
        yield widget
        stack.extend(reversed(widget._children))
