"""Which language a piece of text is in, for choosing a speech template and a voice.

Detection lives in `hud.text.language` (widgets word their own labels with it too); it is
re-exported here.
"""

from __future__ import annotations

from hud.text.language import detect, primary

TEMPLATE_LANGUAGES = ("en", "zh")


def template_language(language: str) -> str:
    """The language of the speech templates used for `language`: Chinese for zh, else English."""
    code = primary(language)
    return code if code in TEMPLATE_LANGUAGES else "en"


__all__ = ["TEMPLATE_LANGUAGES", "detect", "primary", "template_language"]
