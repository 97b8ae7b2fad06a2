"""Integration: every distinct country name and code in the real mirror resolves or is explained.

The files are read here with plain pandas (not the source parsers) so the test checks the
country concordance on its own: for each file and each key column, the distinct (value, year)
pairs are resolved one key at a time; an unmatched value must carry an ``explained:`` reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from stabilis.countries import CountryResolver, load_reference

pytestmark = pytest.mark.integration

# file -> (year column or None, {column: kind}, {column: separator of multi-valued cells})
_FILES: dict[str, tuple[str | None, dict[str, str], dict[str, str]]] = {
    "vdem/vdem_v15_highlevel_indices_1789_2024.csv": (
        "year",
        {"country_id": "vdem_id", "GWn": "gwcode", "cown": "cowcode", "vdem_country_name": "name"},
        {},
    ),
    "vdem/vdemlite_v14_1970_2023.csv": (
        "year",
        {"country_id": "vdem_id", "country_name": "name"},
        {},
    ),
    "vdem_ert/ert_v15.csv": ("year", {"country_id": "vdem_id", "country_name": "name"}, {}),
    "freedom_house/fiw_ratings_1972_2024.csv": (
        "year",
        {"GWn": "gwcode", "cown": "cowcode", "fh_country": "name"},
        {},
    ),
    "freedom_house/fiw_subscores_2012_2024.csv": (
        "year",
        {"GWn": "gwcode", "cown": "cowcode", "fh_full_country": "name"},
        {},
    ),
    "polity5/polity5_annual_1776_2018.csv": (
        "year",
        {"GWn": "gwcode", "cown": "cowcode", "polity_annual_country": "name"},
        {},
    ),
    "wgi/wgi_1996_2023_long.csv": ("year", {"code": "wb", "countryname": "name"}, {}),
    "fsi/fsi_2021_2023.csv": ("Year", {"Country": "name"}, {}),
    "regimes_other/bti_2004_2022.csv": ("year", {"bti_country": "name"}, {}),
    "regimes_other/reign_regime_types_to_2021.csv": (
        "year",
        {"GWn": "gwcode", "cown": "cowcode", "reign_country": "name"},
        {},
    ),
    "ucdp/ucdp_prio_acd_v25_1.csv": (
        "year",
        {
            "gwno_a": "gwcode",
            "gwno_a_2nd": "gwcode",
            "gwno_b": "gwcode",
            "gwno_b_2nd": "gwcode",
            "gwno_loc": "gwcode",
            "location": "name",
        },
        {
            "gwno_a": ",",
            "gwno_a_2nd": ",",
            "gwno_b": ",",
            "gwno_b_2nd": ",",
            "gwno_loc": ",",
            "location": ",",
        },
    ),
    "ucdp/ucdp_onsets_gw_1946_2017.csv": ("year", {"gwcode": "gwcode"}, {}),
    "alliances_igo/atop5_dyad_year_1815_2018.csv": (
        "year",
        {"ccode1": "cowcode", "ccode2": "cowcode"},
        {},
    ),
    "alliances_igo/cow_igo_state_year_counts_1816_2014.csv": ("year", {"ccode": "cowcode"}, {}),
    "state_system/gw_states_gleditsch_ward.csv": (
        None,
        {"gwcode": "gwcode", "statename": "name"},
        {},
    ),
    "state_system/cow_states_v2016.csv": ("styear", {"ccode": "cowcode", "statenme": "name"}, {}),
    "cyber/dcid_v2_0_feb2023.csv": (
        None,
        {"initiator": "cowcode", "target": "cowcode", "StateA": "name", "StateB": "name"},
        {},
    ),
    "disinfo/euvsdisinfo_cases_2015_2021.csv": (None, {"countries": "name"}, {"countries": "+"}),
    "demspaces/dv_data_1968_on.csv": (
        "year",
        {"gwcode": "gwcode", "country_id": "vdem_id", "country_name": "name"},
        {},
    ),
    "reference/nato_members_accession.csv": (
        None,
        {"iso3c": "iso3", "cown": "cowcode", "gwn": "gwcode", "country": "name"},
        {},
    ),
}


@pytest.fixture(scope="module")
def resolver(mirror: Path) -> CountryResolver:
    return load_reference(mirror)


def _distinct_keys(mirror: Path) -> Iterator[tuple[str, str, str, pd.DataFrame]]:
    """(file, column, kind, frame of distinct value/year) for every key column of every file."""
    for relative, (year_column, keys, separators) in _FILES.items():
        columns = [*keys, *([year_column] if year_column else [])]
        raw = pd.read_csv(mirror / relative, usecols=columns, dtype=str, keep_default_na=False)
        for column, kind in keys.items():
            values = raw[column].replace("", None)
            if column in separators:
                values = values.str.split(separators[column])
            frame = pd.DataFrame(
                {
                    "value": values,
                    "year": raw[year_column].str[:4] if year_column else None,
                }
            ).explode("value")
            frame["value"] = frame["value"].str.strip().replace("", None)
            frame = frame.dropna(subset=["value"]).drop_duplicates(ignore_index=True)
            yield relative, column, kind, frame


def test_every_real_name_and_code_resolves_or_is_explained(
    mirror: Path, resolver: CountryResolver
) -> None:
    unexplained: list[str] = []
    for relative, column, kind, frame in _distinct_keys(mirror):
        out = resolver.resolve_frame(frame, {"value": kind}, "year")
        bad = out["iso3"].isna() & ~out["reason"].fillna("").str.startswith("explained: ")
        for value, reasons in frame[bad].assign(r=out["reason"][bad]).groupby("value")["r"]:
            unexplained.append(f"{relative} [{column}] {value!r}: {reasons.iloc[0]}")
    assert not unexplained, f"{len(unexplained)} unexplained:\n" + "\n".join(unexplained)


@pytest.mark.integration
def test_every_rule_and_alias_targets_a_country_in_the_real_table(
    resolver: CountryResolver,
) -> None:
    from stabilis.countries.concordance import load_concordance

    concordance = load_concordance()
    known = set(resolver.table["iso3"])
    assert set(concordance.rules["iso3"]) - known == set()
    assert set(concordance.aliases["iso3"]) - known == set()
