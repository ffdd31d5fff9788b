"""The compositor: zones, importance, reduced forms, width narrowing, hiding and stereo-safe boxes.

A hypothesis property test renders random sets of top-level widgets on every built-in display
profile and checks what the compositor promises (no two shown boxes meet, every box and every
lit pixel stays on the display and inside a shown box, every hidden widget is reported by
lint). Small tests below it pin each rule of `hud.compose` one by one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import hud
from hud.anim import COMPOSE_MOVE_S, Timeline
from hud.compose import DEFAULT_GAP
from hud.devices import builtin_names, load_device
from hud.geometry import Rect, parse_length
from hud.lint import lint, lint_frame
from hud.profile import Profiler
from hud.scene import load_scene
from hud.theme import Theme
from hud.widgets import ANCHORS, Caption, Column, Icon, NavArrow, Notification, PriceCard, Progress, Text, Widget

from budget import examples

DISPLAYS = [name for name in builtin_names() if load_device(name).has_display]
S1 = load_device("quark-s1")  # 640 x 480, both eyes; safe area 576 x 432 at (32, 24)
G1 = load_device("even-g1")  # 640 x 200, both eyes, 1-bit; safe area 488 x 184 at (76, 8)


# -- helpers ----------------------------------------------------------------------------------------


def render(*widgets: Widget, device: Any = S1, **scene: Any) -> tuple[hud.Renderer, hud.Frame]:
    """A fresh renderer for `widgets` (taken out of any tree they are in) and its frame at t = 0."""
    for widget in widgets:
        if widget.parent is not None:
            widget.parent.remove(widget)
    renderer = hud.Renderer(hud.Scene(*widgets, **scene), device)
    return renderer, renderer.frame()


def tops(frame: hud.Frame) -> dict[str, dict[str, Any]]:
    """Top-level entries of `frame.layout` by widget id."""
    return {entry["id"]: entry for entry in frame.layout["widgets"] if entry["parent"] is None}


def box(frame: hud.Frame, widget_id: str, eye: str = "left") -> Rect:
    """The box of a shown top-level widget on one eye (the first eye of one-eyed devices)."""
    eyes = tops(frame)[widget_id]["eyes"]
    assert eyes is not None, f"{widget_id} is not shown: {tops(frame)[widget_id]['reason']}"
    return Rect(*eyes.get(eye, next(iter(eyes.values()))))


def placement(renderer: hud.Renderer, widget: Widget):  # noqa: ANN201
    """The compositor's placement of a top-level widget."""
    found = renderer.composition.placement(widget)
    assert found is not None
    return found


def gap_px(device: Any, gap: Any = DEFAULT_GAP) -> int:
    """A scene gap in whole pixels on `device` (what the compositor uses)."""
    return max(round(Theme(load_device(device)).px(parse_length(gap) if isinstance(gap, str) else gap)), 0)


def findings(scene: hud.Scene, device: Any, rule: str) -> list[hud.Finding]:
    """Lint findings of one rule at t = 0."""
    return [f for f in lint(scene, device, at=0) if f.rule == rule]


def lit(panel: np.ndarray) -> np.ndarray:
    """Mask of the pixels that emit light (mono or colour panels)."""
    return panel != 0 if panel.ndim == 2 else (panel != 0).any(axis=2)


def same_pixels(a: hud.Frame, b: hud.Frame) -> bool:
    return a.eyes.keys() == b.eyes.keys() and all(np.array_equal(a.eyes[e], b.eyes[e]) for e in a.eyes)


def nav(**fields: Any) -> NavArrow:
    return NavArrow(
        **{"maneuver": "left", "distance_m": 120, "street": "Main St", "anchor": "top", "id": "nav", **fields}
    )


def note_card(**fields: Any) -> Notification:
    return Notification(
        **{
            "app": "Alipay",
            "title": "Payment received",
            "body": "18.00 yuan from Li",
            "anchor": "top-right",
            "id": "pay",
            **fields,
        }
    )


def panel_box(w: int, h: int, **fields: Any) -> hud.Panel:
    """A fixed-size panel (border only): a widget of known size."""
    return hud.Panel(width=w, height=h, **fields)


# -- the property: random scenes on every display ---------------------------------------------------

WORDS = [
    "Turn left",
    "Gate C32",
    "Paid 18.00",
    "Wensan Road",
    "Hello",
    "前方两百米右转",
    "晚上回家吃饭吗？",
    "Your table is ready at the window",
    "Boarding now",
    "ETA 6 min",
    "Flight CA1234 to Beijing",
]
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
LEAF_KINDS = ("nav_arrow", "caption", "notification", "price_card", "text", "icon", "progress")


@st.composite
def leaf_specs(draw: st.DrawFn) -> dict[str, Any]:
    """The fields of one non-container widget, as a plain dict (printed when a case fails)."""
    kind = draw(st.sampled_from(LEAF_KINDS))
    if kind == "nav_arrow":
        fields = {
            "maneuver": draw(st.sampled_from(["left", "right", "straight", "u-turn", "arrive"])),
            "distance_m": draw(st.sampled_from([0, 45, 120, 1500, 25000])),
            "street": draw(st.one_of(st.none(), phrases)),
            "eta_min": draw(st.sampled_from([None, 6, 95])),
        }
    elif kind == "caption":
        fields = {
            "text": draw(phrases),
            "translation": draw(st.one_of(st.none(), phrases)),
            "speaker": draw(st.sampled_from([None, "Li"])),
        }
    elif kind == "notification":
        fields = {
            "app": draw(st.sampled_from(["Alipay", "Messages", "Fliggy"])),
            "title": draw(phrases),
            "body": draw(st.one_of(st.none(), phrases)),
            "priority": draw(st.sampled_from(["low", "normal", "high"])),
        }
    elif kind == "price_card":
        fields = {
            "product": draw(phrases),
            "price": draw(st.sampled_from([9.9, 128, 5999])),
            "store": draw(st.sampled_from(["", "Taobao", "JD"])),
            "compare": draw(st.sampled_from([[], [{"store": "JD", "price": 6299}]])),
        }
    elif kind == "text":
        fields = {"text": draw(phrases), "size": draw(st.sampled_from(["body", "large", "small"]))}
    elif kind == "icon":
        fields = {"name": draw(st.sampled_from(["bell", "star", "left"]))}
    else:
        fields = {"value": draw(st.floats(0, 1))}
    return {"type": kind, **fields}


@st.composite
def top_specs(draw: st.DrawFn, index: int) -> dict[str, Any]:
    """One top-level widget: a leaf, or a column of 1-2 leaves; in a random zone and depth."""
    if draw(st.integers(0, 5)) == 0:
        spec = {"type": "column", "children": draw(st.lists(leaf_specs(), min_size=1, max_size=2))}
    else:
        spec = draw(leaf_specs())
    spec["id"] = f"w{index}"
    spec["anchor"] = draw(st.sampled_from(ANCHORS))
    spec["depth_m"] = draw(st.one_of(st.none(), st.floats(0.4, 10.0)))
    if draw(st.integers(0, 3)) == 0:
        spec["importance"] = draw(st.integers(0, 100))
    return spec


@st.composite
def scenes(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 8))
    return [draw(top_specs(index)) for index in range(count)]


def build(spec: dict[str, Any]) -> Widget:
    """A widget from a spec of `leaf_specs` / `top_specs`."""
    fields = dict(spec)
    kind = fields.pop("type")
    children = [build(child) for child in fields.pop("children", [])]
    return hud.widgets.create_widget(kind, {**fields, "children": children} if kind == "column" else fields)


def check_composition(specs: list[dict[str, Any]], device_name: str) -> None:
    """The four promises of the compositor, for one scene on one device."""
    device = load_device(device_name)
    widgets = [build(spec) for spec in specs]
    scene = hud.Scene(*widgets)
    frame = hud.Renderer(scene, device).frame()
    entries = tops(frame)
    shown = {key: entry for key, entry in entries.items() if entry["shown"]}
    note(f"{device_name}: " + "; ".join(f"{k} {e['form']} {e['eyes'] or e['reason']}" for k, e in entries.items()))
    screen = Rect(0, 0, device.width, device.height)
    for eye in device.eyes:
        boxes = {key: Rect(*entry["eyes"][eye]) for key, entry in shown.items()}
        # (a) shown top-level boxes never meet
        keys = list(boxes)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                assert boxes[a].intersect(boxes[b]).empty, f"{a} {boxes[a]} and {b} {boxes[b]} meet in the {eye} eye"
        # (b) every box is on the display
        for key, rect in boxes.items():
            assert rect.intersect(screen) == rect, f"{key} {rect} leaves the {eye} display {screen}"
        # (c) every lit pixel is inside a shown top-level box
        covered = np.zeros((device.height, device.width), bool)
        for rect in boxes.values():
            covered[max(rect.y, 0) : max(rect.bottom, 0), max(rect.x, 0) : max(rect.right, 0)] = True
        stray = lit(frame.eyes[eye]) & ~covered
        if stray.any():
            ys, xs = np.nonzero(stray)
            raise AssertionError(
                f"{len(ys)} lit pixels of the {eye} eye outside every shown box, first at (x={xs[0]}, y={ys[0]})"
            )
    # (d) exactly the widgets the compositor hid have a "hidden" finding naming them
    hidden = {key for key, entry in entries.items() if not entry["shown"]}
    assert all(w.visible for w in widgets)
    reported = {f.widget for f in lint_frame(frame) if f.rule == "hidden"}  # the frame just drawn, linted
    labels = {w.id: f"{w.type_name} '{w.id}'" for w in widgets}
    assert {labels[key] for key in hidden} == reported


@settings(
    max_examples=examples(quick=25, long=300),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(specs=scenes())
def test_random_scenes_compose_without_overlap_on_every_display(specs: list[dict[str, Any]]) -> None:
    """Shown boxes never meet, stay on the display and hold every lit pixel; what is hidden is linted."""
    for device_name in DISPLAYS:
        check_composition(specs, device_name)


# -- zones and stacking -----------------------------------------------------------------------------


def stack_of(anchor: str, **scene: Any) -> tuple[hud.Frame, list[Rect]]:
    """Three fixed-size panels sharing `anchor` on quark-s1; their left-eye boxes in document order."""
    panels = [
        panel_box(100, 40, anchor=anchor, id="a"),
        panel_box(60, 30, anchor=anchor, id="b"),
        panel_box(80, 20, anchor=anchor, id="c"),
    ]
    _, frame = render(*panels, **scene)
    return frame, [box(frame, key) for key in "abc"]


def test_top_zone_stacks_downward_in_document_order() -> None:
    """The first widget sits on the top edge of the safe area, the next ones below it, gap apart."""
    _, (a, b, c) = stack_of("top")
    gap = gap_px(S1)
    assert a.y == 24 and b.y == a.bottom + gap and c.y == b.bottom + gap
    assert {r.x + r.w // 2 for r in (a, b, c)} == {320}  # centred across the zone


def test_bottom_zone_stacks_upward_in_document_order() -> None:
    """The first widget sits on the bottom edge of the safe area, the next ones above it."""
    _, (a, b, c) = stack_of("bottom-left")
    gap = gap_px(S1)
    assert a.bottom == 480 - 24 and b.bottom == a.y - gap and c.bottom == b.y - gap
    assert a.x == b.x == c.x == 32  # left zones align left


def test_middle_zone_is_a_centred_group() -> None:
    """Middle zones stack top to bottom in document order, the group centred vertically."""
    _, (a, b, c) = stack_of("right")
    gap = gap_px(S1)
    assert b.y == a.bottom + gap and c.y == b.bottom + gap
    total = c.bottom - a.y
    assert a.y == 24 + (432 - total) // 2
    assert a.right == b.right == c.right == 640 - 32  # right zones align right


def test_default_gap_is_a_third_of_a_degree() -> None:
    assert DEFAULT_GAP.value == 0.3 and DEFAULT_GAP.unit == "deg"
    _, (a, b, _c) = stack_of("top")
    assert b.y - a.bottom == round(S1.deg_to_px(0.3)) == 8


def test_scene_gap_in_pixels() -> None:
    _, (a, b, c) = stack_of("top", gap=12)
    assert b.y - a.bottom == 12 and c.y - b.bottom == 12


def test_scene_file_gap_in_degrees(tmp_path) -> None:  # noqa: ANN001
    panel = ["[[widgets]]", 'type = "panel"', 'anchor = "top"', "width = 100", "height = 40"]
    path = tmp_path / "gap.toml"
    path.write_text(
        "\n".join(["[scene]", 'gap = "0.5deg"', *panel, 'id = "a"', *panel, 'id = "b"']) + "\n", encoding="utf-8"
    )
    frame = hud.Renderer(load_scene(path), S1).frame()
    assert box(frame, "b").y - box(frame, "a").bottom == round(S1.deg_to_px(0.5)) == gap_px(S1, "0.5deg")


# -- zones never overlap ----------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["quark-s1", "even-g1"])
def test_top_nav_and_top_right_notification_never_overlap(device: str) -> None:
    """The notification narrows or takes a reduced form beside the nav arrow, which keeps its full form."""
    arrow = nav(maneuver="right", distance_m=80, street=None)
    card = note_card(title="Paid ¥32.00", body=None, icon="wallet")
    renderer, frame = render(arrow, card, device=device)
    arrow_at, card_at = placement(renderer, arrow), placement(renderer, card)
    assert arrow_at.shown and arrow_at.form == "full"
    assert card_at.shown and (card_at.form != "full" or card_at.width_cap < renderer.safe_area.w)
    gap = gap_px(device)
    for eye in load_device(device).eyes:
        left, right = box(frame, "nav", eye), box(frame, "pay", eye)
        assert left.right + gap <= right.x, f"{eye}: {left} and {right} closer than the gap"


def test_less_important_widget_narrows_beside_a_more_important_one() -> None:
    """A long text in the top-left zone narrows to the room left of a nav arrow (form unchanged)."""
    arrow = nav()
    text = Text(text="Flight CA1234 to Beijing boards at gate C32 in twenty minutes", anchor="top-left", id="t")
    renderer, frame = render(arrow, text)
    at = placement(renderer, text)
    assert at.shown and at.width_cap < renderer.safe_area.w
    assert box(frame, "t").right + gap_px(S1) <= box(frame, "nav").x
    assert box(frame, "t").w <= at.width_cap


# -- importance -------------------------------------------------------------------------------------


def test_importance_defaults_by_kind() -> None:
    kinds = [
        nav(),
        Caption(text="hi"),
        note_card(priority="high"),
        PriceCard(product="Tea", price=168),
        note_card(),
        note_card(priority="low"),
        Text(text="hi"),
    ]
    values = [w.effective_importance for w in kinds]
    assert values == [90, 80, 70, 60, 50, 30, 10]
    assert Icon(name="bell").effective_importance == Progress(value=0.5).effective_importance == 10


def test_a_column_takes_its_most_important_childs_importance() -> None:
    assert Column(Text(text="a"), note_card(priority="high"), Icon(name="bell")).effective_importance == 70
    assert Column(Text(text="a")).effective_importance == 10


def test_importance_field_overrides_the_default() -> None:
    assert nav(importance=5).effective_importance == 5
    assert Text(text="hi", importance=95).effective_importance == 95
    assert Column(nav(), importance=20).effective_importance == 20


def two_that_cannot_both_fit(**second: Any) -> tuple[hud.Renderer, Widget, Widget]:
    """Two 300 px tall panels in the centre zone of quark-s1 (432 px of safe height)."""
    a = panel_box(100, 300, anchor="center", id="a")
    b = panel_box(100, 300, anchor="center", id="b", **second)
    renderer, _ = render(a, b)
    return renderer, a, b


def test_ties_keep_document_order_the_later_is_hidden() -> None:
    renderer, a, b = two_that_cannot_both_fit()
    assert a.effective_importance == b.effective_importance
    assert placement(renderer, a).shown and not placement(renderer, b).shown


def test_importance_field_decides_who_is_hidden() -> None:
    renderer, a, b = two_that_cannot_both_fit(importance=20)
    assert not placement(renderer, a).shown and placement(renderer, b).shown


def test_hidden_reason_names_the_device_and_the_other_widget_in_its_zone() -> None:
    renderer, _a, b = two_that_cannot_both_fit()
    reason = placement(renderer, b).reason
    assert "quark-s1" in reason and "panel 'a'" in reason, reason


def test_least_important_of_a_side_by_side_collision_is_hidden_with_a_reason() -> None:
    """A wide centre panel (importance 50) and a left panel (10) at the same height: the left one goes."""
    big = panel_box(520, 200, anchor="center", id="big", importance=50)
    small = panel_box(150, 100, anchor="left", id="small")
    renderer, frame = render(small, big)
    assert placement(renderer, big).shown and not placement(renderer, small).shown
    reason = placement(renderer, small).reason
    assert "quark-s1" in reason and "panel 'big'" in reason, reason
    assert tops(frame)["small"]["reason"] == reason and tops(frame)["small"]["eyes"] is None


# -- reduced forms ----------------------------------------------------------------------------------


def test_reduced_forms_are_tried_before_hiding() -> None:
    """A notification that does not fit beside the nav arrow in full takes a reduced form, not hidden."""
    arrow, card = nav(), note_card()
    renderer, _ = render(arrow, card)
    assert placement(renderer, arrow).form == "full"
    assert placement(renderer, card).shown and placement(renderer, card).form in ("compact", "minimal")
    assert renderer.composition.hidden == []


def test_when_all_minimal_forms_fit_nothing_is_hidden() -> None:
    """Nav, caption, a notification and a price card on even-g1: all reduced as needed, none hidden."""
    widgets = [
        nav(maneuver="right", distance_m=80, street=None),
        note_card(title="Paid ¥32.00", body=None),
        Caption(text="This is this year's tea", anchor="bottom", id="live"),
        PriceCard(product="Longjing tea", price=168, anchor="left", id="deal"),
    ]
    for widget in widgets:
        widget.form = "minimal"
    renderer, _ = render(*widgets, device=G1)
    assert renderer.composition.hidden == []  # the minimal forms fit together
    for widget in widgets:
        widget.form = "auto"
    renderer, frame = render(*widgets, device=G1)
    assert renderer.composition.hidden == [], [p.reason for p in renderer.composition.hidden]
    assert all(entry["shown"] for entry in tops(frame).values())


def test_equals_share_a_zone_before_any_is_hidden() -> None:
    """Three notifications of equal importance in one zone of the Even G1: the earlier ones
    reduce their forms to make room, so none is hidden while all fit in their minimal forms."""
    cards = [
        note_card(title="Payment received from Li Wei", body="18.00 yuan, tap to see the details", id=f"n{i}")
        for i in range(3)
    ]
    for card in cards:
        card.form = "minimal"
    renderer, _ = render(*cards, device=G1)
    assert renderer.composition.hidden == []  # the minimal forms fit together
    for card in cards:
        card.form = "auto"
    renderer, _ = render(*cards, device=G1)
    assert renderer.composition.hidden == [], [p.reason for p in renderer.composition.hidden]


def test_form_pins_a_form() -> None:
    """`form = "compact"` is drawn even with room for full, and a pinned full is never reduced."""
    arrow = nav(form="compact")
    renderer, frame = render(arrow)
    assert placement(renderer, arrow).form == "compact" and tops(frame)["nav"]["form"] == "compact"
    card = note_card(form="full")
    renderer, frame = render(nav(), card)
    at = placement(renderer, card)
    assert at.form == "full" and tops(frame)["pay"]["form"] == "full"
    assert not at.shown or at.width_cap < renderer.safe_area.w


# -- depth ------------------------------------------------------------------------------------------


def test_near_price_card_stays_inside_the_display_in_both_eyes() -> None:
    """At 0.4 m a right-anchored price card moves left by its stereo shift: both copies stay inside."""
    card = PriceCard(
        product="Longjing green tea 250 g",
        price=168,
        store="Taobao",
        anchor="right",
        depth_m=0.4,
        id="deal",
        compare=[{"store": "JD", "price": 189}],
    )
    renderer, frame = render(card)
    shift = S1.stereo_shift_px(0.4)
    assert shift > 80
    left, right = box(frame, "deal", "left"), box(frame, "deal", "right")
    assert left.right <= 640 - 32 and right.x >= 32  # inside the safe area, both eyes
    assert left.x >= 0 and right.right <= 640
    assert placement(renderer, card).rect.right == 640 - 32 - shift
    product = next(n for n in renderer.walk(card) if isinstance(n, Text) and n.text == card.product)
    block = renderer.text_block(product)
    assert block is not None and not block.truncated
    card.parent.remove(card)  # into a scene of its own
    found = lint(hud.Scene(card), S1, at=0)
    assert [f.rule for f in found if f.rule in ("offscreen", "truncated", "overlap")] == []
    assert any(f.rule == "too-near" and f.widget == "price_card 'deal'" for f in found)


# -- offsets ----------------------------------------------------------------------------------------


def test_offset_is_applied_after_composition() -> None:
    moved = panel_box(100, 40, anchor="top-left", id="moved", offset=[30, 50])
    renderer, frame = render(moved)
    composed = placement(renderer, moved).rect
    assert composed == Rect(32, 24, 100, 40)
    assert box(frame, "moved") == composed.translate(30, 50)


def test_an_overlap_an_offset_causes_is_linted() -> None:
    still = panel_box(100, 40, anchor="top", id="still")
    moved = panel_box(100, 40, anchor="top-left", id="moved", offset=[250, 0])
    scene = hud.Scene(still, moved)
    frame = hud.Renderer(scene, S1).frame()
    assert not box(frame, "still").intersect(box(frame, "moved")).empty
    overlaps = findings(scene, S1, "overlap")
    assert len(overlaps) == 1 and overlaps[0].widget == "panel 'moved'" and "panel 'still'" in overlaps[0].message


# -- when composition is redone ---------------------------------------------------------------------


def test_composition_is_not_redone_on_a_caption_only_frame() -> None:
    caption = Caption(text="the quick brown fox jumps over the lazy dog " * 6, anchor="bottom", id="live")
    card = note_card(visible=False)
    renderer = hud.Renderer(hud.Scene(nav(), caption, card), S1)
    before = renderer.frame()
    runs = renderer.compositor.runs
    caption.append("and then runs away")
    after = renderer.frame()
    assert box(after, "live") == box(before, "live")  # same size at its place
    assert not same_pixels(before, after)  # the new words are drawn
    assert renderer.compositor.runs == runs
    card.visible = True
    renderer.frame()
    assert renderer.compositor.runs == runs + 1


# -- over time --------------------------------------------------------------------------------------


def shown_at_one_second() -> tuple[hud.Scene, Widget]:
    """A notification a timeline shows at 1 s, above a panel that shares its top-right zone."""
    card = note_card(visible=False)
    below = panel_box(120, 40, anchor="top-right", id="below")
    scene = hud.Scene(card, below)
    scene.timeline = Timeline()
    scene.timeline.show(1.0, card, "fade", 0.3, order=0)
    return scene, below


def test_timeline_show_moves_the_zone_mate_over_compose_move_s() -> None:
    assert COMPOSE_MOVE_S == 0.2
    scene, _ = shown_at_one_second()
    renderer = hud.Renderer(scene, S1)
    start = box(renderer.frame(0.9), "below")
    middle = box(renderer.frame(1.1), "below")
    end = box(renderer.frame(1.0 + COMPOSE_MOVE_S), "below")
    assert start.y == 24 and end.y > start.y
    assert start.y < middle.y < end.y and middle.x == start.x == end.x
    assert box(renderer.frame(2.0), "below") == end


def test_timeline_moves_are_the_same_in_sequence_or_fresh() -> None:
    scene, _ = shown_at_one_second()
    sequence = hud.Renderer(scene, S1)
    for t in (0.0, 0.9, 1.0, 1.05, 1.1, 1.15, 1.2, 1.5, 1.1, 0.5, 1.05):
        in_order = sequence.frame(t)
        fresh = hud.Renderer(scene, S1).frame(t)
        assert same_pixels(in_order, fresh), f"t = {t}"
        assert in_order.layout == fresh.layout, f"t = {t}"


# -- profiling --------------------------------------------------------------------------------------


def test_profiler_has_a_compose_stage() -> None:
    profiler = Profiler(S1.frame_budget_ms, S1.name)
    renderer = hud.Renderer(hud.Scene(nav(), note_card()), S1, profiler=profiler)
    frame = renderer.frame()
    assert "compose" in {span.stage for span in profiler.records[-1].spans}
    assert "compose" in frame.timings_ms
