"""``railgap data`` commands for the database: init, import, export, add and history.

Registered on the ``data`` group by ``railgap.cli``; the store's modules (SQLAlchemy,
openpyxl) are imported only when a command runs, so the CLI starts fast.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from railgap.views.terminal import console

if TYPE_CHECKING:
    import pandas as pd

DbWrite = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=(
            "Database to write (SQLite path or URL, postgresql://...); default "
            "$RAILGAP_DATABASE_URL, else the default database file (created when missing)."
        ),
    ),
]
DbRead = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=(
            "Database to read (SQLite path or URL); default $RAILGAP_DATABASE_URL, else the "
            "default database file when it exists, else the embedded dataset."
        ),
    ),
]
By = Annotated[
    str | None,
    typer.Option("--by", help="Who records the rows (default: your login name)."),
]


def _recorder(by: str | None) -> str:
    name = by or getpass.getuser()
    if not name.strip() or len(name) > 200:
        raise typer.BadParameter("--by must be 1 to 200 characters")
    return name


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False)


def _summary(added: dict[str, int], unchanged: int) -> str:
    if not added:
        return f"nothing new: {unchanged} row(s) already stored"
    parts = ", ".join(f"{table} {count}" for table, count in added.items())
    return f"added {sum(added.values())} revision(s) ({parts}); {unchanged} already stored"


@contextmanager
def _removed_if_refused(url: str) -> Iterator[None]:
    """A SQLite file this command creates is deleted again when the write is refused."""
    from railgap.store.engine import dispose, sqlite_path

    path = sqlite_path(url)
    new = path is not None and not path.exists()
    try:
        yield
    except Exception:
        if new and path is not None:
            dispose(url)
            for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                file.unlink(missing_ok=True)
        raise


def data_init(db: DbWrite = None) -> None:
    """Create (or upgrade) the database and load the embedded dataset into it."""
    from railgap.store.engine import get_engine
    from railgap.store.errors import display_url
    from railgap.store.location import resolve_url
    from railgap.store.reading import read_dataset

    url = resolve_url(db)
    dataset = read_dataset(get_engine(url))
    rows = sum(len(frame) for frame in dataset.tables.values())
    _say(f"{display_url(url)}: ready ({rows} rows; hash {dataset.digest})")


def data_import(
    path: Annotated[
        Path,
        typer.Argument(
            help=(
                "A folder of <table>.csv files, one <table>.csv, an .xlsx workbook (one sheet "
                "per table) or a datapackage.json (or its folder)."
            )
        ),
    ],
    db: DbWrite = None,
    by: By = None,
) -> None:
    """Import rows as new revisions: all checked first, then written in one transaction.

    Rows already stored with the same key, known_from and values are skipped, so importing
    the same data twice changes nothing. Any problem is reported with its file (or sheet),
    row and column, and nothing is written (exit status 2).
    """
    from railgap.store import revisions
    from railgap.store.engine import get_engine
    from railgap.store.errors import display_url
    from railgap.store.formats import read_import
    from railgap.store.location import resolve_url

    incoming = read_import(path)
    url = resolve_url(db)
    with _removed_if_refused(url):
        result = revisions.write(get_engine(url), incoming, _recorder(by))
    _say(f"{display_url(url)}: {_summary(result.added, result.unchanged)}")


def data_export(
    path: Annotated[Path, typer.Argument(help="Folder (csv, datapackage) or .xlsx file to write.")],
    fmt: Annotated[
        str,
        typer.Option("--format", help="csv (a folder), xlsx (a workbook) or datapackage."),
    ] = "csv",
    db: DbRead = None,
) -> None:
    """Export the whole dataset (embedded and users' rows, every revision, with sources)."""
    from railgap import analysis
    from railgap.store.export import export_dataset

    dataset = analysis.get_dataset(None, db)
    origin = dataset.label
    files = export_dataset(dataset, fmt, path, origin)
    rows = sum(len(frame) for frame in dataset.tables.values())
    _say(f"exported {rows} rows from {origin} as {fmt} to {path} ({len(files)} files)")


def data_add(
    table: Annotated[str, typer.Argument(help="Table to add a revision to, e.g. orders.")],
    sets: Annotated[
        list[str],
        typer.Option(
            "--set",
            help=(
                "COLUMN=VALUE (repeatable). Give the key, source, and the columns that change; "
                "other columns are taken from the key's latest revision; known_from defaults "
                "to today."
            ),
        ),
    ],
    db: DbWrite = None,
    by: By = None,
) -> None:
    """Add one row as a new revision (a correction never overwrites what was stored)."""
    from railgap.store.adding import add_row
    from railgap.store.engine import get_engine
    from railgap.store.errors import display_url
    from railgap.store.location import resolve_url

    values: dict[str, str] = {}
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"'{item}' is not COLUMN=VALUE", param_hint="--set")
        values[name.strip()] = value
    url = resolve_url(db)
    with _removed_if_refused(url):
        result = add_row(get_engine(url), table, values, _recorder(by))
    _say(f"{display_url(url)}: {_summary(result.added, result.unchanged)}")


def data_history(
    table: Annotated[str, typer.Argument(help="Table, e.g. orders.")],
    key: Annotated[list[str], typer.Argument(help="Key value(s) in key order, e.g. an order_id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    db: DbRead = None,
) -> None:
    """Every revision of one row, oldest first: values, known_from, who recorded it and when."""
    from railgap.store.engine import get_engine
    from railgap.store.history import history, history_in_dataset
    from railgap.store.location import configured_url
    from railgap.views import render

    url = configured_url(db)
    if url is None:
        from railgap import analysis

        frame = history_in_dataset(analysis.get_dataset(), table, key)
    else:
        frame = history(get_engine(url), table, key)
    if frame.empty:
        from railgap.dataset.errors import DataError, Problem

        raise DataError([Problem("KEY", None, None, f"no revisions of {table} {' '.join(key)}")])
    if as_json:
        typer.echo(json.dumps(render.records(frame), indent=2, ensure_ascii=False, default=str))
        return
    _print_history(table, key, frame)


def _print_history(table: str, key: list[str], frame: pd.DataFrame) -> None:
    """One column per revision, one line per field; a field that changed is marked ``*``."""
    from rich.markup import escape
    from rich.table import Table

    from railgap.views import render

    title = f"{table} {' '.join(key)}: {len(frame)} revision(s), oldest first"
    view = Table(title=title, title_justify="left")
    view.add_column("field")
    for number in range(1, len(frame) + 1):
        view.add_column(f"#{number}")
    records = [{k: render.clean(v) for k, v in row.items()} for row in frame.to_dict("records")]
    for name in frame.columns:
        cells = ["" if r[name] is None else str(r[name]) for r in records]
        if not any(cells):
            continue
        marked = [
            escape(c) + (" *" if i and c != cells[i - 1] else "") for i, c in enumerate(cells)
        ]
        view.add_row(escape(str(name)), *marked)
    console.print(view)


def register_data_commands(app: typer.Typer) -> None:
    """Add the database commands to the ``data`` command group."""
    app.command("init")(data_init)
    app.command("import")(data_import)
    app.command("export")(data_export)
    app.command("add")(data_add)
    app.command("history")(data_history)
