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


def test_a_token_expires_records_its_last_use_and_is_revoked_by_id(db_url: str) -> None:
    from railgap.store import tokens

    before = dt.datetime.now(dt.UTC)
    short = store.create_token("short", db=db_url, days=1)
    forever = store.create_token("forever", db=db_url, days=None)
    listed = {t.label: t for t in store.list_tokens(db=db_url)}
    assert before + dt.timedelta(days=1) - dt.timedelta(seconds=5) <= listed["short"].expires_at
    assert listed["short"].expires_at <= dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert listed["forever"].expires_at is None
    assert all(t.last_used_at is None and t.state() == "live" for t in listed.values())
    assert store.verify_token(short, db=db_url)
    used = {t.label: t.last_used_at for t in store.list_tokens(db=db_url)}
    assert used["short"] is not None
    assert used["forever"] is None
    # A day later the short token has expired; the other lives until revoked.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, seconds=1)
    assert listed["short"].state(later) == "expired"
    assert listed["forever"].state(later) == "live"
    assert store.revoke_token_id(str(listed["forever"].token_id), db=db_url)
    assert not store.revoke_token_id(listed["forever"].lookup, db=db_url)  # already revoked
    assert not store.verify_token(forever, db=db_url)
    assert {t.label: t.state() for t in store.list_tokens(db=db_url)}["forever"] == "revoked"
    for key in ("999", "zz", "0123456789abcdef"):
        with pytest.raises(store.StoreError):
            store.revoke_token_id(key, db=db_url)
    for days in (0, -1, tokens.MAX_DAYS + 1):
        with pytest.raises(store.StoreError, match="life"):
            store.create_token("bad", db=db_url, days=days)
