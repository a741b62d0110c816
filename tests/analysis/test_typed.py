"""The notebook API's answers are typed: months as periods, text as str, dtypes date-free."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import railgap
from railgap import analysis
from railgap.analysis.typed import is_month_column, months, typed, typed_frame

PERIOD = pd.PeriodDtype("M")


def month_columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if is_month_column(c)]


def assert_typed(frame: pd.DataFrame) -> None:
    """Month columns are periods; no object column holds None or plain text."""
    for name in month_columns(frame):
        assert frame[name].dtype == PERIOD, name
    for name, dtype in frame.dtypes.items():
        if dtype is np.dtype(object):
            values = [v for v in frame[name] if not (isinstance(v, float) and np.isnan(v))]
            assert all(isinstance(v, list | dict) for v in values), (name, values[:3])


def test_month_columns_are_named_by_rule() -> None:
    assert is_month_column("run_out")
    assert is_month_column("run_out_p50")
    assert is_month_column("next_work_baseline")
    assert not is_month_column("run_out_change_months")
    assert not is_month_column("gap_months")
    assert not is_month_column("known_from")


def test_labels_and_indices_become_the_same_periods() -> None:
    labels = months(pd.Series(["1996-11", None, "2024-07"]))
    assert labels[0] == pd.Period("1996-11", "M")
    assert labels[2] == pd.Period("2024-07", "M")
    assert labels[1] is pd.NaT
    assert months(pd.Series([23962, 24294]))[0] == pd.Period("1996-11", "M")
    assert months(pd.Series([24294]))[0] == pd.Period("2024-07", "M")


def test_a_value_that_is_not_a_month_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'run_out' holds '2024'"):
        typed_frame(pd.DataFrame({"run_out": ["2024-07", "2024"]}))


def test_none_text_becomes_str_with_nan_and_attrs_survive() -> None:
    frame = pd.DataFrame({"reason": [None, None], "note": ["a", None], "n": [1, None]})
    frame["n"] = frame["n"].astype(object)
    frame.attrs["as_of"] = "2024-01-15"
    out = typed_frame(frame)
    assert str(out["reason"].dtype) == "str"
    assert out["reason"].isna().all()
    assert str(out["note"].dtype) == "str"
    assert out["n"].dtype == "float64"
    assert out.attrs["as_of"] == "2024-01-15"
    assert frame["reason"].dtype == object  # the input is not changed


def test_the_outlook_and_plant_report_are_typed() -> None:
    outlook = railgap.outlook("2024-01-15")
    assert_typed(outlook)
    assert {"run_out", "next_work", "jobs_at_risk_peak_month"} <= set(month_columns(outlook))
    row = outlook.set_index("plant_id").loc["hitachi_newton_aycliffe"]
    assert row["run_out"] == pd.Period("2024-07", "M")
    # the faces' layer is unchanged: labels, ready to print
    assert (
        analysis.outlook("2024-01-15")
        .set_index("plant_id")
        .loc["hitachi_newton_aycliffe", "run_out"]
        == "2024-07"
    )
    report = railgap.plant("hitachi_newton_aycliffe", "2024-01-15")
    for frame in (report.months, report.orders, report.sources):
        assert_typed(frame)
    assert report.months["month"].dtype == PERIOD
    assert report.summary["run_out"] == pd.Period("2024-07", "M")
    assert report.summary["next_work"] is pd.NaT


def test_the_same_dtypes_whatever_the_date() -> None:
    dtypes = railgap.outlook("2024-01-15").dtypes
    for date in ("1998-06-01", "2005-01-01", "2030-01-01"):
        pd.testing.assert_series_equal(railgap.outlook(date).dtypes, dtypes)


@settings(max_examples=6, deadline=None)
@given(st.dates(min_value=dt.date(1998, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_the_plant_months_are_periods_on_any_date(date: object) -> None:
    report = railgap.plant("alstom_derby", str(date))
    assert report.months["month"].dtype == PERIOD
    assert report.orders["build_start"].dtype == PERIOD
    assert_typed(report.orders)


def test_answer_dataclasses_are_typed_throughout() -> None:
    simulation = railgap.run_simulation(as_of="2024-01-15", draws=50)
    assert isinstance(simulation.gap_probability.index, pd.PeriodIndex)
    assert simulation.summary["run_out_p50"].dtype == PERIOD
    changes = railgap.changes("2024-01-01", "2024-06-30")
    assert changes.plants["run_out_baseline"].dtype == PERIOD
    assert_typed(changes.rows)
    scorecard = railgap.backtest(calibrate=False)
    assert scorecard.events["period_from"].dtype == PERIOD
    for field in dataclasses.fields(scorecard):
        value = getattr(scorecard, field.name)
        if isinstance(value, pd.DataFrame):
            assert_typed(value)
    # no calibration run: the empty tables keep their dtypes
    assert scorecard.calibration_cases["p_gap"].dtype == "float64"
    assert scorecard.calibration["brier"].dtype == "float64"


def test_typed_leaves_other_values_alone() -> None:
    assert typed(3) == 3
    assert typed("2024-07") == "2024-07"
