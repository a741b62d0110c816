"""The national series scored: the back-cast against every published point.

Each published average age and fleet size (``national_series``) beside the turnover
engine's figure for the same year, on the whole dataset as known on the truth date (the
back-cast is about history, so it may use everything known since). The scorecard counts
the points within the tolerances of ``docs/validation.md`` (1.0 year, 5% of the fleet).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.fleets.validation import (
    AGE_TOLERANCE_YEARS,
    FIRST_YEAR,
    FLEET_TOLERANCE_SHARE,
    comparison,
)


def national_points(dataset: Dataset, a: Assumptions, truth: dt.date) -> pd.DataFrame:
    """Every published point with the model's figure, the error and whether it is within."""
    frame = comparison(dataset, a, truth)
    if frame.empty:
        return frame
    age = frame["measure"] == "average_age_years"
    tolerance = np.where(age, AGE_TOLERANCE_YEARS, FLEET_TOLERANCE_SHARE * frame["published"])
    frame = frame.assign(
        judged=frame["year"] >= FIRST_YEAR,
        within=frame["difference"].abs() <= tolerance,
    )
    return frame.drop(columns=["explain"])


def national_summary(points: pd.DataFrame) -> pd.DataFrame:
    """Per measure: points judged, the share within tolerance and the largest miss."""
    rows = []
    judged = points[points["judged"]] if len(points) else points
    for measure, group in judged.groupby("measure", sort=True):
        rows.append(
            {
                "measure": measure,
                "points": len(group),
                "share_within": float(group["within"].mean()),
                "median_abs_difference": float(group["difference"].abs().median()),
                "max_abs_difference": float(group["difference"].abs().max()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "measure",
            "points",
            "share_within",
            "median_abs_difference",
            "max_abs_difference",
        ],
    )
