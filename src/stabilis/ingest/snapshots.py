"""Immutable snapshots of source files, each with a provenance sidecar.

Layout under the data directory::

    snapshots/<source>/<file_key>/<retrieved_at>-<sha256[:12]>/<filename>
    snapshots/<source>/<file_key>/<retrieved_at>-<sha256[:12]>/<filename>.provenance.json

A snapshot is never modified. Pulling a changed file adds a new snapshot beside the old one; the
newest one (by ``retrieved_at``) is *current*. Nothing downstream reads a file without its
sidecar, and the build checks each file's sha256 against it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stabilis.errors import SnapshotError

SIDECAR_SUFFIX = ".provenance.json"
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
        digest, size = file_digest(self.path)
        if digest != self.provenance.sha256 or size != self.provenance.size:
            raise SnapshotError(
                f"The snapshot {self.path} was changed after it was pulled (sha256 {digest[:12]} "
                f"!= {self.provenance.sha256[:12]} in its sidecar). Snapshots are immutable: "
                "delete the folder and run 'stabilis pull' again."
            )


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
        if ".incoming" in sidecar.parts:
            continue
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
    """Move a fetched file into its own snapshot folder and write its sidecar (atomically)."""
    stamp = provenance.retrieved_at.replace(":", "").replace("-", "")
    folder = (
        snapshot_dir / provenance.source / provenance.file_key / f"{stamp}-{provenance.sha256[:12]}"
    )
    folder.mkdir(parents=True, exist_ok=False)
    target = folder / provenance.filename
    os.replace(incoming, target)
    sidecar_tmp = folder / (provenance.filename + SIDECAR_SUFFIX + ".tmp")
    sidecar_tmp.write_text(provenance.to_json(), encoding="utf-8")
    os.replace(sidecar_tmp, folder / (provenance.filename + SIDECAR_SUFFIX))
    return Snapshot(provenance, target)
