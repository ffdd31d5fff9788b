"""Tests for layout: anchors, flex containers, units, and incremental re-layout."""

from __future__ import annotations

from itertools import pairwise

import pytest

import hud
from hud.devices import load_device
from hud.geometry import Rect
from hud.layout import Layout
from hud.theme import Theme
from hud.widgets import Caption, Column, Notification, Panel, Row, Stack, Text, Widget

S1 = load_device("quark-s1")
# quark-s1: 640 x 480, safe margin top 24, right 32, bottom 24, left 32 (safe area 576 x 432)


def _layout() -> Layout:
    return Layout(Theme(S1))


def _box(width: object = None, height: object = None, **fields: object) -> Panel:
    return Panel(width=width, height=height, **fields)


def _placed(widget: Widget) -> hud.Renderer:
    renderer = hud.Renderer(hud.Scene(widget), S1)
    renderer.frame()
    return renderer


# -- anchors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "anchor, x, y",
    [
        ("top-left", 32, 24),
        ("top", (640 - 100) // 2, 24),
        ("top-right", 640 - 32 - 100, 24),
        ("left", 32, 24 + (432 - 50) // 2),
        ("center", 32 + (576 - 100) // 2, 24 + (432 - 50) // 2),
        ("right", 640 - 32 - 100, 24 + (432 - 50) // 2),
        ("bottom-left", 32, 480 - 24 - 50),
        ("bottom", 32 + (576 - 100) // 2, 480 - 24 - 50),
        ("bottom-right", 640 - 32 - 100, 480 - 24 - 50),
    ],
)
def test_anchor_zones_inside_safe_margins(anchor: str, x: int, y: int) -> None:
    panel = _box(100, 50, anchor=anchor)
    renderer = _placed(panel)
    assert renderer.box(panel) == Rect(x, y, 100, 50)


def test_bottom_right_ends_at_safe_corner() -> None:
    panel = _box(100, 50, anchor="bottom-right")
    renderer = _placed(panel)
    assert (renderer.box(panel).right, renderer.box(panel).bottom) == (640 - 32, 480 - 24)


def test_offset_and_margin_shift_anchored_widget() -> None:
    panel = _box(100, 50, anchor="top-left", offset=[10, -4], margin=[6, 0, 0, 8])
    renderer = _placed(panel)
    assert renderer.box(panel) == Rect(32 + 8 + 10, 24 + 6 - 4, 100, 50)


def test_offset_in_degrees() -> None:
    panel = _box(100, 50, anchor="top-left", offset=["1deg", 0])
    renderer = _placed(panel)
    assert renderer.box(panel).x == 32 + round(S1.px_per_deg)


def test_anchor_inside_stack() -> None:
    child = _box(20, 10, anchor="bottom-right")
    stack = Stack(child, width=200, height=100, padding=5)
    layout = _layout()
    layout.run(stack, Rect(0, 0, 400, 300))
    assert layout.box(stack) == Rect(0, 0, 400, 300)
    assert layout.box(child) == Rect(400 - 5 - 20, 300 - 5 - 10, 20, 10)


def test_hidden_widget_takes_no_space() -> None:
    a, b, c = _box(40, 20), _box(40, 30, visible=False), _box(40, 10)
    column = Column(a, b, c, gap=5)
    layout = _layout()
    layout.run(column, Rect(0, 0, 200, 200))
    assert layout.box(c).y == 20 + 5
    assert _layout().measure(Column(_box(40, 20), _box(40, 30, visible=False)), 200, 200).h == 20


# -- column ---------------------------------------------------------------------------------------


def test_column_gap_padding_align_center_justify_end() -> None:
    a, b, c = _box(40, 20), _box(60, 30), _box(20, 10)
    column = Column(a, b, c, gap=5, padding=[10, 7, 10, 7], align="center", justify="end")
    layout = _layout()
    layout.run(column, Rect(0, 0, 200, 300))
    inner_w = 200 - 14
    assert [layout.box(w) for w in (a, b, c)] == [
        Rect(7 + (inner_w - 40) // 2, 300 - 10 - 70, 40, 20),
        Rect(7 + (inner_w - 60) // 2, 300 - 10 - 45, 60, 30),
        Rect(7 + (inner_w - 20) // 2, 300 - 10 - 10, 20, 10),
    ]


def test_column_measures_content_plus_gaps_and_padding() -> None:
    column = Column(_box(40, 20), _box(60, 30), _box(20, 10), gap=5, padding=[10, 7, 10, 7])
    assert _layout().measure(column, 500, 500) == (60 + 14, 20 + 30 + 10 + 2 * 5 + 20)


@pytest.mark.parametrize("align, expected_x", [("start", 0), ("center", 80), ("end", 160)])
def test_column_align(align: str, expected_x: int) -> None:
    child = _box(40, 20)
    layout = _layout()
    layout.run(Column(child, align=align), Rect(0, 0, 200, 100))
    assert (layout.box(child).x, layout.box(child).w) == (expected_x, 40)


def test_column_align_stretch_only_stretches_auto_width() -> None:
    auto, fixed = Text(text="x"), _box(40, 20)
    layout = _layout()
    layout.run(Column(auto, fixed, align="stretch"), Rect(0, 0, 200, 100))
    assert (layout.box(auto).x, layout.box(auto).w) == (0, 200)
    assert layout.box(fixed).w == 40


@pytest.mark.parametrize(
    "justify, ys",
    [
        ("start", (0, 20)),
        ("center", (30, 50)),
        ("end", (60, 80)),
        ("space-between", (0, 80)),
        ("space-around", (15, 65)),
        ("space-evenly", (20, 60)),
    ],
)
def test_column_justify(justify: str, ys: tuple[int, int]) -> None:
    a, b = _box(40, 20), _box(40, 20)
    layout = _layout()
    layout.run(Column(a, b, justify=justify), Rect(0, 0, 100, 100))
    assert (layout.box(a).y, layout.box(b).y) == ys


def test_column_grow_shares_leftover_height() -> None:
    a, b, c = _box(40, 20), _box(None, 30, grow=1), _box(None, 10, grow=3)
    column = Column(a, b, c, gap=5, align="stretch")
    layout = _layout()
    layout.run(column, Rect(0, 0, 200, 300))
    leftover = 300 - 60 - 10
    assert layout.box(a) == Rect(0, 0, 40, 20)
    assert layout.box(b).h == 30 + leftover // 4
    assert layout.box(c).h == 10 + leftover - leftover // 4
    assert layout.box(c).bottom == 300  # the column is filled exactly
    assert layout.box(b).w == layout.box(c).w == 200


# -- row ------------------------------------------------------------------------------------------


def test_row_grow_distributes_leftover() -> None:
    a, b, c = _box(40, 20), _box(60, 30, grow=1), _box(20, 10, grow=3)
    row = Row(a, b, c, gap=10)
    layout = _layout()
    layout.run(row, Rect(0, 0, 300, 100))
    leftover = 300 - 120 - 20
    assert [layout.box(w).w for w in (a, b, c)] == [40, 60 + leftover // 4, 20 + leftover * 3 // 4]
    assert [layout.box(w).x for w in (a, b, c)] == [0, 50, 50 + layout.box(b).w + 10]
    assert layout.box(c).right == 300


def test_row_grow_gives_text_the_remaining_width() -> None:
    label, value = Text(text="Store", grow=1), Text(text="¥99")
    row = Row(label, value)
    layout = _layout()
    layout.run(row, Rect(0, 0, 300, 40))
    assert layout.box(label).w + layout.box(value).w == 300
    assert layout.box(value).right == 300


def test_row_default_align_centres_vertically() -> None:
    a, b = _box(40, 20), _box(40, 60)
    layout = _layout()
    layout.run(Row(a, b), Rect(0, 0, 200, 100))
    assert layout.box(a).y == (100 - 20) // 2 and layout.box(b).y == (100 - 60) // 2


def test_row_justify_space_between() -> None:
    a, b, c = _box(40, 20), _box(40, 20), _box(40, 20)
    layout = _layout()
    layout.run(Row(a, b, c, justify="space-between"), Rect(0, 0, 300, 50))
    assert [layout.box(w).x for w in (a, b, c)] == [0, 130, 260]


def test_row_children_in_order_without_overlap() -> None:
    children = [Text(text=word) for word in ("left", "middle", "right")]
    row = Row(*children, gap=8)
    layout = _layout()
    layout.run(row, Rect(0, 0, 500, 60))
    for before, after in pairwise(children):
        assert layout.box(after).x == layout.box(before).right + 8


# -- units ----------------------------------------------------------------------------------------


def test_deg_sizes_convert_with_profile() -> None:
    panel = _box("2deg", "1.5deg")
    layout = _layout()
    layout.run(Column(panel), Rect(0, 0, 400, 300))
    assert (layout.box(panel).w, layout.box(panel).h) == (round(2 * S1.px_per_deg), round(1.5 * S1.px_per_deg))


def test_deg_sizes_differ_between_devices() -> None:
    """The same angle is more pixels on a sharper display."""
    meta = load_device("meta-ray-ban-display")
    a, b = _box("4deg", 10), _box("4deg", 10)
    s1_layout, meta_layout = Layout(Theme(S1)), Layout(Theme(meta))
    s1_layout.run(Column(a), Rect(0, 0, 600, 600))
    meta_layout.run(Column(b), Rect(0, 0, 600, 600))
    assert s1_layout.box(a).w == round(4 * S1.px_per_deg)
    assert meta_layout.box(b).w == round(4 * meta.px_per_deg)
    assert meta_layout.box(b).w > s1_layout.box(a).w


def test_text_size_roles_are_degrees() -> None:
    theme = Theme(S1)
    assert theme.text_px("body") == round(0.9 * S1.px_per_deg)
    assert theme.text_px("small") < theme.text_px("body") < theme.text_px("large")


def test_percent_widths() -> None:
    half, quarter = _box("50%", 20), _box("25%", "10%")
    column = Column(half, quarter, padding=[0, 10, 0, 10])
    layout = _layout()
    layout.run(column, Rect(0, 0, 420, 300))
    assert layout.box(half).w == 200  # of the 400 px inside the padding
    assert layout.box(quarter).w == 100
    assert layout.box(quarter).h == 30


def test_percent_width_at_top_level_is_of_safe_area() -> None:
    panel = _box("100%", 20, anchor="top-left")
    renderer = _placed(panel)
    assert renderer.box(panel) == Rect(32, 24, 640 - 64, 20)


def test_text_wraps_to_fixed_width() -> None:
    text = Text(text="a fairly long sentence that has to wrap onto several lines", width=150, size=20)
    layout = _layout()
    layout.run(Column(text), Rect(0, 0, 400, 400))
    assert layout.box(text).w == 150
    assert len(layout.block(text).lines) > 1
    assert all(line.width <= 150 for line in layout.block(text).lines)
    assert layout.box(text).h == layout.block(text).height


# -- incremental layout ---------------------------------------------------------------------------


def _dashboard() -> tuple[hud.Renderer, Caption, list[Widget]]:
    caption = Caption(text="hello there", id="caption", anchor="bottom")
    note = Notification(app="Alipay", title="Paid ¥25", body="FamilyMart", anchor="top-right", id="note")
    status = Column(Text(text="12:30", id="clock"), Text(text="battery 80%"), anchor="top-left", id="status")
    renderer = hud.Renderer(hud.Scene(caption, note, status), S1)
    renderer.frame()
    return renderer, caption, [note, status]


def test_first_frame_arranges_everything() -> None:
    renderer, _, _ = _dashboard()
    stats = renderer.layout.stats
    every = list(renderer.walk())  # composites' builds included
    assert stats.arranged == len(every)
    assert set(map(id, stats.widgets)) == set(map(id, every))


def test_unchanged_frame_arranges_nothing() -> None:
    renderer, _, _ = _dashboard()
    renderer.frame()
    assert renderer.layout.stats.arranged == 0
    assert renderer.layout.stats.measured == 0
    assert renderer.layout.stats.widgets == []


def test_changing_one_caption_relays_out_only_it_and_ancestors() -> None:
    renderer, caption, others = _dashboard()
    caption.text = "hello there, how are you today?"
    renderer.frame()
    stats = renderer.layout.stats
    arranged = set(map(id, stats.widgets))
    assert stats.arranged <= 5
    assert id(caption) in arranged and id(renderer.scene.root) in arranged
    for widget in others:
        for node in renderer.walk(widget):
            assert id(node) not in arranged, node
    # Everything arranged is the caption, its subtree, or an ancestor.
    ancestors = {id(renderer.scene.root)}
    mine = set(map(id, renderer.walk(caption)))
    assert arranged <= mine | ancestors
    # And the new text is what was laid out.
    (text,) = [w for w in renderer.walk(caption) if isinstance(w, Text)]
    assert "how are you" in " ".join(line.text for line in renderer.text_block(text).lines)


def test_brightness_change_needs_no_layout() -> None:
    renderer, caption, _ = _dashboard()
    caption.brightness = 0.5
    renderer.frame()
    assert renderer.layout.stats.arranged == 0


def test_moving_a_widget_relays_out_only_that_widget() -> None:
    renderer, caption, (note, status) = _dashboard()
    status.anchor = "left"
    renderer.frame()
    arranged = set(map(id, renderer.layout.stats.widgets))
    assert id(status) in arranged
    assert id(note) not in arranged and id(caption) not in arranged
    assert renderer.box(status).y == 24 + (432 - renderer.box(status).h) // 2


def test_relayout_result_matches_fresh_layout() -> None:
    """Incremental layout places things exactly where a from-scratch layout would."""
    renderer, caption, others = _dashboard()
    caption.text = "a much longer caption text " * 4
    others[1].find("clock").text = "12:31"
    renderer.frame()
    incremental = [renderer.box(w) for w in renderer.walk()]
    fresh = hud.Renderer(
        hud.Scene(
            Caption(text=caption.text, anchor="bottom"),
            Notification(app="Alipay", title="Paid ¥25", body="FamilyMart", anchor="top-right"),
            Column(Text(text="12:31"), Text(text="battery 80%"), anchor="top-left"),
        ),
        S1,
    )
    fresh.frame()
    assert [fresh.box(w) for w in fresh.walk()] == incremental


def test_clean_text_keeps_the_block_of_its_placed_width() -> None:
    """Regression: re-measuring a clean Text at another width must not change what it draws.

    A sibling growing taller makes the row re-measure the panel (new available height) at its
    own width, but the text's box is unchanged, so it is not re-arranged; it must still be
    painted from the lines wrapped to its placed width.
    """

    def scene(sibling: str) -> hud.Scene:
        text = Text(text="the quick brown fox jumps over the lazy dog", width="50%", id="t")
        return hud.Scene(
            Row(Panel(text, border=0), Text(text=sibling, width=100, id="b"), align="start", anchor="top-left")
        )

    longer = "now several words that wrap onto more lines"
    scene_a = scene("short")
    renderer = hud.Renderer(scene_a, S1)
    renderer.frame()
    text = scene_a["t"]
    placed = renderer.text_block(text)
    scene_a["b"].text = longer
    renderer.frame()
    assert id(text) not in set(map(id, renderer.layout.stats.widgets))
    assert renderer.text_block(text) == placed
    assert all(line.width <= renderer.box(text).w for line in renderer.text_block(text).lines)

    text.brightness = 0.8  # forces a repaint from the stored block
    incremental = renderer.frame()
    scene_b = scene(longer)
    scene_b["t"].brightness = 0.8
    fresh = hud.render(scene_b, device=S1)
    assert (incremental.eyes["left"] == fresh.eyes["left"]).all()
