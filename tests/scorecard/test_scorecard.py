"""The backtest: period errors, event scoring, calibration, the CLI and the guard."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys

import pandas as pd
import pytest

import railgap
from railgap.dataset import load_dataset
from railgap.dataset.errors import UnknownPlantError
from railgap.scorecard.calibration import brier, quarter_dates, reliability
from railgap.scorecard.periods import months_before, period_bounds, period_error


def test_an_answer_inside_the_period_is_an_error_of_zero():
    assert period_error(10.0, 9, 11) == 0.0
    assert period_error(7.0, 9, 11) == -2.0
    assert period_error(14.0, 9, 11) == 3.0
    assert math.isnan(period_error(float("nan"), 9, 11))


def test_a_year_alone_spans_the_year_and_months_before_keep_a_real_day():
    lo, hi = period_bounds(pd.DataFrame({"period_from": ["2020"], "period_to": ["2020"]}))
    assert (hi[0] - lo[0]) == 11
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 28)
    assert months_before(dt.date(2024, 1, 15), 24) == dt.date(2022, 1, 15)


def test_quarters_run_to_the_last_date():
    dates = quarter_dates(2012, dt.date(2012, 10, 1))
    assert dates == [dt.date(2012, m, 1) for m in (1, 4, 7, 10)]


def test_brier_of_a_perfect_forecast_is_zero_and_beats_the_base_rate():
    cases = pd.DataFrame(
        {
            "answered_on": ["2012-01-01"] * 4,
            "plant_id": ["a", "b", "c", "d"],
            "horizon_months": [12] * 4,
            "p_gap": [1.0, 0.0, 1.0, 0.0],
            "gap_happened": [True, False, True, False],
        }
    )
    row = brier(cases).iloc[0]
    assert row["brier"] == 0.0
    assert row["brier_base_rate"] == pytest.approx(0.25)
    assert row["skill"] == pytest.approx(1.0)
    table = reliability(cases)
    assert table["cases"].sum() == 4


@pytest.fixture(scope="module")
def scored(documented: railgap.scorecard.Backtest) -> pd.DataFrame:
    """Every event of the embedded dataset scored (as ``score_events`` gives them)."""
    return documented.events


def test_every_event_is_scored_at_its_date_and_forward_statements_at_leads(scored):
    events = load_dataset()["plant_events"]
    assert len(events) >= 60
    at_date = scored[scored["lead_months"] == 0]
    assert set(at_date["event_id"]) == set(events["event_id"])
    forward = scored[scored["kind"] == "runout_statement"]
    assert set(forward["lead_months"]) == {0, 6, 12, 24}
    # Each answer reads only what was public on its date.
    assert (pd.to_datetime(scored["answered_on"]) <= pd.to_datetime(scored["stated"])).all()


def test_forward_statements_are_never_engine_input():
    events = load_dataset()["plant_events"]
    forward = events[events["kind"].isin(["runout_statement", "gap_statement"])]
    assert (forward["engine_input"] == "no").all()


def test_the_seed_case_is_scored_right(scored):
    # Newton Aycliffe, March 2024: work could run out by the end of the year (Northern Echo).
    row = scored[
        (scored["event_id"].str.startswith("hitachi_newton_aycliffe-runout_statement-2024"))
        & (scored["lead_months"] == 0)
    ]
    assert len(row) >= 1
    assert row["error_months"].abs().min() <= 3


#: Guard: today's scorecard (2026-12-07, 84 events; raised after the sustained-work rule,
#: the overdue rule that keeps a planned end still ahead, and work packages and plants dated
#: from the orders' own announcements; raised again after the 1996-2005 orders and the
#: rule that an overseas plant's GB work has no viable rate). A change that makes answers
#: worse fails here; raise these as the plant and national issues improve the score.
GUARD = {
    "runout_median_abs_error_months": 5.0,
    "runout_p90_abs_error_months": 18.6,
    "timing_median_abs_error_months": 4.0,
    "timing_share_within_3_months": 0.48,
}
#: Counts within 25% of the stated figure, per kind (raised 2026-12-07 when plant_staff
#: rows said what they count and Newton Aycliffe's 2015-17 headcounts became input; again
#: when Derby's 2004, 2012 and 2018 headcounts became input; jobs when a cut was scored as
#: a cut, not as the whole workforce; 2026-12-08 when the headcounts of Washwood Heath,
#: Savigliano, Krefeld, Bussnang and Szolnok became plant_staff rows).
COUNT_GUARD = {"headcount": 0.85, "jobs_at_risk": 0.43}
#: The Monte Carlo's Brier skill per horizon (2026-12-08: -1.46 and -1.09 before orders in
#: production could finish late and overdue orders were drawn against orders as late;
#: -0.79 and -0.83 after). Raise as calibration improves; 0 is the base rate's skill.
SKILL_GUARD = {12: -0.85, 24: -0.9}


def test_guard_the_headline_does_not_get_worse(documented):
    result = documented
    h = result.headline
    assert h["runout_median_abs_error_months"] <= GUARD["runout_median_abs_error_months"]
    assert h["runout_p90_abs_error_months"] <= GUARD["runout_p90_abs_error_months"]
    assert h["timing_median_abs_error_months"] <= GUARD["timing_median_abs_error_months"]
    assert h["timing_share_within_3_months"] >= GUARD["timing_share_within_3_months"]
    assert result.events.attrs["dataset_hash"]
    kinds = result.summary[result.summary["group"] == "kind"].set_index("name")
    for kind, share in COUNT_GUARD.items():
        assert kinds.loc[kind, "share_within"] >= share, kind
    skill = result.calibration.set_index("horizon_months")["skill"]
    for horizon, floor in SKILL_GUARD.items():
        assert skill.loc[horizon] >= floor, horizon


def test_an_unknown_plant_is_an_error_naming_it():
    with pytest.raises(UnknownPlantError, match="no_such_plant"):
        railgap.backtest(plant="no_such_plant", calibrate=False)


def test_cli_json_lists_every_event_with_answer_error_and_source():
    out = subprocess.run(
        [sys.executable, "-m", "railgap.cli", "backtest", "--json", "--no-calibration"],
        capture_output=True,
        text=True,
        check=True,
    )
    body = json.loads(out.stdout)
    assert body["dataset_hash"]
    assert body["truth_date"]
    first = body["events"][0]
    assert {"event_id", "model_answer", "error_months", "source", "why"} <= set(first)
    assert body["calibration"] == []  # as asked; the calibrated JSON is the API's (same view)
    bad = subprocess.run(
        [sys.executable, "-m", "railgap.cli", "backtest", "--draws", "0"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert "--draws" in bad.stderr


def test_a_dataset_without_events_scores_nothing_and_does_not_fail(toy):
    result = railgap.backtest(toy, draws=20)
    assert result.events.empty
    assert result.headline["runout_events_scored"] == 0
    assert math.isnan(result.headline["runout_median_abs_error_months"])
    assert set(result.summary["name"]) == {"all events", "not engine input"}


def test_a_cut_is_scored_against_the_staff_the_load_does_not_need(scored):
    from railgap.dataset.dates import date_month
    from railgap.scorecard.answers import answers_on

    dataset, a = railgap.get_dataset(), railgap.get_assumptions()
    at = scored[scored["lead_months"] == 0].set_index("event_id")
    cut = at.loc["alstom_derby-jobs_at_risk-2011-07"]
    assert cut["jobs_basis"] == "cut"
    on = answers_on(dataset, a, dt.date(2011, 7, 5))
    months = on.loading.plant_months
    start = date_month(dt.date(2011, 7, 5))
    derby = months[months["plant_id"] == "alstom_derby"]
    year = derby[derby["month"].between(start, start + 11)]
    surplus = (year["employees"] - year["labour_needed"]).max()
    assert 0 < surplus < year["employees"].max()  # work goes on: not the whole workforce
    assert float(cut["model_answer"]) == pytest.approx(surplus, rel=1e-5)
    whole = at.loc["alstom_derby-jobs_at_risk-2023-09"]
    assert whole["jobs_basis"] == "workforce"
    then = answers_on(dataset, a, dt.date(2023, 9, 11))
    peak = then.outlook.at["alstom_derby", "jobs_at_risk_peak"]
    assert float(whole["model_answer"]) == pytest.approx(peak, rel=1e-5)
    kinds = set(at.loc[at["kind"] == "jobs_at_risk", "jobs_basis"])
    assert kinds == {"cut", "workforce"}
    assert at.loc[at["kind"] != "jobs_at_risk", "jobs_basis"].isna().all()
