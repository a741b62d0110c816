"""The dashboard's pages: numbers, charts and links as the API gives them; embedded data."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from .conftest import TOY_DATE


def _figures(html: str) -> dict[str, dict]:
    found = re.findall(r'<script type="application/json" id="([^"]+)-data">(.*?)</script>', html)
    return {name: json.loads(body) for name, body in found}


def test_home_shows_the_outlook_and_its_charts(toy_client: TestClient):
    html = toy_client.get(f"/?as_of={TOY_DATE}").text
    api = toy_client.get(f"/api/outlook?as_of={TOY_DATE}").json()
    works = {p["plant_id"]: p for p in api["plants"]}["toy_works"]
    row = re.search(r'<tr data-plant="toy_works">(.*?)</tr>', html, re.S)
    assert row is not None
    assert f'data-field="backlog_units">{works["backlog_units"]}<' in row.group(1)
    assert f'data-field="run_out">{works["run_out"]}<' in row.group(1)
    figures = _figures(html)
    assert set(figures) == {
        "chart-national-loading",
        "chart-gantt",
        "chart-jobs-at-risk",
        "chart-demand",
    }
    jobs = figures["chart-jobs-at-risk"]["data"][0]
    assert jobs["y"] == [works["jobs_at_risk_peak"]]
    assert html.count("Download CSV") == 4
    assert html.count("Show the data as a table") == 4
    assert 'role="img"' in html
    assert "aria-label=" in html
    assert 'src="/static/plotly.min.js"' in html
    assert "cdn" not in html.lower()


def test_home_on_another_date(toy_client: TestClient):
    html = toy_client.get("/?as_of=2019-01-01").text
    assert 'value="2019-01-01"' in html
    assert toy_client.get("/?as_of=2019-02-30").status_code == 422


def test_plant_page_lists_orders_sources_and_levers(toy_client: TestClient):
    html = toy_client.get(f"/plants/toy_works?as_of={TOY_DATE}").text
    body = toy_client.get(f"/api/plants/toy_works?as_of={TOY_DATE}").json()
    for order in body["orders"]:
        assert order["order_id"] in html
    assert html.count('href="https://example.org/toy-nation"') >= len(body["sources"])
    assert "open as a scenario" in html
    loading = _figures(html)["chart-loading"]
    stacked = [t for t in loading["data"] if t.get("stackgroup")]
    assert {t["name"].split(" ")[0] for t in stacked} == {
        "alpha-100-2018",
        "beta-200-2019",
        "gamma-300-2022",
    }
    assert f"/plants/toy_works/brief.html?as_of={TOY_DATE}" in html


def test_scenario_data_and_static_pages(toy_client: TestClient):
    assert "Run scenario" in toy_client.get("/scenarios").text
    assert "orders" in toy_client.get("/data").text
    assert "alpha-100-2018" in toy_client.get("/data/orders").text
    assert toy_client.get("/data/nope").status_code == 404
    js = toy_client.get("/static/plotly.min.js")
    assert js.status_code == 200
    assert len(js.content) > 1_000_000
    assert toy_client.get("/static/app.js").status_code == 200
    assert toy_client.get("/openapi.json").json()["info"]["title"] == "railgap"
    assert toy_client.get("/healthz").json()["status"] == "ok"


def test_embedded_newton_aycliffe_in_january_2024(embedded_client: TestClient):
    body = embedded_client.get("/api/plants/hitachi_newton_aycliffe?as_of=2024-01-15").json()
    assert body["plant"]["backlog_units"] == 56
    assert body["plant"]["backlog_by_class"] == {"805": 13, "807": 10, "810": 33}
    html = embedded_client.get("/plants/hitachi_newton_aycliffe?as_of=2024-01-15").text
    assert "56 units" in html
    home = embedded_client.get("/?as_of=2024-01-15")
    assert home.status_code == 200
    assert "hitachi_newton_aycliffe" in home.text


def test_api_docs_are_served_locally(toy_client: TestClient):
    html = toy_client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert toy_client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_award_levers_take_their_defaults_from_the_tender(embedded_client: TestClient):
    text = (
        "name: award\nas_of: 2024-09-01\nlevers:\n"
        "  - award_tender: {tender: tpe-fleet-2023, winner: hitachi}\n"
    )
    response = embedded_client.post("/api/scenarios/run?months=true", content=text)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["levers"] == ["1. tender tpe-fleet-2023 awarded to hitachi: 29 x 5"]
    changed = {p["plant_id"] for p in body["plants"] if p["changed"]}
    assert changed
    assert {m["plant_id"] for m in body["months"]} == changed


MARKUP = '<a href="http://evil">x</a>'


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_chart_labels_from_data_show_markup_as_text(tmp_path, db: str):
    from railgap.testing.toy import TOY_ROWS, write_tables
    from railgap.web.app import create_app

    plants = [{**p, "name": f"{p['name']} {MARKUP}"} for p in TOY_ROWS["plants"]]
    orders = [{**o, "class": f"{o['class']}{MARKUP}"} for o in TOY_ROWS["orders"]]
    folder = write_tables(tmp_path / "toy", {**TOY_ROWS, "plants": plants, "orders": orders})
    with TestClient(create_app(data=folder, db=db)) as client:
        pages = [f"/?as_of={TOY_DATE}", f"/plants/toy_works?as_of={TOY_DATE}"]
        pages.append(f"/pipeline?as_of={TOY_DATE}&to=2030")
        figures = {k: v for page in pages for k, v in _figures(client.get(page).text).items()}
    drawn = {"chart-jobs-at-risk", "chart-gantt", "chart-national-loading", "chart-loading"}
    assert drawn | {"chart-plan-jobs", "chart-timetable", "chart-plan-loading"} <= set(figures)
    texts = _strings(figures)
    assert not [t for t in texts if "<a" in t]
    assert any("&lt;a href=" in t for t in _strings(figures["chart-jobs-at-risk"]["data"]))
    assert any("&lt;a href=" in t for t in _strings(figures["chart-gantt"]["data"]))
    assert any("&lt;a href=" in t for t in _strings(figures["chart-loading"]["data"]))
    assert any("&lt;a href=" in t for t in _strings(figures["chart-plan-jobs"]["data"]))
    assert any("&lt;a href=" in t for t in _strings(figures["chart-plan-loading"]["layout"]))


def test_plain_escapes_markup_and_leaves_text_alone():
    from railgap.views.charts.base import plain

    assert plain(MARKUP) == '&lt;a href="http://evil"&gt;x&lt;/a&gt;'
    assert plain("A & B <br>") == "A &amp; B &lt;br&gt;"
    assert plain("Hitachi Rail Newton Aycliffe") == "Hitachi Rail Newton Aycliffe"
