"""Value kinds (hud.fields): the declarations widget fields and device profiles share."""

from __future__ import annotations

import math
import re

import pytest

from hud import fields
from hud.fields import Choice, ListOf, NestedError, Number, Range, Record, Str
from hud.widgets import props


def refused(kind: fields.Kind, value: object) -> tuple[str, str]:
    with pytest.raises(ValueError) as info:
        kind.coerce(value)
    return info.value.args[0], info.value.args[1]


def test_widget_props_use_the_same_kinds() -> None:
    for name in ("Kind", "Str", "Number", "Bool", "Choice", "LengthKind", "ListOf", "Record", "Optional", "ColorKind"):
        assert getattr(props, name) is getattr(fields, name)


def test_a_range_in_words() -> None:
    assert Range(1, 170, "degrees").describe() == "at least 1 and at most 170 degrees"
    assert Range(0, 100_000, "nits", low_open=True).describe() == "above 0 and at most 100000 nits"
    nits = Range(0, 100_000, low_open=True)
    assert not nits.allows(0) and nits.allows(1e-9) and nits.allows(100_000)
    assert not Range(0, 1).allows(math.nan) and not Range(0, 1).allows(10**400)


def test_a_number_with_open_ends_and_a_unit() -> None:
    nits = Number(0, 100_000, unit="nits", low_open=True)
    assert nits.range == Range(0, 100_000, "nits", low_open=True)
    assert refused(nits, 0) == (
        "must be more than 0 and at most 100000 nits, got 0",
        "use a value more than 0 and at most 100000 nits",
    )
    assert nits.coerce(0.5) == 0.5
    assert refused(Number(1, 20, integer=True), 0)[0] == "must be between 1 and 20, got 0"  # the words widgets use
    assert refused(Number(1, unit="px"), 0)[0] == "must be at least 1 px, got 0"
    assert nits.schema() == {"type": "number", "exclusiveMinimum": 0, "maximum": 100_000}
    assert Number(integer=True).range == Range(-math.inf, math.inf)


def test_value_types_are_what_a_file_gives() -> None:
    assert Number(integer=True).value_types == (int,) and Number().value_types == (int, float)
    assert Str().value_types == Choice(["a"]).value_types == (str,)
    assert ListOf(Str()).value_types == (list,) and Record({}).value_types == (dict,)
    assert fields.Optional(Number()).value_types == (int, float)


def test_a_list_with_a_least_length_and_no_repeats() -> None:
    eyes = ListOf(Choice(["left", "right"]), max_items=2, min_items=1, unique=True)
    assert eyes.coerce(["right", "left"]) == ("right", "left")
    assert refused(eyes, []) == ("has 0 items, at least 1 needed", "add some")
    with pytest.raises(NestedError) as info:
        eyes.coerce(["left", "left"])
    assert info.value.path == (1,) and info.value.args == ('item 2 repeats "left"', "list each value once")
    assert eyes.schema()["minItems"] == 1 and eyes.schema()["uniqueItems"] is True
    assert "minItems" not in ListOf(Str()).schema()


def test_text_matching_a_pattern() -> None:
    slug = Str(pattern=re.compile(r"[a-z]+"))
    assert slug.coerce("abc") == "abc"
    assert refused(slug, "ab c") == ('must match [a-z]+, got "ab c"', "fix the value")
    assert slug.schema()["pattern"] == "^(?:[a-z]+)$"


def test_did_you_mean() -> None:
    assert refused(Choice(["left", "right"]), "rigth")[1] == "did you mean 'right'?"
    assert refused(Choice(["left", "right"]), "up")[1] == "use one of: left, right"
    with pytest.raises(NestedError) as info:
        Record({"store": Str(), "price": Number()}).coerce({"prize": 1})
    assert info.value.args == ("has unknown field 'prize'", "did you mean 'price'?")
    assert refused(fields.ColorKind(), "dimm")[1] == "did you mean 'dim'?"
