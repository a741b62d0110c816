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
    pad = np.zeros((*working.shape[:-1], 1), dtype=np.int32)
    count = np.concatenate([pad, np.cumsum(working, axis=-1, dtype=np.int32)], axis=-1)
    # full[..., i]: months i .. i + run - 1 all working.
    full = (count[..., run:] - count[..., :-run]) == run
    starts = np.concatenate([pad, np.cumsum(full, axis=-1, dtype=np.int32)], axis=-1)
    month = np.arange(t)
    hi = np.minimum(month, t - run) + 1
    lo = np.maximum(month - run + 1, 0)
    kept: np.ndarray = (starts[..., hi] - starts[..., lo]) > 0
    return kept


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
