"""Valid input never answers 500: each class of crash issue 16 found, on the embedded data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def _scenario(as_of: str, lever: str = "") -> str:
    return f"name: t\nas_of: {as_of}\nlevers:\n{lever or '  []'}\n"


def _vary(order: str, when: str) -> str:
    return f"  - vary_order: {{order: {order}, units: 3, from: {when}}}"


@pytest.mark.parametrize(
    "url",
    [
        # Work packages stated at 0 vehicles (superseded plans) gave a plant share of 0.
        "/api/plants/hitachi_kasado?as_of=2024-01-15",
        "/api/plants/hitachi_kasado/levers?as_of=2024-01-15",
        "/api/plants/hitachi_pistoia/levers?as_of=2024-01-15",
        "/plants/hitachi_kasado?as_of=2024-01-15",
        "/plants/hitachi_pistoia?as_of=2024-01-15",
        # The home page before any build window: labels of no rows had no type.
        "/?as_of=2005-01-01",
        # Suggested variations from the day after the modelled range, or delivered past it.
        "/api/plants/hitachi_newton_aycliffe/levers?as_of=2100-12-31",
        "/api/plants/hitachi_newton_aycliffe/levers?as_of=2095-12-31",
        "/plants/alstom_derby?as_of=2100-12-31",
        # No fleet has a running operator yet: the operators column had no text to search.
        # Nothing to order before any fleet: the optimiser's empty matrix was read as floats.
        "/api/optimize?as_of=1800-01-01&from=1990&to=1991",
    ],
)
def test_valid_get_answers(embedded_client: TestClient, url: str):
    response = embedded_client.get(url)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/fleet?as_of=1800-01-01&operator=LNER",
        "/api/fleet?as_of=1931-09-20&operator=LNER&format=csv",
    ],
)
def test_an_operator_not_yet_in_the_register_is_a_404_naming_it(
    embedded_client: TestClient, url: str
):
    # Before any fleet had a running operator (the column was once read as floats: a 500).
    response = embedded_client.get(url)
    assert response.status_code == 404, response.text
    assert "LNER" in response.text


def test_optimiser_with_no_month_left_says_why(embedded_client: TestClient):
    response = embedded_client.get("/api/optimize?as_of=2100-12-01")
    assert response.status_code == 422, response.text
    assert "no month after the as-of date" in response.json()["detail"]


@pytest.mark.parametrize(
    "text",
    [
        _scenario("2024-01-15", _vary("tpe-802-2016", "2024-02-01")),
        _scenario("2024-01-15", _vary("hulltrains-802-2016", "2024-02-01")),
        # No plant known yet: the difference of two empty outlooks had no columns.
        _scenario("2000-01-01"),
        _scenario("1800-01-01"),
    ],
)
def test_valid_scenario_runs(embedded_client: TestClient, text: str):
    for fmt in ("json", "csv"):
        response = embedded_client.post(
            f"/api/scenarios/run?format={fmt}",
            content=text,
            headers={"content-type": "application/yaml"},
        )
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("url", "value", "field"),
    [
        ("/api/scenarios/run", ".nan", "min_viable_share"),
        ("/api/scenarios/run", ".inf", "supply_chain_jobs_per_direct_job"),
        ("/api/simulate?draws=10", "0", "outlook_horizon_months"),
    ],
)
def test_an_assumption_out_of_range_is_a_422_naming_it(
    embedded_client: TestClient, url: str, value: str, field: str
):
    text = _scenario("2024-01-15", f"  - assumption: {{name: {field}, value: {value}}}")
    response = embedded_client.post(url, content=text, headers={"content-type": "application/yaml"})
    assert response.status_code == 422, response.text
    problem = response.json()["problems"][0]
    assert problem["field"] == f"assumptions.{field}.value"
    assert "lever 1" in problem["file"]


@pytest.mark.parametrize(
    ("lever", "field", "said"),
    [
        (
            "vary_order: {order: avanti-807-2019, units: 3, from: 2024-02-01, "
            "first_delivery: 2027-05, last_delivery: 2027-03}",
            "levers.0.vary_order.last_delivery",
            "ends before it starts",
        ),
        (
            "direct_order: {class: '999', manufacturer: hitachi, units: 3, cars_per_unit: 5, "
            "signed: 2024-02-01, plants: [{plant: hitachi_newton_aycliffe, "
            "build_start: 2026-05, build_end: 2026-01}]}",
            "levers.0.direct_order.plants.0.build_end",
            "ends before it starts",
        ),
        (
            "vary_order: {order: avanti-807-2019, units: 3, from: 2024-02-01, "
            "first_delivery: '２０２７-05'}",
            "levers.0.vary_order.first_delivery",
            "digits 0-9",
        ),
    ],
)
def test_an_inverted_window_or_full_width_date_is_a_422_naming_the_field(
    embedded_client: TestClient, lever: str, field: str, said: str
):
    text = _scenario("2024-01-15", f"  - {lever}")
    response = embedded_client.post(
        "/api/scenarios/run", content=text, headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 422, response.text
    problem = response.json()["problems"][0]
    assert (problem["file"], problem["line"], problem["field"]) == ("scenario.yaml", 4, field)
    assert said in problem["message"]


def test_a_year_alone_is_a_partial_delivery_date(embedded_client: TestClient):
    # YAML reads 2027 as a number: the lever takes it as the partial date it is.
    lever = (
        "  - vary_order: {order: avanti-807-2019, units: 3, from: 2024-02-01, "
        "first_delivery: 2027, last_delivery: 2027-03}"
    )
    response = embedded_client.post(
        "/api/scenarios/run",
        content=_scenario("2024-01-15", lever),
        headers={"content-type": "application/yaml"},
    )
    assert response.status_code == 200, response.text


def test_an_as_of_date_in_full_width_digits_is_a_422(embedded_client: TestClient):
    response = embedded_client.get("/api/outlook", params={"as_of": "２０２４-01-15"})
    assert response.status_code == 422, response.text
    assert "digits 0-9" in response.json()["detail"]
