"""The waveguide look: what the wearer sees through the glasses, on a desktop screen.

The panel images the engine renders are *light*: an emissive waveguide adds them on top of the
world seen through the lens. The light model itself (constants, colour conversions, adaptation,
Reinhard tone mapping) is `hud.light`, shared with the engine; this module runs it over whole
images, the same way in numpy (`composite`) and in a GLSL fragment shader (`GLCompositor`):

1. world      background image -> linear light x AMBIENTS[ambient] nits (black if not see-through)
2. light      panel value -> linear light in the panel colour x peak nits x waveguide efficiency
3. glow       + a Gaussian-blurred copy of the light (halation in the waveguide)
4. eye box    x a smooth fall-off over the outer few per cent of the display area
5. additive   perceived = world + light
6. adaptation the eye adapts to the mean world luminance (never below MIN_ADAPT_NITS); Reinhard
              tone mapping x / (1 + x) with x = perceived / (adaptation x KEY), then linear -> sRGB

See `hud.light` for why the curve works on luminance and how the constants were tuned.

All arithmetic is float32. `composite` and `GLCompositor.render` agree within 3 levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image as PILImage
from PIL import ImageOps

from hud.devices import DeviceProfile
from hud.light import (  # noqa: F401  (the model's names stay importable from here)
    AMBIENTS,
    DEFAULT_PEAK_NITS,
    KEY,
    LUMA,
    MEAN_WORLD_GREY,
    MIN_ADAPT_NITS,
    NEUTRAL_GREY,
    WAVEGUIDE_EFFICIENCY,
    adaptation,
    linear_to_srgb,
    panel_colour,
    peak_nits,
    reinhard,
    srgb_to_linear,
)

if TYPE_CHECKING:  # moderngl is only needed for GLCompositor
    import moderngl

VIEWS = ("both", "fused", "left", "right")

# -- look constants (numpy and GLSL use the same values; the light model's are in hud.light) -----
EYE_GAP = 16  # px between the eyes in the "both" view (black)
GLOW_SIGMA_DEG = 0.15  # halation blur radius (Gaussian sigma) in degrees of visual angle
GLOW_STRENGTH = 0.1  # halation energy relative to the light itself (0.25 smeared text at night)
GLOW_MAX_RADIUS = 128  # kernel half-width cap in px (kernel radius = min(ceil(3 sigma), this))
EYE_BOX_EDGE = 0.03  # fall-off band, as a fraction of the display width / height


@dataclass
class Look:
    """How the emulator shows the panels: each part switchable."""

    see_through: bool = True  # panel light added over the background (False: black background)
    ambient: str = "indoor"  # key of AMBIENTS
    glow: bool = True  # halation around bright strokes
    eye_box: bool = True  # soft fall-off at the edge of the display area
    background: np.ndarray | None = None  # RGB uint8 (H, W, 3) world image; None = a neutral dim grey


# -- shared pieces --------------------------------------------------------------------------------
def _check(device: DeviceProfile, look: Look, view: str) -> None:
    if not device.has_display or not device.eyes:
        raise ValueError(f"{device.name} has no display: there is nothing to composite")
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r} (use one of {', '.join(VIEWS)})")
    if look.ambient not in AMBIENTS:
        raise ValueError(f"unknown ambient {look.ambient!r} (use one of {', '.join(AMBIENTS)})")


def _check_panels(panels: dict[str, np.ndarray], device: DeviceProfile) -> dict[str, np.ndarray]:
    """The panels of the device's eyes, validated. An eye the device has but `panels` lacks is dark."""
    out: dict[str, np.ndarray] = {}
    for eye, panel in panels.items():
        if eye not in device.eyes:
            raise ValueError(f"panel for the {eye!r} eye, but {device.name} has only {', '.join(device.eyes)}")
        panel = np.asarray(panel)
        shape_ok = panel.shape[:2] == (device.height, device.width) and (
            panel.ndim == 2 or panel.ndim == 3 and panel.shape[2] == 3
        )
        if panel.dtype != np.uint8 or not shape_ok:
            want = f"({device.height}, {device.width})" + (" or (H, W, 3)" if device.colour != "mono" else "")
            raise ValueError(f"{eye} panel must be uint8 {want}, got {panel.dtype} {panel.shape}")
        out[eye] = panel
    return out


def adaptation_nits(look: Look) -> float:
    """The luminance the eye is adapted to."""
    return adaptation(AMBIENTS[look.ambient] if look.see_through else 0.0)


def glow_kernel(device: DeviceProfile) -> np.ndarray:
    """Normalised 1-D Gaussian weights, sigma = GLOW_SIGMA_DEG in pixels (float32, odd length)."""
    sigma = max(GLOW_SIGMA_DEG * device.px_per_deg, 1e-3)
    radius = min(max(1, math.ceil(3 * sigma)), GLOW_MAX_RADIUS)
    k = np.arange(-radius, radius + 1, dtype=np.float64)
    weights = np.exp(-k * k / (2 * sigma * sigma))
    return (weights / weights.sum()).astype(np.float32)


def eye_box_mask(width: int, height: int) -> np.ndarray:
    """(H, W) float32: 1 inside, smoothly 0 at the edges (product of two smoothsteps per axis)."""

    def axis(n: int) -> np.ndarray:
        u = (np.arange(n, dtype=np.float32) + np.float32(0.5)) / np.float32(n)
        return _smoothstep(u) * _smoothstep(np.float32(1.0) - u)

    return axis(height)[:, None] * axis(width)[None, :]


def _smoothstep(u: np.ndarray) -> np.ndarray:
    t = np.clip(u / np.float32(EYE_BOX_EDGE), 0.0, 1.0).astype(np.float32)
    return t * t * (np.float32(3.0) - np.float32(2.0) * t)


_WORLD_CACHE: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] = {}


def world_linear(background: np.ndarray | None, width: int, height: int) -> np.ndarray:
    """The background cover-cropped to (width, height) with LANCZOS, as linear RGB in [0, 1] (float32).

    Cached by array identity: treat a background array as immutable once it is in a Look.
    """
    if background is None:
        grey = srgb_to_linear(np.float32(NEUTRAL_GREY / 255.0))
        return np.full((height, width, 3), grey, dtype=np.float32)
    key = (id(background), width, height)
    hit = _WORLD_CACHE.get(key)
    if hit is not None and hit[0] is background:
        return hit[1]
    image = np.asarray(background)
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or image.ndim == 3 and image.shape[2] not in (3, 4):
        raise ValueError(f"background must be an RGB uint8 (H, W, 3) array, got {image.dtype} {image.shape}")
    pil = PILImage.fromarray(image).convert("RGB")
    fitted = ImageOps.fit(pil, (width, height), method=PILImage.Resampling.LANCZOS, centering=(0.5, 0.5))
    linear = srgb_to_linear(np.asarray(fitted, dtype=np.float32) / np.float32(255.0))
    if len(_WORLD_CACHE) >= 8:
        _WORLD_CACHE.pop(next(iter(_WORLD_CACHE)))
    _WORLD_CACHE[key] = (background, linear)
    return linear


def _blur(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Separable Gaussian of (H, W, C) float32, horizontal pass then vertical; zero outside the display."""
    radius = len(kernel) // 2
    height, width = image.shape[:2]
    padded = np.pad(image, ((0, 0), (radius, radius), (0, 0)))
    across = np.zeros_like(image)
    for i, w in enumerate(kernel):
        across += w * padded[:, i : i + width]
    padded = np.pad(across, ((radius, radius), (0, 0), (0, 0)))
    out = np.zeros_like(image)
    for i, w in enumerate(kernel):
        out += w * padded[i : i + height]
    return out


def eye_light(panel: np.ndarray | None, device: DeviceProfile, look: Look) -> np.ndarray | None:
    """Light one eye's display adds at the eye, in nits, linear RGB (H, W, 3) float32; None if dark."""
    if panel is None or not panel.any():
        return None
    if panel.ndim == 2:  # mono: blur the grey level, then colour it (the same as blurring the colour light)
        base = panel[..., None].astype(np.float32) / np.float32(255.0)
        scale = panel_colour(device) * np.float32(peak_nits(device))
    else:
        base = srgb_to_linear(panel.astype(np.float32) / np.float32(255.0))
        scale = np.full(3, peak_nits(device), dtype=np.float32)
    light = base
    if look.glow:
        light = base + np.float32(GLOW_STRENGTH) * _blur(base, glow_kernel(device))
    if look.eye_box:
        light = light * eye_box_mask(device.width, device.height)[..., None]
    return (light * scale).astype(np.float32)


def tone_map(perceived: np.ndarray, look: Look) -> np.ndarray:
    """Linear nits -> RGB uint8: Reinhard on luminance (hue kept, channels clipped), then sRGB."""
    out = linear_to_srgb(reinhard(perceived / np.float32(adaptation_nits(look) * KEY)))
    return np.floor(out * np.float32(255.0) + np.float32(0.5)).astype(np.uint8)


def perceived_eye(
    panels: dict[str, np.ndarray], eye: str, device: DeviceProfile, look: Look, world: np.ndarray
) -> np.ndarray:
    """Linear nits one eye receives: world plus that eye's display light (if it has one)."""
    light = eye_light(panels.get(eye), device, look) if eye in device.eyes else None
    return world if light is None else world + light


def composite(panels: dict[str, np.ndarray], device: DeviceProfile, look: Look, view: str) -> np.ndarray:
    """RGB uint8 image of what the wearer sees: view "left"/"right" is one eye (device.width x device.height),
    "both" is the two eyes side by side with a 16 px gap (eyes the device lacks are drawn as the world alone), "fused" is the
    binocular impression (both eyes averaged). Panels are hud panel arrays (uint8 (H,W) mono or (H,W,3) colour)."""
    _check(device, look, view)
    panels = _check_panels(panels, device)
    width, height = device.width, device.height
    if look.see_through:
        world = world_linear(look.background, width, height) * np.float32(AMBIENTS[look.ambient])
    else:
        world = np.zeros((height, width, 3), dtype=np.float32)
    if view in ("left", "right"):
        return tone_map(perceived_eye(panels, view, device, look, world), look)
    left = perceived_eye(panels, "left", device, look, world)
    right = perceived_eye(panels, "right", device, look, world)
    if view == "fused":  # binocular summation: the average of what the two eyes receive
        return tone_map((left + right) * np.float32(0.5), look)
    out = np.zeros((height, 2 * width + EYE_GAP, 3), dtype=np.uint8)
    out[:, :width] = tone_map(left, look)
    out[:, width + EYE_GAP :] = tone_map(right, look)
    return out


# -- GPU --------------------------------------------------------------------------------------------
FULLSCREEN_VERTEX = """
#version 330
in vec2 in_pos;
out vec2 v_uv;
void main() {
    v_uv = in_pos * 0.5 + 0.5;
    gl_Position = vec4(in_pos, 0.0, 1.0);
}
"""

_LIGHT = """
#version 330
uniform sampler2D u_panel;   // uint8 panel, 1 or 3 components, row 0 = top (texel y = numpy row)
uniform int u_mono;
out vec4 f_color;
float srgb_to_linear(float c) {
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    vec4 t = texelFetch(u_panel, p, 0);
    vec3 base = u_mono == 1 ? vec3(t.r) : vec3(srgb_to_linear(t.r), srgb_to_linear(t.g), srgb_to_linear(t.b));
    f_color = vec4(base, 1.0);
}
"""

_BLUR_H = """
#version 330
uniform sampler2D u_src;
uniform int u_radius;
uniform float u_weights[%(taps)d];
out vec4 f_color;
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    int w = textureSize(u_src, 0).x;
    vec3 acc = vec3(0.0);
    for (int i = -u_radius; i <= u_radius; ++i) {
        int x = p.x + i;
        if (x >= 0 && x < w) acc += u_weights[i + u_radius] * texelFetch(u_src, ivec2(x, p.y), 0).rgb;
    }
    f_color = vec4(acc, 1.0);
}
"""

_EYE = """
#version 330
uniform sampler2D u_base;    // unblurred light (panel units)
uniform sampler2D u_across;  // horizontally blurred light
uniform int u_glow;
uniform int u_eye_box;
uniform int u_radius;
uniform float u_weights[%(taps)d];
uniform vec3 u_scale;
out vec4 f_color;
float edge(float u) {
    return smoothstep(0.0, %(edge)r, u) * smoothstep(0.0, %(edge)r, 1.0 - u);
}
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    ivec2 size = textureSize(u_base, 0);
    vec3 light = texelFetch(u_base, p, 0).rgb;
    if (u_glow == 1) {
        vec3 acc = vec3(0.0);
        for (int i = -u_radius; i <= u_radius; ++i) {
            int y = p.y + i;
            if (y >= 0 && y < size.y) acc += u_weights[i + u_radius] * texelFetch(u_across, ivec2(p.x, y), 0).rgb;
        }
        light += %(glow)r * acc;
    }
    if (u_eye_box == 1) {
        vec2 u = (vec2(p) + 0.5) / vec2(size);
        light *= edge(u.y) * edge(u.x);
    }
    f_color = vec4(light * u_scale, 1.0);
}
"""

_FINAL = """
#version 330
uniform sampler2D u_world;   // linear RGB in [0, 1], eye size
uniform sampler2D u_eye0;    // eye light in nits (the eye drawn, or the left eye when fused)
uniform sampler2D u_eye1;    // the right eye's light when fused
uniform int u_lit0;          // whether each eye has light (0: a dark or missing eye sees the world alone)
uniform int u_lit1;
uniform int u_fused;
uniform float u_ambient;     // nits of a white world pixel (0 = not see-through)
uniform float u_inv_white;   // 1 / (adaptation x key)
uniform ivec2 u_origin;      // the eye's lower-left corner in the target
out vec4 f_color;
float linear_to_srgb(float v) {
    v = clamp(v, 0.0, 1.0);
    return v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy) - u_origin;
    vec3 world = texelFetch(u_world, p, 0).rgb * u_ambient;
    vec3 first = world;
    vec3 second = world;
    if (u_lit0 == 1) first = world + texelFetch(u_eye0, p, 0).rgb;
    if (u_lit1 == 1) second = world + texelFetch(u_eye1, p, 0).rgb;
    vec3 perceived = u_fused == 1 ? (first + second) * 0.5 : first;
    vec3 x = perceived * u_inv_white;
    float lum = dot(x, vec3(%(luma)s));
    vec3 mapped = x * (1.0 / (1.0 + lum));
    f_color = vec4(linear_to_srgb(mapped.r), linear_to_srgb(mapped.g), linear_to_srgb(mapped.b), 1.0);
}
"""

_BLIT = """
#version 330
uniform sampler2D u_image;   // row 0 = top of the image
in vec2 v_uv;
out vec4 f_color;
void main() {
    f_color = vec4(texture(u_image, vec2(v_uv.x, 1.0 - v_uv.y)).rgb, 1.0);
}
"""


_OWN = object()  # tag on the compositor's own framebuffers

_Target = tuple["moderngl.Texture", "moderngl.Framebuffer"]  # a float texture and the framebuffer drawing into it


class GLCompositor:
    """The same composite on the GPU with moderngl (the emulator window uses it; tests compare it with composite())."""

    def __init__(self, ctx: moderngl.Context) -> None:
        import moderngl as mgl

        self._mgl = mgl
        self.ctx = ctx
        taps = 2 * GLOW_MAX_RADIUS + 1
        subst = {
            "taps": taps,
            "edge": float(EYE_BOX_EDGE),
            "glow": float(GLOW_STRENGTH),
            "luma": ", ".join(repr(float(v)) for v in LUMA),
        }
        self._programs = {
            name: ctx.program(vertex_shader=FULLSCREEN_VERTEX, fragment_shader=source % subst)
            for name, source in (
                ("light", _LIGHT),
                ("blur_h", _BLUR_H),
                ("eye", _EYE),
                ("final", _FINAL),
                ("blit", _BLIT),
            )
        }
        quad = np.array([-1, -1, 1, -1, -1, 1, 1, 1], dtype="f4")
        self._vbo = ctx.buffer(quad.tobytes())
        self._vaos = {
            name: ctx.vertex_array(prog, [(self._vbo, "2f", "in_pos")]) for name, prog in self._programs.items()
        }
        self._size: tuple[int, int] | None = None
        self._eye_targets: list[_Target] = []  # per eye slot: (texture, framebuffer) of eye light
        self._scratch: dict[str, _Target] = {}
        self._panel_tex: dict[tuple[int, int, int], moderngl.Texture] = {}
        self._world_key: tuple | None = None
        self._world_tex: moderngl.Texture | None = None
        self._world_ref: np.ndarray | None = None
        self._out: _Target | None = None
        self._out_size: tuple[int, int] | None = None

    # -- resources ----------------------------------------------------------------------------
    def _float_target(self, size: tuple[int, int]) -> _Target:
        tex = self.ctx.texture(size, 4, dtype="f4")
        tex.filter = (self._mgl.NEAREST, self._mgl.NEAREST)
        return tex, self._framebuffer(tex)

    def _framebuffer(self, tex: moderngl.Texture) -> moderngl.Framebuffer:
        fbo = self.ctx.framebuffer(color_attachments=[tex])
        fbo.extra = _OWN  # never restored as "the caller's framebuffer"
        return fbo

    def _ensure_size(self, width: int, height: int) -> None:
        if self._size == (width, height):
            return
        for tex, fbo in self._eye_targets + list(self._scratch.values()):
            fbo.release()
            tex.release()
        for tex in self._panel_tex.values():
            tex.release()
        self._panel_tex = {}
        self._size = (width, height)
        self._eye_targets = [self._float_target((width, height)) for _ in range(2)]
        self._scratch = {"base": self._float_target((width, height)), "across": self._float_target((width, height))}
        self._world_key = None

    def _panel_texture(self, panel: np.ndarray) -> moderngl.Texture:
        components = 1 if panel.ndim == 2 else 3
        key = (panel.shape[1], panel.shape[0], components)
        tex = self._panel_tex.get(key)
        if tex is None:
            tex = self.ctx.texture((panel.shape[1], panel.shape[0]), components, alignment=1)
            tex.filter = (self._mgl.NEAREST, self._mgl.NEAREST)
            self._panel_tex[key] = tex
        tex.write(np.ascontiguousarray(panel).tobytes(), alignment=1)
        return tex

    def _world_texture(self, background: np.ndarray | None, width: int, height: int) -> moderngl.Texture:
        key = (id(background), width, height)
        if self._world_tex is None or self._world_key != key or self._world_ref is not background:
            linear = world_linear(background, width, height)
            if self._world_tex is not None:
                self._world_tex.release()
            self._world_tex = self.ctx.texture((width, height), 3, np.ascontiguousarray(linear).tobytes(), dtype="f4")
            self._world_tex.filter = (self._mgl.NEAREST, self._mgl.NEAREST)
            self._world_key = key
            self._world_ref = background
        return self._world_tex

    def _output(self, width: int, height: int) -> _Target:
        if self._out is None or self._out_size != (width, height):
            if self._out is not None:
                self._out[1].release()
                self._out[0].release()
            tex = self.ctx.texture((width, height), 4)
            tex.filter = (self._mgl.LINEAR, self._mgl.LINEAR)
            tex.repeat_x = tex.repeat_y = False
            self._out = (tex, self._framebuffer(tex))
            self._out_size = (width, height)
        return self._out

    def _uniform(self, prog: moderngl.Program, name: str) -> moderngl.Uniform:
        member = prog[name]
        if not isinstance(member, self._mgl.Uniform):
            raise TypeError(f"{name} in the look shader is a {type(member).__name__}; declare it as a uniform")
        return member

    @staticmethod
    def _set(prog, name: str, value) -> None:
        if name in prog:
            prog[name].value = value

    # -- passes --------------------------------------------------------------------------------
    def _eye_light(self, slot: int, panel: np.ndarray, device: DeviceProfile, look: Look) -> None:
        """Render one eye's light in nits into eye slot `slot`."""
        width, height = device.width, device.height
        base_tex, base_fbo = self._scratch["base"]
        across_tex, across_fbo = self._scratch["across"]
        kernel = glow_kernel(device)
        radius = len(kernel) // 2
        weights = np.zeros(2 * GLOW_MAX_RADIUS + 1, dtype="f4")
        weights[: len(kernel)] = kernel
        if panel.ndim == 2:
            scale = panel_colour(device) * np.float32(peak_nits(device))
        else:
            scale = np.full(3, peak_nits(device), dtype=np.float32)

        self._panel_texture(panel).use(0)
        prog = self._programs["light"]
        self._set(prog, "u_panel", 0)
        self._set(prog, "u_mono", 1 if panel.ndim == 2 else 0)
        base_fbo.use()
        base_fbo.viewport = (0, 0, width, height)
        self._vaos["light"].render(self._mgl.TRIANGLE_STRIP)

        if look.glow:
            prog = self._programs["blur_h"]
            base_tex.use(0)
            self._set(prog, "u_src", 0)
            self._set(prog, "u_radius", radius)
            self._uniform(prog, "u_weights").write(weights.tobytes())
            across_fbo.use()
            across_fbo.viewport = (0, 0, width, height)
            self._vaos["blur_h"].render(self._mgl.TRIANGLE_STRIP)

        prog = self._programs["eye"]
        base_tex.use(0)
        across_tex.use(1)
        self._set(prog, "u_base", 0)
        self._set(prog, "u_across", 1)
        self._set(prog, "u_glow", 1 if look.glow else 0)
        self._set(prog, "u_eye_box", 1 if look.eye_box else 0)
        self._set(prog, "u_radius", radius)
        if "u_weights" in prog:
            self._uniform(prog, "u_weights").write(weights.tobytes())
        self._set(prog, "u_scale", tuple(float(v) for v in scale))
        _, fbo = self._eye_targets[slot]
        fbo.use()
        fbo.viewport = (0, 0, width, height)
        self._vaos["eye"].render(self._mgl.TRIANGLE_STRIP)

    def _render_to_output(self, panels, device: DeviceProfile, look: Look, view: str):
        _check(device, look, view)
        panels = _check_panels(panels, device)
        ctx = self.ctx
        width, height = device.width, device.height
        self._ensure_size(width, height)
        ctx.disable(self._mgl.BLEND | self._mgl.DEPTH_TEST | self._mgl.CULL_FACE)

        lit: set[str] = set()
        for slot, eye in enumerate(("left", "right")):
            panel = panels.get(eye)
            if eye in device.eyes and panel is not None and panel.any():
                self._eye_light(slot, panel, device, look)
                lit.add(eye)

        out_w = 2 * width + EYE_GAP if view == "both" else width
        out_tex, out_fbo = self._output(out_w, height)
        out_fbo.use()
        out_fbo.viewport = (0, 0, out_w, height)
        out_fbo.clear(0.0, 0.0, 0.0, 1.0)

        prog = self._programs["final"]
        self._world_texture(look.background if look.see_through else None, width, height).use(0)
        self._set(prog, "u_world", 0)
        self._set(prog, "u_eye0", 1)
        self._set(prog, "u_eye1", 2)
        self._set(prog, "u_ambient", float(AMBIENTS[look.ambient]) if look.see_through else 0.0)
        self._set(prog, "u_inv_white", float(np.float32(1.0) / np.float32(adaptation_nits(look) * KEY)))
        slots = {eye: self._eye_targets[index][0] for index, eye in enumerate(("left", "right"))}

        def eye_pass(origin_x: int, first: str, second: str | None) -> None:
            slots[first].use(1)
            slots[second or first].use(2)
            out_fbo.viewport = (origin_x, 0, width, height)
            self._set(prog, "u_origin", (origin_x, 0))
            self._set(prog, "u_lit0", 1 if first in lit else 0)
            self._set(prog, "u_lit1", 1 if second in lit else 0)
            self._set(prog, "u_fused", 1 if second else 0)
            self._vaos["final"].render(self._mgl.TRIANGLE_STRIP)

        if view == "fused":
            eye_pass(0, "left", "right")
        elif view == "both":
            eye_pass(0, "left", None)
            eye_pass(width + EYE_GAP, "right", None)
        else:
            eye_pass(0, view, None)
        return out_tex, out_fbo, out_w, height

    # -- public ------------------------------------------------------------------------------------
    def render(self, panels, device: DeviceProfile, look: Look, view: str) -> np.ndarray:
        """Draw into an offscreen framebuffer and return RGB uint8 like composite()."""
        previous = self.ctx.fbo
        _, fbo, width, height = self._render_to_output(panels, device, look, view)
        data = fbo.read(viewport=(0, 0, width, height), components=3, alignment=1)
        if previous is not None and getattr(previous, "extra", None) is not _OWN:
            previous.use()
        return np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3).copy()

    def draw(self, panels, device: DeviceProfile, look: Look, view: str, viewport: tuple[int, int, int, int]) -> None:
        """Draw into the currently bound framebuffer (the window) at viewport (x, y, w, h), scaled to fit it."""
        target = self.ctx.fbo
        tex, _, _, _ = self._render_to_output(panels, device, look, view)
        target.use()
        x, y, w, h = viewport
        target.viewport = (int(x), int(y), int(w), int(h))
        tex.use(0)
        self._set(self._programs["blit"], "u_image", 0)
        self._vaos["blit"].render(self._mgl.TRIANGLE_STRIP)

    def release(self) -> None:
        """Free the GPU objects."""
        for tex, fbo in self._eye_targets + list(self._scratch.values()):
            fbo.release()
            tex.release()
        for tex in self._panel_tex.values():
            tex.release()
        if self._world_tex is not None:
            self._world_tex.release()
        if self._out is not None:
            self._out[1].release()
            self._out[0].release()
        for vao in self._vaos.values():
            vao.release()
        for prog in self._programs.values():
            prog.release()
        self._vbo.release()
