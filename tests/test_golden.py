"""Golden regressions: outlooks of the embedded dataset on fixed dates, stored as CSV.

A change in these numbers must be on purpose: regenerate with
``RAILGAP_REGEN_GOLDEN=1 pytest tests/test_golden.py`` and review the diff like data.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest

import railgap
from railgap.views.render import OUTLOOK_COLUMNS, to_csv

GOLDEN = Path(__file__).parent / "golden"
DATES = ["2019-06-01", "2024-01-15", "2026-11-25"]
EXACT = [
    "plant_id",
    "backlog_units",
    "backlog_vehicles",
    "backlog_by_class",
    "run_out",
    "next_work",
    "gap_months",
]
CLOSE = ["employees", "jobs_at_risk_peak", "jobs_at_risk_months", "utilisation_now"]


def _current(date: str) -> pd.DataFrame:
    text = to_csv(railgap.outlook(date), OUTLOOK_COLUMNS)
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


@pytest.mark.parametrize("date", DATES)
def test_outlook_matches_golden(date):
    path = GOLDEN / f"outlook_{date}.csv"
    current = _current(date)
    if os.environ.get("RAILGAP_REGEN_GOLDEN") == "1":
        current.drop(columns=["dataset_hash"]).to_csv(path, index=False)
    expected = pd.read_csv(path, keep_default_na=False, na_values=[""])
    current = current.drop(columns=["dataset_hash"])
    assert list(current["plant_id"]) == list(expected["plant_id"])
    pd.testing.assert_frame_equal(current[EXACT], expected[EXACT], check_dtype=False)
    pd.testing.assert_frame_equal(
        current[CLOSE], expected[CLOSE], check_dtype=False, rtol=1e-6, atol=1e-6
    )
