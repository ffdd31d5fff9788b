"""How close a rendering must come to its golden, stated once for every backend.

The CPU backend is the reference: its goldens are exact. Any other backend (GL) is held to the
parity tolerance against the same goldens: no channel of any pixel more than
`PARITY_MAX_DIFFERENCE` grey levels away, and at most `PARITY_MAX_SHARE` of the pixels
different at all.
"""

from __future__ import annotations

from dataclasses import dataclass

REFERENCE_BACKEND = "cpu"  # its goldens (tests/goldens/cpu/) are what every backend is held to
PARITY_MAX_DIFFERENCE = 2  # grey levels, per channel, another backend may differ by
PARITY_MAX_SHARE = 0.005  # share of the pixels (0.5 %) another backend may differ on at all


@dataclass(frozen=True)
class Tolerance:
    """A rendering passes when no channel differs by more than `max_difference` and at most
    `max_share` (0..1) of its pixels differ at all."""

    max_difference: int
    max_share: float = 1.0

    def allows(self, max_difference: int, differing: int, total: int) -> bool:
        """Whether a difference this large, on `differing` of `total` pixels, passes."""
        return max_difference <= self.max_difference and differing <= self.max_share * total

    def __str__(self) -> str:
        if self.max_share >= 1.0:
            return str(self.max_difference)
        return f"{self.max_difference} levels on at most {self.max_share * 100:g}% of pixels"


EXACT = Tolerance(0)
PARITY = Tolerance(PARITY_MAX_DIFFERENCE, PARITY_MAX_SHARE)
