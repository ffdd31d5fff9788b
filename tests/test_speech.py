"""Speech: templates, change tracking, thresholds, priority, interruption and expiry.

These tests use a stand-in engine whose durations are exact (0.05 s per character), so the
timing of every decision is known; tests/test_speech_render.py covers the real espeak-ng engine.
"""

from __future__ import annotations

import numpy as np
import pytest

from hud.devices import PROFILE_DIR
from hud.scene import parse_scene
from hud.speech.changes import ChangeTracker, speaks_with_display
from hud.speech.language import detect, template_language
from hud.speech.narrator import Narrator, narrate
from hud.speech.normalize import money, speakable
from hud.speech.schedule import Scheduler
from hud.speech.templates import distance_words, nav_instruction, notification_text, price_card_text, short_product_name
from hud.widgets import Caption, Column, NavArrow, Notification, PriceCard, Text

SECONDS_PER_CHAR = 0.05


class FixedEngine:
    """Speaks every character in exactly 0.05 s (a quiet tone), so schedules are predictable."""

    name = "fixed-rate test engine"
    sample_rate = 22050

    def synthesize(self, text: str, language: str, rate: float = 1.0) -> np.ndarray:
        n = round(len(text) * SECONDS_PER_CHAR / rate * self.sample_rate)
        return (0.3 * np.sin(np.arange(n) * 2 * np.pi * 220 / self.sample_rate)).astype(np.float32)


def feed(tracker: ChangeTracker, scheduler: Scheduler, root, t: float) -> None:
    """Submit at time `t` whatever the tracker finds new in `root`."""
    for message in tracker.scan(root)[0]:
        scheduler.submit(t, message)


def speak(scene_toml: str, device: str = "quark-g1"):
    return narrate(parse_scene(scene_toml), device, engine=FixedEngine())


def said(narrator) -> list[str]:
    return [u.message.text for u in narrator.utterances if u.status in ("spoken", "interrupted")]


# -- templates ---------------------------------------------------------------------------------
def test_nav_examples_in_both_languages():
    en = NavArrow(maneuver="left", distance_m=120, street="Wensan Road")
    zh = NavArrow(maneuver="left", distance_m=120, street="文三路")
    assert nav_instruction(en, "en", 120) == "In 120 metres, turn left onto Wensan Road"
    assert nav_instruction(zh, "zh", 120) == "前方120米左转，进入文三路"


@pytest.mark.parametrize(
    "maneuver, en, zh",
    [
        ("right", "In 200 metres, turn right onto Hubin Road", "前方200米右转，进入湖滨路"),
        ("slight-left", "In 200 metres, bear left onto Hubin Road", "前方200米向左前方行驶，进入湖滨路"),
        ("sharp-right", "In 200 metres, turn sharp right onto Hubin Road", "前方200米向右后方转弯，进入湖滨路"),
        ("u-turn", "In 200 metres, make a U-turn onto Hubin Road", "前方200米掉头，进入湖滨路"),
        ("straight", "Continue straight for 200 metres on Hubin Road", "沿湖滨路直行200米"),
        ("arrive", "In 200 metres, you will arrive at Hubin Road", "前方200米到达湖滨路"),
    ],
)
def test_every_maneuver_has_both_languages(maneuver, en, zh):
    assert nav_instruction(NavArrow(maneuver=maneuver, street="Hubin Road"), "en", 200) == en
    assert nav_instruction(NavArrow(maneuver=maneuver, street="湖滨路"), "zh", 200) == zh


def test_nav_now_roundabout_distances_and_eta():
    left = NavArrow(maneuver="left", street="Wensan Road", eta_min=8)
    assert nav_instruction(left, "en", 3) == "Turn left now onto Wensan Road"
    assert nav_instruction(NavArrow(maneuver="left", street="文三路"), "zh", 0) == "现在左转，进入文三路"
    assert nav_instruction(left, "en", 500, first=True) == "In 500 metres, turn left onto Wensan Road; 8 minutes to go"
    assert (
        nav_instruction(NavArrow(maneuver="left", street="文三路", eta_min=8), "zh", 500, first=True)
        == "前方500米左转，进入文三路，预计8分钟后到达"
    )
    ring = NavArrow(maneuver="roundabout", exit=3)
    assert nav_instruction(ring, "en", 300) == "In 300 metres, at the roundabout, take the third exit"
    assert nav_instruction(ring, "zh", 300) == "前方300米进入环岛，从第三出口离开"
    assert nav_instruction(NavArrow(maneuver="arrive"), "en", 2) == "You have arrived at your destination"
    assert [distance_words(d, "en") for d in (1, 47, 120, 1240, 15400)] == [
        "1 metre",
        "45 metres",
        "120 metres",
        "1.2 kilometres",
        "15 kilometres",
    ]
    assert [distance_words(d, "zh") for d in (47, 1000, 2500)] == ["45米", "1公里", "2.5公里"]


def test_price_card_examples():
    card = PriceCard(
        product="Sony WH-1000XM5 Wireless Noise Cancelling Headphones",
        price=2199,
        store="Taobao",
        compare=[{"store": "JD", "price": 2499}, {"store": "Pinduoduo", "price": 2299}],
    )
    assert price_card_text(card, "en") == "Sony WH-1000XM5, 2,199 yuan on Taobao, 300 less than JD"
    zh = PriceCard(
        product="索尼 WH-1000XM5 头戴式无线降噪耳机",
        price=2199,
        store="淘宝",
        compare=[{"store": "京东", "price": 2499}],
    )
    assert price_card_text(zh, "zh") == "索尼 WH-1000XM5，淘宝2199元，比京东便宜300元"
    dearer = PriceCard(product="AirPods Pro 2", price=1899, store="JD", compare=[{"store": "Taobao", "price": 1799}])
    assert price_card_text(dearer, "en") == "AirPods Pro 2, 1,899 yuan on JD, 100 more than Taobao"
    usd = PriceCard(product="Kindle", price=99.99, currency="USD", store="Amazon", short_name="Kindle Paperwhite")
    assert price_card_text(usd, "en") == "Kindle Paperwhite, 99.99 dollars on Amazon"
    same = PriceCard(product="Mug", price=30, store="Taobao", compare=[{"store": "JD", "price": 30}])
    assert price_card_text(same, "en") == "Mug, 30 yuan on Taobao, the same as JD"


def test_short_product_names():
    assert short_product_name("Sony WH-1000XM5 Wireless Noise Cancelling Headphones") == "Sony WH-1000XM5"
    assert short_product_name("Apple iPhone 16 Pro Max 256GB") == "Apple iPhone 16 Pro Max"
    assert short_product_name("Apple AirPods Pro (2nd generation)") == "Apple AirPods Pro"
    assert short_product_name("Wireless Noise Cancelling Headphones Black") == "Wireless Noise Cancelling"


def test_notification_examples():
    pay = Notification(app="Alipay", title="Payment complete", body="¥4.00 · Hangzhou Metro", icon="wallet")
    assert notification_text(pay, "en") == "Alipay: payment complete, 4 yuan, Hangzhou Metro"
    zh = Notification(app="支付宝", title="支付成功", body="¥4.00 · 杭州地铁")
    assert notification_text(zh, "zh") == "支付宝：支付成功，4元，杭州地铁"
    assert notification_text(Notification(app="", title="Gate change: C32"), "en") == "gate change, C32"


def test_money_units_and_separators():
    assert money(2199, "CNY", "en") == "2,199 yuan"
    assert money(1, "USD", "en") == "1 dollar"
    assert money(19.9, "CNY", "zh") == "19.9元"
    assert money(5, "CHF", "en") == "5 CHF"
    assert speakable("Paid ¥18.00 · Lv's Noodles", "en") == "Paid 18 yuan, Lv's Noodles"
    assert speakable("Then in 300 m: West Lake", "en") == "Then in 300 metres: West Lake"
    assert speakable("约 1.5 km → 西湖", "zh") == "约 1.5公里到西湖"
    assert speakable("€12.50 and £3", "en") == "12.50 euros and 3 pounds"


def test_language_detection():
    assert detect("Wensan Road") == "en"
    assert detect("文三路") == "zh"
    assert detect("この電車は品川") == "ja"
    assert detect("감사합니다") == "ko"
    assert detect("مرحبا") == "ar"
    assert detect("Hello", "zh-Hans") == "zh"
    assert template_language("ja") == "en" and template_language("zh-CN") == "zh"


# -- what changes are spoken --------------------------------------------------------------------
def test_a_card_is_spoken_once_and_again_when_it_changes_or_reappears():
    card = Notification(app="Alipay", title="Paid ¥18.00")
    root = Column(card)
    tracker = ChangeTracker()
    assert [m.text for m in tracker.scan(root)[0]] == ["Alipay: paid 18 yuan"]
    assert tracker.scan(root) == ([], [])
    card.brightness = 0.5  # drawn differently, says the same
    assert tracker.scan(root) == ([], [])
    card.title = "Paid ¥20.00"
    assert [m.why for m in tracker.scan(root)[0]] == ["changed"]
    card.visible = False
    assert tracker.scan(root) == ([], [("notification@0", "notification")])
    card.visible = True
    assert [m.why for m in tracker.scan(root)[0]] == ["appeared"]


def test_caption_speaks_only_new_translated_text_and_never_the_partial():
    caption = Caption(text="往前走", translation="Go straight ahead", speaker="Guide")
    narrator = Narrator(caption, device="quark-g1", engine=FixedEngine())
    narrator.update(0.0)
    caption.replace_partial("到第二")
    narrator.update(5.0)
    caption.append("，到第二个路口左转")
    caption.translation = "Go straight ahead, turn left at the second crossing."
    narrator.update(6.0)
    plain = Caption(text="Welcome to West Lake.")
    other = Narrator(plain, device="quark-g1", engine=FixedEngine())
    other.update(0.0)
    plain.append(" On your left is the Broken Bridge")
    other.update(5.0)
    for each in (narrator, other):
        each.finish()
    assert said(narrator) == ["Guide: Go straight ahead", "turn left at the second crossing."]
    assert said(other) == ["Welcome to West Lake.", "On your left is the Broken Bridge"]


def test_speak_modes_on_display_and_display_less_devices():
    loud = Text(text="Speed limit 30", speak="always")
    quiet = Column(Text(text="debug info"), speak="never")
    normal = Text(text="Tap to add to cart")
    root = Column(loud, quiet, normal)
    g1 = [m.stream for m in ChangeTracker().scan(root)[0]]
    assert g1 == ["Speed limit 30", "Tap to add to cart"]
    s1 = [m.stream for m in ChangeTracker(speaks_with_display).scan(root)[0]]
    assert s1 == ["Speed limit 30"]
    root.add(Text(text="custom", spoken="Say this instead"))
    assert ChangeTracker().scan(root)[0][-1].text == "Say this instead"


NAV_COUNTDOWN = """
[scene]
title = "countdown"
duration = "12s"
[[widgets]]
type = "nav_arrow"
id = "turn"
maneuver = "left"
distance_m = 600
street = "Wensan Road"
[[timeline]]
at = "0s"
target = "turn"
animate = { property = "distance_m", from = 600, to = 0, duration = "10s" }
"""


def test_nav_distance_is_announced_at_thresholds_not_every_metre():
    narrator = speak(NAV_COUNTDOWN)
    queued = [(round(u.queued_at, 2), u.message.text, u.message.priority) for u in narrator.utterances]
    assert queued == [
        (0.0, "In 600 metres, turn left onto Wensan Road", "normal"),
        (1.7, "In 500 metres, turn left onto Wensan Road", "normal"),  # 600 - 60 m/s * 1.7 s = 498 m
        (6.7, "In 200 metres, turn left onto Wensan Road", "normal"),
        (9.2, "In 50 metres, turn left onto Wensan Road", "urgent"),
        (9.85, "Turn left now onto Wensan Road", "urgent"),
    ]
    assert all(u.message.earcon == "turn-left" for u in narrator.utterances)


# -- priority, interruption, expiry -------------------------------------------------------------
BURST = """
[scene]
title = "burst"
duration = "8s"
[[widgets]]
type = "caption"
id = "live"
text = ""
[[widgets]]
type = "notification"
id = "pay"
visible = false
app = "Alipay"
title = "Payment complete"
body = "¥4.00 · Hangzhou Metro"
[[widgets]]
type = "notification"
id = "gate"
visible = false
priority = "high"
app = "Fliggy"
title = "Gate change: C32"
[[timeline]]
at = "0s"
target = "live"
append = "Good morning everyone, and welcome to the launch review meeting."
[[timeline]]
at = "0.5s"
target = "pay"
show = { transition = "none", duration = "0s" }
[[timeline]]
at = "1s"
target = "gate"
show = { transition = "none", duration = "0s" }
"""


def test_high_priority_interrupts_and_normal_waits():
    narrator = speak(BURST)
    by_source = {u.message.source: u for u in narrator.utterances if u.repeat_of is None}
    caption, pay, gate = by_source["live"], by_source["pay"], by_source["gate"]
    assert caption.start == 0.0 and caption.status == "interrupted" and caption.end == 1.0
    assert "interrupted by #3 (high priority" in caption.reason
    assert pay.start is None or pay.start > 1.0  # normal waits for the caption
    assert gate.start == 1.0 and gate.status == "spoken"
    # The caption goes on right after the gate change, from the start of the phrase it was cut
    # in; then the payment (queued before it) is said.
    again = next(u for u in narrator.utterances if u.repeat_of == caption.id)
    assert again.start == pytest.approx(gate.end + 0.25) and again.status == "spoken"
    assert pay.status == "spoken" and pay.start == pytest.approx(again.end + 0.1)
    actions = [(d.action, d.utterance) for d in narrator.decisions]
    assert ("interrupt", caption.id) in actions and ("start", gate.id) in actions


def test_interrupted_normal_speech_is_said_again_when_the_voice_is_free():
    narrator = speak(BURST.replace('at = "0s"\ntarget = "live"', 'at = "9s"\ntarget = "live"'))
    pay = [u for u in narrator.utterances if u.message.source == "pay"]
    assert [u.status for u in pay] == ["interrupted", "spoken"]
    assert pay[1].repeat_of == pay[0].id and pay[1].start > pay[0].end


def test_waiting_caption_words_merge_and_are_never_dropped():
    scheduler = Scheduler(lambda m: 6.0)
    tracker = ChangeTracker()
    caption = Caption(text="")
    caption.append("The first sentence is long.")
    feed(tracker, scheduler, caption, 0.0)
    caption.append(" Then a second.")
    feed(tracker, scheduler, caption, 1.0)
    caption.append(" And a third.")
    feed(tracker, scheduler, caption, 1.5)
    scheduler.finish()
    assert [(u.message.text, u.status) for u in scheduler.utterances] == [
        ("The first sentence is long.", "spoken"),
        ("Then a second. And a third.", "spoken"),
    ]
    assert [d.action for d in scheduler.decisions if d.utterance == 2] == ["queue", "merge", "start", "finish"]
    assert [d.t for d in scheduler.decisions] == sorted(d.t for d in scheduler.decisions)


def test_hidden_widget_takes_its_queued_speech_with_it():
    scheduler = Scheduler(lambda m: 5.0)
    tracker = ChangeTracker()
    first, waiting = Text(text="First, a long sentence."), Text(text="Then this one.")
    root = Column(first, waiting)
    feed(tracker, scheduler, root, 0.0)
    waiting.visible = False
    messages, gone = tracker.scan(root)
    for widget in gone:
        scheduler.withdraw(1.0, widget.source)
    scheduler.finish()
    dropped = scheduler.utterances[1]
    assert dropped.status == "dropped" and dropped.reason == "no longer shown"


def test_a_closed_notification_is_still_said_within_its_grace():
    narrator = speak(
        BURST.replace(
            'show = { transition = "none", duration = "0s" }\n[[timeline]]\nat = "1s"',
            'show = { transition = "none", duration = "0s", hide_after = "0.3s" }\n[[timeline]]\nat = "1s"',
        )
    )
    pay = [u for u in narrator.utterances if u.message.source == "pay"]
    keep = next(d for d in narrator.decisions if d.action == "keep")
    assert keep.t == 0.8 and keep.utterance == pay[0].id
    assert pay[-1].status == "spoken" and pay[-1].start < 0.8 + 10.0  # said after its card closed
    # (a long text: a caption this far behind would skip to its newest sentence)
    late = speak(
        BURST.replace('type = "caption"\nid = "live"', 'type = "text"\nid = "live"')
        .replace('append = "Good morning', 'append = "' + "A very long announcement. " * 12 + "Good morning")
        .replace(
            'show = { transition = "none", duration = "0s" }\n[[timeline]]\nat = "1s"',
            'show = { transition = "none", duration = "0s", hide_after = "0.3s" }\n[[timeline]]\nat = "30s"',
        )
    )
    pay = [u for u in late.utterances if u.message.source == "pay"]
    assert pay[-1].status == "dropped" and pay[-1].reason.startswith("stale: its card closed at 0.80 s")


def test_an_imminent_turn_interrupts_even_a_high_priority_notification():
    scene = (
        BURST.replace('at = "0s"\ntarget = "live"', 'at = "9s"\ntarget = "live"')
        + """
[[widgets]]
type = "nav_arrow"
id = "turn"
maneuver = "right"
distance_m = 300
visible = false
[[timeline]]
at = "1.5s"
target = "turn"
set = { visible = true, distance_m = 40 }
"""
    )
    narrator = speak(scene)
    gate = next(u for u in narrator.utterances if u.message.source == "gate")
    turn = next(u for u in narrator.utterances if u.message.source == "turn")
    assert turn.message.priority == "urgent" and turn.start == 1.5
    assert gate.status == "interrupted" and gate.end == 1.5
    again = next(u for u in narrator.utterances if u.repeat_of == gate.id)
    assert again.status == "spoken" and again.start == pytest.approx(turn.end + 0.25)


def test_every_decision_is_recorded_in_time_order():
    narrator = speak(BURST)
    times = [d.t for d in narrator.decisions]
    assert times == sorted(times)
    for utterance in narrator.utterances:
        mine = [d.action for d in narrator.decisions if d.utterance == utterance.id]
        assert mine[0] == "queue" or (utterance.repeat_of and mine[0] in ("repeat", "resume"))
        assert (
            mine[-1] in {"spoken": ("finish",), "interrupted": ("interrupt",), "dropped": ("drop",)}[utterance.status]
        )


def test_display_device_speaks_only_opted_in_widgets():
    scene = """
[scene]
title = "opt-in"
[[widgets]]
type = "nav_arrow"
maneuver = "right"
distance_m = 80
speak = "always"
[[widgets]]
type = "text"
text = "Shown, not said"
"""
    narrator = speak(scene, device="quark-s1")
    assert said(narrator) == ["In 80 metres, turn right"]
    assert len(said(speak(scene, device="quark-g1"))) == 2


def test_python_api_follows_a_changing_tree():
    card = Notification(app="Alipay", title="Paid ¥18.00", visible=False)
    root = Column(card)
    narrator = Narrator(root, device="quark-g1", engine=FixedEngine())
    assert narrator.update(0.0) == []
    card.visible = True
    decisions = narrator.update(0.5)
    assert [d.action for d in decisions] == ["queue", "start"]
    narrator.update(5.0)
    track = narrator.mix()
    assert track.shape[1] == 2 and np.abs(track[: int(0.4 * 22050)]).max() == 0  # silent before it appeared
    assert np.abs(track[int(0.6 * 22050) : int(1.0 * 22050)]).max() > 0.1


def test_a_display_profile_can_opt_in_widget_types(tmp_path):
    from hud.devices import load_device
    from hud.errors import DeviceError

    s1 = (PROFILE_DIR / "quark-s1.toml").read_text(encoding="utf-8")
    profile = tmp_path / "s1-spoken-nav.toml"
    profile.write_text(
        s1.replace('name = "quark-s1"', 'name = "s1-spoken-nav"').replace(
            "[audio]\n", '[audio]\nspeak = ["nav_arrow"]\n'
        ),
        encoding="utf-8",
    )
    scene = """
[scene]
title = "profile opt-in"
[[widgets]]
type = "nav_arrow"
maneuver = "left"
distance_m = 120
[[widgets]]
type = "nav_arrow"
maneuver = "right"
distance_m = 300
speak = "never"
[[widgets]]
type = "text"
text = "Shown, not said"
"""
    assert said(speak(scene, device=str(profile))) == ["In 120 metres, turn left"]
    assert load_device(str(profile)).speak == ("nav_arrow",)
    profile.write_text(profile.read_text(encoding="utf-8").replace('"nav_arrow"]', '"nav_arow"]'), encoding="utf-8")
    with pytest.raises(
        DeviceError,
        match=r"speak lists 'nav_arow', which is not a widget type \(did you mean "
        r"'nav_arrow'\?\)",
    ):
        load_device(str(profile))


def test_the_speaker_is_named_once_per_turn_with_all_their_waiting_words():
    caption = Caption(text="", speaker="Anna")
    tracker, scheduler = ChangeTracker(), Scheduler(lambda m: 3.0)
    busy = Text(text="Something long is being said first.")
    root = Column(busy, caption)
    feed(tracker, scheduler, root, 0.0)
    caption.append("Hello there.")
    feed(tracker, scheduler, root, 0.5)
    caption.append(" How are you?")
    feed(tracker, scheduler, root, 1.0)
    scheduler.finish()
    caption.append(" Fine, thanks.")
    feed(tracker, scheduler, root, 10.0)
    caption.speaker = "Ben"
    caption.append(" Me too.")
    feed(tracker, scheduler, root, 20.0)
    scheduler.finish()
    spoken = [u.message.text for u in scheduler.utterances if u.status == "spoken"]
    assert spoken == [
        "Something long is being said first.",
        "Anna: Hello there. How are you?",
        "Fine, thanks.",
        "Ben: Me too.",
    ]


def test_a_jittering_distance_announces_each_threshold_once():
    arrow = NavArrow(maneuver="left", distance_m=400, street="Wensan Road")
    tracker = ChangeTracker()
    texts = []
    for distance in (400, 199, 201, 199, 201, 199, 120):
        arrow.distance_m = distance
        texts += [m.text for m in tracker.scan(arrow)[0]]
    assert texts == ["In 400 metres, turn left onto Wensan Road", "In 200 metres, turn left onto Wensan Road"]


def test_going_straight_is_never_urgent_nor_counted_down():
    arrow = NavArrow(maneuver="straight", distance_m=300, street="Nanshan Road")
    tracker = ChangeTracker()
    first = tracker.scan(arrow)[0]
    assert [(m.text, m.priority) for m in first] == [("Continue straight for 300 metres on Nanshan Road", "normal")]
    for distance in (200, 50, 5, 0):
        arrow.distance_m = distance
        assert tracker.scan(arrow)[0] == []
    near = ChangeTracker().scan(NavArrow(maneuver="straight", distance_m=40))[0]
    assert near[0].priority == "normal"


def test_a_roundabout_without_an_exit_does_not_guess_one():
    ring = NavArrow(maneuver="roundabout", street="Hubin Road")
    assert nav_instruction(ring, "en", 200) == "In 200 metres, enter the roundabout onto Hubin Road"
    assert nav_instruction(NavArrow(maneuver="roundabout"), "zh", 200) == "前方200米进入环岛"


def test_a_moved_widget_keeps_its_name_and_takes_its_speech_when_removed():
    a, b = Text(text="alpha"), Text(text="beta")
    root = Column(a, b)
    tracker = ChangeTracker()
    assert [m.source for m in tracker.scan(root)[0]] == ["text@0", "text@1"]
    root.remove(a)
    b.text = "beta gamma"
    messages, gone = tracker.scan(root)
    assert [m.source for m in messages] == ["text@1"] and [g.source for g in gone] == ["text@0"]
    root.remove(b)
    assert [g.source for g in tracker.scan(root)[1]] == ["text@1"]


def test_export_leaves_the_live_narrator_as_it_was(tmp_path):
    card = Notification(app="Alipay", title="Paid ¥18.00")
    narrator = Narrator(Column(card), device="quark-g1", engine=FixedEngine())
    narrator.update(0.0)
    before = [(d.t, d.action) for d in narrator.decisions]
    narrator.export(tmp_path)
    assert [(d.t, d.action) for d in narrator.decisions] == before
    assert narrator.scheduler.current is not None and narrator.scheduler.current.status == "speaking"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speech.json", "speech.wav"]


def test_decisions_stay_in_time_order_when_a_closed_card_is_cut_off_late():
    scheduler = Scheduler(lambda m: len(m.text) * 0.05)
    card = Notification(app="Fliggy", title="x" * 300, priority="normal")
    messages = ChangeTracker().scan(card)[0]
    scheduler.submit(0.0, messages[0])
    scheduler.withdraw(1.0, messages[0].source, grace=10.0)
    turn = ChangeTracker().scan(NavArrow(maneuver="left", distance_m=20))[0][0]
    scheduler.submit(12.0, turn)
    scheduler.advance(12.5)
    scheduler.finish()
    times = [d.t for d in scheduler.decisions]
    assert times == sorted(times)
    assert not any(u.repeat_of for u in scheduler.utterances)  # too late to say it again


def test_a_device_without_speakers_says_nothing(tmp_path):
    from hud.devices import load_device
    from hud.errors import HudError
    from hud.speech.narrator import speaks_on

    s1 = (PROFILE_DIR / "quark-s1.toml").read_text(encoding="utf-8")
    quiet = tmp_path / "quiet.toml"
    quiet.write_text(
        s1.replace('name = "quark-s1"', 'name = "quiet"').replace('speakers = "stereo"', 'speakers = "none"')
    )

    def loud() -> Text:  # a widget is in one tree at a time
        return Text(text="Speed limit 30", speak="always")

    assert not speaks_on(Column(loud()), load_device(str(quiet)))
    assert speaks_on(Column(loud()), load_device("quark-s1"))
    inherited = Column(Column(Text(text="not this"), speak="never"), speak="always")  # auto inherits never
    assert not speaks_on(inherited, load_device("quark-s1"))
    blind = tmp_path / "blind.toml"
    blind.write_text('[device]\nname = "blind"\nhas_display = false\n[audio]\nspeakers = "none"\n')
    with pytest.raises(HudError, match="neither a display nor speakers"):
        Narrator(Column(loud()), device=str(blind), engine=FixedEngine())


def test_one_han_character_does_not_make_english_text_chinese():
    assert detect("Dinner with 王总 tonight") == "en"
    assert detect("Messages: Mom, 晚上回家吃饭吗？") == "zh"
    assert (
        notification_text(Notification(app="Find My", title="AirPods left behind"), "en")
        == "Find My: AirPods left behind"
    )
    assert notification_text(Notification(app="WeChat", title="Anna sent a photo"), "en") == "WeChat: Anna sent a photo"


def test_a_rolling_caption_buffer_is_not_read_again():
    caption = Caption(text="one two three four five six seven eight")
    narrator = Narrator(caption, device="quark-g1", engine=FixedEngine())
    narrator.update(0.0)
    caption.text = "three four five six seven eight nine"
    narrator.update(10.0)
    narrator.finish()
    assert said(narrator) == ["one two three four five six seven eight", "nine"]
