"""Price comparison card (Taobao price recognition): the price here against other stores."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hud.geometry import Length
from hud.text.language import detect
from hud.widgets.base import IMPORTANCE, Widget
from hud.widgets.card import PADDING_DEG, Card
from hud.widgets.formatting import (
    format_money,
    format_price_gap,
    text_width_deg,
    word,
    words_language,
    words_language_prop,
)
from hud.widgets.primitives import Column, Icon, Row, Text
from hud.widgets.props import (
    NOTHING,
    LengthKind,
    LengthValue,
    ListOf,
    Number,
    Optional,
    PriceEntry,
    Prop,
    Record,
    Str,
)

_ISO = re.compile(r"^[A-Z]{3}$")


class CurrencyKind(Str):
    """An ISO 4217 code such as CNY, USD, EUR."""

    def coerce(self, value: object) -> str:
        text = super().coerce(value)
        if not _ISO.match(text):
            raise ValueError(f'must be a 3-letter ISO currency code, got "{text}"', "e.g. CNY, USD, EUR, JPY")
        return text

    def schema(self) -> dict:
        return {"type": "string", "pattern": "^[A-Z]{3}$"}


class PriceCard(Card):
    """Product, price and store, with optional rating and other stores' prices.

    Compact: product on one line, price, store and this price's mark (lowest, or how much
    dearer than the cheapest). Minimal: price and mark.

    >>> import hud
    >>> hud.PriceCard("AirPods Pro 2", price=1899, store="Taobao", compare=[{"store": "JD", "price": 1999}])
    <price_card product='AirPods Pro 2' price=1899>
    """

    type_name = "price_card"
    KEY_FIELDS = ("product", "price")
    product: Prop[str, str] = Prop(Str(max_len=500), kw_only=False, doc="Product name.")
    price: Prop[float, float] = Prop(Number(0, 1e12), doc="Price at this store.")
    currency: Prop[str, str] = Prop(CurrencyKind(), default="CNY", doc="ISO 4217 currency code.")
    short_name: Prop[str | None, str | None] = Prop(
        Optional(Str(max_len=100)),
        default=None,
        affects=NOTHING,
        doc="Brand and model as speech says them; taken from `product` by default.",
    )
    store: Prop[str, str] = Prop(Str(max_len=200), default="", doc="Store or platform of this price (e.g. Taobao).")
    compare: Prop[Sequence[PriceEntry], tuple[PriceEntry, ...]] = Prop(
        ListOf(Record({"store": Str(max_len=200), "price": Number(0, 1e12)}, ("store", "price")), 8),
        default=(),
        doc="Other stores' prices: a list of {store, price}.",
    )
    rating: Prop[float | None, float | None] = Prop(Optional(Number(0, 5)), default=None, doc="Rating out of 5.")
    lang: Prop[str | None, str | None] = words_language_prop()
    width: Prop[LengthValue | None, Length | None] = Prop(
        LengthKind(auto=True),
        default=Length(12.0, "deg"),
        doc="Card width; 12 deg by default. Compact and minimal forms are as wide as their content, up to this width.",
    )
    # Full: comparison rows keep a store name; compact: the price and its mark side by side.
    MIN_WIDTH_DEG = {"full": 10.0, "compact": 8.5, "minimal": None}

    def default_importance(self) -> float:
        return IMPORTANCE["price_card"]

    @property
    def language(self) -> str:
        """The language of the card's own words: `lang`, else that of its product and store."""
        return words_language(detect(f"{self.product} {self.store}", self.lang))

    def mark(self) -> str:
        """This price against the others: "lowest", or how much dearer than the cheapest ("+¥300");
        "" with nothing to compare."""
        if not self.compare:
            return ""
        cheapest = min(entry["price"] for entry in self.compare)
        return format_price_gap(self.price - min(self.price, cheapest), self.currency, self.language)

    def build(self, form: str) -> Widget:
        price = format_money(self.price, self.currency)
        if form == "minimal":
            mark = self.mark()
            row = Row(Text(text=price, size="large", weight="bold", max_lines=1), gap=Length(0.4, "deg"), align="end")
            if mark:
                row.add(Text(text=mark, size="small", weight="bold", max_lines=1, margin=_ON_BASELINE))
            wide = text_width_deg(price, "large", "bold") + 0.4 + text_width_deg(mark, "small", "bold")
            return self.card_panel(form, row, wide, padding=_PADDING)
        body = Column(gap=Length(0.2, "deg"), align="stretch", width=Length(100.0, "%") if form == "full" else None)
        body.add(Text(text=self.product, size="body", max_lines=2 if form == "full" else 1))
        headline = Row(gap=Length(0.4, "deg"), align="end")
        headline.add(Text(text=price, size="large", weight="bold"))
        body.add(headline)
        if form == "compact":
            wide = max(
                text_width_deg(self.product),
                text_width_deg(price, "large", "bold")
                + 0.4
                + max(text_width_deg(self.store), text_width_deg(self.mark(), "small", "bold")),
            )
            headline.add(self._store_and_mark())
            return self.card_panel(form, body, wide, padding=_PADDING)
        if self.store:
            headline.add(Text(text=self.store, size="body", color="dim", grow=1, max_lines=1, margin=_ON_BASELINE))
        if self.rating is not None:
            stars = Row(gap=Length(0.2, "deg"))
            stars.add(Icon(name="star", size=Length(0.65, "deg"), color="dim"))
            stars.add(Text(text=f"{self.rating:.1f}", size="small", color="dim"))
            body.add(stars)
        if self.compare:
            body.add(self._comparison())
        return self.card_panel(form, body, 0.0, padding=_PADDING)

    def _store_and_mark(self) -> Widget:
        """The store (dim) over this price's mark (bold), beside the price in the compact form."""
        mark = self.mark()
        if not mark:
            return Text(text=self.store, size="body", color="dim", grow=1, max_lines=1, margin=_ON_BASELINE)
        column = Column(grow=1, margin=[0, 0, Length(0.15, "deg"), 0])
        if self.store:
            column.add(Text(text=self.store, size="small", color="dim", max_lines=1))
        column.add(Text(text=mark, size="small", weight="bold", max_lines=1))
        return column

    def _comparison(self) -> Widget:
        language = self.language
        cheapest = min([self.price] + [entry["price"] for entry in self.compare])
        rows = Column(gap=Length(0.05, "deg"), align="stretch", margin=[Length(0.15, "deg"), 0, 0, 0])
        price = format_money(self.price, self.currency)
        mine = format_price_gap(self.price - cheapest, self.currency, language)
        rows.add(_compare_row(self.store or word("here", language), price, mine, bold=True))
        for entry in self.compare:
            label = format_price_gap(entry["price"] - cheapest, self.currency, language)
            rows.add(_compare_row(entry["store"], format_money(entry["price"], self.currency), label))
        return rows


_PADDING = Length(PADDING_DEG, "deg")
_ON_BASELINE: list[LengthValue] = [
    0,
    0,
    Length(0.2, "deg"),
    0,
]  # bottom margin that sets body text on a large line's baseline


def _compare_row(store: str, price: str, delta: str, bold: bool = False) -> Widget:
    row = Row(gap=Length(0.4, "deg"))
    weight = "bold" if bold else "regular"
    row.add(Text(text=store, size="small", color="dim", grow=1, max_lines=1))
    row.add(Text(text=price, size="small", weight=weight))
    row.add(Text(text=delta, size="small", weight=weight, align="right", width=Length(3.4, "deg")))
    return row
