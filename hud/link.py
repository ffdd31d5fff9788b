"""The device link: what a frame costs to send to glasses that show the phone's images.

Glasses that render nothing themselves (Even G1/G2, Frame, Vuzix Z100) show what the phone
sends them over BLE: each eye's changed pixels in the device's format (quantised to the
format's bits per pixel, rows packed to whole bytes, compressed where the format compresses,
behind a header per image and cut into packets with a header each). `transfer` gives the
bytes of one frame and its time on the link (the latency of each image plus bytes over
bandwidth); `LinkPace` follows a run of frames over scene time: a frame goes out only when the
previous one has crossed, so frames that change while the link is busy miss their refresh,
and their changes go with the next frame that goes out.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hud.damage import merge
from hud.devices import DeviceProfile, Link
from hud.geometry import Rect

REGION_GAP_ROWS = 16  # changed rows this close together go in one region: each region costs a latency
PALETTE_ENTRY_BYTES = 3  # an indexed colour image carries its palette: r, g, b per entry


@dataclass(frozen=True)
class Transfer:
    """One frame on the link: `bytes` all eyes together, `ms` its time on the link, `images`
    how many images (regions) it took."""

    bytes: int
    ms: float
    images: int

    @property
    def fps(self) -> float:
        """Frames a second the link carries at this cost (inf for a transfer that takes no time)."""
        return 1000.0 / self.ms if self.ms > 0 else math.inf


NOTHING = Transfer(0, 0.0, 0)


def bits_per_pixel(device: DeviceProfile) -> int:
    """The bits a pixel takes on the link: the link's own, else the panel's depth (grey levels,
    or a colour budget's palette indices; 24 for colour without a budget)."""
    if device.link.bits:
        return device.link.bits
    if device.colour == "mono":
        levels = device.grey_levels
    elif device.max_colours:
        levels = device.max_colours
    else:
        return 24
    return next(bits for bits in (1, 2, 4, 8) if 1 << bits >= levels)


def image_rect(device: DeviceProfile) -> Rect:
    """The area a full update sends: the link's image size centred on the panel, else the panel."""
    width, height = device.link.image or (device.width, device.height)
    return Rect((device.width - width) // 2, (device.height - height) // 2, width, height)


def pixel_codes(pixels: np.ndarray, bits: int, mono: bool) -> tuple[np.ndarray, int]:
    """(what each pixel of a panel cut-out sends, palette entries sent with it). Mono panels send
    grey levels rounded to `bits`; colour panels send palette indices (up to 8 bits, the
    cut-out's own colours in order), RGB565 (16) or RGB888 (24) as bytes per pixel."""
    if mono:
        top = (1 << bits) - 1
        return ((pixels.astype(np.uint32) * top + 127) // 255).astype(np.uint8), 0
    if bits == 24:
        return pixels.reshape(pixels.shape[0], -1).astype(np.uint8), 0
    if bits == 16:
        rgb = pixels.astype(np.uint16)
        packed = ((rgb[..., 0] >> 3) << 11) | ((rgb[..., 1] >> 2) << 5) | (rgb[..., 2] >> 3)
        return packed.astype(">u2").view(np.uint8).reshape(pixels.shape[0], -1), 0
    keys = (pixels[..., 0].astype(np.uint32) << 16) | (pixels[..., 1].astype(np.uint32) << 8) | pixels[..., 2]
    _, index = np.unique(keys, return_inverse=True)
    index = np.minimum(index.reshape(keys.shape), (1 << bits) - 1)  # a budget the panel keeps never overflows
    return index.astype(np.uint8), 1 << bits


def pack_rows(codes: np.ndarray, bits: int) -> bytes:
    """Codes of `bits` each (1, 2, 4 or 8; wider formats are bytes already), most significant
    first, every row padded to whole bytes."""
    if bits >= 8:
        return np.ascontiguousarray(codes).tobytes()
    per_byte = 8 // bits
    height, width = codes.shape
    padded = np.zeros((height, -(-width // per_byte) * per_byte), dtype=np.uint8)
    padded[:, :width] = codes
    groups = padded.reshape(height, -1, per_byte)
    shifts = np.arange(per_byte - 1, -1, -1, dtype=np.uint8) * bits
    return (groups << shifts).sum(axis=2, dtype=np.uint16).astype(np.uint8).tobytes()


def on_wire(link: Link, data: int) -> int:
    """Bytes on the link for `data` bytes of one image (its header included): plus a header per packet."""
    if not link.packet_bytes:
        return data
    return data + -(-data // link.packet_bytes) * link.packet_header_bytes


def image_bytes(device: DeviceProfile, panel: np.ndarray, rect: Rect) -> int:
    """Bytes on the link for one image: `rect` of `panel` in the link's format (pixels outside
    the panel send as off)."""
    link = device.link
    bits = bits_per_pixel(device)
    cut = np.zeros((rect.h, rect.w, *panel.shape[2:]), dtype=np.uint8)
    inside = rect.intersect(Rect(0, 0, panel.shape[1], panel.shape[0]))
    if not inside.empty:
        cut[inside.y - rect.y : inside.bottom - rect.y, inside.x - rect.x : inside.right - rect.x] = panel[
            inside.y : inside.bottom, inside.x : inside.right
        ]
    codes, palette = pixel_codes(cut, bits, panel.ndim == 2)
    payload = pack_rows(codes, bits)
    if link.compression == "deflate":
        payload = zlib.compress(payload)
    return on_wire(link, link.header_bytes + palette * PALETTE_ENTRY_BYTES + len(payload))


def transfer(
    device: DeviceProfile, panels: Mapping[str, np.ndarray], regions: Mapping[str, Sequence[Rect]]
) -> Transfer:
    """One frame on the device's link: each eye's `regions` (its changed rectangles; none: the
    eye did not change) from its panel image. A "full" link sends its whole image for an eye
    with any change; a "once" link sends the first eye's image for the changes of either. The
    time is each image's latency plus its bytes over the bandwidth, the eyes at once
    ("parallel", the slowest counts) or one after the other ("serial")."""
    link = device.link
    if link.kind == "none":
        return NOTHING
    eyes = [eye for eye in panels if regions.get(eye)]
    if not eyes:
        return NOTHING
    if link.eyes == "once":
        first = next(iter(panels))
        wanted = {first: [rect for eye in eyes for rect in regions[eye]]}
    else:
        wanted = {eye: list(regions[eye]) for eye in eyes}
    total, images, times = 0, 0, []
    for eye, rects in wanted.items():
        sent = [image_rect(device)] if link.update == "full" else _regions(rects, device)
        sizes = [image_bytes(device, panels[eye], rect) for rect in sent]
        total += sum(sizes)
        images += len(sizes)
        times.append(sum(link.latency_ms + 1000.0 * size / link.bandwidth for size in sizes))
    ms = max(times) if link.eyes == "parallel" else sum(times)
    return Transfer(total, ms, images)


def _regions(rects: Sequence[Rect], device: DeviceProfile) -> list[Rect]:
    """The rectangles sent for an eye's changes: overlapping ones merged (the whole panel past
    a few)."""
    screen = Rect(0, 0, device.width, device.height)
    merged = merge([rect.intersect(screen) for rect in rects], screen)
    return [screen] if merged is None else merged


def changed_regions(before: np.ndarray | None, after: np.ndarray) -> list[Rect]:
    """Rectangles that cover every pixel that differs between two panel images of one eye
    (`before` None: a dark panel): one per band of changed rows (bands closer than
    REGION_GAP_ROWS join), as wide as that band's changes."""
    mask = after != 0 if before is None else before != after
    rows = np.flatnonzero(mask.reshape(mask.shape[0], -1).any(axis=1))  # colour channels side by side
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) > REGION_GAP_ROWS)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]]))
    rects = []
    for top, bottom in zip(starts, ends):
        band = mask[top : bottom + 1].any(axis=0)
        cols = np.flatnonzero(band if band.ndim == 1 else band.any(axis=1))
        rects.append(Rect(int(cols[0]), int(top), int(cols[-1] - cols[0] + 1), int(bottom - top + 1)))
    return rects


@dataclass(frozen=True)
class Offer:
    """What became of a frame offered to the link: "same" (nothing new to send), "sent" (with
    its transfer, which ends at `arrives`, scene seconds) or "missed" (it changed while the
    link was busy: it is not shown, its changes go with the next frame sent)."""

    outcome: str
    transfer: Transfer = NOTHING
    arrives: float = 0.0


class LinkPace:
    """A device's link over scene time: frames are offered in time order; one goes out when the
    previous transfer has ended, and the glasses show it once it has crossed.

    >>> import numpy as np, hud
    >>> pace = LinkPace(hud.load_device("even-g1"))
    >>> lit = {eye: np.full((200, 640), 255, np.uint8) for eye in ("left", "right")}
    >>> pace.offer(0.0, lit).outcome, pace.offer(0.05, {e: p * 0 for e, p in lit.items()}).outcome
    ('sent', 'missed')
    """

    def __init__(self, device: DeviceProfile) -> None:
        self.device = device
        self.busy_until = self._last_t = -math.inf
        self._sent: dict[str, np.ndarray] = {}  # what the glasses hold once the transfer in flight ends
        self._shown: dict[str, np.ndarray] = {}  # what they show now
        self._arriving: tuple[float, dict[str, np.ndarray]] | None = None

    def reset(self) -> None:
        """Start again with dark glasses and an idle link (time went back)."""
        self.busy_until = self._last_t = -math.inf
        self._sent, self._shown, self._arriving = {}, {}, None

    def offer(self, t: float, panels: Mapping[str, np.ndarray]) -> Offer:
        """Offer the frame at scene time `t` (seconds): sent when the link is free and the
        frame differs from what was sent last; missed when it differs and the link is busy.
        A time before the last frame's (a loop, a seek back) starts again (`reset`)."""
        if t < self._last_t:
            self.reset()
        self._last_t = t
        self._arrive(t)
        changed = [eye for eye, panel in panels.items() if not _same(self._sent.get(eye), panel)]
        if not changed:
            return Offer("same")
        if t < self.busy_until:
            return Offer("missed")
        regions = {eye: changed_regions(self._sent.get(eye), panels[eye]) for eye in changed}
        cost = transfer(self.device, panels, regions)
        self._sent = {**self._sent, **{eye: panels[eye] for eye in changed}}
        self.busy_until = t + cost.ms / 1000.0
        self._arriving = (self.busy_until, dict(self._sent))
        self._arrive(t)
        return Offer("sent", cost, self.busy_until)

    def shown(self, t: float) -> dict[str, np.ndarray]:
        """What the glasses show at scene time `t`: the latest frame that has crossed (eyes not
        sent yet are missing)."""
        self._arrive(t)
        return dict(self._shown)

    def _arrive(self, t: float) -> None:
        if self._arriving is not None and self._arriving[0] <= t:
            self._shown, self._arriving = self._arriving[1], None


def _same(before: np.ndarray | None, after: np.ndarray) -> bool:
    if before is None:
        return not after.any()
    return before is after or np.array_equal(before, after)
