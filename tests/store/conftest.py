"""Storage tests run on SQLite and on a real PostgreSQL server, with the same functions.

``make test`` starts a throwaway server (``scripts/pg-test-server``) and sets
``RAILGAP_TEST_POSTGRES_URL``. Without it the PostgreSQL cases fail, unless a developer
opts out with ``RAILGAP_TEST_SKIP_POSTGRES=1`` (never set by ``make test``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from railgap.store.engine import dispose, normalise_url

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


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        url = normalise_url(str(tmp_path / "railgap.sqlite"))
        yield url
        dispose(url)
        return
    server = _postgres_server()
    name = f"t_{uuid.uuid4().hex[:16]}"
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
