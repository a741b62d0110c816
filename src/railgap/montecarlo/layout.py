"""Every draw's windows as arrays: firm orders' (slipped) and awarded tenders', and their load."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.dataset.assumptions import Assumptions
from railgap.montecarlo.base import TOL, Base, plant_rows
from railgap.montecarlo.distributions import Draws, Uncertainty


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
    window moves whole when its order slips, and the order's column in the slip draws; and
    whether it is the part to come of a window under way, and its order's column in the
    completion draws of orders already delivering), and
    per tender and possible winner the template's packages (None: no plant known).
    """

    rows: np.ndarray
    start: np.ndarray
    end: np.ndarray
    ve: np.ndarray
    moves: np.ndarray
    slot: np.ndarray
    to_come: np.ndarray
    finish: np.ndarray
    packages: list[list[Package | None]]


def layout_of(base: Base, u: Uncertainty) -> Layout:
    """Gather the windows to come and the winners' packages into arrays."""
    a = base.a
    fut = base.windows[base.windows["end"] >= base.as_of_month]
    slots = pd.Series(np.arange(len(u.slipping_orders)), index=list(u.slipping_orders))
    slot = slots.reindex(fut["order_id"]).to_numpy(dtype="float64")
    finishing = pd.Series(np.arange(len(u.finishing_orders)), index=list(u.finishing_orders))
    finish = finishing.reindex(fut["order_id"]).to_numpy(dtype="float64")
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
                    plant_rows(np.array(t.plants), base.plant_ids),
                    start,
                    end,
                    np.array(t.shares),
                    np.array([shares[s] for s in t.stages]),
                )
            )
        packages.append(row)
    return Layout(
        rows=plant_rows(fut["plant_id"].to_numpy(), base.plant_ids),
        start=fut["start"].to_numpy(dtype="int64"),
        end=fut["end"].to_numpy(dtype="int64"),
        ve=fut["vehicle_equivalents"].to_numpy(dtype="float64"),
        moves=(fut["part"] != "to come").to_numpy(),
        slot=np.where(np.isnan(slot), -1, slot).astype("int64"),
        to_come=(fut["part"] == "to come").to_numpy(),
        finish=np.where(np.isnan(finish), -1, finish).astype("int64"),
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


def window_entries(
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
    # Orders already delivering finish late (as base.slip_windows, as the others slip).
    has_finish = lay.finish >= 0
    if has_finish.any() and draws.order_finish.size:
        slip[:, has_finish] = draws.order_finish[:, lay.finish[has_finish]]
    parts_draw = [np.repeat(np.arange(n), w)]
    parts_row = [np.tile(lay.rows, n)]
    shift = np.where(lay.moves[None, :], slip, 0)
    # Work not yet started moves whole; the part to come of work under way ends later.
    stretch = np.where(lay.to_come[None, :], slip, 0)
    parts_start = [(lay.start[None, :] + shift).ravel()]
    parts_end = [(lay.end[None, :] + shift + stretch).ravel()]
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


def lindley(load: np.ndarray, capacity: np.ndarray, carry: np.ndarray) -> np.ndarray:
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


def future_load(base: Base, entries: tuple[np.ndarray, ...], n: int) -> np.ndarray:
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
            fixed = lindley(x[over], limit[over], carry[over])
            width = max(months, fixed.shape[2])
            capped_load = np.zeros((n, capped.size, width))
            capped_load[:, :, :months] = x
            capped_load[over] = fixed if fixed.shape[2] == width else np.concatenate(
                [fixed, np.zeros((fixed.shape[0], capped.size, width - fixed.shape[2]))], axis=2
            )
            months = max(months, width + 1)
    # Each row is laid out once: the capped plants' rows are those worked out above.
    load = np.zeros((n, p, months))
    rest = np.setdiff1d(np.arange(p), capped)
    if rest.size:
        on_rest = np.ones(row.shape, dtype=bool) if not capped.size else ~on_capped
        load[:, rest, :] = layout(rest, months, on_rest)
    if capped.size:
        done = capped_load if capped_load is not None else x
        load[:, capped, : done.shape[2]] = done
    return load
