"""Scenario minus baseline: what levers change at each plant, and which lever did it.

Pure functions: the dataset resolved on the scenario's as-of date and the levers in, tables
out. The baseline is the same date with no levers. Each lever is also applied cumulatively,
one after another, so that the change at each plant can be attributed to the lever that made
it ("lever 1 took 4,200 job-months off Newton Aycliffe's gap").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.values import clean
from railgap.plants.loading import Loading, run_loading
from railgap.scenarios.levers import apply_levers
from railgap.scenarios.spec import Lever

COMPARED = [
    "run_out",
    "next_work",
    "gap_months",
    "jobs_at_risk_peak",
    "jobs_at_risk_months",
    "backlog_units",
    "gaps",
]


def _span(gap: dict[str, Any]) -> tuple[int, int]:
    """A gap's first and last month as indices (an open gap ends where its months do)."""
    year, month = map(int, str(gap["start"]).split("-")[:2])
    first = year * 12 + month - 1
    return first, first + int(gap["months"]) - 1


def gap_changes(
    baseline: list[dict[str, Any]], scenario: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each baseline gap with the scenario's gaps that overlap it, and the change.

    A lever can shorten a gap, close it (no scenario gap overlaps), split it in two (a
    bridging order in the middle: both scenario gaps overlap it), or open a new one (a
    scenario gap that overlaps no baseline gap, listed with no baseline). The change sums
    the scenario gaps' months and job-months at risk against the baseline gap's.
    """
    used: set[int] = set()
    out: list[dict[str, Any]] = []

    def total(gaps: list[dict[str, Any]], key: str) -> float:
        return float(sum(_number(clean(g.get(key))) for g in gaps if clean(g.get(key)) is not None))

    def entry(b: dict[str, Any] | None, matched: list[dict[str, Any]]) -> dict[str, Any]:
        base = [b] if b is not None else []
        return {
            "start_baseline": None if b is None else b["start"],
            "end_baseline": None if b is None else b["end"],
            "months_baseline": None if b is None else b["months"],
            "jobs_at_risk_peak_baseline": None if b is None else clean(b["jobs_at_risk_peak"]),
            "scenario": [
                {k: clean(g[k]) for k in ("start", "end", "months", "jobs_at_risk_peak")}
                for g in matched
            ],
            "months_change": total(matched, "months") - total(base, "months"),
            "jobs_at_risk_months_change": total(matched, "jobs_at_risk_months")
            - total(base, "jobs_at_risk_months"),
        }

    spans = [_span(g) for g in scenario or []]
    for b in baseline or []:
        lo, hi = _span(b)
        hits = [i for i, (first, last) in enumerate(spans) if first <= hi and last >= lo]
        used.update(hits)
        out.append(entry(b, [scenario[i] for i in hits]))
    out.extend(entry(None, [g]) for i, g in enumerate(scenario or []) if i not in used)
    return sorted(out, key=lambda e: str(e["start_baseline"] or e["scenario"][0]["start"]))


@dataclass(frozen=True)
class WhatIf:
    """A scenario's outlook, the baseline's, their difference and the levers' notes."""

    baseline: pd.DataFrame
    scenario: pd.DataFrame
    difference: pd.DataFrame
    notes: list[str]
    assumptions: Assumptions  # after the levers (an assumption lever marks it modified)
    baseline_loading: Loading  # the engines' whole answers, for monthly views
    loading: Loading


def _months_between(later: object, earlier: object) -> float:
    """Months from one ``YYYY-MM`` label to another (NaN when either is missing)."""
    if not isinstance(later, str) or not isinstance(earlier, str):
        return np.nan
    (y1, m1), (y0, m0) = (map(int, later.split("-")), map(int, earlier.split("-")))
    return float((y1 - y0) * 12 + (m1 - m0))


def _by_plant(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {
        str(row["plant_id"]): {str(k): v for k, v in row.items()}
        for row in frame.to_dict("records")
    }


def _number(value: Any) -> float:
    """A value as a float, NaN when missing."""
    try:
        return float(value) if value is not None else np.nan
    except (TypeError, ValueError):
        return np.nan


def difference(baseline: pd.DataFrame, scenario: pd.DataFrame) -> pd.DataFrame:
    """Per plant: baseline and scenario values side by side, and the changes."""
    base, scen = _by_plant(baseline), _by_plant(scenario)
    rows = []
    for plant in [*scen, *(p for p in base if p not in scen)]:
        b = base.get(plant, {})
        s = scen.get(plant, b)
        row: dict[str, Any] = {
            "plant_id": plant,
            "name": s["name"],
            "short_name": s.get("short_name") or s["name"],
            "country": s["country"],
        }
        for column in COMPARED:
            row[f"{column}_baseline"] = b.get(column)
            row[column] = s.get(column)
        row["run_out_change_months"] = _months_between(s.get("run_out"), b.get("run_out"))
        row["gap_change_months"] = _number(s.get("gap_months")) - _number(b.get("gap_months"))
        row["jobs_at_risk_months_change"] = _number(s.get("jobs_at_risk_months")) - _number(
            b.get("jobs_at_risk_months")
        )
        row["gap_changes"] = gap_changes(b.get("gaps") or [], s.get("gaps") or [])
        row["changed"] = any(
            clean(row[f"{column}_baseline"]) != clean(row[column])
            for column in COMPARED
        )
        rows.append(row)
    # Named columns: with no plants known (a date before any), no rows still has them.
    columns = [
        "plant_id",
        "name",
        "short_name",
        "country",
        *(c for column in COMPARED for c in (f"{column}_baseline", column)),
        "run_out_change_months",
        "gap_change_months",
        "jobs_at_risk_months_change",
        "gap_changes",
        "changed",
    ]
    return pd.DataFrame(rows, columns=columns)


def run_whatif(
    resolved: Dataset,
    a: Assumptions,
    levers: list[tuple[str, Lever]],
    where: str,
    baseline: Loading | None = None,
) -> WhatIf:
    """Baseline and scenario outlooks on the same date, their difference and attribution.

    ``baseline`` is the engine's run on ``resolved`` with ``a`` when the caller has it.
    """
    first = baseline if baseline is not None else run_loading(resolved, a)
    loadings = [first]
    notes: list[str] = []
    current, final = resolved, a
    # One lever at a time on the previous result: each step's change is that lever's.
    for k, lever in enumerate(levers, start=1):
        applied = apply_levers(current, final, [lever], where, first_index=k)
        loadings.append(run_loading(applied.resolved, applied.assumptions))
        current, final = applied.resolved, applied.assumptions
        notes += applied.notes
    diff = difference(first.outlook, loadings[-1].outlook)
    tables = [_by_plant(step.outlook) for step in loadings]
    diff["levers"] = [_attribution(plant, tables, notes) for plant in diff["plant_id"]]
    return WhatIf(
        first.outlook, loadings[-1].outlook, diff, notes, final, first, loadings[-1]
    )


def _attribution(plant: str, tables: list[dict[str, dict[str, Any]]], notes: list[str]) -> str:
    """Which levers changed a plant's jobs-at-risk-months or run-out, and by how much."""
    said = []
    for k in range(1, len(tables)):
        before, after = tables[k - 1].get(plant), tables[k].get(plant)
        if before is None or after is None:
            continue
        jobs = np.nan_to_num(_number(after["jobs_at_risk_months"])) - np.nan_to_num(
            _number(before["jobs_at_risk_months"])
        )
        moved = (after["run_out"], after["next_work"]) != (before["run_out"], before["next_work"])
        if abs(jobs) > 0.5 or moved:
            label = notes[k - 1].split(".", 1)[0]
            said.append(f"lever {label}: {jobs:+,.0f} job-months")
    return "; ".join(said)
