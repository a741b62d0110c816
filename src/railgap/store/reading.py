"""Read the database as a ``Dataset``: every stored revision, so the engines run unchanged.

The frames are built by ``railgap.dataset``'s own typing, with ``_file`` naming the database
table and ``_line`` the row's ``row_id`` (insertion order breaks ties between revisions
public on the same day, as line order does in a CSV). Results are cached per database, keyed by
``data_version`` (which every write changes) and each table's row count and newest row.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, func, select

from railgap.dataset.errors import DataError, Problem
from railgap.dataset.reading import cell_text, frame_of, read_cells
from railgap.dataset.schema import TABLES, schema
from railgap.dataset.tables import (
    Dataset,
    content_digest,
    duplicate_revisions,
    reference_problems,
)
from railgap.store.errors import display_url
from railgap.store.revisions import (
    embedded_digest,
    get_meta,
    lock_for_writing,
    stored_rows,
    sync_embedded,
)
from railgap.store.schema import DATA_TABLES

_cache: dict[str, tuple[str, Dataset]] = {}


def ensure_current(engine: Engine) -> None:
    """Bring the packaged rows up to date when railgap's dataset changed (a quick check)."""
    with engine.connect() as connection:
        current = get_meta(connection, "embedded_digest") == embedded_digest()
    if not current:
        with engine.begin() as connection:
            lock_for_writing(connection)
            sync_embedded(connection)


def _version(connection: Connection) -> str:
    """The cache key: the data version, and each table's row count and newest ``row_id``.

    Counting rows too means rows that other tools insert are seen without a restart.
    """
    parts = [get_meta(connection, "data_version") or ""]
    for table in TABLES:
        sql = DATA_TABLES[table]
        count, newest = connection.execute(select(func.count(), func.max(sql.c.row_id))).one()
        parts.append(f"{count}:{newest}")
    return "|".join(parts)


def read_dataset(engine: Engine) -> Dataset:
    """Every stored revision of every table, as a ``Dataset`` (embedded and users' rows)."""
    ensure_current(engine)
    key = engine.url.render_as_string(hide_password=False)
    with engine.connect() as connection:
        version = _version(connection)
        cached = _cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = {table: stored_rows(connection, table) for table in TABLES}
    # Rows other tools wrote are checked as CSV cells are: a bad cell, a duplicate revision
    # or a broken reference is a DataError naming the table, the row_id and the column.
    problems: list[Problem] = []
    tables = {}
    for table in TABLES:
        table_schema = schema(table)
        names = table_schema.names
        cells = ((int(r["row_id"]), [cell_text(r[n]) for n in names]) for r in rows[table])
        typed, found = read_cells(table, table_schema, names, cells)
        problems += found
        tables[table] = frame_of(table_schema, [] if found else typed)
        if not found:
            problems += duplicate_revisions(table, tables[table], table_schema.key)
    if not problems:
        problems += reference_problems(tables)
    if problems:
        raise DataError(problems)
    dataset = Dataset(
        tables=tables,
        folder=display_url(key),
        digest=content_digest(tables),
    )
    _cache[key] = (version, dataset)
    return dataset
