"""A long-lived Renderer draws what a fresh one draws, after the changes its caches have to see.

Each test keeps one renderer across a sequence of changes to a scene (widgets replaced again
and again, a keep-end text rewritten mid-scroll, live edits moved in time or rebased when the
scene loops, an image file replaced on disk, widgets hidden) and compares its last frame,
panel by panel and in its layout.json document, with a renderer that draws the scene once.
The last tests check that nothing the renderer or the timeline keeps outlives what it is for:
GL memory of renderers dropped without close(), widgets deleted through live edits.
"""

from __future__ import annotations

import gc
import os
import random
import weakref
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PilImage

import hud
from hud.anim import Event, Timeline
from hud.geometry import Rect
from hud.widgets import Widget

DEVICE = "quark-s1"
EMPTY = Rect(0, 0, 0, 0)


def fresh(scene: hud.Scene, t: float) -> tuple[hud.Renderer, hud.Frame]:
    """A new renderer that has drawn `scene` once, at `t`, and its frame."""
    renderer = hud.Renderer(scene, DEVICE)
    try:
        return renderer, renderer.frame(t)
    finally:
        renderer.close()


def differing_pixels(frame: hud.Frame, expected: hud.Frame) -> dict[str, int]:
    """Per eye, how many pixels of `frame` differ from `expected` (only eyes that differ)."""
    assert frame.eyes.keys() == expected.eyes.keys()
    counts = {eye: int(np.count_nonzero(frame.eyes[eye] != expected.eyes[eye])) for eye in frame.eyes}
    return {eye: count for eye, count in counts.items() if count}


def assert_as_fresh(frame: hud.Frame, scene: hud.Scene, label: str) -> hud.Renderer:
    """`frame` (a long-lived renderer's) has the panels and layout.json a fresh renderer draws
    for `scene` at the frame's time; returns the fresh renderer, to compare what it reports."""
    renderer, expected = fresh(scene, frame.t)
    differing = differing_pixels(frame, expected)
    assert not differing, f"{label}: pixels differing from a fresh renderer, per eye: {differing}"
    assert frame.layout == expected.layout, f"{label}: layout.json differs from a fresh renderer's"
    return renderer


# -- caches keyed by widget ---------------------------------------------------------------------
def test_new_widgets_at_freed_addresses_are_drawn_as_a_fresh_renderer_draws_them() -> None:
    """An app replaces its caption again and again: a new caption often gets a removed one's
    address (and, built the same way, its change stamp), and must still be measured afresh."""
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    pick = random.Random(1)
    scene = hud.Scene(hud.Text(text="x", anchor="top-left"))
    renderer = hud.Renderer(scene, DEVICE)
    stamps: dict[int, int] = {}  # address -> change stamp of the captions drawn there before
    reused = 0
    caption: hud.Caption | None = None
    for cycle in range(300):
        if caption is not None:
            scene.root.remove(caption)
        caption = hud.Caption(
            id="c", text=" ".join(pick.choices(words, k=pick.randint(1, 14))), anchor="bottom", width="12deg"
        )
        at_freed_address = stamps.get(id(caption)) == caption._layout_stamp
        stamps[id(caption)] = caption._layout_stamp
        scene.root.add(caption)
        frame = renderer.frame(0.0)
        if at_freed_address:
            reused += 1
            expected = assert_as_fresh(frame, scene, f"replacement {cycle}, at a freed address")
            assert renderer.box(caption) == expected.box(caption), f"replacement {cycle}: caption box"
    assert reused >= 1, "no new caption got a removed one's address and stamp: the replacements tested nothing"


# -- the scroll of a keep-end text --------------------------------------------------------------
def test_keep_end_text_rewritten_under_the_same_scroll_from_drops_lines_as_a_fresh_renderer() -> None:
    """The lines a keep-end text scrolls away depend on its text and max_lines, not only on
    scroll_from and the width."""
    text = hud.Text(
        text="one two three four five six seven eight nine ten",
        max_lines=1,
        overflow="keep-end",
        width=150,
        anchor="center",
        scroll_from="one two",
        scroll_left=1.0,
    )
    scene = hud.Scene(text)
    renderer = hud.Renderer(scene, DEVICE)
    assert_as_fresh(renderer.frame(0.0), scene, "first frame")
    assert renderer.layout.drop(text) > 0, "the text should scroll lines away"
    for field, value in (("text", "one two three"), ("max_lines", 3)):
        setattr(text, field, value)
        frame = renderer.frame(0.0)
        expected = assert_as_fresh(frame, scene, f"after {field} = {value!r}")
        assert renderer.layout.drop(text) == expected.layout.drop(text), f"lines dropped after {field} = {value!r}"


def test_text_set_by_the_timeline_during_an_append_scroll_drops_lines_as_a_fresh_renderer() -> None:
    """A timeline appends (the scroll runs on), then sets the text while scroll_from stays."""
    text = hud.Text(id="t", text="one two three", max_lines=1, overflow="keep-end", width=150, anchor="center")
    scene = hud.Scene(text)
    scene.timeline = Timeline()
    scene.timeline.add(Event(1.0, text, "append", "text", " four five six seven eight nine ten eleven", order=0))
    scene.timeline.add(Event(1.1, text, "set", "text", "one two three four", order=1))
    renderer = hud.Renderer(scene, DEVICE)
    renderer.frame(0.5)
    renderer.frame(1.05)
    scroll_from = text.scroll_from
    frame = renderer.frame(1.15)
    assert text.scroll_from == scroll_from and text.scroll_left > 0, "the set should land mid-scroll"
    expected = assert_as_fresh(frame, scene, "t=1.15, after the set")
    assert renderer.layout.drop(text) == expected.layout.drop(text)


# -- show/hide events edited live ---------------------------------------------------------------
def test_live_visible_edit_moved_to_another_time_eases_as_a_fresh_renderer() -> None:
    """Each live `visible` edit replaces the previous one (the timeline keeps one event): the
    times the renderer eases the other widgets at must follow the newest."""
    first = hud.Text(id="a", text="first line widget", anchor="top")
    second = hud.Text(id="b", text="second widget", anchor="top")
    scene = hud.Scene(first, second)
    renderer = hud.Renderer(scene, DEVICE)
    renderer.frame(0.5)
    for visible, at in ((False, 1.0), (True, 2.0), (False, 3.0)):
        scene.edits.set(first, {"visible": visible}, at)
        assert len(scene.edits.timeline.events) == 1, "each edit should replace the one before"
        if at < 3.0:
            renderer.frame(at + 0.05)
            renderer.frame(at + 0.5)
    frame = renderer.frame(3.05)
    expected = assert_as_fresh(frame, scene, "t=3.05, b easing into a's place")
    assert renderer.box(second) == expected.box(second)


def test_looped_scene_eases_a_shown_widget_in_from_the_places_of_this_pass() -> None:
    """The composition just before a show is kept; when live edits change what comes before
    it (here: rebased when the scene loops), the next pass eases from the new places."""
    top = hud.Text(id="c", text="top line", anchor="top")
    shown = hud.Text(id="a", text="shown at 5 s", anchor="top", visible=False)
    below = hud.Text(id="b", text="pushed down when a shows", anchor="top")
    scene = hud.Scene(top, shown, below)
    scene.timeline = Timeline()
    scene.timeline.show(5.0, shown, "none", 0.0, order=0)
    renderer = hud.Renderer(scene, DEVICE)
    for t in (4.0, 5.05, 5.5):
        renderer.frame(t)
    scene.edits.set(top, {"text": "top line\nnow two lines\nthree"}, 6.0)
    renderer.frame(6.0)
    renderer.frame(9.9)
    scene.edits.rebase(10.0, 0.0)
    renderer.frame(0.0)
    renderer.frame(4.0)
    frame = renderer.frame(5.05)
    expected = assert_as_fresh(frame, scene, "second pass, t=5.05")
    assert renderer.box(below) == expected.box(below)


# -- content changed outside the widgets --------------------------------------------------------
def test_invalidate_after_an_image_file_changed_draws_as_a_fresh_renderer(tmp_path: Path) -> None:
    """invalidate() is a full redraw: sizes measured from the old file are forgotten too."""
    path = tmp_path / "pic.png"
    PilImage.new("RGBA", (40, 40), (255, 255, 255, 255)).save(path)
    image = hud.Image(src=str(path), anchor="center")
    scene = hud.Scene(image)
    renderer = hud.Renderer(scene, DEVICE)
    renderer.frame(0.0)
    old_box = renderer.box(image)
    PilImage.new("RGBA", (160, 100), (255, 255, 255, 255)).save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    renderer.invalidate()
    frame = renderer.frame(0.0)
    expected = assert_as_fresh(frame, scene, "invalidated after the image changed")
    assert renderer.box(image) == expected.box(image) != old_box


# -- hidden widgets -----------------------------------------------------------------------------
@pytest.mark.parametrize("nested", [False, True], ids=["top-level", "in-a-column"])
def test_hidden_widget_has_no_box_text_block_or_rect(nested: bool) -> None:
    """A widget hidden since the last frame reports no box, no text block and an empty
    snapshot rect, as one never drawn does."""
    text = hud.Text(id="a", text="hello", anchor="center")
    scene = hud.Scene(hud.Column(text, hud.Text(text="stays"), anchor="center") if nested else text)
    renderer = hud.Renderer(scene, DEVICE)
    renderer.frame(0.0)
    assert renderer.box(text) != EMPTY and renderer.text_block(text) is not None, "drawn before it hides"
    text.visible = False
    frame = renderer.frame(0.0)
    expected = assert_as_fresh(frame, scene, "hidden")
    assert renderer.box(text) == expected.box(text) == EMPTY
    assert renderer.text_block(text) is None and expected.text_block(text) is None
    assert frame.snapshot is not None
    rects = [entry.rect for entry in frame.snapshot.widgets if entry.widget is text]
    assert rects == [EMPTY]


def test_hidden_composite_reports_its_own_form() -> None:
    """A composite hidden after the compositor shrank it says the form it has of its own in
    layout.json, as a fresh renderer does, not the form it was last drawn in."""
    cards = [
        hud.Notification(
            id=f"n{i}", app="Cal", title=f"Meeting {i} starts soon", body="Room 4, bring the slides", anchor="top-left"
        )
        for i in range(4)
    ]
    scene = hud.Scene(*cards)
    renderer = hud.Renderer(scene, DEVICE)
    crowded = renderer.frame(0.0)
    assert crowded.layout["widgets"][3]["form"] != "full", "the crowded corner should shrink the last card"
    cards[3].visible = False
    frame = renderer.frame(0.0)
    assert_as_fresh(frame, scene, "the shrunk card hidden")
    assert frame.layout["widgets"][3]["form"] == "full"


# -- what outlives its use ----------------------------------------------------------------------
def resident_mib() -> float:
    """This process's resident memory now (not its peak), in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads resident memory from /proc (Linux only)")
def test_gl_renderers_dropped_without_close_and_render_calls_free_their_memory(gl: None) -> None:
    """GL objects of renderers Python collects are released (at the next draw), and
    hud.render releases its own: 40 of each leave resident memory about where it was."""
    scene = hud.Scene(hud.Caption(text="hello world", anchor="bottom"))
    hud.render(scene, device=DEVICE, backend="gl")  # the shared context and programs exist from here on
    gc.collect()
    before = resident_mib()
    for _ in range(40):
        renderer = hud.Renderer(scene, DEVICE, backend="gl")
        renderer.frame(0.0)
        del renderer
    for _ in range(40):
        hud.render(scene, device=DEVICE, backend="gl")
    gc.collect()
    hud.render(scene, device=DEVICE, backend="gl")  # a draw releases what collection queued
    grown = resident_mib() - before
    assert grown <= 20, f"resident memory grew {grown:.0f} MiB over 80 GL renderers, at most 20 expected"


def test_widgets_deleted_through_live_edits_are_not_kept_alive() -> None:
    """An app adds a notification, edits it live, and deletes it (edits forgotten, widget
    removed), 300 times: neither the timeline nor the renderer keeps the deleted ones. The
    renderer draws every tenth edit; the scene applies its timeline at the others."""
    scene = hud.Scene(hud.Text(id="clock", text="12:00", anchor="top-right"))
    renderer = hud.Renderer(scene, DEVICE)
    deleted: list[weakref.ref[Widget]] = []
    t = 0.0
    for n in range(300):
        card = hud.Notification(id=f"n{n}", app="Cal", title="Meeting", body="in 5 minutes", anchor="top-left")
        scene.root.add(card)
        scene.edits.set(card, {"title": "Meeting now"}, t)
        t += 0.01
        if n % 10 == 0:
            renderer.frame(t)
        else:
            scene.apply_timeline(t)
        scene.edits.forget([card])
        scene.root.remove(card)
        deleted.append(weakref.ref(card))
        del card
    t += 0.01
    frame = renderer.frame(t)
    gc.collect()
    alive = sum(ref() is not None for ref in deleted)
    assert alive == 0, f"{alive} of 300 deleted notifications are still alive"
    assert_as_fresh(frame, scene, "after the deletions")
