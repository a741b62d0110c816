"""The ``changes`` command: what became known between two dates, and what it moved."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from railgap.cli.options import AsCsv, AsJson, AssumptionsOpt, DataOpt, DbOpt, dataset_of, exclusive


def changes(
    since: Annotated[
        str, typer.Option("--since", help="From the day after this date (YYYY-MM-DD).")
    ],
    to: Annotated[
        str | None, typer.Option("--to", help="Up to and including this date; default today.")
    ] = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    data: DataOpt = None,
    db: DbOpt = None,
    assumptions: AssumptionsOpt = None,
) -> None:
    """What changed between two dates: new rows with sources, and what they moved.

    The rows that became known (orders, slips, tender stages, counts) with their sources,
    and how each plant's run-out, gaps and jobs at risk moved: the outlook as of --since
    against the outlook as of --to. --csv prints the rows; --json both.
    """
    exclusive(as_json, as_csv)
    from railgap.analysis.changed import changes as find_changes
    from railgap.views import terminal
    from railgap.views.changes import changes_body, changes_csv

    result = find_changes(since, to, data=dataset_of(data, db), assumptions=assumptions)
    if as_json:
        typer.echo(json.dumps(changes_body(result), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(changes_csv(result), nl=False)
    else:
        terminal.print_changes(result)
