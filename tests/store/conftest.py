"""Storage tests run on SQLite and on a real PostgreSQL server, with the same functions.

``make test`` starts a throwaway server (``scripts/pg-test-server``) and sets
``RAILGAP_TEST_POSTGRES_URL``. Without it the PostgreSQL cases fail, unless a developer
opts out with ``RAILGAP_TEST_SKIP_POSTGRES=1`` (never set by ``make test``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from railgap.store.engine import dispose
from railgap.store.location import normalise_url

BACKENDS = ["sqlite", "postgresql"]


def _postgres_server() -> str:
    url = os.environ.get("RAILGAP_TEST_POSTGRES_URL")
    if url:
        return normalise_url(url)
    if os.environ.get("RAILGAP_TEST_SKIP_POSTGRES") == "1":
        pytest.skip("PostgreSQL tests skipped: RAILGAP_TEST_SKIP_POSTGRES=1")
    pytest.fail(
        "RAILGAP_TEST_POSTGRES_URL is not set: run the tests with `make test` (which starts a "
        "PostgreSQL server) or scripts/pg-test-server run pytest"
    )


def _prepare(url: str) -> None:
    """Create, migrate and load the embedded dataset, as a first use does; then let go."""
    from railgap.store import open_engine
    from railgap.store.reading import read_dataset

    read_dataset(open_engine(url))
    dispose(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database made once by first use, copied for each test (faster than rebuilding)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _prepare(normalise_url(str(path)))
    return path


_PG_TEMPLATE: dict[str, str] = {}


def _postgres_template(server: str) -> str:
    """A database on the test server made once by first use; tests get copies of it."""
    if server not in _PG_TEMPLATE:
        name = f"template_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _prepare(server.rsplit("/", 1)[0] + f"/{name}")
        _PG_TEMPLATE[server] = name
    return _PG_TEMPLATE[server]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A database as first use leaves it (migrated, embedded dataset loaded), for one test.

    SQLite: a copy of a file made once per session; PostgreSQL: a new database on the test
    server made from a template database prepared once per session.
    """
    if request.param == "sqlite":
        path = tmp_path / "railgap.sqlite"
        shutil.copyfile(sqlite_template, path)
        url = normalise_url(str(path))
        yield url
        dispose(url)
        return
    server = _postgres_server()
    template = _postgres_template(server)
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = server.rsplit("/", 1)[0] + f"/{name}"
        yield url
        dispose(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that does not exist yet (SQLite) or has no tables (PostgreSQL)."""
    if request.param == "sqlite":
        url = normalise_url(str(tmp_path / "new" / "railgap.sqlite"))
        yield url
        dispose(url)
        return
    server = _postgres_server()
    name = f"e_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.rsplit("/", 1)[0] + f"/{name}"
        yield url
        dispose(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
