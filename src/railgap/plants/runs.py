"""Sustained work: months at the viable rate that last long enough to keep a workforce.

A plant at or above its viable rate for a month or two between months below it has not
got work back: such a blip (often two orders' windows overlapping by a month, each dated
only by a year) does not end a gap, and its months count as below the rate.
"""

from __future__ import annotations

import numpy as np


def sustained(working: np.ndarray, run: int) -> np.ndarray:
    """``working`` (months on the last axis) less every run shorter than ``run`` months.

    A month stays working only if it lies in an unbroken stretch of at least ``run``
    working months; ``run`` of 1 or less changes nothing. Runs cut by either end of the
    array are judged by the months the array holds.
    """
    working = np.asarray(working, dtype=bool)
    t = working.shape[-1]
    if run <= 1 or t == 0:
        return working.copy()
    if t < run:
        return np.zeros_like(working)
    # Months i .. i + run - 1 all working (erosion), then every month of such a stretch
    # (dilation): boolean passes only, a few whatever ``run`` (see :func:`_windows`).
    full = _windows(working, run, np.logical_and)
    edge = np.zeros((*working.shape[:-1], run - 1), dtype=bool)
    kept: np.ndarray = _windows(np.concatenate([edge, full, edge], axis=-1), run, np.logical_or)
    return kept


def _windows(values: np.ndarray, run: int, op: np.ufunc) -> np.ndarray:
    """``op`` (and, or) over each ``run`` consecutive booleans on the last axis.

    By doubling: windows of ``k`` months combine into windows of ``2k`` until ``k`` is the
    largest power of two not above ``run``; two of those, overlapping, cover ``run`` months.
    About ``2 log2(run)`` passes over the array, each a byte a cell.
    """
    out = values
    k = 1
    while 2 * k <= run:
        out = op(out[..., :-k], out[..., k:])
        k *= 2
    rest = run - k
    if rest:
        out = op(out[..., : out.shape[-1] - rest], out[..., rest:])
    return out


def sliding_min(values: np.ndarray, run: int) -> np.ndarray:
    """Minimum of each ``run`` consecutive values on the last axis (``t - run + 1`` of them).

    Empty on that axis when there are fewer than ``run`` values.
    """
    values = np.asarray(values, dtype="float64")
    t = values.shape[-1]
    if run <= 1:
        return values.copy()
    if t < run:
        return values[..., :0]
    windows = np.lib.stride_tricks.sliding_window_view(values, run, axis=-1)
    floor: np.ndarray = windows.min(axis=-1)
    return floor
