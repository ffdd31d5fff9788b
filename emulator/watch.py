"""Hot reload: notice when a scene file or an image it uses changes on disk.

Polling file signatures (existence, size, modification time, inode) catches every way an
editor saves: in-place writes, partial writes followed by the rest, delete and re-create,
and atomic renames over the old file.
"""
from __future__ import annotations

import os
from pathlib import Path

Signature = tuple[int, int, int] | None


def signature(path: Path) -> Signature:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


class FileWatcher:
    """Reports when any watched file's signature changes."""

    def __init__(self, paths: list[Path] | None = None) -> None:
        self._seen: dict[Path, Signature] = {}
        self.watch(paths or [])

    def watch(self, paths: list[Path]) -> None:
        """Watch exactly these files from now on (their current state counts as seen)."""
        self._seen = {Path(p): signature(Path(p)) for p in paths}

    @property
    def paths(self) -> list[Path]:
        return list(self._seen)

    def changed(self) -> bool:
        """Has any watched file changed since the last call (or since watch())?"""
        dirty = False
        for path, seen in self._seen.items():
            now = signature(path)
            if now != seen:
                self._seen[path] = now
                dirty = True
        return dirty
