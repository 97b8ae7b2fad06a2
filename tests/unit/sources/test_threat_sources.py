"""EuRepoC, CFR, PEI, V-Party, the V-Dem codebook and UCDP ESD: parsers on small fixtures.

Each fixture copies the header and a few rows in the shape of the staged file; each source also
has a bad-input test naming file, row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import cfr, eurepoc, pei, ucdp_esd, vdem_codebook, vparty

Writer = Callable[[str, str], Path]

RECEIVERS = (
    "ID,receiver_country,receiver_region,receiver_name,receiver_category,receiver_category_subcode\n"
    "2,Armenia,ASIA; CENTAS; CSTO,Not available,State institutions / political system,\n"
    "9,,EUROPE,CEC,State institutions / political system,Election infrastructure / related systems\n"
    "9,NATO (region),EUROPE,Not available,Other,\n"
)
ATTRIBUTIONS = (
    "incident_ID,attribution_ID,attribution_date,attribution_type,attribution_basis,"
    "attributing_actor,attribution_it_company,attributing_country,attributed_initiator,"
    "attributed_initiator_country,attributed_initiator_category\n"
    '2,8664.0,,"Self-attribution",Attacker confirms,,Not available,,Not available,Azerbaijan,'
    "Non-state-group\n"
    "9,9.0,2019-04-01,Attribution by receiver,IT-forensics,CERT,,Ukraine,APT28,Unknown,State\n"
)
DASHBOARD = (
    "ID,incident_type,weighted_cyber_intensity,start_date,year,month,receiver_country,"
    "initiator_country,receiver_region\n"
    "2,Disruption,1.0,2000-01-01,2000.0,1.0,Armenia,Azerbaijan,\"['ASIA']\"\n"
    "3000,Data theft,2.0,,,,Moldova,,\"['EUROPE']\"\n"
)


def test_eurepoc_receivers_keep_categories_and_read_blank_country_as_not_available(
    write_file: Writer,
) -> None:
    (table,) = eurepoc.parse("receivers", write_file("r.csv", RECEIVERS))
    assert table.table == "eurepoc_receivers"
    assert table.country_keys == {"receiver_country": "name"}
    frame = table.frame
    assert list(frame["incident_id"]) == [2, 9, 9]
    assert frame["receiver_country"].iloc[1] == "Not available"
    assert frame["receiver_category_subcode"].iloc[1].startswith("Election infrastructure")


def test_eurepoc_attributions_key_the_attributed_initiator(write_file: Writer) -> None:
    (table,) = eurepoc.parse("attributions", write_file("a.csv", ATTRIBUTIONS))
    assert table.country_keys == {"attributed_initiator_country": "name"}
    assert list(table.frame["attributed_initiator_country"]) == ["Azerbaijan", "Unknown"]
    assert table.frame["attribution_date"].iloc[1] == "2019-04-01"


def test_eurepoc_dashboard_reads_float_years_and_blank_dates(write_file: Writer) -> None:
    (table,) = eurepoc.parse("dashboard_types", write_file("d.csv", DASHBOARD))
    assert table.table == "eurepoc_dashboard_incidents"
    assert table.other_countries == {"initiator_iso3": {"initiator_country": "name"}}
    frame = table.frame
    assert frame["year"].iloc[0] == 2000 and frame["month"].iloc[0] == 1
    assert frame["year"].isna().iloc[1]
    assert frame["initiator_country"].iloc[1] == "Not available"


def test_eurepoc_dashboard_refuses_a_year_that_contradicts_the_date(write_file: Writer) -> None:
    bad = DASHBOARD.replace("2000-01-01,2000.0", "2000-01-01,2001.0")
    with pytest.raises(DataFileError) as caught:
        eurepoc.parse("dashboard_types", write_file("d.csv", bad))
    message = str(caught.value)
    assert "row 2" in message and "column 'year'" in message and "d.csv" in message


def test_eurepoc_receivers_refuse_a_non_numeric_id(write_file: Writer) -> None:
    with pytest.raises(DataFileError) as caught:
        eurepoc.parse("receivers", write_file("r.csv", RECEIVERS.replace("\n9,", "\nnine,", 1)))
    assert "row 3" in str(caught.value) and "'ID'" in str(caught.value)


CFR_HEADER = (
    "Title,Date,Affiliations,Description,Response,Victims,Sponsor,Type,Category,"
    "Sources_1,Sources_2,Sources_3\n"
)
CFR_ROWS = (
    "Targeting of Ukrainian state entities,3/7/2022,UNC1151,The Belarusian actor...,,"
    "Ukrainian state entities,Belarus,Espionage,Government,https://cert.gov.ua/a,,\n"
    'Compromise of Bahraini phones,,,...,,Bahraini activists,"Palestine, State of",'
    "https://example.org/x,Civil society,,,\n"
    'Targeting of Korean and Japanese firms,1/2/2015,,...,,Firms,"China, Russian Federation",'
    "Espionage,Private sector,,,\n"
)


def test_cfr_finds_victims_by_demonym_and_splits_sponsors(write_file: Writer) -> None:
    ops, countries = cfr.parse("operations", write_file("c.csv", CFR_HEADER + CFR_ROWS))
    frame = ops.frame
    assert list(frame["date"].iloc[[0]]) == ["2022-03-07"]
    assert frame["date"].isna().iloc[1]
    assert list(frame["row_shifted"]) == [False, True, False]
    assert frame["type"].isna().iloc[1]  # a URL in Type is never read as a type
    c = countries.frame
    first = c[c["operation_id"] == 2]
    assert set(zip(first["role"], first["country_name"], strict=True)) == {
        ("sponsor", "Belarus"),
        ("victim", "Ukraine"),
    }
    third = c[c["operation_id"] == 4]
    assert sorted(third.loc[third["role"] == "sponsor", "country_name"]) == [
        "China",
        "Russian Federation",
    ]
    # "Korean" alone is ambiguous (north or south) and is not matched; "Japanese" is.
    assert list(third.loc[third["role"] == "victim", "country_name"]) == ["Japan"]
    # A shifted row's sponsor cell is not trusted.
    assert c[(c["operation_id"] == 3) & (c["role"] == "sponsor")].empty


def test_cfr_refuses_a_date_in_another_format(write_file: Writer) -> None:
    bad = CFR_HEADER + CFR_ROWS.replace("3/7/2022", "2022-03-07")
    with pytest.raises(DataFileError) as caught:
        cfr.parse("operations", write_file("c.csv", bad))
    assert "row 2" in str(caught.value) and "'Date'" in str(caught.value)


def test_cfr_refuses_an_operation_without_a_title(write_file: Writer) -> None:
    bad = CFR_HEADER + CFR_ROWS.replace("Compromise of Bahraini phones", "")
    refused(cfr.parse, "operations", write_file("c.csv", bad), match="no title", at=(3, "Title"))


def test_cfr_victim_terms_match_whole_words_longest_first() -> None:
    assert cfr.victim_countries("South Korean and North Korean banks") == [
        "South Korea",
        "North Korea",
    ]
    assert cfr.victim_countries("Nigerian and Niger ministries") == ["Nigeria", "Niger"]
    assert cfr.victim_countries("Germanic tribes") == []


PEI_HEADER = (
    "election,date,year,office,country,ccodecow,ISO,numresponses,responserate,rating,"
    "PEIIndexp,PEIIndexp_lci,PEIIndexp_hci,PEIIndexi,laws,procedures,boundaries,votereg,"
    "partyreg,media,finance,voting,count,results,EMBs\n"
)
PEI_ROW = (
    "GEO_01102012_L1,2012-10-01,2012.0,0.0,Georgia,372.0,GEO,12.0,15.5,6.1,63.2,58.0,68.4,"
    "63.0,66.69999885559082,70,55,60,61,40,45,62,70,71,65.0\n"
)


def test_pei_reads_office_round_and_scores(write_file: Writer) -> None:
    (table,) = pei.parse("elections", write_file("p.csv", PEI_HEADER + PEI_ROW))
    row = table.frame.iloc[0]
    assert (row["office"], row["round"], row["year"]) == ("legislative", 1, 2012)
    assert not row["office_conflict"]
    assert row["pei_index"] == pytest.approx(63.2)
    assert row["laws"] == pytest.approx(66.69999885559082)
    assert table.country_keys == {"ISO": "iso3", "ccodecow": "cowcode", "country": "name"}


def test_pei_refuses_a_score_above_100(write_file: Writer) -> None:
    with pytest.raises(DataFileError) as caught:
        pei.parse("elections", write_file("p.csv", PEI_HEADER + PEI_ROW.replace(",63.2,", ",632,")))
    assert "row 2" in str(caught.value) and "PEIIndexp" in str(caught.value)


VPARTY_HEADER = (
    "v2paenname,v2pashname,v2paid,country_name,country_id,COWcode,year,historical_date,"
    + ",".join(vparty.SCORES)
    + "\n"
)
VPARTY_ROW = (
    "Georgian Dream,GD,1234,Georgia,118,372,2012,2012-10-01,"
    + ",".join(["0.3", "0.4", "54.8", "55.0", "0", "0.1", "-0.2", "0.3", "0.4", "0.5", "0.6"])
    + "\n"
)


def test_vparty_reads_party_election_rows(write_file: Writer) -> None:
    (table,) = vparty.parse("party_elections", write_file("v.csv", VPARTY_HEADER + VPARTY_ROW))
    row = table.frame.iloc[0]
    assert (row["party"], row["election_date"], row["year"]) == (
        "Georgian Dream",
        "2012-10-01",
        2012,
    )
    assert row["v2pavote"] == pytest.approx(55.0)
    assert table.country_keys["country_id"] == "vdem_id"


def test_vparty_refuses_a_year_that_is_not_the_election_year(write_file: Writer) -> None:
    bad = VPARTY_ROW.replace(",2012,2012-10-01,", ",2013,2012-10-01,")
    with pytest.raises(DataFileError) as caught:
        vparty.parse("party_elections", write_file("v.csv", VPARTY_HEADER + bad))
    assert "row 2" in str(caught.value) and "'year'" in str(caught.value)


CODEBOOK = (
    "name,vartype,tag,projectmanager,question,clarification,responses,scale,notes,"
    "crosscoder_aggregation,cy_aggregation,datarelease,years,convergence\n"
    'Election government intimidation,C,v2elintim,Staffan Lindberg,"In this national election, '
    'were opposition candidates...\nsecond line",,"0: Yes. 4: None.",Ordinal,,,Last,v1-v15,'
    "1900-2024,\n"
)


def test_codebook_defines_warehouse_codes_with_suffixes(write_file: Writer) -> None:
    (table,) = vdem_codebook.parse("codebook", write_file("cb.csv", CODEBOOK))
    assert table.frame["question"].iloc[0].endswith("second line")
    out = vdem_codebook.definitions_for(
        ["vdem.v2elintim", "vdem.v2elintim_ord", "vdem.nope", "vdem.v2elintim_3"], table.frame
    )
    assert list(out["found"]) == [True, True, False, True]
    assert out["label"].iloc[1] == "Election government intimidation"


def test_codebook_refuses_a_repeated_tag(write_file: Writer) -> None:
    twice = CODEBOOK + CODEBOOK.split("\n", 1)[1]
    with pytest.raises(DataFileError) as caught:
        vdem_codebook.parse("codebook", write_file("cb.csv", twice))
    assert "tag" in str(caught.value)


def test_codebook_refuses_a_variable_without_a_tag(write_file: Writer) -> None:
    path = write_file("cb.csv", CODEBOOK.replace(",C,v2elintim,", ",C,,"))
    refused(vdem_codebook.parse, "codebook", path, match="no tag", at=(2, "tag"))


ESD_HEADER = (
    "id,year,actor_id,actor_name,actor_nonstate,conflict_id,location,gwno_a,ext_name,"
    "ext_bothsides,ext_sup,ext_x,ext_w,ext_f,ext_t\n"
)
ESD_ROW = (
    '1,2014,1234,DPR,1,11347,Ukraine: Donetsk,369,"Government of Russia (Soviet Union), '
    'Hezbollah",0,1,1,1,0,1\n'
)


def test_esd_lists_state_supporters_only(write_file: Writer) -> None:
    actors, supporters = ucdp_esd.parse("actor_year", write_file("e.csv", ESD_HEADER + ESD_ROW))
    assert actors.country_keys == {"gwno_a": "gwcode"}
    assert list(supporters.frame["supporter_country"]) == ["Russia"]
    assert supporters.other_countries == {"location_iso3": {"gwno_a": "gwcode"}}


def test_esd_refuses_a_support_flag_outside_0_1(write_file: Writer) -> None:
    with pytest.raises(DataFileError) as caught:
        ucdp_esd.parse(
            "actor_year", write_file("e.csv", ESD_HEADER + ESD_ROW[:-10] + "0,2,1,1,0,1\n")
        )
    assert "row 2" in str(caught.value)


def test_pei_office_follows_the_election_id_and_flags_a_conflict(write_file: Writer) -> None:
    runoff = PEI_ROW.replace("GEO_01102012_L1", "GEO_28112018_P2").replace(
        "2012-10-01,2012.0", "2018-11-28,2018.0"
    )
    (table,) = pei.parse("elections", write_file("p.csv", PEI_HEADER + runoff))
    row = table.frame.iloc[0]
    assert (row["office"], row["office_source"], row["round"]) == ("presidential", "legislative", 2)
    assert row["office_conflict"]


def test_pei_refuses_an_election_id_of_another_shape(write_file: Writer) -> None:
    with pytest.raises(DataFileError) as caught:
        pei.parse("elections", write_file("p.csv", PEI_HEADER + PEI_ROW.replace("_L1,", "_X1,")))
    assert "row 2" in str(caught.value) and "'election'" in str(caught.value)


PEACE_HEADER = (
    "paid,gwno,conflict_id,conflict_name,incompatibility,pa_name,year,pa_date,ended,"
    "cease,pko,elections,intgov,ddr,amn,ref ,\n"
)
PEACE_ROW = (
    '1128,"471, 475",333,Cameroon - Nigeria,"2, 1",Accord,1993,1993-03-07,True,1,0,1,0,0,1,0,\n'
)


def test_peace_agreements_list_every_location_country(write_file: Writer) -> None:
    from stabilis.sources import ucdp_peace

    agreements, countries = ucdp_peace.parse(
        "agreements", write_file("pa.csv", PEACE_HEADER + PEACE_ROW)
    )
    row = agreements.frame.iloc[0]
    assert (row["paid"], row["pa_date"], bool(row["ended"]), row["elections"]) == (
        1128,
        "1993-03-07",
        True,
        1,
    )
    assert list(countries.frame["gwcode"]) == [471, 475]
    assert countries.country_keys == {"gwcode": "gwcode"}


def test_peace_agreements_refuse_a_country_list_that_is_not_codes(write_file: Writer) -> None:
    from stabilis.sources import ucdp_peace

    with pytest.raises(DataFileError) as caught:
        ucdp_peace.parse(
            "agreements",
            write_file("pa.csv", PEACE_HEADER + PEACE_ROW.replace('"471, 475"', "Nigeria")),
        )
    assert "row 2" in str(caught.value) and "'gwno'" in str(caught.value)
