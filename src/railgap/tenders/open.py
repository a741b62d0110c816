"""Open tenders: procurements announced and not yet decided on the as-of date.

With their size range, expected award (or notice) date and bidders, and the firm orders
whose deliveries may still slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.plants.scheduling import UNBUILT, date_months
from railgap.tenders.history import DECIDED, OPEN_STAGES, TenderHistory
from railgap.tenders.winners import bidders_open_on, match_bidder, unit_length

#: Columns of :attr:`railgap.montecarlo.distributions.Uncertainty.tenders`: one row per open
#: tender the draws cover.
TENDER_COLUMNS = [
    "tender_id",
    "stage",
    "anchor",
    "anchor_basis",
    "candidates",
    "units_lo",
    "units_hi",
    "vehicles_lo",
    "vehicles_hi",
    "first_delivery_offset",
    "cars_per_unit",
    "bidders",
    "winners",
    "source",
]


def _range(lo: Any, hi: Any) -> tuple[float, float]:
    values = [float(v) for v in (lo, hi) if not pd.isna(v)]
    if not values:
        return np.nan, np.nan
    return min(values), max(values)


@dataclass(frozen=True)
class TenderSize:
    """What a tender says of its size: unit and vehicle ranges (NaN where unstated), length."""

    units: tuple[float, float]
    vehicles: tuple[float, float]
    cars_per_unit: float

    @property
    def stated(self) -> bool:
        """Whether any size is stated at all."""
        return not (np.isnan(self.units[0]) and np.isnan(self.vehicles[0]))


def tender_size(tender: Any, resolved: Dataset, a: Assumptions) -> TenderSize:
    """A tender row's size ranges and its vehicles per unit.

    The unit length is the tender's own (vehicles over units) when it states both, else the
    median of recent fleets of its segment (:func:`unit_length`; NaN when there are none).
    """
    units = _range(tender["units_min"], tender["units_max"])
    vehicles = _range(tender["vehicles_min"], tender["vehicles_max"])
    if not np.isnan(units[1]) and not np.isnan(vehicles[1]):
        cars = float(max(round(vehicles[1] / units[1]), 1))
    else:
        cars = unit_length(resolved, tender["segment"], a)
    return TenderSize(units, vehicles, cars)


def open_rows(tenders: pd.DataFrame) -> pd.DataFrame:
    """The tenders (resolved on a date) still open: at an open stage and with no outcome."""
    return tenders[tenders["stage"].isin(OPEN_STAGES) & ~tenders["outcome"].isin(DECIDED)]


def open_tenders(
    resolved: Dataset, history: TenderHistory, a: Assumptions, notes: list[str]
) -> pd.DataFrame:
    """Per open, sized tender: award-date candidates, size range and possible winners.

    A tender is open when its latest revision is at an open stage with no outcome. Its award
    month is drawn from ``candidates``: the expected award plus each observed slippage, else
    the notice date plus each observed notice-to-award duration. Tenders with no size, or with
    neither an expected award nor the history to date one, are left out (and noted).
    """
    assert resolved.as_of is not None
    yom = a.number("year_only_month")
    tenders = resolved["tenders"]
    manufacturers = [str(m) for m in resolved["manufacturers"]["manufacturer_id"]]
    open_bidders = bidders_open_on(resolved, resolved.as_of, a)
    rows = []
    live = open_rows(tenders)
    expected = date_months(live, "expected_award", yom)
    notice = date_months(live, "notice_date", yom)
    known = date_months(live, "known_from", yom)
    first_delivery = date_months(live, "expected_first_delivery", yom)
    for i, t in enumerate(live.itertuples(index=False)):
        size = tender_size(live.iloc[i], resolved, a)
        units, vehicles = size.units, size.vehicles
        if not size.stated:
            notes.append(f"tender {t.tender_id}: no size stated, not drawn")
            continue
        if not np.isnan(expected[i]):
            anchor, basis = expected[i], "expected award"
            offsets = history.award_slips if history.award_slips.size else np.zeros(1)
        else:
            anchor = notice[i] if not np.isnan(notice[i]) else known[i]
            basis = "notice" if not np.isnan(notice[i]) else "first public"
            offsets = history.notice_to_award
            if not offsets.size:
                notes.append(
                    f"tender {t.tender_id}: no expected award and too little history to date"
                    " one, not drawn"
                )
                continue
        offset = (
            first_delivery[i] - expected[i]
            if not np.isnan(first_delivery[i]) and not np.isnan(expected[i])
            else np.nan
        )
        shortlist = str(t.shortlisted_bidders) if isinstance(t.shortlisted_bidders, str) else ""
        bidders = tuple(b.strip() for b in shortlist.split(";") if b.strip())
        winners = tuple(match_bidder(b, manufacturers) for b in bidders)
        if not bidders:
            bidders = tuple(open_bidders)
            winners = tuple(open_bidders)
        if not bidders:
            notes.append(f"tender {t.tender_id}: no possible bidder known, not drawn")
            continue
        rows.append(
            {
                "tender_id": str(t.tender_id),
                "stage": str(t.stage),
                "anchor": float(anchor),
                "anchor_basis": basis,
                "candidates": np.sort(anchor + offsets),
                "units_lo": units[0],
                "units_hi": units[1],
                "vehicles_lo": vehicles[0],
                "vehicles_hi": vehicles[1],
                "first_delivery_offset": float(offset),
                "cars_per_unit": size.cars_per_unit,
                "bidders": bidders,
                "winners": winners,
                "source": str(t.source),
            }
        )
    return pd.DataFrame(rows, columns=TENDER_COLUMNS)


def slipping_orders(profile: pd.DataFrame, windows: pd.DataFrame, as_of_month: int) -> list[str]:
    """Orders whose first delivery is still to come, with work left: those that may slip.

    Slippage is learnt as first delivery against the first plan, so it applies to orders not
    yet delivering (firm orders, exercised options, variations).
    """
    live = windows[windows["end"] >= as_of_month]["order_id"]
    rows = profile.reindex(pd.unique(live))
    waiting = ~rows["status"].isin(UNBUILT) & (rows["first_delivery"] > as_of_month)
    return [str(o) for o in rows.index[waiting]]


def finishing_orders(profile: pd.DataFrame, windows: pd.DataFrame, as_of_month: int) -> list[str]:
    """Orders already delivering (first delivery by the as-of month) with work left.

    These may finish late: completion slippage (last delivery against its first plan)
    stretches their work to come.
    """
    live = windows[windows["end"] >= as_of_month]["order_id"]
    rows = profile.reindex(pd.unique(live))
    delivering = ~rows["status"].isin(UNBUILT) & (rows["first_delivery"] <= as_of_month)
    return [str(o) for o in rows.index[delivering]]
