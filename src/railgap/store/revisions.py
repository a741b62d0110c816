"""Write revisions: every import and added row goes in whole, in one transaction, or not at all.

A row is identified by its table's key plus ``known_from``. Importing a row already stored
with the same values is a no-op; the same identity with different values is refused (a
correction is a new revision with a later ``known_from``, never an overwrite). Everything is
checked (schemas, duplicates, conflicts, references to the stored and imported rows) before
the first row is written, inside the transaction that writes them.

The rows that come with railgap (``origin = embedded``) are kept equal to the packaged
dataset: when railgap's dataset changes, the next write or read brings them up to date,
never touching users' rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from railgap.dataset.dates import known_by
from railgap.dataset.errors import DataError, Problem
from railgap.dataset.schema import TABLES, data_dir, schema
from railgap.store.formats import TableRows, read_import
from railgap.store.schema import DATA_TABLES, store_meta

EMBEDDED = "embedded"
USER = "user"
EMBEDDED_BY = "railgap"


@dataclass
class WriteResult:
    """What a write did: rows added per table, and rows already stored as given."""

    added: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0


def identity(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """A row's identity: its key values and ``known_from``."""
    return (*(row.get(k) for k in schema(table).key), row.get("known_from"))


def describe_identity(table: str, row: dict[str, Any]) -> str:
    """``order_id=o1, known_from=2024-01`` for messages."""
    names = [*schema(table).key, "known_from"]
    return ", ".join(f"{n}={row.get(n)}" for n in names)


def stored_rows(connection: Connection, table: str) -> list[dict[str, Any]]:
    """Every stored revision of ``table`` (schema columns, ``row_id``, ``origin``), in order."""
    sql = DATA_TABLES[table]
    columns = [sql.c[name] for name in (*schema(table).names, "row_id", "origin")]
    result = connection.execute(select(*columns).order_by(sql.c.row_id))
    return [dict(row) for row in result.mappings()]


def _content(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(name) for name in schema(table).names)


def _record(
    table: str, row: dict[str, Any], by: str, origin: str, at: dt.datetime
) -> dict[str, Any]:
    values = {name: row.get(name) for name in schema(table).names}
    values.update(
        known_by=known_by(str(row["known_from"])), recorded_at=at, recorded_by=by, origin=origin
    )
    return values


def _set_meta(connection: Connection, name: str, value: str) -> None:
    connection.execute(delete(store_meta).where(store_meta.c.name == name))
    connection.execute(insert(store_meta).values(name=name, value=value))


def get_meta(connection: Connection, name: str) -> str | None:
    """A value kept in ``store_meta`` (``data_version``, ``embedded_digest``), or ``None``."""
    return connection.execute(
        select(store_meta.c.value).where(store_meta.c.name == name)
    ).scalar_one_or_none()


@cache
def embedded_digest() -> str:
    """A quick hash of the packaged CSV files' bytes, to notice a new railgap release.

    Not the dataset's content hash (``railgap.dataset.content_digest``): it only tells
    whether the packaged rows must be synced again, without parsing them.
    """
    digest = hashlib.sha256()
    for table in TABLES:
        digest.update(table.encode() + b"\0" + (data_dir() / f"{table}.csv").read_bytes())
    return digest.hexdigest()[:12]


@cache
def _embedded_rows() -> dict[str, TableRows]:
    return read_import(data_dir())


def sync_embedded(connection: Connection) -> bool:
    """Bring the ``embedded`` rows up to the packaged dataset; ``True`` when anything changed.

    New packaged rows are added, changed ones updated, removed ones deleted; a user row with
    the identity of a packaged one is left as it is.
    """
    if get_meta(connection, "embedded_digest") == embedded_digest():
        return False
    now = dt.datetime.now(dt.UTC)
    for table, packaged in _embedded_rows().items():
        sql = DATA_TABLES[table]
        stored = {identity(table, r): r for r in stored_rows(connection, table)}
        wanted = {identity(table, r): r for r in packaged.rows}
        new = []
        for ident, row in wanted.items():
            old = stored.get(ident)
            if old is None:
                new.append(_record(table, row, EMBEDDED_BY, EMBEDDED, now))
            elif old["origin"] == EMBEDDED and _content(table, old) != _content(table, row):
                values = _record(table, row, EMBEDDED_BY, EMBEDDED, now)
                connection.execute(
                    update(sql).where(sql.c.row_id == old["row_id"]).values(**values)
                )
        gone = [
            r["row_id"] for i, r in stored.items() if r["origin"] == EMBEDDED and i not in wanted
        ]
        if gone:
            connection.execute(delete(sql).where(sql.c.row_id.in_(gone)))
        if new:
            connection.execute(insert(sql), new)
    _set_meta(connection, "embedded_digest", embedded_digest())
    _set_meta(connection, "data_version", uuid.uuid4().hex)
    return True


def _plan(
    connection: Connection, incoming: dict[str, TableRows]
) -> tuple[dict[str, list[dict[str, Any]]], int, list[Problem]]:
    """The rows to add per table, how many are already stored, and every problem found."""
    problems: list[Problem] = []
    unchanged = 0
    stored = {table: stored_rows(connection, table) for table in TABLES}
    to_add: dict[str, list[dict[str, Any]]] = {}
    for table, given in incoming.items():
        known = {identity(table, r): r for r in stored[table]}
        seen: dict[tuple[Any, ...], int] = {}
        for row in given.rows:
            ident = identity(table, row)
            where = (str(row["_file"]), int(row["_line"]))
            if ident in seen:
                problems.append(
                    Problem(
                        *where,
                        "known_from",
                        f"repeats line {seen[ident]} ({describe_identity(table, row)})",
                    )
                )
                continue
            seen[ident] = where[1]
            old = known.get(ident)
            if old is None:
                to_add.setdefault(table, []).append(row)
                continue
            differs = [n for n in schema(table).names if old.get(n) != row.get(n)]
            if not differs:
                unchanged += 1
                continue
            column = differs[0]
            problems.append(
                Problem(
                    *where,
                    column,
                    f"a revision ({describe_identity(table, row)}) is already stored with "
                    f"{column}={old.get(column)!r}, not {row.get(column)!r}; a correction is a "
                    "new revision: give it a later known_from",
                )
            )
    problems += _reference_problems(stored, to_add)
    return to_add, unchanged, problems


def _reference_problems(
    stored: dict[str, list[dict[str, Any]]], to_add: dict[str, list[dict[str, Any]]]
) -> list[Problem]:
    """Every reference in a new row must name a stored or newly imported row."""
    problems: list[Problem] = []
    for table, rows in to_add.items():
        for column in schema(table).columns:
            if not column.references:
                continue
            target, target_column = column.references.split(".")
            known = {r.get(target_column) for r in stored[target] + to_add.get(target, [])}
            for row in rows:
                value = row.get(column.name)
                if value is None:
                    continue
                values = str(value).split(";") if column.base_type == "ids" else [value]
                for item in values:
                    if item not in known:
                        problems.append(
                            Problem(
                                str(row["_file"]),
                                int(row["_line"]),
                                column.name,
                                f"'{item}' is not a {target_column} in {target}",
                            )
                        )
    return problems


def lock_for_writing(connection: Connection) -> None:
    """Take the database's write lock first, so checks and inserts see one set of rows."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7316101)")
    else:  # SQLite: the first write takes the lock (waiting up to busy_timeout)
        _set_meta(connection, "last_write", dt.datetime.now(dt.UTC).isoformat())


def write(engine: Engine, incoming: dict[str, TableRows], recorded_by: str) -> WriteResult:
    """Check and write ``incoming`` as users' revisions, all in one transaction.

    Raises ``DataError`` (every problem, each naming file or sheet, row and column) and
    writes nothing when any row is wrong.
    """
    result = WriteResult()
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as connection, connection.begin() as transaction:
        lock_for_writing(connection)
        synced = sync_embedded(connection)
        to_add, result.unchanged, problems = _plan(connection, incoming)
        if problems:
            raise DataError(problems)  # leaving the block rolls everything back
        for table in TABLES:
            rows = to_add.get(table, [])
            if rows:
                values = [_record(table, r, recorded_by, USER, now) for r in rows]
                connection.execute(insert(DATA_TABLES[table]), values)
                result.added[table] = len(rows)
        if not result.added and not synced:
            transaction.rollback()  # nothing new: leave the database as it was
            return result
        if result.added and not synced:
            _set_meta(connection, "data_version", uuid.uuid4().hex)
    return result
