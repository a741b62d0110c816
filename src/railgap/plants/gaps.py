"""Every gap in a plant's work: each stretch of months below its viable rate in the horizon.

A pure function over one plant's block of :func:`railgap.plants.loading.plant_months`:
the outlook's first gap (run-out to next work) is one of these, and a plant can have
several (a bridging order between two gaps), or one with no end in sight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from railgap.dataset.dates import month_label


@dataclass(frozen=True)
class PlantMonths:
    """One plant's months as the gap finder reads them (all arrays of one length)."""

    months: np.ndarray
    #: At or above the viable rate with some load.
    working: np.ndarray
    #: Jobs at risk each month (NaN where not counted: a plant outside GB, no headcount).
    jobs: np.ndarray


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each maximal run of True in ``mask``."""
    if not mask.size:
        return []
    edges = np.diff(np.concatenate(([0], mask.astype("int8"), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _peak(jobs: np.ndarray, months: np.ndarray) -> tuple[float | None, str | None, float | None]:
    """Peak jobs at risk, the first month it is reached, and the job-months summed."""
    if not jobs.size or np.all(np.isnan(jobs)):
        return None, None, None
    at = int(np.nanargmax(jobs))
    return float(jobs[at]), month_label(int(months[at])), float(np.nansum(jobs))


def gap_stretches(
    block: PlantMonths,
    as_of_month: int,
    horizon: int,
    idle_jobs: float,
    opened: float = np.nan,
    closed: float = np.inf,
) -> list[dict[str, Any]]:
    """Every stretch below the viable rate that reaches into ``[as_of, as_of + horizon)``.

    Months past the end of the plant's schedule carry no load: not working, with
    ``idle_jobs`` at risk (the headcount then; NaN where jobs are not counted). A stretch
    that began before the as-of month starts where it began (the month after the run-out);
    one before any work at the plant is a gap only where a source dates the plant's opening
    (``opened``, a month index; NaN when none does), from the as-of month or the opening;
    none starts before the plant opened. A stretch with no viable work after it inside the
    horizon is open: ``end`` is None and ``months`` counts to the horizon's end. A closed
    plant has no gaps from its closure (``closed``, a month index; infinity while open).
    Jobs figures are from the as-of month on.
    """
    stop = as_of_month + horizon  # first month past the horizon
    if closed < stop:
        stop = int(np.floor(closed))
    if horizon <= 0 or stop <= as_of_month:
        return []
    first = int(min(block.months.min(), as_of_month)) if block.months.size else as_of_month
    timeline = np.arange(first, stop)
    working = np.zeros(timeline.size, dtype=bool)
    jobs = np.full(timeline.size, float(idle_jobs))
    if block.months.size:
        inside = (block.months >= first) & (block.months < stop)
        at = (block.months[inside] - first).astype("int64")
        working[at] = block.working[inside]
        jobs[at] = block.jobs[inside]
        jobs[timeline < block.months.min()] = np.nan
    gaps: list[dict[str, Any]] = []
    for lo, hi in _runs(~working):
        start, end = int(timeline[lo]), int(timeline[hi])
        if end < as_of_month:
            continue
        if not working[:lo].any():
            # Before any work at the plant: a gap only if it is known to be open by then;
            # else the plant's first work is still to come (a new plant is not idle).
            if opened != opened:  # NaN: no source dates the opening
                continue
            start = max(start, as_of_month)
        if opened == opened:  # not NaN
            start = max(start, int(np.ceil(opened)))
        if start > end:
            continue
        ends_inside = hi < timeline.size - 1  # viable work follows within the horizon
        span = (timeline >= max(start, as_of_month)) & (timeline <= end)
        peak, peak_month, job_months = _peak(jobs[span], timeline[span])
        gaps.append(
            {
                "start": month_label(start),
                "end": month_label(end) if ends_inside else None,
                "months": end - start + 1,
                "open": not ends_inside,
                "jobs_at_risk_peak": peak,
                "jobs_at_risk_peak_month": peak_month,
                "jobs_at_risk_months": job_months,
            }
        )
    return gaps


def gap_before(gaps: list[dict[str, Any]], next_work: int | None) -> int | None:
    """The outlook's ``gap_months``: months of the gap that ends just before ``next_work``.

    0 when no gap ends there (work runs on, or the plant had not opened); None with no next
    work.
    """
    if next_work is None:
        return None
    label = month_label(next_work - 1)
    return next((int(g["months"]) for g in gaps if g["end"] == label), 0)
