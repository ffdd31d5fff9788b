"""Golden images: every example scene on its targets, and every widget variant on quark-s1, each
rendered on every backend (the `golden` fixture runs each test once per backend: cpu, gl).

Create or refresh with `pytest --update-goldens`, then look at every changed PNG.
"""

from __future__ import annotations

import tomllib

import pytest

import hud
from hud.golden import GoldenChecker
from hud.icons import ICON_NAMES, MANEUVERS

from paths import SCENES

ASSETS = SCENES / "assets"


def _targets() -> list[tuple[str, str]]:
    cases = []
    for path in sorted(SCENES.glob("*.toml")):
        header = tomllib.loads(path.read_text(encoding="utf-8")).get("scene", {})
        for device in header.get("targets", [header.get("device", "quark-s1")]):
            cases.append((path.stem, device))
    return cases


@pytest.mark.parametrize(("scene", "device"), _targets())
def test_example_scene(golden, scene: str, device: str) -> None:
    golden.check(f"scene-{scene}-{device}", SCENES / f"{scene}.toml", device=device)


def test_every_scene_has_a_quark_s1_golden() -> None:
    assert {scene for scene, device in _targets() if device == "quark-s1"} == {p.stem for p in SCENES.glob("*.toml")}
    peers = {(scene, device) for scene, device in _targets() if device != "quark-s1"}
    assert len({scene for scene, _ in peers}) >= 2 and len(peers) >= 4


def _one(golden: GoldenChecker, widget: hud.Widget, device: str = "quark-s1") -> hud.Frame:
    """One widget alone on `device`, rendered on the test's backend."""
    return golden.render(hud.Scene(widget), device=device)


@pytest.mark.parametrize("maneuver", MANEUVERS)
def test_nav_arrow_maneuver(golden, maneuver: str) -> None:
    arrow = hud.NavArrow(maneuver=maneuver, distance_m=240, street="Wensan Road", anchor="center")
    golden.check(f"nav-{maneuver}", _one(golden, arrow))


@pytest.mark.parametrize("exit_number", [1, 3, 4])
def test_nav_arrow_roundabout_exits(golden, exit_number: int) -> None:
    arrow = hud.NavArrow(maneuver="roundabout", exit=exit_number, distance_m=80, eta_min=65, anchor="center")
    golden.check(f"nav-roundabout-exit{exit_number}", _one(golden, arrow))


@pytest.mark.parametrize(("distance", "label"), [(3, "now"), (1234, "km")])
def test_nav_arrow_distances(golden, distance: float, label: str) -> None:
    arrow = hud.NavArrow(maneuver="straight", distance_m=distance, anchor="top")
    golden.check(f"nav-distance-{label}", _one(golden, arrow))


@pytest.mark.parametrize(
    ("currency", "price", "compare"),
    [
        ("CNY", 2199, [{"store": "JD", "price": 2499}]),
        ("CNY", 19.9, []),
        ("USD", 299, [{"store": "Amazon", "price": 279.99}, {"store": "Best Buy", "price": 299.99}]),
        ("EUR", 1234.5, []),
        ("JPY", 39800, [{"store": "Yodobashi", "price": 41200}]),
    ],
)
def test_price_card_currency(golden, currency: str, price: float, compare: list) -> None:
    card = hud.PriceCard(
        product="Sony WH-1000XM5", price=price, currency=currency, store="Taobao", compare=compare, anchor="center"
    )
    golden.check(f"price-{currency.lower()}-{str(price).replace('.', '_')}", _one(golden, card))


def test_price_card_long_name_and_rating(golden) -> None:
    card = hud.PriceCard(
        product="Apple iPhone 16 Pro Max 1TB Desert Titanium, dual SIM, China mainland version",
        price=9999,
        store="Tmall",
        rating=4.9,
        anchor="center",
    )
    golden.check("price-truncated-rating", _one(golden, card))


@pytest.mark.parametrize("priority", ["low", "normal", "high"])
def test_notification_priority(golden, priority: str) -> None:
    note = hud.Notification(
        app="Alipay",
        title="Payment complete",
        body="¥4.00 to Hangzhou Metro",
        icon="wallet",
        priority=priority,
        anchor="top-right",
    )
    golden.check(f"notification-{priority}", _one(golden, note))


def test_notification_truncates_long_body(golden) -> None:
    note = hud.Notification(
        app="Messages",
        title="Zhang Min",
        anchor="center",
        body="Are we still on for dinner tonight? I booked a table at the place by the lake for "
        "seven, but I can move it to eight if your meeting runs late. Let me know!",
    )
    golden.check("notification-truncated", _one(golden, note))


def test_caption_speaker_translation(golden) -> None:
    caption = hud.Caption(
        speaker="Guide",
        text="前面就是断桥，冬天下雪的时候最漂亮。",
        translation="Ahead is the Broken Bridge, most beautiful when it snows in winter.",
        anchor="bottom",
    )
    golden.check("caption-translation", _one(golden, caption))


def test_caption_live_append_keeps_newest_lines(golden) -> None:
    caption = hud.Caption(text="We", anchor="bottom", max_lines=2)
    for word in (
        "will",
        "meet",
        "at",
        "the",
        "north",
        "gate",
        "of",
        "the",
        "museum",
        "at",
        "ten",
        "and",
        "then",
        "walk",
        "together",
        "to",
        "the",
        "lake",
        "for",
        "the",
        "boat",
        "tour",
    ):
        caption.append(" " + word)
    golden.check("caption-live-append", _one(golden, caption))


def test_icons(golden) -> None:
    grid = hud.Column(gap=10, anchor="center")
    names = list(ICON_NAMES)
    for start in range(0, len(names), 9):
        grid.add(hud.Row(*(hud.Icon(name=name, size=44) for name in names[start : start + 9]), gap=14))
    golden.check("icons-all", _one(golden, grid))


def test_text_styles(golden) -> None:
    column = hud.Column(gap=6, anchor="center", width="80%", align="stretch")
    for size in ("small", "body", "title", "large"):
        column.add(hud.Text(text=f"{size} 文字 Text", size=size))
    column.add(hud.Text(text="bold, right aligned", weight="bold", align="right"))
    column.add(hud.Text(text="centred, dim", align="center", color="dim"))
    column.add(
        hud.Text(text="Text that runs far too long for one line is cut with an ellipsis at the end", max_lines=1)
    )
    golden.check("text-styles", _one(golden, column))


@pytest.mark.filterwarnings("ignore::hud.text.MissingGlyphWarning")  # tests/test_text.py checks the warning
def test_missing_glyph_box(golden) -> None:
    frame = _one(golden, hud.Text(text="Box: \ue000 end", anchor="center", size="large"))
    golden.check("text-missing-glyph", frame, lint=False)  # the box is the point here


def test_panel_progress_image(golden) -> None:
    row = hud.Row(gap=12, anchor="center", align="center")
    row.add(hud.Panel(hud.Text(text="panel"), padding=10, radius=12, border=3, fill=0.15))
    row.add(hud.Column(hud.Progress(value=0.0), hud.Progress(value=0.5), hud.Progress(value=1.0), gap=8))
    row.add(hud.Image(src=str(ASSETS / "headphones.png"), width=64))
    golden.check("primitives", _one(golden, row))


def test_stereo_depth(golden) -> None:
    near = hud.Panel(hud.Text(text="0.8 m"), padding=8, anchor="left", depth_m=0.8)
    far = hud.Panel(hud.Text(text="10 m"), padding=8, anchor="right", depth_m=10)
    golden.check("stereo-depth", golden.render(hud.Scene(near, far), device="quark-s1"))


def test_colour_device(golden) -> None:
    note = hud.Notification(app="Fliggy", title="Gate change: C32", priority="high", icon="plane", anchor="center")
    golden.check("notification-meta-ray-ban-display", _one(golden, note, "meta-ray-ban-display"))


def test_python_tree_matches_scene_file() -> None:
    """The tour's Python version of scenes/navigation.toml draws the same pixels."""
    import numpy as np

    scene = hud.Scene(
        hud.NavArrow(id="next-turn", anchor="top", maneuver="left", distance_m=120, street="Wensan Road", eta_min=8),
        hud.Column(
            hud.Text(id="then", text="Then in 300 m: West Lake Cultural Square", size="small", color="dim"),
            hud.Progress(id="route", value=0.35, width="8deg"),
            anchor="bottom",
            align="center",
            gap="0.2deg",
        ),
    )
    from_python = hud.render(scene, device="quark-s1")
    from_file = hud.render(SCENES / "navigation.toml", device="quark-s1")
    for eye in ("left", "right"):
        assert np.array_equal(from_python.eyes[eye], from_file.eyes[eye])


# Per script: mixed-direction and mixed-script lines, regular and bold.
SCRIPT_LINES = {
    "arabic": ["مرحبا 2026 Hangzhou", "السعر 2,199 يوان (خصم 20%)", "الرحلة EK303 تغادر الساعة 14:30 من البوابة B12."],
    "hebrew": ["שלום ABC 123", "הרכבת יוצאת בשעה 10:15, והכרטיס עולה 27.50 ₪.", "אפשר לשלם עם Alipay או בכרטיס Visa?"],
    "devanagari": ["नमस्ते Delhi 2026", "क्षत्रिय श्री द्वार कि की कु", "यह साड़ी 2,500 रुपये की है (20% छूट)"],
    "tamil-bengali": ["வணக்கம் Chennai 42", "ஸ்ரீ க்ஷ கொ கோ", "আমার সোনার বাংলা 2026"],
    "thai": ["สวัสดี Bangkok 2026", "น้ำ ผู้ใหญ่ กี่ ปี่ ฟ้า", "ยินดีต้อนรับสู่ตลาดน้ำดำเนินสะดวก 60 บาท"],
    "korean": ["안녕하세요 Seoul 2026", "명동역은 5분 거리 (4호선)", "한국어 中文 混合 텍스트"],
    "japanese": ["次の電車は東京駅行きです。", "カタカナ ひらがな 漢字 ABC 123", "「品川」に止まりますか？"],
    "latin-extended": ["Tiếng Việt: Đường phố Hà Nội", "İstanbul, Łódź, Ștefan, Příliš", "Ελληνικά и Кириллица"],
}


@pytest.mark.parametrize("script", sorted(SCRIPT_LINES))
def test_script_lines(golden, script: str) -> None:
    column = hud.Column(gap=8, anchor="center", width="100%", align="stretch")
    for line in SCRIPT_LINES[script]:
        column.add(hud.Text(text=line, size="title"))
        column.add(hud.Text(text=line, size="body", weight="bold", lang="ja" if script == "japanese" else None))
    golden.check(f"script-{script}", golden.render(hud.Scene(column), device="quark-s1"))


def test_rtl_wrapping_and_alignment(golden) -> None:
    caption = hud.Caption(
        speaker="المرشد",
        lang="ar",
        anchor="bottom",
        max_lines=3,
        text="مرحبا بكم في دبي! الرحلة EK303 إلى شنغهاي تغادر الساعة 14:30 من البوابة B12، "
        "يرجى التوجه إلى البوابة قبل 40 دقيقة من الإقلاع.",
        translation="欢迎来到迪拜！飞往上海的EK303航班将于14:30从B12登机口起飞。",
    )
    golden.check("caption-arabic-wrapped", golden.render(hud.Scene(caption), device="quark-s1"))
