"""`hud schema`: a JSON Schema that accepts every example scene and rejects bad ones."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hud.errors import SceneError
from hud.scene import parse_scene

from paths import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The schema as `hud schema` prints it."""
    result = subprocess.run(
        [sys.executable, "-m", "hud", "schema"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    """A draft 2020-12 validator for the schema (which must itself be a valid schema)."""
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_is_draft_2020_12_json(schema: dict[str, Any]) -> None:
    """The printed schema declares its dialect and one definition per widget type."""
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"text", "nav_arrow", "price_card", "caption", "column"} <= set(schema["$defs"])


def test_there_are_example_scenes() -> None:
    """Guard: the parametrized test below is not vacuous."""
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("scene", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_scene_is_valid(validator: Any, scene: Path) -> None:
    """Every example scene, parsed with tomllib, satisfies the schema."""
    data = tomllib.loads(scene.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_property_defaults_satisfy_their_own_schema(schema: dict[str, Any]) -> None:
    """A documented default is a value the schema accepts (Length defaults become "12deg" strings)."""
    bad = []
    for type_name, definition in schema["$defs"].items():
        for prop, prop_schema in definition.get("properties", {}).items():
            if "default" in prop_schema and not jsonschema.Draft202012Validator(prop_schema).is_valid(
                prop_schema["default"]
            ):
                bad.append(f"{type_name}.{prop} = {prop_schema['default']!r}")
    assert bad == []


def test_every_length_spelling_the_loader_takes_is_valid(validator: Any) -> None:
    """Lengths such as ".5deg", "12 px", "50%" and "auto" pass both the loader and the schema."""
    text = (
        '[[widgets]]\ntype = "column"\ngap = ".5deg"\nwidth = "50%"\nheight = "auto"\n'
        'margin = [0, "12 px"]\noffset = ["1deg", -4]\n'
        '[[widgets.children]]\ntype = "text"\nsize = "small"\nmax_lines = 2\n'
    )
    parse_scene(text)
    errors = [e.message for e in validator.iter_errors(tomllib.loads(text))]
    assert errors == []


INVALID = {
    "unknown-widget-type": '[[widgets]]\ntype = "nav_arow"\nmaneuver = "left"\n',
    "unknown-field": '[[widgets]]\ntype = "text"\ncolour = "dim"\n',
    "wrong-enum-value": '[[widgets]]\ntype = "nav_arrow"\nmaneuver = "lefty"\n',
    "brightness-2": '[[widgets]]\ntype = "text"\nbrightness = 2\n',
    "missing-type": '[[widgets]]\ntext = "hi"\n',
    "missing-required-field": '[[widgets]]\ntype = "price_card"\nproduct = "Tea"\n',
    "bad-currency": '[[widgets]]\ntype = "price_card"\nproduct = "Tea"\nprice = 1\ncurrency = "yuan"\n',
    "compare-entry-missing-price": '[[widgets]]\ntype = "price_card"\nproduct = "Tea"\nprice = 1\ncompare = [{ store = "JD" }]\n',
    "children-on-text": '[[widgets]]\ntype = "text"\n[[widgets.children]]\ntype = "text"\n',
    "unknown-scene-key": '[scene]\ntitel = "x"\n',
    "unknown-top-level-key": 'title = "x"\n',
}


@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_invalid_scene_is_rejected_by_schema_and_loader(validator: Any, text: str) -> None:
    """The schema and the scene loader agree that these documents are wrong."""
    assert not validator.is_valid(tomllib.loads(text))
    with pytest.raises(SceneError):
        parse_scene(text)
