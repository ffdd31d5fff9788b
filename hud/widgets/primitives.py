"""Containers and primitives: the widgets every other widget is built from.

A container takes its children positionally and its fields by keyword; a primitive takes its
main value (a text's text, an icon's name, an image's src, a bar's value) positionally or by
name:

>>> import hud
>>> hud.Row(hud.Icon("wallet"), hud.Text("¥25 paid"), gap="0.4deg")
<row 2 children>
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Literal, cast

from hud.geometry import Length
from hud.icons import ICON_NAMES
from hud.text.fonts import WEIGHTS
from hud.text.itemize import DIRECTIONS
from hud.text.wrap import OVERFLOWS
from hud.theme import SIZE_ROLES
from hud.widgets import verbs
from hud.widgets.base import Anchor, SpeakMode, Widget
from hud.widgets.props import (
    PAINT,
    Choice,
    ColorKind,
    ColorValue,
    EdgesValue,
    LanguageKind,
    LengthKind,
    LengthValue,
    Number,
    OffsetValue,
    Optional,
    Prop,
    Str,
)

Align = Literal["start", "center", "end", "stretch"]
ALIGNS: tuple[Align, ...] = typing.get_args(Align)
Justify = Literal["start", "center", "end", "space-between", "space-around", "space-evenly"]
JUSTIFIES: tuple[Justify, ...] = typing.get_args(Justify)
TextAlign = Literal["start", "end", "left", "center", "right"]
TEXT_ALIGNS: tuple[TextAlign, ...] = typing.get_args(TextAlign)
Fit = Literal["contain", "cover", "stretch"]
FITS: tuple[Fit, ...] = typing.get_args(Fit)

# Containers take their children positionally (`Column(a, b, gap=...)`), which PEP 681 cannot
# express: each declares its constructor for type checkers below, listing exactly its fields
# (tests/test_typed_widgets.py checks them against the declarations). At run time every widget
# is built by Widget.__init__.


class Column(Widget):
    """Children stacked top to bottom.

    >>> import hud
    >>> hud.Column(hud.Text("Gate B12"), hud.Text("Boarding 14:05", color="dim"), gap="0.2deg")
    <column 2 children>
    """

    type_name = "column"
    accepts_children = True
    gap: Prop[LengthValue, Length] = Prop(
        LengthKind(percent=False), default=Length(0.0), doc="Space between children, px or deg."
    )
    align: Prop[Align, Align] = Prop(
        Choice(ALIGNS), default="start", doc="Cross-axis placement of children (horizontal)."
    )
    justify: Prop[Justify, Justify] = Prop(
        Choice(JUSTIFIES), default="start", doc="Main-axis distribution of leftover space (vertical)."
    )

    if TYPE_CHECKING:

        def __init__(
            self,
            *children: Widget,
            id: str | None = ...,
            visible: bool = ...,
            anchor: Anchor = ...,
            offset: OffsetValue = ...,
            margin: EdgesValue = ...,
            padding: EdgesValue = ...,
            width: LengthValue | None = ...,
            height: LengthValue | None = ...,
            grow: float = ...,
            depth_m: float | None = ...,
            brightness: float = ...,
            speak: SpeakMode = ...,
            spoken: str | None = ...,
            importance: float | None = ...,
            gap: LengthValue = ...,
            align: Align = ...,
            justify: Justify = ...,
        ) -> None: ...


class Row(Widget):
    """Children placed left to right.

    >>> import hud
    >>> hud.Row(hud.Icon("left"), hud.Text("120 m", size="large"), gap="0.5deg")
    <row 2 children>
    """

    type_name = "row"
    accepts_children = True
    gap: Prop[LengthValue, Length] = Prop(
        LengthKind(percent=False), default=Length(0.0), doc="Space between children, px or deg."
    )
    align: Prop[Align, Align] = Prop(
        Choice(ALIGNS), default="center", doc="Cross-axis placement of children (vertical)."
    )
    justify: Prop[Justify, Justify] = Prop(
        Choice(JUSTIFIES), default="start", doc="Main-axis distribution of leftover space (horizontal)."
    )

    if TYPE_CHECKING:

        def __init__(
            self,
            *children: Widget,
            id: str | None = ...,
            visible: bool = ...,
            anchor: Anchor = ...,
            offset: OffsetValue = ...,
            margin: EdgesValue = ...,
            padding: EdgesValue = ...,
            width: LengthValue | None = ...,
            height: LengthValue | None = ...,
            grow: float = ...,
            depth_m: float | None = ...,
            brightness: float = ...,
            speak: SpeakMode = ...,
            spoken: str | None = ...,
            importance: float | None = ...,
            gap: LengthValue = ...,
            align: Align = ...,
            justify: Justify = ...,
        ) -> None: ...


class Stack(Widget):
    """Children layered in the same box, each placed by its own anchor and offset.

    >>> import hud
    >>> hud.Stack(hud.Icon("roundabout"), hud.Text("3", anchor="bottom-right"))
    <stack 2 children>
    """

    type_name = "stack"
    accepts_children = True

    if TYPE_CHECKING:

        def __init__(
            self,
            *children: Widget,
            id: str | None = ...,
            visible: bool = ...,
            anchor: Anchor = ...,
            offset: OffsetValue = ...,
            margin: EdgesValue = ...,
            padding: EdgesValue = ...,
            width: LengthValue | None = ...,
            height: LengthValue | None = ...,
            grow: float = ...,
            depth_m: float | None = ...,
            brightness: float = ...,
            speak: SpeakMode = ...,
            spoken: str | None = ...,
            importance: float | None = ...,
        ) -> None: ...


class Screen(Stack):
    """The root of a scene's tree: one display's area, children anchored inside its safe margins."""

    type_name = ""


class Panel(Widget):
    """A rounded rectangle with an optional border and fill; children are stacked inside it.

    >>> import hud
    >>> hud.Panel(hud.Text("Paused"), padding="0.4deg", anchor="center")
    <panel 1 child>
    """

    type_name = "panel"
    accepts_children = True
    radius: Prop[LengthValue, Length] = Prop(
        LengthKind(percent=False), default=Length(8.0), affects=PAINT, doc="Corner radius, px or deg."
    )
    border: Prop[LengthValue, Length] = Prop(
        LengthKind(percent=False), default=Length(2.0), affects=PAINT, doc="Border width, px or deg (0: none)."
    )
    border_color: Prop[ColorValue, ColorValue] = Prop(ColorKind(), default="dim", affects=PAINT, doc="Border colour.")
    fill: Prop[ColorValue, ColorValue] = Prop(
        ColorKind(),
        default="off",
        affects=PAINT,
        doc="Fill colour; 'off' keeps the inside transparent to the world (recommended).",
    )

    if TYPE_CHECKING:

        def __init__(
            self,
            *children: Widget,
            id: str | None = ...,
            visible: bool = ...,
            anchor: Anchor = ...,
            offset: OffsetValue = ...,
            margin: EdgesValue = ...,
            padding: EdgesValue = ...,
            width: LengthValue | None = ...,
            height: LengthValue | None = ...,
            grow: float = ...,
            depth_m: float | None = ...,
            brightness: float = ...,
            speak: SpeakMode = ...,
            spoken: str | None = ...,
            importance: float | None = ...,
            radius: LengthValue = ...,
            border: LengthValue = ...,
            border_color: ColorValue = ...,
            fill: ColorValue = ...,
        ) -> None: ...


class Text(Widget):
    """A run of text, wrapped to the width it gets.

    >>> import hud
    >>> hud.Text("Turn left onto Wensan Road", size="large", id="street")
    <text 'street' text='Turn left onto Wensan Road'>
    """

    type_name = "text"
    text: Prop[str, str] = Prop(Str(), default="", kw_only=False, doc="The text; \\n starts a new line.")
    size: Prop[LengthValue, Length | str] = Prop(
        LengthKind(percent=False, low=1, roles=SIZE_ROLES, high_px=400, high_deg=15),
        default="body",
        doc=f"Font size: a role ({', '.join(SIZE_ROLES)}) or px / deg.",
    )
    weight: Prop[str, str] = Prop(Choice(WEIGHTS), default="regular", doc="Font weight.")
    align: Prop[TextAlign, TextAlign] = Prop(
        Choice(TEXT_ALIGNS),
        default="start",
        doc="Line alignment; start is left for left-to-right paragraphs and right for right-to-left ones.",
    )
    lang: Prop[str | None, str | None] = Prop(
        Optional(LanguageKind()),
        default=None,
        doc="Language tag (e.g. ja, ar, zh-Hans) for language-specific glyph forms and word breaking.",
    )
    direction: Prop[str, str] = Prop(
        Choice(DIRECTIONS), default="auto", doc="Paragraph direction: auto (from the first strong letter), ltr or rtl."
    )
    color: Prop[ColorValue, ColorValue] = Prop(ColorKind(), default="fg", affects=PAINT, doc="Text colour.")
    max_lines: Prop[int, int] = Prop(Number(0, 1000, integer=True), default=0, doc="Most lines shown (0: no limit).")
    overflow: Prop[str, str] = Prop(
        Choice(OVERFLOWS),
        default="ellipsis",
        doc="When lines run out: 'ellipsis' ends with …, 'clip' cuts, 'keep-end' keeps the newest lines.",
    )
    line_height: Prop[float, float] = Prop(
        Number(0.8, 3), default=1.25, doc="Line spacing as a multiple of the font size."
    )
    back: Prop[int, int] = Prop(
        Number(0, 10_000, integer=True),
        default=0,
        doc="Keep-end text: lines scrolled back from the newest (gestures scroll captions with it).",
    )
    scroll: Prop[float, float] = Prop(
        Number(0, 3),
        default=0.0,
        affects=PAINT,
        doc="Lines still scrolling up (keep-end text): the block is drawn that many lines lower, "
        "with the lines above it entering from the top edge, clipped to the box.",
    )
    scroll_from: Prop[str | None, str | None] = Prop(
        Optional(Str()),
        default=None,
        affects=PAINT,
        doc="Keep-end text: the text before the latest append, while the lines it pushed off the "
        "top scroll away (timelines set it with scroll_left).",
    )
    scroll_left: Prop[float, float] = Prop(
        Number(0, 1),
        default=0.0,
        affects=PAINT,
        doc="Share of the scroll after an append still to go, 1 to 0: the lines `text` pushed off "
        "the top since `scroll_from` (at most 3) are added to `scroll` times this.",
    )
    # Not a field (so not annotated, which would make it one): composites set it on a Text they
    # build (a live caption's tentative words), with `dim`. Characters of `text` from this
    # index on are drawn in the "dim" colour; the wrapping is unchanged.
    dim_from = cast("int | None", None)

    def dim(self, start: int | None) -> None:
        """Draw the characters from `start` on (None: none) in the "dim" colour, re-painting
        the text if that changes what is dim."""
        if start != self.dim_from:
            self.dim_from = start
            self._revision += 1
            self.mark_paint()

    def appended(self, text: str, more: str) -> str:
        """What `text` becomes when `more` is appended (a timeline `append` or `append()`)."""
        return text + more

    def append(self, more: str) -> None:
        """Add `more` at the end of the text as a timeline `append` does: in a scene that has
        been drawn, from the scene's time, the lines it pushes off the top scrolling away over
        250 ms; elsewhere at once. SceneError (naming the calling line) past MAX_TEXT_CHARS
        characters."""
        verbs.append(self, more)


class Icon(Widget):
    """A vector icon from the built-in set, stroked thick for waveguide displays.

    >>> import hud
    >>> hud.Icon("wallet", size="2deg")
    <icon name='wallet'>
    """

    type_name = "icon"
    name: Prop[str, str] = Prop(Choice(ICON_NAMES), kw_only=False, doc="Icon name.")
    size: Prop[LengthValue, Length] = Prop(
        LengthKind(percent=False, low=1, high_px=2000, high_deg=60),
        default=Length(1.2, "deg"),
        doc="Icon size (square), px or deg.",
    )
    color: Prop[ColorValue, ColorValue] = Prop(ColorKind(), default="fg", affects=PAINT, doc="Stroke colour.")
    stroke: Prop[float, float] = Prop(
        Number(0.25, 4), default=1.0, affects=PAINT, doc="Stroke width as a multiple of the default."
    )
    exit: Prop[int | None, int | None] = Prop(
        Optional(Number(1, 8, integer=True)), default=None, affects=PAINT, doc="Exit number, for the roundabout icon."
    )


class Image(Widget):
    """A PNG image, scaled into its box; its brightness becomes light on a mono panel.

    >>> import hud
    >>> hud.Image("map.png", width="6deg")
    <image src='map.png'>
    """

    type_name = "image"
    src: Prop[str, str] = Prop(
        Str(max_len=1000),
        kw_only=False,
        doc="Image path (PNG, JPEG, WebP or GIF), relative to the scene file, inside its folder.",
    )
    fit: Prop[Fit, Fit] = Prop(Choice(FITS), default="contain", doc="How the image fills its box.")


class Progress(Widget):
    """A horizontal progress bar.

    >>> import hud
    >>> hud.Progress(0.4, width="8deg")
    <progress value=0.4>
    """

    type_name = "progress"
    value: Prop[float, float] = Prop(
        Number(0, 1), default=0.0, affects=PAINT, kw_only=False, doc="Fraction done, 0..1."
    )
    color: Prop[ColorValue, ColorValue] = Prop(ColorKind(), default="fg", affects=PAINT, doc="Bar colour.")
