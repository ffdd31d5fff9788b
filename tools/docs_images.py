"""Render the README's pictures of composition: every composite in each of its forms, and the
crowded example on the Quark S1 and the Even G1.

    .venv/bin/python tools/docs_images.py      # writes docs/forms.png, docs/crowded-*.png
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import hud
from hud.panel import tint
from hud.text import font_dir

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BACKDROP = (18, 18, 18)


def widgets() -> list[tuple[str, object]]:
    """(label, factory) of one example per composite type."""
    return [
        (
            "nav_arrow",
            lambda: hud.NavArrow(
                maneuver="roundabout", exit=2, distance_m=300, street="Yan'an Road", eta_min=12, anchor="center"
            ),
        ),
        (
            "notification",
            lambda: hud.Notification(
                app="Alipay", icon="wallet", title="Paid ¥32.00", body="Zhiweiguan, Hubin Yintai", anchor="center"
            ),
        ),
        (
            "price_card",
            lambda: hud.PriceCard(
                product="Longjing green tea 250 g",
                price=168,
                store="Taobao",
                compare=[{"store": "JD", "price": 189}],
                anchor="center",
            ),
        ),
        (
            "caption",
            lambda: hud.Caption(
                speaker="Shopkeeper",
                text="这是今年的明前龙井，",
                partial="可以先尝一下",
                translation="This is this year's pre-Qingming Longjing, try some first",
                anchor="center",
            ),
        ),
    ]


def crop(image: Image.Image) -> Image.Image:
    box = image.getbbox()
    if box is None:
        return image
    pad = 10
    return image.crop(
        (max(box[0] - pad, 0), max(box[1] - pad, 0), min(box[2] + pad, image.width), min(box[3] + pad, image.height))
    )


def forms_sheet() -> Image.Image:
    """A row per composite, a column per form, each cell cropped to what it draws (quark-s1)."""
    device = hud.load_device("quark-s1")
    font = ImageFont.truetype(str(font_dir() / "NotoSans-Bold.ttf"), 18)
    cells: list[list[Image.Image]] = []
    for _, factory in widgets():
        row = []
        for form in ("full", "compact", "minimal"):
            widget = factory()
            widget.form = form
            frame = hud.render(hud.Scene(widget), device=device)
            row.append(crop(Image.fromarray(tint(frame.eyes["left"], device))))
        cells.append(row)
    column_w = [max(row[i].width for row in cells) for i in range(3)]
    label_w, head_h, gap = 140, 34, 14
    height = head_h + sum(max(c.height for c in row) + gap for row in cells)
    sheet = Image.new("RGB", (label_w + sum(column_w) + gap * 3, height), BACKDROP)
    draw = ImageDraw.Draw(sheet)
    x = label_w
    for i, form in enumerate(("full", "compact", "minimal")):
        draw.text((x, 6), form, font=font, fill=(230, 230, 230))
        x += column_w[i] + gap
    y = head_h
    for (label, _), row in zip(widgets(), cells):
        tallest = max(c.height for c in row)
        draw.text((8, y + tallest // 2 - 10), label, font=font, fill=(200, 200, 200))
        x = label_w
        for i, cell in enumerate(row):
            sheet.paste(cell, (x, y))
            x += column_w[i] + gap
        y += tallest + gap
    return sheet


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    forms_sheet().save(DOCS / "forms.png")
    for device in ("quark-s1", "even-g1"):
        hud.render(ROOT / "scenes" / "crowded.toml", device=device).preview().save(DOCS / f"crowded-{device}.png")
    print("wrote docs/forms.png, docs/crowded-quark-s1.png, docs/crowded-even-g1.png")


if __name__ == "__main__":
    main()
