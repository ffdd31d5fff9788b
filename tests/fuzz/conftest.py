"""Hypothesis profiles and shared fixtures of the fuzz tests.

`make test` runs every fuzz target on 200 examples and `make test-long` on 2,000 (tests/budget.py),
derandomized: the same examples on every run, nothing stored; the corpus of cases that once
failed is replayed in both. `make fuzz` sets HUD_FUZZ_EXAMPLES (100,000) and explores: new random
examples each run, hypothesis's example database kept in tests/fuzz/.hypothesis (git-ignored),
and with HUD_FUZZ_SAVE=1 every minimal failing case written to tests/fuzz/corpus/.
The fuzz tests use the profile "hud-fuzz", which is one of the two.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from budget import examples

HERE = Path(__file__).resolve().parent
EXAMPLES = int(os.environ.get("HUD_FUZZ_EXAMPLES") or 0)
TEST_EXAMPLES = examples(quick=200, long=2_000)

_COMMON = {
    "deadline": None,
    "print_blob": True,
    # Generated scenes are large and some cases are slow by design (oversized input).
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
}
settings.register_profile("hud-fuzz-test", max_examples=TEST_EXAMPLES, derandomize=True, database=None, **_COMMON)
settings.register_profile(
    "hud-fuzz-explore",
    max_examples=EXAMPLES or TEST_EXAMPLES,
    derandomize=False,
    database=DirectoryBasedExampleDatabase(str(HERE / ".hypothesis")),
    **_COMMON,
)
settings.register_profile("hud-fuzz", settings.get_profile("hud-fuzz-explore" if EXAMPLES else "hud-fuzz-test"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for one test module's cases (each case empties the sub-folder it uses)."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory):
    """The emulator's HTTP API, headless, on a free port, over a small scene."""
    from emulator import Emulator
    from emulator.server import ApiServer

    from .targets import TINY_SCENE

    folder = tmp_path_factory.mktemp("http")
    scene = folder / "valid.toml"
    scene.write_text(TINY_SCENE, encoding="utf-8")
    server = ApiServer(Emulator.open(scene))
    server.scene_path = scene
    server.start()
    yield server
    server.stop()
