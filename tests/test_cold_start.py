"""A cold `hud render` of one scene loads only what drawing it needs: not the speech engine, the
contact sheet, batches, the golden plugin, the emulator or optional libraries; fonts only for the
scripts the scene shows. `import hud` alone loads none of the stages, yet every public name works.
The PNG files it writes hold exactly the frame's pixels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import hud
from hud.sinks import png_bytes

from paths import ROOT, SCENES

# Modules a one-scene `hud render` has no use for (a scene that speaks loads speech, not these).
NEVER_FOR_ONE_SCENE = (
    "hud.speech.narrator",
    "hud.speech.tts",
    "hud.speech.schedule",
    "hud.speech.audio",
    "hud.speech.templates",
    "hud.output",
    "hud.sheet",
    "hud.batch",
    "hud.save",
    "hud.golden",
    "hud.demo",
    "hud.docs",
    "hud.raster.gl",
    "emulator",
    "moderngl",
    "dask",
    "distributed",
    "tqdm",
    "pythainlp",
    "pytest",
    "pdoc",
)
# Pillow's file-format plugins: PNGs are written without them, so a scene without images needs none.
IMAGE_PLUGINS = ("PIL.PngImagePlugin", "PIL.JpegImagePlugin", "PIL.GifImagePlugin", "PIL.BmpImagePlugin")

RENDER = """
import json, sys
from hud import cli
from hud.text.fonts import font_dir, load_font
code = cli.main(["render", sys.argv[1], "--out", sys.argv[2]])
fonts = sorted(p.name for p in font_dir().iterdir() if p.suffix in (".ttf", ".otf"))
opened = [name for name in fonts if {"face", "_hb_font"} & vars(load_font(name)).keys()]
print(json.dumps({"code": code, "modules": sorted(sys.modules), "opened": opened}))
"""


def _render_cold(scene: Path, out: Path) -> dict:
    """Render `scene` with `hud render` in a fresh interpreter; its exit code, modules and opened fonts."""
    done = subprocess.run(
        [sys.executable, "-c", RENDER, str(scene), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in names))


# scene -> (does it show an image file, the font families its text may open)
SCENE_NEEDS = {
    "navigation": (False, {"NotoSans"}),
    "shopping": (True, {"NotoSans"}),
    "translation-ja-en": (False, {"NotoSans", "NotoSansJP", "NotoSansSC"}),
    "crowded": (False, {"NotoSans", "NotoSansSC"}),
}


@pytest.mark.parametrize("scene", sorted(SCENE_NEEDS))
def test_render_of_one_scene_loads_only_what_it_draws_with(scene: str, tmp_path: Path) -> None:
    shows_image, families = SCENE_NEEDS[scene]
    result = _render_cold(SCENES / f"{scene}.toml", tmp_path / "out")
    assert result["code"] == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "layout.json",
        "left.png",
        "preview.png",
        "right.png",
    ]
    assert _loaded(result["modules"], NEVER_FOR_ONE_SCENE) == []
    if not shows_image:  # an image file is decoded with its Pillow plugin
        assert _loaded(result["modules"], IMAGE_PLUGINS) == []
    opened = {name.rsplit("-", 1)[0] for name in result["opened"]}
    assert "NotoSans" in opened and opened <= families, sorted(opened)


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_hud_loads_no_stage_until_a_name_is_used() -> None:
    modules = json.loads(_run("import hud, json, sys; print(json.dumps(sorted(sys.modules)))"))
    assert [m for m in modules if m.startswith("hud")] == ["hud", "hud.errors"]
    assert "numpy" not in modules
    assert _run("import hud, sys; hud.Caption; print('hud.renderer' in sys.modules, 'hud.text' in sys.modules)") == (
        "False True"
    )


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in hud.__all__:
        assert getattr(hud, name).__name__ == name
    assert set(hud.__all__) <= set(dir(hud))
    with pytest.raises(AttributeError, match="has no attribute 'Scen'.*Scene"):
        hud.Scen  # noqa: B018


def test_hud_lint_stays_the_function_when_the_module_loads_first() -> None:
    code = (
        "import sys; import hud.lint; import hud; from hud import lint; "
        "print(hud.lint is lint is sys.modules['hud.lint'].lint, callable(lint))"
    )
    assert _run(code) == "True True"


@pytest.mark.parametrize("shape", [(37, 53), (29, 41, 3), (1, 1), (1, 300, 3)])
def test_png_files_hold_exactly_the_pixels(shape: tuple[int, ...], tmp_path: Path) -> None:
    pixels = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    path = tmp_path / "x.png"
    path.write_bytes(png_bytes(pixels))
    with Image.open(path) as image:
        assert image.mode == ("L" if len(shape) == 2 else "RGB")
        assert np.array_equal(np.asarray(image), pixels)


def test_saved_frame_decodes_to_the_frame(tmp_path: Path) -> None:
    frame = hud.render(hud.load_scene(SCENES / "shopping.toml"))
    frame.save(tmp_path)
    for eye, panel in frame.eyes.items():
        with Image.open(tmp_path / f"{eye}.png") as image:
            assert np.array_equal(np.asarray(image), panel)
    with Image.open(tmp_path / "preview.png") as image:
        assert np.array_equal(np.asarray(image), np.asarray(frame.preview()))
