"""Fixtures for the web app: a test client on the toy nation and one on the embedded data.

Saved scenarios and tokens go to a fresh SQLite file per test (the store is real).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from railgap.store.engine import dispose
from railgap.store.location import normalise_url
from railgap.testing import toy_nation
from railgap.web.app import create_app

TOY_DATE = "2022-06-01"
TOY_SCENARIO = """name: more gamma
description: six more units of gamma
as_of: 2022-06-01
levers:
  - vary_order: {order: gamma-300-2022, units: 6, from: 2022-07-01}
"""

#: Bodies are YAML scenarios unless a test says otherwise (a body without a type is a 415).
YAML = {"content-type": "application/yaml"}


class YamlClient(TestClient):
    """A test client that sends ``content=`` bodies as YAML unless told another type."""

    def post(self, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """POST; a raw body gets ``content-type: application/yaml`` by default."""
        if "content" in kwargs:
            kwargs["headers"] = {**YAML, **(kwargs.get("headers") or {})}
        return super().post(url, **kwargs)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite database URL."""
    url = normalise_url(str(tmp_path / "railgap.sqlite"))
    yield url
    dispose(url)


@pytest.fixture
def toy_client(toy: Path, db: str) -> Iterator[TestClient]:
    """The app on the toy nation."""
    with YamlClient(create_app(data=toy, db=db)) as client:
        yield client


@pytest.fixture(scope="module")
def embedded_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on the embedded dataset, as ``railgap serve`` runs it."""
    url = normalise_url(str(tmp_path_factory.mktemp("db") / "railgap.sqlite"))
    with YamlClient(create_app(db=url)) as client:
        yield client
    dispose(url)


@pytest.fixture
def toy_dir(tmp_path: Path) -> Path:
    """A toy nation folder (for CLI comparisons)."""
    return toy_nation(tmp_path / "toy2")
