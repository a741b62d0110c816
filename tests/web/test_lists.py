"""Closed plants are left out of the pages and the API unless asked for (``all``)."""

from __future__ import annotations

from fastapi.testclient import TestClient

DATE = "2024-01-15"  # Vivarail closed in December 2022


def test_home_page_leaves_out_closed_plants_unless_all(embedded_client: TestClient):
    html = embedded_client.get(f"/?as_of={DATE}").text
    assert 'data-plant="hitachi_newton_aycliffe"' in html
    assert 'data-plant="vivarail_long_marston"' not in html
    assert f'href="/?as_of={DATE}&amp;all=true"' in html
    every = embedded_client.get(f"/?as_of={DATE}&all=true").text
    assert 'data-plant="vivarail_long_marston"' in every
    assert 'id="plants-toggle" href="/?as_of=2024-01-15"' in every


def test_api_outlook_and_simulation_take_the_all_flag(embedded_client: TestClient):
    def plants(url: str, key: str) -> set[str]:
        response = embedded_client.get(url)
        assert response.status_code == 200, response.text
        return {row["plant_id"] for row in response.json()[key]}

    assert "vivarail_long_marston" not in plants(f"/api/outlook?as_of={DATE}", "plants")
    assert "vivarail_long_marston" in plants(f"/api/outlook?as_of={DATE}&all=true", "plants")
    sim = f"/api/simulate?as_of={DATE}&draws=50&months=60"
    assert "vivarail_long_marston" not in plants(sim, "plants")
    assert "vivarail_long_marston" in plants(sim + "&all=true", "plants")


SCENARIO = f"""name: ten more 807s
as_of: {DATE}
levers:
  - vary_order: {{order: avanti-807-2019, units: 10, from: 2024-02-01}}
"""


def test_scenario_runs_and_page_take_the_all_flag(embedded_client: TestClient):
    def plants(query: str) -> set[str]:
        response = embedded_client.post(
            f"/api/scenarios/run{query}",
            content=SCENARIO,
            headers={"content-type": "application/yaml"},
        )
        assert response.status_code == 200, response.text
        return {row["plant_id"] for row in response.json()["plants"]}

    assert "vivarail_long_marston" not in plants("")
    assert "vivarail_long_marston" in plants("?all=true")
    assert "hitachi_newton_aycliffe" in plants("")
    page = embedded_client.get("/scenarios").text
    assert '<input type="checkbox" id="all-plants">' in page
    assert '<input type="checkbox" id="all-plants" checked>' in (
        embedded_client.get("/scenarios?all=true").text
    )
