"""The optimiser's charts: jobs by plan, the timetable's Gantt and the planned loading."""

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
    short_names,
    table_of,
)
from railgap.views.charts.plants import gantt_layout, gantt_trace

#: The optimiser's plans as the pipeline page names them, in the order its bars are drawn.
PLAN_LABELS = {
    "firm_only": "firm book only",
    "as_procured": "as procured",
    "greedy": "greedy",
    "optimised": "optimised",
}


def plan_jobs(plants: pd.DataFrame, attrs: dict[str, Any], csv_url: str) -> Chart:
    """Jobs-at-risk-months at each GB plant: the firm book alone and under each plan."""
    gb = plants[plants["country"] == "GB"]
    short = short_names(gb)
    columns = [f"jobs_at_risk_months_{plan}" for plan in PLAN_LABELS]
    traces = [
        {
            "type": "bar",
            "name": label,
            "x": [plain(short[str(p)]) for p in gb["plant_id"]],
            "y": [render.clean(round(v)) for v in gb[column]],
            "hovertemplate": f"%{{x}}<br>{label}: %{{y:,}} job-months<extra></extra>",
        }
        for (plan, label), column in zip(PLAN_LABELS.items(), columns, strict=True)
    ]
    layout = {
        **LAYOUT,
        "barmode": "group",
        "legend": {"orientation": "h", "y": 1.12},  # above: the plants' long names are below
        "yaxis": {"title": {"text": "jobs-at-risk-months"}},
        "xaxis": {"automargin": True},
    }
    table_columns, rows = table_of(gb, ["plant_id", *columns])
    return Chart(
        "chart-plan-jobs",
        "Jobs-at-risk-months at GB plants: firm book, as procured, greedy and optimised",
        {"data": traces, "layout": layout},
        "Grouped bar chart: for each GB plant, the job-months at risk with the firm order book "
        "alone and with each plan's new orders.",
        note(attrs),
        csv_url,
        table_columns,
        rows,
    )


def timetable_gantt(
    timetable: pd.DataFrame, names: dict[str, str], attrs: dict[str, Any], csv_url: str
) -> Chart:
    """The optimised timetable: each placed need's build window at its plant, by status."""
    placed = timetable[timetable["plant_id"].notna()]
    traces = []
    for status, colour in (("on time", "#1b7837"), ("late", "#b2182b")):
        rows = placed[placed["status"] == status]
        starts, ends = rows["build_start"].tolist(), rows["build_end"].tolist()
        plants = [names.get(p, p) for p in rows["plant_id"]]
        label = [
            f"{r['need_id']}: {render.fmt_int(r['vehicles'])} vehicles, awarded {r['award']}, "
            f"due {r['due']}"
            for r in rows.to_dict("records")
        ]
        traces.append(gantt_trace(status, starts, ends, plants, label, colour))
    layout = gantt_layout(placed["plant_id"].nunique(), legend=True)
    columns, rows_ = table_of(
        placed,
        ["need_id", "vehicles", "due", "status", "award", "plant_id", "build_start", "build_end"],
    )
    return Chart(
        "chart-timetable",
        "The optimised timetable: each new order's build window at its plant",
        {"data": traces, "layout": layout},
        "Gantt chart: one bar per need the optimiser places, at its plant from the first to the "
        "last month of production, green when in service on time, red when late.",
        note(attrs),
        csv_url,
        columns,
        rows_,
    )


def plan_loading(
    loading: pd.DataFrame, names: dict[str, str], attrs: dict[str, Any], csv_url: str
) -> Chart:
    """GB plants' monthly load: firm book and the optimised plan's new orders, stacked.

    With the minimum viable rate; a menu shows one plant at a time (the first at first).
    """
    gb = loading[loading["plant_id"].isin(names)]
    plants = list(dict.fromkeys(gb["plant_id"]))
    traces: list[dict[str, Any]] = []
    for i, plant in enumerate(plants):
        rows = gb[gb["plant_id"] == plant]
        months = rows["month"].tolist()
        for name, column, style in (
            ("firm book", "firm", {"stackgroup": "load", "line": {"color": "#4575b4"}}),
            ("new orders (optimised)", "new", {"stackgroup": "load", "line": {"color": "#1b7837"}}),
            ("minimum viable rate", "viable", {"line": VIABLE_STYLE}),
        ):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    "legendgroup": column,
                    "meta": plant,
                    "visible": i == 0,
                    "x": months,
                    "y": [round(float(v), 3) for v in rows[column]],
                    "hovertemplate": "%{x}: %{y:.1f} veh.-eq.<extra>%{fullData.name}</extra>",
                    **style,
                }
            )
    buttons = [
        {
            "label": plain(names[plant]),
            "method": "update",
            "args": [{"visible": [t["meta"] == plant for t in traces]}],
        }
        for plant in plants
    ]
    layout = {
        **LAYOUT,
        **as_of_marker(str(attrs.get("as_of", ""))),
        "yaxis": {"title": {"text": "vehicle-equivalents a month"}},
        "xaxis": {"type": "date"},
        "updatemenus": [{"buttons": buttons, "x": 0, "y": 1.15, "xanchor": "left"}],
        "margin": {**LAYOUT["margin"], "t": 60},
    }
    columns, rows_ = table_of(
        gb, ["plant_id", "month", "firm", "new", "viable", "jobs_at_risk_before", "jobs_at_risk"]
    )
    return Chart(
        "chart-plan-loading",
        "Monthly load at a GB plant: the firm book and the optimised timetable's new orders",
        {"data": traces, "layout": layout},
        "Stacked area chart of one GB plant's work each month (choose the plant in the menu): "
        "the firm order book and the optimised timetable's new orders, with the minimum "
        "viable rate as a dashed line and the as-of date as a dotted vertical one.",
        note(attrs),
        csv_url,
        columns,
        rows_,
    )
