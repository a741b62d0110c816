"""``railgap chart KIND``: any dashboard chart as a PNG or SVG file, for a paper or a slide."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from railgap.cli.options import AsOf, DataOpt, DbOpt
from railgap.views.kinds import FORMATS, KINDS
from railgap.views.terminal import console

KIND_HELP = "The chart: " + "; ".join(f"{k} ({what})" for k, (_, _, what) in KINDS.items()) + "."


def chart(
    kind: Annotated[str, typer.Argument(help=KIND_HELP, metavar="KIND")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write (.png or .svg).")
    ],
    plant: Annotated[
        str | None,
        typer.Option("--plant", help="Plant id: for loading, jobs, gap-chance, plan-loading."),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Scenario file: for the scenario-* charts (its as_of)."),
    ] = None,
    as_of: AsOf = None,
    to: Annotated[
        int | None, typer.Option("--to", help="Last year of the pipeline charts' horizon.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="png or svg (default: the output file's suffix)."),
    ] = None,
    data: DataOpt = None,
    db: DbOpt = None,
) -> None:
    """Write a chart as the dashboard draws it, with its source note printed under it."""
    from railgap.scenarios.spec import inlined_text
    from railgap.views import images
    from railgap.web.figures import UnknownChartError, build_chart, check_kind
    from railgap.web.service import Service

    chosen = (fmt or output.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise typer.BadParameter(
            f"give --format png or svg (or an output ending .png or .svg), not {chosen!r}"
        )
    text = inlined_text(scenario) if scenario is not None else None
    try:
        page = check_kind(kind, plant, text)
    except UnknownChartError as exc:
        raise typer.BadParameter(str(exc), param_hint="KIND") from None
    if text is not None and page != "scenario":
        raise typer.BadParameter(f"--scenario is for the scenario-* charts, not {kind}")
    if to is not None and not 1990 <= to <= 2100:
        raise typer.BadParameter("--to must be a year from 1990 to 2100")
    service = Service(data=data, db=db)
    chart_ = build_chart(service, kind, service.date(as_of), plant, to, text)
    try:
        payload = images.render(chart_, chosen, plant if kind == "plan-loading" else None)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--plant") from None
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(payload)
    partial.replace(output)
    console.print(f"wrote {output}", markup=False, highlight=False)
