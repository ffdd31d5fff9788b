"""Live speech playback (hud.speech.player): the mixer channel plays what starts, an interruption
restarts it, mute and audible=False keep it silent, a mixer that cannot open is a warning, and
the transcript lines. Headless: SDL's dummy audio driver (set per test) mixes in real time
without a sound card, so Channel.get_busy() tells whether something is playing."""

from __future__ import annotations

import re
import sys
import time
import warnings

import numpy as np
import pytest

from hud.scene import load_scene
from hud.speech import earcons
from hud.speech import player as player_module
from hud.speech.narrator import Narrator, narrate
from hud.speech.player import LEGEND, MARKS, SPEAKING, LivePlayer, play
from hud.text.fonts import has_glyph
from hud.widgets import Column, Notification, Text

from paths import SCENES

CITY_WALK = SCENES / "city-walk-timeline.toml"


def lines_of(player: LivePlayer, **options: int) -> list[str]:
    """The player's transcript as the lines it prints."""
    return [str(entry) for entry in player.transcript(**options)]


@pytest.fixture
def mixer(monkeypatch: pytest.MonkeyPatch):
    """pygame.mixer on SDL's dummy audio driver, closed again afterwards."""
    import pygame

    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.mixer.quit()
    monkeypatch.setattr(player_module, "_MIXER", None)
    monkeypatch.setattr(player_module, "_UNAVAILABLE", {})
    yield pygame.mixer
    pygame.mixer.quit()


def tree() -> tuple[Column, Notification, Notification]:
    paid = Notification(app="Alipay", title="Paid 18 yuan", body="Lv's Noodles", visible=False)
    urgent = Notification(app="Calendar", title="Train leaves in 2 minutes", priority="high", visible=False)
    return Column(paid, urgent), paid, urgent


def wait_until(condition, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_a_notification_plays_on_the_channel(mixer) -> None:
    root, paid, _ = tree()
    player = LivePlayer(Narrator(root, "quark-g1"))
    assert player.update(0.0) == [] and player.channel is None  # nothing shown, nothing played
    paid.visible = True
    decisions = player.update(0.5)
    assert [d.action for d in decisions] == ["queue", "start"]
    assert mixer.get_init()[:3] == (player.narrator.rate, -16, 2)
    channel = player.channel
    assert channel.get_busy() and channel.get_sound() is not None and player.busy and player.audible
    clip = player.narrator.clip(player.current)
    earcon, words = channel.get_sound(), channel.get_queue()  # the earcon first, the words queued after it
    assert earcon.get_length() == pytest.approx(earcons.earcon_duration("payment"), abs=0.01)
    assert earcon.get_length() + words.get_length() == pytest.approx(len(clip) / player.narrator.rate, abs=0.01)
    lines = lines_of(player)
    assert lines == [f"0:00.5 {SPEAKING} #1 Alipay: paid 18 yuan, Lv's Noodles"]
    player.stop()
    assert wait_until(lambda: not player.busy, 1.0)


def test_a_high_priority_notification_interrupts(mixer) -> None:
    root, paid, urgent = tree()
    player = LivePlayer(Narrator(root, "quark-g1"))
    paid.visible = True
    player.update(0.5)
    first = player.channel
    words = first.get_queue()
    assert words is not None  # the words wait behind the earcon
    urgent.visible = True
    decisions = player.update(0.8)
    assert first.get_queue() is not words  # the interrupted words are unqueued
    actions = [d.action for d in decisions]
    assert actions[:2] == ["queue", "interrupt"] and "start" in actions
    started = next(d for d in decisions if d.action == "start")
    assert started.utterance == 2 and player.current.id == 2
    second = player.channel
    assert second is not first and second.get_busy()  # the new one plays at once ...
    # ... while the old one fades out and its queue (one silent sample in place of the words)
    # plays out; the mixer's thread moves the queue a moment after the channel stops.
    assert wait_until(lambda: not first.get_busy() and first.get_queue() is None, 1.0)
    assert second.get_busy()
    lines = lines_of(player)
    assert lines[0].startswith("0:00.5 \u2016 #1 Alipay") and lines[0].endswith("(interrupted by #2)")
    assert lines[1].startswith(f"0:00.8 {SPEAKING} #2 Calendar")
    assert lines[2].startswith("0:00.8 \u25cb #3 Alipay") and lines[2].endswith("(again after #1)")
    player.stop()


def test_mute_plays_nothing_and_unmute_resumes(mixer) -> None:
    root, paid, _ = tree()
    player = LivePlayer(Narrator(root, "quark-g1"))
    player.mute()
    assert not player.audible
    paid.visible = True
    assert "start" in [d.action for d in player.update(0.5)]
    assert player.current is not None and not player.busy  # scheduled, not heard
    player.mute(False)
    assert player.audible and player.busy  # the utterance resumes where it is
    player.mute(True)
    assert wait_until(lambda: not player.busy, 1.0)
    player.update(0.6)
    assert not player.busy


def test_pause_holds_the_sound(mixer) -> None:
    hi = Text(text="Hi", visible=False)
    player = LivePlayer(Narrator(Column(hi), "quark-g1"))
    hi.visible = True
    player.update(0.5)
    player.pause()
    length = player.channel.get_sound().get_length()
    assert length < 1.0
    time.sleep(length + 0.3)
    assert player.busy  # held, not played out
    player.pause(False)
    assert wait_until(lambda: not player.busy, length + 1.0)  # and then it plays to the end


def test_audible_false_never_touches_pygame(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygame", None)  # any `import pygame` now fails
    monkeypatch.setitem(sys.modules, "pygame.mixer", None)
    root, paid, urgent = tree()
    player = LivePlayer(Narrator(root, "quark-g1"), audible=False)
    paid.visible = True
    player.update(0.5)
    urgent.visible = True
    assert "interrupt" in [d.action for d in player.update(0.8)]
    player.mute(True)
    player.mute(False)
    player.pause()
    player.stop()
    assert not player.audible and player.channel is None and not player.busy
    assert lines_of(player)[1].startswith(f"0:00.8 {SPEAKING} #2 Calendar")


def test_a_mixer_that_cannot_open_is_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import pygame

    pygame.mixer.quit()
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    monkeypatch.setattr(player_module, "_MIXER", None)
    monkeypatch.setattr(player_module, "_WARNED", set())
    monkeypatch.setattr(player_module, "_UNAVAILABLE", {})
    root, paid, urgent = tree()
    player = LivePlayer(Narrator(root, "quark-g1"))
    paid.visible = True
    with pytest.warns(RuntimeWarning, match=r"^speech is not audible: cannot play sound \(.*no-such-driver"):
        player.update(0.5)
    assert not player.audible and player.failure and player.current is not None
    other = LivePlayer(Narrator(root, "quark-g1"))
    urgent.visible = True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        other.update(0.6)
        player.update(0.8)
    assert caught == []  # not warned again
    assert not other.audible and other.failure
    assert pygame.mixer.get_init() is None


def test_a_mixer_already_open_at_another_rate_is_kept(mixer) -> None:
    mixer.init(frequency=44100, size=-16, channels=2)
    before = mixer.get_num_channels()
    root, paid, _ = tree()
    player = LivePlayer(Narrator(root, "quark-g1"))
    paid.visible = True
    player.update(0.5)
    assert mixer.get_init() == (44100, -16, 2) and mixer.get_num_channels() == before + 2
    clip = player.narrator.clip(player.current)
    assert player.channel.get_busy()
    played = player.channel.get_sound().get_length() + player.channel.get_queue().get_length()
    assert played == pytest.approx(len(clip) / player.narrator.rate, abs=0.01)  # resampled to 44.1 kHz, same length
    samples = len(mixer.Sound.get_raw(player.channel.get_sound())) + len(
        mixer.Sound.get_raw(player.channel.get_queue())
    )
    assert samples == pytest.approx(len(clip) * 2 * 2 * 2, rel=0.001)  # resampled: twice the samples, 2 ch, 2 bytes
    player.stop()


def test_transcript_lines_of_the_city_walk() -> None:
    narrator = play(CITY_WALK, realtime=False)
    reference = narrate(load_scene(CITY_WALK), "quark-g1")
    assert [(u.message.text, u.status) for u in narrator.utterances] == [
        (u.message.text, u.status) for u in reference.utterances
    ]
    player = LivePlayer(narrator, audible=False)
    lines = lines_of(player, limit=50)
    assert len(lines) == len(narrator.utterances)
    assert lines[0] == f"0:00.0 {MARKS['spoken']} #1 In 180 metres, turn left onto Hubin Road; 6 minutes to go"
    assert any(
        line.startswith("0:05.1 \u2016 #4 In 50 metres") and line.endswith("(interrupted by #6)") for line in lines
    )
    caption = next(line for line in lines if "#2 " in line)  # every word of the caption, merged
    assert caption.startswith("0:15.8 \u266a #2 Passer-by: Go straight ahead, turn left at the second crossing, then")
    clocks = [entry.clock for entry in player.transcript(limit=50)]
    assert clocks == sorted(clocks)  # oldest first, newest at the bottom
    assert lines_of(player, limit=3) == lines[-3:] and lines_of(player, limit=0) == []
    long = player.transcript(text_chars=30)
    assert all(len(entry.text) < 80 for entry in long) and any("\u2026" in str(entry) for entry in long)
    assert player.transcript(limit=50)[0].status == "spoken"


def test_every_mark_is_in_the_bundled_fonts() -> None:
    for char in "".join(MARKS.values()) + "\u2026" + LEGEND:
        assert char == " " or has_glyph(ord(char)), f"no bundled font draws {char!r}"


def test_play_in_real_time(mixer) -> None:
    start = time.monotonic()
    narrator = play(Text(text="Hello"), "quark-g1")
    took = time.monotonic() - start
    (hello,) = narrator.utterances
    assert hello.status == "spoken" and hello.message.text == "Hello"
    assert took >= hello.duration - 0.05  # it took as long as it speaks
    assert took < hello.duration + 2.0
    assert not LivePlayer(narrator).busy
    assert np.isclose(hello.start, 0.0)


def test_transcript_lines_show_the_speed_and_the_skipped_words() -> None:
    fast = LivePlayer(play("scenes/streaming-translation.toml", realtime=False), audible=False)
    assert any(
        " 导游 Guide: There are more than" in line and line.endswith("(1.5x)") for line in lines_of(fast, limit=50)
    )
    behind = LivePlayer(play("tests/speech/skip-en.toml", realtime=False), audible=False)
    skipped = [line for line in lines_of(behind, limit=50) if "skipped" in line]
    assert skipped and all(re.search(r"\(.*skipped \d+ words.*\)$", line) for line in skipped)
