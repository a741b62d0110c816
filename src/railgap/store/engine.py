"""Opening a database: engines per URL, SQLite settings and migrations on first open.

Which URL a command uses is decided in :mod:`railgap.store.location`. A SQLite file is
created when opened with ``create`` (writes, the web app); readers refuse a missing one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from railgap.store.errors import StoreError, display_url
from railgap.store.faults import busy_timeout_s, classify, watch


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or ``None`` for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    if parsed.query.get("uri") == "true" and parsed.database.startswith("file:"):
        # SQLite's URI form (``sqlite:///file:PATH?mode=ro&uri=true``): PATH is the file.
        return Path(parsed.database.removeprefix("file:").split("?", 1)[0])
    return Path(parsed.database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL journal (readers never block the writer), foreign keys on, full fsync on commit.

    A write waits :func:`railgap.store.faults.busy_timeout_s` for another's lock, then fails
    as a locked database.

    The driver's own transaction handling is switched off so that :func:`_sqlite_begin`
    starts every transaction, reads included (the driver would begin only at the first write).
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s() * 1000)}")
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
    connect_args: dict[str, Any] = {}
    if backend == "postgresql":  # the same wait for a lock as SQLite's
        connect_args["options"] = f"-c lock_timeout={int(busy_timeout_s() * 1000)}"
    engine = create_engine(url, future=True, connect_args=connect_args)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    path = sqlite_path(url)
    watch(engine, str(path) if path is not None else display_url(url))
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
            raise StoreError(
                f"no database at {path} (make one with: railgap data init --db {path})"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fault = classify(exc, str(path))
            if fault is not None:
                raise fault from None
            raise StoreError(f"cannot create the database {path}: {exc.strerror}") from None
    engine = _engine(url)
    upgrade(engine)
    return engine
