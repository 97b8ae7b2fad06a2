"""V-Dem Democratic Spaces Barometer: targets, covariates and published forecasts.

Plain copies of files in ``vdeminstitute/demspaces`` (commit ``1012a66d``), values unchanged.

Files and tables
----------------
``dv_data``
    the six space indicators (V-Dem v14), 1968-2023, as indicators ``demspaces.<indicator>``:
    Electoral ``v2x_veracc_osp``, Associational ``v2xcs_ccsi``, Individual ``v2xcl_rol``,
    Informational ``v2x_freexp_altinf``, Governing ``v2x_horacc_osp``, Economic ``v2x_pubcorr``.
    **Caveat:** the Barometer's ``v2x_pubcorr`` is V-Dem's public-corruption index *reversed*
    (1 - V-Dem's value: USA 1970 is 0.961 here, 0.039 in V-Dem), so higher = less corruption.
``cutpoints``
    records ``demspaces_cutpoints``: the frozen change thresholds (``indicator, all, up,
    down``; the Barometer uses ``up`` = ``down``).
``dv_<indicator>`` (six files ``dv-lists/<indicator>.csv``)
    records ``demspaces_targets`` in long form: ``gwcode, year, indicator, change`` ("up",
    "down", "same", "first year of independence"), ``up_next2, down_next2`` (0/1, missing for
    the last two data years).
``forecasts``
    records ``demspaces_forecasts``: the walk-forward forecasts (``outcome, from_year,
    for_years, for_start, for_end, gwcode, p_up, p_same, p_down``). The three probabilities do
    not sum to 1: the Barometer publishes ``p_same = (1 - p_up)(1 - p_down)``, which is checked.
``scores``
    records ``demspaces_scores``: the Barometer's pooled scores of that file (``measure,
    direction, value``).
``regions``
    records ``demspaces_regions``: ``gwcode, region_code`` (V-Dem ``e_regionpol_6C``) and
    ``region``.
``ptcoups``
    Powell & Thyne coup covariates as indicators ``ptcoups.<column>`` (yearly flags and counts,
    counts over 5 and 10 years, years since the last event) **and** the records table ``coups``:
    the country-years with at least one attempt (``gwcode, year, attempts, successful,
    failed``). The ``pt_*_total`` columns are not emitted: their values are not the country's
    totals (Venezuela: 13 failed "in total" but 0 attempts) and the producer does not document
    them.
``gdp``
    World Bank WDI series as indicators ``wdi.<WDI code>`` (``NY.GDP.MKTP.KD``,
    ``NY.GDP.MKTP.KD.ZG``, ``NY.GDP.PCAP.KD``, ``NY.GDP.PCAP.KD.ZG``), with the Barometer's own
    extrapolation: South Sudan 2024 has a *negative* GDP, kept as published (no range check).
``population``
    ``demspaces.pop``: population in **thousands** (USA 2023 = 343,477, i.e. 343 million).
``infmort``
    ``wdi.infmort`` (infant mortality per 1,000 live births), ``wdi.infmort_yearadj`` (the
    Barometer's year-adjusted version) and ``wdi.infmort_imputed`` (TRUE/FALSE as 1/0).
``state_age``
    ``gw.state_age``: years since the state entered the Gleditsch-Ward system (1 = first year).

All country-year files are keyed by Gleditsch-Ward ``gwcode`` and ``year``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_unique,
    indicator_values,
    read_csv,
    refuse_first,
    to_number,
)

if TYPE_CHECKING:
    import pandas as pd

_RAW = (
    "https://raw.githubusercontent.com/vdeminstitute/demspaces/"
    "1012a66d590d2315c292f2ec745f168abbf84d05"
)


@dataclass(frozen=True)
class Space:
    """One of the Barometer's six spaces of democratic governance: its short name (what users
    type, and the forecast outcomes' prefix), the V-Dem indicator that measures it, its label,
    what the indicator measures in a few words, and the indicator's full name."""

    name: str
    indicator: str
    label: str
    gist: str
    measure: str

    @property
    def code(self) -> str:
        """The warehouse indicator code (``demspaces.<indicator>``)."""
        return f"demspaces.{self.indicator}"


#: The six spaces, named once (the forecasts, their labels and this parser read them here).
SPACES: tuple[Space, ...] = (
    Space("electoral", "v2x_veracc_osp", "Electoral", "vertical accountability",
          "Vertical accountability index (0-1 version)"),
    Space("associational", "v2xcs_ccsi", "Associational", "core civil society",
          "Core civil society index"),
    Space("individual", "v2xcl_rol", "Individual", "equality before the law, individual liberty",
          "Equality before the law and individual liberty index"),
    Space("informational", "v2x_freexp_altinf", "Informational",
          "free expression, alternative information",
          "Freedom of expression and alternative sources"),
    Space("governing", "v2x_horacc_osp", "Governing", "horizontal accountability",
          "Horizontal accountability index (0-1 version)"),
    Space("economic", "v2x_pubcorr", "Economic", "public-sector integrity, 1 - corruption",
          "Public sector corruption index, reversed (1 = least corrupt)"),
)  # fmt: skip
_SPACE_NAMES = tuple(s.indicator for s in SPACES)


_ORIGIN = {
    "dv_data_1968_on.csv": "create-data/output/dv_data_1968_on.csv",
    "cutpoints.csv": "create-data/output/cutpoints.csv",
    **{f"dv-lists/{n}.csv": f"create-data/output/dv-lists/{n}.csv" for n in _SPACE_NAMES},
    "fcasts-rf-v14.csv": "modelrunner/output/fcasts-rf-v14.csv",
    "fcasts-rf-v14-score-summary.csv": "modelrunner/output/fcasts-rf-v14-score-summary.csv",
    "region-mapping.csv": "create-data/output/region-mapping.csv",
    **{
        f"covariates/{n}.csv": f"create-data/input/{n}.csv"
        for n in ("ptcoups", "gdp", "population", "wdi-infmort", "gwstate-age")
    },
}


def _file(key: str, path: str, description: str) -> SourceFile:
    return SourceFile(
        key=key,
        mirror_path=f"demspaces/{path}",
        url=f"{_RAW}/{_ORIGIN[path]}",
        description=description,
    )


SPEC = SourceSpec(
    name="demspaces",
    title="V-Dem Democratic Spaces Barometer",
    producer="V-Dem Institute and International Republican Institute (IRI)",
    release="v14 (2024): V-Dem v14 data, forecasts from 2005-2022 origins",
    licence="CC BY-SA 4.0 (V-Dem data); covariates keep their producers' terms (WDI CC BY 4.0)",
    citation=(
        "Beger, A., Morgan, R. K. & Maxwell, L. V-Dem Democratic Spaces Barometer. V-Dem "
        "Institute / International Republican Institute. Underlying data: Coppedge, M. et al. "
        "(2024), V-Dem Dataset v14, https://doi.org/10.23696/mcwt-fr58; Powell, J. M. & Thyne, "
        "C. L. (2011), Journal of Peace Research 48(2); World Bank, World Development Indicators."
    ),
    homepage="https://github.com/vdeminstitute/demspaces",
    files=(
        _file("dv_data", "dv_data_1968_on.csv", "The six space indicators (V-Dem v14), 1968-2023."),
        _file("cutpoints", "cutpoints.csv", "Frozen change thresholds per space indicator."),
        *(
            _file(
                f"dv_{name}",
                f"dv-lists/{name}.csv",
                f"Realised up/down targets for {name} (change this year, event in next 2 years).",
            )
            for name in _SPACE_NAMES
        ),
        _file("forecasts", "fcasts-rf-v14.csv", "Walk-forward forecasts, origins 2005-2022."),
        _file(
            "scores",
            "fcasts-rf-v14-score-summary.csv",
            "The Barometer's pooled scores of its forecasts.",
        ),
        _file("regions", "region-mapping.csv", "G&W code to V-Dem six-region classification."),
        _file("ptcoups", "covariates/ptcoups.csv", "Powell & Thyne coups, country-year."),
        _file("gdp", "covariates/gdp.csv", "WDI GDP series (constant USD, growth), country-year."),
        _file("population", "covariates/population.csv", "Population in thousands."),
        _file("infmort", "covariates/wdi-infmort.csv", "WDI infant mortality, country-year."),
        _file("state_age", "covariates/gwstate-age.csv", "Age of the state in the G&W system."),
    ),
    caveats=(
        "demspaces.v2x_pubcorr is V-Dem's public corruption index reversed (higher = cleaner). "
        "Forecast probabilities do not sum to 1 (p_same = (1-p_up)(1-p_down)). The Barometer's "
        "walk-forward trains on the year whose 2-year target overlaps the test window. GDP has "
        "the Barometer's extrapolations (one negative value, South Sudan 2024)."
    ),
)

SPACE_INDICATORS = tuple(
    IndicatorSpec(
        column=space.indicator,
        code=space.code,
        label=f"{space.label} space: {space.measure}",
        scale="0-1, higher = more open space",
        higher_is_better=True,
        minimum=0,
        maximum=1,
        description="As published by the Democratic Spaces Barometer (V-Dem v14).",
    )
    for space in SPACES
)


def _spec(column: str, code: str, label: str, scale: str, **kwargs: Any) -> IndicatorSpec:
    return IndicatorSpec(column=column, code=code, label=label, scale=scale, **kwargs)


_PT_EVENTS = {"attempt": "coup attempt", "coup": "successful coup", "failed": "failed coup"}
PTCOUPS_INDICATORS = (
    *(
        _spec(f"pt_{e}", f"ptcoups.pt_{e}", f"Any {what} this year (Powell & Thyne)", "0/1",
              higher_is_better=False, minimum=0, maximum=1)
        for e, what in _PT_EVENTS.items()
    ),
    *(
        _spec(f"pt_{e}_num{window}", f"ptcoups.pt_{e}_num{window}",
              f"Number of {what}s ({label})", "count", higher_is_better=False, minimum=0)
        for window, label in (("", "this year"), ("5yrs", "5-year window"),
                              ("10yrs", "10-year window"))
        for e, what in _PT_EVENTS.items()
    ),
    *(
        _spec(f"years_since_last_pt_{e}", f"ptcoups.years_since_last_pt_{e}",
              f"Years since the last {what}", "years (counted from 1950 if none)",
              higher_is_better=None, minimum=0)
        for e, what in _PT_EVENTS.items()
    ),
)  # fmt: skip

GDP_INDICATORS = (
    _spec("NY.GDP.MKTP.KD", "wdi.NY.GDP.MKTP.KD", "GDP (constant 2015 US$)", "US$",
          higher_is_better=None),
    _spec("NY.GDP.MKTP.KD.ZG", "wdi.NY.GDP.MKTP.KD.ZG", "GDP growth (annual %)", "percent",
          higher_is_better=True),
    _spec("NY.GDP.PCAP.KD", "wdi.NY.GDP.PCAP.KD", "GDP per capita (constant 2015 US$)", "US$",
          higher_is_better=True),
    _spec("NY.GDP.PCAP.KD.ZG", "wdi.NY.GDP.PCAP.KD.ZG", "GDP per capita growth (annual %)",
          "percent", higher_is_better=True),
)  # fmt: skip

POPULATION_INDICATORS = (
    _spec("pop", "demspaces.pop", "Population (thousands)", "thousands of people",
          higher_is_better=None, minimum=0),
)  # fmt: skip

INFMORT_INDICATORS = (
    _spec("infmort", "wdi.infmort", "Infant mortality rate (per 1,000 live births)",
          "deaths per 1,000 live births", higher_is_better=False, minimum=0, maximum=1000),
    _spec("infmort_yearadj", "wdi.infmort_yearadj",
          "Infant mortality relative to the year's global level (Barometer transform)",
          "standardised by year", higher_is_better=False),
    _spec("infmort_imputed", "wdi.infmort_imputed",
          "Infant mortality value imputed by the Barometer", "0/1", higher_is_better=None,
          minimum=0, maximum=1),
)  # fmt: skip

STATE_AGE_INDICATORS = (
    _spec("state_age", "gw.state_age", "Age of the state in the G&W system", "years, 1 = first",
          higher_is_better=None, minimum=1),
)  # fmt: skip

REGIONS = {
    1: "Eastern Europe and Central Asia",
    2: "Latin America and the Caribbean",
    3: "Middle East and North Africa",
    4: "Sub-Saharan Africa",
    5: "Western Europe and North America",
    6: "Asia and Pacific",
}
_CHANGES = ("up", "down", "same", "first year of independence")
_NA = ("", "NA")
_FOR_YEARS = r"^\s*(\d{4})\s*-\s*(\d{4})\s*$"


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse one Barometer file; see the module docstring for the tables each key gives."""
    SPEC.file(file_key)
    if file_key.startswith("dv_v2"):
        return [_targets(file_key.removeprefix("dv_"), path)]
    if file_key == "ptcoups":
        return _ptcoups(path)
    parsers: dict[str, Callable[[Path], ParsedTable]] = {
        "dv_data": _dv_data,
        "cutpoints": _cutpoints,
        "forecasts": _forecasts,
        "scores": _scores,
        "regions": _regions,
        "gdp": lambda p: _covariates(p, GDP_INDICATORS),
        "population": lambda p: _covariates(p, POPULATION_INDICATORS),
        "infmort": _infmort,
        "state_age": lambda p: _covariates(p, STATE_AGE_INDICATORS),
    }
    return [parsers[file_key](path)]


def _gw_year(raw: pd.DataFrame, path: Path) -> dict[str, pd.Series]:
    return {
        ROW: raw[ROW],
        "gwcode": to_number(raw, "gwcode", file=path, integer=True, minimum=1, maximum=999),
        "year": to_number(raw, "year", file=path, integer=True, minimum=1800, maximum=2100),
    }


def _indicator_table(
    raw: pd.DataFrame, path: Path, specs: tuple[IndicatorSpec, ...], description: str
) -> ParsedTable:
    import pandas as pd

    frame = pd.DataFrame({**_gw_year(raw, path), **indicator_values(raw, specs, file=path)})
    check_unique(frame, ["gwcode", "year"], file=path)
    return ParsedTable(
        table="indicators", frame=frame, country_keys={"gwcode": "gwcode"}, indicators=specs,
        description=description,
    )  # fmt: skip


def _dv_data(path: Path) -> ParsedTable:
    import pandas as pd

    ids = ("gwcode", "year", "country_name", "country_id", "country_text_id")
    raw = read_csv(path, required=(*ids, *_SPACE_NAMES), na_values=_NA)
    columns = _gw_year(raw, path)
    columns["country_id"] = to_number(raw, "country_id", file=path, integer=True, minimum=1)
    columns["country_text_id"] = raw["country_text_id"]
    columns["country_name"] = raw["country_name"]
    for spec in SPACE_INDICATORS:
        columns[spec.column] = to_number(raw, spec.column, file=path, minimum=0, maximum=1)
    frame = pd.DataFrame(columns)
    check_unique(frame, ["gwcode", "year"], file=path)
    return ParsedTable(
        table="indicators", frame=frame,
        country_keys={"gwcode": "gwcode", "country_id": "vdem_id", "country_name": "name"},
        indicators=SPACE_INDICATORS, name_column="country_name",
        description="Democratic Spaces Barometer space indicators (V-Dem v14).",
    )  # fmt: skip


def _cutpoints(path: Path) -> ParsedTable:
    raw = read_csv(path, required=("indicator", "all", "up", "down"), na_values=_NA)
    _check_known(raw, "indicator", _SPACE_NAMES, path)
    frame = raw[[ROW, "indicator"]].copy()
    for column in ("all", "up", "down"):
        frame[column] = to_number(raw, column, file=path, minimum=0, maximum=1)
    check_unique(frame, ["indicator"], file=path)
    return ParsedTable(
        table="demspaces_cutpoints", frame=frame, year_column=None,
        description="Change thresholds of the six space indicators.",
    )  # fmt: skip


def _targets(indicator: str, path: Path) -> ParsedTable:
    import pandas as pd

    prefix = f"dv_{indicator}"
    change, up, down = f"{prefix}_change", f"{prefix}_up_next2", f"{prefix}_down_next2"
    raw = read_csv(path, required=("gwcode", "year", change, up, down), na_values=_NA)
    _check_known(raw, change, _CHANGES, path)
    frame = pd.DataFrame(
        {
            **_gw_year(raw, path),
            "indicator": pd.Series(indicator, index=raw.index, dtype=object),
            "change": raw[change],
            "up_next2": to_number(raw, up, file=path, integer=True, minimum=0, maximum=1),
            "down_next2": to_number(raw, down, file=path, integer=True, minimum=0, maximum=1),
        }
    )
    check_unique(frame, ["gwcode", "year"], file=path)
    return ParsedTable(
        table="demspaces_targets", frame=frame, country_keys={"gwcode": "gwcode"},
        description=f"Realised Barometer targets for {indicator} (long form).",
    )  # fmt: skip


def _forecasts(path: Path) -> ParsedTable:
    import pandas as pd

    required = ("outcome", "from_year", "for_years", "gwcode", "p_up", "p_same", "p_down")
    raw = read_csv(path, required=required, na_values=_NA)
    _check_known(raw, "outcome", _SPACE_NAMES, path)
    frame = pd.DataFrame(
        {
            ROW: raw[ROW],
            "outcome": raw["outcome"],
            "from_year": to_number(raw, "from_year", file=path, integer=True, minimum=1900,
                                   maximum=2100),
            "for_years": raw["for_years"],
            "gwcode": to_number(raw, "gwcode", file=path, integer=True, minimum=1, maximum=999),
        }
    )  # fmt: skip
    parts = raw["for_years"].fillna("").astype(str).str.extract(_FOR_YEARS)
    frame["for_start"] = pd.to_numeric(parts[0]).astype("Int64")
    frame["for_end"] = pd.to_numeric(parts[1]).astype("Int64")
    wrong = (frame["for_start"] != frame["from_year"] + 1) | (
        frame["for_end"] != frame["from_year"] + 2
    )
    _raise_at(
        wrong.fillna(True).astype(bool), raw, path, "for_years",
        "the forecast window should read '<from_year + 1> - <from_year + 2>'.",
        "The Barometer forecasts the two years after the origin year.",
    )  # fmt: skip
    for column in ("p_up", "p_same", "p_down"):
        frame[column] = to_number(raw, column, file=path, minimum=0, maximum=1)
    implied = (1 - frame["p_up"]) * (1 - frame["p_down"])
    _raise_at(
        (implied - frame["p_same"]).abs() > 1e-6, raw, path, "p_same",
        "p_same differs from (1 - p_up)(1 - p_down).",
        "The Barometer publishes p_same = (1 - p_up)(1 - p_down); restore its file.",
    )  # fmt: skip
    check_unique(frame, ["outcome", "from_year", "gwcode"], file=path)
    return ParsedTable(
        table="demspaces_forecasts", frame=frame, country_keys={"gwcode": "gwcode"},
        year_column="from_year",
        description="Democratic Spaces Barometer walk-forward forecasts (rf, v14).",
    )  # fmt: skip


def _scores(path: Path) -> ParsedTable:
    raw = read_csv(path, required=("Measure", "Direction", "Value"), na_values=_NA)
    _check_known(raw, "Direction", ("up", "down"), path)
    frame = raw[[ROW]].copy()
    frame["measure"] = raw["Measure"]
    frame["direction"] = raw["Direction"]
    frame["value"] = to_number(raw, "Value", file=path)
    check_unique(frame, ["measure", "direction"], file=path)
    return ParsedTable(
        table="demspaces_scores", frame=frame, year_column=None,
        description="The Barometer's pooled scores of fcasts-rf-v14.",
    )  # fmt: skip


def _regions(path: Path) -> ParsedTable:
    raw = read_csv(path, required=("gwcode", "e_regionpol_6C"), na_values=_NA)
    frame = raw[[ROW]].copy()
    frame["gwcode"] = to_number(raw, "gwcode", file=path, integer=True, minimum=1, maximum=999)
    frame["region_code"] = to_number(
        raw, "e_regionpol_6C", file=path, integer=True, minimum=1, maximum=6
    )
    frame["region"] = frame["region_code"].map(REGIONS).astype(object)
    check_unique(frame, ["gwcode"], file=path)
    return ParsedTable(
        table="demspaces_regions", frame=frame, country_keys={"gwcode": "gwcode"},
        year_column=None, description="V-Dem six-region classification of G&W states.",
    )  # fmt: skip


def _covariates(path: Path, specs: tuple[IndicatorSpec, ...]) -> ParsedTable:
    raw = read_csv(path, required=("gwcode", "year", *(s.column for s in specs)), na_values=_NA)
    return _indicator_table(raw, path, specs, "Democratic Spaces Barometer covariates.")


def _infmort(path: Path) -> ParsedTable:
    columns = ("gwcode", "year", *(s.column for s in INFMORT_INDICATORS))
    raw = read_csv(path, required=columns, na_values=_NA)
    _check_known(raw, "infmort_imputed", ("TRUE", "FALSE"), path)
    raw["infmort_imputed"] = raw["infmort_imputed"].map({"TRUE": "1", "FALSE": "0"})
    return _indicator_table(raw, path, INFMORT_INDICATORS, "WDI infant mortality (Barometer).")


def _ptcoups(path: Path) -> list[ParsedTable]:
    import pandas as pd

    columns = ("gwcode", "year", *(s.column for s in PTCOUPS_INDICATORS))
    raw = read_csv(path, required=columns, na_values=_NA)
    table = _indicator_table(raw, path, PTCOUPS_INDICATORS, "Powell & Thyne coups (Barometer).")
    frame = table.frame
    for event in _PT_EVENTS:
        flag, count = f"pt_{event}", f"pt_{event}_num"
        _raise_at(
            (frame[flag] == 1) != (frame[count] > 0), raw, path, flag,
            f"{flag} and {count} disagree (the flag is 1 exactly when the count is above 0).",
            "Restore the producer's file.",
        )  # fmt: skip
    _raise_at(
        frame["pt_attempt_num"] != frame["pt_coup_num"] + frame["pt_failed_num"], raw, path,
        "pt_attempt_num", "pt_attempt_num is not pt_coup_num + pt_failed_num.",
        "Restore the producer's file.",
    )  # fmt: skip
    events = frame[(frame["pt_attempt_num"] > 0).to_numpy()]
    coups = pd.DataFrame(
        {
            ROW: events[ROW],
            "gwcode": events["gwcode"],
            "year": events["year"],
            "attempts": events["pt_attempt_num"].astype("Int64"),
            "successful": events["pt_coup_num"].astype("Int64"),
            "failed": events["pt_failed_num"].astype("Int64"),
        }
    ).reset_index(drop=True)
    records = ParsedTable(
        table="coups", frame=coups, country_keys={"gwcode": "gwcode"},
        description="Country-years with at least one coup attempt (Powell & Thyne, Barometer).",
    )  # fmt: skip
    return [table, records]


def _check_known(raw: pd.DataFrame, column: str, known: tuple[str, ...], path: Path) -> None:
    shown = ", ".join(f"'{k}'" for k in known)
    _raise_at(
        ~raw[column].isin(known), raw, path, column, f"the value is not one of {shown}.",
        "Check that this is the Barometer release Stabilis expects.",
    )  # fmt: skip


def _raise_at(
    bad: pd.Series, raw: pd.DataFrame, path: Path, column: str, problem: str, hint: str
) -> None:
    """Raise for the first row where ``bad`` is true, quoting that row's value of ``column``."""
    mask = bad.fillna(False).astype(bool).to_numpy()
    refuse_first(
        raw, mask, lambda i: f"'{raw[column].iloc[i]}': {problem} ({int(mask.sum())} such rows.)",
        file=path, column=column, hint=hint,
    )  # fmt: skip
