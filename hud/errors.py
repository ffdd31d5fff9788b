"""Errors a user can act on: one line naming the place, the problem and the fix."""
from __future__ import annotations

import re

# C0/C1 controls (ESC, BEL, CR, NUL...), DEL, and the bidi controls that reorder a terminal
# line (U+061C, U+200E/F, U+202A-E, U+2066-9).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """`text` safe to print on one terminal line: controls and bidi overrides as \\x1b, \\u202e."""
    return _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class HudError(Exception):
    """Base class of every error the engine reports to a user."""


class FieldError(HudError):
    """A widget field has a bad value; `path` locates it inside the widget's fields."""

    def __init__(self, field: str, problem: str, fix: str = "", path: tuple[str | int, ...] = ()) -> None:
        self.field = field
        self.problem = problem
        self.fix = fix
        self.path = path or ((field,) if field else ())
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"{self.field}: {self.problem}" if self.field else self.problem
        return f"{text} ({self.fix})" if self.fix else text


class SceneError(HudError):
    """A problem in a scene file, reported as `file:line: where: what (fix)`."""

    def __init__(self, file: str, line: int | None, where: str, problem: str, fix: str = "") -> None:
        self.file = file
        self.line = line
        self.where = where
        self.problem = problem
        self.fix = fix
        super().__init__(self.describe())

    def describe(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{place}: {self.where}: {self.problem}" if self.where else f"{place}: {self.problem}"
        return f"{text} ({self.fix})" if self.fix else text


class DeviceError(HudError):
    """A device profile could not be found or is invalid."""


class NoDisplayError(HudError):
    """Raised when pixels are requested from a profile that has no display."""
