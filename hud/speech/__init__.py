"""Speech output: the widget tree, as it changes, spoken on glasses without a display.

    from hud.speech import narrate
    narrator = narrate(hud.load_scene("scenes/navigation.toml"), "quark-g1")
    narrator.export("out/")          # speech.json + speech.wav

Stages, one module each: speakers (which widgets speak on a device), changes (what is new),
templates (the words), schedule (who speaks when), tts + earcons + audio (the sound), narrator
(all of it), player (live playback). The names below load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "EARCONS": "hud.speech.earcons",
    "LivePlayer": "hud.speech.player",
    "play": "hud.speech.player",
    "Narrator": "hud.speech.narrator",
    "narrate": "hud.speech.narrator",
    "speaks_on": "hud.speech.speakers",
    "register_template": "hud.speech.templates",
    "SpeechEngineError": "hud.speech.tts",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'hud.speech' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
