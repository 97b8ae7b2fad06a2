"""The Democratic Spaces Barometer parser: indicators, targets, forecasts and covariates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import demspaces

WriteFile = Callable[[str, str], Path]

DV_HEADER = (
    "gwcode,year,country_name,country_id,country_text_id,v2x_veracc_osp,v2xcs_ccsi,v2xcl_rol,"
    "v2x_freexp_altinf,v2x_horacc_osp,v2x_pubcorr"
)
PT_HEADER = (
    '"gwcode","year","pt_attempt","pt_attempt_num","pt_coup_num","pt_coup","pt_failed_num",'
    '"pt_failed","pt_coup_total","pt_failed_total","pt_attempt_total","pt_coup_num5yrs",'
    '"pt_failed_num5yrs","pt_attempt_num5yrs","pt_coup_num10yrs","pt_failed_num10yrs",'
    '"pt_attempt_num10yrs","years_since_last_pt_coup","years_since_last_pt_failed",'
    '"years_since_last_pt_attempt"'
)
FC_HEADER = "outcome,from_year,for_years,gwcode,p_up,p_same,p_down"


def _write(write_file: WriteFile, name: str, *lines: str) -> Path:
    return write_file(name, "\n".join(lines) + "\n")


def test_dv_data_reads_official_header(write_file: WriteFile) -> None:
    path = _write(
        write_file, "dv.csv", DV_HEADER,
        "2,1970,United States of America,20,USA,0.861,0.916,0.907,0.899,0.921,0.961",
        "2,1971,United States of America,20,USA,0.86,0.916,0.907,0.899,0.92,0.96",
    )  # fmt: skip
    (table,) = demspaces.parse("dv_data", path)
    assert table.table == "indicators"
    assert list(table.country_keys) == ["gwcode", "country_id", "country_name"]
    assert table.country_keys["country_id"] == "vdem_id"
    assert [s.code for s in table.indicators][-1] == "demspaces.v2x_pubcorr"
    assert all(s.higher_is_better for s in table.indicators)  # pubcorr is reversed: 1 = clean
    assert table.frame["v2x_pubcorr"].tolist() == [pytest.approx(0.961), pytest.approx(0.96)]
    assert table.frame["_row"].tolist() == [2, 3]


def test_dv_data_out_of_range_names_file_row_and_column(write_file: WriteFile) -> None:
    path = _write(
        write_file, "dv.csv", DV_HEADER,
        "2,1970,United States of America,20,USA,0.861,1.916,0.907,0.899,0.921,0.961",
    )  # fmt: skip
    refused(demspaces.parse, "dv_data", path, at=(2, "v2xcs_ccsi"))


def test_targets_come_out_long_with_the_indicator_named(write_file: WriteFile) -> None:
    path = _write(
        write_file, "any-name.csv",
        "gwcode,year,dv_v2xcl_rol_change,dv_v2xcl_rol_up_next2,dv_v2xcl_rol_down_next2",
        "2,1968,first year of independence,0,0", "2,2022,up,NA,NA", "2,2023,same,NA,NA",
    )  # fmt: skip
    (table,) = demspaces.parse("dv_v2xcl_rol", path)
    assert table.table == "demspaces_targets"
    frame = table.frame
    assert list(frame.columns) == [
        "_row", "gwcode", "year", "indicator", "change", "up_next2", "down_next2",
    ]  # fmt: skip
    assert set(frame["indicator"]) == {"v2xcl_rol"}
    assert frame["change"].tolist()[1] == "up"
    assert frame["up_next2"].isna().tolist() == [False, True, True]


def test_targets_unknown_change_names_row_and_column(write_file: WriteFile) -> None:
    path = _write(
        write_file, "t.csv",
        "gwcode,year,dv_v2xcs_ccsi_change,dv_v2xcs_ccsi_up_next2,dv_v2xcs_ccsi_down_next2",
        "2,1970,same,0,0", "2,1971,sideways,0,0",
    )  # fmt: skip
    refused(demspaces.parse, "dv_v2xcs_ccsi", path, at=(3, "dv_v2xcs_ccsi_change"))


def test_forecasts_parse_window_and_probabilities(write_file: WriteFile) -> None:
    path = _write(
        write_file, "fc.csv", FC_HEADER,
        "v2xcs_ccsi,2022,2023 - 2024,2,0,0.8555,0.1445",
        "v2xcs_ccsi,2022,2023 - 2024,20,0.140875,0.76096996875,0.11425",
    )  # fmt: skip
    (table,) = demspaces.parse("forecasts", path)
    assert table.table == "demspaces_forecasts"
    assert table.year_column == "from_year"
    assert table.frame["for_start"].tolist() == [2023, 2023]
    assert table.frame["for_end"].tolist() == [2024, 2024]


def test_forecasts_probability_above_one_names_row(write_file: WriteFile) -> None:
    path = _write(write_file, "fc.csv", FC_HEADER, "v2xcs_ccsi,2022,2023 - 2024,2,1.2,0,0")
    refused(demspaces.parse, "forecasts", path, at=(2, "p_up"))


def test_forecasts_inconsistent_p_same_is_refused(write_file: WriteFile) -> None:
    path = _write(write_file, "fc.csv", FC_HEADER, "v2xcs_ccsi,2022,2023 - 2024,2,0.2,0.5,0.3")
    refused(demspaces.parse, "forecasts", path, at=(2, "p_same"))


def test_forecasts_wrong_window_is_refused(write_file: WriteFile) -> None:
    path = _write(write_file, "fc.csv", FC_HEADER, "v2xcs_ccsi,2022,2022 - 2023,2,0,1,0")
    with pytest.raises(DataFileError) as caught:
        demspaces.parse("forecasts", path)
    assert caught.value.column == "for_years"


def test_cutpoints_scores_and_regions_are_records(write_file: WriteFile) -> None:
    cut = _write(write_file, "c.csv", "indicator,all,up,down", "v2xcs_ccsi,0.0547,0.05,0.05")
    score = _write(write_file, "s.csv", "Measure,Direction,Value", "ROC-AUC,up,0.88")
    region = _write(write_file, "r.csv", "gwcode,e_regionpol_6C", "2,5", "700,6")
    (cuts,) = demspaces.parse("cutpoints", cut)
    (scores,) = demspaces.parse("scores", score)
    (regions,) = demspaces.parse("regions", region)
    assert cuts.table == "demspaces_cutpoints"
    assert cuts.frame["up"].tolist() == [pytest.approx(0.05)]
    assert scores.frame[["measure", "direction"]].iloc[0].tolist() == ["ROC-AUC", "up"]
    assert regions.frame["region"].tolist() == [
        "Western Europe and North America", "Asia and Pacific",
    ]  # fmt: skip


def test_ptcoups_gives_indicators_and_a_coups_table(write_file: WriteFile) -> None:
    path = _write(
        write_file, "ptcoups.csv", PT_HEADER,
        "101,2001,0,0,0,0,0,0,0,13,0,0,0,0,0,0,0,52,52,52",
        "101,2002,1,1,0,0,1,1,0,13,0,0,1,1,0,1,1,53,0,0",
    )  # fmt: skip
    indicators, coups = demspaces.parse("ptcoups", path)
    codes = {s.code for s in indicators.indicators}
    assert {"ptcoups.pt_attempt", "ptcoups.pt_coup", "ptcoups.years_since_last_pt_attempt"} <= codes
    assert "ptcoups.pt_failed_total" not in codes
    assert coups.table == "coups"
    assert coups.frame[["gwcode", "year", "attempts", "successful", "failed"]].iloc[0].tolist() == [
        101, 2002, 1, 0, 1,
    ]  # fmt: skip
    assert coups.frame["_row"].tolist() == [3]


def test_ptcoups_inconsistent_counts_are_refused(write_file: WriteFile) -> None:
    path = _write(
        write_file, "ptcoups.csv", PT_HEADER, "101,2002,1,2,0,0,1,1,0,13,0,0,1,1,0,1,1,53,0,0"
    )  # fmt: skip
    refused(demspaces.parse, "ptcoups", path, at=(2, "pt_attempt_num"))


def test_covariates_keep_the_producers_codes(write_file: WriteFile) -> None:
    gdp = _write(
        write_file, "gdp.csv", "gwcode,year,NY.GDP.MKTP.KD,NY.GDP.MKTP.KD.ZG,NY.GDP.PCAP.KD,"
        "NY.GDP.PCAP.KD.ZG", "2,2021,20816096100824.5,6.05,61194.75,5.83", "626,2024,-1,NA,NA,NA",
    )  # fmt: skip
    inf = _write(
        write_file, "inf.csv", "gwcode,year,infmort,infmort_yearadj,infmort_imputed",
        "2,2021,5.5,-0.787,FALSE", "2,2022,5.4,-0.79,TRUE",
    )  # fmt: skip
    pop = _write(write_file, "pop.csv", "gwcode,year,pop", "2,2023,343477.335", "396,2000,NA")
    age = _write(write_file, "age.csv", '"gwcode","year","state_age"', "2,2021,206")
    (gdp_table,) = demspaces.parse("gdp", gdp)
    (inf_table,) = demspaces.parse("infmort", inf)
    (pop_table,) = demspaces.parse("population", pop)
    (age_table,) = demspaces.parse("state_age", age)
    assert gdp_table.indicators[0].code == "wdi.NY.GDP.MKTP.KD"
    assert gdp_table.frame["NY.GDP.MKTP.KD"].tolist()[1] == -1  # kept as published
    assert inf_table.frame["infmort_imputed"].tolist() == [0, 1]
    assert [s.code for s in pop_table.indicators] == ["demspaces.pop"]
    assert pop_table.frame["pop"].isna().tolist() == [False, True]
    assert [s.code for s in age_table.indicators] == ["gw.state_age"]


def test_infmort_imputed_flag_must_be_true_or_false(write_file: WriteFile) -> None:
    inf = _write(
        write_file, "inf.csv", "gwcode,year,infmort,infmort_yearadj,infmort_imputed",
        "2,2021,5.5,-0.787,yes",
    )  # fmt: skip
    refused(demspaces.parse, "infmort", inf, at=(2, "infmort_imputed"))


def test_missing_column_names_file_and_column(write_file: WriteFile) -> None:
    path = _write(write_file, "pop.csv", "gwcode,year,population", "2,2023,1")
    refused(demspaces.parse, "population", path, at=(1, "pop"))


def test_duplicate_country_year_is_refused(write_file: WriteFile) -> None:
    path = _write(write_file, "age.csv", "gwcode,year,state_age", "2,2021,206", "2,2021,206")
    with pytest.raises(DataFileError, match="same key"):
        demspaces.parse("state_age", path)


def test_every_file_has_the_pinned_github_url() -> None:
    for source_file in demspaces.SPEC.files:
        assert source_file.url.startswith(
            "https://raw.githubusercontent.com/vdeminstitute/demspaces/"
            "1012a66d590d2315c292f2ec745f168abbf84d05/"
        )
        assert source_file.mirror_path.startswith("demspaces/")


def _mirror(mirror: Path, key: str) -> Path:
    return mirror / demspaces.SPEC.file(key).mirror_path


@pytest.mark.integration
def test_mirror_dv_data_and_targets(mirror: Path) -> None:
    (table,) = demspaces.parse("dv_data", _mirror(mirror, "dv_data"))
    assert len(table.frame) == 8796
    usa = table.frame[(table.frame["gwcode"] == 2) & (table.frame["year"] == 1970)].iloc[0]
    assert usa["v2x_pubcorr"] == pytest.approx(0.961)  # grep: line 4
    for indicator in (s.indicator for s in demspaces.SPACES):
        (targets,) = demspaces.parse(f"dv_{indicator}", _mirror(mirror, f"dv_{indicator}"))
        assert len(targets.frame) == 8796
        assert targets.frame["up_next2"].isna().sum() == 338  # awk: 338 'NA' per file


@pytest.mark.integration
def test_mirror_forecasts_scores_cutpoints_regions(mirror: Path) -> None:
    (forecasts,) = demspaces.parse("forecasts", _mirror(mirror, "forecasts"))
    assert len(forecasts.frame) == 18192
    row = forecasts.frame[forecasts.frame["_row"] == 18026].iloc[0]  # grep -n: line 18026
    assert (row["gwcode"], row["p_up"]) == (20, pytest.approx(0.140875))
    (scores,) = demspaces.parse("scores", _mirror(mirror, "scores"))
    auc = scores.frame.set_index(["measure", "direction"]).loc[("ROC-AUC", "up"), "value"]
    assert auc == pytest.approx(0.8833241263267886)
    (cuts,) = demspaces.parse("cutpoints", _mirror(mirror, "cutpoints"))
    assert cuts.frame.set_index("indicator").loc["v2xcs_ccsi", "up"] == pytest.approx(0.05)
    (regions,) = demspaces.parse("regions", _mirror(mirror, "regions"))
    assert len(regions.frame) == 177


@pytest.mark.integration
def test_mirror_covariates(mirror: Path) -> None:
    indicators, coups = demspaces.parse("ptcoups", _mirror(mirror, "ptcoups"))
    assert len(indicators.frame) == 12384
    assert len(coups.frame) == 428  # pandas: 428 country-years with pt_attempt_num > 0
    ven = coups.frame[(coups.frame["gwcode"] == 101) & (coups.frame["year"] == 2002)].iloc[0]
    assert (ven["attempts"], ven["failed"]) == (1, 1)  # grep: line 1610
    (pop,) = demspaces.parse("population", _mirror(mirror, "population"))
    usa = pop.frame[(pop.frame["gwcode"] == 2) & (pop.frame["year"] == 2023)].iloc[0]
    assert usa["pop"] == pytest.approx(343477.335)  # thousands: 343 million people
    (gdp,) = demspaces.parse("gdp", _mirror(mirror, "gdp"))
    usa_gdp = gdp.frame[(gdp.frame["gwcode"] == 2) & (gdp.frame["year"] == 2021)].iloc[0]
    assert usa_gdp["NY.GDP.PCAP.KD"] == pytest.approx(61194.75517163187)
    (inf,) = demspaces.parse("infmort", _mirror(mirror, "infmort"))
    assert len(inf.frame) == 10006
    (age,) = demspaces.parse("state_age", _mirror(mirror, "state_age"))
    usa_age = age.frame[(age.frame["gwcode"] == 2) & (age.frame["year"] == 2021)].iloc[0]
    assert usa_age["state_age"] == 206
