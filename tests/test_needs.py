"""Needs from the forecast, on the toy nation (worked out by hand)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from railgap.dataset import as_of, load_dataset
from railgap.dataset.assumptions import default_assumptions
from railgap.fleets.needs import needs_table, retiring_need
from railgap.fleets.turnover import cohorts, forecast
from railgap.plants.deliveries import order_years


def _needs(toy, lot=240.0, date=dt.date(2024, 1, 15), to_year=2040):
    a = default_assumptions()
    resolved = as_of(load_dataset(toy), date)
    years = order_years(resolved, date, a)
    fleets = resolved["fleets"]
    series = forecast(fleets, date, a, date.year, to_year, years).years
    retiring = retiring_need(cohorts(fleets, date, a, years), series, date.year, to_year)
    return needs_table(retiring, fleets, a, lot), series


def test_toy_nation_needs_by_hand(toy):
    # As of 2024: fleet 36 (c102 6, c200 20, c300 10 of 20). c300's second 10 arrive in
    # 2025, so c102's 6 vehicles retiring in 2030 (announced) are covered; c200's 20 retire
    # in 2035 (built 2000 + 35 years), 16 of them not covered: one electric suburban need.
    needs, series = _needs(toy)
    assert series.set_index("year").loc[2035, "needed_unordered_vehicles"] == pytest.approx(16)
    assert needs.to_dict("records") == [
        {
            "need_id": "2035-electric-suburban",
            "family": "electric",
            "segment": "suburban",
            "vehicles": pytest.approx(16.0),
            "due_year": 2035,
            "due_month": 2035 * 12,
            "replaces": "200",
        }
    ]


def test_large_needs_split_into_equal_lots(toy):
    needs, _ = _needs(toy, lot=5.0)
    assert list(needs["need_id"]) == [f"2035-electric-suburban-{k}" for k in range(1, 5)]
    assert needs["vehicles"].to_numpy() == pytest.approx(np.full(4, 4.0))


def test_needs_add_up_to_the_forecast(toy):
    needs, series = _needs(toy, to_year=2060)
    later = series[series["year"] > 2024]
    assert needs["vehicles"].sum() == pytest.approx(later["needed_unordered_vehicles"].sum())


def test_growth_beyond_retirements_takes_the_fleet_mix(toy):
    a = default_assumptions().with_overrides({"fleet_growth_per_year": 0.1})
    date = dt.date(2024, 1, 15)
    resolved = as_of(load_dataset(toy), date)
    years = order_years(resolved, date, a)
    fleets = resolved["fleets"]
    series = forecast(fleets, date, a, 2024, 2027, years).years
    retiring = retiring_need(cohorts(fleets, date, a, years), series, 2024, 2027)
    assert (retiring["fleet_index"] == -1).all()
    assert retiring["vehicles"].sum() == pytest.approx(
        series[series["year"] > 2024]["needed_unordered_vehicles"].sum()
    )
    table = needs_table(retiring, fleets, a, 240.0)
    assert set(table["replaces"]) == {"growth"}


def test_no_needs_gives_an_empty_table(toy):
    a = default_assumptions()
    empty = pd.DataFrame(columns=["fleet_index", "traction", "segment", "year", "vehicles"])
    table = needs_table(empty, pd.DataFrame({"class": []}), a, 240.0)
    assert table.empty
    with pytest.raises(ValueError, match="lot_vehicles"):
        needs_table(empty, pd.DataFrame({"class": []}), a, 0.0)
