"""The emulator speaks: a narrator follows scene time on glasses without a display, its live
transcript is drawn on the no-display panel, and hot reload, device switches, seeking back, app
trees, muting and a missing speech engine all behave. Headless (no sound unless asked for, and
then on SDL's dummy audio driver)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import hud
from emulator import Emulator
from hud.speech import player as player_module
from hud.speech import tts
from hud.speech.player import SPEAKING

from paths import ROOT

CITY_WALK = ROOT / "scenes" / "city-walk-timeline.toml"
TURN_180 = "In 180 metres, turn left onto Hubin Road"
TURN_NOW = "Turn left now onto Hubin Road"
STEP = 1 / 60


def run(emu: Emulator, seconds: float) -> None:
    for _ in range(round(seconds / STEP)):
        emu.advance(STEP)


def index_of(lines: list[str], words: str) -> int:
    return next(i for i, line in enumerate(lines) if words in line)


@pytest.fixture
def g1() -> Emulator:
    return Emulator.open(CITY_WALK, device="quark-g1")


def test_the_city_walk_is_narrated_in_order(g1: Emulator) -> None:
    g1.clock.at_end = "stop"  # the timeline plays once, and what it says is heard out
    before = g1.grab(overlay=False)
    assert g1.narration.transcript == []
    g1.advance(STEP)
    assert g1.narration.speaking
    assert g1.narration.transcript[0].startswith(f"0:00.0 {SPEAKING} #1 {TURN_180}")
    after = g1.grab(overlay=False)
    changed = np.any(before != after, axis=2)
    assert changed[130:].sum() > 1000  # the transcript is drawn
    assert (after[130:, :, 1] > 200).sum() > 100  # light text on the dark panel
    run(g1, 24.0)  # the 10 s timeline, and speech after it
    lines = g1.narration.transcript
    assert index_of(lines, TURN_180) < index_of(lines, "In 50 metres") < index_of(lines, TURN_NOW)
    assert any("Continue straight for 350 metres on Nanshan Road" in line for line in lines)
    assert not any(SPEAKING in line.split()[1] for line in lines)  # all said by now
    summary = g1.summary()
    assert summary["transcript"] == lines
    assert summary["speech"] == {
        "speaking": True,
        "audible": False,
        "muted": False,
        "error": None,
        "sound_error": None,
        "utterances": len(g1.narration.player.narrator.utterances),
    }


def test_the_timeline_runs_without_a_renderer(g1: Emulator) -> None:
    assert g1.scene_state.renderer is None
    run(g1, 3.0)
    assert g1.scene.find("next-turn").distance_m < 180 and g1.scene.find("pay").visible


def test_hot_reload_starts_a_fresh_narrator(g1: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "walk.toml"
    shutil.copy(CITY_WALK, path)
    emu = Emulator.open(path, device="quark-g1")
    run(emu, 2.0)
    old = emu.narration.player
    assert old is not None and any(TURN_180 in line for line in emu.narration.transcript)
    path.write_text(path.read_text(encoding="utf-8").replace("Hubin Road", "Lakeside Road"), encoding="utf-8")
    assert emu.poll() and emu.scene_state.error is None
    assert emu.narration.player is None and emu.narration.transcript == []  # forgotten at once ...
    emu.advance(STEP)
    assert emu.narration.player is not None and emu.narration.player is not old  # ... and spoken afresh from now
    first = emu.narration.transcript[0]
    assert first.startswith(f"0:02.0 {SPEAKING} #1 In ") and "Lakeside Road" in first
    assert not any("Hubin Road" in line for line in emu.narration.transcript)


def test_a_device_without_speech_stops_it_and_switching_back_starts_afresh(g1: Emulator) -> None:
    run(g1, 1.0)
    assert g1.narration.transcript
    g1.set_device("quark-s1")  # a display, and nothing speak="always"
    run(g1, 1.0)
    assert not g1.narration.speaking and g1.narration.transcript == [] and g1.summary()["transcript"] == []
    g1.set_device("quark-g1")
    g1.advance(STEP)
    assert g1.narration.speaking and g1.narration.transcript[0].startswith(f"0:02.0 {SPEAKING} #1 In ")


def test_seeking_back_starts_afresh_and_forward_goes_on(g1: Emulator) -> None:
    run(g1, 1.0)
    narrator = g1.narration.player.narrator
    g1.seek(3.0)
    assert g1.narration.player.narrator is narrator  # forward: the same narrator moves on
    g1.seek(0.5)
    assert g1.narration.player.narrator is not narrator
    assert g1.narration.transcript[0].startswith(f"0:00.5 {SPEAKING} #1 In ")


def test_speak_always_speaks_on_a_display_device(tmp_path: Path) -> None:
    path = tmp_path / "alert.toml"
    path.write_text(
        '[[widgets]]\ntype = "notification"\napp = "Calendar"\ntitle = "Train leaves soon"\nspeak = "always"\n',
        encoding="utf-8",
    )
    emu = Emulator.open(path, device="quark-s1")
    emu.advance(STEP)
    assert emu.scene_state.frame is not None and emu.narration.speaking
    assert "Calendar" in emu.narration.transcript[0] and "train leaves soon" in emu.narration.transcript[0].lower()


def test_an_app_tree_speaks() -> None:
    class Walk:
        def setup(self, emulator: Emulator) -> None:
            self.note = emulator.scene.add(hud.Notification(app="Maps", title="Route ready", visible=False))

        def update(self, emulator: Emulator, t: float, dt: float) -> None:
            self.note.visible = t >= 0.5

    emu = Emulator.open(hud.Scene(), device="quark-g1")
    emu.attach(Walk())
    run(emu, 0.4)
    assert emu.narration.transcript == []
    run(emu, 0.2)
    transcript = emu.narration.transcript
    assert len(transcript) == 1 and "Maps" in transcript[0] and SPEAKING in transcript[0]


def test_a_speech_engine_error_is_shown_not_raised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken() -> tts.Engine:
        raise tts.SpeechEngineError("no speech engine: package: not installed (run `make env`)")

    monkeypatch.setattr(tts, "engine", broken)
    emu = Emulator.open(CITY_WALK, device="quark-g1")
    run(emu, 0.5)  # no exception
    assert emu.narration.error == "no speech engine: package: not installed (run `make env`)"
    assert emu.scene_state.error is None and not emu.narration.speaking and emu.clock.t == pytest.approx(0.5)
    image = emu.grab()
    red = (image[..., 0] > 200) & (image[..., 1] < 140)
    assert red.sum() > 200  # the error box
    assert emu.summary()["speech"]["error"] == emu.narration.error
    monkeypatch.undo()
    emu.set_device("quark-g1")  # tried again
    emu.advance(STEP)
    assert emu.narration.error is None and emu.narration.speaking


def test_audible_with_the_dummy_driver_and_mute(monkeypatch: pytest.MonkeyPatch) -> None:
    import pygame

    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.mixer.quit()
    monkeypatch.setattr(player_module, "_MIXER", None)
    monkeypatch.setattr(player_module, "_UNAVAILABLE", {})
    try:
        emu = Emulator.open(CITY_WALK, device="quark-g1")
        emu.narration.set_audible(True)
        emu.advance(STEP)
        assert emu.narration.player.busy and emu.narration.state()["audible"]
        assert emu.narration.mute() is True
        assert not emu.narration.state()["audible"] and "  muted  " in emu.viewer.status_line()
        image = emu.grab(overlay=False)
        assert (image[40:80, 700:920, 0] > 100).sum() > 100  # the MUTED tag, top right
        emu.set_device("quark-g1")
        emu.advance(STEP)
        player = emu.narration.player
        assert emu.narration.muted and not player.audible and not player.busy  # stays muted across restarts
        assert emu.narration.mute() is False
        assert emu.narration.player.busy  # what is being said resumes
        emu.narration.set_audible(False)
        assert not emu.narration.player.audible
    finally:
        pygame.mixer.quit()


def test_no_audio_output_is_a_warning_and_the_status_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import pygame

    pygame.mixer.quit()
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    monkeypatch.setattr(player_module, "_MIXER", None)
    monkeypatch.setattr(player_module, "_WARNED", set())
    monkeypatch.setattr(player_module, "_UNAVAILABLE", {})
    emu = Emulator.open(CITY_WALK, device="quark-g1")
    emu.narration.set_audible(True)
    with pytest.warns(RuntimeWarning, match="speech is not audible"):
        emu.advance(STEP)
    sound_error = emu.narration.sound_error
    assert sound_error and "no-such-driver" in sound_error and "  no sound  " in emu.viewer.status_line()
    assert emu.narration.transcript and emu.narration.error is None  # the schedule runs on, silently
    run(emu, 1.0)
    emu.narration.set_audible(False)
    assert emu.narration.sound_error is None and "no sound" not in emu.viewer.status_line()
