"""The what-if commands: ``scenario run``, ``scenario compare``, ``simulate``, ``optimize``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from railgap.cli.options import (
    AllPlants,
    AsCsv,
    AsJson,
    AsOf,
    AssumptionsOpt,
    DataOpt,
    DbOpt,
    dataset_of,
    emit,
    exclusive,
)
from railgap.views.answers import COMPARISON_COLUMNS, SCENARIO_COLUMNS
from railgap.views.terminal import err_console


def scenario_run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    all_plants: AllPlants = False,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Run one scenario: each plant's outlook against the baseline, and which lever did what."""
    exclusive(as_json, as_csv)
    from railgap import analysis
    from railgap.views import answers, terminal

    frame = analysis.run_scenario(
        file, data=dataset_of(data, db), assumptions=assumptions, all_plants=all_plants
    )
    emit(
        frame,
        "plants",
        SCENARIO_COLUMNS,
        as_json,
        as_csv,
        terminal.print_scenario,
        answers.scenario_body,
    )


def scenario_compare(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files of one as-of date.")],
    all_plants: AllPlants = False,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Scenarios of one date side by side: per plant, baseline, scenario and change.

    Job-months at risk, run-out and first gap, each as baseline, scenario and change.
    Scenarios of different as-of dates have different baselines: they are refused.
    """
    exclusive(as_json, as_csv)
    from railgap import analysis
    from railgap.views import terminal

    frame = analysis.compare_scenarios(
        list(files), data=dataset_of(data, db), assumptions=assumptions, all_plants=all_plants
    )
    flat = frame.reset_index()
    flat.attrs = dict(frame.attrs)
    emit(flat, "rows", COMPARISON_COLUMNS, as_json, as_csv, terminal.print_comparison)


def simulate(
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Apply this scenario's levers first (and use its date)."),
    ] = None,
    draws: Annotated[int, typer.Option("--draws", help="Number of futures drawn.")] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same answer.")
    ] = 2024,
    months: Annotated[
        int, typer.Option("--months", help="Months from the as-of date to report on.")
    ] = 240,
    as_of: AsOf = None,
    all_plants: AllPlants = False,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Monte Carlo over open tenders and delivery slippage: chances of a gap, per plant.

    Draws which open tenders are awarded (at the share decided tenders were), when (expected
    award plus an observed slippage), to which bidder (equal chances) and how big (within the
    stated range), and how late firm orders' first deliveries come (observed slippage).
    """
    exclusive(as_json, as_csv)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from railgap import analysis
    from railgap.views import answers, terminal

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=draws < 20_000 or not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task("drawing futures", total=draws)
        result = analysis.run_simulation(
            scenario,
            draws=draws,
            seed=seed,
            as_of=as_of,
            months=months,
            data=dataset_of(data, db),
            assumptions=assumptions,
            progress=lambda done: bar.advance(task, done),
            all_plants=all_plants,
        )
    if as_json:
        typer.echo(json.dumps(answers.simulation_body(result), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(answers.simulation_csv(result), nl=False)
    else:
        terminal.print_simulation(result)


def optimize(
    as_of: AsOf = None,
    from_year: Annotated[
        int | None, typer.Option("--from", help="First year of the horizon (default: as-of year).")
    ] = None,
    to_year: Annotated[
        int | None,
        typer.Option(
            "--to", help="Last year of the horizon (default: 2040, or 16 years on if later)."
        ),
    ] = None,
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
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help="With --csv: which table (timetable; plants; terms; gaps; tenders; loading: "
            "each plant's monthly load before and after).",
        ),
    ] = "timetable",
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """The smooth procurement timetable: when and where each unordered need is built.

    Compared with the as-procured pipeline (open tenders' needs at their expected award,
    the rest just in time) and a greedy heuristic.
    """
    exclusive(as_json, as_csv)
    from railgap import analysis
    from railgap.optimise.options import Options, parse_weights
    from railgap.views import optimise as optimise_view

    if table not in optimise_view.TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(optimise_view.TABLES)}")
    if table != "timetable" and not as_csv:
        raise typer.BadParameter("--table chooses a CSV table: use it with --csv")

    options = Options(
        weights=parse_weights(weights),
        time_limit_s=time_limit,
        uk_share=uk_share,
        budget_gbp_m_per_year=budget,
        must_use=must_use or [],
        must_not_use=must_not_use or [],
    )
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as status:
        task = status.add_task("optimising", total=None)
        result = analysis.optimize(
            as_of,
            from_year,
            to_year,
            options=options,
            data=dataset_of(data, db),
            assumptions=assumptions,
            progress=lambda stage: status.update(task, description=stage),
        )
    if export_scenario is not None:
        optimise_view.write_scenario(result, export_scenario)
    if as_json:
        typer.echo(json.dumps(optimise_view.as_json(result), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(optimise_view.table_csv(result, table), nl=False)
    else:
        optimise_view.print_result(result)
