"""The options every command shares, and how a command prints a stamped table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from railgap.dataset import Dataset


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


AllPlants = Annotated[
    bool,
    typer.Option(
        "--all",
        help="Also list plants closed (or never opened) by the date with nothing to build.",
    ),
]


AssumptionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--assumptions", help="An assumptions YAML file to use instead of the packaged one."
    ),
]


def emit(
    frame: pd.DataFrame,
    key: str,
    columns: list[str],
    as_json: bool,
    as_csv: bool,
    show: Callable[[pd.DataFrame], None],
    body_of: Callable[[pd.DataFrame], dict[str, Any]] | None = None,
) -> None:
    """Print a stamped table as JSON (the stamp, then ``key``: rows), CSV, or for people.

    ``body_of`` builds the JSON instead, for answers that hold more than their rows.
    """
    from railgap.views import answers, render

    if as_json:
        body = body_of(frame) if body_of else answers.table_body(frame, key, columns)
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(render.to_csv(frame, columns), nl=False)
    else:
        show(frame)


def dataset_of(data: Path | None, db: str | None) -> Dataset:
    """The dataset a command reads: ``--data`` folder, ``--db`` database, or the default."""
    from railgap import analysis

    if data is not None and db is not None:
        raise typer.BadParameter("choose one of --data and --db")
    return analysis.get_dataset(data, db)


def exclusive(as_json: bool, as_csv: bool) -> None:
    """Refuse ``--json`` and ``--csv`` together."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
