"""Price comparison card (Taobao price recognition): the price here against other stores."""
from __future__ import annotations

import re

from hud.geometry import Length
from hud.widgets.base import IMPORTANCE, Composite, Widget
from hud.widgets.formatting import format_money
from hud.widgets.primitives import Column, Icon, Panel, Row, Text
from hud.widgets.props import NOTHING, LengthKind, ListOf, Number, Optional, Prop, Record, Str

_ISO = re.compile(r"^[A-Z]{3}$")


class CurrencyKind(Str):
    """An ISO 4217 code such as CNY, USD, EUR."""

    def coerce(self, value: object) -> str:
        text = super().coerce(value)
        if not _ISO.match(text):
            raise ValueError(f"must be a 3-letter ISO currency code, got \"{text}\"", "e.g. CNY, USD, EUR, JPY")
        return text

    def schema(self) -> dict:
        return {"type": "string", "pattern": "^[A-Z]{3}$"}


class PriceCard(Composite):
    """Product, price and store, with optional rating and other stores' prices."""

    type_name = "price_card"
    product = Prop(Str(max_len=500), "", required=True, doc="Product name.")
    price = Prop(Number(0, 1e12), 0.0, required=True, doc="Price at this store.")
    currency = Prop(CurrencyKind(), "CNY", doc="ISO 4217 currency code.")
    short_name = Prop(Optional(Str(max_len=100)), None, affects=NOTHING,
                      doc="Brand and model as speech says them; taken from `product` by default.")
    store = Prop(Str(max_len=200), "", doc="Store or platform of this price (e.g. Taobao).")
    compare = Prop(ListOf(Record({"store": Str(max_len=200), "price": Number(0, 1e12)}, ("store", "price")), 8),
                   (), doc="Other stores' prices: a list of {store, price}.")
    rating = Prop(Optional(Number(0, 5)), None, doc="Rating out of 5.")
    width = Prop(LengthKind(auto=True), Length(12.0, "deg"), doc="Card width; 12 deg by default.")

    def default_importance(self) -> float:
        return IMPORTANCE["price_card"]

    def build(self) -> Widget:
        body = Column(gap=Length(0.2, "deg"), align="stretch", width=Length(100.0, "%"))
        body.add(Text(text=self.product, size="body", max_lines=2))
        headline = Row(gap=Length(0.4, "deg"), align="end")
        headline.add(Text(text=format_money(self.price, self.currency), size="large", weight="bold"))
        if self.store:
            headline.add(Text(text=self.store, size="body", color="dim", grow=1, max_lines=1,
                              margin=[0, 0, Length(0.2, "deg"), 0]))
        body.add(headline)
        if self.rating is not None:
            stars = Row(gap=Length(0.2, "deg"))
            stars.add(Icon(name="star", size=Length(0.65, "deg"), color="dim"))
            stars.add(Text(text=f"{self.rating:.1f}", size="small", color="dim"))
            body.add(stars)
        if self.compare:
            body.add(self._comparison())
        return Panel(body, padding=Length(0.45, "deg"), radius=Length(0.35, "deg"))

    def _comparison(self) -> Widget:
        cheapest = min([self.price] + [entry["price"] for entry in self.compare])
        rows = Column(gap=Length(0.05, "deg"), align="stretch", margin=[Length(0.15, "deg"), 0, 0, 0])
        mine = "lowest" if self.price <= cheapest else f"+{format_money(self.price - cheapest, self.currency)}"
        rows.add(_compare_row(self.store or "here", format_money(self.price, self.currency), mine, bold=True))
        for entry in self.compare:
            delta = entry["price"] - cheapest
            label = "lowest" if delta <= 0 else f"+{format_money(delta, self.currency)}"
            rows.add(_compare_row(entry["store"], format_money(entry["price"], self.currency), label))
        return rows


def _compare_row(store: str, price: str, delta: str, bold: bool = False) -> Widget:
    row = Row(gap=Length(0.4, "deg"))
    weight = "bold" if bold else "regular"
    row.add(Text(text=store, size="small", color="dim", grow=1, max_lines=1))
    row.add(Text(text=price, size="small", weight=weight))
    row.add(Text(text=delta, size="small", weight=weight, align="right", width=Length(3.4, "deg")))
    return row
