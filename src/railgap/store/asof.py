"""As-of in SQL: the rows public on a date, computed by the database.

The same rule as ``railgap.dataset.as_of``: per key, the revision with the latest
``known_by`` on or before the date (ties: the later recorded); ``actual_*`` dates and dated
counts left empty by that revision carry the latest earlier value; ``actual_*`` dates and
spell ends (``fleet_operators.to``) later than the date are not seen. One ``SELECT`` per
table, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, and_, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from railgap.dataset.asof import ENDED, carried
from railgap.dataset.schema import schema
from railgap.store.schema import DATA_TABLES


def _not_after(value: ColumnElement[Any], date: dt.date) -> ColumnElement[Any]:
    """A partial date not later than ``date`` at its own precision (year or month)."""
    year = f"{date.year:04d}"
    month = f"{date.year:04d}-{date.month:02d}"
    return case(
        (func.length(value) == 4, value <= literal(year)),
        else_=func.substr(value, 1, 7) <= literal(month),
    )


def as_of_query(table: str, date: dt.date) -> Select[Any]:
    """The ``SELECT`` of ``table``'s schema columns as known on ``date``, in recorded order."""
    sql = DATA_TABLES[table]
    table_schema = schema(table)
    visible = sql.c.known_by <= date
    ranked = (
        select(
            sql,
            func.row_number()
            .over(
                partition_by=[sql.c[k] for k in table_schema.key],
                order_by=[sql.c.known_by.desc(), sql.c.row_id.desc()],
            )
            .label("rank"),
        )
        .where(visible)
        .subquery("ranked")
    )
    earlier = sql.alias("earlier")
    columns: list[ColumnElement[Any]] = []
    for column in table_schema.columns:
        current = ranked.c[column.name]
        value: ColumnElement[Any] = current
        if carried(column.name):
            same_key = and_(
                *(earlier.c[k].is_not_distinct_from(ranked.c[k]) for k in table_schema.key)
            )
            latest_known = (
                select(earlier.c[column.name])
                .where(same_key, earlier.c.known_by <= date, earlier.c[column.name].is_not(None))
                .order_by(earlier.c.known_by.desc(), earlier.c.row_id.desc())
                .limit(1)
                .scalar_subquery()
            )
            value = func.coalesce(current, latest_known)
        ended = column.name.startswith("actual_") or column.name in ENDED
        if ended and column.base_type == "date":
            value = case((_not_after(value, date), value), else_=None)
        columns.append(value.label(column.name))
    return select(*columns).where(ranked.c.rank == 1).order_by(ranked.c.row_id)


def read_as_of(engine: Engine, table: str, date: dt.date) -> pd.DataFrame:
    """``table`` as known on ``date``, computed in the database (schema columns only)."""
    with engine.connect() as connection:
        rows = connection.execute(as_of_query(table, date)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=schema(table).names)
