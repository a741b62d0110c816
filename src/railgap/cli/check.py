"""``railgap data check``: validate a dataset folder, the database or the embedded data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from railgap.cli.options import DbOpt, dataset_of
from railgap.dataset.errors import DataError
from railgap.views.terminal import console, err_console


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
    from railgap.checks.data import consistency_problems
    from railgap.dataset import load_dataset

    if path is not None and db is not None:
        raise typer.BadParameter("choose one of PATH and --db")
    try:
        dataset = load_dataset(path) if path is not None else dataset_of(None, db)
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
