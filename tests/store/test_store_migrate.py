"""Migrations build exactly the schema the code expects, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from railgap.dataset.schema import TABLES, schema
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


def _first_use(url: str) -> None:
    import os

    from railgap.store.engine import dispose, get_engine
    from railgap.store.reading import read_dataset

    dispose(url)  # nothing inherited from the parent
    read_dataset(get_engine(url))
    os._exit(0)


def test_first_use_by_several_processes_at_once_builds_one_database(empty_db_url: str) -> None:
    import multiprocessing

    from railgap import analysis
    from railgap.store.reading import read_dataset

    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_first_use, args=(empty_db_url,)) for _ in range(3)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=60)
    assert [child.exitcode for child in children] == [0, 0, 0]
    stored = read_dataset(open_engine(empty_db_url))
    for table, frame in analysis.get_dataset().tables.items():
        assert len(stored[table]) == len(frame), table


def test_0008_adds_plant_short_name_and_keeps_rows_saved_before_it(tmp_path) -> None:
    """A database at 0007 keeps its plants on upgrade; their short name is empty (town shown)."""
    from sqlalchemy import create_engine, text

    from railgap.store.migrate import upgrade

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, "0007")
    assert "short_name" not in [c["name"] for c in inspect(engine).get_columns("plants")]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO plants (plant_id, manufacturer_id, name, town, country, source, "
                "known_from, known_by, recorded_at, recorded_by, origin) VALUES ('p', 'm', "
                "'P Works', 'Ptown', 'GB', 'https://example.org', '2020-01-01', '2020-01-01', "
                "'2020-01-01 00:00:00', 'test', 'user')"
            )
        )
    upgrade(engine, "0008")
    assert current_revision(engine) == "0008"
    with engine.connect() as connection:
        row = connection.execute(text("SELECT name, short_name FROM plants")).one()
    assert tuple(row) == ("P Works", None)
    engine.dispose()


def test_0009_adds_plant_events_jobs_basis_and_keeps_rows_saved_before_it(tmp_path) -> None:
    """A database at 0008 keeps its events on upgrade; their jobs basis is empty (workforce)."""
    from sqlalchemy import create_engine, text

    from railgap.store.migrate import upgrade

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, "0008")
    assert "jobs_basis" not in [c["name"] for c in inspect(engine).get_columns("plant_events")]
    columns = [c["name"] for c in inspect(engine).get_columns("plant_events")]
    values = {c: f"'{c}'" for c in columns if c not in ("row_id", "id")}
    values.update(kind="'jobs_at_risk'", value="750", value_of="NULL", order_id="NULL")
    with engine.begin() as connection:
        names, cells = ", ".join(values), ", ".join(values.values())
        connection.execute(text(f"INSERT INTO plant_events ({names}) VALUES ({cells})"))
    upgrade(engine, "0009")
    assert current_revision(engine) == "0009"
    with engine.connect() as connection:
        row = connection.execute(text("SELECT value, jobs_basis FROM plant_events")).one()
    assert tuple(row) == (750, None)
    engine.dispose()
