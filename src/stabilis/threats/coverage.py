"""Coverage as data: which source can speak about which country in which year or month.

A count of zero means "the source looked and found nothing"; a source that never looks at a
country cannot say zero. Every threat signal therefore carries, per country and period, one of
three statuses:

* ``covered``: the source records this kind of event for this country in this period, so an
  absent record is a zero;
* ``partial``: the period is cut by the source's start or end (EuRepoC 2023 stops on 2023-12-04
  in the dashboard extract and in August in release 1.1; EUvsDisinfo 2021 has January and
  February only; DCID's last incident is 2021-01-06); values are shown, but alerts ignore them;
* ``not covered``: outside the source's span, or a country the source does not follow. Shown as
  "not covered", never as 0.

The rules per source (stated in docs/threats.md):

==========  ==============================================  =================================
source      countries                                      periods
==========  ==============================================  =================================
dcid        states in a DCID rival dyad (either side of     2000-2020 covered, 2021 partial
            any row, "No Cyber" rows included)
eurepoc     every country (global, politically relevant     2000-2022 covered, 2023 partial
            incidents)
cfr         every country (state-sponsored operations)      2005-2022 covered
disinfo     every country (cases naming it)                 2015-2020 covered, 2021 partial
gdelt       registry countries with a CAMEO code            the months of the aggregated files
==========  ==============================================  =================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

COVERED = "covered"
PARTIAL = "partial"
NOT_COVERED = "not covered"


@dataclass(frozen=True)
class SourceCoverage:
    """Where one source looks: a country set (None = every country) and a span of years."""

    source: str
    first_year: int
    last_year: int
    partial_years: tuple[int, ...] = ()
    countries: frozenset[str] | None = None
    note: str = ""

    def status(self, iso3: str, year: int) -> str:
        if self.countries is not None and iso3 not in self.countries:
            return NOT_COVERED
        if year in self.partial_years:
            return PARTIAL
        if self.first_year <= year <= self.last_year:
            return COVERED
        return NOT_COVERED

    def describe(self) -> str:
        who = "every country" if self.countries is None else f"{len(self.countries)} countries"
        partial = (
            f", partial {', '.join(map(str, self.partial_years))}" if self.partial_years else ""
        )
        return f"{self.source}: {who}, {self.first_year}-{self.last_year}{partial}. {self.note}".strip()


def dcid_coverage(dcid: pd.DataFrame) -> SourceCoverage:
    """DCID follows rival dyads only: a state is covered when it is on either side of a row."""
    sides = set(dcid["iso3"].dropna()) | set(dcid["initiator_iso3"].dropna())
    return SourceCoverage(
        "dcid",
        2000,
        2020,
        partial_years=(2021,),
        countries=frozenset(sides),
        note="State-on-state operations within rival dyads only.",
    )


EUREPOC = SourceCoverage(
    "eurepoc",
    2000,
    2022,
    partial_years=(2023,),
    note="Politically relevant incidents; release 1.1 to 2023-08, dashboard extract to 2023-12-04.",
)
CFR = SourceCoverage("cfr", 2005, 2022, note="State-sponsored operations only.")
DISINFO = SourceCoverage(
    "disinfo", 2015, 2020, partial_years=(2021,), note="Pro-Kremlin media cases to 2021-02-18."
)


def coverage_frame(
    coverages: Sequence[SourceCoverage], countries: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """One row per ``iso3``, ``year`` and ``source`` with its ``status``."""
    import pandas as pd

    rows = [
        (iso3, year, c.source, c.status(iso3, year))
        for iso3 in countries
        for year in years
        for c in coverages
    ]
    return pd.DataFrame(rows, columns=["iso3", "year", "source", "status"])


def monthly_status(coverage: SourceCoverage, iso3: str, year: int, month: int) -> str:
    """Status of one month: the year's status, with the known cut-off months made exact."""
    status = coverage.status(iso3, year)
    if status != PARTIAL:
        return status
    cutoffs = {"disinfo": (2021, 2), "eurepoc": (2023, 11), "dcid": (2021, 0)}
    last = cutoffs.get(coverage.source)
    if last is None:
        return PARTIAL
    if (year, month) < last:
        return COVERED
    if (year, month) == last:
        return PARTIAL
    return NOT_COVERED
