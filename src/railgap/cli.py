"""The ``railgap`` command line: outlook, plant, fleet, forecast, optimize, scenario, data.

Errors in input (bad dates, unknown plants, malformed data) print one line naming what is
wrong and where, and exit with status 2; nothing prints a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from railgap.errors import DataError, RailgapError
from railgap.terminal import console, err_console

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

app = typer.Typer(
    help=(
        "railgap: the British passenger rolling-stock pipeline. Every number comes from a "
        "sourced row of the dataset or a named assumption."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Inspect and validate datasets.", no_args_is_help=True)
app.add_typer(data_app, name="data")
scenario_app = typer.Typer(
    help="Scenarios: levers applied to the dataset, compared with the baseline.",
    no_args_is_help=True,
)
app.add_typer(scenario_app, name="scenario")


AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="See the world as known on this date (YYYY-MM-DD); default today."
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Print CSV for spreadsheets.")]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="A dataset folder to use instead of the embedded one."),
]
AssumptionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--assumptions", help="An assumptions YAML file to use instead of the packaged one."
    ),
]


def _emit(
    frame: pd.DataFrame,
    key: str,
    columns: list[str],
    as_json: bool,
    as_csv: bool,
    show: Callable[[pd.DataFrame], None],
) -> None:
    """Print a stamped table as JSON (the stamp, then ``key``: rows), CSV, or for people."""
    from railgap import render

    if as_json:
        body = {
            **{str(k): render.clean(v) for k, v in frame.attrs.items()},
            key: render.records(frame, columns),
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(render.to_csv(frame, columns), nl=False)
    else:
        show(frame)


def _exclusive(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")


@app.command()
def outlook(
    as_of: AsOf = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    all_plants: Annotated[
        bool,
        typer.Option("--all", help="List every plant, not only those that matter on the date."),
    ] = False,
    data: DataOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """The national plant outlook: each plant's order book, run-out, gap and jobs at risk."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, render, terminal

    frame = analysis.outlook(as_of, data=data, assumptions=assumptions, all_plants=all_plants)
    _emit(frame, "plants", render.OUTLOOK_COLUMNS, as_json, as_csv, terminal.print_outlook)


@app.command()
def plant(
    plant_id: Annotated[str, typer.Argument(help="Plant id, e.g. hitachi_newton_aycliffe.")],
    as_of: AsOf = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """One plant: month-by-month loading, its orders, and the sources behind each number."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, render, terminal

    report = analysis.plant(plant_id, as_of, data=data, assumptions=assumptions)
    if as_json:
        body = {
            **report.stamp.as_dict(),
            "plant": {k: render.clean(v) for k, v in report.summary.items()},
            "orders": render.records(report.orders),
            "months": render.records(terminal.month_labels(report.months)),
            "sources": render.records(report.sources),
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if as_csv:
        typer.echo(render.to_csv(terminal.month_labels(report.months)), nl=False)
        return
    terminal.print_plant(report)


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


@app.command()
def fleet(
    as_of: AsOf = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Only fleets this operator runs (substring).")
    ] = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
) -> None:
    """The fleet register as known on a date: every class, its size, age, status, operators."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, terminal

    frame = analysis.fleet(as_of, operator=operator, data=data)
    _emit(frame, "fleets", FLEET_COLUMNS, as_json, as_csv, terminal.print_fleet)


def _parse_lives(values: list[str] | None) -> dict[str, float]:
    lives: dict[str, float] = {}
    for value in values or []:
        traction, sep, years = value.partition("=")
        try:
            lives[traction.strip()] = float(years)
        except ValueError:
            raise typer.BadParameter(f"--life '{value}' is not TRACTION=YEARS") from None
        if not sep or not 0 < lives[traction.strip()] < 200:
            raise typer.BadParameter(f"--life '{value}' is not TRACTION=YEARS (0 < years < 200)")
    return lives


FORECAST_COLUMNS = [
    "year",
    "fleet_vehicles",
    "average_age",
    "retired_vehicles",
    "delivered_vehicles",
    "needed_unordered_vehicles",
    "smooth_order_level",
]


@app.command()
def forecast(
    from_year: Annotated[
        int | None, typer.Option("--from", help="First year shown (default: the as-of year).")
    ] = None,
    to_year: Annotated[int, typer.Option("--to", help="Last year shown.")] = 2060,
    as_of: AsOf = None,
    life: Annotated[
        list[str] | None,
        typer.Option(
            "--life", help="Service life override, TRACTION=YEARS (repeatable), e.g. dmu=40."
        ),
    ] = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """National fleet by year: size, average age, retirements, deliveries and unordered need."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, render, terminal

    result, stamp = analysis.run_forecast(
        from_year, to_year, as_of, _parse_lives(life), data, assumptions
    )
    years = result.years
    if as_json:
        rows = render.records(years, FORECAST_COLUMNS)
        for i, row in enumerate(rows):
            row["by_traction"] = {
                name: render.records(table.iloc[[i]], FORECAST_COLUMNS[1:6])[0]
                for name, table in result.by_traction.items()
            }
            row["by_segment"] = {
                name: render.records(table.iloc[[i]], FORECAST_COLUMNS[1:6])[0]
                for name, table in result.by_segment.items()
            }
        body = {
            **stamp.as_dict(),
            "smooth_order_level": render.clean(result.smooth_level),
            "backlog_vehicles": render.clean(result.backlog),
            "first_order_year": result.first_order_year,
            "years": rows,
            "replacement_waves": render.records(result.waves),
            "unquantified_fleets": render.records(result.unquantified),
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if as_csv:
        frame = years.copy()
        frame.attrs.update(stamp.as_dict())
        typer.echo(render.to_csv(frame, FORECAST_COLUMNS), nl=False)
        return
    terminal.print_forecast(result, stamp)


SCENARIO_COLUMNS = [
    "plant_id",
    "name",
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
    "changed",
    "levers",
]


@scenario_app.command("run")
def scenario_run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Run one scenario: each plant's outlook against the baseline, and which lever did what."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, terminal

    frame = analysis.run_scenario(file, data=data, assumptions=assumptions)
    _emit(frame, "plants", SCENARIO_COLUMNS, as_json, as_csv, terminal.print_scenario)


@scenario_app.command("compare")
def scenario_compare(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Several scenarios side by side (one row per scenario and plant)."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, terminal

    frame = analysis.compare_scenarios(list(files), data=data, assumptions=assumptions)
    flat = frame.reset_index()
    flat.attrs = dict(frame.attrs)
    columns = ["scenario", "as_of", *SCENARIO_COLUMNS]
    _emit(flat, "rows", columns, as_json, as_csv, terminal.print_comparison)


@app.command()
def optimize(
    as_of: AsOf = None,
    from_year: Annotated[
        int | None, typer.Option("--from", help="First year of the horizon (default: as-of year).")
    ] = None,
    to_year: Annotated[int, typer.Option("--to", help="Last year of the horizon.")] = 2040,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help="Objective weights, e.g. jobs=1,overage=10,smooth=1 (per job-month at risk, "
            "per over-age vehicle-year, per vehicle-equivalent/month of rate change).",
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver time limit in seconds.", min=1, max=3600)
    ] = 30.0,
    uk_share: Annotated[
        float,
        typer.Option(
            "--uk-share", help="Least share of awarded vehicles built in GB (0-1).", min=0, max=1
        ),
    ] = 0.0,
    budget: Annotated[
        float | None,
        typer.Option("--budget", help="Most contract value awarded a year, GBP million.", min=1),
    ] = None,
    must_use: Annotated[
        list[str] | None, typer.Option("--must-use", help="A plant that must build (repeatable).")
    ] = None,
    must_not_use: Annotated[
        list[str] | None,
        typer.Option("--must-not-use", help="A plant that may not build (repeatable)."),
    ] = None,
    export_scenario: Annotated[
        Path | None,
        typer.Option("--export-scenario", help="Write the timetable as a scenario YAML file."),
    ] = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """The smooth procurement timetable: when and where each unordered need is built."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, optimize_view
    from railgap.pipeline_options import Options, parse_weights

    options = Options(
        weights=parse_weights(weights),
        time_limit_s=time_limit,
        uk_share=uk_share,
        budget_gbp_m_per_year=budget,
        must_use=must_use or [],
        must_not_use=must_not_use or [],
    )
    result = analysis.optimize(
        as_of, from_year, to_year, options=options, data=data, assumptions=assumptions
    )
    if export_scenario is not None:
        optimize_view.write_scenario(result, export_scenario)
    if as_json:
        typer.echo(json.dumps(optimize_view.as_json(result), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(optimize_view.timetable_csv(result), nl=False)
    else:
        optimize_view.print_result(result)


@data_app.command("check")
def data_check(
    path: Annotated[
        Path | None, typer.Argument(help="Dataset folder to check (default: the embedded dataset).")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat consistency warnings as errors.")
    ] = False,
) -> None:
    """Validate a dataset against the schemas; name file, line and column of each problem."""
    from railgap.checks import consistency_problems
    from railgap.dataset import load_dataset

    try:
        dataset = load_dataset(path)
    except DataError as exc:
        for problem in exc.problems:
            err_console.print(f"error: {problem}", markup=False, highlight=False)
        err_console.print(f"{len(exc.problems)} problem(s) found", markup=False)
        raise typer.Exit(2) from None
    warnings = consistency_problems(dataset)
    for problem in warnings:
        err_console.print(
            f"{'error' if strict else 'warning'}: {problem}", markup=False, highlight=False
        )
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in dataset.tables.items())
    console.print(
        f"{dataset.folder}: valid ({counts} rows; hash {dataset.digest})",
        markup=False,
        highlight=False,
    )
    if strict and warnings:
        raise typer.Exit(2)


def main() -> None:
    """Entry point: run the app, turning railgap's errors into one line and exit status 2."""
    try:
        app()
    except RailgapError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
