"""The vectorised run: draws in chunks, on threads, through layout and measure."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from railgap.montecarlo.base import Base
from railgap.montecarlo.distributions import Draws, Uncertainty
from railgap.montecarlo.layout import future_load, layout_of, window_entries
from railgap.montecarlo.measure import measure, schedule_end


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
    chunk_elements: int = 2_000_000,
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
    entries = list(window_entries(base, lay, u, pilot))
    entries[1] = renumber[entries[1]]
    width = future_load(on, tuple(entries), pilot.n).shape[2]
    chunk = max(1, chunk_elements // ((len(active) + 1) * width))

    def run(lo: int) -> tuple[int, np.ndarray]:
        part = draws.take(slice(lo, lo + chunk))
        entries = list(window_entries(base, lay, u, part))
        entries[1] = renumber[entries[1]]
        load = future_load(on, tuple(entries), part.n)
        last = schedule_end(base, load)
        rows = slice(lo, lo + part.n)
        out = measure(on, load[:, :-1, :], last, months)
        rest = measure(off, np.zeros((1, len(idle), load.shape[2])), last, months)
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
