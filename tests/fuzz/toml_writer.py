"""TOML text from plain data, the way a person writes a scene file.

Tables of tables become `[name]` headers, lists of tables become `[[name]]` blocks (children
nest as `[[widgets.children]]`), everything else is written inline. Strings are basic strings
with every control character escaped, so any Python string (bar lone surrogates, which TOML
cannot hold) comes back from tomllib unchanged.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(doc: dict[str, Any], inline_children: bool = False) -> str:
    """TOML text for `doc`; with `inline_children`, lists of tables below the top level are
    written inline (`children = [{...}, {...}]`) instead of as `[[a.b]]` blocks."""
    lines: list[str] = []
    _table(doc, (), lines, inline_children)
    return "\n".join(lines) + "\n"


def key(name: str) -> str:
    """A key, bare when TOML allows it, quoted otherwise."""
    return name if _BARE_KEY.match(name) else string(name)


def string(text: str) -> str:
    """A TOML basic string holding `text` exactly."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def value(item: Any) -> str:
    """An inline TOML value."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, (datetime.datetime, datetime.date, datetime.time)):
        return item.isoformat()
    if isinstance(item, (list, tuple)):
        return "[" + ", ".join(value(v) for v in item) + "]"
    if isinstance(item, dict):
        return "{" + ", ".join(f"{key(str(k))} = {value(v)}" for k, v in item.items()) + "}"
    raise TypeError(f"no TOML form for {type(item).__name__}")


def _is_table_list(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(v, dict) for v in item)


def _table(table: dict[str, Any], path: tuple[str, ...], lines: list[str], inline_children: bool) -> None:
    """Write the scalar keys of `table`, then its sub-tables and lists of tables as blocks."""
    blocks = []
    for name, item in table.items():
        as_block = isinstance(item, dict) or _is_table_list(item)
        if as_block and (not path or not inline_children):
            blocks.append((name, item))
        else:
            lines.append(f"{key(name)} = {value(item)}")
    for name, item in blocks:
        here = path + (key(name),)
        dotted = ".".join(here)
        if isinstance(item, dict):
            lines.append("")
            lines.append(f"[{dotted}]")
            _table(item, here, lines, inline_children)
        else:
            for element in item:
                lines.append("")
                lines.append(f"[[{dotted}]]")
                _table(element, here, lines, inline_children)
