from __future__ import annotations

from pathlib import Path

import pytest

from railgap.testing import toy_nation


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A fresh copy of the toy nation dataset."""
    return toy_nation(tmp_path / "toy")


@pytest.fixture(autouse=True)
def _no_user_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests never read or write the developer's own database: the data folder is a temp one."""
    monkeypatch.delenv("RAILGAP_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
