"""Perceptions of Electoral Integrity (PEI 7.0), election level, 2012-2018.

The staged file is ``PEI election-level data (PEI_7.0) v2 09-05-2019.tab`` from repo
``shengyu1-star/IRI_Policy_Lab`` (commit 497e8df7), converted to CSV with every cell kept as the
same text (SOURCES.md section 21a): 337 national elections in 167 countries.

The parser emits the records table ``pei_elections``, one row per election: ``election`` (the
producer's id, ``ISO_ddmmyyyy_L1``/``_P2``: office and round), ``date``, ``year``, ``office``
("legislative" or "presidential", from the id's ``L``/``P``; ``office_source`` is the source's
``office`` column, 0 legislative and 1 presidential, and ``office_conflict`` marks the one staged
row where the two disagree), ``chamber`` ("lower"; "upper" for the one senate election,
``_S1``), ``round`` (from the id), the expert
survey's ``numresponses`` and ``responserate``, the PEI index (``pei_index``: ``PEIIndexp``,
0-100, with ``pei_index_lci``/``_hci``; ``pei_index_imputed``: ``PEIIndexi``), ``rating``,
and the eleven sub-dimensions (0-100): ``laws, procedures, boundaries, votereg, partyreg,
media, finance, voting, count, results, embs``. Numbers keep the source's precision. Country:
``ISO`` (ISO3), then ``ccodecow`` (COW), then ``country``.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_dates, check_unique, read_csv, refuse_first, to_number

SPEC = SourceSpec(
    name="pei",
    title="Perceptions of Electoral Integrity (PEI-7.0)",
    producer="Electoral Integrity Project (Norris & Grömping)",
    release="PEI 7.0 election level, v2 of 2019-05-09 (elections 2012-07 to 2018-12)",
    licence=(
        "CHECK: published on Harvard Dataverse; the terms were not seen (the Dataverse default "
        "is CC0). Verify before redistribution."
    ),
    citation=(
        "Norris, P. & Grömping, M. (2019). Perceptions of Electoral Integrity (PEI-7.0). "
        "Harvard Dataverse, doi:10.7910/DVN/PDYRWL (DOI to be checked)."
    ),
    homepage="https://www.electoralintegrityproject.com/",
    files=(
        SourceFile(
            key="elections",
            mirror_path="elections/pei7_election_level_2012_2018.csv",
            url="https://doi.org/10.7910/DVN/PDYRWL",
            description="Election-level PEI 7.0 (staged: repo shengyu1-star/IRI_Policy_Lab, "
            "commit 497e8df7, tab file converted to CSV).",
        ),
    ),
    caveats="Expert perceptions, not results. Ends in 2018; no later release was found.",
)

#: Sub-dimensions of the PEI index (source column -> output column), each 0-100.
DIMENSIONS = {
    "laws": "laws",
    "procedures": "procedures",
    "boundaries": "boundaries",
    "votereg": "votereg",
    "partyreg": "partyreg",
    "media": "media",
    "finance": "finance",
    "voting": "voting",
    "count": "count",
    "results": "results",
    "EMBs": "embs",
}
_SCORES = {
    "PEIIndexp": "pei_index",
    "PEIIndexp_lci": "pei_index_lci",
    "PEIIndexp_hci": "pei_index_hci",
    "PEIIndexi": "pei_index_imputed",
}
_OFFICES = {0: "legislative", 1: "presidential"}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the election-level file into ``pei_elections``."""
    import pandas as pd

    SPEC.file(file_key)
    required = ("election", "date", "year", "office", "country", "ccodecow", "ISO",
                "numresponses", "responserate", "rating", *_SCORES, *DIMENSIONS)  # fmt: skip
    raw = read_csv(path, required=required)
    frame = pd.DataFrame({"election": raw["election"].str.strip()})
    frame[ROW] = raw[ROW]
    check_unique(frame, ["election"], file=path)
    frame["date"] = check_dates(raw, "date", file=path, required=True)
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1990, maximum=2100)
    differs = frame["year"] != frame["date"].str.slice(0, 4).astype("int64")
    refuse_first(
        raw,
        differs,
        lambda i: (
            f"year {frame['year'].iloc[i]} is not the year of the date {frame['date'].iloc[i]}."
        ),
        file=path,
        column="year",
        hint="Restore the producer's file.",
    )
    office = to_number(raw, "office", file=path, integer=True, minimum=0, maximum=1)
    parts = frame["election"].str.extract(r"^[A-Z]{3}_\d{8}_([LPS])(\d+)$")
    refuse_first(
        raw,
        parts[0].isna(),
        lambda i: (
            f"'{frame['election'].iloc[i]}' is not a PEI election id (ISO_ddmmyyyy_L1, _S1 or _P2)."
        ),
        file=path,
        column="election",
        hint="Restore the producer's file.",
    )
    from_id = parts[0].map({"L": "legislative", "S": "legislative", "P": "presidential"})
    frame["chamber"] = parts[0].map({"L": "lower", "S": "upper", "P": None}).astype(object)
    frame["office_source"] = office.map(_OFFICES).astype(object)
    # The id's letter wins: one staged row (GEO_28112018_P2, Georgia's presidential run-off)
    # has office 0; office_conflict marks it.
    frame["office"] = from_id.astype(object)
    frame["office_conflict"] = (from_id != frame["office_source"]).to_numpy()
    frame["round"] = pd.to_numeric(parts[1], errors="coerce").astype("Int64")
    frame["country"] = raw["country"]
    frame["ISO"] = raw["ISO"].str.strip()
    frame["ccodecow"] = to_number(raw, "ccodecow", file=path, integer=True, minimum=1)
    frame["numresponses"] = to_number(raw, "numresponses", file=path, integer=True, minimum=0)
    frame["responserate"] = to_number(raw, "responserate", file=path, minimum=0, maximum=100)
    frame["rating"] = to_number(raw, "rating", file=path, minimum=0, maximum=10)
    for source, out in {**_SCORES, **DIMENSIONS}.items():
        frame[out] = to_number(raw, source, file=path, minimum=0, maximum=100)
    columns = [c for c in frame.columns if c != ROW]
    return [
        ParsedTable(
            table="pei_elections",
            frame=frame[[*columns, ROW]],
            country_keys={"ISO": "iso3", "ccodecow": "cowcode", "country": "name"},
            year_column="year",
            name_column="country",
            description="PEI 7.0, one row per national election (expert perceptions, 0-100).",
        )
    ]
