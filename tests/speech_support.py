"""What the live-speech tests share: an engine with exact timing, and the words a narrator said."""

from __future__ import annotations

import numpy as np

from hud.speech.narrator import Narrator
from hud.speech.schedule import Utterance
from hud.speech.stream import tokens_of

SECONDS_PER_CHAR = 0.06


class PacedEngine:
    """Speaks every character in exactly SECONDS_PER_CHAR / rate seconds (silence), so every time
    is known; it takes a speed, so the schedule paces live text."""

    name = "paced test engine"
    sample_rate = 1000

    def synthesize(self, text: str, language: str, rate: float = 1.0) -> np.ndarray:
        return np.zeros(round(len(text) * SECONDS_PER_CHAR / rate * self.sample_rate), np.float32)


def words(text: str) -> list[str]:
    return [token.word for token in tokens_of(text, 0.0)]


def spoken(narrator: Narrator) -> list[Utterance]:
    """Utterances that were heard (to the end or cut off), in the order they were heard."""
    return sorted((u for u in narrator.utterances if u.start is not None), key=lambda u: (u.start, u.id))


def heard_or_skipped(narrator: Narrator) -> list[str]:
    """The live words in the order the voice dealt with them: each utterance's skipped words, then
    the words it says (a correction's left out)."""
    found: list[str] = []
    for u in spoken(narrator):
        if u.skipped:
            found += words(u.skipped["text"])
        found += [word.word for word in u.words if not word.correction]
    return found
