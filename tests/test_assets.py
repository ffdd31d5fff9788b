"""Image assets: every image goes through hud.assets.open_image, which refuses hostile files with
one AssetError (scene loads add file:line), reads the formats designers export in every pixel
mode, and a huge image box costs no more than the panel."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from hud import assets, cli
from hud.assets import AssetError, open_image, read_image, resolve_asset
from hud.devices import load_device
from hud.errors import HudError, SceneError
from hud.geometry import Rect
from hud.limits import MAX_IMAGE_PIXELS
from hud.paint import Blit, paint_widget
from hud.scene import load_scene
from hud.theme import Theme
from hud.widgets.primitives import Image


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    assets.clear_cache()


def png_bytes(array: np.ndarray, mode: str | None = None, **params: object) -> bytes:
    buffer = io.BytesIO()
    image = PILImage.fromarray(array, mode) if mode else PILImage.fromarray(array)
    image.save(buffer, format="PNG", **params)
    return buffer.getvalue()


def gradient(width: int = 40, height: int = 20) -> np.ndarray:
    """An opaque RGBA gradient: red across, green down."""
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[..., 0] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    rgba[..., 1] = np.linspace(0, 255, height, dtype=np.uint8)[:, None]
    rgba[..., 3] = 255
    return rgba


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature and IHDR claiming `width` x `height`, with no pixel data at all."""
    body = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(body)) + b"IHDR" + body + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + chunk + end


def scene_with_image(folder: Path, src: str) -> Path:
    scene = folder / "scene.toml"
    scene.write_text(
        f'[scene]\ndevice = "quark-s1"\n\n[[widgets]]\ntype = "image"\nid = "logo"\nsrc = "{src}"\n', encoding="utf-8"
    )
    return scene


def error_of(path: Path | str) -> str:
    with pytest.raises(AssetError) as info:
        open_image(path)
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message and "\x00" not in message
    assert message.endswith(")"), message  # every message ends with its fix
    return message


# -- the path --------------------------------------------------------------------------------------
def test_nul_byte_in_a_scene_asset_is_one_line_at_load(tmp_path: Path) -> None:
    scene = scene_with_image(tmp_path, "lo\\u0000go.png")
    with pytest.raises(SceneError) as info:
        load_scene(scene)
    assert str(info.value).startswith(f"{scene}:7: image 'logo': image path 'lo\\x00go.png' contains a NUL byte")


def test_over_long_paths_are_refused(tmp_path: Path) -> None:
    assert "byte limit" in error_of(tmp_path / ("a" * 300 + ".png"))
    assert "byte limit" in error_of("/".join(["folder"] * 800) + "/x.png")


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_only_regular_files(tmp_path: Path, kind: str) -> None:
    if kind == "folder":
        path = tmp_path / "dir.png"
        path.mkdir()
        assert "is a folder" in error_of(path)
        return
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("os.mkfifo is missing on this platform (FIFOs are POSIX-only); Linux CI runs this case")
        path = tmp_path / "pipe.png"
        os.mkfifo(path)  # opening it must not block waiting for a writer
    else:
        path = Path(os.devnull)
    assert "not a regular file" in error_of(path)


def test_missing_and_outside(tmp_path: Path) -> None:
    assert "not found" in error_of(tmp_path / "nope.png")
    (tmp_path / "scenes").mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes(gradient()))
    with pytest.raises(AssetError, match="outside the scene's folder"):
        resolve_asset("../secret.png", tmp_path / "scenes")


def test_names_are_escaped(tmp_path: Path) -> None:
    message = error_of(tmp_path / "\x1b[31mred\u202e.png")
    assert "\\x1b[31mred\\u202e.png" in message


# -- size, format and decoding ---------------------------------------------------------------------
def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(png_bytes(gradient()))
    monkeypatch.setattr(assets, "MAX_IMAGE_BYTES", 100)
    assert f"is {path.stat().st_size:,} bytes, over the 100 bytes limit for one image file" in error_of(path)


def test_pixel_limit_is_checked_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 5000x5000 header over a file of a few bytes: refused from its size, no pixel decoded."""
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(5000, 5000))

    def no_decoding(self: PILImage.Image) -> None:
        raise AssertionError("pixels decoded before the size check")

    monkeypatch.setattr(PILImage.Image, "load", no_decoding)
    monkeypatch.setattr(PILImage.core, "new", no_decoding)  # nothing allocated either
    message = error_of(path)
    assert f"5000x5000 pixels, over the limit of {MAX_IMAGE_PIXELS:,}" in message


def test_decompression_bomb_is_an_asset_error(tmp_path: Path) -> None:
    """Past Pillow's own bomb threshold it raises before hud sees the size: still one line."""
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(30_000, 30_000))
    assert f"is larger than {MAX_IMAGE_PIXELS:,} pixels" in error_of(path)


@pytest.mark.parametrize(
    ("data", "says"),
    ids=["empty", "garbage", "bmp", "svg", "pdf"],
    argvalues=[
        (b"", "is empty"),
        (bytes(range(16, 80)), "is not an image hud reads"),
        (b"BM" + bytes(60), "is a BMP image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is an SVG drawing"),
        (b"%PDF-1.7\n", "is a PDF document"),
    ],
)
def test_other_contents_are_refused(tmp_path: Path, data: bytes, says: str) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(data)
    message = error_of(path)
    assert says in message and "save it as PNG, JPEG, WebP or GIF" in message


def test_truncated_png(tmp_path: Path) -> None:
    data = png_bytes(np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8))
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    assert "is damaged and cannot be decoded" in error_of(path)


def test_corrupt_zlib_stream_with_valid_crc(tmp_path: Path) -> None:
    data = bytearray(png_bytes(np.random.default_rng(2).integers(0, 256, (32, 32, 3), dtype=np.uint8)))
    start = data.index(b"IDAT")
    length = struct.unpack(">I", data[start - 4 : start])[0]
    data[start + 10 : start + 30] = bytes(20)  # garbage inside the deflate stream
    crc = zlib.crc32(bytes(data[start : start + 4 + length]))
    data[start + 4 + length : start + 8 + length] = struct.pack(">I", crc)
    path = tmp_path / "zlib.png"
    path.write_bytes(bytes(data))
    assert "is damaged" in error_of(path)


def test_bad_image_reported_at_load_with_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`hud validate` checks the image's contents: file:line, widget, image, fix; exit 2."""
    (tmp_path / "logo.png").write_bytes(png_bytes(gradient())[:80])
    scene = scene_with_image(tmp_path, "logo.png")
    assert cli.main(["validate", str(scene)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{scene}:7: image 'logo': image 'logo.png' is damaged"), err
    assert len(err.splitlines()) == 1


# -- formats and modes -----------------------------------------------------------------------------
def encoded(image: PILImage.Image, format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


@pytest.mark.parametrize("format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_formats_designers_export(tmp_path: Path, format: str) -> None:
    image = PILImage.new("RGB", (16, 8), (200, 40, 10))
    path = tmp_path / f"x.{format.lower()}"
    path.write_bytes(encoded(image, format, **({"quality": 95} if format == "JPEG" else {})))
    opened = open_image(path)
    assert opened.mode == "RGBA" and opened.size == (16, 8)
    pixel = opened.getpixel((8, 4))
    assert abs(pixel[0] - 200) <= 12 and abs(pixel[1] - 40) <= 12 and pixel[3] == 255


def test_gif_first_frame(tmp_path: Path) -> None:
    frames = [PILImage.new("RGB", (8, 8), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    path = tmp_path / "anim.gif"
    path.write_bytes(encoded(frames[0], "GIF", save_all=True, append_images=frames[1:]))
    assert open_image(path).getpixel((0, 0))[:3] == (255, 0, 0)


def test_sixteen_bit_grey_keeps_its_brightness(tmp_path: Path) -> None:
    values = np.array([[0, 0x4000, 0x8000, 0xFFFF]], dtype=np.uint16)
    path = tmp_path / "deep.png"
    path.write_bytes(encoded(PILImage.fromarray(values), "PNG"))
    assert read_image(path).mode.startswith("I")
    assert [open_image(path).getpixel((x, 0))[0] for x in range(4)] == [0, 64, 128, 255]


def test_cmyk_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "print.jpg"
    path.write_bytes(encoded(PILImage.new("CMYK", (8, 8), (255, 0, 0, 0)), "JPEG", quality=95))
    red, green, blue, alpha = open_image(path).getpixel((4, 4))
    assert red < 20 and green > 235 and blue > 235 and alpha == 255  # cyan


def test_palette_with_transparency_and_grey_alpha(tmp_path: Path) -> None:
    palette = PILImage.new("P", (4, 1))
    palette.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    palette.putdata([0, 1, 0, 1])
    path = tmp_path / "p.png"
    path.write_bytes(encoded(palette, "PNG", transparency=0))
    opened = open_image(path)
    assert opened.getpixel((0, 0))[3] == 0 and opened.getpixel((1, 0)) == (0, 255, 0, 255)
    la = tmp_path / "la.png"
    la.write_bytes(png_bytes(np.array([[[200, 0], [100, 255]]], np.uint8), "LA"))
    assert open_image(la).getpixel((0, 0)) == (200, 200, 200, 0)
    assert open_image(la).getpixel((1, 0)) == (100, 100, 100, 255)


def test_cache_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(png_bytes(gradient()))
    first = open_image(path)
    assert open_image(path) is first
    path.write_bytes(png_bytes(gradient(20, 10)))
    assert open_image(path).size == (20, 10)


def test_asset_errors_are_hud_errors() -> None:
    assert issubclass(AssetError, HudError)


# -- an image in a box larger than the panel -------------------------------------------------------
def image_commands(rect: Rect, fit: str, source: Path, device: str = "quark-s1") -> list[Blit]:
    widget = Image(src=str(source), fit=fit)
    return paint_widget(widget, rect, Theme(load_device(device)), 1.0)


@pytest.fixture
def line_png(tmp_path: Path) -> Path:
    """A 4096x1 line: under `cover` in a tall box it scales to millions of pixels wide."""
    rgba = np.zeros((1, 4096, 4), np.uint8)
    rgba[..., 1] = (np.arange(4096) % 256)[None, :]
    rgba[..., 3] = 255
    path = tmp_path / "line.png"
    path.write_bytes(png_bytes(rgba))
    return path


def test_cover_of_a_huge_scaled_image_costs_the_panel_only(line_png: Path) -> None:
    device = load_device("quark-s1")
    commands = image_commands(Rect(100, -4000, 300, 8192), "cover", line_png)
    assert commands
    drawn = sum(command.alpha.size for command in commands)
    assert drawn <= 300 * device.height  # only the rows an eye can show
    for command in commands:
        assert command.rgb.shape[:2] == command.alpha.shape
        assert command.y >= 0 and command.y + command.alpha.shape[0] <= device.height


def test_box_far_wider_than_the_panel(tmp_path: Path) -> None:
    path = tmp_path / "g.png"
    path.write_bytes(png_bytes(gradient(64, 64)))
    device = load_device("quark-s1")
    commands = image_commands(Rect(-50_000, 0, 100_000, 400), "stretch", path)
    assert sum(command.alpha.size for command in commands) <= 2 * device.width * device.height


def test_clipped_part_matches_the_whole_image(tmp_path: Path) -> None:
    """An image half off the panel: the visible part is the same picture as the whole one."""
    path = tmp_path / "g.png"
    path.write_bytes(png_bytes(gradient(64, 64)))
    whole = image_commands(Rect(100, 100, 300, 300), "stretch", path)
    moved = image_commands(Rect(-150, 100, 300, 300), "stretch", path)
    assert len(whole) == 1 and len(moved) == 1
    (full,), (part,) = whole, moved
    assert part.x == 0 and part.alpha.shape == (300, 150)
    # Resampling a part starts its filter at a fraction of a source pixel: a level or two apart.
    assert np.abs(part.rgb - full.rgb[:, 150:]).max() <= 3 / 255


def test_ordinary_image_is_the_whole_resize(tmp_path: Path) -> None:
    """Inside the panel nothing changes: the whole image scaled with Lanczos, then cropped."""
    path = tmp_path / "g.png"
    path.write_bytes(png_bytes(gradient(40, 20)))
    (blit,) = image_commands(Rect(10, 10, 200, 200), "cover", path)
    source = PILImage.fromarray(gradient(40, 20), "RGBA")
    scaled = np.asarray(source.resize((400, 200), PILImage.Resampling.LANCZOS), np.float32) / 255
    assert (blit.x, blit.y) == (10, 10)
    np.testing.assert_array_equal(blit.rgb, scaled[:, 100:300, :3])


def test_near_depth_keeps_what_each_eye_shows(tmp_path: Path) -> None:
    """At 0.2 m each eye's copy shifts far: both eyes' visible parts are kept."""
    path = tmp_path / "g.png"
    path.write_bytes(png_bytes(gradient(64, 64)))
    device = load_device("quark-s1")
    shift = device.stereo_shift_px(0.2)
    widget = Image(src=str(path), fit="stretch", depth_m=0.2)
    commands = paint_widget(widget, Rect(-3000, 0, 7000, 300), Theme(device), 1.0, depth=widget.depth_m)
    covered = [(c.x, c.x + c.alpha.shape[1]) for c in commands]
    for eye_left in (-shift, shift):  # the panel as each eye sees it, before its shift
        assert any(x0 <= eye_left and eye_left + device.width <= x1 for x0, x1 in covered)
    assert sum(c.alpha.size for c in commands) <= 2 * device.width * device.height


def test_scene_with_a_huge_cover_image_renders(tmp_path: Path, line_png: Path) -> None:
    import hud

    scene = tmp_path / "huge.toml"
    scene.write_text(
        '[scene]\ndevice = "quark-s1"\n\n[[widgets]]\ntype = "stack"\nanchor = "center"\n'
        'width = 300\nheight = 300\n  [[widgets.children]]\n  type = "image"\n  src = "line.png"\n'
        '  fit = "cover"\n  width = 300\n  height = 8000\n',
        encoding="utf-8",
    )
    frame = hud.Renderer(load_scene(scene), "quark-s1").frame(0.0)
    assert frame.eyes["left"].max() > 0
