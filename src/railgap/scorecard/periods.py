"""Periods and errors: an answer inside the period an event states is an error of 0."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from railgap.dataset.dates import month_index, parse_partial

#: Kinds whose answer is a month (the error is in months) and kinds whose answer is a number.
TIMING_KINDS = ("runout_statement", "production_end", "production_start")
COUNT_KINDS = ("jobs_at_risk", "headcount")
MONTH_KINDS = ("gap_statement",)
#: Statements about the future, never engine input: scored also from earlier dates.
FORWARD_KINDS = ("runout_statement", "gap_statement")
#: How far before an event's date the model is also asked (months), for timing and gaps.
LEADS = (0, 6, 12, 24)
#: A timing answer this close to the period counts as right (the scorecard's "within").
WITHIN_MONTHS = 3
#: A count answer within this ratio either way counts as right (0.8 to 1.25).
WITHIN_RATIO = 1.25


def month_of_text(text: str) -> int:
    """Month index of a ``YYYY-MM`` (or ``YYYY-MM-DD``) cell; a year alone is January."""
    year, month, _ = parse_partial(text)
    return month_index(year, month or 1)


def period_bounds(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """First and last month index of each event's period (a year alone spans the year)."""
    lo, hi = [], []
    for first, last in zip(events["period_from"], events["period_to"], strict=True):
        y0, m0, _ = parse_partial(str(first))
        y1, m1, _ = parse_partial(str(last))
        lo.append(month_index(y0, m0 or 1))
        hi.append(month_index(y1, m1 or 12))
    return np.array(lo, dtype="int64"), np.array(hi, dtype="int64")


def period_error(answer: float, lo: int, hi: int) -> float:
    """Months from the period to the answer: 0 inside, negative early, positive late."""
    if np.isnan(answer):
        return float("nan")
    if answer < lo:
        return float(answer - lo)
    if answer > hi:
        return float(answer - hi)
    return 0.0


def months_before(date: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the 28th at most, so it exists)."""
    index = month_index(date.year, date.month) - months
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, min(date.day, 28))
