"""One backtest of the embedded dataset, as documented, shared by the scorecard tests."""

from __future__ import annotations

import fcntl
import pickle

import pytest

import railgap
import railgap.analysis
from railgap.views.backtest import DOCUMENTED_DRAWS, DOCUMENTED_SEED


def _run() -> railgap.scorecard.Backtest:
    # the faces' layer, as docs/backtest.md is written from it (months as labels)
    return railgap.analysis.backtest(draws=DOCUMENTED_DRAWS, seed=DOCUMENTED_SEED)


@pytest.fixture(scope="session")
def documented(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> railgap.scorecard.Backtest:
    """The backtest as docs/backtest.md is generated (events, calibration and all).

    Run once per test run: with several workers (pytest-xdist) the first to ask runs it and
    leaves it in the run's shared temporary folder, under a lock, for the others.
    """
    if not hasattr(request.config, "workerinput"):
        return _run()
    shared = tmp_path_factory.getbasetemp().parent / "documented-backtest.pickle"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            result: railgap.scorecard.Backtest = pickle.loads(shared.read_bytes())
            return result
        result = _run()
        shared.write_bytes(pickle.dumps(result))
        return result
