"""The backtest's answer: the scorecard of every as-of answer against what happened."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pandas as pd

from railgap.analysis.context import get_assumptions, get_dataset, stamp_for, stamped
from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import DataError, Problem
from railgap.scorecard import Backtest, run_backtest
from railgap.scorecard.calibration import DRAWS

#: Most draws per calibration date one run may take.
MAX_BACKTEST_DRAWS = 5_000


def backtest(
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    plant: str | None = None,
    draws: int = DRAWS,
    seed: int = 2024,
    calibrate: bool = True,
    db: str | None = None,
) -> Backtest:
    """Score the model's as-of answers against the sourced events and published series.

    Returns a :class:`railgap.scorecard.Backtest` whose tables are stamped DataFrames
    (``attrs``: version, dataset hash, assumptions, and ``as_of`` the truth date).
    ``draws`` per calibration date (1 to 5,000); ``calibrate=False`` skips the Monte Carlo.
    """
    if not 1 <= draws <= MAX_BACKTEST_DRAWS:
        raise DataError(
            [Problem("--draws", None, None, f"must be 1 to {MAX_BACKTEST_DRAWS}, not {draws}")]
        )
    if seed < 0:
        raise DataError([Problem("--seed", None, None, f"must be 0 or more, not {seed}")])
    dataset = get_dataset(data, db)
    a = get_assumptions(assumptions)
    result = run_backtest(dataset, a, plant, draws, seed, calibrate)
    stamp = stamp_for(dataset, result.truth_date, a)
    for f in fields(result):
        frame = getattr(result, f.name)
        if isinstance(frame, pd.DataFrame):
            stamped(frame, stamp).attrs.update({"draws": draws, "seed": seed})
    return result
