"""Lists that mean what they say: gone plants left out, comparisons of one date only."""

from __future__ import annotations

from pathlib import Path

import pytest

import railgap
from railgap.dataset.errors import DataError

EXAMPLES = Path(__file__).parents[2] / "examples" / "scenarios"
GONE = {"vivarail_long_marston", "alstom_washwood_heath"}  # closed 2022 and 2005


def test_compare_leaves_out_closed_plants_unless_all():
    paths = [EXAMPLES / "do_nothing.yaml", EXAMPLES / "west_coast_2024.yaml"]
    shown = railgap.compare_scenarios(paths)
    plants = set(shown.index.get_level_values("plant_id"))
    assert "hitachi_newton_aycliffe" in plants
    assert not GONE & plants
    every = railgap.compare_scenarios(paths, all_plants=True)
    assert set(every.index.get_level_values("plant_id")) >= GONE
    row = shown.loc[("West Coast order placed in February 2024", "hitachi_newton_aycliffe")]
    # Baseline, scenario and change side by side.
    assert row["jobs_at_risk_months_change"] == pytest.approx(
        row["jobs_at_risk_months"] - row["jobs_at_risk_months_baseline"]
    )
    assert row["run_out_baseline"] < row["run_out"]
    assert shown.attrs["as_of"] == "2024-01-15"


def test_compare_refuses_scenarios_of_different_dates():
    with pytest.raises(DataError, match=r"tpe_award_caf.yaml: as_of: is 2025-07-31"):
        railgap.compare_scenarios([EXAMPLES / "do_nothing.yaml", EXAMPLES / "tpe_award_caf.yaml"])


def test_simulation_leaves_out_closed_plants_unless_all():
    sim = railgap.run_simulation(as_of="2024-01-15", draws=50, seed=1, months=60)
    assert "vivarail_long_marston" not in set(sim.summary["plant_id"])
    assert "vivarail_long_marston" not in sim.gap_probability.columns
    every = railgap.run_simulation(
        as_of="2024-01-15", draws=50, seed=1, months=60, all_plants=True
    )
    assert "vivarail_long_marston" in set(every.summary["plant_id"])
