"""Levers that could close a plant's gap: variations of its own orders, and open tenders.

Pure functions over a dataset resolved on one date. A variation is an order a buyer could
place: sized to keep the plant at its minimum viable rate through the months it would
otherwise be below it, but bounded by the plant's rate (no more than its months below the
viable rate in the time a new order takes to deliver, ``signing_to_first_delivery_months``,
need: a variation bridges until then) and by the order's scale (no more units than the
order it varies: a larger one is a new order). Each is placed on one of the plant's most
recent orders and *run through the engine* (``railgap.scenarios.whatif``) so that what it
would do is the model's answer, not a rule of thumb. Open tenders are listed with what
their scope is known to be; who would win and where they would build is a scenario's
assumption, so they are not run.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import LATEST, date_month
from railgap.dataset.errors import DataError
from railgap.plants.loading import Loading
from railgap.scenarios.spec import MAX_LEVER_UNITS, VaryOrder
from railgap.scenarios.whatif import run_whatif
from railgap.tenders.open import open_rows

#: How many of the plant's most recent orders a variation is tried on.
MAX_VARIATIONS = 3


def shortfall(loading: Loading, plant_id: str, viable_share: float, horizon: int) -> float:
    """Vehicle-equivalents the plant lacks to stay at its minimum viable rate over the horizon.

    Each scheduled month below the viable rate lacks the difference; each month of the
    horizon past the end of all scheduled work lacks the whole viable rate.
    """
    d = date_month(loading.as_of)
    months = loading.plant_months
    mine = months[(months["plant_id"] == plant_id) & (months["month"] >= d)]
    mine = mine[mine["month"] < d + horizon]
    capacity = float(mine["capacity"].iloc[0]) if len(mine) else np.nan
    if capacity != capacity or capacity <= 0:
        return 0.0
    viable = viable_share * capacity
    lacking = np.clip(viable - mine["vehicle_equivalents"].to_numpy(), 0.0, None)
    idle = max(horizon - len(mine), 0)
    return float(lacking.sum() + idle * viable)


def variation_candidates(
    loading: Loading, resolved: Dataset, a: Assumptions, plant_id: str
) -> pd.DataFrame:
    """Variations of the plant's most recent orders sized to fill its unviable months, run.

    Columns: order_id, class, cars_per_unit, units_added, sized_by (which bound set the
    size, in words), units_needed (to fill every unviable month of the horizon), from,
    gap_months (before, after), jobs_at_risk_months (before, after), run_out (before,
    after), lever (the YAML line).
    """
    columns = [
        "order_id",
        "class",
        "cars_per_unit",
        "units_added",
        "sized_by",
        "units_needed",
        "from",
        "gap_months_before",
        "gap_months_after",
        "run_out_before",
        "run_out_after",
        "jobs_at_risk_months_before",
        "jobs_at_risk_months_after",
        "lever",
    ]
    horizon = int(a.number("outlook_horizon_months"))
    viable_share = a.number("min_viable_share")
    needed_ve = shortfall(loading, plant_id, viable_share, horizon)
    bridge_months = int(a.number("signing_to_first_delivery_months"))
    bridge_ve = shortfall(loading, plant_id, viable_share, bridge_months)
    windows = loading.schedule.windows
    mine = windows[windows["plant_id"] == plant_id]
    if needed_ve <= 0 or mine.empty:
        return pd.DataFrame(columns=columns)
    per_vehicle = (mine["vehicle_equivalents"] / mine["vehicles"]).groupby(mine["order_id"]).max()
    orders = resolved["orders"].set_index("order_id")
    latest_first = mine.sort_values("end", ascending=False)["order_id"].drop_duplicates()
    recent = [o for o in latest_first if o in orders.index]  # windows hold built orders only
    start = loading.as_of + dt.timedelta(days=1)
    if start > LATEST:  # a variation from the day after the modelled range is none at all
        return pd.DataFrame(columns=columns)
    rows: list[dict[str, Any]] = []
    for order_id in recent[:MAX_VARIATIONS]:
        order = orders.loc[order_id]
        cars = int(order["cars_per_unit"])
        ve_per_unit = float(per_vehicle.get(order_id, 1.0)) * cars
        if not ve_per_unit > 0:
            continue
        needed = min(max(math.ceil(needed_ve / ve_per_unit), 1), MAX_LEVER_UNITS)
        units, sized_by = _bounded(
            needed,
            max(math.ceil(bridge_ve / ve_per_unit), 1),
            bridge_months,
            int(order["units"]),
        )
        lever = VaryOrder.model_validate({"order": order_id, "units": units, "from": start})
        try:
            result = run_whatif(
                resolved, a, [("vary_order", lever)], "suggested variation", baseline=loading
            )
        except DataError:
            continue  # its deliveries would run past the modelled range: not a suggestion
        row = result.difference[result.difference["plant_id"] == plant_id].iloc[0]
        rows.append(
            {
                "order_id": order_id,
                "class": order["class"],
                "cars_per_unit": cars,
                "units_added": units,
                "sized_by": sized_by,
                "units_needed": needed,
                "from": start.isoformat(),
                "gap_months_before": row["gap_months_baseline"],
                "gap_months_after": row["gap_months"],
                "run_out_before": row["run_out_baseline"],
                "run_out_after": row["run_out"],
                "jobs_at_risk_months_before": row["jobs_at_risk_months_baseline"],
                "jobs_at_risk_months_after": row["jobs_at_risk_months"],
                "lever": f"- vary_order: {{order: {order_id}, units: {units}, from: {start}}}",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _bounded(needed: int, by_rate: int, months: int, order_units: int) -> tuple[int, str]:
    """The units to suggest, the least of the three sizes, and which one set it, in words."""
    sizes = [
        (needed, f"fills every month below the viable rate in the horizon ({needed} units)"),
        (
            by_rate,
            f"plant's rate: fills its months below the viable rate in the next {months} "
            f"months, the time a new order takes to deliver ({by_rate} units; {needed} "
            "would fill the horizon)",
        ),
        (
            order_units,
            f"order's scale: no more than the order's own {order_units} units "
            f"({needed} would fill the horizon)",
        ),
    ]
    units, why = min(sizes, key=lambda size: size[0])
    return max(units, 1), why


def open_tenders(resolved: Dataset, manufacturer_id: str | None = None) -> pd.DataFrame:
    """Tenders open on the resolved date.

    With a manufacturer: those it is shortlisted for, or whose bidders are not yet known.
    """
    open_ = open_rows(resolved["tenders"]).copy()  # at an open stage, with no outcome
    if manufacturer_id:
        bidders = open_["shortlisted_bidders"].fillna("").str.lower()
        open_ = open_[(bidders == "") | bidders.str.contains(manufacturer_id.lower(), regex=False)]
    keep = [
        "tender_id",
        "buyer",
        "operator",
        "scope",
        "units_min",
        "units_max",
        "traction",
        "stage",
        "expected_award",
        "expected_first_delivery",
        "shortlisted_bidders",
        "source",
        "known_from",
    ]
    return open_[keep].sort_values("tender_id").reset_index(drop=True)
