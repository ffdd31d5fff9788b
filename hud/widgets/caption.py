"""Live captions: speech (or its translation) as a recogniser delivers it."""

from __future__ import annotations

from typing import ClassVar

from hud.geometry import Length
from hud.text.wrap import join_words
from hud.theme import SIZE_ROLES
from hud.widgets.base import IMPORTANCE, Composite, Widget
from hud.widgets.primitives import Column, Text
from hud.widgets.props import PAINT, LanguageKind, LengthKind, Number, Optional, Prop, Str

# Text kept in memory for a live caption: enough for many screens of lines.
MAX_BUFFER = 4000


class Caption(Composite):
    """Caption lines, newest at the bottom; older whole lines scroll off the top.

    Speech recognisers deliver a tentative tail that they keep revising (`replace_partial`,
    drawn dimmer) and then commit it (`append`). Both join the text with the script's word
    space (`join_words`), so a commit changes only colours. Lines whose text did not change
    are not shaped again.

    Forms: full = speaker, text and translation in `max_lines` lines each; compact = one line
    fewer each; minimal = no speaker, one line each (the newest words).
    """

    type_name = "caption"
    DRAW_FIELDS = ("scroll", "scroll_from", "scroll_left")
    # At the body size a bold Latin letter is about 0.5 deg wide: 8 deg holds some 16 letters
    # (3-4 words, 8-9 Han) per line, below which multi-line text rewraps every couple of words
    # and reads choppily; a single newest-words line (minimal) stays readable at 6 deg.
    MIN_WIDTH_DEG: ClassVar[dict[str, float | None]] = {"full": 8.0, "compact": 8.0, "minimal": 6.0}
    text = Prop(Str(), "", doc="What is being said (source language), committed so far.")
    partial = Prop(Str(max_len=5000), "", doc="Tentative words after `text` that the recogniser may still revise.")
    translation = Prop(Optional(Str()), None, doc="The translation, shown under the text.")
    speaker = Prop(Optional(Str(max_len=200)), None, doc="Who is speaking, shown above the text.")
    lang = Prop(Optional(LanguageKind()), None, doc="Language of `text` (e.g. ja, ar, th).")
    translation_lang = Prop(Optional(LanguageKind()), None, doc="Language of `translation`.")
    max_lines = Prop(Number(1, 20, integer=True), 2, doc="Lines shown for the text (and for the translation).")
    size = Prop(
        LengthKind(percent=False, low=1, roles=SIZE_ROLES, high_px=400, high_deg=15),
        "body",
        doc="Font size of the text.",
    )
    width = Prop(LengthKind(auto=True), Length(100.0, "%"), doc="Caption width; the full safe width by default.")
    scroll = Prop(
        Number(0, 3), 0.0, affects=PAINT, doc="Lines still scrolling up: the text is drawn that many lines lower."
    )
    scroll_from = Prop(
        Optional(Str()),
        None,
        affects=PAINT,
        doc="The text before the latest append, while the lines it pushed off the top scroll away "
        "(timelines set it with scroll_left).",
    )
    scroll_left = Prop(
        Number(0, 1),
        0.0,
        affects=PAINT,
        doc="Share of the scroll after an append still to go, 1 to 0 (timelines animate it).",
    )
    back = Prop(
        Number(0, 10_000, integer=True),
        0,
        doc="Lines scrolled back from the newest (the scroll_back / scroll_forward gesture actions).",
    )

    def default_importance(self) -> float:
        return IMPORTANCE["caption"]

    def refresh(self, built: Widget) -> None:
        """A scroll only moves the drawn text: copied into the build, which is kept."""
        main = _main_text(built)
        if main is not None:
            main.scroll, main.scroll_from, main.scroll_left = self.scroll, self.scroll_from, self.scroll_left

    def _form_lines(self, form: str) -> int:
        """Lines shown for the text (and for the translation) in `form`."""
        return self.max_lines if form == "full" else max(1, self.max_lines - 1) if form == "compact" else 1

    def appended(self, text: str, more: str) -> str:
        """What `text` becomes when `more` is committed: joined after a word space where the
        script has them (`join_words`), with text far beyond what can be shown (past
        MAX_BUFFER characters) dropped from the front, at a word break where there is one."""
        text = join_words(text, more)
        if len(text) > MAX_BUFFER:
            cut = text.find(" ", len(text) - MAX_BUFFER)
            text = text[cut + 1 if 0 <= cut < len(text) - MAX_BUFFER // 2 else len(text) - MAX_BUFFER :]
        return text

    def append(self, more: str) -> None:
        """Commit recognised text at the end (replacing any partial result); see `appended`."""
        text = self.appended(self.text, more)
        self.partial = ""
        self.text = text

    def replace_partial(self, partial: str) -> None:
        """Show `partial` (dimmer) after the committed text and a word space where the script has
        them, replacing the previous partial result."""
        self.partial = partial

    def clear(self) -> None:
        """Remove all text, partial text and translation."""
        self.text = ""
        self.partial = ""
        self.translation = None

    def build(self, form: str) -> Widget:
        lines = self._form_lines(form)
        column = Column(gap=Length(0.15, "deg"), align="stretch")
        if self.speaker and form != "minimal":
            column.add(Text(text=self.speaker, size="small", color="dim", max_lines=1, lang=self.lang))
        shown = join_words(self.text, self.partial)
        main = Text(
            text=shown,
            size=self.size,
            weight="bold",
            max_lines=lines,
            overflow="keep-end",
            lang=self.lang,
            scroll=self.scroll,
            back=self.back,
            scroll_from=self.scroll_from,
            scroll_left=self.scroll_left,
        )
        if self.partial:
            main.dim_from = len(shown) - len(self.partial)
        column.add(main)
        if self.translation:
            column.add(
                Text(
                    text=self.translation,
                    size=self.size,
                    color="dim",
                    max_lines=lines,
                    overflow="keep-end",
                    lang=self.translation_lang,
                )
            )
        return column


def _main_text(built: Widget) -> Text | None:
    """The caption's text in a built subtree: its first keep-end Text."""
    return next((c for c in built.children if isinstance(c, Text) and c.overflow == "keep-end"), None)
