"""One year syntax (``2020`` or ``1990-2024``) for the CLI's --years and the API's ?years=."""

from __future__ import annotations

import pytest

from stabilis.errors import QueryError
from stabilis.panel.years import parse_years


@pytest.mark.parametrize(
    ("text", "span"),
    [("2020", (2020, 2020)), ("1990-2024", (1990, 2024)), (" 1990 - 2024 ", (1990, 2024)),
     ("", None), (None, None)],
)  # fmt: skip
def test_a_year_or_a_range(text, span):
    assert parse_years(text) == span


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1990..2024", "Write YEAR or FIRST-LAST, e.g. 2020 or 1990-2024"),
        ("1990:2024", "Write YEAR or FIRST-LAST"),
        ("last", "is not a year or a year range for '--years'"),
        ("2024-1990", "reversed; write 1990-2024"),
        ("1600-1700", "The year 1600 is outside 1700-2100"),
    ],
)
def test_anything_else_is_refused_naming_the_option(text, words):
    with pytest.raises(QueryError) as raised:
        parse_years(text, "--years")
    assert words in raised.value.message
    assert raised.value.details["parameter"] == "--years"
    assert raised.value.details["value"] in (text, 1600)
