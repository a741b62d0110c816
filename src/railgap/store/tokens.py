"""API tokens: random secrets shown once, stored only as a salted hash.

A token is ``rg_<lookup>_<secret>``: ``lookup`` (public, indexed) finds the row, and the
secret is checked against ``sha256(salt + secret)`` with a constant-time comparison, so the
database never holds a usable token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import Engine, insert, select, update

from railgap.store.errors import StoreError
from railgap.store.schema import api_tokens

PREFIX = "rg"


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


def create(engine: Engine, label: str) -> str:
    """Make a new token labelled ``label`` and return its plaintext (not stored anywhere)."""
    if not label.strip() or len(label) > 200:
        raise StoreError("a token label must be 1 to 200 characters")
    lookup = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    with engine.begin() as connection:
        connection.execute(
            insert(api_tokens).values(
                label=label,
                lookup=lookup,
                salt=salt,
                digest=_digest(salt, secret),
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    return f"{PREFIX}_{lookup}_{secret}"


def _split(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 16 or not parts[2]:
        return None
    return parts[1], parts[2]


def verify(engine: Engine, token: str) -> bool:
    """Whether ``token`` is a live (created, not revoked) token of this database."""
    if len(token) > 200:
        return False
    parts = _split(token)
    lookup, secret = parts if parts else ("0" * 16, "")
    with engine.connect() as connection:
        rows = connection.execute(
            select(api_tokens.c.salt, api_tokens.c.digest).where(
                api_tokens.c.lookup == lookup, api_tokens.c.revoked_at.is_(None)
            )
        ).all()
    matched = False
    for salt, digest in rows:
        matched |= hmac.compare_digest(_digest(salt, secret), digest)
    return matched and parts is not None


def revoke(engine: Engine, token: str) -> bool:
    """Revoke a token; ``True`` when a live token was revoked."""
    if not verify(engine, token):
        return False
    parts = _split(token)
    assert parts is not None
    with engine.begin() as connection:
        result = connection.execute(
            update(api_tokens)
            .where(api_tokens.c.lookup == parts[0], api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )
    return result.rowcount > 0
