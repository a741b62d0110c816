"""Scenario and Monte Carlo charts: a plant under a scenario, and the chance of a gap."""

from __future__ import annotations

from typing import Any

import pandas as pd

from railgap.views import render
from railgap.views.charts.base import LAYOUT, Chart, note, table_of

#: How a chart tells the two runs apart: the baseline dashed, the scenario solid.
DASH = {"baseline": "dash", "scenario": "solid"}


def _run_line(name: str, run: str, x: list[Any], y: list[Any]) -> dict[str, Any]:
    """A line of one run (``baseline`` or ``scenario``), dashed as :data:`DASH` says."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "line": {"dash": DASH[run]},
        "x": x,
        "y": y,
    }


def scenario_plant(
    baseline: pd.DataFrame, scenario: pd.DataFrame, attrs: dict[str, Any], csv_url: str
) -> Chart:
    """One plant's monthly load and jobs at risk, baseline (dashed) against scenario."""
    traces = [
        _run_line(
            f"load, {label}",
            label,
            frame["month"].tolist(),
            [render.clean(v) for v in frame["vehicle_equivalents"]],
        )
        for frame, label in ((baseline, "baseline"), (scenario, "scenario"))
    ]
    merged = baseline[["month", "vehicle_equivalents", "jobs_at_risk"]].merge(
        scenario[["month", "vehicle_equivalents", "jobs_at_risk"]],
        on="month",
        how="outer",
        suffixes=("_baseline", "_scenario"),
    )
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "vehicle-equivalents a month"}},
        "xaxis": {"type": "date"},
    }
    columns, rows = table_of(merged, list(merged.columns))
    return Chart(
        "chart-scenario-plant",
        "Scenario against baseline: monthly loading",
        {"data": traces, "layout": layout},
        "Line chart of the plant's monthly work in the baseline (dashed) and the scenario.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )


#: The dashboard's Monte Carlo: draws, seed and months (the API and CLI take others), so
#: that a page, its CSV and the API's default answer are the same run.
PAGE_SIMULATION = {"draws": 2000, "seed": 2024, "months": 240}


def gap_chance(
    gap: pd.Series,
    run_out: pd.Series,
    summary: dict[str, Any],
    attrs: dict[str, Any],
    csv_url: str,
) -> Chart:
    """A plant's Monte Carlo fan: chance of being in a gap each month, and of having run out."""
    months = [str(m) for m in gap.index]
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "chance of being in a gap",
            "x": months,
            "y": [round(float(v), 3) for v in gap],
            "fill": "tozeroy",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "chance work has run out by then",
            "x": months,
            "y": [round(float(v), 3) for v in run_out],
            "line": {"dash": "dot"},
        },
    ]
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "probability"}, "range": [0, 1], "tickformat": ".0%"},
        "xaxis": {"type": "date"},
    }
    frame = pd.DataFrame(
        {"month": months, "p_in_gap": gap.to_numpy(), "p_run_out_by": run_out.to_numpy()}
    )
    columns, rows = table_of(frame, ["month", "p_in_gap", "p_run_out_by"])
    p_gap = summary.get("p_gap")
    chance = "" if p_gap is None else f" Chance of a gap in the period: {p_gap:.0%}."
    return Chart(
        "chart-gap-chance",
        f"Chance of a gap by month (Monte Carlo, {summary['draws']:,} draws)",
        {"data": traces, "layout": layout},
        "Line chart of the chance, month by month, that the plant is below its minimum viable "
        "rate, over futures drawn for open tenders (award, date, winner, size) and late "
        f"deliveries of firm orders.{chance}",
        note(attrs) + " Distributions learnt from tenders decided and orders delivered by that "
        "date (docs/uncertainty.md).",
        csv_url,
        columns,
        rows,
    )


def scenario_jobs(table: pd.DataFrame, attrs: dict[str, Any], csv_url: str) -> Chart:
    """Job-months at risk at each GB plant, baseline against scenario (the scenario page's)."""
    gb = table[table["country"] == "GB"]
    names = [str(s or n) for s, n in zip(gb["short_name"], gb["name"], strict=True)]
    traces = [
        {
            "type": "bar",
            "name": label,
            "x": names,
            "y": [render.clean(v) for v in gb[column]],
        }
        for label, column in (
            ("baseline", "jobs_at_risk_months_baseline"),
            ("scenario", "jobs_at_risk_months"),
        )
    ]
    layout = {
        **LAYOUT,
        "barmode": "group",
        "yaxis": {"title": {"text": "job-months at risk"}},
    }
    columns, rows = table_of(
        gb, ["plant_id", "name", "jobs_at_risk_months_baseline", "jobs_at_risk_months"]
    )
    return Chart(
        "chart-scenario-jobs",
        "Job-months at risk by plant: baseline and scenario",
        {"data": traces, "layout": layout},
        "Grouped bar chart of job-months at risk at each GB plant, baseline against scenario.",
        note(attrs) + " Levers are the scenario's own assumptions.",
        csv_url,
        columns,
        rows,
    )


def scenario_loading(months: pd.DataFrame, attrs: dict[str, Any], csv_url: str) -> Chart:
    """Each changed plant's monthly load, baseline (dashed) against scenario (solid)."""
    traces = []
    for plant_id, rows in months.groupby("plant_id", sort=True):
        for label in DASH:
            traces.append(
                _run_line(
                    f"{plant_id} {label}",
                    label,
                    [str(m) for m in rows["month"]],
                    [render.clean(v) for v in rows[f"vehicle_equivalents_{label}"]],
                )
            )
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "vehicle-equivalents a month"}},
        "xaxis": {"type": "date"},
    }
    columns, table = table_of(months, list(months.columns))
    return Chart(
        "chart-scenario-months",
        "Monthly loading of changed plants: baseline and scenario",
        {"data": traces, "layout": layout},
        "Line chart of each changed plant's monthly work, baseline dashed, scenario solid.",
        note(attrs) + " Vehicle-equivalents a month, from the loading engine.",
        csv_url,
        columns,
        table,
    )


def scenario_gap(
    baseline: pd.DataFrame,
    scenario: pd.DataFrame,
    plants: list[str],
    draws: int,
    attrs: dict[str, Any],
    csv_url: str,
) -> Chart:
    """The chance of a gap by month for each changed plant, baseline against scenario.

    ``baseline`` and ``scenario`` are Monte Carlo ``gap_probability`` tables (months by
    plants); a plant missing from either is left out.
    """
    traces = []
    rows = []
    for plant_id in plants:
        if plant_id not in baseline.columns or plant_id not in scenario.columns:
            continue
        for label, frame in (("baseline", baseline), ("scenario", scenario)):
            traces.append(
                _run_line(
                    f"{plant_id} {label}",
                    label,
                    [str(m) for m in frame.index],
                    [round(float(v), 3) for v in frame[plant_id]],
                )
            )
        for m, b, s in zip(scenario.index, baseline[plant_id], scenario[plant_id], strict=False):
            rows.append([plant_id, str(m), round(float(b), 3), round(float(s), 3)])
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "probability"}, "range": [0, 1], "tickformat": ".0%"},
        "xaxis": {"type": "date"},
    }
    return Chart(
        "chart-scenario-gap",
        "Chance of a gap by month (Monte Carlo): baseline and scenario",
        {"data": traces, "layout": layout},
        f"Line chart, for each changed plant, of the chance it is below its minimum viable "
        f"rate each month, over {draws:,} drawn futures: baseline dashed, scenario solid.",
        note(attrs) + " Futures drawn for open tenders and late deliveries of firm orders "
        "(docs/uncertainty.md).",
        csv_url,
        ["plant_id", "month", "p_in_gap_baseline", "p_in_gap_scenario"],
        rows,
    )
