"""The Python API: every answer as stamped pandas DataFrames, built from the engines.

Modules: ``context`` (dataset, assumptions, as-of date and the provenance :class:`Stamp`),
``plants`` (outlook and plant reports), ``changed`` (what became known between two dates),
``fleet`` (register and forecast), ``scenarios`` (what-ifs), ``simulation`` (Monte Carlo)
and ``optimise`` (the procurement timetable); ``typed`` turns their answers into the
notebook API's (months as ``pandas.Period``), which ``railgap.outlook`` and the rest return.
The faces (CLI, web, reports) call these, with months as labels; the engines never do.
"""

from __future__ import annotations

from railgap.analysis.changed import Changes, changes
from railgap.analysis.context import (
    SCENARIO_TABLES,
    Stamp,
    get_assumptions,
    get_dataset,
    run,
)
from railgap.analysis.fleets import fleet, forecast, run_forecast
from railgap.analysis.optimise import optimize
from railgap.analysis.plants import (
    PlantReport,
    gone_plants,
    order_loads,
    outlook,
    outlook_of,
    plant,
    plant_report,
    plant_sources,
    relevant_plants,
)
from railgap.analysis.scenarios import (
    combine_scenarios,
    compare_scenarios,
    run_scenario,
    scenario_whatif,
)
from railgap.analysis.scoring import MAX_BACKTEST_DRAWS, backtest
from railgap.analysis.simulation import MAX_DRAWS, Simulation, run_simulation

__all__ = [
    "MAX_BACKTEST_DRAWS",
    "MAX_DRAWS",
    "SCENARIO_TABLES",
    "Changes",
    "PlantReport",
    "Simulation",
    "Stamp",
    "backtest",
    "changes",
    "combine_scenarios",
    "compare_scenarios",
    "fleet",
    "forecast",
    "get_assumptions",
    "get_dataset",
    "gone_plants",
    "optimize",
    "order_loads",
    "outlook",
    "outlook_of",
    "plant",
    "plant_report",
    "plant_sources",
    "relevant_plants",
    "run",
    "run_forecast",
    "run_scenario",
    "run_simulation",
    "scenario_whatif",
]
