"""The changes page, its JSON and its Atom feed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient

ATOM = "{http://www.w3.org/2005/Atom}"
Q = "since=2024-01-01&to=2024-06-30"


def test_api_changes_json_and_csv(embedded_client: TestClient):
    body = embedded_client.get(f"/api/changes?{Q}").json()
    assert body["since"] == "2024-01-01"
    assert "hitachi_newton_aycliffe" in body["plants_moved"]
    assert len(body["rows"]) > 10
    csv = embedded_client.get(f"/api/changes?{Q}&format=csv")
    assert csv.status_code == 200
    assert csv.text.splitlines()[0].startswith("known_from,known_by,table,key,kind")
    assert embedded_client.get("/api/changes?since=2024-13-01").status_code == 422
    assert embedded_client.get("/api/changes").status_code == 422  # since is required


def test_changes_page_lists_rows_and_links_the_feed(embedded_client: TestClient):
    html = embedded_client.get(f"/changes?{Q}").text
    assert 'href="/changes.atom?since=2024-01-01&amp;to=2024-06-30"' in html
    assert 'data-plant="hitachi_newton_aycliffe"' in html
    assert 'data-table="orders"' in html
    assert '<a href="/changes">What changed</a>' in html


def test_atom_feed_is_valid_atom_with_links_to_sources(embedded_client: TestClient):
    response = embedded_client.get(f"/changes.atom?{Q}")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287: a feed has id, title, updated and an author; each entry id, title, updated.
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) > 10
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{tag}"), tag
        assert entry.findtext(f"{ATOM}updated").endswith("T00:00:00Z")
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert link.get("href", "").startswith("http")
    first = entries[0]
    assert first.findtext(f"{ATOM}title").startswith("Outlook moved at")
