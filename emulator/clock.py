"""Scene time in the emulator: where it is, whether it runs, and what happens at the scene's end.

The end (`at_end`): time loops back to 0 at the scene's length (its [scene] duration, else its
timeline's end plus one second), or stops there. A scene without either (length 0) runs on.
While something still has to finish (speech on glasses that speak) `step` can hold the end
off: time runs on past it until then.

When time goes back (a loop, or a seek backwards) `step` and `seek` return the `Jump`, so that
what depends on time's direction (speech, the API's edits) can start again from there.
"""

from __future__ import annotations

from dataclasses import dataclass

AT_END = ("loop", "stop")  # what scene time does at the scene's end


@dataclass(frozen=True)
class Jump:
    """Scene time went back from `before` to `after`: at the scene's end (`looped`) or by a seek."""

    before: float
    after: float
    looped: bool


@dataclass
class SceneClock:
    """Scene time: `t` in seconds, `paused`, and the scene's `length` (0: no end) with `at_end`."""

    at_end: str = "loop"
    t: float = 0.0
    paused: bool = False
    length: float = 0.0

    def __post_init__(self) -> None:
        if self.at_end not in AT_END:
            raise ValueError(f"at_end must be one of {', '.join(AT_END)}, not {self.at_end!r}")

    def start(self, length: float, keep_time: bool = False) -> None:
        """A new scene of `length`: time starts at 0, or stays where it was (`keep_time`,
        a reload) within the new length."""
        self.length = length
        self.t = self.within(self.t if keep_time else 0.0)

    def within(self, t: float) -> float:
        """`t` within the scene's length: wrapped when it loops, held at the end when it stops."""
        if self.length <= 0 or t < self.length:
            return t
        return self.length if self.at_end == "stop" else t % self.length

    def step(self, dt: float, hold: bool = False) -> Jump | None:
        """Move on by `dt` unless paused; at the end loop or stop, unless `hold` keeps it
        running on. Returns the Jump when time looped back."""
        if self.paused:
            return None
        t, end = self.t + dt, self.length
        if end <= 0 or t < end or hold:
            self.t = t
            return None
        if self.at_end == "stop":
            self.t = max(end, self.t)
            return None
        jump = Jump(self.t, t % end if self.t < end else 0.0, looped=True)
        self.t = jump.after
        return jump

    def seek(self, t: float) -> Jump | None:
        """Jump to `t` (within the scene's length). Returns the Jump when that is backwards."""
        t = self.within(max(0.0, t))
        jump = Jump(self.t, t, looped=False) if t < self.t else None
        self.t = t
        return jump
