"""UCDP Peace Agreement Dataset v22.1 (agreements signed 1975-2021).

The staged file is UCDP's own CSV, copied verbatim from repo ``chilinhhovo/project_6``
(``ucdp-peace-agreements-221.csv``, commit ca2f5928; SOURCES.md section 23a): 374 agreements in
78 conflicts. Two column names carry a trailing space in the source (``ref ``, ``return ``) and
there is an empty trailing column from a trailing comma; neither is used.

Two records tables:

* ``ucdp_peace_agreements``: one row per agreement (``paid``), with ``pa_name``, ``pa_date``
  (ISO), ``year``, ``conflict_id``, ``conflict_name``, ``incompatibility`` (text: 1 territory,
  2 government, 3 both; "2, 1" where an agreement covers several dyads), ``ended`` (the conflict ended within the agreement's terms), and the
  provision dummies ``cease`` (ceasefire), ``pko`` (peacekeeping operation), ``elections``,
  ``intgov`` (interim/transitional government), ``ddr`` and ``amn`` (amnesty), each 0/1.
* ``ucdp_peace_agreement_countries``: one row per agreement and location country (``gwno`` is a
  comma-separated list of Gleditsch-Ward codes for agreements covering several states).
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_dates, check_unique, read_csv, refuse_first, to_number

SPEC = SourceSpec(
    name="ucdp_peace",
    title="UCDP Peace Agreement Dataset",
    producer="Uppsala Conflict Data Program",
    release="v22.1 (agreements 1975-03-06 to 2021-05-02)",
    licence="CC BY 4.0",
    citation=(
        "Pettersson, T., Högbladh, S. & Öberg, M. (2019). Organized violence, 1989-2018 and peace "
        "agreements. Journal of Peace Research 56(4); Högbladh, S. (2012), UCDP Peace Agreement "
        "Dataset v22.1."
    ),
    homepage="https://ucdp.uu.se/downloads/",
    files=(
        SourceFile(
            key="agreements",
            mirror_path="ucdp_extra/ucdp_peace_agreements_v22_1.csv",
            url="https://ucdp.uu.se/downloads/peace/ucdp-peace-agreements-221.xlsx",
            description="Peace agreements, one row per agreement (staged: UCDP's CSV from repo "
            "chilinhhovo/project_6, commit ca2f5928).",
        ),
    ),
    caveats="Ends in May 2021. Multi-country agreements list several G&W codes in one cell.",
)

PROVISIONS = ("cease", "pko", "elections", "intgov", "ddr", "amn")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the agreement file into the two tables."""
    import pandas as pd

    SPEC.file(file_key)
    required = ("paid", "gwno", "conflict_id", "conflict_name", "incompatibility", "pa_name",
                "year", "pa_date", "ended", *PROVISIONS)  # fmt: skip
    raw = read_csv(path, required=required)
    frame = pd.DataFrame(
        {
            "paid": to_number(raw, "paid", file=path, integer=True, minimum=1),
            "pa_name": raw["pa_name"],
            "pa_date": check_dates(raw, "pa_date", file=path, required=True),
            "year": to_number(raw, "year", file=path, integer=True, minimum=1946, maximum=2100),
            "conflict_id": raw["conflict_id"],
            "conflict_name": raw["conflict_name"],
            "incompatibility": raw["incompatibility"],
            "ended": raw["ended"].map({"True": True, "False": False}).astype("boolean"),
            "gwno": raw["gwno"],
        }
    )
    for column in PROVISIONS:
        frame[column] = to_number(raw, column, file=path, integer=True, minimum=0, maximum=1)
    frame[ROW] = raw[ROW]
    check_unique(frame, ["paid"], file=path)
    bad = frame["gwno"].isna() | ~frame["gwno"].fillna("").str.fullmatch(r"\d+(\s*,\s*\d+)*")
    refuse_first(
        raw,
        bad,
        lambda i: f"'{frame['gwno'].iloc[i]}' is not a list of Gleditsch-Ward codes.",
        file=path,
        column="gwno",
        hint="Restore UCDP's file; gwno holds codes such as '700' or '471, 475'.",
    )
    long = frame[["paid", "year", "gwno", ROW]].assign(gwcode=frame["gwno"].str.split(","))
    long = long.explode("gwcode", ignore_index=True)
    long["gwcode"] = long["gwcode"].str.strip().astype("int64")
    return [
        ParsedTable(
            table="ucdp_peace_agreements",
            frame=frame,
            description="UCDP peace agreements, one row per agreement.",
        ),
        ParsedTable(
            table="ucdp_peace_agreement_countries",
            frame=long[["paid", "year", "gwcode", ROW]],
            country_keys={"gwcode": "gwcode"},
            year_column="year",
            description="One row per peace agreement and location country (G&W code).",
        ),
    ]
