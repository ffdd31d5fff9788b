"""Tests for hud.tomlpos: line numbers of TOML value paths."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from hud.tomlpos import Path, TomlPositions, toml_error_line


def doc(*lines: str) -> str:
    """Join lines so that line N of the document is the N-th argument."""
    return "\n".join(lines) + "\n"


def positions(text: str) -> TomlPositions:
    """Locator for a document that must be valid TOML (checked with tomllib first)."""
    tomllib.loads(text)
    return TomlPositions(text)


# -- tables -------------------------------------------------------------------


def test_standard_tables_and_their_keys() -> None:
    pos = positions(
        doc(
            'name = "root"',  # 1
            "",  # 2
            "[scene]",  # 3
            'title = "City walk"',  # 4
            "[scene.camera]",  # 5
            "fov = 90",  # 6
        )
    )
    assert pos.line_of(("name",)) == 1
    assert pos.line_of(("scene",)) == 3
    assert pos.line_of(("scene", "title")) == 4
    assert pos.line_of(("scene", "camera")) == 5
    assert pos.line_of(("scene", "camera", "fov")) == 6


def test_dotted_and_quoted_header_keys() -> None:
    pos = positions(
        doc(
            '[a."b.c"]',  # 1
            "x = 1",  # 2
            "[ a . 'd e' . f ]",  # 3
            "y = 2",  # 4
            '["quoted key"]',  # 5
            "z = 3",  # 6
        )
    )
    assert pos.line_of(("a", "b.c")) == 1
    assert pos.line_of(("a", "b.c", "x")) == 2
    assert pos.line_of(("a", "d e", "f")) == 3
    assert pos.line_of(("a", "d e", "f", "y")) == 4
    assert pos.line_of(("quoted key", "z")) == 6
    # `a` is only created implicitly: it gets the first header that mentions it.
    assert pos.line_of(("a",)) == 1
    assert pos.line_of(("a", "d e")) == 3


def test_implicit_table_defined_later_keeps_its_own_header() -> None:
    pos = positions(doc("[a.b]", "x = 1", "[a]", "y = 2"))
    assert pos.line_of(("a", "b")) == 1
    assert pos.line_of(("a",)) == 3
    assert pos.line_of(("a", "y")) == 4


# -- arrays of tables -----------------------------------------------------------


def test_array_of_tables_indices_count_per_parent_element() -> None:
    pos = positions(
        doc(
            "[[widgets]]",  # 1
            "[[widgets.children]]",  # 2
            "[[ widgets.children ]]",  # 3
            "[[widgets]]",  # 4
            "[[  widgets . children  ]]",  # 5
        )
    )
    assert pos.line_of(("widgets", 0)) == 1
    assert pos.line_of(("widgets", 0, "children", 0)) == 2
    assert pos.line_of(("widgets", 0, "children", 1)) == 3
    assert pos.line_of(("widgets", 1)) == 4
    assert pos.line_of(("widgets", 1, "children", 0)) == 5
    # The arrays themselves: their first header.
    assert pos.line_of(("widgets",)) == 1
    assert pos.line_of(("widgets", 1, "children")) == 5


def test_nested_arrays_of_tables_at_depth_three() -> None:
    pos = positions(
        doc(
            "[[w]]",  # 1
            "[[w.c]]",  # 2
            "[[w.c.c]]",  # 3
            "k = 1",  # 4
            "[[w.c.c]]",  # 5
            "k = 2",  # 6
            "[[w.c]]",  # 7
            "[[w.c.c]]",  # 8
            "k = 3",  # 9
            "[[w]]",  # 10
            "[[w.c]]",  # 11
            "[[w.c.c]]",  # 12
            "k = 4",  # 13
        )
    )
    assert pos.line_of(("w", 0, "c", 0, "c", 0, "k")) == 4
    assert pos.line_of(("w", 0, "c", 0, "c", 1)) == 5
    assert pos.line_of(("w", 0, "c", 0, "c", 1, "k")) == 6
    assert pos.line_of(("w", 0, "c", 1, "c", 0, "k")) == 9
    assert pos.line_of(("w", 1, "c", 0, "c", 0)) == 12
    assert pos.line_of(("w", 1, "c", 0, "c", 0, "k")) == 13


def test_standard_table_under_array_element_uses_last_element() -> None:
    pos = positions(
        doc(
            "[[widgets]]",  # 1
            "[widgets.style]",  # 2
            'color = "red"',  # 3
            "[[widgets]]",  # 4
            "[[widgets.children]]",  # 5
            "[widgets.style]",  # 6
            'color = "blue"',  # 7
            "[widgets.children.style]",  # 8
            "bold = true",  # 9
        )
    )
    assert pos.line_of(("widgets", 0, "style")) == 2
    assert pos.line_of(("widgets", 0, "style", "color")) == 3
    assert pos.line_of(("widgets", 1, "style")) == 6
    assert pos.line_of(("widgets", 1, "style", "color")) == 7
    assert pos.line_of(("widgets", 1, "children", 0, "style", "bold")) == 9


# -- keys -----------------------------------------------------------------------


def test_key_forms() -> None:
    pos = positions(
        doc(
            "bare_key-1 = 1",  # 1
            '"basic key" = 2',  # 2
            "'literal \"key\"' = 3",  # 3
            "a.b = 4",  # 4
            'a . "c.d" . e = 5',  # 5
            '"caf\\u00e9" = 6',  # 6
            "[t]",  # 7
            "    indented = 7",  # 8
            "\t\ttabbed.deep = 8",  # 9
            "1234 = 9",  # 10
        )
    )
    assert pos.line_of(("bare_key-1",)) == 1
    assert pos.line_of(("basic key",)) == 2
    assert pos.line_of(('literal "key"',)) == 3
    assert pos.line_of(("a",)) == 4
    assert pos.line_of(("a", "b")) == 4
    assert pos.line_of(("a", "c.d")) == 5
    assert pos.line_of(("a", "c.d", "e")) == 5
    assert pos.line_of(("café",)) == 6
    assert pos.line_of(("t", "indented")) == 8
    assert pos.line_of(("t", "tabbed", "deep")) == 9
    assert pos.line_of(("t", "1234")) == 10


def test_indented_children_tables() -> None:
    pos = positions(
        doc(
            "[[widgets]]",  # 1
            'type = "column"',  # 2
            "  [[widgets.children]]",  # 3
            '  type = "caption"',  # 4
            "    [[widgets.children.children]]",  # 5
            '    type = "icon"',  # 6
        )
    )
    assert pos.line_of(("widgets", 0, "children", 0)) == 3
    assert pos.line_of(("widgets", 0, "children", 0, "type")) == 4
    assert pos.line_of(("widgets", 0, "children", 0, "children", 0, "type")) == 6


# -- values spanning lines ------------------------------------------------------


def test_multiline_strings_hide_toml_like_lines() -> None:
    pos = positions(
        doc(
            'a = """',  # 1
            "x = 1",  # 2
            "[[table]]",  # 3
            '  escaped \\""" still inside',  # 4
            '"""',  # 5
            "b = '''",  # 6
            "[fake]",  # 7
            "y = 'no escapes here \\'",  # 8
            "'''",  # 9
            'c = """two extra quotes"""""',  # 10
            "d = '''one extra''''",  # 11
            'e = """ends with backslash \\\\"""',  # 12
            "f = 1",  # 13
        )
    )
    assert [pos.line_of((key,)) for key in "abcdef"] == [1, 6, 10, 11, 12, 13]
    for fake in ("x", "table", "fake", "y"):
        assert pos.line_of((fake,)) is None


def test_multiline_arrays_with_brackets_strings_and_comments() -> None:
    pos = positions(
        doc(
            "nums = [",  # 1
            "  1, 2,  # a comment with ] and [",  # 2
            "  [3, [4, 5]],",  # 3
            '  "a ] string # with [ stuff",',  # 4
            "  'literal ]',",  # 5
            "  # whole-line comment: x = [[y]]",  # 6
            "  [",  # 7
            "    6",  # 8
            "  ],",  # 9
            "]",  # 10
            "after = true",  # 11
        )
    )
    assert pos.line_of(("nums",)) == 1
    assert [pos.line_of(("nums", i)) for i in range(6)] == [2, 2, 3, 4, 5, 7]
    assert pos.line_of(("nums", 2, 1, 0)) == 3
    assert pos.line_of(("nums", 5, 0)) == 8
    assert pos.line_of(("after",)) == 11
    assert pos.line_of(("x",)) is None


def test_array_of_inline_tables_records_elements_and_keys() -> None:
    pos = positions(
        doc(
            'compare = [ {store="JD", price=1},',  # 1
            '  {store="PDD", price=2} ]',  # 2
            "other = 3",  # 3
        )
    )
    assert pos.line_of(("compare",)) == 1
    assert pos.line_of(("compare", 0)) == 1
    assert pos.line_of(("compare", 0, "price")) == 1
    assert pos.line_of(("compare", 1)) == 2
    assert pos.line_of(("compare", 1, "price")) == 2
    assert pos.line_of(("other",)) == 3


def test_inline_tables_and_arrays_nested_at_any_depth() -> None:
    pos = positions(
        doc(
            "point = { x = 1, y = { z = 2, w.v = 3 } }",  # 1
            "grid = [",  # 2
            "  [ { a = 1 },",  # 3
            "    { a = 2, deep = [ { b = 1 }, { b = 2 } ] } ],",  # 4
            "  [",  # 5
            "    { a = 3, list = [",  # 6
            "        { c = 4 },",  # 7
            "        { c = 5 }] },",  # 8
            "  ],",  # 9
            "]",  # 10
        )
    )
    assert pos.line_of(("point", "y", "z")) == 1
    assert pos.line_of(("point", "y", "w", "v")) == 1
    assert pos.line_of(("grid", 0)) == 3
    assert pos.line_of(("grid", 0, 1)) == 4
    assert pos.line_of(("grid", 0, 1, "deep", 1, "b")) == 4
    assert pos.line_of(("grid", 1)) == 5
    assert pos.line_of(("grid", 1, 0, "a")) == 6
    assert pos.line_of(("grid", 1, 0, "list", 0, "c")) == 7
    assert pos.line_of(("grid", 1, 0, "list", 1)) == 8
    assert pos.line_of(("grid", 1, 0, "list", 1, "c")) == 8


# -- comments and strings -------------------------------------------------------


def test_comments_everywhere() -> None:
    pos = positions(
        doc(
            "# title = 'not a key'",  # 1
            "[scene] # [[not.a.table]]",  # 2
            "title = 'x' # = 3",  # 3
            "[[widgets]]   # first",  # 4
            "  # id = 'nope'",  # 5
            "id = 1#tight comment",  # 6
        )
    )
    assert pos.line_of(("scene",)) == 2
    assert pos.line_of(("scene", "title")) == 3
    assert pos.line_of(("widgets", 0)) == 4
    assert pos.line_of(("widgets", 0, "id")) == 6
    assert pos.line_of(("title",)) is None
    assert pos.line_of(("not",)) is None


def test_escaped_quotes_in_basic_strings() -> None:
    pos = positions(
        doc(
            's = "a \\" b # not a comment [x] = y"',  # 1
            't = "ends in backslash \\\\"',  # 2
            'u = ["\\"]", "\\\\"]',  # 3
            'key = "v"',  # 4
        )
    )
    assert pos.line_of(("s",)) == 1
    assert pos.line_of(("t",)) == 2
    assert pos.line_of(("u", 1)) == 3
    assert pos.line_of(("key",)) == 4


def test_dates_with_space_and_other_scalars() -> None:
    pos = positions(
        doc(
            "when = 1979-05-27 07:32:00 # local datetime",  # 1
            "inf = -inf",  # 2
            "hex = 0xDEAD_BEEF",  # 3
            "list = [ 1979-05-27 07:32:00Z , 1.5e3 ]",  # 4
            "next = false",  # 5
        )
    )
    assert pos.line_of(("when",)) == 1
    assert pos.line_of(("list", 1)) == 4
    assert pos.line_of(("next",)) == 5


def test_crlf_line_endings() -> None:
    text = doc("[a]", "x = 1", "[[b]]", "y = [", "  2,", "]", "z = 3").replace("\n", "\r\n")
    pos = positions(text)
    assert pos.line_of(("a", "x")) == 2
    assert pos.line_of(("b", 0, "y", 0)) == 5
    assert pos.line_of(("b", 0, "z")) == 7


# -- fallback -------------------------------------------------------------------


def test_fallback_walks_up_the_path() -> None:
    pos = positions(doc("[[widgets]]", "type = 'text'", "[[widgets]]", "style = { color = 'red' }"))
    assert pos.line_of(("widgets", 0, "nope")) == 1
    assert pos.line_of(("widgets", 0, "type", "deeper", 3)) == 2
    assert pos.line_of(("widgets", 1, "style", "font")) == 4
    assert pos.line_of(("widgets", 7)) == 1  # the array's first header
    assert pos.line_of(("unknown",)) is None
    assert pos.line_of(()) is None


def test_empty_document() -> None:
    for text in ("", "\n\n", "# only a comment\n"):
        assert positions(text).line_of(("anything",)) is None


# -- robustness -----------------------------------------------------------------


BROKEN = [
    'a = "unterminated',
    "a = '''never closed\n[[t]]\nx = 1",
    'a = """never closed',
    "a = [1, 2",
    "a = {x = ",
    "[unclosed\nb = 1",
    "[[]]\n[]\n= 3\n==\n",
    "a = 1 2 3\nb = 2",
    "a = [1 2]\nb = 2",
    '"\\u12" = 1\n"\\UFFFFFFFF" = 2',
    "a = " + "[" * 5000,
    "a = " + "{b = " * 3000,
    "\x00\x01\ufeff\r\r\n\t",
    "[a.]\n[.b]\n[[a..b]]",
    "\ufeffkey = 1",
    "}\n]\n,\n'",
]


@pytest.mark.parametrize("text", BROKEN)
def test_never_raises_on_broken_documents(text: str) -> None:
    pos = TomlPositions(text)
    pos.line_of(("a",))
    pos.line_of(("a", 0, "b"))


def test_best_effort_after_a_broken_line() -> None:
    pos = TomlPositions(doc("a = 1 2", "[t]", "b = [1 2]", "c = 3", "'unterminated = 4", "d = 5"))
    assert pos.line_of(("a",)) == 1
    assert pos.line_of(("t", "c")) == 4
    assert pos.line_of(("t", "d")) == 6
    assert TomlPositions("\ufeffkey = 1").line_of(("key",)) == 1


def test_never_raises_on_random_text() -> None:
    rng = random.Random(1234)
    alphabet = "ab =.[]{},\"'#\\\n\t123\r"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(80)))
        TomlPositions(text).line_of(("a", 0, "b"))


def test_unhashable_path_returns_none() -> None:
    pos = positions("a = 1\n")
    assert pos.line_of((["a"],)) is None  # type: ignore[arg-type]


# -- a realistic scene ------------------------------------------------------------


SCENE = """\
[scene]
title = "City walk"
device = "quark-s1"

[[widgets]]
type = "nav_arrow"
id = "next-turn"
anchor = "top"
maneuver = "left"
distance_m = 120
street = "Wensan Road"

[[widgets]]
type = "column"
anchor = "bottom"
gap = 4
  [[widgets.children]]
  type = "caption"
  text = "最近的地铁站在哪里？"
  translation = \"\"\"
Where is the nearest
subway station?\"\"\"
  [[widgets.children]]
  type = "price_card"
  compare = [
    { store = "JD", price = 2499 },   # comment with ] and [
    { store = "PDD", price = 2299 },
  ]
"""


def test_realistic_scene() -> None:
    data = tomllib.loads(SCENE)
    assert data["widgets"][1]["children"][1]["compare"][1]["store"] == "PDD"
    pos = TomlPositions(SCENE)
    assert pos.line_of(("scene", "device")) == 3
    assert pos.line_of(("widgets", 1, "children", 1, "compare")) == 25
    assert pos.line_of(("widgets", 1, "children", 1, "compare", 0, "price")) == 26
    assert pos.line_of(("widgets", 1, "children", 1, "compare", 1)) == 27
    assert pos.line_of(("widgets", 1, "children", 1, "compare", 1, "store")) == 27
    assert pos.line_of(("widgets", 1, "children", 0, "translation")) == 20
    assert pos.line_of(("widgets", 0, "street")) == 11
    assert pos.line_of(("widgets", 1, "children", 0)) == 17
    assert pos.line_of(("widgets", 1, "children", 1)) == 23
    assert pos.line_of(("widgets", 0, "nope")) == 5
    assert pos.line_of(("widgets", 1, "gap")) == 16


# -- property: every key's line contains the key ---------------------------------


class RandomDoc:
    """A random valid scene-like document; key names are unique (k<N>x), so a line
    containing a key's text can only be the line that defines it."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lines: list[str] = []
        self.count = 0

    def build(self) -> str:
        for _ in range(self.rng.randrange(3)):
            self.keyval(depth=0)
        for _ in range(self.rng.randint(2, 5)):
            self.rng.choice([self.table_section, self.array_section])()
        return doc(*self.lines)

    def key(self) -> str:
        """A fresh key as written in the document (bare, basic, literal or non-ASCII)."""
        self.count += 1
        key = f"k{self.count}x"
        return self.rng.choice([key, f'"{key} sp"', f"'{key}.dot'", f'"键{self.count}x"'])

    def indent(self) -> str:
        return self.rng.choice(["", "", "  ", "\t"])

    def comment(self) -> str:
        return self.rng.choice(["", "", "  # note: x = [[y]]", " #]"])

    def keyval(self, depth: int) -> None:
        key = self.key() if self.rng.random() < 0.7 else f"{self.key()} . {self.key()}"
        text = f"{self.indent()}{key} = {self.value(depth)}{self.comment()}"
        self.lines.extend(text.split("\n"))

    def value(self, depth: int) -> str:
        kinds = [self.scalar, self.multiline_string]
        if depth < 3:
            kinds += [self.array, self.inline_table, self.array]
        return self.rng.choice(kinds)(depth)

    def scalar(self, depth: int) -> str:
        return self.rng.choice(
            ["42", "-3.5", "true", "1979-05-27 07:32:00", "0x1F", '"a \\" b # [c] = d"', "'C:\\dir [x]'"]
        )

    def multiline_string(self, depth: int) -> str:
        return self.rng.choice(['"""\nfake = 1\n[[fake]]\nquote \\""" inside"""', "'''\n[fake]\nk = 'v'\n''''"])

    def array(self, depth: int) -> str:
        items = [self.value(depth + 1) for _ in range(self.rng.randrange(4))]
        if self.rng.random() < 0.5:
            return "[" + ", ".join(items) + "]"
        body = "".join(f"\n  {item},{self.comment()}" for item in items)
        return f"[{body}\n]"

    def inline_table(self, depth: int) -> str:
        pairs = [f"{self.key()} = {self.value(depth + 1)}" for _ in range(self.rng.randrange(3))]
        return "{ " + ", ".join(pairs) + " }"

    def body(self) -> None:
        for _ in range(self.rng.randint(1, 3)):
            self.keyval(depth=0)

    def table_section(self) -> None:
        names = [self.key() for _ in range(self.rng.randint(1, 3))]
        header = self.rng.choice([".", " . "]).join(names)
        self.lines.append(f"{self.indent()}[{header}]{self.comment()}")
        self.body()

    def array_section(self) -> None:
        array, child, grand, style = self.key(), self.key(), self.key(), self.key()
        for _ in range(self.rng.randint(1, 3)):
            self.lines.append(f"[[ {array} ]]{self.comment()}")
            self.body()
            for _ in range(self.rng.randrange(3)):
                self.lines.append(f"{self.indent()}[[{array}.{child}]]")
                self.body()
                if self.rng.random() < 0.4:
                    self.lines.append(f"{self.indent()}[[{array}.{child}.{grand}]]")
                    self.body()
            if self.rng.random() < 0.5:
                self.lines.append(f"[{array}.{style}]")
                self.body()


def key_paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Paths of every key (at any depth) in a tomllib result."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield path + (key,)
            yield from key_paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from key_paths(child, path + (index,))


@pytest.mark.parametrize("seed", range(40))
def test_every_key_line_contains_the_key(seed: int) -> None:
    text = RandomDoc(seed).build()
    data = tomllib.loads(text)  # the generator must produce valid TOML
    lines = text.split("\n")
    pos = TomlPositions(text)
    paths = list(key_paths(data))
    assert paths
    for path in paths:
        line = pos.line_of(path)
        assert line is not None, path
        assert str(path[-1]) in lines[line - 1], (path, line, text)


# -- toml_error_line --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (doc("[scene]", 'title = "x"', "title = 'again'"), 3),
        (doc("a = 1", "", "b = ", "c = 2"), 3),
        (doc("[[w]]", "x = [1,", "  2", "  3]"), 4),
        (doc("s = '''", "[[fake]]", "'''", "", "t = [1 2]"), 5),
        (doc("[a]", "x = 1", "[a]"), 3),
        (doc("k = 1", "k2 = { a = 1", "}"), 2),
    ],
)
def test_toml_error_line_from_real_errors(text: str, line: int) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads(text)
    assert toml_error_line(str(info.value)) == line


def test_toml_error_line_without_position() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads("s = '''never closed\n")
    assert "end of document" in str(info.value)
    assert toml_error_line(str(info.value)) is None
    assert toml_error_line("Unclosed array (at end of document)") is None
    assert toml_error_line("something else") is None
    assert toml_error_line("Invalid value (at line 12, column 5)") == 12
