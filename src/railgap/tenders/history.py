"""What history teaches, from the data as known on the as-of date only.

From tenders decided and orders delivered *by the as-of date*: the share of tenders that end
in an award, how far awards slipped from the date first expected, how long procurements ran
from notice to award, and how far first deliveries slipped from the date first planned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month
from railgap.plants.scheduling import date_months

#: Tender stages at which a procurement is still open (may yet be awarded).
OPEN_STAGES = (
    "prior_information",
    "notice",
    "shortlist",
    "invitation_to_negotiate",
    "final_tenders",
    "preferred_bidder",
)


#: Outcomes that end a procurement.
DECIDED = ("awarded", "cancelled", "cascade")


def _known(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The revisions public on ``as_of`` (all of them, not only the latest)."""
    cutoff = np.datetime64(as_of, "ns")
    return frame[frame["_known_by"].to_numpy() <= cutoff].sort_values(
        ["_known_by", "_line"], kind="stable"
    )


@dataclass(frozen=True)
class TenderHistory:
    """What tenders decided by the as-of date say about open ones."""

    award_probability: float
    award_basis: str
    award_slips: np.ndarray
    notice_to_award: np.ndarray
    decided: int


def tender_history(tenders: pd.DataFrame, as_of: dt.date, a: Assumptions) -> TenderHistory:
    """Share awarded, award slippage and notice-to-award months, from tenders decided by then."""
    yom = a.number("year_only_month")
    minimum = int(a.number("uncertainty_min_observations"))
    known = _known(tenders, as_of)
    if known.empty:
        return TenderHistory(
            1.0,
            "no tender decided by the date: every open tender is awarded",
            np.zeros(0),
            np.zeros(0),
            0,
        )
    latest = known.drop_duplicates("tender_id", keep="last")
    outcome = latest.set_index("tender_id")["outcome"]
    decided = outcome[outcome.isin(DECIDED)]
    awarded = decided[decided == "awarded"].index
    slips: list[float] = []
    durations: list[float] = []
    for tender_id in awarded:
        rows = known[known["tender_id"] == tender_id]
        done = date_months(rows, "outcome_date", yom)
        done = done[~np.isnan(done)]
        if not done.size:
            continue
        expected = date_months(rows, "expected_award", yom)
        expected = expected[~np.isnan(expected)]
        if expected.size:
            slips.append(float(done[-1] - expected[0]))
        notice = date_months(rows, "notice_date", yom)
        notice = notice[~np.isnan(notice)]
        if notice.size:
            durations.append(float(done[-1] - notice[0]))
    n = len(decided)
    if n >= minimum:
        p = len(awarded) / n
        basis = f"{len(awarded)} of {n} tenders decided by {as_of.isoformat()} were awarded"
    else:
        p = 1.0
        basis = f"only {n} tenders decided by {as_of.isoformat()}: every open tender is awarded"
    return TenderHistory(
        p,
        basis,
        np.array(slips if len(slips) >= minimum else [], dtype="float64"),
        np.array(durations if len(durations) >= minimum else [], dtype="float64"),
        n,
    )


def delivery_slippage(orders: pd.DataFrame, as_of: dt.date, a: Assumptions) -> np.ndarray:
    """Months by which first deliveries (else entries into service) came after the first plan.

    One observation per order whose first plan and actual date were both public by
    ``as_of``; empty when fewer than ``uncertainty_min_observations`` orders give one.
    """
    return _slippage(
        orders,
        as_of,
        a,
        (
            ("planned_first_delivery", "actual_first_delivery"),
            ("planned_entry_into_service", "actual_entry_into_service"),
        ),
    )


def completion_slippage(orders: pd.DataFrame, as_of: dt.date, a: Assumptions) -> np.ndarray:
    """Months by which last deliveries (orders completed) came after the first plan of them.

    One observation per order whose first planned last delivery and actual last delivery
    were both public by ``as_of`` (early completions negative); empty when fewer than
    ``uncertainty_min_observations`` orders give one.
    """
    return _slippage(orders, as_of, a, (("planned_last_delivery", "actual_last_delivery"),))


def first_plans(orders: pd.DataFrame, as_of: dt.date, a: Assumptions, column: str) -> pd.Series:
    """Per order, the month of the first plan in date column ``column`` public by ``as_of``."""
    yom = a.number("year_only_month")
    known = _known(orders, as_of)
    months = pd.Series(date_months(known, column, yom), index=known.index)
    dated = months.notna().to_numpy()
    first = months[dated].groupby(known.loc[dated, "order_id"].to_numpy(), sort=True).first()
    return first.astype("float64")


def _slippage(
    orders: pd.DataFrame,
    as_of: dt.date,
    a: Assumptions,
    pairs: tuple[tuple[str, str], ...],
) -> np.ndarray:
    """Actual less first planned month, per order, from the first pair of columns that has both."""
    yom = a.number("year_only_month")
    d = date_month(as_of)
    known = _known(orders, as_of)
    observed: list[float] = []
    for _, rows in known.groupby("order_id", sort=True):
        for planned_col, actual_col in pairs:
            planned = date_months(rows, planned_col, yom)
            actual = date_months(rows, actual_col, yom)
            planned = planned[~np.isnan(planned)]
            actual = actual[~np.isnan(actual) & (actual <= d)]
            if planned.size and actual.size:
                observed.append(float(actual[-1] - planned[0]))
                break
    if len(observed) < int(a.number("uncertainty_min_observations")):
        return np.zeros(0)
    return np.array(observed, dtype="float64")
