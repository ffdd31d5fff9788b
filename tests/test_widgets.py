"""Tests for the widget tree: fields, dirty tracking, composites and number formats."""

from __future__ import annotations

import pytest

import hud
import hud.layout
import hud.paint
from hud.builds import Builds
from hud.devices import load_device
from hud.errors import FieldError, SceneError
from hud.geometry import Length
from hud.layout import Layout
from hud.text.wrap import ELLIPSIS
from hud.theme import Theme
from hud.widgets import Caption, Column, Icon, NavArrow, Notification, PriceCard, Row, Stack, Text, Widget
from hud.widgets.formatting import format_distance, format_minutes, format_money


class Marks:
    """The dirty marks (counters) of some widgets at one moment, to tell which moved on since."""

    def __init__(self, *widgets: Widget) -> None:
        self.widgets = widgets
        self.before = [(w._layout_stamp, w._tree_revision) for w in widgets]

    def moved(self) -> list[tuple[bool, bool]]:
        """(size may have changed, anything changed) for each widget since the marks were taken."""
        return [
            (w._layout_stamp != layout, w._tree_revision != tree)
            for w, (layout, tree) in zip(self.widgets, self.before)
        ]


def _rendered(*widgets: Widget, device: str = "quark-s1") -> hud.Renderer:
    renderer = hud.Renderer(hud.Scene(*widgets), device)
    renderer.frame()
    return renderer


def _texts(widget: Widget, drawn: hud.Renderer | Builds | None = None) -> list[Text]:
    """The Texts drawn for `widget` (composites' builds included), as `drawn` (a renderer, or a
    Builds table) builds them; a fresh Builds table when none is given."""
    builds = drawn.builds if isinstance(drawn, hud.Renderer) else drawn or Builds()
    return [w for w in builds.walk(widget) if isinstance(w, Text)]


def _drawn(widget: Widget, builds: Builds | None = None) -> list[Widget]:
    """`widget` and everything drawn inside it, in its current form's build."""
    return list((builds or Builds()).walk(widget))


# -- dirty tracking --------------------------------------------------------------------------


def test_new_widgets_start_dirty() -> None:
    """A widget no renderer has drawn is new to every renderer's layout, even after another
    renderer drew it: the marks a renderer compares live in its own tables."""
    text = Text(text="x")
    assert Layout(Theme(load_device("quark-s1"))).changed(text)
    other = _rendered(text)
    assert not other.layout.changed(text)
    assert hud.Renderer(other.scene, "quark-s1").layout.changed(text)


def test_layout_property_marks_widget_and_ancestors_layout_dirty() -> None:
    text, other = Text(text="a"), Text(text="b")
    column = Column(text, other)
    stack = Stack(column)
    renderer = _rendered(stack)
    root = renderer.scene.root
    assert [renderer.layout.changed(w) for w in (root, stack, column, text, other)] == [False] * 5
    marks = Marks(root, stack, column, text, other)

    text.text = "changed"
    assert marks.moved() == [(True, True)] * 4 + [(False, False)]  # a sibling is not touched
    assert [renderer.layout.changed(w) for w in (root, stack, column, text, other)] == [True] * 4 + [False]


@pytest.mark.parametrize(
    "field, value",
    [("padding", 4), ("width", "50%"), ("size", "large"), ("visible", False), ("anchor", "center"), ("max_lines", 1)],
)
def test_every_layout_field_marks_layout(field: str, value: object) -> None:
    text = Text(text="a")
    column = Column(text)
    renderer = _rendered(column)
    marks = Marks(text, column)
    setattr(text, field, value)
    assert marks.moved() == [(True, True)] * 2
    assert renderer.layout.changed(text) and renderer.layout.changed(column)


def test_brightness_marks_only_paint_dirty() -> None:
    text, other = Text(text="a"), Text(text="b")
    column = Column(text, other)
    renderer = _rendered(column)
    root = renderer.scene.root
    marks = Marks(text, other)
    revision = text._revision
    text.brightness = 0.5
    assert marks.moved() == [(False, True), (False, False)]
    assert text._revision != revision  # its own paint changes
    assert not any(renderer.layout.changed(w) for w in (root, column, text, other))
    renderer.frame()
    assert renderer.layout.stats.arranged == 0 and renderer.painter.painted == 1


def test_depth_on_a_container_re_places_it() -> None:
    """Depth decides where the compositor may put a widget (both eyes' copies stay inside the
    safe area), so changing it re-places the container; its text repaints with the new shift."""
    text = Text(text="a")
    column = Column(text)
    renderer = _rendered(column)
    marks = Marks(column, text)
    column.depth_m = 1.0
    assert marks.moved() == [(True, True), (False, False)]
    assert renderer.layout.changed(column) and not renderer.layout.changed(text)
    frame = renderer.frame()
    assert column in renderer.layout.stats.widgets
    shifts = {item.shift for item in frame.snapshot.items if item.key == id(text)}
    assert shifts == {frame.device.stereo_shift_px(1.0)} != {0}


def test_setting_the_same_value_marks_nothing() -> None:
    text = Text(text="a", color="dim")
    renderer = _rendered(text)
    marks, revision = Marks(renderer.scene.root, text), text._revision
    text.text = "a"
    text.color = "dim"
    assert marks.moved() == [(False, False)] * 2 and text._revision == revision
    assert not renderer.layout.changed(text)


def test_nothing_draws_until_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """Setting properties only marks; layout and paint run in Renderer.frame()."""
    calls = {"layout": 0, "paint": 0}
    real_layout, real_paint = hud.layout.layout_text, hud.paint.paint_widget

    def counting_layout(*args, **kwargs):
        calls["layout"] += 1
        return real_layout(*args, **kwargs)

    def counting_paint(*args, **kwargs):
        calls["paint"] += 1
        return real_paint(*args, **kwargs)

    monkeypatch.setattr(hud.layout, "layout_text", counting_layout)
    monkeypatch.setattr(hud.paint, "paint_widget", counting_paint)
    text = Text(text="first")
    renderer = hud.Renderer(hud.Scene(text), "quark-s1")
    assert calls == {"layout": 0, "paint": 0}
    before = renderer.frame().eyes["left"].copy()
    assert calls["layout"] > 0 and calls["paint"] > 0

    calls.update(layout=0, paint=0)
    text.text = "second, longer"
    text.brightness = 0.5
    text.color = "dim"
    assert calls == {"layout": 0, "paint": 0}
    assert [line.text for line in renderer.text_block(text).lines] == ["first"]

    after = renderer.frame().eyes["left"]
    assert calls["layout"] > 0 and calls["paint"] > 0
    assert [line.text for line in renderer.text_block(text).lines] == ["second, longer"]
    assert not (before == after).all()


# -- tree --------------------------------------------------------------------------------------


def test_tree_find() -> None:
    inner = Text(text="x", id="inner")
    column = Column(Text(text="y", id="first"), Row(inner), id="col")
    scene = hud.Scene(column)
    assert column.find("inner") is inner
    assert scene.find("inner") is inner
    assert scene["col"] is column
    assert column.find("col") is column
    assert column.find("missing") is None
    with pytest.raises(KeyError):
        scene["missing"]


def test_find_searches_depth_first() -> None:
    deep, shallow = Text(text="1", id="deep"), Text(text="2", id="shallow")
    column = Column(Row(deep), shallow)
    assert column.find("deep") is deep and column.find("shallow") is shallow and column.find("none") is None


def test_a_widget_is_in_one_place_and_moves_by_remove_then_add() -> None:
    child = Text(text="x")
    a, b = Column(child), Column()
    with pytest.raises(SceneError, match="is already in column"):
        b.add(child)
    a.remove(child)
    b.add(child)
    assert child.parent is b
    assert a.children == () and b.children == (child,)


def test_leaf_takes_no_children() -> None:
    with pytest.raises(FieldError, match="takes no children"):
        Text(text="x").add(Text(text="y"))


def test_unknown_field_raises_field_error_with_suggestion() -> None:
    with pytest.raises(FieldError) as info:
        Text(txt="hello")
    assert info.value.field == "txt"
    assert "did you mean 'text'?" in str(info.value)


def test_bad_value_raises_field_error() -> None:
    with pytest.raises(FieldError) as info:
        Text(text="x", anchor="bottom-rigth")
    assert info.value.field == "anchor"
    assert "did you mean 'bottom-right'?" in str(info.value)
    with pytest.raises(FieldError, match="between 0 and 1"):
        Text(text="x").brightness = 1.5


def test_required_field_is_enforced() -> None:
    with pytest.raises(FieldError, match="required"):
        Icon()


def test_create_widget_unknown_type_suggests() -> None:
    from hud.widgets import create_widget

    with pytest.raises(FieldError, match="did you mean 'caption'"):
        create_widget("captoin", {})


# -- caption -----------------------------------------------------------------------------------


def test_caption_append_keeps_newest_lines() -> None:
    caption = Caption(text="", max_lines=2, anchor="bottom")
    renderer = hud.Renderer(hud.Scene(caption), "quark-s1")
    renderer.frame()
    for index in range(80):
        caption.append(f"word{index} ")
    renderer.frame()
    (text,) = _texts(caption, renderer)
    lines = renderer.text_block(text).lines
    assert len(lines) == 2
    assert "word79" in lines[-1].text
    assert "word0 " not in " ".join(line.text for line in lines)
    assert all(line.width <= renderer.box(text).w for line in lines)


def test_caption_append_between_frames_shows_latest() -> None:
    caption = Caption(text="hello", max_lines=2)
    renderer = _rendered(caption)
    caption.append(" world")
    renderer.frame()
    (text,) = _texts(caption, renderer)
    assert renderer.text_block(text).lines[-1].text.endswith("world")


def test_caption_buffer_is_bounded() -> None:
    from hud.widgets.caption import MAX_BUFFER

    caption = Caption(text="")
    for index in range(2000):
        caption.append(f"w{index} ")
    assert len(caption.text) <= MAX_BUFFER
    assert caption.text.endswith("w1999 ")


def test_caption_speaker_and_translation() -> None:
    caption = Caption(text="你好", translation="Hello", speaker="Li")
    builds = Builds()
    assert [t.text for t in _texts(caption, builds)] == ["Li", "你好", "Hello"]
    caption.clear()
    assert [t.text for t in _texts(caption, builds)] == ["Li", ""]


# -- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, currency, expected",
    [
        (2199, "CNY", "¥2,199"),
        (19.9, "CNY", "¥19.90"),
        (299, "USD", "$299.00"),
        (1234.5, "EUR", "€1,234.50"),
        (39800, "JPY", "¥39,800"),
        (39800.4, "JPY", "¥39,800"),
        (12, "CHF", "12.00 CHF"),
        (1234567.891, "GBP", "£1,234,567.89"),
        (-5, "USD", "-$5.00"),
        (0, "CNY", "¥0"),
    ],
)
def test_format_money(amount: float, currency: str, expected: str) -> None:
    assert format_money(amount, currency) == expected


def test_format_money_jpy_has_no_decimals() -> None:
    assert "." not in format_money(1234.56, "JPY")


@pytest.mark.parametrize(
    "metres, expected",
    [
        (0, "now"),
        (4.9, "now"),
        (5, "5 m"),
        (50, "50 m"),
        (52, "50 m"),
        (120, "120 m"),
        (124, "120 m"),
        (990, "990 m"),
        (995, "1.0 km"),
        (999, "1.0 km"),
        (1000, "1.0 km"),
        (1200, "1.2 km"),
        (1249, "1.2 km"),
        (15000, "15 km"),
        (15400, "15 km"),
    ],
)
def test_format_distance(metres: float, expected: str) -> None:
    assert format_distance(metres) == expected


@pytest.mark.parametrize(
    "minutes, expected",
    [
        (0, "0 min"),
        (3, "3 min"),
        (3.4, "3 min"),
        (59, "59 min"),
        (60, "1 h 00 min"),
        (65, "1 h 05 min"),
        (125, "2 h 05 min"),
        (-2, "0 min"),
    ],
)
def test_format_minutes(minutes: float, expected: str) -> None:
    assert format_minutes(minutes) == expected


# -- price card ----------------------------------------------------------------------------------


def _rows(card: PriceCard, builds: Builds | None = None) -> list[list[str]]:
    """[store, price, delta] of each comparison row."""
    comparison = (builds or Builds()).content(card).children[0].children[-1]
    return [[t.text for t in _texts(row)] for row in comparison.children]


def test_price_card_comparison_marks_lowest_and_deltas() -> None:
    card = PriceCard(
        product="AirPods Pro",
        price=1899,
        store="Taobao",
        compare=[{"store": "JD", "price": 1999}, {"store": "PDD", "price": 1799}],
    )
    assert _rows(card) == [["Taobao", "¥1,899", "+¥100"], ["JD", "¥1,999", "+¥200"], ["PDD", "¥1,799", "lowest"]]
    texts = [t.text for t in _texts(card)]
    assert texts[:3] == ["AirPods Pro", "¥1,899", "Taobao"]


def test_price_card_here_is_lowest() -> None:
    card = PriceCard(product="Tea", price=19.9, compare=[{"store": "JD", "price": 25}])
    assert _rows(card) == [["here", "¥19.90", "lowest"], ["JD", "¥25", "+¥5.10"]]


def test_price_card_uses_its_currency() -> None:
    card = PriceCard(product="Lens", price=299, currency="USD", compare=[{"store": "B&H", "price": 310.5}])
    assert _rows(card)[1] == ["B&H", "$310.50", "+$11.50"]


def test_price_card_rebuilds_on_change() -> None:
    card = PriceCard(product="Tea", price=30, compare=[{"store": "JD", "price": 25}])
    builds = Builds()
    assert _rows(card, builds)[0][2] == "+¥5"
    card.price = 20
    assert _rows(card, builds)[0][2] == "lowest"


def test_price_card_rejects_bad_currency() -> None:
    with pytest.raises(FieldError, match="ISO"):
        PriceCard(product="x", price=1, currency="usd")


def test_price_card_renders_within_the_screen() -> None:
    card = PriceCard(
        product="AirPods Pro 2",
        price=1899,
        store="Taobao",
        rating=4.8,
        compare=[{"store": "JD", "price": 1999}],
        anchor="center",
    )
    renderer = _rendered(card)
    for text in _texts(card, renderer):
        assert all(line.width <= renderer.box(text).w for line in renderer.text_block(text).lines), text.text


# -- notification --------------------------------------------------------------------------------


def test_notification_body_truncated_within_two_lines() -> None:
    body = "Your train G1234 to Hangzhou departs from platform 7 at 14:05; boarding closes " * 5
    note = Notification(app="Fliggy", title="Train soon", body=body, anchor="center")
    renderer = _rendered(note)
    body_text = next(t for t in _texts(note, renderer) if t.text == body)
    block = renderer.text_block(body_text)
    assert len(block.lines) == 2
    assert block.truncated
    assert block.lines[-1].text.endswith(ELLIPSIS)
    assert all(line.width <= renderer.box(body_text).w for line in block.lines)
    assert renderer.box(body_text).right <= renderer.box(note).right


def test_notification_short_body_not_truncated() -> None:
    note = Notification(app="Alipay", title="Paid", body="¥25 at FamilyMart")
    renderer = _rendered(note)
    texts = _texts(note, renderer)
    assert [t.text for t in texts] == ["Alipay", "Paid", "¥25 at FamilyMart"]
    assert not renderer.text_block(texts[-1]).truncated


@pytest.mark.parametrize(
    "priority, icon, brightness", [("high", "alert", 1.0), ("normal", "bell", 1.0), ("low", "bell", 0.7)]
)
def test_notification_priority(priority: str, icon: str, brightness: float) -> None:
    note = Notification(app="a", title="t", priority=priority)
    builds = Builds()
    assert builds.content(note).brightness == brightness
    assert [w.name for w in builds.walk(note) if isinstance(w, Icon)] == [icon]


# -- navigation arrow ------------------------------------------------------------------------------


def test_nav_arrow_builds_icon_with_maneuver_and_distance() -> None:
    arrow = NavArrow(maneuver="left", distance_m=120, street="Wensan Rd", eta_min=65)
    (icon,) = [w for w in _drawn(arrow) if isinstance(w, Icon)]
    assert icon.name == "left"
    assert icon.exit is None
    assert [t.text for t in _texts(arrow)] == ["120 m", "Wensan Rd", "ETA 1 h 05 min"]


def test_nav_arrow_roundabout_exit() -> None:
    arrow = NavArrow(maneuver="roundabout", exit=3, distance_m=1200)
    (icon,) = [w for w in _drawn(arrow) if isinstance(w, Icon)]
    assert (icon.name, icon.exit) == ("roundabout", 3)
    assert _texts(arrow)[0].text == "1.2 km"


def test_nav_arrow_exit_ignored_for_other_maneuvers() -> None:
    arrow = NavArrow(maneuver="right", exit=3)
    (icon,) = [w for w in _drawn(arrow) if isinstance(w, Icon)]
    assert icon.exit is None


def test_nav_arrow_arrive_label() -> None:
    assert _texts(NavArrow(maneuver="arrive", distance_m=2))[0].text == "arrive"
    assert _texts(NavArrow(maneuver="arrive", distance_m=300))[0].text == "300 m"


def test_nav_arrow_rebuilds_and_relayouts_on_change() -> None:
    arrow = NavArrow(maneuver="left", distance_m=120)
    renderer = _rendered(arrow)
    (before,) = [w for w in renderer.walk(arrow) if isinstance(w, Icon)]
    marks = Marks(arrow)
    arrow.maneuver = "roundabout"
    arrow.exit = 2
    assert marks.moved() == [(True, True)] and renderer.layout.changed(arrow)
    renderer.frame()
    (icon,) = [w for w in renderer.walk(arrow) if isinstance(w, Icon)]
    assert icon is not before  # built again from the new fields
    assert (icon.name, icon.exit) == ("roundabout", 2)
    assert renderer.box(icon).w > 0 and renderer.box(icon).w == round(renderer.device.deg_to_px(2.6))
    assert Length(2.6, "deg") == icon.size
