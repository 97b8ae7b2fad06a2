"""European Repository of Cyber Incidents (EuRepoC): Global Database 1.1 and a dashboard extract.

Five staged files (SOURCES.md section 18), all copied verbatim:

* ``global``: Global Database 1.1, one row per incident (``ID``) -> records
  ``eurepoc_incidents``: ``incident_id``, ``name``, ``description``, ``start_date``,
  ``end_date``, ``year``, ``month`` (empty when the start date is blank; 16 in the release),
  ``incident_type``, ``initiator_category``, ``number_of_attributions``,
  ``weighted_cyber_intensity`` (EuRepoC's 0-10 intensity; 0-15 accepted), ``unweighted_cyber_intensity``,
  ``state_responsibility_indicator``, ``receiver_country``/``initiator_country`` as the
  source's list text (the long receiver and attribution files give the same content, resolved)
  and ``sources_url``. Country roles are resolved from the two long files, not here.
* ``receivers``: one row per incident x receiver -> ``eurepoc_receivers`` keyed by
  ``receiver_country`` (name), with ``receiver_category`` and ``receiver_category_subcode``
  (e.g. "State institutions / political system" / "Election infrastructure / related systems").
* ``attributions``: one row per attribution -> ``eurepoc_attributions`` keyed by
  ``attributed_initiator_country`` (name), with date, type, basis, attributing actor/country.
* ``dashboard_types`` and ``dashboard_initiators``: the EuRepoC dashboard's tables extracted
  on 2023-12-04 (repo ``swp-berlin/EuRepoC_Cyber_Incident_Dashboard``), one row per incident x
  receiver x initiator pairing -> ``eurepoc_dashboard_incidents`` and
  ``eurepoc_dashboard_initiators``, keyed by ``receiver_country`` with ``initiator_country`` as
  a second role. They have more recent incidents than 1.1 (to 2023-12-10) and fewer fields.

Country names are free text resolved by the one country resolver. A blank country cell and the
source's own "Not available" / "Unknown" both mean that the source names no country: blanks are
written as "Not available" so that the quality report explains them (``unmatched_explained.csv``)
instead of counting them as unexplained. Regions and organisations ("EU (institutions)",
"NATO (region)") are explained there too: they are receivers, not countries.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_dates, check_unique, read_csv, refuse_first, to_number

if TYPE_CHECKING:
    import pandas as pd

_LICENCE = (
    "CHECK: the licence of Zenodo record 7848941 was not seen; a third party reports CC BY-NC "
    "(no commercial reuse). Verify with the EuRepoC consortium before redistribution."
)

SPEC = SourceSpec(
    name="eurepoc",
    title="European Repository of Cyber Incidents (EuRepoC)",
    producer="EuRepoC consortium (Heidelberg University, University of Innsbruck, SWP Berlin, "
    "Cyber Policy Institute)",
    release="Global Database 1.1 (incidents to 2023-08) and dashboard extract of 2023-12-04",
    licence=_LICENCE,
    citation=(
        "EuRepoC (2023). European Repository of Cyber Incidents, Global Database 1.1. Zenodo, "
        "record 7848941, https://zenodo.org/records/7848941; EuRepoC Codebook 1.0, "
        "https://eurepoc.eu/methodology."
    ),
    homepage="https://eurepoc.eu/",
    files=(
        SourceFile(
            key="global",
            mirror_path="cyber_eurepoc/eurepoc_global_database_v1_1.csv",
            url="https://zenodo.org/records/7848941",
            description="Global Database 1.1, one row per incident (staged: repo "
            "michalbcz/eurepoc-database-analysis, commit 7b12d54e).",
        ),
        SourceFile(
            key="attributions",
            mirror_path="cyber_eurepoc/eurepoc_attribution_dataset_v1_1.csv",
            url="https://zenodo.org/records/7848941",
            description="Attribution dataset 1.1, one row per attribution.",
        ),
        SourceFile(
            key="receivers",
            mirror_path="cyber_eurepoc/eurepoc_receiver_dataset_v1_1.csv",
            url="https://zenodo.org/records/7848941",
            description="Receiver dataset 1.1, one row per incident and receiver.",
        ),
        SourceFile(
            key="dashboard_types",
            mirror_path="cyber_eurepoc/eurepoc_dashboard_20231204_incident_types.csv",
            url="https://github.com/swp-berlin/EuRepoC_Cyber_Incident_Dashboard",
            description="Dashboard extract of 2023-12-04: incident types per receiver and "
            "initiator (commit bbfee7bc).",
        ),
        SourceFile(
            key="dashboard_initiators",
            mirror_path="cyber_eurepoc/eurepoc_dashboard_20231204_initiators.csv",
            url="https://github.com/swp-berlin/EuRepoC_Cyber_Incident_Dashboard",
            description="Dashboard extract of 2023-12-04: initiators per receiver.",
        ),
    ),
    caveats=(
        "Politically relevant incidents only (state targets, politicised or state-linked "
        "actors). Release 1.1 stops in August 2023; the dashboard extract in December 2023 and "
        "has fewer fields. Licence to be checked (possibly CC BY-NC)."
    ),
)

#: The source's words for "no country": blanks are written as the first of them.
NO_COUNTRY = ("Not available", "Unknown")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse one EuRepoC file into its records table."""
    SPEC.file(file_key)
    parsers: dict[str, Callable[[Path], ParsedTable]] = {
        "global": _parse_global,
        "receivers": _parse_receivers,
        "attributions": _parse_attributions,
        "dashboard_types": lambda p: _parse_dashboard("dashboard_types", p),
        "dashboard_initiators": lambda p: _parse_dashboard("dashboard_initiators", p),
    }
    return [parsers[file_key](path)]


def _incident_ids(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    return to_number(raw, column, file=path, integer=True, minimum=1)


def _country(raw: pd.DataFrame, column: str) -> pd.Series:
    text = raw[column].astype(object)
    text = text.where(text.notna(), NO_COUNTRY[0])
    return text.map(lambda v: str(v).strip() or NO_COUNTRY[0])


def _dates(raw: pd.DataFrame, column: str, path: Path) -> pd.DataFrame:
    """``date``, ``year`` and ``month`` from an ISO date column (blank allowed)."""
    import pandas as pd

    dates = check_dates(raw, column, file=path)
    parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    return pd.DataFrame(
        {
            "start_date": dates,
            "year": parsed.dt.year.astype("Int64"),
            "month": parsed.dt.month.astype("Int64"),
        },
        index=raw.index,
    )


def _parse_global(path: Path) -> ParsedTable:
    import pandas as pd

    columns = (
        "ID", "name", "description", "start_date", "end_date", "incident_type",
        "receiver_country", "receiver_category", "initiator_country", "initiator_category",
        "number_of_attributions", "weighted_cyber_intensity", "unweighted_cyber_intensity",
        "state_responsibility_indicator", "sources_url",
    )  # fmt: skip
    raw = read_csv(path, required=columns)
    frame = pd.DataFrame({"incident_id": _incident_ids(raw, "ID", path)})
    check_unique(frame.assign(**{ROW: raw[ROW]}), ["incident_id"], file=path)
    frame["name"] = raw["name"].str.strip()
    frame["description"] = raw["description"]
    frame = frame.join(_dates(raw, "start_date", path))
    frame["end_date"] = check_dates(raw, "end_date", file=path)
    for column in ("incident_type", "receiver_country", "receiver_category",
                   "initiator_country", "initiator_category",
                   "state_responsibility_indicator", "sources_url"):  # fmt: skip
        frame[column] = raw[column]
    frame["number_of_attributions"] = to_number(
        raw, "number_of_attributions", file=path, integer=True, minimum=0
    )
    frame["weighted_cyber_intensity"] = to_number(
        raw, "weighted_cyber_intensity", file=path, minimum=0, maximum=15
    )
    frame["unweighted_cyber_intensity"] = to_number(
        raw, "unweighted_cyber_intensity", file=path, minimum=0, maximum=15
    )
    frame[ROW] = raw[ROW]
    return ParsedTable(
        table="eurepoc_incidents",
        frame=frame,
        year_column="year",
        description="EuRepoC 1.1 incidents, one row per incident; country roles are in "
        "eurepoc_receivers and eurepoc_attributions.",
    )


def _parse_receivers(path: Path) -> ParsedTable:
    import pandas as pd

    columns = ("ID", "receiver_country", "receiver_region", "receiver_name",
               "receiver_category", "receiver_category_subcode")  # fmt: skip
    raw = read_csv(path, required=columns)
    frame = pd.DataFrame(
        {
            "incident_id": _incident_ids(raw, "ID", path),
            "receiver_country": _country(raw, "receiver_country"),
            "receiver_region": raw["receiver_region"],
            "receiver_name": raw["receiver_name"],
            "receiver_category": raw["receiver_category"],
            "receiver_category_subcode": raw["receiver_category_subcode"],
            ROW: raw[ROW],
        }
    )
    return ParsedTable(
        table="eurepoc_receivers",
        frame=frame,
        country_keys={"receiver_country": "name"},
        year_column=None,
        name_column="receiver_country",
        description="EuRepoC 1.1 receivers, one row per incident and receiver.",
    )


def _parse_attributions(path: Path) -> ParsedTable:
    import pandas as pd

    columns = ("incident_ID", "attribution_ID", "attribution_date", "attribution_type",
               "attribution_basis", "attributing_actor", "attributing_country",
               "attributed_initiator", "attributed_initiator_country",
               "attributed_initiator_category")  # fmt: skip
    raw = read_csv(path, required=columns)
    frame = pd.DataFrame(
        {
            "incident_id": _incident_ids(raw, "incident_ID", path),
            "attribution_id": to_number(raw, "attribution_ID", file=path, integer=True, minimum=0),
            "attribution_date": check_dates(raw, "attribution_date", file=path),
            "attribution_type": raw["attribution_type"],
            "attribution_basis": raw["attribution_basis"],
            "attributing_actor": raw["attributing_actor"],
            "attributing_country": raw["attributing_country"],
            "attributed_initiator": raw["attributed_initiator"],
            "attributed_initiator_country": _country(raw, "attributed_initiator_country"),
            "attributed_initiator_category": raw["attributed_initiator_category"],
            ROW: raw[ROW],
        }
    )
    return ParsedTable(
        table="eurepoc_attributions",
        frame=frame,
        country_keys={"attributed_initiator_country": "name"},
        year_column=None,
        name_column="attributed_initiator_country",
        description="EuRepoC 1.1 attributions; the row's country is the attributed initiator's.",
    )


def _parse_dashboard(file_key: str, path: Path) -> ParsedTable:
    import pandas as pd

    extra = (
        ("incident_type", "weighted_cyber_intensity", "year", "month")
        if file_key == "dashboard_types"
        else ("incident_type", "initiator_category", "initiator_name")
    )
    raw = read_csv(
        path,
        required=(
            "ID",
            "start_date",
            "receiver_country",
            "initiator_country",
            "receiver_region",
            *extra,
        ),
    )
    frame = pd.DataFrame({"incident_id": _incident_ids(raw, "ID", path)})
    frame = frame.join(_dates(raw, "start_date", path))
    if file_key == "dashboard_types":
        # The extract writes year and month as floats ("2000.0"); they must agree with the date.
        year = to_number(raw, "year", file=path, integer=True, minimum=1990, maximum=2100)
        month = to_number(raw, "month", file=path, integer=True, minimum=1, maximum=12)
        for name, given in (("year", year), ("month", month)):
            differs = given.notna() & frame[name].notna() & (given != frame[name])

            def mismatch(i: int, name: str = name, given: pd.Series = given) -> str:
                return f"{name} {given.iloc[i]} does not match start_date {frame['start_date'].iloc[i]}."

            refuse_first(
                raw,
                differs,
                mismatch,
                file=path,
                column=name,
                hint="Restore the dashboard extract as published.",
            )
        frame["weighted_cyber_intensity"] = to_number(
            raw, "weighted_cyber_intensity", file=path, minimum=0, maximum=15
        )
    else:
        frame["initiator_category"] = raw["initiator_category"]
        frame["initiator_name"] = raw["initiator_name"]
    frame["incident_type"] = raw["incident_type"]
    frame["receiver_country"] = _country(raw, "receiver_country")
    frame["initiator_country"] = _country(raw, "initiator_country")
    frame["receiver_region"] = raw["receiver_region"]
    frame[ROW] = raw[ROW]
    table = (
        "eurepoc_dashboard_incidents"
        if file_key == "dashboard_types"
        else "eurepoc_dashboard_initiators"
    )
    return ParsedTable(
        table=table,
        frame=frame,
        country_keys={"receiver_country": "name"},
        other_countries={"initiator_iso3": {"initiator_country": "name"}},
        year_column="year",
        name_column="receiver_country",
        description="EuRepoC dashboard extract (2023-12-04), one row per incident x receiver x "
        "initiator pairing; count incidents with incident_id.",
    )
