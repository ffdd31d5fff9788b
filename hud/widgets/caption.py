"""Live captions: speech (or its translation) as a recogniser delivers it."""

from __future__ import annotations

from typing import ClassVar

from hud.geometry import Length
from hud.text.wrap import join_words
from hud.theme import SIZE_ROLES
from hud.widgets import verbs
from hud.widgets.base import IMPORTANCE, Composite, Widget
from hud.widgets.primitives import Column, Text
from hud.widgets.props import PAINT, LanguageKind, LengthKind, LengthValue, Number, Optional, Prop, Str

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

    >>> import hud
    >>> hud.Caption("Where is the metro station?", translation="地铁站在哪里？", anchor="bottom")
    <caption text='Where is the metro station?'>
    """

    type_name = "caption"
    DRAW_FIELDS = ("scroll", "scroll_from", "scroll_left")
    TEXT_FIELDS = ("text", "partial", "translation")
    # At the body size a bold Latin letter is about 0.5 deg wide: 8 deg holds some 16 letters
    # (3-4 words, 8-9 Han) per line, below which multi-line text rewraps every couple of words
    # and reads choppily; a single newest-words line (minimal) stays readable at 6 deg.
    MIN_WIDTH_DEG: ClassVar[dict[str, float | None]] = {"full": 8.0, "compact": 8.0, "minimal": 6.0}
    text: Prop[str, str] = Prop(
        Str(), default="", kw_only=False, doc="What is being said (source language), committed so far."
    )
    partial: Prop[str, str] = Prop(
        Str(max_len=5000), default="", doc="Tentative words after `text` that the recogniser may still revise."
    )
    translation: Prop[str | None, str | None] = Prop(
        Optional(Str()), default=None, doc="The translation, shown under the text."
    )
    speaker: Prop[str | None, str | None] = Prop(
        Optional(Str(max_len=200)), default=None, doc="Who is speaking, shown above the text."
    )
    lang: Prop[str | None, str | None] = Prop(
        Optional(LanguageKind()), default=None, doc="Language of `text` (e.g. ja, ar, th)."
    )
    translation_lang: Prop[str | None, str | None] = Prop(
        Optional(LanguageKind()), default=None, doc="Language of `translation`."
    )
    max_lines: Prop[int, int] = Prop(
        Number(1, 20, integer=True), default=2, doc="Lines shown for the text (and for the translation)."
    )
    size: Prop[LengthValue, Length | str] = Prop(
        LengthKind(percent=False, low=1, roles=SIZE_ROLES, high_px=400, high_deg=15),
        default="body",
        doc="Font size of the text.",
    )
    width: Prop[LengthValue | None, Length | None] = Prop(
        LengthKind(auto=True), default=Length(100.0, "%"), doc="Caption width; the full safe width by default."
    )
    scroll: Prop[float, float] = Prop(
        Number(0, 3),
        default=0.0,
        affects=PAINT,
        doc="Lines still scrolling up: the text is drawn that many lines lower.",
    )
    scroll_from: Prop[str | None, str | None] = Prop(
        Optional(Str()),
        default=None,
        affects=PAINT,
        doc="The text before the latest append, while the lines it pushed off the top scroll away "
        "(timelines set it with scroll_left).",
    )
    scroll_left: Prop[float, float] = Prop(
        Number(0, 1),
        default=0.0,
        affects=PAINT,
        doc="Share of the scroll after an append still to go, 1 to 0 (timelines animate it).",
    )
    back: Prop[int, int] = Prop(
        Number(0, 10_000, integer=True),
        default=0,
        doc="Lines scrolled back from the newest (the scroll_back / scroll_forward gesture actions).",
    )

    def default_importance(self) -> float:
        return IMPORTANCE["caption"]

    def refresh(self, built: Widget) -> bool:
        """A scroll only moves the drawn text, and new words go into the Texts already built
        (a caption that gains or loses its translation is built again)."""
        main = _main_text(built)
        if main is None:
            return False
        texts = [child for child in built.children if isinstance(child, Text)]
        translated = texts[-1] is not main
        if translated != bool(self.translation):
            return False
        main.scroll, main.scroll_from, main.scroll_left = self.scroll, self.scroll_from, self.scroll_left
        shown = join_words(self.text, self.partial)
        if main.text != shown:
            main.text = shown
        main.dim(len(shown) - len(self.partial) if self.partial else None)
        if self.translation and texts[-1].text != self.translation:
            texts[-1].text = self.translation
        return True

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
        """Commit recognised text at the end, replacing any partial result (see `appended`), as
        a timeline `append` does: in a scene that has been drawn, from the scene's time, the
        lines it pushes off the top scrolling away over 250 ms; elsewhere at once."""
        verbs.append(self, more)

    def replace_partial(self, partial: str) -> None:
        """Show `partial` (dimmer) after the committed text and a word space where the script has
        them, replacing the previous partial result: as a timeline `set` of `partial` (from the
        scene's time in a scene that has been drawn, elsewhere at once)."""
        verbs.replace_partial(self, partial)

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
            main.dim(len(shown) - len(self.partial))
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
