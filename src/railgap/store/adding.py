"""Add one row as a new revision: start from the key's latest revision, change what is given.

A correction never edits a stored row. The new row needs its own ``source`` (the page that
says the new value) and gets ``known_from`` = today unless one is given; it goes through the
same checks and transaction as an import.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select

from railgap.dataset import cell_text, read_cells
from railgap.dataset.errors import DataError, Problem
from railgap.dataset.schema import TABLES, schema
from railgap.store import revisions
from railgap.store.formats import TableRows
from railgap.store.reading import ensure_current
from railgap.store.schema import DATA_TABLES

WHERE = "--set"


def latest_revision(engine: Engine, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """The stored revision of ``key`` with the latest ``known_from`` (then latest recorded)."""
    sql = DATA_TABLES[table]
    query = (
        select(*(sql.c[n] for n in schema(table).names))
        .where(*((sql.c[k] == v) if v is not None else sql.c[k].is_(None) for k, v in key.items()))
        .order_by(sql.c.known_by.desc(), sql.c.row_id.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    return None if row is None else dict(row)


def add_row(
    engine: Engine,
    table: str,
    values: dict[str, str],
    recorded_by: str,
    today: dt.date | None = None,
) -> revisions.WriteResult:
    """Add a revision of ``table`` from ``values`` (column name to text); see the module doc.

    Raises ``DataError`` naming ``--set`` and the column for an unknown table or column, a
    missing key or source, a bad value, a reference to nothing, or a clash with a stored row.
    """
    if table not in TABLES:
        raise DataError(
            [Problem(WHERE, None, None, f"'{table}' is not a table ({', '.join(TABLES)})")]
        )
    table_schema = schema(table)
    unknown = [n for n in values if n not in table_schema.names]
    if unknown:
        raise DataError([Problem(WHERE, None, n, f"is not a column of {table}") for n in unknown])
    missing = [k for k in table_schema.key if k not in values and table_schema.column(k).required]
    problems = [Problem(WHERE, None, k, "is part of the key: give it") for k in missing]
    if not values.get("source", "").strip():
        problems.append(
            Problem(WHERE, None, "source", "a new revision needs its own public source URL")
        )
    if problems:
        raise DataError(problems)
    key: dict[str, Any] = {}
    for name in table_schema.key:
        text = values.get(name, "").strip()
        try:
            key[name] = table_schema.column(name).parse(text) if text else None
        except ValueError as exc:
            raise DataError([Problem(WHERE, None, name, str(exc))]) from None
    ensure_current(engine)  # the packaged rows loaded, so the latest revision is found
    base = latest_revision(engine, table, key) or {}
    cells = {name: cell_text(base.get(name)) for name in table_schema.names}
    cells["known_from"] = (today or dt.date.today()).isoformat()
    cells.update(values)
    rows, problems = read_cells(
        WHERE, table_schema, table_schema.names, [(1, [cells[n] for n in table_schema.names])]
    )
    if problems:
        raise DataError(problems)
    return revisions.write(engine, {table: TableRows(table, WHERE, rows)}, recorded_by)
