from __future__ import annotations

import datetime as dt

import pytest

from railgap.dataset.dates import (
    known_by,
    month_label,
    month_of,
    parse_as_of,
    parse_partial,
    window_problem,
)
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


@pytest.mark.parametrize("text", ["２０２４", "2024-０２", "２０２４-02-03", "٢٠٢٤-01"])
def test_digits_other_than_ascii_are_refused(text):
    # \d would read full-width and Arabic-Indic digits as a year.
    with pytest.raises(DateError, match="digits 0-9"):
        parse_partial(text)


def test_an_as_of_date_in_full_width_digits_is_refused():
    with pytest.raises(DateError, match="digits 0-9"):
        parse_as_of("２０２４-01-15")


@pytest.mark.parametrize(
    ("first", "last", "inverted"),
    [
        ("2024-05", "2024-03", True),
        ("2025", "2024-12-31", True),
        ("2024-03-02", "2024-03-01", True),
        ("2024", "2024-03", False),  # a year may mean January: the window can stand
        ("2024-03", "2024-03-01", False),
        ("2024-03-01", "2024-03-01", False),
    ],
)
def test_a_window_is_inverted_only_when_it_must_end_before_it_starts(first, last, inverted):
    problem = window_problem(first, last, "first_delivery")
    assert (problem is not None) == inverted
    if inverted:
        assert problem is not None
        assert f"{last} is before first_delivery {first}" in problem
