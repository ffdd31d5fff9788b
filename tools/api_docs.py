"""Build the Python API reference, docs/api/, from the docstrings with pdoc.

    .venv/bin/python tools/api_docs.py              # what `make docs` runs: writes docs/api/
    .venv/bin/python tools/api_docs.py --out DIR

The reference covers `hud`, every name an app uses (`hud.__all__`), and `hud.golden`, the
pytest plugin behind the `golden` fixture. Every warning while building is an error (pdoc
could not import a module, resolve a name of `__all__` or read a type annotation), and so is a
`hud.NAME` quoted in a docstring that names nothing: the build lists them, one a line, and
exits with status 1, leaving the output folder as it was. Open `docs/api/index.html`.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "api"
# What the reference documents, as pdoc module specs. `lint` is a function of hud.__all__ that
# shares its name with the module hud.lint, which pdoc would otherwise document as a page.
MODULES = ("hud", "hud.golden", "!hud.lint")
DOCFORMAT = "markdown"
FOOTER = "hud: rendering engine for AR heads-up displays"
# A name of hud quoted in a docstring: `hud.Output(...)`, ``hud.golden``.
_REFERENCE = re.compile(r"`+(hud(?:\.[A-Za-z_]\w*)+)")


def build(out: Path, modules: Sequence[str] = MODULES) -> list[str]:
    """Write the reference into `out` (replacing what is there) and return its problems, one
    line each; with any problem nothing is written."""
    import pdoc
    import pdoc.doc
    import pdoc.extract
    import pdoc.render

    problems: list[str] = []
    staging = Path(tempfile.mkdtemp(prefix=".api-", dir=_existing_parent(out)))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _resolve_public_names()
            pdoc.render.configure(docformat=DOCFORMAT, footer_text=FOOTER, show_source=False, search=True)
            try:
                documented = {name: pdoc.doc.Module.from_name(name) for name in pdoc.extract.walk_specs(modules)}
            except RuntimeError as exc:  # pdoc's word for a module that cannot be imported
                return [_one_line(str(exc))]
            for module in documented.values():
                page = staging / f"{module.fullname.replace('.', '/')}.html"
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(pdoc.render.html_module(module, documented), encoding="utf-8")
            (staging / "index.html").write_text(pdoc.render.html_index(documented), encoding="utf-8")
            (staging / "search.js").write_text(pdoc.render.search_index(documented), encoding="utf-8")
        problems += dict.fromkeys(f"{_place(w)}{w.category.__name__}: {_one_line(str(w.message))}" for w in caught)
        problems += broken_references(documented.values())
        if problems:
            return problems
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
        return []
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def broken_references(modules: Any) -> list[str]:
    """`hud.NAME` quotes in the documented docstrings that name no module or attribute."""
    problems = []
    for doc in _documented(modules):
        for reference in dict.fromkeys(_REFERENCE.findall(doc.docstring or "")):
            if not _resolves(reference):
                problems.append(f"{doc.fullname}: the docstring names `{reference}`, which does not exist")
    return problems


def _documented(modules: Any) -> Iterator[Any]:
    """Every documented object (modules, classes, functions, variables), depth first."""
    stack = list(modules)
    while stack:
        doc = stack.pop()
        yield doc
        stack += [member for member in getattr(doc, "own_members", ()) if member is not doc]


def _resolves(dotted: str) -> bool:
    """Whether `dotted` ("hud.Frame.timings_ms", "hud.golden") names a module or an attribute."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            fields = getattr(obj, "__dataclass_fields__", {}) or dict.fromkeys(getattr(obj, "_fields", ()))
            if name in fields:
                return True
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def _resolve_public_names() -> None:
    """Look every name of hud.__all__ up, so that the ones hud imports on first use (see
    `hud.GoldenChecker`) are in its namespace when pdoc reads it."""
    hud = importlib.import_module("hud")
    for name in hud.__all__:
        getattr(hud, name)


def _existing_parent(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    return out.parent


def _place(caught: warnings.WarningMessage) -> str:
    """`file:line: ` of a warning raised outside pdoc (pdoc's own say what they are about)."""
    if "pdoc" in Path(caught.filename).parts:
        return ""
    return f"{caught.filename}:{caught.lineno}: "


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[:3]) + (" ..." if len(lines) > 3 else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Python API reference from the docstrings with pdoc.")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    try:
        import pdoc  # noqa: F401 - only checks that it is installed
    except ImportError:
        print("pdoc is not installed: run `make env` (pdoc comes with the test tools)", file=sys.stderr)
        return 2
    problems = build(args.out)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s): {args.out} was not written", file=sys.stderr)
        return 1
    pages = sorted(args.out.rglob("*.html"))
    print(f"{args.out}: {len(pages)} page(s); open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
