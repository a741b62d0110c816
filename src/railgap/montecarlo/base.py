"""The Monte Carlo's base: what every draw shares, fixed once per run (windows, past load)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month
from railgap.plants.loading import (
    Loading,
    closed_months,
    opened_months,
    staff_by_month,
    staff_series,
    work_windows,
)
from railgap.plants.scheduling import (
    order_profile,
    plant_capacity,
)

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
    """Make each order's work later by its slip (months, per order id).

    ``windows`` are split with :func:`split_at`. A window not yet started moves whole; the
    part to come of a window under way ends later, its vehicle-equivalents spread over the
    longer window (work left is never lost or added); work done stays. This is how the
    loading engine reads a late order once its late deliveries are public: a factory's
    window runs to the last delivery (less the hand-over lag) unless a production-end fact
    cuts it.
    """
    slip = slips.reindex(windows["order_id"]).fillna(0).to_numpy(dtype="int64")
    to_come = (windows["part"] == "to come").to_numpy()
    moves = ((windows["start"] >= as_of_month) & ~to_come).to_numpy()
    start = windows["start"].to_numpy() + np.where(moves, slip, 0)
    end = windows["end"].to_numpy() + np.where(moves | to_come, slip, 0)
    return windows.assign(start=start, end=end)


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


def carry_forward(load: np.ndarray, capacity: np.ndarray, carry: np.ndarray) -> np.ndarray:
    """Cap plants' load at their capacity, moving excess to the next month; return the carry.

    ``load`` is (..., plants, months), changed in place; ``capacity`` is per plant (NaN or
    zero: no cap); ``carry`` (..., plants) enters the first month.
    """
    capped = np.flatnonzero(capacity > 0)
    if not capped.size or load.shape[-1] == 0:
        return carry  # no plant with a cap, or no month to carry through
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


def plant_rows(ids: np.ndarray, plant_ids: np.ndarray) -> np.ndarray:
    """Row of each plant id in the arrays (the last row, ``len(plant_ids)``, for unknown ones)."""
    position = pd.Series(np.arange(len(plant_ids)), index=plant_ids)
    rows = position.reindex(ids).to_numpy(dtype="float64")
    return np.where(np.isnan(rows), len(plant_ids), rows).astype("int64")


def prepare(resolved: Dataset, a: Assumptions, loading: Loading | None = None) -> Base:
    """Fix what every draw shares, from the deterministic engine's profile and windows.

    ``loading`` is that engine's run on the same tables (``run_loading``), when the caller
    has it; otherwise the profile and windows are worked out here.
    """
    if resolved.as_of is None:
        raise ValueError("prepare needs a dataset resolved with railgap.dataset.as_of")
    d = date_month(resolved.as_of)
    if loading is None:
        profile = order_profile(resolved["orders"], d, a)
        windows = work_windows(resolved, profile, a)
    else:
        profile, windows = loading.profile, loading.schedule.windows
    windows = split_at(windows, d)
    plants = resolved["plants"]
    ids = plants["plant_id"].to_numpy()
    capacity = plant_capacity(plants, a).to_numpy(dtype="float64")
    past = windows[windows["end"] < d]
    first = int(windows["start"].min()) if len(windows) else d
    # Row len(ids) gathers packages at plants unknown on the date: they load no plant but
    # count, as in the engine, for where the schedule ends.
    past_load = np.zeros((len(ids) + 1, max(d - first, 0)))
    if len(past):
        rows = plant_rows(past["plant_id"].to_numpy(), ids)
        start = past["start"].to_numpy() - first
        end = past["end"].to_numpy() - first
        rate = past["vehicle_equivalents"].to_numpy() / (end - start + 1)
        diff = np.zeros((len(ids) + 1, past_load.shape[1] + 1))
        np.add.at(diff, (rows, start), rate)
        np.add.at(diff, (rows, end + 1), -rate)
        past_load = np.cumsum(diff, axis=1)[:, :-1]
    cap_all = np.append(capacity, np.nan)
    carry = carry_forward(past_load, cap_all, np.zeros(len(ids) + 1))
    used = np.flatnonzero(past_load.sum(axis=0) > EMPTY)
    yom = a.number("year_only_month")
    opened = opened_months(plants, a)
    staff = staff_series(resolved["plant_staff"], yom)
    closed = closed_months(plants, a)
    now = np.array([staff_by_month(staff, str(p), np.array([d]))[0] for p in ids])
    now = np.where((d >= closed) | (d < opened), 0.0, now)
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
