"""The kinds of chart a page draws and the image formats: light, for the CLI's help text.

Kept apart from :mod:`railgap.views.images` (matplotlib) and :mod:`railgap.views.charts`
(pandas and every chart), so that ``railgap --help`` and every other command start fast.
"""

from __future__ import annotations

#: Every chart a page draws, by the kind ``railgap chart KIND`` and ``/api/charts/KIND.png``
#: name it: the page it is on, its element id there, and what it shows. Plant charts need a
#: plant; ``plan-loading`` takes one too (the plant its menu shows, the first GB one if none).
#: Scenario charts need a scenario: its file, a saved one's id, or its text posted.
KINDS: dict[str, tuple[str, str, str]] = {
    "national-loading": ("home", "chart-national-loading", "each plant's monthly load, stacked"),
    "gantt": ("home", "chart-gantt", "each order's build window at each plant"),
    "jobs-at-risk": ("home", "chart-jobs-at-risk", "peak jobs at risk at each GB plant"),
    "demand": ("home", "chart-demand", "national demand forecast against deliveries"),
    "loading": ("plant", "chart-loading", "a plant's monthly load by order, viable rate"),
    "jobs": ("plant", "chart-jobs", "a plant's employees, labour needed, jobs at risk"),
    "gap-chance": ("plant", "chart-gap-chance", "a plant's Monte Carlo chance of a gap"),
    "plan-jobs": ("pipeline", "chart-plan-jobs", "job-months at risk under each plan"),
    "timetable": ("pipeline", "chart-timetable", "the optimised timetable's build windows"),
    "plan-loading": ("pipeline", "chart-plan-loading", "a GB plant's load under the plan"),
    "backtest-leads": ("backtest", "chart-backtest-leads", "timing error by lead"),
    "backtest-events": ("backtest", "chart-backtest-events", "each event's error"),
    "backtest-reliability": ("backtest", "chart-backtest-reliability", "Monte Carlo reliability"),
    "scenario-jobs": ("scenario", "chart-scenario-jobs", "job-months at risk, with a scenario"),
    "scenario-loading": ("scenario", "chart-scenario-months", "changed plants' load, scenario"),
    "scenario-gap-chance": ("scenario", "chart-scenario-gap", "changed plants' gap chance"),
}
#: The kind of each chart id (the pages' download links).
KIND_OF = {chart_id: kind for kind, (_, chart_id, _) in KINDS.items()}

#: The image formats, with their media types.
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
