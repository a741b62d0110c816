from __future__ import annotations

import datetime as dt

import pytest

from railgap.checks.data import check_orders_completed, consistency_problems
from railgap.dataset import load_dataset
from railgap.dataset.errors import ConsistencyError
from railgap.testing import TOY_ROWS, write_tables


def test_toy_nation_is_consistent(toy):
    assert consistency_problems(load_dataset(toy)) == []


def test_an_order_long_past_its_plans_without_completion_is_flagged(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["orders"] = [r for r in rows["orders"] if r["known_from"] != "2021-09-30"]
    write_tables(tmp_path, rows)
    dataset = load_dataset(tmp_path)
    problems = check_orders_completed(dataset, today=dt.date(2025, 1, 1))
    assert [p.message.split(":")[0] for p in problems] == ["order beta-200-2019"]
    # Two years after the plan is not yet "long past".
    assert check_orders_completed(dataset, today=dt.date(2022, 6, 1)) == []


def test_strict_mode_raises(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["work_packages"] = rows["work_packages"][1:]
    write_tables(tmp_path, rows)
    with pytest.raises(ConsistencyError, match="alpha-100-2018 has no work_packages row"):
        consistency_problems(load_dataset(tmp_path), strict=True)
