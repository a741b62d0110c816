"""What a run says per plant and per month: chances, quantiles, expected jobs at risk."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from railgap.dataset.dates import month_label
from railgap.montecarlo.base import Base, plant_rows
from railgap.montecarlo.run import Simulated


def _labels(values: np.ndarray) -> list[str | None]:
    return [month_label(int(v)) if v == v and np.isfinite(v) else None for v in values]


def _quantiles(values: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Quantiles per column (draws x plants) that are draws themselves; NaN where none defined."""
    out = np.full((len(qs), values.shape[1]), np.nan)
    for i in range(values.shape[1]):
        column = values[:, i]
        column = column[~np.isnan(column)]
        if column.size:
            out[:, i] = np.quantile(column, qs, method="inverted_cdf")
    return out


#: Columns of the simulation summary, one row per plant.
SUMMARY_FIELDS = [
    "plant_id",
    "name",
    "country",
    "draws",
    "p_gap",
    "run_out_as_planned",
    "run_out_p10",
    "run_out_p50",
    "run_out_p90",
    "gap_months_as_planned",
    "gap_months_p10",
    "gap_months_p50",
    "gap_months_p90",
    "p_no_next_work",
    "expected_jobs_at_risk_months",
    "jobs_at_risk_months_p90",
]


def summarise(base: Base, sim: Simulated, as_planned: pd.DataFrame) -> pd.DataFrame:
    """Per plant: chance of a gap, run-out and gap quantiles, expected jobs-at-risk-months.

    ``p_gap`` is the share of draws in which the plant falls below its viable rate in at least
    one month of the simulated months (while open). Gap quantiles count a draw with no next
    work as an endless gap: a quantile that lands there is empty (``p_no_next_work`` says how
    often). ``as_planned`` is the deterministic outlook (no draw: every date as stated, no
    open tender awarded), shown beside. Only GB plants and plants with work in some draw are
    listed.
    """
    n = sim.draws.n
    plants = base.resolved["plants"]
    qs = (0.1, 0.5, 0.9)
    run_q = _quantiles(sim.run_out, qs)
    gaps = np.where(np.isnan(sim.gap_months), np.inf, sim.gap_months)
    has_run = ~np.isnan(sim.run_out) | ~np.isnan(sim.next_work)
    gap_q = _quantiles(np.where(has_run, gaps, np.nan), qs)
    jobs_q = _quantiles(sim.jobs_at_risk_months, (0.9,))[0]
    with warnings.catch_warnings():  # plants abroad have no jobs at risk: NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        jobs_mean = np.nanmean(sim.jobs_at_risk_months, axis=0)
    by_plant = as_planned.set_index("plant_id")
    rows = []
    for i, plant in enumerate(plants.itertuples(index=False)):
        with np.errstate(invalid="ignore"):
            ahead = bool((sim.run_out[:, i] >= base.as_of_month).any())
        known = not np.isnan(base.opened[i]) or bool(base.past_load[i].any())
        if not ((base.gb[i] and known) or ahead or bool((~np.isnan(sim.next_work[:, i])).any())):
            continue
        gap_base = by_plant["gap_months"].get(plant.plant_id)
        run_p10, run_p50, run_p90 = _labels(run_q[:, i])
        rows.append(
            {
                "plant_id": plant.plant_id,
                "name": plant.name,
                "country": plant.country,
                "draws": n,
                "p_gap": float(sim.ever_in_gap[:, i].mean()) if n else np.nan,
                "run_out_as_planned": by_plant["run_out"].get(plant.plant_id),
                "run_out_p10": run_p10,
                "run_out_p50": run_p50,
                "run_out_p90": run_p90,
                "gap_months_as_planned": None if pd.isna(gap_base) else float(gap_base),
                "gap_months_p10": _finite(gap_q[0, i]),
                "gap_months_p50": _finite(gap_q[1, i]),
                "gap_months_p90": _finite(gap_q[2, i]),
                "p_no_next_work": float(np.isnan(sim.next_work[:, i]).mean()) if n else np.nan,
                "expected_jobs_at_risk_months": float(jobs_mean[i]),
                "jobs_at_risk_months_p90": float(jobs_q[i]),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_FIELDS)


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def gap_probability(base: Base, sim: Simulated, plant_ids: list[str]) -> pd.DataFrame:
    """Chance each plant is in a gap (below its viable rate while open), month by month."""
    months = sim.gap_count.shape[1]
    index = [month_label(base.as_of_month + m) for m in range(months)]
    rows = plant_rows(np.array(plant_ids, dtype=object), base.plant_ids)
    values = sim.gap_count[rows].T / max(sim.draws.n, 1)
    frame = pd.DataFrame(values, index=pd.Index(index, name="month"), columns=plant_ids)
    return frame


def run_out_by(base: Base, sim: Simulated, plant_ids: list[str], months: int) -> pd.DataFrame:
    """Chance each plant's work has run out by each month (cumulative, so never decreasing)."""
    d = base.as_of_month
    index = [month_label(d + m) for m in range(months)]
    rows = plant_rows(np.array(plant_ids, dtype=object), base.plant_ids)
    values = np.zeros((months, len(rows)))
    for k, row in enumerate(rows):
        run_out = sim.run_out[:, row]
        run_out = run_out[~np.isnan(run_out)]
        at = np.clip(run_out - d, -1, months).astype("int64") + 1  # 0: before the date
        counts = np.bincount(at, minlength=months + 2)[: months + 1]
        values[:, k] = np.cumsum(counts)[1:] / max(sim.draws.n, 1)
    return pd.DataFrame(values, index=pd.Index(index, name="month"), columns=plant_ids)
