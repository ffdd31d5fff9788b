"""Fuzz the emulator's HTTP API with requests of any shape: paths from its route table and
beyond, any method, broken headers and lengths, hostile JSON and raw bodies. Every answer is
well-formed HTTP with a 2xx or 4xx status, never 5xx, never a hang, and the server lives on."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, note, settings

from emulator import Emulator
from emulator.server import ROUTES
from hud.widgets import WIDGET_TYPES

from .save_case import saved_on_failure
from .strategies import http_requests
from .targets import check_http, http_case

pytestmark = [
    pytest.mark.filterwarnings("ignore::hud.text.fonts.MissingGlyphWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
FUZZ = settings.get_profile("hud-fuzz")
WIDGET_KEYS = sorted({name for cls in WIDGET_TYPES.values() for name in cls.props})


@FUZZ
@given(request=http_requests(ROUTES, WIDGET_KEYS))
def test_any_request(request: dict[str, Any], api_server) -> None:  # noqa: ANN001
    api_server.emulator = Emulator.open(api_server.scene_path)  # every case starts from the same state
    note(f"case: {request!r}")
    with saved_on_failure("http", http_case(request)):
        check_http(api_server.port, request)
