"""Test helpers: the toy nation dataset, invariant assertions and tiny optimiser instances.

For tests, docs and demos: :mod:`~railgap.testing.toy` (a dataset small enough to work out
by hand), :mod:`~railgap.testing.invariants` and :mod:`~railgap.testing.instances`.
"""

from __future__ import annotations

from railgap.testing.instances import tiny_instance
from railgap.testing.invariants import (
    assert_capacity_respected,
    assert_plan_within_capacity,
    assert_vehicles_conserved,
)
from railgap.testing.toy import (
    SOURCE,
    TOY_OPTION,
    TOY_ROWS,
    TOY_TENDERS,
    toy_nation,
    write_tables,
)

__all__ = [
    "SOURCE",
    "TOY_OPTION",
    "TOY_ROWS",
    "TOY_TENDERS",
    "assert_capacity_respected",
    "assert_plan_within_capacity",
    "assert_vehicles_conserved",
    "tiny_instance",
    "toy_nation",
    "write_tables",
]
