"""Errors a user can act on: one line naming the place, the problem and the fix."""

from __future__ import annotations

import difflib
import errno
import os
import re
import sys
import warnings
from collections.abc import Iterable
from types import FrameType

# C0/C1 controls (ESC, BEL, CR, NUL...), DEL, the bidi controls that reorder a terminal line
# (U+061C, U+200E/F, U+202A-E, U+2066-9), the line and paragraph separators (U+2028/9), and
# lone surrogates (bytes of a file name that are not UTF-8, which no terminal can print).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def escape(text: str) -> str:
    """`text` safe to print on one terminal line: controls and bidi overrides as \\x1b, \\u202e."""
    return _UNSAFE.sub(_escaped, text)


def escape_json(text: str) -> str:
    """JSON text safe to print on one terminal line: what `escape` would show, as JSON's own
    \\u escapes (the document still parses to the same data)."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def closest(word: object, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like `word` (None when nothing is close enough): what "did you mean"
    offers. Only the first 200 characters of `word` are compared."""
    matches = difflib.get_close_matches(str(word)[:200], list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def suggest(word: object, choices: Iterable[str], otherwise: str, quote: str = "'{}'") -> str:
    """The fix for an unknown name: "did you mean 'x'?" when one of `choices` is close to `word`,
    else `otherwise` (which usually lists the choices). `quote` formats the match ("[{}]" for a
    table).

    >>> suggest("txt", ["text", "size"], "fields: text, size")
    "did you mean 'text'?"
    """
    match = closest(word, choices)
    return f"did you mean {quote.format(match)}?" if match is not None else otherwise


# The hud package's folder, as written in code objects and resolved: frames under it are the engine's own.
_PACKAGE_DIRS = tuple(
    dict.fromkeys(
        os.path.join(folder, "")
        for folder in (os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.path.realpath(__file__)))
    )
)


def app_frame() -> FrameType | None:
    """The innermost frame of the calling stack whose code lies outside the hud package: the
    app's (or test's) line that called into the engine. None when every frame is hud's own."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIRS):
        frame = frame.f_back
    return frame


def warn_at_caller(message: str, category: type[Warning]) -> None:
    """Issue a warning attributed to the app's line that called into hud (see `app_frame`), not
    to the engine's own code, so that the warning's file and line are where the fix goes.
    Filters and "once" registries work as for `warnings.warn`."""
    frame = app_frame() or sys._getframe(1)
    module_globals = frame.f_globals
    warnings.warn_explicit(
        message,
        category,
        frame.f_code.co_filename,
        frame.f_lineno,
        module=module_globals.get("__name__", "<unknown>"),
        registry=module_globals.setdefault("__warningregistry__", {}),
        module_globals=module_globals,
    )


class HudError(Exception):
    """Base class of every error the engine reports to a user: catch it to handle any of them.

    >>> import hud
    >>> try:
    ...     hud.load_device("no-such-glasses")
    ... except hud.HudError as error:
    ...     print(type(error).__name__)
    DeviceError
    """


class FieldError(HudError):
    """A widget field has a bad value: `field` names it, `problem` says what is wrong and `fix`
    how to put it right; `path` locates it inside the widget's fields (a list item, a table key).

    >>> import hud
    >>> try:
    ...     hud.Caption(max_lines=0)
    ... except hud.FieldError as error:
    ...     print(error.field, "/", error.problem)
    max_lines / must be between 1 and 20, got 0
    """

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
    """A problem in a scene file, reported as `file:line: where: what (fix)`; each part is also an
    attribute (`file`, `line`, `where`, `problem`, `fix`).

    >>> import hud
    >>> try:
    ...     hud.parse_scene("[[widgets]]\\ntype = 'txt'\\n", "app.toml")
    ... except hud.SceneError as error:
    ...     print(error)
    app.toml:2: txt: unknown widget type 'txt' (did you mean 'text'?)
    """

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
    """A device profile could not be found or is invalid.

    >>> import hud
    >>> try:
    ...     hud.load_device("quark-s2")
    ... except hud.DeviceError as error:
    ...     print(str(error).split(" (")[0])
    unknown device 'quark-s2'
    """


class NoDisplayError(HudError):
    """Pixels were asked of glasses that have no display (the Quark G1): such glasses speak the
    scene instead, through `hud.Output`, which writes the speech as `speech.json` and `speech.wav`.

    >>> import hud
    >>> scene = hud.Scene(hud.Text(text="Hello"))
    >>> try:
    ...     hud.render(scene, device="quark-g1")
    ... except hud.NoDisplayError:
    ...     output = hud.Output(scene, device="quark-g1")
    """


class OptionError(HudError):
    """A bad command-line option, reported as `--option: what (fix)`."""

    def __init__(self, option: str, problem: str, fix: str = "") -> None:
        self.option = option
        self.problem = problem
        self.fix = fix
        text = f"{option}: {problem}" if option else problem
        super().__init__(f"{text} ({fix})" if fix else text)


# What to do about an operating-system error, by errno (the rest: check the path).
_OS_FIXES = {
    errno.ENOSPC: "free some disk space or choose another folder",
    errno.EDQUOT: "free some disk space or choose another folder",
    errno.EACCES: "check its permissions or choose another path",
    errno.EPERM: "check its permissions or choose another path",
    errno.EROFS: "the file system is read-only: choose another path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path",
    errno.EISDIR: "it is a folder: give a file path",
    errno.EEXIST: "something is already there: choose another path",
    errno.ENAMETOOLONG: "use a shorter path",
    errno.ELOOP: "the path has a loop of symbolic links: use the real path",
    errno.EMFILE: "too many files are open: close some programs and try again",
}


def os_error(exc: OSError, path: object = None, doing: str = "") -> HudError:
    """One line for an operating-system error on a user's path: `PATH: cannot DOING: reason (fix)`.

    `path` defaults to the file the error names; `doing` is e.g. "write the images"."""
    shown = path if path is not None else (exc.filename if exc.filename is not None else "")
    reason = exc.strerror or type(exc).__name__
    fix = _OS_FIXES.get(exc.errno or 0, "check the path")
    text = f"cannot {doing}: {reason}" if doing else reason
    return HudError(f"{escape(str(shown))}: {text} ({fix})" if shown != "" else f"{text} ({fix})")
