"""Time the store: importing the embedded dataset and reading it as of a date, per database.

Run with ``make bench`` (which starts a throwaway PostgreSQL with ``scripts/pg-test-server``;
run directly, this script starts one the same way). Prints milliseconds and the ratio to
each target: a full import under 1 s on SQLite, an as-of read of the outlook's tables under
50 ms. Also shown: a re-import that finds nothing new, and the outlook computed from the
database (cold: rows read and typed; warm: cached until the next write).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

import railgap
from railgap.dataset.dates import parse_as_of
from railgap.dataset.schema import data_dir
from railgap.plants.loading import LOADING_TABLES
from railgap.store import reading, revisions
from railgap.store.asof import read_as_of
from railgap.store.engine import dispose, get_engine
from railgap.store.formats import read_import
from railgap.store.location import normalise_url

AS_OF = "2024-01-15"
IMPORT_TARGET_MS = 1000.0
READ_TARGET_MS = 50.0
ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best and median wall time of ``fn`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def fresh_sqlite(folder: Path) -> str:
    return normalise_url(str(folder / f"{uuid.uuid4().hex}.sqlite"))


def fresh_postgres(server: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return normalise_url(server).rsplit("/", 1)[0] + f"/{name}"


def line(label: str, best: float, median: float, target: float | None = None) -> None:
    ratio = f"  {best / target:5.2f}x target ({target:.0f} ms)" if target else ""
    print(f"  {label:<38} best {best:8.1f} ms   median {median:8.1f} ms{ratio}")


def bench(name: str, fresh: Callable[[], str], target_import: float | None) -> None:
    print(f"{name}:")
    incoming = read_import(data_dir())
    rows = sum(len(t.rows) for t in incoming.values())
    date = parse_as_of(AS_OF)

    def import_into_new() -> None:
        url = fresh()
        engine = get_engine(url)  # created and migrated outside the timing below
        start = time.perf_counter()
        revisions.write(engine, read_import(data_dir()), "bench")
        times.append((time.perf_counter() - start) * 1000)
        dispose(url)

    times: list[float] = []
    for _ in range(5):
        import_into_new()
    line(
        f"import {rows} rows (parse, check, write)",
        min(times),
        statistics.median(times),
        target_import,
    )
    url = fresh()
    engine = get_engine(url)
    revisions.write(engine, incoming, "bench")
    line("re-import, nothing new", *timed(lambda: revisions.write(engine, incoming, "b"), 5))

    def sql_as_of() -> None:
        for table in LOADING_TABLES:
            read_as_of(engine, table, date)

    line(f"as-of read in SQL ({len(LOADING_TABLES)} tables)", *timed(sql_as_of, 20), READ_TARGET_MS)

    def cold_outlook() -> None:
        reading._cache.clear()
        railgap.outlook(AS_OF, data=reading.read_dataset(engine))

    line("outlook from the database, cold", *timed(cold_outlook, 10))
    line(
        "outlook from the database, warm",
        *timed(lambda: railgap.outlook(AS_OF, data=reading.read_dataset(engine)), 20),
    )
    dispose(url)


def main() -> None:
    server = os.environ.get("RAILGAP_TEST_POSTGRES_URL")
    if not server and "--no-postgres" not in sys.argv:
        script = ROOT / "scripts" / "pg-test-server"
        sys.exit(subprocess.call([str(script), "run", sys.executable, *sys.argv]))
    print(f"railgap {railgap.__version__} store benchmark, as of {AS_OF}")
    line("outlook from the embedded CSVs, warm", *timed(lambda: railgap.outlook(AS_OF), 20))
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite (file, WAL)", lambda: fresh_sqlite(Path(folder)), IMPORT_TARGET_MS)
    if server:
        bench("PostgreSQL (loopback)", lambda: fresh_postgres(server), None)
    else:
        print("PostgreSQL: not measured (--no-postgres)")


if __name__ == "__main__":
    main()
