#!/usr/bin/env python3
"""Build the bundled font subsets in fonts/ from Debian's Noto packages and Noto Emoji.

Sources (install with
``apt-get install fonts-noto-core fonts-noto-ui-core fonts-noto-cjk``):

* Noto Sans Regular/Bold (TrueType) from ``fonts-noto-core``
* Noto Sans Hebrew, Tamil and Bengali Regular/Bold (TrueType) from
  ``fonts-noto-core``
* Noto Sans Arabic UI, Devanagari UI and Thai UI Regular/Bold (TrueType) from
  ``fonts-noto-ui-core`` (the UI variants have tighter vertical metrics)
* Noto Sans CJK SC, KR and JP Regular/Bold (CFF, faces inside a .ttc) from
  ``fonts-noto-cjk``
* Noto Emoji (monochrome) Regular/Bold (TrueType, static wght 400 and 700) from
  the npm package ``@expo-google-fonts/noto-emoji`` 0.4.7 (Google Fonts' build of
  Noto Emoji 3.006), fetched with ``npm pack`` unless ``--emoji-package`` names
  the downloaded tarball; the two TTFs are checked against their SHA-256

Requires fontTools (``pip install fonttools``) and, for the emoji set, uniseg (a
dependency of hud). Run from anywhere::

    python tools/subset_fonts.py [--out-dir DIR] [--emoji-package TGZ] [--only GLOB]

The output is deterministic: the source ``head.modified`` timestamp is kept,
so running the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
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
CJK_KR_FAMILY = "Noto Sans CJK KR"
CJK_JP_FAMILY = "Noto Sans CJK JP"

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

# Spaces, digits, punctuation and format characters that the single-script
# fonts below carry for use inside their own script runs. Only the code points
# a font actually has are kept (the script fonts have no Latin letters).
SCRIPT_COMMON_RANGES: list[Range] = [
    (0x0020, 0x007E),  # ASCII space, digits and punctuation
    (0x00A0, 0x00FF),  # NBSP, « », soft hyphen, ² ³, × ÷
    (0x02BC, 0x02BC),  # modifier letter apostrophe
    (0x2000, 0x206F),  # General Punctuation: ZWSP, ZWNJ/ZWJ, LRM/RLM, hyphens, quotes
    (0x20A0, 0x20CF),  # Currency Symbols: ₪ (Hebrew), ₹ (Indic)
    (0x2212, 0x2212),  # minus sign
    (0x25CC, 0x25CC),  # dotted circle: the shapers' base for a lone combining mark
]

ARABIC_RANGES: list[Range] = [
    (0x0600, 0x06FF),  # Arabic (incl. U+060C comma, U+061F question mark, digits)
    (0x0750, 0x077F),  # Arabic Supplement
    (0x08A0, 0x08FF),  # Arabic Extended-A
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
    (0x034F, 0x034F),  # combining grapheme joiner (mark ordering)
    (0x2E41, 0x2E41),  # reversed comma (Sindhi, Arabic-script languages)
]

HEBREW_RANGES: list[Range] = [
    (0x0590, 0x05FF),  # Hebrew
    (0xFB1D, 0xFB4F),  # Alphabetic Presentation Forms (Hebrew part)
]

DEVANAGARI_RANGES: list[Range] = [
    (0x0900, 0x097F),  # Devanagari (incl. U+0964/0965 danda, double danda)
    (0xA8E0, 0xA8FF),  # Devanagari Extended
    (0x1CD0, 0x1CFF),  # Vedic Extensions
    (0xA830, 0xA83F),  # Common Indic Number Forms
    (0x20F0, 0x20F0),  # combining asterisk above (Vedic)
]

TAMIL_RANGES: list[Range] = [
    (0x0B80, 0x0BFF),  # Tamil
    (0x11FC0, 0x11FFF),  # Tamil Supplement (not in Noto Sans Tamil 2.001)
    (0x0951, 0x0952),  # Devanagari stress signs, shared by Indic scripts
    (0x0964, 0x0965),  # danda, double danda (shared)
    (0x1CDA, 0x1CDA),  # Vedic double svarita
    (0xA8F3, 0xA8F3),  # Devanagari sign candrabindu virama
    (0x2074, 0x2074),  # superscript four } Tamil transliteration of Sanskrit
    (0x2082, 0x2084),  # subscripts 2-4    } aspirates (க² க³ க⁴ / க₂ ...)
    (0x11301, 0x11301),  # Grantha candrabindu  } Grantha signs used
    (0x11303, 0x11303),  # Grantha visarga      } in Tamil text
    (0x1133B, 0x1133C),  # combining bindu below, Grantha nukta
]

BENGALI_RANGES: list[Range] = [
    (0x0980, 0x09FF),  # Bengali
    (0x0951, 0x0952),  # Devanagari stress signs, shared by Indic scripts
    (0x0964, 0x0965),  # danda, double danda (Bengali uses the Devanagari ones)
    (0x1CD0, 0x1CFF),  # Vedic Extensions (Vedic Sanskrit in Bengali script)
    (0xA8F1, 0xA8F1),  # combining Devanagari sign avagraha
]

THAI_RANGES: list[Range] = [
    (0x0E00, 0x0E7F),  # Thai
    (0x02D7, 0x02D7),  # modifier letter minus sign
    (0x0303, 0x0303),  # combining tilde     } Pali/Sanskrit and
    (0x0331, 0x0331),  # combining macron below } transliteration
]

# Korean face: Hangul only, no hanja (the SC face covers Han).
KR_RANGES: list[Range] = [
    (0x0020, 0x007E),  # Basic Latin
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3200, 0x321E),  # Parenthesized Hangul (Enclosed CJK, Korean part)
    (0x3260, 0x327F),  # Circled Hangul, ㉿ Korean standard symbol
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7A3),  # all 11,172 precomposed Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xFF01, 0xFF5E),  # Fullwidth ASCII variants
]

# Japanese face: only the kanji the SC subset lacks, plus Japanese-only marks.
JP_RANGES: list[Range] = [
    (0xFF61, 0xFF9F),  # Halfwidth Katakana (and halfwidth CJK punctuation)
]
# Iteration, closing, zero and prolonged-sound marks; kept here even where the
# SC subset has them too, so the JP face is complete for them.
JP_MARKS = "々〆〇〃〻〱〲〳〴〵ゝゞヽヾヵヶー"
# Jōyō kanji (2010) outside JIS X 0208; every other Jōyō kanji is in JIS
# levels 1 and 2. Kept if the font has them.
JOYO_OUTSIDE_JIS = "\U00020b9f\u5861\u525d\u9830"  # 𠮟 塡 剝 頰

# Noto Emoji from the npm registry: Google Fonts' static instances, repackaged by
# Expo (the Fontsource packages split the font by unicode-range, which cuts the
# ZWJ, flag and keycap ligatures apart). Pinned by package version and by the
# SHA-256 of each TTF inside the tarball.
EMOJI_PACKAGE = "@expo-google-fonts/noto-emoji"
EMOJI_PACKAGE_VERSION = "0.4.7"
EMOJI_MEMBERS: dict[str, tuple[str, str]] = {  # weight -> (tarball member, SHA-256)
    "Regular": (
        "package/400Regular/NotoEmoji_400Regular.ttf",
        "24aaa2a20c9c06ffe9bf04284bfd1f14376a329d10122f902abe2770817eb504",
    ),
    "Bold": (
        "package/700Bold/NotoEmoji_700Bold.ttf",
        "4a3232c18f9c6312d34eb5b3ddc670c2060ff15f42d584c8aca331b6205c6ad9",
    ),
}
# Planes searched for emoji code points: the BMP, the SMP and the tag block
# (subdivision flags such as England use tag characters U+E0020-E007F).
EMOJI_SEARCH: list[Range] = [(0x0000, 0x1FFFF), (0xE0000, 0xE007F)]
EMOJI_SELECTORS = "\ufe0e\ufe0f"  # text and emoji presentation selectors


@dataclass(frozen=True)
class Job:
    """One output font: where it comes from and what it keeps."""

    output: str
    source: Path
    package: str
    family: str | None  # face to pick inside a collection; None for single fonts
    unicodes: frozenset[int]
    member: str = ""  # font file inside a package tarball (source); "" for font files
    sha256: str = ""  # expected SHA-256 of that member


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


def ks_x_1001_hangul() -> set[int]:
    """Return the 2,350 KS X 1001 Hangul syllables (EUC-KR rows 0xB0-0xC8)."""
    return {ord(bytes((row, cell)).decode("euc_kr")) for row in range(0xB0, 0xC9) for cell in range(0xA1, 0xFF)}


def jis_x_0208_kanji(level: int) -> set[int]:
    """Return the JIS X 0208 level-1 (2,965) or level-2 (3,390) kanji.

    Level 1 is EUC-JP rows 0xB0-0xCF, level 2 rows 0xD0-0xF4; the unassigned
    cells at the end of rows 0xCF and 0xF4 do not decode and are skipped.
    """
    rows = range(0xB0, 0xD0) if level == 1 else range(0xD0, 0xF5)
    kanji: set[int] = set()
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                kanji.add(ord(bytes((row, cell)).decode("euc_jp")))
            except UnicodeDecodeError:
                pass
    return kanji


def latin_unicodes() -> frozenset[int]:
    """Code points kept in the Noto Sans subsets."""
    return frozenset(expand(LATIN_RANGES))


def cjk_unicodes() -> frozenset[int]:
    """Code points kept in the Noto Sans SC subsets."""
    cps = expand(CJK_RANGES) | gb2312_hanzi()
    cps |= {ord(c) for c in CJK_EXTRA_CHARS + CJK_EXTRA_HANZI}
    return frozenset(cps)


def script_unicodes(ranges: list[Range]) -> frozenset[int]:
    """A single-script font's blocks plus the shared spaces and punctuation."""
    return frozenset(expand(ranges) | expand(SCRIPT_COMMON_RANGES))


def kr_unicodes() -> frozenset[int]:
    """Code points kept in the Noto Sans CJK KR subsets (no hanja)."""
    return frozenset(expand(KR_RANGES))


def jp_unicodes(sc_cmap: set[int]) -> frozenset[int]:
    """Code points kept in the Noto Sans CJK JP subsets.

    ``sc_cmap`` is what the SC subset maps; only the Jōyō and JIS X 0208
    level-1/2 kanji outside it are kept, plus the Japanese marks and the
    halfwidth katakana.
    """
    kanji = jis_x_0208_kanji(1) | jis_x_0208_kanji(2)
    kanji |= {ord(c) for c in JOYO_OUTSIDE_JIS}
    cps = (kanji - sc_cmap) | expand(JP_RANGES) | {ord(c) for c in JP_MARKS}
    return frozenset(cps)


def emoji_unicodes() -> frozenset[int]:
    """Code points kept in the Noto Emoji subsets.

    Every code point with an emoji property (Emoji, Emoji_Presentation,
    Emoji_Component, Extended_Pictographic: single emoji, keycap bases # * 0-9,
    ZWJ, U+20E3, regional indicators, skin tones, hair components, tags) plus
    the two presentation selectors. The font's private-use aliases are left
    out; ZWJ sequences, flags and keycaps stay reachable through GSUB.
    """
    from uniseg.emoji import emoji, emoji_component, emoji_presentation, extended_pictographic

    properties = (emoji, emoji_presentation, emoji_component, extended_pictographic)
    cps = {cp for cp in expand(EMOJI_SEARCH) if any(prop(chr(cp)) for prop in properties)}
    return frozenset(cps | {ord(c) for c in EMOJI_SELECTORS})


def fetch_emoji_package(dest: Path) -> Path:
    """Download the pinned Noto Emoji npm tarball into ``dest`` with ``npm pack``."""
    if shutil.which("npm") is None:
        sys.exit(
            f"error: npm not found; install it, or download {EMOJI_PACKAGE}@{EMOJI_PACKAGE_VERSION} "
            "with `npm pack` and pass the .tgz with --emoji-package"
        )
    spec = f"{EMOJI_PACKAGE}@{EMOJI_PACKAGE_VERSION}"
    done = subprocess.run(
        ["npm", "pack", spec, "--pack-destination", str(dest)], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"error: `npm pack {spec}` failed:\n{done.stderr.strip()}")
    return dest / done.stdout.strip().splitlines()[-1]


def read_member(job: Job) -> bytes:
    """The font file ``job.member`` from its tarball, checked against ``job.sha256``."""
    with tarfile.open(job.source) as archive:
        data = archive.extractfile(job.member).read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != job.sha256:
        sys.exit(f"error: {job.member} in {job.source} has SHA-256 {digest}, expected {job.sha256} ({job.package})")
    return data


def require_source(job: Job) -> None:
    """Exit with one line naming the package if the source is missing."""
    if job.member and not job.source.is_file():
        sys.exit(f"error: {job.source} not found; download it with `npm pack {job.package}`")
    if not job.source.is_file():
        sys.exit(
            f"error: {job.source} not found; install the Debian package {job.package} (apt-get install {job.package})"
        )


def find_face(path: Path, family: str) -> int:
    """Return the index of the face named ``family`` (nameID 1) in a collection."""
    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return index
    sys.exit(f"error: no face with family name {family!r} in {path}")


def face_cmap(path: Path, family: str) -> set[int]:
    """Code points mapped by the face named ``family`` in a collection."""
    collection = TTCollection(str(path), lazy=True)
    cmap = set(collection.fonts[find_face(path, family)].getBestCmap())
    collection.close()
    return cmap


def subset_options(font_number: int) -> subset.Options:
    """fontTools subsetter options shared by all outputs."""
    options = subset.Options()
    options.layout_features = ["*"]  # keep every GSUB/GPOS feature (kern etc.)
    options.hinting = True  # keep TrueType instructions / CFF hints
    options.glyph_names = False
    options.name_IDs = ["*"]  # keep copyright, licence and version strings
    options.notdef_outline = True  # keep the .notdef box for missing glyphs
    options.recalc_timestamp = False  # keep head.modified -> reproducible bytes
    # Serialise GSUB/GPOS with fontTools' own packer even where uharfbuzz is
    # installed: HarfBuzz's repacker lays the tables out differently, so the
    # bytes would otherwise depend on whether uharfbuzz happens to be present.
    options.harfbuzz_repacker = False
    options.font_number = font_number
    return options


def build(job: Job, out_dir: Path) -> Path:
    """Subset one font and write it to ``out_dir``; return the output path."""
    require_source(job)
    font_number = find_face(job.source, job.family) if job.family else -1
    options = subset_options(font_number)
    source = io.BytesIO(read_member(job)) if job.member else str(job.source)
    font = subset.load_font(source, options, dontLoadGlyphNames=True)
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


def emoji_jobs(package: Path) -> list[Job]:
    """The two Noto Emoji subsets, read from the npm tarball ``package``."""
    unicodes = emoji_unicodes()
    spec = f"{EMOJI_PACKAGE}@{EMOJI_PACKAGE_VERSION}"
    return [
        Job(f"NotoEmoji-{weight}.ttf", package, spec, None, unicodes, member, sha256)
        for weight, (member, sha256) in EMOJI_MEMBERS.items()
    ]


def jobs() -> list[Job]:
    """All fonts this script makes from Debian packages."""
    latin = latin_unicodes()
    cjk = cjk_unicodes()
    kr = kr_unicodes()
    result = [
        Job("NotoSans-Regular.ttf", NOTO_DIR / "NotoSans-Regular.ttf", "fonts-noto-core", None, latin),
        Job("NotoSans-Bold.ttf", NOTO_DIR / "NotoSans-Bold.ttf", "fonts-noto-core", None, latin),
        Job("NotoSansSC-Regular.otf", NOTO_CJK_DIR / "NotoSansCJK-Regular.ttc", "fonts-noto-cjk", CJK_SC_FAMILY, cjk),
        Job("NotoSansSC-Bold.otf", NOTO_CJK_DIR / "NotoSansCJK-Bold.ttc", "fonts-noto-cjk", CJK_SC_FAMILY, cjk),
    ]
    # (output stem, source stem, Debian package, ranges); UI sources keep the
    # output names of the plain family.
    script_fonts = [
        ("NotoSansArabic", "NotoSansArabicUI", "fonts-noto-ui-core", ARABIC_RANGES),
        ("NotoSansHebrew", "NotoSansHebrew", "fonts-noto-core", HEBREW_RANGES),
        ("NotoSansDevanagari", "NotoSansDevanagariUI", "fonts-noto-ui-core", DEVANAGARI_RANGES),
        ("NotoSansTamil", "NotoSansTamil", "fonts-noto-core", TAMIL_RANGES),
        ("NotoSansBengali", "NotoSansBengali", "fonts-noto-core", BENGALI_RANGES),
        ("NotoSansThai", "NotoSansThaiUI", "fonts-noto-ui-core", THAI_RANGES),
    ]
    for out_stem, src_stem, package, ranges in script_fonts:
        unicodes = script_unicodes(ranges)
        for weight in ("Regular", "Bold"):
            result.append(
                Job(f"{out_stem}-{weight}.ttf", NOTO_DIR / f"{src_stem}-{weight}.ttf", package, None, unicodes)
            )
    for weight in ("Regular", "Bold"):
        result.append(
            Job(
                f"NotoSansKR-{weight}.otf",
                NOTO_CJK_DIR / f"NotoSansCJK-{weight}.ttc",
                "fonts-noto-cjk",
                CJK_KR_FAMILY,
                kr,
            )
        )
    for weight in ("Regular", "Bold"):
        # The JP subset leaves out every kanji the SC subset of the same
        # weight maps (both weights map the same code points).
        source = NOTO_CJK_DIR / f"NotoSansCJK-{weight}.ttc"
        sc_cmap = set(cjk)
        if source.is_file():  # a missing source is reported by require_source
            sc_cmap &= face_cmap(source, CJK_SC_FAMILY)
        result.append(Job(f"NotoSansJP-{weight}.otf", source, "fonts-noto-cjk", CJK_JP_FAMILY, jp_unicodes(sc_cmap)))
    return result


def main(argv: list[str] | None = None) -> int:
    """Build every subset and print a summary line for each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out-dir", type=Path, default=DEFAULT_OUT_DIR, help=f"output folder (default: {DEFAULT_OUT_DIR})"
    )
    parser.add_argument(
        "--emoji-package",
        type=Path,
        default=None,
        help=f"{EMOJI_PACKAGE}-{EMOJI_PACKAGE_VERSION}.tgz from `npm pack` (default: fetch it with npm)",
    )
    parser.add_argument("--only", default="*", help="build only the outputs matching this glob, e.g. 'NotoEmoji-*'")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        wanted = [job for job in jobs() if fnmatch.fnmatch(job.output, args.only)]
        for job in wanted:  # fail before fetching or writing anything if a source is missing
            require_source(job)
        if any(fnmatch.fnmatch(f"NotoEmoji-{weight}.ttf", args.only) for weight in EMOJI_MEMBERS):
            package = args.emoji_package or fetch_emoji_package(Path(temp))
            emoji = [job for job in emoji_jobs(package) if fnmatch.fnmatch(job.output, args.only)]
            for job in emoji:
                require_source(job)
            wanted += emoji
        args.out_dir.mkdir(parents=True, exist_ok=True)
        total = 0
        for job in wanted:
            path = build(job, args.out_dir)
            total += path.stat().st_size
            print(describe(path))
    print(f"total {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
