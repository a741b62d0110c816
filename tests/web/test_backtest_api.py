"""GET /api/backtest and the /backtest page, on the embedded dataset."""

from __future__ import annotations

import csv
import io
import typing

import pytest
from fastapi.testclient import TestClient

from railgap.scorecard.calibration import DRAWS
from railgap.views.backtest import TABLES
from railgap.web.api.backtest import BacktestTable
from railgap.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = f"sqlite:///{tmp_path_factory.mktemp('bt') / 'railgap.sqlite'}"
    return TestClient(create_app(db=db, time_limit_s=120))


def test_the_route_offers_every_table_the_cli_does():
    assert typing.get_args(BacktestTable) == TABLES


def test_json_lists_every_event_with_answer_error_and_source(client: TestClient):
    r = client.get("/api/backtest", params={"calibration": "false"})
    assert r.status_code == 200
    body = r.json()
    assert body["dataset_hash"]
    assert body["truth_date"]
    events = {e["event_id"] for e in body["events"]}
    assert len(events) >= 60
    for e in body["events"]:
        assert e["source"].startswith("http")
        assert {"model_answer", "error_months", "ratio", "why", "answered_on"} <= set(e)
    assert body["calibration"] == []


def test_one_plant_and_a_csv_table(client: TestClient):
    r = client.get(
        "/api/backtest",
        params={"plant": "caf_newport", "calibration": "false", "format": "csv", "table": "events"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows
    assert {row["plant_id"] for row in rows} == {"caf_newport"}
    header = r.text.splitlines()[0].split(",")
    assert len(header) == len(set(header)), "a stamp column collides with a table column"


def test_the_calibration_has_both_horizons_as_the_page_shows(client: TestClient):
    # The page's own question (default draws and seed): the page test below reads it cached.
    body = client.get("/api/backtest", params={"plant": "hitachi_newton_aycliffe"}).json()
    assert {row["horizon_months"] for row in body["calibration"]} == {12, 24}
    assert body["draws"] == DRAWS
    assert {c["plant_id"] for c in body["calibration_cases"]} == {"hitachi_newton_aycliffe"}


@pytest.mark.parametrize(
    ("params", "status", "names"),
    [
        ({"plant": "no_such_plant"}, 404, "no_such_plant"),
        ({"draws": 0}, 422, "draws"),
        ({"draws": 5001}, 422, "draws"),
        ({"table": "nope", "format": "csv"}, 422, "table"),
        ({"seed": -1}, 422, "seed"),
    ],
)
def test_bad_input_is_a_4xx_naming_it(client: TestClient, params, status, names):
    r = client.get("/api/backtest", params={"calibration": "false", **params})
    assert r.status_code == status
    assert names in r.text


def test_the_page_shows_the_scorecard_and_names_an_unknown_plant(client: TestClient):
    page = client.get("/backtest", params={"plant": "hitachi_newton_aycliffe"})
    assert page.status_code == 200
    assert "How close were railgap" in page.text
    assert 'id="chart-backtest-reliability"' in page.text
    missing = client.get("/backtest", params={"plant": "no_such_plant"})
    assert missing.status_code == 404
    assert "no_such_plant" in missing.text
