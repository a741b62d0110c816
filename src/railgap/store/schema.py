"""The database's tables: one per dataset table (made from the CSV schemas), plus the store's.

A dataset table holds every revision of every row: the schema's columns, a ``row_id`` in
insertion order (the tie-break between revisions that became public on the same day),
``known_by`` (the last day the row's ``known_from`` can mean, for as-of queries in SQL) and
who recorded it, when, and whether it came with railgap (``embedded``) or from a user
(``user``). Revisions are never updated in place; a key may hold one row per ``known_from``.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

from railgap.dataset.schema import TABLES
from railgap.dataset.schema import Column as SchemaColumn
from railgap.dataset.schema import schema as table_schema

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Columns the store adds to every dataset table.
STORE_COLUMNS = ("row_id", "known_by", "recorded_at", "recorded_by", "origin")


def sql_type(column: SchemaColumn) -> TypeEngine[object]:
    """The SQL type of a schema column: whole numbers, numbers, or text (dates stay partial)."""
    kind = column.base_type
    if kind == "int":
        return Integer()  # type: ignore[return-value]
    if kind == "float":
        return Float()  # type: ignore[return-value]
    return Text()  # type: ignore[return-value]


def _dataset_table(name: str) -> Table:
    spec = table_schema(name)
    return Table(
        name,
        metadata,
        Column("row_id", Integer, primary_key=True, autoincrement=True),
        *(Column(c.name, sql_type(c), nullable=not c.required) for c in spec.columns),
        Column("known_by", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("recorded_by", String(200), nullable=False),
        Column("origin", String(10), nullable=False),
        UniqueConstraint(*spec.key, "known_from"),
        Index(None, *spec.key, "known_by"),
    )


#: The dataset tables, by name.
DATA_TABLES: dict[str, Table] = {name: _dataset_table(name) for name in TABLES}

#: Scenarios saved by users or the API: the YAML text as written.
scenarios = Table(
    "saved_scenarios",
    metadata,
    Column("scenario_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("yaml_text", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: API tokens, stored as a salted hash (the plaintext is shown once, at creation).
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", Integer, primary_key=True, autoincrement=True),
    Column("label", String(200), nullable=False),
    Column("lookup", String(16), nullable=False, index=True),
    Column("salt", String(64), nullable=False),
    Column("digest", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
)

#: Facts about the store itself, e.g. the digest of the embedded dataset last loaded.
store_meta = Table(
    "store_meta",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
