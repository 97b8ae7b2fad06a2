"""V-Party v2: parties in national legislative elections, 1900-2019 (V-Dem Institute).

The staged file is a CSV conversion of ``data/vparty.RData`` of repo ``vdeminstitute/vdemdata``
(blob 7b612a09, identical at the v15 and v16 commits; SOURCES.md section 21b), subset to the 112
point-estimate and identifier columns: 11,898 party-elections in 178 countries.

The parser emits the records table ``vparty_party_elections``, one row per party and election:
``party`` (English name), ``party_short``, ``party_id`` (``v2paid``), ``election_date``
(``historical_date``), ``year``, the V-Dem ``country_id`` and ``COWcode`` and ``country_name``
(the country keys, in that order), and the point estimates ``v2xpa_antiplural`` and
``v2xpa_popul`` (0-1 indices), ``v2paseatshare`` and ``v2pavote`` (percent), ``v2pagovsup``
(0-4: from senior partner in government to opposition) and the expert-coded positions ``v2paanteli`` (anti-elitism),
``v2papeople`` (people-centrism), ``v2paopresp`` (demonisation of opponents), ``v2paplur``
(political pluralism), ``v2paminor`` (minority rights), ``v2paviol`` (rejection of political
violence) as continuous latent scores (about -5 to 5, V-Dem's measurement model).

The distinct ``(country, election_date)`` pairs are the dates of national legislative elections
to 2019.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_dates, read_csv, refuse_first, to_number

SPEC = SourceSpec(
    name="vparty",
    title="V-Party: Varieties of Party Identity and Organization, v2",
    producer="V-Dem Institute",
    release="V-Party v2 (party-elections 1900-2019; vdemdata blob 7b612a09)",
    licence="CC BY-SA 4.0",
    citation=(
        "Lindberg, S. I., Düpont, N., Higashijima, M. et al. (2022). Varieties of Party Identity "
        "and Organization (V-Party) Dataset V2. V-Dem Project, doi:10.23696/vpartydsv2."
    ),
    homepage="https://www.v-dem.net/data/v-party-dataset/",
    files=(
        SourceFile(
            key="party_elections",
            mirror_path="elections/vparty_v2_party_elections_1900_2019.csv",
            url="https://www.v-dem.net/data/v-party-dataset/",
            description="Party x national legislative election (staged: CSV conversion of "
            "vdemdata data/vparty.RData, point estimates only).",
        ),
    ),
    caveats="Legislative elections only; parties with at least 5% of the vote. Ends in 2019.",
)

#: Score columns kept: source column -> (minimum, maximum) checked on load.
SCORES: dict[str, tuple[float, float]] = {
    "v2xpa_antiplural": (0, 1),
    "v2xpa_popul": (0, 1),
    "v2paseatshare": (0, 100),
    "v2pavote": (0, 100),
    "v2pagovsup": (0, 4),
    "v2paanteli": (-10, 10),
    "v2papeople": (-10, 10),
    "v2paopresp": (-10, 10),
    "v2paplur": (-10, 10),
    "v2paminor": (-10, 10),
    "v2paviol": (-10, 10),
}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the party-election file into ``vparty_party_elections``."""
    import pandas as pd

    SPEC.file(file_key)
    required = ("v2paenname", "v2pashname", "v2paid", "country_name", "country_id", "COWcode",
                "year", "historical_date", *SCORES)  # fmt: skip
    raw = read_csv(path, required=required)
    frame = pd.DataFrame(
        {
            "party": raw["v2paenname"],
            "party_short": raw["v2pashname"],
            "party_id": to_number(raw, "v2paid", file=path, integer=True, minimum=0),
            "election_date": check_dates(raw, "historical_date", file=path, required=True),
            "year": to_number(raw, "year", file=path, integer=True, minimum=1800, maximum=2100),
            "country_id": to_number(raw, "country_id", file=path, integer=True, minimum=1),
            "COWcode": to_number(raw, "COWcode", file=path, integer=True, minimum=1),
            "country_name": raw["country_name"],
        }
    )
    differs = frame["year"] != frame["election_date"].str.slice(0, 4).astype("int64")
    refuse_first(
        raw,
        differs,
        lambda i: (
            f"year {frame['year'].iloc[i]} is not the year of {frame['election_date'].iloc[i]}."
        ),
        file=path,
        column="year",
        hint="Restore the producer's file.",
    )
    for column, (low, high) in SCORES.items():
        frame[column] = to_number(raw, column, file=path, minimum=low, maximum=high)
    frame[ROW] = raw[ROW]
    return [
        ParsedTable(
            table="vparty_party_elections",
            frame=frame,
            country_keys={"country_id": "vdem_id", "COWcode": "cowcode", "country_name": "name"},
            year_column="year",
            name_column="country_name",
            description="V-Party v2, one row per party and national legislative election.",
        )
    ]
