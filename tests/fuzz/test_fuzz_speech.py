"""Fuzz the spoken path: valid scenes rendered for the display-less quark-g1 give a valid
speech.json and speech.wav, without an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, note, settings

from .save_case import saved_on_failure
from .strategies import speech_scenes
from .targets import check_speech, fresh_folder, write_assets

pytestmark = [
    pytest.mark.filterwarnings("ignore::hud.text.fonts.MissingGlyphWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
FUZZ = settings.get_profile("hud-fuzz")


@FUZZ
@given(text=speech_scenes())
def test_valid_scenes_speak(text: str, workdir: Path) -> None:
    folder = fresh_folder(workdir, "speech")
    write_assets(folder)
    note(f"case: {text!r}")
    with saved_on_failure("speech", {"scene": text}):
        check_speech(text, folder)
