#!/usr/bin/env python3
"""Build the bundled font subsets in fonts/ from Debian's Noto packages.

Sources (install with ``apt-get install fonts-noto-core fonts-noto-cjk``):

* Noto Sans Regular/Bold (TrueType) from ``fonts-noto-core``
* Noto Sans CJK SC Regular/Bold (CFF, a face inside a .ttc) from ``fonts-noto-cjk``

Requires fontTools (``pip install fonttools``). Run from anywhere::

    python tools/subset_fonts.py [--out-dir DIR]

The output is deterministic: the source ``head.modified`` timestamp is kept,
so running the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont
except ImportError:  # pragma: no cover - build-time tool only
    sys.exit("error: fontTools is not installed; run `pip install fonttools`")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "fonts"

NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK_DIR = Path("/usr/share/fonts/opentype/noto")
CJK_SC_FAMILY = "Noto Sans CJK SC"

Range = tuple[int, int]

# Latin/Greek/Cyrillic text face (inclusive code point ranges).
LATIN_RANGES: list[Range] = [
    (0x0020, 0x007F),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0180, 0x024F),  # Latin Extended-B
    (0x0300, 0x036F),  # Combining Diacritical Marks
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # General Punctuation
    (0x2070, 0x209F),  # Superscripts and Subscripts
    (0x20A0, 0x20CF),  # Currency Symbols
    (0x2100, 0x214F),  # Letterlike Symbols
    (0x2150, 0x218F),  # Number Forms
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0xFFFD, 0xFFFD),  # Replacement character
]

# Non-hanzi part of the Simplified Chinese face.
CJK_RANGES: list[Range] = [
    (0x0020, 0x007F),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x2190, 0x21FF),  # Arrows (Noto Sans has none)
    (0x2200, 0x22FF),  # Mathematical Operators, incl. U+2212 minus (Noto Sans has none)
    (0x2460, 0x24FF),  # Enclosed Alphanumerics
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2600, 0x26FF),  # Miscellaneous Symbols (stars, weather)
]
CJK_EXTRA_CHARS = "·—…“”‘’"
# Frequent modern characters outside GB2312 (kept if the font has them).
CJK_EXTRA_HANZI = "啰瞭䶮堃喆昇犇淼旻珺玥琪"


@dataclass(frozen=True)
class Job:
    """One output font: where it comes from and what it keeps."""

    output: str
    source: Path
    package: str
    family: str | None  # face to pick inside a collection; None for single fonts
    unicodes: frozenset[int]


def expand(ranges: list[Range]) -> set[int]:
    """Return every code point in the inclusive ``ranges``."""
    return {cp for lo, hi in ranges for cp in range(lo, hi + 1)}


def gb2312_hanzi() -> set[int]:
    """Return the 6,763 GB2312 hanzi (rows 0xB0-0xF7, cells 0xA1-0xFE)."""
    hanzi: set[int] = set()
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                hanzi.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                pass  # unassigned cells at the end of row 0xD7
    return hanzi


def latin_unicodes() -> frozenset[int]:
    """Code points kept in the Noto Sans subsets."""
    return frozenset(expand(LATIN_RANGES))


def cjk_unicodes() -> frozenset[int]:
    """Code points kept in the Noto Sans SC subsets."""
    cps = expand(CJK_RANGES) | gb2312_hanzi()
    cps |= {ord(c) for c in CJK_EXTRA_CHARS + CJK_EXTRA_HANZI}
    return frozenset(cps)


def require_source(job: Job) -> None:
    """Exit with one line naming the Debian package if the source is missing."""
    if not job.source.is_file():
        sys.exit(
            f"error: {job.source} not found; install the Debian package "
            f"{job.package} (apt-get install {job.package})"
        )


def find_face(path: Path, family: str) -> int:
    """Return the index of the face named ``family`` (nameID 1) in a collection."""
    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return index
    sys.exit(f"error: no face with family name {family!r} in {path}")


def subset_options(font_number: int) -> subset.Options:
    """fontTools subsetter options shared by all outputs."""
    options = subset.Options()
    options.layout_features = ["*"]  # keep every GSUB/GPOS feature (kern etc.)
    options.hinting = True  # keep TrueType instructions / CFF hints
    options.glyph_names = False
    options.name_IDs = ["*"]  # keep copyright, licence and version strings
    options.notdef_outline = True  # keep the .notdef box for missing glyphs
    options.recalc_timestamp = False  # keep head.modified -> reproducible bytes
    options.font_number = font_number
    return options


def build(job: Job, out_dir: Path) -> Path:
    """Subset one font and write it to ``out_dir``; return the output path."""
    require_source(job)
    font_number = find_face(job.source, job.family) if job.family else -1
    options = subset_options(font_number)
    font = subset.load_font(str(job.source), options, dontLoadGlyphNames=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(job.unicodes))
    subsetter.subset(font)
    font.recalcTimestamp = False
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    out_path = out_dir / job.output
    out_path.write_bytes(buffer.getvalue())
    font.close()
    return out_path


def describe(path: Path) -> str:
    """One line with size, glyph count and mapped code points of ``path``."""
    font = TTFont(str(path), lazy=True)
    glyphs = font["maxp"].numGlyphs
    mapped = len(font.getBestCmap())
    font.close()
    size = path.stat().st_size
    return f"wrote {path} ({size:,} bytes, {glyphs:,} glyphs, {mapped:,} code points)"


def jobs() -> list[Job]:
    """All fonts this script produces."""
    latin = latin_unicodes()
    cjk = cjk_unicodes()
    return [
        Job("NotoSans-Regular.ttf", NOTO_DIR / "NotoSans-Regular.ttf",
            "fonts-noto-core", None, latin),
        Job("NotoSans-Bold.ttf", NOTO_DIR / "NotoSans-Bold.ttf",
            "fonts-noto-core", None, latin),
        Job("NotoSansSC-Regular.otf", NOTO_CJK_DIR / "NotoSansCJK-Regular.ttc",
            "fonts-noto-cjk", CJK_SC_FAMILY, cjk),
        Job("NotoSansSC-Bold.otf", NOTO_CJK_DIR / "NotoSansCJK-Bold.ttc",
            "fonts-noto-cjk", CJK_SC_FAMILY, cjk),
    ]


def main(argv: list[str] | None = None) -> int:
    """Build every subset and print a summary line for each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                        help=f"output folder (default: {DEFAULT_OUT_DIR})")
    args = parser.parse_args(argv)
    all_jobs = jobs()
    for job in all_jobs:  # fail before writing anything if a source is missing
        require_source(job)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for job in all_jobs:
        path = build(job, args.out_dir)
        total += path.stat().st_size
        print(describe(path))
    print(f"total {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
