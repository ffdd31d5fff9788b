"""Hot reload under 1,000 random edits to the watched scene file: broken TOML, wrong types,
unknown fields, the file deleted, replaced by a folder, a pipe or a symlink loop, rapid writes
of the same size, a huge file, binary garbage, control characters. The watcher and the core
are driven directly (no timers). After every edit the emulator is up, a good file is on
screen, and a bad one leaves the last good frame on screen with a one-line error naming
the file; a good file brings it back."""

from __future__ import annotations

import io
import os
import random
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from emulator import Emulator
from emulator.server import ApiServer
from emulator.watch import FileWatcher
from hud.limits import MAX_SCENE_BYTES

EDITS = 1000
SCENE = """\
[scene]
title = "Reload"

[[widgets]]
type = "text"
id = "sign"
anchor = "center"
max_lines = 1
text = "{text}"
"""
# Each breaks the good scene in a way that is surely an error.
BREAKS = (
    lambda good: good.replace('text = "', 'text = "unterminated ', 1).replace('"\n', "\n", 1)[:-2] + "\n",
    lambda good: good.replace("max_lines = 1", 'max_lines = "one"'),
    lambda good: good.replace("max_lines = 1", "max_lines = -1"),
    lambda good: good.replace('anchor = "center"', "anchor = 7"),
    lambda good: good.replace('type = "text"', 'type = "txet"'),
    lambda good: good.replace("max_lines = 1", "max_linez = 1"),
    lambda good: good.replace("[[widgets]]", "[[widgets]"),
    lambda good: good + '\n[[widgets]]\ntype = "text"\nid = "sign"\ntext = "duplicate"\n',
    lambda good: good.replace('id = "sign"', 'id = "sign"\nid = "sign"'),
    lambda good: "= " + good,
    lambda good: good + "a = " + "[" * 3000 + "]" * 3000 + "\n",
)


SAYS = {
    "deleted": "file not found",
    "folder": "is a folder",
    "pipe": "not a regular file",
    "loop": "symbolic links",
    "huge": "the limit is",
    "garbage": "not valid UTF-8",
    "utf8": "not valid UTF-8",
}


class Editor:
    """Edits the scene file every way an editor, a script or an accident can."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.path, self.rng = path, rng
        self.count = 0

    def clear(self) -> None:
        """Whatever is at the path goes (a file, a folder, a pipe, a link)."""
        if self.path.is_dir() and not self.path.is_symlink():
            shutil.rmtree(self.path)
        elif os.path.lexists(self.path):
            self.path.unlink()

    def good_text(self) -> str:
        self.count += 1
        return f"sign {self.count:06d}"  # always the same size: rapid rewrites keep the signature

    def write(self, data: bytes | str, atomic: bool = False) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if atomic:
            temp = self.path.with_name(".scene.swp")
            temp.write_bytes(raw)
            self.clear()
            os.replace(temp, self.path)
            return
        if self.path.is_dir() or (os.path.lexists(self.path) and not self.path.is_file()):
            self.clear()
        with open(self.path, "wb") as handle:  # in place: same inode
            handle.write(raw)

    def good(self) -> str:
        text = self.good_text()
        self.write(SCENE.format(text=text), atomic=self.rng.random() < 0.3)
        return text

    def bad(self) -> str:
        """A bad state of the file; returns its kind."""
        rng = self.rng
        kind = rng.choice(
            (
                "break",
                "break",
                "break",
                "deleted",
                "folder",
                "pipe",
                "loop",
                "huge",
                "garbage",
                "utf8",
                "controls",
                "partial",
                "rapid",
            )
        )
        good = SCENE.format(text=self.good_text())
        if kind == "break":
            self.write(rng.choice(BREAKS)(good))
        elif kind == "deleted":
            self.clear()
        elif kind == "folder":
            self.clear()
            self.path.mkdir()
            (self.path / "inside.toml").write_text(good, encoding="utf-8")
        elif kind == "pipe":
            self.clear()
            os.mkfifo(self.path)
        elif kind == "loop":
            self.clear()
            os.symlink(self.path.name, self.path)
        elif kind == "huge":
            self.clear()
            with open(self.path, "wb") as handle:
                handle.truncate(MAX_SCENE_BYTES + 1 + rng.randrange(1 << 20))  # sparse: costs no disk
        elif kind == "garbage":
            self.write(b"\xff" + rng.randbytes(rng.randrange(1, 4096)))
        elif kind == "utf8":
            self.write(good.encode("utf-8")[:40] + b"\xc3\x28" + good.encode("utf-8")[40:])
        elif kind == "controls":
            junk = "".join(rng.choice("\x00\x1b[31m\u202e\u2028\r\n=\"'[]{}#abc") for _ in range(rng.randrange(1, 200)))
            self.write("= " + junk)
        elif kind == "partial":  # half a file, cut inside the text's string
            self.write(good[: good.index("text = ") + 10])
        else:  # rapid writes, good ones and the last one bad, no poll between
            for _ in range(rng.randrange(1, 5)):
                self.write(SCENE.format(text=self.good_text()))
            self.write(rng.choice(BREAKS)(SCENE.format(text=self.good_text())))
        return kind


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    path = tmp_path / "watched.toml"
    path.write_text(SCENE.format(text="first"), encoding="utf-8")
    return path


def fetch(server: ApiServer, path: str) -> bytes:
    with urllib.request.urlopen(f"{server.url}{path}", timeout=10) as reply:
        return reply.read()


def test_a_thousand_random_edits(scene: Path) -> None:
    rng = random.Random(20240607)
    editor = Editor(scene, rng)
    emu = Emulator.open(scene)
    emu.advance(0)
    good_frame = emu.panels()["left"].copy()
    bad_edits = 0
    with ApiServer(emu) as server:
        for step in range(EDITS):
            if rng.random() < 0.35:
                text = editor.good()
                with server.lock:
                    assert emu.poll()
                    emu.advance(1 / 60)
                assert emu.scene_state.error is None, (step, emu.scene_state.error)
                assert emu.scene["sign"].text == text
                good_frame = emu.panels()["left"].copy()
            else:
                kind = editor.bad()
                with server.lock:
                    emu.poll()
                    emu.advance(1 / 60)
                bad_edits += 1
                error = emu.scene_state.error
                assert error is not None, (step, kind)  # reported as one line naming the file ...
                assert "\n" not in error and "\r" not in error and "Traceback" not in error, (step, kind, error)
                assert str(scene) in error, (step, kind, error)
                assert SAYS.get(kind, "") in error, (step, kind, error)  # ... and what is wrong with it now
                assert np.array_equal(emu.panels()["left"], good_frame), (step, kind)  # the last good frame stays
            if step % 100 == 0:  # and it keeps serving
                served = np.asarray(Image.open(io.BytesIO(fetch(server, "/panels/left.png"))))
                assert np.array_equal(served, good_frame)
        editor.good()  # a good file brings it back
        with server.lock:
            emu.poll()
            emu.advance(1 / 60)
        assert emu.scene_state.error is None
        assert b'"error": null' in fetch(server, "/state")
    assert bad_edits > 500


def test_same_size_rewrites_within_one_clock_tick_are_seen(tmp_path: Path) -> None:
    """Two writes of the same size in the same instant leave the same signature: the hash of a
    recently modified file tells them apart."""
    path = tmp_path / "fast.toml"
    path.write_text("a = 1\n", encoding="utf-8")
    watcher = FileWatcher([path])
    stat = os.stat(path)
    path.write_text("a = 2\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the clock did not tick
    assert watcher.changed()
    assert not watcher.changed()
    old = 1_000_000_000_000_000_000  # a file last modified long ago is not hashed again
    os.utime(path, ns=(old, old))
    assert watcher.changed()  # (the touch itself is a change)
    assert not watcher.changed()
