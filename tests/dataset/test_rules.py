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
    ],
)
def test_a_broken_rule_names_the_line_and_field(changes, column):
    found = _problems(**changes)
    assert [(line, col) for line, col, _ in found] == [(2, column)]


def test_a_fact_may_be_engine_input():
    assert _problems(kind="production_end", engine_input="yes") == []


def test_rows_made_in_code_keep_the_same_rules():
    with pytest.raises(DataError, match="period_to"):
        typed_rows("plant_events", [{**GOOD, "period_to": "2023-01"}], "scenario.yaml")
