"""Frame benchmark: hud's incremental renderer against naive full-redraw peers, same run.

    python benchmarks/frame_bench.py [--frames 300]

Workload, both eyes at quark-s1 resolution (640x480 each): a nav arrow with distance and
street, a price card with three lines, a notification with an icon and two lines, and a
caption with two lines (Chinese, and its English translation). Three cases:

  caption  only the caption's text changes each frame
  all      every text changes each frame
  none     nothing changes

Peers draw the same content from scratch every frame, both eyes: Pillow's ImageDraw (what a
Python user writes by hand) and skia-python (a fast native 2-D library), when it is
installed (`pip install skia-python`). Reports medians and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

import hud

FONTS = Path(__file__).resolve().parents[1] / "fonts"
W, H = 640, 480
EYES = ("left", "right")
ZH = "最近的地铁站在哪里？我们一起走过去吧"
EN = "Where is the nearest subway station? Let's walk there together"


def texts(frame: int, case: str) -> dict[str, str]:
    """The strings shown in a frame (all cases share them at frame 0)."""
    n = frame if case == "all" else 0
    c = frame if case in ("all", "caption") else 0
    return {
        "distance": f"{120 + n % 500} m",
        "street": "Wensan Road" if n % 2 == 0 else "Wensan Road West",
        "product": "Sony WH-1000XM5",
        "price": f"¥{2199 + n:,}",
        "compare": f"JD ¥{2499 + n:,}  +¥{300 + n}",
        "app": "Alipay",
        "title": f"Payment complete #{n}",
        "body": f"¥{4 + n % 9}.00 to Hangzhou Metro Line {1 + n % 9}",
        "zh": f"{ZH}{c}",
        "en": f"{EN} ({c})",
    }


# -- hud ------------------------------------------------------------------------------------


class HudWorkload:
    def __init__(self) -> None:
        self.nav = hud.NavArrow(maneuver="left", distance_m=120, street="Wensan Road", anchor="top-left")
        self.card = hud.PriceCard(
            product="Sony WH-1000XM5",
            price=2199,
            store="Taobao",
            compare=[{"store": "JD", "price": 2499}],
            anchor="right",
        )
        self.note = hud.Notification(
            app="Alipay",
            title="Payment complete #0",
            body="¥4.00 to Hangzhou Metro Line 1",
            icon="wallet",
            anchor="top-right",
            width="11deg",
        )
        self.caption = hud.Caption(text=ZH + "0", translation=EN + " (0)", anchor="bottom", max_lines=1)
        self.renderer = hud.Renderer(hud.Scene(self.nav, self.card, self.note, self.caption), "quark-s1")
        self.renderer.frame()

    def step(self, frame: int, case: str) -> None:
        if case == "none":
            self.renderer.frame()
            return
        t = texts(frame, case)
        if case == "all":
            self.nav.distance_m = 120 + frame % 500
            self.nav.street = t["street"]
            self.card.price = 2199 + frame
            self.card.compare = [{"store": "JD", "price": 2499 + frame}]
            self.note.title = t["title"]
            self.note.body = t["body"]
        self.caption.text = t["zh"]
        self.caption.translation = t["en"]
        self.renderer.frame()


# -- Pillow peer ----------------------------------------------------------------------------


class PillowPeer:
    """What a Python user writes by hand: ImageDraw, everything redrawn every frame."""

    def __init__(self) -> None:
        font = lambda name, size: ImageFont.truetype(str(FONTS / name), size)  # noqa: E731
        self.body = font("NotoSans-Regular.ttf", 23)
        self.bold = font("NotoSans-Bold.ttf", 23)
        self.large = font("NotoSans-Bold.ttf", 39)
        self.small = font("NotoSans-Regular.ttf", 18)
        self.zh = font("NotoSansSC-Bold.otf", 23)

    def step(self, frame: int, case: str) -> None:
        t = texts(frame, case)
        for eye in EYES:
            image = Image.new("L", (W, H), 0)
            d = ImageDraw.Draw(image)
            dx = 0 if eye == "left" else -0
            # nav arrow
            d.line([(62 + dx, 110), (62 + dx, 70), (40 + dx, 70)], fill=255, width=7, joint="curve")
            d.line([(50 + dx, 58), (38 + dx, 70), (50 + dx, 82)], fill=255, width=7, joint="curve")
            d.text((110 + dx, 40), t["distance"], font=self.large, fill=255)
            d.text((110 + dx, 88), t["street"], font=self.body, fill=255)
            # price card
            d.rounded_rectangle([300 + dx, 170, 608 + dx, 330], radius=9, outline=153, width=2)
            d.text((312 + dx, 180), t["product"], font=self.body, fill=255)
            d.text((312 + dx, 215), t["price"], font=self.large, fill=255)
            d.text((312 + dx, 280), t["compare"], font=self.small, fill=153)
            # notification
            d.rounded_rectangle([320 + dx, 24, 608 + dx, 140], radius=9, outline=153, width=2)
            d.rounded_rectangle([334 + dx, 40, 360 + dx, 62], radius=4, outline=255, width=3)
            d.text((376 + dx, 34), t["app"], font=self.small, fill=153)
            d.text((376 + dx, 56), t["title"], font=self.bold, fill=255)
            d.text((376 + dx, 86), t["body"], font=self.body, fill=255)
            # caption
            d.text((32 + dx, 400), t["zh"], font=self.zh, fill=255)
            d.text((32 + dx, 430), t["en"], font=self.body, fill=153)
            np.asarray(image)


# -- skia peer ------------------------------------------------------------------------------


class SkiaPeer:
    """The same drawing with skia-python, full redraw every frame."""

    def __init__(self) -> None:
        import skia

        self.skia = skia
        face = lambda name: skia.Typeface.MakeFromFile(str(FONTS / name))  # noqa: E731
        self.body = skia.Font(face("NotoSans-Regular.ttf"), 23)
        self.bold = skia.Font(face("NotoSans-Bold.ttf"), 23)
        self.large = skia.Font(face("NotoSans-Bold.ttf"), 39)
        self.small = skia.Font(face("NotoSans-Regular.ttf"), 18)
        self.zh = skia.Font(face("NotoSansSC-Bold.otf"), 23)
        self.surfaces = {eye: skia.Surface(W, H) for eye in EYES}
        self.white = skia.Paint(Color=skia.ColorWHITE, AntiAlias=True)
        self.dim = skia.Paint(Color=skia.Color(153, 153, 153), AntiAlias=True)
        self.stroke = skia.Paint(
            Color=skia.Color(153, 153, 153), AntiAlias=True, Style=skia.Paint.kStroke_Style, StrokeWidth=2
        )
        self.arrow = skia.Paint(
            Color=skia.ColorWHITE,
            AntiAlias=True,
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=7,
            StrokeCap=skia.Paint.kRound_Cap,
            StrokeJoin=skia.Paint.kRound_Join,
        )

    def step(self, frame: int, case: str) -> None:
        skia = self.skia
        t = texts(frame, case)
        for eye in EYES:
            canvas = self.surfaces[eye].getCanvas()
            canvas.clear(skia.ColorBLACK)
            path = skia.Path()
            path.moveTo(62, 110)
            path.lineTo(62, 70)
            path.lineTo(40, 70)
            path.moveTo(50, 58)
            path.lineTo(38, 70)
            path.lineTo(50, 82)
            canvas.drawPath(path, self.arrow)
            canvas.drawString(t["distance"], 110, 75, self.large, self.white)
            canvas.drawString(t["street"], 110, 110, self.body, self.white)
            canvas.drawRoundRect(skia.Rect(300, 170, 608, 330), 9, 9, self.stroke)
            canvas.drawString(t["product"], 312, 200, self.body, self.white)
            canvas.drawString(t["price"], 312, 255, self.large, self.white)
            canvas.drawString(t["compare"], 312, 300, self.small, self.dim)
            canvas.drawRoundRect(skia.Rect(320, 24, 608, 140), 9, 9, self.stroke)
            canvas.drawString(t["app"], 376, 52, self.small, self.dim)
            canvas.drawString(t["title"], 376, 78, self.bold, self.white)
            canvas.drawString(t["body"], 376, 108, self.body, self.white)
            canvas.drawString(t["zh"], 32, 422, self.zh, self.white)
            canvas.drawString(t["en"], 32, 452, self.body, self.dim)
            self.surfaces[eye].toarray()


def median_ms(step: Callable[[int, str], None], case: str, frames: int) -> float:
    for warm in range(5):
        step(warm + 1, case)
    times = []
    for frame in range(frames):
        started = time.perf_counter()
        step(frame + 10, case)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=300, help="frames per case (median; default 300)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    peers: dict[str, Callable[[int, str], None]] = {"pillow": PillowPeer().step}
    try:
        peers["skia"] = SkiaPeer().step
        skia_note = ""
    except ImportError:
        skia_note = "skia-python is not installed (pip install skia-python): skia peer skipped"
    results: dict[str, dict[str, float]] = {}
    for case in ("caption", "all", "none"):
        workload = HudWorkload()
        results[case] = {"hud": median_ms(workload.step, case, args.frames)}
        for name, step in peers.items():
            results[case][name] = median_ms(step, case, args.frames)
    print(f"median ms per frame over {args.frames} frames, both eyes 640x480 (quark-s1)")
    print(
        f"{'case':<9} {'hud':>9} "
        + " ".join(f"{name:>9}" for name in peers)
        + "   "
        + "  ".join(f"{name}/hud" for name in peers)
    )
    for case, row in results.items():
        ratios = "  ".join(f"{row[name] / row['hud']:>9.1f}x" for name in peers)
        print(f"{case:<9} {row['hud']:>9.3f} " + " ".join(f"{row[name]:>9.3f}" for name in peers) + "   " + ratios)
    if skia_note:
        print(skia_note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
