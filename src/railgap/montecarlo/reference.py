"""The reference path: one call of the deterministic engine per draw (tests, benchmark)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from railgap.dataset import typed_rows
from railgap.dataset.dates import month_label
from railgap.montecarlo.base import Base, slip_windows
from railgap.montecarlo.distributions import Draws, Uncertainty
from railgap.montecarlo.layout import tender_first_delivery
from railgap.plants.loading import (
    outlook_from,
    plant_months,
)
from railgap.plants.scheduling import (
    order_profile,
    package_windows,
    plant_capacity,
    schedule,
)


def awarded_orders(
    base: Base, u: Uncertainty, draws: Draws, i: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw ``i``'s awarded tenders as order rows and work packages at the winner's plants."""
    resolved = base.resolved
    first = tender_first_delivery(u, draws, base.a)
    orders, packages = [], []
    known = resolved.as_of.isoformat() if resolved.as_of else ""
    for j, t in enumerate(u.tenders.to_dict("records")):
        if not draws.awarded[i, j]:
            continue
        winner = t["winners"][int(draws.winner[i, j])]
        template = u.templates.get(winner) if winner is not None else None
        units, cars = int(draws.units[i, j]), int(draws.cars[i, j])
        if template is None or units * cars == 0:
            continue
        order_id = f"draw-{t['tender_id']}"
        orders.append(
            {
                "order_id": order_id,
                "class": t["tender_id"],
                "status": "firm",
                "manufacturer_id": winner,
                "units": units,
                "cars_per_unit": cars,
                "signed": month_label(int(draws.award_month[i, j])),
                "planned_first_delivery": month_label(int(first[i, j])),
                "source": t["source"],
                "known_from": known,
            }
        )
        for plant, stage, share in zip(template.plants, template.stages, template.shares,
                                       strict=True):
            packages.append(
                {
                    "order_id": order_id,
                    "plant_id": plant,
                    "stage": stage,
                    "vehicles": round(units * cars * share),
                    "source": t["source"],
                    "known_from": known,
                }
            )
    return typed_rows("orders", orders, "draw"), typed_rows("work_packages", packages, "draw")


def reference_outlooks(base: Base, u: Uncertainty, draws: Draws) -> list[pd.DataFrame]:
    """One outlook per draw from the deterministic engine: the loop the vectorised path replaces.

    Each draw's awarded tenders become order rows scheduled by the engine's own
    ``order_profile`` and ``package_windows``; the firm orders' windows slip (those not yet
    delivering) or finish late (those delivering) by the draw's months; then ``schedule``,
    ``plant_months`` and ``outlook_from`` run as for any date.
    """
    a = base.a
    d = base.as_of_month
    plants = base.resolved["plants"]
    capacity = plant_capacity(plants, a)
    outs = []
    for i in range(draws.n):
        orders, packages = awarded_orders(base, u, draws, i)
        profile, windows = base.profile, base.windows
        if len(orders):
            new_profile = order_profile(orders, d, a)
            new_windows = package_windows(packages, new_profile, a)
            profile = pd.concat([profile, new_profile])
            windows = pd.concat([windows, new_windows.assign(part="whole")], ignore_index=True)
        # Orders not yet delivering slip; those already delivering finish late.
        slips = pd.Series(
            np.concatenate([draws.order_slip[i], draws.order_finish[i]]),
            index=[*u.slipping_orders, *u.finishing_orders],
            dtype="int64",
        )
        windows = slip_windows(windows, slips, d)
        sched = schedule(windows, capacity)
        table = plant_months(sched, plants, base.resolved["plant_staff"], a)
        outs.append(
            outlook_from(
                profile,
                sched,
                table,
                plants,
                base.resolved["manufacturers"],
                base.resolved["plant_staff"],
                d,
                a,
            )
        )
    return outs
