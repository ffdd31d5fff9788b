"""Live captions: speech (or its translation) as a recogniser delivers it."""
from __future__ import annotations

from hud.geometry import Length
from hud.theme import SIZE_ROLES
from hud.widgets.base import Composite, Widget
from hud.widgets.primitives import Column, Text
from hud.widgets.props import LanguageKind, LengthKind, Number, Optional, Prop, Str

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

    def append(self, more: str) -> None:
        """Commit recognised text at the end (replacing any partial result); text far beyond
        what can be shown is dropped from the front."""
        text = self.text + more
        if len(text) > MAX_BUFFER:
            cut = text.find(" ", len(text) - MAX_BUFFER)
            text = text[cut + 1 if 0 <= cut < len(text) - MAX_BUFFER // 2 else len(text) - MAX_BUFFER:]
        self._values["partial"] = ""
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
                        overflow="keep-end", lang=self.lang))
        if self.translation:
            column.add(Text(text=self.translation, size=self.size, color="dim", max_lines=self.max_lines,
                            overflow="keep-end", lang=self.translation_lang))
        return column
