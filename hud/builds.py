"""Builds: the primitive subtrees composites draw with, and the form each one is drawn in.

Part of the compose stage. A composite (caption, card, nav arrow) is data; what it draws is
`composite.build(form)`, a subtree of primitives. A renderer keeps one `Builds` table: the
compositor's choice of form per composite, and each form's build until a field that needs a
new one changes. Builds are never linked into the scene's tree, so one scene can be drawn by
any number of renderers, each with its own forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from weakref import ref

from hud.tables import IdentityTable
from hud.widgets.base import FORMS, Composite, Widget


class Builds:
    """Forms and built subtrees of the composites one renderer draws."""

    def __init__(self) -> None:
        self._forms: IdentityTable[Composite, str] = IdentityTable()  # the compositor's choice
        # composite -> form -> (build revision, draw revision, subtree)
        self._built: IdentityTable[Composite, dict[str, tuple[int, int, Widget]]] = IdentityTable()
        # widget -> moved on when a form at or below it changes (the layout stage reads it)
        self._form_stamps: IdentityTable[Widget, int] = IdentityTable()
        self._owners: IdentityTable[Widget, ref[Composite]] = IdentityTable()  # build -> composite
        self.built = 0  # subtrees built (cache misses), for tests and the profiler

    def form(self, widget: Composite) -> str:
        """The form drawn now: the pinned `form`, else the compositor's choice (full at first)."""
        return widget.form if widget.form != "auto" else self._forms.get(widget, "full")

    def use_form(self, widget: Composite, form: str) -> bool:
        """The compositor's choice of form (a pinned `form` still wins); True if what is drawn
        changed."""
        if form not in FORMS:
            raise ValueError(f"form must be one of {', '.join(FORMS)}, got {form!r}")
        before = self.form(widget)
        self._forms[widget] = form
        if self.form(widget) == before:
            return False
        node: Widget | None = widget
        while node is not None:
            self._form_stamps[node] = self._form_stamps.get(node, 0) + 1
            node = node.parent
        return True

    def form_stamp(self, widget: Widget) -> int:
        """Moved on whenever a form at or below `widget` changed (its size may have)."""
        return self._form_stamps.get(widget, 0)

    def content(self, widget: Composite) -> Widget:
        """The subtree `widget` draws in its current form (built on first use after a change)."""
        form = self.form(widget)
        forms = self._built.get(widget)
        if forms is None:
            forms = self._built[widget] = {}
        revision = widget._build_revision
        entry = forms.get(form)
        if entry is not None and entry[0] == revision and entry[1] != widget._revision:
            if widget.refresh(entry[2]):  # only draw or text fields changed: the build is kept
                entry = forms[form] = (entry[0], widget._revision, entry[2])
            else:
                entry = None
        if entry is None or entry[0] != revision:
            for stale in [name for name, kept in forms.items() if kept[0] != revision or name == form]:
                del forms[stale]  # built from fields that have changed since
            self.built += 1
            entry = forms[form] = (revision, widget._revision, widget.build(form))
            self._owners[entry[2]] = ref(widget)
        return entry[2]

    def owner(self, widget: Widget) -> Composite | None:
        """The composite whose build holds `widget` (None: `widget` is not in a build)."""
        node = widget
        while node.parent is not None:
            node = node.parent
        composite = self._owners.get(node)
        return composite() if composite is not None else None

    def existing(self, widget: Composite) -> Widget | None:
        """The subtree `widget` draws in its current form if it has been built (never builds)."""
        forms = self._built.get(widget)
        entry = forms.get(self.form(widget)) if forms is not None else None
        return entry[2] if entry is not None else None

    def children(self, widget: Widget) -> tuple[Widget, ...]:
        """What is drawn inside `widget`: a composite's build, a container's children."""
        if isinstance(widget, Composite):
            return (self.content(widget),)
        return widget.children

    def walk(self, widget: Widget) -> Iterator[Widget]:
        """`widget` and everything drawn inside it, builds included, depth first."""
        yield widget
        for child in self.children(widget):
            yield from self.walk(child)

    def forget(self) -> None:
        """Drop every build (they hold sizes for one device)."""
        self._built.clear()
