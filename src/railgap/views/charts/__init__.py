"""Plotly figures (plain dicts for Plotly.js) from railgap's tables, with their data tables.

Each chart is a :class:`Chart`: an id, a title, the figure, a one-line description for screen
readers, the source note, the URL of its data as CSV, and the same data as rows for a table
fallback. No figure is drawn in Python; the page's Plotly.js draws it. By concern:
:mod:`~railgap.views.charts.plants`, :mod:`~railgap.views.charts.fleets`,
:mod:`~railgap.views.charts.scenarios`, :mod:`~railgap.views.charts.optimise` and
:mod:`~railgap.views.charts.backtest`.
"""

from __future__ import annotations

from railgap.views.charts import backtest
from railgap.views.charts.base import LAYOUT, SOURCE_NOTE, Chart, note, short_names
from railgap.views.charts.fleets import demand
from railgap.views.charts.optimise import PLAN_LABELS, plan_jobs, plan_loading, timetable_gantt
from railgap.views.charts.plants import (
    gantt_layout,
    gantt_trace,
    jobs_bars,
    national_loading,
    order_gantt,
    plant_jobs,
    plant_loading,
)
from railgap.views.charts.scenarios import (
    PAGE_SIMULATION,
    gap_chance,
    scenario_gap,
    scenario_jobs,
    scenario_loading,
    scenario_plant,
)

__all__ = [
    "LAYOUT",
    "PAGE_SIMULATION",
    "PLAN_LABELS",
    "SOURCE_NOTE",
    "Chart",
    "backtest",
    "demand",
    "gantt_layout",
    "gantt_trace",
    "gap_chance",
    "jobs_bars",
    "national_loading",
    "note",
    "order_gantt",
    "plan_jobs",
    "plan_loading",
    "plant_jobs",
    "plant_loading",
    "scenario_gap",
    "scenario_jobs",
    "scenario_loading",
    "scenario_plant",
    "short_names",
    "timetable_gantt",
]
