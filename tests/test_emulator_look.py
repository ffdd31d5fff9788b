"""The emulator's waveguide look: the numpy compositor's model, the GL compositor's agreement
with it, and the world images (built-in backgrounds and user files)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import hud
from emulator.look import AMBIENTS, EYE_GAP, VIEWS, Look, composite, eye_light
from emulator.world import BACKGROUND_DIR, background_names, load_background

from paths import ROOT

S1 = hud.load_device("quark-s1")
META = hud.load_device("meta-ray-ban-display")  # colour, right eye only


def dark(device=S1) -> dict[str, np.ndarray]:
    shape = (device.height, device.width) if device.colour == "mono" else (device.height, device.width, 3)
    return {eye: np.zeros(shape, dtype=np.uint8) for eye in device.eyes}


def square(device=S1, value: int = 255, half: int = 20) -> dict[str, np.ndarray]:
    """A lit square in the middle of every eye."""
    panels = dark(device)
    cy, cx = device.height // 2, device.width // 2
    for panel in panels.values():
        panel[cy - half : cy + half, cx - half : cx + half] = value
    return panels


def uniform_world(level: int, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    return np.full((size[1], size[0], 3), level, dtype=np.uint8)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance of sRGB uint8 pixels (independent of the module's own helpers)."""
    c = rgb.astype(np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


@pytest.fixture(scope="module")
def city_walk() -> dict[str, np.ndarray]:
    return hud.render(ROOT / "scenes" / "city-walk.toml").eyes


@pytest.fixture(scope="module")
def street() -> np.ndarray:
    return load_background("street")


# -- the model --------------------------------------------------------------------------------------
@pytest.mark.parametrize("device", [S1, META], ids=["quark-s1", "meta-ray-ban-display"])
def test_view_sizes_and_dtypes(device, street) -> None:
    w, h = device.width, device.height
    expected = {"left": (h, w, 3), "right": (h, w, 3), "fused": (h, w, 3), "both": (h, 2 * w + EYE_GAP, 3)}
    assert set(expected) == set(VIEWS)
    for view in VIEWS:
        image = composite(square(device), device, Look(background=street), view)
        assert image.dtype == np.uint8 and image.shape == expected[view], view


def test_black_panels_show_the_world_alone() -> None:
    """Light adds nothing where the panel is off: the result is the tone-mapped world, by hand."""
    look = Look(background=uniform_world(118), ambient="indoor", glow=True, eye_box=True)
    for view in VIEWS:
        assert np.array_equal(composite(dark(), S1, look, view), composite({}, S1, look, view))
    image = composite(dark(), S1, look, "left")
    # the model written out: sRGB 118 -> linear x 300 nits; adapt 300 x 0.18; x / (1 + x); -> sRGB
    linear = ((118 / 255 + 0.055) / 1.055) ** 2.4 * 300
    x = linear / (300 * 0.18 * 6)
    mapped = x / (1 + x)
    level = round(255 * (1.055 * mapped ** (1 / 2.4) - 0.055))
    assert np.all(np.abs(image.astype(int) - level) <= 1)


def test_not_see_through_and_black_panel_is_black(street) -> None:
    for view in VIEWS:
        image = composite(dark(), S1, Look(see_through=False, background=street, ambient="sunny"), view)
        assert not image.any(), view


def test_night_content_is_vivid_sunny_washed_out(street) -> None:
    """Contrast (content / background luminance) is far higher at night than in the sun, and the
    content is still (faintly) visible in the sun."""
    cy, cx = S1.height // 2, S1.width // 2
    contrast = {}
    for ambient in AMBIENTS:
        image = composite(square(), S1, Look(background=uniform_world(150), ambient=ambient), "left")
        contrast[ambient] = luminance(image[cy, cx]) / luminance(image[20, 20])
    assert contrast["night"] > contrast["indoor"] > contrast["overcast"] > contrast["sunny"]
    assert contrast["night"] > 10 * contrast["sunny"]
    assert contrast["night"] > 20
    assert contrast["indoor"] > 2
    assert 1.05 < contrast["sunny"] < 2


def test_glow_spreads_light_only_when_on() -> None:
    panels = square(half=2)
    cy, cx = S1.height // 2, S1.width // 2
    ring = (slice(cy - 6, cy + 6), slice(cx + 4, cx + 8))  # 2..5 px beyond the lit square's edge
    far = (slice(cy - 6, cy + 6), slice(cx + 60, cx + 70))
    for view in ("left", "fused"):
        off = composite(panels, S1, Look(see_through=False, glow=False, eye_box=False), view)
        on = composite(panels, S1, Look(see_through=False, glow=True, eye_box=False), view)
        assert not off[ring].any() and not on[far].any()
        assert on[ring][..., 1].min() > 0
        assert int(on[cy, cx, 1]) >= int(off[cy, cx, 1])
    # the glow is narrow: sigma 0.15 deg
    assert S1.px_per_deg * 0.15 < 5


def test_eye_box_darkens_the_edges_only_when_on() -> None:
    full = {eye: np.full((S1.height, S1.width), 255, dtype=np.uint8) for eye in S1.eyes}
    on = composite(full, S1, Look(see_through=False, glow=False, eye_box=True), "left").astype(int)
    off = composite(full, S1, Look(see_through=False, glow=False, eye_box=False), "left").astype(int)
    centre = (S1.height // 2, S1.width // 2)
    assert np.array_equal(on[centre], off[centre])
    assert np.all(off == off[centre])  # off: uniform to the very edge
    assert on[0, 0].max() < 10  # the corner pixel gets almost no light
    assert on[0, S1.width // 2, 1] < on[centre][1] - 60  # edges darker
    assert on[S1.height // 2, 0, 1] < on[centre][1] - 60
    band = math.ceil(0.03 * S1.width)
    assert np.array_equal(on[:, band + 1 : -band - 1][S1.height // 2], off[:, band + 1 : -band - 1][S1.height // 2])


def test_both_has_the_gap_between_the_eyes(street, city_walk) -> None:
    look = Look(background=street)
    both = composite(city_walk, S1, look, "both")
    w = S1.width
    assert not both[:, w : w + EYE_GAP].any()
    assert np.array_equal(both[:, :w], composite(city_walk, S1, look, "left"))
    assert np.array_equal(both[:, w + EYE_GAP :], composite(city_walk, S1, look, "right"))
    # a one-eye device: the missing eye is the world alone
    meta = composite(square(META), META, look, "both")
    assert not meta[:, META.width : META.width + EYE_GAP].any()
    assert np.array_equal(meta[:, : META.width], composite({}, META, look, "right"))


def test_fused_of_identical_eyes_equals_each_eye(street, city_walk) -> None:
    same = {eye: city_walk["left"] for eye in S1.eyes}
    for ambient in ("night", "sunny"):
        look = Look(background=street, ambient=ambient)
        fused = composite(same, S1, look, "fused")
        assert np.array_equal(fused, composite(same, S1, look, "left"))
        assert np.array_equal(fused, composite(same, S1, look, "right"))
    # one eye: half the light over the world, between the world and that eye
    look = Look(background=uniform_world(90), ambient="indoor")
    cy, cx = META.height // 2, META.width // 2
    fused = composite(square(META), META, look, "fused")[cy, cx].astype(int)
    eye = composite(square(META), META, look, "right")[cy, cx].astype(int)
    world = composite({}, META, look, "right")[cy, cx].astype(int)
    assert np.all(world < fused) and np.all(fused < eye)


def test_mono_light_is_green_for_the_s1() -> None:
    light = eye_light(square()["left"], S1, Look(glow=False, eye_box=False))
    r, g, b = light[S1.height // 2, S1.width // 2]
    assert g == pytest.approx(4000 * 0.8, rel=1e-5)  # peak nits x waveguide efficiency
    assert g > 10 * r and b == 0
    image = composite(square(), S1, Look(see_through=False), "left")
    r, g, b = image[S1.height // 2, S1.width // 2].astype(int)
    assert g > 200 and g > r + 80 and g > b + 150


def test_bad_arguments_are_clear_errors(street) -> None:
    with pytest.raises(ValueError, match="view"):
        composite(dark(), S1, Look(), "cyclops")
    with pytest.raises(ValueError, match="ambient.*night"):
        composite(dark(), S1, Look(ambient="moonlight"), "left")
    with pytest.raises(ValueError, match="right"):
        composite({"left": dark(META)["right"]}, META, Look(), "right")
    with pytest.raises(ValueError, match="uint8"):
        composite({"left": np.zeros((10, 10), np.uint8)}, S1, Look(), "left")
    with pytest.raises(ValueError, match="no display"):
        composite({}, hud.load_device("quark-g1"), Look(), "left")


# -- GPU agreement ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gl():
    """A headless EGL context (Mesa llvmpipe works). No GPU context is a failure, never a skip."""
    try:
        import moderngl
    except ImportError as exc:  # pragma: no cover - environment problem
        pytest.fail(f"moderngl is not installed ({exc}): pip install moderngl")
    try:
        ctx = moderngl.create_standalone_context(backend="egl")
    except Exception as exc:  # noqa: BLE001  # pragma: no cover - any failure here is an environment problem
        pytest.fail(
            f"cannot create a headless OpenGL context with EGL ({exc.__class__.__name__}: {exc}); "
            "install Mesa's EGL (libegl1, libgl1-mesa-dri) so the GL compositor can be checked"
        )
    from emulator.look import GLCompositor

    compositor = GLCompositor(ctx)
    yield compositor
    compositor.release()
    ctx.release()


def _agree(gl, panels, device, look, view) -> None:
    expected = composite(panels, device, look, view)
    got = gl.render(panels, device, look, view)
    assert got.shape == expected.shape and got.dtype == np.uint8
    diff = np.abs(got.astype(int) - expected.astype(int)).max()
    assert diff <= 3, f"{device.name} {view} {look.ambient}: GL differs from numpy by {diff} levels"


@pytest.mark.parametrize("view", VIEWS)
def test_gl_agrees_with_numpy_on_the_s1(gl, view, city_walk, street) -> None:
    for look in (
        Look(background=street, ambient="night"),
        Look(background=street, ambient="sunny"),
        Look(background=None, ambient="indoor", glow=False, eye_box=False),
        Look(see_through=False, ambient="overcast"),
    ):
        _agree(gl, city_walk, S1, look, view)


@pytest.mark.parametrize("view", VIEWS)
def test_gl_agrees_with_numpy_on_a_colour_one_eye_device(gl, view) -> None:
    panels = hud.render(ROOT / "scenes" / "city-walk.toml", device=META).eyes
    assert panels["right"].ndim == 3
    rng = np.random.default_rng(7)
    world = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)  # odd size and aspect: cover-crop, upscale
    panels = {"right": panels["right"].copy()}
    panels["right"][:40, :200] = rng.integers(0, 256, (40, 200, 3), dtype=np.uint8)  # every colour
    for look in (Look(background=world, ambient="indoor"), Look(background=world, ambient="night", eye_box=False)):
        _agree(gl, panels, META, look, view)


def test_gl_draws_scaled_into_a_viewport(gl, city_walk, street) -> None:
    """draw() fills the given viewport of the bound framebuffer with the composite, upright."""
    ctx = gl.ctx
    target = ctx.simple_framebuffer((700, 300))
    target.use()
    target.clear(1.0, 0.0, 1.0, 1.0)
    look = Look(background=street)
    gl.draw(city_walk, S1, look, "both", viewport=(50, 20, 648, 240))  # half size
    window = np.frombuffer(target.read(components=3, alignment=1), np.uint8).reshape(300, 700, 3)[::-1]
    assert tuple(window[5, 5]) == (255, 0, 255)  # outside the viewport: untouched
    inside = window[300 - 20 - 240 : 300 - 20, 50 : 50 + 648].astype(int)
    expected = np.asarray(Image.fromarray(composite(city_walk, S1, look, "both")).resize((648, 240), Image.BILINEAR))
    assert np.abs(inside - expected).mean() < 6  # same picture, same way up
    target.release()


# -- backgrounds ----------------------------------------------------------------------------------
BUILT_IN = ["night-road", "office", "shop-shelf", "street"]


def _background_tool():  # noqa: ANN202 - the module
    """tools/make_backgrounds.py, imported from its file (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_backgrounds", ROOT / "tools" / "make_backgrounds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builtin_backgrounds_load_from_the_package() -> None:
    assert background_names() == BUILT_IN
    assert BACKGROUND_DIR == ROOT / "emulator" / "backgrounds"
    for name in BUILT_IN:
        image = load_background(name)
        assert image.dtype == np.uint8 and image.shape == (600, 800, 3)
    assert sum((BACKGROUND_DIR / f"{name}.png").stat().st_size for name in BUILT_IN) < 300_000


def test_backgrounds_cover_every_device_eye_without_enlarging() -> None:
    """The world is cover-cropped to each eye's size: no built-in device needs more pixels."""
    height, width = load_background("street").shape[:2]
    for name in hud.builtin_names():
        device = hud.load_device(name)
        scale = max(device.width / width, device.height / height)
        assert scale <= 1, (name, device.width, device.height)


def test_the_built_in_images_are_what_the_tool_draws(tmp_path: Path) -> None:
    tool = _background_tool()
    assert sorted(tool.DRAWERS) == BUILT_IN
    assert tool.main(["--out-dir", str(tmp_path)]) == 0
    for name in BUILT_IN:
        drawn = np.asarray(Image.open(tmp_path / f"{name}.png").convert("RGB"))
        assert np.array_equal(drawn, load_background(name)), f"{name}: run tools/make_backgrounds.py"
    small = np.asarray(tool.make_background("night-road", 320, 240, seed=3))
    assert small.shape == (240, 320, 3)
    assert not np.array_equal(small, np.asarray(tool.make_background("night-road", 320, 240, seed=4)))
    with pytest.raises(SystemExit):
        tool.main(["beach"])


def test_user_backgrounds_and_errors(tmp_path) -> None:
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (40, 30), (10, 200, 30)).save(photo)
    assert load_background(str(photo)).shape == (30, 40, 3)
    grey = tmp_path / "grey.png"
    Image.new("LA", (8, 6)).save(grey)
    assert load_background(str(grey)).shape == (6, 8, 3)  # converted to RGB
    with pytest.raises(
        ValueError,
        match=r"^unknown background 'beach': built-in: night-road, office, shop-shelf, "
        r"street \(or give the path of an image file\)$",
    ):
        load_background("beach")
    with pytest.raises(ValueError, match=r"^unknown background 'stret': did you mean 'street'\? "):
        load_background("stret")
    with pytest.raises(ValueError, match="not found"):
        load_background(str(tmp_path / "missing.png"))
    broken = tmp_path / "broken.png"
    broken.write_text("this is not an image")
    with pytest.raises(ValueError, match="not an image"):
        load_background(str(broken))
