"""The source policy: tiers of cited addresses, rows that rest on second-tier sources only,
unverified rows, and no registry source from a 'never' domain or an EUvsDisinfo outlet."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from stabilis.registry import TABLES, load_registry, read_table
from stabilis.registry.policy import (
    POLICY_FILE,
    OutletIndex,
    domain,
    never_sources,
    outlet_matches,
    second_tier_only,
    split_sources,
    support,
    tier,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.nato.int/cps/en/natohq/topics_52044.htm", "preferred"),
        ("https://shape.nato.int/page2148131729", "preferred"),
        ("https://2001-2009.state.gov/r/pa/ho/time/pcw/108224.htm", "preferred"),
        ("https://civil.ge/archives/1234", "other"),
        ("https://en.wikipedia.org/wiki/Partnership_for_Peace", "secondary"),
        ("https://snl.no/NATO", "secondary"),
        ("https://sputnikglobe.com/20170830/x.html", "never"),
        ("https://news-front.info/2018/01/01/x", "never"),
        ("https://someone.blogspot.com/2022/11/pfp.html", "never"),
        ("https://en.academic.ru/dic.nsf/enwiki/1", "never"),
        ("https://eng.obozrevatel.com/section-politics/news.html", "never"),
    ],
)
def test_addresses_fall_in_the_policy_tiers(url: str, expected: str) -> None:
    assert tier(url) == expected


def test_domain_ignores_case_www_and_port() -> None:
    assert domain("HTTPS://WWW.NATO.INT:443/x") == "nato.int"
    assert domain("nato.int/cps") == "nato.int"


def test_policy_file_says_where_its_lists_come_from() -> None:
    policy = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    assert "shared/registry/checks/policy.py" in policy["attribution"]
    assert "news-front.info" in policy["never_suffix"]


def test_row_support_and_second_tier_only() -> None:
    wiki = "https://en.wikipedia.org/wiki/A"
    nato = "https://www.nato.int/a"
    assert support(f"{wiki} | {nato}") == "preferred"
    assert second_tier_only(wiki)
    assert not second_tier_only(f"{wiki} | {nato}")
    assert support("") == "none"
    assert split_sources(f" {wiki} |  {nato} ") == [wiki, nato]


def _cells() -> list[str]:
    return [cell for table in TABLES for cell in read_table(table)["source"]]


def test_no_registry_source_comes_from_a_never_domain() -> None:
    refused = [url for cell in _cells() for url in never_sources(cell)]
    assert refused == []


def test_sources_by_tier_and_rows_by_support() -> None:
    tiers = Counter(tier(url) for cell in _cells() for url in split_sources(cell))
    assert tiers["never"] == 0
    assert tiers["preferred"] > tiers["other"] > 0
    registry = load_registry()
    rows = [registry.table(t) for t in TABLES]
    unverified = sum(int(f["unverified"].sum()) for f in rows)
    by_support = Counter(s for f in rows for s in f["support"])
    # The seed README: 9 rows unverified; 5 rest on "other acceptable" sources only; the three
    # Building Integrity pilot rows have no acceptable source at all.
    assert unverified == 9
    assert by_support["other"] == 5
    assert by_support["none"] == 3
    assert sum(by_support.values()) == 272


def test_unverified_rows_carry_the_unverified_label() -> None:
    programmes = load_registry().table("programmes").set_index("id")
    assert programmes.loc["BI-MDA", "evidence"] == "UNVERIFIED"
    assert programmes.loc["DCB-MDA", "evidence"] == "preferred"


def test_a_row_with_only_wikipedia_is_shown_as_second_tier_only(tmp_path) -> None:
    from stabilis.registry import DATA_DIR, Registry

    for path in DATA_DIR.glob("*.*"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    path = tmp_path / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head, first = lines[0], lines[1]
    cells = first.split(",")
    cells[-1] = "https://en.wikipedia.org/wiki/Belgium"
    path.write_text("\n".join([head, ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    members = Registry.load(tmp_path).table("members").set_index("id")
    assert members.loc["MEM-BEL", "evidence"] == "second-tier only"
    assert bool(members.loc["MEM-BEL", "second_tier_only"])


def test_outlet_index_matches_domains_and_outlet_names() -> None:
    index = OutletIndex.from_names(["Sputnik Poland+News Front - Russian", "albidda.net"])
    assert index.match("https://albidda.net/x")
    assert index.match("https://news-front.info/x")
    assert index.match("https://www.nato.int/x") is None
    assert outlet_matches(["https://www.nato.int/a | https://albidda.net/b"], index) == [
        ("https://albidda.net/b", "domain albidda.net is named as an outlet in EUvsDisinfo")
    ]


@pytest.mark.integration
def test_no_registry_source_is_an_outlet_in_the_warehouse_disinfo_table(built) -> None:
    cases = built.table("disinfo_cases")
    assert len(cases) > 10_000
    index = OutletIndex.from_names(cases["outlets"].dropna())
    assert outlet_matches(_cells(), index) == []
    # The registry as built: package rows plus every approved edit the build applied.
    built_cells = [c for t in TABLES for c in built.registry.table(t)["source"]]
    assert outlet_matches(built_cells, index) == []
    assert [url for cell in built_cells for url in never_sources(cell)] == []
    # The check can fail: an outlet EUvsDisinfo names thousands of times is caught.
    assert outlet_matches(["https://albidda.net/2019/x"], index)
