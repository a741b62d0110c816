"""Storage faults say what happened and what to do: exit 2 on the CLI, 503 JSON on the server.

Each fault is real: a file of garbage for a damaged database, an exclusive lock held by
another connection (with a short wait set by ``$RAILGAP_DB_BUSY_TIMEOUT``), a database
opened read-only through SQLite's ``mode=ro`` (tests run as root, who may write any file),
and SQLite's own page limit for a full disk.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from railgap import store
from railgap.store.engine import dispose
from railgap.store.faults import BUSY_TIMEOUT_ENV, StoreUnavailable, classify, kind_of
from railgap.store.location import normalise_url
from railgap.web.app import create_app

RAILGAP = [sys.executable, "-m", "railgap.cli"]
SCENARIO = "name: x\nas_of: 2024-06-01\nlevers: []\n"


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite database, created and migrated."""
    db = normalise_url(str(tmp_path / "railgap.sqlite"))
    store.open_engine(db)
    yield db
    dispose(db)


@pytest.fixture
def garbage(tmp_path: Path) -> Iterator[Path]:
    """A "database" file holding random bytes."""
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(os.urandom(8192))
    yield path
    dispose(normalise_url(str(path)))


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*RAILGAP, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    result.stderr = " ".join(result.stderr.split())  # as one line, however the terminal wraps
    return result


def test_a_damaged_file_is_a_clear_error_with_exit_2(garbage: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="damaged") as caught:
        store.list_scenarios(str(garbage))
    assert caught.value.kind == "corrupt"
    result = _cli("data", "export", str(tmp_path / "out"), "--db", str(garbage))
    assert result.returncode == 2, result.stderr
    assert "is damaged or is not a railgap database" in result.stderr
    assert "railgap data init --db NEW" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_server_answers_503_json_and_healthz_fails_on_a_damaged_file(garbage: Path) -> None:
    with TestClient(create_app(db=str(garbage))) as client:
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        listed = client.get("/api/scenarios")
        assert listed.status_code == 503
        body = listed.json()
        assert body["error"] == "storage_unavailable"
        assert body["kind"] == "corrupt"
        page = client.get("/")
        assert page.status_code == 503
    for text in (health.text, listed.text, page.text):
        assert str(garbage) not in text  # the server's file is its own business


def test_healthz_is_ok_on_a_readable_database(url: str) -> None:
    with TestClient(create_app(db=url)) as client:
        health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"


def test_a_database_locked_too_long_is_refused_with_what_to_do(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.2")
    dispose(url)  # new connections read the shorter wait
    token = store.create_token("t", url)
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        start = time.monotonic()
        with pytest.raises(
            StoreUnavailable, match=r"locked by another program for more than 0.2 s"
        ):
            store.save_scenario("x", SCENARIO, "me", url)
        assert time.monotonic() - start < 5
        with TestClient(create_app(db=url)) as client:
            saved = client.post(
                "/api/scenarios",
                content=SCENARIO,
                headers={"content-type": "application/yaml", "authorization": f"Bearer {token}"},
            )
        assert saved.status_code == 503, saved.text
        assert saved.json()["kind"] == "locked"
        assert saved.headers["retry-after"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.list_scenarios(url) == []  # nothing was half-written
    assert store.save_scenario("x", SCENARIO, "me", url) >= 1  # and the lock's end ends it


def test_a_read_only_database_refuses_writes_but_reads(url: str) -> None:
    path = url.removeprefix("sqlite:///")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    try:
        assert store.list_scenarios(read_only) == []
        with pytest.raises(StoreUnavailable, match="cannot be written here") as caught:
            store.save_scenario("x", SCENARIO, "me", read_only)
        assert caught.value.kind == "read_only"
        result = _cli("token", "create", "ci", "--db", read_only)
        assert result.returncode == 2, result.stderr
        assert "make it writable, or use another with --db" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        dispose(read_only)


def test_a_full_disk_is_refused_with_what_to_do(url: str) -> None:
    engine = store.open_engine(url)
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()

    @event.listens_for(engine, "connect")
    def _no_more_pages(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    engine.dispose()
    with pytest.raises(StoreUnavailable, match="is full: free some space") as caught:
        store.save_scenario("big", SCENARIO + "#" * 200_000 + "\n", "me", url)
    assert caught.value.kind == "disk_full"
    assert store.list_scenarios(url) == []


@pytest.mark.parametrize(
    ("number", "kind"),
    [(errno.ENOSPC, "disk_full"), (errno.EROFS, "read_only"), (errno.EACCES, "read_only")],
)
def test_os_errors_are_classified(number: int, kind: str) -> None:
    fault = classify(OSError(number, os.strerror(number)), "/some/where")
    assert fault is not None
    assert fault.kind == kind
    assert "/some/where" in str(fault)


def test_postgresql_states_are_classified() -> None:
    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__(sqlstate)
            self.sqlstate = sqlstate

    assert kind_of(PgError("53100")) == "disk_full"
    assert kind_of(PgError("55P03")) == "locked"
    assert kind_of(PgError("25006")) == "read_only"
    assert kind_of(PgError("08006")) == "unreachable"
    assert kind_of(PgError("23505")) is None  # a unique violation is not a storage fault
    assert kind_of(ValueError("nothing to do with storage")) is None


def test_a_lock_held_too_long_is_refused_on_both_backends(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's busy timeout and PostgreSQL's lock_timeout both follow the one setting."""
    from sqlalchemy import create_engine

    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.3")
    dispose(db_url)
    holder = create_engine(db_url)
    with holder.connect() as connection:
        if db_url.startswith("sqlite"):
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.exec_driver_sql("BEGIN")
            connection.exec_driver_sql("LOCK TABLE saved_scenarios IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StoreUnavailable, match=r"for more than 0\.3 s") as caught:
            store.save_scenario("x", SCENARIO, "me", db_url)
        assert caught.value.kind == "locked"
        connection.exec_driver_sql("ROLLBACK")
    holder.dispose()
    assert store.save_scenario("x", SCENARIO, "me", db_url) >= 1


def test_healthz_makes_no_database_where_there_is_none() -> None:
    from railgap.store.location import default_path

    with TestClient(create_app()) as client:
        health = client.get("/healthz")
    assert health.status_code == 200
    assert not default_path().exists()
