"""Text: bundled fonts with fallback, shaping, wrapping and measuring.

`measure()` is the public API app developers use to fit text before sending it; it runs the
same code the renderer runs, so its lines and widths are exactly what gets drawn.
"""

from __future__ import annotations

from hud.text.fonts import WEIGHTS, MissingGlyphWarning, font_dir
from hud.text.itemize import DIRECTIONS
from hud.text.shaping import ShapedGlyph, ShapedLine, shape, shape_line, text_width
from hud.text.wrap import OVERFLOWS, TextBlock, TextLine, layout_text


def measure(
    text: str,
    size_px: int = 24,
    *,
    width: int | None = None,
    weight: str = "regular",
    max_lines: int = 0,
    overflow: str = "ellipsis",
    line_height: float = 1.25,
    lang: str = "",
    direction: str = "auto",
) -> TextBlock:
    """Lines and pixel widths the renderer will produce for `text` at `size_px` in `width` pixels.

    `lang` (e.g. "ja", "ar") picks language-specific glyph forms; `direction` is "auto"
    (from the first strong character), "ltr" or "rtl". `max_lines` 0 keeps every line.

    Returns a TextBlock: `lines` (each a TextLine with its `text`, its `width` in pixels and
    `rtl`), `width` (the widest line), `height` (all lines), `line_height` and `baseline` in
    pixels, `size_px`, `weight`, and `truncated` (True when lines or characters were cut to
    fit `width` and `max_lines`).

    >>> import hud
    >>> block = hud.measure("In 120 m turn left onto Wensan Road", 24, width=240, max_lines=1)
    >>> block.lines[0].text, block.truncated
    ('In 120 m turn left…', True)
    >>> [line.width for line in hud.measure("Where is the subway?", 24, width=160).lines]
    [141, 96]
    """
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {', '.join(WEIGHTS)}, got {weight!r}")
    if overflow not in OVERFLOWS:
        raise ValueError(f"overflow must be one of {', '.join(OVERFLOWS)}, got {overflow!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    return layout_text(text, size_px, weight, width, max_lines, overflow, line_height, lang, direction)


__all__ = [
    "measure",
    "layout_text",
    "shape",
    "shape_line",
    "text_width",
    "TextBlock",
    "TextLine",
    "ShapedGlyph",
    "ShapedLine",
    "DIRECTIONS",
    "MissingGlyphWarning",
    "WEIGHTS",
    "OVERFLOWS",
    "font_dir",
]
