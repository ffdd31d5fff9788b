"""Number formats people expect on a HUD (money, distances, durations) and the words widgets
draw themselves, in the widget's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from hud.text import measure
from hud.text.language import primary
from hud.theme import SIZE_ROLES_DEG
from hud.widgets.props import LanguageKind, Optional, Prop

# The words a widget draws itself, by language (other languages use English). `{}` fields are
# filled by the functions below.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "now": "now",
        "arrive": "arrive",
        "here": "here",
        "lowest": "lowest",
        "more": "+{amount}",
        "m": "{number} m",
        "km": "{number} km",
        "min": "{minutes} min",
        "h": "{hours} h {minutes:02d} min",
        "whole_h": "{hours} h 00 min",
        "eta": "ETA {time}",
        "exit": "exit {number}",
        "exit_onto": "exit {number} · {street}",
    },
    "zh": {
        "now": "现在",
        "arrive": "到达",
        "here": "当前",
        "lowest": "最低价",
        "more": "贵{amount}",
        "m": "{number}米",
        "km": "{number}公里",
        "min": "{minutes}分钟",
        "h": "{hours}小时{minutes}分钟",
        "whole_h": "{hours}小时",
        "eta": "约{time}到达",
        "exit": "第{number}出口",
        "exit_onto": "第{number}出口进入{street}",
    },
}


class CurrencyStyle(NamedTuple):
    symbol: str
    decimals: int  # digits after the point
    whole_if_integer: bool  # drop ".00" for whole amounts (as Chinese shops show prices)


CURRENCIES: dict[str, CurrencyStyle] = {
    "CNY": CurrencyStyle("¥", 2, True),
    "JPY": CurrencyStyle("¥", 0, True),
    "KRW": CurrencyStyle("₩", 0, True),
    "USD": CurrencyStyle("$", 2, False),
    "HKD": CurrencyStyle("HK$", 2, False),
    "TWD": CurrencyStyle("NT$", 0, True),
    "SGD": CurrencyStyle("S$", 2, False),
    "AUD": CurrencyStyle("A$", 2, False),
    "CAD": CurrencyStyle("C$", 2, False),
    "EUR": CurrencyStyle("€", 2, False),
    "GBP": CurrencyStyle("£", 2, False),
    "INR": CurrencyStyle("₹", 2, False),
    "THB": CurrencyStyle("฿", 2, False),
    "VND": CurrencyStyle("₫", 0, True),
}


def format_money(amount: float, currency: str = "CNY") -> str:
    """`¥2,199`, `¥19.90`, `$299.00`, `€1,234.50`; unknown ISO codes as `12.00 CHF`."""
    style = CURRENCIES.get(currency)
    decimals = style.decimals if style else 2
    whole = style.whole_if_integer if style else False
    rounded = _half_up(abs(amount), decimals)
    if whole and rounded == rounded.to_integral_value():
        decimals = 0
    number = f"{rounded:,.{decimals}f}"
    sign = "-" if amount < 0 and rounded else ""
    if style is None:
        return f"{sign}{number} {currency}"
    return f"{sign}{style.symbol}{number}"


def _half_up(value: float, decimals: int) -> Decimal:
    """Round like a till does: halves go up (1234.5 yen is 1,235 yen)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_distance(metres: float, whole_below: float = 0.0) -> tuple[str, str]:
    """A distance rounded as navigation apps round it, as (number, unit): metres to 5 under
    100 m and to 10 above (to the metre under `whole_below`), tenths of a km under 10 km, whole
    km above. 998 m is ("1.0", "km")."""
    if metres < 1000:
        step = 1 if metres < whole_below else 5 if metres < 100 else 10
        value = int(step * round(metres / step))
        if value < 1000:
            return str(value), "m"
        metres = 1000.0
    tenths = _half_up(metres / 1000, 1)
    if tenths < 10:
        return str(tenths), "km"
    return str(_half_up(metres / 1000, 0)), "km"


def words_language(language: str | None) -> str:
    """The language of a widget's own words for a language tag: a key of `WORDS` (English for
    languages without a table)."""
    code = primary(language)
    return code if code in WORDS else "en"


def word(key: str, language: str = "en") -> str:
    """A fixed word from `WORDS`: "now", "arrive", "here", "lowest"."""
    return WORDS[words_language(language)][key]


def format_distance(metres: float, language: str = "en") -> str:
    """Distances as navigation apps show them: `now`, `30 m`, `120 m`, `1.2 km`, `15 km`;
    `现在`, `120米`, `1.2公里` in Chinese."""
    if metres < 5:
        return word("now", language)
    number, unit = round_distance(metres)
    return WORDS[words_language(language)][unit].format(number=number)


def format_minutes(minutes: float, language: str = "en") -> str:
    """`3 min`, `1 h 05 min`; `3分钟`, `1小时5分钟`, `2小时` in Chinese."""
    words = WORDS[words_language(language)]
    total = max(0, round(minutes))
    if total < 60:
        return words["min"].format(minutes=total)
    hours, rest = divmod(total, 60)
    return words["h" if rest else "whole_h"].format(hours=hours, minutes=rest)


def format_eta(minutes: float, language: str = "en") -> str:
    """Time to the destination: `ETA 9 min`, `约9分钟到达`."""
    return WORDS[words_language(language)]["eta"].format(time=format_minutes(minutes, language))


def format_exit(number: int, language: str = "en", street: str | None = None) -> str:
    """A roundabout exit, and the street it leads onto: `exit 3`, `exit 3 · Wensan Road`;
    `第3出口`, `第3出口进入文三路`."""
    key = "exit_onto" if street else "exit"
    return WORDS[words_language(language)][key].format(number=number, street=street)


def format_price_gap(amount: float, currency: str = "CNY", language: str = "en") -> str:
    """How much dearer than the cheapest: `lowest` at no difference, else `+¥300` (`贵¥300`)."""
    if amount <= 0:
        return word("lowest", language)
    return WORDS[words_language(language)]["more"].format(amount=format_money(amount, currency))


_MEASURE_PX = 64  # size text is measured at for `text_width_deg` (widths scale with the size)


def text_width_deg(text: str, size: str = "body", weight: str = "regular") -> float:
    """About how wide `text` is on one line at a size role, in degrees (for a build that needs
    its content's width before layout; within a few percent of the drawn width)."""
    return measure(text, _MEASURE_PX, weight=weight).width / _MEASURE_PX * SIZE_ROLES_DEG[size] if text else 0.0


def words_language_prop() -> Prop[str | None, str | None]:
    """The `lang` field of a widget that draws words of its own (units, labels)."""
    return Prop(
        Optional(LanguageKind()),
        default=None,
        doc="Language of the widget's own words (units, labels); default: from the script of its text.",
    )
