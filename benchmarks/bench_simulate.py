"""Time the Monte Carlo on the embedded dataset: vectorised against the engine loop.

Run with ``make bench``. Prints, in one run: 100,000 draws over 240 months as of 2024-01-15
(targets: the whole run under 5 s on 2 cores; the simulation under 1.5 s and at most 15
times one float32 numpy pass over the same draws x plants x 240 months, measured in the
same run; peak memory under 1 GiB), the time per draw of the
straightforward loop that calls the deterministic engine once per draw (measured on a
subset of the same draws), and the ratio between them (target at least 100x).
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import time

import numpy as np

from railgap.analysis import get_assumptions, get_dataset
from railgap.dataset import as_of
from railgap.montecarlo import prepare, reference_outlooks, simulate
from railgap.montecarlo.distributions import draw, uncertainty
from railgap.plants.loading import LOADING_TABLES

DATE = dt.date(2024, 1, 15)
DRAWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
LOOP_DRAWS = 200


def numpy_pass(draws: int, plants: int, months: int, block: int = 10_000) -> float:
    """Seconds for one float32 sum over ``draws x plants x months`` cells (the yardstick).

    Timed on blocks of ``block`` draws (the best of three runs) and scaled, so that the
    yardstick does not hold gigabytes of memory itself.
    """
    cells = np.ones((min(block, draws), plants, months), dtype=np.float32)
    best = min(_timed(cells.sum) for _ in range(3))
    return best * draws / cells.shape[0]


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    dataset = get_dataset()
    a = get_assumptions()
    start = time.perf_counter()
    resolved = as_of(dataset, DATE, (*LOADING_TABLES, "tenders", "fleets"))
    base = prepare(resolved, a)
    u = uncertainty(dataset, resolved, a, base.profile, base.windows)
    draws = draw(u, DRAWS, seed=2024)
    setup = time.perf_counter() - start
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    simulate(base, u, draws, months=240)
    vectorised = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    subset = draws.take(slice(0, LOOP_DRAWS))
    start = time.perf_counter()
    reference_outlooks(base, u, subset)
    loop_per_draw = (time.perf_counter() - start) / LOOP_DRAWS
    per_draw = vectorised / DRAWS
    total = setup + vectorised
    print(f"Monte Carlo as of {DATE}: {DRAWS:,} draws x {len(base.plant_ids)} plants x 240 months")
    print(f"  set-up (as-of view, distributions, draws): {setup * 1000:8.0f} ms")
    print(f"  vectorised simulation:                     {vectorised * 1000:8.0f} ms")
    print(f"  total: {total:.2f} s (target < 5 s: {total / 5:.2f} of target)")
    print(f"  simulation against its target of 1.5 s: {vectorised / 1.5:.2f} of target")
    one_pass = numpy_pass(DRAWS, len(base.plant_ids), 240)
    print(f"  one float32 numpy pass over {DRAWS:,} x {len(base.plant_ids)} x 240 cells:"
          f" {one_pass * 1000:.0f} ms; the simulation is {vectorised / one_pass:.1f} passes"
          " (target <= 15)")
    print(f"  peak memory (max RSS): {peak:,.0f} MiB, {peak - rss_before:+,.0f} MiB in the run"
          f" (target < 1,024 MiB: {peak / 1024:.2f} of target)")
    print(f"  engine loop: {loop_per_draw * 1000:.1f} ms per draw (measured on {LOOP_DRAWS} draws)"
          f" = {loop_per_draw * DRAWS:,.0f} s for {DRAWS:,}")
    speed_up = loop_per_draw / per_draw
    print(f"  vectorised: {per_draw * 1e6:.1f} us per draw; speed-up {speed_up:,.0f}x"
          " (target >= 100x)")


if __name__ == "__main__":
    main()
