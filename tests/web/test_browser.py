"""The dashboard in a real headless Chromium (Debian's), driven by Playwright.

A uvicorn server runs the app on the embedded dataset on a free loopback port. Each test
opens a page, checks the numbers and the charts' data (read from Plotly's figures) against
the API, and saves a screenshot under ``tests/artifacts/`` (git-ignored) for a person to
look at. ``make test`` installs ``chromium`` from Debian's packages when it is missing.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from railgap import store
from railgap.store.engine import dispose
from railgap.store.location import normalise_url
from railgap.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
AS_OF = "2024-01-15"
SCENARIO = """name: Ten more Class 807s
description: a browser test's scenario
as_of: 2024-01-15
levers:
  - vary_order: {order: avanti-807-2019, units: 10, from: 2024-02-01}
"""

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("/usr/bin/chromium is missing: `make test` installs it")
    pytest.skip("no /usr/bin/chromium (make test installs it)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app under uvicorn on loopback; yields its base URL and the database URL."""
    db = normalise_url(str(tmp_path_factory.mktemp("browser-db") / "railgap.sqlite"))
    port = _free_port()
    config = uvicorn.Config(create_app(db=db), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db
    instance.should_exit = True
    thread.join(timeout=10)
    dispose(db)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with no network of its own."""
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield instance
        instance.close()


#: Recorded in every page: what the Content Security Policy blocked (none may be).
CSP_WATCH = """document.addEventListener('securitypolicyviolation', e => {
    (window.__cspViolations = window.__cspViolations || []).push(
        e.violatedDirective + ' ' + e.blockedURI);
});"""


def _watch(context: Any, tab: Any) -> Any:
    """Record page errors and console messages; refuse every dialog (no alert runs)."""
    context.add_init_script(CSP_WATCH)
    tab.errors = []
    tab.dialogs = []
    tab.console = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda m: tab.console.append(f"{m.type}: {m.text}"))
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    return tab


def _no_csp_violations(tab: Any) -> None:
    """Nothing was blocked by the CSP: no console message about it, no violation event."""
    said = [m for m in tab.console if "Content Security Policy" in m or "unsafe-eval" in m.lower()]
    assert said == []
    assert tab.evaluate("() => window.__cspViolations || []") == []


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors and refuses every dialog (no alert runs)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = _watch(context, context.new_page())
    yield tab
    context.close()


def _api(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def _figure(page: Any, element_id: str) -> list[dict[str, Any]]:
    page.wait_for_function(
        f"() => document.getElementById('{element_id}')?.data !== undefined", timeout=30_000
    )
    return page.evaluate(
        f"() => document.getElementById('{element_id}').data.map("
        "t => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])}))"
    )


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _cell(page: Any, plant: str, field: str) -> str:
    return page.locator(f'tr[data-plant="{plant}"] [data-field="{field}"]').inner_text()


def test_home_matches_the_api_and_follows_the_date(server: tuple[str, str], page: Any):
    base, _ = server
    page.goto(f"{base}/?as_of={AS_OF}")
    api = _api(base, f"/api/outlook?as_of={AS_OF}")
    plants = {p["plant_id"]: p for p in api["plants"]}
    na = plants["hitachi_newton_aycliffe"]
    assert _cell(page, "hitachi_newton_aycliffe", "backlog_units") == str(na["backlog_units"])
    assert _cell(page, "hitachi_newton_aycliffe", "run_out") == na["run_out"]
    assert page.locator("#outlook-lede").inner_text() == api["lede"]
    assert _cell(page, "hitachi_newton_aycliffe", "gaps").startswith(na["gaps"][0]["start"])
    bars = _figure(page, "chart-jobs-at-risk")[0]
    gb = [p for p in api["plants"] if p["country"] == "GB"]
    assert bars["x"] == [p["short_name"] for p in gb]  # "Newton Aycliffe", not truncated
    assert "Newton Aycliffe" in bars["x"]
    assert bars["y"] == [p["jobs_at_risk_peak"] for p in gb]
    demand = _figure(page, "chart-demand")
    forecast = _api(base, f"/api/forecast?as_of={AS_OF}&to=2054")
    assert demand[0]["y"] == [r["delivered_vehicles"] for r in forecast["years"]]
    _figure(page, "chart-gantt")
    _figure(page, "chart-national-loading")
    _shot(page, "home-2024-01-15")

    with page.expect_navigation():
        page.fill("#as_of", "2019-06-01")
        page.dispatch_event("#as_of", "change")
    assert page.locator("#as-of-shown").inner_text() == "2019-06-01"
    earlier = {p["plant_id"]: p for p in _api(base, "/api/outlook?as_of=2019-06-01")["plants"]}
    for plant, row in earlier.items():
        assert _cell(page, plant, "backlog_units") == f"{row['backlog_units']:,}"
    assert _figure(page, "chart-jobs-at-risk")[0]["y"] == [
        p["jobs_at_risk_peak"]
        for p in _api(base, "/api/outlook?as_of=2019-06-01")["plants"]
        if p["country"] == "GB"
    ]
    _shot(page, "home-2019-06-01")
    assert page.errors == []
    _no_csp_violations(page)


def test_home_fits_a_phone(server: tuple[str, str], browser: Any):
    base, _ = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = _watch(context, context.new_page())
    tab.goto(f"{base}/?as_of={AS_OF}")
    tab.wait_for_function("() => document.getElementById('chart-demand')?.data !== undefined")
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the phone"
    _shot(tab, "home-phone")
    _no_csp_violations(tab)
    context.close()


def test_plant_page_matches_the_api(server: tuple[str, str], page: Any):
    base, _ = server
    plant = "hitachi_newton_aycliffe"
    page.goto(f"{base}/plants/{plant}?as_of={AS_OF}")
    body = _api(base, f"/api/plants/{plant}?as_of={AS_OF}")
    assert (
        page.locator('#summary [data-field="backlog_units"]')
        .inner_text()
        .startswith(f"{body['plant']['backlog_units']} units")
    )
    loading = _api(base, f"/api/plants/{plant}/loading?as_of={AS_OF}")["months"]
    kinds = page.evaluate("() => document.getElementById('chart-loading').data.map(t => t.meta)")
    traces = [t for t, k in zip(_figure(page, "chart-loading"), kinds, strict=True) if k == "order"]
    api_points = {(r["order_id"], r["month"]): r["vehicle_equivalents"] for r in loading}
    drawn = 0
    for trace in traces:
        order = trace["name"].split(" ")[0]
        for month, value in zip(trace["x"], trace["y"], strict=True):
            assert abs(api_points[(order, month)] - value) < 0.01, (order, month)
            drawn += 1
    first = min(x for t in traces for x in t["x"])
    assert drawn == sum(1 for (_, month) in api_points if month >= first)
    assert {t["name"].split(" ")[0] for t in traces} == {
        order for order, month in api_points if month >= first
    }
    links = page.locator("#sources tbody a").count()
    assert links == len(body["sources"])
    # The lede and every gap are the API's.
    assert page.locator("#plant-lede").inner_text() == body["lede"]
    gaps = body["plant"]["gaps"]
    assert gaps, "Newton Aycliffe has a gap as of the seed date"
    assert page.locator("#gaps tbody tr").count() == len(gaps)
    assert page.locator("#gaps tbody th").all_inner_texts() == [g["start"] for g in gaps]
    assert page.locator("#variations tbody tr").count() >= 1
    _figure(page, "chart-jobs")
    # The Monte Carlo fan is the API's chance of a gap, month by month.
    fan = _figure(page, "chart-gap-chance")
    sim = _api(base, f"/api/simulate?as_of={AS_OF}")
    assert fan[0]["x"] == sim["gap_probability"]["months"]
    assert fan[0]["y"] == sim["gap_probability"][plant]
    assert all(0 <= v <= 1 for v in fan[1]["y"])
    _shot(page, "plant-newton-aycliffe")
    assert page.errors == []
    _no_csp_violations(page)

    # A suggested lever opens as a scenario and runs; the engine's answer is the API's.
    suggested = _api(base, f"/api/plants/{plant}/levers?as_of={AS_OF}")["variations"][0]
    page.locator("#variations tbody a").first.click()
    page.wait_for_selector('#result[data-ran="1"]', timeout=30_000)
    assert suggested["order_id"] in page.locator("#yaml").input_value()
    row = page.locator(f'#scenario-table tr[data-plant="{plant}"] td').nth(4).inner_text()
    after = f"{round(suggested['jobs_at_risk_months_after']):,}"
    assert row.endswith(after), (row, after)
    lede = page.locator("#result-lede").inner_text()
    assert lede.startswith("As known on"), lede
    assert "with these levers" in lede, lede


def test_scenario_run_save_and_share(server: tuple[str, str], page: Any):
    base, db = server
    page.goto(f"{base}/scenarios")
    page.fill("#yaml", SCENARIO)
    page.click("#run")
    page.wait_for_selector('#result[data-ran="1"]', timeout=30_000)
    request = urllib.request.Request(
        f"{base}/api/scenarios/run?months=true",
        data=SCENARIO.encode(),
        method="POST",
        headers={"content-type": "application/yaml"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        api = json.load(response)
    bars = _figure(page, "chart-scenario-jobs")
    gb = [p for p in api["plants"] if p["country"] == "GB"]
    assert bars[0]["y"] == [p["jobs_at_risk_months_baseline"] for p in gb]
    assert bars[1]["y"] == [p["jobs_at_risk_months"] for p in gb]
    changed = [p["plant_id"] for p in api["plants"] if p["changed"]]
    assert "hitachi_newton_aycliffe" in changed
    rows = page.locator("#scenario-table tbody tr")
    assert rows.count() == len(changed)
    months = _figure(page, "chart-scenario-months")
    assert len(months) == 2 * len(changed)
    # The Monte Carlo fan: baseline and scenario chance of a gap for each changed plant.
    page.wait_for_selector('#result[data-gap-drawn="1"]', timeout=60_000)
    fan = {t["name"]: t for t in _figure(page, "chart-scenario-gap")}
    base_sim = _api(base, f"/api/simulate?as_of={AS_OF}")
    plant = "hitachi_newton_aycliffe"
    assert fan[f"{plant} baseline"]["y"] == base_sim["gap_probability"][plant]
    assert len(fan[f"{plant} scenario"]["y"]) == 240
    # Ten more 807s: never more months in a gap than without them.
    assert sum(fan[f"{plant} scenario"]["y"]) <= sum(fan[f"{plant} baseline"]["y"])
    _shot(page, "scenario-run")

    # Each chart's PNG and SVG: drawn by the server for the run on show, then downloaded.
    with page.expect_download(timeout=60_000) as png:
        page.locator('a.scenario-image[data-kind="scenario-jobs"][data-fmt="png"]').click()
    assert Path(png.value.path()).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with page.expect_download(timeout=60_000) as svg:
        page.locator('a.scenario-image[data-kind="scenario-gap-chance"][data-fmt="svg"]').click()
    drawn = " ".join(Path(svg.value.path()).read_text(encoding="utf-8").split())
    assert "Chance of a gap by month (Monte Carlo): baseline and scenario" in drawn
    assert f"{plant} scenario" in drawn

    # Every plant, closed ones too: the run is redone and Vivarail's closed works appear.
    assert "Long Marston" not in _figure(page, "chart-scenario-jobs")[0]["x"]
    page.check("#all-plants")
    page.wait_for_function(
        "() => (document.getElementById('chart-scenario-jobs').data || [{x: []}])[0].x"
        ".includes('Long Marston')",
        timeout=30_000,
    )
    page.uncheck("#all-plants")
    page.wait_for_selector('#result[data-ran="1"]', timeout=30_000)

    page.fill("#token", "not-a-token")
    page.click("#save")
    page.wait_for_function("() => document.getElementById('share').textContent.includes('401')")
    page.fill("#token", store.create_token("browser test", db))
    page.click("#save")
    page.wait_for_selector("#share-link", timeout=30_000)
    shared = page.locator("#share-link").get_attribute("href")
    page.goto(base + shared)
    assert "Ten more Class 807s" in page.locator("#saved-note").inner_text()
    page.wait_for_selector('#result[data-ran="1"]', timeout=30_000)
    assert _figure(page, "chart-scenario-jobs")[1]["y"] == bars[1]["y"]
    saved_id = shared.rsplit("/", 1)[1]
    brief = page.locator('#scenario-table tr[data-plant="hitachi_newton_aycliffe"] a').first
    assert brief.get_attribute("href") == (
        f"/plants/hitachi_newton_aycliffe/brief.html?scenario={saved_id}"
    )
    _shot(page, "scenario-shared")
    assert page.errors == []
    _no_csp_violations(page)


def test_invalid_scenario_shows_where_and_script_names_stay_text(
    server: tuple[str, str], page: Any
):
    base, db = server
    page.goto(f"{base}/scenarios")
    page.fill("#yaml", SCENARIO.replace("units: 10", "units: ten"))
    page.click("#run")
    page.wait_for_selector("#problems:not([hidden])")
    assert "levers.0.vary_order.units" in page.locator("#problems").inner_text()
    hostile = SCENARIO.replace("Ten more Class 807s", "<img src=x onerror=alert(1)>")
    saved = store.save_scenario("<img src=x onerror=alert(1)>", hostile, "test", db)
    page.goto(f"{base}/scenarios/{saved}")
    page.wait_for_selector('#result[data-ran="1"]', timeout=30_000)
    assert "<img src=x onerror=alert(1)>" in page.locator("#saved-note").inner_text()
    assert page.locator("#saved-note img").count() == 0
    assert page.dialogs == []
    _shot(page, "scenario-hostile-name")


def test_api_docs_render_every_operation(server: tuple[str, str], page: Any):
    base, _ = server
    page.goto(f"{base}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    paths = _api(base, "/openapi.json")["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert page.locator(".opblock").count() == operations
    _shot(page, "api-docs")


def test_levers_from_the_form_and_an_uploaded_file(
    server: tuple[str, str], page: Any, tmp_path: Path
):
    base, _ = server
    page.goto(f"{base}/scenarios")
    page.fill("#yaml", "name: From the form\nas_of: 2024-01-15\nlevers: []\n")
    page.select_option("#lever-kind", "plant")
    page.fill("#pl-plant", "hitachi_newton_aycliffe")
    page.fill("#pl-from", "2024-06-01")
    page.fill("#pl-employees", "350")
    page.click("#add-lever")
    text = page.locator("#yaml").input_value()
    assert "  - plant: {plant: hitachi_newton_aycliffe, from: 2024-06-01, employees: 350}" in text
    page.click("#run")
    page.wait_for_selector('#result[data-ran="1"]', timeout=30_000)
    assert page.locator('#scenario-table tr[data-plant="hitachi_newton_aycliffe"]').count() == 1

    upload = tmp_path / "uploaded.yaml"
    upload.write_text(SCENARIO.replace("Ten more", "Uploaded, ten more"), encoding="utf-8")
    page.set_input_files("#upload", str(upload))
    page.wait_for_function("() => document.getElementById('yaml').value.includes('Uploaded')")
    page.click("#run")
    page.wait_for_function(
        "() => document.getElementById('result-stamp').textContent.includes('Uploaded')"
    )
    assert page.errors == []
    _no_csp_violations(page)


def test_pipeline_page_matches_the_api(server: tuple[str, str], page: Any):
    base, _ = server
    page.goto(f"{base}/pipeline?as_of={AS_OF}&to=2040", timeout=60_000)
    api = _api(base, f"/api/optimize?as_of={AS_OF}&to=2040")
    assert page.locator("#solver").get_attribute("data-status") == api["solver"]["status"]
    for term in api["objective_terms"]:
        cell = page.locator(f'#terms tr[data-plan="{term["plan"]}"] [data-field="objective"]')
        assert cell.inner_text() == f"{round(term['objective']):,}"
    # Jobs-at-risk bars: the API's plants, one series per plan.
    gb = [p for p in api["plants"] if p["country"] == "GB"]
    bars = _figure(page, "chart-plan-jobs")
    assert [t["name"] for t in bars] == ["firm book only", "as procured", "greedy", "optimised"]
    for trace, plan in zip(bars, ("firm_only", "as_procured", "greedy", "optimised"), strict=True):
        assert trace["y"] == [round(p[f"jobs_at_risk_months_{plan}"]) for p in gb], plan
    # The Gantt chart draws one bar per placed need, from its build start to its end.
    drawn = [
        (x0, x1)
        for t in _figure(page, "chart-timetable")
        for x0, x1 in zip(t["x"][0::3], t["x"][1::3], strict=True)
    ]
    placed = [r for r in api["timetable"] if r["plant_id"]]
    assert sorted(drawn) == sorted((r["build_start"], r["build_end"]) for r in placed)
    assert page.locator("#timetable tbody tr").count() == len(api["timetable"])
    # The monthly load of the first GB plant shows at first: the API's loading rows.
    first = gb[0]["plant_id"]
    mine = [r for r in api["loading"] if r["plant_id"] == first]
    shown = _figure(page, "chart-plan-loading")[:3]
    names = ["firm book", "new orders (optimised)", "minimum viable rate"]
    assert [t["name"] for t in shown] == names
    assert shown[0]["x"] == [r["month"] for r in mine]
    for trace, column in zip(shown, ("firm", "new", "viable"), strict=True):
        assert trace["y"] == pytest.approx([r[column] for r in mine], abs=1e-3), column
    _shot(page, "pipeline-2024-01-15")
    assert page.errors == []
    _no_csp_violations(page)
    # The weights field's pattern compiles as the browser reads it (flag v) and tells good
    # weights from bad.
    check = """text => {
        const box = document.getElementById('weights');
        new RegExp(box.pattern, 'v');
        box.value = text;
        return box.checkValidity();
    }"""
    assert page.evaluate(check, "jobs=1, overage=0.5")
    assert not page.evaluate(check, "jobs=abc")
    page.fill("#weights", "")

    # The form asks again for a shorter horizon.
    with page.expect_navigation(timeout=60_000):
        page.fill("#to", "2030")
        page.click("form.date button")
    assert page.locator("#horizon-shown").inner_text() == "2024-2030"
    assert page.errors == []
    _no_csp_violations(page)


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (390, 844)])
def test_backtest_page_matches_the_api_and_fits(
    server: tuple[str, str], browser: Any, width: int, height: int
):
    base, _ = server
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 600
    )
    tab = _watch(context, context.new_page())
    tab.goto(f"{base}/backtest", timeout=120_000)
    # The scorecard is a long job: a page saying so reloads itself until it is ready.
    tab.wait_for_selector("#headline", state="attached", timeout=600_000)
    body = _api(base, "/api/backtest")
    headline = tab.locator("#headline")
    assert float(headline.get_attribute("data-runout-median")) == pytest.approx(
        body["headline"]["runout_median_abs_error_months"]
    )
    leads = _figure(tab, "chart-backtest-leads")
    by_lead = [r for r in body["summary"] if r["group"] == "lead"]
    assert leads[0]["x"] == [r["name"] for r in by_lead]
    assert leads[0]["y"] == [r["median_abs_error"] for r in by_lead]
    points = _figure(tab, "chart-backtest-events")
    scored = [
        e
        for e in body["events"]
        if e["lead_months"] == 0 and e["scored"] and e["error_months"] is not None
    ]
    assert sum(len(t["y"]) for t in points) == len(scored)
    reliability = _figure(tab, "chart-backtest-reliability")
    drawn = sorted(y for t in reliability[1:] for y in t["y"])
    assert drawn == sorted(r["observed"] for r in body["reliability"] if r["cases"])
    for row in body["calibration"]:
        cell = tab.locator(
            f'#calibration tr[data-horizon="{row["horizon_months"]}"] td[data-field="brier"]'
        )
        assert cell.inner_text() == f"{row['brier']:.3f}"
    assert tab.locator("#worst tbody tr").count() == len(body["worst"])
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the {width}px screen"
    _shot(tab, f"backtest-{width}")
    assert tab.errors == []
    _no_csp_violations(tab)
    context.close()


# ---- every page at a desk and on a phone ---------------------------------------------

SCREENS = [(1400, 900), (390, 844)]
PLANT = "hitachi_newton_aycliffe"

#: Every dashboard page (route template -> a URL of it); a new page must be added here.
PAGES = {
    "/": f"/?as_of={AS_OF}",
    "/plants/{plant_id}": f"/plants/{PLANT}?as_of={AS_OF}",
    "/pipeline": f"/pipeline?as_of={AS_OF}&to=2040",
    "/scenarios": "/scenarios",
    "/scenarios/{scenario_id}": "/scenarios/{saved}",
    "/backtest": "/backtest",
    "/data": "/data",
    "/data/{table}": f"/data/plants?as_of={AS_OF}",
    "/docs": "/docs",
    "/changes": f"/changes?since=2023-01-01&to={AS_OF}",
}
#: Routes that are downloads or machinery, not pages a browser shows (the briefing's HTML is
#: a download, checked apart below).
NOT_PAGES = {
    "/plants/{plant_id}/brief.html",
    "/plants/{plant_id}/brief.xlsx",
    "/healthz",
    "/changes.atom",  # a feed for a newsreader
}

#: Whether the page scrolls sideways, and every box that does: each must be a table's
#: ``.scroll`` box whose first column stays put (position: sticky).
LAYOUT_CHECK = """() => {
    const boxes = [];
    document.querySelectorAll('body *').forEach(e => {
        const style = getComputedStyle(e);
        if (e.scrollWidth <= e.clientWidth + 1 || !/(auto|scroll)/.test(style.overflowX)) return;
        if (e.closest('.plot, .swagger-ui pre, .swagger-ui textarea')) return;
        const first = e.querySelector('table tr > :first-child');
        boxes.push({
            box: e.tagName + '#' + e.id + '.' + e.className,
            table: !!e.querySelector('table'),
            sticky: !!first && getComputedStyle(first).position === 'sticky',
        });
    });
    return {width: document.documentElement.scrollWidth, boxes};
}"""


def _routes() -> set[str]:
    from fastapi.routing import APIRoute

    from railgap.web.app import create_app as make

    def flat(routes: list[Any]) -> list[Any]:  # included routers hold their own routes
        out = []
        for r in routes:
            inner = getattr(getattr(r, "original_router", None), "routes", None)
            out += flat(inner) if inner is not None else [r]
        return out

    return (
        {
            r.path
            for r in flat(make().routes)
            if isinstance(r, APIRoute) and "GET" in r.methods and not r.path.startswith("/api")
        }
        - NOT_PAGES
        - {"/static/plotly.min.js"}
    )


def test_the_layout_check_covers_every_page():
    assert _routes() == set(PAGES), "add the new page to PAGES (and so to the layout check)"


def _fits(tab: Any, width: int, where: str) -> None:
    found = tab.evaluate(LAYOUT_CHECK)
    assert found["width"] <= width, f"{where} is {found['width']}px wide on a {width}px screen"
    loose = [b for b in found["boxes"] if not (b["table"] and b["sticky"])]
    assert loose == [], f"{where}: boxes scroll sideways without a fixed first column: {loose}"


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_no_page_scrolls_sideways(server: tuple[str, str], browser: Any, width: int, height: int):
    base, db = server
    saved = store.save_scenario("Layout check", SCENARIO, "test", db)
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 600
    )
    tab = _watch(context, context.new_page())
    for route, url in PAGES.items():
        tab.goto(base + url.format(saved=saved), timeout=180_000)
        tab.wait_for_load_state("load")
        if route == "/backtest":  # a long job: the page reloads itself until it is ready
            tab.wait_for_selector("#headline", state="attached", timeout=600_000)
        if route.startswith("/scenarios"):  # the result panel filled in, wide table and all
            if route == "/scenarios":
                tab.click("#run")
            tab.wait_for_selector('#result[data-ran="1"]', timeout=60_000)
        tab.wait_for_function(
            "() => [...document.querySelectorAll('[data-figure]')].every(e => e.data)",
            timeout=60_000,
        )
        _fits(tab, width, url)
        _shot(tab, f"layout-{width}-{route.strip('/').replace('/', '-') or 'home'}")
    tab.goto(f"{base}/plants/no-such-plant")  # the error page
    assert "Not found" in tab.locator("h1").inner_text()
    _fits(tab, width, "the error page")
    with urllib.request.urlopen(
        f"{base}/plants/{PLANT}/brief.html?as_of={AS_OF}", timeout=120
    ) as r:
        tab.goto("about:blank")  # the briefing is a file: no server page's CSP around it
        tab.set_content(r.read().decode("utf-8"), timeout=120_000)
    tab.wait_for_function("() => document.getElementById('chart-loading')?.data !== undefined")
    _fits(tab, width, "the briefing")
    assert tab.errors == []
    context.close()


def test_outlook_key_columns_reach_with_the_plant_name_in_view(
    server: tuple[str, str], browser: Any
):
    base, _ = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = _watch(context, context.new_page())
    tab.goto(f"{base}/?as_of={AS_OF}")
    row = tab.locator(f'#outlook tr[data-plant="{PLANT}"]')
    name = row.locator("th")
    assert name.inner_text() == "Newton Aycliffe"  # the short name where space is tight
    for field in ("run_out", "gap_months", "jobs_at_risk_peak"):
        cell = row.locator(f'[data-field="{field}"]')
        cell.scroll_into_view_if_needed()
        c, n = cell.bounding_box(), name.bounding_box()
        assert c is not None
        assert n is not None
        assert n["x"] >= 0, (field, n)
        assert n["x"] + n["width"] <= 390, (field, n)
        assert c["x"] >= n["x"] + n["width"] - 1, (field, c, n)  # beside the name, not under
        assert c["x"] + c["width"] <= 391, (field, c, n)
        # Nothing covers the name: the point at its middle is the name's own.
        on_top = tab.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('th')?.innerText",
            [n["x"] + n["width"] / 2, n["y"] + n["height"] / 2],
        )
        assert on_top == "Newton Aycliffe", field
    _shot(tab, "outlook-phone-scrolled")
    context.close()
    # At a desk the full name is shown.
    wide = browser.new_context(viewport={"width": 1400, "height": 900})
    desk = wide.new_page()
    desk.goto(f"{base}/?as_of={AS_OF}")
    shown = desk.locator(f'#outlook tr[data-plant="{PLANT}"] th').inner_text()
    assert shown.startswith("Hitachi Rail Newton Aycliffe")
    wide.close()


# ---- loading charts: the viable rate, the as-of date, the scale, colours and legend -----

FIGURE = """id => {
    const el = document.getElementById(id);
    return {
        traces: el.data.map(t => ({meta: t.meta ?? null, name: t.name, x: Array.from(t.x || []),
            y: Array.from(t.y || []), colour: t.fillcolor || (t.line || {}).color || null,
            legend: t.showlegend !== false})),
        shapes: el.layout.shapes || [],
        annotations: (el.layout.annotations || []).map(a => ({name: a.name, text: a.text})),
        yrange: el.layout.yaxis.range,
    };
}"""


def _check_loading(tab: Any, months: list[dict[str, Any]], as_of: str) -> None:
    tab.wait_for_function("() => document.getElementById('chart-loading')?.data !== undefined")
    fig = tab.evaluate(FIGURE, "chart-loading")
    viable = [t for t in fig["traces"] if t["meta"] == "viable"]
    assert [t["name"] for t in viable] == ["minimum viable rate"]
    by_month = {m["month"]: m["viable"] for m in months}
    assert viable[0]["x"] == list(by_month)
    assert viable[0]["y"] == pytest.approx(list(by_month.values()), abs=1e-3)
    marker = [s for s in fig["shapes"] if s.get("name") == "as-of"]
    assert [(s["x0"], s["x1"]) for s in marker] == [(as_of, as_of)]
    assert any(a["text"] == f"as of {as_of}" for a in fig["annotations"])
    orders = [t for t in fig["traces"] if t["meta"] == "order"]
    colours = [t["colour"] for t in orders]
    assert len(set(colours)) == len(colours), "one colour per order"
    # The legend lists only orders with work in the window shown.
    first, last = min(by_month), max(by_month)
    assert all(
        any(first <= x <= last and y > 0 for x, y in zip(t["x"], t["y"], strict=True))
        for t in orders
    )
    # The axis is scaled to the load and the viable rate, not to the capacity.
    totals: dict[str, float] = {}
    for t in orders:
        for x, y in zip(t["x"], t["y"], strict=True):
            totals[x] = totals.get(x, 0.0) + y
    top = max([*totals.values(), *by_month.values()])
    assert fig["yrange"][0] == 0
    assert top <= fig["yrange"][1] <= 1.2 * top


def test_loading_charts_draw_the_viable_rate_and_the_as_of_date(server: tuple[str, str], page: Any):
    base, _ = server
    page.goto(f"{base}/plants/{PLANT}?as_of={AS_OF}")
    body = _api(base, f"/api/plants/{PLANT}?as_of={AS_OF}")
    from railgap.views.report import RECENT_MONTHS

    year, month = int(AS_OF[:4]), int(AS_OF[5:7])
    start = (year * 12 + month - 1) - RECENT_MONTHS
    shown_from = f"{start // 12}-{start % 12 + 1:02d}"  # the window the page shows
    months = [m for m in body["months"] if m["month"] >= shown_from]
    _check_loading(page, months, AS_OF)
    # Newton Aycliffe's capacity is far above its load: the axis no longer runs up to it.
    capacity = max(m["capacity"] for m in months)
    assert page.evaluate(FIGURE, "chart-loading")["yrange"][1] < capacity
    # The national loading chart marks the date too.
    page.goto(f"{base}/?as_of={AS_OF}")
    page.wait_for_function("() => document.getElementById('chart-national-loading')?.data")
    shapes = page.evaluate(FIGURE, "chart-national-loading")["shapes"]
    assert [s["x0"] for s in shapes if s.get("name") == "as-of"] == [AS_OF]
    # The briefing draws the same.
    with urllib.request.urlopen(
        f"{base}/plants/{PLANT}/brief.html?as_of={AS_OF}", timeout=120
    ) as r:
        page.goto("about:blank")  # the briefing is a file: no server page's CSP around it
        page.set_content(r.read().decode("utf-8"), timeout=120_000)
    _check_loading(page, months, AS_OF)
    _shot(page, "brief-loading")
    assert page.errors == []


def test_a_failed_run_clears_the_previous_result(server: tuple[str, str], page: Any):
    base, _ = server
    page.goto(f"{base}/scenarios")
    page.fill("#yaml", SCENARIO)
    page.click("#run")
    page.wait_for_selector('#result[data-ran="1"]', timeout=30_000)
    assert page.locator("#scenario-table tbody tr").count() > 0
    page.fill("#yaml", SCENARIO.replace("units: 10", "units: ten"))
    page.click("#run")
    page.wait_for_selector('#result[data-failed="1"]', timeout=30_000)
    assert "levers.0.vary_order.units" in page.locator("#problems").inner_text()
    page.wait_for_timeout(2000)  # the first run's Monte Carlo, if still drawing, must not land
    left = page.evaluate(
        """() => ['chart-scenario-jobs', 'chart-scenario-months', 'chart-scenario-gap']
            .filter(id => { const el = document.getElementById(id);
                            return el.data !== undefined || el.querySelector('svg'); })"""
    )
    assert left == [], f"charts of the previous run still shown: {left}"
    assert page.locator("#scenario-table tbody tr").count() == 0
    assert page.locator("#result-lede").inner_text() == ""
    assert page.locator("#result").get_attribute("data-ran") is None
    assert page.locator("#scenario-csv").get_attribute("href") == "#"
    _shot(page, "scenario-failed-after-success")
def test_pipeline_controls_and_heuristic_warning(server: tuple[str, str], page: Any):
    """At the page's shortest limit the plan is a heuristic's: the page warns and says why."""
    base, _ = server
    page.goto(f"{base}/pipeline?as_of={AS_OF}&to=2040", timeout=60_000)
    page.fill("#time_limit", "1")
    page.select_option("#must_not_use", "caf_newport")
    with page.expect_navigation(timeout=60_000):
        page.click("form.date button[type=submit]")
    assert "time_limit=1" in page.url
    assert "must_not_use=caf_newport" in page.url
    api = _api(base, f"/api/optimize?as_of={AS_OF}&to=2040&time_limit=1&must_not_use=caf_newport")
    solver = api["solver"]
    shown = page.locator("#solver")
    assert shown.get_attribute("data-status") == solver["status"]
    assert shown.get_attribute("data-returned") == solver["returned"]
    assert page.locator("#solver-returned").inner_text() == solver["reason"]
    assert page.locator("#heuristic-warning").count() == (1 if solver["heuristic"] else 0)
    if solver["heuristic"]:
        assert solver["reason"] in page.locator("#heuristic-warning").inner_text()
    assert not [r for r in api["timetable"] if r["plant_id"] == "caf_newport"]
    assert page.locator("#must_not_use option[value=caf_newport]").evaluate("o => o.selected")
    assert page.errors == []
