"""Every assumption is finite and in its stated range, from any source (issue 16)."""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

import pytest
import yaml

from railgap.dataset.assumptions import RANGES, default_assumptions, read_assumptions
from railgap.dataset.errors import DataError


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("min_viable_share", math.nan, "not a finite number"),
        ("supply_chain_jobs_per_direct_job", math.inf, "not a finite number"),
        ("outlook_horizon_months", 0, "out of range"),
        ("outlook_horizon_months", 12.5, "not a whole number"),
        ("min_viable_share", 1.5, "out of range"),
        ("year_only_month", 13, "out of range"),
        ("delivery_rate_vehicles_per_month", 0, "out of range"),
        ("diesel_only_out_by_year", 1066, "not a year"),
    ],
)
def test_an_override_out_of_range_names_the_source_and_field(name, value, said):
    with pytest.raises(DataError) as info:
        default_assumptions().with_overrides({name: value}, "s.yaml: lever 1")
    problem = info.value.problems[0]
    assert problem.file == "s.yaml: lever 1"
    assert problem.column == f"assumptions.{name}.value"
    assert said in problem.message


def test_a_table_value_out_of_range_names_its_key():
    shares = {**default_assumptions().table("stage_share"), "test": math.nan}
    with pytest.raises(DataError) as info:
        default_assumptions().with_overrides({"stage_share": shares})
    assert info.value.problems[0].column == "assumptions.stage_share.value.test"


def test_an_assumptions_file_with_nan_is_refused(tmp_path: Path):
    text = resources.files("railgap.data").joinpath("assumptions.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["assumptions"]["fleet_growth_per_year"]["value"] = float("nan")
    data["assumptions"]["outlook_horizon_months"]["value"] = 0
    file = tmp_path / "mine.yaml"
    file.write_text(yaml.safe_dump(data), "utf-8")
    with pytest.raises(DataError) as info:
        read_assumptions(file)
    fields = {(p.file, p.column) for p in info.value.problems}
    assert fields == {
        ("mine.yaml", "assumptions.fleet_growth_per_year.value"),
        ("mine.yaml", "assumptions.outlook_horizon_months.value"),
    }


def test_the_packaged_assumptions_are_in_range_and_every_one_has_a_range():
    a = default_assumptions()
    assert set(a.assumptions) <= set(RANGES)
