"""REIGN regime types (Bell, Besaw & Frank, OEF Research), spells to 2021.

The staged file is ``xmarquez/democracyData``'s ``REIGN.rda`` written to CSV: one row per
regime spell and calendar year the spell touches (``reign_cowcode, reign_country,
gwf_casename, gwf_startdate, gwf_enddate, gwf_regimetype, Start, End, cow, year, ..., GWn,
cown``). It holds REIGN's Geddes-Wright-Frantz-style regime types only, not its monthly leader
and election data. The producer's own files are on https://oefdatascience.github.io/REIGN.github.io/.

Two tables:

* ``regime_types`` (records): every source row, i.e. one row per spell-year, with the spell's
  ``casename``, ``regime_type``, ``spell_start``/``spell_end`` (ISO dates as text: spells begin
  as early as 1600, outside pandas' nanosecond dates) and ``in_force_at_year_end``.
* ``indicators``: one row per G&W country-year with 0/1 dummies derived from
  ``gwf_regimetype`` (mapping in :data:`COMPONENTS`): ``reign.democracy`` (presidential or
  parliamentary), ``reign.presidential``, ``reign.parliamentary``, ``reign.party`` (party-based,
  party-personal, party-military, party-personal-military), ``reign.personal`` (personal,
  party-personal, military personal, party-personal-military), ``reign.military`` (military,
  military personal, indirect military, provisional military, party-military,
  party-personal-military), ``reign.monarchy`` and ``reign.provisional`` (provisional,
  provisional military, civilian provisional). Oligarchy, warlordism and foreign-occupied
  spells score 0 on every dummy; ``regime_type`` keeps the text.

Duplicate country-years: a regime change within a year gives that year one row per spell
(430 such extra rows), and at the German, Yemeni and Czechoslovak unifications/splits two
REIGN states share a G&W code in one year. The indicators table keeps, per G&W code and year,
the spell **in force on 31 December** (``Start <= Dec 31 <= End``); if several are (or none
is), the one that started last. The other spells of the year stay in ``regime_types``.

Caveats: most spells end on 2020-12-31 (the last update), so 2021 holds only a few countries.
The file has at least one inconsistent spell (Chad's provisional military spell starts
2021-04-23 but "ends" 2020-12-31 and also appears in 2020); it is kept as published and the
year-end rule does not pick it for 2020. The source is no longer updated.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import (
    ROW,
    IndicatorSpec,
    ParsedTable,
    SourceFile,
    SourceSpec,
)
from stabilis.sources.reading import (
    check_dates,
    check_unique,
    democracy_data_codes,
    read_csv,
    refuse_first,
    to_number,
)

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="reign",
    title="Rulers, Elections, and Irregular Governance (REIGN): regime types",
    producer="OEF Research (Bell, Besaw & Frank)",
    release="REIGN regime types, spells to 2021 (no longer updated)",
    licence="Free with citation",
    citation=(
        "Bell, C., Besaw, C. & Frank, M. (2021). The Rulers, Elections, and Irregular "
        "Governance (REIGN) Dataset. Broomfield, CO: OEF Research."
    ),
    homepage="https://oefdatascience.github.io/REIGN.github.io/",
    files=(
        SourceFile(
            key="regime_types",
            mirror_path="regimes_other/reign_regime_types_to_2021.csv",
            url="https://oefdatascience.github.io/REIGN.github.io/",
            description=(
                "Regime spell per country-year (GWF-style types), as converted to CSV by "
                "xmarquez/democracyData (data/REIGN.rda) with G&W and COW codes."
            ),
        ),
    ),
    caveats=(
        "Regime types only (no leaders or elections); most spells end 2020-12-31; several "
        "spells per country-year in change years (the year-end spell feeds the indicators)."
    ),
)

#: ``gwf_regimetype`` -> the dummies it switches on.
COMPONENTS: dict[str, frozenset[str]] = {
    "parliamentary": frozenset({"democracy", "parliamentary"}),
    "presidential": frozenset({"democracy", "presidential"}),
    "party-based": frozenset({"party"}),
    "party-personal": frozenset({"party", "personal"}),
    "party-military": frozenset({"party", "military"}),
    "party-personal-military": frozenset({"party", "personal", "military"}),
    "personal": frozenset({"personal"}),
    "military": frozenset({"military"}),
    "military personal": frozenset({"military", "personal"}),
    "indirect military": frozenset({"military"}),
    "provisional military": frozenset({"provisional", "military"}),
    "provisional": frozenset({"provisional"}),
    "civilian provisional": frozenset({"provisional"}),
    "monarchy": frozenset({"monarchy"}),
    "oligarchy": frozenset(),
    "warlordism": frozenset(),
    "foreign-occupied": frozenset(),
}

_DUMMIES = {
    "democracy": ("Democracy (presidential or parliamentary)", True),
    "presidential": ("Presidential democracy", None),
    "parliamentary": ("Parliamentary democracy", None),
    "party": ("Party-based autocracy (alone or hybrid)", False),
    "personal": ("Personalist autocracy (alone or hybrid)", False),
    "military": ("Military autocracy (alone, hybrid, indirect or provisional)", False),
    "monarchy": ("Monarchy", False),
    "provisional": ("Provisional government", False),
}

INDICATORS = tuple(
    IndicatorSpec(
        column=name,
        code=f"reign.{name}",
        label=label,
        scale="1 = the regime in force on 31 December is of this type, 0 = not",
        higher_is_better=better,
        minimum=0,
        maximum=1,
        description="Derived from gwf_regimetype; see stabilis.sources.reign.COMPONENTS.",
    )
    for name, (label, better) in _DUMMIES.items()
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the REIGN file into spell-year records and year-end regime-type dummies."""
    SPEC.file(file_key)
    name_col = "reign_country"
    raw = read_csv(
        path,
        required=(
            "reign_cowcode",
            name_col,
            "gwf_casename",
            "gwf_regimetype",
            "Start",
            "End",
            "year",
            "GWn",
            "cown",
        ),
    )
    records = raw[[ROW, name_col]].copy()
    records["casename"] = raw["gwf_casename"]
    records["regime_type"] = _regime_types(raw, path)
    records["spell_start"] = check_dates(raw, "Start", file=path, required=True).astype(object)
    records["spell_end"] = check_dates(raw, "End", file=path, required=True).astype(object)
    records["year"] = to_number(raw, "year", file=path, integer=True, minimum=1500, maximum=2100)
    records["reign_cowcode"] = to_number(
        raw, "reign_cowcode", file=path, integer=True, minimum=1, maximum=999
    )
    keys = democracy_data_codes(raw, records, file=path, name_column=name_col)
    year_end = records["year"].astype(str) + "-12-31"
    records["in_force_at_year_end"] = (records["spell_start"] <= year_end) & (
        year_end <= records["spell_end"]
    )
    check_unique(records, ["reign_cowcode", "year", "casename"], file=path)
    return [
        ParsedTable(
            table="regime_types",
            frame=records,
            country_keys=dict(keys),
            name_column=name_col,
            description="REIGN regime spell per country-year (several in change years).",
        ),
        ParsedTable(
            table="indicators",
            frame=_year_end_dummies(records, path),
            country_keys=dict(keys),
            indicators=INDICATORS,
            name_column=name_col,
            description="Regime-type dummies of the spell in force on 31 December.",
        ),
    ]


def _year_end_dummies(records: pd.DataFrame, path: Path) -> pd.DataFrame:
    # One row per G&W country-year: the spell in force at year end, else the latest to start.
    # Earlier spells of the same year are left out here on purpose (they stay in the records).
    order = records.sort_values(
        ["gwcode", "year", "in_force_at_year_end", "spell_start", ROW], kind="stable"
    )
    frame = order.drop_duplicates(["gwcode", "year"], keep="last").sort_values(ROW)
    frame = frame.drop(columns=["in_force_at_year_end"]).reset_index(drop=True)
    for name in _DUMMIES:
        frame[name] = (
            frame["regime_type"]
            .map(lambda kind, name=name: int(name in COMPONENTS[kind]))
            .astype("Int64")
        )
    check_unique(frame, ["gwcode", "year"], file=path)
    return frame


def _regime_types(raw: pd.DataFrame, path: Path) -> pd.Series:
    kinds = raw["gwf_regimetype"].str.strip().str.lower()
    unknown = ~kinds.isin(list(COMPONENTS))
    refuse_first(
        raw,
        unknown,
        lambda i: (
            f"'{raw['gwf_regimetype'].iloc[i]}' is not a known REIGN regime type "
            f"({', '.join(COMPONENTS)})."
        ),
        file=path,
        column="gwf_regimetype",
        hint="A new type needs a line in stabilis.sources.reign.COMPONENTS.",
    )
    return kinds
