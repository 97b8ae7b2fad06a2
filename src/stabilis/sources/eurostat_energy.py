"""Eurostat, energy imports dependency (nrg_ind_id, nrg_ind_id3cf, nrg_ind_idogas, nrg_ind_idooil).

The staged file converts Eurostat's four bulk TSV downloads (kept in repo
``unige-vizis/MyEnergyProfile``, commit b6a02718; SOURCES.md 24a) into one long table: dataset,
fuel (``siec``), partner (empty for ``nrg_ind_id``, ``THRD`` = third countries, or an ISO2
partner), unit (``PC`` = %), Eurostat ``geo`` code, year, ``value``, Eurostat ``flag`` and the
cell text ``raw`` (``:`` = not available).

Dependency = net imports / gross available energy, in %. It can exceed 100 (stock building)
or be far below zero (net exporters: Norway's gas is about -1,000 %), so no range is imposed.
Countries are Eurostat ``geo`` codes (``EL`` = Greece, ``UK``, ``XK`` = Kosovo), resolved
through the code list's ``eurostat`` column; ``EU27_2020`` and ``EA20`` are aggregates,
explained in the quality report.

Records table ``energy_import_dependency`` keeps every cell. Indicators (``nrg_ind_id``, all
partners): ``eurostat.nrg_ind_id_total`` (all fuels), ``eurostat.nrg_ind_id_g3000`` (natural
gas), ``eurostat.nrg_ind_id_o4000xbio`` (oil and petroleum products) and
``eurostat.nrg_ind_id_c0000x0350_0370`` (solid fossil fuels).
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_allowed,
    check_unique,
    read_csv,
    refuse_empty,
    to_number,
    wide_by_key,
)

SPEC = SourceSpec(
    name="eurostat_energy",
    title="Energy imports dependency (Eurostat)",
    producer="Eurostat",
    release="nrg_ind_id 1990-2024; nrg_ind_id3cf 2010-2023; idogas/idooil 2015-2020",
    licence="CC BY 4.0 (Eurostat copyright notice, Commission Decision 2011/833/EU)",
    citation=(
        "Eurostat. Energy imports dependency (nrg_ind_id, nrg_ind_id3cf, nrg_ind_idogas, "
        "nrg_ind_idooil). https://ec.europa.eu/eurostat/databrowser/view/nrg_ind_id/"
    ),
    homepage="https://ec.europa.eu/eurostat/databrowser/view/nrg_ind_id/",
    files=(
        SourceFile(
            key="dependency",
            mirror_path="resilience/eurostat_energy_import_dependency_long.csv",
            url="https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/nrg_ind_id?format=TSV",
            description=(
                "Four Eurostat bulk TSV tables as one long table; staged from repo "
                "unige-vizis/MyEnergyProfile, commit b6a02718."
            ),
        ),
    ),
    caveats=(
        "Can exceed 100 % or be negative. Latest year partly empty. Partner tables stop in "
        "2020 (before the post-2022 shift from Russian gas). Eurostat geo codes."
    ),
)

DATASETS = ("nrg_ind_id", "nrg_ind_id3cf", "nrg_ind_idogas", "nrg_ind_idooil")
FLAGS = (None, "i", "m", "e", "p", "b", "c", "d", "n", "u", "z")
FUELS = {
    "TOTAL": "All products",
    "G3000": "Natural gas",
    "O4000XBIO": "Oil and petroleum products (excluding biofuel portion)",
    "C0000X0350-0370": "Solid fossil fuels",
}
INDICATORS = tuple(
    IndicatorSpec(
        column=code,
        code="eurostat.nrg_ind_id_" + code.lower().replace("-", "_"),
        label=f"Energy import dependency, {label.lower()} (Eurostat)",
        scale="% of gross available energy; >100 = stock building, <0 = net exporter",
        higher_is_better=False,
        description="Net imports / gross available energy (nrg_ind_id).",
    )
    for code, label in FUELS.items()
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the long table into the records table and four dependency indicators."""
    import pandas as pd

    SPEC.file(file_key)
    required = ("dataset", "freq", "siec", "partner", "unit", "geo", "year", "value", "flag", "raw")
    raw = read_csv(path, required=required)
    check_allowed(raw, "dataset", DATASETS, file=path)
    check_allowed(raw, "unit", ("PC",), file=path, hint="Only percentages (PC) are expected.")
    check_allowed(raw, "freq", ("A",), file=path, hint="Only annual data (A) are expected.")
    check_allowed(raw, "flag", FLAGS, file=path)
    refuse_empty(raw, "geo", "the geo code is empty.", file=path)
    frame = pd.DataFrame({ROW: raw[ROW]})
    for column in ("dataset", "siec", "partner", "unit", "geo", "flag", "raw"):
        frame[column] = raw[column]
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1950, maximum=2100)
    frame["value"] = to_number(raw, "value", file=path)
    check_unique(frame, ["dataset", "siec", "partner", "geo", "year"], file=path)
    main = frame[(frame["dataset"] == "nrg_ind_id") & frame["siec"].isin(list(FUELS))]
    wide = wide_by_key(main, index=("geo", "year"), columns="siec", order=tuple(FUELS))
    return [
        ParsedTable(
            table="energy_import_dependency",
            frame=frame,
            country_keys={"geo": "eurostat"},
            name_column="geo",
            description="Eurostat energy import dependency, every dataset, fuel and partner.",
        ),
        ParsedTable(
            table="indicators",
            frame=wide,
            country_keys={"geo": "eurostat"},
            indicators=INDICATORS,
            name_column="geo",
            description="Eurostat import dependency by fuel (nrg_ind_id).",
        ),
    ]
