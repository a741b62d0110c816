from __future__ import annotations

from pathlib import Path

import pytest

from railgap.testing import toy_nation


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A fresh copy of the toy nation dataset."""
    return toy_nation(tmp_path / "toy")
