"""Plants' status on a date, derived from their rows, work packages and events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from railgap.analysis import get_dataset
from railgap.dataset import as_of
from railgap.plants.status import CLOSED, NEVER_OPENED, NOT_YET_OPEN, OPEN, plant_status

TABLES = ("plants", "work_packages", "plant_events")


def status_on(date: str) -> pd.Series:
    resolved = as_of(get_dataset(), dt.date.fromisoformat(date), TABLES)
    return plant_status(
        resolved["plants"], resolved["work_packages"], resolved.as_of, resolved["plant_events"]
    )


@pytest.mark.parametrize(
    ("date", "plant", "expected"),
    [
        ("2021-06-01", "vivarail_long_marston", OPEN),
        ("2024-01-15", "vivarail_long_marston", CLOSED),  # closed 1 December 2022
        ("2024-01-15", "talgo_longannet", OPEN),  # planned, undated, not yet abandoned
        ("2025-06-01", "talgo_longannet", NEVER_OPENED),  # abandoned January 2025
        ("2024-01-15", "alstom_washwood_heath", CLOSED),
        ("2024-01-15", "hitachi_newton_aycliffe", OPEN),
    ],
)
def test_status_from_the_rows(date, plant, expected):
    assert status_on(date)[plant] == expected


def test_a_plant_dated_to_open_later_is_not_yet_open():
    plants = pd.DataFrame(
        {
            "plant_id": ["a", "b"],
            "opened_y": [2030.0, float("nan")],
            "opened_mo": [6.0, float("nan")],
            "closed_y": [float("nan"), 2020.0],
            "closed_mo": [float("nan"), float("nan")],
        }
    )
    packages = pd.DataFrame({"plant_id": ["b"], "vehicles": pd.array([0], dtype="Int64")})
    status = plant_status(plants, packages, dt.date(2025, 1, 1))
    assert status["a"] == NOT_YET_OPEN
    # Closed from January 2020, never dated open, and its one package builds nothing.
    assert status["b"] == NEVER_OPENED
    events = pd.DataFrame({"plant_id": ["b"], "kind": ["headcount"]})
    assert plant_status(plants, packages, dt.date(2025, 1, 1), events)["b"] == CLOSED
