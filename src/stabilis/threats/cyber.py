"""State-on-state cyber operations (DCID 2.0) per targeted country and year, with the incidents.

Unit: one **operation against a target** — a row of ``cyber_incidents`` with
``is_cyber_operation`` true. DCID pairs every incident with the other state's side of the
interaction, usually a "No Cyber" row (severity 0): those rows are not operations and are left
out; an incident where both states ran an operation counts once for each target. The target is
the row's ``iso3``; the initiator is ``initiator_iso3``. ``severity`` is DCID's 1-10 scale,
``cyber_objective_label`` its objective (disruption, short- or long-term espionage,
degradation).

:func:`cyber_country_years` gives the counts; :func:`cyber_incident_list` the incident list
behind any of them (same filters), so every number can be traced to named incidents and to the
snapshot they were loaded from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: DCID objectives (``cyber_objective``) as column suffixes of the per-country-year frame.
OBJECTIVES: dict[str, str] = {
    "disruption": "objective_disruption",
    "short-term espionage": "objective_short_espionage",
    "long-term espionage": "objective_long_espionage",
    "degradation": "objective_degradation",
}
#: The columns of :func:`cyber_country_years`, in order.
COUNTRY_YEAR_COLUMNS = [
    "iso3",
    "year",
    "operations",
    "incidents",
    *OBJECTIVES.values(),
    "severity_max",
    "severity_mean",
    "initiators",
    "snapshots",
]
LIST_COLUMNS = [
    "iso3",
    "year",
    "incident_id",
    "name",
    "start_date",
    "initiator_iso3",
    "method_label",
    "cyber_objective_label",
    "target_type_label",
    "severity",
    "snapshot",
]


def cyber_operations(
    incidents: pd.DataFrame,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The operation rows (not the "No Cyber" replies), optionally for some targets and years."""
    frame = incidents[incidents["is_cyber_operation"].astype(bool)]
    if countries is not None:
        frame = frame[frame["iso3"].isin(list(countries))]
    if years is not None:
        frame = frame[frame["year"].between(years[0], years[1])]
    return frame.copy()


def cyber_country_years(
    incidents: pd.DataFrame,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Per target ``iso3`` and ``year``: operations, by objective, severity, initiators.

    Columns: ``operations``, ``incidents`` (distinct DCID incident ids), one
    ``objective_*`` count per objective, ``severity_max``, ``severity_mean``, ``initiators``
    (``;``-separated ISO3, most frequent first) and ``snapshots``. Country-years without an
    operation have no row (DCID records incidents, not their absence).
    """
    import pandas as pd

    ops = cyber_operations(incidents, countries, years)
    if ops.empty:
        return pd.DataFrame(columns=COUNTRY_YEAR_COLUMNS)
    keys = ["iso3", "year"]
    grouped = ops.groupby(keys)
    out = grouped.agg(
        operations=("incident_id", "size"),
        incidents=("incident_id", "nunique"),
        severity_max=("severity", "max"),
        severity_mean=("severity", "mean"),
    )
    for label, column in OBJECTIVES.items():
        out[column] = (
            ops.assign(hit=ops["cyber_objective_label"].eq(label)).groupby(keys)["hit"].sum()
        )
    out["initiators"] = grouped["initiator_iso3"].agg(
        lambda s: ";".join(s.fillna("?").value_counts().index)
    )
    out["snapshots"] = grouped["snapshot"].agg(lambda s: ";".join(sorted(set(s.dropna()))))
    out = out.reset_index()
    for column in ("operations", "incidents", *OBJECTIVES.values(), "severity_max"):
        out[column] = out[column].astype("int64")
    out["year"] = out["year"].astype("int64")
    return out[COUNTRY_YEAR_COLUMNS]


def cyber_incident_list(
    incidents: pd.DataFrame,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The operations behind :func:`cyber_country_years` (same filters), one row each."""
    ops = cyber_operations(incidents, countries, years)
    return ops[LIST_COLUMNS].sort_values(["iso3", "year", "start_date"]).reset_index(drop=True)


def cyber_initiators(incidents: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Who ran the operations against ``iso3``: initiator, operations, years, max severity."""
    ops = cyber_operations(incidents, [iso3])
    out = (
        ops.groupby(ops["initiator_iso3"].fillna("?"))
        .agg(
            operations=("incident_id", "size"),
            first_year=("year", "min"),
            last_year=("year", "max"),
            severity_max=("severity", "max"),
        )
        .reset_index()
        .rename(columns={"initiator_iso3": "initiator"})
    )
    return out.sort_values(["operations", "initiator"], ascending=[False, True]).reset_index(
        drop=True
    )
