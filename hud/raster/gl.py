"""The GL raster backend: the CPU backend's command list drawn with moderngl, to the same light.

One standalone context per process (headless by EGL, so Mesa's llvmpipe runs it without a
GPU), current only while the backend works. Each eye is a float framebuffer (R32F mono, RGBA32F
colour) whose rows are the CPU buffer's rows: y grows down, pixel (x, y) is window pixel (x, y),
so read() needs no flip.

Every command is instanced geometry over the pixels it may touch (every glyph one quad, every
polygon triangles), drawn by a program for its kind that computes the CPU's coverage at each
pixel centre with the CPU's formulas and float32 constants (float64 sums, as the CPU takes
them, rounded once):

- rounded rectangles (fill, inner stroke): the signed distance to the rounded box;
- strokes: the distance to the nearest segment (round caps and joins), width < 1 scales it;
- polygons: even-odd by crossing counts plus the distance to the nearest edge at each pixel,
  as the CPU evaluates it, over triangles: the polygon ear-clipped and a band FRINGE wide along
  each edge, where the antialiased edge lies. A polygon that is not simple (edges that cross or
  touch) is drawn over its bounds instead: a fan of triangles would cover its odd-winding
  points as well, but where the fan folds over, a pixel centre lying exactly on its edges may
  be given to no triangle by the fill rule, while the bounds always hold it. So is a polygon whose triangles would shade more than its
  bounds (`shading_cost`: small round ones, whose many thin triangles waste most of the pixel
  blocks they touch); the large sparse ones (a long diagonal) shade their own pixels only.
  Triangles overlap, so each polygon writes one depth (gl_FragDepth) under a "less" test: the
  first fragment that lights a pixel wins, and every pixel is lit once, as on the CPU;
- glyphs: coverage levels from an atlas (an 8-bit texture array of 512 x 512 shelf-packed
  pages, added up to a limit, then the least recently used page is emptied and its glyphs
  uploaded again when next drawn), turned into the CPU's transmission by a 256-entry table;
- images: RGBA32F textures of light and alpha (the mono rule applied on upload).

The output is (coverage x colour, 1 - coverage) blended as (ONE, SRC_ALPHA): dst x (1 - coverage)
+ coverage x colour, the CPU's "over" operation for operation. Dirty regions are scissor
rectangles (overlapping ones split into disjoint pieces by `hud.damage.disjoint`); a Glyphs
command's clip narrows its quads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from hud.damage import disjoint
from hud.geometry import Rect
from hud.paint import Blit, Command, Fill, FillRoundRect, GlyphKey, Glyphs, PaintItem, Stroke, StrokeRoundRect
from hud.raster.base import ring_bands
from hud.raster.triangulate import FRINGE, Point, fill_triangles, shading_cost, triangulate
from hud.theme import mono_light

if TYPE_CHECKING:
    import moderngl

PAGE_SIZE = 512  # atlas page side, texels
MAX_PAGES = 16  # atlas pages before the least recently used one is evicted
SEGMENT_ROW = 1024  # texels per row of the segment texture
IMAGE_CACHE = 32  # image textures kept between frames
DEPTH_STEP = 2.0**-16  # depth between two polygons (exact in float32 and 24-bit depth)
MAX_FILL_DEPTHS = (1 << 16) - 1  # polygons drawn before the depth buffer is cleared again
MAX_EAR_POINTS = 512  # polygons with more points are covered by their bounds (ear clipping is quadratic)
TRIANGULATIONS = 256  # polygon triangulations kept between frames

# Instance kinds: one program each (the KIND of the fragment shader).
ROUND_RECT, STROKE, FILL, GLYPH, IMAGE = range(5)
KINDS = (ROUND_RECT, STROKE, FILL, GLYPH, IMAGE)
INSTANCE_FLOATS = 16  # rect, a, b, colour (colour.w: the kind)
ATTRIBUTES = ("in_rect", "in_a", "in_b", "in_colour")


class GlUnavailable(RuntimeError):
    """No usable OpenGL context in this process (the message says why, on one line)."""


_VERTEX_SHADER = """
#version 330
// Compiled once per instance kind, like the fragment shader (KIND defined in front).
#define FILL 2
uniform vec2 screen;
in vec4 in_rect;      // x0, y0, x1, y1 in pixels (y down); FILL: a triangle's first two corners
in vec4 in_a;
in vec4 in_b;         // FILL: the third corner, the polygon's depth
in vec4 in_colour;    // rgb, kind
flat out vec4 v_a;
flat out vec4 v_b;
flat out vec4 v_colour;
void main() {
#if KIND == FILL
    vec2 p = gl_VertexID == 0 ? in_rect.xy : (gl_VertexID == 1 ? in_rect.zw : in_b.xy);
#else
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
    vec2 p = mix(in_rect.xy, in_rect.zw, corner);
#endif
    gl_Position = vec4(p / screen * 2.0 - 1.0, 0.0, 1.0);
    v_a = in_a;
    v_b = in_b;
    v_colour = in_colour;
}
"""

_FRAGMENT_SHADER = """
#version 330
// One shader source, compiled once per instance kind (KIND defined in front): a program that
// only does one kind runs far faster on software rasterisers than one that branches on it.
#define ROUND_RECT 0
#define STROKE 1
#define FILL 2
#define GLYPH 3
#define IMAGE 4
uniform usampler2DArray atlas;    // glyph coverage 0..255
uniform float transmission[256];  // 1 - level / 255, as the CPU computes it
uniform sampler2D segments;       // two texels per segment: (ax, ay, bx, by), (vx, vy, length2, 0)
uniform sampler2D image;          // light rgb, alpha
flat in vec4 v_a;
flat in vec4 v_b;
flat in vec4 v_colour;
out vec4 frag;

vec4 segment_texel(int i) {
    return texelFetch(segments, ivec2(i % 1024, i / 1024), 0);
}

float segment_distance(vec2 p, vec4 ab, vec4 v) {
    float wx = p.x - ab.x;
    float wy = p.y - ab.y;
    if (v.z == 0.0) {
        return sqrt(wx * wx + wy * wy);
    }
    float t = clamp((wx * v.x + wy * v.y) / v.z, 0.0, 1.0);
    float dx = wx - t * v.x;
    float dy = wy - t * v.y;
    return sqrt(dx * dx + dy * dy);
}

void main() {
    vec2 p = gl_FragCoord.xy;   // pixel centres: x + 0.5, y + 0.5
#if KIND == IMAGE
    vec4 texel = texelFetch(image, ivec2(floor(p) - v_a.xy), 0);
    if (texel.a <= 0.0) discard;
    frag = vec4(texel.a * texel.rgb, 1.0 - texel.a);
#elif KIND == GLYPH
    ivec2 at = ivec2(floor(p) - v_a.xy + v_a.zw);
    uint level = texelFetch(atlas, ivec3(at, int(v_b.x)), 0).r;
    if (level == 0u) discard;
    float keep = transmission[level];
    frag = vec4((1.0 - keep) * v_colour.rgb, keep);
#else
    float coverage;
  #if KIND == ROUND_RECT
    // a = (centre x, centre y, half width - radius, half height - radius), b = (radius, stroke, is stroke)
    float qx = abs(p.x - v_a.x) - v_a.z;
    float qy = abs(p.y - v_a.y) - v_a.w;
    float ox = max(qx, 0.0);
    float oy = max(qy, 0.0);
    float distance = sqrt(ox * ox + oy * oy) + min(max(qx, qy), 0.0) - v_b.x;
    coverage = clamp(0.5 - distance, 0.0, 1.0);
    if (v_b.z > 0.0) {
        coverage = coverage - clamp(0.5 - (distance + v_b.y), 0.0, 1.0);
    }
  #elif KIND == STROKE
    // a = (first segment, segments, half width, width)
    int first = int(v_a.x);
    int count = int(v_a.y);
    float distance = 1.0 / 0.0;
    for (int i = first; i < first + count; ++i) {
        distance = min(distance, segment_distance(p, segment_texel(2 * i), segment_texel(2 * i + 1)));
    }
    coverage = clamp(v_a.z - distance + 0.5, 0.0, 1.0);
    if (v_a.w < 1.0) {
        coverage *= v_a.w;
    }
  #else
    // a = (first segment, segments): even-odd inside, antialiased by the nearest edge;
    // b.z = the polygon's depth, so that its overlapping triangles light a pixel once
    gl_FragDepth = v_b.z;
    int first = int(v_a.x);
    int count = int(v_a.y);
    float distance = 1.0 / 0.0;
    bool inside = false;
    for (int i = first; i < first + count; ++i) {
        vec4 ab = segment_texel(2 * i);
        vec4 v = segment_texel(2 * i + 1);
        distance = min(distance, segment_distance(p, ab, v));
        if (v.y != 0.0 && ((ab.y > p.y) != (ab.w > p.y)) && p.x < ab.x + (p.y - ab.y) * v.x / v.y) {
            inside = !inside;
        }
    }
    coverage = clamp(0.5 - (inside ? -distance : distance), 0.0, 1.0);
  #endif
    if (coverage <= 0.0) discard;
    frag = vec4(coverage * v_colour.rgb, 1.0 - coverage);
#endif
}
"""


# -- the process's context ----------------------------------------------------------------------
def _make_context() -> moderngl.Context:
    """A standalone context: headless EGL first, then the platform's default."""
    try:
        import moderngl
    except ImportError as exc:
        raise GlUnavailable(f"moderngl is not installed ({exc}); pip install moderngl") from None
    try:
        return moderngl.create_standalone_context(backend="egl")  # type: ignore[arg-type]  # stub: settings as dict
    except Exception as egl_error:  # noqa: BLE001 - any failure: try the default backend
        try:
            return moderngl.create_standalone_context()
        except Exception as default_error:  # noqa: BLE001 - any failure means no context
            raise GlUnavailable(
                f"no OpenGL context: EGL: {_first_line(egl_error)}; default: {_first_line(default_error)}"
            ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _Egl:
    """The EGL calls that save, switch and restore a thread's current context, so the backend's
    context and any other one (a window's, a test's) can take turns on one thread."""

    DRAW, READ = 0x3059, 0x305A

    def __init__(self) -> None:
        library = ctypes.util.find_library("EGL") or "libEGL.so.1"
        egl = ctypes.CDLL(library)
        for name in ("eglGetCurrentContext", "eglGetCurrentDisplay", "eglGetCurrentSurface"):
            getattr(egl, name).restype = ctypes.c_void_p
        egl.eglGetCurrentSurface.argtypes = [ctypes.c_int]
        egl.eglMakeCurrent.argtypes = [ctypes.c_void_p] * 4
        egl.eglMakeCurrent.restype = ctypes.c_uint
        self._egl = egl

    def current(self) -> tuple[int | None, int | None, int | None, int | None]:
        egl = self._egl
        return (
            egl.eglGetCurrentDisplay(),
            egl.eglGetCurrentSurface(self.DRAW),
            egl.eglGetCurrentSurface(self.READ),
            egl.eglGetCurrentContext(),
        )

    def make_current(self, display: int | None, draw: int | None, read: int | None, context: int | None) -> bool:
        return bool(self._egl.eglMakeCurrent(display, draw, read, context))


@dataclass
class _Shared:
    """What every GlRaster of the process shares: the context, its EGL handles and the programs."""

    ctx: moderngl.Context
    egl: _Egl | None
    display: int | None
    handle: int | None
    programs: dict[int, moderngl.Program] = field(default_factory=dict)  # by instance kind

    def collect(self) -> None:
        """Release the GL objects of backends Python has collected (the context is current). Like
        moderngl's `ctx.gc()`, skipping objects a `close()` released already."""
        queue = self.ctx.objects
        while queue:
            obj = queue.popleft()
            release = getattr(obj, "release", None)
            if release is not None:
                release()

    @contextmanager
    def current(self) -> Iterator[None]:
        """The context made current on this thread for the block; the thread's previous context
        (or none) is current again after it."""
        if self.egl is None:
            with self.ctx:  # moderngl restores the thread's previous context on leaving
                self.collect()
                yield
            return
        previous = self.egl.current()
        if previous[3] == self.handle:
            self.collect()
            yield
            return
        if not self.egl.make_current(self.display, None, None, self.handle):
            raise RuntimeError(
                "the GL backend's context cannot be made current on this thread (another thread "
                "is drawing with it, or this thread holds a non-EGL context): draw from one "
                "thread at a time"
            )
        try:
            self.collect()  # objects of backends dropped without close(), released while ours is current
            yield
        finally:
            # The previous context again; with none (or one destroyed since), ours is released so
            # that another thread can draw next.
            if not (previous[3] and self.egl.make_current(*previous)):
                self.egl.make_current(self.display, None, None, None)


_SHARED: _Shared | None = None


def _shared() -> _Shared:
    """The process's context and program, made on first use; GlUnavailable when GL cannot draw here."""
    global _SHARED
    if _SHARED is not None:
        return _SHARED
    egl: _Egl | None
    try:
        egl = _Egl()
        before = egl.current()
    except (OSError, AttributeError):
        egl, before = None, (None, None, None, None)
    ctx = _make_context()
    # GL objects of a GlRaster dropped without close() are queued when Python collects them and
    # released at the next draw, with the context current (never from a collector's thread).
    ctx.gc_mode = "context_gc"
    display = handle = None
    if egl is not None:
        display, _, _, handle = egl.current()  # a new context is current on the thread that made it
        if handle is None or handle == before[3]:  # not an EGL context (the default backend answered)
            egl, display, handle = None, None, None
    shared = _Shared(ctx, egl, display, handle)
    try:
        import moderngl

        with shared.current():
            probe = ctx.texture((1, 1), 4, dtype="f4")
            target = ctx.framebuffer(color_attachments=[probe])
            target.release()
            probe.release()
            for kind in KINDS:
                define = f"#version 330\n#define KIND {kind}\n"
                program = shared.programs[kind] = ctx.program(
                    vertex_shader=_VERTEX_SHADER.replace("#version 330\n", define, 1),
                    fragment_shader=_FRAGMENT_SHADER.replace("#version 330\n", define, 1),
                )
                uniforms = {
                    "atlas": 0,
                    "segments": 1,
                    "image": 2,
                    "transmission": tuple(1.0 - np.arange(256, dtype=np.float32) / np.float32(255.0)),
                }
                for name, value in uniforms.items():
                    if name in program:
                        _uniform(program, name).value = value
    except moderngl.Error as exc:
        ctx.release()
        raise GlUnavailable(
            f"the OpenGL context lacks what the GL backend needs (float colour buffers, GLSL 3.30): {_first_line(exc)}"
        ) from None
    finally:
        if egl is not None and not (before[3] and egl.make_current(*before)):
            egl.make_current(display, None, None, None)
    _SHARED = shared
    return shared


# -- glyph atlas --------------------------------------------------------------------------------
@dataclass
class _Page:
    """One atlas page: its texels (kept on the CPU to upload), shelves and use."""

    pixels: np.ndarray
    shelves: list[list[int]] = field(default_factory=list)  # [y, height, next x]
    top: int = 0  # first row below the shelves
    used: int = 0  # tick of the last frame that used it
    keys: set[GlyphKey] = field(default_factory=set)
    dirty: list[int] | None = None  # x0, y0, x1, y1 not yet uploaded

    def reset(self) -> None:
        self.shelves.clear()
        self.top = 0
        self.keys.clear()
        self.dirty = None

    def place(self, w: int, h: int) -> tuple[int, int] | None:
        """Where a w x h glyph fits (best-fitting shelf, else a new shelf), or None."""
        size = self.pixels.shape[0]
        best = None
        for shelf in self.shelves:
            if h <= shelf[1] and shelf[2] + w <= size and (best is None or shelf[1] < best[1]):
                best = shelf
        if best is None:
            if self.top + h > size or w > size:
                return None
            best = [self.top, h, 0]
            self.shelves.append(best)
            self.top += h
        x, y = best[2], best[0]
        best[2] += w
        return x, y


class GlyphAtlas:
    """Glyph coverage in an 8-bit texture array of square pages, keyed by GlyphKey.

    Pages are added as glyphs arrive, up to `max_pages`; past that the least recently used page
    not `pinned` (holding glyphs of the batch being built) is emptied, and its glyphs come back
    when next drawn."""

    def __init__(self, ctx: moderngl.Context, page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES) -> None:
        if max_pages < 1:
            raise ValueError(f"an atlas needs at least one page (max_pages={max_pages})")
        self.ctx = ctx
        self.page_size = page_size
        self.max_pages = max_pages
        self.pages: list[_Page] = []
        self.entries: dict[GlyphKey, tuple[int, int, int, int, int]] = {}  # key -> page, x, y, w, h
        self.evictions = 0  # pages emptied so far
        self.tick = 0  # draws so far: a page's `used` is the tick that last drew from it
        self.texture: moderngl.TextureArray | None = None
        self._texture_pages = 0

    def fits(self, bitmap: np.ndarray) -> bool:
        h, w = bitmap.shape
        return w <= self.page_size and h <= self.page_size

    def lookup(self, key: GlyphKey, bitmap: np.ndarray, pinned: set[int]) -> tuple[int, int, int] | None:
        """(page, x, y) of the glyph, placing it when new; None when every page is pinned and full."""
        h, w = bitmap.shape
        entry = self.entries.get(key)
        if entry is not None and entry[3] == w and entry[4] == h:
            page = entry[0]
            self.pages[page].used = self.tick
            pinned.add(page)
            return page, entry[1], entry[2]
        if entry is not None:  # same key, another raster: forget the old one
            self.pages[entry[0]].keys.discard(key)
            del self.entries[key]
        spot = self._spot(w, h, pinned)
        if spot is None:
            return None
        page, x, y = spot
        target = self.pages[page]
        target.pixels[y : y + h, x : x + w] = bitmap
        box = target.dirty
        target.dirty = (
            [x, y, x + w, y + h]
            if box is None
            else [min(box[0], x), min(box[1], y), max(box[2], x + w), max(box[3], y + h)]
        )
        target.keys.add(key)
        target.used = self.tick
        pinned.add(page)
        self.entries[key] = (page, x, y, w, h)
        return page, x, y

    def _spot(self, w: int, h: int, pinned: set[int]) -> tuple[int, int, int] | None:
        order = sorted(range(len(self.pages)), key=lambda index: -self.pages[index].used)
        for index in order:  # recently used pages first: glyphs of a run stay together
            place = self.pages[index].place(w, h)
            if place is not None:
                return index, *place
        if len(self.pages) < self.max_pages:
            self.pages.append(_Page(np.zeros((self.page_size, self.page_size), dtype=np.uint8)))
            place = self.pages[-1].place(w, h)
            assert place is not None  # fits() was checked by the caller
            return len(self.pages) - 1, *place
        free = [index for index in range(len(self.pages)) if index not in pinned]
        if not free:
            return None
        victim = min(free, key=lambda index: self.pages[index].used)
        page = self.pages[victim]
        for key in page.keys:
            del self.entries[key]
        page.reset()
        self.evictions += 1
        place = page.place(w, h)
        assert place is not None
        return victim, *place

    def upload(self) -> moderngl.TextureArray:
        """The texture with every placed glyph on it (re-made when pages were added)."""
        if self.texture is None or self._texture_pages != len(self.pages):
            if self.texture is not None:
                self.texture.release()
            layers = max(len(self.pages), 1)
            self.texture = self.ctx.texture_array((self.page_size, self.page_size, layers), 1, dtype="u1")
            self._texture_pages = len(self.pages)
            for index, page in enumerate(self.pages):
                self.texture.write(page.pixels.tobytes(), viewport=(0, 0, index, self.page_size, self.page_size, 1))
                page.dirty = None
        for index, page in enumerate(self.pages):
            if page.dirty is not None:
                x0, y0, x1, y1 = page.dirty
                data = np.ascontiguousarray(page.pixels[y0:y1, x0:x1])
                self.texture.write(data.tobytes(), viewport=(x0, y0, index, x1 - x0, y1 - y0, 1))
                page.dirty = None
        return self.texture

    def release(self) -> None:
        if self.texture is not None:
            self.texture.release()
            self.texture = None


# -- the backend --------------------------------------------------------------------------------
@dataclass
class _Surface:
    """One eye: its float texture, depth buffer and framebuffer, and the disjoint pieces of the
    begun areas."""

    texture: moderngl.Texture
    depth: moderngl.Renderbuffer
    framebuffer: moderngl.Framebuffer
    pieces: list[Rect] = field(default_factory=list)
    cleared: bool = False  # the pieces are clear already (a whole fresh surface)
    depths: int = 0  # polygons drawn since the pieces' depth was cleared


@dataclass
class _Transient:
    """A texture made for one batch only (released once the batch is drawn)."""

    texture: Any


@dataclass
class _Batch:
    """Instances in drawing order, in runs of one kind (and one image each for images)."""

    blocks: list[np.ndarray] = field(default_factory=list)
    rows: list[tuple[float, ...]] = field(default_factory=list)  # rows not yet in a block
    count: int = 0
    segments: list[tuple[float, ...]] = field(default_factory=list)
    runs: list[tuple[int, int, int, Any]] = field(default_factory=list)  # first, end, kind, image
    pinned: set[int] = field(default_factory=set)  # atlas pages its glyphs use
    run_start: int = 0
    run_kind: int = -1

    def add(self, kind: int, row: tuple[float, ...]) -> None:
        if kind != self.run_kind:
            self.close_run()
            self.run_kind = kind
        self.rows.append(row)
        self.count += 1

    def add_block(self, kind: int, block: np.ndarray) -> None:
        if not len(block):
            return
        if kind != self.run_kind:
            self.close_run()
            self.run_kind = kind
        self._settle()
        self.blocks.append(block)
        self.count += len(block)

    def add_image(self, row: tuple[float, ...], texture: Any) -> None:
        """An image instance, a run of its own (its texture is bound for it alone)."""
        self.close_run()
        self.rows.append(row)
        self.count += 1
        self.run_kind = IMAGE
        self.close_run(texture)

    def close_run(self, image: Any = None) -> None:
        if self.count > self.run_start:
            self.runs.append((self.run_start, self.count, self.run_kind, image))
        self.run_start = self.count
        self.run_kind = -1

    def data(self) -> np.ndarray:
        """Every instance as float32 rows of INSTANCE_FLOATS."""
        self._settle()
        return np.concatenate(self.blocks) if len(self.blocks) > 1 else self.blocks[0]

    def _settle(self) -> None:
        if self.rows:
            self.blocks.append(np.asarray(self.rows, dtype=np.float32))
            self.rows = []


class GlRaster:
    """The GL backend (a `RasterBackend`): one float framebuffer per eye, one program per shape kind.

    `page_size` and `max_pages` size the glyph atlas (pages of page_size² texels, the least
    recently used evicted past max_pages)."""

    name = "gl"

    def __init__(
        self, width: int, height: int, channels: int, *, page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES
    ) -> None:
        if channels not in (1, 3):
            raise ValueError(f"a panel has 1 or 3 channels, not {channels}")
        shared = _shared()
        self.width, self.height, self.channels = width, height, channels
        self.screen = Rect(0, 0, width, height)
        self._shared = shared
        self._ctx = shared.ctx
        self._surfaces: dict[str, _Surface] = {}
        self._images: dict[tuple[int, int, float], tuple[Blit, Any]] = {}  # image textures, least recent first
        with shared.current():
            self.atlas = GlyphAtlas(self._ctx, page_size, max_pages)
            self._buffer = self._ctx.buffer(reserve=INSTANCE_FLOATS * 4 * 1024, dynamic=True)
            self._vaos = {kind: self._ctx.vertex_array(program, []) for kind, program in shared.programs.items()}
            self._locations = {
                kind: [
                    (index, cast("moderngl.Attribute", program[name]).location)
                    for index, name in enumerate(ATTRIBUTES)
                    if name in program
                ]
                for kind, program in shared.programs.items()
            }
            self._segments = self._ctx.texture((SEGMENT_ROW, 1), 4, dtype="f4")
        self.draw_calls = 0  # GL draw calls so far (one per run of instances and scissor piece)
        self._copied: set[str] = set()  # eyes that copied another: drawn whole at their next begin

    # -- RasterBackend ----------------------------------------------------------------------------
    def begin(self, eye: str, areas: Sequence[Rect] | None = None) -> list[Rect]:
        """Start a frame on one eye: the next `draw` redraws `areas` (None: the whole screen, on a
        fresh surface). Returns the areas, clipped to the screen."""
        with self._shared.current():
            surface = self._surfaces.get(eye)
            if eye in self._copied:  # its surface was not drawn while it copied another eye
                self._copied.discard(eye)
                areas = None
            if areas is None or surface is None:
                if surface is None:
                    components = 1 if self.channels == 1 else 4
                    texture = self._ctx.texture((self.width, self.height), components, dtype="f4")
                    depth = self._ctx.depth_renderbuffer((self.width, self.height))
                    surface = _Surface(
                        texture, depth, self._ctx.framebuffer(color_attachments=[texture], depth_attachment=depth)
                    )
                    self._surfaces[eye] = surface
                # a viewport: without one, clear() keeps the scissor another surface left
                surface.framebuffer.clear(0.0, 0.0, 0.0, 0.0, viewport=_box(self.screen))
                surface.cleared = True
                clipped = [self.screen]
            else:
                surface.cleared = False
                clipped = [a for a in (area.intersect(self.screen) for area in areas) if not a.empty]
        surface.pieces = disjoint(clipped)
        return clipped

    def copy_eye(self, source: str, target: str, areas: Sequence[Rect] | None) -> None:
        """`target` sees what `source` sees: its surface is drawn whole at its next `begin`
        (copying GPU surfaces to keep it current would cost more than that redraw, which only
        comes when the eyes differ again)."""
        self._copied.add(target)

    def draw(self, eye: str, items: Iterable[PaintItem], shift: tuple[int, int], sign: int) -> None:
        """Redraw the eye's begun areas: clear them, then draw the paint items clipped to them;
        each item moves by sign x its stereo shift plus the eye's `shift` (dx, dy). Areas that
        overlap are drawn as disjoint pieces, so a partial frame equals a full one."""
        surface = self._surfaces[eye]
        pieces = surface.pieces
        if not pieces:
            return
        self.atlas.tick += 1
        batch = _Batch()
        with self._shared.current():
            if not surface.cleared:
                for piece in pieces:  # colour and depth
                    surface.framebuffer.clear(0.0, 0.0, 0.0, 0.0, viewport=_box(piece))
            surface.cleared = False
            surface.depths = 0
            for item in items:
                dx, dy = sign * item.shift + shift[0], shift[1]
                moved = item.bounds.translate(dx, dy)
                if all(moved.intersect(piece).empty for piece in pieces):
                    continue
                for command in item.commands:
                    batch = self._add(batch, surface, command, dx, dy)
            self._flush(batch, surface)

    def read(self, eye: str, area: Rect) -> np.ndarray:
        """The eye's light in `area`: float32 (h, w, channels), 0..1 (a new array)."""
        area = area.intersect(self.screen)
        light = np.empty((area.h, area.w, self.channels), dtype=np.float32)
        if light.size:
            with self._shared.current():
                self._surfaces[eye].framebuffer.read_into(
                    light, viewport=_box(area), components=self.channels, dtype="f4"
                )
        return light

    def close(self) -> None:
        """Free every GL object of this backend (the process's context and programs stay)."""
        with self._shared.current():
            for surface in self._surfaces.values():
                surface.framebuffer.release()
                surface.texture.release()
                surface.depth.release()
            self._surfaces.clear()
            for _, texture in self._images.values():
                texture.release()
            self._images.clear()
            self.atlas.release()
            for vao in self._vaos.values():
                vao.release()
            for resource in (self._buffer, self._segments):
                resource.release()

    # -- building a batch -------------------------------------------------------------------------
    def _colour(self, colour: Sequence[float]) -> tuple[float, float, float]:
        """The command colour as the CPU applies it: its first `channels` values as float32, one
        value lighting every channel (the unused ones 0)."""
        values = [float(np.float32(value)) for value in colour[: self.channels]]
        if len(values) == 1:
            return values[0], values[0], values[0]
        return values[0], values[1], values[2]

    def _quad(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int] | None:
        """Whole pixels covering [x0, x1) x [y0, y1) on the screen (the CPU's window), or None."""
        ix0, iy0 = max(math.floor(x0), 0), max(math.floor(y0), 0)
        ix1, iy1 = min(math.ceil(x1), self.width), min(math.ceil(y1), self.height)
        if ix0 >= ix1 or iy0 >= iy1:
            return None
        return ix0, iy0, ix1, iy1

    def _add(self, batch: _Batch, surface: _Surface, cmd: Command, dx: int, dy: int) -> _Batch:
        """Append one command's instances; returns the batch to go on with (a new one after a flush)."""
        if isinstance(cmd, Glyphs):
            return self._add_glyphs(batch, surface, cmd, dx, dy)
        if isinstance(cmd, (FillRoundRect, StrokeRoundRect)):
            x, y, w, h = cmd.x + dx, cmd.y + dy, cmd.w, cmd.h
            quad = self._quad(x - 1, y - 1, x + w + 1, y + h + 1)
            if quad is None or w <= 0 or h <= 0:
                return batch
            radius = max(0.0, min(cmd.radius, w / 2, h / 2))
            stroke, outline = (cmd.width, 1.0) if isinstance(cmd, StrokeRoundRect) else (0.0, 0.0)
            shape = (
                x + w / 2,
                y + h / 2,
                w / 2 - radius,
                h / 2 - radius,
                radius,
                stroke,
                outline,
                0.0,
                *self._colour(cmd.colour),
                ROUND_RECT,
            )
            for band in ring_bands(quad, x, y, w, h, radius + stroke) if outline else [quad]:
                batch.add(ROUND_RECT, (*band, *shape))
        elif isinstance(cmd, Stroke):
            if len(cmd.points) < 2:
                return batch
            points = [(px + dx, py + dy) for px, py in cmd.points]
            half = cmd.width / 2
            quad = self._points_quad(points, half + 1)
            if quad is None:
                return batch
            pairs = list(itertools.pairwise(points))
            if cmd.closed:
                pairs.append((points[-1], points[0]))
            first = _add_segments(batch, pairs)
            batch.add(
                STROKE,
                (*quad, first, len(pairs), half, cmd.width, 0.0, 0.0, 0.0, 0.0, *self._colour(cmd.colour), STROKE),
            )
        elif isinstance(cmd, Fill):
            if len(cmd.points) < 3:
                return batch
            points = [(px + dx, py + dy) for px, py in cmd.points]
            if self._points_quad(points, FRINGE) is None:
                return batch
            if surface.depths == MAX_FILL_DEPTHS:  # every depth used: draw what is batched, clear it
                self._flush(batch, surface)
                batch = _Batch()
                self._clear_depth(surface)
            surface.depths += 1
            depth = 1.0 - surface.depths * DEPTH_STEP
            first = _add_segments(batch, list(zip(points, points[1:] + points[:1])))
            colour = self._colour(cmd.colour)
            for a, b, c in fill_triangles(points, _interior(cmd.points)):
                batch.add(FILL, (*a, *b, first, len(points), 0.0, 0.0, *c, depth, 0.0, *colour, FILL))
        elif isinstance(cmd, Blit):
            h, w = cmd.alpha.shape
            x0, y0 = cmd.x + dx, cmd.y + dy
            quad = self._quad(x0, y0, x0 + w, y0 + h)
            if quad is not None:
                batch.add_image((*quad, x0, y0, *_ZEROS[:9], IMAGE), self._image_texture(cmd))
        else:  # pragma: no cover - every command type is handled above
            raise TypeError(f"unknown draw command {type(cmd).__name__}")
        return batch

    def _clear_depth(self, surface: _Surface) -> None:
        """Clear the depth of the eye's pieces (colour kept), so polygon depths start again."""
        with self._shared.current():
            surface.framebuffer.color_mask = (False, False, False, False)
            try:
                for piece in surface.pieces:
                    surface.framebuffer.clear(depth=1.0, viewport=_box(piece))
            finally:
                surface.framebuffer.color_mask = (True, True, True, True)
        surface.depths = 0

    def _points_quad(self, points: list[tuple[float, float]], pad: float) -> tuple[int, int, int, int] | None:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        return self._quad(min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)

    def _add_glyphs(self, batch: _Batch, surface: _Surface, cmd: Glyphs, dx: int, dy: int) -> _Batch:
        """One instance per visible glyph (its quad clipped to the command's clip and the screen)."""
        clip = self.screen if cmd.clip is None else self.screen.intersect(cmd.clip.translate(dx, dy))
        if clip.empty:
            return batch
        colour = self._colour(cmd.colour)
        atlas = self.atlas
        rows: list[tuple[float, ...]] = []
        left, top, right, bottom = clip.x, clip.y, clip.right, clip.bottom
        for key, bitmap, gx, gy in cmd.items:
            h, w = bitmap.shape
            x0, y0 = gx + dx, gy + dy
            cx0, cy0 = max(x0, left), max(y0, top)
            cx1, cy1 = min(x0 + w, right), min(y0 + h, bottom)
            if cx0 >= cx1 or cy0 >= cy1:
                continue
            if not atlas.fits(bitmap):
                batch.add_block(GLYPH, np.asarray(rows, dtype=np.float32).reshape(-1, INSTANCE_FLOATS))
                rows = []
                texture = _Transient(self._coverage_texture(bitmap, colour))
                batch.add_image((cx0, cy0, cx1, cy1, x0, y0, *_ZEROS[:9], IMAGE), texture)
                continue
            spot = atlas.lookup(key, bitmap, batch.pinned)
            if spot is None:  # every page holds glyphs of this batch: draw it, then go on
                batch.add_block(GLYPH, np.asarray(rows, dtype=np.float32).reshape(-1, INSTANCE_FLOATS))
                rows = []
                self._flush(batch, surface)
                batch = _Batch()
                spot = atlas.lookup(key, bitmap, batch.pinned)
                assert spot is not None  # nothing is pinned in a new batch
            page, ax, ay = spot
            rows.append((cx0, cy0, cx1, cy1, x0, y0, ax, ay, page, 0.0, 0.0, 0.0, *colour, GLYPH))
        batch.add_block(GLYPH, np.asarray(rows, dtype=np.float32).reshape(-1, INSTANCE_FLOATS))
        return batch

    # -- textures ---------------------------------------------------------------------------------
    def _image_texture(self, cmd: Blit) -> Any:
        """An RGBA32F texture of the image's light (rgb x brightness, the mono rule on one channel)
        and alpha, kept while the same arrays are drawn again."""
        key = (id(cmd.rgb), id(cmd.alpha), cmd.brightness)
        cached = self._images.pop(key, None)
        if cached is not None and cached[0].rgb is cmd.rgb and cached[0].alpha is cmd.alpha:
            self._images[key] = cached
            return cached[1]
        if cached is not None:
            cached[1].release()
        light = cmd.rgb * np.float32(cmd.brightness)
        if self.channels == 1:
            light = np.broadcast_to(mono_light(light), light.shape)
        h, w = cmd.alpha.shape
        pixels = np.empty((h, w, 4), dtype=np.float32)
        pixels[..., :3] = light
        pixels[..., 3] = cmd.alpha
        texture = self._ctx.texture((w, h), 4, pixels.tobytes(), dtype="f4")
        self._images[key] = (cmd, texture)
        return texture

    def _coverage_texture(self, bitmap: np.ndarray, colour: tuple[float, float, float]) -> Any:
        """A glyph too big for an atlas page, as an image of its colour with the coverage as alpha."""
        h, w = bitmap.shape
        pixels = np.empty((h, w, 4), dtype=np.float32)
        pixels[..., :3] = colour
        pixels[..., 3] = bitmap.astype(np.float32) / np.float32(255.0)
        return self._ctx.texture((w, h), 4, pixels.tobytes(), dtype="f4")

    # -- drawing ----------------------------------------------------------------------------------
    def _flush(self, batch: _Batch, surface: _Surface) -> None:
        """Draw the batch's runs in order, each into every begun piece of the eye."""
        batch.close_run()
        try:
            if batch.runs:
                self._draw_runs(batch, surface)
        finally:
            for _, _, _, image in batch.runs:
                if isinstance(image, _Transient):
                    image.texture.release()
            while len(self._images) > IMAGE_CACHE:  # least recently drawn first
                self._images.pop(next(iter(self._images)))[1].release()

    def _draw_runs(self, batch: _Batch, surface: _Surface) -> None:
        data = batch.data()
        if data.nbytes > self._buffer.size:
            self._buffer.orphan(max(data.nbytes, 2 * self._buffer.size))
        self._buffer.write(data)
        self._upload_segments(batch.segments)
        ctx = self._ctx
        self.atlas.upload().use(0)
        self._segments.use(1)
        surface.framebuffer.use()
        ctx.enable_only(ctx.BLEND)
        # dst x transmission + light: the CPU's "region *= 1 - coverage; region += coverage x colour"
        ctx.blend_func = ctx.ONE, ctx.SRC_ALPHA
        ctx.blend_equation = ctx.FUNC_ADD, ctx.FUNC_ADD
        screen = (float(self.width), float(self.height))
        for used in {run[2] for run in batch.runs}:
            _uniform(self._shared.programs[used], "screen").value = screen
        stride = INSTANCE_FLOATS * 4
        single = len(surface.pieces) == 1
        if single:
            surface.framebuffer.scissor = _box(surface.pieces[0])
        ctx.depth_func = "<"
        for first, end, kind, image in batch.runs:
            vao = self._vaos[kind]
            for index, location in self._locations[kind]:
                vao.bind(
                    location, "f", self._buffer, "4f", offset=first * stride + index * 16, stride=stride, divisor=1
                )
            if kind == IMAGE:
                (image.texture if isinstance(image, _Transient) else image).use(2)
            if kind == FILL:  # triangles, each polygon's pixels lit once by its depth
                ctx.enable(ctx.DEPTH_TEST)
                mode, vertices = ctx.TRIANGLES, 3
            else:
                ctx.disable(ctx.DEPTH_TEST)
                mode, vertices = ctx.TRIANGLE_STRIP, 4
            for piece in surface.pieces:
                if not single:
                    surface.framebuffer.scissor = _box(piece)
                vao.render(mode, vertices=vertices, instances=end - first)
                self.draw_calls += 1
        ctx.disable(ctx.DEPTH_TEST)
        surface.framebuffer.scissor = _box(self.screen)

    def _upload_segments(self, segments: list[tuple[float, ...]]) -> None:
        if not segments:
            return
        rows = -(-2 * len(segments) // SEGMENT_ROW)
        if self._segments.height < rows:
            self._segments.release()
            self._segments = self._ctx.texture((SEGMENT_ROW, rows), 4, dtype="f4")
        texels = np.zeros((rows * SEGMENT_ROW, 4), dtype=np.float32)
        texels[: 2 * len(segments)] = np.asarray(segments, dtype=np.float32).reshape(-1, 4)
        self._segments.write(texels, viewport=(0, 0, SEGMENT_ROW, rows))


_ZEROS = (0.0,) * 12


def _box(rect: Rect) -> tuple[int, int, int, int]:
    """A screen rectangle as a moderngl viewport or scissor box (surfaces store rows top first,
    so screen and window coordinates are the same)."""
    return rect.x, rect.y, rect.w, rect.h


def _uniform(program: moderngl.Program, name: str) -> moderngl.Uniform:
    return cast("moderngl.Uniform", program[name])


def _add_segments(batch: _Batch, pairs: list[tuple[tuple[float, float], tuple[float, float]]]) -> int:
    """Store segments (their end points, and differences taken in float64 like the CPU's) and
    return the index of the first."""
    first = len(batch.segments)
    for (ax, ay), (bx, by) in pairs:
        vx, vy = bx - ax, by - ay
        batch.segments.append((ax, ay, bx, by, vx, vy, vx * vx + vy * vy, 0.0))
    return first


# -- polygons -----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=TRIANGULATIONS)
def _interior(points: tuple[Point, ...]) -> tuple[tuple[int, int, int], ...] | None:
    """The triangles `fill_triangles` takes for a Fill's points (before the eye's shift: moving by
    whole pixels keeps a tiling and the costs), kept for polygons drawn again; None (its
    bounds) when the polygon is not simple, has more than MAX_EAR_POINTS points, or its
    triangles would shade more than its bounds (small or round polygons with many edges)."""
    if len(points) > MAX_EAR_POINTS:
        return None
    triangles = triangulate(points)
    if triangles is None or shading_cost(fill_triangles(points, triangles)) >= shading_cost(
        fill_triangles(points, None)
    ):
        return None
    return tuple(triangles)
