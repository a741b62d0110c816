"""Levers that could close a plant's gap, on the toy nation (works out by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from railgap.analysis import get_assumptions, get_dataset, run
from railgap.dataset import as_of
from railgap.scenarios.gaplevers import open_tenders, shortfall, variation_candidates

DATE = "2022-06-01"


def test_shortfall_counts_unviable_and_idle_months(toy: Path):
    loading, _, _ = run(DATE, toy)
    a = get_assumptions()
    horizon = int(a.number("outlook_horizon_months"))
    share = a.number("min_viable_share")
    months = loading.plant_months
    d = 2022 * 12 + 5
    mine = months[(months["plant_id"] == "toy_works") & (months["month"] >= d)]
    mine = mine[mine["month"] < d + horizon]
    viable = share * 10.0  # toy_works: capacity 10 vehicles a month
    expected = np.clip(viable - mine["vehicle_equivalents"], 0, None).sum()
    expected += viable * (horizon - len(mine))
    assert abs(shortfall(loading, "toy_works", share, horizon) - expected) < 1e-9
    assert shortfall(loading, "toy_works", 0.0, horizon) == 0.0


def test_suggested_variations_are_run_and_reduce_jobs_at_risk(toy: Path):
    loading, _, resolved = run(DATE, toy)
    table = variation_candidates(loading, resolved, get_assumptions(), "toy_works")
    assert list(table["order_id"]) == ["gamma-300-2022", "beta-200-2019", "alpha-100-2018"]
    assert (table["units_added"] > 0).all()
    assert (table["jobs_at_risk_months_after"] < table["jobs_at_risk_months_before"]).all()
    assert table["lever"].str.startswith("- vary_order: {order: ").all()


def test_no_variation_for_a_plant_without_a_shortfall(toy: Path):
    loading, _, resolved = run("2020-06-01", toy)
    a = get_assumptions().with_overrides({"min_viable_share": 0.0})
    assert variation_candidates(loading, resolved, a, "toy_works").empty


def test_open_tenders_on_the_embedded_dataset():
    resolved = as_of(get_dataset(), dt.date(2024, 1, 15), ("tenders",))
    tenders = open_tenders(resolved)
    assert "tpe-fleet-2023" not in set(tenders["tender_id"])  # not public until Feb 2024
    assert set(tenders["stage"]) <= {
        "prior_information",
        "notice",
        "shortlist",
        "invitation_to_negotiate",
        "final_tenders",
        "preferred_bidder",
    }
    later = open_tenders(as_of(get_dataset(), dt.date(2024, 9, 1), ("tenders",)))
    assert "tpe-fleet-2023" in set(later["tender_id"])
