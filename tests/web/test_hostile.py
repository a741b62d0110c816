"""Hostile requests are refused with a 4xx JSON error or shown escaped, never a 500."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from railgap import store
from railgap.web.app import create_app

from .conftest import TOY_DATE, TOY_SCENARIO, YAML

SCRIPT = "<script>alert('x')</script>"


def test_huge_bodies_are_refused_before_they_are_read(toy_client: TestClient):
    response = toy_client.post("/api/scenarios/run", content=b"a" * 1_500_000)
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


def test_a_streamed_body_is_counted(toy_client: TestClient):
    def chunks():
        for _ in range(40):
            yield b"x" * 50_000

    response = toy_client.post("/api/scenarios/run", content=chunks())
    assert response.status_code == 413


def test_a_scenario_over_its_size_limit_is_refused(toy_client: TestClient):
    text = TOY_SCENARIO + "# " + "y" * 300_000 + "\n"
    assert toy_client.post("/api/scenarios/run", content=text).status_code == 413


def test_deep_yaml_and_alias_bombs_are_refused(toy_client: TestClient):
    deep = "name: x\nas_of: 2022-06-01\nlevers: " + "[" * 200 + "]" * 200 + "\n"
    response = toy_client.post("/api/scenarios/run", content=deep)
    assert response.status_code == 422
    assert "nested deeper" in response.json()["detail"]
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        bomb.append(f"a{i}: &a{i} [{refs}]")
    response = toy_client.post("/api/scenarios/run", content="\n".join(bomb) + "\n")
    assert response.status_code == 422
    assert "YAML nodes" in response.json()["detail"]


def test_levers_too_big_to_schedule_are_refused(toy_client: TestClient):
    huge = TOY_SCENARIO.replace("units: 6", "units: 1000000")
    response = toy_client.post("/api/scenarios/run", content=huge)
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "levers.0.vary_order.units"
    slow = (
        "name: slow\nas_of: 2022-06-01\nlevers:\n"
        "  - plant: {plant: toy_works, from: 2022-07-01, capacity: 0.0001}\n"
    )
    response = toy_client.post("/api/scenarios/run", content=slow)
    assert response.status_code == 422
    assert "months to build" in response.json()["detail"]


def test_work_over_the_time_limit_is_a_408(toy: Path, db: str):
    with TestClient(create_app(data=toy, db=db, time_limit_s=1e-9)) as client:
        response = client.post("/api/scenarios/run", content=TOY_SCENARIO, headers=YAML)
    assert response.status_code == 408
    assert response.json()["error"] == "time_limit"


def test_script_tags_in_names_are_escaped(toy_client: TestClient, db: str):
    token = store.create_token("test", db)
    text = TOY_SCENARIO.replace("name: more gamma", f'name: "{SCRIPT}"')
    saved = toy_client.post(
        "/api/scenarios", content=text, headers={"authorization": f"Bearer {token}"}
    )
    assert saved.status_code == 201, saved.text
    page = toy_client.get(saved.json()["url"]).text
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page
    img = "<img src=x onerror=alert(1)>"
    missing = toy_client.get(f"/plants/{img}")
    assert missing.status_code == 404
    assert img not in missing.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in missing.text
    response = toy_client.get(f"/api/plants/{img}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"


def test_bad_ids_and_queries_are_4xx(toy_client: TestClient):
    for url in (
        "/api/scenarios/0",
        "/api/scenarios/99999999999999999999",
        "/api/scenarios/abc",
        "/api/forecast?from=3000",
        "/api/forecast?from=2050&to=2040",
        "/api/outlook?as_of=" + "9" * 50,
        "/api/data/orders?as_of=2024-02-30",
    ):
        response = toy_client.get(url)
        assert 400 <= response.status_code < 500, url
        assert response.json()["error"], url


def test_wrong_content_length_is_a_400(toy_client: TestClient):
    response = toy_client.post(
        "/api/scenarios/run", content=b"x", headers={"content-length": "nope"}
    )
    assert response.status_code == 400


def test_every_answer_refuses_framing_and_pages_allow_no_eval(toy_client: TestClient):
    for path in ("/", "/api/outlook", "/api/nothing-here", "/docs", "/static/plotly.min.js"):
        response = toy_client.get(path)
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["x-content-type-options"] == "nosniff", path
    for path in ("/", "/api/outlook", f"/plants/toy_works?as_of={TOY_DATE}"):
        csp = toy_client.get(path).headers["content-security-policy"]
        directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
        assert directives["frame-ancestors"] == ["'none'"], path
        assert directives["script-src"] == ["'self'"], path
        assert "unsafe-eval" not in csp, path


def test_answers_never_name_the_servers_database_file(tmp_path: Path):
    from railgap.store.engine import dispose
    from railgap.store.location import normalise_url
    from railgap.web.service import Service

    path = tmp_path / "secret-place" / "railgap-private.sqlite"
    path.parent.mkdir()
    url = normalise_url(str(path))
    plant = "hitachi_newton_aycliffe"
    gets = [
        "/api/outlook?as_of=2024-01-15",
        "/api/outlook?as_of=2024-01-15&format=csv",
        f"/api/plants/{plant}?as_of=2024-01-15",
        f"/api/plants/{plant}?as_of=2024-01-15&format=csv",
        f"/api/plants/{plant}/loading?as_of=2024-01-15",
        "/api/fleet?as_of=2024-01-15",
        "/api/forecast?as_of=2024-01-15&to=2030",
        "/api/tenders?as_of=2024-01-15",
        "/api/data",
        "/api/data/plants",
        "/api/data/plants?format=csv",
        "/?as_of=2024-01-15",
        f"/plants/{plant}?as_of=2024-01-15",
        f"/plants/{plant}/brief.html?as_of=2024-01-15",
        "/data",
        "/data/plants",
        "/scenarios",
    ]
    try:
        with TestClient(create_app(db=url)) as client:
            for get in gets:
                response = client.get(get)
                assert response.status_code == 200, get
                for secret in ("secret-place", "railgap-private", str(path)):
                    assert secret not in response.text, get
            stamp = client.get("/api/outlook?as_of=2024-01-15").json()
            assert stamp["dataset"] == "database"
            assert len(stamp["dataset_hash"]) == 12
        message = Service(db=url).redact(f"cannot open the database {url}: locked ({path})")
        assert "secret-place" not in message
        assert message == "cannot open the database database: locked (database)"
    finally:
        dispose(url)
