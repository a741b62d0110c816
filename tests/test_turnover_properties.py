"""Invariants of the fleet turnover engine, checked on generated fleets."""

from __future__ import annotations

import datetime as dt
import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import railgap
from railgap.dataset import as_of, load_dataset
from railgap.dataset.assumptions import TRACTIONS, default_assumptions
from railgap.fleets.turnover import cohorts, demand, fleet_years, survivors
from railgap.testing import TOY_ROWS, write_tables

fleet = st.fixed_dictionaries(
    {
        "traction": st.sampled_from(TRACTIONS),
        "units": st.integers(1, 60),
        "cars": st.integers(1, 12),
        "built_from": st.integers(1960, 2030),
        "span": st.integers(0, 5),
        "withdrawn": st.one_of(st.none(), st.integers(0, 45)),
        "planned": st.one_of(st.none(), st.integers(2000, 2070)),
    }
)


def _frame(fleets: list[dict]) -> pd.DataFrame:
    rows = []
    for i, f in enumerate(fleets):
        row = {
            "fleet_id": f"c{i}",
            "class": str(100 + i),
            "traction": f["traction"],
            "segment": "regional",
            "units": f["units"],
            "cars_per_unit": f["cars"],
            "built_from": f["built_from"],
            "built_to": f["built_from"] + f["span"],
            "known_from": "1950",
        }
        if f["withdrawn"] is not None:
            end = f["built_from"] + f["span"] + f["withdrawn"]
            if end <= 2025:
                row["actual_withdrawal_from"] = str(end - 1)
                row["actual_withdrawal_to"] = str(end)
        if f["planned"] is not None:
            row["withdrawal_planned"] = str(f["planned"])
        rows.append(row)
    with tempfile.TemporaryDirectory() as folder:
        write_tables(folder, {**TOY_ROWS, "fleets": rows, "fleet_operators": []})
        return as_of(load_dataset(folder), dt.date(2026, 1, 1))["fleets"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fleet, min_size=1, max_size=8))
def test_vehicles_are_conserved_and_ages_are_never_negative(fleets):
    frame = _frame(fleets)
    c = cohorts(frame, dt.date(2026, 1, 1), default_assumptions())
    years = np.arange(1950, 2111)
    table = fleet_years(c, years)
    built = table["delivered_vehicles"].cumsum()
    retired = table["retired_vehicles"].cumsum()
    # In service + retired = ever built, every year.
    np.testing.assert_allclose(table["fleet_vehicles"] + retired, built, atol=1e-6)
    assert built.iloc[-1] == pytest.approx(sum(f["units"] * f["cars"] for f in fleets))
    ages = table["average_age"].dropna()
    assert (ages >= 0).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fleet, min_size=1, max_size=8), st.integers(20, 50), st.integers(1, 15))
def test_a_longer_life_never_raises_near_term_demand(fleets, life, extra):
    frame = _frame(fleets)
    date = dt.date(2026, 1, 1)
    years = np.arange(2026, 2061)
    cumulative = []
    for years_of_life in (life, life + extra):
        a = default_assumptions().with_overrides(
            {"service_life_years": dict.fromkeys(TRACTIONS, years_of_life)}
        )
        c = cohorts(frame, date, a)
        need = demand({"all": survivors(fleet_years(c, years))}, 2026, 0.0)["all"]
        cumulative.append(np.cumsum(need))
    assert np.all(cumulative[1] <= cumulative[0] + 1e-9)


revision = st.fixed_dictionaries(
    {
        "fleet": st.sampled_from(["c101", "c102", "c200", "c300"]),
        "known_from": st.dates(dt.date(2001, 1, 1), dt.date(2030, 12, 31)),
        "planned": st.integers(2020, 2050),
        "units": st.integers(1, 12),
    }
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(revision, max_size=5), st.dates(dt.date(2005, 1, 1), dt.date(2028, 12, 31)))
def test_forecast_as_of_never_sees_rows_known_later(revisions, date):
    base = {k: list(v) for k, v in TOY_ROWS.items()}
    latest = {r["fleet_id"]: r for r in base["fleets"]}
    extra, seen = [], set()
    for rev in revisions:
        key = (rev["fleet"], rev["known_from"].isoformat())
        if key in seen or key[1] <= latest[rev["fleet"]]["known_from"]:
            continue
        seen.add(key)
        extra.append(
            dict(
                latest[rev["fleet"]],
                units=rev["units"],
                known_from=key[1],
                withdrawal_planned=str(rev["planned"]),
            )
        )
    with tempfile.TemporaryDirectory() as full, tempfile.TemporaryDirectory() as past:
        write_tables(full, {**base, "fleets": base["fleets"] + extra})
        visible = [r for r in extra if r["known_from"] <= date.isoformat()]
        write_tables(past, {**base, "fleets": base["fleets"] + visible})
        one = railgap.forecast(2000, 2050, as_of=date, data=load_dataset(full))
        two = railgap.forecast(2000, 2050, as_of=date, data=load_dataset(past))
        pd.testing.assert_frame_equal(one, two)
