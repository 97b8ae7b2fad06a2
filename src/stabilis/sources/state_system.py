"""State-system membership lists: Gleditsch & Ward (G&W) and Correlates of War (COW v2016).

Both files are peacesciencer's conversions (``data/gw_states.rda``, ``data/cow_states.rda``,
commit fe150a26) of the producers' lists. Each row is one **spell** of system membership: a
state that left and re-entered the system (Haiti, the Baltic states, Serbia, Egypt, ...) has
several rows, and all are kept. The G&W list runs to 2017-12-31, the COW list to 2016-12-31:
an end date equal to that last date means "still a member when the list was compiled", not
that the state ended (see :func:`system_years`, ``extend_open_spells``).

* ``gw`` -> records ``gw_states``: ``gwcode, stateabb, statename, start_date, end_date``.
* ``cow`` -> records ``cow_states``: ``cowcode, stateabb, statename, start_date, end_date,
  version``, with the dates assembled from COW's separate year/month/day columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_dates, check_unique, read_csv, refuse_first, to_number

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="state_system",
    title="State system membership: Gleditsch & Ward and Correlates of War",
    producer="Gleditsch & Ward; Correlates of War Project",
    release="G&W list to 2017 (peacesciencer); COW State System Membership v2016",
    licence="Free for research use with citation (peacesciencer's conversion is GPL-2)",
    citation=(
        "Gleditsch, K. S. & Ward, M. D. (1999). A revised list of independent states since the "
        "Congress of Vienna. International Interactions 25(4); Correlates of War Project (2017). "
        "State System Membership List, v2016."
    ),
    homepage="https://correlatesofwar.org/data-sets/state-system-membership/",
    files=(
        SourceFile(
            key="gw",
            mirror_path="state_system/gw_states_gleditsch_ward.csv",
            url="http://ksgleditsch.com/data/iisystem.dat",
            description=(
                "G&W independent-state spells to 2017-12-31 (staged: peacesciencer "
                "data/gw_states.rda converted to CSV)."
            ),
        ),
        SourceFile(
            key="cow",
            mirror_path="state_system/cow_states_v2016.csv",
            url="https://correlatesofwar.org/data-sets/state-system-membership/",
            description=(
                "COW state-system membership spells v2016 (staged: peacesciencer "
                "data/cow_states.rda converted to CSV)."
            ),
        ),
    ),
    caveats=(
        "Lists end in 2017 (G&W) and 2016 (COW); later changes must be added by hand. States "
        "can have several spells."
    ),
)


_SPELL_HINT = "Every spell needs a valid start and end date; restore the producer's file."


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the G&W (``gw``) or COW (``cow``) membership list into spells."""
    SPEC.file(file_key)
    if file_key == "gw":
        return [_parse_gw(path)]
    return [_parse_cow(path)]


def _parse_gw(path: Path) -> ParsedTable:
    import pandas as pd

    raw = read_csv(path, required=("gwcode", "stateabb", "statename", "startdate", "enddate"))
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["gwcode"] = to_number(raw, "gwcode", file=path, integer=True, minimum=1, maximum=999)
    frame["stateabb"] = raw["stateabb"]
    frame["statename"] = raw["statename"]
    frame["start_date"] = check_dates(raw, "startdate", file=path, required=True, hint=_SPELL_HINT)
    frame["end_date"] = check_dates(raw, "enddate", file=path, required=True, hint=_SPELL_HINT)
    _check_order(frame, path, "enddate")
    check_unique(frame, ["gwcode", "start_date"], file=path)
    return ParsedTable(
        table="gw_states",
        frame=frame[["gwcode", "stateabb", "statename", "start_date", "end_date", ROW]],
        country_keys={"gwcode": "gwcode", "statename": "name"},
        year_column=None,
        name_column="statename",
        description="Gleditsch & Ward system membership spells (several per state possible).",
    )


def _parse_cow(path: Path) -> ParsedTable:
    import pandas as pd

    parts = ("styear", "stmonth", "stday", "endyear", "endmonth", "endday")
    raw = read_csv(path, required=("stateabb", "ccode", "statenme", *parts, "version"))
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["cowcode"] = to_number(raw, "ccode", file=path, integer=True, minimum=1, maximum=999)
    frame["stateabb"] = raw["stateabb"]
    frame["statename"] = raw["statenme"]
    for prefix, out in (("st", "start_date"), ("end", "end_date")):
        year = to_number(raw, f"{prefix}year", file=path, integer=True, minimum=1700, maximum=2100)
        month = to_number(raw, f"{prefix}month", file=path, integer=True, minimum=1, maximum=12)
        day = to_number(raw, f"{prefix}day", file=path, integer=True, minimum=1, maximum=31)
        text = (
            year.astype("string")
            + "-"
            + month.astype("string").str.zfill(2)
            + "-"
            + day.astype("string").str.zfill(2)
        )
        assembled = pd.DataFrame(
            {out: text.astype(object).where(text.notna(), None), ROW: raw[ROW]}
        )
        frame[out] = check_dates(
            assembled,
            out,
            file=path,
            required=True,
            hint=_SPELL_HINT,
            shown=f"{prefix}year/{prefix}month/{prefix}day",
        )
    frame["version"] = to_number(raw, "version", file=path, integer=True)
    _check_order(frame, path, "endyear")
    check_unique(frame, ["cowcode", "start_date"], file=path)
    return ParsedTable(
        table="cow_states",
        frame=frame[["cowcode", "stateabb", "statename", "start_date", "end_date", "version", ROW]],
        country_keys={"cowcode": "cowcode", "statename": "name"},
        year_column=None,
        name_column="statename",
        description="COW state-system membership spells v2016 (several per state possible).",
    )


def system_years(
    frame: pd.DataFrame, first_year: int, last_year: int, *, extend_open_spells: bool = False
) -> pd.DataFrame:
    """Return the (code, year) pairs of states in the system, one row each, sorted.

    Rule: a state is in the system in a calendar year when **any** of its spells overlaps that
    year at all (start_date <= 31 December and end_date >= 1 January), so both the year a state
    enters and the year it leaves count. A state with two spells in one year appears once.

    ``frame`` is a ``gw_states`` or ``cow_states`` frame from :func:`parse` (its code column,
    ``gwcode`` or ``cowcode``, names the first output column). With ``extend_open_spells``,
    spells ending on the list's last date (the compilation date, e.g. 2017-12-31) are taken as
    still open and run to ``last_year``; otherwise no state is in the system after that date.
    """
    import pandas as pd

    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    code = "gwcode" if "gwcode" in frame.columns else "cowcode"
    start = pd.to_datetime(frame["start_date"]).dt.year.to_numpy()
    end = pd.to_datetime(frame["end_date"])
    end_year = end.dt.year.to_numpy().copy()
    if extend_open_spells:
        end_year[(end == end.max()).to_numpy()] = max(last_year, int(end_year.max()))
    first = pd.Series(start).clip(lower=first_year)
    last = pd.Series(end_year).clip(upper=last_year)
    spans = pd.DataFrame({code: frame[code].to_numpy(), "first": first, "last": last})
    spans = spans[spans["first"] <= spans["last"]]
    spans["year"] = [
        list(range(a, b + 1)) for a, b in zip(spans["first"], spans["last"], strict=True)
    ]
    out = spans[[code, "year"]].explode("year").drop_duplicates()
    out["year"] = out["year"].astype("int64")
    out[code] = out[code].astype("int64")
    return out.sort_values([code, "year"], ignore_index=True)


def _check_order(frame: pd.DataFrame, path: Path, column: str) -> None:

    backwards = (frame["end_date"] < frame["start_date"]).to_numpy()
    refuse_first(
        frame,
        backwards,
        lambda i: (
            f"the spell ends ({frame['end_date'].iloc[i]}) before it starts "
            f"({frame['start_date'].iloc[i]})."
        ),
        file=path,
        column=column,
        hint="Restore the producer's file.",
    )
