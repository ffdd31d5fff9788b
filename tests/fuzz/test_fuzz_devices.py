"""Fuzz device profiles: valid tiny ones load and render; broken ones give one line naming
the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, note, settings

from .save_case import saved_on_failure
from .strategies import profile_texts
from .targets import check_profile, fresh_folder, write_assets

pytestmark = [
    pytest.mark.filterwarnings("ignore::hud.text.fonts.MissingGlyphWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
FUZZ = settings.get_profile("hud-fuzz")


@FUZZ
@given(text=profile_texts())
def test_any_profile(text: str, workdir: Path) -> None:
    folder = fresh_folder(workdir, "profile")
    write_assets(folder)
    note(f"case: {text!r}")
    with saved_on_failure("profile", text):
        check_profile(text, folder)
