"""Line numbers for values in a TOML document.

`tomllib` returns plain values without positions.  `TomlPositions` re-scans the
same text with a small, forgiving TOML 1.0 scanner and remembers on which line
each table header, array-of-tables element, key and array element starts, so a
validator can report ``scene.toml:LINE: ...`` for any value path.

The scanner never raises: on text it cannot make sense of it skips to the next
line and carries on, keeping whatever it has found so far.
"""

from __future__ import annotations

import re
from bisect import bisect_left

Path = tuple[str | int, ...]  # e.g. ("widgets", 1, "children", 0, "text")

_WS = " \t"
_TRIVIA = " \t\r\n"
# Characters that end a bare key.  Deliberately lenient (TOML only allows
# A-Za-z0-9_-) so that slightly wrong documents still give useful positions.
_KEY_END = frozenset(" \t\r\n.=[]\"'#,{}")
# Characters that end a scalar (number, bool, date) value.
_SCALAR_END = frozenset(",]}#\r\n")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")


class _ScanError(Exception):
    """Internal: the text at the current position is not TOML we understand."""


class TomlPositions:
    """Line numbers (1-based) of the tables, array-of-tables elements and keys of one TOML document."""

    def __init__(self, text: str) -> None:
        self._lines = _Scanner(text).scan()

    def line_of(self, path: Path) -> int | None:
        """Line where `path` is defined: the key's line if the path ends at a key, the header line
        ([table] or [[array]]) for a table / array-of-tables element, otherwise the line of the
        nearest enclosing path that has one (walking up the path). None only for an empty document / unknown root."""
        try:
            path = tuple(path)
            for end in range(len(path), 0, -1):
                line = self._lines.get(path[:end])
                if line is not None:
                    return line
        except TypeError:  # unhashable path element
            return None
        return None


def toml_error_line(message: str) -> int | None:
    """Line number from a tomllib.TOMLDecodeError message (they end in '(at line L, column C)'), or None."""
    found = _ERROR_LINE.findall(str(message))
    return int(found[-1]) if found else None


class _Scanner:
    """Single pass over the text; records the first line of every path it meets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 1 if text.startswith("\ufeff") else 0
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self.explicit: dict[Path, int] = {}  # keys, headers, array elements
        self.implicit: dict[Path, int] = {}  # tables created by a dotted key or header
        self.aot_counts: dict[Path, int] = {}  # array-of-tables path -> elements so far
        self.table: Path = ()

    # -- driver -------------------------------------------------------------

    def scan(self) -> dict[Path, int]:
        """Scan the whole document; return path -> line."""
        while True:
            self.skip_trivia()
            if self.pos >= len(self.text):
                break
            start = self.pos
            try:
                self.statement()
            except Exception:  # noqa: BLE001 - _ScanError or anything unforeseen: never raise
                self.recover(start)
        return {**self.implicit, **self.explicit}

    def statement(self) -> None:
        """One header or key/value line, including its trailing comment."""
        if self.peek() == "[":
            self.header()
        else:
            self.keyval(self.table)
        self.end_of_line()

    def recover(self, start: int) -> None:
        """Skip past the line where scanning failed."""
        newline = self.text.find("\n", max(self.pos, start))
        self.pos = len(self.text) if newline < 0 else newline + 1

    # -- low level ----------------------------------------------------------

    def line(self) -> int:
        """1-based line of the current position (newlines before it, plus one)."""
        return bisect_left(self.newlines, self.pos) + 1

    def peek(self) -> str:
        """Current character, or "" at the end."""
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _ScanError(f"expected {char!r}")
        self.pos += 1

    def skip_ws(self) -> None:
        while self.peek() and self.peek() in _WS:
            self.pos += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            newline = self.text.find("\n", self.pos)
            self.pos = len(self.text) if newline < 0 else newline

    def skip_trivia(self) -> None:
        """Whitespace, newlines and comments."""
        while self.pos < len(self.text):
            if self.peek() in _TRIVIA:
                self.pos += 1
            elif self.peek() == "#":
                self.skip_comment()
            else:
                return

    def end_of_line(self) -> None:
        self.skip_ws()
        self.skip_comment()
        if self.peek() == "\r":
            self.pos += 1
        if self.peek() not in ("\n", ""):
            raise _ScanError("junk after value")

    # -- recording ----------------------------------------------------------

    def define(self, path: Path, line: int) -> None:
        self.explicit.setdefault(path, line)

    def define_parents(self, path: Path, line: int) -> None:
        """Tables that `path` creates on the way (a.b.c = 1 creates a and a.b)."""
        for end in range(1, len(path)):
            self.implicit.setdefault(path[:end], line)

    # -- headers ------------------------------------------------------------

    def header(self) -> None:
        """[table] or [[array.of.tables]]."""
        line = self.line()
        self.expect("[")
        is_array = self.peek() == "["
        if is_array:
            self.pos += 1
        keys = self.dotted_key()
        self.expect("]")
        if is_array:
            self.expect("]")
        parent = self.resolve(keys[:-1])
        path = parent + (keys[-1],)
        self.define_parents(path, line)
        if is_array:
            index = self.aot_counts.get(path, 0)
            self.aot_counts[path] = index + 1
            self.implicit.setdefault(path, line)
            path += (index,)
        self.define(path, line)
        self.table = path

    def resolve(self, keys: list[str]) -> Path:
        """Header prefix keys -> path, stepping into the last element of each array of tables."""
        path: Path = ()
        for key in keys:
            path += (key,)
            count = self.aot_counts.get(path)
            if count:
                path += (count - 1,)
        return path

    # -- keys ---------------------------------------------------------------

    def dotted_key(self) -> list[str]:
        """`a . "b.c" . 'd'` -> ["a", "b.c", "d"]."""
        keys = []
        while True:
            self.skip_ws()
            keys.append(self.simple_key())
            self.skip_ws()
            if self.peek() != ".":
                return keys
            self.pos += 1

    def simple_key(self) -> str:
        char = self.peek()
        if char == '"':
            return self.basic_string()
        if char == "'":
            return self.literal_string()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _KEY_END:
            self.pos += 1
        if self.pos == start:
            raise _ScanError("expected a key")
        return self.text[start : self.pos]

    def keyval(self, base: Path) -> None:
        """`key = value` relative to table `base`."""
        line = self.line()
        path = base + tuple(self.dotted_key())
        self.expect("=")
        self.skip_ws()
        self.define_parents(path, line)
        self.define(path, line)
        self.value(path)

    # -- values -------------------------------------------------------------

    def value(self, path: Path) -> None:
        char = self.peek()
        if char == '"':
            if self.text.startswith('"""', self.pos):
                self.multiline_basic_string()
            else:
                self.basic_string()
        elif char == "'":
            if self.text.startswith("'''", self.pos):
                self.multiline_literal_string()
            else:
                self.literal_string()
        elif char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        else:
            self.scalar()

    def scalar(self) -> None:
        """Numbers, booleans and dates (which may contain a space)."""
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _SCALAR_END:
            self.pos += 1
        while self.pos > start and self.text[self.pos - 1] in _WS:
            self.pos -= 1
        if self.pos == start:
            raise _ScanError("expected a value")

    def array(self, path: Path) -> None:
        """[v, v, ...] over any number of lines; records each element's first line."""
        self.expect("[")
        index = 0
        while True:
            self.skip_trivia()
            if self.peek() == "]":
                self.pos += 1
                return
            if not self.peek():
                raise _ScanError("unterminated array")
            element = path + (index,)
            self.define(element, self.line())
            self.value(element)
            index += 1
            self.skip_trivia()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise _ScanError("expected ',' or ']'")

    def inline_table(self, path: Path) -> None:
        """{k = v, ...}; newlines are tolerated although TOML 1.0 forbids them."""
        self.expect("{")
        while True:
            self.skip_trivia()
            if self.peek() == "}":
                self.pos += 1
                return
            self.keyval(path)
            self.skip_trivia()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise _ScanError("expected ',' or '}'")

    # -- strings ------------------------------------------------------------

    def basic_string(self) -> str:
        """Single-line "..." with escapes; returns the decoded text (used for keys)."""
        self.expect('"')
        parts: list[str] = []
        while True:
            char = self.peek()
            if char in ("", "\n"):
                raise _ScanError("unterminated string")
            self.pos += 1
            if char == '"':
                return "".join(parts)
            parts.append(self.escape() if char == "\\" else char)

    def escape(self) -> str:
        """Decode the escape after a backslash (best effort for bad ones)."""
        char = self.peek()
        self.pos += 1
        if char in ("u", "U"):
            width = 4 if char == "u" else 8
            digits = self.text[self.pos : self.pos + width]
            self.pos += width
            try:
                return chr(int(digits, 16))
            except ValueError:
                return "\ufffd"
        return _ESCAPES.get(char, char)

    def literal_string(self) -> str:
        """Single-line '...' (no escapes)."""
        self.expect("'")
        start = self.pos
        end = self.text.find("'", start)
        newline = self.text.find("\n", start)
        if end < 0 or 0 <= newline < end:
            raise _ScanError("unterminated string")
        self.pos = end + 1
        return self.text[start:end]

    def multiline_basic_string(self) -> None:
        """\"\"\"...\"\"\" where backslash escapes a quote."""
        self.pos += 3
        while self.pos < len(self.text):
            if self.text[self.pos] == "\\":
                self.pos += 2
            elif self.text.startswith('"""', self.pos):
                self.pos += 3
                self.skip_extra_quotes('"')
                return
            else:
                self.pos += 1
        self.pos = len(self.text)
        raise _ScanError("unterminated multi-line string")

    def multiline_literal_string(self) -> None:
        """'''...''' (no escapes)."""
        end = self.text.find("'''", self.pos + 3)
        if end < 0:
            self.pos = len(self.text)
            raise _ScanError("unterminated multi-line string")
        self.pos = end + 3
        self.skip_extra_quotes("'")

    def skip_extra_quotes(self, quote: str) -> None:
        """Up to two quotes right before the closing delimiter belong to the content."""
        for _ in range(2):
            if self.peek() == quote:
                self.pos += 1
