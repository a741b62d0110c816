"""railgap's database: the dataset's revisions, users' rows, saved scenarios and API tokens.

SQLite by default (``railgap.sqlite`` in the user's data folder, WAL mode), PostgreSQL by
URL (``--db`` or ``$RAILGAP_DATABASE_URL``); one schema for both, migrated in place by
Alembic when opened. Every function takes ``db``: a URL or SQLite path, ``None`` for the
configured database (see :func:`railgap.store.location.resolve_url`).

Saved scenarios and tokens, for the HTTP API::

    from railgap import store
    scenario_id = store.save_scenario("more 802s", yaml_text, created_by="ana")
    store.get_scenario(scenario_id).yaml_text
    token = store.create_token("ci")        # plaintext, shown once
    store.verify_token(token)               # True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from railgap.store.errors import StoreError
    from railgap.store.scenarios import SavedScenario

__all__ = [
    "SavedScenario",
    "StoreError",
    "check_health",
    "create_token",
    "get_scenario",
    "list_scenarios",
    "list_tokens",
    "open_engine",
    "revoke_token",
    "revoke_token_id",
    "save_scenario",
    "verify_token",
]


def __getattr__(name: str) -> Any:
    """Import SQLAlchemy only when the store is used.

    Reading commands check for a database through :mod:`railgap.store.location`, which does
    not need it.
    """
    if name == "StoreError":
        from railgap.store.errors import StoreError

        return StoreError
    if name == "SavedScenario":
        from railgap.store.scenarios import SavedScenario

        return SavedScenario
    raise AttributeError(f"module 'railgap.store' has no attribute {name!r}")


def open_engine(db: str | None = None) -> Engine:
    """The SQLAlchemy engine of ``db`` (or the configured database), created and migrated."""
    from railgap.store.engine import get_engine
    from railgap.store.location import resolve_url

    return get_engine(resolve_url(db))


def save_scenario(name: str, yaml_text: str, created_by: str, db: str | None = None) -> int:
    """Save a scenario's YAML text under ``name``; return its id.

    The text is stored as given (validate it with ``railgap.scenarios.spec`` first). Raises
    ``StoreError`` for an empty or over-long name, text or author.
    """
    from railgap.store import scenarios

    return scenarios.save(open_engine(db), name, yaml_text, created_by)


def get_scenario(scenario_id: int, db: str | None = None) -> SavedScenario | None:
    """The saved scenario with this id (name, YAML text, author, UTC time), or ``None``."""
    from railgap.store import scenarios

    return scenarios.get(open_engine(db), scenario_id)


def list_scenarios(db: str | None = None) -> list[SavedScenario]:
    """Every saved scenario, oldest first."""
    from railgap.store import scenarios

    return scenarios.list_all(open_engine(db))


def create_token(label: str, db: str | None = None, days: int | None = 90) -> str:
    """Create an API token labelled ``label``; return its plaintext, which is not stored.

    It expires after ``days`` days (``None``: never, until revoked). Only a salted SHA-256
    hash is kept, so a lost token cannot be recovered: make another.
    """
    from railgap.store import tokens

    return tokens.create(open_engine(db), label, days)


def list_tokens(db: str | None = None) -> list[Any]:
    """Every token of the database (:class:`railgap.store.tokens.TokenInfo`), no secrets."""
    from railgap.store import tokens

    return tokens.list_all(open_engine(db))


def revoke_token_id(key: str, db: str | None = None) -> bool:
    """Revoke the token with this id or lookup; ``True`` when it was not yet revoked."""
    from railgap.store import tokens

    return tokens.revoke_by_id(open_engine(db), key)


def verify_token(token: str, db: str | None = None) -> bool:
    """Whether ``token`` is a live token of the database (constant-time comparison)."""
    from railgap.store import tokens

    return tokens.verify(open_engine(db), token)


def revoke_token(token: str, db: str | None = None) -> bool:
    """Revoke ``token``; ``True`` when it was live."""
    from railgap.store import tokens

    return tokens.revoke(open_engine(db), token)


def check_health(db: str | None = None) -> None:
    """Open ``db`` and read from it; raise ``StoreError`` (a fault's own kind) if it cannot.

    Reads the schema version and a row of each of its tables: a damaged, locked-out or
    unreachable database fails here as it would on a data page.
    """
    from sqlalchemy import select

    from railgap.store.schema import api_tokens, scenarios, store_meta

    with open_engine(db).connect() as connection:
        for table in (store_meta, scenarios, api_tokens):
            connection.execute(select(table).limit(1)).all()
