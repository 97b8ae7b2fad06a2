"""Give every parsed row a country identity (ISO3), and report every row that has none.

:func:`harmonise` takes a parser's :class:`~stabilis.sources.base.ParsedTable`, resolves its
declared country keys with the :class:`~stabilis.countries.CountryResolver`, and returns

* for ``indicators`` tables: long rows ``(iso3, year, indicator, value, lower, upper)``;
* for records tables: the frame with ``iso3`` (and any further role columns) added — records
  keep their unmatched rows, with ``iso3`` empty;
* quality issues: one row per source row that matched no country (with its file, row, name,
  code and the reason, *explained* when the concordance data say why), and one per row that was
  superseded by another row for the same country-year.

Nothing is dropped silently. When two source rows of an indicators table land on the same
``(iso3, year)`` — Polity's transition years (Ethiopia 1993), West Germany and Germany in 1990 —
the row matched through the country's own canonical code wins, then the later row in the file
(the polity in force at the end of the year); the others are reported as superseded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stabilis.sources.base import ROW, ParsedTable

if TYPE_CHECKING:
    from stabilis.countries import CountryResolver

QUALITY_COLUMNS = [
    "source",
    "file",
    "table",
    "row",
    "name",
    "code",
    "year",
    "issue",
    "reason",
    "explained",
]


@dataclass
class Harmonised:
    table: str
    frame: pd.DataFrame
    quality: pd.DataFrame


def harmonise(
    parsed: ParsedTable,
    resolver: CountryResolver,
    *,
    source: str,
    file_label: str,
    snapshot: str,
) -> Harmonised:
    frame = parsed.frame
    issues: list[pd.DataFrame] = []
    if parsed.country_keys:
        resolved = resolver.resolve_frame(frame, dict(parsed.country_keys), parsed.year_column)
        resolved["canonical"] = _canonical(frame, resolved, parsed.country_keys, resolver.table)
        iso3 = resolved["iso3"]
        issues.append(_unmatched(parsed, frame, resolved, source, file_label, role=None))
    else:
        iso3 = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        resolved = None
    if parsed.table == "indicators":
        long, superseded = _to_long(parsed, frame, iso3, resolved, source, snapshot)
        if len(superseded):
            issues.append(_superseded(parsed, superseded, source, file_label))
        return Harmonised("indicators", long, _concat_issues(issues))
    out = text_columns(frame.drop(columns=[ROW]) if ROW in frame else frame)
    if parsed.country_keys:
        out.insert(0, "iso3", iso3.to_numpy())
    for column, keys in parsed.other_countries.items():
        other = resolver.resolve_frame(frame, dict(keys), parsed.year_column)
        out[column] = other["iso3"].to_numpy()
        issues.append(_unmatched(parsed, frame, other, source, file_label, role=column, keys=keys))
    out["source_row"] = frame[ROW].to_numpy() if ROW in frame else np.arange(2, len(frame) + 2)
    out["snapshot"] = snapshot
    return Harmonised(parsed.table, out, _concat_issues(issues))


def _to_long(
    parsed: ParsedTable,
    frame: pd.DataFrame,
    iso3: pd.Series,
    resolved: pd.DataFrame | None,
    source: str,
    snapshot: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    year_col = parsed.year_column or "year"
    base = pd.DataFrame(
        {
            "iso3": iso3.to_numpy(),
            "year": pd.to_numeric(frame[year_col]).to_numpy(),
            ROW: frame[ROW].to_numpy() if ROW in frame else np.arange(2, len(frame) + 2),
            "_canonical": (
                resolved["canonical"].fillna(False).to_numpy(dtype=bool)
                if resolved is not None and "canonical" in resolved
                else np.zeros(len(frame), dtype=bool)
            ),
        }
    )
    keep = base["iso3"].notna() & base["year"].notna()
    base = base[keep]
    # One row per (iso3, year): canonical-code rows first, then the later row in the file.
    order = base.sort_values(["iso3", "year", "_canonical", ROW], kind="stable")
    dup = order.duplicated(subset=["iso3", "year"], keep="last")
    superseded = order[dup].merge(
        order[~dup][["iso3", "year", ROW]].rename(columns={ROW: "kept_row"}),
        on=["iso3", "year"],
    )
    chosen = order[~dup].sort_index()
    parts = []
    for spec in parsed.indicators:
        values = pd.to_numeric(frame.loc[chosen.index, spec.column]).to_numpy(dtype="float64")
        part = pd.DataFrame(
            {
                "iso3": chosen["iso3"].to_numpy(),
                "year": chosen["year"].to_numpy(dtype="int64"),
                "indicator": spec.code,
                "value": values,
                "lower": _bound(frame, chosen.index, spec.lower_column),
                "upper": _bound(frame, chosen.index, spec.upper_column),
            }
        )
        parts.append(part[~np.isnan(values)])
    if parts:
        long = pd.concat(parts, ignore_index=True)
    else:
        long = pd.DataFrame(columns=["iso3", "year", "indicator", "value", "lower", "upper"])
    long["source"] = source
    long["snapshot"] = snapshot
    long["year"] = long["year"].astype("int32")
    return long, superseded


def _canonical(
    frame: pd.DataFrame, resolved: pd.DataFrame, keys: dict[str, Any], table: pd.DataFrame
) -> np.ndarray[Any, Any]:
    """True where a row matched through the code its country uses today (e.g. G&W 260 for DEU)."""
    out = np.zeros(len(frame), dtype=bool)
    by_iso3 = table.set_index("iso3")
    for column, kind in keys.items():
        if kind not in ("gwcode", "cowcode", "vdem_id") or kind not in by_iso3:
            continue
        used = (resolved["matched_by"] == kind).to_numpy()
        if not used.any():
            continue
        own = by_iso3[kind].reindex(resolved["iso3"]).to_numpy()
        code = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
        own_num = pd.to_numeric(pd.Series(own), errors="coerce").to_numpy(dtype="float64")
        out |= used & (code == own_num)
    return out


def _bound(frame: pd.DataFrame, index: pd.Index, column: str | None) -> np.ndarray[Any, Any]:
    if column is None:
        return np.full(len(index), np.nan)
    return pd.to_numeric(frame.loc[index, column]).to_numpy(dtype="float64")


def _unmatched(
    parsed: ParsedTable,
    frame: pd.DataFrame,
    resolved: pd.DataFrame,
    source: str,
    file_label: str,
    *,
    role: str | None,
    keys: dict[str, Any] | None = None,
) -> pd.DataFrame:
    miss = resolved["iso3"].isna().to_numpy()
    if not miss.any():
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    sub = frame[miss]
    keys = keys or dict(parsed.country_keys)
    first_key = next(iter(keys))
    name_col = parsed.name_column if role is None else None
    if name_col is None:
        name_col = next((c for c, kind in keys.items() if kind == "name"), None)
    reason = resolved.loc[miss, "reason"].fillna("no identifier matched").astype(str).to_numpy()
    code_text = sub[first_key].astype(object).where(sub[first_key].notna(), None)
    year_col = parsed.year_column
    return pd.DataFrame(
        {
            "source": source,
            "file": file_label,
            "table": parsed.table if role is None else f"{parsed.table}.{role}",
            "row": sub[ROW].to_numpy() if ROW in sub else np.flatnonzero(miss) + 2,
            "name": sub[name_col].astype(object).to_numpy() if name_col else None,
            "code": [None if v is None else str(v) for v in code_text],
            "year": (
                pd.to_numeric(sub[year_col], errors="coerce").to_numpy()
                if year_col and year_col in sub
                else np.nan
            ),
            "issue": "unmatched_country",
            "reason": reason,
            "explained": [r.startswith("explained") for r in reason],
        }
    )


def _superseded(
    parsed: ParsedTable, superseded: pd.DataFrame, source: str, file_label: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": source,
            "file": file_label,
            "table": parsed.table,
            "row": superseded[ROW].to_numpy(),
            "name": None,
            "code": superseded["iso3"].to_numpy(),
            "year": superseded["year"].to_numpy(),
            "issue": "superseded_row",
            "reason": [
                f"explained: another row for {i} {int(y)} (row {int(k)}) was kept; rows that "
                "share a country-year are resolved by the rule in ingest.harmonise"
                for i, y, k in zip(
                    superseded["iso3"], superseded["year"], superseded["kept_row"], strict=True
                )
            ],
            "explained": True,
        }
    )


def _concat_issues(issues: list[pd.DataFrame]) -> pd.DataFrame:
    issues = [i for i in issues if len(i)]
    if not issues:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if c in ("row", "year") else object)
                for c in QUALITY_COLUMNS
            }
        )
    out = pd.concat(issues, ignore_index=True)
    out["row"] = pd.to_numeric(out["row"]).astype("int64")
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int32")
    out["explained"] = out["explained"].astype(bool)
    return out[QUALITY_COLUMNS]


def text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy DuckDB stores with one type per column: object columns become text (None and NaN
    stay missing); pandas extension integers and everything else stay as they are."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].astype("string")
    return out
