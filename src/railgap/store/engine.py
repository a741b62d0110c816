"""Where the database is and how to open it: URL resolution, SQLite settings, migrations.

The URL is, in order: the ``--db`` option, the ``RAILGAP_DATABASE_URL`` environment variable,
else a SQLite file ``railgap.sqlite`` in the user's data folder (``platformdirs``). A
database is created and migrated to the current schema when first opened for writing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from railgap.errors import RailgapError

ENV_VAR = "RAILGAP_DATABASE_URL"
DEFAULT_FILE = "railgap.sqlite"


class StoreError(RailgapError):
    """The database cannot be reached, is not a railgap database, or refuses a request."""


def default_path() -> Path:
    """The default SQLite file: ``railgap.sqlite`` in the user's data folder."""
    return Path(platformdirs.user_data_dir("railgap")) / DEFAULT_FILE


def resolve_url(db: str | None = None) -> str:
    """The database URL to use: ``db``, else ``$RAILGAP_DATABASE_URL``, else the default file.

    A plain path (no ``://``) means a SQLite file; ``postgresql://`` URLs use psycopg 3.
    """
    url = db or os.environ.get(ENV_VAR) or str(default_path())
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """Turn a path into a SQLite URL and ``postgresql://`` into ``postgresql+psycopg://``."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def configured_url(db: str | None = None) -> str | None:
    """The database to read from, or ``None`` for the embedded dataset.

    A database is used when one is named (``--db`` or ``$RAILGAP_DATABASE_URL``) or when the
    default SQLite file exists (made by ``railgap data init`` or ``railgap data import``).
    """
    if db or os.environ.get(ENV_VAR):
        return resolve_url(db)
    return resolve_url() if default_path().is_file() else None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or ``None`` for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL journal (readers never block the writer), foreign keys on, full fsync on commit.

    The driver's own transaction handling is switched off so that :func:`_sqlite_begin`
    starts every transaction, reads included (the driver would begin only at the first write).
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


_engines: dict[str, Engine] = {}


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def _engine(url: str) -> Engine:
    if url in _engines:
        return _engines[url]
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"'{url}' is not a database URL or path") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"'{backend}' databases are not supported (use SQLite or PostgreSQL)")
    engine = create_engine(url, future=True)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    _engines[url] = engine
    return engine


def dispose(url: str) -> None:
    """Close the pooled connections to ``url`` (e.g. before deleting the database)."""
    from railgap.store.migrate import forget

    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()
    forget(url)


def get_engine(url: str, create: bool = True) -> Engine:
    """Open the database at ``url``, migrated to the current schema.

    With ``create`` (the default), a missing SQLite file and its folder are made; without it,
    a missing file raises ``StoreError``. Migrations run once per process and URL.
    """
    from railgap.store.migrate import upgrade

    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise StoreError(f"no database at {path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the database {path}: {exc.strerror}") from None
    engine = _engine(url)
    upgrade(engine)
    return engine


def display_url(url: str) -> str:
    """The URL without its password, for messages and stamps."""
    return make_url(url).render_as_string(hide_password=True)
