"""Threat signals across countries in one year: what the overview map colours by.

``cyber_operations`` counts DCID state-on-state cyber operations against each country in the
year (countries in DCID's rival dyads: zero when none; every other country has no value, because
DCID does not cover it); ``disinfo_cases`` counts EUvsDisinfo cases naming each country in the
year (countries the database names at least once; the rest have no value). A year outside a
source's coverage is refused with the years it covers, never shown as zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stabilis.errors import NotFoundError, QueryError

if TYPE_CHECKING:
    import pandas as pd

SIGNALS: dict[str, dict[str, Any]] = {
    "cyber_operations": {
        "label": "State cyber operations against the country (DCID)",
        "source": "cyber",
        "scale": "operations per year (count)",
        "coverage": "countries in DCID's rival dyads",
    },
    "disinfo_cases": {
        "label": "Disinformation cases naming the country (EUvsDisinfo)",
        "source": "disinfo",
        "scale": "cases per year (count)",
        "coverage": "countries EUvsDisinfo names at least once",
    },
}


def signal_values(
    ws: Any, signal: str, year: int | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``iso3, name, value`` ranked highest first, and the signal's metadata and years."""
    import pandas as pd

    if signal not in SIGNALS:
        raise NotFoundError(
            f"There is no threat signal '{signal}'. Signals: {', '.join(SIGNALS)}.",
            details={"signal": signal},
        )
    service = ws.threats
    if signal == "cyber_operations":
        raw = ws.table("cyber_incidents")
        first, last = int(raw["year"].min()), int(raw["year"].max())
        covered = set(raw["iso3"].dropna())
        chosen = last if year is None else int(year)
        _check(signal, chosen, first, last)
        counts = service.cyber(None, (chosen, chosen)).set_index("iso3")["operations"]
    else:
        months = service.disinfo(None)
        first, last = int(months["year"].min()), int(months["year"].max())
        if year is None and months.loc[months["year"] == last, "month"].nunique() < 12:
            last_full = last - 1  # the default is the last year the scrape covers in full
        else:
            last_full = last
        chosen = last_full if year is None else int(year)
        _check(signal, chosen, first, last)
        named = months.groupby("iso3")["cases"].sum()
        covered = set(named[named > 0].index)
        counts = months[months["year"] == chosen].groupby("iso3")["cases"].sum()
    names = ws.countries()[["iso3", "name", "iso3n"]]
    table = pd.DataFrame({"iso3": sorted(covered)})
    table["value"] = table["iso3"].map(counts).fillna(0).astype(float)
    table = table.merge(names, on="iso3", how="left")
    table = table.sort_values(["value", "iso3"], ascending=[False, True], kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    table["iso3n"] = [None if pd.isna(n) else f"{int(n):03d}" for n in table["iso3n"]]
    spec = SIGNALS[signal]
    note = ""
    if signal == "disinfo_cases":
        n = int(months.loc[months["year"] == chosen, "month"].nunique())
        if n < 12:
            note = f"{chosen} is covered for {n} months only."
    meta = {
        "indicator": {
            "indicator": f"threat:{signal}",
            "label": spec["label"],
            "scale": spec["scale"],
            "higher_is_better": False,
            "ranked": "highest first",
            "minimum": 0,
            "maximum": None,
            "source": spec["source"],
        },
        "year": chosen,
        "years": list(range(first, last + 1)),
        "coverage": spec["coverage"],
        "note": note,
    }
    return table[["rank", "iso3", "name", "value", "iso3n"]].reset_index(drop=True), meta


def _check(signal: str, year: int, first: int, last: int) -> None:
    if not first <= year <= last:
        raise QueryError(
            f"The signal '{signal}' covers {first}-{last}; {year} is not covered (no value "
            "there is not a zero). Pick a year in that span.",
            details={"parameter": "year", "value": year, "first": first, "last": last},
        )
