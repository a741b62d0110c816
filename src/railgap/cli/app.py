"""The ``railgap`` command line: outlook, plant, fleet, forecast, optimize, scenario, data.

Errors in input (bad dates, unknown plants, malformed data) print one line naming what is
wrong and where, and exit with status 2; nothing prints a traceback.
"""

from __future__ import annotations

import sys

import typer

from railgap.cli import answers, backtest, changes, charts, check, scenarios, serve
from railgap.cli.data import register_data_commands
from railgap.dataset.errors import RailgapError
from railgap.views.terminal import err_console

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


scenario_app = typer.Typer(
    help="Scenarios: levers applied to the dataset, compared with the baseline.",
    no_args_is_help=True,
)


token_app = typer.Typer(help="API tokens for writes to the HTTP API.", no_args_is_help=True)


# Registered in the order ``railgap --help`` lists them.
app.command()(answers.outlook)
app.command()(answers.plant)
app.command()(answers.fleet)
app.command()(answers.forecast)
app.command()(changes.changes)
scenario_app.command("run")(scenarios.scenario_run)
scenario_app.command("compare")(scenarios.scenario_compare)
app.command()(scenarios.simulate)
app.command()(scenarios.optimize)
app.command()(backtest.backtest)
data_app.command("check")(check.data_check)
app.command()(answers.report)
app.command()(charts.chart)
app.command()(serve.serve)
token_app.command("create")(serve.token_create)
token_app.command("list")(serve.token_list)
token_app.command("revoke")(serve.token_revoke)
app.add_typer(data_app, name="data")
app.add_typer(scenario_app, name="scenario")
app.add_typer(token_app, name="token")
register_data_commands(data_app)


def main() -> None:
    """Entry point: run the app, turning railgap's errors into one line and exit status 2."""
    try:
        app()
    except RailgapError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
