"""Fuzz the `hud` command line: argument vectors generated from its argparse declarations
(and the emulator's, for `hud emulate`), with valid, broken and missing files, odd numbers
and hostile strings. Exit status 0 or 2, never an internal error or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, note, settings

from emulator.__main__ import _parser as emulator_parser
from hud.cli import _parser as hud_parser

from .save_case import saved_on_failure
from .strategies import cli_argvs
from .targets import CLI_FIXTURES, check_cli, fresh_folder

pytestmark = [
    pytest.mark.filterwarnings("ignore::hud.text.fonts.MissingGlyphWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
FUZZ = settings.get_profile("hud-fuzz")


@FUZZ
@given(argv=cli_argvs(hud_parser(), {"emulate": emulator_parser()}))
def test_any_command_line(argv: list[str], workdir: Path) -> None:
    note(f"case: {argv!r}")
    with saved_on_failure("argv", {"argv": argv}):
        check_cli(argv, fresh_folder(workdir, "cli"), CLI_FIXTURES)
