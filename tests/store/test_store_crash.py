"""Crash safety: an import killed (SIGKILL) at any moment leaves all of it or none of it.

Each import runs in a forked child (the parent has railgap imported already, so a child is
writing within milliseconds) and is killed after a random delay spread over the time a whole
import takes; the database must then hold no imported row or every one.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from multiprocessing.synchronize import Event
from pathlib import Path

from railgap.dataset.schema import TABLES, data_dir
from railgap.store import revisions
from railgap.store.engine import dispose, get_engine
from railgap.store.formats import read_import
from railgap.store.location import normalise_url

KILLS = 20


def _import(path: str, writing: Event) -> None:
    url = normalise_url(path)
    dispose(url)  # never reuse a connection inherited from the parent
    engine = get_engine(url)
    incoming = read_import(data_dir())
    writing.set()
    revisions.write(engine, incoming, "crash-test")
    os._exit(0)


def _fresh(path: Path) -> None:
    """An empty, migrated database (no rows yet)."""
    url = normalise_url(str(path))
    dispose(url)
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        file.unlink(missing_ok=True)
    get_engine(url)
    dispose(url)


def _counts(path: Path) -> tuple[int, ...]:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return tuple(
            connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES
        )
    finally:
        connection.close()


def _start(path: Path) -> multiprocessing.Process:
    context = multiprocessing.get_context("fork")
    writing = context.Event()
    child = context.Process(target=_import, args=(str(path), writing))
    child.start()
    assert writing.wait(timeout=60)
    return child


def test_killed_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    read_import(data_dir())  # parsed once here, so children only write
    path = tmp_path / "crash.sqlite"
    _fresh(path)
    empty = _counts(path)
    assert sum(empty) == 0
    started = time.perf_counter()
    child = _start(path)
    child.join(timeout=60)
    assert child.exitcode == 0
    writing = time.perf_counter() - started
    full = _counts(path)
    assert sum(full) > 1000
    rng = random.Random(20261125)
    outcomes = {"none": 0, "all": 0}
    for _ in range(KILLS):
        _fresh(path)
        child = _start(path)
        time.sleep(rng.uniform(0, writing * 1.2))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
        counts = _counts(path)
        assert counts in (empty, full), f"half-written database: {counts}"
        outcomes["all" if counts == full else "none"] += 1
    # Kills fell both before and after the commit, not all on one side.
    assert outcomes["none"] > 0, outcomes
    assert outcomes["all"] > 0, outcomes
