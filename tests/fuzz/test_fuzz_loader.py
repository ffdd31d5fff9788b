"""Fuzz the scene loader: any text, any bytes, any size. Only a one-line HudError naming the
file may come out, with the user's strings escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, note, settings

from .save_case import saved_on_failure
from .strategies import oversized_scene_texts, scene_bytes, scene_texts
from .targets import check_load, check_parse, fresh_folder, write_assets
from budget import examples

pytestmark = [
    pytest.mark.filterwarnings("ignore::hud.text.fonts.MissingGlyphWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
FUZZ = settings.get_profile("hud-fuzz")


def _folder(workdir: Path) -> Path:
    folder = fresh_folder(workdir, "scene")
    write_assets(folder)
    return folder


@FUZZ
@given(text=scene_texts(surrogates=True))
def test_parse_scene_any_text(text: str, workdir: Path) -> None:
    note(f"case: {text!r}")
    with saved_on_failure("scene", text):
        check_parse(text, _folder(workdir))


@FUZZ
@given(raw=scene_bytes())
def test_load_scene_any_bytes(raw: bytes, workdir: Path) -> None:
    note(f"case: {raw!r}")
    with saved_on_failure("bytes", raw):
        check_load(raw, _folder(workdir))


# Few distinct shapes (depth, widget count, timeline length, text length, file size past the
# limits), each slow to build: a handful of examples covers them.
@settings(FUZZ, max_examples=min(FUZZ.max_examples, examples(quick=15, long=40)))
@given(text=oversized_scene_texts())
def test_load_scene_past_the_limits(text: str, workdir: Path) -> None:
    note(f"case: {text!r}")
    with saved_on_failure("scene", text):
        check_load(text.encode("utf-8"), _folder(workdir))
