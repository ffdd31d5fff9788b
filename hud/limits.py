"""Limits on what a scene, a profile or an option may ask for, checked before the work starts.

Each limit keeps memory bounded by the output and time bounded by seconds, and is listed in
the README. A value past a limit is a user error naming the limit and how to stay inside it.
"""

from __future__ import annotations

MAX_WIDGETS = 2_000  # widgets in one scene, nested ones included
MAX_DEPTH = 32  # containers inside containers
MAX_TEXT_CHARS = 20_000  # characters in one text field (a caption, a paragraph)
MAX_TIMELINE_ENTRIES = 10_000  # [[timeline]] entries in one scene
MAX_SCENE_BYTES = 8 * 1024 * 1024  # a scene file (TOML) on disk or over HTTP

MAX_IMAGE_PIXELS = 16_777_216  # decoded pixels of one image asset (4096 x 4096)
MAX_IMAGE_BYTES = 64 * 1024 * 1024  # bytes of one image file

MAX_PANEL_SIDE = 4096  # pixels along either side of one eye's panel
MAX_PANEL_PIXELS = 3840 * 2160  # pixels of one eye's panel
MAX_FONT_PX = 512  # a font size after converting degrees to pixels
MAX_LENGTH_DEG = 90.0  # any length in degrees (offset, margin, padding, gap, size)

MIN_FPS, MAX_FPS = 0.0, 240.0  # frames per second: above MIN_FPS, at most MAX_FPS
MAX_DURATION_S = 600.0  # --duration / the timeline's length for --frames, --preview, speech
MAX_FRAMES = 36_000  # frames in one render or profile run (10 minutes at 60 Hz)
HARD_MAX_DURATION_S = 86_400.0  # what --max-duration may raise the bound to (one day)

MAX_HTTP_BODY = 1024 * 1024  # bytes of one HTTP request body to the emulator
HTTP_TIMEOUT_S = 10.0  # a connection idle this long is closed
HTTP_WORKERS = 8  # requests served at once

HARD_MAX_FRAMES = 5_184_000  # what --max-frames / --max-duration may raise the frame bound to (a day at 60 Hz)

MAX_LENGTH_PX = (
    2 * MAX_PANEL_SIDE
)  # any length in pixels (offset, margin, padding, gap, size): twice the largest panel side
MAX_BINDINGS = 1_000  # [[gestures]] bindings in one scene
MAX_KEY_PARTS = 128  # dotted parts of one TOML key (a.b.c) in a scene: longer keys make TOML reading quadratic
