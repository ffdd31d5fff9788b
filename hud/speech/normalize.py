"""Display text into speakable text: money, units and separators as people say them."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

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
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_MONEY = re.compile("(" + "|".join(re.escape(symbol) for symbol, _ in _SYMBOLS) + r")\s?" + _NUMBER)
_UNITS_EN = {"m": ("metre", "metres"), "km": ("kilometre", "kilometres"), "min": ("minute", "minutes"),
             "h": ("hour", "hours"), "s": ("second", "seconds"), "kg": ("kilogram", "kilograms"),
             "°C": ("degree", "degrees")}
_UNITS_ZH = {"m": "米", "km": "公里", "min": "分钟", "h": "小时", "s": "秒", "kg": "公斤", "°C": "度"}
_UNIT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(km|min|kg|°C|m|h|s)(?![\w])")
_SEPARATORS = re.compile(r"\s*[·•|｜—–↔⇄]\s*")
_ARROWS = re.compile(r"\s*[→⟶➜]\s*")
_SPACES = re.compile(r"\s+")


def money(amount: float, currency: str, language: str) -> str:
    """An amount as spoken: "2,199 yuan", "4.50 dollars", "2199元", "19.9元"."""
    value = Decimal(str(abs(amount))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole = value == value.to_integral_value()
    words = CURRENCY_WORDS.get(currency)
    sign = "minus " if amount < 0 and value else ""
    if language == "zh":
        number = f"{value:.0f}" if whole else f"{value.normalize():f}"
        return f"{'负' if sign else ''}{number}{words[2] if words else currency}"
    number = f"{value:,.0f}" if whole else f"{value:,.2f}"
    if words is None:
        return f"{sign}{number} {currency}"
    return f"{sign}{number} {words[0] if value == 1 else words[1]}"


def speakable(text: str, language: str) -> str:
    """Rewrite display conventions for speech: "¥18.00" -> "18 yuan", "300 m" -> "300 metres",
    "a · b" -> "a, b", "→" -> "to"; spaces collapsed."""
    def spoken_money(match: re.Match[str]) -> str:
        currency = dict(_SYMBOLS)[match.group(1)]
        if currency == "CNY" and language == "ja":
            currency = "JPY"
        number = float(match.group(2).replace(",", "") + ("." + match.group(3) if match.group(3) else ""))
        return money(number, currency, language)

    def spoken_unit(match: re.Match[str]) -> str:
        number, unit = match.group(1), match.group(2)
        if language == "zh":
            return f"{number}{_UNITS_ZH[unit]}"
        singular, plural = _UNITS_EN[unit]
        return f"{number} {singular if number == '1' else plural}"

    text = _MONEY.sub(spoken_money, text)
    text = _UNIT.sub(spoken_unit, text)
    comma = "，" if language == "zh" else ", "
    text = _SEPARATORS.sub(comma, text)
    text = _ARROWS.sub("到" if language == "zh" else " to ", text)
    return _SPACES.sub(" ", text).strip()


def join_clauses(parts: list[str], language: str) -> str:
    """Clauses joined as a sentence: "a, b, c" or "a，b，c" (empty parts skipped, trailing
    punctuation of a part not doubled)."""
    comma = "，" if language == "zh" else ", "
    kept = [part.strip().rstrip(",，。.;；") for part in parts if part and part.strip()]
    return comma.join(part for part in kept if part)
