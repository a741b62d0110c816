"""The pipeline MIP on small instances whose optimum is found by brute force."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from railgap.optimise.model import build_model, candidates
from railgap.optimise.optimiser import explain, full_start, optimize_instance
from railgap.optimise.options import Options, Weights
from railgap.optimise.plans import as_procured, evaluate, greedy, jobs_at_risk
from railgap.optimise.solve import feasible, relax, solve
from railgap.testing import assert_plan_within_capacity, tiny_instance

EXACT = {"mip_gap": 0.0, "award_step_months": 1, "time_limit_s": 60}


def brute_force(inst, cand, weights):
    """Least objective over every choice of one candidate (or none) per need."""
    per_need = [np.flatnonzero(cand.need == n) for n in range(len(inst.needs))]
    best = None
    for combo in itertools.product(*[[-1, *map(int, c)] for c in per_need]):
        picked = np.array([c for c in combo if c >= 0], dtype=np.int64)
        spare_ok = True
        try:
            assert_plan_within_capacity(inst, cand, picked)
        except AssertionError:
            spare_ok = False
        if not spare_ok:
            continue
        value = evaluate(inst, cand, picked, weights).objective
        best = value if best is None else min(best, value)
    return best


@pytest.mark.parametrize(
    ("vehicles", "due", "capacity", "employees"),
    [
        ([8, 8], [14, 18], [4.0], [100]),
        ([8, 12], [12, 20], [4.0, 8.0], [100, 50]),
        ([4, 8, 4], [10, 14, 22], [4.0], [100]),
    ],
)
def test_optimum_matches_brute_force(vehicles, due, capacity, employees):
    inst = tiny_instance(vehicles, due, capacity, employees, months=24, early_months=6)
    options = Options.model_validate(EXACT)
    cand = candidates(inst, options)
    assert 0 < len(cand) < 400
    result = optimize_instance(inst, options)
    assert result.status == "Optimal"
    expected = brute_force(inst, cand, options.weights)
    got = result.terms.loc["optimised", "objective"]
    assert got == pytest.approx(expected, rel=1e-7, abs=1e-6)
    assert got <= result.terms.loc["greedy", "objective"] + 1e-6
    assert got <= result.terms.loc["as_procured", "objective"] + 1e-6


def test_capacity_covers_close_the_relaxation_where_builds_cannot_share_a_month():
    # Three lots of 8 vehicles at 4 a month, due together, one plant with room for 6 a
    # month: two builds cannot run at once, so one lot must be late. Without the covers
    # the relaxation runs 1.5 builds at a time and sees no lateness at all.
    inst = tiny_instance([8, 8, 8], [10, 10, 10], [6.0], [0], months=24, early_months=3)
    options = Options.model_validate({**EXACT, "weights": {"jobs": 0, "smooth": 0, "overage": 1}})
    cand = candidates(inst, options)
    plain = relax(build_model(inst, cand, options, cover_parts=()), options)
    covered = relax(build_model(inst, cand, options), options)
    optimum = optimize_instance(inst, options).terms.loc["optimised", "objective"]
    assert plain.bound == pytest.approx(0.0, abs=1e-9)
    assert optimum == pytest.approx(1 / 3)  # 8 vehicles, 4 a month: half a year 1/12 late
    assert covered.bound == pytest.approx(optimum, rel=1e-9)


def test_model_objective_is_the_plans_terms():
    """The MIP's objective at a plan's variables equals the plan's evaluated terms."""
    from railgap.optimise.optimiser import full_start

    inst = tiny_instance([8, 12, 4], [12, 20, 16], [4.0, 8.0], [100, 50], months=24)
    options = Options(weights=Weights(jobs=1.0, overage=3.0, smooth=0.5))
    cand = candidates(inst, options)
    model = build_model(inst, cand, options)
    for picked in (greedy(inst, cand), as_procured(inst, cand), np.zeros(0, dtype=np.int64)):
        x = full_start(inst, cand, model, picked)
        assert float(model.lp.col_cost_ @ x) == pytest.approx(
            evaluate(inst, cand, picked, options.weights).objective, rel=1e-9
        )


def test_jobs_are_counted_as_the_loading_engine_does():
    # One plant, capacity 10, 100 staff, viable 1.5: nothing built is 100 jobs a month.
    inst = tiny_instance([4], [30], [10.0], [100], months=12)
    cand = candidates(inst, Options())
    terms = evaluate(inst, cand, np.zeros(0, dtype=np.int64), Weights())
    assert terms.jobs_at_risk_months == pytest.approx(100 * 12)
    assert terms.unmet_needs == 0  # due after the horizon: may be left for later
    # Below the viable rate, the staff the load does not need (1 of 10: 90 of 100); at or
    # above it, none; as loading.plant_months counts them.
    load = np.zeros((1, 12))
    load[0, :3] = [1.0, 2.0, 1.5]
    assert jobs_at_risk(inst, load)[0, :4].tolist() == pytest.approx([90.0, 0.0, 0.0, 100.0])


def test_a_need_no_plant_can_build_is_explained():
    capable = np.array([[True], [False]])
    inst = tiny_instance([8, 8], [14, 18], [4.0], [100], capable=capable)
    options = Options()
    cand = candidates(inst, options)
    problems = explain(inst, cand, options)
    assert [(p.about, p.key) for p in problems] == [("need", "need1")]
    assert problems[0].text.startswith("need need1 (8 electric suburban vehicles due")
    assert "no plant has built electric suburban trains" in problems[0].text
    result = optimize_instance(inst, options)
    row = result.timetable.set_index("need_id").loc["need1"]
    assert row["status"] == "unmet"
    assert "no plant has built" in row["reason"]


def test_a_plant_that_must_be_used_but_cannot_is_reported_not_raised():
    inst = tiny_instance([8], [14], [4.0], [100])
    result = optimize_instance(inst, Options(must_use=["nowhere"]))
    assert result.status.startswith("Infeasible")
    assert result.problems == ["plant nowhere must be used but is not known"]


def test_excluded_plant_builds_nothing_and_must_use_is_honoured():
    inst = tiny_instance([8, 8], [14, 18], [8.0, 8.0], [100, 100], months=24)
    result = optimize_instance(inst, Options(must_not_use=["plant0"], **EXACT))
    assert set(result.timetable["plant_id"].dropna()) == {"plant1"}
    result = optimize_instance(inst, Options(must_use=["plant0", "plant1"], **EXACT))
    assert set(result.timetable["plant_id"].dropna()) == {"plant0", "plant1"}


def test_budget_limits_awards_per_year():
    # Two 8-vehicle needs at 2 GBP m a vehicle: a 20 m budget allows one award a year.
    inst = tiny_instance([8, 8], [14, 16], [8.0], [100], months=24, early_months=4)
    result = optimize_instance(inst, Options(budget_gbp_m_per_year=20.0, **EXACT))
    awards = result.timetable["award"].dropna()
    assert awards.str[:4].value_counts().max() <= 1


def test_a_budget_without_prices_is_reported():
    from dataclasses import replace

    inst = replace(tiny_instance([8], [14], [4.0], [100]), price_gbp_m=float("nan"))
    result = optimize_instance(inst, Options(budget_gbp_m_per_year=10.0))
    assert any(p.startswith("budget not applied") for p in result.problems)
    assert result.status == "Optimal"


def test_neighbourhood_is_same_need_and_plant_within_one_step():
    from railgap.optimise.optimiser import neighbourhood

    inst = tiny_instance([8, 8], [20, 22], [4.0, 4.0], [100, 100], months=30, early_months=12)
    options = Options(award_step_months=3)
    cand = candidates(inst, options)
    support = np.zeros(len(cand), dtype=bool)
    pick = len(cand) // 2
    support[pick] = True
    near = neighbourhood(cand, support, 3)
    assert near[pick]
    same = (cand.need == cand.need[pick]) & (cand.plant == cand.plant[pick])
    close = np.abs(cand.award - cand.award[pick]) <= 3
    assert np.array_equal(near, same & close)
    assert near.sum() >= 2


def _thirds(capacity: float, thirds: str) -> list[float]:
    return [capacity * int(k) / 3 for k in thirds]


def test_a_solution_is_checked_not_taken_on_trust():
    # An instance (found by a reviewer's fuzzing) where HiGHS, given a starting plan,
    # reported a better plan's objective with the starting plan's values.
    firm = np.array(
        [
            _thirds(5.0, "330120323322111223133113023221"),
            [0.0] * 30,
            _thirds(4.0, "132102203212333223231022132132"),
        ]
    )
    capable = np.array([[0, 1, 0], [0, 1, 1], [1, 1, 1], [1, 1, 1], [0, 1, 1]], dtype=bool)
    inst = tiny_instance(
        [10.0, 8.0, 6.0, 14.0, 9.0], [34, 14, 24, 28, 14], [5.0, 3.0, 4.0], [139.0, 17.0, 33.0],
        months=30, firm=firm, capable=capable, early_months=5,
    )  # fmt: skip
    open_ = inst.open_.copy()
    open_[1, :15] = False
    inst = dataclasses.replace(inst, open_=open_)
    weights = {"jobs": 0.0, "overage": 10.0, "smooth": 0.0}
    options = Options.model_validate(
        {"mip_gap": 0.01, "award_step_months": 1, "time_limit_s": 30, "weights": weights}
    )
    cand = candidates(inst, options)
    model = build_model(inst, cand, options)
    exact = solve(model, Options.model_validate({**EXACT, "weights": weights}))
    assert exact.status == "Optimal"
    started = solve(model, options, full_start(inst, cand, model, greedy(inst, cand)))
    assert started.objective == pytest.approx(float(model.lp.col_cost_ @ started.values))
    assert feasible(model, started.values)
    result = optimize_instance(inst, options)
    got = result.terms.loc["optimised", "objective"]
    assert result.status == "Optimal"
    assert exact.objective - 1e-6 <= got <= exact.objective * 1.01 + 1e-6


@pytest.mark.parametrize("extra", [{"budget_gbp_m_per_year": 10.0}, {"must_use": ["plant1"]}])
def test_the_staged_solve_keeps_the_options_rows(extra):
    # One 8-vehicle need. A GBP 10m budget at GBP 2m a vehicle cannot buy it (it stays
    # unmet); must_use forces it to plant1 though plant0 would do as well.
    capable = np.array([[True, True]])
    inst = tiny_instance([8.0], [14], [8.0, 8.0], [100.0, 100.0], months=30, early_months=6,
                         capable=capable)  # fmt: skip
    inst = dataclasses.replace(inst, price_gbp_m=2.0)
    options = Options.model_validate(
        {"mip_gap": 0.01, "award_step_months": 1, "time_limit_s": 30, **extra}
    )
    result = optimize_instance(inst, options)
    model = build_model(inst, result.cand, options)
    exact = solve(model, options.model_copy(update={"mip_gap": 0.0}))
    picked = result.picked["optimised"]
    assert feasible(model, full_start(inst, result.cand, model, picked))
    got = result.terms.loc["optimised", "objective"]
    assert exact.objective - 1e-6 <= got <= exact.objective * 1.01 + 1e-6
    placed = result.timetable.set_index("need_id").loc["need0"]
    if "budget_gbp_m_per_year" in extra:
        assert placed["status"] == "unmet"
    else:
        assert placed["plant_id"] == "plant1"


def test_a_must_use_plant_with_no_room_is_reported_before_solving():
    # plant1's firm book fills it every month: nothing fits there.
    firm = np.array([[0.0] * 24, [4.0] * 24])
    inst = tiny_instance([8.0], [14], [4.0, 4.0], [100.0, 100.0], firm=firm,
                         capable=np.array([[True, True]]))  # fmt: skip
    result = optimize_instance(inst, Options(must_use=["plant1"]))
    assert result.status == "Infeasible (checked before solving)"
    assert any("plant1 must be used but has no spare capacity" in p for p in result.problems)


def test_a_room_left_only_by_rounding_gets_no_cover_row():
    # Capacity 0.1 + 0.2 less a firm load of 0.3 leaves 5.6e-17 "room": a cover row there
    # would count a build as 1e16 parts, which HiGHS refuses.
    capacity = 0.1 + 0.2
    firm = np.full((2, 24), 0.0)
    firm[0, :] = 0.3
    capable = np.ones((2, 2), dtype=bool)
    inst = tiny_instance([4, 4], [12, 16], [capacity, 4.0], [100, 100], months=24, firm=firm,
                         capable=capable, early_months=6)  # fmt: skip
    options = Options.model_validate(EXACT)
    cand = candidates(inst, options)
    covered = solve(build_model(inst, cand, options), options)
    plain = solve(build_model(inst, cand, options, cover_parts=()), options)
    assert covered.status == plain.status == "Optimal"
    assert covered.objective == pytest.approx(plain.objective)
