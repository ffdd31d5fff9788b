"""Lint: every breach of a readable, comfortable HUD, found by rendering the scene.

`lint(scene, device=...)` renders the scene on each device (at every timeline event, and
across time for the rules about time) and returns `Finding`s, one per breach:

    scenes/x.toml:12: error overlap: notification 'pay' overlaps nav_arrow 'turn' by 40x12 px in the left eye (notification 'pay', quark-s1, 0 s)

Rules (ids are fixed; thresholds and their sources are in the README):
overlap, offscreen, hidden, truncated, text-too-small, thin-stroke, low-contrast, power,
burn-in, reading-time, missing-glyph, too-near, colour-lost, link.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from hud.anim import CAPTION_SCROLL_S
from hud.compose import declared, widget_label
from hud.devices import DeviceProfile, builtin_names, load_device
from hud.geometry import Rect
from hud.light import contrast
from hud.link import changed_regions, transfer
from hud.paint import Fill, FillRoundRect, Glyphs, Stroke, StrokeRoundRect
from hud.panel import colour_error
from hud.renderer import Frame, Renderer
from hud.report import DrawnText, LayoutSnapshot, eye_box, ink_bounds, widget_boxes
from hud.scene import Scene, load_scene
from hud.text.fonts import family_font, has_glyph
from hud.text.wrap import TextBlock
from hud.theme import Theme
from hud.widgets.base import Widget
from hud.widgets.primitives import Screen, Text

ERROR, WARNING = "error", "warning"
# rule -> (severity, what it finds). Severity "error|warning" rules decide per finding.
RULES: dict[str, tuple[str, str]] = {
    "overlap": (ERROR, "two top-level widgets' boxes intersect"),
    "offscreen": (ERROR, "something drawn outside or cut at a display edge, in either eye"),
    "hidden": (WARNING, "the compositor hid a widget for lack of space"),
    "truncated": (WARNING, "text cut by ellipsis or clip (keep-end captions excepted)"),
    "text-too-small": (ERROR, "font size under 0.6 deg of visual angle"),
    "thin-stroke": (WARNING, "strokes under 1.5 device pixels (icons, borders, text stems)"),
    "low-contrast": (ERROR, "content over the world under 1.2:1 (error) or 1.5:1 (warning) at the ambient light"),
    "power": (WARNING, "lit share of the display (mean luminance / peak) above 15 %"),
    "burn-in": (WARNING, "the same pixels at over half brightness for more than 60 s of a timeline"),
    "reading-time": (WARNING, "text on screen for less time than reading it takes"),
    "missing-glyph": (ERROR, "a character no bundled font has"),
    "too-near": (WARNING, "depth nearer than the profile's comfort minimum"),
    "colour-lost": (WARNING, "on a palette panel, a role colour or text colour mapped far from itself"),
    "link": (WARNING, "an animation the device's link cannot carry at a smooth frame rate"),
}
MIN_TEXT_DEG = 0.6  # legibility floor of waveguide text (DEVICES.md design rules)
MIN_STROKE_PX = 1.5  # thinner strokes shimmer and vanish on a waveguide
CONTRAST_ERROR, CONTRAST_WARNING = 1.2, 1.5
DEFAULT_AMBIENT_LUX = 250.0  # indoors; 10000 is daylight
POWER_SHARE = 0.15  # mean luminance over peak
BURN_IN_S = 60.0  # at over half brightness
BURN_IN_LEVEL = 0.5
BURN_IN_STEP_S = 0.5  # how finely time is sampled for burn-in
READ_WORDS_PER_S = 3.0  # reading speed, words (spaced scripts)
READ_CJK_PER_S = 8.0  # characters per second for Chinese, Japanese, Korean
READ_BASE_S = 0.5  # plus this to notice the text
READ_STEP_S = 0.1  # how finely time is sampled for reading time
COLOUR_LOST_STEPS = 24.0  # sRGB distance (0..255 steps) that counts as another colour
SMOOTH_FPS = 12.0  # an animation is sampled this often: below it motion reads as jumps (animation "on twos")


@dataclass(frozen=True)
class Finding:
    """One breach: where, what, on which device and when.

    >>> import hud
    >>> finding = hud.lint(hud.Scene(hud.Text(text="tiny", size=6)), "quark-s1")[0]
    >>> finding.rule, finding.severity, finding.device
    ('text-too-small', 'error', 'quark-s1')
    """

    rule: str
    severity: str
    file: str
    line: int | None
    widget: str | None
    device: str
    time: float | None
    message: str
    value: float | str | None = None
    limit: float | str | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        when = "" if self.time is None else f", {self.time:g} s"
        context = ", ".join(part for part in (self.widget, self.device) if part) + when
        return f"{place}: {self.severity} {self.rule}: {self.message} ({context})"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def lint(
    scene: Scene | str | Path,
    device: str | Path | DeviceProfile | Sequence[str] | None = None,
    *,
    at: float | None = None,
    ambient: float = DEFAULT_AMBIENT_LUX,
) -> list[Finding]:
    """Every finding for `scene` on `device` (a name, a profile, a list of names, "all", or
    None for the scene's targets). `at` checks one moment; by default a timeline is checked at
    every event and across time. `ambient` is the world's light in lux for low-contrast.

    >>> import hud
    >>> scene = hud.Scene(hud.Text(text="tiny", size=6))
    >>> [(finding.severity, finding.rule) for finding in hud.lint(scene, "quark-s1")]
    [('error', 'text-too-small'), ('warning', 'thin-stroke')]
    """
    if isinstance(scene, (str, Path)):
        scene = load_scene(scene)
    findings: list[Finding] = []
    for profile in _devices(scene, device):
        if profile.has_display:
            findings += _Linter(scene, profile, ambient).run(at)
    return findings


def lint_frame(frame: Frame, ambient: float = DEFAULT_AMBIENT_LUX) -> list[Finding]:
    """The findings of one frame already rendered (the rules of a moment; nothing across time)."""
    snap = frame.snapshot
    if snap is None or not snap.widgets:
        return []
    root = snap.widgets[0].widget.root
    assert isinstance(root, Screen), "a frame draws a scene, whose root is its screen"
    scene = Scene()
    scene.root = root
    linter = _Linter(scene, frame.device, ambient)
    linter._moment(snap.composition, frame, frame.t)
    return linter.findings()


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    items = list(findings)
    return sum(f.severity == ERROR for f in items), sum(f.severity == WARNING for f in items)


def summary_line(findings: Sequence[Finding]) -> str:
    errors, warnings = counts(findings)
    return f"lint: {errors} error(s), {warnings} warning(s)"


def _devices(scene: Scene, device: Any) -> list[DeviceProfile]:
    if device is None:
        names: Sequence[Any] = scene.targets
    elif device == "all":
        names = builtin_names()
    elif isinstance(device, (list, tuple)):
        names = device
    else:
        names = [device]
    return [load_device(name) for name in names]


class _Linter:
    """The rules, run on one scene and one device."""

    def __init__(self, scene: Scene, device: DeviceProfile, ambient: float) -> None:
        self.scene, self.device, self.ambient = scene, device, ambient
        self.theme = Theme(device)
        self.file = str(scene.path) if scene.path else "<scene>"
        self.found: dict[tuple, Finding] = {}

    # -- driving -----------------------------------------------------------------------------
    def run(self, at: float | None) -> list[Finding]:
        renderer = Renderer(self.scene, self.device)
        moments = [at] if at is not None else self._moments()
        for t in moments:
            frame = renderer.frame(t)
            self._moment(renderer.composition, frame, t)
        if at is None:
            self._burn_in(renderer)  # nothing to do unless the scene runs over 60 s (a duration, no timeline, counts)
            if self.scene.timeline is not None:
                self._reading_time(renderer)
                if self.device.link.kind != "none":
                    self._link(renderer)
        return self.findings()

    def findings(self) -> list[Finding]:
        return sorted(self.found.values(), key=lambda f: (f.severity != ERROR, f.time or 0.0, f.line or 0, f.rule))

    def _moments(self) -> list[float]:
        """0, every event and the end of every animation (when nothing is half-faded)."""
        timeline = self.scene.timeline
        if timeline is None:
            return [0.0]
        times = {0.0}
        for event in timeline.events:
            times.add(event.at)
            if event.duration:
                times.add(event.at + event.duration)
        return sorted(t for t in times if t <= max(self.scene.length, 0.0) or t == 0.0)

    def add(
        self,
        rule: str,
        widget: Widget | None,
        t: float | None,
        message: str,
        value: Any = None,
        limit: Any = None,
        severity: str | None = None,
    ) -> None:
        label = widget_label(widget) if widget is not None else None
        key = (rule, label, id(widget) if widget is not None else None, re.sub(r"\d+(\.\d+)?", "#", message))
        if key in self.found:
            return
        source = widget.source if widget is not None else None
        file, line = source if source else (self.file, None)
        self.found[key] = Finding(
            rule,
            severity or RULES[rule][0],
            str(file),
            line,
            label,
            self.device.name,
            None if t is None else round(t, 3),
            message,
            value,
            limit,
        )

    # -- one moment --------------------------------------------------------------------------
    def _moment(self, composition: Any, frame: Frame, t: float) -> None:
        snap = frame.snapshot
        if snap is None:
            return
        boxes = widget_boxes(snap)
        tops = [w for w in self.scene.root.children]
        shown_tops = [w for w in tops if id(w) in boxes]
        ink = widget_boxes(snap, ink_only=True)
        # A widget that draws nothing now (faded to 0 at the start of its show) overlaps nothing.
        self._overlap([w for w in shown_tops if id(w) in ink], boxes, t)
        self._offscreen(shown_tops, ink, t)
        if composition is not None:
            for placement in composition.hidden:
                self.add("hidden", placement.widget, t, str(placement.reason))  # "warning hidden: <reason>"
        for drawn in self._texts(snap, boxes):
            self._text_rules(drawn.owner, drawn.text, drawn.block, t)
        self._strokes(snap, t)
        self._contrast(snap, t)
        self._power(frame, boxes, shown_tops, t)
        self._colour_lost(frame, snap, t)
        for widget in _declared_all(self.scene.root):
            if widget.depth_m is not None and widget.depth_m < self.device.comfort_min_m and id(widget) in boxes:
                self.add(
                    "too-near",
                    widget,
                    t,
                    f"at {widget.depth_m:g} m, nearer than the comfortable "
                    f"{self.device.comfort_min_m:g} m of {self.device.name}: eyes strain to converge",
                    widget.depth_m,
                    self.device.comfort_min_m,
                )

    def _overlap(self, tops: list[Widget], boxes: dict[int, dict[str, Rect]], t: float) -> None:
        for i, first in enumerate(tops):
            for second in tops[i + 1 :]:
                for eye in self.device.eyes:
                    a, b = boxes[id(first)].get(eye), boxes[id(second)].get(eye)
                    if a is None or b is None:
                        continue
                    both = a.intersect(b)
                    if not both.empty:
                        later = max(first, second, key=lambda w: tops.index(w))
                        other = first if later is second else second
                        self.add(
                            "overlap",
                            later,
                            t,
                            f"overlaps {widget_label(other)} by {both.w}x{both.h} px in the {eye} eye",
                            both.area,
                            0,
                        )
                        break

    def _offscreen(self, tops: list[Widget], ink: dict[int, dict[str, Rect]], t: float) -> None:
        screen = Rect(0, 0, self.device.width, self.device.height)
        for widget in tops:
            for eye, box in ink.get(id(widget), {}).items():
                inside = box.intersect(screen)
                if inside != box:
                    edges = [
                        name
                        for name, out in (
                            ("left", box.x < 0),
                            ("top", box.y < 0),
                            ("right", box.right > screen.w),
                            ("bottom", box.bottom > screen.h),
                        )
                        if out
                    ]
                    lost = box.area - inside.area
                    self.add(
                        "offscreen",
                        widget,
                        t,
                        f"cut at the {' and '.join(edges)} edge of the {eye} eye "
                        f"({lost} px of its box outside the display)",
                        lost,
                        0,
                    )
                    break

    @staticmethod
    def _texts(snap: LayoutSnapshot, boxes: dict[int, dict[str, Rect]]) -> Iterator[DrawnText]:
        """Every text drawn inside a shown declared widget."""
        return (drawn for drawn in snap.texts if id(drawn.owner) in boxes)

    def _text_rules(self, owner: Widget, text: Text, block: TextBlock | None, t: float) -> None:
        size = self.theme.text_px(text.size)
        floor = self.device.deg_to_px(MIN_TEXT_DEG)
        if size < floor:
            self.add(
                "text-too-small",
                owner,
                t,
                f'text "{_clip(text.text)}" is {size} px, '
                f"{self.device.px_to_deg(size):.2f} deg: under the {MIN_TEXT_DEG} deg legibility floor "
                f"({floor:.0f} px on {self.device.name})",
                round(self.device.px_to_deg(size), 3),
                MIN_TEXT_DEG,
            )
        stem = size * stem_ratio(text.weight)
        if stem < MIN_STROKE_PX:
            self.add(
                "thin-stroke",
                owner,
                t,
                f'text "{_clip(text.text)}" at {size} px has {stem:.1f} px stems '
                f"(under {MIN_STROKE_PX} px): use a larger size or bold",
                round(stem, 2),
                MIN_STROKE_PX,
            )
        if block is not None and block.truncated and text.overflow != "keep-end":
            shown = "".join(line.text for line in block.lines).replace("\u2026", "")
            lost = max(len("".join(text.text.split())) - len("".join(shown.split())), 1)
            end = block.lines[-1].text if block.lines else ""
            self.add(
                "truncated",
                owner,
                t,
                f'text "{_clip(text.text)}" is cut ({text.overflow}) after '
                f'"…{end[-24:]}": about {lost} character(s) not shown',
                lost,
                0,
            )
        missing = sorted({ch for ch in text.text if _drawable(ch) and not has_glyph(ord(ch), text.weight)})
        if missing:
            names = ", ".join(f"U+{ord(ch):04X}" for ch in missing[:5]) + (" ..." if len(missing) > 5 else "")
            self.add(
                "missing-glyph",
                owner,
                t,
                f'no bundled font has {names} in "{_clip(text.text)}": it draws as a box',
                names,
            )

    def _strokes(self, snap: Any, t: float) -> None:
        widgets = {id(r.widget): r.widget for r in snap.widgets}
        for item, owner in zip(snap.items, snap.owners):
            for command in item.commands:
                if isinstance(command, (Stroke, StrokeRoundRect)) and 0 < command.width < MIN_STROKE_PX:
                    kind = "border" if isinstance(command, StrokeRoundRect) else "stroke"
                    self.add(
                        "thin-stroke",
                        widgets.get(owner),
                        t,
                        f"a {kind} {command.width:.1f} px wide (under {MIN_STROKE_PX} px): make it heavier",
                        round(command.width, 2),
                        MIN_STROKE_PX,
                    )

    def _contrast(self, snap: Any, t: float) -> None:
        widgets = {id(r.widget): r.widget for r in snap.widgets}
        worst: dict[int, float] = {}
        for item, owner in zip(snap.items, snap.owners):
            for command in item.commands:
                if not isinstance(command, (Glyphs, Stroke, Fill, FillRoundRect, StrokeRoundRect)):
                    continue
                colour = command.colour
                if max(colour) <= 0:
                    continue
                value = colour[0] if len(colour) == 1 else tuple(colour)
                ratio = contrast(self.device, value, self.ambient)
                worst[owner] = min(worst.get(owner, math.inf), ratio)
        for owner, ratio in worst.items():
            if ratio < CONTRAST_WARNING:
                severity = ERROR if ratio < CONTRAST_ERROR else WARNING
                limit = CONTRAST_ERROR if severity == ERROR else CONTRAST_WARNING
                self.add(
                    "low-contrast",
                    widgets.get(owner),
                    t,
                    f"its dimmest content is {ratio:.2f}:1 over the world "
                    f"at {self.ambient:g} lux (under {limit}:1): brighten it",
                    round(ratio, 3),
                    limit,
                    severity,
                )

    def _power(self, frame: Frame, boxes: dict[int, dict[str, Rect]], tops: list[Widget], t: float) -> None:
        for eye, panel in frame.eyes.items():
            share = float(_luminance(panel).mean())
            if share <= POWER_SHARE:
                continue
            light = {id(w): float(_luminance(_crop(panel, boxes[id(w)].get(eye))).sum()) for w in tops}
            culprit = max(tops, key=lambda w: light[id(w)]) if tops else None
            self.add(
                "power",
                culprit,
                t,
                f"{100 * share:.0f} % of the {eye} display's peak light is lit (over "
                f"{100 * POWER_SHARE:.0f} %): emissive panels spend power and heat on lit pixels; "
                "use outlines and dim roles",
                round(share, 4),
                POWER_SHARE,
            )
            return

    def _colour_lost(self, frame: Frame, snap: Any, t: float) -> None:
        if not self.device.max_colours:
            return
        widgets = {id(r.widget): r.widget for r in snap.widgets}
        screen = Rect(0, 0, self.device.width, self.device.height)
        for item, owner in zip(snap.items, snap.owners):
            for command in item.commands:
                if not isinstance(command, (Glyphs, Stroke, StrokeRoundRect)) or len(command.colour) != 3:
                    continue
                for eye, panel in frame.eyes.items():
                    if eye_box(ink_bounds(command), item.shift, eye, self.device).intersect(screen).empty:
                        continue  # drawn off the display (offscreen reports it): no pixel to keep its colour
                    error = colour_error(command.colour, panel, self.device.grey_levels)
                    if error > COLOUR_LOST_STEPS:
                        rgb = "#" + "".join(f"{round(255 * c):02x}" for c in command.colour)
                        self.add(
                            "colour-lost",
                            widgets.get(owner),
                            t,
                            f"its colour {rgb} is drawn {error:.0f} steps "
                            f"away in this frame's {self.device.max_colours}-colour palette: use fewer colours",
                            round(error, 1),
                            COLOUR_LOST_STEPS,
                        )
                        break

    # -- across time -------------------------------------------------------------------------
    def _burn_in(self, renderer: Renderer) -> None:
        length = self.scene.length
        if length <= BURN_IN_S:
            return
        steps = int(length / BURN_IN_STEP_S) + 1
        runs: dict[str, np.ndarray] = {}
        longest: dict[str, np.ndarray] = {}
        lit_at: dict[str, np.ndarray] = {}  # a step inside each pixel's longest run (to find its widget)
        for index in range(steps):
            frame = renderer.frame(index * BURN_IN_STEP_S)
            for eye, panel in frame.eyes.items():
                bright = _luminance(panel) > BURN_IN_LEVEL
                run = runs.setdefault(eye, np.zeros(bright.shape, np.int32))
                run[:] = np.where(bright, run + 1, 0)
                best = longest.setdefault(eye, np.zeros(bright.shape, np.int32))
                when = lit_at.setdefault(eye, np.zeros(bright.shape, np.int32))
                when[run > best] = index
                np.maximum(best, run, out=best)
        for eye, best in longest.items():
            seconds = float(best.max()) * BURN_IN_STEP_S
            if seconds > BURN_IN_S:
                ys, xs = np.nonzero(best * BURN_IN_STEP_S > BURN_IN_S)
                frame = renderer.frame(int(lit_at[eye][ys[0], xs[0]]) * BURN_IN_STEP_S)  # not 0: it may come later
                culprit = _widget_at(frame, eye, int(xs[0]), int(ys[0]))
                self.add(
                    "burn-in",
                    culprit,
                    None,
                    f"{len(ys)} px of the {eye} display stay over half brightness "
                    f"for {seconds:.0f} s (over {BURN_IN_S:.0f} s): move, dim or hide static content",
                    round(seconds, 1),
                    BURN_IN_S,
                )
                return  # one finding: the other eye shows the same content

    def _reading_time(self, renderer: Renderer) -> None:
        """A widget's words (its texts together, keep-end captions excepted: they stay while
        newer lines come) must stay on screen as long as reading them takes. A text that keeps
        most of its words (a distance counting down) is the same text still on screen."""
        length = self.scene.length
        chains: dict[int, tuple[Widget, str, float]] = {}  # owner -> (owner, words now, since)
        count = int(length / READ_STEP_S) + 1
        for index in range(count):
            t = index * READ_STEP_S
            frame = renderer.frame(t)
            boxes = widget_boxes(frame.snapshot) if frame.snapshot else {}
            words: dict[int, tuple[Widget, list[str]]] = {}
            for owner, text, _, _ in self._texts(frame.snapshot, boxes) if frame.snapshot else ():
                if text.overflow != "keep-end" and text.text.strip():
                    words.setdefault(id(owner), (owner, []))[1].append(text.text)
            for key in list(chains):
                owner, before, since = chains[key]
                now = "\n".join(words[key][1]) if key in words else None
                if now is not None and _same_words(before, now):
                    chains[key] = (owner, now, since)
                    continue
                del chains[key]
                self._check_reading(owner, before, since, t)
            for key, (owner, texts) in words.items():
                chains.setdefault(key, (owner, "\n".join(texts), t))

    def _link(self, renderer: Renderer) -> None:
        """Each timeline animation (a fade, a slide, an animated field, a caption's scroll) must
        get across the device's link as often as it changes what is drawn (sampled at up to
        SMOOTH_FPS): one frame of it costs at least what its whole change costs, sent at once."""
        assert self.scene.timeline is not None
        animations: dict[tuple[int, float, float], tuple[Widget, str]] = {}
        for event in self.scene.timeline.events:
            if event.kind == "animate" and event.duration > 0:
                what = "fade" if event.field == "brightness" else f"{event.field} animation"
                animations.setdefault((id(event.target), event.at, event.duration), (event.target, what))
            elif event.kind == "append" and "scroll_left" in event.target.props:
                animations.setdefault((id(event.target), event.at, CAPTION_SCROLL_S), (event.target, "scroll"))
        smooth = min(SMOOTH_FPS, self.device.refresh_hz)
        link = self.device.link
        for (_, at, duration), (widget, what) in sorted(animations.items(), key=lambda item: item[0][1:]):
            if at > self.scene.length:
                continue
            steps = max(1, math.ceil(duration * smooth))
            frames = [dict(renderer.frame(at + duration * index / steps).eyes) for index in range(steps + 1)]
            changes = sum(1 for before, after in pairwise(frames) if not _same_panels(before, after))
            if changes < 2:
                continue  # one change is a jump on any link
            start, end = frames[0], frames[-1]
            cost = transfer(self.device, end, {eye: changed_regions(start[eye], panel) for eye, panel in end.items()})
            needed = min(changes / duration, smooth)
            if cost.ms <= 0 or cost.fps >= needed:
                continue
            jumps = max(1, math.floor(duration * cost.fps))
            self.add(
                "link",
                widget,
                at,
                f"its {duration * 1000:.0f} ms {what} changes what is drawn {needed:.1f} times a second; the "
                f"{link.kind} link ({link.bandwidth / 1000:g} KB/s, {link.latency_ms:g} ms per image) carries "
                f"{cost.fps:.2f} frames a second at {cost.bytes} bytes a frame, so it shows as {jumps} "
                f"jump{'s' if jumps > 1 else ''}: on this device drop or shorten the animation (transition "
                '"none"), or animate a smaller region',
                round(cost.fps, 3),
                round(needed, 3),
            )

    def _check_reading(self, owner: Widget, text: str, since: float, until: float) -> None:
        seconds, need = until - since, reading_seconds(text)
        if seconds + 1e-9 < need:
            self.add(
                "reading-time",
                owner,
                since,
                f'"{_clip(text)}" is on screen for {seconds:.1f} s; reading it '
                f"takes {need:.1f} s (3 words or 8 CJK characters a second, + 0.5 s)",
                round(seconds, 2),
                round(need, 2),
            )


def _same_panels(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> bool:
    return all(before[eye] is panel or np.array_equal(before[eye], panel) for eye, panel in after.items())


def _same_words(before: str, after: str) -> bool:
    """Whether `after` keeps at least half of `before`'s words (CJK characters count as words)."""

    def tokens(text: str) -> list[str]:
        return "".join(f" {ch} " if _is_cjk(ch) else ch for ch in text).split()

    old, new = tokens(before), set(tokens(after))
    return not old or sum(1 for word in old if word in new) * 2 >= len(old)


def reading_seconds(text: str) -> float:
    """How long reading `text` takes: 3 words per second, 8 CJK characters per second, + 0.5 s."""
    cjk = sum(1 for ch in text if _is_cjk(ch))
    words = len([w for w in "".join(" " if _is_cjk(ch) else ch for ch in text).split() if any(c.isalnum() for c in w)])
    return cjk / READ_CJK_PER_S + words / READ_WORDS_PER_S + READ_BASE_S


@cache
def stem_ratio(weight: str) -> float:
    """Vertical stem width over the em of the bundled Latin font ('l'), for a weight."""
    font = family_font("NotoSans", weight)
    if font is None:
        return 0.088 if weight == "regular" else 0.149
    face = font.face
    import freetype

    face.load_char("l", freetype.FT_LOAD_NO_SCALE | freetype.FT_LOAD_NO_HINTING)
    ratio = face.glyph.metrics.width / face.units_per_EM
    face.set_pixel_sizes(0, font._size or 16)  # leave the face as the glyph cache expects it
    return ratio


def _declared_all(root: Widget) -> Iterator[Widget]:
    for child in root._children:
        yield from declared(child)


def _drawable(ch: str) -> bool:
    category = unicodedata.category(ch)
    # Controls and format characters draw nothing; private-use (Co) and unassigned (Cn) ones
    # draw as a box when no font has them, so they count.
    return not (category.startswith(("Z", "M")) or category in ("Cc", "Cf", "Cs") or ch in "\ufe0e\ufe0f\u200d")


def _is_cjk(ch: str) -> bool:
    point = ord(ch)
    return (
        0x3040 <= point <= 0x30FF
        or 0x3400 <= point <= 0x9FFF
        or 0xAC00 <= point <= 0xD7AF
        or 0xF900 <= point <= 0xFAFF
        or 0x20000 <= point <= 0x3FFFF
    )


def _luminance(panel: np.ndarray) -> np.ndarray:
    """Light over peak, 0..1, per pixel."""
    if panel.ndim == 2:
        return panel.astype(np.float32) / 255.0
    weights = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    return (panel.astype(np.float32) / 255.0) @ weights


def _crop(panel: np.ndarray, box: Rect | None) -> np.ndarray:
    if box is None or box.empty:
        return panel[:0, :0]
    return panel[max(box.y, 0) : max(box.bottom, 0), max(box.x, 0) : max(box.right, 0)]


def _widget_at(frame: Frame, eye: str, x: int, y: int) -> Widget | None:
    if frame.snapshot is None:
        return None
    for widget_id, eyes in widget_boxes(frame.snapshot).items():
        box = eyes.get(eye)
        if box is not None and box.x <= x < box.right and box.y <= y < box.bottom:
            return next(r.widget for r in frame.snapshot.widgets if id(r.widget) == widget_id)
    return None


def _clip(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
