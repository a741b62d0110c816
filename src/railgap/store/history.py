"""A row's revisions: every stored version of one key, oldest first, with who recorded it."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from railgap.dataset import Dataset
from railgap.dataset.errors import DataError, Problem
from railgap.dataset.schema import TABLES, schema
from railgap.store.schema import DATA_TABLES

#: Columns shown after the schema's: when and by whom a revision was recorded, and its origin.
RECORD_COLUMNS = ["recorded_at", "recorded_by", "origin"]


def key_values(table: str, values: list[str], where: str = "KEY") -> dict[str, object]:
    """Parse ``values`` as the first key columns of ``table`` (e.g. ``order_id``), typed.

    Raises ``DataError`` for an unknown table, too many values or a value of the wrong type.
    """
    if table not in TABLES:
        raise DataError(
            [Problem(where, None, None, f"'{table}' is not a table ({', '.join(TABLES)})")]
        )
    key = schema(table).key
    if not values or len(values) > len(key):
        raise DataError(
            [
                Problem(
                    where,
                    None,
                    None,
                    f"{table} is keyed by {', '.join(key)}: give 1 to {len(key)} values",
                )
            ]
        )
    typed: dict[str, object] = {}
    for name, text in zip(key, values, strict=False):
        try:
            typed[name] = schema(table).column(name).parse(text)
        except ValueError as exc:
            raise DataError([Problem(where, None, name, str(exc))]) from None
    return typed


def history(engine: Engine, table: str, values: list[str]) -> pd.DataFrame:
    """Every revision of the rows whose key starts with ``values``, oldest first.

    Columns: the table's, then ``recorded_at`` (UTC, ISO 8601 text), ``recorded_by`` and
    ``origin``; the order is
    the one as-of uses (``known_from``'s last possible day, then recording order).
    """
    from railgap.store.reading import ensure_current

    typed = key_values(table, values)
    sql = DATA_TABLES[table]
    columns = [sql.c[n] for n in [*schema(table).names, *RECORD_COLUMNS]]
    query = select(*columns).where(*(sql.c[k] == v for k, v in typed.items()))
    query = query.order_by(*(sql.c[k] for k in schema(table).key), sql.c.known_by, sql.c.row_id)
    ensure_current(engine)
    with engine.connect() as connection:
        rows = [dict(r) for r in connection.execute(query).mappings()]
    frame = pd.DataFrame(rows, columns=[*schema(table).names, *RECORD_COLUMNS])
    # SQLite keeps no time zone; the store always writes UTC.
    stamps = pd.to_datetime(frame["recorded_at"], utc=True)
    frame["recorded_at"] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame


def history_in_dataset(dataset: Dataset, table: str, values: list[str]) -> pd.DataFrame:
    """The same view of a dataset read from files (recorded as ``embedded`` by railgap)."""
    typed = key_values(table, values)
    frame = dataset[table]
    mask = pd.Series(True, index=frame.index)
    for name, value in typed.items():
        mask &= frame[name] == value
    rows = frame[mask].sort_values([*schema(table).key, "_known_by", "_line"], kind="stable")
    out = rows[schema(table).names].reset_index(drop=True)
    out["recorded_at"] = None
    out["recorded_by"] = None
    out["origin"] = dataset.label
    return out
