"""`hud sheet`: a contact sheet of scenes x devices (x times), each cell marked by lint.

One row per (scene, time), one column per device. A cell shows the frame's preview (both eyes
in the panel's colour) scaled into a common box, under a label ("scene @ t s · device") and
the lint count; its outline is red for errors, amber for warnings only, grey when clean. A
device without a display shows what it says instead. Cells render as a batch (hud.batch): in
this process, one worker process per core, or on a Dask cluster (--cluster). Each cell loads
its scene itself (widgets do not pickle): from the scene file's text and images the job
carries, or by calling the `module:function` given (hud.sources). Jobs pass device names,
times and the raster backend's name; each worker opens its own backend (a GL context is never
shared across processes).
"""

from __future__ import annotations

import argparse
import os
from itertools import product
from pathlib import Path

import numpy as np
from PIL import Image

from hud.batch import Batch, Progress, SceneSource, cluster_address
from hud.devices import builtin_names, load_device
from hud.errors import HudError

PREVIEW_W, PREVIEW_H = 560, 300  # the box a preview is scaled into (aspect kept, letterboxed)
INSET = 8  # between the cell's outline and its label and preview
LABEL_H = 52  # the label band: "scene @ t s · device", then the lint count
CELL_W = PREVIEW_W + 2 * INSET  # one cell, outline included
CELL_H = LABEL_H + PREVIEW_H + INSET
GAP = 16  # between cells and around the sheet
TITLE_H = 44  # the summary line at the top
OUTLINE = 4  # outline width; a clean cell's is thinner
CLEAN_OUTLINE = 2

BACKDROP = (30, 31, 36)  # the sheet
CELL_FILL = (14, 15, 18)
LETTERBOX = (6, 6, 8)  # around a scaled preview
ERROR_COLOUR = (235, 52, 52)
WARNING_COLOUR = (245, 170, 30)
CLEAN_COLOUR = (110, 112, 120)
TEXT_COLOUR = (235, 235, 240)
DIM_COLOUR = (150, 152, 160)
SPEAKING_COLOUR = (255, 214, 90)

LABEL_PX, STATUS_PX, TITLE_PX, SPEECH_PX = 17, 15, 20, 15
SPEECH_LINES = 8  # transcript lines a display-less cell shows
RULES_SHOWN = 3  # rule ids named after the lint count

Job = tuple[SceneSource, str, float, str]  # (scene, device, time, backend)
Result = tuple[np.ndarray, int, int]  # (pixels, lint errors, lint warnings)


def main(args: argparse.Namespace) -> int:
    """Run `hud sheet`: check every input, render the cells (in parallel), write the PNG."""
    from hud.anim import parse_time
    from hud.sources import load_scene_arg

    out = _check_out(args.out)
    times = [_parse_at(parse_time, value) for value in (args.at or ["0"])]
    if args.jobs is not None and args.jobs < 1:
        raise HudError(f"--jobs must be at least 1, got {args.jobs}")
    scenes = [load_scene_arg(path) for path in args.scenes]  # every scene readable before any work
    devices = _device_specs(args.devices, [scene.targets for scene in scenes])
    sources = {path: SceneSource.of(path, scene, load_scene_arg) for path, scene in zip(args.scenes, scenes)}
    rows = [(path, t) for path in args.scenes for t in times]
    jobs: list[Job] = [(sources[path], spec, t, args.backend) for (path, t), spec in product(rows, devices)]
    cells, errors, warning_count = _run(jobs, args.jobs, cluster_address(args.cluster))
    title = (
        f"{_plural(len(scenes), 'scene')} x {_plural(len(devices), 'device')} x {_plural(len(times), 'time')}: "
        f"{_plural(errors, 'error')}, {_plural(warning_count, 'warning')}"
    )
    sheet = compose(cells, len(rows), len(devices), title)
    from hud.sinks import write_images

    try:
        write_images({out.name: sheet}, out.parent)
    except OSError as exc:
        raise HudError(f"{out}: cannot write the sheet: {exc.strerror or exc} (choose another file)") from None
    print(f"wrote {out} ({len(rows)} rows x {len(devices)} columns, {errors} errors, {warning_count} warnings)")
    return 0


# -- checking the command line -------------------------------------------------------------------
def _check_out(value: str) -> Path:
    """--out: a .png whose folder exists (or can be made) and may be written."""
    path = Path(value)
    if path.suffix.lower() != ".png":
        raise HudError(f"--out {value}: the sheet is a PNG (give a file name ending in .png)")
    if path.is_dir():
        raise HudError(f"--out {value}: is a folder (give a file name ending in .png)")
    folder = path.parent.absolute()
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise HudError(f"--out {value}: cannot write into {existing} (choose another folder)")
    return path


def _parse_at(parse, value: str) -> float:  # noqa: ANN001
    try:
        return parse(value)
    except ValueError as exc:
        raise HudError(f"--at: {exc} (e.g. 2.5s or 300ms)") from None


def _device_specs(option: str | None, targets: list[tuple[str, ...]]) -> list[str]:
    """The columns: --devices (a comma list or 'all'), else the union of the scenes' targets in order."""
    if option is None:
        specs = [name for names in targets for name in names]
    elif option.strip() == "all":
        specs = builtin_names()
    else:
        specs = [name.strip() for name in option.split(",")]
        if not all(specs):
            raise HudError(f"--devices {option!r}: an empty device name (e.g. --devices quark-s1,even-g2)")
    specs = list(dict.fromkeys(specs))
    for spec in specs:
        load_device(spec)  # DeviceError: unknown device '...' (did you mean ...?)
    return specs


# -- rendering the cells -------------------------------------------------------------------------
def _run(jobs: list[Job], processes: int | None, cluster: str | None) -> tuple[list[np.ndarray], int, int]:
    """Every cell's pixels (in job order) and the lint totals, rendered as a batch: in this
    process for one process or one cell, else on `processes` workers (default one per core) or
    the Dask cluster at `cluster`. A backend that could not run is warned about once, however
    many workers found it so."""
    cells: list[np.ndarray] = []
    errors = lint_warnings = 0
    with Batch("hud sheet", processes, cluster) as batch, Progress(len(jobs), "cells") as progress:
        for pixels, cell_errors, cell_warnings in batch.map(cell_job, jobs):
            cells.append(pixels)
            errors, lint_warnings = errors + cell_errors, lint_warnings + cell_warnings
            progress.update()
    return cells, errors, lint_warnings


def cell_job(job: Job) -> Result:
    """One cell from (scene, device, time, backend)."""
    source, device, t, backend = job
    return render_cell(source, device, t, backend)


def render_cell(source: SceneSource, device: str, t: float, backend: str = "cpu") -> tuple[np.ndarray, int, int]:
    """One cell (CELL_H x CELL_W RGB) and its (errors, warnings) at time `t` for a scene, the
    frame drawn by `backend` ("cpu" or "gl")."""
    from hud.lint import counts, lint
    from hud.renderer import Renderer
    from hud.sources import scene_stem

    scene = source.load()
    scene_arg = source.name
    profile = load_device(device)
    name = scene.title or scene_stem(scene_arg)
    canvas = _Canvas(CELL_W, CELL_H, CELL_FILL)
    canvas.text(
        f"{name} @ {t:g} s · {profile.name}", INSET, INSET, LABEL_PX, TEXT_COLOUR, CELL_W - 2 * INSET, weight="bold"
    )
    box = (INSET, LABEL_H, PREVIEW_W, PREVIEW_H)
    canvas.fill(box, LETTERBOX)
    if profile.has_display:
        findings = lint(scene, profile, at=t)
        errors, lint_warnings = counts(findings)
        status, colour = _lint_line(findings)
        canvas.image(Renderer(scene, profile, backend=backend).frame(t).preview(), box)
    else:
        errors = lint_warnings = 0
        status, colour = "no display: what it says over the whole timeline", DIM_COLOUR
        _speech(canvas, scene, profile, t, box)
    canvas.text(status, INSET, INSET + LABEL_PX + 10, STATUS_PX, colour, CELL_W - 2 * INSET)
    outline = ERROR_COLOUR if errors else WARNING_COLOUR if lint_warnings else CLEAN_COLOUR
    canvas.outline(outline, OUTLINE if errors or lint_warnings else CLEAN_OUTLINE)
    return canvas.pixels(), errors, lint_warnings


def _speech(canvas: _Canvas, scene, profile, t: float, box: tuple[int, int, int, int]) -> None:  # noqa: ANN001
    """The transcript of a display-less device in `box`: when each utterance starts and its words,
    the one being said at `t` highlighted; the engine's message if there is no speech engine."""
    from hud.speech.narrator import narrate

    x, y, width, height = box
    x, y, width, bottom = x + 10, y + 8, width - 20, y + height - 8
    try:
        record = narrate(scene, profile).record()
    except HudError as exc:  # SpeechEngineError: no espeak-ng; a device that can neither show nor say
        canvas.text(str(exc), x, y, SPEECH_PX, WARNING_COLOUR, width, max_lines=SPEECH_LINES)
        return
    utterances = record["utterances"]
    y += (
        canvas.text(
            f"{len(utterances)} utterance(s), {record['duration']:.1f} s of audio", x, y, SPEECH_PX, DIM_COLOUR, width
        )
        + 4
    )
    lines = SPEECH_LINES - 2  # the header above, and room for "... N more" below
    for index, u in enumerate(utterances):
        if lines <= 0 or y >= bottom:
            canvas.text(f"... {len(utterances) - index} more", x, y, SPEECH_PX, DIM_COLOUR, width)
            break
        said = u["start"] is not None
        now = said and u["end"] is not None and u["start"] <= t < u["end"]
        colour = SPEAKING_COLOUR if now else TEXT_COLOUR if said else DIM_COLOUR
        canvas.text(
            f"{u['start'] if said else u['queued_at']:.1f} s", x, y, SPEECH_PX, colour if now else DIM_COLOUR, 60
        )
        words = u["text"] + ("" if u["status"] in ("spoken", "speaking") else f" ({u['status']})")
        used = canvas.text(
            words,
            x + 64,
            y,
            SPEECH_PX,
            colour,
            width - 64,
            max_lines=min(2, lines),
            weight="bold" if now else "regular",
        )
        lines -= max(1, round(used / canvas.line_height(SPEECH_PX)))
        y += used + 3


def _lint_line(findings: list) -> tuple[str, tuple[int, int, int]]:
    """The line under a cell's label and its colour: "2 errors, 1 warning: offscreen, overlap"
    (the rules of the worst severity), or "lint: clean"."""
    from hud.lint import ERROR, WARNING, counts

    errors, lint_warnings = counts(findings)
    if not findings:
        return "lint: clean", DIM_COLOUR
    worst = ERROR if errors else WARNING
    rules = list(dict.fromkeys(f.rule for f in findings if f.severity == worst))
    tally = ", ".join(_plural(n, word) for n, word in ((errors, "error"), (lint_warnings, "warning")) if n)
    shown = ", ".join(rules[:RULES_SHOWN]) + (", ..." if len(rules) > RULES_SHOWN else "")
    return f"{tally}: {shown}", ERROR_COLOUR if errors else WARNING_COLOUR


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- drawing -------------------------------------------------------------------------------------
def sheet_size(rows: int, columns: int) -> tuple[int, int]:
    """(width, height) of a sheet in pixels."""
    return GAP + columns * (CELL_W + GAP), TITLE_H + GAP + rows * (CELL_H + GAP)


def cell_origin(row: int, column: int) -> tuple[int, int]:
    """Top-left corner of a cell on the sheet."""
    return GAP + column * (CELL_W + GAP), TITLE_H + GAP + row * (CELL_H + GAP)


def compose(cells: list[np.ndarray], rows: int, columns: int, title: str) -> Image.Image:
    """The sheet: the title line, then the cells row by row."""
    width, height = sheet_size(rows, columns)
    sheet = np.empty((height, width, 3), dtype=np.uint8)
    sheet[:] = BACKDROP
    band = _Canvas(width, TITLE_H, BACKDROP)
    band.text(
        title,
        GAP,
        (TITLE_H + GAP - band.line_height(TITLE_PX)) // 2,
        TITLE_PX,
        TEXT_COLOUR,
        width - 2 * GAP,
        weight="bold",
    )
    sheet[:TITLE_H] = band.pixels()
    for index, cell in enumerate(cells):
        x, y = cell_origin(*divmod(index, columns))
        sheet[y : y + CELL_H, x : x + CELL_W] = cell
    return Image.fromarray(sheet, "RGB")


class _Canvas:
    """An RGB float canvas that draws text with hud's own text engine (every bundled script)."""

    def __init__(self, width: int, height: int, fill: tuple[int, int, int]) -> None:
        from hud.raster.cpu import CpuRaster

        self.rgb = np.empty((height, width, 3), dtype=np.float32)
        self.rgb[:] = np.asarray(fill, dtype=np.float32) / 255
        self.raster = CpuRaster(width, height, 3)

    def fill(self, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> None:
        x, y, w, h = box
        self.rgb[y : y + h, x : x + w] = np.asarray(colour, dtype=np.float32) / 255

    def outline(self, colour: tuple[int, int, int], width: int) -> None:
        height, full = self.rgb.shape[:2]
        for box in (
            (0, 0, full, width),
            (0, height - width, full, width),
            (0, 0, width, height),
            (full - width, 0, width, height),
        ):
            self.fill(box, colour)

    def image(self, image: Image.Image, box: tuple[int, int, int, int]) -> None:
        """`image` scaled down to fit `box` (aspect kept), centred in it."""
        x, y, w, h = box
        scale = min(w / image.width, h / image.height, 1.0)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        scaled = np.asarray(image.convert("RGB").resize(size, Image.Resampling.LANCZOS), dtype=np.float32) / 255
        left, top = x + (w - size[0]) // 2, y + (h - size[1]) // 2
        self.rgb[top : top + size[1], left : left + size[0]] = scaled

    @staticmethod
    def line_height(size: int) -> int:
        from hud.text import layout_text

        return layout_text("Ag", size).line_height

    def text(
        self,
        text: str,
        x: int,
        y: int,
        size: int,
        colour: tuple[int, int, int],
        width: int,
        *,
        max_lines: int = 1,
        weight: str = "regular",
    ) -> int:
        """Draw `text` with its top-left at (x, y), wrapped at `width` px onto at most `max_lines`
        lines (then an ellipsis); returns the height drawn."""
        from hud.paint import Glyphs, line_glyphs
        from hud.text import layout_text

        block = layout_text(" ".join(text.split()), size, weight, width, max_lines, "ellipsis", 1.25, "", "ltr")
        items = [
            item
            for row, line in enumerate(block.lines)
            for item in line_glyphs(line, size, x, y + row * block.line_height + block.baseline)
        ]
        self.raster.draw_command(self.rgb, Glyphs(tuple(items), tuple(c / 255 for c in colour)), 0, 0)
        return block.height

    def pixels(self) -> np.ndarray:
        return (np.clip(self.rgb, 0, 1) * 255 + 0.5).astype(np.uint8)
