"""Speech of real scenes with the real espeak-ng engine: transcripts, speech.json, speech.wav.

The WAV checks listen by proxy: speech is loud where the transcript says something is said and
silent elsewhere, utterances last about as long as their words need, and a left turn's earcon is
louder in the left ear.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hud.cli import main
from hud.scene import load_scene, parse_scene
from hud.speech import audio, earcons, tts
from hud.speech.narrator import EARCON_GAP_S, narrate

from paths import EXAMPLES as SCENES

RATE = audio.SAMPLE_RATE


@pytest.fixture(scope="module")
def city_walk(tmp_path_factory) -> tuple[dict, np.ndarray]:
    out = tmp_path_factory.mktemp("city-walk")
    assert main(["render", "scenes/city-walk-timeline.toml", "--device", "quark-g1", "--out", str(out)]) == 0
    record = json.loads((out / "speech.json").read_text(encoding="utf-8"))
    track, rate = audio.read_wav(out / "speech.wav")
    assert rate == RATE
    return record, track


@pytest.mark.parametrize("path", SCENES, ids=[p.stem for p in SCENES])
def test_transcript_golden_of_every_example_scene_on_g1(path: Path, golden) -> None:
    narrator = narrate(load_scene(path), "quark-g1")
    golden.check_text(f"speech-{path.stem}", narrator.transcript())
    assert any(u.status == "spoken" for u in narrator.utterances)


def test_cli_writes_both_files_with_every_field(city_walk) -> None:
    record, track = city_walk
    assert record["device"] == "quark-g1" and record["sample_rate"] == RATE
    assert track.shape == (round(record["duration"] * RATE), 2)
    first = record["utterances"][0]
    assert set(first) >= {"start", "text", "language", "priority", "earcon", "pan", "status", "reason"}
    assert first["text"] == "In 180 metres, turn left onto Hubin Road; 6 minutes to go"
    assert first["earcon"] == "turn-left" and first["pan"] < 0
    statuses = {u["status"] for u in record["utterances"]}
    assert statuses == {"spoken", "interrupted"}  # a caption's words are never dropped
    caption = next(u for u in record["utterances"] if u["source"] == "live")
    assert caption["rate"] > 1.0 and caption["skipped"] is None and len(caption["words"]) == 25
    assert all(w["heard"] >= w["arrived"] for w in caption["words"])
    assert record["latency"]["words"] == 25 and record["skipped_words"] == 0
    for u in record["utterances"]:
        assert (u["reason"] is None) == (u["status"] == "spoken")
    assert [d["t"] for d in record["decisions"]] == sorted(d["t"] for d in record["decisions"])


def test_wav_is_loud_where_speech_is_and_silent_elsewhere(city_walk) -> None:
    record, track = city_walk
    heard = [(u["start"], u["end"]) for u in record["utterances"] if u["start"] is not None]
    spans = audio.active_spans(track, RATE)
    assert spans, "the track is silent"
    joined: list[list[float]] = []  # utterances that follow each other at once sound as one stretch
    for s, e in sorted(heard):
        if joined and s - joined[-1][1] < 0.15:
            joined[-1][1] = max(joined[-1][1], e)
        else:
            joined.append([s, e])
    for start, end in spans:  # every loud stretch lies inside some utterance
        assert any(s - 0.03 <= start and end <= e + 0.03 for s, e in joined), (start, end)
    for s, e in heard:  # and every utterance of 0.3 s or more is heard
        if e - s >= 0.3:
            assert audio.rms_db(track[int(s * RATE) : int(e * RATE)]) > -35, (s, e)
    quiet = np.ones(len(track), bool)
    for s, e in heard:
        quiet[max(0, int((s - 0.005) * RATE)) : int((e + 0.005) * RATE)] = False  # times in speech.json are to the ms
    assert quiet.sum() > RATE // 2  # gaps exist: between utterances, and the tail
    assert np.abs(track[quiet]).max() < 1e-3
    assert np.abs(track).max() <= 0.98


def test_utterances_last_as_long_as_their_words_need() -> None:
    engine = tts.engine()
    for text, language, per_unit, units in (
        ("In 120 metres, turn left onto Wensan Road", "en", (0.25, 0.6), 8),  # seconds per word
        ("Alipay: payment complete, 4 yuan, Hangzhou Metro", "en", (0.25, 0.6), 7),
        ("前方120米左转，进入文三路", "zh", (0.15, 0.45), 12),  # seconds per syllable
        ("支付宝：支付成功，4元，杭州地铁", "zh", (0.15, 0.45), 12),
    ):
        seconds = engine.duration(text, language)
        assert per_unit[0] * units <= seconds <= per_unit[1] * units, (text, seconds)
    assert engine.duration("Turn left now", "en") < engine.duration("In 120 metres, turn left onto Wensan Road", "en")


def test_left_turn_earcon_is_louder_in_the_left_ear(city_walk) -> None:
    record, track = city_walk
    first = next(u for u in record["utterances"] if u["earcon"] == "turn-left" and u["start"] is not None)
    length = earcons.earcon_duration("turn-left")
    left, right = audio.channel_rms_db(track[int(first["start"] * RATE) : int((first["start"] + length) * RATE)])
    assert left - right >= 10
    words = track[int((first["start"] + length + EARCON_GAP_S) * RATE) : int(first["end"] * RATE)]
    left, right = audio.channel_rms_db(words)
    assert abs(left - right) < 0.5  # the words themselves are centred


def test_right_turn_earcon_is_louder_in_the_right_ear(tmp_path: Path) -> None:
    scene = parse_scene('[scene]\ntitle = "r"\n[[widgets]]\ntype = "nav_arrow"\nmaneuver = "right"\ndistance_m = 300\n')
    narrator = narrate(scene, "quark-g1")
    narrator.export(tmp_path)
    track, _ = audio.read_wav(tmp_path / "speech.wav")
    left, right = audio.channel_rms_db(track[: int(earcons.earcon_duration("turn-right") * RATE)])
    assert right - left >= 10


def test_interrupted_speech_stops_in_the_wav(city_walk) -> None:
    record, track = city_walk
    cut = next(u for u in record["utterances"] if u["status"] == "interrupted" and u["priority"] == "urgent")
    after = next(u for u in record["utterances"] if u["start"] == cut["end"])
    assert after["priority"] == "urgent" and after["text"].startswith("Turn left now")
    # Only the new utterance's sound follows the cut: its earcon starts at once, panned left.
    left, right = audio.channel_rms_db(track[int(cut["end"] * RATE) : int((cut["end"] + 0.15) * RATE)])
    assert left - right >= 6


def test_mono_speakers_get_centred_audio(tmp_path: Path) -> None:
    device = tmp_path / "mono.toml"
    device.write_text('[device]\nname = "mono-glasses"\nhas_display = false\n[audio]\nspeakers = "mono"\n')
    scene = parse_scene('[scene]\ntitle = "m"\n[[widgets]]\ntype = "nav_arrow"\nmaneuver = "left"\ndistance_m = 300\n')
    narrator = narrate(scene, str(device))
    track = narrator.mix()
    assert np.array_equal(track[:, 0], track[:, 1])


def test_display_device_writes_speech_for_opted_in_widgets(tmp_path: Path, capsys) -> None:
    scene = tmp_path / "opt-in.toml"
    scene.write_text(
        '[scene]\ntitle = "opt-in"\n[[widgets]]\ntype = "nav_arrow"\nmaneuver = "left"\n'
        'distance_m = 80\nspeak = "always"\n[[widgets]]\ntype = "text"\ntext = "Shown only"\n'
        'anchor = "bottom"\n'
    )
    assert main(["render", str(scene), "--device", "quark-s1", "--out", str(tmp_path / "out")]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["layout.json", "left.png", "preview.png", "right.png", "speech.json", "speech.wav"]
    record = json.loads((tmp_path / "out" / "speech.json").read_text(encoding="utf-8"))
    assert [u["text"] for u in record["utterances"]] == ["In 80 metres, turn left"]
    plain = tmp_path / "plain.toml"
    plain.write_text('[scene]\ntitle = "plain"\n[[widgets]]\ntype = "text"\ntext = "Shown only"\n')
    assert main(["render", str(plain), "--device", "quark-s1", "--out", str(tmp_path / "plain")]) == 0
    assert not (tmp_path / "plain" / "speech.wav").exists()


def test_display_only_flags_on_g1_are_one_line_errors(tmp_path: Path, capsys) -> None:
    for flag, value in (("--at", "2s"), ("--frames", str(tmp_path / "f")), ("--preview", str(tmp_path / "p.gif"))):
        code = main(
            ["render", "scenes/navigation.toml", "--device", "quark-g1", flag, value, "--out", str(tmp_path / "o")]
        )
        err = capsys.readouterr().err.strip()
        assert code == 2 and len(err.splitlines()) == 1 and "has no display" in err and f"drop {flag}" in err
    assert not (tmp_path / "o").exists()


def test_missing_speech_engine_is_one_clear_line_and_writes_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    def no_engine():
        return tts.load_engine(sources=())

    monkeypatch.setattr(tts, "engine", no_engine)
    code = main(["render", "scenes/navigation.toml", "--device", "quark-g1", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith("no speech engine") and "pip install espeakng-loader" in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_unwritable_output_is_one_line_and_leaves_no_half_file(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["render", "scenes/navigation.toml", "--device", "quark-g1", "--out", str(blocker)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "cannot write the speech files" in err
    assert blocker.read_text() == "not a folder"


def test_speech_language_option_forces_chinese_templates(tmp_path: Path) -> None:
    assert (
        main(["render", "scenes/navigation.toml", "--device", "quark-g1", "--language", "zh", "--out", str(tmp_path)])
        == 0
    )
    record = json.loads((tmp_path / "speech.json").read_text(encoding="utf-8"))
    assert record["utterances"][0]["text"] == "前方120米左转，进入Wensan Road，预计8分钟后到达"
    assert record["utterances"][0]["voice"] == "cmn"


def test_the_same_app_code_draws_on_s1_and_speaks_on_g1(tmp_path: Path) -> None:
    import hud

    def app(device: str) -> hud.Output:
        pay = hud.Notification(
            id="pay",
            app="Alipay",
            title="Payment complete",
            body="¥4.00 · Hangzhou Metro",
            icon="wallet",
            visible=False,
            anchor="top-right",
        )
        out = hud.Output(hud.Scene(pay), device=device)
        for step in range(40):  # the app's own loop: 2 s at 20 Hz
            t = step / 20
            pay.visible = t >= 0.5
            out.update(t)
        return out

    s1, g1 = app("quark-s1"), app("quark-g1")
    assert s1.frame is not None and s1.narrator is None
    assert g1.frame is None and g1.renderer is None
    spoken = g1.narrator.utterances
    assert [(u.start, u.message.text, u.message.earcon) for u in spoken] == [
        (0.5, "Alipay: payment complete, 4 yuan, Hangzhou Metro", "payment")
    ]
    names = sorted(p.name for p in g1.export(tmp_path / "g1"))
    assert names == ["speech.json", "speech.wav"]
    assert sorted(p.name for p in s1.export(tmp_path / "s1")) == ["layout.json", "left.png", "preview.png", "right.png"]


def test_output_running_a_scene_live_says_what_the_offline_render_says() -> None:
    import hud

    offline = narrate(load_scene("scenes/city-walk-timeline.toml"), "quark-g1").transcript()
    out = hud.Output(load_scene("scenes/city-walk-timeline.toml"), device="quark-g1")
    for step in range(201):
        out.update(step * 0.05)
    out.narrator.finish()
    assert out.narrator.transcript() == offline
