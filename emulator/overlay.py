"""Overlays drawn over the emulator's view: status line, gesture, errors, profiler graph,
widget outlines with lint findings, and the panel shown for devices without a display."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from emulator.look import EYE_GAP
from hud.lint import Finding, counts
from hud.paint import Glyphs, line_glyphs
from hud.profile import STAGE_COLOURS, STAGES, Profiler
from hud.raster.cpu import CpuRaster
from hud.text import layout_text
from hud.text.fonts import font_dir
from hud.text.wrap import TextBlock

if TYPE_CHECKING:
    from hud.devices import DeviceProfile
    from hud.speech.player import TranscriptEntry

Box = tuple[int, int, int, int]  # x, y, w, h in display pixels


@dataclass(frozen=True)
class Outline:
    """One shown declared widget, as the outlines overlay draws it."""

    label: str  # "notification 'pay' · compact"
    eyes: tuple[tuple[str, Box], ...]  # (eye, box) for each eye it is drawn in
    severity: str | None = None  # its worst lint finding now: "error", "warning", None (clean)
    nested: bool = False  # inside another declared widget

    def box(self, eye: str) -> Box | None:
        return dict(self.eyes).get(eye)


@dataclass(frozen=True)
class Outlines:
    """What the outlines overlay draws for one frame (a value: equal when the drawing is)."""

    widgets: tuple[Outline, ...]
    hidden: tuple[str, ...]  # "notification 'msg': <the compositor's reason>"
    findings: tuple[Finding, ...]  # lint at this moment, errors first
    lint_error: str | None = None  # why lint could not run, if so

    @property
    def counts(self) -> tuple[int, int]:
        """(errors, warnings)."""
        return counts(self.findings)

    def summary(self) -> str:
        """The legend's first line: lint: 1 error, 2 warnings."""
        if self.lint_error:
            return f"lint failed: {self.lint_error}"
        errors, warnings = self.counts
        return f"lint: {errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"


PAD = 8
SCENE_ERROR_TITLE = "Scene error (showing the last good frame)"
SPEECH_ERROR_TITLE = "Speech error (the scene goes on without speech)"
SUMMARY_FRAMES = 600  # the profiler overlay's p50 / p99 / missed cover this many recent frames
STATUS_BAR_H = 24  # draw_status's bar
PROFILE_SIZE = (360, 154)  # the profiler graph's box: the graph and its two lines of text
# outline colour by a widget's worst lint finding (None: clean); a clean nested widget is dimmer
OUTLINE_COLOURS: dict[str | None, tuple[int, int, int]] = {
    "error": (255, 64, 64),
    "warning": (255, 176, 0),
    None: (0, 210, 255),
}
NESTED_CLEAN = (0, 130, 165)
EDGE_BAR = 4  # display px: a box wholly beyond a display edge shows as a bar this wide on it
LEGEND_FINDINGS = 3  # findings listed under the lint count (and as many hidden widgets)


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return ImageFont.truetype(str(font_dir() / name), size)


def draw_status(image: Image.Image, left: str, right: str = "") -> None:
    """A one-line status bar along the bottom edge."""
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(14)
    height = STATUS_BAR_H
    draw.rectangle([0, image.height - height, image.width, image.height], fill=(0, 0, 0, 190))
    draw.text((PAD, image.height - height + 4), left, font=font, fill=(220, 220, 220, 255))
    if right:  # a scene title, in any script: drawn by hud's own text engine
        mask = text_mask(right, 14)
        image.paste((220, 220, 220), (image.width - PAD - mask.width, image.height - height + 3), mask)


def draw_banner(image: Image.Image, text: str, colour: tuple[int, int, int] = (255, 196, 0)) -> None:
    """A highlighted line at the top (the gesture that just fired, a screenshot notice)."""
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(18, bold=True)
    width = draw.textlength(text, font=font)
    x = (image.width - width) / 2
    draw.rounded_rectangle(
        [x - 12, PAD, x + width + 12, PAD + 32], radius=8, fill=(0, 0, 0, 200), outline=colour + (255,), width=2
    )
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
    draw.rectangle(
        [PAD, top, image.width - PAD, top + height], fill=(60, 0, 0, 225), outline=(255, 80, 80, 255), width=2
    )
    draw.text((2 * PAD, top + 6), title, font=_font(15, bold=True), fill=(255, 120, 120, 255))
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


def draw_profile(
    image: Image.Image, profiler: Profiler, frames: int = 120, origin: tuple[int, int] | None = None
) -> None:
    """Live frame-time graph: the last `frames` frames split by stage, scaled to 3x the
    budget, with lines at 1x and 2x; over-budget bars get a red cap. Its box (PROFILE_SIZE)
    has its top-left corner at `origin` (default: the top-right corner of `image`)."""
    records = profiler.records[-frames:]
    draw = ImageDraw.Draw(image, "RGBA")
    width, height = min(PROFILE_SIZE[0], image.width - 2 * PAD), PROFILE_SIZE[1] - 34
    x0, y0 = origin if origin is not None else (image.width - width - PAD, PAD)
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
                draw.rectangle(
                    [x, y_of(base + ms), x + max(step - 1, 1), y_of(base)], fill=STAGE_COLOURS[stage] + (255,)
                )
                base += ms
        if record.total_ms > budget:
            draw.rectangle([x, top - 4, x + max(step - 1, 1), top - 1], fill=(255, 60, 60, 255))
    recent = Profiler(profiler.budget_ms, profiler.device)  # stats over the recent frames: a long
    recent.records = profiler.records[-SUMMARY_FRAMES:]  # session must not slow each redraw down
    summary = recent.summary()
    last = records[-1].total_ms if records else 0.0
    text = (
        f"{last:5.2f} ms  p50 {summary['total']['p50_ms']:.2f}  p99 {summary['total']['p99_ms']:.2f}  "
        f"budget {budget:.1f}  missed {summary['missed']}"
    )
    draw.text((x0 + 6, bottom + 4), text, font=_font(12), fill=(230, 230, 230, 255))
    legend_x: float = x0 + 6
    for stage in STAGES:
        draw.rectangle([legend_x, bottom + 22, legend_x + 8, bottom + 30], fill=STAGE_COLOURS[stage] + (255,))
        draw.text((legend_x + 11, bottom + 18), stage, font=_font(11), fill=(200, 200, 200, 255))
        legend_x += 16 + draw.textlength(stage, font=_font(11))


# -- outlines ----------------------------------------------------------------------------------------
def eye_origins(device: DeviceProfile, view: str) -> list[tuple[str, int]]:
    """(eye, x) where each eye shown in `view` starts in the composited view at zoom 1: "both"
    has the right eye after the left and EYE_GAP, "fused" is drawn with the left eye's boxes."""
    if view == "both":
        return [(eye, 0 if eye == "left" else device.width + EYE_GAP) for eye in device.eyes]
    if view == "fused":
        return [("left" if "left" in device.eyes else device.eyes[0], 0)] if device.eyes else []
    return [(view, 0)] if view in device.eyes else []


def draw_outlines(
    image: Image.Image,
    outlines: Outlines,
    eyes: Sequence[tuple[str, int]],
    display: tuple[int, int],
    origin: tuple[float, float] = (0.0, 0.0),
    scale: tuple[float, float] = (1.0, 1.0),
) -> None:
    """Each widget's box in each of `eyes` (from `eye_origins`), clamped to the display (a box
    wholly beyond an edge shows as a bar on that edge), coloured by its worst lint finding, with its
    label and form; a legend bottom-left: the lint count, the first findings, the widgets the
    compositor hid. The view's pixel (x, y) is at `origin + (x, y) * scale` in `image`; nothing
    is drawn over the status bar."""
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(12)
    (ox, oy), (sx, sy), (width, height) = origin, scale, display
    labels: list[tuple[str, list[int], tuple[int, int, int], bool, tuple[float, float]]] = []
    for outline in sorted(outlines.widgets, key=lambda o: not o.nested):  # top-level boxes over nested ones
        colour = NESTED_CLEAN if outline.nested and outline.severity is None else OUTLINE_COLOURS[outline.severity]
        for eye, x0 in eyes:
            box = outline.box(eye)
            if box is None:
                continue
            x, y, w, h = box
            left, right = min(max(x, 0), width - EDGE_BAR), min(max(x + w, EDGE_BAR), width)
            top, bottom = min(max(y, 0), height - EDGE_BAR), min(max(y + h, EDGE_BAR), height)
            rect = [
                round(ox + (x0 + left) * sx),
                round(oy + top * sy),
                round(ox + (x0 + right) * sx) - 1,
                round(oy + bottom * sy) - 1,
            ]
            draw.rectangle(rect, outline=colour + (255,), width=1 if outline.nested else 2)
            if not any(label == outline.label for label, *_ in labels):  # one label, in the first eye
                labels.append((outline.label, rect, colour, outline.nested, (ox + x0 * sx, ox + (x0 + width) * sx)))
    placed: list[tuple[float, float, float, float]] = []
    for label, rect, colour, _, (eye_left, eye_right) in sorted(labels, key=lambda item: item[3]):
        # above the box's top-left corner (inside it at the top of the view), right of any label
        # there, within its eye
        text_w = draw.textlength(label, font=font) + 6
        label_x, label_y = float(rect[0]), float(rect[1] - 17 if rect[1] >= 17 else rect[1] + 3)
        for other in sorted(placed):
            if other[0] < label_x + text_w and label_x < other[2] and other[1] < label_y + 16 and label_y < other[3]:
                label_x = other[2] + 4
        label_x = max(0.0, eye_left, min(label_x, eye_right - text_w, image.width - text_w))
        placed.append((label_x, label_y, label_x + text_w, label_y + 16))
        draw.rectangle([label_x, label_y, label_x + text_w, label_y + 16], fill=(0, 0, 0, 180))
        draw.text((label_x + 3, label_y + 1), label, font=font, fill=colour + (255,))
    layer.paste((0, 0, 0, 0), (0, image.height - STATUS_BAR_H, image.width, image.height))
    _draw_legend(draw, outlines, image.size)
    if image.mode == "RGBA":
        image.alpha_composite(layer)
    else:
        image.paste(layer, (0, 0), layer)


def _draw_legend(draw: ImageDraw.ImageDraw, outlines: Outlines, size: tuple[int, int]) -> None:
    """The lint count, the first findings and the hidden widgets, bottom-left, in at most 40 %
    of the view's height (the rest counted on a last line)."""
    errors, warnings = outlines.counts
    head = "error" if errors or outlines.lint_error else "warning" if warnings else None
    grey = (200, 200, 200)
    findings = [f for f in outlines.findings if f.rule != "hidden"]  # the hidden widgets have their own lines
    lines = [
        (f"{f.severity} {f.rule}{f' · {f.widget}' if f.widget else ''}: {f.message}", OUTLINE_COLOURS[f.severity])
        for f in findings[:LEGEND_FINDINGS]
    ]
    lines += [(f"hidden: {text}", grey) for text in outlines.hidden[:LEGEND_FINDINGS]]
    rest = len(findings) + len(outlines.hidden) - len(lines)
    room = max(1, int((size[1] - STATUS_BAR_H) * 0.4) // 16 - 1)
    if rest or len(lines) > room:
        keep = min(len(lines), room - 1)
        lines, rest = lines[:keep], rest + len(lines) - keep
        lines.append((f"… {rest} more", grey))
    font = _font(12)
    width = min(size[0] - 4 * PAD, 720)
    lines.insert(0, (outlines.summary(), OUTLINE_COLOURS[head]))
    texts = [(_fit(draw, text, font, width), colour) for text, colour in lines]
    text_w = max(draw.textlength(text, font=font) for text, _ in texts)
    bottom = size[1] - STATUS_BAR_H - PAD
    top = bottom - 8 - 16 * len(texts)
    draw.rectangle([PAD, top, PAD * 3 + text_w, bottom], fill=(0, 0, 0, 190))
    for index, (text, colour) in enumerate(texts):
        draw.text((PAD * 2, top + 4 + 16 * index), text, font=font, fill=colour + (255,))


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


# -- the panel for glasses without a display ------------------------------------------------------
TRANSCRIPT_PX = 17  # transcript text size
TRANSCRIPT_LINES = 2  # an utterance wraps onto at most this many lines, then ends in an ellipsis
BACKDROP = (20, 22, 28)
STATUS_COLOURS = {  # (clock and mark, words) by utterance status
    "speaking": ((255, 214, 90), (255, 255, 255)),
    "spoken": ((120, 170, 120), (170, 220, 170)),
    "interrupted": ((230, 160, 80), (200, 185, 160)),
    "queued": ((130, 160, 220), (170, 190, 230)),
    "dropped": ((110, 110, 120), (125, 125, 135)),
    "": ((170, 220, 170), (170, 220, 170)),
}
SPEAKING_BAND = (36, 72, 44)


def _block(
    text: str, width: int | None = None, size: int = TRANSCRIPT_PX, weight: str = "regular", max_lines: int = 1
) -> TextBlock:
    """`text` laid out by hud's own text engine (every bundled script, fallback and shaping)."""
    return layout_text(text, size, weight, width, max_lines, "ellipsis", 1.25, "", "ltr")


def _glyphs(block: TextBlock, x: int, y: int, colour: tuple[int, int, int]) -> Glyphs:
    """A laid-out block as one glyph-run command with its top-left at (x, y)."""
    items = []
    for row, line in enumerate(block.lines):
        items += line_glyphs(line, block.size_px, x, y + row * block.line_height + block.baseline)
    return Glyphs(tuple(items), tuple(c / 255 for c in colour))


def text_mask(text: str, size: int, weight: str = "regular") -> Image.Image:
    """`text` on one line as a coverage mask ("L" image), shaped by hud's text engine, so any
    bundled script draws (PIL's single font would show boxes for Chinese)."""
    block = _block(text, size=size, weight=weight)
    width = max((line.width for line in block.lines), default=0) + 2
    coverage = np.zeros((max(block.height, 1), max(width, 1), 1), dtype=np.float32)
    CpuRaster(coverage.shape[1], coverage.shape[0], 1).draw_command(
        coverage, _glyphs(block, 0, 0, (255, 255, 255)), 0, 0
    )
    return Image.fromarray((coverage[..., 0] * 255 + 0.5).astype(np.uint8), "L")


def no_display_panel(
    width: int,
    height: int,
    device_title: str,
    device_name: str,
    transcript: Sequence[TranscriptEntry] = (),
    *,
    muted: bool = False,
) -> np.ndarray:
    """What the emulator shows for glasses without a display: the live speech transcript, newest
    at the bottom, the utterance being spoken on a highlighted band, each utterance on at most
    two lines (then an ellipsis); as many as fit, the oldest scrolled off the top."""
    from hud.speech.player import LEGEND

    image = Image.new("RGB", (width, height), BACKDROP)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([24, 24, width - 24, height - 24], radius=16, outline=(90, 90, 100), width=2)
    draw.text((48, 44), f"{device_title} ({device_name})", font=_font(22, bold=True), fill=(235, 235, 235))
    if muted:
        tag = "MUTED (M)"
        tag_w = draw.textlength(tag, font=_font(16, bold=True))
        draw.rounded_rectangle([width - 48 - tag_w - 12, 44, width - 48, 72], radius=6, fill=(110, 40, 30))
        draw.text((width - 48 - tag_w - 6, 47), tag, font=_font(16, bold=True), fill=(255, 220, 200))
    draw.text(
        (48, 80),
        "This device has no display: everything it says, it says by voice.",
        font=_font(16),
        fill=(200, 200, 200),
    )
    rule_y = 130
    draw.line([(48, rule_y), (width - 49, rule_y)], fill=(60, 60, 70))
    texts = [_glyphs(_block(LEGEND, size=14), 48, 104, (140, 140, 150))]
    top, y = rule_y + 8, height - 24 - 14
    clock_w = 62  # "0:00.0" at the transcript size
    text_x = 48 + clock_w + 26
    if not transcript:
        words = _block("(nothing said yet: what the glasses say appears here)", width - 96, max_lines=TRANSCRIPT_LINES)
        texts.append(_glyphs(words, 48, y - words.height, STATUS_COLOURS[""][1]))
    for entry in reversed(transcript):
        weight = "bold" if entry.status == "speaking" else "regular"
        words = _block(entry.text, width - 48 - text_x, weight=weight, max_lines=TRANSCRIPT_LINES)
        if y - words.height < top:
            break
        y -= words.height
        head, body = STATUS_COLOURS.get(entry.status, STATUS_COLOURS[""])
        if entry.status == "speaking":
            draw.rounded_rectangle([40, y - 2, width - 40, y + words.height + 1], radius=6, fill=SPEAKING_BAND)
        texts += [
            _glyphs(_block(entry.clock, weight=weight), 48, y, head),
            _glyphs(_block(entry.mark), 48 + clock_w + 4, y, head),
            _glyphs(words, text_x, y, body),
        ]
        y -= 4
    canvas = np.asarray(image, dtype=np.float32) / 255
    raster = CpuRaster(width, height, 3)
    for command in texts:
        raster.draw_command(canvas, command, 0, 0)
    return (canvas * 255 + 0.5).astype(np.uint8)
