"""Reduced forms of the composites (full, compact, minimal) and the words they draw in their language."""

from __future__ import annotations

import pytest

import hud
import hud.layout
import hud.speech.language
import hud.text.language
import hud.theme
from hud.builds import Builds
from hud.geometry import Size
from hud.widgets import Composite, Icon, NavArrow, Notification, PriceCard, Text, Widget
from hud.widgets.base import FORMS
from hud.widgets.formatting import (
    format_distance,
    format_eta,
    format_exit,
    format_minutes,
    format_price_gap,
    word,
    words_language,
)

DEVICE = hud.load_device("quark-s1")
LAYOUT = hud.layout.Layout(hud.theme.Theme(DEVICE))
SCREEN_W, SCREEN_H = 576, 432  # the S1's safe area


def _deg(degrees: float) -> int:
    return round(DEVICE.deg_to_px(degrees))


def _in(widget: Composite, form: str) -> Composite:
    widget.form = form
    return widget


def _drawn(widget: Widget, builds: Builds | None = None) -> list[Widget]:
    """`widget` and everything drawn inside it, as `builds` (LAYOUT's table by default) builds it."""
    return list((builds or LAYOUT.builds).walk(widget))


def _texts(widget: Widget, builds: Builds | None = None) -> list[str]:
    return [w.text for w in _drawn(widget, builds) if isinstance(w, Text)]


def _text(widget: Widget, text: str, builds: Builds | None = None) -> Text:
    return next(w for w in _drawn(widget, builds) if isinstance(w, Text) and w.text == text)


def _measure(widget: Widget, avail_w: int = SCREEN_W, avail_h: int = SCREEN_H) -> Size:
    return LAYOUT.measure(widget, avail_w, avail_h)


def _nav(**fields: object) -> NavArrow:
    return NavArrow(**{"maneuver": "left", "distance_m": 120, "street": "Wensan Road", "eta_min": 8, **fields})


def _note(**fields: object) -> Notification:
    return Notification(**{"app": "Alipay", "title": "Payment complete", "body": "¥4.00 to Hangzhou Metro", **fields})


def _price(**fields: object) -> PriceCard:
    return PriceCard(
        **{
            "product": "Sony WH-1000XM5 Wireless Noise Cancelling Headphones",
            "price": 2199,
            "store": "Taobao",
            "rating": 4.8,
            "compare": [{"store": "JD", "price": 2499}, {"store": "PDD", "price": 1899}],
            **fields,
        }
    )


def _every_composite() -> list[Composite]:
    return [
        _nav(),
        _nav(maneuver="roundabout", exit=3),
        _nav(street="文三路"),
        _note(),
        _note(priority="high"),
        _price(),
        _price(product="索尼 WH-1000XM5 无线降噪耳机", store="淘宝"),
        _price(compare=[]),
    ]


# -- what each form shows ------------------------------------------------------------------------


def test_nav_arrow_forms() -> None:
    assert _texts(_in(_nav(), "full")) == ["120 m", "Wensan Road", "ETA 8 min"]
    assert _texts(_in(_nav(), "compact")) == ["120 m", "Wensan Road"]
    assert _texts(_in(_nav(), "minimal")) == ["120 m"]
    compact = _in(_nav(), "compact")
    street = _text(compact, "Wensan Road")
    assert (street.max_lines, street.overflow) == (1, "ellipsis")
    assert street.parent is _text(compact, "120 m").parent  # one row
    sizes = {form: next(w for w in _drawn(_in(_nav(), form)) if isinstance(w, Icon)).size.value for form in FORMS}
    assert sizes["full"] == 2.6 and sizes["full"] >= sizes["compact"] >= sizes["minimal"] >= 1.8


def test_notification_forms() -> None:
    assert _texts(_in(_note(), "full")) == ["Alipay", "Payment complete", "¥4.00 to Hangzhou Metro"]
    assert _texts(_in(_note(), "compact")) == ["Payment complete"]
    assert _texts(_in(_note(), "minimal")) == ["Alipay"]
    title = _text(_in(_note(), "compact"), "Payment complete")
    assert (title.weight, title.max_lines, title.overflow) == ("bold", 1, "ellipsis")
    assert _texts(_in(_note(app=""), "minimal")) == ["Payment complete"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("priority, border, brightness", [("high", 3.0, 1.0), ("normal", 2.0, 1.0), ("low", 2.0, 0.7)])
def test_notification_keeps_priority_styling_in_every_form(
    form: str, priority: str, border: float, brightness: float
) -> None:
    panel = LAYOUT.builds.content(_in(_note(priority=priority), form))
    assert (panel.border.value, panel.brightness) == (border, brightness)
    assert panel.border_color == ("fg" if priority == "high" else "dim")


def test_price_card_forms() -> None:
    full = _texts(_in(_price(), "full"))
    assert full[:3] == ["Sony WH-1000XM5 Wireless Noise Cancelling Headphones", "¥2,199", "Taobao"]
    assert "4.8" in full and "JD" in full
    compact = _texts(_in(_price(), "compact"))
    assert compact == ["Sony WH-1000XM5 Wireless Noise Cancelling Headphones", "¥2,199", "Taobao", "+¥300"]
    assert _text(_in(_price(), "compact"), compact[0]).max_lines == 1
    assert _texts(_in(_price(), "minimal")) == ["¥2,199", "+¥300"]


def test_price_card_mark() -> None:
    assert _price().mark() == "+¥300"
    assert _price(price=1799).mark() == "lowest"
    assert _price(price=1899).mark() == "lowest"  # as cheap as the cheapest
    assert _price(compare=[]).mark() == ""  # nothing to compare with
    assert _texts(_in(_price(compare=[]), "minimal")) == ["¥2,199"]
    chinese = "索尼 WH-1000XM5 无线降噪耳机"
    assert _price(product=chinese, store="淘宝").mark() == "贵¥300"
    assert _price(product=chinese, price=1799).mark() == "最低价"
    assert _price(product=chinese, lang="en").mark() == "+¥300"
    assert _price(lang="zh-Hans").mark() == "贵¥300"
    assert _price(store="淘宝").mark() == "+¥300"  # an English product name outweighs the store


def test_price_card_comparison_words_follow_the_language() -> None:
    card = _in(PriceCard(product="茶叶", price=19.9, compare=[{"store": "京东", "price": 25}]), "full")
    assert _texts(card)[-6:] == ["当前", "¥19.90", "最低价", "京东", "¥25", "贵¥5.10"]
    card = _in(PriceCard(product="Tea", price=19.9, compare=[{"store": "JD", "price": 25}]), "full")
    assert _texts(card)[-6:] == ["here", "¥19.90", "lowest", "JD", "¥25", "+¥5.10"]


def test_forms_are_built_once_until_a_field_changes() -> None:
    arrow = _nav()
    table = Builds()
    built = {}
    for form in FORMS:
        table.use_form(arrow, form)  # the compositor's choice
        built[form] = table.content(arrow)
    for form in FORMS:
        table.use_form(arrow, form)
        assert table.content(arrow) is built[form]
    assert table.built == len(FORMS)
    arrow.street = "Hubin Road"
    assert table.content(arrow) is not built["minimal"]
    table.use_form(arrow, "compact")
    assert table.content(arrow) is not built["compact"] and "Hubin Road" in _texts(arrow, table)


def test_the_compositor_choice_is_drawn() -> None:
    note = _note()
    table = Builds()
    assert table.use_form(note, "minimal")
    assert _texts(note, table) == ["Alipay"]
    note.form = "full"  # a pinned form wins
    assert _texts(note, table) == ["Alipay", "Payment complete", "¥4.00 to Hangzhou Metro"]


# -- widths ------------------------------------------------------------------------------------------


def test_minimum_widths() -> None:
    assert Notification.MIN_WIDTH_DEG == {"full": 9.0, "compact": 6.5, "minimal": None}
    assert PriceCard.MIN_WIDTH_DEG == {"full": 10.0, "compact": 8.5, "minimal": None}
    arrow = _nav(street="Wensan Road, West Lake District")
    assert arrow.min_width_deg("full") is None and arrow.min_width_deg("minimal") is None
    squeezed = arrow.min_width_deg("compact")
    assert squeezed is not None and 8 < squeezed < 12
    natural = _measure(_in(arrow, "compact")).w
    assert _deg(squeezed) < natural
    assert _nav(street="Rd").min_width_deg("compact") is None  # nothing to ellipsise


def _least_px(widget: Composite, form: str) -> int:
    """The narrowest width the compositor may offer `widget` in `form` (None: its natural width)."""
    least = widget.min_width_deg(form)
    return _deg(least) if least is not None else _measure(_in(widget, form)).w


@pytest.mark.parametrize("form", FORMS)
def test_measured_within_the_offered_width(form: str) -> None:
    for widget in _every_composite():
        avail = _least_px(widget, form)
        size = _measure(_in(widget, form), avail)
        assert 0 < size.w <= avail, (widget, form, size)
        assert avail <= _measure(widget).w


@pytest.mark.parametrize("form", FORMS)
def test_squeezed_text_is_ellipsised_not_overflowing(form: str) -> None:
    for widget in _every_composite():
        box = hud.Column(_in(widget, form), width=_least_px(widget, form), anchor="center")
        renderer = hud.Renderer(hud.Scene(box), "quark-s1")
        renderer.frame()
        right = renderer.box(widget).right
        assert right <= renderer.box(box).right
        for text in (w for w in renderer.walk(widget) if isinstance(w, Text)):
            lines = renderer.text_block(text).lines
            assert all(line.width <= renderer.box(text).w for line in lines), (widget, form, text.text)
            assert renderer.box(text).right <= right, (widget, form, text.text)


def test_the_squeezed_compact_nav_arrow_keeps_its_distance_and_cuts_the_street() -> None:
    arrow = _in(_nav(street="Wensan Road, West Lake District"), "compact")
    box = hud.Column(arrow, width=_deg(arrow.min_width_deg("compact")), anchor="center")
    renderer = hud.Renderer(hud.Scene(box), "quark-s1")
    renderer.frame()
    assert not renderer.text_block(_text(arrow, "120 m", renderer.builds)).truncated
    assert renderer.text_block(_text(arrow, "Wensan Road, West Lake District", renderer.builds)).truncated


def test_cards_full_form_keeps_its_width_reduced_forms_shrink_to_their_content() -> None:
    assert _measure(_in(_note(), "full")).w == _deg(16)
    assert _measure(_in(_price(), "full")).w == _deg(12)
    note = _in(_note(title="Paid"), "compact")
    assert note.width_in("compact") is None and _deg(3) < _measure(note).w < _deg(8)
    assert _measure(_in(_note(), "minimal")).w < _deg(7)
    assert _measure(_in(_price(), "minimal")).w < _deg(10)
    assert _measure(_in(_price(product="Tea", compare=[]), "compact")).w < _deg(10)
    long_title = _in(_note(title="Gate change: CA1705 now boards at gate 32, in twenty minutes"), "compact")
    assert _measure(long_title).w == _deg(16)  # capped at the card width
    narrow = _in(_note(title="Gate change: CA1705 now boards at gate 32", width="10deg"), "compact")
    assert _measure(narrow).w == _deg(10)
    narrow.width = "12deg"  # the cap follows the field
    assert _measure(narrow).w == _deg(12)
    assert _in(narrow, "full").width_in("full") == hud.geometry.Length(12.0, "deg")


@pytest.mark.parametrize("make", [_nav, _note, lambda: _nav(maneuver="roundabout", exit=2, street="文三路")])
def test_reduced_forms_are_not_taller(make) -> None:
    width = _deg(14)
    heights = [_measure(_in(make(), form), width).h for form in FORMS]
    assert heights[0] > heights[1] >= heights[2] > 0


def test_reduced_price_cards_are_shorter() -> None:
    heights = [_measure(_in(_price(), form)).h for form in FORMS]
    assert heights[0] > heights[1] > heights[2] > 0


# -- language ------------------------------------------------------------------------------------


def test_language_from_the_widget_text() -> None:
    assert _nav(street="文三路").language == "zh"
    assert _nav().language == "en"
    assert _nav(street=None).language == "en"
    assert _nav(street="文三路", lang="en").language == "en"
    assert _nav(lang="zh-Hans-CN").language == "zh"
    assert _nav(street="表参道", lang="ja").language == "en"  # no Japanese words: English
    assert _price(product="索尼无线降噪耳机").language == "zh"
    assert _price(product="茶叶", store="淘宝").language == "zh"
    assert _price(store="淘宝").language == "en"  # the English product name outweighs the store
    assert _note(app="支付宝", title="支付成功", body=None).language == "zh"
    assert _note().language == "en"


def test_chinese_street_gets_chinese_words() -> None:
    assert _texts(_in(_nav(street="文三路", eta_min=65), "full")) == ["120米", "文三路", "约1小时5分钟到达"]
    assert _texts(_in(_nav(street="文三路", distance_m=1234), "minimal")) == ["1.2公里"]
    assert _texts(_in(_nav(street="文三路", distance_m=2), "minimal")) == ["现在"]
    assert _texts(_in(_nav(maneuver="arrive", street="西湖", distance_m=2), "minimal")) == ["到达"]
    assert _texts(_in(_nav(street="文三路", lang="en"), "full")) == ["120 m", "文三路", "ETA 8 min"]


def test_roundabout_exit_in_the_text_and_the_arrow() -> None:
    arrow = _in(_nav(maneuver="roundabout", exit=3), "full")
    assert _texts(arrow) == ["120 m", "exit 3 · Wensan Road", "ETA 8 min", "3"]
    (icon,) = [w for w in _drawn(arrow) if isinstance(w, Icon)]
    assert (icon.name, icon.exit) == ("roundabout", 3)
    number = _text(arrow, "3")
    assert number.weight == "bold" and number.size.value >= 0.6  # legible
    assert _texts(_in(_nav(maneuver="roundabout", exit=3), "compact")) == ["120 m", "exit 3 · Wensan Road", "3"]
    assert _texts(_in(_nav(maneuver="roundabout", exit=3), "minimal")) == ["120 m", "3"]
    assert _texts(_in(_nav(maneuver="roundabout", exit=1, street=None, eta_min=None), "full")) == [
        "120 m",
        "exit 1",
        "1",
    ]
    zh = _in(_nav(maneuver="roundabout", exit=3, street="文三路", eta_min=None), "compact")
    assert _texts(zh) == ["120米", "第3出口进入文三路", "3"]
    assert _texts(_in(_nav(maneuver="roundabout", exit=2, street=None, lang="zh"), "full"))[1] == "第2出口"


def test_roundabout_without_exit_shows_no_number() -> None:
    assert _texts(_in(_nav(maneuver="roundabout"), "full")) == ["120 m", "Wensan Road", "ETA 8 min"]
    assert _texts(_in(_nav(maneuver="right", exit=3), "full")) == ["120 m", "Wensan Road", "ETA 8 min"]


def test_exit_number_sits_inside_the_arrow() -> None:
    for exit_number in range(1, 9):
        arrow = _nav(maneuver="roundabout", exit=exit_number, anchor="center")
        scene = hud.Scene(arrow)
        for form in FORMS:
            arrow.form = form
            renderer = hud.Renderer(scene, "quark-s1")
            renderer.frame()
            icon = renderer.box(next(w for w in renderer.walk(arrow) if isinstance(w, Icon)))
            number = _text(arrow, str(exit_number), renderer.builds)
            box, width = renderer.box(number), renderer.text_block(number).width
            assert icon.x <= box.x and box.x + width <= icon.right + 1
            assert icon.y < box.y < icon.bottom


# -- word tables -------------------------------------------------------------------------------


ENGLISH_WORDS = [
    "now",
    "120 m",
    "1.2 km",
    "9 min",
    "1 h 05 min",
    "ETA 9 min",
    "exit 3",
    "exit 3 · Wensan Rd",
    "+¥300",
    "lowest",
    "here",
    "arrive",
]


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", ENGLISH_WORDS),
        (
            "zh",
            [
                "现在",
                "120米",
                "1.2公里",
                "9分钟",
                "1小时5分钟",
                "约9分钟到达",
                "第3出口",
                "第3出口进入Wensan Rd",
                "贵¥300",
                "最低价",
                "当前",
                "到达",
            ],
        ),
        ("ko", ENGLISH_WORDS),  # no Korean words yet: English
    ],
)
def test_word_tables(language: str, words: list[str]) -> None:
    assert [
        format_distance(3, language),
        format_distance(120, language),
        format_distance(1234, language),
        format_minutes(9, language),
        format_minutes(65, language),
        format_eta(9, language),
        format_exit(3, language),
        format_exit(3, language, "Wensan Rd"),
        format_price_gap(300, "CNY", language),
        format_price_gap(0, "CNY", language),
        word("here", language),
        word("arrive", language),
    ] == words


def test_word_defaults_are_english() -> None:
    assert (format_distance(120), format_minutes(120), format_minutes(120, "zh")) == ("120 m", "2 h 00 min", "2小时")
    assert (words_language("zh-Hant-TW"), words_language(None), words_language("fr")) == ("zh", "en", "en")


def test_speech_uses_the_shared_language_detection() -> None:
    assert hud.speech.language.detect is hud.text.language.detect
    assert hud.speech.language.primary is hud.text.language.primary
    assert hud.text.language.detect("文三路") == "zh"
    assert hud.speech.language.template_language("ja") == "en"
