"""Plotly figures (plain dicts for Plotly.js) from railgap's tables, with their data tables.

Each chart is a :class:`Chart`: an id, a title, the figure, a one-line description for screen
readers, the source note, the URL of its data as CSV, and the same data as rows for a table
fallback. No figure is drawn in Python; the page's Plotly.js draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from railgap.views import render

SOURCE_NOTE = (
    "Sources: each order, work package, plant and headcount row of the railgap dataset cites "
    "a public page (listed on the plant pages and under Data); derived figures use the named "
    "assumptions {assumptions}. Dataset {dataset_hash}, as known on {as_of}."
)
LAYOUT: dict[str, Any] = {
    "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
    "legend": {"orientation": "h", "y": -0.2},
    "hovermode": "closest",
    "autosize": True,
}


@dataclass(frozen=True)
class Chart:
    """A chart for a page: figure, labels, source note, CSV link and a table fallback."""

    id: str
    title: str
    figure: dict[str, Any]
    description: str
    source: str
    csv_url: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)


def note(attrs: dict[str, Any]) -> str:
    """The source note of a stamped answer."""
    return SOURCE_NOTE.format(
        assumptions=attrs.get("assumptions", ""),
        dataset_hash=str(attrs.get("dataset_hash", ""))[:12],
        as_of=attrs.get("as_of", ""),
    )


def _table(frame: pd.DataFrame, columns: list[str]) -> tuple[list[str], list[list[Any]]]:
    rows = [[render.clean(r[c]) for c in columns] for r in frame.to_dict("records")]
    return columns, rows


def plant_loading(
    loads: pd.DataFrame, months: pd.DataFrame, attrs: dict[str, Any], csv_url: str
) -> Chart:
    """A plant's monthly vehicle-equivalents stacked by order, with its capacity.

    Only the months of ``months`` (the window shown) are drawn.
    """
    if len(months):
        loads = loads[loads["month"] >= months["month"].min()]
    traces: list[dict[str, Any]] = []
    for order_id, part in loads.groupby("order_id", sort=False):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "orders",
                "name": f"{order_id} ({part['class'].iloc[0]})",
                "x": part["month"].tolist(),
                "y": [round(float(v), 3) for v in part["vehicle_equivalents"]],
                "hovertemplate": "%{x}: %{y:.1f} veh.-eq.<extra>%{fullData.name}</extra>",
            }
        )
    if len(months) and months["capacity"].notna().any():
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "capacity",
                "line": {"dash": "dot", "color": "#333"},
                "x": months["month"].tolist(),
                "y": [render.clean(v) for v in months["capacity"]],
            }
        )
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "vehicle-equivalents a month"}},
        "xaxis": {"type": "date"},
    }
    columns, rows = _table(loads, ["month", "order_id", "class", "vehicle_equivalents"])
    return Chart(
        "chart-loading",
        "Monthly loading by order",
        {"data": traces, "layout": layout},
        "Stacked area chart of the plant's scheduled work each month, one band per order, "
        "with its capacity as a dotted line.",
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
    columns, rows = _table(months, ["month", "employees", "labour_needed", "jobs_at_risk"])
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
                "name": names.get(str(plant_id), str(plant_id)),
                "x": part["month"].tolist(),
                "y": [round(float(v), 3) for v in part["vehicle_equivalents"]],
            }
        )
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "vehicle-equivalents a month"}},
        "xaxis": {"type": "date"},
    }
    columns, rows = _table(plant_months, ["month", "plant_id", "vehicle_equivalents"])
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
    """One Plotly trace drawing a bar per (start, end) on its row, with its label on hover."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [v for s, e in zip(starts, ends, strict=True) for v in (s, e, None)],
        "y": [v for r in rows for v in (r, r, None)],
        "text": [v for t in labels for v in (t, t, None)],
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
    columns, rows = _table(
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
    """Peak jobs at risk at each GB plant, with run-out and gap in the hover text."""
    gb = outlook[outlook["country"] == "GB"]
    text = []
    for r in gb.to_dict("records"):
        run_out, gap = render.clean(r["run_out"]), render.clean(r["gap_months"])
        text.append(
            f"run-out {run_out or '-'}; " + ("no next work known" if gap is None else f"gap {gap}")
        )
    trace = {
        "type": "bar",
        "name": "jobs at risk (peak)",
        "x": gb["name"].tolist(),
        "y": [render.clean(v) for v in gb["jobs_at_risk_peak"]],
        "text": text,
        "textposition": "none",
        "hovertemplate": "%{x}<br>%{y} jobs at risk<br>%{text}<extra></extra>",
    }
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "jobs at risk (peak)"}},
        "xaxis": {"automargin": True},
    }
    columns, rows = _table(gb, ["plant_id", "run_out", "gap_months", "jobs_at_risk_peak"])
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


def demand(years: pd.DataFrame, attrs: dict[str, Any], csv_url: str) -> Chart:
    """National demand forecast (unordered need, retirements) against deliveries."""
    x = [int(y) for y in years["year"]]
    traces = [
        {
            "type": "bar",
            "name": "delivered (built or ordered)",
            "x": x,
            "y": [render.clean(v) for v in years["delivered_vehicles"]],
        },
        {
            "type": "bar",
            "name": "needed, not yet ordered",
            "x": x,
            "y": [render.clean(v) for v in years["needed_unordered_vehicles"]],
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "retired",
            "x": x,
            "y": [render.clean(v) for v in years["retired_vehicles"]],
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "smooth order level",
            "line": {"dash": "dash"},
            "x": x,
            "y": [render.clean(v) for v in years["smooth_order_level"]],
        },
    ]
    layout = {**LAYOUT, "barmode": "stack", "yaxis": {"title": {"text": "vehicles a year"}}}
    columns, rows = _table(
        years,
        [
            "year",
            "delivered_vehicles",
            "needed_unordered_vehicles",
            "retired_vehicles",
            "smooth_order_level",
        ],
    )
    return Chart(
        "chart-demand",
        "National demand forecast vs deliveries",
        {"data": traces, "layout": layout},
        "Stacked bars of vehicles delivered and vehicles needed but not yet ordered each "
        "year, with retirements and the smooth order level as lines.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )


def scenario_plant(
    baseline: pd.DataFrame, scenario: pd.DataFrame, attrs: dict[str, Any], csv_url: str
) -> Chart:
    """One plant's monthly load and jobs at risk, baseline (dashed) against scenario."""
    traces = []
    for frame, label, dash in ((baseline, "baseline", "dash"), (scenario, "scenario", "solid")):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"load, {label}",
                "line": {"dash": dash},
                "x": frame["month"].tolist(),
                "y": [render.clean(v) for v in frame["vehicle_equivalents"]],
            }
        )
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
    columns, rows = _table(merged, list(merged.columns))
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
    columns, rows = _table(frame, ["month", "p_in_gap", "p_run_out_by"])
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
    columns = [f"jobs_at_risk_months_{plan}" for plan in PLAN_LABELS]
    traces = [
        {
            "type": "bar",
            "name": label,
            "x": gb["name"].tolist(),
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
    table_columns, rows = _table(gb, ["plant_id", *columns])
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
    columns, rows_ = _table(
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
            ("minimum viable rate", "viable", {"line": {"dash": "dot", "color": "#b2182b"}}),
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
            "label": names[plant],
            "method": "update",
            "args": [{"visible": [t["meta"] == plant for t in traces]}],
        }
        for plant in plants
    ]
    layout = {
        **LAYOUT,
        "yaxis": {"title": {"text": "vehicle-equivalents a month"}},
        "xaxis": {"type": "date"},
        "updatemenus": [{"buttons": buttons, "x": 0, "y": 1.15, "xanchor": "left"}],
        "margin": {**LAYOUT["margin"], "t": 60},
    }
    columns, rows_ = _table(
        gb, ["plant_id", "month", "firm", "new", "viable", "jobs_at_risk_before", "jobs_at_risk"]
    )
    return Chart(
        "chart-plan-loading",
        "Monthly load at a GB plant: the firm book and the optimised timetable's new orders",
        {"data": traces, "layout": layout},
        "Stacked area chart of one GB plant's work each month (choose the plant in the menu): "
        "the firm order book and the optimised timetable's new orders, with the minimum "
        "viable rate as a dotted line.",
        note(attrs),
        csv_url,
        columns,
        rows_,
    )
