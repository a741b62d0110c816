"""API tokens: random secrets shown once, stored only as a salted hash.

A token is ``rg_<lookup>_<secret>``: ``lookup`` (public, indexed) finds the row, and the
secret is checked against ``sha256(salt + secret)`` with a constant-time comparison, so the
database never holds a usable token.

Lifecycle: a token expires (``DEFAULT_DAYS`` after it is made unless the maker chooses
otherwise, or never), records when it was last used, and can be listed and revoked by its
id or lookup; a revoked or expired token no longer verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from railgap.store.errors import StoreError
from railgap.store.schema import api_tokens

PREFIX = "rg"
#: Days a new token lives unless its maker says otherwise.
DEFAULT_DAYS = 90
#: The longest life a token may be given, in days (ten years).
MAX_DAYS = 3650
#: Last-used times are written at most this often per token (verifying stays a read).
LAST_USED_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class TokenInfo:
    """What ``railgap token list`` shows of a token: never its secret."""

    token_id: int
    label: str
    lookup: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def state(self, now: dt.datetime | None = None) -> str:
        """``live``, ``expired`` or ``revoked``."""
        now = now or dt.datetime.now(dt.UTC)
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and _aware(self.expires_at) <= now:
            return "expired"
        return "live"


def _aware(moment: dt.datetime) -> dt.datetime:
    """A timestamp as UTC-aware (SQLite hands back naive ones)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


def create(engine: Engine, label: str, days: int | None = DEFAULT_DAYS) -> str:
    """Make a new token labelled ``label`` and return its plaintext (not stored anywhere).

    It expires ``days`` days from now (``None``: never, until revoked).
    """
    if not label.strip() or len(label) > 200:
        raise StoreError("a token label must be 1 to 200 characters")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise StoreError(f"a token's life must be 1 to {MAX_DAYS} days (or no expiry)")
    now = dt.datetime.now(dt.UTC)
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
                created_at=now,
                expires_at=None if days is None else now + dt.timedelta(days=days),
            )
        )
    return f"{PREFIX}_{lookup}_{secret}"


def _split(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 16 or not parts[2]:
        return None
    return parts[1], parts[2]


def verify(engine: Engine, token: str) -> bool:
    """Whether ``token`` is a live token of this database: made, not revoked, not expired.

    A match records the token's last use (at most once a minute).
    """
    if len(token) > 200:
        return False
    parts = _split(token)
    lookup, secret = parts if parts else ("0" * 16, "")
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                api_tokens.c.token_id,
                api_tokens.c.salt,
                api_tokens.c.digest,
                api_tokens.c.expires_at,
                api_tokens.c.last_used_at,
            ).where(api_tokens.c.lookup == lookup, api_tokens.c.revoked_at.is_(None))
        ).all()
    matched: int | None = None
    stale = False
    for token_id, salt, digest, expires_at, last_used_at in rows:
        good = hmac.compare_digest(_digest(salt, secret), digest)
        if good and (expires_at is None or _aware(expires_at) > now):
            matched = token_id
            stale = last_used_at is None or now - _aware(last_used_at) >= LAST_USED_EVERY
    if matched is None or parts is None:
        return False
    if stale:
        with engine.begin() as connection:
            connection.execute(
                update(api_tokens)
                .where(api_tokens.c.token_id == matched)
                .values(last_used_at=now)
            )
    return True


def list_all(engine: Engine) -> list[TokenInfo]:
    """Every token of the database, oldest first, with its state's dates (no secrets)."""
    columns = [
        api_tokens.c.token_id,
        api_tokens.c.label,
        api_tokens.c.lookup,
        api_tokens.c.created_at,
        api_tokens.c.expires_at,
        api_tokens.c.last_used_at,
        api_tokens.c.revoked_at,
    ]
    with engine.connect() as connection:
        rows = connection.execute(select(*columns).order_by(api_tokens.c.token_id)).all()
    return [
        TokenInfo(
            row.token_id,
            row.label,
            row.lookup,
            _aware(row.created_at),
            None if row.expires_at is None else _aware(row.expires_at),
            None if row.last_used_at is None else _aware(row.last_used_at),
            None if row.revoked_at is None else _aware(row.revoked_at),
        )
        for row in rows
    ]


def revoke_by_id(engine: Engine, key: str) -> bool:
    """Revoke the token whose id (``7``) or lookup (16 hex digits) is ``key``.

    ``True`` when a token not yet revoked was revoked; an unknown key raises StoreError.
    """
    key = key.strip()
    if key.isdigit():
        where = api_tokens.c.token_id == int(key)
    elif len(key) == 16 and all(c in "0123456789abcdef" for c in key):
        where = api_tokens.c.lookup == key
    else:
        raise StoreError(f"'{key}' is not a token id or lookup (see railgap token list)")
    with engine.begin() as connection:
        known = connection.execute(select(api_tokens.c.token_id).where(where)).first()
        if known is None:
            raise StoreError(f"no token {key} in this database (see railgap token list)")
        result = connection.execute(
            update(api_tokens)
            .where(where, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )
    return result.rowcount > 0


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
