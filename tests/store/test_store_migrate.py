"""Migrations build exactly the schema the code expects, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from railgap.schema import TABLES, schema
from railgap.store import open_engine
from railgap.store.migrate import current_revision, head_revision
from railgap.store.schema import STORE_COLUMNS, metadata


def test_migrated_database_matches_the_csv_schemas(db_url: str) -> None:
    engine = open_engine(db_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        # A schema CSV changed without a new migration shows up here.
        assert compare_metadata(context, metadata) == []
    inspector = inspect(engine)
    for table in TABLES:
        columns = [c["name"] for c in inspector.get_columns(table)]
        assert sorted(columns) == sorted([*schema(table).names, *STORE_COLUMNS])


def test_opening_again_keeps_the_database(db_url: str) -> None:
    from railgap import store
    from railgap.store.engine import dispose

    scenario_id = store.save_scenario("kept", "name: k\n", "ana", db=db_url)
    dispose(db_url)
    assert store.get_scenario(scenario_id, db=db_url) is not None
