"""Partial dates and the 'active during a year' / 'active at a date' rules."""

from __future__ import annotations

from datetime import date

import pytest

from stabilis.registry import DateSpan, PartialDate


def test_partial_date_reads_three_precisions() -> None:
    assert PartialDate.parse("1995") == PartialDate(1995)
    assert PartialDate.parse("2021-11") == PartialDate(2021, 11)
    assert PartialDate.parse("2014-04-01") == PartialDate(2014, 4, 1)
    assert [PartialDate.parse(t).precision for t in ("1995", "2021-11", "2014-04-01")] == [
        "year",
        "month",
        "day",
    ]
    assert str(PartialDate.parse("2021-11")) == "2021-11"


@pytest.mark.parametrize("text", ["95", "1995-4", "2021-13", "2023-02-29", "2008/04/03", ""])
def test_partial_date_refuses_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"YYYY|month|day"):
        PartialDate.parse(text)


def test_partial_start_uses_first_day_and_partial_end_last_day() -> None:
    assert PartialDate.parse("2008-04").first_day() == date(2008, 4, 1)
    assert PartialDate.parse("2021-11").last_day() == date(2021, 11, 30)
    assert PartialDate.parse("2024-02").last_day() == date(2024, 2, 29)
    assert PartialDate.parse("2021").last_day() == date(2021, 12, 31)


def test_span_is_active_during_any_year_it_overlaps() -> None:
    span = DateSpan(PartialDate.parse("1995-04-26"), PartialDate.parse("1996-10-27"))
    assert [y for y in range(1993, 1999) if span.active_during(y)] == [1995, 1996]
    assert list(span.years(2030)) == [1995, 1996]
    year_start = DateSpan(PartialDate.parse("2017"))
    assert year_start.active_during(2017)
    assert not year_start.active_during(2016)


def test_span_active_at_date_uses_partial_bounds() -> None:
    span = DateSpan(PartialDate.parse("2008-04"), PartialDate.parse("2021-11"))
    assert span.active_at(date(2008, 4, 1))
    assert not span.active_at(date(2008, 3, 31))
    assert span.active_at(date(2021, 11, 30))
    assert not span.active_at(date(2021, 12, 1))


def test_blank_end_is_ongoing_and_blank_start_never_active() -> None:
    ongoing = DateSpan(PartialDate.parse("1999-06-12"), None, end_known=True)
    assert ongoing.active_during(2025)
    assert ongoing.last_day is None
    assert list(ongoing.years(2001)) == [1999, 2000, 2001]
    unknown = DateSpan(None, PartialDate.parse("2021"))
    assert not unknown.start_known
    assert not unknown.active_during(2021)
    assert not unknown.active_at(date(2021, 1, 1))
    assert list(unknown.years(2030)) == []
    assert unknown.first_day is None
