"""Episodes of Regime Transformation (ERT) v15, V-Dem Institute, 1900-2024.

The staged file is ``inst/ert.csv`` of the ``vdeminstitute/ERT`` R package (v15 update), copied
verbatim: country-years with Regimes of the World (``v2x_regime``), regime spells and the
democratization (``dem_ep*``) and autocratization (``aut_ep*``) episodes identified on V-Dem's
Electoral Democracy Index. Its first column is an unnamed R row index (ignored); missing values
are written ``NA``.

Tables
------
``indicators`` (country-year):
    ``vdem.v2x_regime`` (V-Dem v15 Regimes of the World, 0 closed autocracy, 1 electoral
    autocracy, 2 electoral democracy, 3 liberal democracy; it lives here because the v15
    high-level file lacks it), ``ert.reg_type`` (0 autocracy, 1 democracy, by ERT's regime
    spells), ``ert.reg_trans`` (1 democratic transition, -1 autocratic transition, 0 none),
    ``ert.row_regch_event`` (1/-1 when RoW crosses the democracy threshold that year),
    ``ert.dem_ep`` and ``ert.aut_ep`` (1 while a democratization / autocratization episode is
    under way). ``v2x_polyarchy`` in this file duplicates the v15 high-level file and is not
    emitted again.
``regime_episodes`` (records, one row per episode):
    derived from the country-year rows where ``dem_ep == 1`` or ``aut_ep == 1``, grouped by the
    episode id; ``_row`` is the file row of the episode's first year. The pre-episode year (which
    ERT also tags with the id, ``*_pre_ep_year == 1``) is not part of the episode. Columns:
    ``country_id, country_text_id, country_name, kind`` ("democratization" /
    "autocratization"), ``episode_id, start_year, end_year, years, termination_code,
    termination, outcome_code, outcome, outcome_agg_code, outcome_agg, censored,
    potential_regime_change, sub_episode``.

Codes (ERT codebook v15 and the package's ``get_eps``): termination 0 = not yet ended (outcome
unknown), 1 = stasis, 2 = annual change of at least 0.03 in the opposite direction, 3 =
cumulative change of at least 0.1 in the opposite direction, 4 = regime transition in the
opposite direction. Democratization outcomes 1 democratic transition, 2 preempted democratic
transition, 3 stabilized electoral autocracy, 4 reverted liberalization, 5 deepened democracy,
6 outcome censored; autocratization outcomes 1 democratic breakdown, 2 preempted democratic
breakdown, 3 diminished democracy, 4 averted regression, 5 regressed autocracy, 6 outcome
censored. ``sub_episode`` is ``dem_ep_subdep`` (a transition followed by deepening within the
episode) or ``aut_ep_subreg`` (a breakdown followed by autocratic regression).

Caveats: episodes near the end of the series are right-censored (``censored`` = 1) and may still
carry an outcome (Hungary's 2006-2024 episode is a censored democratic breakdown). 97 country-
years have no ``v2x_regime`` (gaps in V-Dem coding).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.errors import DataFileError
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

SPEC = SourceSpec(
    name="vdem_ert",
    title="Episodes of Regime Transformation (ERT) v15",
    producer="V-Dem Institute, University of Gothenburg",
    release="ERT 15.0 (2025), based on V-Dem v15, 1900-2024",
    licence="CC BY-SA 4.0 (V-Dem data); the ERT R package is GPL-3",
    citation=(
        "Maerz, S. F., Edgell, A. B., Krusell, J., Maxwell, L. & Hellmeier, S. (2025). ERT - "
        "Episodes of Regime Transformation, v15. V-Dem Institute. See also Lührmann, A. & "
        "Lindberg, S. I. (2019), Democratization 26(7); Edgell, A. B. et al. (2020), V-Dem "
        "Working Paper 2020:97."
    ),
    homepage="https://github.com/vdeminstitute/ERT",
    files=(
        SourceFile(
            key="episodes",
            mirror_path="vdem_ert/ert_v15.csv",
            url=(
                "https://raw.githubusercontent.com/vdeminstitute/ERT/"
                "fa95b8bb8d55735019ee10e7cd0f6fa638cc55ef/inst/ert.csv"
            ),
            description=(
                "ERT v15 country-year file: Regimes of the World, regime spells, "
                "democratization and autocratization episodes with outcomes."
            ),
        ),
    ),
    caveats=(
        "Episodes near 2024 are right-censored. v2x_regime here is V-Dem v15. Episode "
        "thresholds are ERT's defaults (start 0.01, cumulative 0.1, tolerance 5 years)."
    ),
)

INDICATORS = (
    IndicatorSpec(
        column="v2x_regime",
        code="vdem.v2x_regime",
        label="Regimes of the World",
        scale="0 closed autocracy, 1 electoral autocracy, 2 electoral democracy, "
        "3 liberal democracy",
        higher_is_better=True,
        minimum=0,
        maximum=3,
        description="V-Dem v15 Regimes of the World classification, from the ERT v15 file.",
    ),
    IndicatorSpec(
        column="reg_type",
        code="ert.reg_type",
        label="Regime type (ERT regime spells)",
        scale="0 autocracy, 1 democracy",
        higher_is_better=True,
        minimum=0,
        maximum=1,
    ),
    IndicatorSpec(
        column="reg_trans",
        code="ert.reg_trans",
        label="Regime transition this year",
        scale="1 to democracy, -1 to autocracy, 0 none",
        higher_is_better=None,
        minimum=-1,
        maximum=1,
    ),
    IndicatorSpec(
        column="row_regch_event",
        code="ert.row_regch_event",
        label="Regimes of the World crosses the democracy threshold",
        scale="1 up, -1 down, 0 none",
        higher_is_better=None,
        minimum=-1,
        maximum=1,
    ),
    IndicatorSpec(
        column="dem_ep",
        code="ert.dem_ep",
        label="Democratization episode under way",
        scale="0/1",
        higher_is_better=True,
        minimum=0,
        maximum=1,
    ),
    IndicatorSpec(
        column="aut_ep",
        code="ert.aut_ep",
        label="Autocratization episode under way",
        scale="0/1",
        higher_is_better=False,
        minimum=0,
        maximum=1,
    ),
)

TERMINATIONS = {
    0: "not yet ended",
    1: "stasis",
    2: "annual change in the opposite direction",
    3: "cumulative change in the opposite direction",
    4: "regime transition in the opposite direction",
}
OUTCOMES = {
    "dem": {
        1: "democratic transition",
        2: "preempted democratic transition",
        3: "stabilized electoral autocracy",
        4: "reverted liberalization",
        5: "deepened democracy",
        6: "outcome censored",
    },
    "aut": {
        1: "democratic breakdown",
        2: "preempted democratic breakdown",
        3: "diminished democracy",
        4: "averted regression",
        5: "regressed autocracy",
        6: "outcome censored",
    },
}
OUTCOMES_AGG = {
    "dem": {
        1: "democratic transition",
        2: "no democratic transition",
        3: "deepened democracy",
        4: "outcome censored",
    },
    "aut": {
        1: "democratic breakdown",
        2: "no democratic breakdown",
        3: "regressed autocracy",
        4: "outcome censored",
    },
}
_KINDS = {"dem": "democratization", "aut": "autocratization"}
_SUB = {"dem": "dem_ep_subdep", "aut": "aut_ep_subreg"}
_EPISODE_FIELDS = (
    "ep_start_year",
    "ep_end_year",
    "ep_termination",
    "ep_outcome",
    "ep_outcome_agg",
    "ep_censored",
    "ep_prch",
)
#: Valid range of each episode column (``sub`` is the sub-episode flag).
_RANGES = {
    "ep_start_year": (1700, 2100),
    "ep_end_year": (1700, 2100),
    "ep_termination": (0, 4),
    "ep_outcome": (0, 6),
    "ep_outcome_agg": (0, 4),
    "ep_censored": (0, 1),
    "ep_prch": (0, 1),
    "sub": (0, 1),
}
_IDS = ("country_id", "country_text_id", "country_name", "year")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the ERT file into country-year indicators and the ``regime_episodes`` table."""
    import pandas as pd

    SPEC.file(file_key)
    required = [
        *_IDS,
        *(s.column for s in INDICATORS),
        *(f"{p}_{f}" for p in _KINDS for f in ("ep_id", *_EPISODE_FIELDS)),
        *_SUB.values(),
    ]
    raw = read_csv(path, required=required, na_values=("", "NA"))
    base: dict[str, pd.Series] = {
        ROW: raw[ROW],
        "country_id": to_number(raw, "country_id", file=path, integer=True, minimum=1),
        "country_text_id": raw["country_text_id"],
        "country_name": raw["country_name"],
        "year": to_number(raw, "year", file=path, integer=True, minimum=1700, maximum=2100),
    }
    frame = pd.DataFrame({**base, **indicator_values(raw, INDICATORS, file=path, integer=True)})
    check_unique(frame, ["country_id", "year"], file=path)
    indicators = ParsedTable(
        table="indicators",
        frame=frame,
        country_keys={"country_id": "vdem_id", "country_name": "name"},
        indicators=INDICATORS,
        name_column="country_name",
        description="ERT v15 regime classification and episode flags.",
    )
    episodes = pd.concat([_episodes(raw, frame, kind, path) for kind in _KINDS], ignore_index=True)
    records = ParsedTable(
        table="regime_episodes",
        frame=episodes,
        country_keys={"country_id": "vdem_id", "country_name": "name"},
        year_column="start_year",
        name_column="country_name",
        description="ERT v15 democratization and autocratization episodes, one row each.",
    )
    return [indicators, records]


def _episodes(raw: pd.DataFrame, frame: pd.DataFrame, kind: str, path: Path) -> pd.DataFrame:
    import pandas as pd

    flag = frame[f"{kind}_ep"] == 1
    id_col = f"{kind}_ep_id"
    missing = flag & raw[id_col].isna()
    refuse_first(
        raw,
        missing,
        f"the row is in a {_KINDS[kind]} episode ({kind}_ep = 1) but has no episode id.",
        file=path,
        column=id_col,
        hint="Restore the producer's ERT file.",
    )
    rows = pd.DataFrame(
        {
            ROW: raw[ROW],
            "country_id": frame["country_id"],
            "country_text_id": raw["country_text_id"],
            "country_name": raw["country_name"],
            "year": frame["year"],
            "episode_id": raw[id_col],
        }
    )
    for field, (low, high) in _RANGES.items():
        source = _SUB[kind] if field == "sub" else f"{kind}_{field}"
        rows[field] = to_number(raw, source, file=path, integer=True, minimum=low, maximum=high)
    rows = rows[flag.to_numpy()].sort_values(["episode_id", "year"], kind="stable")
    for field in ("country_id", *_EPISODE_FIELDS):
        varies = rows.groupby("episode_id")[field].transform("nunique", dropna=False) > 1
        if varies.any():
            bad = rows[varies].iloc[0]
            raise DataFileError(
                f"episode {bad['episode_id']} has more than one value of this column.",
                file=path,
                row=int(bad[ROW]),
                column=f"{kind}_{field}" if field != "country_id" else "country_id",
                hint="Every year of an ERT episode carries the same episode facts.",
            )
    first = rows.groupby("episode_id", sort=False).head(1).reset_index(drop=True)
    years = rows.groupby("episode_id", sort=False).size()

    def column(field: str) -> pd.Series:
        return first[field].astype("Int64")

    def labelled(field: str, labels: dict[int, str]) -> pd.Series:
        return first[field].map(labels).astype(object)

    return pd.DataFrame(
        {
            ROW: first[ROW],
            "country_id": column("country_id"),
            "country_text_id": first["country_text_id"],
            "country_name": first["country_name"],
            "kind": _KINDS[kind],
            "episode_id": first["episode_id"],
            "start_year": column("ep_start_year"),
            "end_year": column("ep_end_year"),
            "years": years.loc[first["episode_id"]].astype("Int64").to_numpy(),
            "termination_code": column("ep_termination"),
            "termination": labelled("ep_termination", TERMINATIONS),
            "outcome_code": column("ep_outcome"),
            "outcome": labelled("ep_outcome", OUTCOMES[kind]),
            "outcome_agg_code": column("ep_outcome_agg"),
            "outcome_agg": labelled("ep_outcome_agg", OUTCOMES_AGG[kind]),
            "censored": column("ep_censored"),
            "potential_regime_change": column("ep_prch"),
            "sub_episode": column("sub"),
        }
    )
