"""The hand-written concordance files under ``countries/data`` and their checks.

* ``historical_states.csv``: states that are not in ISO 3166-1 today but that sources rate on
  their own: East Germany (DDR), South Yemen (YMD) and South Vietnam (RVN; V-Dem's text id for it
  is VDR, which in ISO 3166-3 means *North* Vietnam, hence RVN). Czechoslovakia, Yugoslavia and
  the USSR have no row: their continuators (CZE, SRB, RUS) carry them.
* ``code_rules.csv``: explicit, optionally year-bounded mappings ``(kind, code) -> iso3`` for the
  hard cases; they take precedence over the countrycode code list. ``current = 1`` marks the code
  the country table shows for a state today.
* ``name_aliases.csv``: name variants -> iso3 (producers' spellings, former names).
* ``unmatched_explained.csv``: names and codes that deliberately map to no ISO3, each with a
  reason a user understands (disputed territories, pre-1871 German and Italian states, ...).

Every file is checked on load; a bad row raises :class:`~stabilis.errors.DataFileError` naming
the file, row and column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.errors import DataFileError

if TYPE_CHECKING:
    import pandas as pd

#: Key kinds a rule or an explained entry may use (the same as ``stabilis.sources.base``).
KINDS = ("iso3", "gwcode", "cowcode", "vdem_id", "wb", "iso3n", "eurostat", "name")
NUMERIC_KINDS = ("gwcode", "cowcode", "vdem_id", "iso3n")

_COLUMNS = {
    "historical_states.csv": (
        "iso3",
        "name",
        "iso3n",
        "gwcode",
        "cowcode",
        "vdem_id",
        "region",
        "subregion",
        "continent",
        "neighbours",
        "from_year",
        "to_year",
        "note",
    ),
    "code_rules.csv": ("kind", "code", "iso3", "from_year", "to_year", "current", "note"),
    "name_aliases.csv": ("name", "iso3", "note"),
    "unmatched_explained.csv": ("kind", "value", "reason"),
}


@dataclass(frozen=True)
class Concordance:
    """The four concordance tables, as frames of text (years and codes as text or None)."""

    historical: pd.DataFrame
    rules: pd.DataFrame
    aliases: pd.DataFrame
    explained: pd.DataFrame


def data_dir() -> Path:
    """Folder of the concordance files shipped with the package."""
    return Path(str(resources.files("stabilis.countries") / "data"))


def load_concordance(folder: Path | None = None) -> Concordance:
    """Read and check the concordance files (from the package, or from ``folder``)."""
    base = folder or data_dir()
    frames = {name: _read(base / name, columns) for name, columns in _COLUMNS.items()}
    historical = frames["historical_states.csv"]
    rules = frames["code_rules.csv"]
    aliases = frames["name_aliases.csv"]
    explained = frames["unmatched_explained.csv"]
    _check_iso3(historical, "iso3", base / "historical_states.csv")
    _check_iso3(rules, "iso3", base / "code_rules.csv")
    _check_iso3(aliases, "iso3", base / "name_aliases.csv")
    for name, frame in (("code_rules.csv", rules), ("unmatched_explained.csv", explained)):
        _check_kinds(frame, base / name)
    for column in ("from_year", "to_year"):
        _check_integers(rules, column, base / "code_rules.csv")
    for kind_column, value_column, name in (
        ("kind", "code", "code_rules.csv"),
        ("kind", "value", "unmatched_explained.csv"),
    ):
        frame = frames[name]
        numeric = frame[frame[kind_column].isin(NUMERIC_KINDS)]
        _check_integers(numeric, value_column, base / name)
    _check_reasons(explained, base / "unmatched_explained.csv")
    return Concordance(historical=historical, rules=rules, aliases=aliases, explained=explained)


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError as exc:
        raise DataFileError(
            "the concordance file is missing.",
            file=path,
            hint="Reinstall Stabilis; the file ships with the package.",
        ) from exc
    if not rows:
        raise DataFileError("the concordance file is empty.", file=path)
    header = [c.strip() for c in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataFileError(
            f"the required column is missing; columns found: {', '.join(header)}.",
            file=path,
            row=1,
            column=missing[0],
        )
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataFileError(
                f"the row has {len(row)} values but the header has {len(header)} columns.",
                file=path,
                row=number,
                hint="Quote values that hold a comma.",
            )
        cells = {h: (v.strip() or None) for h, v in zip(header, row, strict=True)}
        records.append({**{c: cells[c] for c in columns}, "_row": number})
    return pd.DataFrame.from_records(records, columns=[*columns, "_row"]).astype(object)


def _first_bad(frame: pd.DataFrame, bad: pd.Series, column: str, path: Path, problem: str) -> None:
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise DataFileError(
            f"'{row[column]}' {problem}", file=path, row=int(row["_row"]), column=column
        )


def _check_iso3(frame: pd.DataFrame, column: str, path: Path) -> None:
    values = frame[column].astype("string")
    bad = ~values.str.fullmatch(r"[A-Z]{3}").fillna(False)
    _first_bad(frame, bad, column, path, "is not a three-letter upper-case code.")


def _check_kinds(frame: pd.DataFrame, path: Path) -> None:
    bad = ~frame["kind"].isin(KINDS)
    _first_bad(frame, bad, "kind", path, f"is not a key kind ({', '.join(KINDS)}).")


def _check_integers(frame: pd.DataFrame, column: str, path: Path) -> None:
    values = frame[column].astype("string")
    bad = values.notna() & ~values.str.fullmatch(r"\d+").fillna(False)
    _first_bad(frame, bad, column, path, "is not a whole number.")


def _check_reasons(frame: pd.DataFrame, path: Path) -> None:
    bad = frame["reason"].isna()
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise DataFileError(
            f"'{row['value']}' has no reason; every deliberate non-match needs one.",
            file=path,
            row=int(row["_row"]),
            column="reason",
        )
