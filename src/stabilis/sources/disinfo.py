"""EUvsDisinfo database of pro-Kremlin disinformation cases (EEAS East StratCom Task Force).

The staged file is a verbatim copy of ``data/posts.csv`` from repo ``cknabs/EUvsDisinfo``
(commit c4acb109), a scrape of euvsdisinfo.eu taken on 2021-02-18: 10,892 cases published
2015-01-06 to 2021-02-18, with titles and tags only (no summaries or disproofs). The list
fields (``countries``, ``keywords``, ``languages``, ``outlets``) are ``+``-separated.

Two records tables:

* ``disinfo_cases``: one row per case. ``case_id`` is the URL slug
  (``https://euvsdisinfo.eu/report/<slug>/``; the whole URL when it has another shape),
  ``url``, ``date`` (ISO publication date), ``year``, ``title`` and the four list fields as
  the raw text. Cases with no country keep their row here.
* ``disinfo_case_countries``: one row per case and country named in ``countries`` (the
  country the narrative targets or mentions, **not** the attacker), keyed by the English
  name. A name repeated inside one case's list is kept once. Cases without countries have
  no row here.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, read_csv, refuse_empty, refuse_first

SPEC = SourceSpec(
    name="disinfo",
    title="EUvsDisinfo disinformation cases",
    producer="EEAS East StratCom Task Force (EUvsDisinfo)",
    release="Scrape of 2021-02-18 (cases 2015-01-06 to 2021-02-18)",
    licence=(
        "EU institutional content, generally reusable with acknowledgement; the scrape has no "
        "licence. Verify before redistribution."
    ),
    citation=(
        "EUvsDisinfo, EEAS East StratCom Task Force. Disinformation Cases database, "
        "https://euvsdisinfo.eu/disinformation-cases/ (scraped 2021-02-18 by cknabs/EUvsDisinfo)."
    ),
    homepage="https://euvsdisinfo.eu/disinformation-cases/",
    files=(
        SourceFile(
            key="cases",
            mirror_path="disinfo/euvsdisinfo_cases_2015_2021.csv",
            url="https://euvsdisinfo.eu/disinformation-cases/",
            description=(
                "Case list with titles and tags (staged: verbatim data/posts.csv of repo "
                "cknabs/EUvsDisinfo, commit c4acb109)."
            ),
        ),
    ),
    caveats=(
        "Pro-Kremlin media only; 'countries' are the countries targeted or mentioned, not the "
        "attacker. Titles and tags only. Stops in February 2021."
    ),
)

_URL_PREFIX = "https://euvsdisinfo.eu/report/"


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the case list into ``disinfo_cases`` and ``disinfo_case_countries``."""
    import pandas as pd

    SPEC.file(file_key)
    lists = ("countries", "keywords", "languages", "outlets")
    raw = read_csv(path, required=("date", "id", "title", *lists))
    for column in ("id", "date"):
        refuse_empty(
            raw,
            column,
            "the value is empty; every case needs one.",
            file=path,
            hint="Restore the scrape's original file.",
        )
    check_unique(raw, ["id"], file=path)
    dates = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    refuse_first(
        raw,
        dates.isna(),
        lambda i: f"'{raw['date'].iloc[i]}' is not an ISO date (yyyy-mm-dd).",
        file=path,
        column="date",
        hint="Restore the scrape's dates; a spreadsheet may have reformatted them.",
    )
    url = raw["id"].str.strip()
    slug = url.str.removeprefix(_URL_PREFIX).str.strip("/")
    shaped = url.str.startswith(_URL_PREFIX) & (slug != "") & ~slug.str.contains("/")
    cases = pd.DataFrame(
        {
            "case_id": slug.where(shaped, url),
            "url": url,
            "date": raw["date"],
            "year": dates.dt.year.astype("int64"),
            "title": raw["title"],
            **{column: raw[column] for column in lists},
            ROW: raw[ROW],
        }
    )
    check_unique(cases, ["case_id"], file=path)

    names = cases["countries"].fillna("").str.split("+")
    countries = cases[["case_id", "date", "year", ROW]].assign(country_name=names)
    countries = countries.explode("country_name", ignore_index=True)
    countries["country_name"] = countries["country_name"].str.strip()
    # Empty pieces (no countries, or "A++B") are not countries; a repeated name is one mention.
    countries = countries[countries["country_name"] != ""]
    countries = countries.drop_duplicates(["case_id", "country_name"], ignore_index=True)
    countries = countries[["case_id", "date", "year", "country_name", ROW]]
    return [
        ParsedTable(
            table="disinfo_cases",
            frame=cases,
            description="EUvsDisinfo cases, one row per case; list fields are '+'-separated text.",
        ),
        ParsedTable(
            table="disinfo_case_countries",
            frame=countries,
            country_keys={"country_name": "name"},
            name_column="country_name",
            description="One row per case and country named in its 'countries' field.",
        ),
    ]
