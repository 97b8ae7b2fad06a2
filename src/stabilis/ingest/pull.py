"""``stabilis pull``: fetch each source's files into immutable snapshots.

Files come from one of three places, tried as configured:

* an offline mirror folder (``--mirror DIR`` / ``STABILIS_MIRROR``) laid out like
  ``shared/data``: each file is copied from ``<mirror>/<mirror_path>``;
* an internal HTTP mirror with the same layout (``--mirror http://host/path/``);
* with no mirror, each file's official address (``SourceFile.url``).

Re-pulling an unchanged file (same sha256 as the current snapshot) is a no-op; a changed file
becomes a new snapshot and the old one is kept.

One pull at a time holds ``snapshots/.pull.lock`` (a second is refused, as a second build is).
Each file is fetched into a private temporary file, its size checked against what the server
announced, its sha256 computed (and compared with the source spec's, where the spec knows one),
and only then moved into its snapshot folder (see :func:`store_snapshot`). A current snapshot
whose file no longer matches its sidecar is quarantined and fetched again. Every failure is a
:class:`~stabilis.errors.PullError` naming the file and the folder, and leaves no temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from stabilis.config import Settings
from stabilis.errors import PullError, StabilisError
from stabilis.ingest.snapshots import (
    Provenance,
    Snapshot,
    current_snapshots,
    file_digest,
    quarantine,
    remove_leftovers,
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
    repaired: str | None = None
    """Where a damaged snapshot this pull replaced was quarantined, if one was."""

    def as_dict(self) -> dict[str, object]:
        p = self.snapshot.provenance
        return {
            "source": self.source,
            "file": self.file_key,
            "status": self.status,
            "sha256": p.sha256,
            "size": p.size,
            "retrieved_from": p.retrieved_from,
            "filename": p.filename,
            "repaired": self.repaired is not None,
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
    with _pull_lock(snapshot_dir):
        return _pull_locked(settings, snapshot_dir, specs, progress)


@contextlib.contextmanager
def _pull_lock(snapshot_dir: Path) -> Iterator[None]:
    """Hold the pull lock; a second pull at the same time is refused, not interleaved."""
    import fcntl

    try:
        snapshot_dir.mkdir(parents=True, exist_ok=True)
        handle = (snapshot_dir / ".pull.lock").open("w")
    except OSError as exc:
        raise PullError(
            f"Cannot write to the snapshot folder {snapshot_dir} ({exc.strerror or exc}). Check "
            "that the data folder (--data-dir) exists and is writable."
        ) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise PullError(
                f"Another pull into {snapshot_dir} is running; wait for it to finish, then pull "
                "again (it will find the files it stored unchanged)."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pull_locked(
    settings: Settings,
    snapshot_dir: Path,
    specs: list[SourceSpec],
    progress: Progress | None,
) -> list[PullResult]:
    incoming_dir = snapshot_dir / ".incoming"
    shutil.rmtree(incoming_dir, ignore_errors=True)  # a killed pull's leftovers (we hold the lock)
    remove_leftovers(snapshot_dir)
    incoming_dir.mkdir(parents=True, exist_ok=True)
    current = current_snapshots(snapshot_dir)
    jobs = [(spec, f) for spec in specs for f in spec.files]
    results: list[PullResult] = []
    try:
        for done, (spec, source_file) in enumerate(jobs):
            if progress:
                progress(f"{spec.name}/{source_file.key}", done, len(jobs))
            previous = current.get((spec.name, source_file.key))
            results.append(
                _pull_one(settings, snapshot_dir, incoming_dir, spec, source_file, previous)
            )
    finally:
        shutil.rmtree(incoming_dir, ignore_errors=True)
    if progress:
        progress("done", len(jobs), len(jobs))
    return results


def _pull_one(
    settings: Settings,
    snapshot_dir: Path,
    incoming_dir: Path,
    spec: SourceSpec,
    source_file: SourceFile,
    previous: Snapshot | None,
) -> PullResult:
    label = f"{spec.name}/{source_file.key}"
    fd, name = tempfile.mkstemp(prefix=f"{spec.name}-{source_file.key}-", dir=incoming_dir)
    os.close(fd)
    incoming = Path(name)
    try:
        origin = _fetch(settings, source_file, incoming)
        sha, size = file_digest(incoming)
        expected = getattr(source_file, "sha256", None)
        if expected and expected.lower() != sha:
            raise PullError(
                f"The file fetched for {label} from {origin} does not match the producer's "
                f"checksum in the source spec (sha256 {sha[:12]} != {expected[:12]}): it is cut "
                "short, damaged or another release. Nothing was stored; fetch the file again.",
                details={"source": spec.name, "file": source_file.key},
            )
        repaired: str | None = None
        intact = previous.is_intact() if previous is not None else False
        if previous is not None and intact and previous.provenance.sha256 == sha:
            return PullResult(spec.name, source_file.key, "unchanged", previous)
        if previous is not None and not intact:
            moved = quarantine(previous, snapshot_dir)
            repaired = str(moved.relative_to(snapshot_dir))
        provenance = Provenance(
            source=spec.name,
            file_key=source_file.key,
            filename=_snapshot_filename(source_file, incoming),
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
        return PullResult(spec.name, source_file.key, "new", snapshot, repaired)
    except StabilisError:
        raise
    except OSError as exc:
        raise PullError(
            f"Storing {label} in {snapshot_dir} failed: {_os_reason(exc)}. Nothing was stored "
            "for this file; fix the cause and pull again.",
            details={"source": spec.name, "file": source_file.key},
        ) from exc
    finally:
        incoming.unlink(missing_ok=True)


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "the disk is full (or the file is larger than allowed); free some space"
    return str(exc.strerror or exc)


def _snapshot_filename(source_file: SourceFile, fetched: Path) -> str:
    """The snapshot's file name, with the extension of what the producer actually served.

    A mirror may list a workbook under a ``.csv`` name (or an official address may serve an
    ``.xlsx`` where the mirror stages a CSV); the name follows the content so readers that go by
    extension (openpyxl) accept it.
    """
    from stabilis.sources.reading import is_xlsx

    name = Path(source_file.mirror_path).name
    if is_xlsx(fetched) and not name.lower().endswith(".xlsx"):
        return Path(name).stem + ".xlsx"
    url_name = Path(urllib.parse.urlparse(source_file.url).path).name
    if (
        url_name.lower().endswith(".xlsx")
        and not name.lower().endswith(".xlsx")
        and is_xlsx(fetched)
    ):
        return Path(name).stem + ".xlsx"
    return name


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
        try:
            shutil.copyfile(origin, target)
        except OSError as exc:
            raise PullError(
                f"Copying {origin} to {target.parent} failed: {_os_reason(exc)}. Nothing was "
                "stored for this file.",
                details={"file": source_file.mirror_path},
            ) from exc
        return f"mirror:{source_file.mirror_path}"
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
            announced = response.headers.get("Content-Length")
            shutil.copyfileobj(response, out, length=1 << 20)
            out.flush()
            written = out.tell()
        if announced is not None and announced.isdigit() and int(announced) != written:
            target.unlink(missing_ok=True)
            raise PullError(
                f"The connection to {url} was lost: {written:,} of {int(announced):,} bytes "
                "arrived. Nothing was stored; pull again."
            )
    except urllib.error.HTTPError as exc:
        target.unlink(missing_ok=True)
        raise PullError(
            f"Downloading {url} failed with HTTP {exc.code} ({exc.reason}). Check the address, or "
            "use an offline mirror with --mirror DIR."
        ) from exc
    except http.client.HTTPException as exc:  # IncompleteRead, a reset mid-body
        target.unlink(missing_ok=True)
        raise PullError(
            f"The connection to {url} was lost during the download ({type(exc).__name__}). "
            "Nothing was stored; pull again."
        ) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
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
