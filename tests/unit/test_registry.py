"""The packaged alliance registry: real facts from its data files, and the queries over them.

Expected values were read from the seed CSVs (``shared/registry``) by eye and with grep/awk,
not produced by the code under test.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import pytest
from tests.conftest import NATO_ACCESSION_YEARS

from stabilis.errors import NotFoundError, QueryError
from stabilis.registry import (
    CONFIDENCE,
    DATA_DIR,
    FLAG_DEFINITIONS,
    TABLES,
    Registry,
    country_year_flags,
    load_registry,
    read_table,
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def flags() -> pd.DataFrame:
    return country_year_flags(1990, 2025)


def test_registry_is_versioned() -> None:
    meta = json.loads((DATA_DIR / "version.json").read_text(encoding="utf-8"))
    assert meta["registry_version"] == "2026.12"
    assert load_registry().version.version == "2026.12"
    assert load_registry().version.transcribed == "2026-12-01"


@pytest.mark.parametrize("table", TABLES)
def test_every_row_has_a_source_valid_confidence_and_unique_id(table: str) -> None:
    frame = read_table(table)
    sourced = frame["confidence"] != "unverified"
    assert frame.loc[sourced, "source"].str.strip().ne("").all()
    assert frame["confidence"].isin(CONFIDENCE).all()
    assert frame["id"].is_unique


def test_row_counts_match_the_seed_registry() -> None:
    counts = {table: len(read_table(table)) for table in TABLES}
    assert counts == {"members": 32, "partnerships": 91, "programmes": 110, "operations": 39}


def test_all_32_members_with_accession_years(registry: Registry) -> None:
    assert registry.members(2025) == sorted(NATO_ACCESSION_YEARS)
    for iso3, year in NATO_ACCESSION_YEARS.items():
        assert registry.accession_year(iso3) == year, iso3
        assert registry.is_member(iso3, year)
        assert not registry.is_member(iso3, year - 1)
    assert registry.accession_year("UKR") is None


def test_member_counts_follow_enlargement_rounds(registry: Registry) -> None:
    assert len(registry.members(1949)) == 12
    assert len(registry.members(1998)) == 16
    assert len(registry.members(1999)) == 19
    assert len(registry.members(2023)) == 31
    assert len(registry.members(2024)) == 32
    assert registry.members_at(date(2024, 3, 6)) == sorted(set(NATO_ACCESSION_YEARS) - {"SWE"})


def test_malta_has_two_pfp_spells(registry: Registry) -> None:
    malta = registry.table("partnerships")
    malta = malta[(malta["iso3"] == "MLT") & (malta["framework_code"] == "PFP")]
    assert sorted(malta["id"]) == ["PFP-MLT-1995", "PFP-MLT-2008"]
    assert "MLT" in registry.partners(1995, "pfp")
    assert "MLT" not in registry.partners(2000, "pfp")
    assert "MLT" in registry.partners(2010, "pfp")


def test_georgia_frameworks_and_programmes_during_2008(registry: Registry) -> None:
    frameworks = registry.frameworks_during("GEO", 2008)
    assert sorted(frameworks["framework_code"]) == ["EAPC", "PFP"]
    programmes = registry.programmes_during("GEO", 2008)
    assert {"IPAP", "ID", "NGC", "ANP"} <= set(programmes["programme_code"])
    assert registry.frameworks_during("GEO", 1993).empty


def test_partners_in_2010(registry: Registry) -> None:
    partners = registry.partners(2010)
    assert {"UKR", "GEO", "MLT", "AUT", "AFG", "KWT", "EGY"} <= set(partners)
    assert "POL" not in partners
    assert not set(partners) & set(registry.members(2010))
    assert registry.partners(2010, "Mediterranean Dialogue") == [
        "DZA",
        "EGY",
        "ISR",
        "JOR",
        "MAR",
        "MRT",
        "TUN",
    ]


def test_member_in_accession_year_is_not_a_partner(registry: Registry) -> None:
    assert "POL" in registry.partners(1998)
    assert "POL" not in registry.partners(1999)
    assert "FIN" in registry.partners(2022, "pfp")
    assert "FIN" not in registry.partners(2023, "pfp")


def test_suspended_russia_is_not_an_active_partner_after_april_2014(registry: Registry) -> None:
    assert "RUS" in registry.partners(2014)
    assert "RUS" not in registry.partners(2015)
    assert "RUS" in registry.partners_at(date(2014, 3, 31))
    assert "RUS" not in registry.partners_at(date(2014, 5, 1))
    assert "BLR" in registry.partners(2021)
    assert "BLR" not in registry.partners(2022)


def test_invited_but_not_joined_are_never_partners(registry: Registry) -> None:
    for year in (2005, 2015, 2025):
        assert not {"OMN", "SAU"} & set(registry.partners(year))
    assert {"OMN", "SAU"} <= set(registry.countries())


def test_operation_country_years_include_known_deployments(registry: Registry) -> None:
    years = registry.operation_country_years()
    pairs = set(zip(years["iso3"], years["year"], strict=True))
    assert {("BIH", 1996), ("XKX", 2000), ("AFG", 2005), ("IRQ", 2010), ("LBY", 2011)} <= pairs
    assert ("LBY", 2012) not in pairs
    assert "" not in set(years["iso3"])
    kfor = years[(years["iso3"] == "XKX") & (years["operation_code"] == "KFOR")]
    assert kfor["year"].min() == 1999
    assert kfor["year"].max() == 2026
    assert kfor["peace_support"].all()
    assert kfor["end_known"].all()


def test_unknown_operation_end_can_stop_at_start_year(registry: Registry) -> None:
    # The AMISOM airlift (SOM, from 2007) has no end date in the sources.
    ongoing = registry.operation_country_years(1990, 2025)
    airlift = ongoing[ongoing["operation_code"] == "AMISOM"]
    assert not airlift["end_known"].any()
    assert airlift["year"].max() == 2025
    capped = registry.operation_country_years(1990, 2025, unknown_end="start_year")
    assert capped.loc[capped["operation_code"] == "AMISOM", "year"].tolist() == [2007]


def test_deny_flight_ends_with_the_ifor_takeover(registry: Registry) -> None:
    years = registry.operation_country_years(1990, 2025)
    deny = years[years["operation_code"] == "DENY_FLIGHT"]
    assert deny["year"].tolist() == [1993, 1994, 1995]


def test_operations_during_includes_maritime_without_host(registry: Registry) -> None:
    during = registry.operations_during(2010)
    assert {"ACTIVE_ENDEAVOUR", "ISAF", "KFOR", "OCEAN_SHIELD", "NTM_I"} <= set(
        during["operation_code"]
    )
    assert "RS" not in set(during["operation_code"])


def test_groups_and_group_members(registry: Registry) -> None:
    assert registry.groups()["name"].tolist() == [
        "all",
        "nato",
        "partners",
        "members_and_partners",
        "pfp",
        "eapc",
        "md",
        "ici",
        "global",
    ]
    assert len(registry.group_members("nato", 2010)) == 28
    assert registry.group_members("ici", 2010) == ["ARE", "BHR", "KWT", "QAT"]
    assert registry.group_members("global", 2013) == [
        "AFG",
        "AUS",
        "IRQ",
        "JPN",
        "KOR",
        "MNG",
        "NZL",
        "PAK",
    ]
    both = registry.group_members("members_and_partners", 2010)
    assert set(both) == set(registry.members(2010)) | set(registry.partners(2010))
    with pytest.raises(QueryError, match="every country in the warehouse"):
        registry.group_members("all", 2010)  # not the registry's to know: the Workspace's
    with pytest.raises(QueryError, match=r"There is no group 'warsaw'\. Groups: all, nato"):
        registry.group_members("warsaw", 2010)


def test_queries_refuse_bad_arguments(registry: Registry) -> None:
    with pytest.raises(NotFoundError, match="not a partnership framework"):
        registry.partners(2010, "NACC")
    with pytest.raises(QueryError, match="ISO3"):
        registry.frameworks_during("Georgia", 2008)
    with pytest.raises(QueryError, match="reversed"):
        registry.operation_country_years(2010, 2000)
    with pytest.raises(QueryError, match="whole number"):
        registry.members("2010")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="not a registry table"):
        registry.table("treaties")


def test_flags_have_one_row_per_country_year(flags: pd.DataFrame, registry: Registry) -> None:
    assert not flags.duplicated(["iso3", "year"]).any()
    assert len(flags) == len(registry.countries()) * 36
    assert list(flags.columns) == ["iso3", "year", *FLAG_DEFINITIONS]
    binary = [c for c in FLAG_DEFINITIONS if c != "nato.years_since_accession"]
    assert flags[binary].isin([0, 1]).all().all()
    assert not ((flags["nato.member"] == 1) & (flags["nato.partner"] == 1)).any()


def _flag(flags: pd.DataFrame, iso3: str, year: int, column: str) -> Any:
    row = flags[(flags["iso3"] == iso3) & (flags["year"] == year)]
    assert len(row) == 1
    return row[column].iloc[0]


@pytest.mark.parametrize(
    ("iso3", "year", "column", "value"),
    [
        ("POL", 1998, "nato.partner", 1),
        ("POL", 1999, "nato.member", 1),
        ("POL", 1999, "nato.partner", 0),
        ("POL", 1999, "nato.pfp", 0),
        ("MLT", 1995, "nato.pfp", 1),
        ("MLT", 2000, "nato.pfp", 0),
        ("MLT", 2010, "nato.eapc", 1),
        ("GEO", 2008, "nato.map", 0),
        ("GEO", 2008, "nato.ipap", 1),
        ("UKR", 2010, "nato.ipap", 1),
        ("ALB", 2005, "nato.map", 1),
        ("GEO", 2016, "nato.dcb", 1),
        ("UKR", 2017, "nato.cap", 1),
        ("AZE", 2010, "nato.deep", 1),
        ("AZE", 2000, "nato.parp", 1),
        ("BIH", 2018, "nato.bi", 1),
        ("EGY", 2000, "nato.md", 1),
        ("QAT", 2006, "nato.ici", 1),
        ("JPN", 2014, "nato.global_partner", 1),
        ("RUS", 2015, "nato.partner", 0),
        ("BIH", 1996, "nato.operation_peace_support", 1),
        ("XKX", 2000, "nato.operation", 1),
        ("AFG", 2005, "nato.operation_out_of_area", 1),
        ("EST", 2018, "nato.operation", 1),
        ("EST", 2018, "nato.operation_out_of_area", 0),
        ("LBY", 2012, "nato.operation", 0),
        ("DEU", 1990, "nato.years_since_accession", 35),
        ("SWE", 2024, "nato.years_since_accession", 0),
        ("ESP", 1990, "nato.years_since_accession", 8),
    ],
)
def test_flags_match_registry_facts(
    flags: pd.DataFrame, iso3: str, year: int, column: str, value: int
) -> None:
    assert _flag(flags, iso3, year, column) == value


def test_years_since_accession_is_missing_for_non_members(flags: pd.DataFrame) -> None:
    assert pd.isna(_flag(flags, "UKR", 2020, "nato.years_since_accession"))
    assert pd.isna(_flag(flags, "FIN", 2022, "nato.years_since_accession"))


def test_montenegro_ipap_ends_at_accession(registry: Registry, flags: pd.DataFrame) -> None:
    ipap = registry.table("programmes").set_index("id").loc["IPAP-MNE"]
    assert ipap["end_basis"] == "accession (derived)"
    assert _flag(flags, "MNE", 2017, "nato.ipap") == 1
    assert _flag(flags, "MNE", 2018, "nato.ipap") == 0


def test_flags_refuse_reversed_range() -> None:
    with pytest.raises(QueryError, match="reversed"):
        country_year_flags(2020, 2010)


def test_registry_method_and_explicit_directory_give_the_same_flags(flags: pd.DataFrame) -> None:
    from_dir = load_registry(DATA_DIR)
    assert from_dir is not load_registry()
    pd.testing.assert_frame_equal(from_dir.country_year_flags(1990, 2025), flags)
    assert from_dir.group_members("partners", 2010) == from_dir.partners(2010)


def test_registry_imports_only_stabilis_errors_from_the_package() -> None:
    import ast

    for path in (DATA_DIR.parent).glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith("duckdb"), path
                if name.startswith("stabilis"):
                    assert name == "stabilis.errors", (path, name)
