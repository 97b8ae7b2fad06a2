"""Impact results kept as artefacts: computed once per case definition and warehouse state.

A result's key is the sha256 of the case specification's fingerprint
(:meth:`~.cases.CaseSpec.fingerprint`), the warehouse's identity (``ws.freshness()`` when the
workspace offers it, else the warehouse file's inode, modification time and size), the run's
options, the Stabilis version and a hash of the impact package's source code, so a new build,
an edited case or changed code all miss and recompute. Identical requests read the stored
result back.

Writes are atomic: the result is written to a temporary file in the same directory, flushed
and ``fsync``-ed, then ``os.replace``-d over the final name (and the directory is synced), so a
reader sees the old artefact or the new one, never half of one. The files are pickles written
by this installation into its own data directory; nothing else is read from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any


@cache
def code_version() -> str:
    """sha256 over the impact package's source files and the Stabilis version."""
    from stabilis._version import __version__

    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")) + sorted((package / "data").glob("*")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class ResultStore:
    """A directory of result artefacts, one file per key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @staticmethod
    def key(spec_hash: str, warehouse: str, options: Any) -> str:
        text = json.dumps([spec_hash, warehouse, options, code_version()], default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.root / f"{key}.pickle"

    def load(self, key: str) -> Any | None:
        """The stored object, or None when there is none (or it cannot be read any more)."""
        path = self.path(key)
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None  # written by other code: recompute (the key normally prevents this)

    def save(self, key: str, value: Any) -> Path:
        """Write ``value`` atomically (temporary file, fsync, rename)."""
        self.root.mkdir(parents=True, exist_ok=True)
        final = self.path(key)
        handle, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{key[:12]}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _sync_dir(self.root)
        return final


def _sync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
