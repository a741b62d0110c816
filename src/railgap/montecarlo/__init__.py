"""The Monte Carlo: plant outlooks over many drawn futures, vectorised over draws.

Pure functions over the loading engine's tables, the draws
(:mod:`railgap.montecarlo.distributions`) and the assumptions; no I/O. The engine is the
deterministic one of :mod:`railgap.plants.loading`, restated over a third axis of draws:

1. **Base** (:func:`prepare`): the schedule's work windows as known on the date, each window
   still running at the as-of month split in two (the part done, the part to come); the past
   is the same in every draw and is loaded, capped and measured once.
2. **Future load** (:mod:`~railgap.montecarlo.layout`): per draw, the firm orders' windows
   to come, delayed by the draw's slippage (windows not yet started move; work under way
   keeps its pace), and the awarded tenders' windows at the winner's plants, laid out as
   difference arrays and summed with ``np.bincount``; then each plant's stated capacity
   carries excess forward (Lindley's recursion in closed form).
3. **Outlook per draw** (:mod:`~railgap.montecarlo.measure`): run-out, next work, gap and
   jobs-at-risk-months exactly as :func:`railgap.plants.loading.outlook_from` defines them, and
   whether each plant is in a gap in each month; chunks run on threads
   (:mod:`~railgap.montecarlo.run`) and :mod:`~railgap.montecarlo.summary` reads the
   chances and quantiles off the draws.

:func:`reference_outlooks` is the straightforward alternative: one call of the deterministic
engine per draw. Both must agree on the same draws (a test holds them to it); the benchmark
measures how much faster the vectorised path is.
"""

from __future__ import annotations

from railgap.montecarlo.base import EMPTY, TOL, Base, prepare, slip_windows, split_at
from railgap.montecarlo.layout import Layout, layout_of, tender_first_delivery
from railgap.montecarlo.reference import awarded_orders, reference_outlooks
from railgap.montecarlo.run import Simulated, active_rows, simulate
from railgap.montecarlo.summary import SUMMARY_FIELDS, gap_probability, run_out_by, summarise

__all__ = [
    "EMPTY",
    "SUMMARY_FIELDS",
    "TOL",
    "Base",
    "Layout",
    "Simulated",
    "active_rows",
    "awarded_orders",
    "gap_probability",
    "layout_of",
    "prepare",
    "reference_outlooks",
    "run_out_by",
    "simulate",
    "slip_windows",
    "split_at",
    "summarise",
    "tender_first_delivery",
]
