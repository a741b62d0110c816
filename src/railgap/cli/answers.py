"""The answer commands: ``outlook``, ``plant``, ``fleet``, ``forecast`` and ``report``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from railgap.cli.options import (
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
from railgap.views.answers import FLEET_COLUMNS
from railgap.views.terminal import console


def outlook(
    as_of: AsOf = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    all_plants: Annotated[
        bool,
        typer.Option(
            "--all",
            help="List every plant, not only those that matter on the date (open in GB, or "
            "with GB work near it): also closed, never-opened and idle foreign plants.",
        ),
    ] = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """The national plant outlook: each plant's order book, run-out, gap and jobs at risk."""
    exclusive(as_json, as_csv)
    from railgap import analysis
    from railgap.views import answers, render, terminal

    frame = analysis.outlook(
        as_of, data=dataset_of(data, db), assumptions=assumptions, all_plants=all_plants
    )
    emit(
        frame,
        "plants",
        render.OUTLOOK_COLUMNS,
        as_json,
        as_csv,
        terminal.print_outlook,
        answers.outlook_body,
    )


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
    exclusive(as_json, as_csv)
    from railgap import analysis
    from railgap.views import answers, terminal

    report = analysis.plant(plant_id, as_of, data=dataset_of(data, db), assumptions=assumptions)
    if as_json:
        typer.echo(json.dumps(answers.plant_body(report), indent=2, ensure_ascii=False))
        return
    if as_csv:
        typer.echo(answers.plant_months_csv(report), nl=False)
        return
    terminal.print_plant(report)


def fleet(
    as_of: AsOf = None,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator",
            help="Only fleets this operator runs, by name ('Northern' is not Great Northern).",
        ),
    ] = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
) -> None:
    """The fleet register as known on a date: every class, its size, age, status, operators."""
    exclusive(as_json, as_csv)
    from railgap import analysis
    from railgap.views import terminal

    frame = analysis.fleet(as_of, operator=operator, data=dataset_of(data, db))
    emit(frame, "fleets", FLEET_COLUMNS, as_json, as_csv, terminal.print_fleet)


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
    growth: Annotated[
        str | None,
        typer.Option(
            "--growth",
            help="A named fleet-growth scenario (fleet_growth_scenarios), e.g. ltprss_2016_high.",
        ),
    ] = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """National fleet by year: size, average age, retirements, deliveries and unordered need."""
    exclusive(as_json, as_csv)
    from railgap import analysis
    from railgap.fleets.turnover import parse_lives
    from railgap.views import answers, terminal

    result, stamp = analysis.run_forecast(
        from_year,
        to_year,
        as_of,
        parse_lives(life, "--life"),
        dataset_of(data, db),
        assumptions,
        growth,
    )
    if as_json:
        body = answers.forecast_body(result, stamp)
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if as_csv:
        typer.echo(answers.forecast_csv(result, stamp), nl=False)
        return
    terminal.print_forecast(result, stamp)


def report(
    plant_id: Annotated[
        str,
        typer.Argument(
            help="Plant id, e.g. hitachi_newton_aycliffe, or 'national' for the national pack."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "--out", "-o", help="File to write.")],
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
    """A plant briefing to email, or the national pack: one HTML page, or Excel.

    ``report national`` gathers the outlook, every plant's gaps, the fleet forecast, a
    Monte Carlo summary, the optimiser's timetable (10 s solver limit, said in the pack)
    and the sources, with a provenance sheet.
    """
    from railgap.views.report import write_report

    if fmt not in ("html", "xlsx"):
        raise typer.BadParameter("--format must be html or xlsx")
    if plant_id == "national":
        from railgap.views.national import write_pack

        if scenario is not None:
            raise typer.BadParameter("--scenario is for a plant briefing, not the national pack")
        path = write_pack(output, fmt, as_of, dataset_of(data, db))
        console.print(f"wrote {path}", markup=False, highlight=False)
        return
    path = write_report(plant_id, output, fmt, as_of, scenario, dataset_of(data, db))
    console.print(f"wrote {path}", markup=False, highlight=False)
