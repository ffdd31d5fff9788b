"""Output files, written all or nothing.

Every file hud writes goes through `AtomicFile`: the bytes go to a temporary file in the
target's folder, are flushed to disk (fsync) and renamed over the target. Readers see the old
file or the new one, never a partial one; on any failure (an exception, Ctrl-C, a full disk)
the temporary file is removed and the target is left as it was. New files get the usual
permissions from the umask (0644 under the default umask 022), like any file a program creates.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

Writer = Callable[[BinaryIO], object]  # writes a file's content into an open binary handle
Content = bytes | Writer

_TEMP_NAME_CHARS = 200  # of the target's name kept in the temp file's name (NAME_MAX is 255)


class AtomicFile:
    """A file being written: `handle` takes the bytes, `commit()` puts it in place, `discard()`
    removes it. As a context manager it commits on success and discards on any exception.

        with AtomicFile("out/speech.json") as handle:
            handle.write(data)
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.temp, self.handle = _create_temp(self.path)
        self._sealed = False

    def seal(self) -> None:
        """Flush the bytes to disk and close the handle (the file is complete, not yet in place)."""
        if self._sealed:
            return
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
        finally:
            self.handle.close()
        self._sealed = True

    def publish(self) -> Path:
        """Rename the sealed file over the target."""
        os.replace(self.temp, self.path)
        _sync_folder(self.path.parent)
        return self.path

    def commit(self) -> Path:
        """Seal the file and put it in place; on failure it is discarded."""
        try:
            self.seal()
            return self.publish()
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Close and remove the temporary file; the target is untouched."""
        try:
            self.handle.close()
        except OSError:
            pass
        _remove(self.temp)

    def __enter__(self) -> BinaryIO:
        return self.handle

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path`, all or nothing."""
    with AtomicFile(path) as handle:
        handle.write(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write `text` to `path` as UTF-8 with '\\n' line ends, all or nothing."""
    return write_bytes(path, text.encode("utf-8"))


def write_files(files: Mapping[str | Path, Content]) -> list[Path]:
    """Write several files (path -> bytes, or a function that writes into a binary handle): every
    file is complete on disk before any is put in place; on a failure none is written."""
    staged: list[AtomicFile] = []
    try:
        for path, content in files.items():
            staged.append(AtomicFile(path))
            if isinstance(content, bytes):
                staged[-1].handle.write(content)
            else:
                content(staged[-1].handle)
            staged[-1].seal()
        return [file.publish() for file in staged]
    except BaseException:
        for file in staged:
            file.discard()
        raise


def temp_folder(target: str | Path) -> Path:
    """A new, empty hidden folder next to `target` (mode 0777 less the umask, like any folder a
    program makes), to fill and then rename onto `target`."""
    target = Path(target)
    while True:
        folder = target.parent / f".{target.name[:_TEMP_NAME_CHARS]}.{secrets.token_hex(4)}.partial"
        try:
            os.mkdir(folder, 0o777)
            return folder
        except FileExistsError:
            continue


def _create_temp(target: Path) -> tuple[Path, BinaryIO]:
    """A new, empty temporary file next to `target`, open for writing; like any new file it gets
    mode 0666 less the umask (not mkstemp's 0600)."""
    while True:
        temp = target.parent / f".{target.name[:_TEMP_NAME_CHARS]}.{secrets.token_hex(4)}.tmp"
        try:
            return temp, open(temp, "xb")  # noqa: SIM115 - closed by seal() or discard()
        except FileExistsError:
            continue


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (where the platform lets a folder be opened and synced)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
