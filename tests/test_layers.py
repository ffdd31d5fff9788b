"""The layers of hud/ and emulator/ (hud/layers.py) hold: every module sits in one layer, no
import reaches a higher layer, and no modules import each other around a circle.

Imports are read with ast at every level: module top, inside functions, and TYPE_CHECKING
blocks. `import a.b` counts as an import of a.b (not of the package a it runs first);
`from a import b` as an import of a.b when that is a module, else of a.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from hud.layers import BEGIN, END, LAYERS, layer_index, markdown, matches

from paths import README, ROOT

PACKAGES = ("hud", "emulator")


@dataclass(frozen=True)
class Import:
    """One import statement's edge: `source` (a module, in file `path` at `line`) imports `target`."""

    source: str
    path: Path
    line: int
    target: str

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


def module_files(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under each package folder in `root`, and
    every compiled module, by its .pyi stub (it imports nothing of ours)."""
    modules: dict[str, Path] = {}
    for package in packages:
        stubs = [p for p in (root / package).rglob("*.pyi") if not p.with_suffix(".py").exists()]
        for path in sorted([*(root / package).rglob("*.py"), *stubs]):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The deepest module of `modules` that `name` is or lies in (None outside them)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The dotted module a `from ... import` names, relative imports resolved against `module`."""
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def module_imports(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import in `path` of a module in `modules` (itself left out), in line order."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [_known(alias.name, modules) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path, node)
            named = [f"{base}.{alias.name}" for alias in node.names]
            targets = [name if name in modules else _known(base, modules) for name in named]
        else:
            continue
        found += [
            Import(module, path, node.lineno, target) for target in targets if target is not None and target != module
        ]
    return sorted(set(found), key=lambda edge: (edge.line, edge.target))


def import_edges(root: Path, packages: tuple[str, ...] = PACKAGES) -> tuple[dict[str, Path], list[Import]]:
    """The modules under `root`'s packages and every import between them."""
    modules = module_files(root, packages)
    return modules, [edge for name, path in modules.items() for edge in module_imports(name, path, modules)]


def strongly_connected(modules: list[str], edges: list[Import]) -> list[list[str]]:
    """The groups of two or more modules that reach each other by imports (Tarjan's algorithm)."""
    graph: dict[str, list[str]] = {name: [] for name in modules}
    for edge in edges:
        graph[edge.source].append(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(groups)


def shortest_cycle(group: list[str], edges: list[Import]) -> list[Import]:
    """The shortest circle of imports through the group's first module, staying in the group."""
    first: dict[tuple[str, str], Import] = {}
    for edge in edges:
        if edge.source in group and edge.target in group:
            first.setdefault((edge.source, edge.target), edge)
    start = group[0]
    paths: dict[str, list[Import]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for (source, target), edge in sorted(first.items()):
                if source != node:
                    continue
                if target == start:
                    return paths[node] + [edge]
                if target not in paths:
                    paths[target] = paths[node] + [edge]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no circle through {start} in {group}")


def cycle_problems(root: Path, modules: dict[str, Path], edges: list[Import]) -> list[str]:
    """One line per circle of imports: its members, and one circle with each import's file:line."""
    problems = []
    for group in strongly_connected(list(modules), edges):
        circle = " -> ".join(f"{edge.source} ({edge.where(root)})" for edge in shortest_cycle(group, edges))
        problems.append(f"import circle among {', '.join(group)}: {circle} -> {group[0]}")
    return problems


def upward_problems(root: Path, edges: list[Import]) -> list[str]:
    """One line per import of a module in a higher layer than the importer's."""
    problems = []
    for edge in edges:
        source, target = layer_index(edge.source), layer_index(edge.target)
        if source is not None and target is not None and target > source:
            problems.append(
                f"{edge.where(root)}: {edge.source} (layer {LAYERS[source].name}) imports "
                f"{edge.target} (layer {LAYERS[target].name}, higher)"
            )
    return problems


@dataclass(frozen=True)
class Project:
    """hud/ and emulator/: their modules and the imports between them."""

    modules: dict[str, Path]
    edges: list[Import]

    def __repr__(self) -> str:
        return f"Project({len(self.modules)} modules, {len(self.edges)} imports)"


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(*import_edges(ROOT))


# -- the project ----------------------------------------------------------------------------------


def test_every_module_is_in_one_layer(project: Project) -> None:
    modules = project.modules
    unplaced = [name for name in modules if layer_index(name) is None]
    assert not unplaced, f"modules in no layer (add them to LAYERS in hud/layers.py): {', '.join(unplaced)}"
    held = {name: [layer.name for layer in LAYERS if layer.holds(name)] for name in modules}
    shared = {name: layers for name, layers in held.items() if len(layers) > 1}
    assert not shared, f"modules in more than one layer (narrow the patterns in hud/layers.py): {shared}"


def test_every_layer_pattern_names_a_module(project: Project) -> None:
    modules = project.modules
    stale = [
        f"{layer.name}: {pattern}"
        for layer in LAYERS
        for pattern in layer.patterns
        if not any(matches(name, pattern) for name in modules)
    ]
    assert not stale, f"patterns in hud/layers.py that match no module (remove or fix them): {stale}"


def test_no_import_reaches_a_higher_layer(project: Project) -> None:
    problems = upward_problems(ROOT, project.edges)
    assert not problems, "imports against the layer order (hud/layers.py):\n" + "\n".join(problems)


def test_no_import_circles(project: Project) -> None:
    problems = cycle_problems(ROOT, project.modules, project.edges)
    assert not problems, "\n".join(problems)


def test_readme_architecture_shows_the_layers() -> None:
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, "README has no layer table: run `python -m hud.layers` and paste it"
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == markdown(), "README layer table is stale: run `python -m hud.layers` and paste it"


# -- the checker itself ---------------------------------------------------------------------------


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_imports_are_read_at_every_level(tmp_path: Path) -> None:
    write_package(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.low import VALUE\n",
            "pkg/low.py": "VALUE = 1\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/high.py": (
                "from typing import TYPE_CHECKING\n"
                "import os\n"
                "from .. import low\n"
                "if TYPE_CHECKING:\n"
                "    from pkg.sub import mid\n"
                "def later():\n"
                "    import pkg.sub.mid\n"
                "    from pkg import VALUE\n"
            ),
            "pkg/sub/mid.py": "from . import high\n",
        },
    )
    modules, edges = import_edges(tmp_path, ("pkg",))
    assert set(modules) == {"pkg", "pkg.low", "pkg.sub", "pkg.sub.high", "pkg.sub.mid"}
    high = [(edge.line, edge.target) for edge in edges if edge.source == "pkg.sub.high"]
    assert high == [(3, "pkg.low"), (5, "pkg.sub.mid"), (7, "pkg.sub.mid"), (8, "pkg")]
    assert [(e.line, e.target) for e in edges if e.source == "pkg.sub.mid"] == [(1, "pkg.sub.high")]
    assert [(e.line, e.target) for e in edges if e.source == "pkg"] == [(1, "pkg.low")]


def test_a_circle_is_reported_with_each_import_line(tmp_path: Path) -> None:
    write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "import pkg.b\n",
            "pkg/b.py": "\n\ndef f():\n    from pkg import c\n",
            "pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import X\n",
            "pkg/d.py": "import pkg.a\n",
        },
    )
    modules, edges = import_edges(tmp_path, ("pkg",))
    assert strongly_connected(list(modules), edges) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert cycle_problems(tmp_path, modules, edges) == [
        "import circle among pkg.a, pkg.b, pkg.c: pkg.a (pkg/a.py:1) -> pkg.b (pkg/b.py:4) -> "
        "pkg.c (pkg/c.py:3) -> pkg.a"
    ]


def test_an_upward_import_is_reported_with_its_line(tmp_path: Path) -> None:
    write_package(
        tmp_path,
        {
            "hud/__init__.py": "",
            "hud/geometry.py": "\nfrom hud.paint import Fill\n",
            "hud/paint.py": "from hud.geometry import Rect\n",
        },
    )
    _, edges = import_edges(tmp_path, ("hud",))
    assert upward_problems(tmp_path, edges) == [
        "hud/geometry.py:2: hud.geometry (layer base) imports hud.paint (layer paint, higher)"
    ]


@pytest.mark.parametrize(
    "module, layer",
    [
        ("hud.errors", "base"),
        ("hud.text.wrap", "resources"),
        ("hud.text", "resources"),
        ("hud.widgets.caption", "widgets"),
        ("hud.raster.cpu", "raster"),
        ("hud", "api"),
        ("hud.golden_speech", "checks"),
        ("emulator.core", "emulator"),
        ("hud.cli", "commands"),
    ],
)
def test_layer_of_a_module(module: str, layer: str) -> None:
    index = layer_index(module)
    assert index is not None and LAYERS[index].name == layer


def test_a_module_outside_every_layer_has_none() -> None:
    assert layer_index("hud.nowhere") is None
    assert layer_index("tools.backgrounds") is None
