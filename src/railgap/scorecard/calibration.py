"""Calibration of the Monte Carlo: its chances of a gap, against what then happened.

At each quarter from ``FIRST_YEAR`` to two years before the truth date, for every GB plant
open then and working (not already in a gap), the Monte Carlo on the dataset as known that
day gives the chance that the plant enters a gap within 12 and within 24 months. What
happened is read from the loading engine on the whole dataset as known on the truth date
(the latest day any row became public): a month is in a gap when the plant is open and
below its minimum viable rate, the definition the Monte Carlo draws. The score is Brier's
(mean squared difference of chance and outcome), beside the Brier score of the base rate
(every case given the share of cases that had a gap), and a reliability table.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import numpy as np
import pandas as pd

from railgap.dataset import Dataset, as_of
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month
from railgap.montecarlo import prepare, simulate
from railgap.montecarlo.distributions import draw, uncertainty
from railgap.plants.loading import LOADING_TABLES, closed_months, opened_months, run_loading

#: First year of the calibration dates (the dataset's plants and orders thin out before).
FIRST_YEAR = 2012
#: The horizons scored, in months.
HORIZONS = (12, 24)
#: Draws per date: 500 keeps each chance within about +-0.045 (two standard errors at
#: p = 0.5) while the ~50 dates x 2 horizons run in well under a minute on two cores.
DRAWS = 500
#: Predicted-chance bins of the reliability table.
BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
TABLES = (*LOADING_TABLES, "tenders", "fleets")

CASE_DTYPES = {
    "answered_on": "str",
    "plant_id": "str",
    "horizon_months": "int64",
    "p_gap": "float64",
    "gap_happened": "bool",
}
CASE_COLUMNS = list(CASE_DTYPES)
BRIER_DTYPES = {
    "horizon_months": "int64",
    "cases": "int64",
    "plants": "int64",
    "base_rate": "float64",
    "brier": "float64",
    "brier_base_rate": "float64",
    "skill": "float64",
}
RELIABILITY_DTYPES = {
    "horizon_months": "int64",
    "bin": "str",
    "cases": "int64",
    "mean_predicted": "float64",
    "observed": "float64",
}


def cases_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Calibration cases with their dtypes, whether there are any or not."""
    return pd.DataFrame(rows, columns=CASE_COLUMNS).astype(CASE_DTYPES)


def quarter_dates(first_year: int, last: dt.date) -> list[dt.date]:
    """The first day of every quarter from ``first_year`` to ``last``."""
    dates = []
    year, month = first_year, 1
    while dt.date(year, month, 1) <= last:
        dates.append(dt.date(year, month, 1))
        month += 3
        if month > 12:
            year, month = year + 1, 1
    return dates


def realised_gaps(dataset: Dataset, a: Assumptions, truth: dt.date) -> pd.DataFrame:
    """Per GB plant and month: open, and in a gap, as the whole dataset tells it on ``truth``."""
    resolved = as_of(dataset, truth, LOADING_TABLES)
    loading = run_loading(resolved, a)
    plants = resolved["plants"].reset_index(drop=True)
    opened = pd.Series(opened_months(plants, a), index=plants["plant_id"])
    closed = pd.Series(closed_months(plants, a), index=plants["plant_id"])
    months = loading.plant_months
    gb = set(plants.loc[plants["country"] == "GB", "plant_id"])
    months = months[months["plant_id"].isin(gb)].copy()
    m = months["month"].to_numpy(dtype="float64")
    first = opened.reindex(months["plant_id"]).to_numpy()
    last = closed.reindex(months["plant_id"]).to_numpy()
    # A plant no source dates the opening of is open from its first scheduled work (a plant
    # that never built anything, such as a factory planned and abandoned, is never open).
    working = months[months["vehicle_equivalents"] > 0].groupby("plant_id")["month"].min()
    first = np.where(np.isnan(first), working.reindex(months["plant_id"]).to_numpy(), first)
    months["open"] = ~np.isnan(first) & (m >= first) & (m < last)
    months["in_gap"] = months["open"] & months["below_viable"].to_numpy(dtype=bool)
    return months[["plant_id", "month", "open", "in_gap"]].reset_index(drop=True)


def cases(
    dataset: Dataset,
    a: Assumptions,
    truth: dt.date,
    draws: int = DRAWS,
    seed: int = 2024,
    first_year: int = FIRST_YEAR,
) -> pd.DataFrame:
    """One row per date, GB plant and horizon: the simulated chance and what happened."""
    frame = realised_gaps(dataset, a, truth)
    real: dict[tuple[str, int], tuple[bool, bool]] = {
        (str(p), int(m)): (bool(o), bool(g))
        for p, m, o, g in zip(
            frame["plant_id"], frame["month"], frame["open"], frame["in_gap"], strict=True
        )
    }
    last = dt.date(truth.year - 2, truth.month, 1)
    rows = []
    for date in quarter_dates(first_year, last):
        d = date_month(date)
        resolved = as_of(dataset, date, TABLES)
        planned = run_loading(resolved, a)
        base = prepare(resolved, a, planned)
        u = uncertainty(dataset, resolved, a, base.profile, base.windows)
        drawn = draw(u, draws, seed)
        ids = [str(p) for p in base.plant_ids]
        for horizon in HORIZONS:
            sim = simulate(base, u, drawn, months=horizon)
            for i, plant_id in enumerate(ids):
                is_open, in_gap = real.get((plant_id, d), (False, False))
                if not is_open or in_gap:
                    continue
                ahead = (real.get((plant_id, d + k), (False, False)) for k in range(1, horizon))
                happened = any(gap for _, gap in ahead)
                rows.append(
                    {
                        "answered_on": date.isoformat(),
                        "plant_id": plant_id,
                        "horizon_months": horizon,
                        "p_gap": float(sim.ever_in_gap[:, i].mean()),
                        "gap_happened": happened,
                    }
                )
    return cases_frame(rows)


def brier(frame: pd.DataFrame) -> pd.DataFrame:
    """Per horizon: cases, base rate, Brier score of the model and of the base rate."""
    rows = []
    for horizon, group in frame.groupby("horizon_months", sort=True):
        outcome = group["gap_happened"].to_numpy(dtype="float64")
        chance = group["p_gap"].to_numpy(dtype="float64")
        rate = float(outcome.mean()) if len(outcome) else np.nan
        model = float(np.mean((chance - outcome) ** 2)) if len(outcome) else np.nan
        reference = float(np.mean((rate - outcome) ** 2)) if len(outcome) else np.nan
        rows.append(
            {
                "horizon_months": int(str(horizon)),
                "cases": len(group),
                "plants": group["plant_id"].nunique(),
                "base_rate": rate,
                "brier": model,
                "brier_base_rate": reference,
                "skill": 1 - model / reference if reference else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(BRIER_DTYPES)).astype(BRIER_DTYPES)


def reliability(frame: pd.DataFrame) -> pd.DataFrame:
    """Predicted-chance bins against the observed frequency of a gap, per horizon."""
    labels = [f"{lo:.1f}-{hi:.1f}" for lo, hi in pairwise(BINS)]
    binned = frame.assign(
        bin=pd.cut(frame["p_gap"], bins=list(BINS), labels=labels, include_lowest=True)
    )
    rows = []
    for (horizon, label), group in binned.groupby(["horizon_months", "bin"], observed=False):
        rows.append(
            {
                "horizon_months": int(str(horizon)),
                "bin": str(label),
                "cases": len(group),
                "mean_predicted": float(group["p_gap"].mean()) if len(group) else np.nan,
                "observed": float(group["gap_happened"].mean()) if len(group) else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(RELIABILITY_DTYPES)).astype(RELIABILITY_DTYPES)
