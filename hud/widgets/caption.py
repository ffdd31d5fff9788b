"""Live captions: speech (or its translation) as a recogniser delivers it."""
from __future__ import annotations

from hud.geometry import Length
from hud.text.wrap import layout_text
from hud.theme import SIZE_ROLES
from hud.widgets.base import IMPORTANCE, Composite, Widget
from hud.widgets.primitives import Column, Text
from hud.widgets.props import PAINT, LanguageKind, LengthKind, Number, Optional, Prop, Str

def text_lines_dropped(text: str, size_px: int, weight: str, width: int, max_lines: int, language: str) -> int:
    """How many whole lines a keep-end text of `max_lines` hides above its first line."""
    total = len(layout_text(text, size_px, weight, width, 0, "clip", 1.25, language).lines)
    return max(0, total - max_lines)


# Text kept in memory for a live caption: enough for many screens of lines.
MAX_BUFFER = 4000


class Caption(Composite):
    """Caption lines, newest at the bottom; older whole lines scroll off the top.

    Speech recognisers deliver a tentative tail that they keep revising (`replace_partial`)
    and then commit it (`append`). Lines whose text did not change are not shaped again.
    """

    type_name = "caption"
    text = Prop(Str(), "", doc="What is being said (source language), committed so far.")
    partial = Prop(Str(max_len=5000), "", doc="Tentative words after `text` that the recogniser may still revise.")
    translation = Prop(Optional(Str()), None, doc="The translation, shown under the text.")
    speaker = Prop(Optional(Str(max_len=200)), None, doc="Who is speaking, shown above the text.")
    lang = Prop(Optional(LanguageKind()), None, doc="Language of `text` (e.g. ja, ar, th).")
    translation_lang = Prop(Optional(LanguageKind()), None, doc="Language of `translation`.")
    max_lines = Prop(Number(1, 20, integer=True), 2, doc="Lines shown for the text (and for the translation).")
    size = Prop(LengthKind(percent=False, low=1, roles=SIZE_ROLES, high_px=400, high_deg=15), "body",
                doc="Font size of the text.")
    width = Prop(LengthKind(auto=True), Length(100.0, "%"), doc="Caption width; the full safe width by default.")
    scroll = Prop(Number(0, 3), 0.0, affects=PAINT,
                  doc="Lines still scrolling up; timelines animate it when appended text pushes lines off the top.")
    back = Prop(Number(0, 10_000, integer=True), 0,
                doc="Lines scrolled back from the newest (the scroll_back / scroll_forward gesture actions).")

    def default_importance(self) -> float:
        return IMPORTANCE["caption"]

    def _prop_changed(self, prop: Prop) -> None:
        if prop.name == "scroll":  # a scroll only moves the drawn text: no rebuild
            main = self._main_text()
            if main is not None:
                main.scroll = self.scroll
            return
        super()._prop_changed(prop)

    def _main_text(self) -> Text | None:
        if self._built is None:
            return None
        return next((c for c in self._built.children if isinstance(c, Text) and c.overflow == "keep-end"), None)

    def lines_dropped(self, text: str) -> int:
        """Whole lines `text` would push off the top at the caption's current width (0 before
        the caption has been laid out)."""
        main = self._main_text()
        block = getattr(main, "text_block", None) if main is not None else None
        if block is None or main.rect.w <= 0:
            return 0
        return text_lines_dropped(text, block.size_px, "bold", main.rect.w, self.max_lines, self.lang or "")

    def append(self, more: str) -> None:
        """Commit recognised text at the end (replacing any partial result); text far beyond
        what can be shown is dropped from the front."""
        text = self.text + more
        if len(text) > MAX_BUFFER:
            cut = text.find(" ", len(text) - MAX_BUFFER)
            text = text[cut + 1 if 0 <= cut < len(text) - MAX_BUFFER // 2 else len(text) - MAX_BUFFER:]
        self.partial = ""
        self.text = text

    def replace_partial(self, partial: str) -> None:
        """Show `partial` after the committed text, replacing the previous partial result."""
        self.partial = partial

    def clear(self) -> None:
        """Remove all text, partial text and translation."""
        self.text = ""
        self.partial = ""
        self.translation = None

    def build(self) -> Widget:
        column = Column(gap=Length(0.15, "deg"), align="stretch")
        if self.speaker:
            column.add(Text(text=self.speaker, size="small", color="dim", max_lines=1, lang=self.lang))
        column.add(Text(text=self.text + self.partial, size=self.size, weight="bold", max_lines=self.max_lines,
                        overflow="keep-end", lang=self.lang, scroll=self.scroll, back=self.back))
        if self.translation:
            column.add(Text(text=self.translation, size=self.size, color="dim", max_lines=self.max_lines,
                            overflow="keep-end", lang=self.translation_lang))
        return column
