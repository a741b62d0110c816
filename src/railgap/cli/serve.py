"""The server commands: ``serve`` (dashboard and HTTP API) and ``token create``."""

from __future__ import annotations

from typing import Annotated

import typer

from railgap.cli.options import DataOpt
from railgap.views.terminal import console, err_console


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
