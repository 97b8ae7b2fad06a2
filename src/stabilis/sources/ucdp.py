"""UCDP/PRIO Armed Conflict Dataset v25.1 and the UCDP onset counts (Uppsala Conflict Data Program).

Two files:

* ``acd``: one row per conflict-year (1946-2024). The staged file is a redistributor's copy
  (repo ``Jenssah86/bit_academy_analytics_project``) that had been re-saved by a spreadsheet;
  it was rewritten as comma CSV with ISO dates, and one record split over two lines (conflict
  11349, 2008) was rebuilt (see SOURCES.md section 5a). The parser emits the records table
  ``conflicts`` with **one row per conflict-year and location country**: ``gwno_loc`` can hold
  a comma-separated list of Gleditsch-Ward codes ("651, 666" for Egypt-Israel), which is
  exploded into ``gwcode``; ``n_locations`` says how many countries shared the source row, so
  sums over countries must not count a multi-location conflict-year once per country without
  meaning to. Every output row keeps the source ``_row``.
* ``onsets``: peacesciencer's conversion of UCDP onset counts per G&W state-year, 1946-2017
  (new conflicts and onsets after 1/2/3/5/10 years of peace). It ends in 2017.

Codes (UCDP codebook): ``incompatibility`` 1 territory, 2 government, 3 both;
``intensity_level`` 1 = 25-999 battle-related deaths in the year, 2 = war (1,000 or more);
``type_of_conflict`` 1 extrasystemic, 2 interstate, 3 intrastate, 4 internationalized
intrastate. ``region`` is kept as text because it too can be a list ("1, 3").
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_dates,
    check_unique,
    read_csv,
    read_state_year_counts,
    to_number,
)

SPEC = SourceSpec(
    name="ucdp",
    title="UCDP/PRIO Armed Conflict Dataset v25.1 and UCDP conflict onsets",
    producer="Uppsala Conflict Data Program (UCDP) and Peace Research Institute Oslo (PRIO)",
    release="ACD v25.1 (2025); onsets to 2017 via peacesciencer",
    licence="CC BY 4.0",
    citation=(
        "Gleditsch, N. P., Wallensteen, P., Eriksson, M., Sollenberg, M. & Strand, H. (2002). "
        "Armed Conflict 1946-2001: A New Dataset. Journal of Peace Research 39(5); Davies, S. "
        "et al. (2025). Organized violence 1989-2024. Journal of Peace Research. Onsets: "
        "Pettersson / UCDP onset dataset, as converted by Miller (2022), peacesciencer."
    ),
    homepage="https://ucdp.uu.se/downloads/",
    files=(
        SourceFile(
            key="acd",
            mirror_path="ucdp/ucdp_prio_acd_v25_1.csv",
            url="https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-251-csv.zip",
            description=(
                "Conflict-years 1946-2024 (staged: a redistributor's comma-CSV rewrite with ISO "
                "dates, repo Jenssah86/bit_academy_analytics_project, commit 151731d0)."
            ),
        ),
        SourceFile(
            key="onsets",
            mirror_path="ucdp/ucdp_onsets_gw_1946_2017.csv",
            url="https://ucdp.uu.se/downloads/",
            description=(
                "Conflict onset counts per G&W state-year 1946-2017 (staged: peacesciencer "
                "data/ucdp_onsets.rda converted to CSV, commit fe150a26)."
            ),
        ),
    ),
    caveats=(
        "A conflict-year located in several countries becomes one row per country "
        "(n_locations > 1). Onsets end in 2017; recompute from the ACD for later years."
    ),
)

_ONSET_LABELS = {
    "sumnewconf": "New conflicts (any, first year in the data)",
    "sumonset1": "Conflict onsets after at least 1 year of peace",
    "sumonset2": "Conflict onsets after at least 2 years of peace",
    "sumonset3": "Conflict onsets after at least 3 years of peace",
    "sumonset5": "Conflict onsets after at least 5 years of peace",
    "sumonset10": "Conflict onsets after at least 10 years of peace",
}

ONSET_INDICATORS = tuple(
    IndicatorSpec(
        column=code,
        code=f"ucdp.{code}",
        label=label,
        scale="count of conflicts in the year",
        higher_is_better=False,
        minimum=0,
    )
    for code, label in _ONSET_LABELS.items()
)

_ACD_TEXT = ("location", "side_a", "side_b", "territory_name", "region")
_ACD_DATES = ("start_date", "start_date2", "ep_end_date")
_ACD_CODES: dict[str, tuple[int, int]] = {
    "incompatibility": (1, 3),
    "intensity_level": (1, 2),
    "cumulative_intensity": (0, 1),
    "type_of_conflict": (1, 4),
    "ep_end": (0, 1),
}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse one UCDP file (``acd`` or ``onsets``)."""
    SPEC.file(file_key)
    if file_key == "acd":
        return [_parse_acd(path)]
    return [_parse_onsets(path)]


def _parse_acd(path: Path) -> ParsedTable:
    import pandas as pd

    raw = read_csv(
        path, required=("conflict_id", "year", "gwno_loc", *_ACD_TEXT, *_ACD_DATES, *_ACD_CODES)
    )
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["conflict_id"] = to_number(raw, "conflict_id", file=path, integer=True, minimum=1)
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1946, maximum=2100)
    for column in _ACD_TEXT:
        frame[column] = raw[column]
    for column, (low, high) in _ACD_CODES.items():
        frame[column] = to_number(raw, column, file=path, integer=True, minimum=low, maximum=high)
    for column in _ACD_DATES:
        frame[column] = check_dates(raw, column, file=path)
    check_unique(frame, ["conflict_id", "year"], file=path)

    # One row per location country: the cell "651, 666" gives two rows sharing _row.
    codes = raw["gwno_loc"].fillna("").str.split(",")
    frame["n_locations"] = codes.map(lambda parts: sum(1 for p in parts if p.strip()))
    frame["gwno_loc"] = codes.map(lambda parts: [p.strip() for p in parts if p.strip()] or [None])
    long = frame.explode("gwno_loc", ignore_index=True)
    long["gwcode"] = to_number(long, "gwno_loc", file=path, integer=True, minimum=1, maximum=999)
    ordered = [
        "conflict_id",
        "year",
        "gwcode",
        "n_locations",
        "location",
        "side_a",
        "side_b",
        "incompatibility",
        "territory_name",
        "intensity_level",
        "cumulative_intensity",
        "type_of_conflict",
        "start_date",
        "start_date2",
        "ep_end",
        "ep_end_date",
        "region",
        ROW,
    ]
    return ParsedTable(
        table="conflicts",
        frame=long[ordered],
        country_keys={"gwcode": "gwcode", "location": "name"},
        name_column="location",
        description=(
            "UCDP/PRIO conflict-years, one row per location country (gwno_loc exploded); "
            "n_locations counts the countries of the source row."
        ),
    )


def _parse_onsets(path: Path) -> ParsedTable:
    return read_state_year_counts(
        path,
        key=("gwcode", "gwcode"),
        first_year=1946,
        indicators=ONSET_INDICATORS,
        description="UCDP conflict onset counts per G&W state-year, 1946-2017.",
    )
