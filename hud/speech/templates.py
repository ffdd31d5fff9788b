"""Speech templates: what each widget type says, in English and Chinese, as people speak.

A template turns a widget's fields into one sentence. The change tracker decides when it is
said; these functions only decide the words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hud.speech.language import detect, template_language
from hud.speech.normalize import join_clauses, money, speakable, spoken_number
from hud.widgets.base import Widget
from hud.widgets.formatting import round_distance
from hud.widgets.nav_arrow import NavArrow
from hud.widgets.notification import Notification
from hud.widgets.price_card import PriceCard
from hud.widgets.primitives import Text

NAV_THRESHOLDS_M = (1000.0, 500.0, 200.0, 50.0)  # distances navigation announces again, largest first
NOW_M = 10.0  # at or under this, the maneuver is announced as "now"
IMMINENT_M = 50.0  # at or under this, a maneuver interrupts other speech

# maneuver -> (English verb phrase, Chinese verb phrase)
MANEUVER_WORDS: dict[str, tuple[str, str]] = {
    "straight": ("continue straight", "直行"),
    "slight-left": ("bear left", "向左前方行驶"),
    "left": ("turn left", "左转"),
    "sharp-left": ("turn sharp left", "向左后方转弯"),
    "slight-right": ("bear right", "向右前方行驶"),
    "right": ("turn right", "右转"),
    "sharp-right": ("turn sharp right", "向右后方转弯"),
    "u-turn": ("make a U-turn", "掉头"),
    "roundabout": ("at the roundabout, take the {ordinal} exit", "进入环岛，从第{number}出口离开"),
    "arrive": ("arrive at your destination", "到达目的地"),
}
MANEUVER_EARCONS = {
    "slight-left": "turn-left",
    "left": "turn-left",
    "sharp-left": "turn-left",
    "u-turn": "turn-left",
    "slight-right": "turn-right",
    "right": "turn-right",
    "sharp-right": "turn-right",
    "arrive": "arrival",
}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
# Words that open notification titles and are not names: said in lower case after the app.
_COMMON_TITLE_WORDS = frozenset(
    """payment paid new your you gate flight order delivery delivered meeting reminder
message messages call missed package parcel boarding transfer refund received sent low battery update incoming
upcoming train ride driver arriving arrived booking check price weather alert appointment invitation""".split()
)
PAYMENT_APPS = ("alipay", "支付宝", "wechat pay", "微信支付", "taobao", "淘宝", "unionpay", "云闪付")


# -- navigation ---------------------------------------------------------------------------------
def distance_words(metres: float, language: str) -> str:
    """A distance as navigation voices say it: "120 metres", "1.2 kilometres", "120米", "1.2公里"
    (rounded as the display rounds it, to the metre under 20 m)."""
    number, unit = round_distance(metres, whole_below=20)
    if unit == "km":
        number = number.removesuffix(".0")
    if template_language(language) == "zh":
        return f"{number}{'米' if unit == 'm' else '公里'}"
    word = "metre" if unit == "m" else "kilometre"
    return f"{number} {word}" if number == "1" else f"{number} {word}s"


def nav_instruction(widget: NavArrow, language: str, distance_m: float, first: bool = False) -> str:
    """'In 120 metres, turn left onto Wensan Road' / '前方120米左转，进入文三路'; 'now' at NOW_M or closer."""
    zh = template_language(language) == "zh"
    maneuver = widget.maneuver
    verb_en, verb_zh = MANEUVER_WORDS[maneuver]
    if maneuver == "roundabout" and widget.exit is None:  # no exit given: do not guess one
        verb_en, verb_zh = "enter the roundabout", "进入环岛"
    elif maneuver == "roundabout" and widget.exit is not None:
        verb_en = verb_en.format(ordinal=_ORDINALS[widget.exit - 1])
        verb_zh = verb_zh.format(number=_zh_number(widget.exit))
    street = speakable(widget.street, language) if widget.street else ""
    now = distance_m <= NOW_M
    far = distance_words(distance_m, language)
    if zh:
        if maneuver == "straight":
            sentence = f"沿{street}直行{far}" if street else f"直行{far}"
        elif maneuver == "arrive":
            sentence = (
                (f"已到达{street}" if street else "已到达目的地")
                if now
                else (f"前方{far}到达{street}" if street else f"前方{far}到达目的地")
            )
        else:
            lead = "现在" if now else f"前方{far}"
            sentence = lead + verb_zh + (f"，进入{street}" if street else "")
        if first and widget.eta_min is not None and maneuver != "arrive":
            sentence += f"，预计{_zh_minutes(widget.eta_min)}后到达"
        return sentence
    if maneuver == "straight":
        sentence = f"Continue straight for {far}" + (f" on {street}" if street else "")
    elif maneuver == "arrive":
        if now:
            sentence = f"You have arrived at {street}" if street else "You have arrived at your destination"
        else:
            sentence = f"In {far}, you will arrive at {street or 'your destination'}"
    else:
        onto = f" onto {street}" if street else ""
        sentence = f"{_capital(verb_en)} now{onto}" if now else f"In {far}, {verb_en}{onto}"
    if first and widget.eta_min is not None and maneuver != "arrive":
        minutes = max(1, round(widget.eta_min))
        sentence += f"; {minutes} minute{'s' if minutes != 1 else ''} to go"
    return sentence


def nav_bucket(distance_m: float) -> int:
    """How many thresholds (NAV_THRESHOLDS_M, then NOW_M) a distance has passed: the announcement
    stage it belongs to."""
    passed = sum(1 for threshold in NAV_THRESHOLDS_M if distance_m <= threshold)
    return passed + (1 if distance_m <= NOW_M else 0)


# -- price card ---------------------------------------------------------------------------------
_MODEL = re.compile(r"\d")


MODEL_SUFFIXES = frozenset(
    {
        "pro",
        "max",
        "plus",
        "ultra",
        "mini",
        "lite",
        "air",
        "se",
        "neo",
        "fe",
        "note",
        "fold",
        "flip",
        "edge",
        "s",
        "x",
        "+",
    }
)


# A number with one of these units is a quantity ("250 g", "500ml"), not a model number.
QUANTITY_UNITS = frozenset(
    {
        "g",
        "kg",
        "mg",
        "ml",
        "l",
        "cl",
        "cm",
        "mm",
        "m",
        "oz",
        "lb",
        "lbs",
        "gb",
        "tb",
        "mb",
        "w",
        "mah",
        "in",
        "inch",
        "pcs",
        "pack",
        "克",
        "千克",
        "毫升",
        "升",
    }
)
_NUMBER_UNIT = re.compile(r"^\d+(?:[.,]\d+)?([^\d.,]+)$")


def _quantity(words: list[str], index: int) -> bool:
    """Whether words[index] is a quantity: a number with a unit, joined or as the next word."""
    word = words[index]
    joined = _NUMBER_UNIT.match(word)
    if joined:
        return joined.group(1).lower() in QUANTITY_UNITS
    plain = word.replace(".", "").replace(",", "").isdigit()
    return plain and index + 1 < len(words) and words[index + 1].lower() in QUANTITY_UNITS


def short_product_name(product: str) -> str:
    """Brand and model out of a shop title: "Sony WH-1000XM5 Wireless Noise Cancelling Headphones"
    -> "Sony WH-1000XM5", "Apple iPhone 15 Pro Max 256GB" -> "Apple iPhone 15 Pro Max". Words up
    to the last one with a digit among the first four, plus model suffixes (Pro, Max, Ultra...);
    else the first three words (or 12 characters of unspaced CJK text). Never ends inside
    brackets."""
    words = product.split()
    with_digit = [i for i, word in enumerate(words[:4]) if _MODEL.search(word) and not _quantity(words, i)]
    if with_digit:
        end = with_digit[-1] + 1
        while end < len(words) and words[end].lower() in MODEL_SUFFIXES:
            end += 1
        kept = words[:end]
        opened = next((i for i, word in enumerate(kept) if "(" in word and ")" not in " ".join(kept[i:])), None)
        return " ".join(kept[:opened] if opened else kept)
    if len(words) == 1 and len(product) > 12 and detect(product) in ("zh", "ja", "ko"):
        return product[:12]
    return " ".join(words[:3])


def price_card_text(widget: Widget, language: str) -> str:
    """'Sony WH-1000XM5, 2,199 yuan on Taobao, 300 less than JD' /
    '索尼 WH-1000XM5，淘宝2199元，比京东便宜300元'."""
    assert isinstance(widget, PriceCard), "TEMPLATES maps price_card to this template"
    zh = template_language(language) == "zh"
    lang = "zh" if zh else "en"
    name = speakable(widget.short_name or short_product_name(widget.product), lang)
    price = money(widget.price, widget.currency, lang)
    store = widget.store
    here = (f"{store}{price}" if store else price) if zh else (f"{price} on {store}" if store else price)
    parts = [name, here]
    others = list(widget.compare)
    if others:
        cheapest = min(others, key=lambda entry: entry["price"])
        if widget.price <= cheapest["price"]:
            reference = others[0]  # the store the card lists first: the comparison it leads with
            saving = reference["price"] - widget.price
            if saving > 0:
                amount = _amount(saving, widget.currency, lang)
                parts.append(
                    f"比{reference['store']}便宜{amount}" if zh else f"{amount} less than {reference['store']}"
                )
            else:
                parts.append(f"和{reference['store']}一样" if zh else f"the same as {reference['store']}")
        else:
            extra = _amount(widget.price - cheapest["price"], widget.currency, lang)
            parts.append(f"比{cheapest['store']}贵{extra}" if zh else f"{extra} more than {cheapest['store']}")
    return join_clauses(parts, lang)


def _amount(value: float, currency: str, language: str) -> str:
    """A difference as said after a price: '300' in English (the unit was just said), '300元' in Chinese."""
    return money(value, currency, language) if language == "zh" else spoken_number(value, language)


# -- notification -------------------------------------------------------------------------------
def notification_text(widget: Widget, language: str) -> str:
    """'Alipay: payment complete, 4 yuan, Hangzhou Metro' / '支付宝：支付成功，4元，杭州地铁'."""
    assert isinstance(widget, Notification), "TEMPLATES maps notification to this template"
    zh = template_language(language) == "zh"
    lang = "zh" if zh else "en"
    title = speakable(widget.title, lang)
    first = title.split(" ", 1)[0].rstrip(",:;.!")
    if not zh and first.lower() in _COMMON_TITLE_WORDS and first[:1].isupper() and first[1:].islower():
        title = (
            title[0].lower() + title[1:]
        )  # "Alipay: payment complete", as said in one breath (names keep their capital)
    rest = join_clauses([title, speakable(widget.body or "", lang)], lang)
    rest = rest.replace("：", "，") if zh else rest.replace(": ", ", ")  # one colon, after the app
    app = speakable(widget.app, lang)
    if not app:
        return rest
    return f"{app}：{rest}" if zh else f"{app}: {rest}"


def notification_earcon(widget: Notification) -> str:
    """The earcon a notification opens with: its `earcon` field, else payment for wallet icons and
    payment apps, else the notification chime."""
    if widget.earcon:
        return widget.earcon
    if widget.icon == "wallet" or widget.app.strip().lower() in PAYMENT_APPS:
        return "payment"
    return "notification"


# -- generic ------------------------------------------------------------------------------------
def plain_text(widget: Widget) -> str:
    """All text in a widget's subtree, in reading order (for widget types with no template)."""
    pieces = [node.text for node in widget.walk() if isinstance(node, Text) and node.visible and node.text]
    return " ".join(pieces)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _zh_number(number: int) -> str:
    return "一二三四五六七八九十"[number - 1] if 1 <= number <= 10 else str(number)


def _zh_minutes(minutes: float) -> str:
    total = max(1, round(minutes))
    if total < 60:
        return f"{total}分钟"
    return f"{total // 60}小时{total % 60}分钟" if total % 60 else f"{total // 60}小时"


TemplateFunction = Callable[[Widget, str], str]
"""A template: (widget, language) -> sentence. Register one for a custom widget type with
`register_template`."""
TEMPLATES: dict[str, TemplateFunction] = {
    "price_card": price_card_text,
    "notification": notification_text,
}


def register_template(type_name: str, template: TemplateFunction) -> None:
    """Make widgets of `type_name` speak through `template` (for app-defined composite widgets)."""
    TEMPLATES[type_name] = template
