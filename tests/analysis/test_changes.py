"""What changed between two dates: rows known between them, and the outlook on each date."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

import railgap
from railgap.analysis.changed import changes
from railgap.dataset.changes import rows_known_between
from railgap.dataset.errors import DateError

SINCE, TO = "2024-01-01", "2024-06-30"


@pytest.fixture(scope="module")
def result():
    return changes(SINCE, TO)


def test_rows_are_those_public_after_since_and_by_to(result):
    dataset = railgap.analysis.get_dataset()
    for table, frame in dataset.tables.items():
        if table == "manufacturers":
            continue
        known = frame["_known_by"]
        expected = int(((known > "2024-01-01") & (known <= "2024-06-30")).sum())
        assert (result.rows["table"] == table).sum() == expected, table
    assert result.rows["source"].str.startswith("http").all()
    assert set(result.rows["kind"]) <= {"new", "revised", "slip"}
    assert result.rows["known_by"].between("2024-01-02", "2024-06-30").all()


def test_a_revision_says_what_changed():
    dataset = railgap.analysis.get_dataset()
    rows = rows_known_between(dataset, dt.date(2024, 2, 7), dt.date(2024, 2, 8))
    row = rows[(rows["table"] == "orders") & (rows["key"] == "wmt-730-3car-2017")].iloc[0]
    assert row["kind"] == "revised"
    assert "units_delivered - -> 48" in row["what"]


def test_the_plants_outlook_is_the_outlook_on_each_date(result):
    before = railgap.analysis.outlook(SINCE).set_index("plant_id")
    after = railgap.analysis.outlook(TO).set_index("plant_id")
    plants = result.plants.set_index("plant_id")
    for plant in ("hitachi_newton_aycliffe", "alstom_derby"):
        assert plants.loc[plant, "run_out_baseline"] == before.loc[plant, "run_out"]
        assert plants.loc[plant, "run_out"] == after.loc[plant, "run_out"]
        assert plants.loc[plant, "jobs_at_risk_months_change"] == pytest.approx(
            after.loc[plant, "jobs_at_risk_months"] - before.loc[plant, "jobs_at_risk_months"]
        )
    assert result.rows.attrs["since"] == SINCE
    assert result.rows.attrs["as_of"] == TO


def test_since_must_be_before_to():
    with pytest.raises(DateError, match="must be before"):
        changes(TO, SINCE)


def test_cli_json_and_a_bad_range():
    cli = [sys.executable, "-m", "railgap.cli", "changes"]
    ok = subprocess.run(
        [*cli, "--since", "2024-03-01", "--to", "2024-03-31", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    body = json.loads(ok.stdout)
    assert body["since"] == "2024-03-01"
    assert body["to"] == "2024-03-31"
    assert body["rows"]
    assert all(r["source"] for r in body["rows"])
    bad = subprocess.run(
        [*cli, "--since", "2024-03-31", "--to", "2024-03-01"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "must be before" in bad.stderr
