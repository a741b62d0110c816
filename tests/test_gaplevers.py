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


def test_variations_are_bounded_by_the_plants_rate_and_the_orders_scale(toy: Path):
    loading, _, resolved = run(DATE, toy)
    a = get_assumptions()
    table = variation_candidates(loading, resolved, a, "toy_works").set_index("order_id")
    orders = resolved["orders"].set_index("order_id")
    months = int(a.number("signing_to_first_delivery_months"))
    bridge = shortfall(loading, "toy_works", a.number("min_viable_share"), months)
    for order_id, row in table.iterrows():
        ve_per_unit = row["cars_per_unit"]  # toy orders: one vehicle-equivalent a car
        by_rate = max(int(np.ceil(bridge / ve_per_unit - 1e-9)), 1)
        assert row["units_added"] <= int(orders.loc[order_id, "units"])
        assert row["units_added"] <= by_rate
        assert row["units_added"] <= row["units_needed"]
        assert row["units_added"] == min(
            row["units_needed"], by_rate, int(orders.loc[order_id, "units"])
        )
        assert row["sized_by"].startswith(("fills every month", "plant's rate", "order's scale"))
    # A 4-unit order cannot be asked for more than 4 more.
    assert "order's scale: no more than the order's own" in " ".join(table["sized_by"])


def test_a_suggestion_names_what_sized_it_on_the_real_data():
    loading, _, resolved = run("2026-12-01")
    table = variation_candidates(loading, resolved, get_assumptions(), "hitachi_newton_aycliffe")
    orders = resolved["orders"].set_index("order_id")
    assert not table.empty
    for row in table.to_dict("records"):
        assert row["units_added"] <= orders.loc[row["order_id"], "units"]
        assert row["units_added"] < row["units_needed"]  # the horizon's need is no order
        assert row["sized_by"].startswith(("plant's rate", "order's scale"))


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
