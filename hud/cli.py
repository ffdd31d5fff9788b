"""The `hud` command: render scenes, list devices, validate scenes, print the scene schema."""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Sequence

from hud.devices import builtin_names, load_device
from hud.errors import HudError

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `hud` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "emulate":  # the emulator parses its own options (hud emulate --help)
        from emulator.__main__ import main as emulator_main

        return emulator_main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return args.run(args)
    except HudError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("hud: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `hud render ... | head`: the reader has gone, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback
        if os.environ.get("HUD_DEBUG"):
            raise
        print(f"hud: internal error: {type(exc).__name__}: {exc} (set HUD_DEBUG=1 for details and report it)",
              file=sys.stderr)
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hud", description="Render AR heads-up display scenes.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = commands.add_parser("render", help="render a scene to per-eye PNGs and a preview "
                                                     "(speech.json + speech.wav on devices without a display)")
    render.add_argument("scene", help="scene file (.toml)")
    render.add_argument("--device", help="built-in device name or a profile .toml (default: the scene's)")
    render.add_argument("--out", help="output folder (default: out/<scene>-<device>)")
    render.add_argument("--at", help="render the moment at this time of the timeline, e.g. 2.5s or 300ms")
    render.add_argument("--frames", metavar="DIR", help="write every frame of the timeline into DIR")
    render.add_argument("--preview", metavar="FILE", help="write an animated preview (.gif, or .png for APNG)")
    render.add_argument("--fps", type=float, help="frames per second for --frames/--preview (default: 30, "
                                                  "or the refresh rate if lower)")
    render.add_argument("--duration", help="length of --frames/--preview or of the speech (default: the scene's)")
    render.add_argument("--language", choices=("zh", "en"),
                        help="word speech templates (nav, cards) in this language (default: each widget's own)")
    render.set_defaults(run=_render)

    profile = commands.add_parser("profile", help="time every stage of every frame against the refresh budget")
    profile.add_argument("scene", help="scene file (.toml)")
    profile.add_argument("--device", help="built-in device name or a profile .toml (default: the scene's)")
    profile.add_argument("--frames", type=int, default=300, help="frames to render (default 300)")
    profile.add_argument("--fps", type=float, help="scene time step (default: the device's refresh rate)")
    profile.add_argument("--trace", metavar="FILE", help="write a Chrome trace-event JSON (opens in Perfetto)")
    profile.add_argument("--chart", metavar="FILE", help="write a frame-time chart PNG")
    profile.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    profile.set_defaults(run=_profile)

    devices = commands.add_parser("devices", help="list the device profiles")
    devices.set_defaults(run=_devices)

    validate = commands.add_parser("validate", help="check scene files without rendering")
    validate.add_argument("scenes", nargs="+", help="scene files")
    validate.set_defaults(run=_validate)

    lint = commands.add_parser("lint", help="find every overlap, cut, hidden widget and readability problem")
    lint.add_argument("scenes", nargs="+", help="scene files")
    lint.add_argument("--device", help="a device name, a profile .toml or 'all' (default: each scene's targets)")
    lint.add_argument("--at", help="check one moment (e.g. 2.5s); default: every timeline event and across time")
    lint.add_argument("--ambient", type=float, default=None,
                      help="world light in lux for low-contrast (default 250, indoors; 10000 is daylight)")
    lint.add_argument("--json", action="store_true", help="print one JSON object")
    lint.set_defaults(run=_lint)

    sheet = commands.add_parser("sheet", help="a contact sheet of scenes x devices (x times), lint marked")
    sheet.add_argument("scenes", nargs="+", help="scene files")
    sheet.add_argument("--devices", help="comma-separated device names, or 'all' (default: each scene's targets)")
    sheet.add_argument("--at", action="append", help="a moment to show (repeatable; default 0)")
    sheet.add_argument("--out", required=True, help="the PNG to write")
    sheet.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    sheet.set_defaults(run=_sheet)

    emulate = commands.add_parser("emulate", help="open the desktop emulator on a scene (python -m emulator)",
                                  add_help=False)
    emulate.add_argument("rest", nargs=argparse.REMAINDER)
    emulate.set_defaults(run=_emulate)

    text = commands.add_parser("text", help="text tools")
    text_commands = text.add_subparsers(dest="text_command", required=True, metavar="TOOL")
    measure = text_commands.add_parser(
        "measure", help="the lines and pixel widths the renderer will draw for a string")
    measure.add_argument("text", help="the text (\\n in it starts a new paragraph)")
    measure.add_argument("--size", default="body",
                         help="font size: px (24), degrees (0.9deg) or a role (small, body, title, large, display)")
    measure.add_argument("--width", help="wrap width: px or degrees (default: no wrapping)")
    measure.add_argument("--weight", default="regular", choices=("regular", "bold"))
    measure.add_argument("--lang", default="", help="language tag, e.g. ja, ar, th")
    measure.add_argument("--direction", default="auto", choices=("auto", "ltr", "rtl"))
    measure.add_argument("--max-lines", type=int, default=0)
    measure.add_argument("--overflow", default="ellipsis", choices=("ellipsis", "clip", "keep-end"))
    measure.add_argument("--device", default="quark-s1", help="profile that converts degrees (default quark-s1)")
    measure.add_argument("--json", action="store_true", help="print one JSON object")
    measure.set_defaults(run=_measure)

    schema = commands.add_parser("schema", help="print the JSON Schema of scene files")
    schema.set_defaults(run=_schema)
    return parser


def _render(args: argparse.Namespace) -> int:
    from hud.anim import parse_time
    from hud.profile import Profiler
    from hud.renderer import Renderer
    from hud.scene import load_scene

    scene = load_scene(args.scene)
    device = load_device(args.device or scene.device)
    out = Path(args.out) if args.out else Path("out") / f"{Path(args.scene).stem}-{device.name}"
    if not device.has_display:
        for flag, value in (("--at", args.at), ("--frames", args.frames), ("--preview", args.preview)):
            if value is not None:
                raise HudError(f"{flag}: {device.name} has no display, so there are no images; its speech covers "
                               f"the whole timeline (drop {flag})")
        return _speak(args, scene, device, out)
    at = _time_option(parse_time, args.at, "--at") if args.at is not None else 0.0
    renderer = Renderer(scene, device, profiler=Profiler(device.frame_budget_ms, device.name))
    if args.frames or args.preview:
        return _render_sequence(args, scene, renderer)
    started = time.perf_counter()
    frame = renderer.frame(at)
    elapsed = (time.perf_counter() - started) * 1000
    written = _save(frame, out)
    stages = ", ".join(f"{stage} {ms:.1f}" for stage, ms in frame.timings_ms.items())
    moment = f" at {at:g} s" if at else ""
    print(f"{args.scene}{moment} on {device.name}: {len(frame.eyes)} eye(s) {device.width}x{device.height} "
          f"in {elapsed:.1f} ms ({stages} ms)")
    for path in written:
        print(f"  {path}")
    _print_findings(scene, device, at)
    from hud.speech.narrator import speaks_on

    if speaks_on(scene, device):  # widgets with speak = "always" are spoken on display devices too
        return _speak(args, scene, device, out)
    return EXIT_OK


def _speak(args: argparse.Namespace, scene, device, out: Path) -> int:  # noqa: ANN001
    """Speech for a scene: speech.json (what was said, when, and why) and speech.wav."""
    from hud.anim import parse_time
    from hud.speech.narrator import narrate

    duration = _time_option(parse_time, args.duration, "--duration") if args.duration else None
    started = time.perf_counter()
    narrator = narrate(scene, device, language=args.language, until=duration)
    try:
        written = narrator.export(out, duration)
    except OSError as exc:
        raise HudError(f"{out}: cannot write the speech files: {exc.strerror or exc} (choose another folder)") from None
    elapsed = time.perf_counter() - started
    said = [u for u in narrator.utterances if u.start is not None]
    cut = sum(1 for u in narrator.utterances if u.status == "interrupted")
    dropped = sum(1 for u in narrator.utterances if u.status == "dropped")
    where = "has no display: it speaks" if not device.has_display else "speaks the widgets marked speak = \"always\""
    print(f"{args.scene} on {device.name} {where}: {len(narrator.utterances)} utterance(s), {len(said)} said "
          f"({cut} cut off), {dropped} dropped; {narrator.length(duration):.1f} s of audio in {elapsed:.1f} s "
          f"({narrator.engine.name})")
    for path in written:
        print(f"  {path}")
    for line in narrator.transcript().splitlines()[1:]:   # what is said, when, and what became of it
        print(line)
    return EXIT_OK


def _save(frame, out: Path) -> list[Path]:  # noqa: ANN001
    try:
        return frame.save(out)
    except OSError as exc:  # e.g. --out names a file, or a folder we may not write to
        raise HudError(f"{out}: cannot write the images: {exc.strerror or exc} (choose another folder)") from None


def _render_sequence(args: argparse.Namespace, scene, renderer) -> int:  # noqa: ANN001
    """--frames DIR and/or --preview FILE: every frame of the scene's timeline."""
    from hud.anim import parse_time
    from hud.sinks import write_animation, write_images

    fps = args.fps or min(renderer.device.refresh_hz, 30.0)
    duration = _time_option(parse_time, args.duration, "--duration") if args.duration else scene.length
    count = max(1, round(duration * fps) + 1)
    if args.preview and Path(args.preview).suffix.lower() not in (".gif", ".png", ".apng"):
        raise HudError(f"{args.preview}: the animated preview must be .gif, .png or .apng (APNG)")
    folder = Path(args.frames) if args.frames else None
    previews = []
    started = time.perf_counter()
    for index in range(count):
        frame = renderer.frame(index / fps)
        if folder is not None:
            images = {f"{eye}-{index:05d}.png": image for eye, image in
                      ((name[:-4], img) for name, img in frame.images().items())}
            try:
                write_images(images, folder)
            except OSError as exc:
                raise HudError(f"{folder}: cannot write frames: {exc.strerror or exc} (choose another folder)") from None
        if args.preview:
            previews.append(frame.preview())
        _progress(index + 1, count)
    elapsed = time.perf_counter() - started
    print(f"{count} frames of {args.scene} ({duration:g} s at {fps:g} fps) on {renderer.device.name} "
          f"in {elapsed:.1f} s")
    if folder is not None:
        print(f"  {folder}/{{left,right,preview}}-NNNNN.png")
    if args.preview:
        try:
            write_animation(previews, Path(args.preview), fps)
        except OSError as exc:
            raise HudError(f"{args.preview}: cannot write the preview: {exc.strerror or exc}") from None
        print(f"  {args.preview}")
    return EXIT_OK


def _progress(done: int, total: int) -> None:
    from hud.sinks import progress_bar

    progress_bar(done, total, "frames")


def _time_option(parse, value: str, flag: str) -> float:  # noqa: ANN001
    try:
        return parse(value)
    except ValueError as exc:
        raise HudError(f"{flag}: {exc} (e.g. 2.5s or 300ms)") from None


def _profile(args: argparse.Namespace) -> int:
    import json

    from hud.profile import Profiler
    from hud.renderer import Renderer
    from hud.scene import load_scene

    scene = load_scene(args.scene)
    device = load_device(args.device or scene.device)
    if not device.has_display:
        raise HudError(f"{device.name} has no display: there are no frames to profile")
    if args.frames < 1:
        raise HudError(f"--frames must be at least 1, got {args.frames}")
    profiler = Profiler(device.frame_budget_ms, device.name)
    renderer = Renderer(scene, device, profiler=profiler)
    fps = args.fps or device.refresh_hz
    for index in range(args.frames):
        renderer.frame(index / fps)
    if args.trace:
        profiler.write_trace(args.trace)
    if args.chart:
        profiler.write_chart(args.chart)
    if args.json:
        print(json.dumps(profiler.summary()))
    else:
        print(profiler.table())
        for path in (args.trace, args.chart):
            if path:
                print(f"  {path}")
    return EXIT_OK


def _emulate(args: argparse.Namespace) -> int:
    from emulator.__main__ import main as emulator_main

    return emulator_main(args.rest)


def _devices(args: argparse.Namespace) -> int:
    header = ("name", "display", "eyes", "colour", "FOV", "Hz", "px/deg", "device")
    rows = [header]
    for name in builtin_names():
        d = load_device(name)
        if d.has_display:
            colour = f"mono {d.grey_levels} lv" if d.colour == "mono" else (
                f"rgb {d.max_colours} col" if d.max_colours else "rgb")
            rows.append((d.name, f"{d.width}x{d.height}", "+".join(d.eyes), colour, f"{d.fov_diag_deg:g}°",
                         f"{d.refresh_hz:g}", f"{d.px_per_deg:.1f}", d.title))
        else:
            rows.append((d.name, "none", "-", "audio", "-", "-", "-", d.title))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from hud.scene import load_scene

    for path in args.scenes:
        scene = load_scene(path)
        count = _declared(scene.root) - 1
        print(f"{path}: ok ({count} widgets, for {', '.join(scene.targets)})")
        _print_findings(scene, None, None)
    return EXIT_OK


FIRST_FINDINGS = 5   # `hud render` and `hud validate` show this many lint findings


def _print_findings(scene, device, at: float | None) -> None:  # noqa: ANN001
    """The lint count and the first findings on stderr (the exit status does not change)."""
    from hud.lint import lint, summary_line

    findings = lint(scene, device, at=at)
    if not findings:
        return
    print(f"{summary_line(findings)} (run `hud lint` for all)", file=sys.stderr)
    for finding in findings[:FIRST_FINDINGS]:
        print(f"  {_safe(str(finding))}", file=sys.stderr)
    if len(findings) > FIRST_FINDINGS:
        print(f"  ... {len(findings) - FIRST_FINDINGS} more", file=sys.stderr)


def _lint(args: argparse.Namespace) -> int:
    import json

    from hud.anim import parse_time
    from hud.lint import DEFAULT_AMBIENT_LUX, counts, lint
    from hud.scene import load_scene

    at = _time_option(parse_time, args.at, "--at") if args.at is not None else None
    ambient = DEFAULT_AMBIENT_LUX if args.ambient is None else args.ambient
    if not (0 <= ambient <= 200_000):
        raise HudError(f"--ambient must be between 0 and 200000 lux, got {args.ambient:g} (250 indoors, 10000 daylight)")
    scenes = [load_scene(path) for path in args.scenes]   # every scene readable before any output
    device = args.device
    profile = load_device(device) if device not in (None, "all") else None
    if profile is not None and not profile.has_display:
        print(f"{profile.name} has no display: there is nothing to lint (its output is speech)", file=sys.stderr)
    findings = [finding for scene in scenes for finding in lint(scene, device, at=at, ambient=ambient)]
    errors, warnings = counts(findings)
    if args.json:
        print(json.dumps({"findings": [f.to_json() for f in findings], "errors": errors, "warnings": warnings},
                         ensure_ascii=False))
    else:
        for finding in findings:
            print(_safe(str(finding)))
        print(f"{len(args.scenes)} scene(s): {errors} error(s), {warnings} warning(s)")
    return 1 if errors else EXIT_OK


def _sheet(args: argparse.Namespace) -> int:
    from hud.sheet import main as sheet_main

    return sheet_main(args)


def _safe(text: str) -> str:
    """`text` without terminal control characters (a scene's strings are data)."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def _measure(args: argparse.Namespace) -> int:
    import json

    from hud.errors import FieldError
    from hud.text import measure
    from hud.theme import Theme
    from hud.widgets.primitives import Text

    theme = Theme(load_device(args.device))
    try:
        probe = Text(text="", size=_number_or_text(args.size), weight=args.weight)
        width = None
        if args.width is not None:
            probe.width = _number_or_text(args.width)
            width = round(theme.px(probe.width))
    except FieldError as exc:
        print(f"hud text measure: --{exc.field}: {exc.problem} ({exc.fix})", file=sys.stderr)
        return EXIT_USAGE
    size = theme.text_px(probe.size)
    text = args.text.replace("\\n", "\n")
    block = measure(text, size, width=width, weight=args.weight, max_lines=args.max_lines,
                    overflow=args.overflow, lang=args.lang, direction=args.direction)
    if args.json:
        print(json.dumps({"size_px": size, "width_px": width, "line_height_px": block.line_height,
                          "height_px": block.height, "truncated": block.truncated,
                          "lines": [{"text": line.text, "width_px": line.width, "rtl": line.rtl}
                                    for line in block.lines]}, ensure_ascii=False))
        return EXIT_OK
    print(f"{len(block.lines)} line(s) at {size} px, {block.height} px tall"
          + (f", wrapped at {width} px" if width is not None else "") + (" (truncated)" if block.truncated else ""))
    for line in block.lines:
        print(f"{line.width:>6} px  {line.text}")
    return EXIT_OK


def _number_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


def _declared(widget) -> int:  # noqa: ANN001
    """Widgets the scene declares (not the primitives composite widgets build)."""
    return 1 + sum(_declared(child) for child in widget._children)


def _schema(args: argparse.Namespace) -> int:
    from hud.scene import schema_json

    print(schema_json())
    return EXIT_OK


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    print(f"warning: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
