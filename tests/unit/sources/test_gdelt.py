"""GDELT: mentions typing, the Events field list, CAMEO codes as text, and parse_events."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import gdelt

Writer = Callable[[str, str], Path]

MENTIONS_HEADER = (
    "globaleventid,eventtimedate,mentiontimedate,mentiontype,mentionsourcename,"
    "mentionidentifier,sentenceid,actor1charoffset,actor2charoffset,actioncharoffset,inrawtext,"
    "confidence,mentiondoclen,mentiondoctone,mentiondoctranslationinfo,extras\n"
)
MENTION = (
    "555924816,20160701210000,20170701234500,1,china.org.cn,"
    "http://arabic.china.org.cn/txt/2017-07/02/content_41135804.htm,4,-1,996,988,1,100,2579,"
    "0.83565459610028,srclc:ara;eng:GT-ARA 1.0,\n"
)
COLUMNS_HEADER = "tableId,dataType,Empty,Description\n"


def _event_names() -> list[str]:
    """The official GDELT 2.0 Events field names, in order (codebook V2.0)."""
    actor = [
        "Code",
        "Name",
        "CountryCode",
        "KnownGroupCode",
        "EthnicCode",
        "Religion1Code",
        "Religion2Code",
        "Type1Code",
        "Type2Code",
        "Type3Code",
    ]
    geo = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
    return [
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "FractionDate",
        *(f"Actor1{a}" for a in actor),
        *(f"Actor2{a}" for a in actor),
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
        *(f"Actor1Geo_{g}" for g in geo),
        *(f"Actor2Geo_{g}" for g in geo),
        *(f"ActionGeo_{g}" for g in geo),
        "DATEADDED",
        "SOURCEURL",
    ]


def _columns_file() -> str:
    types = {
        **dict.fromkeys(gdelt.EVENT_INTEGERS, "INTEGER"),
        **dict.fromkeys(gdelt.EVENT_FLOATS, "FLOAT"),
    }
    lines = [f"{n},{types.get(n, 'STRING')},NULLABLE,Field {n}." for n in _event_names()]
    return COLUMNS_HEADER + "\n".join(lines) + "\n"


def _event_line(event_id: int, code: str, quad: int, goldstein: str) -> str:
    values = dict.fromkeys(_event_names(), "")
    values.update(
        GLOBALEVENTID=str(event_id),
        SQLDATE="20170701",
        MonthYear="201707",
        Year="2017",
        FractionDate="2017.4959",
        Actor1Code="USAGOV",
        Actor1Name="UNITED STATES",
        Actor1CountryCode="USA",
        IsRootEvent="1",
        EventCode=code,
        EventBaseCode=code[:3],
        EventRootCode=code[:2],
        QuadClass=str(quad),
        GoldsteinScale=goldstein,
        NumMentions="2",
        NumSources="1",
        NumArticles="2",
        AvgTone="-1.5",
        ActionGeo_Type="1",
        ActionGeo_FullName="United States",
        ActionGeo_CountryCode="US",
        ActionGeo_Lat="39.828",
        ActionGeo_Long="-98.5795",
        DATEADDED="20170701234500",
        SOURCEURL=f"https://example.org/{event_id}",
    )
    return "\t".join(values[n] for n in _event_names())


def test_mentions_are_typed(write_file: Writer) -> None:
    (table,) = gdelt.parse("mentions", write_file("mentions.csv", MENTIONS_HEADER + MENTION))
    row = table.frame.iloc[0]
    assert table.table == "gdelt_mentions"
    assert row["globaleventid"] == 555924816
    assert row["mentiontimedate"].isoformat() == "2017-07-01T23:45:00+00:00"
    assert row["confidence"] == 100
    assert row["actor1charoffset"] == -1
    assert row["mentiondoctone"] == pytest.approx(0.83565459610028)


def test_mention_confidence_above_100_names_file_row_and_column(write_file: Writer) -> None:
    bad = MENTION.replace(",1,100,2579,", ",1,101,2579,")
    with pytest.raises(DataFileError) as info:
        gdelt.parse("mentions", write_file("mentions.csv", MENTIONS_HEADER + bad))
    assert (info.value.row, info.value.column) == (2, "confidence")
    assert "mentions.csv" in str(info.value)


def test_bad_timestamp_is_refused(write_file: Writer) -> None:
    bad = MENTION.replace("20160701210000", "2016-07-01 21:00")
    with pytest.raises(DataFileError, match="YYYYMMDDHHMMSS") as info:
        gdelt.parse("mentions", write_file("mentions.csv", MENTIONS_HEADER + bad))
    assert info.value.column == "eventtimedate"


def test_event_columns_give_names_in_file_order(write_file: Writer) -> None:
    (table,) = gdelt.parse("event_columns", write_file("labels.csv", _columns_file()))
    assert table.table == "gdelt_event_columns"
    assert list(table.frame["position"])[:2] == [1, 2]
    assert gdelt.event_column_names(table.frame) == _event_names()


def test_event_columns_refuse_a_short_list(write_file: Writer) -> None:
    short = COLUMNS_HEADER + "GLOBALEVENTID,INTEGER,NULLABLE,Id.\n"
    with pytest.raises(DataFileError, match="61 fields"):
        gdelt.parse("event_columns", write_file("labels.csv", short))


def test_event_columns_refuse_an_unknown_type(write_file: Writer) -> None:
    bad = _columns_file().replace("SQLDATE,INTEGER", "SQLDATE,DATE")
    refused(
        gdelt.parse,
        "event_columns",
        write_file("labels.csv", bad),
        match="not a valid field type",
        at=(3, "dataType"),
    )


def test_cameo_codes_keep_leading_zeros_and_commas_in_labels(write_file: Writer) -> None:
    text = (
        "01,MAKE PUBLIC STATEMENT\n010,Make statement- not specified below\n"
        "0244,Appeal for change in institutions, regime\n"
        "19,FIGHT\n2042,Engage in mass killings\n"
    )
    (table,) = gdelt.parse("cameo", write_file("cameo.csv", text))
    frame = table.frame
    assert table.table == "cameo_codes"
    assert list(frame["code"]) == ["01", "010", "0244", "19", "2042"]
    assert frame.loc[2, "label"] == "Appeal for change in institutions, regime"
    assert list(frame["root"]) == ["01", "01", "02", "19", "20"]
    assert list(frame["quad_class"]) == [1, 1, 1, 4, 4]
    assert list(frame["_row"]) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("bad_line", "match", "at"),
    [
        pytest.param("1,X", "CAMEO event code", (3, "code"), id="no-leading-zero"),
        pytest.param("190", "no ',label'", (3, "label"), id="no-label"),
    ],
)
def test_cameo_bad_line_is_refused(
    write_file: Writer, bad_line: str, match: str, at: tuple[int, str]
) -> None:
    text = f"01,MAKE PUBLIC STATEMENT\n10,DEMAND\n{bad_line}\n"
    refused(gdelt.parse, "cameo", write_file("cameo.csv", text), match=match, at=at)


def test_parse_events_reads_the_official_tab_layout(write_file: Writer) -> None:
    lines = [
        _event_line(669670701, "010", 1, "0.0"),
        _event_line(669670702, "0244", 1, "-0.3"),
        _event_line(669670703, "190", 4, "-10.0"),
    ]
    path = write_file("20170701234500.export.CSV", "\n".join(lines) + "\n")
    frame = gdelt.parse_events(path, _event_names())
    assert len(frame) == 3
    assert list(frame["EventCode"]) == ["010", "0244", "190"]
    assert list(frame["EventRootCode"]) == ["01", "02", "19"]
    assert list(frame["QuadClass"]) == [1, 1, 4]
    assert frame.loc[2, "GoldsteinScale"] == -10.0
    assert frame.loc[0, "GLOBALEVENTID"] == 669670701
    assert frame.loc[0, "Actor2Code"] is None
    assert list(frame["_row"]) == [1, 2, 3]


def test_parse_events_refuses_goldstein_out_of_range(write_file: Writer) -> None:
    path = write_file("x.export.CSV", _event_line(1, "190", 4, "-11") + "\n")
    with pytest.raises(DataFileError) as info:
        gdelt.parse_events(path, _event_names())
    assert (info.value.row, info.value.column) == (1, "GoldsteinScale")


def test_parse_events_refuses_a_truncated_row(write_file: Writer) -> None:
    line = _event_line(1, "190", 4, "-10").rsplit("\t", 3)[0]
    with pytest.raises(DataFileError, match=r"looks like a truncated GDELT 2\.0 line") as info:
        gdelt.parse_events(write_file("x.export.CSV", line + "\n"), _event_names())
    assert info.value.row == 1


@pytest.mark.integration
def test_mirror_gdelt_files(mirror: Path) -> None:
    (mentions,) = gdelt.parse("mentions", mirror / "gdelt/gdelt2_mentions_sample.csv")
    assert len(mentions.frame) == 1635
    assert mentions.frame["globaleventid"].nunique() == 1430
    (columns,) = gdelt.parse("event_columns", mirror / "gdelt/gdelt2_events_column_labels.csv")
    names = gdelt.event_column_names(columns.frame)
    assert names == _event_names()
    assert names[26] == "EventCode"  # awk: line 28 of the file (position 27)
    (cameo,) = gdelt.parse("cameo", mirror / "gdelt/cameo_event_codes.csv")
    assert len(cameo.frame) == 316
    row = cameo.frame[cameo.frame["code"] == "0244"].iloc[0]  # line 29 of the file
    assert row["label"] == "Appeal for change in institutions, regime"


def test_parse_events_needs_the_field_names(write_file: Writer) -> None:
    path = write_file("x.export.CSV", _event_line(1, "190", 4, "-10") + "\n")
    with pytest.raises(ValueError, match="61 field names"):
        gdelt.parse_events(path, ["a", "b"])
