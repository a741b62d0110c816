"""The store's error, and database URLs as they may be shown (no password)."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from railgap.dataset.errors import RailgapError


class StoreError(RailgapError):
    """The database cannot be reached, is not a railgap database, or refuses a request."""


def display_url(url: str) -> str:
    """The URL without its password, for messages and stamps."""
    return make_url(url).render_as_string(hide_password=True)
