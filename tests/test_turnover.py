from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import railgap
from railgap.dataset import as_of, load_dataset
from railgap.dataset.assumptions import default_assumptions
from railgap.dataset.errors import DataError
from railgap.fleets.turnover import cohorts, forecast, smooth_level
from railgap.testing import TOY_ROWS, write_tables


def _toy_forecast(toy, date=dt.date(2026, 6, 1), first=2000, last=2060, **overrides):
    a = default_assumptions()
    if overrides:
        a = a.with_overrides(overrides)
    resolved = as_of(load_dataset(toy), date)
    return forecast(resolved["fleets"], date, a, first, last)


def _year(result, year):
    years = result.years.set_index("year")
    return years.loc[year]


def test_fleet_size_and_average_age_by_hand(toy):
    result = _toy_forecast(toy)
    row = _year(result, 2026)
    # c200 (20, built 2000), c300 (10 + 10, built 2024-25), c102 (6, built 1990).
    assert row["fleet_vehicles"] == pytest.approx(46)
    assert row["average_age"] == pytest.approx((20 * 26.5 + 10 * 2.5 + 10 * 1.5 + 6 * 36.5) / 46)
    # c101: withdrawn 2010-2011, oldest cohort first.
    assert _year(result, 2010)["fleet_vehicles"] == pytest.approx(20 + 20 + 6)
    assert _year(result, 2011)["fleet_vehicles"] == pytest.approx(10 + 20 + 6)
    assert _year(result, 2012)["fleet_vehicles"] == pytest.approx(20 + 6)
    assert _year(result, 2024)["delivered_vehicles"] == pytest.approx(10)


def test_retirements_follow_announcements_then_service_life(toy):
    result = _toy_forecast(toy)
    assert _year(result, 2030)["retired_vehicles"] == pytest.approx(6)  # announced for 2030
    assert _year(result, 2035)["retired_vehicles"] == pytest.approx(20)  # 2000 + 35 years
    assert _year(result, 2059)["retired_vehicles"] == pytest.approx(10)
    assert _year(result, 2060)["retired_vehicles"] == pytest.approx(10)


def test_demand_and_smooth_level_by_hand(toy):
    result = _toy_forecast(toy)
    needed = result.years.set_index("year")["needed_unordered_vehicles"]
    assert needed[needed > 0].to_dict() == pytest.approx({2030: 6, 2035: 20, 2059: 10, 2060: 10})
    assert result.first_order_year == 2030  # 2026 + 1 + 36 months
    assert result.backlog == 0
    assert result.smooth_level == pytest.approx(6)
    dmu = result.by_traction["dmu"].set_index("year")["needed_unordered_vehicles"]
    assert dmu[2030] == pytest.approx(6)


def test_growth_adds_need_every_year(toy):
    flat = _toy_forecast(toy)
    grown = _toy_forecast(toy, fleet_growth_per_year=0.02)
    assert (
        grown.years["needed_unordered_vehicles"].sum()
        > flat.years["needed_unordered_vehicles"].sum()
    )
    assert _year(grown, 2027)["needed_unordered_vehicles"] == pytest.approx(46 * 0.02)


def test_diesel_policy_brings_diesel_retirements_forward(toy):
    result = _toy_forecast(toy, diesel_only_out_by_year=2028)
    assert _year(result, 2028)["retired_vehicles"] == pytest.approx(6)


def test_over_age_fleet_is_due_the_year_after_the_as_of_date(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["fleets"] = [r for r in rows["fleets"] if r["fleet_id"] != "c102"]
    rows["fleet_operators"] = [r for r in rows["fleet_operators"] if r["fleet_id"] != "c102"]
    write_tables(tmp_path, rows)
    result = _toy_forecast(tmp_path, date=dt.date(2040, 1, 1), first=2035, last=2045)
    # c200 (built 2000) would retire in 2035 but was running in 2040: due in 2041.
    assert _year(result, 2040)["fleet_vehicles"] == pytest.approx(40)
    assert _year(result, 2041)["retired_vehicles"] == pytest.approx(20)
    # 2041 is before new orders can deliver (2044): backlog.
    assert result.backlog == pytest.approx(20)


def test_unquantified_fleets_are_reported_not_guessed(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["fleets"] = [
        *rows["fleets"],
        {
            "fleet_id": "c999",
            "class": "999",
            "traction": "hst",
            "segment": "intercity",
            "units": 5,
            "known_from": "2001-01-01",
        },
    ]
    write_tables(tmp_path, rows)
    result = _toy_forecast(tmp_path)
    assert list(result.unquantified["fleet_id"]) == ["c999"]
    assert _year(result, 2026)["fleet_vehicles"] == pytest.approx(46)


def test_replacement_waves_name_the_fleets(toy):
    waves = _toy_forecast(toy).waves
    assert list(waves["fleet_id"]) == ["c102", "c200", "c300"]
    assert waves.set_index("fleet_id").loc["c200", "from"] == 2035


def test_smooth_level_spreads_backlog_over_the_horizon():
    years = np.arange(2025, 2031)
    needed = np.array([30.0, 0, 0, 10, 10, 10])
    level, backlog = smooth_level(needed, years, 2028)
    assert backlog == 30
    # on time: max(10/1, 20/2, 30/3) = 10; overall: (30 + 30) / 3 = 20.
    assert level == pytest.approx(20)


def test_cohorts_split_vehicles_evenly_over_build_years(toy):
    a = default_assumptions()
    resolved = as_of(load_dataset(toy), dt.date(2026, 6, 1))
    c = cohorts(resolved["fleets"], dt.date(2026, 6, 1), a)
    by_year = dict(zip(c.built.tolist(), c.vehicles.tolist(), strict=True))
    assert by_year[2024.0] == pytest.approx(10)
    assert c.vehicles.sum() == pytest.approx(20 + 6 + 20 + 20)


def test_python_api_and_as_of(toy):
    early = railgap.forecast(2020, 2030, as_of="2021-01-01", data=toy)
    assert early.attrs["as_of"] == "2021-01-01"
    # c300 was ordered (known) in 2022: not in the 2021 view; nor c102's 2030 withdrawal
    # plan (2022), so c102 retires at 1990 + 35 = 2025.
    assert early.set_index("year").loc[2025, "survivor_vehicles"] == pytest.approx(20)
    late = railgap.forecast(2020, 2030, as_of="2023-01-01", data=toy)
    assert late.set_index("year").loc[2025, "survivor_vehicles"] == pytest.approx(46)
    by = railgap.forecast(2025, 2026, as_of="2023-01-01", by="traction", data=toy)
    assert set(by["traction"]) == {"bimode", "dmu", "emu_ac"}
    with pytest.raises(ValueError, match="by must be"):
        railgap.forecast(2025, 2026, by="colour", data=toy)


def test_register_ages_status_and_operators(toy):
    frame = railgap.fleet("2026-06-01", data=toy).set_index("fleet_id")
    assert frame.loc["c101", "status"] == "withdrawn"
    # Built in 2000, taken as mid-2000: 25.9 years old on 1 June 2026.
    assert frame.loc["c200", "age_years"] == pytest.approx(25.9, abs=0.05)
    assert frame.loc["c102", "operators"] == "Toy Northern"
    assert frame.loc["c102", "withdrawal_planned"] == "2030"
    ordered = railgap.fleet("2023-01-01", data=toy).set_index("fleet_id")
    assert ordered.loc["c300", "status"] == "on order"
    assert np.isnan(ordered.loc["c300", "age_years"])
    northern = railgap.fleet("2026-06-01", operator="toy northern", data=toy)
    assert list(northern["fleet_id"]) == ["c102"]


def test_split_by_traction_adds_up_and_nets_orders_across_tractions(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    # A bimode order delivering in 2030 replaces the dmu fleet withdrawn in 2030.
    rows["fleets"] = [
        *rows["fleets"],
        {
            "fleet_id": "c301",
            "class": "301",
            "traction": "bimode",
            "segment": "regional",
            "units": 2,
            "cars_per_unit": 2,
            "built_from": 2030,
            "built_to": 2030,
            "known_from": "2023-01-01",
        },
    ]
    write_tables(tmp_path, rows)
    result = _toy_forecast(tmp_path)
    assert _year(result, 2030)["needed_unordered_vehicles"] == pytest.approx(6 - 4)
    total = sum(t["needed_unordered_vehicles"] for t in result.by_traction.values())
    np.testing.assert_allclose(total, result.years["needed_unordered_vehicles"])
    assert result.by_traction["dmu"].set_index("year").loc[2030, "needed_unordered_vehicles"] == (
        pytest.approx(2)
    )


def test_the_fleet_is_the_survivors_plus_their_replacements(toy):
    result = _toy_forecast(toy, first=2026, last=2060)
    years = result.years.set_index("year")
    # With no growth the need keeps the fleet at its as-of size, while the survivors dwindle.
    np.testing.assert_allclose(years["fleet_vehicles"], 46)
    assert years.loc[2060, "survivor_vehicles"] < years.loc[2026, "survivor_vehicles"]
    parts = (
        years["survivor_vehicles"]
        + years["replacement_vehicles"]
        + years["kept_beyond_life_vehicles"]
        - years["replaced_early_vehicles"]
    )
    np.testing.assert_allclose(parts, years["fleet_vehicles"])
    # New stock arrives from the first delivery year; the whole need is delivered.
    assert years.loc[: result.first_order_year - 1, "new_vehicles"].sum() == 0
    assert years["new_vehicles"].sum() == pytest.approx(years["needed_unordered_vehicles"].sum())
    # c102 (6 vehicles, built 1990) goes in 2030 and its replacement arrives then: age 0.5.
    ages = years["average_age"]
    assert ages.loc[2030] < ages.loc[2029] + 1


def test_a_backlog_is_kept_running_and_spread_over_the_years_trains_can_arrive(toy):
    lives = dict.fromkeys(default_assumptions().table("service_life_years"), 20.0)
    result = _toy_forecast(toy, first=2026, last=2060, service_life_years=lives)
    years = result.years.set_index("year")
    # c200 (20 vehicles, built 2000) is past a 20-year life: due out in 2027, replaceable
    # only from 2030.
    # (c102's withdrawal is announced for 2030, so it is not past its life then.)
    assert result.backlog == pytest.approx(20)
    assert years.loc[2027, "needed_unordered_vehicles"] == pytest.approx(20)
    assert years.loc[2027, "needed_spread_vehicles"] == 0
    assert years.loc[2027, "kept_beyond_life_vehicles"] == pytest.approx(20)
    np.testing.assert_allclose(years["fleet_vehicles"], 46)
    # The kept stock keeps ageing: the fleet is older in 2029 than in 2026.
    assert years.loc[2029, "average_age"] > years.loc[2026, "average_age"]
    # Spread: nothing before the first delivery year, the same total, never above the level.
    spread = years["needed_spread_vehicles"]
    assert spread.loc[: result.first_order_year - 1].sum() == 0
    assert spread.sum() == pytest.approx(years["needed_unordered_vehicles"].sum())
    # Need is met only by stock that has arrived.
    assert np.all(spread.cumsum() <= years["new_vehicles"].cumsum() + 1e-9)
    assert years["withdrawn_vehicles"].max() < years["retired_vehicles"].max()


def test_named_growth_scenarios_set_the_growth(toy):
    flat = railgap.forecast(2026, 2060, as_of="2026-06-01", data=toy)
    high = railgap.forecast(2026, 2060, as_of="2026-06-01", data=toy, growth="ltprss_2016_high")
    assert high["needed_unordered_vehicles"].sum() > flat["needed_unordered_vehicles"].sum()
    rate = default_assumptions().table("fleet_growth_scenarios")["ltprss_2016_high"]
    assert high.set_index("year").loc[2027, "needed_unordered_vehicles"] == pytest.approx(46 * rate)
    with pytest.raises(DataError, match="ltprss_2016_low"):
        railgap.forecast(2026, 2030, data=toy, growth="central")
