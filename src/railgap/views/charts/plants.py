"""Plant charts: monthly load, jobs, national loading, order Gantt and jobs at risk."""

from __future__ import annotations

from typing import Any

import pandas as pd

from railgap.views import render
from railgap.views.charts.base import (
    LAYOUT,
    VIABLE_STYLE,
    Chart,
    as_of_marker,
    note,
    plain,
    series_colours,
    short_names,
    table_of,
)


def plant_loading(
    loads: pd.DataFrame, months: pd.DataFrame, attrs: dict[str, Any], csv_url: str
) -> Chart:
    """A plant's monthly vehicle-equivalents stacked by order, with the minimum viable rate.

    Only the months of ``months`` (the window shown) are drawn, and only the orders with work
    in them, one colour each. The minimum viable rate (the level below which a month is in a
    gap, which defines run-out) is a dashed line, the as-of date a dotted vertical one, and
    the y-axis runs to the higher of the load and that rate, not to the capacity.
    """
    if len(months):
        first, last = months["month"].min(), months["month"].max()
        loads = loads[(loads["month"] >= first) & (loads["month"] <= last)]
    orders = list(dict.fromkeys(loads["order_id"]))
    traces: list[dict[str, Any]] = []
    for (order_id, part), colour in zip(
        loads.groupby("order_id", sort=False), series_colours(len(orders)), strict=True
    ):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "orders",
                "meta": "order",
                "name": plain(f"{order_id} ({part['class'].iloc[0]})"),
                "line": {"color": colour, "width": 0.5},
                "fillcolor": colour,
                "x": part["month"].tolist(),
                "y": [round(float(v), 3) for v in part["vehicle_equivalents"]],
                "hovertemplate": "%{x}: %{y:.1f} veh.-eq.<extra>%{fullData.name}</extra>",
            }
        )
    top = float(loads.groupby("month")["vehicle_equivalents"].sum().max()) if len(loads) else 0.0
    if len(months) and "viable" in months and months["viable"].notna().any():
        viable = months["viable"].astype("float64")
        top = max(top, float(viable.max()))
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "meta": "viable",
                "name": "minimum viable rate",
                "line": VIABLE_STYLE,
                "x": months["month"].tolist(),
                "y": [render.clean(round(float(v), 3)) for v in viable],
                "hovertemplate": "%{x}: viable at %{y:.1f} veh.-eq.<extra></extra>",
            }
        )
    marker = as_of_marker(str(attrs.get("as_of", "")))
    layout = {
        **LAYOUT,
        **marker,
        "yaxis": {
            "title": {"text": "vehicle-equivalents a month"},
            "range": [0, round(1.1 * top, 3) if top > 0 else 1],
        },
        "xaxis": {"type": "date"},
    }
    columns, rows = table_of(loads, ["month", "order_id", "class", "vehicle_equivalents"])
    return Chart(
        "chart-loading",
        "Monthly loading by order, against the minimum viable rate",
        {"data": traces, "layout": layout},
        "Stacked area chart of the plant's scheduled work each month, one colour per order, "
        "with the minimum viable rate as a dashed line (months below it are a gap) and the "
        "as-of date as a dotted vertical line.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )


def plant_jobs(months: pd.DataFrame, attrs: dict[str, Any], csv_url: str) -> Chart:
    """A plant's headcount, labour needed and jobs at risk by month."""
    x = months["month"].tolist()
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": x,
            "y": [render.clean(v) for v in months[column]],
        }
        for column, name in (
            ("employees", "employees"),
            ("labour_needed", "labour needed"),
            ("jobs_at_risk", "jobs at risk"),
        )
    ]
    layout = {**LAYOUT, "yaxis": {"title": {"text": "people"}}, "xaxis": {"type": "date"}}
    columns, rows = table_of(months, ["month", "employees", "labour_needed", "jobs_at_risk"])
    return Chart(
        "chart-jobs",
        "Jobs at risk by month",
        {"data": traces, "layout": layout},
        "Line chart of the plant's employees, the labour its scheduled work needs, and the "
        "jobs at risk in months below the minimum viable rate.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )


def national_loading(
    plant_months: pd.DataFrame, names: dict[str, str], attrs: dict[str, Any], csv_url: str
) -> Chart:
    """Each plant's monthly load, stacked: the national order book over time."""
    traces = []
    for plant_id, part in plant_months.groupby("plant_id", sort=False):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "plants",
                "name": plain(names.get(str(plant_id), str(plant_id))),
                "x": part["month"].tolist(),
                "y": [round(float(v), 3) for v in part["vehicle_equivalents"]],
            }
        )
    layout = {
        **LAYOUT,
        **as_of_marker(str(attrs.get("as_of", ""))),
        "yaxis": {"title": {"text": "vehicle-equivalents a month"}},
        "xaxis": {"type": "date"},
    }
    columns, rows = table_of(plant_months, ["month", "plant_id", "vehicle_equivalents"])
    return Chart(
        "chart-national-loading",
        "Loading by plant over time",
        {"data": traces, "layout": layout},
        "Stacked area chart of the work scheduled at each plant each month.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )


def gantt_trace(
    name: str,
    starts: list[Any],
    ends: list[Any],
    rows: list[str],
    labels: list[str],
    colour: str | None = None,
) -> dict[str, Any]:
    """One Plotly trace drawing a bar per (start, end) on its row, with its label on hover.

    Rows (the axis's category labels) and labels are data text, shown literally (:func:`plain`).
    """
    return {
        "type": "scatter",
        "mode": "lines",
        "name": plain(name),
        "x": [v for s, e in zip(starts, ends, strict=True) for v in (s, e, None)],
        "y": [v for r in rows for v in (plain(r), plain(r), None)],
        "text": [v for t in labels for v in (plain(t), plain(t), None)],
        "line": {"width": 10, **({"color": colour} if colour else {})},
        "hovertemplate": "%{text}<extra></extra>",
        "connectgaps": False,
    }


def gantt_layout(n_rows: int, legend: bool = False) -> dict[str, Any]:
    """A Gantt chart's layout: months across, one row per plant, tall enough for them all."""
    return {
        **LAYOUT,
        "margin": {"l": 10, "r": 20, "t": 30, "b": 40},
        "xaxis": {"type": "date"},
        "yaxis": {"automargin": True},
        "height": max(300, 40 * n_rows + (120 if legend else 100)),
    }


def order_gantt(windows: pd.DataFrame, attrs: dict[str, Any], csv_url: str) -> Chart:
    """Each order's build window at each plant: a Gantt chart of the order books."""
    starts = windows["build_start"].tolist()
    ends = windows["build_end"].tolist()
    trace = gantt_trace(
        "orders", starts, ends, windows["plant"].tolist(), windows["label"].tolist()
    )
    layout = {**gantt_layout(windows["plant"].nunique()), "showlegend": False}
    columns, rows = table_of(
        windows, ["plant", "order_id", "class", "stage", "vehicles", "build_start", "build_end"]
    )
    return Chart(
        "chart-gantt",
        "Order books: each order's build window at each plant",
        {"data": [trace], "layout": layout},
        "Gantt chart: one bar per order and plant, from the first to the last month of work.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )


def jobs_bars(outlook: pd.DataFrame, attrs: dict[str, Any], csv_url: str) -> Chart:
    """Peak jobs at risk at each GB plant (short names), with run-out and gap on hover."""
    gb = outlook[outlook["country"] == "GB"]
    short = short_names(gb)
    text = []
    for r in gb.to_dict("records"):
        run_out, gap = render.clean(r["run_out"]), render.clean(r["gap_months"])
        text.append(
            plain(
                f"{r['name']}: run-out {run_out or '-'}; "
                + ("no next work known" if gap is None else f"gap {gap}")
            )
        )
    trace = {
        "type": "bar",
        "name": "jobs at risk (peak)",
        "x": [plain(short[str(p)]) for p in gb["plant_id"]],
        "y": [render.clean(v) for v in gb["jobs_at_risk_peak"]],
        "text": text,
        "textposition": "none",
        "hovertemplate": "%{y} jobs at risk<br>%{text}<extra></extra>",
    }
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "jobs at risk (peak)"}},
        "xaxis": {"automargin": True},
    }
    columns, rows = table_of(gb, ["plant_id", "run_out", "gap_months", "jobs_at_risk_peak"])
    return Chart(
        "chart-jobs-at-risk",
        "Jobs at risk at GB plants",
        {"data": [trace], "layout": layout},
        "Bar chart of each GB plant's peak jobs at risk over the outlook horizon.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )
