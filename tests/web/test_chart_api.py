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
