"""Saved scenarios: a scenario's YAML text kept under a name, with who saved it and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, insert, select

from railgap.store.errors import StoreError
from railgap.store.schema import scenarios

MAX_NAME_CHARS = 200
MAX_YAML_CHARS = 1_000_000


@dataclass(frozen=True)
class SavedScenario:
    """A scenario as saved: its id, name, YAML text, author and UTC time of saving."""

    id: int
    name: str
    yaml_text: str
    created_by: str
    created_at: dt.datetime


def _check_text(what: str, value: str, limit: int) -> None:
    if not value.strip():
        raise StoreError(f"scenario {what} is empty")
    if len(value) > limit:
        raise StoreError(f"scenario {what} is longer than {limit} characters")


def save(engine: Engine, name: str, yaml_text: str, created_by: str) -> int:
    """Store a scenario and return its id (saving the same name again keeps both)."""
    _check_text("name", name, MAX_NAME_CHARS)
    _check_text("text", yaml_text, MAX_YAML_CHARS)
    _check_text("author", created_by, MAX_NAME_CHARS)
    with engine.begin() as connection:
        result = connection.execute(
            insert(scenarios).values(
                name=name,
                yaml_text=yaml_text,
                created_by=created_by,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _saved(row: Row[Any]) -> SavedScenario:
    at: dt.datetime = row.created_at
    if at.tzinfo is None:  # SQLite keeps no zone: the store writes UTC
        at = at.replace(tzinfo=dt.UTC)
    return SavedScenario(
        int(row.scenario_id), str(row.name), str(row.yaml_text), str(row.created_by), at
    )


def get(engine: Engine, scenario_id: int) -> SavedScenario | None:
    """The saved scenario with this id, or ``None``."""
    with engine.connect() as connection:
        row = connection.execute(
            select(scenarios).where(scenarios.c.scenario_id == scenario_id)
        ).first()
    return None if row is None else _saved(row)


def list_all(engine: Engine) -> list[SavedScenario]:
    """Every saved scenario, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(select(scenarios).order_by(scenarios.c.scenario_id)).all()
    return [_saved(row) for row in rows]
