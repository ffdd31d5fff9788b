"""benchmarks/frame_bench.py runs briefly in-process, and its peers are honest.

Structure and sanity only, never timing targets (CI machines vary): every contestant hands out
two uint8 eyes shaped like hud's, the peers draw hud's strings where hud draws them and their
pixels change as the text does, no string repeats in a run, and the JSON has its fields.
"""

from __future__ import annotations

import importlib
import json
import sys
from types import ModuleType

import numpy as np
import pytest

from paths import BENCHMARKS

FRAMES = (7, 8)


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    if str(BENCHMARKS) not in sys.path:  # as when run as a script: its folder's helpers import
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module("frame_bench")


def with_skia(bench: ModuleType) -> bool:
    """skia-python is a test dependency (.[test]): the benchmark's skia peer is always checked here."""
    assert bench.skia_version() is not None, "skia-python is missing: pip install -e '.[test]'"
    return True


def eyes_at(contestants, frame: int) -> dict[str, dict[str, np.ndarray]]:
    """Every contestant's eyes at `frame`, copied (peers reuse their arrays)."""
    shown = {}
    for name in contestants.names:
        _, _, eyes = contestants.run(name, frame)
        shown[name] = {eye: np.array(pixels) for eye, pixels in eyes.items()}
    return shown


@pytest.mark.parametrize("case", ["caption", "all"])
def test_every_contestant_hands_out_both_eyes_and_its_text_changes(bench, case):
    contestants = bench.Contestants(case, with_skia(bench))
    expected = {"hud", "pillow", "floor", "hud profiled"} | ({"skia"} if with_skia(bench) else set())
    assert set(contestants.names) == expected
    before, after = (eyes_at(contestants, frame) for frame in FRAMES)
    for name in contestants.names:
        for eyes in (before[name], after[name]):
            assert sorted(eyes) == ["left", "right"], name
            for pixels in eyes.values():
                assert pixels.dtype == np.uint8 and pixels.shape == (480, 640), name
                assert np.count_nonzero(pixels) > 5000, f"{name} drew almost nothing"
            assert np.array_equal(eyes["left"], eyes["right"]), f"{name}: quark-s1's eyes are the same image"
        assert not np.array_equal(before[name]["left"], after[name]["left"]), f"{name}: pixels did not change"


def test_nothing_changed_hands_back_the_same_frame(bench):
    contestants = bench.Contestants("none", with_skia(bench))
    before, after = (eyes_at(contestants, frame) for frame in FRAMES)
    for name in contestants.names:
        assert np.array_equal(before[name]["left"], after[name]["left"]), name


def test_peers_draw_hud_strings_where_hud_draws_them(bench):
    contestants = bench.Contestants("all", with_skia(bench))
    pillow = contestants.peers[0]
    renderer = contestants.hud.renderer
    for frame in FRAMES:
        _, _, hud_eyes = contestants.run("hud", frame)
        shown = bench.strings(bench.state(frame, "all"))
        widgets = bench.hud_texts(renderer)
        assert [widget.text for widget in widgets] == list(shown.values())
        for slot, widget, font in zip(contestants.layout.texts, widgets, pillow.fonts, strict=True):
            if slot.fit != "none":
                newest = renderer.text_block(widget).lines[-1].text
                assert pillow.fitter.fit(slot, font, shown[slot.key]) == newest, slot.key
        peer_eyes = pillow.show(bench.state(frame, "all"))
        lit_hud, lit_peer = hud_eyes["left"] > 96, peer_eyes["left"] > 96
        overlap = np.count_nonzero(lit_hud & lit_peer) / np.count_nonzero(lit_hud | lit_peer)
        assert overlap > 0.5, f"the Pillow peer's text lies elsewhere than hud's ({overlap:.2f} of lit pixels shared)"


def test_no_string_repeats_in_a_run(bench):
    """Within a workload, across workloads, and between the timed and the profiled hud's streams."""
    frames = 300
    stride = bench.WARMUP + frames + 1
    fixed = ("product", "store", "low_store", "low_mark", "rival_store")
    changing = {"caption": ("zh", "en"), "all": tuple(key for key in bench.texts(0, "none") if key not in fixed)}
    seen: dict[str, set[str]] = {}
    for parity in (0, 1):
        for index, case in enumerate(("caption", "all")):
            first = 1 + index * stride
            for frame in range(first, first + bench.WARMUP + frames):
                shown = bench.strings(bench.state(frame, case, parity))
                for key in changing[case]:
                    assert shown[key] not in seen.setdefault(key, set()), f"{key} repeats {shown[key]!r} ({case})"
                    seen[key].add(shown[key])


def test_the_caption_grows_by_a_word_then_starts_a_sentence(bench):
    previous = bench.caption(0)[1]
    for words in range(1, 80):
        zh, en = bench.caption(words)
        grew = en.startswith(previous + " ") and len(en.split()) == len(previous.split()) + 1
        started = len(en.split()) < len(previous.split()) and previous.endswith(en.rsplit(" ", 1)[0])
        assert grew or started, (previous, en)
        assert zh and zh != bench.caption(words - 1)[0]
        previous = en


def test_fitting_keeps_the_newest_line_and_cuts_with_an_ellipsis(bench):
    fitter = bench.Fitter(lambda font, text: 10.0 * len(text))
    assert fitter.newest_line(None, "aaa bbb ccc", 75) == "ccc"
    assert fitter.newest_line(None, "aaa bbb", 75) == "aaa bbb"
    assert fitter.newest_line(None, "地铁站在哪里？我们", 50) == "里？我们"
    assert fitter.ellipsis(None, "abcdefgh", 50) == "abcd…"
    assert fitter.ellipsis(None, "abcd", 50) == "abcd"


def test_copy_shifted_moves_the_image(bench):
    source = np.arange(1, 13, dtype=np.uint8).reshape(3, 4)
    target = np.full_like(source, 99)
    bench.copy_shifted(target, source, (1, -1))
    assert target.tolist() == [[0, 5, 6, 7], [0, 9, 10, 11], [0, 0, 0, 0]]
    bench.copy_shifted(target, source, (0, 0))
    assert np.array_equal(target, source)


def test_benchmark_runs_and_writes_json(bench, tmp_path, capsys):
    out = tmp_path / "frames.json"
    assert bench.main(["--frames", "2", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    for label in ("caption", "all", "none", "hud", "pillow", "floor", "hud stages", "targets"):
        assert label in table
    result = json.loads(out.read_text())
    assert result["device"] == "quark-s1" and result["frames"] == 2
    assert result["pillow_layout"] in ("basic", "raqm")
    names = {"hud", "pillow", "floor"} | ({"skia"} if with_skia(bench) else set())
    for case in ("caption", "all", "none"):
        row = result["workloads"][case]
        assert set(row["contestants"]) == names
        for values in row["contestants"].values():
            assert 0 < values["p50_ms"] <= values["p99_ms"] and values["mean_ms"] > 0 and values["cpu_p50_ms"] >= 0
        assert set(row["hud_over_peer_p50"]) == names - {"hud"}
        assert set(row["hud_stages"]) == {"update", "compose", "layout", "paint", "raster", "panel", "unstaged"}
        assert row["hud_profiled"]["p50_ms"] > 0
    assert len(result["targets"]) == (4 if with_skia(bench) else 2)
    for target in result["targets"]:
        value, limit = target["value_ms"], target["limit_ms"]
        assert value > 0 and limit > 0
        assert target["pass"] == (value < limit if target["target"].startswith("caption p99") else value <= limit)
    assert ("PASS" in table) or ("MISS" in table)
