"""The pipeline page and ``/api/optimize`` take the CLI's options: share, budget, plants, time."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import TOY_DATE

BASE = f"as_of={TOY_DATE}&to=2030"


def _plants(body: dict) -> set[str]:
    return {row["plant_id"] for row in body["timetable"] if row["plant_id"]}


def test_the_options_reach_the_optimiser(toy_client: TestClient):
    plain = toy_client.get(f"/api/optimize?{BASE}").json()
    assert _plants(plain) == {"toy_works"}
    assert plain["problems"] == []
    without = toy_client.get(f"/api/optimize?{BASE}&must_not_use=toy_works").json()
    assert _plants(without) == set()
    assert "excluded (must_not_use)" in without["problems"][0]
    used = toy_client.get(f"/api/optimize?{BASE}&must_use=toy_overseas").json()
    assert used["solver"]["status"].startswith("Infeasible")
    assert used["solver"]["returned"] == "none"
    assert used["problems"] == [
        "plant toy_overseas must be used but cannot build any need in the horizon"
    ]
    # The toy's orders state no contract value: the budget is reported as not applied.
    capped = toy_client.get(f"/api/optimize?{BASE}&budget=1&uk_share=0.75").json()
    assert capped["problems"][0].startswith("budget not applied")
    assert capped["solver"]["uk_share"] == 0.75
    assert capped["solver"]["budget_gbp_m_per_year"] == 1
    assert capped["solver"]["reason"]
    assert capped["solver"]["time_limit_s"] == 10


def test_bad_controls_are_refused(toy_client: TestClient):
    assert toy_client.get(f"/api/optimize?{BASE}&must_use=nowhere").status_code == 404
    assert toy_client.get(f"/api/optimize?{BASE}&time_limit=11").status_code == 422
    assert toy_client.get(f"/api/optimize?{BASE}&uk_share=1.5").status_code == 422
    assert toy_client.get(f"/pipeline?{BASE}&time_limit=0.5").status_code == 422
    page = toy_client.get(f"/pipeline?{BASE}&budget=lots")
    assert page.status_code == 422
    assert "budget" in page.text


def test_the_page_shows_the_controls_and_the_solver_beside_the_plan(toy_client: TestClient):
    query = f"{BASE}&time_limit=5&uk_share=0.5&budget=500&must_not_use=toy_overseas"
    page = toy_client.get(f"/pipeline?{query}").text
    api = toy_client.get(f"/api/optimize?{query}").json()
    assert re.search(r'id="time_limit"[^>]*value="5"', page)
    assert re.search(r'id="uk_share"[^>]*value="0.5"', page)
    assert re.search(r'id="budget"[^>]*value="500"', page)
    chosen = page[page.index('id="must_not_use"') :]
    assert '<option value="toy_overseas" selected>' in chosen[: chosen.index("</select>")]
    assert f'data-returned="{api["solver"]["returned"]}"' in page
    assert api["solver"]["reason"].replace("'", "&#39;") in page
    # Downloads and the JSON link carry the same options.
    assert "/api/optimize?as_of=2022-06-01&amp;to=2030&amp;time_limit=5&amp;uk_share=0.5" in page
    # The empty budget field of a plain form submission means no budget.
    empty = toy_client.get(f"/pipeline?{BASE}&budget=&uk_share=0")
    assert empty.status_code == 200
