"""Hot reload: notice when a scene file, an app's module file or an image in the scene changes.

Polling file signatures (existence, type, size, modification and change times, inode) catches
every way an editor saves: in-place writes, partial writes followed by the rest, delete and
re-create, atomic renames over the old file, a file replaced by a folder and back.

Two writes of the same size within one tick of the file system's clock leave the same
signature. So while a file's modification time is recent (within RACY_S of now) its content
is hashed as well, and a changed hash counts as a change: rapid writes are never missed, and
a file that has been quiet for RACY_S costs one `stat` per poll.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from hud.limits import MAX_SCENE_BYTES

RACY_S = 2.0  # a modification this recent may hide a same-size rewrite in the same tick
HASH_LIMIT = MAX_SCENE_BYTES  # larger files are compared by signature alone

Signature = tuple[int, int, int, int, int] | None  # (mode, mtime_ns, ctime_ns, size, inode); None: no file


def signature(path: Path) -> Signature:
    """What `stat` says about `path`: of the link itself when it leads nowhere (a dangling
    link or a loop); None when there is nothing there."""
    for look in (os.stat, os.lstat):
        try:
            info = look(path)
        except (OSError, ValueError):  # ValueError: a path the OS cannot even represent (NUL)
            continue
        return (stat.S_IFMT(info.st_mode), info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
    return None


def _racy(sig: Signature) -> bool:
    """Whether `sig` is a regular file modified so recently that a rewrite may not show in it."""
    if sig is None or sig[0] != stat.S_IFREG or sig[3] > HASH_LIMIT:
        return False
    return abs(time.time_ns() - sig[1]) < RACY_S * 1e9


def _digest(path: Path) -> bytes | None:
    """A hash of the file's bytes (None when it cannot be read as a regular file)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced by a pipe or a device since the stat
            return None
        hasher = hashlib.blake2b(digest_size=16)
        left = HASH_LIMIT + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            hasher.update(chunk)
            left -= len(chunk)
        return hasher.digest()
    except OSError:
        return None
    finally:
        os.close(fd)


@dataclass
class _Seen:
    """A watched file as last seen: its signature, and its hash while the signature is racy."""

    sig: Signature
    digest: bytes | None = None


def _look(path: Path) -> _Seen:
    sig = signature(path)
    return _Seen(sig, _digest(path) if _racy(sig) else None)


class FileWatcher:
    """Reports when any watched file changes."""

    def __init__(self, paths: list[Path] | None = None) -> None:
        self._seen: dict[Path, _Seen] = {}
        self.watch(paths or [])

    def watch(self, paths: list[Path]) -> None:
        """Watch exactly these files from now on. A file already watched keeps what was seen of
        it (a change made while it was being loaded is still reported); a new one counts as
        seen in its current state."""
        self._seen = {Path(p): self._seen.get(Path(p)) or _look(Path(p)) for p in paths}

    @property
    def paths(self) -> list[Path]:
        return list(self._seen)

    def changed(self) -> bool:
        """Has any watched file changed since the last call (or since watch())?"""
        dirty = False
        for path, seen in self._seen.items():
            now = signature(path)
            if now != seen.sig:
                self._seen[path] = _Seen(now, _digest(path) if _racy(now) else None)
                dirty = True
            elif _racy(now):
                digest = _digest(path)
                if seen.digest is not None and digest != seen.digest:
                    dirty = True
                seen.digest = digest
        return dirty
