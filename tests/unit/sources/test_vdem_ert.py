"""The ERT parser: Regimes of the World and episode flags, and one row per regime episode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import vdem_ert

WriteFile = Callable[[str, str], Path]

_NAMES = (
    "country_id country_text_id country_name year v2x_regime v2x_polyarchy "
    "v2x_polyarchy_codelow v2x_polyarchy_codehigh reg_start_year reg_end_year reg_id reg_type "
    "reg_trans dem_founding_elec aut_founding_elec row_regch_event row_regch_censored dem_ep "
    "dem_ep_id dem_ep_start_year dem_ep_end_year dem_pre_ep_year dem_ep_termination dem_ep_prch "
    "dem_ep_ptr dem_ep_subdep dem_ep_outcome dem_ep_outcome_agg dem_ep_censored aut_ep aut_ep_id "
    "aut_ep_start_year aut_ep_end_year aut_pre_ep_year aut_ep_termination aut_ep_prch aut_ep_pbr "
    "aut_ep_subreg aut_ep_outcome aut_ep_outcome_agg aut_ep_censored"
)
COLUMNS = _NAMES.split()
# The producer's header: an unnamed R row index first, every name quoted.
HEADER = ",".join(['""', *(f'"{c}"' for c in COLUMNS)])
QUIET = {"dem_ep": "0", "dem_pre_ep_year": "0", "dem_ep_outcome": "0", "dem_ep_outcome_agg": "0",
         "dem_ep_censored": "0", "aut_ep": "0", "aut_pre_ep_year": "0", "aut_ep_outcome": "0",
         "aut_ep_outcome_agg": "0", "aut_ep_censored": "0"}  # fmt: skip


def _row(index: int, country: tuple[str, str, str], year: int, **values: str) -> str:
    cells = dict.fromkeys(COLUMNS, "NA") | QUIET
    cells |= {"country_id": country[0], "country_text_id": f'"{country[1]}"',
              "country_name": f'"{country[2]}"', "year": str(year), "v2x_regime": "1",
              "reg_type": "0", "reg_trans": "0", "row_regch_event": "0"}  # fmt: skip
    cells |= values
    return ",".join([f'"{index}"', *(cells[c] for c in COLUMNS)])


MEX = ("3", "MEX", "Mexico")
HUN = ("210", "HUN", "Hungary")


def _dem(start: int, end: int, **extra: str) -> dict[str, str]:
    return {"dem_ep": "1", "dem_ep_id": f'"MEX_{start}_{end}"', "dem_ep_start_year": str(start),
            "dem_ep_end_year": str(end), "dem_ep_termination": "2", "dem_ep_prch": "1",
            "dem_ep_ptr": "0", "dem_ep_subdep": "0", "dem_ep_outcome": "1",
            "dem_ep_outcome_agg": "1"} | extra  # fmt: skip


AUT = {"aut_ep": "1", "aut_ep_id": '"HUN_2023_2024"', "aut_ep_start_year": "2023",
       "aut_ep_end_year": "2024", "aut_ep_termination": "0", "aut_ep_prch": "1",
       "aut_ep_pbr": "0", "aut_ep_subreg": "1", "aut_ep_outcome": "1", "aut_ep_outcome_agg": "1",
       "aut_ep_censored": "1"}  # fmt: skip


def _file(write_file: WriteFile, rows: list[str]) -> Path:
    return write_file("ert.csv", "\n".join([HEADER, *rows]) + "\n")


@pytest.fixture
def ert(write_file: WriteFile) -> Path:
    rows = [
        _row(1, MEX, 1999, dem_pre_ep_year="1", dem_ep_id='"MEX_2000_2001"'),
        _row(2, MEX, 2000, **_dem(2000, 2001)),
        _row(
            3,
            MEX,
            2001,
            **_dem(2001 - 1, 2001),
            v2x_regime="2",
            reg_type="1",
            reg_trans="1",
            row_regch_event="1",
        ),
        _row(
            4,
            HUN,
            2022,
            v2x_regime="2",
            reg_type="1",
            aut_pre_ep_year="1",
            aut_ep_id='"HUN_2023_2024"',
        ),
        _row(5, HUN, 2023, v2x_regime="2", reg_type="1", **AUT),
        _row(6, HUN, 2024, v2x_regime="NA", reg_type="1", **AUT),
    ]
    return _file(write_file, rows)


def test_parser_reads_official_header_into_indicators(ert: Path) -> None:
    indicators, _ = vdem_ert.parse("episodes", ert)
    frame = indicators.frame
    assert indicators.table == "indicators"
    assert indicators.country_keys == {"country_id": "vdem_id", "country_name": "name"}
    codes = [s.code for s in indicators.indicators]
    assert codes[0] == "vdem.v2x_regime"
    assert {"ert.reg_type", "ert.dem_ep", "ert.aut_ep", "ert.row_regch_event"} <= set(codes)
    assert frame["v2x_regime"].tolist()[:3] == [1, 1, 2]
    assert frame["v2x_regime"].isna().tolist()[-1]  # NA is missing
    assert frame["_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert "country_text_id" in frame


def test_episodes_table_has_one_row_per_episode(ert: Path) -> None:
    _, episodes = vdem_ert.parse("episodes", ert)
    frame = episodes.frame.set_index("episode_id")
    assert episodes.table == "regime_episodes"
    assert episodes.year_column == "start_year"
    assert sorted(frame.index) == ["HUN_2023_2024", "MEX_2000_2001"]
    mex = frame.loc["MEX_2000_2001"]
    assert mex["kind"] == "democratization"
    assert (mex["start_year"], mex["end_year"], mex["years"]) == (2000, 2001, 2)
    assert mex["outcome"] == "democratic transition"
    assert mex["termination"] == "annual change in the opposite direction"
    assert mex["_row"] == 3  # the episode's first year, not the pre-episode year
    hun = frame.loc["HUN_2023_2024"]
    assert hun["kind"] == "autocratization"
    assert hun["outcome"] == "democratic breakdown"
    assert hun["censored"] == 1
    assert hun["termination"] == "not yet ended"


def test_episode_facts_that_vary_within_an_episode_are_refused(write_file: WriteFile) -> None:
    rows = [
        _row(1, MEX, 2000, **_dem(2000, 2001)),
        _row(2, MEX, 2001, **_dem(2000, 2001, dem_ep_outcome="4", dem_ep_outcome_agg="2")),
    ]
    with pytest.raises(DataFileError) as caught:
        vdem_ert.parse("episodes", _file(write_file, rows))
    assert caught.value.column == "dem_ep_outcome"
    assert caught.value.row == 2


def test_episode_row_without_id_names_row_and_column(write_file: WriteFile) -> None:
    rows = [_row(1, MEX, 2000, **_dem(2000, 2000, dem_ep_id="NA"))]
    refused(vdem_ert.parse, "episodes", _file(write_file, rows), at=(2, "dem_ep_id"))


def test_regime_out_of_range_names_file_row_and_column(write_file: WriteFile) -> None:
    rows = [_row(1, MEX, 2000), _row(2, MEX, 2001, v2x_regime="4")]
    refused(vdem_ert.parse, "episodes", _file(write_file, rows), at=(3, "v2x_regime"))


def test_missing_column_names_the_column(write_file: WriteFile) -> None:
    path = write_file("ert.csv", HEADER.replace('"aut_ep_censored"', '"aut_censored"') + "\n")
    with pytest.raises(DataFileError) as caught:
        vdem_ert.parse("episodes", path)
    assert caught.value.column == "aut_ep_censored"


@pytest.mark.integration
def test_mirror_has_hungarys_censored_breakdown(mirror: Path) -> None:
    indicators, episodes = vdem_ert.parse(
        "episodes", mirror / vdem_ert.SPEC.file("episodes").mirror_path
    )
    assert len(indicators.frame) == 19678
    frame = episodes.frame
    # pandas on the raw file: 417 democratization and 254 autocratization episode ids
    assert (frame["kind"] == "democratization").sum() == 417
    assert (frame["kind"] == "autocratization").sum() == 254
    hun = frame[frame["episode_id"] == "HUN_2006_2024"].iloc[0]
    # grep -n: the first episode year (2006) is line 19536; outcome 1, censored 1
    assert hun["_row"] == 19536
    assert (hun["outcome_code"], hun["censored"]) == (1, 1)
    regime = indicators.frame
    last = regime[(regime["country_text_id"] == "HUN") & (regime["year"] == 2024)].iloc[0]
    assert last["v2x_regime"] == 1  # awk: electoral autocracy
