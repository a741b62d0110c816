"""carry_forward: capping load at capacity and carrying the excess, even over no months."""

from __future__ import annotations

import numpy as np

from railgap.montecarlo.base import carry_forward


def test_no_months_carries_the_carry_unchanged():
    load = np.zeros((2, 0))
    carry = np.array([1.0, 0.0, 0.0])
    out = carry_forward(load, np.array([5.0, 5.0]), carry[:2])
    assert out.tolist() == [1.0, 0.0]


def test_excess_moves_to_the_next_month():
    load = np.array([[8.0, 0.0, 0.0]])
    carry_forward(load, np.array([5.0]), np.zeros(1))
    assert load.tolist() == [[5.0, 3.0, 0.0]]
