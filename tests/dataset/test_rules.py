"""Row rules: a plant event's period runs forwards, forecasts are never input, counts count."""

from __future__ import annotations

import csv
import io

import pytest

from railgap.dataset.errors import DataError
from railgap.dataset.reading import read_cells, typed_rows
from railgap.dataset.schema import schema

EVENTS = schema("plant_events")
GOOD = {
    "event_id": "alstom_derby-runout_statement-2023-09",
    "plant_id": "alstom_derby",
    "kind": "runout_statement",
    "stated": "2023-09-11",
    "period_from": "2023-10",
    "period_to": "2023-12",
    "precision": "quarter",
    "value": "",
    "value_of": "",
    "jobs_basis": "",
    "order_id": "",
    "engine_input": "no",
    "source": "https://www.example.org/derby",
    "known_from": "2023-09-11",
    "notes": "",
}


def _problems(**changes: str) -> list[tuple[int | None, str | None, str]]:
    row = {**GOOD, **changes}
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=EVENTS.names, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    lines = list(csv.reader(io.StringIO(text.getvalue())))
    _, problems = read_cells("plant_events.csv", EVENTS, lines[0], [(2, lines[1])])
    return [(p.line, p.column, p.message) for p in problems]


def test_a_good_event_has_no_problem():
    assert _problems() == []


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"period_from": "2024-01", "period_to": "2023-12"}, "period_to"),
        ({"engine_input": "yes"}, "engine_input"),
        ({"kind": "gap_statement", "engine_input": "yes", "value": "6"}, "engine_input"),
        ({"kind": "headcount", "value": ""}, "value"),
        ({"kind": "jobs_at_risk", "value": "-5"}, "value"),
        ({"jobs_basis": "cut"}, "jobs_basis"),
        ({"kind": "jobs_at_risk", "value": "250", "jobs_basis": "redundancy"}, "jobs_basis"),
    ],
)
def test_a_broken_rule_names_the_line_and_field(changes, column):
    found = _problems(**changes)
    assert [(line, col) for line, col, _ in found] == [(2, column)]


def test_a_jobs_event_says_what_it_counts():
    assert _problems(kind="jobs_at_risk", value="250", jobs_basis="cut") == []
    assert _problems(kind="jobs_at_risk", value="750", jobs_basis="") == []


def test_a_fact_may_be_engine_input():
    assert _problems(kind="production_end", engine_input="yes") == []


def test_rows_made_in_code_keep_the_same_rules():
    with pytest.raises(DataError, match="period_to"):
        typed_rows("plant_events", [{**GOOD, "period_to": "2023-01"}], "scenario.yaml")


def _table_problems(table: str, row: dict[str, str]) -> list[tuple[int | None, str | None, str]]:
    """Problems with one CSV row of ``table`` given as column -> cell (others empty)."""
    names = schema(table).names
    cells = [row.get(name, "") for name in names]
    _, problems = read_cells(f"{table}.csv", schema(table), names, [(7, cells)])
    return [(p.line, p.column, p.message) for p in problems]


ORDER = {
    "order_id": "test-999-2024",
    "class": "999",
    "status": "firm",
    "buyer": "A buyer",
    "manufacturer_id": "hitachi",
    "units": "10",
    "cars_per_unit": "5",
    "signed": "2024-01-15",
    "source": "https://www.example.org/order",
    "known_from": "2024-01-15",
}
PACKAGE = {
    "order_id": "test-999-2024",
    "plant_id": "hitachi_newton_aycliffe",
    "stage": "assembly",
    "source": "https://www.example.org/order",
    "known_from": "2024-01-15",
}
PLANT = {
    "plant_id": "test_works",
    "manufacturer_id": "hitachi",
    "name": "Test Works",
    "town": "Testing",
    "country": "GB",
    "stages": "assembly",
    "source": "https://www.example.org/plant",
    "known_from": "2024-01-15",
}


@pytest.mark.parametrize(
    ("table", "row", "column"),
    [
        (
            "orders",
            {**ORDER, "planned_first_delivery": "2027-05", "planned_last_delivery": "2027-03"},
            "planned_last_delivery",
        ),
        (
            "orders",
            {**ORDER, "actual_first_delivery": "2026", "actual_last_delivery": "2025-12-31"},
            "actual_last_delivery",
        ),
        ("work_packages", {**PACKAGE, "build_start": "2026-02", "build_end": "2025"}, "build_end"),
        ("plants", {**PLANT, "opened": "2020-06-01", "closed": "2019"}, "closed"),
    ],
)
def test_an_inverted_window_names_the_file_row_and_field(table, row, column):
    found = _table_problems(table, row)
    assert [(line, col) for line, col, _ in found] == [(7, column)], found
    assert "ends before it starts" in found[0][2]


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("orders", {**ORDER, "planned_first_delivery": "2027", "planned_last_delivery": "2027-03"}),
        ("work_packages", {**PACKAGE, "build_start": "2026-02", "build_end": "2026-02"}),
        ("plants", {**PLANT, "opened": "2020", "closed": "2020-01"}),
    ],
)
def test_a_window_that_can_stand_is_read(table, row):
    assert _table_problems(table, row) == []


@pytest.mark.parametrize(
    ("table", "row", "column"),
    [
        ("orders", {**ORDER, "signed": "２０２４-01-15"}, "signed"),
        ("orders", {**ORDER, "units": "１０"}, "units"),
        ("work_packages", {**PACKAGE, "build_start": "2026-０２"}, "build_start"),
    ],
)
def test_full_width_digits_are_refused_naming_the_field(table, row, column):
    found = _table_problems(table, row)
    assert [(line, col) for line, col, _ in found] == [(7, column)], found
    assert "digits 0-9" in found[0][2]


def test_lever_made_rows_keep_the_window_rule():
    row = {**ORDER, "planned_first_delivery": "2027-05", "planned_last_delivery": "2027-03"}
    with pytest.raises(DataError, match="planned_last_delivery"):
        typed_rows("orders", [row], "scenario.yaml")
