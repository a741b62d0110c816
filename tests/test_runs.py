from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from railgap.plants.loading import below_viable
from railgap.plants.runs import sliding_min, sustained


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of True."""
    out, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i - start))
            start = None
    return out


def test_a_short_run_between_idle_months_is_not_work():
    working = np.array([1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1], dtype=bool)
    kept = sustained(working, 3)
    assert kept.astype(int).tolist() == [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert sustained(working, 1).tolist() == working.tolist()


def test_below_viable_counts_a_blip_at_the_rate_as_below():
    load = np.array([[6.0, 6.0, 6.0, 0.0, 6.0, 0.0, 0.0, 6.0, 6.0, 6.0]])
    viable = np.array([2.0])
    assert below_viable(load, viable, 3).astype(int).tolist() == [[0, 0, 0, 1, 1, 1, 1, 0, 0, 0]]
    assert below_viable(load, viable, 1).astype(int).tolist() == [[0, 0, 0, 1, 0, 1, 1, 0, 0, 0]]


@given(st.lists(st.booleans(), max_size=40), st.integers(min_value=1, max_value=24))
def test_sustained_keeps_exactly_the_long_runs(flags, run):
    kept = sustained(np.array(flags, dtype=bool), run).tolist()
    expected = [False] * len(flags)
    for start, length in _runs(flags):
        if length >= run:
            expected[start : start + length] = [True] * length
    assert kept == expected


@given(
    st.lists(st.lists(st.booleans(), min_size=12, max_size=12), min_size=1, max_size=4),
    st.integers(min_value=1, max_value=6),
)
def test_sustained_judges_each_row_alone(rows, run):
    grid = np.array(rows, dtype=bool)
    together = sustained(grid[None, :, :], run)[0]
    for i, row in enumerate(grid):
        assert together[i].tolist() == sustained(row, run).tolist()


@given(
    st.lists(st.floats(min_value=0, max_value=100), max_size=30),
    st.integers(min_value=1, max_value=6),
)
def test_sliding_min_is_the_minimum_of_each_window(values, run):
    got = sliding_min(np.array(values), run).tolist()
    expected = [min(values[i : i + run]) for i in range(len(values) - run + 1)]
    assert got == expected
