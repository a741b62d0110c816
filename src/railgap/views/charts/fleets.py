"""The national demand chart: fleet, retirements, deliveries and the unordered need."""

from __future__ import annotations

from typing import Any

import pandas as pd

from railgap.views import render
from railgap.views.charts.base import LAYOUT, Chart, note, table_of


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
            "name": "needed, not yet ordered (as new trains can arrive)",
            "x": x,
            "y": [render.clean(v) for v in years["needed_spread_vehicles"]],
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "withdrawn (as replacements arrive)",
            "x": x,
            "y": [render.clean(v) for v in years["withdrawn_vehicles"]],
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
    columns, rows = table_of(
        years,
        [
            "year",
            "delivered_vehicles",
            "needed_spread_vehicles",
            "needed_unordered_vehicles",
            "withdrawn_vehicles",
            "retired_vehicles",
            "kept_beyond_life_vehicles",
            "smooth_order_level",
        ],
    )
    return Chart(
        "chart-demand",
        "National demand forecast vs deliveries",
        {"data": traces, "layout": layout},
        "Stacked bars of vehicles delivered and vehicles needed but not yet ordered each "
        "year, the need already due before new orders can deliver spread over the years they "
        "can arrive at the smooth level; lines: stock withdrawn as its replacements arrive "
        "(over-age stock keeps running until then) and the smooth order level.",
        note(attrs),
        csv_url,
        columns,
        rows,
    )
