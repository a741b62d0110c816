"""One backtest of the embedded dataset, as documented, shared by the scorecard tests."""

from __future__ import annotations

import pytest

import railgap
from railgap.views.backtest import DOCUMENTED_DRAWS, DOCUMENTED_SEED


@pytest.fixture(scope="session")
def documented() -> railgap.scorecard.Backtest:
    """The backtest as docs/backtest.md is generated (events, calibration and all)."""
    return railgap.backtest(draws=DOCUMENTED_DRAWS, seed=DOCUMENTED_SEED)
