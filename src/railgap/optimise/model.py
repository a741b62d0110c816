"""The pipeline MIP: candidate awards and the model's arrays for HiGHS.

Stages (as in PyPSA's optimiser): :func:`candidates` and :func:`build_model` create the
model from an :class:`~railgap.optimise.inputs.Instance` with array operations only (no
per-element Python loops); :mod:`railgap.optimise.solve` solves it. The formulation is in
``docs/optimizer.md``.

A **candidate** is one way to meet a need: award it in month ``a`` to plant ``p``; it is
then built from ``a + lead`` for ``duration`` months at ``vehicles / duration`` a month
(``delivery_rate_vehicles_per_month``, or the plant's whole capacity when that is less),
each month's vehicles in passenger service ``lag`` months later; candidates whose build
would run past the horizon are left out. A binary per candidate; each need takes one
candidate or is left unmet (a continuous slack, costed as over-age to past the horizon).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from railgap.optimise.inputs import Instance
from railgap.optimise.options import Options, award_step

INF = highspy.kHighsInf


@dataclass(frozen=True)
class Candidates:
    """Candidate awards (one per column ``c``) and their monthly load entries."""

    need: np.ndarray  # (C,) need index
    plant: np.ndarray  # (C,) plant index
    award: np.ndarray  # (C,) award month
    start: np.ndarray  # (C,) first production month
    duration: np.ndarray  # (C,) production months
    ve_rate: np.ndarray  # (C,) vehicle-equivalents a month at the plant
    overage: np.ndarray  # (C,) vehicle-years in service late
    entry_col: np.ndarray  # (E,) candidate of each load entry
    entry_t: np.ndarray  # (E,) month offset (0..T-1) of each load entry
    unmet_overage: np.ndarray  # (N,) vehicle-years if the need is not met in the horizon

    def __len__(self) -> int:
        return len(self.need)


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owner and position within the owner for ``counts[i]`` consecutive items per owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, offset


def candidates(inst: Instance, options: Options) -> Candidates:
    """Every award month (on the step grid) and capable open plant for every need."""
    needs = inst.needs
    vehicles = needs["vehicles"].to_numpy(dtype="float64")
    duration = needs["duration_months"].to_numpy(dtype="int64")
    due = needs["due_month"].to_numpy(dtype="int64")
    earliest = needs["earliest_award"].to_numpy(dtype="int64")
    latest = needs["latest_award"].to_numpy(dtype="int64")
    step = award_step(options, len(inst.months))
    last_award = np.maximum(latest, earliest) + options.max_delay_months
    grid = np.where(last_award >= earliest, (last_award - earliest) // step + 1, 0)
    owner, k = _expand(grid)
    award = earliest[owner] + k * step
    # The just-in-time month itself is always a candidate when it is in the window.
    jit = (latest >= earliest) & (latest <= last_award) & ((latest - earliest) % step != 0)
    award = np.concatenate([award, latest[jit]])
    owner = np.concatenate([owner, np.flatnonzero(jit)])
    # Cross with the capable plants not excluded.
    allowed = inst.capable.copy()
    ids = inst.plants["plant_id"].to_numpy()
    allowed[:, np.isin(ids, options.must_not_use)] = False
    pair_start, plant = np.nonzero(allowed[owner])
    need = owner[pair_start]
    award = award[pair_start]
    start = award + inst.lead_months
    # A plant builds at the order rate, or at its whole capacity when that is less.
    own_rate = np.minimum(inst.rate, inst.capacity[plant] / inst.fraction[plant])
    dur = np.ceil(vehicles[need] / np.maximum(own_rate, 1e-9) - 1e-9).astype("int64")
    dur = np.maximum(dur, duration[need])
    # The plant must be open in every production month, within the horizon.
    first = start - inst.first_month
    open_cum = np.concatenate([np.zeros((len(ids), 1)), np.cumsum(inst.open_, axis=1)], axis=1)
    inside = (first >= 0) & (first + dur <= len(inst.months))
    f = np.clip(first, 0, len(inst.months))
    e = np.clip(first + dur, 0, len(inst.months))
    open_all = inside & (open_cum[plant, e] - open_cum[plant, f] == dur)
    need, plant, award, start, dur = (x[open_all] for x in (need, plant, award, start, dur))
    order = np.lexsort((award, plant, need))
    need, plant, award, start, dur = (x[order] for x in (need, plant, award, start, dur))
    per_month = vehicles[need] / dur
    col, offset = _expand(dur)
    month = start[col] + offset
    late = np.maximum(month + inst.lag_months - due[need[col]] + 1, 0) / 12.0
    overage = np.bincount(col, weights=late * per_month[col], minlength=len(need))
    horizon_late = (inst.last_month + 1 + inst.lag_months - due + 12) / 12.0
    return Candidates(
        need=need,
        plant=plant,
        award=award,
        start=start,
        duration=dur,
        ve_rate=per_month * inst.fraction[plant],
        overage=overage,
        entry_col=col,
        entry_t=month - inst.first_month,
        # Need due after the horizon may be left for later at no cost.
        unmet_overage=np.where(
            due > inst.last_month, 0.0, vehicles * np.maximum(horizon_late, 1.0)
        ),
    )


@dataclass(frozen=True)
class Model:
    """The MIP in HiGHS's column-wise arrays, with the layout of its variables."""

    lp: highspy.HighsLp
    integer: np.ndarray  # indices of the integer (binary) variables
    n_cand: int
    n_need: int
    jobs_pt: tuple[np.ndarray, np.ndarray]  # plant-months with a below-viable binary
    n_smooth: int
    offsets: dict[str, int]  # first variable of each block after the candidates
    build_seconds: float


def _csc(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-compressed arrays (start, index, value) from coordinates; duplicates summed."""
    order = np.lexsort((rows, cols))
    rows, cols, vals = rows[order], cols[order], vals[order]
    if len(rows):
        new = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
        group = np.cumsum(new) - 1
        vals = np.bincount(group, weights=vals)
        rows, cols = rows[new], cols[new]
    keep = vals != 0
    counts = np.bincount(cols[keep], minlength=n_cols)
    start = np.concatenate([[0], np.cumsum(counts)])
    return start.astype(np.int32), rows[keep].astype(np.int32), vals[keep]


#: Parts a plant-month's room is split into by the capacity covers (2b in ``build_model``).
COVER_PARTS = (2, 3)
#: Least room (vehicle-equivalents a month) a plant-month needs to get capacity covers.
COVER_MIN_ROOM = 1e-3


def add_covers(
    add: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], None],
    e_col: np.ndarray,
    pt: np.ndarray,
    e_v: np.ndarray,
    room: np.ndarray,
    parts: tuple[int, ...] = COVER_PARTS,
) -> None:
    """Add the capacity covers of every plant-month where two or more builds count.

    For ``q`` in ``parts``, a build at rate ``r`` in a month with ``room`` left
    counts ``ceil(q r / room) - 1``; builds that fit together count at most ``q - 1`` (each
    count is below ``q r / room`` and their rates add up to at most ``room``). Rounding
    down by a tolerance keeps every count at or below its exact value, so the row stays
    valid; rows in which fewer than two builds count are left out (they cut nothing).
    """
    # A room under COVER_MIN_ROOM (e.g. zero but for rounding: capacity less a firm load
    # equal to it) gets no row: the covers are cuts, not needed for a correct model, and
    # dividing by such a room gives counts HiGHS refuses (1e16 at a room of 5e-17).
    roomy = room[pt] > COVER_MIN_ROOM
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(roomy, e_v / np.where(roomy, room[pt], 1.0), 0.0)
    n_l = len(room)
    for q in parts:
        # A count of q or more keeps a build out of the month alone, as the capacity row
        # does; left uncapped, it also keeps the relaxation's fraction of it small.
        count = np.ceil(q * share - 1e-6) - 1
        counts = count > 0
        rows = np.flatnonzero(np.bincount(pt[counts], minlength=n_l) >= 2)
        index = np.full(n_l, -1)
        index[rows] = np.arange(len(rows))
        take = counts & (index[pt] >= 0)
        add(
            index[pt[take]],
            e_col[take],
            count[take],
            np.full(len(rows), -INF),
            np.full(len(rows), q - 1.0),
        )


def build_model(
    inst: Instance,
    cand: Candidates,
    options: Options,
    cover_parts: tuple[int, ...] = COVER_PARTS,
) -> Model:
    """The MIP's arrays (variables, rows, objective) for the instance and its candidates.

    Variables: a binary per candidate; the unmet share of each need; a below-viable binary and
    the jobs at risk of each GB plant-month whose firm load is below the viable rate; the
    rise and fall of each plant's load between consecutive months. ``cover_parts`` are the
    capacity covers' ``q`` (see :func:`add_covers`; empty: none, the plain formulation).
    """
    tic = time.perf_counter()
    w = options.weights
    n_p, n_t = inst.firm.shape
    n_n, n_c = len(inst.needs), len(cand)
    firm, cap = inst.firm, inst.capacity
    emp = np.where(inst.gb[:, None], inst.employees, 0.0)
    viable = inst.viable
    below = (emp > 0) & (firm < viable[:, None] - 1e-9) & inst.open_
    jp, jt = np.nonzero(below)
    n_j = len(jp)
    n_l = n_p * n_t
    n_s = n_p * (n_t - 1)
    # Variable layout: candidates | unmet | below binaries | jobs | rise | fall.
    o_u = n_c
    o_b = o_u + n_n
    o_j = o_b + n_j
    o_up = o_j + n_j
    o_dn = o_up + n_s
    n_var = o_dn + n_s
    cost = np.concatenate(
        [
            w.overage * cand.overage,
            w.overage * cand.unmet_overage,
            np.zeros(n_j),
            np.full(n_j, w.jobs),
            np.full(2 * n_s, w.smooth),
        ]
    )
    lower = np.zeros(n_var)
    upper = np.concatenate(
        [
            np.ones(n_c + n_n + n_j),
            np.full(n_j + 2 * n_s, INF),
        ]
    )
    integer = np.concatenate([np.arange(n_c), o_b + np.arange(n_j)]).astype(np.int32)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    row_lo: list[np.ndarray] = []
    row_hi: list[np.ndarray] = []
    n_row = 0

    def add(r: np.ndarray, c: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        nonlocal n_row
        rows.append(r + n_row)
        cols.append(c)
        vals.append(v)
        row_lo.append(lo)
        row_hi.append(hi)
        n_row += len(lo)

    # 1. Each need: one candidate or unmet.
    add(
        np.concatenate([cand.need, np.arange(n_n)]),
        np.concatenate([np.arange(n_c), o_u + np.arange(n_n)]),
        np.ones(n_c + n_n),
        np.ones(n_n),
        np.ones(n_n),
    )
    # 2. Capacity: new load <= capacity - firm load, per plant-month.
    e_col, e_t = cand.entry_col, cand.entry_t
    e_v = cand.ve_rate[e_col]
    pt = cand.plant[e_col] * n_t + e_t
    add(pt, e_col, e_v, np.full(n_l, -INF), np.maximum(cap[:, None] - firm, 0.0).ravel())
    # 2b. Capacity covers: no set of builds that fits a plant-month's room has more than
    # q - 1 "q-parts" of it, a build at rate r counting ceil(q r / room) - 1 of them (a
    # Chvatal-Gomory rounding of the capacity row, valid for binaries). The linear
    # relaxation otherwise packs fractions of builds that cannot share a month whole.
    add_covers(add, e_col, pt, e_v, np.maximum(cap[:, None] - firm, 0.0).ravel(), cover_parts)
    # 3-5. Jobs at risk where the firm book is below the viable rate (b = 1: below):
    #   j >= E b - E (firm + new) / cap;  new >= (viable - firm) (1 - b);
    #   and the convex envelope of jobs against load, which makes the relaxation tight:
    #   j >= E (1 - firm / cap) (viable - firm - new) / (viable - firm).
    # In the last two a candidate's coefficient is capped at the room to the viable rate
    # (valid for binaries: one candidate filling the room satisfies the row alone).
    if n_j:
        j_index = np.full(n_l, -1)
        j_index[jp * n_t + jt] = np.arange(n_j)
        hit = j_index[pt]
        m = hit >= 0
        h = hit[m]
        e_jobs = emp[jp, jt]
        scale = e_jobs / cap[jp]
        room = viable[jp] - firm[jp, jt]
        slope = e_jobs * (1 - firm[jp, jt] / cap[jp]) / room
        capped = np.minimum(e_v[m], room[h])
        j_rows = np.arange(n_j)
        add(
            np.concatenate([h, j_rows, j_rows]),
            np.concatenate([e_col[m], o_j + j_rows, o_b + j_rows]),
            np.concatenate([e_v[m] * scale[h], np.ones(n_j), -e_jobs]),
            -scale * firm[jp, jt],
            np.full(n_j, INF),
        )
        add(
            np.concatenate([h, j_rows]),
            np.concatenate([e_col[m], o_b + j_rows]),
            np.concatenate([capped, room]),
            room,
            np.full(n_j, INF),
        )
        add(
            np.concatenate([h, j_rows]),
            np.concatenate([e_col[m], o_j + j_rows]),
            np.concatenate([capped * slope[h], np.ones(n_j)]),
            slope * room,
            np.full(n_j, INF),
        )
    # 6. Rate changes: new[t] - new[t-1] - rise + fall = firm[t-1] - firm[t]. A candidate
    # adds its rate at its first month's row and takes it off the row after its last.
    s_rows = np.arange(n_s)
    offset = cand.start - inst.first_month
    s_first = cand.plant * (n_t - 1) + offset - 1
    s_after = cand.plant * (n_t - 1) + offset + cand.duration - 1
    ok_first = offset >= 1
    ok_after = offset + cand.duration <= n_t - 1
    add(
        np.concatenate([s_first[ok_first], s_after[ok_after], s_rows, s_rows]),
        np.concatenate(
            [np.flatnonzero(ok_first), np.flatnonzero(ok_after), o_up + s_rows, o_dn + s_rows]
        ),
        np.concatenate(
            [cand.ve_rate[ok_first], -cand.ve_rate[ok_after], -np.ones(n_s), np.ones(n_s)]
        ),
        (firm[:, :-1] - firm[:, 1:]).ravel(),
        (firm[:, :-1] - firm[:, 1:]).ravel(),
    )
    vehicles = inst.needs["vehicles"].to_numpy(dtype="float64")[cand.need]
    gb = inst.gb[cand.plant]
    # 7. UK-built share of the awarded vehicles.
    if options.uk_share > 0:
        add(
            np.zeros(n_c, dtype=np.int64),
            np.arange(n_c),
            vehicles * (gb.astype(float) - options.uk_share),
            np.zeros(1),
            np.full(1, INF),
        )
    # 8. Budget per award year.
    if options.budget_gbp_m_per_year is not None and inst.price_gbp_m == inst.price_gbp_m:
        year = cand.award // 12
        years, y_row = np.unique(year, return_inverse=True)
        add(
            y_row,
            np.arange(n_c),
            vehicles * inst.price_gbp_m,
            np.full(len(years), -INF),
            np.full(len(years), options.budget_gbp_m_per_year),
        )
    # 9. Plants that must build something.
    ids = inst.plants["plant_id"].to_numpy()
    must = np.flatnonzero(np.isin(ids, options.must_use))
    if len(must):
        which = np.searchsorted(must, cand.plant)
        hit_m = (which < len(must)) & (must[np.minimum(which, len(must) - 1)] == cand.plant)
        add(
            which[hit_m],
            np.flatnonzero(hit_m),
            np.ones(int(hit_m.sum())),
            np.ones(len(must)),
            np.full(len(must), INF),
        )
    start, index, value = _csc(
        np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), n_var
    )
    lp = highspy.HighsLp()
    lp.num_col_ = n_var
    lp.num_row_ = n_row
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate(row_lo)
    lp.row_upper_ = np.concatenate(row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    layout = {"unmet": o_u, "below": o_b, "jobs": o_j, "rise": o_up, "fall": o_dn}
    return Model(lp, integer, n_c, n_n, (jp, jt), n_s, layout, time.perf_counter() - tic)
