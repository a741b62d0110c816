"""Valid-shaped input never answers 500: a bounded fuzz of every endpoint and page (issue 16).

Requests come from :mod:`.fuzzing` (dates in the documented range, real ids, every lever
kind within its limits) and go to the app on the embedded dataset, as ``railgap serve``
runs it. Bounded: dates from a pool of the range's edges and a few ordinary days, so that
answers are cached and a few hundred requests take seconds; the optimiser with short
horizons. The long run (any date, any horizon, the backtest) is ``make fuzz``.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from starlette.routing import Match

from railgap import store
from railgap.store.engine import dispose
from railgap.store.location import normalise_url
from railgap.web.app import create_app

from . import fuzzing

POOL = (
    *fuzzing.EDGE_DATES,
    dt.date(1850, 6, 30),
    dt.date(1962, 3, 15),
    dt.date(2012, 7, 1),
    dt.date(2019, 11, 30),
    dt.date(2031, 5, 31),
    dt.date(2060, 1, 1),
)
SAVED = "name: saved\nas_of: 2024-01-15\nlevers:\n  - move: {order: avanti-807-2019, months: 6}\n"


class _Errors(logging.Handler):
    """Keeps the exceptions the app logs, to name the one behind a 500."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.seen.append(f"{type(error).__name__}: {error}")


Served = tuple[TestClient, str, _Errors]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """The app on the embedded data, a token, two saved scenarios and a log of errors."""
    url = normalise_url(str(Path(tempfile.mkdtemp(prefix="railgap-fuzz-")) / "db.sqlite"))
    errors = _Errors()
    logger = logging.getLogger("railgap.web")
    logger.addHandler(errors)
    with TestClient(create_app(db=url), raise_server_exceptions=False) as client:
        token = store.create_token("fuzz", url)
        headers = {"authorization": f"Bearer {token}", "content-type": "application/yaml"}
        saved = [
            client.post("/api/scenarios", content=SAVED, headers=headers).json()["id"]
            for _ in range(2)
        ]
        assert saved == [1, 2]  # the ids IDS names (999: one that does not exist)
        yield client, token, errors
    logger.removeHandler(errors)
    dispose(url)


def _check(served: Served, call: fuzzing.Call) -> None:
    client, token, errors = served
    before = len(errors.seen)
    response = call.send(client, token)
    failed = fuzzing.server_failure(response)
    assert not failed, f"{call}\n-> {response.status_code}: {errors.seen[before:]}"


IDS = fuzzing.Ids.embedded(saved=[1, 2, 999])
BOUNDED = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@given(call=fuzzing.light_calls(IDS, fuzzing.dates(POOL), quick=True))
@settings(BOUNDED, max_examples=200)
def test_no_valid_request_answers_500(served, call: fuzzing.Call):
    _check(served, call)


@given(call=fuzzing.heavy_calls(IDS, fuzzing.dates(POOL), horizon=2))
@settings(BOUNDED, max_examples=4)
def test_no_valid_optimiser_request_answers_500(served, call: fuzzing.Call):
    _check(served, call)


def test_the_requests_reach_every_route_and_every_lever_kind(served):
    """The strategies reach each of the app's routes and lever kinds (add any new one)."""
    app = served[0].app
    routes = [r for r in app.routes if isinstance(r, APIRoute)]
    reached: set[str] = set()
    kinds: set[str] = set()

    @given(
        call=fuzzing.light_calls(IDS, fuzzing.dates()) | fuzzing.heavy_calls(IDS, fuzzing.dates())
    )
    @settings(BOUNDED, max_examples=400, phases=[Phase.generate])
    def collect(call: fuzzing.Call) -> None:
        scope = {"type": "http", "path": call.path, "method": call.method}
        reached.update(
            f"{call.method} {r.path}" for r in routes if r.matches(scope)[0] == Match.FULL
        )
        texts = [call.text or "", *((call.json or {}).get("scenarios", []))]
        kinds.update(k for k in fuzzing.LEVER_KINDS for t in texts if f"{k}:" in t)

    collect()
    every = {f"{m} {r.path}" for r in routes for m in r.methods if m != "HEAD"}
    assert every - reached == set()
    assert kinds == set(fuzzing.LEVER_KINDS)
