"""Invariants of the pipeline optimiser on random small instances (hypothesis)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from railgap.dataset.dates import month_of
from railgap.optimise.model import build_model, candidates
from railgap.optimise.optimiser import full_start, optimize_instance
from railgap.optimise.options import Options, Weights
from railgap.optimise.solve import feasible, relax, solve
from railgap.testing import assert_plan_within_capacity, tiny_instance

EXACT = {"mip_gap": 0.0, "award_step_months": 1, "time_limit_s": 60}
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw):
    n_needs = draw(st.integers(1, 3))
    n_plants = draw(st.integers(1, 2))
    months = 24
    vehicles = draw(st.lists(st.integers(2, 12), min_size=n_needs, max_size=n_needs))
    due = draw(st.lists(st.integers(6, 30), min_size=n_needs, max_size=n_needs))
    capacity = draw(st.lists(st.integers(2, 10), min_size=n_plants, max_size=n_plants))
    employees = draw(st.lists(st.integers(0, 300), min_size=n_plants, max_size=n_plants))
    firm_share = draw(st.lists(st.floats(0, 1), min_size=n_plants, max_size=n_plants))
    first_firm = draw(st.integers(0, months))
    firm = np.zeros((n_plants, months))
    firm[:, :first_firm] = np.asarray(firm_share)[:, None] * np.asarray(capacity)[:, None]
    capable = np.asarray(
        draw(st.lists(st.booleans(), min_size=n_needs * n_plants, max_size=n_needs * n_plants))
    ).reshape(n_needs, n_plants)
    return tiny_instance(
        [float(v) for v in vehicles],
        due,
        [float(c) for c in capacity],
        [float(e) for e in employees],
        months=months,
        firm=firm,
        capable=capable,
        early_months=6,
    )


@SETTINGS
@given(instances())
def test_capacity_is_respected_by_every_plan(inst):
    result = optimize_instance(inst, Options.model_validate(EXACT))
    for plan in ("optimised", "greedy", "as_procured"):
        assert_plan_within_capacity(inst, result.cand, result.picked[plan])


@SETTINGS
@given(instances())
def test_every_need_is_met_in_its_window_or_reported(inst):
    options = Options.model_validate(EXACT)
    result = optimize_instance(inst, options)
    needs = inst.needs.set_index("need_id")
    for row in result.timetable.to_dict("records"):
        need = needs.loc[row["need_id"]]
        if row["status"] in ("on time", "late"):
            award = month_of(row["award"])
            assert need["earliest_award"] <= award
            assert award <= max(need["latest_award"], need["earliest_award"]) + 60
            assert month_of(row["build_end"]) <= inst.last_month
            late = row["status"] == "late"
            assert late == (month_of(row["in_service_end"]) >= need["due_month"])
        elif row["status"] == "unmet":
            assert need["due_month"] <= inst.last_month
            assert isinstance(row["reason"], str)
            assert row["reason"]
        else:
            assert row["status"] == "later"
            assert need["due_month"] > inst.last_month


@SETTINGS
@given(instances(), st.floats(0.01, 5), st.floats(1.5, 20))
def test_a_higher_smoothness_weight_never_increases_rate_changes(inst, low, factor):
    def changes(smooth):
        weights = Weights(jobs=1.0, overage=2.0, smooth=smooth)
        result = optimize_instance(inst, Options(weights=weights, **EXACT))
        assert result.status == "Optimal"
        return result.terms.loc["optimised", "rate_changes"]

    assert changes(low * factor) <= changes(low) + 1e-6


@SETTINGS
@given(instances())
def test_capacity_covers_cut_off_no_plan(inst):
    """With the covers, the relaxation stays a lower bound and the optimum is unchanged."""
    options = Options.model_validate(EXACT)
    cand = candidates(inst, options)
    plain = solve(build_model(inst, cand, options, cover_parts=()), options)
    covered_model = build_model(inst, cand, options)
    covered = solve(covered_model, options)
    assert plain.status == covered.status == "Optimal"
    assert covered.objective == pytest.approx(plain.objective, rel=1e-7, abs=1e-6)
    assert relax(covered_model, options).bound <= plain.objective + 1e-6


SIDE_OPTIONS = [{}, {"budget_gbp_m_per_year": 10.0}, {"must_use": ["plant0"]}]


@SETTINGS
@given(instances(), st.sampled_from(SIDE_OPTIONS))
def test_the_staged_solve_meets_every_row_and_its_gap(inst, extra):
    """Whatever the options' rows, the plan meets them and "Optimal" is within the gap."""
    inst = dataclasses.replace(inst, price_gbp_m=2.0)
    options = Options.model_validate(
        {"mip_gap": 0.01, "award_step_months": 1, "time_limit_s": 60, **extra}
    )
    result = optimize_instance(inst, options)
    model = build_model(inst, result.cand, options)
    exact = solve(model, options.model_copy(update={"mip_gap": 0.0}))
    if result.status.startswith("Infeasible"):
        assert exact.status == "Infeasible"
        return
    assert feasible(model, full_start(inst, result.cand, model, result.picked["optimised"]))
    got = result.terms.loc["optimised", "objective"]
    assert got >= exact.objective - 1e-6
    if result.status == "Optimal":
        assert got <= exact.objective * 1.01 + 1e-6


@SETTINGS
@given(instances(), st.sampled_from([0.01, 0.1, 1.0]))
def test_returned_plan_is_never_worse_than_a_heuristic(inst, limit):
    result = optimize_instance(inst, Options(time_limit_s=limit))
    if result.status.startswith("Infeasible"):
        return
    objective = result.terms.loc["optimised", "objective"]
    model = build_model(inst, result.cand, Options(time_limit_s=limit))
    for plan in ("greedy", "as_procured"):
        if feasible(model, full_start(inst, result.cand, model, result.picked[plan])):
            assert objective <= result.terms.loc[plan, "objective"] + 1e-6
    assert result.returned in ("mip", "greedy", "as_procured")
