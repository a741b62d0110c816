"""Helpers for the storage tests: database snapshots and rows to import."""

from __future__ import annotations

from pathlib import Path

from railgap.store.engine import dispose


def snapshot(url: str) -> tuple[object, ...]:
    """Everything a database holds: every row of every table, and for SQLite its files' bytes."""
    from sqlalchemy import select

    from railgap.store.engine import get_engine, sqlite_path
    from railgap.store.schema import metadata

    engine = get_engine(url, create=False)
    with engine.connect() as connection:
        rows = tuple(
            (name, tuple(sorted(map(repr, connection.execute(select(table)).all()))))
            for name, table in sorted(metadata.tables.items())
        )
    path = sqlite_path(url)
    files: tuple[bytes, ...] = ()
    if path is not None:
        dispose(url)  # close connections so the WAL is checkpointed into the file
        files = tuple(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    return rows, files


def embedded_row(table: str, line: int = 2) -> dict[str, str]:
    """A row of the embedded dataset as text, by its CSV line (2 = the first row)."""
    import csv

    from railgap.dataset.schema import data_dir

    with (data_dir() / f"{table}.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows[line - 2]


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    """Write rows as a CSV with the given (default: the first row's) columns."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
