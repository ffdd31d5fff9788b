"""The `hud` command: render scenes, list devices, validate scenes, print the scene schema.

Wherever a command takes a scene file it also takes `module:function`, a function returning a
hud.Scene (hud.sources): `hud render app:walk`.

Every failure a user can cause ends here as one line on stderr (the file, and the line where
there is one, what is wrong, how to fix it) with exit status 2 and nothing written; only a
real bug is an "internal error" (exit 1). Every line printed to the terminal goes through
`hud.errors.escape`, since scenes, profiles and paths are data, not terminal commands.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from hud import options
from hud.devices import builtin_names, load_device
from hud.errors import HudError, OptionError, escape, escape_json, os_error
from hud.files import temp_folder
from hud.limits import MAX_TEXT_CHARS
from hud.raster import BACKEND_NAMES

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SCENE_HELP = "scene file (.toml), or module:function returning a hud.Scene (e.g. app:walk)"
SCENES_HELP = "scene files (.toml), or module:function names returning a hud.Scene"

# What to make smaller when a command runs out of memory.
MEMORY_FIXES = {
    "render": "render fewer or smaller frames: lower --fps or --duration, or use a smaller device profile",
    "profile": "profile fewer frames (--frames) or use a smaller device profile",
    "sheet": "give fewer scenes, devices or --at times, or fewer --jobs",
    "text": "measure a shorter text",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `hud` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "emulate":  # the emulator parses its own options (hud emulate --help)
        from emulator.__main__ import main as emulator_main

        return emulator_main(argv[1:])
    _printable_streams()
    shown, warnings.showwarning = warnings.showwarning, _show_warning
    previous = _interrupt_on_terminate()
    try:
        return _run(argv)
    finally:
        warnings.showwarning = shown
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(argv: list[str]) -> int:
    """Parse and run one command; every way it can fail becomes one line and an exit status."""
    args: argparse.Namespace | None = None
    try:
        _check_argv(argv)
        args = _parser().parse_args(argv)
        return args.run(args)
    except HudError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("hud: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `hud render ... | head`: the reader has gone, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:  # a disk that filled up, a folder that vanished, a permission
        return _fail(str(os_error(exc)))
    except MemoryError:
        command = getattr(args, "command", None) or "hud"
        return _fail(f"{_inputs(args)}: out of memory ({MEMORY_FIXES.get(command, 'give smaller inputs')})")
    except RecursionError:
        return _fail(f"{_inputs(args)}: nested too deeply to process (put fewer containers inside each other)")
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback
        if os.environ.get("HUD_DEBUG"):
            raise
        print(
            escape(f"hud: internal error: {type(exc).__name__}: {exc} (set HUD_DEBUG=1 for details and report it)"),
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _interrupt_on_terminate() -> Any:
    """Make SIGTERM (a `timeout`, a closed terminal) stop a command like Ctrl-C does, so that
    partial output is removed; returns the handler it replaced (None off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    owner = os.getpid()

    def interrupt(signum: int, frame: Any) -> None:
        if os.getpid() != owner:  # a forked worker (hud sheet's pool) ends quietly
            os._exit(128 + signum)
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _fail(line: str) -> int:
    print(escape(line), file=sys.stderr)
    return EXIT_USAGE


def _inputs(args: argparse.Namespace | None) -> str:
    """The scene file(s) a command was given, for a line about the whole run."""
    if args is None:
        return "hud"
    files = [getattr(args, "scene", None)] + list(getattr(args, "scenes", None) or [])
    named = list(dict.fromkeys(str(f) for f in files if f))
    return ", ".join(named) if named else f"hud {args.command}"


def _printable_streams() -> None:
    """Characters the terminal's encoding lacks print as escapes instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _check_argv(argv: list[str]) -> None:
    """Arguments a path or a text can never hold: NUL, and bytes that are not UTF-8."""
    for value in argv:
        if "\x00" in value:
            raise OptionError(escape(value), "contains a NUL character", "remove it")
        if re.search("[\ud800-\udfff]", value):
            raise OptionError(escape(value), "is not valid UTF-8 text", "rename the file, or pass UTF-8 text")


def _say(text: str = "", file: Any = None) -> None:
    """Print `text` line by line, each line escaped for the terminal."""
    for line in text.split("\n"):
        print(escape(line), file=file or sys.stdout)


def _say_json(document: Any) -> None:
    """Print one JSON document on one line (controls and bidi overrides as \\u escapes)."""
    print(escape_json(json.dumps(document, ensure_ascii=False)))


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line: `hud render: --fps: must be ... (fix)`."""

    def error(self, message: str) -> NoReturn:
        message = message.removeprefix("argument ")
        fix = "" if message.rstrip().endswith(")") else f" (see `{self.prog} --help`)"
        where = "" if message.startswith("-") else f"{self.prog}: "  # an option's error starts with it
        raise HudError(f"{where}{message}{fix}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hud", description="Render AR heads-up display scenes.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    path = options.non_empty

    render = commands.add_parser(
        "render",
        help="render a scene to per-eye PNGs and a preview (speech.json + speech.wav on devices without a display)",
    )
    render.add_argument(
        "scenes",
        metavar="scene",
        type=path,
        nargs="+",
        help=SCENE_HELP + "; several render one moment each, in parallel",
    )
    render.add_argument("--device", type=path, help="built-in device name or a profile .toml (default: the scene's)")
    render.add_argument(
        "--out",
        type=path,
        help="output folder (default: out/<scene>-<device>; for several scenes, the folder that holds their folders)",
    )
    render.add_argument(
        "--at", type=options.seconds, help="render the moment at this time of the timeline, e.g. 2.5s or 300ms"
    )
    render.add_argument("--frames", type=path, metavar="DIR", help="write every frame of the timeline into DIR")
    render.add_argument(
        "--preview", type=path, metavar="FILE", help="write an animated preview (.gif, or .png for APNG)"
    )
    render.add_argument(
        "--fps",
        type=options.fps,
        help="frames per second for --frames/--preview, above 0 and at "
        "most 240 (default: 30, or the refresh rate if lower)",
    )
    render.add_argument(
        "--duration", type=options.seconds, help="length of --frames/--preview or of the speech (default: the scene's)"
    )
    render.add_argument(
        "--max-duration",
        type=options.max_duration,
        metavar="SECONDS",
        help="raise the bound on --duration (and on the scene's length) from 600 s, up to 86400 s; "
        "the frame bound rises with it (60 frames a second)",
    )
    render.add_argument(
        "--max-frames",
        type=options.frame_count,
        metavar="N",
        help="raise the bound on the frames of --frames/--preview (default 36000), up to 5184000",
    )
    render.add_argument(
        "--language",
        choices=("zh", "en"),
        help="word speech templates (nav, cards) in this language (default: each widget's own)",
    )
    _backend_option(render)
    _batch_options(render, "several scenes, or the frames of --frames/--preview")
    render.set_defaults(run=_render)

    profile = commands.add_parser(
        "profile",
        help="time every stage of every frame against the refresh budget "
        "(without a display: every speech tick against 50 ms)",
    )
    profile.add_argument("scene", type=path, help=SCENE_HELP)
    profile.add_argument("--device", type=path, help="built-in device name or a profile .toml (default: the scene's)")
    profile.add_argument(
        "--frames",
        type=options.frame_count,
        default=300,
        help="frames to render (default 300, at most 36000 unless --max-frames raises it); a "
        "device without a display is profiled over the scene's whole timeline instead",
    )
    profile.add_argument(
        "--max-frames",
        type=options.frame_count,
        metavar="N",
        help="raise the bound on --frames, and on the speech ticks of a device without a display "
        "(default 36000), up to 5184000",
    )
    profile.add_argument(
        "--fps", type=options.fps, help="scene time step (default: the device's refresh rate; devices with a display)"
    )
    profile.add_argument(
        "--trace",
        type=path,
        metavar="FILE",
        help="write a Chrome trace-event JSON of the frames or speech ticks (opens in Perfetto)",
    )
    profile.add_argument(
        "--chart", type=path, metavar="FILE", help="write a frame-time chart PNG (devices with a display)"
    )
    profile.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    _backend_option(profile)
    profile.set_defaults(run=_profile)

    devices = commands.add_parser("devices", help="list the device profiles")
    devices.set_defaults(run=_devices)

    validate = commands.add_parser("validate", help="check scene files without rendering")
    validate.add_argument("scenes", type=path, nargs="+", help=SCENES_HELP)
    validate.set_defaults(run=_validate)

    lint = commands.add_parser("lint", help="find every overlap, cut, hidden widget and readability problem")
    lint.add_argument("scenes", type=path, nargs="+", help=SCENES_HELP)
    lint.add_argument(
        "--device", type=path, help="a device name, a profile .toml or 'all' (default: each scene's targets)"
    )
    lint.add_argument(
        "--at", type=options.seconds, help="check one moment (e.g. 2.5s); default: every timeline event and across time"
    )
    lint.add_argument(
        "--ambient",
        type=options.lux,
        default=None,
        help="world light in lux for low-contrast (default 250, indoors; 10000 is daylight)",
    )
    lint.add_argument("--json", action="store_true", help="print one JSON object")
    lint.set_defaults(run=_lint)

    sheet = commands.add_parser("sheet", help="a contact sheet of scenes x devices (x times), lint marked")
    sheet.add_argument("scenes", type=path, nargs="+", help=SCENES_HELP)
    sheet.add_argument(
        "--devices", type=path, help="comma-separated device names, or 'all' (default: each scene's targets)"
    )
    sheet.add_argument("--at", type=options.seconds, action="append", help="a moment to show (repeatable; default 0)")
    sheet.add_argument("--out", type=path, required=True, help="the PNG to write")
    _backend_option(sheet)
    _batch_options(sheet, "the cells")
    sheet.set_defaults(run=_sheet)

    emulate = commands.add_parser(
        "emulate", help="open the desktop emulator on a scene (python -m emulator)", add_help=False
    )
    emulate.add_argument("rest", nargs=argparse.REMAINDER)
    emulate.set_defaults(run=_emulate)

    text = commands.add_parser("text", help="text tools")
    text_commands = text.add_subparsers(dest="text_command", required=True, metavar="TOOL")
    measure = text_commands.add_parser("measure", help="the lines and pixel widths the renderer will draw for a string")
    measure.add_argument("text", help="the text (\\n in it starts a new paragraph)")
    measure.add_argument(
        "--size",
        default="body",
        help="font size: px (24), degrees (0.9deg) or a role (small, body, title, large, display)",
    )
    measure.add_argument(
        "--width",
        help="wrap width: px (300), degrees (12deg), a percent of the device's safe "
        "width (50%%) or auto (the whole safe width); default: no wrapping",
    )
    measure.add_argument("--weight", default="regular", choices=("regular", "bold"))
    measure.add_argument("--lang", default="", help="language tag, e.g. ja, ar, th")
    measure.add_argument("--direction", default="auto", choices=("auto", "ltr", "rtl"))
    measure.add_argument(
        "--max-lines",
        type=options.line_count,
        default=None,
        help="keep at most this many lines, 1 or more (default: no limit)",
    )
    measure.add_argument("--overflow", default="ellipsis", choices=("ellipsis", "clip", "keep-end"))
    measure.add_argument(
        "--device", type=path, default="quark-s1", help="profile that converts degrees and percents (default quark-s1)"
    )
    measure.add_argument("--json", action="store_true", help="print one JSON object")
    measure.set_defaults(run=_measure)

    schema = commands.add_parser("schema", help="print the JSON Schema of scene files")
    schema.set_defaults(run=_schema)
    return parser


def _batch_options(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--jobs", type=options.jobs, help=f"worker processes for {what} (default: one per core)")
    command.add_argument(
        "--cluster",
        type=options.non_empty,
        metavar="ADDRESS",
        help=f"render {what} on the Dask scheduler at ADDRESS, e.g. tcp://HOST:8786 (default: "
        "$DASK_SCHEDULER_ADDRESS if set, else this machine)",
    )


def _backend_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--backend",
        choices=BACKEND_NAMES,
        default="cpu",
        help="raster backend: cpu (the reference, default) or gl (moderngl; the CPU draws "
        "instead, after a warning, where no GL context can be made)",
    )


# -- hud render ----------------------------------------------------------------------------------
def _render(args: argparse.Namespace) -> int:
    from hud.profile import Profiler
    from hud.renderer import Renderer
    from hud.sources import check_scene_arg, load_scene_arg, scene_stem
    from hud.speech.speakers import speaks_on

    bounds = options.Bounds.from_options(args.max_duration, args.max_frames)
    if args.duration is not None:
        options.check_time(args.duration, "--duration", bounds)
    if args.preview and Path(args.preview).suffix.lower() not in (".gif", ".png", ".apng"):
        raise OptionError(
            "--preview",
            f"{escape(args.preview)}: the animated preview must be .gif, .png or .apng (APNG)",
            "give a file name ending in .gif or .png",
        )
    if len(args.scenes) > 1:
        return _render_scenes(args, bounds)
    args.scene = args.scenes[0]
    check_scene_arg(args.scene)
    options.check_device_option(args.device)
    scene = load_scene_arg(args.scene)
    device = load_device(args.device or scene.device)
    out = Path(args.out) if args.out else Path("out") / f"{scene_stem(args.scene)}-{_folder_name(device.name)}"
    if not device.has_display:
        for flag, value in (("--at", args.at), ("--frames", args.frames), ("--preview", args.preview)):
            if value is not None:
                raise OptionError(
                    flag,
                    f"{device.name} has no display, so there are no images; its speech covers the whole timeline",
                    f"drop {flag}",
                )
        _check_speech_length(args, scene, bounds)
        options.check_output_folder(out, "--out", "the speech files")
        return _speak(args, scene, device, out)
    if args.frames or args.preview:
        return _render_sequence(args, scene, device, bounds)
    at = args.at if args.at is not None else 0.0
    speaks = speaks_on(scene, device)  # widgets with speak = "always" are spoken on display devices too
    if speaks:
        _check_speech_length(args, scene, bounds)
    options.check_output_folder(out, "--out", "the images")
    renderer = Renderer(scene, device, backend=args.backend)
    renderer.profiler = Profiler(device.frame_budget_ms, device.name, backend=renderer.backend)
    started = time.perf_counter()
    frame = renderer.frame(at)
    elapsed = (time.perf_counter() - started) * 1000
    written = _save(frame, out)
    stages = ", ".join(f"{stage} {ms:.1f}" for stage, ms in _in_order(frame.timings_ms).items())
    moment = f" at {at:g} s" if at else ""
    _say(
        f"{args.scene}{moment} on {device.name} ({frame.backend} backend): {len(frame.eyes)} eye(s) "
        f"{device.width}x{device.height} in {elapsed:.1f} ms ({stages} ms)"
    )
    for path in written:
        _say(f"  {path}")
    _print_findings(scene, device, at)
    if speaks:
        return _speak(args, scene, device, out)
    return EXIT_OK


def _in_order(timings: dict[str, float]) -> dict[str, float]:
    """Stage timings in pipeline order (a stage that ran twice is counted once, in full)."""
    from hud.profile import STAGES

    return {stage: timings[stage] for stage in STAGES if stage in timings}


def _folder_name(name: str) -> str:
    """A device name as one folder name (a user's profile may name itself anything)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "device"


def _check_speech_length(args: argparse.Namespace, scene, bounds: options.Bounds) -> None:  # noqa: ANN001
    """The speech covers --duration or the scene's length: within the duration bound."""
    if args.duration is None:
        options.check_time(scene.length, "--duration", bounds, what=f"the scene's length ({scene.length:g} s)")


def _speak(args: argparse.Namespace, scene, device, out: Path) -> int:  # noqa: ANN001
    """Speech for a scene: speech.json (what was said, when, and why) and speech.wav."""
    from hud.speech.narrator import narrate

    duration = args.duration
    started = time.perf_counter()
    narrator = narrate(scene, device, language=args.language, until=duration)
    try:
        written = narrator.export(out, duration)
    except OSError as exc:
        raise os_error(exc, out, "write the speech files") from None
    elapsed = time.perf_counter() - started
    said = [u for u in narrator.utterances if u.start is not None]
    cut = sum(1 for u in narrator.utterances if u.status == "interrupted")
    dropped = sum(1 for u in narrator.utterances if u.status == "dropped")
    where = "has no display: it speaks" if not device.has_display else 'speaks the widgets marked speak = "always"'
    _say(
        f"{args.scene} on {device.name} {where}: {len(narrator.utterances)} utterance(s), {len(said)} said "
        f"({cut} cut off), {dropped} dropped; {narrator.length(duration):.1f} s of audio in {elapsed:.1f} s "
        f"({narrator.engine.name})"
    )
    summary = narrator.live_summary()
    if summary:
        _say(f"  {summary}")
    for path in written:
        _say(f"  {path}")
    for line in narrator.transcript().splitlines()[1:]:  # what is said, when, and what became of it
        _say(line)
    return EXIT_OK


def _save(frame, out: Path) -> list[Path]:  # noqa: ANN001
    try:
        return frame.save(out)
    except OSError as exc:  # e.g. the disk is full, or the folder went away
        raise os_error(exc, out, "write the images") from None


def _render_sequence(args: argparse.Namespace, scene, device, bounds: options.Bounds) -> int:  # noqa: ANN001
    """--frames DIR and/or --preview FILE: every frame of the scene's timeline, all written or none.

    The frames render in contiguous ranges (hud.batch), each with one long-lived renderer, in
    this process or across workers; they are written in order as the ranges come back."""
    from PIL import Image as PILImage

    from hud.batch import Batch, FramesTask, Progress, SceneSource, cluster_address, frame_ranges, render_frames
    from hud.sinks import AnimationWriter
    from hud.sources import load_scene_arg

    rate = args.fps or min(device.refresh_hz, 30.0)
    if args.duration is None:
        options.check_time(scene.length, "--duration", bounds, what=f"the scene's length ({scene.length:g} s)")
    duration = args.duration if args.duration is not None else scene.length
    count = max(1, round(duration * rate) + 1)
    options.check_frames(count, duration, rate, "--frames" if args.frames else "--preview", bounds)
    if args.preview:
        options.check_output_file(Path(args.preview), "--preview", "the preview")
    folder = Path(args.frames) if args.frames else None
    if folder is not None:
        options.check_output_folder(folder, "--frames", "frames")
    with Batch("hud render", args.jobs, cluster_address(args.cluster)) as batch:
        source = SceneSource.of(args.scene, scene, load_scene_arg, keep=True)
        tasks = [
            FramesTask(source, device, args.backend, rate, frames, folder is not None, bool(args.preview))
            for frames in frame_ranges(count, batch.workers)
        ]
        staged = _StagedFolder(folder) if folder is not None else None
        writer = _FileWriter(staged.path, staged.folder) if staged is not None else None
        try:  # the preview is written as the frames come: memory holds one or two of them
            preview = AnimationWriter(Path(args.preview), rate) if args.preview else None
        except OSError as exc:
            if staged is not None:
                staged.discard()
            raise os_error(exc, args.preview, "write the preview") from None
        backend = args.backend
        started = time.perf_counter()
        try:
            with Progress(count, "frames") as progress:
                for rendered in batch.map(render_frames, tasks):
                    for frame in rendered:
                        if writer is not None:
                            writer.write(frame.files)
                        if preview is not None:
                            try:  # an unchanged frame lengthens the previous preview frame
                                if frame.preview is None:
                                    preview.repeat()
                                else:
                                    preview.add(PILImage.fromarray(frame.preview, "RGB"))
                            except OSError as exc:
                                raise os_error(exc, args.preview, "write the preview") from None
                        backend = frame.backend
                    progress.update(len(rendered))
            if preview is not None:
                try:
                    preview.commit()
                except OSError as exc:
                    raise os_error(exc, args.preview, "write the preview") from None
            if writer is not None and staged is not None:
                writer.finish()
                try:
                    staged.commit()
                except OSError as exc:
                    raise os_error(exc, folder, "write frames") from None
        except BaseException:
            if preview is not None:
                preview.discard()
            if writer is not None:
                writer.cancel()
            if staged is not None:
                staged.discard()
            raise
        elapsed = time.perf_counter() - started
        where = batch.where
    _say(
        f"{count} frames of {args.scene} ({duration:g} s at {rate:g} fps) on {device.name} "
        f"({backend} backend) in {elapsed:.1f} s {where}"
    )
    if folder is not None:
        _say(f"  {folder}/{{left,right,preview}}-NNNNN.png")
    if args.preview:
        _say(f"  {args.preview}")
    return EXIT_OK


def _render_scenes(args: argparse.Namespace, bounds: options.Bounds) -> int:
    """Several scenes: one moment of each (--at, default 0), rendered in parallel, each into its
    own folder (out/<scene>-<device>, or under --out), printed and written in the order given."""
    from hud.batch import Batch, Progress, SceneSource, StillTask, cluster_address, render_still
    from hud.sinks import write_images
    from hud.sources import check_scene_arg, load_scene_arg, scene_stem
    from hud.speech.speakers import speaks_on

    for flag, value in (("--frames", args.frames), ("--preview", args.preview)):
        if value is not None:
            raise OptionError(
                flag,
                f"renders the timeline of one scene, and {len(args.scenes)} scenes were given",
                "give one scene, or drop it to render one moment of each",
            )
    for path in args.scenes:
        check_scene_arg(path)
    options.check_device_option(args.device)
    scenes = [load_scene_arg(path) for path in args.scenes]  # every scene readable before any output
    devices = [load_device(args.device or scene.device) for scene in scenes]
    parent = Path(args.out) if args.out else Path("out")
    outs = [parent / f"{scene_stem(p)}-{_folder_name(d.name)}" for p, d in zip(args.scenes, devices)]
    for index, out in enumerate(outs):
        if out in outs[:index]:
            raise OptionError(
                "scene",
                f"{escape(args.scenes[outs.index(out)])} and {escape(args.scenes[index])} would both write {out}",
                "render them one at a time with --out",
            )
        options.check_output_folder(out, "--out", "the images")
    at = args.at if args.at is not None else 0.0
    speaking = [not device.has_display or speaks_on(s, device) for s, device in zip(scenes, devices)]
    for scene, speaks in zip(scenes, speaking):
        if speaks:
            _check_speech_length(args, scene, bounds)
    with Batch("hud render", args.jobs, cluster_address(args.cluster)) as batch:
        keep = batch.workers <= 1 and not batch.cluster
        tasks = [
            StillTask(SceneSource.of(path, scene, load_scene_arg, keep), device, args.backend, at)
            for path, scene, device in zip(args.scenes, scenes, devices)
            if device.has_display
        ]
        stills = iter(batch.map(render_still, tasks))
        with Progress(len(scenes), "scenes") as progress:
            for path, scene, device, out, speaks in zip(args.scenes, scenes, devices, outs, speaking):
                args.scene = path
                if device.has_display:
                    still = next(stills)
                    try:
                        written = write_images(dict(still.files), out)
                    except OSError as exc:
                        raise os_error(exc, out, "write the images") from None
                    stages = ", ".join(f"{stage} {ms:.1f}" for stage, ms in _in_order(still.timings_ms).items())
                    moment = f" at {at:g} s" if at else ""
                    _say(
                        f"{path}{moment} on {device.name} ({still.backend} backend): {still.eyes} eye(s) "
                        f"{device.width}x{device.height} in {still.elapsed_ms:.1f} ms ({stages} ms)"
                    )
                    for file in written:
                        _say(f"  {file}")
                    _say_findings(still.summary, still.findings)
                if speaks:
                    _speak(args, scene, device, out)
                progress.update()
    return EXIT_OK


def _say_findings(summary: str, findings: Sequence[str]) -> None:
    """A lint summary and the first findings on stderr (the exit status does not change)."""
    if not findings:
        return
    _say(f"{summary} (run `hud lint` for all)", sys.stderr)
    for finding in findings[:FIRST_FINDINGS]:
        _say(f"  {finding}", sys.stderr)
    if len(findings) > FIRST_FINDINGS:
        _say(f"  ... {len(findings) - FIRST_FINDINGS} more", sys.stderr)


class _FileWriter:
    """Writes each frame's files into a folder on a few threads: every file is atomic (written,
    flushed to disk, renamed), and the waits for the disk overlap instead of adding up. After a
    write fails, the frames still queued are not written; the failure is raised by the next
    `write` or by `finish`."""

    THREADS = 8
    PENDING = 64  # frames queued at most: memory holds their bytes

    def __init__(self, folder: Path, shown: Path) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.folder, self.shown = folder, shown
        self._threads = ThreadPoolExecutor(self.THREADS, thread_name_prefix="hud-write")
        self._pending: list[Any] = []
        self._failed = threading.Event()

    def write(self, files: dict[str, bytes]) -> None:
        while self._pending and (self._pending[0].done() or len(self._pending) >= self.PENDING):
            self._wait(self._pending.pop(0))
        if self._failed.is_set():
            self.finish()
        self._pending.append(self._threads.submit(self._write, dict(files)))

    def finish(self) -> None:
        """Wait for every file; the first that failed raises its error."""
        while self._pending:
            self._wait(self._pending.pop(0))
        self._threads.shutdown()

    def cancel(self) -> None:
        self._failed.set()
        self._threads.shutdown(wait=True, cancel_futures=True)

    def _write(self, files: dict[str, bytes]) -> None:
        from hud.sinks import write_images

        if self._failed.is_set():
            return
        try:
            write_images(files, self.folder)
        except BaseException:
            self._failed.set()
            raise

    def _wait(self, future: Any) -> None:
        try:
            future.result()
        except OSError as exc:
            raise os_error(exc, self.shown, "write frames") from None


class _StagedFolder:
    """A folder filled in full or not at all: files go into a hidden sibling folder, and are
    moved in at the end; `discard` removes the sibling and any folder made for it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        parent = folder.absolute().parent
        self.made = [p for p in (parent, *parent.parents) if not os.path.lexists(p)]  # deepest first
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.path = temp_folder(folder.absolute())
        except OSError as exc:
            self._remove_made()
            raise os_error(exc, folder, "write frames") from None

    def commit(self) -> None:
        if not os.path.lexists(self.folder):
            os.rename(self.path, self.folder)
            return
        for item in sorted(self.path.iterdir()):
            os.replace(item, self.folder / item.name)
        self.path.rmdir()

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._remove_made()

    def _remove_made(self) -> None:
        for folder in self.made:
            try:
                folder.rmdir()
            except OSError:
                break  # not empty (or not ours any more): keep it and its parents


# -- hud profile ---------------------------------------------------------------------------------
def _profile(args: argparse.Namespace) -> int:
    from hud.limits import HARD_MAX_FRAMES
    from hud.profile import Profiler, SpeechProfiler
    from hud.renderer import Renderer
    from hud.sources import check_scene_arg, load_scene_arg
    from hud.speech import tts
    from hud.speech.narrator import SCENE_TICK_S, narrate

    bounds = options.Bounds.from_options(None, args.max_frames)
    check_scene_arg(args.scene)
    options.check_device_option(args.device)
    for value, flag, what in ((args.trace, "--trace", "the trace"), (args.chart, "--chart", "the chart")):
        if value:
            options.check_output_file(Path(value), flag, what)
    scene = load_scene_arg(args.scene)
    device = load_device(args.device or scene.device)
    if device.has_display:
        if args.frames > bounds.frames:
            fix = (
                f"raise it to --max-frames {args.frames}"
                if bounds.raised_frames
                else f"pass --max-frames {args.frames} to profile that many on purpose"
            )
            raise OptionError("--frames", f"{args.frames} frames are over the bound of {bounds.frames}", fix)
        renderer = Renderer(scene, device, backend=args.backend)
        frames = Profiler(device.frame_budget_ms, device.name, backend=renderer.backend)
        renderer.profiler = frames
        profiler: Profiler | SpeechProfiler = frames
        rate = args.fps or device.refresh_hz
        for index in range(args.frames):
            renderer.frame(index / rate)
    else:  # its speech, tick by tick, as `narrate` samples the timeline
        if args.chart:
            raise OptionError(
                "--chart",
                f"{device.name} has no display, so there is no frame-time chart; its "
                "speech ticks are in the table, --json and --trace",
                "drop --chart",
            )
        if args.fps:
            raise OptionError(
                "--fps",
                f"{device.name} has no display: its speech is sampled every "
                f"{SCENE_TICK_S * 1000:g} ms and at every timeline event",
                "drop --fps",
            )
        ticks = int(scene.length / SCENE_TICK_S) + 1
        if ticks > bounds.frames:
            fix = (
                "profile a shorter scene"
                if ticks > HARD_MAX_FRAMES
                else f"raise it to --max-frames {ticks}"
                if bounds.raised_frames
                else f"pass --max-frames {ticks} to profile that many on purpose"
            )
            raise OptionError(
                "--max-frames",
                f"the scene's {scene.length:g} s are {ticks} speech ticks, over the bound of {bounds.frames}",
                fix,
            )
        profiler = SpeechProfiler(SCENE_TICK_S * 1000, device.name)
        narrator = narrate(scene, device, engine=tts.TimedEngine(tts.engine(), profiler), profiler=profiler)
        profiler.add_speech(narrator)
    outputs = [(args.trace, profiler.write_trace, "write the trace")]
    if isinstance(profiler, Profiler):  # (a chart is refused above for a device without a display)
        outputs.append((args.chart, profiler.write_chart, "write the chart"))
    for value, write, what in outputs:
        if value:
            try:
                write(value)
            except OSError as exc:
                raise os_error(exc, value, what) from None
    if args.json:
        _say_json(profiler.summary())
    else:
        _say(profiler.table())
        for path in (args.trace, args.chart):
            if path:
                _say(f"  {path}")
    return EXIT_OK


def _emulate(args: argparse.Namespace) -> int:
    from emulator.__main__ import main as emulator_main

    return emulator_main(args.rest)


# -- hud devices, validate, lint, sheet ----------------------------------------------------------
def _devices(args: argparse.Namespace) -> int:
    header = ("name", "display", "eyes", "colour", "FOV", "Hz", "px/deg", "device")
    rows = [header]
    for name in builtin_names():
        d = load_device(name)
        if d.has_display:
            colour = (
                f"mono {d.grey_levels} lv"
                if d.colour == "mono"
                else (f"rgb {d.max_colours} col" if d.max_colours else "rgb")
            )
            rows.append(
                (
                    d.name,
                    f"{d.width}x{d.height}",
                    "+".join(d.eyes),
                    colour,
                    f"{d.fov_diag_deg:g}°",
                    f"{d.refresh_hz:g}",
                    f"{d.px_per_deg:.1f}",
                    d.title,
                )
            )
        else:
            rows.append((d.name, "none", "-", "audio", "-", "-", "-", d.title))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        _say("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            _say("  ".join("-" * width for width in widths))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from hud.sources import load_scene_arg

    for path in args.scenes:
        scene = load_scene_arg(path)
        count = _declared(scene.root) - 1
        _say(f"{path}: ok ({count} widgets, for {', '.join(scene.targets)})")
        _print_findings(scene, None, None)
    return EXIT_OK


FIRST_FINDINGS = 5  # `hud render` and `hud validate` show this many lint findings


def _print_findings(scene, device, at: float | None) -> None:  # noqa: ANN001
    """The lint count and the first findings on stderr (the exit status does not change)."""
    from hud.lint import lint, summary_line

    findings = lint(scene, device, at=at)
    if findings:
        _say_findings(summary_line(findings), [str(finding) for finding in findings])


def _lint(args: argparse.Namespace) -> int:
    from hud.lint import DEFAULT_AMBIENT_LUX, counts, lint
    from hud.sources import check_scene_arg, load_scene_arg

    ambient = DEFAULT_AMBIENT_LUX if args.ambient is None else args.ambient
    device = args.device
    if device != "all":
        options.check_device_option(device)
    for path in args.scenes:
        check_scene_arg(path)
    scenes = [load_scene_arg(path) for path in args.scenes]  # every scene readable before any output
    profile = load_device(device) if device not in (None, "all") else None
    if profile is not None and not profile.has_display:
        _say(f"{profile.name} has no display: there is nothing to lint (its output is speech)", sys.stderr)
    findings = [finding for scene in scenes for finding in lint(scene, device, at=args.at, ambient=ambient)]
    errors, warnings_ = counts(findings)
    if args.json:
        _say_json({"findings": [f.to_json() for f in findings], "errors": errors, "warnings": warnings_})
    else:
        for finding in findings:
            _say(str(finding))
        _say(f"{len(args.scenes)} scene(s): {errors} error(s), {warnings_} warning(s)")
    return 1 if errors else EXIT_OK


def _sheet(args: argparse.Namespace) -> int:
    from hud.sheet import main as sheet_main
    from hud.sources import check_scene_arg

    for path in args.scenes:
        check_scene_arg(path)
    return sheet_main(args)


# -- hud text measure ----------------------------------------------------------------------------
def _measure(args: argparse.Namespace) -> int:
    from hud.errors import FieldError
    from hud.text import measure
    from hud.theme import Theme
    from hud.widgets.primitives import Text

    options.check_device_option(args.device)
    device = load_device(args.device)
    if not device.has_display:
        raise OptionError(
            "--device",
            f"{device.name} has no display: its text is spoken, not drawn",
            "measure for a device with a display, e.g. --device quark-s1",
        )
    if len(args.text) > MAX_TEXT_CHARS:
        raise OptionError(
            "TEXT", f"is {len(args.text)} characters, over the limit of {MAX_TEXT_CHARS}", "measure a shorter text"
        )
    theme = Theme(device)
    option = "--size"
    try:
        probe = Text(text="", size=_number_or_text(args.size), weight=args.weight)
        option = "--lang"
        probe.lang = args.lang or None
        option = "--width"
        width = _wrap_width(args.width, probe, theme)
    except FieldError as exc:
        raise OptionError(option, exc.problem, exc.fix) from None
    size = theme.text_px(probe.size)
    text = args.text.replace("\\n", "\n")
    block = measure(
        text,
        size,
        width=width,
        weight=args.weight,
        max_lines=args.max_lines or 0,
        overflow=args.overflow,
        lang=args.lang,
        direction=args.direction,
    )
    if args.json:
        _say_json(
            {
                "size_px": size,
                "width_px": width,
                "line_height_px": block.line_height,
                "height_px": block.height,
                "truncated": block.truncated,
                "lines": [{"text": line.text, "width_px": line.width, "rtl": line.rtl} for line in block.lines],
            }
        )
        return EXIT_OK
    _say(
        f"{len(block.lines)} line(s) at {size} px, {block.height} px tall"
        + (f", wrapped at {width} px" if width is not None else "")
        + (" (truncated)" if block.truncated else "")
    )
    for line in block.lines:
        _say(f"{line.width:>6} px  {line.text}")
    return EXIT_OK


def _wrap_width(value: str | None, probe, theme) -> int | None:  # noqa: ANN001
    """--width in pixels: px or degrees as a widget's width, `auto` for the device's safe width,
    or a percent of it (the area widgets are laid out in)."""
    from hud.errors import FieldError

    if value is None:
        return None
    device = theme.device
    safe = device.width - device.safe_margin.horizontal
    text = value.strip()
    if text == "auto":
        return safe
    if text.endswith("%"):
        try:
            percent = float(text[:-1])
        except ValueError:
            percent = float("nan")
        if not 0 < percent <= 100:
            raise FieldError(
                "",
                f"a percent must be above 0 and at most 100, got {value!r}",
                f"e.g. 50% of the {safe} px safe width of {device.name}",
            )
        return max(1, round(safe * percent / 100))
    probe.width = _number_or_text(text)
    pixels = round(theme.px(probe.width))
    if pixels < 1:
        raise FieldError(
            "", f"must be at least 1 px, got {value}", "give px, degrees, a percent of the safe width, or auto"
        )
    return pixels


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
    print(escape(f"warning: {message}"), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
