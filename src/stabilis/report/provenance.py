"""Citations travel with the data: the provenance bundle and the writers that attach it.

A :class:`Provenance` lists, for one export, every source it draws on with the producer, the
release, the snapshot (file and SHA-256 checksum) the warehouse was built from, the licence and
the citation the producer asks for. It is built from the warehouse's own ``snapshots`` and
``indicator_meta`` tables (``for_indicators``, ``for_sources``), so it names exactly the files
behind the numbers.

How each format carries it:

* **Parquet** — file key-value metadata: ``stabilis.provenance`` (the bundle as JSON) and
  ``stabilis.citation`` (plain text), read back with ``pyarrow.parquet.read_schema(f).metadata``;
* **CSV** — a Frictionless Data Package: ``datapackage.json`` (resource schema, ``sources`` with
  citation, release, checksum and licence) beside the CSV, zipped for a single download
  (:func:`csv_package`); a lone CSV written by the CLI gets a companion ``<name>.datapackage.json``
  (:func:`write_csv`), and a lone CSV served by the API names its package in a ``Link`` header;
* **JSON** — the envelope's ``meta.provenance``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis._version import __version__
from stabilis.results import keys_first

if TYPE_CHECKING:
    import pandas as pd

#: Parquet key-value metadata keys.
PARQUET_KEY = "stabilis.provenance"
PARQUET_CITATION_KEY = "stabilis.citation"
#: Fields of one source entry, in the order they are printed.
SOURCE_FIELDS = (
    "source", "title", "producer", "release", "file", "snapshot", "sha256", "retrieved_at",
    "licence", "citation", "url",
)  # fmt: skip
STABILIS_CITATION = (
    f"Stabilis {__version__}: an open observatory of democracy and stability among NATO's "
    "members and partners. Cite the producers of the data listed here as well."
)


@dataclass(frozen=True)
class Provenance:
    """The sources behind one export, with what was asked for."""

    sources: tuple[dict[str, Any], ...]
    query: dict[str, Any] = field(default_factory=dict)
    generated_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds")
    )

    def to_dict(self) -> dict[str, Any]:
        """The whole bundle, JSON-ready (what ``meta.provenance`` and Parquet files carry)."""
        return {**self.meta(), "sources": [dict(s) for s in self.sources]}

    def meta(self) -> dict[str, Any]:
        """Who made the export, when, from what query, and how to cite Stabilis."""
        return {
            "generated_by": f"Stabilis {__version__}",
            "generated_at": self.generated_at,
            "query": self.query,
            "cite": STABILIS_CITATION,
        }

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("source", "file")

    def tidy(self) -> pd.DataFrame:
        """One row per source file cited (source, file, release, snapshot, checksum, licence...)."""
        import pandas as pd

        return keys_first(pd.DataFrame([dict(s) for s in self.sources]), self.TIDY_KEYS)

    def summary(self) -> str:
        """What the export cites, in a sentence (:meth:`citation_text` has every citation)."""
        named = sorted({str(s.get("source")) for s in self.sources if s.get("source")})
        files = len(self.sources)
        return (
            f"This export cites {files} source file{'s' if files != 1 else ''}"
            + (f" from {', '.join(named)}" if named else "")
            + f". {STABILIS_CITATION}"
        )

    def citation_text(self) -> str:
        """Plain-text citations, one paragraph per source file."""
        lines = [STABILIS_CITATION, ""]
        for s in self.sources:
            lines.append(f"{s.get('title') or s['source']} — {s.get('release') or ''}".strip())
            lines.append(f"  Cite: {s.get('citation') or 'no citation given by the producer'}")
            lines.append(f"  Licence: {s.get('licence') or 'not stated'}")
            if s.get("sha256"):
                lines.append(f"  Snapshot: {s.get('file')} sha256 {s['sha256']}")
            lines.append("")
        return "\n".join(lines)

    def names(self) -> list[str]:
        return sorted({str(s["source"]) for s in self.sources})


def _clean(value: Any) -> Any:
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else value


def _registry_entry(ws: Any) -> dict[str, Any]:
    """The alliance registry shipped with the package: its release and a checksum of its files."""
    from stabilis.registry import DATA_DIR

    digest = hashlib.sha256()
    for path in sorted(Path(DATA_DIR).glob("*.csv")):
        digest.update(path.read_bytes())
    version = ws.registry.version
    return {
        "source": "registry",
        "title": "Stabilis alliance registry",
        "producer": "Stabilis (facts transcribed from NATO and government sources named per row)",
        "release": f"registry {version.version} (transcribed {version.transcribed})",
        "file": "registry/data/*.csv",
        "snapshot": f"registry@{version.version}",
        "sha256": digest.hexdigest(),
        "retrieved_at": None,
        "licence": "each fact cites its own public source (column 'source')",
        "citation": f"Stabilis alliance registry, release {version.version}; every row names "
        "its source document.",
        "url": None,
    }


def _entries(ws: Any, snapshots: pd.DataFrame) -> list[dict[str, Any]]:
    specs = ws.sources().drop_duplicates("source").set_index("source")
    out = []
    for row in snapshots.to_dict(orient="records"):
        spec = specs.loc[row["source"]] if row["source"] in specs.index else None
        out.append(
            {
                "source": row["source"],
                "title": None if spec is None else spec["title"],
                "producer": None if spec is None else spec["producer"],
                "release": _clean(row.get("release")),
                "file": _clean(row.get("filename")),
                "snapshot": _clean(row.get("snapshot")),
                "sha256": _clean(row.get("sha256")),
                "retrieved_at": _clean(row.get("retrieved_at")),
                "licence": _clean(row.get("licence")),
                "citation": _clean(row.get("citation")),
                "url": _clean(row.get("url")),
            }
        )
    return out


def for_sources(
    ws: Any, names: Iterable[str] | None = None, query: dict[str, Any] | None = None
) -> Provenance:
    """Every snapshot of the named sources (all sources when ``names`` is None)."""
    wanted = None if names is None else set(names)
    snapshots = ws.snapshots()
    if wanted is not None:
        snapshots = snapshots[snapshots["source"].isin(wanted)]
    entries = _entries(ws, snapshots.sort_values(["source", "file_key"]))
    if wanted is None or "registry" in wanted:
        entries.append(_registry_entry(ws))
    return Provenance(tuple(entries), dict(query or {}))


def for_indicators(
    ws: Any, codes: Sequence[str], query: dict[str, Any] | None = None, *, also: Iterable[str] = ()
) -> Provenance:
    """The exact snapshots behind ``codes`` (``indicator_meta.snapshot``), plus sources ``also``."""
    meta = ws.indicators()
    meta = meta[meta["indicator"].isin(list(codes))]
    wanted = set(meta["snapshot"].dropna())
    snapshots = ws.snapshots()
    picked = snapshots[snapshots["snapshot"].isin(wanted) | snapshots["source"].isin(set(also))]
    entries = _entries(ws, picked.sort_values(["source", "file_key"]))
    if any(str(s).startswith("registry") for s in wanted) or "registry" in set(also):
        entries.append(_registry_entry(ws))
    return Provenance(tuple(entries), dict(query or {}))


# -- writers ---------------------------------------------------------------------------------


def _field_type(dtype: Any) -> str:
    kind = getattr(dtype, "kind", "O")
    return {"i": "integer", "u": "integer", "f": "number", "b": "boolean", "M": "datetime"}.get(
        kind, "string"
    )


def descriptor(frame: pd.DataFrame, name: str, csv_path: str, prov: Provenance) -> dict[str, Any]:
    """A Frictionless (tabular) Data Package descriptor for one CSV resource."""
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in name.lower())
    return {
        "profile": "tabular-data-package",
        "name": slug,
        "title": f"Stabilis export: {name}",
        "created": prov.generated_at,
        "description": STABILIS_CITATION,
        "sources": [
            {
                "title": s.get("citation") or s.get("title") or s["source"],
                "path": s.get("url"),
                "source": s["source"],
                "release": s.get("release"),
                "file": s.get("file"),
                "snapshot": s.get("snapshot"),
                "sha256": s.get("sha256"),
                "licence": s.get("licence"),
            }
            for s in prov.sources
        ],
        "resources": [
            {
                "name": slug,
                "path": csv_path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": str(c), "type": _field_type(t)} for c, t in frame.dtypes.items()
                    ]
                },
            }
        ],
        "stabilis": prov.to_dict(),
    }


def csv_package(frame: pd.DataFrame, name: str, prov: Provenance) -> bytes:
    """A zip holding ``<name>.csv``, ``datapackage.json`` and ``CITATION.txt``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.csv", frame.to_csv(index=False))
        archive.writestr(
            "datapackage.json",
            json.dumps(descriptor(frame, name, f"{name}.csv", prov), indent=2, default=str),
        )
        archive.writestr("CITATION.txt", prov.citation_text())
    return buffer.getvalue()


def parquet_bytes(frame: pd.DataFrame, prov: Provenance) -> bytes:
    """Parquet with the bundle in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[PARQUET_KEY.encode()] = json.dumps(prov.to_dict(), default=str).encode()
    metadata[PARQUET_CITATION_KEY.encode()] = prov.citation_text().encode()
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), buffer)
    return buffer.getvalue()


def read_parquet_provenance(source: Any) -> dict[str, Any]:
    """The bundle stored in a Parquet file (path or bytes); empty when there is none."""
    import pyarrow.parquet as pq

    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    metadata = pq.read_schema(handle).metadata or {}
    raw = metadata.get(PARQUET_KEY.encode())
    return dict(json.loads(raw)) if raw else {}


def companion_path(csv_path: Path) -> Path:
    """``panel.csv`` -> ``panel.datapackage.json`` (the descriptor written beside a lone CSV)."""
    return csv_path.with_name(f"{csv_path.stem}.datapackage.json")


def write_csv(frame: pd.DataFrame, path: Path, prov: Provenance) -> Path:
    """Write ``path`` and its companion descriptor; returns the companion's path."""
    path = Path(path)
    frame.to_csv(path, index=False)
    companion = companion_path(path)
    companion.write_text(
        json.dumps(descriptor(frame, path.stem, path.name, prov), indent=2, default=str),
        encoding="utf-8",
    )
    return companion


def write_parquet(frame: pd.DataFrame, path: Path, prov: Provenance) -> None:
    Path(path).write_bytes(parquet_bytes(frame, prov))


def write_package(frame: pd.DataFrame, path: Path, prov: Provenance) -> None:
    """Write the zipped data package to ``path`` (its CSV is named after the zip)."""
    path = Path(path)
    path.write_bytes(csv_package(frame, path.stem, prov))
