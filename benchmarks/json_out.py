"""The `--json [PATH]` option every benchmark takes: its results as JSON, to a file or to stdout
(the table then goes to stderr)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO


def add_json_option(parser: argparse.ArgumentParser, what: str = "the results") -> None:
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help=f"also write {what} as JSON to PATH (- or no PATH: stdout, the table going to stderr)",
    )


def table_stream(target: str | None) -> TextIO:
    """Where the human-readable table goes: stderr when the JSON takes stdout."""
    return sys.stderr if target == "-" else sys.stdout


def write_json(result: Any, target: str | None) -> None:
    """Write `result` to `target` ("-": stdout; None: nowhere)."""
    if not target:
        return
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
