"""Immutable snapshots of source files, each with a provenance sidecar.

Layout under the data directory::

    snapshots/<source>/<file_key>/<retrieved_at>-<sha256[:12]>/<filename>
    snapshots/<source>/<file_key>/<retrieved_at>-<sha256[:12]>/<filename>.provenance.json

A snapshot is never modified. Pulling a changed file adds a new snapshot beside the old one; the
newest one (by ``retrieved_at``) is *current*. Nothing downstream reads a file without its
sidecar, and the build checks each file's sha256 against it.

A snapshot folder appears whole or not at all: the file and its sidecar are written into a
private ``.tmp-*`` folder, flushed to disk and the folder is renamed into place. A snapshot whose
file no longer matches its sidecar is moved to ``snapshots/.quarantine/`` (never deleted), so
the next ``stabilis pull`` fetches the file again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stabilis.errors import SnapshotError

SIDECAR_SUFFIX = ".provenance.json"
QUARANTINE = ".quarantine"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Provenance:
    """The sidecar: where a snapshot came from and how to cite it."""

    source: str
    file_key: str
    filename: str
    release: str
    url: str
    retrieved_from: str
    licence: str
    citation: str
    retrieved_at: str
    sha256: str
    size: int

    @property
    def snapshot_id(self) -> str:
        return f"{self.source}/{self.file_key}@{self.sha256[:12]}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Snapshot:
    provenance: Provenance
    path: Path

    @property
    def id(self) -> str:
        return self.provenance.snapshot_id

    @property
    def sidecar(self) -> Path:
        return self.path.with_name(self.path.name + SIDECAR_SUFFIX)

    def verify(self) -> None:
        """Raise if the file is missing or its checksum no longer matches the sidecar."""
        if not self.path.exists():
            raise SnapshotError(
                f"The snapshot file {self.path} is missing although its sidecar exists. "
                "Run 'stabilis pull' to fetch it again."
            )
        try:
            digest, size = file_digest(self.path)
        except OSError as exc:
            raise SnapshotError(
                f"The snapshot {self.path} cannot be read ({exc.strerror or exc}). Check its "
                "permissions, or run 'stabilis pull' to fetch it again.",
                details={"snapshot": self.id, "file": str(self.path)},
            ) from exc
        if digest != self.provenance.sha256 or size != self.provenance.size:
            raise SnapshotError(
                f"The snapshot {self.path} was changed after it was pulled (sha256 {digest[:12]} "
                f"!= {self.provenance.sha256[:12]} in its sidecar). Snapshots are immutable: "
                "run 'stabilis pull' to fetch it again.",
                details={"snapshot": self.id, "file": str(self.path)},
            )

    def is_intact(self) -> bool:
        """True when the file exists and matches its sidecar."""
        try:
            self.verify()
        except SnapshotError:
            return False
        return True


def file_digest(path: Path) -> tuple[str, int]:
    """(sha256 hex, size in bytes) of a file, read in chunks."""
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def read_sidecar(path: Path) -> Provenance:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return Provenance(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise SnapshotError(
            f"The provenance sidecar {path} is unreadable ({exc}). Delete its snapshot folder "
            "and run 'stabilis pull' again."
        ) from exc


def list_snapshots(snapshot_dir: Path, source: str | None = None) -> list[Snapshot]:
    """Every snapshot with a sidecar, oldest first."""
    root = snapshot_dir / source if source else snapshot_dir
    found: list[Snapshot] = []
    if not root.exists():
        return found
    for sidecar in root.rglob("*" + SIDECAR_SUFFIX):
        if any(part.startswith(".") for part in sidecar.relative_to(snapshot_dir).parts):
            continue  # .incoming, .quarantine and unfinished .tmp-* folders
        provenance = read_sidecar(sidecar)
        data_path = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
        found.append(Snapshot(provenance, data_path))
    found.sort(
        key=lambda s: (s.provenance.source, s.provenance.file_key, s.provenance.retrieved_at)
    )
    return found


def current_snapshots(snapshot_dir: Path) -> dict[tuple[str, str], Snapshot]:
    """The newest snapshot of each (source, file_key)."""
    current: dict[tuple[str, str], Snapshot] = {}
    for snap in list_snapshots(snapshot_dir):
        current[(snap.provenance.source, snap.provenance.file_key)] = snap
    return current


def store_snapshot(incoming: Path, provenance: Provenance, snapshot_dir: Path) -> Snapshot:
    """Move a fetched file into its own snapshot folder with its sidecar, atomically.

    The file and the sidecar go into a private ``.tmp-*`` folder beside the final one, are
    flushed to disk, and the folder is renamed into place: a reader (or a killed pull) never sees
    a file without its sidecar. The stored file's checksum is verified before the rename.
    """
    stamp = provenance.retrieved_at.replace(":", "").replace("-", "")
    parent = snapshot_dir / provenance.source / provenance.file_key
    name = f"{stamp}-{provenance.sha256[:12]}"
    folder = parent / name
    staging = parent / f".tmp-{name}-{os.getpid()}"
    parent.mkdir(parents=True, exist_ok=True)
    try:
        staging.mkdir()
        target = staging / provenance.filename
        os.replace(incoming, target)
        digest, size = file_digest(target)
        if digest != provenance.sha256 or size != provenance.size:
            raise SnapshotError(
                f"The file fetched for {provenance.source}/{provenance.file_key} changed while it "
                f"was stored (sha256 {digest[:12]} != {provenance.sha256[:12]}); nothing was "
                "stored. Run 'stabilis pull' again.",
                details={"source": provenance.source, "file": provenance.file_key},
            )
        sidecar = staging / (provenance.filename + SIDECAR_SUFFIX)
        with sidecar.open("w", encoding="utf-8") as handle:
            handle.write(provenance.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        with target.open("rb") as handle:
            os.fsync(handle.fileno())
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(parent)
    return Snapshot(provenance, folder / provenance.filename)


def quarantine(snapshot: Snapshot, snapshot_dir: Path) -> Path:
    """Move a damaged snapshot's folder under ``snapshots/.quarantine/`` and return where to."""
    folder = snapshot.path.parent
    p = snapshot.provenance
    target = snapshot_dir / QUARANTINE / p.source / p.file_key / folder.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    os.replace(folder, target)
    return target


def remove_leftovers(snapshot_dir: Path) -> None:
    """Delete what a killed pull left: unfinished ``.tmp-*`` snapshot folders (hold the pull lock)."""
    if not snapshot_dir.exists():
        return
    for source in snapshot_dir.iterdir():
        if not source.is_dir() or source.name.startswith("."):
            continue
        for staging in source.glob("*/.tmp-*"):
            shutil.rmtree(staging, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
