from __future__ import annotations

import datetime as dt

import pytest

from railgap.dataset.dates import known_by, month_label, month_of, parse_as_of, parse_partial
from railgap.dataset.errors import DateError


def test_partial_dates_parse_at_their_precision():
    assert parse_partial("2024") == (2024, None, None)
    assert parse_partial("2024-02") == (2024, 2, None)
    assert parse_partial("2024-02-29") == (2024, 2, 29)


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13", "24-01-01", "2024/01/01", "", "soon"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(DateError):
        parse_partial(text)


def test_year_only_date_points_at_the_named_month():
    assert month_label(month_of("2027")) == "2027-07"
    assert month_label(month_of("2027", year_only_month=1)) == "2027-01"
    assert month_label(month_of("2027-03-31")) == "2027-03"


def test_known_by_is_the_last_day_a_partial_date_can_mean():
    assert known_by("2024") == dt.date(2024, 12, 31)
    assert known_by("2024-02") == dt.date(2024, 2, 29)
    assert known_by("2024-02-03") == dt.date(2024, 2, 3)


def test_as_of_parsing():
    assert parse_as_of("2024-01-15") == dt.date(2024, 1, 15)
    assert parse_as_of(None, today=dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)
    with pytest.raises(DateError, match="not a valid date"):
        parse_as_of("2024-02-30")
    with pytest.raises(DateError, match="outside"):
        parse_as_of("1700-01-01")
