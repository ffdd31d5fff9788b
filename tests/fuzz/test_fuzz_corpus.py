"""Replay every case the fuzzers ever failed on (tests/fuzz/corpus/), expecting a clean
result now, and check the tool that saves them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from . import save_case
from .save_case import CORPUS, SUFFIXES, kind_of, load_case
from .targets import (
    CLI_FIXTURES,
    check_cli,
    check_http,
    check_load,
    check_parse,
    check_profile,
    check_render,
    check_speech,
    fresh_folder,
    http_request,
    write_assets,
)

pytestmark = [
    pytest.mark.filterwarnings("ignore::hud.text.fonts.MissingGlyphWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
CASES = sorted(p for p in CORPUS.glob("*") if any(p.name.endswith(s) for s in SUFFIXES.values()))


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_corpus_case(path: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    kind, case = kind_of(path), load_case(path)
    write_assets(tmp_path)
    if kind == "scene":
        check_load(case.encode("utf-8"), tmp_path)
    elif kind == "parse":
        check_parse(case["text"], tmp_path)
    elif kind == "bytes":
        check_load(case, tmp_path)
    elif kind == "render":
        check_render(case["scene"], tmp_path, case["device"], case["profile"], case["times"])
    elif kind == "speech":
        check_speech(case["scene"], tmp_path)
    elif kind == "profile":
        check_profile(case, tmp_path)
    elif kind == "argv":
        check_cli(case["argv"], fresh_folder(tmp_path, "cli"), CLI_FIXTURES)
    else:  # one request, or a sequence that fails only as a whole (e.g. streams left open)
        server = request.getfixturevalue("api_server")
        for one in case.get("sequence", [case]):
            check_http(server.port, http_request(one))


def test_corpus_holds_only_cases() -> None:
    """Every file in the corpus is a case of a known kind (a stray file would never be replayed)."""
    strays = [p.name for p in CORPUS.glob("*") if p not in CASES and p.name != "README.md"]
    assert not strays, f"not corpus cases: {strays}"


def test_save_case_round_trip(tmp_path: Path) -> None:
    cases = {
        "scene": '[[widgets]]\ntype = "text"\ntext = "\\u001b[2J"\n',
        "bytes": b"\xef\xbb\xbf\xff\x00[[widgets]]",
        "render": {
            "scene": '[[widgets]]\ntype = "progress"\n',
            "device": "quark-s1",
            "profile": None,
            "times": [0.0, 1.5],
        },
        "speech": {"scene": '[[widgets]]\ntype = "text"\ntext = "hi"\n'},
        "profile": '[device]\nname = "x"\nhas_display = false\n',
        "argv": {"argv": ["render", "x.toml", "--fps", "nan"]},
        "http": {
            "method": "POST",
            "path": "/voice",
            "version": "HTTP/1.1",
            "headers": [["Content-Length", "2"]],
            "body": "e30=",
            "truncated": False,
        },
    }
    for kind, payload in cases.items():
        path = save_case.save_case(kind, payload, tmp_path)
        assert kind_of(path) == kind and load_case(path) == payload
        assert save_case.save_case(kind, payload, tmp_path) == path  # saved once
    surrogate = save_case.save_case("scene", "text = '\ud800'", tmp_path)  # cannot be UTF-8: kept as JSON
    assert kind_of(surrogate) == "parse" and load_case(surrogate) == {"text": "text = '\ud800'"}
    assert len(list(tmp_path.iterdir())) == len(cases) + 1
    assert not list(tmp_path.glob("*.part"))


def test_saved_on_failure_keeps_the_minimal_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With saving on, a failing hypothesis test leaves exactly its minimal example in the corpus."""
    monkeypatch.setenv("HUD_FUZZ_SAVE", "1")
    monkeypatch.setattr(save_case, "CORPUS", tmp_path)

    @settings(database=None, derandomize=True, max_examples=200)
    @given(st.integers(0, 1000))
    def fails_from_ten(number: int) -> None:
        with save_case.saved_on_failure("argv", {"argv": [str(number)]}):
            assert number < 10

    with pytest.raises(AssertionError):
        fails_from_ten()
    assert [load_case(p) for p in tmp_path.iterdir()] == [{"argv": ["10"]}]


def test_saved_on_failure_saves_nothing_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUD_FUZZ_SAVE", raising=False)
    monkeypatch.setattr(save_case, "CORPUS", tmp_path)

    @settings(database=None, derandomize=True, max_examples=50)
    @given(st.integers(0, 1000))
    def fails(number: int) -> None:
        with save_case.saved_on_failure("argv", {"argv": [str(number)]}):
            assert number < 10

    with pytest.raises(AssertionError):
        fails()
    assert not list(tmp_path.iterdir())
