"""Line numbers for values in a TOML document.

`tomllib` returns plain values without positions.  `TomlPositions` re-scans the
same text with a small, forgiving TOML 1.0 scanner and remembers on which line
each table header, array-of-tables element, key and array element starts, so a
validator can report ``scene.toml:LINE: ...`` for any value path.

The scanner never raises and never recurses (nested arrays and inline tables
are followed on an explicit stack): on text it cannot make sense of it skips to
the next line and carries on, keeping whatever it has found so far. It scans
lazily, only as far into the text as the paths asked for so far need.
"""

from __future__ import annotations

import re

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
_MAX_PARTS = 256  # a key is recorded with at most this many parts (deeper ones are never asked for)
# A dotted key of many parts: bare or quoted parts joined by dots (a.b."c".'d').
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*"""


class _ScanError(Exception):
    """Internal: the text at the current position is not TOML we understand."""


class TomlPositions:
    """Line numbers (1-based) of the tables, array-of-tables elements and keys of one TOML document."""

    def __init__(self, text: str) -> None:
        self._scanner = _Scanner(text)

    def line_of(self, path: Path) -> int | None:
        """Line where `path` is defined: the key's line if the path ends at a key, the header line
        ([table] or [[array]]) for a table / array-of-tables element, otherwise the line of the
        nearest enclosing path that has one (walking up the path). None only for an empty document / unknown root."""
        try:
            path = tuple(path)[:_MAX_PARTS]
            hash(path)
        except TypeError:  # unhashable path element
            return None
        scanner = self._scanner
        while path not in scanner.explicit and scanner.step():
            pass
        for end in range(len(path), 0, -1):
            line = scanner.explicit.get(path[:end]) or scanner.implicit.get(path[:end])
            if line is not None:
                return line
        return None


def toml_error_line(message: str) -> int | None:
    """Line number from a tomllib.TOMLDecodeError message (they end in '(at line L, column C)'), or None."""
    found = _ERROR_LINE.findall(str(message))
    return int(found[-1]) if found else None


def long_key_line(text: str, parts: int) -> int | None:
    """First line with a dotted key of more than `parts` parts (a.b.c...), or None."""
    pattern = re.compile(f"(?<![A-Za-z0-9_.-])(?:{_KEY_PART}){{{parts}}}")  # from a key's first part only
    offset = 0
    for line in text.split("\n"):
        if line.count(".") >= parts and pattern.search(line):
            return text.count("\n", 0, offset) + 1
        offset += len(line) + 1
    return None


def nesting_line(text: str, depth: int) -> int | None:
    """First line where arrays and inline tables nest more than `depth` levels deep (where a
    reader that recurses gives up), or None. Scans no further than that line."""
    scanner = _Scanner(text)
    scanner.stop_depth = depth
    while scanner.too_deep is None and scanner.step():
        pass
    return scanner.too_deep


class _Scanner:
    """Single pass over the text; records the first line of every path it meets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 1 if text.startswith("\ufeff") else 0
        self.explicit: dict[Path, int] = {}  # keys, headers, array elements
        self.implicit: dict[Path, int] = {}  # tables created by a dotted key or header
        self.aot_counts: dict[Path, int] = {}  # array-of-tables path -> elements so far
        self.table: Path = ()
        self.stop_depth = 0  # > 0: stop where arrays / inline tables nest deeper
        self.too_deep: int | None = None  # the line where they did
        self._counted = (0, 1)  # (position, its line): line() counts on from there

    # -- driver -------------------------------------------------------------

    def step(self) -> bool:
        """Scan the next statement; False once the whole text is scanned."""
        self.skip_trivia()
        if self.pos >= len(self.text):
            return False
        start = self.pos
        try:
            self.statement()
        except Exception:  # noqa: BLE001 - _ScanError or anything unforeseen: never raise
            self.recover(start)
        return True

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
        start, line = self._counted if self._counted[0] <= self.pos else (0, 1)
        line += self.text.count("\n", start, self.pos)
        self._counted = (self.pos, line)
        return line

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
        for end in range(len(path) - 1, 0, -1):
            if path[:end] in self.implicit:  # recorded with all of its own parents
                return
            self.implicit[path[:end]] = line

    # -- headers ------------------------------------------------------------

    def header(self) -> None:
        """[table] or [[array.of.tables]]."""
        line = self.line()
        self.expect("[")
        is_array = self.peek() == "["
        if is_array:
            self.pos += 1
        keys = self.dotted_key()[:_MAX_PARTS]
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
        parts: list[str | int] = []
        for key in keys:
            parts.append(key)
            count = self.aot_counts.get(tuple(parts))
            if count:
                parts.append(count - 1)
        return tuple(parts)

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
        path = self.key_of_value(base)
        self.value(path)

    def key_of_value(self, base: Path) -> Path:
        """`key =` relative to table `base`: records its line and returns its path."""
        line = self.line()
        path = (base + tuple(self.dotted_key()))[:_MAX_PARTS]
        self.expect("=")
        self.skip_ws()
        self.define_parents(path, line)
        self.define(path, line)
        return path

    # -- values -------------------------------------------------------------

    def value(self, path: Path) -> None:
        """One value at `path`, recording where each array element and inline-table key starts.

        Arrays and inline tables (newlines tolerated in them, although TOML 1.0 forbids them
        in inline tables) nest on an explicit stack of open containers, never the call stack."""
        stack: list[list] = []  # open containers: [closing bracket, path, elements so far]
        state, target = "value", path
        while True:
            if state == "value":  # a value for `target` starts here
                char = self.peek()
                if char in ("[", "{"):
                    self.pos += 1
                    stack.append(["]" if char == "[" else "}", target, 0])
                    if self.stop_depth and len(stack) > self.stop_depth:
                        self.too_deep = self.line()
                        raise _ScanError("nested too deeply")
                    state = "open"
                    continue
                self.plain_value()
            elif state == "open":  # inside a container: an element or its end
                self.skip_trivia()
                closing, base, count = stack[-1]
                if self.peek() == closing:
                    self.pos += 1
                    stack.pop()
                else:
                    if not self.peek():
                        raise _ScanError("unterminated array or inline table")
                    if closing == "]":
                        target = (base + (count,))[:_MAX_PARTS]
                        self.define(target, self.line())
                    else:
                        target = self.key_of_value(base)
                    stack[-1][2] = count + 1
                    state = "value"
                    continue
            else:  # after an element: a separator or the end
                self.skip_trivia()
                if self.peek() == ",":
                    self.pos += 1
                    state = "open"
                    continue
                if self.peek() != stack[-1][0]:
                    raise _ScanError(f"expected ',' or '{stack[-1][0]}'")
                self.pos += 1
                stack.pop()
            if not stack:  # the value (and every container in it) has ended
                return
            state = "after"

    def plain_value(self) -> None:
        """A string, number, boolean or date."""
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
