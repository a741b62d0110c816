"""Saved scenarios and API tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from railgap import store
from railgap.store.schema import api_tokens


def test_saved_scenarios_round_trip_in_order(db_url: str) -> None:
    before = dt.datetime.now(dt.UTC)
    first = store.save_scenario("baseline+", "name: a\nlevers: []\n", "ana", db=db_url)
    second = store.save_scenario("more 802s", "name: b\n", "ben", db=db_url)
    assert first != second
    saved = store.get_scenario(second, db=db_url)
    assert saved is not None
    assert (saved.name, saved.yaml_text, saved.created_by) == ("more 802s", "name: b\n", "ben")
    assert saved.created_at.tzinfo is not None
    assert before - dt.timedelta(seconds=1) <= saved.created_at <= dt.datetime.now(dt.UTC)
    assert [s.id for s in store.list_scenarios(db=db_url)] == [first, second]
    assert store.get_scenario(second + 100, db=db_url) is None


@pytest.mark.parametrize(("name", "text", "by"), [("", "x", "a"), ("n", "  ", "a"), ("n", "x", "")])
def test_saved_scenario_needs_name_text_and_author(
    db_url: str, name: str, text: str, by: str
) -> None:
    with pytest.raises(store.StoreError, match="empty"):
        store.save_scenario(name, text, by, db=db_url)
    assert store.list_scenarios(db=db_url) == []


def test_tokens_verify_only_themselves_and_are_stored_hashed(db_url: str) -> None:
    token = store.create_token("ci", db=db_url)
    other = store.create_token("ci", db=db_url)
    assert token != other
    assert store.verify_token(token, db=db_url)
    assert store.verify_token(other, db=db_url)
    for bad in ("", "junk", token + "x", token[:-1], token.replace("rg_", "xx_"), "rg_" + "0" * 16):
        assert not store.verify_token(bad, db=db_url)
    engine = store.open_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(select(api_tokens)).mappings().all()
    secret = token.split("_", 2)[2]
    assert all(secret not in str(dict(row)) for row in stored)
    assert len({row["salt"] for row in stored}) == 2


def test_revoked_token_no_longer_verifies(db_url: str) -> None:
    token = store.create_token("temp", db=db_url)
    assert store.revoke_token(token, db=db_url)
    assert not store.verify_token(token, db=db_url)
    assert not store.revoke_token(token, db=db_url)
