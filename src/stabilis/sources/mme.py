"""Multinational Military Exercises (MME) v7, 1980-2010 (D'Orazio & Galambos).

The staged file is ``data-raw/mme_v7.csv`` of repo ``meflynn/troopdata`` (commit 788b3749;
SOURCES.md 22e): one row per exercise with up to 39 participant states in the wide columns
``StateA`` ... ``StateAM`` (names, not codes). The parser gives two records tables:

* ``mme_exercises``: one row per source row (``mme_id``, name, series, location text, start year
  and month, the type dummies ``cpx, air, land, sea, amphibious, cyber, warfighting,
  peacekeeping, humanitarian``, ``participants`` = number of named states). Three ids
  (``mme3457``, ``mme3458``, ``mme3460``) occur twice in the release; both rows are kept and
  ``duplicate_id`` marks them, so a count of exercises can use distinct ids.
* ``mme_participants``: one row per exercise and named participant (the state is the row's
  country, resolved by name). Empty slots and the producer's ``-9`` (missing name) are not
  participants and are left out; their number is kept on the exercise row (``missing_names``).

The exercise location is free text ("Vieques", "Egypt", "Baltic Sea") and is **not** resolved
to a host country: hosting cannot be told apart from joining in this release, so the support
audit counts exercises joined. Dates are mixed (``1/14/80`` or ``1980-01-xx``); the start year
``s.year`` is used and checked (1980-2010).
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_allowed, read_csv, to_number

SPEC = SourceSpec(
    name="mme",
    title="Multinational Military Exercises, 1980-2010 (MME v7)",
    producer="Vito D'Orazio & Kevin Galambos",
    release="MME v7 (exercises starting 1980-2010)",
    licence="Harvard Dataverse V1; free with citation (terms: check)",
    citation=(
        "D'Orazio, V. & Galambos, K. (2021). Multinational Military Exercises, 1980-2010. "
        "Harvard Dataverse, doi:10.7910/DVN/KHFODX, V1."
    ),
    homepage="https://doi.org/10.7910/DVN/KHFODX",
    files=(
        SourceFile(
            key="exercises",
            mirror_path="military/mme_v7_multinational_exercises_1980_2010.csv",
            url="https://raw.githubusercontent.com/meflynn/troopdata/788b3749aa60be58959de15a30e342137160c965/data-raw/mme_v7.csv",
            description="One row per exercise, participants as names in 39 wide columns.",
            # The file at that commit (it ends without a line break, so a cut copy is refused
            # by its checksum rather than by the reader's final-line-break check).
            sha256="e6356ed4b8569133841723ad4bc6fe436b49b28570dd721940d61edb771d8719",
        ),
    ),
    caveats=(
        "Ends in 2010. Participants are names; the location is free text, so hosting is not "
        "resolved. Three exercise ids occur twice."
    ),
)

TYPES = {
    "CPX": "cpx",
    "Air": "air",
    "Land": "land",
    "Sea": "sea",
    "Amphibious": "amphibious",
    "Cyber": "cyber",
    "Warfighting": "warfighting",
    "Peacekeeping": "peacekeeping",
    "Humanitarian": "humanitarian",
}
_SUFFIXES = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [
    "A" + chr(c) for c in range(ord("A"), ord("M") + 1)
]
PARTICIPANT_COLUMNS = tuple(f"State{s}" for s in _SUFFIXES)
MISSING_NAME = "-9"


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the wide exercise file into exercises and participants (long)."""
    import numpy as np
    import pandas as pd

    SPEC.file(file_key)
    required = (
        "MMEID", "Ex_Name", "Series_Name", "Location", "s.year", "s.month", "e.year",
        *TYPES, *PARTICIPANT_COLUMNS,
    )  # fmt: skip
    raw = read_csv(path, required=required, final_newline=False)
    check_allowed(
        raw.assign(_id=raw["MMEID"].str.fullmatch(r"mme\d+").map({True: "ok"})),
        "_id",
        ("ok",),
        file=path,
        hint="Exercise ids look like 'mme87'; restore the producer's file.",
    )
    exercises = pd.DataFrame({ROW: raw[ROW]})
    exercises["mme_id"] = raw["MMEID"]
    exercises["name"] = raw["Ex_Name"]
    exercises["series"] = raw["Series_Name"]
    exercises["location"] = raw["Location"]
    exercises["year"] = to_number(
        raw, "s.year", file=path, integer=True, minimum=1980, maximum=2010
    )
    exercises["month"] = to_number(
        raw, "s.month", file=path, integer=True, minimum=1, maximum=12, na_values=("xx",)
    )
    exercises["end_year"] = to_number(
        raw, "e.year", file=path, integer=True, minimum=1980, maximum=2012, na_values=("xx",)
    )
    for column, out in TYPES.items():
        exercises[out] = to_number(
            raw, column, file=path, integer=True, minimum=0, maximum=1, na_values=("-9",)
        )
    names = raw[list(PARTICIPANT_COLUMNS)].apply(lambda s: s.str.strip())
    named = names.notna() & (names != "") & (names != MISSING_NAME)
    exercises["participants"] = named.sum(axis=1).to_numpy()
    exercises["missing_names"] = (names == MISSING_NAME).sum(axis=1).to_numpy()
    exercises["duplicate_id"] = exercises["mme_id"].duplicated(keep=False).to_numpy()

    rows, slots = np.nonzero(named.to_numpy())
    participants = pd.DataFrame(
        {
            "mme_id": raw["MMEID"].to_numpy()[rows],
            "year": exercises["year"].to_numpy()[rows],
            "slot": np.array(PARTICIPANT_COLUMNS)[slots],
            "participant": names.to_numpy()[rows, slots],
            ROW: raw[ROW].to_numpy()[rows],
        }
    )
    participants = participants.drop_duplicates(["mme_id", ROW, "participant"])
    return [
        ParsedTable(
            table="mme_exercises",
            frame=exercises,
            description="MME v7 exercises, one row per source row; location not resolved.",
        ),
        ParsedTable(
            table="mme_participants",
            frame=participants.reset_index(drop=True),
            country_keys={"participant": "name"},
            name_column="participant",
            description="MME v7 participants, one row per exercise and named state.",
        ),
    ]
