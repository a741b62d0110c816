"""Assertions of the engines' invariants: vehicles conserved, capacity never exceeded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def assert_vehicles_conserved(windows: pd.DataFrame, load: np.ndarray, rtol: float = 1e-9) -> None:
    """Each package's scheduled months must add up to its vehicle-equivalents.

    Capacity limits move work between months but never create or lose any: the sum over
    months of ``load[p]`` equals ``windows.vehicle_equivalents[p]`` to rounding.
    """
    expected = windows["vehicle_equivalents"].to_numpy(dtype="float64")
    got = load.sum(axis=1) if load.size else np.zeros(len(expected))
    if not np.allclose(got, expected, rtol=rtol, atol=1e-9):
        worst = int(np.argmax(np.abs(got - expected)))
        raise AssertionError(
            f"package {windows.iloc[worst]['order_id']} at {windows.iloc[worst]['plant_id']}: "
            f"scheduled {got[worst]:.6f} vehicle-equivalents, expected {expected[worst]:.6f}"
        )


def assert_capacity_respected(plant_months: pd.DataFrame) -> None:
    """No plant-month may carry more than the plant's stated capacity (tolerance 1e-6)."""
    stated = plant_months[plant_months["capacity_basis"] == "stated"]
    over = stated[stated["vehicle_equivalents"] > stated["capacity"] * (1 + 1e-6) + 1e-9]
    if len(over):
        row = over.iloc[0]
        raise AssertionError(
            f"{row['plant_id']} month {row['month']}: {row['vehicle_equivalents']:.3f} "
            f"vehicle-equivalents above capacity {row['capacity']:.3f}"
        )


def assert_plan_within_capacity(inst: Any, cand: Any, picked: np.ndarray) -> None:
    """A plan's new load plus the firm book must not exceed any plant-month's capacity."""
    from railgap.optimise.plans import new_load

    total = inst.firm + new_load(inst, cand, picked)
    over = total > inst.capacity[:, None] * (1 + 1e-6) + 1e-9
    if over.any():
        p, t = np.argwhere(over)[0]
        raise AssertionError(
            f"plant {inst.plants['plant_id'].iloc[p]} month {inst.months[t]}: load "
            f"{total[p, t]:.3f} above capacity {inst.capacity[p]:.3f}"
        )
