"""UN peacekeeping: personnel per mission and month (Kathman) and contributors by location (Geo-PKO).

Two files (SOURCES.md 22f-g):

* ``missions``: Kathman's mission-month file (``mission-month_12-2019_kathman.xlsx`` converted;
  repo ``Brian-Lookabaugh/humanitarian-intervention-msm``, commit cae9ea09), 1990-01 to 2019-12:
  troops, police, military observers and totals **per mission**, with the mission's host
  (COW ``missionccode``, a second host in ``missionccode2``, and the name ``missioncountry``).
  ``-999`` is the producer's missing code and becomes empty. It says nothing of who contributed.
  Records table ``un_pko_mission_months``; missions spanning several countries ("Iran-Iraq",
  "Various") have no single host and are explained in the quality report.
* ``contributors``: Geo-PKO v2.3's dashboard aggregate (``TCCMap_v.2.3.csv``; repo
  ``geopko/Geo-PKO-Shiny-Dashboard``, commit c2e56d21), 1994-2024, one row per mission, location
  and year, with the troop-contributing countries as free text ("Finland (300), Ireland (300)",
  "Nepal (size unknown)"). The parser splits the text into the records table
  ``un_pko_contributors`` (one row per location-year and contributor, the contributor being the
  row's country, ``troops`` the number or empty when "size unknown"); ``un_pko_locations`` keeps
  each location-year with its coordinates and the producer's count of contributors
  (``No.TCC``). A contributor text that does not read as ``Name (size)`` is an error naming the
  row. It covers map-based deployments only and sizes are often unknown.
"""

from __future__ import annotations

import re
from pathlib import Path

from stabilis.errors import DataFileError
from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, read_csv, to_number

SPEC = SourceSpec(
    name="un_pko",
    title="UN peacekeeping personnel (Kathman) and contributors by location (Geo-PKO v2.3)",
    producer="Jacob D. Kathman; Geo-PKO team, Uppsala University",
    release="Kathman mission-month to 2019-12; Geo-PKO v2.3 dashboard aggregate 1994-2024",
    licence="Free with citation (terms: check); Geo-PKO dashboard repo GPL-2",
    citation=(
        "Kathman, J. D. (2013). United Nations Peacekeeping Personnel Commitments, 1990-2011. "
        "Conflict Management and Peace Science 30(5): 532-549 (updated to Dec 2019); Cil, D., "
        "Fjelde, H., Hultman, L. & Nilsson, D. (2020). Mapping blue helmets: Introducing the "
        "Geocoded Peacekeeping Operations (Geo-PKO) dataset. Journal of Peace Research 57(2)."
    ),
    homepage="https://www.pcr.uu.se/data/geo-pko/",
    files=(
        SourceFile(
            key="missions",
            mirror_path="military/un_pko_mission_month_kathman_1990_2019.csv",
            url="https://kathmanundata.weebly.com/",
            description="UN personnel per mission and month, 1990-2019 (host side only).",
        ),
        SourceFile(
            key="contributors",
            mirror_path="military/geopko_v2_3_tcc_by_mission_location_year_1994_2024.csv",
            url="https://raw.githubusercontent.com/geopko/Geo-PKO-Shiny-Dashboard/c2e56d213a4533b5e4a45a7510a4bf2684670cf6/data/TCCMap_v.2.3.csv",
            description="Troop contributors per mission location and year (Geo-PKO dashboard).",
        ),
    ),
    caveats=(
        "Kathman gives personnel per mission, not per contributor. Geo-PKO's contributor text is "
        "a dashboard aggregate: map-based deployments only, sizes often unknown."
    ),
)

_COUNTS = ("troop", "police", "militaryobservers", "total", "total2")
_CONTRIBUTOR = re.compile(r"^\s*(?P<name>.+?)\s*\((?P<size>[^()]*)\)\s*$")
_SPLIT = re.compile(r",\s*(?![^()]*\))")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the mission-month file or the contributor-location file."""
    SPEC.file(file_key)
    if file_key == "contributors":
        return _contributors(path)
    import pandas as pd

    raw = read_csv(
        path,
        required=(
            "mission",
            "missioncountry",
            "missionccode",
            "missionccode2",
            "year",
            "month",
            *_COUNTS,
        ),
    )
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["mission"] = raw["mission"]
    frame["missioncountry"] = raw["missioncountry"]
    frame["missionccode"] = to_number(
        raw, "missionccode", file=path, integer=True, minimum=1, maximum=9999, na_values=("-999",)
    )
    frame["missionccode2"] = to_number(
        raw, "missionccode2", file=path, integer=True, minimum=1, maximum=9999, na_values=("-999",)
    )
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1945, maximum=2100)
    frame["month"] = to_number(raw, "month", file=path, integer=True, minimum=1, maximum=12)
    for column in _COUNTS:
        frame[column] = to_number(
            raw, column, file=path, integer=True, minimum=0, na_values=("-999",)
        )
    check_unique(frame, ["mission", "year", "month"], file=path)
    return [
        ParsedTable(
            table="un_pko_mission_months",
            frame=frame,
            country_keys={"missionccode": "cowcode", "missioncountry": "name"},
            name_column="missioncountry",
            description="UN peacekeeping personnel per mission and month (host country).",
        )
    ]


def _contributors(path: Path) -> list[ParsedTable]:
    import pandas as pd

    raw = read_csv(
        path,
        required=(
            "mission",
            "year",
            "location",
            "latitude",
            "longitude",
            "No.TCC",
            "year.overview",
        ),
    )
    locations = pd.DataFrame({ROW: raw[ROW]})
    locations["mission"] = raw["mission"]
    locations["year"] = to_number(raw, "year", file=path, integer=True, minimum=1945, maximum=2100)
    locations["location"] = raw["location"]
    locations["latitude"] = to_number(raw, "latitude", file=path, minimum=-90, maximum=90)
    locations["longitude"] = to_number(raw, "longitude", file=path, minimum=-180, maximum=180)
    locations["n_tcc"] = to_number(raw, "No.TCC", file=path, integer=True, minimum=0)
    records: list[dict[str, object]] = []
    for row, mission, year, location, text in zip(
        raw[ROW],
        raw["mission"],
        locations["year"],
        raw["location"],
        raw["year.overview"],
        strict=True,
    ):
        if text is None:
            continue
        for part in _SPLIT.split(str(text)):
            match = _CONTRIBUTOR.match(part)
            if match is None:
                raise DataFileError(
                    f"'{part}' does not read as 'Country (size)' or 'Country (size unknown)'.",
                    file=path,
                    row=int(row),
                    column="year.overview",
                    hint="Restore the producer's dashboard file.",
                )
            size = match["size"].strip()
            if size != "size unknown" and not size.isdigit():
                raise DataFileError(
                    f"the size '{size}' of '{match['name']}' is neither a number nor 'size unknown'.",
                    file=path,
                    row=int(row),
                    column="year.overview",
                )
            records.append(
                {
                    "mission": mission,
                    "year": year,
                    "location": location,
                    "contributor": match["name"].strip(),
                    "troops": int(size) if size.isdigit() else None,
                    ROW: int(row),
                }
            )
    contributors = pd.DataFrame.from_records(records)
    contributors["troops"] = contributors["troops"].astype("Int64")
    return [
        ParsedTable(
            table="un_pko_locations",
            frame=locations,
            description="Geo-PKO mission locations per year with their number of contributors.",
        ),
        ParsedTable(
            table="un_pko_contributors",
            frame=contributors,
            country_keys={"contributor": "name"},
            name_column="contributor",
            description="Geo-PKO troop contributors per mission location and year.",
        ),
    ]
