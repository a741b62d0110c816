from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from railgap import analysis, montecarlo
from railgap.dataset import as_of, load_dataset
from railgap.dataset.assumptions import default_assumptions
from railgap.dataset.dates import month_of
from railgap.dataset.errors import DataError, DateError
from railgap.montecarlo import distributions
from railgap.plants.loading import LOADING_TABLES
from railgap.tenders.history import completion_slippage, delivery_slippage, tender_history
from railgap.tenders.open import open_tenders
from railgap.testing import toy_nation

TABLES = (*LOADING_TABLES, "tenders", "fleets")


@pytest.fixture(scope="module")
def toy_tenders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_nation(tmp_path_factory.mktemp("mc") / "toy", tenders=True)


def _setup(data: Path | None, date: dt.date, **overrides):
    dataset = analysis.get_dataset(data)
    a = default_assumptions().with_overrides(overrides) if overrides else default_assumptions()
    resolved = as_of(dataset, date, TABLES)
    base = montecarlo.prepare(resolved, a)
    u = distributions.uncertainty(dataset, resolved, a, base.profile, base.windows)
    return base, u


def _months(values) -> np.ndarray:
    return np.array([month_of(v) if isinstance(v, str) else np.nan for v in values])


def _assert_paths_agree(base, u, draws) -> None:
    sim = montecarlo.simulate(base, u, draws, chunk_elements=20_000)
    reference = montecarlo.reference_outlooks(base, u, draws)
    for i, out in enumerate(reference):
        for name, expected, got in (
            ("run_out", _months(out["run_out"]), sim.run_out[i]),
            ("next_work", _months(out["next_work"]), sim.next_work[i]),
            ("gap_months", out["gap_months"].to_numpy(dtype="float64"), sim.gap_months[i]),
            (
                "jobs_at_risk_months",
                out["jobs_at_risk_months"].to_numpy(dtype="float64"),
                sim.jobs_at_risk_months[i],
            ),
        ):
            np.testing.assert_allclose(
                got, expected, rtol=1e-9, atol=1e-6, equal_nan=True, err_msg=f"draw {i} {name}"
            )


@pytest.mark.parametrize("date", [dt.date(2019, 6, 1), dt.date(2024, 1, 15)])
def test_vectorised_path_agrees_with_the_engine_loop_on_the_embedded_dataset(date):
    base, u = _setup(None, date)
    draws = distributions.draw(u, 30, seed=11)
    assert draws.awarded.any(), "the draws must award some tender for the test to bite"
    assert draws.order_slip.any(), "and slip some order"
    assert draws.order_finish.any(), "and finish some order already delivering late"
    _assert_paths_agree(base, u, draws)


@pytest.mark.parametrize("date", [dt.date(2019, 6, 1), dt.date(2024, 1, 15)])
def test_the_paths_agree_on_which_work_is_sustained(date):
    # A long run requirement turns stretches of work (past and drawn) into gaps: the
    # vectorised path must judge them, and the months before the as-of date, as the engine.
    base, u = _setup(None, date, min_work_run_months=18)
    draws = distributions.draw(u, 30, seed=11)
    strict = montecarlo.simulate(base, u, draws, chunk_elements=20_000)
    plain = montecarlo.simulate(*_setup(None, date, min_work_run_months=1), draws)
    assert not np.array_equal(strict.gap_months, plain.gap_months, equal_nan=True)
    _assert_paths_agree(base, u, draws)


def test_vectorised_path_agrees_with_the_engine_loop_on_the_toy_nation(toy_tenders):
    base, u = _setup(toy_tenders, dt.date(2022, 6, 1))
    draws = distributions.draw(u, 60, seed=3)
    _assert_paths_agree(base, u, draws)


def test_history_comes_only_from_what_was_decided_by_the_date(toy_tenders):
    dataset = load_dataset(toy_tenders)
    a = default_assumptions()
    early = tender_history(dataset["tenders"], dt.date(2019, 3, 1), a)
    # By March 2019: three awards (4, 8 and 12 months late); the cancellation came in June.
    assert early.award_probability == 1.0
    assert early.decided == 3
    assert sorted(early.award_slips) == [4.0, 8.0, 12.0]
    later = tender_history(dataset["tenders"], dt.date(2022, 6, 1), a)
    assert later.award_probability == pytest.approx(3 / 4)
    assert sorted(later.notice_to_award) == [16.0, 19.0, 22.0]


def test_open_tenders_are_dated_sized_and_matched_to_plants(toy_tenders):
    _, u = _setup(toy_tenders, dt.date(2022, 6, 1))
    tender = u.tenders.set_index("tender_id").loc["toy-open-2022"]
    # Expected award 2022-09 plus each observed slippage.
    assert [int(c) for c in tender["candidates"]] == [
        month_of("2023-01"),
        month_of("2023-05"),
        month_of("2023-09"),
    ]
    assert tender["winners"] == ("toyco", None)
    assert tender["cars_per_unit"] == 4  # 40 vehicles / 10 units
    # ToyCo builds as it built gamma, its latest order: shells abroad, assembly at home.
    assert u.templates["toyco"].plants == ("toy_overseas", "toy_works")
    assert u.templates["toyco"].stages == ("bodyshell", "assembly")


def test_awards_never_fall_before_the_as_of_date(toy_tenders):
    # toy-e-2021 was expected in 2021-06: by 2022-06 every slipped date but one has passed.
    base, u = _setup(toy_tenders, dt.date(2022, 6, 1))
    draws = distributions.draw(u, 500, seed=5)
    assert (draws.award_month > base.as_of_month).all()


def test_the_same_seed_gives_the_same_answer_and_another_seed_another():
    one = analysis.run_simulation(draws=300, seed=7, as_of="2024-01-15")
    two = analysis.run_simulation(draws=300, seed=7, as_of="2024-01-15")
    other = analysis.run_simulation(draws=300, seed=8, as_of="2024-01-15")
    assert one.summary.equals(two.summary)
    assert one.gap_probability.equals(two.gap_probability)
    assert not one.gap_probability.equals(other.gap_probability)


def test_chunking_does_not_change_the_answer():
    base, u = _setup(None, dt.date(2024, 1, 15))
    draws = distributions.draw(u, 200, seed=1)
    small = montecarlo.simulate(base, u, draws, chunk_elements=10_000)
    large = montecarlo.simulate(base, u, draws, chunk_elements=10_000_000)
    np.testing.assert_array_equal(small.run_out, large.run_out)
    np.testing.assert_array_equal(small.gap_months, large.gap_months)
    np.testing.assert_array_equal(small.gap_count, large.gap_count)


def test_probabilities_are_probabilities_and_run_out_only_accumulates():
    result = analysis.run_simulation(draws=400, as_of="2024-01-15", months=120)
    for frame in (result.gap_probability, result.run_out_by):
        values = frame.to_numpy()
        assert ((values >= 0) & (values <= 1)).all()
    assert (np.diff(result.run_out_by.to_numpy(), axis=0) >= 0).all()
    summary = result.summary
    assert summary["p_gap"].between(0, 1).all()
    assert summary["p_no_next_work"].between(0, 1).all()
    assert len(result.gap_probability) == 120


def test_newton_aycliffe_in_january_2024_runs_out_in_2024_without_new_work():
    result = analysis.run_simulation(draws=2000, as_of="2024-01-15")
    row = result.summary.set_index("plant_id").loc["hitachi_newton_aycliffe"]
    assert row["run_out_as_planned"] == "2024-07"
    assert np.isnan(row["gap_months_as_planned"])  # nothing known after the 810s
    assert row["p_gap"] == 1.0
    # Some draws give it a tender (it is a bidder), many do not.
    assert 0 < row["p_no_next_work"] < 1
    assert row["run_out_p90"] <= "2024-12"


def test_without_uncertainty_the_simulation_is_the_outlook(toy):
    # The plain toy nation has no tenders and too little history to slip: every draw is
    # the deterministic outlook.
    result = analysis.run_simulation(data=toy, draws=50, as_of="2022-06-01")
    outlook = analysis.outlook("2022-06-01", data=toy, all_plants=True).set_index("plant_id")
    row = result.summary.set_index("plant_id").loc["toy_works"]
    assert row["run_out_p10"] == row["run_out_p90"] == outlook.loc["toy_works", "run_out"]
    assert row["gap_months_p50"] == outlook.loc["toy_works", "gap_months"]
    assert row["expected_jobs_at_risk_months"] == pytest.approx(
        outlook.loc["toy_works", "jobs_at_risk_months"]
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"draws": 0}, "--draws"),
        ({"draws": 10**7}, "--draws"),
        ({"months": 6}, "--months"),
        ({"seed": -1}, "--seed"),
    ],
)
def test_bad_parameters_are_refused_with_their_name(kwargs, message):
    with pytest.raises(DataError, match=message):
        analysis.run_simulation(as_of="2024-01-15", **kwargs)


def test_a_scenario_brings_its_own_date(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: nothing\nas_of: 2024-01-15\nlevers: []\n", encoding="utf-8")
    with pytest.raises(DateError, match="own as-of"):
        analysis.run_simulation(path, as_of="2024-01-15", draws=10)
    result = analysis.run_simulation(path, draws=10)
    assert result.stamp.as_of == "2024-01-15"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.integers(min_value=0, max_value=36),
    units=st.integers(min_value=1, max_value=30),
)
def test_adding_work_never_adds_months_in_a_gap_or_jobs_at_risk(toy, start, units):
    # At a plant with a stated capacity, more load never leaves a month with less.
    first = dt.date(2023 + start // 12, start % 12 + 1, 1)
    path = toy.parent / "more.yaml"
    path.write_text(
        f"""
name: more work
as_of: 2022-06-01
levers:
  - direct_order:
      class: "400"
      manufacturer: toyco
      signed: 2022-06-01
      units: {units}
      cars_per_unit: 4
      first_delivery: "{first.isoformat()[:7]}"
      plants: [{{plant: toy_works, stage: full}}]
""",
        encoding="utf-8",
    )
    before = analysis.run_simulation(data=toy, draws=1, as_of="2022-06-01")
    after = analysis.run_simulation(path, data=toy, draws=1)
    assert after.gap_probability["toy_works"].sum() <= before.gap_probability["toy_works"].sum()
    jobs_after, jobs_before = (
        r.summary.set_index("plant_id").loc["toy_works", "expected_jobs_at_risk_months"]
        for r in (after, before)
    )
    assert jobs_after <= jobs_before + 1e-6


@settings(max_examples=15, deadline=None)
@given(days=st.integers(min_value=0, max_value=(dt.date(2026, 11, 1) - dt.date(2012, 1, 1)).days))
def test_what_the_draws_learn_never_sees_the_future(days):
    # The distributions learnt on a date are the same whether or not later rows exist.
    date = dt.date(2012, 1, 1) + dt.timedelta(days=days)
    full = analysis.get_dataset()
    cutoff = np.datetime64(date, "ns")
    past = replace(
        full,
        tables={
            name: frame[frame["_known_by"].to_numpy() <= cutoff]
            for name, frame in full.tables.items()
        },
    )
    a = default_assumptions()
    learnt = []
    for dataset in (full, past):
        history = tender_history(dataset["tenders"], date, a)
        slips = (
            delivery_slippage(dataset["orders"], date, a),
            completion_slippage(dataset["orders"], date, a),
        )
        resolved = as_of(dataset, date, TABLES)
        tenders = open_tenders(resolved, history, a, [])
        learnt.append((history, slips, tenders))
    (h1, s1, t1), (h2, s2, t2) = learnt
    assert h1.award_probability == h2.award_probability
    np.testing.assert_array_equal(h1.award_slips, h2.award_slips)
    np.testing.assert_array_equal(h1.notice_to_award, h2.notice_to_award)
    for one, other in zip(s1, s2, strict=True):
        np.testing.assert_array_equal(one, other)
    assert list(t1["tender_id"]) == list(t2["tender_id"])


def test_lateness_is_drawn_against_orders_as_late_as_the_order_already_is():
    slips = np.array([-3.0, 0.0, 2.0, 6.0, 12.0])
    rng = np.random.default_rng(1)
    d = 100
    # Columns: a plan still ahead (the engine keeps it), a plan 4 months overdue (the
    # engine has moved the delivery to the month after the date), an order later than
    # every slippage observed, and one with no plan public.
    plans = np.array([110.0, 96.0, 80.0, np.nan])
    engine = np.array([110.0, 101.0, 101.0, 120.0])
    late = distributions.lateness(slips, plans, engine, d, 4000, rng)
    assert late.shape == (4000, 4)
    assert (late >= 0).all()
    # Ahead: any slippage after the date, early ones on time.
    assert set(np.unique(late[:, 0])) == {0, 2, 6, 12}
    # Overdue by 4: only the slippages of 6 and 12 are consistent, delivered at 102 or 108.
    assert set(np.unique(late[:, 1])) == {1, 7}
    # Later than all the evidence: late again by one of the positive slippages.
    assert set(np.unique(late[:, 2])) == {2, 6, 12}
    assert set(np.unique(late[:, 3])) == {0, 2, 6, 12}
    # Nothing observed: no lateness.
    none = distributions.lateness(np.zeros(0), plans, engine, d, 10, rng)
    assert not none.any()


def test_late_work_under_way_ends_later_with_the_same_vehicles():
    import pandas as pd

    windows = pd.DataFrame(
        {
            "order_id": ["a", "a", "a", "b"],
            "start": [90, 100, 105, 100],
            "end": [99, 104, 110, 104],
            "vehicle_equivalents": [10.0, 5.0, 6.0, 5.0],
            "part": ["done", "to come", "whole", "to come"],
        }
    )
    slipped = montecarlo.slip_windows(windows, pd.Series({"a": 3}), 100)
    assert slipped["start"].tolist() == [90, 100, 108, 100]
    assert slipped["end"].tolist() == [99, 107, 113, 104]
    assert slipped["vehicle_equivalents"].tolist() == windows["vehicle_equivalents"].tolist()
