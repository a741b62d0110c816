"""The HTTP API on the toy nation: the same answers as the CLI and the Python API."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import railgap
from railgap import store
from railgap.analysis import order_loads, run
from railgap.cli import app as cli_app
from railgap.views import answers, render
from railgap.web.service import FOLDER_LABEL

from .conftest import TOY_DATE, TOY_SCENARIO


def _as_served(value: object, folder: str) -> object:
    """The CLI's answer as the server gives it: the server names no folder of its own."""
    if value == folder:
        return FOLDER_LABEL
    if isinstance(value, dict):
        return {k: _as_served(v, folder) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_served(v, folder) for v in value]
    return value


def _cli_json(*args: str) -> dict:
    result = CliRunner().invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    if "--data" in args:
        body = _as_served(body, args[args.index("--data") + 1])
    return body


def test_outlook_json_is_the_cli_json(toy_client: TestClient, toy: Path):
    response = toy_client.get(f"/api/outlook?as_of={TOY_DATE}")
    assert response.status_code == 200
    assert response.json() == _cli_json("outlook", "--as-of", TOY_DATE, "--data", str(toy))
    works = {p["plant_id"]: p for p in response.json()["plants"]}["toy_works"]
    frame = railgap.outlook(TOY_DATE, data=toy).set_index("plant_id")
    assert works["backlog_units"] == frame.loc["toy_works", "backlog_units"] == 12
    assert works["jobs_at_risk_peak"] == 200


def test_outlook_csv_is_the_cli_csv(toy_client: TestClient, toy: Path):
    response = toy_client.get(f"/api/outlook?as_of={TOY_DATE}&format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    cli = CliRunner().invoke(cli_app, ["outlook", "--as-of", TOY_DATE, "--data", str(toy), "--csv"])
    assert response.text == cli.output
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["plant_id"] for r in rows} == {"toy_works", "toy_overseas"}
    assert all(r["as_of"] == TOY_DATE for r in rows)


def test_outlook_is_cached_per_date(toy_client: TestClient):
    service = toy_client.app.state.service  # type: ignore[attr-defined]
    first = toy_client.get(f"/api/outlook?as_of={TOY_DATE}").content
    hits = service.cache.hits
    assert toy_client.get(f"/api/outlook?as_of={TOY_DATE}").content == first
    assert service.cache.hits == hits + 1
    other = toy_client.get("/api/outlook?as_of=2019-01-01").json()
    assert other["as_of"] == "2019-01-01"


def test_plant_json_is_the_cli_json(toy_client: TestClient, toy: Path):
    body = toy_client.get(f"/api/plants/toy_works?as_of={TOY_DATE}").json()
    assert body == _cli_json("plant", "toy_works", "--as-of", TOY_DATE, "--data", str(toy))
    assert {o["order_id"] for o in body["orders"]} == {
        "alpha-100-2018",
        "beta-200-2019",
        "gamma-300-2022",
    }
    assert all(s["source"].startswith("https://") for s in body["sources"])


def test_plant_loading_by_order_adds_up_to_the_plant_months(toy_client: TestClient, toy: Path):
    rows = toy_client.get(f"/api/plants/toy_works/loading?as_of={TOY_DATE}").json()["months"]
    by_month: dict[str, float] = {}
    for row in rows:
        by_month[row["month"]] = by_month.get(row["month"], 0.0) + row["vehicle_equivalents"]
    months = railgap.plant("toy_works", TOY_DATE, data=toy).months
    for month, load in zip(months["month"], months["vehicle_equivalents"], strict=True):
        label = str(month)  # the notebook API's months are periods: their label is the API's
        assert abs(by_month.get(label, 0.0) - load) < 0.01, label


def test_order_loads_keeps_every_vehicle(toy: Path):
    loading, _, _ = run(TOY_DATE, toy)
    loads = order_loads(loading, "toy_works")
    windows = loading.schedule.windows
    mine = windows[windows["plant_id"] == "toy_works"]
    assert abs(loads["vehicle_equivalents"].sum() - mine["vehicle_equivalents"].sum()) < 1e-6


def test_plant_orders_and_sources_as_csv(toy_client: TestClient):
    orders = toy_client.get(f"/api/plants/toy_works/orders?as_of={TOY_DATE}&format=csv")
    assert orders.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(orders.text)))) == 3
    sources = toy_client.get(f"/api/plants/toy_works/sources?as_of={TOY_DATE}&format=csv")
    rows = list(csv.DictReader(io.StringIO(sources.text)))
    assert rows
    assert all(r["source"] and r["known_from"] for r in rows)


def test_unknown_plant_is_a_404_naming_the_plants(toy_client: TestClient):
    response = toy_client.get(f"/api/plants/nowhere?as_of={TOY_DATE}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "toy_works" in response.json()["detail"]


def test_bad_dates_are_a_422_naming_the_field(toy_client: TestClient):
    for value in ("2024-13-01", "yesterday", "1700-01-01"):
        response = toy_client.get(f"/api/outlook?as_of={value}")
        assert response.status_code == 422, value
        assert response.json()["problems"][0]["field"] == "as_of"
    assert toy_client.get("/api/outlook?format=xml").status_code == 422


def test_fleet_forecast_tenders_and_data(toy_client: TestClient, toy: Path):
    assert toy_client.get(f"/api/fleet?as_of={TOY_DATE}").json() == _cli_json(
        "fleet", "--as-of", TOY_DATE, "--data", str(toy)
    )
    body = toy_client.get(f"/api/forecast?as_of={TOY_DATE}&from=2020&to=2030").json()
    assert [r["year"] for r in body["years"]] == list(range(2020, 2031))
    assert toy_client.get("/api/forecast?life=dmu").status_code == 422
    assert toy_client.get("/api/forecast?life=steam=30").status_code == 422
    assert toy_client.get(f"/api/tenders?as_of={TOY_DATE}").json()["tenders"] == []
    # Operators by identity: "Toy Northern" runs c102; an unknown name is a 404 naming the nearest.
    ran = toy_client.get(f"/api/fleet?as_of={TOY_DATE}&operator=toy%20northern").json()
    assert [f["fleet_id"] for f in ran["fleets"]] == ["c102"]
    miss = toy_client.get(f"/api/fleet?as_of={TOY_DATE}&operator=Toy%20Nrthern")
    assert miss.status_code == 404
    assert "nearest: Toy Northern" in miss.json()["detail"]
    tables = toy_client.get("/api/data").json()["tables"]
    assert {t["table"] for t in tables} >= {"plants", "orders", "tenders"}
    orders = toy_client.get("/api/data/orders").json()["rows"]
    assert all(r["source"] == "https://example.org/toy-nation" and r["known_from"] for r in orders)
    in_force = toy_client.get("/api/data/orders?as_of=2019-01-01").json()["rows"]
    assert {r["order_id"] for r in in_force} == {"alpha-100-2018"}
    assert toy_client.get("/api/data/secrets").status_code == 404


def test_levers_that_close_the_gap_are_run(toy_client: TestClient):
    body = toy_client.get(f"/api/plants/toy_works/levers?as_of={TOY_DATE}").json()
    assert body["variations"], "toy_works has a gap: a variation should be suggested"
    for row in body["variations"]:
        assert row["units_added"] > 0
        assert row["jobs_at_risk_months_after"] < row["jobs_at_risk_months_before"]
    assert body["open_tenders"] == []


def test_scenario_run_is_the_python_api(toy_client: TestClient, toy: Path, tmp_path: Path):
    response = toy_client.post(
        "/api/scenarios/run?months=true",
        content=TOY_SCENARIO,
        headers={"content-type": "application/yaml"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    path = tmp_path / "more_gamma.yaml"
    path.write_text(TOY_SCENARIO, encoding="utf-8")
    expected = railgap.run_scenario(path, data=toy)
    assert body["plants"] == render.records(expected, answers.SCENARIO_COLUMNS)
    works = {p["plant_id"]: p for p in body["plants"]}["toy_works"]
    assert works["changed"]
    assert works["backlog_units"] == works["backlog_units_baseline"] + 6
    months = [m for m in body["months"] if m["plant_id"] == "toy_works"]
    added = sum((m["vehicle_equivalents_scenario"] or 0) for m in months) - sum(
        (m["vehicle_equivalents_baseline"] or 0) for m in months
    )
    assert added > 0
    csv_text = toy_client.post("/api/scenarios/run?format=csv", content=TOY_SCENARIO).text
    assert csv_text.splitlines()[0].startswith("plant_id,name,short_name,country,backlog_units")


def test_scenario_compare(toy_client: TestClient):
    nothing = TOY_SCENARIO.replace("name: more gamma", "name: nothing").split("levers:")[0]
    response = toy_client.post(
        "/api/scenarios/compare", json={"scenarios": [TOY_SCENARIO, nothing + "levers: []\n"]}
    )
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert {r["scenario"] for r in rows} == {"more gamma", "nothing"}
    assert toy_client.post("/api/scenarios/compare", json={}).status_code == 422
    later = nothing.replace("as_of: 2022-06-01", "as_of: 2023-06-01") + "levers: []\n"
    mixed = toy_client.post("/api/scenarios/compare", json={"scenarios": [TOY_SCENARIO, later]})
    assert mixed.status_code == 422
    assert "different dates" in mixed.json()["detail"]


def test_invalid_scenarios_name_file_line_and_field(toy_client: TestClient):
    bad = TOY_SCENARIO.replace("units: 6", "units: six")
    body = toy_client.post("/api/scenarios/run", content=bad).json()
    assert body["problems"][0]["line"] == 5
    assert body["problems"][0]["field"] == "levers.0.vary_order.units"
    unknown = TOY_SCENARIO.replace("gamma-300-2022", "omega")
    response = toy_client.post("/api/scenarios/run", content=unknown)
    assert response.status_code == 422
    assert "omega" in response.json()["detail"]
    for text in ("", "[1, 2", "just text", "name: x\nas_of: 2022-06-01\nbase: other.yaml\n"):
        assert toy_client.post("/api/scenarios/run", content=text).status_code == 422, text
    assert toy_client.post("/api/scenarios/run", content=b"\xff\xfe").status_code == 422


def test_saving_needs_a_token(toy_client: TestClient, db: str):
    assert toy_client.post("/api/scenarios", content=TOY_SCENARIO).status_code == 401
    wrong = {"authorization": "Bearer not-a-token"}
    response = toy_client.post("/api/scenarios", content=TOY_SCENARIO, headers=wrong)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert toy_client.get("/api/scenarios").json()["scenarios"] == []


def test_revoked_and_expired_tokens_get_401(toy_client: TestClient, db: str):
    import datetime as dt

    from sqlalchemy import update

    from railgap.store.schema import api_tokens

    live, revoked, expired = (store.create_token(label, db) for label in ("a", "b", "c"))
    assert store.revoke_token_id(revoked.split("_")[1], db)
    with store.open_engine(db).begin() as connection:
        connection.execute(
            update(api_tokens)
            .where(api_tokens.c.lookup == expired.split("_")[1])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    for token, status in ((live, 201), (revoked, 401), (expired, 401)):
        headers = {"authorization": f"Bearer {token}"}
        response = toy_client.post("/api/scenarios", content=TOY_SCENARIO, headers=headers)
        assert response.status_code == status, (token, response.text)
    states = {t.label: t.state() for t in store.list_tokens(db)}
    assert states == {"a": "live", "b": "revoked", "c": "expired"}
    used = {t.label: t.last_used_at for t in store.list_tokens(db)}
    assert used["a"] is not None
    assert used["b"] is None
    assert used["c"] is None


def test_saved_scenarios_are_shared_by_url(toy_client: TestClient, db: str):
    token = store.create_token("test", db)
    headers = {"authorization": f"Bearer {token}"}
    bad = toy_client.post("/api/scenarios", content="name: x\n", headers=headers)
    assert bad.status_code == 422
    response = toy_client.post("/api/scenarios", content=TOY_SCENARIO, headers=headers)
    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["url"] == f"/scenarios/{saved['id']}"
    assert toy_client.get(f"/api/scenarios/{saved['id']}").json()["yaml"] == TOY_SCENARIO
    listed = toy_client.get("/api/scenarios").json()["scenarios"]
    assert [s["name"] for s in listed] == ["more gamma"]
    lookup, secret = token.split("_", 2)[1:]
    assert listed[0]["created_by"] == f"api token {lookup}"
    assert secret[:8] not in toy_client.get(saved["url"]).text
    run_saved = toy_client.get(f"/api/scenarios/{saved['id']}/run").json()
    run_posted = toy_client.post("/api/scenarios/run", content=TOY_SCENARIO).json()
    assert run_saved["plants"] == run_posted["plants"]
    page = toy_client.get(saved["url"])
    assert page.status_code == 200
    assert "more gamma" in page.text
    compared = toy_client.post("/api/scenarios/compare", json={"ids": [saved["id"]]})
    assert compared.status_code == 200
    assert toy_client.get("/api/scenarios/999999").status_code == 404
    assert toy_client.get("/scenarios/999999").status_code == 404


def test_simulate_json_is_the_cli_json(toy_client: TestClient, toy: Path):
    query = f"as_of={TOY_DATE}&draws=300&seed=9&months=60"
    response = toy_client.get(f"/api/simulate?{query}")
    assert response.status_code == 200
    assert response.json() == _cli_json(
        "simulate",
        "--as-of",
        TOY_DATE,
        "--draws",
        "300",
        "--seed",
        "9",
        "--months",
        "60",
        "--data",
        str(toy),
    )
    body = response.json()
    assert len(body["gap_probability"]["months"]) == 60
    assert {p["plant_id"] for p in body["plants"]} >= {"toy_works"}


def test_simulate_csv_by_plant_and_by_month(toy_client: TestClient):
    plants = toy_client.get(f"/api/simulate?as_of={TOY_DATE}&draws=50&format=csv")
    assert plants.status_code == 200
    rows = list(csv.DictReader(io.StringIO(plants.text)))
    assert {r["plant_id"] for r in rows} >= {"toy_works"}
    months = toy_client.get(
        f"/api/simulate?as_of={TOY_DATE}&draws=50&months=24&table=months&format=csv"
    )
    rows = list(csv.DictReader(io.StringIO(months.text)))
    works = [r for r in rows if r["plant_id"] == "toy_works"]
    assert len(works) == 24
    assert all(0 <= float(r["p_in_gap"]) <= 1 for r in works)


def test_simulate_under_an_uploaded_scenario(toy_client: TestClient):
    response = toy_client.post(
        "/api/simulate?draws=100",
        content=TOY_SCENARIO,
        headers={"content-type": "application/yaml"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == TOY_DATE
    assert any("more gamma" in note for note in body["notes"])


@pytest.mark.parametrize(
    "media",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", ""],
)  # fmt: skip
@pytest.mark.parametrize("path", ["/api/scenarios/run", "/api/simulate?draws=10", "/api/scenarios"])
def test_scenario_bodies_a_page_could_post_without_preflight_are_refused(
    toy_client: TestClient, media: str, path: str
):
    response = toy_client.post(path, content=TOY_SCENARIO, headers={"content-type": media})
    assert response.status_code in (401, 415), response.text
    if path != "/api/scenarios":  # saving asks for the token first
        assert response.status_code == 415
        assert "application/yaml" in response.json()["detail"]


def test_simulate_is_bounded(toy_client: TestClient):
    for query in ("draws=0", "draws=20001", "months=6", "seed=-1"):
        response = toy_client.get(f"/api/simulate?as_of={TOY_DATE}&{query}")
        assert response.status_code == 422, query
        assert "traceback" not in response.text.lower()


def test_optimize_json_is_the_cli_json(toy_client: TestClient, toy: Path):
    query = "as_of=2022-06-01&to=2040&weights=jobs=1,overage=5"
    response = toy_client.get(f"/api/optimize?{query}")
    assert response.status_code == 200
    body = response.json()
    cli = _cli_json(
        "optimize", "--as-of", TOY_DATE, "--to", "2040", "--weights", "jobs=1,overage=5",
        "--time-limit", "10", "--data", str(toy),
    )  # fmt: skip
    for answer in (body, cli):  # timings differ from run to run
        answer["solver"].pop("build_seconds")
        answer["solver"].pop("solve_seconds")
    assert body == cli
    assert body["solver"]["weights"] == {"jobs": 1, "overage": 5, "smooth": 1}
    placed = [row for row in body["timetable"] if row["plant_id"] == "toy_works"]
    assert placed
    assert all(row["status"] != "unmet" for row in placed)


def test_optimize_default_horizon_is_the_clis_and_the_pages(toy_client: TestClient, toy: Path):
    for as_of, horizon in (("2022-06-01", "2022-2040"), ("2045-03-01", "2045-2061")):
        body = toy_client.get(f"/api/optimize?as_of={as_of}").json()
        assert body["solver"]["horizon"] == horizon
        cli = _cli_json("optimize", "--as-of", as_of, "--data", str(toy))
        assert cli["solver"]["horizon"] == horizon
        page = toy_client.get(f"/pipeline?as_of={as_of}").text
        assert f'<span id="horizon-shown">{horizon}</span>' in page


def test_optimize_csv_tables(toy_client: TestClient):
    for table, key in (("timetable", "need_id"), ("plants", "plant_id"), ("terms", "plan")):
        response = toy_client.get(f"/api/optimize?as_of={TOY_DATE}&format=csv&table={table}")
        assert response.status_code == 200, table
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows, table
        assert all(r[key] and r["as_of"] == TOY_DATE for r in rows), table
    terms = toy_client.get(f"/api/optimize?as_of={TOY_DATE}&format=csv&table=terms").text
    plans = {r["plan"]: float(r["objective"]) for r in csv.DictReader(io.StringIO(terms))}
    assert plans["optimised"] <= min(plans["greedy"], plans["as_procured"]) + 1e-6


def test_optimize_is_bounded_and_names_bad_input(toy_client: TestClient):
    for query, field in (
        ("time_limit=11", "time_limit"),
        ("time_limit=0", "time_limit"),
        ("weights=speed=1", "speed"),
        ("weights=jobs=-1", "jobs"),
        ("weights=jobs=nan", "'nan' is not a number"),
        ("weights=jobs=1_0", "'1_0' is not a number"),
        ("from=2030&to=2025", "from (2030) <= to (2025)"),
        ("to=2101", "to"),
    ):
        response = toy_client.get(f"/api/optimize?as_of={TOY_DATE}&{query}")
        assert response.status_code == 422, query
        assert field in response.json()["detail"], (query, response.json())


def test_loading_by_month_and_windows_are_the_engines(toy_client: TestClient, toy: Path):
    months = toy_client.get(f"/api/loading?as_of={TOY_DATE}").json()["months"]
    loading, _, _ = run(TOY_DATE, toy)
    assert len(months) == len(loading.plant_months)
    works = {r["month"]: r["vehicle_equivalents"] for r in months if r["plant_id"] == "toy_works"}
    assert works["2023-03"] == 5.2  # gamma: 48 vehicles x 0.65 (assembly) over six months
    windows = toy_client.get(f"/api/loading?as_of={TOY_DATE}&table=windows&format=csv").text
    rows = list(csv.DictReader(io.StringIO(windows)))
    assert {(r["order_id"], r["plant_id"], r["start"], r["end"]) for r in rows} >= {
        ("gamma-300-2022", "toy_works", "2023-01", "2023-06")
    }
