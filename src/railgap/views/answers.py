"""The machine-readable faces of railgap's answers: one JSON body and one CSV per answer.

The CLI (``--json`` / ``--csv``) and the HTTP API build their output here, from the same
stamped frames, so the two can never disagree. Column lists say which columns, in which
order, each answer shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from railgap.analysis import PlantReport, Simulation, Stamp
    from railgap.fleets.turnover import Forecast

FLEET_COLUMNS = [
    "fleet_id",
    "class",
    "subclass",
    "name",
    "traction",
    "segment",
    "units",
    "cars_per_unit",
    "vehicles",
    "built_from",
    "built_to",
    "age_years",
    "status",
    "units_in_service",
    "first_service",
    "withdrawn",
    "withdrawal_planned",
    "operators",
    "owner",
    "source",
    "known_from",
]

FORECAST_COLUMNS = [
    "year",
    "fleet_vehicles",
    "average_age",
    "survivor_vehicles",
    "survivor_average_age",
    "replacement_vehicles",
    "kept_beyond_life_vehicles",
    "replaced_early_vehicles",
    "retired_vehicles",
    "withdrawn_vehicles",
    "delivered_vehicles",
    "new_vehicles",
    "needed_unordered_vehicles",
    "needed_spread_vehicles",
    "smooth_order_level",
]
#: Columns of each traction's and segment's split (survivors and their need only).
GROUP_COLUMNS = [
    "survivor_vehicles",
    "survivor_average_age",
    "retired_vehicles",
    "delivered_vehicles",
    "needed_unordered_vehicles",
]

SCENARIO_COLUMNS = [
    "plant_id",
    "name",
    "short_name",
    "country",
    "backlog_units_baseline",
    "backlog_units",
    "run_out_baseline",
    "run_out",
    "next_work_baseline",
    "next_work",
    "gap_months_baseline",
    "gap_months",
    "jobs_at_risk_months_baseline",
    "jobs_at_risk_months",
    "jobs_at_risk_months_change",
    "run_out_change_months",
    "gap_change_months",
    "gaps_baseline",
    "gaps",
    "gap_changes",
    "changed",
    "levers",
]

#: The comparison's columns: which scenario and its date, then a scenario run's.
COMPARISON_COLUMNS = ["scenario", "as_of", *SCENARIO_COLUMNS]


def table_body(frame: pd.DataFrame, key: str, columns: list[str] | None) -> dict[str, Any]:
    """A stamped table as JSON: the frame's attrs (the stamp), then ``key``: its rows."""
    from railgap.views import render

    return {
        **{str(k): render.clean(v) for k, v in frame.attrs.items()},
        key: render.records(frame, columns),
    }


def outlook_body(frame: pd.DataFrame) -> dict[str, Any]:
    """The outlook as JSON: stamp, the national lede, then one row per plant with its lede."""
    from railgap.views import ledes, render

    rows = render.records(frame, render.OUTLOOK_COLUMNS)
    as_of = str(frame.attrs["as_of"])
    return {
        **{str(k): render.clean(v) for k, v in frame.attrs.items()},
        "lede": ledes.outlook_lede(rows, as_of),
        "plants": [{**row, "lede": ledes.plant_lede(row, as_of)} for row in rows],
    }


def scenario_body(frame: pd.DataFrame) -> dict[str, Any]:
    """A scenario run as JSON: stamp, its lede, then one row per plant."""
    from railgap.views import ledes

    body = table_body(frame, "plants", SCENARIO_COLUMNS)
    return {**body, "lede": ledes.scenario_lede(body["plants"], str(frame.attrs["as_of"]))}


def plant_body(report: PlantReport) -> dict[str, Any]:
    """One plant's answer as JSON: stamp, lede, outlook row, orders, months and sources."""
    from railgap.views import ledes, render, terminal

    return {
        **report.stamp.as_dict(),
        "lede": ledes.plant_lede(report.summary, report.stamp.as_of),
        "plant": {k: render.clean(v) for k, v in report.summary.items()},
        "orders": render.records(report.orders),
        "months": render.records(terminal.month_labels(report.months)),
        "sources": render.records(report.sources),
    }


def plant_months_csv(report: PlantReport) -> str:
    """One plant's months as CSV (month labels, not indices)."""
    from railgap.views import render, terminal

    return render.to_csv(terminal.month_labels(report.months))


def forecast_body(result: Forecast, stamp: Stamp) -> dict[str, Any]:
    """The national forecast as JSON: stamp, yearly rows (with traction and segment splits)."""
    from railgap.views import render

    rows = render.records(result.years, FORECAST_COLUMNS)
    for i, row in enumerate(rows):
        row["by_traction"] = {
            name: render.records(table.iloc[[i]], GROUP_COLUMNS)[0]
            for name, table in result.by_traction.items()
        }
        row["by_segment"] = {
            name: render.records(table.iloc[[i]], GROUP_COLUMNS)[0]
            for name, table in result.by_segment.items()
        }
    return {
        **stamp.as_dict(),
        "smooth_order_level": render.clean(result.smooth_level),
        "backlog_vehicles": render.clean(result.backlog),
        "first_order_year": result.first_order_year,
        "years": rows,
        "replacement_waves": render.records(result.waves),
        "unquantified_fleets": render.records(result.unquantified),
    }


def forecast_csv(result: Forecast, stamp: Stamp) -> str:
    """The national forecast's yearly rows as CSV."""
    from railgap.views import render

    frame = result.years.copy()
    frame.attrs.update(stamp.as_dict())
    return render.to_csv(frame, FORECAST_COLUMNS)


def _by_month(frame: pd.DataFrame) -> dict[str, Any]:
    """A month-indexed frame (a column per plant) as ``months`` and one list per plant."""
    return {
        "months": [str(m) for m in frame.index],
        **{str(c): [round(float(v), 3) for v in frame[c]] for c in frame.columns},
    }


def simulation_body(result: Simulation) -> dict[str, Any]:
    """A Monte Carlo run as JSON: stamp, what was drawn from, per-plant summary, by month."""
    from railgap.views import render

    return {
        **result.stamp.as_dict(),
        **{k: render.clean(v) for k, v in result.history.items()},
        "plants": render.records(result.summary),
        "gap_probability": _by_month(result.gap_probability),
        "run_out_by": _by_month(result.run_out_by),
        "tenders": render.records(result.tenders),
        "notes": result.notes,
    }


def simulation_csv(result: Simulation, table: str = "plants") -> str:
    """A Monte Carlo run as CSV: the per-plant summary, or month by month.

    ``table="months"`` gives one row per month and plant: the chance of being in a gap then
    and of having run out by then.
    """
    from railgap.views import render

    if table == "plants":
        return render.to_csv(result.summary)
    gap = result.gap_probability.rename_axis("month").reset_index()
    long = gap.melt(id_vars="month", var_name="plant_id", value_name="p_in_gap")
    run_out = result.run_out_by.rename_axis("month").reset_index().melt(
        id_vars="month", var_name="plant_id", value_name="p_run_out_by"
    )
    frame = long.merge(run_out, on=["month", "plant_id"])
    frame.attrs = dict(result.summary.attrs)
    return render.to_csv(frame)
