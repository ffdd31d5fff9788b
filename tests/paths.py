"""Paths the tests share: the repository, its example scenes and the tests' own fixture folders.

Test modules import these directly (`from paths import ROOT, SCENES`): tests/ is on sys.path
the same way tests/speech_support.py is found.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
README = ROOT / "README.md"
BENCHMARKS = ROOT / "benchmarks"
SCENES = ROOT / "scenes"
EXAMPLES = sorted(SCENES.glob("*.toml"))
LINT_FIXTURES = TESTS / "lint"
SPEECH_SCENES = TESTS / "speech"
