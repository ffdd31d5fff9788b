"""Overlays drawn over the emulator's view: status line, gesture, errors, profiler graph,
and the panel shown for devices without a display."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from hud.profile import STAGE_COLOURS, STAGES, Profiler
from hud.text import layout_text
from hud.text.fonts import font_dir

PAD = 8
SCENE_ERROR_TITLE = "Scene error (showing the last good frame)"
SPEECH_ERROR_TITLE = "Speech error (the scene goes on without speech)"
SUMMARY_FRAMES = 600  # the profiler overlay's p50 / p99 / missed cover this many recent frames


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return ImageFont.truetype(str(font_dir() / name), size)


def draw_status(image: Image.Image, left: str, right: str = "") -> None:
    """A one-line status bar along the bottom edge."""
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(14)
    height = 24
    draw.rectangle([0, image.height - height, image.width, image.height], fill=(0, 0, 0, 190))
    draw.text((PAD, image.height - height + 4), left, font=font, fill=(220, 220, 220, 255))
    if right:
        width = draw.textlength(right, font=font)
        draw.text((image.width - PAD - width, image.height - height + 4), right, font=font, fill=(220, 220, 220, 255))


def draw_banner(image: Image.Image, text: str, colour: tuple[int, int, int] = (255, 196, 0)) -> None:
    """A highlighted line at the top (the gesture that just fired, a screenshot notice)."""
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(18, bold=True)
    width = draw.textlength(text, font=font)
    x = (image.width - width) / 2
    draw.rounded_rectangle([x - 12, PAD, x + width + 12, PAD + 32], radius=8, fill=(0, 0, 0, 200),
                           outline=colour + (255,), width=2)
    draw.text((x, PAD + 4), text, font=font, fill=colour + (255,))


def draw_error(image: Image.Image, message: str, title: str = SCENE_ERROR_TITLE) -> None:
    """The one-line scene (or speech) error, wrapped in a red box over the last good frame."""
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(15)
    words, lines, line = message.split(" "), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) > image.width - 4 * PAD and line:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    height = 30 + 20 * len(lines)
    top = image.height - 24 - height - PAD
    draw.rectangle([PAD, top, image.width - PAD, top + height], fill=(60, 0, 0, 225), outline=(255, 80, 80, 255),
                   width=2)
    draw.text((2 * PAD, top + 6), title, font=_font(15, bold=True),
              fill=(255, 120, 120, 255))
    for index, text in enumerate(lines):
        draw.text((2 * PAD, top + 28 + 20 * index), text, font=font, fill=(255, 235, 235, 255))


def draw_lines(image: Image.Image, lines: list[str], top: int = PAD) -> None:
    """A box of text lines in the top-left corner (help, voice prompt)."""
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(14)
    width = max((draw.textlength(line, font=font) for line in lines), default=0)
    draw.rectangle([PAD, top, PAD * 3 + width, top + 8 + 18 * len(lines)], fill=(0, 0, 0, 210))
    for index, line in enumerate(lines):
        draw.text((PAD * 2, top + 4 + 18 * index), line, font=font, fill=(230, 230, 230, 255))


def draw_profile(image: Image.Image, profiler: Profiler, frames: int = 120) -> None:
    """Live frame-time graph: the last `frames` frames split by stage, scaled to 3x the
    budget, with lines at 1x and 2x; over-budget bars get a red cap."""
    records = profiler.records[-frames:]
    draw = ImageDraw.Draw(image, "RGBA")
    width, height = min(360, image.width - 2 * PAD), 120
    x0, y0 = image.width - width - PAD, PAD
    draw.rectangle([x0, y0, x0 + width, y0 + height + 34], fill=(0, 0, 0, 210))
    budget = profiler.budget_ms
    top, bottom = y0 + 6, y0 + height
    scale = 3 * budget
    y_of = lambda ms: bottom - (bottom - top) * min(ms, scale) / scale  # noqa: E731
    for multiple, colour in ((1, (230, 230, 230, 255)), (2, (120, 120, 120, 255))):
        y = y_of(multiple * budget)
        draw.line([(x0 + 4, y), (x0 + width - 4, y)], fill=colour)
    step = (width - 8) / frames
    for index, record in enumerate(records):
        x = x0 + 4 + index * step
        base = 0.0
        for stage in STAGES:
            ms = record.stage_ms(stage)
            if ms > 0:
                draw.rectangle([x, y_of(base + ms), x + max(step - 1, 1), y_of(base)], fill=STAGE_COLOURS[stage] + (255,))
                base += ms
        if record.total_ms > budget:
            draw.rectangle([x, top - 4, x + max(step - 1, 1), top - 1], fill=(255, 60, 60, 255))
    recent = Profiler(profiler.budget_ms, profiler.device)  # stats over the recent frames: a long
    recent.records = profiler.records[-SUMMARY_FRAMES:]      # session must not slow each redraw down
    summary = recent.summary()
    last = records[-1].total_ms if records else 0.0
    text = (f"{last:5.2f} ms  p50 {summary['total']['p50_ms']:.2f}  p99 {summary['total']['p99_ms']:.2f}  "
            f"budget {budget:.1f}  missed {summary['missed']}")
    draw.text((x0 + 6, bottom + 4), text, font=_font(12), fill=(230, 230, 230, 255))
    legend_x = x0 + 6
    for stage in STAGES:
        draw.rectangle([legend_x, bottom + 22, legend_x + 8, bottom + 30], fill=STAGE_COLOURS[stage] + (255,))
        draw.text((legend_x + 11, bottom + 18), stage, font=_font(11), fill=(200, 200, 200, 255))
        legend_x += 16 + draw.textlength(stage, font=_font(11))


# -- the panel for glasses without a display ------------------------------------------------------
TRANSCRIPT_PX = 17          # transcript text size
TRANSCRIPT_LINES = 2        # an utterance wraps onto at most this many lines, then ends in an ellipsis
BACKDROP = (20, 22, 28)
STATUS_COLOURS = {          # (clock and mark, words) by utterance status
    "speaking": ((255, 214, 90), (255, 255, 255)),
    "spoken": ((120, 170, 120), (170, 220, 170)),
    "interrupted": ((230, 160, 80), (200, 185, 160)),
    "queued": ((130, 160, 220), (170, 190, 230)),
    "dropped": ((110, 110, 120), (125, 125, 135)),
    "": ((170, 220, 170), (170, 220, 170)),
}
SPEAKING_BAND = (36, 72, 44)


def draw_text_line(canvas: np.ndarray, text: str, x: int, y: int, colour: tuple[int, int, int],
                   size: int = TRANSCRIPT_PX, max_width: int | None = None, max_lines: int = 1,
                   weight: str = "regular") -> int:
    """Draw `text` into an RGB array with hud's own text engine (every bundled script, its
    font fallback and shaping, left to right), wrapped to `max_width` on at most `max_lines`
    lines ending in an ellipsis. `y` is the top of the first line; returns the height drawn."""
    block = layout_text(text, size, weight, max_width, max_lines, "ellipsis", 1.25, "", "ltr")
    height, width = canvas.shape[:2]
    colour_f = np.array(colour, dtype=np.float32)
    for row, line in enumerate(block.lines):
        baseline = y + row * block.line_height + block.baseline
        for glyph in line.glyphs:
            bitmap = glyph.font.glyph(glyph.gid, size)
            if not bitmap.bitmap.size:
                continue
            left = x + glyph.x + bitmap.left
            top = baseline - glyph.y - bitmap.top
            h, w = bitmap.bitmap.shape
            x0, y0, x1, y1 = max(left, 0), max(top, 0), min(left + w, width), min(top + h, height)
            if x0 >= x1 or y0 >= y1:
                continue
            alpha = bitmap.bitmap[y0 - top:y1 - top, x0 - left:x1 - left, None].astype(np.float32) / 255.0
            area = canvas[y0:y1, x0:x1].astype(np.float32)
            canvas[y0:y1, x0:x1] = (area + (colour_f - area) * alpha + 0.5).astype(np.uint8)
    return block.height


def _entry_height(text: str, width: int) -> int:
    return layout_text(text, TRANSCRIPT_PX, "regular", width, TRANSCRIPT_LINES, "ellipsis", 1.25, "", "ltr").height


def no_display_panel(width: int, height: int, device_title: str, device_name: str,
                     transcript: list[str] | None = None, *, muted: bool = False) -> np.ndarray:
    """What the emulator shows for glasses without a display: the live speech transcript, newest
    at the bottom, the utterance being spoken on a highlighted band, each utterance on at most
    two lines (then an ellipsis); as many as fit, the oldest scrolled off the top."""
    from hud.speech.player import LEGEND, parse_line

    image = Image.new("RGB", (width, height), BACKDROP)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([24, 24, width - 24, height - 24], radius=16, outline=(90, 90, 100), width=2)
    draw.text((48, 44), f"{device_title} ({device_name})", font=_font(22, bold=True), fill=(235, 235, 235))
    if muted:
        tag = "MUTED (M)"
        tag_w = draw.textlength(tag, font=_font(16, bold=True))
        draw.rounded_rectangle([width - 48 - tag_w - 12, 44, width - 48, 72], radius=6, fill=(110, 40, 30))
        draw.text((width - 48 - tag_w - 6, 47), tag, font=_font(16, bold=True), fill=(255, 220, 200))
    draw.text((48, 80), "This device has no display: everything it says, it says by voice.", font=_font(16),
              fill=(200, 200, 200))
    canvas = np.array(image)
    draw_text_line(canvas, LEGEND, 48, 104, (140, 140, 150), size=14)
    draw_line_y = 130
    canvas[draw_line_y, 48:width - 48] = (60, 60, 70)
    top, bottom = draw_line_y + 8, height - 24 - 14
    lines = transcript or ["(nothing said yet: what the glasses say appears here)"]
    clock_w = 62          # "0:00.0" at the transcript size
    text_x = 48 + clock_w + 26
    text_w = width - 48 - text_x
    gap = 4
    y = bottom
    for line in reversed(lines):
        parsed = parse_line(line)
        clock, status, words = parsed if parsed is not None else ("", "", line)
        mark = line.split(" ", 2)[1] if parsed is not None else ""
        h = _entry_height(words, text_w if parsed is not None else width - 96)
        if y - h < top:
            break
        y -= h
        head, body = STATUS_COLOURS.get(status, STATUS_COLOURS[""])
        if status == "speaking":
            band = Image.fromarray(canvas)
            ImageDraw.Draw(band).rounded_rectangle([40, y - 2, width - 40, y + h + 1], radius=6, fill=SPEAKING_BAND)
            canvas = np.array(band)
        if parsed is None:
            draw_text_line(canvas, words, 48, y, body, max_width=width - 96, max_lines=TRANSCRIPT_LINES)
        else:
            weight = "bold" if status == "speaking" else "regular"
            draw_text_line(canvas, clock, 48, y, head, weight=weight)
            draw_text_line(canvas, mark, 48 + clock_w + 4, y, head)
            draw_text_line(canvas, words, text_x, y, body, max_width=text_w, max_lines=TRANSCRIPT_LINES,
                           weight=weight)
        y -= gap
    return canvas
