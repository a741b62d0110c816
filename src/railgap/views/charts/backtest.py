"""The backtest's charts: errors by lead, each event's error, and the Monte Carlo's reliability."""

from __future__ import annotations

from typing import Any

import pandas as pd

from railgap.scorecard.periods import COUNT_KINDS
from railgap.views import render
from railgap.views.charts.base import LAYOUT, Chart, plain, table_of

BACKTEST_NOTE = (
    "Sources: each plant event cites a public page (the plant_events table, under Data); the "
    "model's answers read only rows public on the answer's date. Truth as known on "
    "{truth}. railgap {version}, dataset {dataset_hash}, assumptions {assumptions}."
)


def backtest_note(attrs: dict[str, Any], truth: str) -> str:
    """The source note under every backtest chart."""
    return BACKTEST_NOTE.format(
        truth=truth,
        version=attrs.get("railgap_version", ""),
        dataset_hash=str(attrs.get("dataset_hash", ""))[:12],
        assumptions=attrs.get("assumptions", ""),
    )


def errors_by_lead(summary: pd.DataFrame, note_text: str, csv_url: str) -> Chart:
    """Median and 90th-percentile timing error for answers given 0, 6, 12, 24 months ahead."""
    leads = summary[summary["group"] == "lead"].reset_index(drop=True)
    x = [plain(n) for n in leads["name"]]
    traces = [
        {
            "type": "bar",
            "name": name,
            "x": x,
            "y": [render.clean(v) for v in leads[column]],
        }
        for name, column in (
            ("median |error|", "median_abs_error"),
            ("90th percentile |error|", "p90_abs_error"),
        )
    ]
    layout = {
        **LAYOUT,
        "barmode": "group",
        "yaxis": {"title": {"text": "months"}, "rangemode": "tozero"},
    }
    columns, rows = table_of(
        leads, ["name", "scored", "median_abs_error", "p90_abs_error", "share_within"]
    )
    return Chart(
        "chart-backtest-leads",
        "Timing error by how far ahead the answer was given",
        {"data": traces, "layout": layout},
        "Grouped bars of the median and 90th-percentile absolute error in months of run-out, "
        "production and gap answers, given on the event's date and 6, 12 and 24 months before.",
        note_text,
        csv_url,
        columns,
        rows,
    )


def event_errors(events: pd.DataFrame, note_text: str, csv_url: str) -> Chart:
    """Each scored timing event's error on its date, by date stated, one colour per kind."""
    at = events[
        (events["lead_months"] == 0) & events["scored"] & ~events["kind"].isin(COUNT_KINDS)
    ].reset_index(drop=True)
    traces = []
    for kind, group in at.groupby("kind", sort=True):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": plain(str(kind).replace("_", " ")),
                "x": [str(v) for v in group["stated"]],
                "y": [render.clean(v) for v in group["error_months"]],
                "text": [plain(v) for v in group["event_id"]],
                "hovertemplate": "%{text}<br>%{x}: %{y} months<extra></extra>",
            }
        )
    layout = {
        **LAYOUT,
        "xaxis": {"type": "date", "title": {"text": "date of the event"}},
        "yaxis": {"title": {"text": "model minus event, months"}, "zeroline": True},
    }
    columns, rows = table_of(
        at,
        ["event_id", "kind", "stated", "period_from", "period_to", "model_answer", "error_months"],
    )
    return Chart(
        "chart-backtest-events",
        "Each event: the model's answer on its date, months early or late",
        {"data": traces, "layout": layout},
        "Scatter of every scored run-out, production and gap event by the date it was "
        "stated, with the model's error in months on that date (0 is inside the stated period).",
        note_text,
        csv_url,
        columns,
        rows,
    )


def reliability(table: pd.DataFrame, note_text: str, csv_url: str) -> Chart:
    """Predicted chance of a gap against how often one came, per horizon, with the diagonal."""
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "perfectly calibrated",
            "x": [0, 1],
            "y": [0, 1],
            "line": {"dash": "dot"},
            "hoverinfo": "skip",
        }
    ]
    filled = table[table["cases"] > 0].reset_index(drop=True)
    for horizon, group in filled.groupby("horizon_months", sort=True):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": f"gap within {int(str(horizon))} months",
                "x": [render.clean(v) for v in group["mean_predicted"]],
                "y": [render.clean(v) for v in group["observed"]],
                "text": [f"{int(n)} cases" for n in group["cases"]],
                "hovertemplate": "predicted %{x:.2f}, observed %{y:.2f} (%{text})<extra></extra>",
            }
        )
    layout = {
        **LAYOUT,
        "xaxis": {"title": {"text": "simulated chance of a gap"}, "range": [0, 1]},
        "yaxis": {"title": {"text": "share of cases with a gap"}, "range": [0, 1]},
    }
    columns, rows = table_of(
        table, ["horizon_months", "bin", "cases", "mean_predicted", "observed"]
    )
    return Chart(
        "chart-backtest-reliability",
        "Monte Carlo reliability: predicted chance of a gap against what happened",
        {"data": traces, "layout": layout},
        "Lines of the observed share of plant-quarters that entered a gap against the "
        "simulated chance, binned, for 12- and 24-month horizons, beside the diagonal.",
        note_text,
        csv_url,
        columns,
        rows,
    )
