"""``railgap backtest``: every as-of answer scored against what then happened."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from railgap.cli.options import AsCsv, AsJson, AssumptionsOpt, DataOpt, DbOpt, dataset_of, exclusive


def backtest(
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help="With --csv: events, summary, worst, national, national_summary, "
            "calibration, reliability or calibration_cases.",
        ),
    ] = "events",
    plant: Annotated[
        str | None, typer.Option("--plant", help="Score one plant's events only.")
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", help="Monte Carlo draws per calibration date (1-5000).")
    ] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the calibration.")] = 2024,
    no_calibration: Annotated[
        bool, typer.Option("--no-calibration", help="Skip the Monte Carlo calibration.")
    ] = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """Score the model's as-of answers against sourced plant events and published series."""
    from railgap import analysis
    from railgap.views import backtest as view

    exclusive(as_json, as_csv)
    if table not in view.TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(view.TABLES)}")
    result = analysis.backtest(
        dataset_of(data, db), assumptions, plant, draws, seed, not no_calibration
    )
    if as_json:
        typer.echo(json.dumps(view.as_json(result), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(view.table_csv(result, table), nl=False)
    else:
        view.print_backtest(result)
