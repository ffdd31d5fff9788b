"""How hard the property tests search: a quick budget in `make test`, a long one in `make test-long`.

`make test-long` sets HUD_TEST_LONG=1. The same tests then run more hypothesis examples, the
state machines take more and longer walks, and the fuzz targets run their full example count.
The quick budget is what every `make test` runs; derandomized fuzz targets see the same
examples on every run.
"""

from __future__ import annotations

import os

LONG = os.environ.get("HUD_TEST_LONG", "") not in ("", "0")


def examples(quick: int, long: int) -> int:
    """`quick` in `make test`, `long` under HUD_TEST_LONG=1 (`make test-long`)."""
    return long if LONG else quick


def describe() -> str:
    """One line for the session header: which budget this run uses."""
    if LONG:
        return "hypothesis budget: long (HUD_TEST_LONG=1, `make test-long`)"
    return "hypothesis budget: quick (`make test-long` runs the same tests with more examples)"
