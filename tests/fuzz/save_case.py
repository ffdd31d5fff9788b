"""Save a failing fuzz case into tests/fuzz/corpus/, where test_fuzz_corpus.py replays it on
every test run.

The fuzz tests call `save_case` on the minimal failing example when HUD_FUZZ_SAVE=1 (`make
fuzz` sets it). By hand, e.g. for a case from a bug report:

    python tests/fuzz/save_case.py scene broken.toml      # a scene file (text)
    python tests/fuzz/save_case.py bytes broken.bin       # a scene file (raw bytes)
    python tests/fuzz/save_case.py profile my.device.toml # a device profile
    python tests/fuzz/save_case.py argv '["render", "x.toml", "--fps", "nan"]'

A case's file name is its kind and a hash of its content, so saving it twice keeps one file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
# kind -> file suffix. Text kinds hold the input itself; the others hold JSON.
SUFFIXES = {
    "scene": ".scene.toml",  # scene text, loaded from a file (load_scene)
    "parse": ".parse.json",  # {"text"}: scene text given to parse_scene (may hold lone surrogates)
    "bytes": ".scene.bin",  # raw bytes of a scene file
    "render": ".render.json",  # {"scene", "device", "profile", "times"}: a valid scene that must render
    "speech": ".speech.json",  # {"scene"}: a valid scene that must speak on quark-g1
    "profile": ".profile.toml",  # device profile text
    "argv": ".argv.json",  # {"argv"}: a `hud` command line
    "http": ".http.json",  # {"method", "path", "version", "headers", "body" (base64), "truncated"},
    # or {"sequence": [request, ...]} for a failure only a series shows
}


def saving() -> bool:
    """Whether failing fuzz cases are saved (HUD_FUZZ_SAVE=1)."""
    return os.environ.get("HUD_FUZZ_SAVE", "") not in ("", "0")


@contextlib.contextmanager
def saved_on_failure(kind: str, payload: Any) -> Iterator[None]:
    """Save the case when the block fails on hypothesis's final, minimal example (and saving is on)."""
    try:
        yield
    except Exception:
        if saving() and _final_example():
            print(f"fuzz: saved the failing case as {save_case(kind, payload)}", file=sys.stderr)
        raise


def _final_example() -> bool:
    """Whether hypothesis is running the minimal failing example it will report."""
    from hypothesis.control import current_build_context
    from hypothesis.errors import InvalidArgument

    try:
        return bool(current_build_context().is_final)
    except InvalidArgument:  # not inside a hypothesis test
        return False


def encode(kind: str, payload: Any) -> bytes:
    """The bytes of a case file."""
    if kind not in SUFFIXES:
        raise ValueError(f"unknown case kind {kind!r}; kinds: {', '.join(SUFFIXES)}")
    if kind == "bytes":
        return bytes(payload)
    if kind in ("scene", "profile"):
        return str(payload).encode("utf-8")
    return (json.dumps(payload, ensure_ascii=True, indent=1, sort_keys=True) + "\n").encode("ascii")


def save_case(kind: str, payload: Any, corpus: Path | None = None) -> Path:
    """Write one case into the corpus (a scene that cannot be UTF-8 goes in as a parse case)."""
    corpus = CORPUS if corpus is None else corpus
    if kind in ("scene", "profile") and not _utf8(str(payload)):
        kind, payload = "parse", {"text": str(payload)}
    data = encode(kind, payload)
    corpus.mkdir(parents=True, exist_ok=True)
    path = corpus / f"{kind}-{hashlib.sha256(data).hexdigest()[:12]}{SUFFIXES[kind]}"
    if not path.exists():
        part = path.with_name(path.name + ".part")
        part.write_bytes(data)
        part.replace(path)
    return path


def kind_of(path: Path) -> str:
    """The kind of a corpus file, from its suffix."""
    for kind, suffix in SUFFIXES.items():
        if path.name.endswith(suffix):
            return kind
    raise ValueError(f"{path.name}: not a corpus file (suffixes: {', '.join(SUFFIXES.values())})")


def load_case(path: Path) -> Any:
    """The payload of a corpus file."""
    kind = kind_of(path)
    data = path.read_bytes()
    if kind == "bytes":
        return data
    if kind in ("scene", "profile"):
        return data.decode("utf-8")
    return json.loads(data)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("scene", "bytes", "profile", "argv"):
        print("usage: save_case.py scene|bytes|profile FILE  or  save_case.py argv JSON-LIST", file=sys.stderr)
        return 2
    kind, source = argv
    if kind == "argv":
        payload: Any = {"argv": json.loads(source)}
    else:
        raw = Path(source).read_bytes()
        payload = raw if kind == "bytes" else raw.decode("utf-8")
    print(save_case(kind, payload))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
