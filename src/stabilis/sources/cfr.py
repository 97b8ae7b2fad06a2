"""Council on Foreign Relations, Cyber Operations Tracker (state-sponsored operations, 2005-2022).

The staged file is a verbatim copy of ``cyber-operations-incidents.csv`` from repo
``justin-2028/State-Sponsored-Cyber-Operations-2005-Present`` (commit 987281f5; SOURCES.md
section 19): 768 operations dated 2005-08-25 to 2022-12-24, 15 without a date.

Two records tables:

* ``cfr_operations``: one row per operation. ``operation_id`` is the source row number (the
  tracker has no id; titles repeat), ``title``, ``date`` (ISO, from ``m/d/yyyy``; blank kept
  blank), ``year``, ``month``, ``sponsor`` (text, several countries comma-separated),
  ``type`` (Espionage, Sabotage, Denial of service, Data destruction, Financial Theft,
  Defacement, Doxing), ``category`` (victim sector), ``victims``, ``affiliations``,
  ``description``, ``response`` and ``sources`` (the three source columns joined by ``;``).
  Six rows of the staged file are shifted by one or two columns in the source (a URL or a
  sector sits in ``Type``, a type in ``Sponsor``): they are kept as found with
  ``row_shifted`` true and ``type`` empty, so no count reads a URL as a type.
* ``cfr_operation_countries``: one row per operation and country role. ``role`` "sponsor":
  each comma-separated sponsor name. ``role`` "victim": every country named in ``title`` or
  ``victims`` by its English name or demonym ("Ukrainian state entities" -> Ukraine), found
  with the committed term list ``sources/data/cfr_victim_terms.csv`` (whole words, longest term
  first; "Korean" alone is ambiguous and not in the list). The tracker's own victim-country
  field is not in this export, so victim countries are *text matches*, said so in ``matched``.

Country names are resolved by the one country resolver in the build.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import read_csv, refuse_empty, refuse_first, split_outside_parentheses

SPEC = SourceSpec(
    name="cfr",
    title="CFR Cyber Operations Tracker",
    producer="Council on Foreign Relations, Digital and Cyberspace Policy Program",
    release="Compilation of February 2023 (operations 2005-08 to 2022-12)",
    licence=(
        "CHECK: content (c) Council on Foreign Relations; CFR's terms of use apply. The "
        "compiling repository is MIT. Verify with CFR before redistribution."
    ),
    citation=(
        "Council on Foreign Relations. Cyber Operations Tracker, "
        "https://www.cfr.org/cyber-operations/ (compilation of February 2023 by "
        "justin-2028/State-Sponsored-Cyber-Operations-2005-Present)."
    ),
    homepage="https://www.cfr.org/cyber-operations/",
    files=(
        SourceFile(
            key="operations",
            mirror_path="cyber_cfr/cfr_cyber_operations_2005_2022.csv",
            url="https://www.cfr.org/cyber-operations/",
            description="State-sponsored cyber operations (staged: repo justin-2028/"
            "State-Sponsored-Cyber-Operations-2005-Present, commit 987281f5).",
        ),
    ),
    caveats=(
        "State-sponsored operations only, sponsors 'suspected'. Victim countries are matched in "
        "the title and victims text (the export lacks the tracker's victim-country field). Six "
        "rows are shifted in the source. Nothing after 2022. Licence to be checked."
    ),
)

TYPES = (
    "Espionage",
    "Sabotage",
    "Denial of service",
    "Data destruction",
    "Financial Theft",
    "Defacement",
    "Doxing",
)
_COLUMNS = ("Title", "Date", "Affiliations", "Description", "Response", "Victims", "Sponsor",
            "Type", "Category", "Sources_1", "Sources_2", "Sources_3")  # fmt: skip
_TERMS = Path(__file__).parent / "data" / "cfr_victim_terms.csv"


@cache
def victim_terms() -> tuple[re.Pattern[str], dict[str, str]]:
    """The whole-word pattern of every term, longest first, and term -> country name."""
    with _TERMS.open(encoding="utf-8", newline="") as handle:
        mapping = {row["term"]: row["country"] for row in csv.DictReader(handle)}
    ordered = sorted(mapping, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w])")
    return pattern, mapping


def victim_countries(text: str) -> list[str]:
    """Country names found in ``text`` (each once, in order of appearance)."""
    pattern, mapping = victim_terms()
    found: list[str] = []
    for match in pattern.finditer(text):
        country = mapping[match.group(0)]
        if country not in found:
            found.append(country)
    return found


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the tracker into ``cfr_operations`` and ``cfr_operation_countries``."""
    import pandas as pd

    SPEC.file(file_key)
    raw = read_csv(path, required=_COLUMNS)
    refuse_empty(
        raw,
        "Title",
        "the operation has no title.",
        file=path,
        hint="Restore the tracker export; every operation has a title.",
    )
    title = raw["Title"].astype(object)
    dates = pd.to_datetime(raw["Date"], format="%m/%d/%Y", errors="coerce")
    bad = raw["Date"].notna() & dates.isna()
    refuse_first(
        raw,
        bad,
        lambda i: f"'{raw['Date'].iloc[i]}' is not a date in m/d/yyyy form.",
        file=path,
        column="Date",
        hint="Restore the tracker export's dates; a spreadsheet may have reformatted them.",
    )
    kind = raw["Type"].astype(object)
    shifted = kind.notna() & ~kind.isin(TYPES)
    sources = raw[["Sources_1", "Sources_2", "Sources_3"]].apply(
        lambda r: ";".join(str(v) for v in r if isinstance(v, str) and v.strip()), axis=1
    )
    operations = pd.DataFrame(
        {
            "operation_id": raw[ROW].astype("int64"),
            "title": title.str.strip(),
            "date": dates.dt.strftime("%Y-%m-%d").where(dates.notna(), None),
            "year": dates.dt.year.astype("Int64"),
            "month": dates.dt.month.astype("Int64"),
            "sponsor": raw["Sponsor"].where(~shifted, None),
            "type": kind.where(~shifted, None),
            "category": raw["Category"],
            "victims": raw["Victims"],
            "affiliations": raw["Affiliations"],
            "description": raw["Description"],
            "response": raw["Response"],
            "sources": sources,
            "row_shifted": shifted.to_numpy(),
            ROW: raw[ROW],
        }
    )
    rows: list[dict[str, object]] = []
    for op in operations.rename(columns={ROW: "row_"}).itertuples(index=False):
        row = op.row_
        if isinstance(op.sponsor, str) and not op.row_shifted:
            for name in _split_sponsors(op.sponsor):
                rows.append({"operation_id": op.operation_id, "role": "sponsor",
                             "country_name": name, "matched": "sponsor field", ROW: row})  # fmt: skip
        text = f"{op.title} ; {op.victims if isinstance(op.victims, str) else ''}"
        for name in victim_countries(text):
            rows.append({"operation_id": op.operation_id, "role": "victim",
                         "country_name": name, "matched": "title/victims text", ROW: row})  # fmt: skip
    countries = pd.DataFrame(rows, columns=["operation_id", "role", "country_name", "matched", ROW])
    countries = countries.merge(operations[["operation_id", "year"]], on="operation_id")
    countries = countries[["operation_id", "year", "role", "country_name", "matched", ROW]]
    return [
        ParsedTable(
            table="cfr_operations",
            frame=operations,
            description="CFR Cyber Operations Tracker, one row per operation.",
        ),
        ParsedTable(
            table="cfr_operation_countries",
            frame=countries,
            country_keys={"country_name": "name"},
            year_column="year",
            name_column="country_name",
            description="Sponsor (from the sponsor field) and victim (matched in the title and "
            "victims text) countries of each CFR operation.",
        ),
    ]


def _split_sponsors(text: str) -> list[str]:
    """'China, Russian Federation' -> two names; a comma inside parentheses is kept."""
    names: list[str] = []
    for part in split_outside_parentheses(text):
        # "Palestine, State of": an inverted name, not a second sponsor.
        if names and part.endswith(" of") and part[:1].isupper() and " " in part:
            names[-1] = f"{names[-1]}, {part}"
        elif part:
            names.append(part)
    return names
