"""The plant scorecard: errors summarised by kind and by plant, and the worst cases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from railgap.scorecard.periods import COUNT_KINDS, WITHIN_MONTHS, WITHIN_RATIO

SUMMARY_COLUMNS = [
    "group",
    "name",
    "events",
    "scored",
    "measure",
    "median_abs_error",
    "p90_abs_error",
    "median_ratio",
    "share_within",
]


def _row(group: str, name: str, frame: pd.DataFrame) -> dict[str, object]:
    scored = frame[frame["scored"].astype(bool)]
    counts = frame["kind"].isin(COUNT_KINDS).all() if len(frame) else False
    row: dict[str, object] = {
        "group": group,
        "name": name,
        "events": int(frame["event_id"].nunique()),
        "scored": len(scored),
        "measure": "ratio" if counts else "months",
        "median_abs_error": np.nan,
        "p90_abs_error": np.nan,
        "median_ratio": np.nan,
        "share_within": np.nan,
    }
    timing = scored[~scored["kind"].isin(COUNT_KINDS)]["error_months"].abs()
    ratios = scored[scored["kind"].isin(COUNT_KINDS)]["ratio"]
    if len(timing):
        row["median_abs_error"] = float(timing.median())
        row["p90_abs_error"] = float(timing.quantile(0.9))
    if len(ratios):
        row["median_ratio"] = float(ratios.median())
    within = pd.concat(
        [
            timing <= WITHIN_MONTHS,
            (ratios >= 1 / WITHIN_RATIO) & (ratios <= WITHIN_RATIO),
        ]
    )
    if len(within):
        row["share_within"] = float(within.mean())
    if not counts and len(ratios):
        row["measure"] = "mixed"
    return row


def summarise(scored: pd.DataFrame, lead: int = 0) -> pd.DataFrame:
    """Median and P90 absolute error and the share within 3 months (or 0.8-1.25x).

    Rows: all events, all events that are not engine input, each kind, jobs at risk by what
    they count (workforce or cut), each plant and each lead (for timing and gap events).
    Timing errors are months; counts are model / stated.
    """
    at = scored[scored["lead_months"] == lead]
    rows = [
        _row("all", "all events", at),
        _row("all", "not engine input", at[~at["engine_input"]]),
    ]
    rows += [_row("kind", str(k), f) for k, f in at.groupby("kind", sort=True)]
    jobs = at[at["kind"] == "jobs_at_risk"]
    rows += [_row("jobs at risk", str(b), f) for b, f in jobs.groupby("jobs_basis", sort=True)]
    rows += [_row("plant", str(p), f) for p, f in at.groupby("plant_id", sort=True)]
    timing = scored[~scored["kind"].isin(COUNT_KINDS)]
    rows += [_row("lead", f"{m} months before", f) for m, f in timing.groupby("lead_months")]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def headline(scored: pd.DataFrame) -> dict[str, float]:
    """The figures the scorecard leads with: run-out timing, at the event's date."""
    at = scored[(scored["lead_months"] == 0) & scored["scored"]]
    runout = at[at["kind"] == "runout_statement"]["error_months"].abs()
    timing = at[~at["kind"].isin(COUNT_KINDS)]["error_months"].abs()
    return {
        "runout_events_scored": float(len(runout)),
        "runout_median_abs_error_months": float(runout.median()) if len(runout) else np.nan,
        "runout_p90_abs_error_months": float(runout.quantile(0.9)) if len(runout) else np.nan,
        "timing_events_scored": float(len(timing)),
        "timing_median_abs_error_months": float(timing.median()) if len(timing) else np.nan,
        "timing_p90_abs_error_months": float(timing.quantile(0.9)) if len(timing) else np.nan,
        "timing_share_within_3_months": float((timing <= WITHIN_MONTHS).mean())
        if len(timing)
        else np.nan,
    }


#: A timing answer further off than this needs an account of why no public source could
#: have told better (issue 18's bar).
MISS_MONTHS = 6


def misses(scored: pd.DataFrame, months: float = MISS_MONTHS) -> pd.DataFrame:
    """Every timing answer at the event's date off by more than ``months``, worst first."""
    ranked = worst(scored, n=len(scored))
    return ranked[ranked["error_months"].abs() > months].reset_index(drop=True)


def worst(scored: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` largest timing errors at the event's date, each with the model's why."""
    at = scored[(scored["lead_months"] == 0) & scored["scored"]]
    timing = at[~at["kind"].isin(COUNT_KINDS)].copy()
    timing["abs_error"] = timing["error_months"].abs()
    return (
        timing.sort_values(["abs_error", "event_id"], ascending=[False, True])
        .head(n)
        .drop(columns="abs_error")
        .reset_index(drop=True)
    )
