"""The whole backtest on a dataset: plant events, national series, Monte Carlo calibration."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import known_by
from railgap.dataset.errors import UnknownPlantError
from railgap.scorecard import calibration, events, national, summary


@dataclass(frozen=True)
class Backtest:
    """The scorecard's tables (see :func:`run_backtest`)."""

    truth_date: dt.date
    events: pd.DataFrame
    summary: pd.DataFrame
    headline: dict[str, float]
    worst: pd.DataFrame
    national: pd.DataFrame
    national_summary: pd.DataFrame
    calibration_cases: pd.DataFrame
    calibration: pd.DataFrame
    reliability: pd.DataFrame
    draws: int


def truth_date(dataset: Dataset) -> dt.date:
    """The latest day any row of the dataset became public: what "known today" means."""
    days = [known_by(str(v)) for frame in dataset.tables.values() for v in frame["known_from"]]
    return max(days)


def run_backtest(
    dataset: Dataset,
    a: Assumptions,
    plant_id: str | None = None,
    draws: int = calibration.DRAWS,
    seed: int = 2024,
    calibrate: bool = True,
) -> Backtest:
    """Score every plant event, the national series and (unless not asked) the Monte Carlo.

    ``plant_id`` keeps one plant's events and calibration cases (an unknown plant is an
    error naming it). The truth date is :func:`truth_date`; the answers on each event's
    date read only the rows public by then.
    """
    all_events = dataset["plant_events"]
    if plant_id is not None and plant_id not in set(dataset["plants"]["plant_id"]):
        known = ", ".join(sorted(dataset["plants"]["plant_id"].unique()))
        raise UnknownPlantError(f"no plant '{plant_id}' in the dataset (plants: {known})")
    chosen = all_events if plant_id is None else all_events[all_events["plant_id"] == plant_id]
    truth = truth_date(dataset)
    scored = events.score_events(dataset, a, chosen)
    points = national.national_points(dataset, a, truth)
    if calibrate:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cases = calibration.cases(dataset, a, truth, draws=draws, seed=seed)
        if plant_id is not None:
            cases = cases[cases["plant_id"] == plant_id].reset_index(drop=True)
    else:
        cases = calibration.cases_frame([])
    return Backtest(
        truth_date=truth,
        events=scored,
        summary=summary.summarise(scored),
        headline=summary.headline(scored),
        worst=summary.worst(scored),
        national=points,
        national_summary=national.national_summary(points),
        calibration_cases=cases,
        calibration=calibration.brier(cases),
        reliability=calibration.reliability(cases),
        draws=draws,
    )
