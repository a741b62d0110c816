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

from railgap.answers import COMPARISON_COLUMNS, FLEET_COLUMNS, SCENARIO_COLUMNS
from railgap.errors import DataError, RailgapError
from railgap.store.commands import register_data_commands
from railgap.terminal import console, err_console

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from railgap.dataset import Dataset

app = typer.Typer(
    help=(
        "railgap: the British passenger rolling-stock pipeline. Every number comes from a "
        "sourced row of the dataset or a named assumption."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(
    help="Validate datasets; keep your own rows and revisions in a database; import and export.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")
scenario_app = typer.Typer(
    help="Scenarios: levers applied to the dataset, compared with the baseline.",
    no_args_is_help=True,
)
app.add_typer(scenario_app, name="scenario")
token_app = typer.Typer(help="API tokens for writes to the HTTP API.", no_args_is_help=True)
app.add_typer(token_app, name="token")


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
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=(
            "Database to read (SQLite path or URL, postgresql://...). Default: "
            "$RAILGAP_DATABASE_URL, else the default database file if it exists, else the "
            "embedded dataset."
        ),
    ),
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
    from railgap import answers, render

    if as_json:
        body = answers.table_body(frame, key, columns)
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(render.to_csv(frame, columns), nl=False)
    else:
        show(frame)


def _dataset(data: Path | None, db: str | None) -> Dataset:
    """The dataset a command reads: ``--data`` folder, ``--db`` database, or the default."""
    from railgap import analysis

    if data is not None and db is not None:
        raise typer.BadParameter("choose one of --data and --db")
    return analysis.get_dataset(data, db)


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
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """The national plant outlook: each plant's order book, run-out, gap and jobs at risk."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, render, terminal

    frame = analysis.outlook(
        as_of, data=_dataset(data, db), assumptions=assumptions, all_plants=all_plants
    )
    _emit(frame, "plants", render.OUTLOOK_COLUMNS, as_json, as_csv, terminal.print_outlook)


@app.command()
def plant(
    plant_id: Annotated[str, typer.Argument(help="Plant id, e.g. hitachi_newton_aycliffe.")],
    as_of: AsOf = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """One plant: month-by-month loading, its orders, and the sources behind each number."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, answers, terminal

    report = analysis.plant(plant_id, as_of, data=_dataset(data, db), assumptions=assumptions)
    if as_json:
        typer.echo(json.dumps(answers.plant_body(report), indent=2, ensure_ascii=False))
        return
    if as_csv:
        typer.echo(answers.plant_months_csv(report), nl=False)
        return
    terminal.print_plant(report)


@app.command()
def fleet(
    as_of: AsOf = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Only fleets this operator runs (substring).")
    ] = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
) -> None:
    """The fleet register as known on a date: every class, its size, age, status, operators."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, terminal

    frame = analysis.fleet(as_of, operator=operator, data=_dataset(data, db))
    _emit(frame, "fleets", FLEET_COLUMNS, as_json, as_csv, terminal.print_fleet)


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
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """National fleet by year: size, average age, retirements, deliveries and unordered need."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, answers, terminal
    from railgap.turnover import parse_lives

    result, stamp = analysis.run_forecast(
        from_year, to_year, as_of, parse_lives(life, "--life"), _dataset(data, db), assumptions
    )
    if as_json:
        body = answers.forecast_body(result, stamp)
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if as_csv:
        typer.echo(answers.forecast_csv(result, stamp), nl=False)
        return
    terminal.print_forecast(result, stamp)


@scenario_app.command("run")
def scenario_run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Run one scenario: each plant's outlook against the baseline, and which lever did what."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, terminal

    frame = analysis.run_scenario(file, data=_dataset(data, db), assumptions=assumptions)
    _emit(frame, "plants", SCENARIO_COLUMNS, as_json, as_csv, terminal.print_scenario)


@scenario_app.command("compare")
def scenario_compare(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Several scenarios side by side (one row per scenario and plant)."""
    _exclusive(as_json, as_csv)
    from railgap import analysis, terminal

    frame = analysis.compare_scenarios(
        list(files), data=_dataset(data, db), assumptions=assumptions
    )
    flat = frame.reset_index()
    flat.attrs = dict(frame.attrs)
    _emit(flat, "rows", COMPARISON_COLUMNS, as_json, as_csv, terminal.print_comparison)


@app.command()
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
    _exclusive(as_json, as_csv)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from railgap import analysis, answers, terminal

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
            data=_dataset(data, db),
            assumptions=assumptions,
            progress=lambda done: bar.advance(task, done),
        )
    if as_json:
        typer.echo(json.dumps(answers.simulation_body(result), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(answers.simulation_csv(result), nl=False)
    else:
        terminal.print_simulation(result)


@app.command()
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
    _exclusive(as_json, as_csv)
    from railgap import analysis, optimize_view
    from railgap.pipeline_options import Options, parse_weights

    if table not in optimize_view.TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(optimize_view.TABLES)}")
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
            data=_dataset(data, db),
            assumptions=assumptions,
            progress=lambda stage: status.update(task, description=stage),
        )
    if export_scenario is not None:
        optimize_view.write_scenario(result, export_scenario)
    if as_json:
        typer.echo(json.dumps(optimize_view.as_json(result), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(optimize_view.table_csv(result, table), nl=False)
    else:
        optimize_view.print_result(result)


@data_app.command("check")
def data_check(
    path: Annotated[
        Path | None,
        typer.Argument(help="Dataset folder to check (default: the database or embedded dataset)."),
    ] = None,
    db: DbOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat consistency warnings as errors.")
    ] = False,
) -> None:
    """Validate a dataset against the schemas; name file, line and column of each problem."""
    from railgap.checks import consistency_problems
    from railgap.dataset import load_dataset

    if path is not None and db is not None:
        raise typer.BadParameter("choose one of PATH and --db")
    try:
        dataset = load_dataset(path) if path is not None else _dataset(None, db)
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


@app.command()
def report(
    plant_id: Annotated[str, typer.Argument(help="Plant id, e.g. hitachi_newton_aycliffe.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    as_of: AsOf = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Brief the plant under this scenario file (its date)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="html (self-contained page) or xlsx (Excel).")
    ] = "html",
    data: DataOpt = None,
    db: DbOpt = None,
) -> None:
    """A plant briefing to email: one self-contained HTML page, or the tables in Excel."""
    from railgap.report import write_report

    if fmt not in ("html", "xlsx"):
        raise typer.BadParameter("--format must be html or xlsx")
    path = write_report(plant_id, output, fmt, as_of, scenario, _dataset(data, db))
    console.print(f"wrote {path}", markup=False, highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    data: DataOpt = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL or SQLite path for saved scenarios and tokens."),
    ] = None,
) -> None:
    """The HTTP API and web dashboard (http://HOST:PORT/, API docs at /docs)."""
    import uvicorn

    from railgap.web.app import create_app

    console.print(
        f"railgap: dashboard on http://{host}:{port}/ , API docs on http://{host}:{port}/docs",
        markup=False,
        highlight=False,
    )
    uvicorn.run(create_app(data, db), host=host, port=port, log_level="warning")


@token_app.command("create")
def token_create(
    label: Annotated[str, typer.Argument(help="Who or what the token is for.")],
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL or SQLite path (default: configured).")
    ] = None,
) -> None:
    """Create an API token for writes (saving scenarios); it is shown once and stored hashed."""
    from railgap import store

    token = store.create_token(label, db)
    console.print(token, markup=False, highlight=False, soft_wrap=True)
    err_console.print(
        "Keep it: only a hash is stored. Send it as 'Authorization: Bearer TOKEN'.",
        markup=False,
    )


register_data_commands(data_app)


def main() -> None:
    """Entry point: run the app, turning railgap's errors into one line and exit status 2."""
    try:
        app()
    except RailgapError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
