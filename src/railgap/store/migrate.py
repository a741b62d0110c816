"""Schema migrations: Alembic, run from Python with the scripts shipped in this package.

No ``alembic.ini`` is needed: :func:`upgrade` points Alembic at ``railgap/store/migrations``
and runs it on the engine's connection, so an older database upgrades in place when opened.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from railgap.store.errors import StoreError, display_url

_migrated: set[str] = set()


def alembic_config() -> Config:
    """An Alembic configuration for the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("railgap.store") / "migrations"))
    return config


def head_revision() -> str:
    """The newest migration this railgap ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration a database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def forget(url: str) -> None:
    """Forget that ``url`` was migrated in this process (it may be recreated)."""
    for key in [k for k in _migrated if k.rsplit("@", 1)[0] == url]:
        _migrated.discard(key)


def _lock_schema(connection: Connection) -> None:
    """One migrator at a time: two processes opening a new database do not both build it."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7316102)")
    else:  # SQLite: a header write takes the write lock (others wait up to busy_timeout)
        connection.exec_driver_sql("PRAGMA user_version = 1")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (the newest by default), once per process."""
    key = f"{engine.url.render_as_string(hide_password=False)}@{revision}"
    if key in _migrated:
        return
    config = alembic_config()
    try:
        if revision == "head" and current_revision(engine) == head_revision():
            _migrated.add(key)
            return
        with engine.begin() as connection:
            _lock_schema(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = display_url(str(engine.url))
        raise StoreError(f"cannot open the database {where}: {reason}") from None
    _migrated.add(key)
