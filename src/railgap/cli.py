"""The ``railgap`` command line: outlook, plant and data commands.

Errors in input (bad dates, unknown plants, malformed data) print one line naming what is
wrong and where, and exit with status 2; nothing prints a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from railgap.errors import DataError, RailgapError

if TYPE_CHECKING:
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

# Wide enough for the outlook table when output goes to a file or a CI log.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

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


def _exclusive(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")


def _stamp_line(attrs: dict[str, Any]) -> str:
    return (
        f"as of {attrs['as_of']} · dataset {attrs['dataset']} ({attrs['dataset_hash']}) · "
        f"assumptions {attrs['assumptions']} · railgap {attrs['railgap_version']}"
    )


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
    from railgap import analysis, render

    frame = analysis.outlook(as_of, data=data, assumptions=assumptions, all_plants=all_plants)
    if as_json:
        typer.echo(render.outlook_json(frame))
        return
    if as_csv:
        typer.echo(render.to_csv(frame, render.OUTLOOK_COLUMNS), nl=False)
        return
    _print_outlook(frame)


def _print_outlook(frame: pd.DataFrame) -> None:
    from railgap import render

    table = Table(title=f"Plant outlook as of {frame.attrs['as_of']}", title_justify="left")
    for name, justify in (
        ("plant", "left"),
        ("country", "left"),
        ("staff", "right"),
        ("book (units)", "left"),
        ("vehicles", "right"),
        ("run-out", "left"),
        ("next work", "left"),
        ("gap (months)", "right"),
        ("jobs at risk (peak)", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for raw in frame.to_dict("records"):
        row = {k: render.clean(v) for k, v in raw.items()}
        book = ", ".join(f"{k}×{v}" for k, v in row["backlog_by_class"].items())
        gap = row["gap_months"]
        table.add_row(
            f"{row['name']} ({row['manufacturer']})",
            row["country"],
            render.fmt_int(row["employees"]),
            f"{row['backlog_units']} ({book})" if book else "-",
            render.fmt_int(row["backlog_vehicles"]),
            row["run_out"] or "-",
            row["next_work"] or "none known",
            "-" if gap is None else str(gap),
            render.fmt_int(row["jobs_at_risk_peak"]),
        )
    console.print(table)
    console.print(
        "run-out: last month of the current stretch of viable work; gap: months below the minimum "
        "viable rate until the next known work.",
        style="dim",
    )
    console.print(_stamp_line({str(k): v for k, v in frame.attrs.items()}), style="dim")


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
    from railgap import analysis, render

    report = analysis.plant(plant_id, as_of, data=data, assumptions=assumptions)
    if as_json:
        body = {
            **report.stamp.as_dict(),
            "plant": {k: render.clean(v) for k, v in report.summary.items()},
            "orders": render.records(report.orders),
            "months": render.records(_month_labels(report.months)),
            "sources": render.records(report.sources),
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if as_csv:
        typer.echo(render.to_csv(_month_labels(report.months)), nl=False)
        return
    _print_plant(report)


def _month_labels(months: pd.DataFrame) -> pd.DataFrame:
    from railgap.dates import month_label

    out = months.copy()
    out["month"] = out["month"].map(month_label)
    out.attrs = dict(months.attrs)
    return out


def _print_plant(report: Any) -> None:
    from railgap import render
    from railgap.dates import month_label, parse_as_of

    s = {k: render.clean(v) for k, v in report.summary.items()}
    console.print(f"[bold]{s['name']}[/bold] ({s['manufacturer']}, {s['country']})")
    console.print(
        f"staff {render.fmt_int(s['employees'])} · capacity "
        f"{render.fmt_int(s['capacity_vehicles_per_month'])} vehicles/month "
        f"({s['capacity_basis']}) · "
        f"book {s['backlog_units']} units / {s['backlog_vehicles']} vehicles · run-out "
        f"{s['run_out'] or '-'} · next work {s['next_work'] or 'none known'} · gap "
        f"{'-' if s['gap_months'] is None else s['gap_months']} months · jobs at risk (peak) "
        f"{render.fmt_int(s['jobs_at_risk_peak'])}"
    )
    orders = Table(title="Work at this plant", title_justify="left")
    for col in ("order", "class", "operator", "stage", "vehicles", "window", "basis", "units left"):
        orders.add_column(col)
    for row in report.orders.to_dict("records"):
        orders.add_row(
            row["order_id"],
            str(row["class"]),
            str(row["operator"] or "-"),
            row["stage"],
            render.fmt_int(row["vehicles"]),
            f"{row['build_start']} to {row['build_end']}",
            row["window_basis"],
            render.fmt_int(row["backlog_units"]),
        )
    console.print(orders)
    months = report.months
    date = parse_as_of(report.stamp.as_of)
    d = date.year * 12 + date.month - 1
    worked = months[months["vehicle_equivalents"] > 0]["month"]
    end = max(d + 24, int(worked.max()) + 3 if len(worked) else d + 24)
    shown = months[(months["month"] >= d - 12) & (months["month"] <= end)]
    chart = Table(
        title="Utilisation by quarter (vehicle-equivalents / capacity)",
        title_justify="left",
        show_edge=False,
    )
    chart.add_column("quarter")
    chart.add_column("utilisation", no_wrap=True)
    chart.add_column("", justify="right")
    chart.add_column("jobs at risk", justify="right")
    quarters = shown.assign(q=(shown["month"] // 3) * 3).groupby("q")
    for q, group in quarters:
        util = float(group["utilisation"].mean())
        label = month_label(int(q))
        label = f"{label[:4]} Q{int(label[5:]) // 3 + 1}"
        marker = " ◀ as of" if group["month"].min() <= d <= group["month"].max() else ""
        chart.add_row(
            label + marker,
            render.bar(util),
            "-" if util != util else f"{util:.0%}",
            render.fmt_int(group["jobs_at_risk"].max()),
        )
    console.print(chart)
    sources = Table(title="Sources", title_justify="left")
    for col in ("table", "row", "known from", "source"):
        sources.add_column(col, overflow="fold")
    for row in report.sources.to_dict("records"):
        sources.add_row(row["table"], row["row"], row["known_from"], row["source"])
    console.print(sources)
    console.print(_stamp_line(report.stamp.as_dict()), style="dim")


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
    from railgap import analysis, render

    frame = analysis.fleet(as_of, operator=operator, data=data)
    if as_json:
        body = {
            **{k: render.clean(v) for k, v in frame.attrs.items()},
            "fleets": render.records(frame, FLEET_COLUMNS),
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if as_csv:
        typer.echo(render.to_csv(frame, FLEET_COLUMNS), nl=False)
        return
    table = Table(title=f"Fleet register as of {frame.attrs['as_of']}", title_justify="left")
    for col in ("fleet", "traction", "units", "vehicles", "built", "age", "status", "operators"):
        table.add_column(col, justify="right" if col in ("units", "vehicles", "age") else "left")
    for raw in frame.to_dict("records"):
        row = {k: render.clean(v) for k, v in raw.items()}
        built = (
            "-"
            if row["built_from"] is None
            else f"{row['built_from']}"
            + (f"-{row['built_to']}" if row["built_to"] != row["built_from"] else "")
        )
        label = row["subclass"] or row["class"]
        table.add_row(
            f"{label} {row['name'] or ''}".strip(),
            row["traction"],
            render.fmt_int(row["units"]),
            render.fmt_int(row["vehicles"]),
            built,
            "-" if row["age_years"] is None else f"{row['age_years']:.1f}",
            row["status"],
            row["operators"] or "-",
        )
    console.print(table)
    live = frame[frame["status"].isin(["in service", "partly withdrawn"])]
    console.print(
        f"{len(live)} fleets in service; {render.fmt_int(live['vehicles'].sum())} vehicles where "
        f"counted ({int(live['vehicles'].isna().sum())} fleets without a vehicle count)",
        style="dim",
    )
    console.print(_stamp_line({str(k): v for k, v in frame.attrs.items()}), style="dim")


def _parse_lives(values: list[str] | None) -> dict[str, float]:
    lives: dict[str, float] = {}
    for value in values or []:
        traction, sep, years = value.partition("=")
        try:
            lives[traction.strip()] = float(years)
        except ValueError:
            raise typer.BadParameter(f"--life '{value}' is not TRACTION=YEARS") from None
        if not sep or lives[traction.strip()] <= 0:
            raise typer.BadParameter(f"--life '{value}' is not TRACTION=YEARS (years > 0)")
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
    from railgap import analysis, render

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
    _print_forecast(result, stamp)


def _print_forecast(result: Any, stamp: Any) -> None:
    from railgap import render

    years = result.years
    peak = max(float(years["needed_unordered_vehicles"].max()), result.smooth_level, 1.0)
    table = Table(
        title=f"National fleet forecast as of {stamp.as_of}", title_justify="left", show_edge=False
    )
    for col in ("year", "fleet", "avg age", "retired", "delivered", "needed (unordered)", ""):
        table.add_column(col, justify="left" if col in ("year", "") else "right", no_wrap=True)
    for raw in years.to_dict("records"):
        row = {k: render.clean(v) for k, v in raw.items()}
        table.add_row(
            str(row["year"]),
            render.fmt_int(row["fleet_vehicles"]),
            "-" if row["average_age"] is None else f"{row['average_age']:.1f}",
            render.fmt_int(row["retired_vehicles"]),
            render.fmt_int(row["delivered_vehicles"]),
            render.fmt_int(row["needed_unordered_vehicles"]),
            render.bar(float(row["needed_unordered_vehicles"]) / peak, 24),
        )
    console.print(table)
    console.print(
        f"Smooth order level: {render.fmt_int(result.smooth_level)} vehicles a year from "
        f"{result.first_order_year} (the first year a new order can deliver) meets every year's "
        f"need and clears a backlog of {render.fmt_int(result.backlog)} vehicles already due "
        "before then."
    )
    waves = result.waves
    if len(waves):
        by_period = waves.assign(period=(waves["from"] // 5) * 5).groupby("period")
        console.print("Replacement waves (fleets reaching retirement, by five-year period):")
        for period, group in by_period:
            classes = group.groupby("class")["vehicles"].sum().sort_values(ascending=False)
            names = ", ".join(f"{c} ({render.fmt_int(v)})" for c, v in classes.head(6).items())
            total = render.fmt_int(group["vehicles"].sum())
            console.print(f"  {period}-{period + 4}: {total} vehicles: {names}")


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
