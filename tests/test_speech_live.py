"""Live speech on the display-less G1, through the Narrator: every caption word heard once and
in order, the pace, skips, revisions, partial results, interruptions that resume, the record,
and the device's [audio] settings.

Scene tests run the scene files in tests/speech/ (one per behaviour, in English and Chinese)
through the real espeak-ng engine. Tests whose times must be exact use PacedEngine, a stand-in
that speaks every character in 0.06 s divided by the speed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from hud.devices import DeviceProfile, load_device
from hud.errors import DeviceError
from hud.scene import Scene, load_scene
from hud.speech.narrator import Narrator, narrate
from hud.widgets import Caption, Column, NavArrow, Notification, Widget

from paths import SPEECH_SCENES as SCENES
from speech_support import SECONDS_PER_CHAR, PacedEngine, heard_or_skipped, spoken, words

PARTIALS_DEVICE = SCENES / "quark-g1-partials.toml"
LAG_S = 4.0  # the voice ends this soon after the last word arrives, up to a fast talker

TOUR_EN = (
    "Good morning everyone, and welcome to Hangzhou. Today we will walk around West Lake, visit the Broken "
    "Bridge, and take a boat to the island in the middle of the lake. The lake has been famous for more than "
    "a thousand years, and poets wrote about it in every season. On your left you can see the Baochu Pagoda "
    "on the hill. It was first built in the tenth century and rebuilt many times since. In spring the willows "
    "along the causeway turn bright green, and in summer lotus flowers cover the water near the shore. After "
    "the boat ride we will have lunch at a restaurant famous for its fish in vinegar sauce. "
)
TOUR_ZH = (
    "各位早上好，欢迎来到杭州。今天我们先沿着西湖走一走，看看断桥，然后坐船去湖中间的小岛。西湖已经有一千多年的"
    "名气了，古代的诗人一年四季都在写它。大家看左边山上的那座塔，叫保俶塔，最早建于十世纪，后来又重建了很多次。"
    "春天的时候，苏堤两边的柳树会变成嫩绿色；到了夏天，岸边的水面上开满了荷花。"
)
WAY_29 = (
    "Go straight ahead for two hundred metres, then turn left at the second crossing and follow Hubin Road "
    "to the musical fountain; the subway station is across from it."
)
WAY_23 = (
    "Go straight ahead for two hundred metres, then turn left at the second crossing and walk to the subway "
    "station entrance over there."
)


class UnpacedEngine:
    """PacedEngine without a speed: it always speaks at its own pace."""

    name = "unpaced test engine"
    sample_rate = 1000

    def synthesize(self, text: str, language: str) -> np.ndarray:
        return np.zeros(round(len(text) * SECONDS_PER_CHAR * self.sample_rate), np.float32)


# -- helpers -----------------------------------------------------------------------------------
def scene(name: str) -> Scene:
    return load_scene(SCENES / name)


def heard(narrator: Narrator) -> list[str]:
    """The live words heard, in order (a correction's words left out)."""
    return [word.word for u in spoken(narrator) for word in u.words if not word.correction]


def caption_text(narrated: Scene, widget_id: str = "live") -> str:
    """The caption's committed text at the end of the scene's timeline."""
    narrated.apply_timeline(narrated.length)
    text = narrated.root.find(widget_id).text
    narrated.apply_timeline(0.0)
    return text


def last_event(narrated: Scene) -> float:
    return max(event.at for event in narrated.timeline.events)


def voice_end(narrator: Narrator) -> float:
    return max(u.end for u in narrator.utterances if u.end is not None)


def stream_caption(
    text: str,
    rate: float,
    *,
    chunk: int = 4,
    lang: str = "en",
    device: str | Path | DeviceProfile = "quark-g1",
    engine: object | None = None,
    seconds: float | None = None,
    during: Callable[[float, Widget], None] | None = None,
) -> tuple[Narrator, list[str], float]:
    """Commit `text` to a caption (id "cap", beside a hidden turn "nav" and a hidden high-priority
    payment "pay") `chunk` words (or CJK characters) at a time, `rate` a second, for at most
    `seconds`; `during(t, root)` may change the tree before each update. Returns the narrator
    (played out), the committed words and when the last one arrived."""
    caption = Caption(id="cap", text="", speaker="Guide", lang=lang)
    nav = NavArrow(id="nav", maneuver="left", distance_m=320, street="Wensan Road", visible=False)
    pay = Notification(id="pay", app="Alipay", icon="wallet", title="Paid ¥18.00", priority="high", visible=False)
    root = Column(caption, nav, pay)
    narrator = Narrator(root, device, engine=engine)
    units = text.split() if lang == "en" else list(text)
    joint = " " if lang == "en" else ""
    t, committed, last = 0.0, [], 0.0
    for index in range(0, len(units), chunk):
        if seconds is not None and t >= seconds:
            break
        piece = joint.join(units[index : index + chunk])
        caption.append(piece)
        committed += words(piece)
        if during is not None:
            during(t, root)
        narrator.update(t)
        last = t
        t = round(t + chunk / rate, 3)
    narrator.finish()
    return narrator, committed, last


# -- every word is heard -----------------------------------------------------------------------
def test_commits_of_four_words_at_3_3_words_a_second_are_all_heard():
    narrator, committed, _ = stream_caption(WAY_29, 3.3)
    said = heard(narrator)
    assert said == committed
    assert " left at the second " in f" {' '.join(said)} "
    assert narrator.record()["skipped_words"] == 0


def test_at_5_words_a_second_all_29_words_are_heard():
    narrator, committed, _ = stream_caption(WAY_29, 5.0)
    assert len(committed) == 29
    assert heard(narrator) == committed


def test_at_2_5_words_a_second_a_navigation_update_in_the_middle_loses_no_caption_word():
    def turn_appears(t: float, root: Widget) -> None:
        if t >= 3.0:
            root.find("nav").visible = True

    narrator, committed, _ = stream_caption(WAY_23, 2.5, during=turn_appears)
    assert len(committed) == 23
    assert heard(narrator) == committed
    nav = [u for u in narrator.utterances if u.message.source == "nav"]
    assert [u.status for u in nav] == ["spoken"]
    after = [u for u in spoken(narrator) if u.live and u.start > nav[0].start]
    assert after and after[0].message.text.startswith("Guide: ")  # named again after the turn


@pytest.mark.parametrize("name", ["slow-caption-nav-en.toml", "slow-caption-nav-zh.toml"])
def test_a_slow_caption_with_navigation_in_the_middle_is_heard_whole(name):
    narrated = scene(name)
    narrator = narrate(narrated)
    assert heard(narrator) == words(caption_text(narrated))
    turns = [u for u in spoken(narrator) if u.message.source == "turn"]
    assert [u.message.why for u in turns] == ["appeared", "passed 200 m"]
    assert all(u.status == "spoken" and u.rate == 1.0 for u in turns)
    speaker = narrated.root.find("live").speaker
    colon = "：" if name.endswith("zh.toml") else ": "
    for turn in turns:
        following = next(u for u in spoken(narrator) if u.live and u.start > turn.start)
        assert following.message.text.startswith(speaker + colon)
    live = [u for u in spoken(narrator) if u.live]
    named = [u for u in live if u.message.text.startswith(speaker + colon)]
    assert len(named) == 1 + len(turns)  # once per turn, and again after each instruction


# -- keeping up ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["fast-caption-en.toml", "fast-caption-zh.toml"])
def test_a_fast_caption_is_heard_whole_and_the_voice_keeps_up(name):
    narrated = scene(name)
    narrator = narrate(narrated)
    committed = words(caption_text(narrated))
    assert heard(narrator) == committed
    assert 30.0 <= last_event(narrated) <= 60.0
    assert voice_end(narrator) - last_event(narrated) <= LAG_S
    record = narrator.record()
    assert record["skipped_words"] == 0
    assert record["latency"]["words"] == len(committed)
    assert record["latency"]["max"] <= LAG_S
    assert max(u.rate for u in narrator.utterances) > 1.0  # it had to speed up


@pytest.mark.parametrize(
    "lang, rate, chunk",
    [("en", 2.0, 3), ("en", 3.3, 4), ("en", 4.0, 4), ("en", 5.0, 5), ("zh", 4.0, 4), ("zh", 6.0, 6), ("zh", 8.0, 8)],
)
def test_a_minute_of_streaming_ends_within_4_s_of_the_last_word(lang, rate, chunk):
    text = (TOUR_EN if lang == "en" else TOUR_ZH) * 4
    narrator, committed, last = stream_caption(text, rate, chunk=chunk, lang=lang, seconds=60.0)
    assert last >= 55.0
    assert heard(narrator) == committed
    assert narrator.record()["skipped_words"] == 0
    assert voice_end(narrator) - last <= LAG_S


# -- pace ----------------------------------------------------------------------------------------
def test_the_pace_rises_with_waiting_speech_and_comes_back_to_normal():
    burst_words = " ".join(TOUR_EN.split()[:40])

    def burst(t: float, root: Widget) -> None:
        if t == 1.0:
            root.find("cap").append(burst_words)

    device = dataclasses.replace(load_device("quark-g1"), skip_behind_s=600)
    narrator, committed, _ = stream_caption(
        f"{WAY_29} {WAY_29} {WAY_29}", 2.0, chunk=2, engine=PacedEngine(), device=device, during=burst
    )
    rates = [u.rate for u in spoken(narrator) if u.live]
    assert rates[0] == 1.0
    assert max(rates) == 1.5
    assert rates[-1] == 1.0
    assert all(rate == round(round(rate / 0.05) * 0.05, 2) and 1.0 <= rate <= 1.5 for rate in rates)
    assert all(before - after <= 0.2 + 1e-9 for before, after in zip(rates, rates[1:]))  # slows gently
    assert heard(narrator) == committed[:4] + words(burst_words) + committed[4:]


def test_the_fastest_pace_is_the_devices_max_rate():
    device = dataclasses.replace(load_device("quark-g1"), max_rate=1.2, skip_behind_s=600)
    narrator, committed, _ = stream_caption(TOUR_EN, 6.0, engine=PacedEngine(), device=device)
    rates = {u.rate for u in narrator.utterances}
    assert max(rates) == 1.2 and rates <= {1.0, 1.05, 1.1, 1.15, 1.2}
    assert heard(narrator) == committed


def test_cards_and_navigation_are_said_at_the_normal_pace():
    def interrupt(t: float, root: Widget) -> None:
        root.find("nav").visible = t >= 2.0
        root.find("pay").visible = t >= 4.0

    narrator, committed, _ = stream_caption(TOUR_EN, 6.0, engine=PacedEngine(), during=interrupt)
    others = [u for u in spoken(narrator) if not u.live]
    assert {u.message.source for u in others} == {"nav", "pay"}
    assert all(u.rate == 1.0 for u in others)
    assert max(u.rate for u in spoken(narrator) if u.live) > 1.0
    record = narrator.record()
    assert all(entry["rate"] == 1.0 for entry in record["utterances"] if entry["source"] in ("nav", "pay"))


def test_an_engine_without_a_speed_never_speeds_up():
    narrator, committed, _ = stream_caption(TOUR_EN, 5.0, engine=UnpacedEngine(), seconds=20.0)
    assert {u.rate for u in narrator.utterances} == {1.0}
    assert heard_or_skipped(narrator) == committed


# -- skipping ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["skip-en.toml", "skip-zh.toml"])
def test_far_too_fast_a_stream_skips_to_the_newest_sentence_with_an_earcon(name):
    narrated = scene(name)
    narrator = narrate(narrated)
    committed = words(caption_text(narrated))
    skips = [u for u in narrator.utterances if u.skipped]
    assert skips
    live = [u for u in spoken(narrator) if u.live]
    for u in skips:
        assert u.message.earcon == "skip"
        assert live[live.index(u) - 1].rate == narrator.device.max_rate  # still behind at full speed
        behind = float(re.fullmatch(r"behind by ([\d.]+) s", u.skipped["why"]).group(1))
        assert behind > narrator.device.skip_behind_s
        assert u.skipped["words"] == len(words(u.skipped["text"]))
    assert all(u.message.earcon is None for u in narrator.utterances if not u.skipped)
    said, lost = heard(narrator), [word for u in skips for word in words(u.skipped["text"])]
    assert heard_or_skipped(narrator) == committed  # the skipped words are exactly the ones not heard
    assert len(said) + len(lost) == len(committed)
    record = narrator.record()
    assert record["skipped_words"] == len(lost)
    assert record["latency"]["words"] == len(said)


def test_a_skip_waits_for_the_devices_limit():
    device = dataclasses.replace(load_device("quark-g1"), skip_behind_s=600)
    narrated = scene("skip-en.toml")
    narrator = narrate(narrated, device)
    assert not any(u.skipped for u in narrator.utterances)
    assert heard(narrator) == words(caption_text(narrated))


@pytest.mark.parametrize("name", ["fast-caption-en.toml", "fast-caption-zh.toml", "slow-caption-nav-en.toml"])
def test_no_skip_while_the_voice_keeps_up(name):
    narrator = narrate(scene(name))
    assert not any(u.skipped or u.message.earcon == "skip" for u in narrator.utterances)


# -- revisions -----------------------------------------------------------------------------------
def test_a_revised_chinese_translation_says_every_new_part_once():
    narrator = narrate(scene("revised-translation-zh.toml"))
    said = "".join(u.message.text for u in spoken(narrator))
    assert "两百米然后左转" in said
    assert "地铁站入口" in said
    assert said.count("直走") == 1
    assert "更正：" in said and "第二个路口" in said  # the inserted numeral is said as a correction
    plain = "".join(heard(narrator))
    assert plain == "直走两百米然后左转走到地铁站入口"  # each word once, outside the correction


def test_a_said_left_that_becomes_right_is_corrected_and_nothing_else_repeats():
    narrator = narrate(scene("revised-translation-en.toml"))
    texts = [u.message.text for u in spoken(narrator)]
    assert texts[0] == "Passer-by: Go straight ahead, then turn left"
    assert any(text.startswith("Correction: right") for text in texts[1:])
    said = " ".join(texts)
    assert "Walk" not in said  # "Go" -> "Walk" changes no fact: not repeated
    assert said.count("straight ahead") == 1
    assert "at the bank" in said
    corrections = [word.word for u in spoken(narrator) for word in u.words if word.correction]
    assert corrections[0] == "right"


# -- partial results -----------------------------------------------------------------------------
@pytest.mark.parametrize("name, partial", [("partials-en.toml", "second"), ("partials-zh.toml", "二")])
def test_partial_results_are_not_spoken_by_default(name, partial):
    narrated = scene(name)
    narrator = narrate(narrated)
    assert not narrator.device.speak_partials
    assert partial not in heard(narrator)
    assert heard(narrator) == words(caption_text(narrated))


def test_partial_results_are_spoken_once_unchanged_for_the_delay():
    narrator = narrate(scene("partials-en.toml"), PARTIALS_DEVICE)
    assert narrator.device.speak_partials and narrator.device.partial_delay_s == 0.8
    partial = next(u for u in spoken(narrator) if "second" in u.message.text)
    assert partial.message.text == "the second"
    assert partial.queued_at == pytest.approx(2.3 + 0.8, abs=0.051)  # "the second" since 2.3 s
    assert "sec" not in heard(narrator)  # "the sec" changed too soon
    correction = next(u for u in spoken(narrator) if u.start > partial.start)
    assert correction.message.text.startswith("Correction: third")  # the commit revised a number
    assert "crossing" in [word.word for word in correction.words]


def test_a_chinese_partial_committed_differently_is_corrected():
    narrator = narrate(scene("partials-zh.toml"), PARTIALS_DEVICE)
    texts = [u.message.text for u in spoken(narrator)]
    assert texts[1] == "第二个"
    assert texts[2].startswith("更正：三个")
    assert texts[2].endswith("路口左转。")


def test_a_partial_revised_without_a_fact_changing_is_not_repeated_but_its_new_words_are_said():
    """A partial "the cafe" is said, then committed as "the coffee shop.": no fact changed, so
    "coffee" is not a correction, but it and "shop" are new words and are said."""
    caption = Caption(id="cap", text="Meet me at", speaker="Ann")
    device = dataclasses.replace(load_device("quark-g1"), speak_partials=True, partial_delay_s=0.5)
    narrator = Narrator(caption, device, engine=PacedEngine())
    for step in range(0, 61):
        t = step / 10
        if t == 2.0:
            caption.replace_partial("the cafe")
        if t == 4.0:
            caption.append("the coffee shop.")
        narrator.update(t)
    narrator.finish()
    texts = [u.message.text for u in spoken(narrator)]
    assert texts[:2] == ["Ann: Meet me at", "the cafe"]
    assert heard(narrator)[-1] == "shop"
    assert heard(narrator).count("the") == 1


# -- interruptions -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["urgent-nav-en.toml", "urgent-nav-zh.toml"])
def test_an_urgent_turn_cuts_a_caption_off_and_the_caption_resumes_right_after(name):
    narrated = scene(name)
    narrator = narrate(narrated)
    cut = next(u for u in narrator.utterances if u.live and u.status == "interrupted")
    turn = next(u for u in narrator.utterances if u.message.source == "turn")
    assert turn.message.priority == "urgent" and turn.start == cut.end
    again = next(u for u in narrator.utterances if u.repeat_of == cut.id)
    assert again.live and again.resumes
    assert again.start == pytest.approx(turn.end + 0.25, abs=0.01)  # next, after the usual pause
    assert any(d.action == "resume" and d.utterance == again.id for d in narrator.decisions)
    speaker = narrated.root.find("live").speaker
    assert again.message.text.startswith(speaker)  # named again after the turn
    assert all(word.heard <= cut.end for word in cut.words)  # what it says it heard was heard
    assert heard(narrator) == words(caption_text(narrated))  # the cut phrase once
    resumed = re.escape(again.words[0].word)
    assert re.search(rf"[,;:.!?，。：]\s*{resumed}", cut.message.text)  # from the start of its phrase


def test_a_high_priority_notification_that_cuts_a_caption_off_is_said_before_it_resumes():
    """The caption already has words waiting (queued before the notification) when it is cut
    off: it resumes in that utterance, which still goes after the notification."""
    caption = Caption(id="cap", text="one two three four five six seven eight, nine ten", speaker="Ann")
    pay = Notification(id="pay", app="Alipay", icon="wallet", title="Paid ¥18.00", priority="high", visible=False)
    narrator = Narrator(Column(caption, pay), "quark-g1", engine=PacedEngine())
    narrator.update(0.0)
    caption.append("eleven twelve")
    narrator.update(0.5)
    pay.visible = True
    narrator.update(1.0)
    narrator.finish()
    cut = narrator.utterances[0]
    assert cut.status == "interrupted" and cut.end == 1.0
    paid = next(u for u in narrator.utterances if u.message.source == "pay")
    assert paid.start == 1.0
    again = next(u for u in narrator.utterances if u.repeat_of == cut.id)
    assert again.resumes and again.start == pytest.approx(paid.end + 0.25)
    assert heard(narrator) == words(caption.text)


def test_an_interruption_while_at_full_speed_loses_no_caption_word():
    """A caption at full speed cut off by an urgent turn resumes after it without skipping: the
    time the turn took does not count as the caption being behind."""
    caption = Caption(id="cap", text=" ".join(TOUR_EN.split()[:48]), speaker="Ann")
    nav = NavArrow(id="nav", maneuver="left", distance_m=45, street="Wensan Road", visible=False)
    narrator = Narrator(Column(caption, nav), "quark-g1", engine=PacedEngine())
    narrator.update(0.0)
    nav.visible = True
    narrator.update(4.0)
    narrator.finish()
    cut = narrator.utterances[0]
    assert cut.status == "interrupted" and cut.rate == 1.5
    assert not any(u.skipped for u in narrator.utterances)
    assert heard(narrator) == words(caption.text)


# -- the record ----------------------------------------------------------------------------------
def test_the_record_holds_each_words_arrival_and_when_it_was_heard():
    narrated = scene("skip-en.toml")
    record = narrate(narrated).record()
    assert set(record["latency"]) == {"words", "p50", "p95", "max"}
    assert record["latency"]["p50"] <= record["latency"]["p95"] <= record["latency"]["max"]
    for entry in record["utterances"]:
        assert {"rate", "words", "skipped"} <= set(entry)
        for word in entry["words"]:
            assert set(word) <= {"word", "arrived", "heard", "correction"}
            assert entry["start"] <= word["heard"] <= entry["end"]
            assert word["heard"] >= word["arrived"]
    assert record["skipped_words"] == sum(
        entry["skipped"]["words"] for entry in record["utterances"] if entry["skipped"]
    )
    assert record["skipped_words"] > 0


def test_a_narrator_without_live_words_records_no_latency():
    narrator = Narrator(
        Column(NavArrow(maneuver="left", distance_m=300, street="Wensan Road")), "quark-g1", engine=PacedEngine()
    )
    narrator.update(0.0)
    narrator.finish()
    record = narrator.record()
    assert record["latency"] == {"words": 0, "p50": None, "p95": None, "max": None}
    assert record["skipped_words"] == 0
    assert record["utterances"][0]["words"] == [] and record["utterances"][0]["skipped"] is None
    assert narrator.live_summary() == ""


def test_a_speaker_change_names_the_new_speaker_once():
    caption = Caption(id="cap", text="Where is the station?", speaker="Ann")
    narrator = Narrator(caption, "quark-g1", engine=PacedEngine())
    narrator.update(0.0)
    caption.speaker = "Ben"
    caption.append("Go straight ahead.")
    narrator.update(0.5)
    caption.append("It is near the bank.")
    narrator.update(1.0)
    narrator.finish()
    said = " ".join(u.message.text for u in spoken(narrator))
    assert said == "Ann: Where is the station? Ben: Go straight ahead. It is near the bank."


# -- device settings -------------------------------------------------------------------------------
G1_PROFILE = """[device]
name = "my-g1"
has_display = false

[audio]
speakers = "stereo"
{audio}
"""


def write_profile(tmp_path: Path, audio: str) -> Path:
    path = tmp_path / "my-g1.toml"
    path.write_text(G1_PROFILE.format(audio=audio), encoding="utf-8")
    return path


def test_the_g1_has_the_documented_audio_defaults():
    device = load_device("quark-g1")
    assert (device.max_rate, device.skip_behind_s, device.speak_partials, device.partial_delay_s) == (
        1.5,
        6.0,
        False,
        1.0,
    )


def test_audio_settings_load_from_a_profile(tmp_path):
    path = write_profile(tmp_path, "max_rate = 1.25\nskip_behind_s = 10\nspeak_partials = true\npartial_delay_s = 0.5")
    device = load_device(path)
    assert (device.max_rate, device.skip_behind_s, device.speak_partials, device.partial_delay_s) == (
        1.25,
        10.0,
        True,
        0.5,
    )
    narrator = Narrator(Caption(text="Hello"), path, engine=PacedEngine())
    assert (narrator.scheduler.pace.max_rate, narrator.scheduler.pace.skip_after) == (1.25, 10.0)
    assert narrator.tracker.partial_delay == 0.5


def test_the_partials_profile_of_these_tests_loads():
    device = load_device(PARTIALS_DEVICE)
    assert (device.name, device.has_display, device.speak_partials, device.partial_delay_s) == (
        "quark-g1-partials",
        False,
        True,
        0.8,
    )


@pytest.mark.parametrize(
    "setting, problem",
    [
        ("max_rate = 4", "max_rate must be"),
        ("max_rate = 0.5", "max_rate must be"),
        ("max_rate = nan", "max_rate must be"),
        ("skip_behind_s = 0", "skip_behind_s must be"),
        ("partial_delay_s = -1", "partial_delay_s must be"),
        ("partial_delay_s = 60", "partial_delay_s must be"),
        ('max_rate = "fast"', "'max_rate' must be a number"),
        ("speak_partials = 1", "'speak_partials' must be a bool"),
        ("skip_behind = 6", "unknown key 'skip_behind' in [audio] (did you mean 'skip_behind_s'?)"),
    ],
)
def test_a_bad_audio_setting_is_one_line_naming_the_file_and_line(tmp_path, setting, problem):
    path = write_profile(tmp_path, setting)
    with pytest.raises(DeviceError) as caught:
        load_device(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:7: device profile: ")
    assert problem in message
