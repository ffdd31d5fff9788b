"""Number formats people expect on a HUD: money, distances, durations."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple


class CurrencyStyle(NamedTuple):
    symbol: str
    decimals: int          # digits after the point
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


def format_distance(metres: float) -> str:
    """Distances as navigation apps show them: `now`, `30 m`, `120 m`, `1.2 km`, `15 km`."""
    if metres < 5:
        return "now"
    number, unit = round_distance(metres)
    return f"{number} {unit}"


def format_minutes(minutes: float) -> str:
    """`3 min`, `1 h 05 min`."""
    total = max(0, round(minutes))
    if total < 60:
        return f"{total} min"
    return f"{total // 60} h {total % 60:02d} min"
