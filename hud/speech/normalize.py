"""Display text into speakable text: money, units and separators as people say them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from hud.errors import HudError, escape
from hud.widgets.formatting import CURRENCIES

# ISO code -> (English singular, English plural, Chinese)
CURRENCY_WORDS: dict[str, tuple[str, str, str]] = {
    "CNY": ("yuan", "yuan", "元"),
    "JPY": ("yen", "yen", "日元"),
    "KRW": ("won", "won", "韩元"),
    "USD": ("dollar", "dollars", "美元"),
    "HKD": ("Hong Kong dollar", "Hong Kong dollars", "港元"),
    "TWD": ("New Taiwan dollar", "New Taiwan dollars", "新台币"),
    "SGD": ("Singapore dollar", "Singapore dollars", "新加坡元"),
    "AUD": ("Australian dollar", "Australian dollars", "澳元"),
    "CAD": ("Canadian dollar", "Canadian dollars", "加元"),
    "EUR": ("euro", "euros", "欧元"),
    "GBP": ("pound", "pounds", "英镑"),
    "INR": ("rupee", "rupees", "卢比"),
    "THB": ("baht", "baht", "泰铢"),
    "VND": ("dong", "dong", "越南盾"),
}
# The symbols hud.widgets.formatting displays, read back to their codes (the first code of a
# shared symbol wins: ¥ is CNY), plus common variants; longest first, so "HK$" wins over "$".
_SYMBOL_CODES = {style.symbol: code for code, style in reversed(CURRENCIES.items())} | {"￥": "CNY", "US$": "USD"}
_SYMBOLS: tuple[tuple[str, str], ...] = tuple(sorted(_SYMBOL_CODES.items(), key=lambda item: -len(item[0])))
_NUMBER = r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?"
_MONEY = re.compile("(" + "|".join(re.escape(symbol) for symbol, _ in _SYMBOLS) + r")\s?" + _NUMBER)
MAX_GROUPED_DIGITS = 15  # a number with more digits before its point is read digit by digit

# Unit as written -> (English singular, English plural, Chinese with {n} for the number). Units
# "per" something come first: "km/h" is one unit, not kilometres then "/h".
UNITS: dict[str, tuple[str, str, str]] = {
    "km/h": ("kilometre per hour", "kilometres per hour", "每小时{n}公里"),
    "kph": ("kilometre per hour", "kilometres per hour", "每小时{n}公里"),
    "m/s": ("metre per second", "metres per second", "每秒{n}米"),
    "mph": ("mile per hour", "miles per hour", "每小时{n}英里"),
    "km": ("kilometre", "kilometres", "{n}公里"),
    "min": ("minute", "minutes", "{n}分钟"),
    "kg": ("kilogram", "kilograms", "{n}公斤"),
    "°C": ("degree Celsius", "degrees Celsius", "{n}摄氏度"),
    "℃": ("degree Celsius", "degrees Celsius", "{n}摄氏度"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit", "华氏{n}度"),
    "℉": ("degree Fahrenheit", "degrees Fahrenheit", "华氏{n}度"),
    "m": ("metre", "metres", "{n}米"),
    "h": ("hour", "hours", "{n}小时"),
    "s": ("second", "seconds", "{n}秒"),
    "%": ("%", "%", "百分之{n}"),  # English voices say "percent" themselves
}
_UNIT = re.compile(r"(?<![\w.])([0-9]+(?:\.[0-9]+)?)\s?(" + "|".join(re.escape(unit) for unit in UNITS) + r")(?![\w/])")
# Pictographs and what makes them emoji (presentation selectors, skin tones, keycaps, flags,
# tags, joiners between them): decoration, never said.
_PICTOGRAPH = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u231a\u231b\u2328\u23cf\u23e9-\u23fa\u24c2"
    "\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
_EMOJI_MARKS = "\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = re.compile(f"[{_PICTOGRAPH}{_EMOJI_MARKS}](?:\u200d|[{_PICTOGRAPH}{_EMOJI_MARKS}])*")
# Signs between two words that are said: a separator as a pause, an arrow as "to".
# (\x00 marks where an emoji was dropped.)
_SEPARATORS = re.compile(r"[\s\x00]*[·•|｜—–↔⇄][\s\x00]*")
_ARROWS = re.compile(r"[\s\x00]*[→⟶➜➔⇒][\s\x00]*")
# Decoration anywhere else: bullets, arrows, stars, check marks, box drawing, shapes, dingbats.
_DECORATION = re.compile("[·•‣⁃∙|｜—–↔⇄\u2190-\u21ff\u2500-\u27bf\u27f0-\u27ff\u2900-\u297f\u2b00-\u2bff]+")
_DROPPED = "\x00"  # stands where decoration was, until the spaces around it are settled
_GAPS = re.compile(r"[\s\x00]{2,}")  # squeezed to one character, so no pattern rescans a long run
_DROPPED_BEFORE_END = re.compile(r"\s*\x00[\x00\s]*(?=[,.;:!?，。；：！？、)）]|$)|^[\x00\s]+")
_DROPPED_BETWEEN = re.compile(r"\s*\x00[\x00\s]*")
_SPACES = re.compile(r"\s+")


def _decimal(amount: float | int | str | Decimal) -> Decimal:
    """An amount as a Decimal, exactly as given (a float by its shortest repr)."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation:
        raise HudError(
            f"cannot say the amount {escape(str(amount))!s}: it is not a number (give a finite number)"
        ) from None
    if not value.is_finite():
        raise HudError(f"cannot say the amount {amount}: it is not a finite number (give a finite number)")
    return value


def spoken_number(amount: float | int | str | Decimal, language: str) -> str:
    """An amount of money without its currency, to the cent: "2,199", "4.50", "minus 3" ("负3" in
    Chinese, "19.9", no grouping). Numbers of any length: past MAX_GROUPED_DIGITS digits before
    the point, they are read digit by digit ("1 2 3 ...")."""
    value = _decimal(amount)
    negative = value < 0
    value = value.copy_abs()  # exact: abs() would round to 28 digits
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + 8)  # every digit kept, to the cent
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        whole = value == value.to_integral_value()
        integer = f"{value:.0f}" if whole else f"{value:.2f}".split(".")[0]
        cents = "" if whole else f"{value:.2f}".split(".")[1]
        if language == "zh" and cents:
            cents = cents.rstrip("0")
    if len(integer) > MAX_GROUPED_DIGITS:
        number = " ".join(integer)
    elif language == "zh":
        number = integer
    else:
        number = f"{int(integer):,}"
    if cents:
        number += "." + cents
    sign = "负" if language == "zh" else "minus "
    return (sign if negative and value else "") + number


def money(amount: float | int | str | Decimal, currency: str, language: str) -> str:
    """An amount as spoken: "2,199 yuan", "4.50 dollars", "2199元", "19.9元"; any number of
    digits (see `spoken_number`). HudError for an amount that is not a finite number."""
    number = spoken_number(amount, language)
    words = CURRENCY_WORDS.get(currency)
    if language == "zh":
        return f"{number}{words[2] if words else currency}"
    if words is None:
        return f"{number} {currency}"
    return f"{number} {words[0] if number == '1' else words[1]}"


def speakable(text: str, language: str) -> str:
    """Rewrite display conventions for speech: "¥18.00" -> "18 yuan", "300 m" -> "300 metres",
    "18 km/h" -> "18 kilometres per hour", "a · b" -> "a, b", "A → B" -> "A to B"; emoji,
    bullets, stars, shapes, box drawing and arrows that do not stand between two words dropped;
    spaces collapsed."""

    def spoken_money(match: re.Match[str]) -> str:
        currency = dict(_SYMBOLS)[match.group(1)]
        if currency == "CNY" and language == "ja":
            currency = "JPY"
        number = match.group(2).replace(",", "") + ("." + match.group(3) if match.group(3) else "")
        return money(Decimal(number), currency, language)

    def spoken_unit(match: re.Match[str]) -> str:
        number, unit = match.group(1), match.group(2)
        singular, plural, chinese = UNITS[unit]
        if language == "zh":
            return chinese.format(n=number)
        if unit == "%":
            return f"{number}%"
        return f"{number} {singular if number == '1' else plural}"

    text = _squeeze(text.replace(_DROPPED, ""))
    text = _MONEY.sub(spoken_money, text)
    text = _UNIT.sub(spoken_unit, text)
    text = _squeeze(_EMOJI.sub(_DROPPED, text))
    text = _squeeze(_ARROWS.sub(_between_words("到" if language == "zh" else " to "), text))
    text = _squeeze(_SEPARATORS.sub(_between_words("，" if language == "zh" else ", "), text))
    text = _squeeze(_DECORATION.sub(_DROPPED, text))
    text = _DROPPED_BEFORE_END.sub("", text)
    text = _DROPPED_BETWEEN.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _squeeze(text: str) -> str:
    """Each run of spaces and dropped decoration as one character: the mark if the run holds one."""
    return _GAPS.sub(lambda run: _DROPPED if _DROPPED in run.group() else " ", text)


def _between_words(said: str) -> Callable[[re.Match[str]], str]:
    """A replacement that says `said` for a sign between two words (letters, marks, digits, or
    brackets and % around them) and drops it anywhere else."""

    def replace(match: re.Match[str]) -> str:
        text, before, after = match.string, match.start() - 1, match.end()
        if before >= 0 and after < len(text) and _wordlike(text[before], ")）%") and _wordlike(text[after], "(（"):
            return said
        return _DROPPED

    return replace


def _wordlike(char: str, brackets: str) -> bool:
    return unicodedata.category(char)[0] in "LMN" or char in brackets


def join_clauses(parts: list[str], language: str) -> str:
    """Clauses joined as a sentence: "a, b, c" or "a，b，c" (empty parts skipped, trailing
    punctuation of a part not doubled)."""
    comma = "，" if language == "zh" else ", "
    kept = [part.strip().rstrip(",，。.;；") for part in parts if part and part.strip()]
    return comma.join(part for part in kept if part)
