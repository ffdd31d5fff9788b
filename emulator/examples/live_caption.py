"""Stream a live caption into the emulator word by word, as a speech-translation app would.

    python -m emulator scenes/translation.toml --serve 8765 --headless &
    python emulator/examples/live_caption.py --url http://127.0.0.1:8765 Where is the nearest subway station

Standard library only (urllib). It makes sure the scene has a caption with the id given (it
adds one at the bottom if not), then sends each word twice: first as tentative words
(`"commit": false`, drawn dimmer, as a recogniser's first guess), then committed, so the
caption scrolls the way a timeline `append` does. At the end it prints the caption's text as
the emulator holds it. Errors are one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

TIMEOUT_S = 10.0


class ApiError(Exception):
    """The emulator refused a request, or could not be reached."""


def call(url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One request to the emulator API: (status, the JSON reply)."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url.rstrip("/") + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as exc:
        try:
            message = json.load(exc).get("error", exc.reason)
        except ValueError:
            message = exc.reason
        return exc.code, {"error": message}
    except (urllib.error.URLError, OSError) as exc:
        raise ApiError(f"cannot reach the emulator at {url}: {getattr(exc, 'reason', exc)}") from None


def ensure_caption(url: str, caption_id: str) -> None:
    """Add a caption with this id at the bottom unless the scene has a widget with it."""
    status, reply = call(url, "GET", f"/widgets/{quote(caption_id, safe='')}")
    if status == 200:
        return
    if status != 404:
        raise ApiError(f"GET /widgets/{caption_id}: {status} {reply.get('error')}")
    status, reply = call(
        url, "POST", "/widgets", {"type": "caption", "id": caption_id, "anchor": "bottom", "max_lines": 2, "text": ""}
    )
    if status != 201:
        raise ApiError(f"POST /widgets: {status} {reply.get('error')}")


def stream(url: str, caption_id: str, words: list[str], delay: float) -> str:
    """Send the words one by one (tentative, then committed); returns the caption's text."""
    path = f"/widgets/{quote(caption_id, safe='')}/append"
    for word in words:
        for commit in (False, True):
            status, reply = call(url, "POST", path, {"text": word, "commit": commit})
            if status != 200:
                raise ApiError(f"POST {path}: {status} {reply.get('error')}")
            time.sleep(delay / 2)
    status, reply = call(url, "GET", f"/widgets/{quote(caption_id, safe='')}")
    if status != 200:
        raise ApiError(f"GET /widgets/{caption_id}: {status} {reply.get('error')}")
    return reply["fields"]["text"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Stream a live caption into the hud emulator, word by word.")
    parser.add_argument("words", nargs="+", help="the words to say")
    parser.add_argument("--url", default="http://127.0.0.1:8765", help="the emulator API (default: %(default)s)")
    parser.add_argument("--id", default="live-caption", help="the caption's widget id (default: %(default)s)")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds per word (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        ensure_caption(args.url, args.id)
        text = stream(args.url, args.id, args.words, max(0.0, args.delay))
    except ApiError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
