"""Storage faults: a full disk, a lock held too long, a damaged file, a read-only location.

:func:`classify` turns the driver's error (SQLite's, PostgreSQL's) or an ``OSError`` into a
:class:`StoreUnavailable` that says what happened and what to do; the CLI prints it and
exits 2, the server answers 503 with it as JSON. Engines raise it in place of SQLAlchemy's
own error through :func:`watch`.
"""

from __future__ import annotations

import errno
import os
from typing import Any

from railgap.store.errors import StoreError

#: The environment variable that sets how long a SQLite write waits for another's lock.
BUSY_TIMEOUT_ENV = "RAILGAP_DB_BUSY_TIMEOUT"
#: Default wait for a lock (seconds): past it, the database counts as locked.
BUSY_TIMEOUT_S = 10.0


def busy_timeout_s() -> float:
    """Seconds a write waits for a lock: ``$RAILGAP_DB_BUSY_TIMEOUT``, else 10."""
    given = os.environ.get(BUSY_TIMEOUT_ENV)
    if not given:
        return BUSY_TIMEOUT_S
    try:
        value = float(given)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise StoreError(f"{BUSY_TIMEOUT_ENV} must be a number of seconds from 0 to 3600")
    return value


class StoreUnavailable(StoreError):
    """The database cannot do what was asked now, for a reason outside railgap (a 503).

    ``kind`` is one of ``disk_full``, ``locked``, ``corrupt``, ``read_only`` or
    ``unreachable``.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _advice(kind: str, where: str, reason: str) -> str:
    wait = f"{busy_timeout_s():g}"
    return {
        "disk_full": (
            f"the disk holding the database {where} is full: free some space (or use a "
            "database elsewhere with --db) and try again; nothing was written"
        ),
        "locked": (
            f"the database {where} stayed locked by another program for more than {wait} s: "
            "wait for it to finish (or stop it) and try again; nothing was written"
        ),
        "corrupt": (
            f"the database {where} is damaged or is not a railgap database: restore it from "
            "a backup, or make a new one (railgap data init --db NEW) and import your export"
        ),
        "read_only": (
            f"the database {where} cannot be written here (a read-only file, folder or disk): "
            "make it writable, or use another with --db"
        ),
        "unreachable": (
            f"cannot open the database {where}: {reason}; check that it is running and the "
            "URL is right, then try again"
        ),
    }[kind]


_SQLITE_KINDS = {
    "SQLITE_FULL": "disk_full",
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "corrupt",
    "SQLITE_READONLY": "read_only",
    "SQLITE_CANTOPEN": "read_only",
    "SQLITE_PERM": "read_only",
}
_POSTGRES_KINDS = {
    "53100": "disk_full",  # disk_full
    "55P03": "locked",  # lock_not_available (lock_timeout)
    "57014": "locked",  # query_canceled (statement_timeout)
    "25006": "read_only",  # read_only_sql_transaction
    "XX001": "corrupt",  # data_corrupted
    "XX002": "corrupt",  # index_corrupted
}
_OS_KINDS = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
}


def kind_of(error: BaseException) -> str | None:
    """Which storage fault ``error`` is (see :class:`StoreUnavailable`), or ``None``."""
    error = getattr(error, "orig", None) or error
    name = getattr(error, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, kind in _SQLITE_KINDS.items():
            if name == prefix or name.startswith(prefix + "_"):
                return kind
        if name.startswith("SQLITE_IOERR"):
            return "disk_full" if "FULL" in name else "corrupt"
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str):
        if state in _POSTGRES_KINDS:
            return _POSTGRES_KINDS[state]
        if state.startswith("08"):  # connection exceptions
            return "unreachable"
    if isinstance(error, OSError) and error.errno in _OS_KINDS:
        return _OS_KINDS[error.errno]
    text = str(error).lower()
    if "database or disk is full" in text:
        return "disk_full"
    if "database is locked" in text:
        return "locked"
    if "connection refused" in text or "could not connect" in text:
        return "unreachable"
    return None


def classify(error: BaseException, where: str) -> StoreUnavailable | None:
    """The :class:`StoreUnavailable` for ``error`` at ``where`` (path or URL), or ``None``."""
    kind = kind_of(error)
    if kind is None:
        return None
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return StoreUnavailable(kind, _advice(kind, where, lines[0] if lines else kind))


def watch(engine: Any, where: str) -> None:
    """Make ``engine`` raise :class:`StoreUnavailable` for a storage fault, not its own error."""
    from sqlalchemy import event

    def handle_error(context: Any) -> None:
        fault = classify(context.original_exception, where)
        if fault is not None:
            raise fault from None

    event.listen(engine, "handle_error", handle_error)
