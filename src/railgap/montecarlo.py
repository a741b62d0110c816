"""The Monte Carlo: plant outlooks over many drawn futures, vectorised over draws.

Pure functions over the loading engine's tables, the draws (:mod:`railgap.uncertainty`) and
the assumptions; no I/O. The engine is the deterministic one of :mod:`railgap.loading`,
restated over a third axis of draws:

1. **Base** (:func:`prepare`): the schedule's work windows as known on the date, each window
   still running at the as-of month split in two (the part done, the part to come); the past
   is the same in every draw and is loaded, capped and measured once.
2. **Future load** (:func:`_future_load`): per draw, the firm orders' windows to come,
   delayed by the draw's slippage (windows not yet started move; work under way keeps its
   pace), and
   the awarded tenders' windows at the winner's plants, laid out as difference arrays and
   summed with ``np.bincount``; then each plant's stated capacity carries excess forward.
3. **Outlook per draw** (:func:`_measure`): run-out, next work, gap and jobs-at-risk-months
   exactly as :func:`railgap.loading.outlook_from` defines them, and whether each plant is
   in a gap in each month.

:func:`reference_outlooks` is the straightforward alternative: one call of the deterministic
engine per draw. Both must agree on the same draws (a test holds them to it); the benchmark
measures how much faster the vectorised path is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from railgap.assumptions import Assumptions
from railgap.dataset import Dataset, typed_rows
from railgap.dates import date_month, month_label
from railgap.loading import (
    closed_months,
    outlook_from,
    plant_months,
    staff_by_month,
    staff_series,
)
from railgap.scheduling import (
    date_months,
    order_profile,
    package_windows,
    plant_capacity,
    schedule,
)
from railgap.uncertainty import Draws, Uncertainty

#: Threshold below which a month's load counts as none (as in the schedule's trimming).
EMPTY = 1e-12
#: Tolerance of the viable-rate and capacity comparisons (as in the loading engine).
TOL = 1e-9


def split_at(windows: pd.DataFrame, as_of_month: int) -> pd.DataFrame:
    """Split each window running over the as-of month into the part done and the part to come.

    The two parts carry the window's vehicle-equivalents pro rata to their months, so the
    schedule of the split windows is the schedule of the whole ones.
    """
    running = (windows["start"] < as_of_month) & (windows["end"] >= as_of_month)
    if not running.any():
        return windows.assign(part="whole")
    whole = windows[~running].assign(part="whole")
    run = windows[running]
    length = (run["end"] - run["start"] + 1).to_numpy(dtype="float64")
    done = (as_of_month - run["start"]).to_numpy(dtype="float64")
    ve = run["vehicle_equivalents"].to_numpy(dtype="float64")
    past = run.assign(end=as_of_month - 1, vehicle_equivalents=ve * done / length, part="done")
    to_come = run.assign(
        start=as_of_month, vehicle_equivalents=ve * (1 - done / length), part="to come"
    )
    return pd.concat([whole, past, to_come], ignore_index=True)


def slip_windows(windows: pd.DataFrame, slips: pd.Series, as_of_month: int) -> pd.DataFrame:
    """Delay the work not yet started of each order by its slip (months, per order id).

    ``windows`` are split with :func:`split_at`. A window not yet started moves whole; work
    under way keeps its pace (trains already being built that come late are mostly waiting
    for testing and acceptance, not being built more slowly).
    """
    slip = slips.reindex(windows["order_id"]).fillna(0).to_numpy(dtype="int64")
    moves = ((windows["start"] >= as_of_month) & (windows["part"] != "to come")).to_numpy()
    shift = np.where(moves, slip, 0)
    return windows.assign(
        start=windows["start"].to_numpy() + shift, end=windows["end"].to_numpy() + shift
    )


@dataclass(frozen=True)
class Base:
    """What every draw shares: the dataset on the date, its windows, and the fixed past.

    Plant arrays follow ``plant_ids``; ``past_load`` and ``carry_in`` have one more row, for
    packages at plants unknown on the date.
    """

    resolved: Dataset
    a: Assumptions
    as_of_month: int
    profile: pd.DataFrame
    windows: pd.DataFrame
    plant_ids: np.ndarray
    capacity: np.ndarray
    gb: np.ndarray
    opened: np.ndarray
    closed: np.ndarray
    past_first: int
    past_load: np.ndarray
    past_last: int
    carry_in: np.ndarray
    staff: dict[str, tuple[np.ndarray, np.ndarray]]
    employees_now: np.ndarray

    def subset(self, rows: np.ndarray) -> Base:
        """The same base for some plants only (rows of the plant arrays)."""
        with_other = np.append(rows, len(self.plant_ids)).astype("int64")
        return replace(
            self,
            plant_ids=self.plant_ids[rows],
            capacity=self.capacity[rows],
            gb=self.gb[rows],
            opened=self.opened[rows],
            closed=self.closed[rows],
            past_load=self.past_load[with_other],
            carry_in=self.carry_in[with_other],
            employees_now=self.employees_now[rows],
        )


def _carry_forward(load: np.ndarray, capacity: np.ndarray, carry: np.ndarray) -> np.ndarray:
    """Cap plants' load at their capacity, moving excess to the next month; return the carry.

    ``load`` is (..., plants, months), changed in place; ``capacity`` is per plant (NaN or
    zero: no cap); ``carry`` (..., plants) enters the first month.
    """
    capped = np.flatnonzero(capacity > 0)
    if not capped.size:
        return carry
    cap = capacity[capped]
    c = carry[..., capped].copy()
    block = load[..., capped, :]
    over = np.flatnonzero((block > cap[:, None] * (1 + TOL)).reshape(-1, block.shape[-1]).any(0))
    start = 0 if np.any(c > 0) else (int(over[0]) if over.size else block.shape[-1])
    last_over = int(over[-1]) if over.size else -1
    for m in range(start, block.shape[-1]):
        if m > last_over and not np.any(c > 0):
            break  # nothing over capacity from here on, and nothing carried
        total = block[..., m] + c
        full = total > cap * (1 + TOL)
        block[..., m] = np.where(full, cap, total)
        c = np.where(full, total - cap, 0.0)
    load[..., capped, :] = block
    out = carry.copy()
    out[..., capped] = c
    return out


def _plant_rows(ids: np.ndarray, plant_ids: np.ndarray) -> np.ndarray:
    """Row of each plant id in the arrays (the last row, ``len(plant_ids)``, for unknown ones)."""
    position = pd.Series(np.arange(len(plant_ids)), index=plant_ids)
    rows = position.reindex(ids).to_numpy(dtype="float64")
    return np.where(np.isnan(rows), len(plant_ids), rows).astype("int64")


def prepare(resolved: Dataset, a: Assumptions) -> Base:
    """Run the deterministic engine's first steps once and fix the past for every draw."""
    if resolved.as_of is None:
        raise ValueError("prepare needs a dataset resolved with railgap.dataset.as_of")
    d = date_month(resolved.as_of)
    profile = order_profile(resolved["orders"], d, a)
    windows = split_at(package_windows(resolved["work_packages"], profile, a), d)
    plants = resolved["plants"]
    ids = plants["plant_id"].to_numpy()
    capacity = plant_capacity(plants, a).to_numpy(dtype="float64")
    past = windows[windows["end"] < d]
    first = int(windows["start"].min()) if len(windows) else d
    # Row len(ids) gathers packages at plants unknown on the date: they load no plant but
    # count, as in the engine, for where the schedule ends.
    past_load = np.zeros((len(ids) + 1, max(d - first, 0)))
    if len(past):
        rows = _plant_rows(past["plant_id"].to_numpy(), ids)
        start = past["start"].to_numpy() - first
        end = past["end"].to_numpy() - first
        rate = past["vehicle_equivalents"].to_numpy() / (end - start + 1)
        diff = np.zeros((len(ids) + 1, past_load.shape[1] + 1))
        np.add.at(diff, (rows, start), rate)
        np.add.at(diff, (rows, end + 1), -rate)
        past_load = np.cumsum(diff, axis=1)[:, :-1]
    cap_all = np.append(capacity, np.nan)
    carry = _carry_forward(past_load, cap_all, np.zeros(len(ids) + 1))
    used = np.flatnonzero(past_load.sum(axis=0) > EMPTY)
    yom = a.number("year_only_month")
    opened = date_months(plants, "opened", yom)
    staff = staff_series(resolved["plant_staff"], yom)
    closed = closed_months(plants, a)
    now = np.array([staff_by_month(staff, str(p), np.array([d]))[0] for p in ids])
    now = np.where(d >= closed, 0.0, now)
    return Base(
        resolved=resolved,
        a=a,
        as_of_month=d,
        profile=profile,
        windows=windows,
        plant_ids=ids,
        capacity=capacity,
        gb=(plants["country"] == "GB").to_numpy(),
        opened=opened,
        closed=closed,
        past_first=first,
        past_load=past_load,
        past_last=first + int(used[-1]) if used.size else first - 1,
        carry_in=carry,
        staff=staff,
        employees_now=now,
    )


@dataclass(frozen=True)
class Package:
    """A possible winner's template packages: plant rows, stage offsets and shares."""

    rows: np.ndarray
    start_offset: np.ndarray
    end_offset: np.ndarray
    share: np.ndarray
    stage_share: np.ndarray


@dataclass(frozen=True)
class Layout:
    """What every chunk's windows are built from, computed once per run.

    The firm orders' windows to come (plant rows, months, vehicle-equivalents, whether the
    window moves whole when its order slips, and the order's column in the slip draws), and
    per tender and possible winner the template's packages (None: no plant known).
    """

    rows: np.ndarray
    start: np.ndarray
    end: np.ndarray
    ve: np.ndarray
    moves: np.ndarray
    slot: np.ndarray
    packages: list[list[Package | None]]


def layout_of(base: Base, u: Uncertainty) -> Layout:
    """Gather the windows to come and the winners' packages into arrays."""
    a = base.a
    fut = base.windows[base.windows["end"] >= base.as_of_month]
    slots = pd.Series(np.arange(len(u.slipping_orders)), index=list(u.slipping_orders))
    slot = slots.reindex(fut["order_id"]).to_numpy(dtype="float64")
    shares = a.table("stage_share")
    packages: list[list[Package | None]] = []
    for winners in u.tenders["winners"]:
        row: list[Package | None] = []
        for w in winners:
            t = u.templates.get(w) if w is not None else None
            if t is None:
                row.append(None)
                continue
            stages = np.array(t.stages)
            start, end = _stage_offsets(stages, a)
            row.append(
                Package(
                    _plant_rows(np.array(t.plants), base.plant_ids),
                    start,
                    end,
                    np.array(t.shares),
                    np.array([shares[s] for s in t.stages]),
                )
            )
        packages.append(row)
    return Layout(
        rows=_plant_rows(fut["plant_id"].to_numpy(), base.plant_ids),
        start=fut["start"].to_numpy(dtype="int64"),
        end=fut["end"].to_numpy(dtype="int64"),
        ve=fut["vehicle_equivalents"].to_numpy(dtype="float64"),
        moves=(fut["part"] != "to come").to_numpy(),
        slot=np.where(np.isnan(slot), -1, slot).astype("int64"),
        packages=packages,
    )


def _stage_offsets(stages: np.ndarray, a: Assumptions) -> tuple[np.ndarray, np.ndarray]:
    """Start offset from first delivery, end offset from last delivery, per stage."""
    lead = a.number("assembly_lead_months")
    lag = a.number("handover_lag_months")
    shell = a.number("bodyshell_lead_months")
    is_test = stages == "test"
    is_shell = stages == "bodyshell"
    start = np.where(is_test, -lag, -lead) - np.where(is_shell, shell, 0.0)
    end = np.where(is_test, 0.0, -lag) - np.where(is_shell, shell, 0.0)
    return start.astype("int64"), end.astype("int64")


def tender_first_delivery(u: Uncertainty, draws: Draws, a: Assumptions) -> np.ndarray:
    """First delivery month of each drawn award: the tender's own offset, else the default.

    The offset is the tender's expected first delivery less its expected award (never
    negative), else ``signing_to_first_delivery_months``.
    """
    default = a.number("signing_to_first_delivery_months")
    offset = u.tenders["first_delivery_offset"].to_numpy(dtype="float64")
    offset = np.where(np.isnan(offset), default, np.maximum(offset, 0.0)).astype("int64")
    first: np.ndarray = draws.award_month + offset[None, :]
    return first


def _entries(
    base: Base, lay: Layout, u: Uncertainty, draws: Draws
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every window of every draw: draw, plant row, start, end (months) and vehicle-equivalents."""
    a = base.a
    n = draws.n
    w = lay.start.size
    slip = np.zeros((n, w), dtype="int64")
    has_slot = lay.slot >= 0
    if has_slot.any() and draws.order_slip.size:
        slip[:, has_slot] = draws.order_slip[:, lay.slot[has_slot]]
    parts_draw = [np.repeat(np.arange(n), w)]
    parts_row = [np.tile(lay.rows, n)]
    shift = np.where(lay.moves[None, :], slip, 0)
    parts_start = [(lay.start[None, :] + shift).ravel()]
    parts_end = [(lay.end[None, :] + shift).ravel()]
    parts_ve = [np.tile(lay.ve, n)]
    if len(u.tenders):
        rate = a.number("delivery_rate_vehicles_per_month")
        first = tender_first_delivery(u, draws, a)
        for j, packages in enumerate(lay.packages):
            for k, package in enumerate(packages):
                if package is None:
                    continue
                pick = np.flatnonzero(draws.awarded[:, j] & (draws.winner[:, j] == k))
                if not pick.size:
                    continue
                vehicles = (draws.units[pick, j] * draws.cars[pick, j]).astype("float64")
                f = first[pick, j]
                last = np.maximum(f + np.ceil(vehicles / rate).astype("int64") - 1, f)
                start = np.maximum(
                    f[:, None] + package.start_offset[None, :],
                    draws.award_month[pick, j][:, None],
                )
                end = np.maximum(last[:, None] + package.end_offset[None, :], start)
                ve = np.round(vehicles[:, None] * package.share[None, :]) * package.stage_share
                size = package.rows.size
                parts_draw.append(np.repeat(pick, size))
                parts_row.append(np.tile(package.rows, pick.size))
                parts_start.append(start.ravel())
                parts_end.append(end.ravel())
                parts_ve.append(ve.ravel())
    return (
        np.concatenate(parts_draw),
        np.concatenate(parts_row),
        np.concatenate(parts_start),
        np.concatenate(parts_end),
        np.concatenate(parts_ve),
    )


def _lindley(load: np.ndarray, capacity: np.ndarray, carry: np.ndarray) -> np.ndarray:
    """Cap load at capacity, excess carried to the next month, without a loop over months.

    The carry obeys c[m] = max(0, c[m-1] + load[m] - cap) (Lindley's recursion), whose
    solution is c[m] = S[m] - min(-c0, min over k <= m of S[k]) with S the running sum of
    load - cap; what a month delivers is load[m] + c[m-1] - c[m]. ``load`` is (..., months)
    with ``capacity`` and ``carry`` broadcast over the leading axes; returns the capped load
    with the months needed to clear the last carry appended.
    """
    cap = capacity[..., None]
    c0 = carry[..., None]
    s = np.cumsum(load - cap, axis=-1)
    c = s - np.minimum(np.minimum.accumulate(s, axis=-1), -c0)
    before = np.concatenate([c0, c[..., :-1]], axis=-1)
    out: np.ndarray = load + before - c
    left = c[..., -1]
    extra = int(np.ceil(np.max(left / capacity, initial=0.0) - TOL))
    if extra > 0:
        steps = np.arange(extra)
        tail = np.clip(left[..., None] - steps * cap, 0.0, cap)
        out = np.concatenate([out, tail], axis=-1)
    return out


def _future_load(base: Base, entries: tuple[np.ndarray, ...], n: int) -> np.ndarray:
    """Per draw, plant row and month from the as-of month: load after capacity carry-forward.

    Rows follow ``base.plant_ids`` with one more for plants unknown on the date; months run
    from the as-of month until all work (and all work pushed on by capacity) is done, plus
    one empty month. Loads under ``EMPTY`` (sums' rounding where windows end) are none.
    """
    d = base.as_of_month
    draw_ix, row, start, end, ve = entries
    keep = ve > 0
    draw_ix, row, start, end, ve = draw_ix[keep], row[keep], start[keep], end[keep], ve[keep]
    p = len(base.plant_ids) + 1
    cap = np.append(base.capacity, np.nan)
    capped = np.flatnonzero(cap > 0)
    months = (int(end.max()) - d + 1 if end.size else 0) + 2
    rate = ve / (end - start + 1)

    def layout(rows: np.ndarray, width: int, pick: np.ndarray) -> np.ndarray:
        """Difference arrays summed into load: (draws, len(rows), width)."""
        k = len(rows)
        local = np.full(p, -1)
        local[rows] = np.arange(k)
        r = local[row[pick]]
        flat = (draw_ix[pick] * k + r) * (width + 1)
        size = n * k * (width + 1)
        at = np.concatenate([flat + (start[pick] - d), flat + (end[pick] + 1 - d)])
        step = np.concatenate([rate[pick], -rate[pick]])
        diff = np.bincount(at, weights=step, minlength=size)
        return np.cumsum(diff.reshape(n, k, width + 1), axis=2)[:, :, :width]

    capped_load = None
    if capped.size:
        on_capped = np.isin(row, capped)
        x = layout(capped, months, on_capped)
        carry = np.broadcast_to(base.carry_in[capped], (n, capped.size))
        limit = np.broadcast_to(cap[capped], (n, capped.size))
        # Only draws with something over capacity (or carried in) need the carry worked out.
        over = np.any(x > limit[:, :, None], axis=(1, 2)) | np.any(carry > 0, axis=1)
        if over.any():
            fixed = _lindley(x[over], limit[over], carry[over])
            width = max(months, fixed.shape[2])
            capped_load = np.zeros((n, capped.size, width))
            capped_load[:, :, :months] = x
            capped_load[over] = fixed if fixed.shape[2] == width else np.concatenate(
                [fixed, np.zeros((fixed.shape[0], capped.size, width - fixed.shape[2]))], axis=2
            )
            months = max(months, width + 1)
    load = layout(np.arange(p), months, np.ones(row.shape, dtype=bool))
    if capped_load is not None:
        load[:, capped, :] = 0.0
        load[:, capped, : capped_load.shape[2]] = capped_load
    return load


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


def _measure(base: Base, load: np.ndarray, last: np.ndarray, months_out: int) -> DrawOutlooks:
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
    viable = np.where(np.isnan(cap), 0.0, share * cap)
    # Working: at or above the viable rate (less the tolerance) with some load, in one test.
    threshold = np.maximum(viable - TOL, np.nextafter(EMPTY, 1.0))
    working = load >= threshold[:, :, None]
    # Run-out and next work, as loading._run_out (the last month is always empty).
    w0 = working[:, :, 0]
    first_break = np.argmin(working, axis=2)
    upcoming = working & (np.arange(t)[None, None, :] >= np.where(w0, first_break, 0)[:, :, None])
    first_next = np.argmax(upcoming, axis=2)
    has_next = np.take_along_axis(upcoming, first_next[:, :, None], axis=2)[:, :, 0]
    next_work = np.where(has_next, d + first_next, np.nan)
    # Already below the viable rate: the last viable month before the as-of month.
    last_before = np.full((m, p), np.nan)
    if past.shape[1]:
        suffix_max = np.maximum.accumulate(past[:, ::-1], axis=1)[:, ::-1]
        for i in range(p):
            count = np.searchsorted(-suffix_max[i], -threshold[:, i], side="right")
            last_before[:, i] = np.where(count > 0, base.past_first + count - 1, np.nan)
    run_out = np.where(w0, d + first_break - 1, last_before)
    gap = np.where(
        ~np.isnan(run_out) & has_next,
        next_work - run_out - 1,
        np.where(np.isnan(run_out) & has_next, np.maximum(next_work - d, 0), np.nan),
    )
    jobs = _jobs_at_risk_months(base, load, viable, cap, last)
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


def _jobs_at_risk_months(
    base: Base, load: np.ndarray, viable: np.ndarray, cap: np.ndarray, last: np.ndarray
) -> np.ndarray:
    """Jobs-at-risk-months over the horizon, per draw, as loading.outlook_from sums them.

    GB plants only (NaN elsewhere). ``load`` may be one row shared by all draws.
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

    def staff(months: np.ndarray) -> np.ndarray:
        """Headcount of each GB plant (rows) in each month (columns), nil once closed."""
        emp = np.vstack([staff_by_month(base.staff, str(i), months) for i in ids])
        return np.where(months[None, :] >= closed[:, None], 0.0, emp)

    emp = staff(month)
    with np.errstate(invalid="ignore", divide="ignore"):
        util = load[:, gb, :h] / cap[:, gb, None]
        labour = emp[None, :, :] * np.minimum(util, 1.0)
    below = load[:, gb, :h] < viable[:, gb, None] - TOL
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


@dataclass(frozen=True)
class Simulated:
    """Per-draw outlooks of a whole run, and its in-gap counts per plant and month."""

    draws: Draws
    run_out: np.ndarray
    next_work: np.ndarray
    gap_months: np.ndarray
    jobs_at_risk_months: np.ndarray
    gap_count: np.ndarray
    ever_in_gap: np.ndarray


def active_rows(base: Base, u: Uncertainty) -> np.ndarray:
    """Plants that may have work to come in some draw: firm orders' or possible winners'."""
    future = base.windows[base.windows["end"] >= base.as_of_month]["plant_id"].to_numpy()
    ids = set(future)
    for winners in u.tenders["winners"]:
        for w in winners:
            if w is not None and w in u.templates:
                ids.update(u.templates[w].plants)
    return np.flatnonzero(np.isin(base.plant_ids, list(ids)))


def simulate(
    base: Base,
    u: Uncertainty,
    draws: Draws,
    months: int = 240,
    chunk_elements: int = 500_000,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Simulated:
    """Vectorised outlooks of every draw, in chunks of about ``chunk_elements`` plant-months.

    Only plants that may have work to come are laid out per draw; the others' outlook is the
    same in every draw but for where the schedule ends, and is measured once per chunk.
    Chunks run on ``workers`` threads (numpy releases the interpreter lock in its loops;
    default: the machine's cores, at most 4); each writes its own rows, so the answer does
    not depend on the chunking or the threads.
    """
    lay = layout_of(base, u)
    p = len(base.plant_ids)
    active = active_rows(base, u)
    idle = np.setdiff1d(np.arange(p), active)
    on, off = base.subset(active), base.subset(idle)
    # Entries' plant rows, renumbered to the active plants (the rest: the unknown row).
    renumber = np.full(p + 1, len(active), dtype="int64")
    renumber[active] = np.arange(len(active))
    run_out = np.full((draws.n, p), np.nan)
    next_work = np.full((draws.n, p), np.nan)
    gap = np.full((draws.n, p), np.nan)
    jobs = np.full((draws.n, p), np.nan)
    ever = np.zeros((draws.n, p), dtype=bool)
    # Size chunks from a pilot: how many months the longest of a few draws needs.
    pilot = draws.take(slice(0, min(draws.n, 200)))
    entries = list(_entries(base, lay, u, pilot))
    entries[1] = renumber[entries[1]]
    width = _future_load(on, tuple(entries), pilot.n).shape[2]
    chunk = max(1, chunk_elements // ((len(active) + 1) * width))

    def run(lo: int) -> tuple[int, np.ndarray]:
        part = draws.take(slice(lo, lo + chunk))
        entries = list(_entries(base, lay, u, part))
        entries[1] = renumber[entries[1]]
        load = _future_load(on, tuple(entries), part.n)
        last = schedule_end(base, load)
        rows = slice(lo, lo + part.n)
        out = _measure(on, load[:, :-1, :], last, months)
        rest = _measure(off, np.zeros((1, len(idle), load.shape[2])), last, months)
        counts = np.zeros((p, months), dtype="int64")
        for cols, o in ((active, out), (idle, rest)):
            run_out[rows, cols] = o.run_out
            next_work[rows, cols] = o.next_work
            gap[rows, cols] = o.gap_months
            jobs[rows, cols] = o.jobs_at_risk_months
            counts[cols] += o.in_gap.sum(axis=0) * (part.n if o.in_gap.shape[0] == 1 else 1)
            ever[rows, cols] = o.in_gap.any(axis=2)
        return part.n, counts

    total = np.zeros((p, months), dtype="int64")
    starts = range(0, draws.n, chunk)
    threads = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if threads <= 1 or len(starts) == 1:
        results: Iterable[tuple[int, np.ndarray]] = map(run, starts)
        pool = None
    else:
        pool = ThreadPoolExecutor(max_workers=threads)
        results = pool.map(run, starts)
    try:
        for done, counts in results:
            total += counts
            if progress is not None:
                progress(done)
    finally:
        if pool is not None:
            pool.shutdown()
    return Simulated(draws, run_out, next_work, gap, jobs, total, ever)


def awarded_orders(
    base: Base, u: Uncertainty, draws: Draws, i: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw ``i``'s awarded tenders as order rows and work packages at the winner's plants."""
    resolved = base.resolved
    first = tender_first_delivery(u, draws, base.a)
    orders, packages = [], []
    known = resolved.as_of.isoformat() if resolved.as_of else ""
    for j, t in enumerate(u.tenders.to_dict("records")):
        if not draws.awarded[i, j]:
            continue
        winner = t["winners"][int(draws.winner[i, j])]
        template = u.templates.get(winner) if winner is not None else None
        units, cars = int(draws.units[i, j]), int(draws.cars[i, j])
        if template is None or units * cars == 0:
            continue
        order_id = f"draw-{t['tender_id']}"
        orders.append(
            {
                "order_id": order_id,
                "class": t["tender_id"],
                "status": "firm",
                "manufacturer_id": winner,
                "units": units,
                "cars_per_unit": cars,
                "signed": month_label(int(draws.award_month[i, j])),
                "planned_first_delivery": month_label(int(first[i, j])),
                "source": t["source"],
                "known_from": known,
            }
        )
        for plant, stage, share in zip(template.plants, template.stages, template.shares,
                                       strict=True):
            packages.append(
                {
                    "order_id": order_id,
                    "plant_id": plant,
                    "stage": stage,
                    "vehicles": round(units * cars * share),
                    "source": t["source"],
                    "known_from": known,
                }
            )
    return typed_rows("orders", orders, "draw"), typed_rows("work_packages", packages, "draw")


def reference_outlooks(base: Base, u: Uncertainty, draws: Draws) -> list[pd.DataFrame]:
    """One outlook per draw from the deterministic engine: the loop the vectorised path replaces.

    Each draw's awarded tenders become order rows scheduled by the engine's own
    ``order_profile`` and ``package_windows``; the firm orders' windows slip by the draw's
    months; then ``schedule``, ``plant_months`` and ``outlook_from`` run as for any date.
    """
    a = base.a
    d = base.as_of_month
    plants = base.resolved["plants"]
    capacity = plant_capacity(plants, a)
    outs = []
    for i in range(draws.n):
        orders, packages = awarded_orders(base, u, draws, i)
        profile, windows = base.profile, base.windows
        if len(orders):
            new_profile = order_profile(orders, d, a)
            new_windows = package_windows(packages, new_profile, a)
            profile = pd.concat([profile, new_profile])
            windows = pd.concat([windows, new_windows.assign(part="whole")], ignore_index=True)
        slips = pd.Series(draws.order_slip[i], index=list(u.slipping_orders), dtype="int64")
        windows = slip_windows(windows, slips, d)
        sched = schedule(windows, capacity)
        table = plant_months(sched, plants, base.resolved["plant_staff"], a)
        outs.append(
            outlook_from(
                profile,
                sched,
                table,
                plants,
                base.resolved["manufacturers"],
                base.resolved["plant_staff"],
                d,
                a,
            )
        )
    return outs


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
    jobs_mean = np.full(len(base.plant_ids), np.nan)
    jobs = sim.jobs_at_risk_months[:, base.gb]
    known = ~np.isnan(jobs).all(axis=0)
    if n and known.any():
        means = np.full(jobs.shape[1], np.nan)
        means[known] = np.nanmean(jobs[:, known], axis=0)
        jobs_mean[base.gb] = means
    by_plant = as_planned.set_index("plant_id")
    rows = []
    for i, plant in enumerate(plants.itertuples(index=False)):
        with np.errstate(invalid="ignore"):
            ahead = bool((sim.run_out[:, i] >= base.as_of_month).any())
        known = not np.isnan(base.opened[i]) or bool(base.past_load[i].any())
        if not ((base.gb[i] and known) or ahead or bool((~np.isnan(sim.next_work[:, i])).any())):
            continue
        gap_base = by_plant["gap_months"].get(plant.plant_id)
        rows.append(
            {
                "plant_id": plant.plant_id,
                "name": plant.name,
                "country": plant.country,
                "draws": n,
                "p_gap": float(sim.ever_in_gap[:, i].mean()) if n else np.nan,
                "run_out_as_planned": by_plant["run_out"].get(plant.plant_id),
                "run_out_p10": _labels(run_q[:, i])[0],
                "run_out_p50": _labels(run_q[:, i])[1],
                "run_out_p90": _labels(run_q[:, i])[2],
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
    rows = _plant_rows(np.array(plant_ids, dtype=object), base.plant_ids)
    values = sim.gap_count[rows].T / max(sim.draws.n, 1)
    frame = pd.DataFrame(values, index=pd.Index(index, name="month"), columns=plant_ids)
    return frame


def run_out_by(base: Base, sim: Simulated, plant_ids: list[str], months: int) -> pd.DataFrame:
    """Chance each plant's work has run out by each month (cumulative, so never decreasing)."""
    d = base.as_of_month
    index = [month_label(d + m) for m in range(months)]
    rows = _plant_rows(np.array(plant_ids, dtype=object), base.plant_ids)
    values = np.zeros((months, len(rows)))
    for k, row in enumerate(rows):
        run_out = sim.run_out[:, row]
        run_out = run_out[~np.isnan(run_out)]
        at = np.clip(run_out - d, -1, months).astype("int64") + 1  # 0: before the date
        counts = np.bincount(at, minlength=months + 2)[: months + 1]
        values[:, k] = np.cumsum(counts)[1:] / max(sim.draws.n, 1)
    return pd.DataFrame(values, index=pd.Index(index, name="month"), columns=plant_ids)
