"""Each draw's outlook from its load: run-out, next work, gap, jobs-at-risk-months, gap months."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from railgap.montecarlo.base import EMPTY, TOL, Base
from railgap.plants.loading import (
    headcount,
)
from railgap.plants.runs import sliding_min, sustained


@dataclass(frozen=True)
class DrawOutlooks:
    """Per draw (or one row for all) and plant: the outlook's answers, and months in a gap."""

    run_out: np.ndarray
    next_work: np.ndarray
    gap_months: np.ndarray
    jobs_at_risk_months: np.ndarray
    in_gap: np.ndarray


def schedule_end(base: Base, load_all: np.ndarray) -> np.ndarray:
    """Per draw, the schedule's last month: the last with load at any plant, known or not."""
    d = base.as_of_month
    busy = load_all.sum(axis=1) > EMPTY
    t = busy.shape[1]
    return np.where(busy.any(axis=1), d + t - 1 - np.argmax(busy[:, ::-1], axis=1), base.past_last)


def measure(base: Base, load: np.ndarray, last: np.ndarray, months_out: int) -> DrawOutlooks:
    """Outlooks from future load (draws or one shared row, plants, months), as outlook_from.

    ``last`` is each draw's schedule end (:func:`schedule_end`); jobs-at-risk-months come
    out per draw even when ``load`` is one row shared by all draws.
    """
    a = base.a
    d = base.as_of_month
    m, p, t = load.shape
    share = a.number("min_viable_share")
    past = base.past_load[:-1]
    past_peak = past.max(axis=1) if past.shape[1] else np.zeros(p)
    stated = base.capacity > 0
    peak = np.maximum(past_peak[None, :], load.max(axis=2))
    cap = np.where(stated[None, :], base.capacity[None, :], np.where(peak > 0, peak, np.nan))
    # As loading.viable_rate: share x capacity at GB plants; any GB work at overseas ones.
    viable = np.where(np.isnan(cap) | ~base.gb[None, :], 0.0, share * cap)
    # Working: at or above the viable rate (less the tolerance) with some load, in one test,
    # for at least ``min_work_run_months`` in a row (as loading.below_viable), judged with
    # the months before the as-of date in view.
    threshold = np.maximum(viable - TOL, np.nextafter(EMPTY, 1.0))
    run = int(a.number("min_work_run_months"))
    raw = load >= threshold[:, :, None]
    context = min(max(run - 1, 0), past.shape[1])
    if context:
        before = past[None, :, past.shape[1] - context :] >= threshold[:, :, None]
        working = sustained(np.concatenate([before, raw], axis=2), run)[:, :, context:]
    else:
        working = sustained(raw, run)
    unsustained = raw & ~working
    # Run-out and next work, as loading._run_out (the last month is always empty).
    w0 = working[:, :, 0]
    first_break = np.argmin(working, axis=2)
    upcoming = working & (np.arange(t)[None, None, :] >= np.where(w0, first_break, 0)[:, :, None])
    first_next = np.argmax(upcoming, axis=2)
    has_next = np.take_along_axis(upcoming, first_next[:, :, None], axis=2)[:, :, 0]
    next_work = np.where(has_next, d + first_next, np.nan)
    # Already below the viable rate: the last viable month before the as-of month.
    last_before = np.full((m, p), np.nan)
    # A month was worked if it lay in a sustained run: the last month of the last window of
    # ``run`` past months all at the rate (the run that reaches the as-of month is short,
    # or the plant would be working now).
    floor = sliding_min(past, run)
    if floor.shape[1]:
        suffix_max = np.maximum.accumulate(floor[:, ::-1], axis=1)[:, ::-1]
        last_of_window = base.past_first + max(run, 1) - 1
        for i in range(p):
            count = np.searchsorted(-suffix_max[i], -threshold[:, i], side="right")
            last_before[:, i] = np.where(count > 0, last_of_window + count - 1, np.nan)
    run_out = np.where(w0, d + first_break - 1, last_before)
    # No work yet: idle until the next work only if the plant is known to be open (as
    # loading.outlook_from and plants.gaps).
    opened_at = np.where(np.isnan(base.opened), np.nan, np.maximum(d, np.ceil(base.opened)))
    before_first = np.where(
        np.isnan(opened_at)[None, :], 0.0, np.maximum(next_work - opened_at[None, :], 0.0)
    )
    gap = np.where(
        ~np.isnan(run_out) & has_next,
        next_work - run_out - 1,
        np.where(np.isnan(run_out) & has_next, before_first, np.nan),
    )
    jobs = jobs_at_risk_months(base, load, viable, cap, last, unsustained)
    # In a gap: open (from its stated opening, else its first work) and not working.
    month = d + np.arange(months_out)
    worked_before = past.shape[1] and past.any(axis=1)
    first_past = np.where(
        worked_before, base.past_first + np.argmax(past > 0, axis=1), np.nan
    ) if past.shape[1] else np.full(p, np.nan)
    # A plant with neither a stated opening nor past work opens with its first work.
    first_future = np.full((m, p), np.inf)
    unknown = np.flatnonzero(np.isnan(base.opened) & np.isnan(first_past))
    if unknown.size:
        loaded = load[:, unknown, :] > EMPTY
        first_future[:, unknown] = np.where(
            loaded.any(axis=2), d + np.argmax(loaded, axis=2), np.inf
        )
    opens = np.where(
        ~np.isnan(base.opened)[None, :],
        base.opened[None, :],
        np.where(~np.isnan(first_past)[None, :], first_past[None, :], first_future),
    )
    open_ = (month[None, None, :] >= opens[:, :, None]) & (
        month[None, None, :] < base.closed[None, :, None]
    )
    width = min(months_out, t)
    idle = np.ones((m, p, months_out), dtype=bool)
    idle[:, :, :width] = ~working[:, :, :width]
    return DrawOutlooks(run_out, next_work, gap, jobs, idle & open_)


def jobs_at_risk_months(
    base: Base,
    load: np.ndarray,
    viable: np.ndarray,
    cap: np.ndarray,
    last: np.ndarray,
    unsustained: np.ndarray | None = None,
) -> np.ndarray:
    """Jobs-at-risk-months over the horizon, per draw, as loading.outlook_from sums them.

    GB plants only (NaN elsewhere). ``load`` may be one row shared by all draws;
    ``unsustained`` marks months at the viable rate in too short a run, counted below it.
    """
    a = base.a
    d = base.as_of_month
    m, p, t = load.shape
    n = last.size
    horizon = int(a.number("outlook_horizon_months"))
    out = np.full((n, p), np.nan)
    gb = np.flatnonzero(base.gb)
    if not gb.size:
        return out
    h = min(horizon, t)
    month = d + np.arange(h)
    ids = base.plant_ids[gb]
    closed = base.closed[gb]
    opened = base.opened[gb]

    def staff(months: np.ndarray) -> np.ndarray:
        """Headcount of each GB plant (rows) in each month (columns), nil unless open."""
        return headcount(base.staff, ids, months, closed, opened)

    emp = staff(month)
    with np.errstate(invalid="ignore", divide="ignore"):
        util = load[:, gb, :h] / cap[:, gb, None]
        labour = emp[None, :, :] * np.minimum(util, 1.0)
    below = load[:, gb, :h] < viable[:, gb, None] - TOL
    if unsustained is not None:
        below |= unsustained[:, gb, :h]
    risk = np.where(below, np.maximum(emp[None, :, :] - labour, 0.0), 0.0)
    risk[np.isnan(risk)] = 0.0
    cumulative = np.cumsum(risk, axis=2)
    counted = np.clip(np.minimum(last + 1, d + horizon) - d, 0, h)
    rows = np.arange(n) if m == n else np.zeros(n, dtype="int64")
    summed = np.where(
        counted[:, None] > 0,
        cumulative[rows[:, None], np.arange(gb.size)[None, :], np.maximum(counted - 1, 0)[:, None]],
        0.0,
    )
    # Past the end of all known work, the headcount of the schedule's last month is at risk.
    ends, where = np.unique(last, return_inverse=True)
    staff_last = staff(ends.astype("float64"))[:, where.ravel()].T
    staff_last = np.where(np.isnan(staff_last), base.employees_now[gb][None, :], staff_last)
    out[:, gb] = summed + staff_last * (horizon - counted)[:, None]
    return out
