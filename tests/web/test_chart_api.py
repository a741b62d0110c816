"""``/api/charts/KIND.png|svg`` and the download links under every chart on the pages."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from .conftest import TOY_DATE


def test_a_plant_chart_as_svg_and_png(toy_client):
    q = f"as_of={TOY_DATE}&plant=toy_works"
    svg = toy_client.get(f"/api/charts/loading.svg?{q}")
    assert svg.status_code == 200, svg.text
    assert svg.headers["content-type"] == "image/svg+xml"
    assert 'filename="loading-toy_works-2022-06-01.svg"' in svg.headers["content-disposition"]
    text = " ".join(ET.fromstring(svg.content).itertext())
    assert "minimum viable rate" in text
    assert "as known on 2022-06-01" in " ".join(text.split())  # the source note, printed
    png = toy_client.get(f"/api/charts/loading.png?{q}")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png.content) > 20_000


def test_bad_kind_format_or_plant_is_a_clear_error(toy_client):
    nope = toy_client.get(f"/api/charts/nope.png?as_of={TOY_DATE}")
    assert nope.status_code == 404
    assert "no chart 'nope'" in nope.json()["detail"]
    assert "loading" in nope.json()["detail"]  # the kinds are listed
    gif = toy_client.get(f"/api/charts/loading.gif?as_of={TOY_DATE}&plant=toy_works")
    assert gif.status_code == 404
    assert "KIND.png or KIND.svg" in gif.json()["detail"]
    unknown = toy_client.get(f"/api/charts/loading.png?as_of={TOY_DATE}&plant=no_such_plant")
    assert unknown.status_code == 404
    assert "no_such_plant" in unknown.text
    missing = toy_client.get(f"/api/charts/loading.png?as_of={TOY_DATE}")
    assert missing.status_code == 422
    assert "give a plant id" in missing.text


def _links(page: str) -> dict[str, list[str]]:
    """Each chart's image links on a page, by chart id."""
    found: dict[str, list[str]] = {}
    for figure in re.findall(r'<figure class="chart".*?</figure>', page, re.S):
        chart = re.search(r'<div id="([^"]+)" class="plot"', figure)
        if chart:
            found[chart.group(1)] = [
                html.unescape(u) for u in re.findall(r'href="([^"]+)" download data-image', figure)
            ]
    return found


def test_every_chart_on_a_page_links_to_its_images(toy_client):
    for page in (f"/?as_of={TOY_DATE}", f"/plants/toy_works?as_of={TOY_DATE}"):
        body = toy_client.get(page)
        assert body.status_code == 200
        links = _links(body.text)
        assert links, page
        for chart_id, urls in links.items():
            assert [u.split("?")[0].rsplit(".", 1)[1] for u in urls] == ["png", "svg"], chart_id
            svg = toy_client.get(urls[1])
            assert svg.status_code == 200, (chart_id, svg.text)
            title = re.search(rf'id="{chart_id}-title"><h3>(.*?)</h3>', body.text)
            assert title is not None
            drawn = " ".join(ET.fromstring(svg.content).itertext())
            assert html.unescape(title.group(1)) in drawn, chart_id  # the page's own chart


SCENARIO = f"""name: more gamma
as_of: {TOY_DATE}
levers:
  - vary_order: {{order: gamma-300-2022, units: 6, from: 2022-07-01}}
"""
YAML = {"content-type": "application/yaml"}


def test_scenario_charts_as_svg_and_png(toy_client):
    for kind, title in (
        ("scenario-jobs", "Job-months at risk by plant: baseline and scenario"),
        ("scenario-loading", "Monthly loading of changed plants: baseline and scenario"),
        ("scenario-gap-chance", "Chance of a gap by month (Monte Carlo): baseline and scenario"),
    ):
        svg = toy_client.post(f"/api/scenarios/charts/{kind}.svg", content=SCENARIO, headers=YAML)
        assert svg.status_code == 200, svg.text
        assert f'filename="{kind}-scenario.svg"' in svg.headers["content-disposition"]
        text = " ".join(" ".join(ET.fromstring(svg.content).itertext()).split())
        assert title in text
        assert f"as known on {TOY_DATE}" in text  # the scenario's own date, in the note
        if kind != "scenario-jobs":
            assert "toy_works scenario" in text  # the changed plant's line, in the legend
    png = toy_client.post("/api/scenarios/charts/scenario-jobs.png", content=SCENARIO, headers=YAML)
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_scenario_chart_errors_say_what_to_give(toy_client):
    bare = toy_client.get(f"/api/charts/scenario-jobs.png?as_of={TOY_DATE}")
    assert bare.status_code == 422
    assert "POST its YAML to /api/scenarios/charts/scenario-jobs.png" in bare.text
    other = toy_client.post("/api/scenarios/charts/loading.png", content=SCENARIO, headers=YAML)
    assert other.status_code == 404
    assert "scenario-jobs" in other.json()["detail"]
    broken = SCENARIO.replace("units: 6", "units: six")
    bad = toy_client.post("/api/scenarios/charts/scenario-jobs.svg", content=broken, headers=YAML)
    assert bad.status_code == 422
    assert "levers.0.vary_order.units" in bad.text
    missing = toy_client.get("/api/scenarios/999/charts/scenario-jobs.svg")
    assert missing.status_code == 404


def test_a_saved_scenario_chart_is_the_posted_one(toy_client, db):
    from railgap import store

    token = store.create_token("chart test", db)
    saved = toy_client.post(
        "/api/scenarios", content=SCENARIO, headers={**YAML, "authorization": f"Bearer {token}"}
    )
    assert saved.status_code == 201, saved.text
    scenario_id = saved.json()["id"]
    got = toy_client.get(f"/api/scenarios/{scenario_id}/charts/scenario-jobs.svg")
    assert got.status_code == 200, got.text
    url = "/api/scenarios/charts/scenario-jobs.svg"
    posted = toy_client.post(url, content=SCENARIO, headers=YAML)
    assert got.content == posted.content  # byte for byte: same run, same drawing
