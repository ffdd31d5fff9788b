"""Fuzz the renderer: valid scenes generated from the widget declarations render on tiny
generated displays and built-in ones, at any times in any order, into arrays of the device's
shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note, settings

from .save_case import saved_on_failure
from .strategies import render_cases
from .targets import check_render, fresh_folder, write_assets

pytestmark = [
    pytest.mark.filterwarnings("ignore::hud.text.fonts.MissingGlyphWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
FUZZ = settings.get_profile("hud-fuzz")


@FUZZ
@given(case=render_cases())
def test_valid_scenes_render(case: dict[str, Any], workdir: Path) -> None:
    folder = fresh_folder(workdir, "render")
    write_assets(folder)
    note(f"case: {case!r}")
    with saved_on_failure("render", case):
        check_render(case["scene"], folder, case["device"], case["profile"], case["times"])
