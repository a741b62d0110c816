"""The national series scored: the back-cast against every published point.

Each published average age and fleet size (``national_series``) beside the turnover
engine's figure for the same year, and each published flow (new vehicles entering service
per year, ordered per period) beside the model's, on the whole dataset as known on the
truth date (the back-cast is about history, so it may use everything known since). The
scorecard counts the points within the tolerances of ``docs/validation.md`` (1.0 year, 5%
of the fleet, 20% of a year's deliveries, 10% of a period's orders).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.fleets.validation import FIRST_YEAR, MEASURES, comparison, tolerance


def national_points(dataset: Dataset, a: Assumptions, truth: dt.date) -> pd.DataFrame:
    """Every published point with the model's figure, the error and whether it is within."""
    frame = comparison(dataset, a, truth)
    if frame.empty:
        return frame
    limit = [tolerance(m, v) for m, v in zip(frame["measure"], frame["published"], strict=True)]
    # Stock counts before FIRST_YEAR miss the fleets withdrawn before it; flows do not.
    stock = frame["measure"].isin(list(MEASURES))
    frame = frame.assign(
        judged=~stock | (frame["year"] >= FIRST_YEAR),
        within=frame["difference"].abs().to_numpy() <= np.array(limit),
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
