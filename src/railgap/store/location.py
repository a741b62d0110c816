"""Where the database is: URL resolution, without importing SQLAlchemy.

Every data-reading command asks :func:`configured_url` whether there is a database at all;
answering must not cost the SQLAlchemy import when there is none. The URL is, in order: the
``--db`` option, the ``RAILGAP_DATABASE_URL`` environment variable, else a SQLite file
``railgap.sqlite`` in the user's data folder (``platformdirs``).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "RAILGAP_DATABASE_URL"
DEFAULT_FILE = "railgap.sqlite"


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
