"""Freedom House, *Freedom in the World* (FIW 2025 edition, years under review 1972-2024).

Two files:

* ``ratings`` — the Political Rights (PR) and Civil Liberties (CL) ratings, 1-7 with 1 = most
  free, and the Free / Partly Free / Not Free status, 1972-2024. The staged file is
  ``xmarquez/democracyData``'s ``fh.rda`` written to CSV (columns ``fh_country, year, pr, cl,
  status, fh_total, fh_total_reversed, ..., GWn, cown``). Freedom House's own wide workbook
  (three columns per edition) is not read.
* ``subscores`` — the aggregate scores behind the ratings, 2012-2024: 25 items scored 0-4
  (A1 ... G4), seven category sums (A ... G), the PR score (0-40), the CL score (0-60) and the
  total score (0-100). Read either democracyData's ``fh_full.rda`` as CSV, or Freedom House's
  own workbook ``All_data_FIW_2013-2024.xlsx`` (a title row above the header ``Country/Territory,
  Region, C/T, Edition, Status, PR rating, CL rating, A1, ..., Add Q, Add A, PR, D1, ..., CL,
  Total``; ``AddQ``/``AddA`` without the space are accepted, and ``Add A`` may be absent). The
  sheet is the first whose first rows hold ``Country/Territory``. The format is recognised from
  the file's content, not its name.

Codes (chosen so that no two mean different things):

* ``fh.pr``, ``fh.cl``: ratings 1-7 (lower = freer). ``fh.pr_cl_sum`` is democracyData's
  ``fh_total`` (PR + CL, 2-14) and ``fh.pr_cl_sum_reversed`` its ``fh_total_reversed`` (0-12,
  higher = freer). ``fh.status``: 0 = Not Free, 1 = Partly Free, 2 = Free (higher = freer); the
  text ``status`` column is kept beside it.
* ``fh.total`` is Freedom House's own "Total" aggregate score, 0-100; ``fh.pr_full`` (0-40) and
  ``fh.cl_full`` (0-60) are the PR and CL aggregate scores ("PR" and "CL" in the workbook);
  ``fh.A1`` ... ``fh.G4`` the items, ``fh.A`` ... ``fh.G`` the categories, ``fh.AddQ`` and
  ``fh.AddA`` the discretionary questions. The 1-7 ratings in the subscores file repeat the
  ratings file and are not emitted again.

Caveats: ``year`` is the **year under review**; the edition is published the next year (the
workbook's ``Edition`` column minus one). The 1981-82 survey is assigned to 1982, so 1981 is
missing. ``AddQ`` (0-4) is *subtracted* from the PR score, which can therefore fall below 0
(South Sudan 2024: -3); ``AddA`` existed only until FIW 2017 ("N/A" = missing). Territories
(Hong Kong, Crimea, Somaliland, ...) have no G&W/COW code: the name is then the only key, and
the workbook carries names only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.errors import DataFileError
from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_unique,
    democracy_data_codes,
    indicator_values,
    is_xlsx,
    read_csv,
    read_xlsx,
    refuse_first,
    to_number,
)

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="freedom_house",
    title="Freedom in the World",
    producer="Freedom House",
    release="FIW 2025 edition (years under review to 2024)",
    licence="© Freedom House; free to use with attribution, no open licence",
    citation="Freedom House (2025). Freedom in the World 2025. Washington, DC: Freedom House.",
    homepage="https://freedomhouse.org/report/freedom-world",
    files=(
        SourceFile(
            key="ratings",
            mirror_path="freedom_house/fiw_ratings_1972_2024.csv",
            url=(
                "https://freedomhouse.org/sites/default/files/2024-02/"
                "Country_and_Territory_Ratings_and_Statuses_FIW_1973-2024.xlsx"
            ),
            description=(
                "PR and CL ratings (1-7) and status, 1972-2024, as converted to CSV by "
                "xmarquez/democracyData (data/fh.rda) with G&W and COW codes."
            ),
        ),
        SourceFile(
            key="subscores",
            mirror_path="freedom_house/fiw_subscores_2012_2024.csv",
            url="https://freedomhouse.org/sites/default/files/2024-02/All_data_FIW_2013-2024.xlsx",
            description=(
                "Item, category and aggregate scores, 2012-2024, as converted to CSV by "
                "xmarquez/democracyData (data/fh_full.rda); FH's own All_data workbook is "
                "also accepted."
            ),
        ),
    ),
    caveats=(
        "year = year under review (edition - 1); 1981 missing; territories have names only; "
        "AddQ is subtracted from the PR score, which can be negative; AddA only until FIW 2017."
    ),
)

_STATUS = {"NF": 0, "PF": 1, "F": 2}

RATINGS = (
    IndicatorSpec(
        column="pr",
        code="fh.pr",
        label="Political Rights rating",
        scale="1-7, 1 = most free",
        higher_is_better=False,
        minimum=1,
        maximum=7,
    ),
    IndicatorSpec(
        column="cl",
        code="fh.cl",
        label="Civil Liberties rating",
        scale="1-7, 1 = most free",
        higher_is_better=False,
        minimum=1,
        maximum=7,
    ),
    IndicatorSpec(
        column="pr_cl_sum",
        code="fh.pr_cl_sum",
        label="PR + CL ratings",
        scale="2-14, 2 = most free",
        higher_is_better=False,
        minimum=2,
        maximum=14,
        description="democracyData's fh_total.",
    ),
    IndicatorSpec(
        column="pr_cl_sum_reversed",
        code="fh.pr_cl_sum_reversed",
        label="PR + CL ratings, reversed",
        scale="0-12, 12 = most free",
        higher_is_better=True,
        minimum=0,
        maximum=12,
        description="democracyData's fh_total_reversed (14 - PR - CL).",
    ),
    IndicatorSpec(
        column="status_code",
        code="fh.status",
        label="Freedom status",
        scale="0 = Not Free, 1 = Partly Free, 2 = Free",
        higher_is_better=True,
        minimum=0,
        maximum=2,
    ),
)

# FIW categories: letter -> (title, number of items scored 0-4).
_CATEGORIES = {
    "A": ("Electoral Process", 3),
    "B": ("Political Pluralism and Participation", 4),
    "C": ("Functioning of Government", 3),
    "D": ("Freedom of Expression and Belief", 4),
    "E": ("Associational and Organizational Rights", 3),
    "F": ("Rule of Law", 4),
    "G": ("Personal Autonomy and Individual Rights", 4),
}


def _subscore_specs() -> tuple[IndicatorSpec, ...]:
    specs: list[IndicatorSpec] = []
    for letter, (title, items) in _CATEGORIES.items():
        for i in range(1, items + 1):
            specs.append(
                IndicatorSpec(
                    column=f"{letter}{i}",
                    code=f"fh.{letter}{i}",
                    label=f"FIW item {letter}{i} ({title})",
                    scale="0-4, 4 = most free",
                    higher_is_better=True,
                    minimum=0,
                    maximum=4,
                )
            )
        specs.append(
            IndicatorSpec(
                column=letter,
                code=f"fh.{letter}",
                label=f"FIW category {letter}: {title}",
                scale=f"0-{4 * items}, higher = freer",
                higher_is_better=True,
                minimum=0,
                maximum=4 * items,
            )
        )
    specs += [
        IndicatorSpec(
            column="AddQ",
            code="fh.AddQ",
            label="Discretionary question B (deliberate change of ethnic composition)",
            scale="0-4 points subtracted from the PR score",
            higher_is_better=False,
            minimum=0,
            maximum=4,
        ),
        IndicatorSpec(
            column="AddA",
            code="fh.AddA",
            label="Discretionary question A (consultation in traditional monarchies)",
            scale="0-4 points added to the PR score; only until FIW 2017",
            higher_is_better=True,
            minimum=0,
            maximum=4,
        ),
        IndicatorSpec(
            column="pr_full",
            code="fh.pr_full",
            label="Political Rights aggregate score",
            scale="0-40 (below 0 when AddQ is subtracted), higher = freer",
            higher_is_better=True,
            minimum=-4,
            maximum=40,
        ),
        IndicatorSpec(
            column="cl_full",
            code="fh.cl_full",
            label="Civil Liberties aggregate score",
            scale="0-60, higher = freer",
            higher_is_better=True,
            minimum=0,
            maximum=60,
        ),
        IndicatorSpec(
            column="total",
            code="fh.total",
            label="Freedom in the World total score",
            scale="0-100 (PR + CL scores), higher = freer",
            higher_is_better=True,
            minimum=-4,
            maximum=100,
        ),
    ]
    return tuple(specs)


SUBSCORES = _subscore_specs()

#: Columns of Freedom House's own workbook that differ from the CSV's names.
_WORKBOOK_NAMES = {
    "Country/Territory": "fh_full_country",
    "Region": "region",
    "C/T": "country_or_territory",
    "Edition": "edition",
    "Add Q": "AddQ",
    "Add A": "AddA",
    "PR": "pr_full",
    "CL": "cl_full",
    "Total": "total",
}
_MISSING = ("N/A", "-")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the ratings file or the subscores file (CSV or FH's own workbook)."""
    SPEC.file(file_key)
    if file_key == "ratings":
        return [_parse_ratings(path)]
    if is_xlsx(path):
        return [_parse_subscores_workbook(path)]
    return [_parse_subscores_csv(path)]


def _parse_ratings(path: Path) -> ParsedTable:
    name_col = "fh_country"
    raw = read_csv(
        path,
        required=(
            name_col,
            "year",
            "pr",
            "cl",
            "status",
            "fh_total",
            "fh_total_reversed",
            "GWn",
            "cown",
        ),
    )
    frame = raw[[ROW, name_col]].copy()
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1970, maximum=2100)
    keys = democracy_data_codes(raw, frame, file=path, name_column=name_col)
    sources = {"pr_cl_sum": "fh_total", "pr_cl_sum_reversed": "fh_total_reversed"}
    frame = frame.assign(
        **indicator_values(raw, RATINGS[:4], file=path, sources=sources, integer=True)
    )
    frame["status"] = raw["status"]
    frame["status_code"] = _status_codes(raw, path)
    check_unique(frame, [name_col, "year"], file=path)
    return ParsedTable(
        table="indicators",
        frame=frame,
        country_keys=keys,
        indicators=RATINGS,
        name_column=name_col,
        description="FIW ratings; year = year under review.",
    )


def _status_codes(raw: pd.DataFrame, path: Path) -> pd.Series:
    status = raw["status"]
    unknown = status.notna() & ~status.isin(list(_STATUS))
    refuse_first(
        raw,
        unknown,
        lambda i: f"'{status.iloc[i]}' is not a Freedom House status (F, PF or NF).",
        file=path,
        column="status",
        hint="Correct the value or restore the producer's original file.",
    )
    return status.map(_STATUS).astype("Int64")


def _parse_subscores_csv(path: Path) -> ParsedTable:
    name_col = "fh_full_country"
    raw = read_csv(
        path,
        required=(
            name_col,
            "region",
            "country_or_territory",
            "edition",
            "year",
            *(s.column for s in SUBSCORES),
            "GWn",
            "cown",
        ),
    )
    frame = _subscores_frame(raw, path, name_col)
    frame["edition"] = to_number(
        raw, "edition", file=path, integer=True, minimum=1970, maximum=2101
    )
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1970, maximum=2100)
    keys = democracy_data_codes(raw, frame, file=path, name_column=name_col)
    check_unique(frame, [name_col, "year"], file=path)
    return ParsedTable(
        table="indicators",
        frame=frame,
        country_keys=keys,
        indicators=SUBSCORES,
        name_column=name_col,
        description="FIW subscores; year = year under review (edition - 1).",
    )


def _parse_subscores_workbook(path: Path) -> ParsedTable:
    sheet, header_row, header = _find_workbook_header(path)
    names = dict(_WORKBOOK_NAMES)
    for spaced in ("Add Q", "Add A"):
        if spaced not in header and spaced.replace(" ", "") in header:
            names[spaced.replace(" ", "")] = names.pop(spaced)
    items = [s.column for s in SUBSCORES if s.column not in names.values()]
    # "Add A" was dropped after FIW 2017; a workbook without it simply has no AddA values.
    required = [c for c in names if c not in ("Add A", "AddA") or c in header]
    raw = read_xlsx(path, sheet=sheet, header_row=header_row, required=(*required, *items)).rename(
        columns=names
    )
    if "AddA" not in raw.columns:
        raw["AddA"] = None
    name_col = "fh_full_country"
    frame = _subscores_frame(raw, path, name_col)
    frame["edition"] = to_number(
        raw, "edition", file=path, integer=True, minimum=1971, maximum=2101
    )
    # The workbook dates rows by edition; the year under review is the year before.
    frame["year"] = frame["edition"] - 1
    check_unique(frame, [name_col, "edition"], file=path)
    return ParsedTable(
        table="indicators",
        frame=frame,
        country_keys={name_col: "name"},
        indicators=SUBSCORES,
        name_column=name_col,
        description="FIW subscores from FH's workbook; year = Edition - 1.",
    )


def _subscores_frame(raw: pd.DataFrame, path: Path, name_col: str) -> pd.DataFrame:
    frame = raw[[ROW, name_col, "region", "country_or_territory"]].copy()
    frame["country_or_territory"] = frame["country_or_territory"].str.lower()
    bad = frame["country_or_territory"].notna() & ~frame["country_or_territory"].isin(["c", "t"])
    refuse_first(
        raw,
        bad,
        lambda i: (
            f"'{raw['country_or_territory'].iloc[i]}' should be 'c' (country) or 't' (territory)."
        ),
        file=path,
        column="country_or_territory",
    )
    return frame.assign(**indicator_values(raw, SUBSCORES, file=path, na_values=_MISSING))


def _find_workbook_header(path: Path) -> tuple[str, int, list[str]]:
    """The sheet, row and names of the ``Country/Territory`` header (row 2 below a title)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad workbook
        raise DataFileError(
            f"the file is not a readable .xlsx workbook ({exc}).", file=path
        ) from exc
    try:
        for name in book.sheetnames:
            rows = book[name].iter_rows(min_row=1, max_row=5, values_only=True)
            for number, row in enumerate(rows, start=1):
                header = [str(v).strip() for v in row if v is not None]
                if "Country/Territory" in header:
                    return name, number, header
    finally:
        book.close()
    raise DataFileError(
        "no worksheet has a 'Country/Territory' header in its first five rows.",
        file=path,
        column="Country/Territory",
        hint="Use Freedom House's 'All_data_FIW' workbook or the democracyData CSV.",
    )
