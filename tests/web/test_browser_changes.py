"""The "what changed" page in Chromium at desk and phone widths (fixtures: test_browser)."""

from __future__ import annotations

from typing import Any

import pytest

browser_tests = pytest.importorskip("web.test_browser")  # skips without Chromium
server = browser_tests.server
browser = browser_tests.browser

Q = "since=2024-01-01&to=2024-06-30"


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (390, 844)])
def test_changes_page_matches_the_api_and_fits(
    server: tuple[str, str], browser: Any, width: int, height: int
):
    base, _ = server
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = browser_tests._watch(context, context.new_page())
    tab.goto(f"{base}/changes?{Q}")
    body = browser_tests._api(base, f"/api/changes?{Q}")
    assert tab.locator("#rows tbody tr").count() == len(body["rows"])
    moved = tab.locator("#moved tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.plant)"
    )
    assert sorted(moved) == sorted(body["plants_moved"])
    # Sideways scrolling only inside the tables' own scroll boxes.
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the window"
    assert tab.locator("#atom").get_attribute("href") == f"/changes.atom?{Q}"
    browser_tests._shot(tab, f"changes-{width}")
    assert tab.errors == []
    browser_tests._no_csp_violations(tab)
    context.close()
