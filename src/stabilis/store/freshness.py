"""The freshness key: one short string that changes whenever anything a read depends on changes.

Every answer Stabilis computes is a function of the warehouse file and of the artefacts written
beside it: the forecast archive, the saved event signals, impact results, and (when it lands)
the analyst-edits store. :class:`Freshness` stats each of them, cheaply (no file is read), and
hashes what it saw into one key. Caches and service memos keep whatever they computed under that
key and drop it when the key changes, so a rebuild, a new forecast or a new event file is seen by
the next request, never by the next restart.

A part is a function returning something hashable (``None`` when the artefact does not exist
yet). :func:`file_stamp` identifies one file by inode, modification time and size: a build
replaces the warehouse with ``os.replace``, which changes all three. :func:`folder_stamp`
identifies a folder by its own stamp and its direct children's, so adding, renaming or replacing
an entry (the archive and the event store both write a temporary name and rename it) changes it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Hashable
from pathlib import Path

Stamp = Callable[[], Hashable]


def file_stamp(path: Path | str) -> tuple[int, int, int] | None:
    """``(inode, mtime_ns, size)`` of a file, or None when there is none."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def folder_stamp(folder: Path | str) -> tuple[object, ...] | None:
    """The folder's stamp and each direct child's ``(name, inode, mtime_ns, size)``."""
    own = file_stamp(folder)
    if own is None:
        return None
    children: list[tuple[str, int, int, int]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    info = entry.stat()
                except FileNotFoundError:
                    continue
                children.append((entry.name, info.st_ino, info.st_mtime_ns, info.st_size))
    except (FileNotFoundError, NotADirectoryError):
        return None
    children.sort()
    return (own, tuple(children))


class Freshness:
    """Named parts (warehouse, forecast archive, event signals, ...) hashed into one key."""

    def __init__(self) -> None:
        self._parts: dict[str, Stamp] = {}
        self._lock = threading.Lock()

    def add(self, name: str, stamp: Stamp) -> None:
        """Add (or replace) a part: ``stamp()`` returns a hashable value that changes with it."""
        with self._lock:
            self._parts[name] = stamp

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._parts)

    def parts(self) -> dict[str, Hashable]:
        with self._lock:
            parts = dict(self._parts)
        return {name: parts[name]() for name in sorted(parts)}

    def key(self) -> str:
        """16 hex digits identifying the current state of every part."""
        digest = hashlib.sha256(repr(sorted(self.parts().items())).encode())
        return digest.hexdigest()[:16]
