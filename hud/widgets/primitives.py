"""Containers and primitives: the widgets every other widget is built from."""

from __future__ import annotations

from hud.geometry import Length
from hud.icons import ICON_NAMES
from hud.text.fonts import WEIGHTS
from hud.text.itemize import DIRECTIONS
from hud.text.wrap import OVERFLOWS
from hud.theme import SIZE_ROLES
from hud.widgets.base import Widget
from hud.widgets.props import PAINT, Choice, ColorKind, LanguageKind, LengthKind, Number, Optional, Prop, Str

ALIGNS = ("start", "center", "end", "stretch")
JUSTIFIES = ("start", "center", "end", "space-between", "space-around", "space-evenly")
TEXT_ALIGNS = ("start", "end", "left", "center", "right")


class Column(Widget):
    """Children stacked top to bottom."""

    type_name = "column"
    accepts_children = True
    gap = Prop(LengthKind(percent=False), Length(0.0), doc="Space between children, px or deg.")
    align = Prop(Choice(ALIGNS), "start", doc="Cross-axis placement of children (horizontal).")
    justify = Prop(Choice(JUSTIFIES), "start", doc="Main-axis distribution of leftover space (vertical).")


class Row(Widget):
    """Children placed left to right."""

    type_name = "row"
    accepts_children = True
    gap = Prop(LengthKind(percent=False), Length(0.0), doc="Space between children, px or deg.")
    align = Prop(Choice(ALIGNS), "center", doc="Cross-axis placement of children (vertical).")
    justify = Prop(Choice(JUSTIFIES), "start", doc="Main-axis distribution of leftover space (horizontal).")


class Stack(Widget):
    """Children layered in the same box, each placed by its own anchor and offset."""

    type_name = "stack"
    accepts_children = True


class Screen(Stack):
    """The root of a scene's tree: one display's area, children anchored inside its safe margins."""

    type_name = ""


class Panel(Widget):
    """A rounded rectangle with an optional border and fill; children are stacked inside it."""

    type_name = "panel"
    accepts_children = True
    radius = Prop(LengthKind(percent=False), Length(8.0), affects=PAINT, doc="Corner radius, px or deg.")
    border = Prop(LengthKind(percent=False), Length(2.0), affects=PAINT, doc="Border width, px or deg (0: none).")
    border_color = Prop(ColorKind(), "dim", affects=PAINT, doc="Border colour.")
    fill = Prop(
        ColorKind(),
        "off",
        affects=PAINT,
        doc="Fill colour; 'off' keeps the inside transparent to the world (recommended).",
    )


class Text(Widget):
    """A run of text, wrapped to the width it gets."""

    type_name = "text"
    text = Prop(Str(), "", doc="The text; \\n starts a new line.")
    size = Prop(
        LengthKind(percent=False, low=1, roles=SIZE_ROLES, high_px=400, high_deg=15),
        "body",
        doc=f"Font size: a role ({', '.join(SIZE_ROLES)}) or px / deg.",
    )
    weight = Prop(Choice(WEIGHTS), "regular", doc="Font weight.")
    align = Prop(
        Choice(TEXT_ALIGNS),
        "start",
        doc="Line alignment; start is left for left-to-right paragraphs and right for right-to-left ones.",
    )
    lang = Prop(
        Optional(LanguageKind()),
        None,
        doc="Language tag (e.g. ja, ar, zh-Hans) for language-specific glyph forms and word breaking.",
    )
    direction = Prop(
        Choice(DIRECTIONS), "auto", doc="Paragraph direction: auto (from the first strong letter), ltr or rtl."
    )
    color = Prop(ColorKind(), "fg", affects=PAINT, doc="Text colour.")
    max_lines = Prop(Number(0, 1000, integer=True), 0, doc="Most lines shown (0: no limit).")
    overflow = Prop(
        Choice(OVERFLOWS),
        "ellipsis",
        doc="When lines run out: 'ellipsis' ends with …, 'clip' cuts, 'keep-end' keeps the newest lines.",
    )
    line_height = Prop(Number(0.8, 3), 1.25, doc="Line spacing as a multiple of the font size.")
    back = Prop(
        Number(0, 10_000, integer=True),
        0,
        doc="Keep-end text: lines scrolled back from the newest (gestures scroll captions with it).",
    )
    scroll = Prop(
        Number(0, 3),
        0.0,
        affects=PAINT,
        doc="Lines still scrolling up (keep-end text): the block is drawn that many lines lower, "
        "with the lines above it entering from the top edge, clipped to the box.",
    )
    scroll_from = Prop(
        Optional(Str()),
        None,
        affects=PAINT,
        doc="Keep-end text: the text before the latest append, while the lines it pushed off the "
        "top scroll away (timelines set it with scroll_left).",
    )
    scroll_left = Prop(
        Number(0, 1),
        0.0,
        affects=PAINT,
        doc="Share of the scroll after an append still to go, 1 to 0: the lines `text` pushed off "
        "the top since `scroll_from` (at most 3) are added to `scroll` times this.",
    )
    # Not a field: composites set it on a Text they build (a live caption's tentative words).
    # Characters of `text` from this index on are drawn in the "dim" colour; the wrapping is
    # unchanged. Set it before the first paint: changing it later does not re-paint.
    dim_from: int | None = None

    def appended(self, text: str, more: str) -> str:
        """What `text` becomes when `more` is appended (a timeline `append` or `append()`)."""
        return text + more

    def append(self, more: str) -> None:
        """Add `more` at the end of the text; FieldError past MAX_TEXT_CHARS characters."""
        self.text = self.appended(self.text, more)


class Icon(Widget):
    """A vector icon from the built-in set, stroked thick for waveguide displays."""

    type_name = "icon"
    name = Prop(Choice(ICON_NAMES), "bell", required=True, doc="Icon name.")
    size = Prop(
        LengthKind(percent=False, low=1, high_px=2000, high_deg=60),
        Length(1.2, "deg"),
        doc="Icon size (square), px or deg.",
    )
    color = Prop(ColorKind(), "fg", affects=PAINT, doc="Stroke colour.")
    stroke = Prop(Number(0.25, 4), 1.0, affects=PAINT, doc="Stroke width as a multiple of the default.")
    exit = Prop(Optional(Number(1, 8, integer=True)), None, affects=PAINT, doc="Exit number, for the roundabout icon.")


class Image(Widget):
    """A PNG image, scaled into its box; its brightness becomes light on a mono panel."""

    type_name = "image"
    src = Prop(
        Str(max_len=1000),
        "",
        required=True,
        doc="Image path (PNG, JPEG, WebP or GIF), relative to the scene file, inside its folder.",
    )
    fit = Prop(Choice(("contain", "cover", "stretch")), "contain", doc="How the image fills its box.")


class Progress(Widget):
    """A horizontal progress bar."""

    type_name = "progress"
    value = Prop(Number(0, 1), 0.0, affects=PAINT, doc="Fraction done, 0..1.")
    color = Prop(ColorKind(), "fg", affects=PAINT, doc="Bar colour.")
