"""The server commands: ``serve`` (dashboard and HTTP API) and ``token create|list|revoke``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

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
    uvicorn.run(create_app(data, db, warm=True), host=host, port=port, log_level="warning")


TokenDb = Annotated[
    str | None, typer.Option("--db", help="Database URL or SQLite path (default: configured).")
]


def token_create(
    label: Annotated[str, typer.Argument(help="Who or what the token is for.")],
    db: TokenDb = None,
    days: Annotated[
        int,
        typer.Option("--days", help="Days until the token expires.", min=1, max=3650),
    ] = 90,
    never: Annotated[
        bool, typer.Option("--never-expires", help="No expiry: live until revoked.")
    ] = False,
) -> None:
    """Create an API token for writes (saving scenarios); it is shown once and stored hashed."""
    from railgap import store

    token = store.create_token(label, db, None if never else days)
    console.print(token, markup=False, highlight=False, soft_wrap=True)
    life = "never expires (revoke it when done)" if never else f"expires in {days} days"
    err_console.print(
        f"Keep it: only a hash is stored; it {life}. Send it as 'Authorization: Bearer TOKEN'.",
        markup=False,
    )


def token_list(
    db: TokenDb = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Every API token: id, label, lookup, state, created, expires, last used (no secrets)."""
    import json

    from railgap import store
    from railgap.views.terminal import new_table

    tokens = store.list_tokens(db)

    def when(moment: object) -> str:
        return "" if moment is None else moment.isoformat(timespec="seconds")  # type: ignore[attr-defined]

    rows = [
        {
            "id": t.token_id,
            "label": t.label,
            "lookup": t.lookup,
            "state": t.state(),
            "created_at": when(t.created_at),
            "expires_at": when(t.expires_at) or "never",
            "last_used_at": when(t.last_used_at) or "never",
            "revoked_at": when(t.revoked_at),
        }
        for t in tokens
    ]
    if as_json:
        typer.echo(json.dumps({"tokens": rows}, indent=2, ensure_ascii=False))
        return
    table = new_table("API tokens", list(rows[0]) if rows else ["id"], right=("id",))
    for row in rows:
        table.add_row(*(escape(str(v)) for v in row.values()))
    console.print(table if rows else "No tokens in this database.")


def token_revoke(
    key: Annotated[str, typer.Argument(help="The token's id or lookup, from railgap token list.")],
    db: TokenDb = None,
) -> None:
    """Revoke an API token: it answers 401 from then on."""
    from railgap import store
    from railgap.store.errors import StoreError

    try:
        revoked = store.revoke_token_id(key, db)
    except StoreError as error:
        err_console.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from None
    console.print(
        f"token {key} revoked" if revoked else f"token {key} was already revoked", markup=False
    )
