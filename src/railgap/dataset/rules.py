"""Rules one row must keep beyond its cells' types: what the schema's columns cannot say alone.

Each rule reads one typed row (as :func:`railgap.dataset.reading.read_cells` builds it) and
returns problems naming the row's file, line and the column at fault, so a file breaking one
is refused when read or imported, with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from railgap.dataset.dates import parse_partial, window_problem
from railgap.dataset.errors import Problem

#: Kinds of plant event that state the future: the backtest's answers, never engine input.
FORWARD_EVENT_KINDS = frozenset({"runout_statement", "gap_statement"})
#: Kinds of plant event that state a number in ``value``.
VALUE_EVENT_KINDS = frozenset({"jobs_at_risk", "headcount", "gap_statement"})


def _month(text: str) -> tuple[int, int]:
    year, month, _ = parse_partial(text)
    return year, month or 1


def plant_event_problems(row: dict[str, Any], where: str, line: int) -> list[Problem]:
    """A plant event's period runs forwards; forecasts are never input; counts have a value.

    Only a jobs-at-risk event says what its figure counts (``jobs_basis``).
    """
    problems = []
    start, end = row.get("period_from"), row.get("period_to")
    if start and end and _month(str(end)) < _month(str(start)):
        problems.append(Problem(where, line, "period_to", f"{end} is before period_from {start}"))
    kind = row.get("kind")
    if kind in FORWARD_EVENT_KINDS and row.get("engine_input") == "yes":
        problems.append(
            Problem(
                where,
                line,
                "engine_input",
                f"a {kind} states the future: it is what the backtest scores, never an "
                "engine input (set no)",
            )
        )
    if kind in VALUE_EVENT_KINDS and row.get("value") is None:
        problems.append(Problem(where, line, "value", f"is required for a {kind}"))
    value = row.get("value")
    if value is not None and value < 0:
        problems.append(Problem(where, line, "value", f"must be 0 or more, not {value}"))
    if row.get("jobs_basis") and kind != "jobs_at_risk":
        problems.append(
            Problem(where, line, "jobs_basis", f"is for jobs_at_risk events only, not a {kind}")
        )
    return problems


#: Each table's windows: (first, last) columns of partial dates that must not run backwards.
WINDOWS: dict[str, tuple[tuple[str, str], ...]] = {
    "orders": (
        ("planned_first_delivery", "planned_last_delivery"),
        ("actual_first_delivery", "actual_last_delivery"),
    ),
    "work_packages": (("build_start", "build_end"),),
    "plants": (("opened", "closed"),),
}


def window_problems(table: str, row: dict[str, Any], where: str, line: int) -> list[Problem]:
    """A delivery, build or opening window that ends before it starts, at its last column."""
    problems = []
    for first, last in WINDOWS.get(table, ()):
        start, end = row.get(first), row.get(last)
        if start and end and (said := window_problem(str(start), str(end), first)):
            problems.append(Problem(where, line, last, said))
    return problems


RULES: dict[str, Callable[[dict[str, Any], str, int], list[Problem]]] = {
    "plant_events": plant_event_problems,
}


def row_problems(table: str, row: dict[str, Any], where: str, line: int) -> list[Problem]:
    """Every rule's problems with one typed row of ``table``: its windows, then its own rule."""
    rule = RULES.get(table)
    return window_problems(table, row, where, line) + (rule(row, where, line) if rule else [])
