#!/usr/bin/env python3
"""Draw the emulator's built-in backgrounds: street, shop-shelf, office and night-road, as
emulator/backgrounds/<name>.png (800x600: it covers every built-in device's eye, 640x480 and
600x600 included, without enlarging).

    .venv/bin/python tools/make_backgrounds.py [NAME ...] [--size 800x600] [--out-dir DIR]

The scenes are drawn with Pillow at twice the size and reduced (anti-aliased edges), from a
seeded random generator: the same name, size and seed always give the same pixels. The
emulator only loads the images this writes (emulator.world).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from hud.errors import suggest

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "emulator" / "backgrounds"
FONT_DIR = ROOT / "fonts"
SIZE = (800, 600)
SS = 2  # supersampling factor


Colour = tuple[int, int, int]


# -- helpers ----------------------------------------------------------------------------------------
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")), size)


def _gradient(width: int, height: int, stops: list[tuple[float, Colour]]) -> Image.Image:
    """Vertical gradient through (position 0..1, colour) stops."""
    ys = np.linspace(0.0, 1.0, height)
    positions = [p for p, _ in stops]
    channels = [np.interp(ys, positions, [c[i] for _, c in stops]) for i in range(3)]
    column = np.stack(channels, axis=1).round().astype(np.uint8)
    return Image.fromarray(np.repeat(column[:, None, :], width, axis=1), "RGB")


def _shade(colour: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)  # type: ignore[return-value]


def _jitter(rng: random.Random, colour: Colour, amount: int = 12) -> Colour:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in colour)  # type: ignore[return-value]


def _add_glow(image: Image.Image, glow: Image.Image, radius: float) -> Image.Image:
    """Add a blurred light layer (RGB, black = nothing) onto the image."""
    blurred = np.asarray(glow.filter(ImageFilter.GaussianBlur(radius)), dtype=np.int32)
    base = np.asarray(image, dtype=np.int32)
    return Image.fromarray(np.clip(base + blurred, 0, 255).astype(np.uint8), "RGB")


class _Camera:
    """Pinhole camera for the street scenes: X right, Y up, Z forward (metres)."""

    def __init__(
        self, width: int, height: int, focal: float, horizon: float, x: float = 0.0, eye_height: float = 1.6
    ) -> None:
        self.cx, self.cy, self.f = width / 2, horizon, focal
        self.x, self.h = x, eye_height

    def __call__(self, x: float, y: float, z: float) -> tuple[float, float]:
        return (self.cx + self.f * (x - self.x) / z, self.cy - self.f * (y - self.h) / z)

    def quad(self, points: Sequence[tuple[float, float, float]]) -> list[tuple[float, float]]:
        return [self(*p) for p in points]


# -- street -----------------------------------------------------------------------------------------
def _street(width: int, height: int, rng: random.Random) -> Image.Image:
    horizon = height * 0.47
    image = _gradient(width, height, [(0.0, (96, 150, 212)), (0.47, (198, 218, 236)), (1.0, (198, 218, 236))])
    draw = ImageDraw.Draw(image)
    cam = _Camera(width, height, focal=width * 0.62, horizon=horizon, x=-1.2)
    # a few soft clouds
    clouds = Image.new("RGB", (width, height))
    cdraw = ImageDraw.Draw(clouds)
    for _ in range(5):
        cx, cy = rng.uniform(0, width), rng.uniform(0.04, 0.2) * height
        for _ in range(6):
            rx, ry = rng.uniform(0.04, 0.09) * width, rng.uniform(0.015, 0.03) * height
            ox = cx + rng.uniform(-0.06, 0.06) * width
            oy = cy + rng.uniform(-0.01, 0.01) * height
            cdraw.ellipse((ox - rx, oy - ry, ox + rx, oy + ry), fill=(55, 45, 30))
    image = _add_glow(image, clouds, width * 0.01)
    draw = ImageDraw.Draw(image)

    far = 160.0
    road_half, walk = 5.0, 8.0
    # distant skyline at the end of the street
    x = -walk
    while x < walk:
        w = rng.uniform(4, 9)
        h = rng.uniform(18, 45)
        tone = _jitter(rng, (150, 165, 185), 10)
        draw.polygon(cam.quad([(x, 0, far), (x + w, 0, far), (x + w, h, far), (x, h, far)]), fill=tone)
        for fy in np.arange(3, h - 2, 3.2):
            for fx in np.arange(x + 0.8, x + w - 0.8, 1.8):
                draw.polygon(
                    cam.quad([(fx, fy, far), (fx + 0.9, fy, far), (fx + 0.9, fy + 1.5, far), (fx, fy + 1.5, far)]),
                    fill=_shade(tone, 0.82),
                )
        x += w
    # ground: sidewalks, kerbs, road
    near = 1.0
    draw.polygon(cam.quad([(-walk, 0, near), (walk, 0, near), (walk, 0, far), (-walk, 0, far)]), fill=(168, 164, 156))
    draw.polygon(
        cam.quad([(-road_half, 0, near), (road_half, 0, near), (road_half, 0, far), (-road_half, 0, far)]),
        fill=(78, 80, 84),
    )
    for side in (-1, 1):
        k = side * road_half
        draw.polygon(
            cam.quad([(k - 0.15, 0, near), (k + 0.15, 0, near), (k + 0.15, 0, far), (k - 0.15, 0, far)]),
            fill=(205, 202, 195),
        )
        # paving joints on the sidewalks
        for z in np.arange(2.0, 60, 2.0):
            a, b = (road_half, walk) if side > 0 else (-walk, -road_half)
            draw.line([cam(a, 0, z), cam(b, 0, z)], fill=(150, 146, 140), width=max(1, round(6 / z * SS)))
        # lane edge lines
        e = side * (road_half - 0.4)
        draw.polygon(
            cam.quad([(e - 0.08, 0, near), (e + 0.08, 0, near), (e + 0.08, 0, far), (e - 0.08, 0, far)]),
            fill=(225, 225, 220),
        )
    # centre dashes
    for z in np.arange(2.0, far, 6.0):
        draw.polygon(cam.quad([(-0.09, 0, z), (0.09, 0, z), (0.09, 0, z + 3), (-0.09, 0, z + 3)]), fill=(235, 232, 225))
    # zebra crossing
    for x0 in np.arange(-road_half + 0.5, road_half - 0.5, 1.0):
        draw.polygon(
            cam.quad([(x0, 0, 7.0), (x0 + 0.55, 0, 7.0), (x0 + 0.55, 0, 10.0), (x0, 0, 10.0)]), fill=(232, 232, 228)
        )
    # building facades on both sides, far to near
    palette = [
        (176, 98, 78),
        (214, 196, 164),
        (150, 152, 158),
        (232, 226, 214),
        (190, 150, 112),
        (120, 130, 148),
        (200, 178, 150),
        (160, 80, 70),
    ]
    awnings = [(170, 40, 40), (30, 90, 60), (40, 70, 140), (200, 140, 30)]
    for side in (-1, 1):
        segments = []
        z = 1.5
        while z < far:
            length = rng.uniform(9, 22)
            segments.append((z, z + length, rng.uniform(10, 32), rng.choice(palette), rng.choice(awnings)))
            z += length
        for z0, z1, h, tone, awning in reversed(segments):
            x = side * walk
            lit = tone if side < 0 else _shade(tone, 0.86)  # the sun is on the left facades
            draw.polygon(cam.quad([(x, 0, z0), (x, 0, z1), (x, h, z1), (x, h, z0)]), fill=lit)
            draw.polygon(cam.quad([(x, h, z0), (x, h, z1), (x, h + 0.6, z1), (x, h + 0.6, z0)]), fill=_shade(lit, 0.7))
            draw.line([cam(x, 0, z0), cam(x, h + 0.6, z0)], fill=_shade(lit, 0.6), width=SS * 2)
            # shop front on the ground floor
            draw.polygon(
                cam.quad([(x, 0.2, z0 + 0.6), (x, 0.2, z1 - 0.6), (x, 2.8, z1 - 0.6), (x, 2.8, z0 + 0.6)]),
                fill=(58, 70, 82),
            )
            draw.polygon(
                cam.quad(
                    [
                        (x, 2.8, z0 + 0.4),
                        (x, 2.8, z1 - 0.4),
                        (x - side * 0.9, 2.4, z1 - 0.4),
                        (x - side * 0.9, 2.4, z0 + 0.4),
                    ]
                ),
                fill=awning,
            )
            # upper-floor windows
            for fy in np.arange(4.0, h - 1.5, 3.2):
                for fz in np.arange(z0 + 1.0, z1 - 1.4, 2.4):
                    glass = (92, 112, 138) if rng.random() < 0.8 else (150, 172, 196)
                    draw.polygon(
                        cam.quad([(x, fy, fz), (x, fy, fz + 1.3), (x, fy + 1.8, fz + 1.3), (x, fy + 1.8, fz)]),
                        fill=glass,
                        outline=_shade(lit, 0.75),
                    )
    # street lamps and trees along the kerbs
    for side in (-1, 1):
        for z in np.arange(6.0, 90, 14.0):
            x = side * (road_half + 0.7)
            top = cam(x, 6.5, z)
            draw.line([cam(x, 0, z), top], fill=(60, 64, 70), width=max(SS, round(0.18 * cam.f / z)))
            arm = cam(x - side * 1.2, 6.5, z)
            draw.line([top, arm], fill=(60, 64, 70), width=max(SS, round(0.12 * cam.f / z)))
            r = 0.25 * cam.f / z
            draw.ellipse((arm[0] - r, arm[1] - r * 0.5, arm[0] + r, arm[1] + r * 0.5), fill=(230, 230, 210))
        for z in np.arange(12.0, 90, 14.0):
            x = side * (road_half + 1.6)
            trunk_top = cam(x, 2.6, z)
            draw.line([cam(x, 0, z), trunk_top], fill=(88, 66, 50), width=max(SS, round(0.25 * cam.f / z)))
            r = 1.7 * cam.f / z
            cx, cy = cam(x, 3.8, z)
            green = _jitter(rng, (72, 118, 62), 14)
            for dx, dy, s in ((0, 0, 1.0), (-0.5, 0.25, 0.7), (0.5, 0.2, 0.75), (0, -0.45, 0.7)):
                rr = r * s
                draw.ellipse(
                    (cx + dx * r - rr, cy + dy * r - rr, cx + dx * r + rr, cy + dy * r + rr),
                    fill=_shade(green, 0.9 + 0.15 * dy),
                )
    # parked cars on the right kerb, a car ahead
    for z, colour in ((13.0, (170, 30, 36)), (24.0, (40, 60, 110)), (41.0, (225, 225, 222))):
        _car(draw, cam, road_half - 1.3, z, colour, side_view=True)
    _car(draw, cam, 1.6, 30.0, (90, 92, 98), side_view=False)
    return image


def _car(draw: ImageDraw.ImageDraw, cam: _Camera, x: float, z: float, colour: Colour, side_view: bool) -> None:
    """A car seen from behind, as boxes (body, cabin, lights, wheels)."""
    w = 1.8
    body = cam.quad([(x - w / 2, 0.3, z), (x + w / 2, 0.3, z), (x + w / 2, 1.0, z), (x - w / 2, 1.0, z)])
    cabin = cam.quad(
        [
            (x - w / 2 + 0.2, 1.0, z + 0.4),
            (x + w / 2 - 0.2, 1.0, z + 0.4),
            (x + w / 2 - 0.35, 1.45, z + 0.8),
            (x - w / 2 + 0.35, 1.45, z + 0.8),
        ]
    )
    if side_view:  # the car's flank facing the road, drawn first
        flank_x = x - w / 2
        flank = cam.quad([(flank_x, 0.3, z), (flank_x, 0.3, z + 4.2), (flank_x, 1.0, z + 4.2), (flank_x, 1.0, z)])
        draw.polygon(flank, fill=_shade(colour, 0.8))
        glass = cam.quad(
            [
                (x - w / 2 + 0.05, 1.0, z + 0.9),
                (x - w / 2 + 0.05, 1.0, z + 3.2),
                (x - w / 2 + 0.15, 1.4, z + 2.9),
                (x - w / 2 + 0.15, 1.4, z + 1.2),
            ]
        )
        draw.polygon(glass, fill=(50, 58, 68))
        for wz in (z + 0.8, z + 3.4):
            cx, cy = cam(x - w / 2, 0.33, wz)
            r = 0.33 * cam.f / wz
            draw.ellipse((cx - r * 0.35, cy - r, cx + r * 0.35, cy + r), fill=(25, 25, 28))
    draw.polygon(cabin, fill=(50, 58, 68))
    draw.polygon(body, fill=colour)
    for side in (-1, 1):
        lx = x + side * (w / 2 - 0.25)
        draw.polygon(
            cam.quad([(lx - 0.15, 0.75, z), (lx + 0.15, 0.75, z), (lx + 0.15, 0.9, z), (lx - 0.15, 0.9, z)]),
            fill=(200, 30, 30),
        )
        wheel = cam.quad([(lx - 0.2, 0.0, z), (lx + 0.2, 0.0, z), (lx + 0.2, 0.3, z), (lx - 0.2, 0.3, z)])
        draw.polygon(wheel, fill=(25, 25, 28))
    plate = cam.quad([(x - 0.25, 0.45, z), (x + 0.25, 0.45, z), (x + 0.25, 0.6, z), (x - 0.25, 0.6, z)])
    draw.polygon(plate, fill=(235, 235, 225))


# -- shop shelf -------------------------------------------------------------------------------------
def _shop_shelf(width: int, height: int, rng: random.Random) -> Image.Image:
    image = _gradient(width, height, [(0.0, (236, 236, 232)), (1.0, (214, 214, 208))])
    draw = ImageDraw.Draw(image)
    # ceiling band with a light strip and an aisle sign
    draw.rectangle((0, 0, width, height * 0.07), fill=(246, 246, 244))
    draw.rectangle((width * 0.08, height * 0.02, width * 0.92, height * 0.035), fill=(255, 255, 250))
    sign_font = _font(round(height * 0.034), bold=True)
    sign = (width * 0.36, height * 0.075, width * 0.64, height * 0.13)
    draw.rectangle(sign, fill=(196, 32, 40))
    draw.text(
        ((sign[0] + sign[2]) / 2, (sign[1] + sign[3]) / 2),
        "SNACKS · DRINKS",
        font=sign_font,
        fill=(255, 255, 255),
        anchor="mm",
    )
    # shelving unit: back panel, uprights, shelves from top to bottom
    top, bottom = height * 0.15, height * 0.97
    draw.rectangle((0, top, width, bottom), fill=(228, 226, 220))
    # pegboard dots on the back panel
    step = round(height * 0.025)
    for y in range(round(top) + step // 2, round(bottom), step):
        for dot_x in range(step // 2, width, step):
            draw.point((dot_x, y), fill=(200, 198, 192))
    shelves = np.linspace(top + height * 0.185, bottom - height * 0.07, 4)
    product_colours = [
        (220, 40, 45),
        (250, 200, 30),
        (30, 110, 200),
        (40, 160, 80),
        (240, 120, 30),
        (120, 60, 160),
        (250, 250, 245),
        (30, 30, 35),
        (200, 60, 140),
        (90, 190, 220),
        (160, 100, 50),
    ]
    tag_font = _font(round(height * 0.024), bold=True)
    small_font = _font(round(height * 0.012))
    brand_font = _font(round(height * 0.02), bold=True)
    previous = top
    for shelf_y in shelves:
        room = shelf_y - previous - height * 0.02
        x = width * 0.01
        while x < width * 0.99:
            kind = rng.choice(("box", "box", "can", "bottle"))
            colour = rng.choice(product_colours)
            accent = rng.choice([c for c in product_colours if c != colour])
            facings = rng.randint(2, 4)
            if kind == "box":
                w, h = rng.uniform(0.05, 0.09) * width, rng.uniform(0.55, 0.92) * room
            elif kind == "can":
                w, h = rng.uniform(0.035, 0.045) * width, rng.uniform(0.38, 0.5) * room
                facings += 1
            else:
                w, h = rng.uniform(0.035, 0.045) * width, rng.uniform(0.75, 0.95) * room
                facings += 1
            gap = width * 0.004
            group_start = x
            for _ in range(facings):
                if x + w > width * 0.995:
                    break
                _product(draw, kind, x, shelf_y, w, h, colour, accent, brand_font, rng)
                x += w + gap
            if x > group_start:  # a price tag under the group
                price = f"¥{rng.randint(3, 59)}.{rng.choice(('00', '50', '90', '99'))}"
                tx = group_start + (x - group_start) / 2
                tag = (tx - width * 0.045, shelf_y + height * 0.012, tx + width * 0.045, shelf_y + height * 0.052)
                yellow = rng.random() < 0.3
                draw.rectangle(tag, fill=(255, 222, 40) if yellow else (255, 255, 255), outline=(150, 150, 150))
                draw.text(
                    (tx, tag[1] + (tag[3] - tag[1]) * 0.62),
                    price,
                    font=tag_font,
                    fill=(200, 20, 30) if yellow else (20, 20, 20),
                    anchor="mm",
                )
                draw.text((tag[0] + 4, tag[1] + 2), "per item", font=small_font, fill=(90, 90, 90))
            x += width * 0.012
        # the shelf board and its price rail (drawn after the tags' background so the rail frames them)
        draw.rectangle((0, shelf_y, width, shelf_y + height * 0.01), fill=(150, 152, 156))
        draw.rectangle((0, shelf_y + height * 0.01, width, shelf_y + height * 0.012), fill=(110, 112, 116))
        draw.rectangle((0, shelf_y + height * 0.052, width, shelf_y + height * 0.058), fill=(170, 172, 176))
        previous = shelf_y + height * 0.058
    # uprights
    for ux in (0, width * 0.5, width):
        draw.rectangle((ux - width * 0.008, top, ux + width * 0.008, bottom), fill=(120, 122, 128))
    draw.rectangle((0, bottom, width, height), fill=(180, 176, 168))
    return image


def _product(
    draw: ImageDraw.ImageDraw,
    kind: str,
    x: float,
    base: float,
    w: float,
    h: float,
    colour: Colour,
    accent: Colour,
    font: ImageFont.FreeTypeFont,
    rng: random.Random,
) -> None:
    top = base - h
    if kind == "box":
        draw.rectangle((x, top, x + w, base), fill=colour)
        draw.rectangle((x + w * 0.88, top, x + w, base), fill=_shade(colour, 0.8))  # side in shadow
        draw.rectangle((x, top + h * 0.3, x + w * 0.88, top + h * 0.55), fill=accent)
        d = min(w * 0.48, h * 0.34)
        cx, cy = x + w * 0.44, top + h * 0.61
        draw.ellipse((cx - d / 2, cy, cx + d / 2, cy + d), fill=_shade(accent, 1.2))
        draw.rectangle((x + w * 0.1, top + h * 0.08, x + w * 0.78, top + h * 0.16), fill=_shade(colour, 0.55))
    elif kind == "can":
        r = w * 0.12
        draw.rounded_rectangle((x, top, x + w, base), radius=r, fill=colour)
        draw.rectangle((x, top + h * 0.35, x + w, top + h * 0.7), fill=accent)
        draw.rectangle((x + w * 0.15, top, x + w * 0.3, base), fill=_shade(colour, 1.25))  # highlight
        draw.rectangle((x, top, x + w, top + h * 0.06), fill=(190, 190, 195))
    else:  # bottle
        neck = w * 0.32
        draw.rectangle((x + (w - neck) / 2, top, x + (w + neck) / 2, top + h * 0.25), fill=_shade(colour, 0.85))
        draw.rectangle((x + (w - neck) / 2, top - h * 0.04, x + (w + neck) / 2, top + h * 0.02), fill=accent)
        draw.rounded_rectangle((x, top + h * 0.2, x + w, base), radius=w * 0.25, fill=colour)
        draw.rectangle((x, top + h * 0.45, x + w, top + h * 0.72), fill=(245, 245, 240))
        draw.rectangle((x + w * 0.12, top + h * 0.52, x + w * 0.88, top + h * 0.6), fill=accent)
        draw.rectangle((x + w * 0.15, top + h * 0.22, x + w * 0.27, base - h * 0.05), fill=_shade(colour, 1.3))


# -- office -----------------------------------------------------------------------------------------
def _office(width: int, height: int, rng: random.Random) -> Image.Image:
    image = _gradient(width, height, [(0.0, (214, 206, 190)), (0.62, (196, 186, 168)), (1.0, (196, 186, 168))])
    draw = ImageDraw.Draw(image)
    desk_y = height * 0.64
    # window on the left: sky, a city outside, frame and blinds
    win = (width * 0.04, height * 0.08, width * 0.46, desk_y - height * 0.06)
    sky = _gradient(round(win[2] - win[0]), round(win[3] - win[1]), [(0.0, (120, 170, 222)), (1.0, (205, 225, 240))])
    image.paste(sky, (round(win[0]), round(win[1])))
    draw = ImageDraw.Draw(image)
    x = win[0]
    while x < win[2]:
        w = rng.uniform(0.03, 0.07) * width
        h = rng.uniform(0.1, 0.32) * height
        tone = _jitter(rng, (140, 158, 180), 12)
        draw.rectangle((x, win[3] - h, min(x + w, win[2]), win[3]), fill=tone)
        for wy in np.arange(win[3] - h + height * 0.015, win[3] - height * 0.01, height * 0.022):
            for wx in np.arange(x + width * 0.006, min(x + w, win[2]) - width * 0.008, width * 0.012):
                draw.rectangle((wx, wy, wx + width * 0.006, wy + height * 0.01), fill=_shade(tone, 0.85))
        x += w + rng.uniform(0, 0.01) * width
    for y in np.arange(win[1], win[1] + (win[3] - win[1]) * 0.3, height * 0.018):  # half-raised blind
        draw.rectangle((win[0], y, win[2], y + height * 0.012), fill=(236, 234, 228))
        draw.line((win[0], y + height * 0.012, win[2], y + height * 0.012), fill=(200, 198, 190), width=SS)
    frame = (244, 244, 240)
    fw = width * 0.012
    draw.rectangle((win[0] - fw, win[1] - fw, win[2] + fw, win[1]), fill=frame)
    draw.rectangle((win[0] - fw, win[3], win[2] + fw, win[3] + fw * 1.6), fill=frame)
    draw.rectangle((win[0] - fw, win[1], win[0], win[3]), fill=frame)
    draw.rectangle((win[2], win[1], win[2] + fw, win[3]), fill=frame)
    mid = (win[0] + win[2]) / 2
    draw.rectangle((mid - fw / 2, win[1], mid + fw / 2, win[3]), fill=frame)
    # a wall clock and a pin board on the right
    cx, cy, r = width * 0.7, height * 0.1, height * 0.055
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 250, 248), outline=(60, 60, 60), width=SS * 3)
    for i in range(12):
        angle = i * math.pi / 6
        draw.line(
            (
                cx + 0.8 * r * math.sin(angle),
                cy - 0.8 * r * math.cos(angle),
                cx + 0.92 * r * math.sin(angle),
                cy - 0.92 * r * math.cos(angle),
            ),
            fill=(60, 60, 60),
            width=SS * 2,
        )
    draw.line((cx, cy, cx + 0.5 * r * math.sin(5.2), cy - 0.5 * r * math.cos(5.2)), fill=(30, 30, 30), width=SS * 3)
    draw.line((cx, cy, cx + 0.75 * r * math.sin(1.1), cy - 0.75 * r * math.cos(1.1)), fill=(30, 30, 30), width=SS * 2)
    board = (width * 0.915, height * 0.27, width * 1.02, height * 0.5)
    draw.rectangle(board, fill=(176, 136, 96), outline=(120, 90, 60), width=SS * 3)
    for _ in range(6):
        px = rng.uniform(board[0] + 10, board[2] - width * 0.05)
        py = rng.uniform(board[1] + 10, board[3] - height * 0.07)
        draw.rectangle(
            (px, py, px + width * 0.05, py + height * 0.06),
            fill=rng.choice([(255, 240, 120), (250, 250, 245), (160, 220, 250), (255, 190, 200)]),
        )
    # the desk
    draw.rectangle((0, desk_y, width, height), fill=(168, 124, 84))
    draw.rectangle((0, desk_y, width, desk_y + height * 0.012), fill=(190, 146, 104))
    for gy in np.arange(desk_y + height * 0.03, height, height * 0.035):  # wood grain
        draw.line((0, gy, width, gy + rng.uniform(-4, 4)), fill=(156, 114, 76), width=SS)
    # monitor
    mon = (width * 0.5, height * 0.16, width * 0.9, desk_y - height * 0.1)
    draw.rectangle((mon[0] + width * 0.17, mon[3], mon[0] + width * 0.23, desk_y + height * 0.01), fill=(60, 60, 64))
    draw.rectangle(
        (mon[0] + width * 0.12, desk_y + height * 0.005, mon[0] + width * 0.28, desk_y + height * 0.025),
        fill=(50, 50, 54),
    )
    draw.rectangle(mon, fill=(28, 28, 32))
    screen = (mon[0] + width * 0.01, mon[1] + width * 0.01, mon[2] - width * 0.01, mon[3] - width * 0.01)
    draw.rectangle(screen, fill=(36, 98, 160))
    app = (screen[0] + width * 0.02, screen[1] + height * 0.03, screen[2] - width * 0.05, screen[3] - height * 0.04)
    draw.rectangle(app, fill=(246, 246, 248))
    draw.rectangle((app[0], app[1], app[2], app[1] + height * 0.025), fill=(210, 214, 222))
    for i, colour in enumerate(((236, 96, 90), (246, 190, 60), (96, 196, 90))):
        bx = app[0] + width * (0.01 + 0.014 * i)
        by = app[1] + height * 0.0125
        draw.ellipse((bx - 5 * SS, by - 5 * SS, bx + 5 * SS, by + 5 * SS), fill=colour)
    for i, ly in enumerate(np.arange(app[1] + height * 0.05, app[3] - height * 0.02, height * 0.022)):
        length = rng.uniform(0.35, 0.55) if i % 5 else 0.25
        draw.rectangle(
            (app[0] + width * 0.015, ly, app[0] + width * 0.015 + (app[2] - app[0]) * length, ly + height * 0.008),
            fill=(150, 150, 160) if i % 5 else (60, 60, 70),
        )
    chart = (app[0] + (app[2] - app[0]) * 0.64, app[1] + height * 0.06, app[2] - width * 0.012, app[3] - height * 0.03)
    for i in range(6):
        bh = (chart[3] - chart[1]) * rng.uniform(0.25, 1.0)
        bw = (chart[2] - chart[0]) / 6
        draw.rectangle(
            (chart[0] + i * bw + 3, chart[3] - bh, chart[0] + (i + 1) * bw - 3, chart[3]), fill=(70, 130, 200)
        )
    # keyboard, mouse, mug, papers, plant
    kb = (width * 0.5, height * 0.76, width * 0.84, height * 0.86)
    draw.rounded_rectangle(kb, radius=SS * 6, fill=(58, 58, 62))
    for row in range(4):
        for col in range(14):
            kx = kb[0] + (kb[2] - kb[0]) * (0.02 + col * 0.07)
            ky = kb[1] + (kb[3] - kb[1]) * (0.1 + row * 0.22)
            draw.rectangle((kx, ky, kx + (kb[2] - kb[0]) * 0.06, ky + (kb[3] - kb[1]) * 0.17), fill=(88, 88, 94))
    draw.ellipse((width * 0.88, height * 0.78, width * 0.925, height * 0.85), fill=(70, 70, 74))
    paper = [
        (width * 0.1, height * 0.74),
        (width * 0.36, height * 0.72),
        (width * 0.39, height * 0.93),
        (width * 0.12, height * 0.95),
    ]
    draw.polygon(paper, fill=(250, 250, 246))
    for i in range(8):
        t = 0.12 + i * 0.09
        a = (
            paper[0][0] + (paper[3][0] - paper[0][0]) * t + width * 0.02,
            paper[0][1] + (paper[3][1] - paper[0][1]) * t,
        )
        b = (
            paper[1][0] + (paper[2][0] - paper[1][0]) * t - width * 0.03,
            paper[1][1] + (paper[2][1] - paper[1][1]) * t,
        )
        draw.line([a, b], fill=(170, 170, 176), width=SS * 2)
    mug = (width * 0.41, height * 0.6, width * 0.465, height * 0.7)
    draw.ellipse(
        (mug[2] - width * 0.015, mug[1] + height * 0.02, mug[2] + width * 0.02, mug[1] + height * 0.07),
        outline=(200, 60, 50),
        width=SS * 5,
    )
    draw.rectangle(mug, fill=(210, 64, 54))
    draw.ellipse((mug[0], mug[1] - height * 0.01, mug[2], mug[1] + height * 0.01), fill=(120, 40, 30))
    pot = (width * 0.02, height * 0.52, width * 0.1, height * 0.66)
    for _ in range(16):
        leaf = rng.uniform(-2.6, -0.5)
        length = rng.uniform(0.1, 0.2) * height
        bx, by = (pot[0] + pot[2]) / 2, pot[1]
        tip = (bx + math.cos(leaf) * length, by + math.sin(leaf) * length)
        side = (-math.sin(leaf) * length * 0.18, math.cos(leaf) * length * 0.18)
        mid_pt = ((bx + tip[0]) / 2, (by + tip[1]) / 2)
        draw.polygon(
            [(bx, by), (mid_pt[0] + side[0], mid_pt[1] + side[1]), tip, (mid_pt[0] - side[0], mid_pt[1] - side[1])],
            fill=_jitter(rng, (60, 130, 60), 18),
        )
    draw.polygon(
        [(pot[0], pot[1]), (pot[2], pot[1]), (pot[2] - width * 0.01, pot[3]), (pot[0] + width * 0.01, pot[3])],
        fill=(190, 110, 70),
    )
    return image


# -- night road ---------------------------------------------------------------------------------------
def _night_road(width: int, height: int, rng: random.Random) -> Image.Image:
    horizon = height * 0.5
    image = _gradient(
        width,
        height,
        [(0.0, (6, 8, 20)), (0.42, (22, 24, 44)), (0.5, (52, 40, 46)), (0.5001, (14, 14, 17)), (1.0, (20, 20, 23))],
    )
    draw = ImageDraw.Draw(image)
    for _ in range(60):  # faint stars
        sx, sy = rng.uniform(0, width), rng.uniform(0, horizon * 0.7)
        v = rng.randint(60, 150)
        draw.ellipse((sx - SS, sy - SS, sx + SS, sy + SS), fill=(v, v, v + 10))
    cam = _Camera(width, height, focal=width * 0.62, horizon=horizon, x=-1.8, eye_height=1.3)
    far = 400.0
    glow = Image.new("RGB", (width, height))
    gdraw = ImageDraw.Draw(glow)
    # dark tree line and low buildings along the horizon, with a few lit windows
    x = 0.0
    while x < width:
        w = rng.uniform(0.03, 0.09) * width
        h = rng.uniform(0.01, 0.05) * height
        draw.rectangle((x, horizon - h, x + w, horizon), fill=(10, 11, 16))
        if rng.random() < 0.7:
            for _ in range(rng.randint(2, 8)):
                wx, wy = rng.uniform(x, x + w - 6), rng.uniform(horizon - h + 3, horizon - 4)
                draw.rectangle((wx, wy, wx + 2 * SS, wy + 2 * SS), fill=(230, 190, 110))
        x += w
    # the road and its markings
    half = 3.6
    draw.polygon(
        cam.quad([(-half - 2.5, 0, 1), (half + 2.5, 0, 1), (half + 2.5, 0, far), (-half - 2.5, 0, far)]),
        fill=(12, 13, 12),
    )
    draw.polygon(cam.quad([(-half, 0, 1), (half, 0, 1), (half, 0, far), (-half, 0, far)]), fill=(30, 30, 33))
    for edge in (-1, 1):
        e = edge * (half - 0.2)
        draw.polygon(
            cam.quad([(e - 0.08, 0, 1), (e + 0.08, 0, 1), (e + 0.08, 0, far), (e - 0.08, 0, far)]), fill=(160, 160, 150)
        )
    for z in np.arange(2.0, far, 9.0):
        dash = [(-0.08, 0.0, float(z)), (0.08, 0.0, float(z)), (0.08, 0.0, z + 3.5), (-0.08, 0.0, z + 3.5)]
        draw.polygon(cam.quad(dash), fill=(200, 170, 80))
    # street lights on both sides: pole, glowing head, a pool of light on the road
    for side in (1, -1):
        for z in np.arange(16.0 if side > 0 else 27.0, 260, 22.0):
            x = side * (half + 1.5)
            top = cam(x, 8, z)
            arm = cam(x - side * 2.0, 8, z)
            width_px = max(SS, round(0.15 * cam.f / z))
            draw.line([cam(x, 0, z), top], fill=(40, 40, 46), width=width_px)
            draw.line([top, arm], fill=(40, 40, 46), width=width_px)
            r = max(SS * 1.5, 0.3 * cam.f / z)
            draw.ellipse((arm[0] - r, arm[1] - r * 0.5, arm[0] + r, arm[1] + r * 0.5), fill=(255, 230, 180))
            gdraw.ellipse((arm[0] - 4 * r, arm[1] - 3 * r, arm[0] + 4 * r, arm[1] + 3 * r), fill=(150, 100, 40))
            (x0, y0), (x1, y1) = cam(x - side * 2.0 - 3.5, 0, z + 5), cam(x - side * 2.0 + 3.5, 0, z - 5)
            gdraw.ellipse((min(x0, x1), y0, max(x0, x1), y1), fill=(58, 44, 24))
    # reflector posts along the left verge
    for z in np.arange(6.0, 200, 12.0):
        base, top = cam(-half - 1.2, 0, z), cam(-half - 1.2, 1.0, z)
        draw.line([base, top], fill=(70, 70, 74), width=max(SS, round(0.1 * cam.f / z)))
        r = max(SS * 0.8, 0.05 * cam.f / z)
        draw.ellipse((top[0] - r, top[1] - r * 2, top[0] + r, top[1] + r * 2), fill=(255, 170, 40))
    # traffic: a car ahead in our lane (dark body, tail lights), oncoming headlights in the other lane
    for x, z in ((-1.8, 15.0), (-1.8, 90.0)):
        body = cam.quad([(x - 0.9, 0.25, z), (x + 0.9, 0.25, z), (x + 0.9, 1.05, z), (x - 0.9, 1.05, z)])
        cabin = cam.quad(
            [(x - 0.7, 1.05, z + 0.4), (x + 0.7, 1.05, z + 0.4), (x + 0.55, 1.45, z + 0.8), (x - 0.55, 1.45, z + 0.8)]
        )
        draw.polygon(cabin, fill=(26, 27, 32))
        draw.polygon(body, fill=(44, 45, 52))
        for offset in (-0.65, 0.65):
            cx, cy = cam(x + offset, 0.85, z)
            r = max(SS * 1.5, 0.13 * cam.f / z)
            draw.ellipse((cx - r, cy - r * 0.55, cx + r, cy + r * 0.55), fill=(255, 50, 36))
            gdraw.ellipse((cx - 4 * r, cy - 3 * r, cx + 4 * r, cy + 3 * r), fill=(150, 16, 10))
        for offset in (-0.65, 0.65):  # streaks of red reflected on the road
            (x0, y0), (x1, y1) = cam(x + offset - 0.15, 0, z - 0.3), cam(x + offset + 0.15, 0, z - 5)
            gdraw.rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), fill=(70, 8, 6))
    for x, z in ((1.8, 38.0), (1.8, 150.0)):
        for offset in (-0.75, 0.75):
            cx, cy = cam(x + offset, 0.7, z)
            r = max(SS * 1.5, 0.16 * cam.f / z)
            draw.ellipse((cx - r, cy - r * 0.6, cx + r, cy + r * 0.6), fill=(255, 255, 245))
            gdraw.ellipse((cx - 7 * r, cy - 4 * r, cx + 7 * r, cy + 4 * r), fill=(180, 180, 160))
        for offset in (-0.75, 0.75):  # streaks of headlight on the road
            (x0, y0), (x1, y1) = cam(x + offset - 0.2, 0, z - 12), cam(x + offset + 0.2, 0, z - 0.5)
            gdraw.rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), fill=(60, 60, 52))
    # a reflective road sign on the right
    sx = half + 2.2
    pole_top = cam(sx, 2.6, 28)
    draw.line([cam(sx, 0, 28), pole_top], fill=(60, 60, 64), width=max(SS, round(0.08 * cam.f / 28)))
    sign = cam.quad([(sx - 0.6, 2.4, 28), (sx + 0.6, 2.4, 28), (sx + 0.6, 3.2, 28), (sx - 0.6, 3.2, 28)])
    draw.polygon(sign, fill=(30, 110, 70))
    sx0, sy0 = sign[3]
    sx1, sy1 = sign[1]
    draw.rectangle((sx0 + 2 * SS, sy0 + 2 * SS, sx1 - 2 * SS, sy1 - 2 * SS), outline=(200, 220, 210), width=SS)
    image = _add_glow(image, glow, width * 0.01)
    return image


DRAWERS = {"street": _street, "shop-shelf": _shop_shelf, "office": _office, "night-road": _night_road}


def make_background(name: str, width: int = SIZE[0], height: int = SIZE[1], seed: int = 0) -> Image.Image:
    """Draw a built-in scene (deterministic for a given name, size and seed)."""
    if name not in DRAWERS:
        raise ValueError(f"unknown background {name!r} (built-in: {', '.join(DRAWERS)})")
    rng = random.Random(f"{name}:{seed}")
    big = DRAWERS[name](width * SS, height * SS, rng)
    return big.reduce(SS)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--size must be WIDTHxHEIGHT, e.g. 800x600, not {text!r}") from None
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise argparse.ArgumentTypeError(f"--size must be 16..8192 pixels each way, not {text!r}")
    return width, height


def main(argv: list[str] | None = None) -> int:
    """Write <out-dir>/<name>.png for each name given (default: every built-in)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"backgrounds to draw (default: all of {', '.join(DRAWERS)})"
    )
    parser.add_argument("--size", type=_size, default=SIZE, help="WIDTHxHEIGHT (default: 800x600)")
    parser.add_argument(
        "--out-dir", type=Path, default=OUT_DIR, help="where the PNGs go (default: emulator/backgrounds)"
    )
    args = parser.parse_args(argv)
    for name in args.names:
        if name not in DRAWERS:
            parser.error(f"unknown background {name!r}: {suggest(name, DRAWERS, 'built-in: ' + ', '.join(DRAWERS))}")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(DRAWERS):
        path = args.out_dir / f"{name}.png"
        make_background(name, *args.size).save(path, format="PNG", optimize=True)
        print(f"{path}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
