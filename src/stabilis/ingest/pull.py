"""``stabilis pull``: fetch each source's files into immutable snapshots.

Files come from one of three places, tried as configured:

* an offline mirror folder (``--mirror DIR`` / ``STABILIS_MIRROR``) laid out like
  ``shared/data``: each file is copied from ``<mirror>/<mirror_path>``;
* an internal HTTP mirror with the same layout (``--mirror http://host/path/``);
* with no mirror, each file's official address (``SourceFile.url``).

Re-pulling an unchanged file (same sha256 as the current snapshot) is a no-op; a changed file
becomes a new snapshot and the old one is kept.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from stabilis.config import Settings
from stabilis.errors import PullError
from stabilis.ingest.snapshots import (
    Provenance,
    Snapshot,
    current_snapshots,
    file_digest,
    store_snapshot,
)
from stabilis.sources import all_sources, get_source
from stabilis.sources.base import SourceFile, SourceSpec

PullStatus = Literal["new", "unchanged"]
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PullResult:
    source: str
    file_key: str
    status: PullStatus
    snapshot: Snapshot

    def as_dict(self) -> dict[str, object]:
        p = self.snapshot.provenance
        return {
            "source": self.source,
            "file": self.file_key,
            "status": self.status,
            "sha256": p.sha256,
            "size": p.size,
            "retrieved_from": p.retrieved_from,
            "path": str(self.snapshot.path),
        }


def pull(
    settings: Settings,
    sources: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> list[PullResult]:
    """Pull every file of the given sources (all by default) and return what happened."""
    specs: list[SourceSpec] = (
        [get_source(name).SPEC for name in sources] if sources else [m.SPEC for m in all_sources()]
    )
    snapshot_dir = settings.snapshot_dir
    incoming_dir = snapshot_dir / ".incoming"
    incoming_dir.mkdir(parents=True, exist_ok=True)
    current = current_snapshots(snapshot_dir)
    jobs = [(spec, f) for spec in specs for f in spec.files]
    results: list[PullResult] = []
    for done, (spec, source_file) in enumerate(jobs):
        if progress:
            progress(f"{spec.name}/{source_file.key}", done, len(jobs))
        incoming = incoming_dir / Path(source_file.mirror_path).name
        origin = _fetch(settings, source_file, incoming)
        sha, size = file_digest(incoming)
        previous = current.get((spec.name, source_file.key))
        if previous is not None and previous.provenance.sha256 == sha and previous.path.exists():
            incoming.unlink()
            results.append(PullResult(spec.name, source_file.key, "unchanged", previous))
            continue
        provenance = Provenance(
            source=spec.name,
            file_key=source_file.key,
            filename=Path(source_file.mirror_path).name,
            release=spec.release,
            url=source_file.url,
            retrieved_from=origin,
            licence=spec.licence,
            citation=spec.citation,
            retrieved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            sha256=sha,
            size=size,
        )
        snapshot = store_snapshot(incoming, provenance, snapshot_dir)
        results.append(PullResult(spec.name, source_file.key, "new", snapshot))
    if progress:
        progress("done", len(jobs), len(jobs))
    shutil.rmtree(incoming_dir, ignore_errors=True)
    return results


def _fetch(settings: Settings, source_file: SourceFile, target: Path) -> str:
    mirror = settings.mirror
    if mirror and not _is_url(mirror):
        origin = Path(mirror).expanduser() / source_file.mirror_path
        if not origin.exists():
            if not Path(mirror).expanduser().is_dir():
                raise PullError(
                    f"The mirror folder {mirror} does not exist. Point --mirror (or "
                    "STABILIS_MIRROR) at the folder that holds the source files."
                )
            raise PullError(
                f"The mirror {mirror} has no file {source_file.mirror_path}. Copy the file there "
                f"from {source_file.url}, or pull without --mirror on a connected machine."
            )
        shutil.copyfile(origin, target)
        return str(origin.resolve())
    if mirror:
        url = urllib.parse.urljoin(mirror.rstrip("/") + "/", source_file.mirror_path)
    else:
        url = source_file.url
    _download(url, target, timeout=settings.timeout)
    return url


def _download(url: str, target: Path, *, timeout: float) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "stabilis (data pull)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, target.open("wb") as out:
            kind = response.headers.get("Content-Type", "")
            shutil.copyfileobj(response, out, length=1 << 20)
    except urllib.error.HTTPError as exc:
        target.unlink(missing_ok=True)
        raise PullError(
            f"Downloading {url} failed with HTTP {exc.code} ({exc.reason}). Check the address, or "
            "use an offline mirror with --mirror DIR."
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        target.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise PullError(
            f"Could not reach {url} ({reason}). On an air-gapped network, pull from an offline "
            "mirror with --mirror DIR (or STABILIS_MIRROR)."
        ) from exc
    if kind.startswith("text/html") and not url.endswith((".html", ".htm")):
        target.unlink(missing_ok=True)
        raise PullError(
            f"{url} served a web page, not the data file; the producer may require a manual "
            "download. Download the file by hand into a mirror folder and use --mirror DIR."
        )


def _is_url(text: str) -> bool:
    return urllib.parse.urlparse(text).scheme in ("http", "https", "file")
