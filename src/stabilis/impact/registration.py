"""User-defined, pre-registered cases: TOML case files, their registration, external panels.

``stabilis impact register FILE`` checks a case file (the same keys as a ``cases.json`` entry;
see docs/impact.md for the Moldova example), then stores a copy under
``<data>/impact/registered/<id>/<sha256>.toml`` with a record of its sha256, the UTC time, the
user and the file it came from, appended to ``registrations.json`` there (written atomically).
That record is the pre-registration: ``stabilis impact run FILE`` refuses a file whose current
content was not registered, so a case cannot be tuned after its results were seen without a
new, visible registration. Registering the same content twice is a no-op; changed content is a
new version, and every version stays on record.

A case can run on an external panel (CSV or Parquet, one row per unit and time) instead of the
warehouse: :func:`read_panel` reads it strictly, :func:`external_panel` renames its unit and
time columns to ``iso3``/``year`` and applies the case's explicit donor list (or every other
unit) and its ``exclude`` list.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis.errors import DataFileError, QueryError, RegistryError

from .cases import CaseSpec, parse_case

if TYPE_CHECKING:
    import pandas as pd

    from .treatments import RegistryLike

RECORDS = "registrations.json"


@dataclass(frozen=True)
class Registration:
    id: str
    sha256: str
    registered_at: str
    user: str
    file: str
    version: int
    new: bool  # False when the same content was registered before

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "registered_at": self.registered_at,
            "user": self.user,
            "file": self.file,
            "version": self.version,
            "new": self.new,
        }


def read_case_file(path: Path) -> tuple[dict[str, Any], bytes]:
    """The case dictionary of a TOML case file and its bytes; errors name file, line, key."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise QueryError(f"There is no case file '{path}'.") from None
    try:
        entry = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError("is not UTF-8 text", file=path) from exc
    except tomllib.TOMLDecodeError as exc:
        line = _line(str(exc))
        raise DataFileError(
            f"is not valid TOML ({exc})", file=path, row=line, hint="See docs/impact.md."
        ) from exc
    if "case" in entry and isinstance(entry["case"], dict) and len(entry) == 1:
        entry = entry["case"]
    return entry, raw


def _line(message: str) -> int | None:
    import re

    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _spec(
    entry: dict[str, Any], path: Path, registry: RegistryLike, countries: pd.DataFrame | None
) -> CaseSpec:
    try:
        return parse_case(entry, {}, registry, Path(path).name, countries)
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(f"{Path(path).name}: the case is malformed ({exc}).") from exc


def _records(folder: Path) -> list[dict[str, Any]]:
    path = folder / RECORDS
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")))


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".reg.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def register_case(
    path: Path,
    root: Path,
    registry: RegistryLike,
    countries: pd.DataFrame | None,
    reserved: set[str],
) -> Registration:
    """Check the case file at ``path`` and record it (see the module docstring)."""
    entry, raw = read_case_file(path)
    spec = _spec(entry, path, registry, countries)
    if spec.id in reserved:
        raise RegistryError(
            f"{Path(path).name}: the id '{spec.id}' belongs to a shipped case; choose another id."
        )
    sha = hashlib.sha256(raw).hexdigest()
    folder = root / spec.id
    records = _records(folder)
    for record in records:
        if record["sha256"] == sha:
            return Registration(**{**record, "new": False})
    record = {
        "id": spec.id,
        "sha256": sha,
        "registered_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": _user(),
        "file": str(Path(path).resolve()),
        "version": len(records) + 1,
    }
    _write_atomic(folder / f"{sha}.toml", raw)
    _write_atomic(folder / RECORDS, json.dumps([*records, record], indent=2).encode())
    return Registration(**record, new=True)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user database
        return "unknown"


def registered_cases(
    root: Path, registry: RegistryLike, countries: pd.DataFrame | None
) -> dict[str, CaseSpec]:
    """The newest registered version of every user case in ``root``."""
    from dataclasses import replace

    out: dict[str, CaseSpec] = {}
    if not root.exists():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        records = _records(folder)
        if not records:
            continue
        newest = records[-1]
        stored = folder / f"{newest['sha256']}.toml"
        entry, _ = read_case_file(stored)
        spec = _spec(entry, stored, registry, countries)
        out[spec.id] = replace(spec, registration=dict(newest))
    return out


def spec_for_file(
    path: Path, root: Path, registry: RegistryLike, countries: pd.DataFrame | None
) -> CaseSpec:
    """The registered case behind the file at ``path`` as it is now, or a clear refusal."""
    from dataclasses import replace

    entry, raw = read_case_file(path)
    spec = _spec(entry, path, registry, countries)
    sha = hashlib.sha256(raw).hexdigest()
    records = _records(root / spec.id)
    match = [r for r in records if r["sha256"] == sha]
    if not match:
        if records:
            last = records[-1]
            raise QueryError(
                f"{Path(path).name} changed since case '{spec.id}' was registered "
                f"(version {last['version']}, {last['registered_at']}, sha256 {last['sha256'][:12]}…). "
                f"Register the new version first: stabilis impact register {path}"
            )
        raise QueryError(
            f"Case '{spec.id}' in {Path(path).name} is not registered. Pre-register it before "
            f"its first run: stabilis impact register {path}"
        )
    return replace(spec, registration=dict(match[-1]))


def read_panel(
    path: Path, unit: str, time: str, numeric: list[str] | tuple[str, ...] = ()
) -> tuple[pd.DataFrame, str]:
    """An external panel (CSV or Parquet) and its sha256. CSV is read strictly (every value as
    text, then ``time`` and the ``numeric`` columns converted); errors name file, row, column."""
    import pandas as pd

    from stabilis.sources.reading import read_csv, to_number

    path = Path(path)
    if not path.exists():
        raise QueryError(f"There is no panel file '{path}'.")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    suffix = path.suffix.lower()
    needed = [unit, time, *numeric]
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise DataFileError(
                f"has no column '{missing[0]}' (columns: {', '.join(map(str, frame.columns[:10]))})",
                file=path,
                column=missing[0],
                hint="Name the columns with --unit and --time, the outcomes in the case file.",
            )
        frame = frame.astype({unit: str})
        frame[time] = to_number(frame.astype({time: str}), time, file=path, integer=True)
    elif suffix in (".csv", ".txt"):
        frame = read_csv(path, required=needed)
        frame[time] = to_number(frame, time, file=path, integer=True)
        for column in numeric:
            frame[column] = to_number(frame, column, file=path, na_values=("NA", "NaN"))
    else:
        raise QueryError(f"{path.name}: give the panel as .csv or .parquet (got '{suffix}').")
    if frame[time].isna().any():
        row = int(frame[time].isna().to_numpy().argmax()) + 2
        raise DataFileError("has no year", file=path, row=row, column=time)
    frame[time] = frame[time].astype(int)
    duplicated = frame.duplicated([unit, time])
    if duplicated.any():
        row = int(duplicated.to_numpy().argmax()) + 2
        raise DataFileError(
            f"repeats the {unit}-{time} pair ({frame[unit].iloc[row - 2]}, "
            f"{frame[time].iloc[row - 2]})",
            file=path,
            row=row,
            column=unit,
        )
    return frame, sha


def external_panel(
    spec: CaseSpec, panel: pd.DataFrame, outcomes: list[str], unit: str, time: str
) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """The panel with ``iso3``/``year`` keys, the donors and the excluded units with reasons."""
    import pandas as pd

    missing = [o for o in outcomes if o not in panel.columns]
    if missing:
        raise QueryError(
            f"The panel has no outcome column '{missing[0]}' (case '{spec.id}'); "
            f"its columns are {', '.join(map(str, panel.columns[:12]))}."
        )
    frame = panel.rename(columns={unit: "iso3", time: "year"})
    variables = list(dict.fromkeys([*outcomes, *(p.variable for p in spec.predictors)]))
    absent_vars = [v for v in variables if v not in frame.columns]
    if absent_vars:
        raise QueryError(
            f"The panel has no predictor column '{absent_vars[0]}' (case '{spec.id}')."
        )
    values = frame[["iso3", "year", *variables]].copy()
    for column in variables:
        values[column] = pd.to_numeric(values[column])
    units = sorted(set(values["iso3"]))
    absent = [t for t in spec.treated if t not in units]
    if absent:
        raise QueryError(
            f"The treated unit {absent[0]} of case '{spec.id}' is not in the panel's '{unit}' column."
        )
    rule = spec.donor_rule
    pool = list(rule.donors) if rule.donors else [u for u in units if u not in spec.treated]
    excluded = {u: "excluded by the case" for u in rule.exclude if u in pool}
    unknown = [d for d in rule.donors if d not in units]
    for d in unknown:
        excluded[d] = "not in the panel"
    donors = [d for d in pool if d not in excluded and d not in spec.treated]
    return values, donors, excluded
