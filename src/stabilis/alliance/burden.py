"""Burden-sharing among members: NATO's own figures against the 2 % and 20 % guidelines.

Per member and year, from NATO's *Defence Expenditure of NATO Countries (2014-2024)*:

* ``defexp_share_gdp``: Table 3, defence expenditure as a share of real GDP (%, 2015 prices),
  against the **2 % guideline** (Wales Summit, 2014);
* ``equipment_share``: Table 8a, major equipment (incl. related R&D) as a share of defence
  expenditure (%), against the **20 % guideline**;
* ``estimate``: NATO marks 2023 and 2024 as estimates.

SIPRI's share of GDP (``sipri_share_gdp``, %) is shown beside NATO's with its own flags
(``sipri_estimate``: a SIPRI estimate, blue in the workbook; ``sipri_uncertain``: highly
uncertain, red). The two differ by definition (NATO's is of real GDP at 2015 prices and follows
NATO's definition of defence expenditure, which includes e.g. pensions and some paramilitary
forces; SIPRI's is of current GDP with SIPRI's definition); ``differs`` marks a gap of more than
``DIFFERENCE_PP`` percentage points. A member absent from NATO's tables (Iceland has no armed
forces) is listed with ``status`` "not in NATO's tables".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis.errors import QueryError
from stabilis.results import TableResult

if TYPE_CHECKING:
    import pandas as pd

GDP_GUIDELINE = 2.0
EQUIPMENT_GUIDELINE = 20.0
DIFFERENCE_PP = 0.2
_NATO_TABLES = "NATO, Defence Expenditure of NATO Countries (2014-2024)"
#: The numbers of the burden table: unit and source of each (``BurdenSharing.tidy``).
MEASURES: dict[str, tuple[str, str]] = {
    "defexp_share_gdp": ("% of real GDP (2015 prices)", f"{_NATO_TABLES}, Table 3"),
    "gap_to_2_percent_pp": ("percentage points below 2 % (0 = meets it)", f"{_NATO_TABLES}, Table 3"),
    "equipment_share": ("% of defence expenditure", f"{_NATO_TABLES}, Table 8a"),
    "sipri_share_gdp": ("% of current GDP", "SIPRI Military Expenditure Database 2025"),
    "nato_minus_sipri_pp": ("percentage points (NATO - SIPRI)", "NATO Table 3; SIPRI"),
}  # fmt: skip
_NATO = ("defexp_share_gdp", "gap_to_2_percent_pp", "equipment_share")


@dataclass(frozen=True)
class BurdenSharing(TableResult):
    year: int
    rows: pd.DataFrame
    first_year: int
    last_year: int

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("iso3", "country", "year", "measure")

    def table(self) -> pd.DataFrame:
        """One row per member: NATO's and SIPRI's figures, the guidelines met, the difference
        (what the CLI, the API and the dashboard show)."""
        return self.rows

    def tidy(self) -> pd.DataFrame:
        """One row per member × measure: ``iso3, country, year, measure, value``, then
        ``estimate`` (the figure is NATO's or SIPRI's estimate), ``uncertain`` (SIPRI: highly
        uncertain; missing for NATO's figures), ``unit`` and ``source``. The guidelines met and
        the status are in :meth:`table` (they follow from the values and :meth:`meta`)."""
        import pandas as pd

        from stabilis.results import long_frame

        rows = self.rows.assign(year=self.year)
        rows["_either_estimate"] = rows["estimate"] | rows["sipri_estimate"].fillna(False)
        beside = {
            "estimate": {**dict.fromkeys(_NATO, "estimate"), "sipri_share_gdp": "sipri_estimate",
                         "nato_minus_sipri_pp": "_either_estimate"},
            "uncertain": {"sipri_share_gdp": "sipri_uncertain"},
        }  # fmt: skip
        described = {
            "unit": {m: unit for m, (unit, _) in MEASURES.items()},
            "source": {m: source for m, (_, source) in MEASURES.items()},
        }
        keys = ("iso3", "country", "year")
        out = long_frame(rows, keys, list(MEASURES), beside=beside, described=described)
        out.loc[out["value"].isna(), "estimate"] = pd.NA
        return out

    def summary(self) -> str:
        """The year in two sentences: who meets the guidelines, where SIPRI differs."""
        m = self.meta()
        text = (
            f"Burden sharing in {self.year}: {m['meeting_2_percent']} of "
            f"{m['members_with_nato_figures']} members with NATO figures spent at least "
            f"{GDP_GUIDELINE:g} % of GDP on defence, and {m['meeting_20_percent_equipment']} at "
            f"least {EQUIPMENT_GUIDELINE:g} % of it on equipment"
            + (" (NATO's figures for the year are estimates)." if m["nato_figures_are_estimates"]
               else ".")
        )  # fmt: skip
        differs = m["sipri_differs"]
        if differs:
            text += (
                f" SIPRI's share of GDP differs by more than {DIFFERENCE_PP:g} points for "
                f"{', '.join(differs)}."
            )
        return text

    def meta(self) -> dict[str, Any]:
        """Counts, the guidelines and thresholds, the sources and NATO's years."""
        rows = self.rows
        measured = rows[rows["defexp_share_gdp"].notna()]
        return {
            "year": self.year,
            "members": len(rows),
            "members_with_nato_figures": len(measured),
            "meeting_2_percent": int(measured["meets_2_percent"].sum()),
            "meeting_20_percent_equipment": int(
                rows["meets_20_percent_equipment"].fillna(False).astype(bool).sum()
            ),
            "nato_figures_are_estimates": bool(measured["estimate"].any()),
            "sipri_differs": list(rows.loc[rows["differs"].fillna(False).astype(bool), "iso3"]),
            "guidelines": {
                "defence expenditure, % of GDP": GDP_GUIDELINE,
                "equipment, % of defence expenditure": EQUIPMENT_GUIDELINE,
            },
            "difference_threshold_pp": DIFFERENCE_PP,
            "sources": "NATO, Defence Expenditure of NATO Countries (2014-2024), Tables 3 and 8a; SIPRI Military Expenditure Database 2025",
            "nato_years": [self.first_year, self.last_year],
        }


def burden_sharing(
    nato: pd.DataFrame, sipri: pd.DataFrame, members: list[str], year: int, names: dict[str, str]
) -> BurdenSharing:
    """One row per member in ``year``: NATO's share of GDP and equipment share, SIPRI beside."""
    import numpy as np
    import pandas as pd

    years = pd.to_numeric(nato["year"], errors="coerce")
    first, last = int(years.min()), int(years.max())
    if not first <= year <= last:
        raise QueryError(
            f"NATO's tables cover {first}-{last}; pick a year in that range, not {year}."
        )
    here = nato[(years == year) & nato["iso3"].notna()]
    share = here[(here["table"] == "TABLE3") & (here["section"] == "Share of real GDP (%)")]
    equip = here[(here["table"] == "TABLE8a") & (here["section"] == "Equipment (a)")]
    s_rows = sipri[(sipri["measure"] == "share_of_gdp") & (pd.to_numeric(sipri["year"]) == year)]
    # Two SIPRI names can map to one country (a predecessor's "xxx" row beside its successor's):
    # keep the row with a value.
    s_rows = s_rows[s_rows["iso3"].notna()].assign(_has=lambda f: f["value"].notna())
    s_rows = s_rows.sort_values("_has", ascending=False).drop_duplicates("iso3").set_index("iso3")
    out = pd.DataFrame({"iso3": sorted(members)})
    out["country"] = out["iso3"].map(names)
    out["defexp_share_gdp"] = out["iso3"].map(share.set_index("iso3")["value"]).astype(float)
    out["estimate"] = (
        out["iso3"].map(share.set_index("iso3")["estimate"]).fillna(False).astype(bool)
    )
    out["meets_2_percent"] = out["defexp_share_gdp"] >= GDP_GUIDELINE
    out["gap_to_2_percent_pp"] = (GDP_GUIDELINE - out["defexp_share_gdp"]).clip(lower=0)
    out["equipment_share"] = out["iso3"].map(equip.set_index("iso3")["value"]).astype(float)
    out["meets_20_percent_equipment"] = (out["equipment_share"] >= EQUIPMENT_GUIDELINE).where(
        out["equipment_share"].notna()
    )
    out["sipri_share_gdp"] = out["iso3"].map(100.0 * pd.to_numeric(s_rows["value"])).astype(float)
    out["sipri_estimate"] = out["iso3"].map(s_rows["estimate"]).astype("boolean")
    out["sipri_uncertain"] = out["iso3"].map(s_rows["highly_uncertain"]).astype("boolean")
    out["nato_minus_sipri_pp"] = out["defexp_share_gdp"] - out["sipri_share_gdp"]
    out["differs"] = (out["nato_minus_sipri_pp"].abs() > DIFFERENCE_PP).where(
        out["nato_minus_sipri_pp"].notna()
    )
    out["status"] = np.where(
        out["defexp_share_gdp"].isna(),
        "not in NATO's tables",
        np.where(out["meets_2_percent"], "meets 2 %", "below 2 %"),
    )
    out = out.sort_values(["defexp_share_gdp", "iso3"], ascending=[False, True], na_position="last")
    return BurdenSharing(
        year=year, rows=out.reset_index(drop=True), first_year=first, last_year=last
    )
