"""Which language a piece of text is in: for the words widgets draw and the templates speech says."""

from __future__ import annotations

# Scripts that name their language outright, checked in this order (kana before Han: Japanese
# text mixes both).
_SCRIPT_LANGUAGES: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("ja", ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))),
    ("ko", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    ("zh", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))),
    ("ar", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("he", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    ("hi", ((0x0900, 0x097F),)),
    ("bn", ((0x0980, 0x09FF),)),
    ("ta", ((0x0B80, 0x0BFF),)),
    ("th", ((0x0E00, 0x0E7F),)),
    ("ru", ((0x0400, 0x04FF),)),
    ("el", ((0x0370, 0x03FF),)),
)


def primary(language: str | None) -> str:
    """The primary subtag in lower case: "zh-Hans-CN" -> "zh", "EN_us" -> "en", None -> ""."""
    if not language:
        return ""
    return language.replace("_", "-").split("-")[0].lower()


# A Han, kana or Hangul character carries about as much as a short word: it counts as this many
# letters when scripts are weighed against each other.
_IDEOGRAPH_WEIGHT = 3
_IDEOGRAPHIC = ("ja", "ko", "zh")


def detect(text: str, hint: str | None = None) -> str:
    """The language of `text`: `hint` when given, else the script with the most weight (letters;
    an ideograph or syllable counts three). Kana make Han text Japanese; Latin script is English."""
    if hint:
        return primary(hint)
    weight = {code: 0 for code, _ in _SCRIPT_LANGUAGES}
    latin = 0
    for char in text:
        point = ord(char)
        if point < 0x0370:
            latin += char.isalpha()
            continue
        for code, ranges in _SCRIPT_LANGUAGES:
            if any(low <= point <= high for low, high in ranges):
                weight[code] += _IDEOGRAPH_WEIGHT if code in _IDEOGRAPHIC else 1
                break
    if weight["ja"] and weight["zh"]:  # Japanese writes Han with kana
        weight["ja"] += weight.pop("zh")
    best = max(weight, key=lambda code: weight[code])
    return best if weight[best] > latin else "en"
