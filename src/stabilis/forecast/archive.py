"""The forecast archive: every issued forecast with the data, code and settings it came from.

Layout under ``<data_dir>/forecasts/``::

    <id>/forecasts.parquet   the long forecasts (outcome, origin, iso3, gwcode, p, lower, upper, ...)
    <id>/drivers.parquet     (live runs) each forecast's largest contributions, with labels and
                             sentences, so ``explain`` and ``list`` read them without a refit
    <id>/warmup.parquet      (backtests) the warm-up origins' forecasts, which taught the first
                             origins' recalibration and widening; a live run learns from them too
    <id>/models.pkl          (live runs) the fitted models, so a scenario (``whatif``) is
                             recomputed without a refit. Pickle: read only from this archive,
                             which only Stabilis writes; never load one from elsewhere
    <id>/manifest.json       id, kind (run | backtest), as_of, created_at, rows, code version,
                             code hash, configuration, and the snapshots (source, file, sha256)

The code hash is a SHA-256 over the source files of ``stabilis.forecast`` (sorted by name), so
it identifies the forecasting code without git. The id is the creation time plus the first 8
hex digits of a hash of the forecasts, so two different forecasts never share an id. Files are
written to a temporary name and renamed, so a reader never sees half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis._version import __version__
from stabilis.errors import NotFoundError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.forecast.design import ForecastConfig


def code_hash() -> str:
    """SHA-256 of the forecast package's source files, independent of git."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class ArchiveEntry:
    """One archived forecast set."""

    id: str
    kind: str
    as_of: int | None
    created_at: str
    rows: int
    path: Path

    def manifest(self) -> dict[str, Any]:
        return dict(json.loads((self.path / "manifest.json").read_text(encoding="utf-8")))


class ForecastArchive:
    """Parquet + JSON forecast sets in one folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(
        self,
        forecasts: pd.DataFrame,
        *,
        kind: str,
        as_of: int | None,
        snapshots: pd.DataFrame,
        config: ForecastConfig,
        extras: dict[str, pd.DataFrame] | None = None,
        inputs: list[dict[str, Any]] | None = None,
        meta: dict[str, Any] | None = None,
        models: dict[str, Any] | None = None,
    ) -> ArchiveEntry:
        """Store a forecast set and its provenance; returns the new entry.

        ``extras`` are further frames stored beside it (``drivers``); ``inputs`` the releases
        of the sources the forecast read (source, release, snapshot, sha256, last year);
        ``meta`` anything else worth keeping (the lagged inputs).
        """
        import pandas as pd

        created = datetime.now(UTC)
        content = pd.util.hash_pandas_object(forecasts, index=False).to_numpy().tobytes()
        entry_id = f"{created:%Y%m%dT%H%M%S%f}-{hashlib.sha256(content).hexdigest()[:8]}"
        folder = self.root / entry_id
        tmp = self.root / f".{entry_id}.tmp"
        tmp.mkdir(parents=True, exist_ok=False)
        forecasts.to_parquet(tmp / "forecasts.parquet", index=False)
        for name, frame in (extras or {}).items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        if models:
            import pickle

            (tmp / "models.pkl").write_bytes(pickle.dumps(models, protocol=5))
        columns = [c for c in ("source", "file_key", "snapshot", "sha256", "release")
                   if c in snapshots.columns]  # fmt: skip
        manifest = {
            "id": entry_id,
            "kind": kind,
            "as_of": as_of,
            "created_at": created.isoformat(),
            "rows": len(forecasts),
            "code_version": __version__,
            "code_hash": code_hash(),
            "config": config.to_dict(),
            "snapshots": snapshots[columns].to_dict(orient="records"),
            "inputs": inputs or [],
            **(meta or {}),
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, default=str), encoding="utf-8"
        )
        os.replace(tmp, folder)
        return ArchiveEntry(entry_id, kind, as_of, created.isoformat(), len(forecasts), folder)

    def entries(self) -> list[ArchiveEntry]:
        """Every archived forecast set, oldest first."""
        if not self.root.exists():
            return []
        found = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and
                             not p.name.startswith(".")):  # fmt: skip
            manifest_path = folder / "manifest.json"
            if not manifest_path.exists():
                continue
            m = json.loads(manifest_path.read_text(encoding="utf-8"))
            found.append(
                ArchiveEntry(m["id"], m["kind"], m["as_of"], m["created_at"], m["rows"], folder)
            )
        return found

    def find_same(
        self, kind: str, *, snapshots: pd.DataFrame, config: ForecastConfig
    ) -> ArchiveEntry | None:
        """The newest entry of ``kind`` made by this code, with these settings, from these
        snapshots (so rerunning it would give the same forecasts), or None."""
        wanted_code = code_hash()
        wanted_config = json.loads(json.dumps(config.to_dict(), default=str))
        wanted = sorted(str(s) for s in snapshots.get("sha256", []))
        for entry in reversed(self.entries()):
            if entry.kind != kind:
                continue
            manifest = entry.manifest()
            used = sorted(str(s.get("sha256")) for s in manifest.get("snapshots", []))
            same = manifest.get("code_hash") == wanted_code and used == wanted
            if same and manifest.get("config") == wanted_config:
                return entry
        return None

    def load(self, entry_id: str) -> pd.DataFrame:
        """The forecasts of one archived set."""
        import pandas as pd

        path = self.root / entry_id / "forecasts.parquet"
        if not path.exists():
            known = ", ".join(e.id for e in self.entries()[-5:]) or "none yet"
            raise NotFoundError(
                f"No archived forecast '{entry_id}' in {self.root}. Latest: {known}."
            )
        return pd.read_parquet(path)

    def load_extra(self, entry_id: str, name: str) -> pd.DataFrame | None:
        """A frame stored beside an entry's forecasts (``drivers``), or None if it has none."""
        import pandas as pd

        path = self.root / entry_id / f"{name}.parquet"
        return pd.read_parquet(path) if path.exists() else None

    def latest(self, kind: str, as_of: int | None = None) -> ArchiveEntry | None:
        """The newest entry of a kind (and origin, when given), or None."""
        found = [e for e in self.entries() if e.kind == kind
                 and (as_of is None or e.as_of == as_of)]  # fmt: skip
        return found[-1] if found else None

    def load_models(self, entry_id: str) -> dict[str, Any] | None:
        """The fitted models stored with a live run, or None (older entries have none)."""
        import pickle

        path = self.root / entry_id / "models.pkl"
        if not path.exists():
            return None
        return dict(pickle.loads(path.read_bytes()))  # our own archive only (see above)
