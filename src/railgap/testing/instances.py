"""Tiny optimiser instances, small enough to solve exactly in a test."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def tiny_instance(
    vehicles: list[float],
    due: list[int],
    capacity: list[float],
    employees: list[float],
    months: int = 24,
    firm: np.ndarray | None = None,
    capable: np.ndarray | None = None,
    rate: float = 4.0,
    early_months: int = 12,
    lead: int = 2,
    lag: int = 1,
    first_month: int = 2030 * 12,
) -> Any:
    """A small optimiser instance built by hand: needs, GB plants, months from January 2030.

    Needs ``n`` have ``vehicles[n]`` due ``due[n]`` months after ``first_month``; plants
    ``p`` have ``capacity[p]`` vehicle-equivalents a month, ``employees[p]`` staff, the
    default minimum viable share and whole-vehicle work. Small enough to solve by brute
    force over every combination of candidates.
    """
    from railgap.dataset.assumptions import default_assumptions
    from railgap.optimise.inputs import Instance

    a = default_assumptions()
    n_p, n_n = len(capacity), len(vehicles)
    cap = np.asarray(capacity, dtype="float64")
    frame = pd.DataFrame(
        {
            "need_id": [f"need{n}" for n in range(n_n)],
            "family": "electric",
            "segment": "suburban",
            "vehicles": np.asarray(vehicles, dtype="float64"),
            "due_year": (first_month + np.asarray(due)) // 12,
            "due_month": first_month + np.asarray(due, dtype="int64"),
            "replaces": "toy",
        }
    )
    duration = np.ceil(frame["vehicles"].to_numpy() / rate).astype("int64")
    latest = frame["due_month"].to_numpy() - lag - duration - lead
    frame["duration_months"] = duration
    frame["latest_award"] = latest
    frame["earliest_award"] = np.maximum(latest - early_months, first_month)
    return Instance(
        months=first_month + np.arange(months),
        plants=pd.DataFrame(
            {
                "plant_id": [f"plant{p}" for p in range(n_p)],
                "name": [f"Plant {p}" for p in range(n_p)],
                "manufacturer_id": "toyco",
                "country": "GB",
                "stages": "bodyshell;assembly;test",
            }
        ),
        capacity=cap,
        viable=a.number("min_viable_share") * cap,
        fraction=np.ones(n_p),
        gb=np.ones(n_p, dtype=bool),
        employees=np.repeat(np.asarray(employees, dtype="float64")[:, None], months, axis=1),
        firm=np.zeros((n_p, months)) if firm is None else np.asarray(firm, dtype="float64"),
        open_=np.ones((n_p, months), dtype=bool),
        needs=frame,
        capable=np.ones((n_n, n_p), dtype=bool) if capable is None else capable,
        lead_months=lead,
        lag_months=lag,
        rate=rate,
        price_gbp_m=2.0,
    )
