"""The README's scene reference is generated from the widget declarations: keep them equal."""

from __future__ import annotations

from hud.docs import BEGIN, END, reference

from paths import README


def test_readme_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == reference(), "README reference is stale: run `python -m hud.docs` and paste it"


def test_reference_lists_every_widget_field() -> None:
    from hud.widgets import WIDGET_TYPES

    generated = reference()
    for cls in WIDGET_TYPES.values():
        assert f"#### `{cls.type_name}`" in generated
        for name in cls.props:
            assert f"| `{name}` |" in generated
