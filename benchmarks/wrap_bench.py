"""Time to wrap long text, and how much of it gets shaped, by length and kind of text.

    .venv/bin/python benchmarks/wrap_bench.py                 # 1k, 10k and 20k characters
    .venv/bin/python benchmarks/wrap_bench.py --sizes 1000 5000 --width 400

Kinds: a URL-like blob with no break opportunity (the worst case for wrapping), an English
paragraph, Chinese, and Thai (no spaces between words). Each text is laid out once with a cold
shaping cache; "shaped" is the characters HarfBuzz was given per character of text, which stays
flat as the text grows when layout is linear in its length.
"""

from __future__ import annotations

import argparse
import random
import time

from hud.text import layout_text
from hud.text.shaping import ShapeStats
from hud.text.wrap import clear_caches

ENGLISH = (
    "the quick brown fox jumps over a lazy dog while translation captions stream by at walking "
    "pace, and the guide points out the bridge."
).split()
CHINESE = "我们今天在西湖边散步看到了很多游客正在拍照天气非常好，。"
THAI = [
    "ภาษา",
    "ไทย",
    "เป็น",
    "ที่",
    "เขียน",
    "โดย",
    "ไม่มี",
    "ช่องว่าง",
    "ระหว่าง",
    "คำ",
    "สวัสดี",
    "ครับ",
    "วันนี้",
    "อากาศ",
    "ดี",
    " ",
]
BLOB = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def sample(kind: str, length: int, seed: int = 1) -> str:
    """`length` characters of one kind of text, the same for the same seed."""
    rng = random.Random(seed)
    if kind == "url":
        return ("https://example.com/?token=" + "".join(rng.choice(BLOB) for _ in range(length)))[:length]
    if kind == "english":
        words = []
        while sum(len(word) + 1 for word in words) < length:
            words.append(rng.choice(ENGLISH))
        return " ".join(words)[:length]
    if kind == "cjk":
        return "".join(rng.choice(CHINESE) for _ in range(length))
    if kind == "thai":
        text = ""
        while len(text) < length:
            text += rng.choice(THAI)
        return text[:length]
    raise ValueError(f"unknown kind {kind!r}")


def measure(text: str, size_px: int, width: int) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, lines, characters shaped) for one cold layout of `text`."""
    clear_caches()
    shaped = ShapeStats.chars
    started, cpu = time.perf_counter(), time.process_time()
    block = layout_text(text, size_px, "regular", width)
    return (time.perf_counter() - started, time.process_time() - cpu, len(block.lines), ShapeStats.chars - shaped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 20_000])
    parser.add_argument("--kinds", nargs="+", default=["url", "english", "cjk", "thai"])
    parser.add_argument("--size-px", type=int, default=24)
    parser.add_argument("--width", type=int, default=600)
    args = parser.parse_args(argv)
    layout_text("warm up ภาษาไทย 中文", args.size_px, "regular", args.width)  # fonts, dictionaries
    print(f"{'kind':8} {'chars':>6} {'wall ms':>9} {'CPU ms':>9} {'lines':>6} {'shaped/char':>12}")
    for kind in args.kinds:
        for length in args.sizes:
            wall, cpu, lines, shaped = measure(sample(kind, length), args.size_px, args.width)
            print(
                f"{kind:8} {length:>6} {wall * 1000:>9.1f} {cpu * 1000:>9.1f} {lines:>6} {shaped / length:>12.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
