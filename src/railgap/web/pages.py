"""The dashboard's pages: home (national picture), plant, scenario, backtest, data, as HTML.

Templates are Jinja2 with autoescaping on, so a name with a script tag in it is shown as
text. Charts are drawn by Plotly.js (served from the ``plotly`` package) from figure JSON in
the page; every chart has a table of its data, a CSV link and its source note.
"""

import datetime as dt
import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from railgap.dataset.dates import date_month, month_label
from railgap.optimise.options import default_to_year
from railgap.views import charts, ledes, render
from railgap.views.charts.base import Chart
from railgap.views.html import environment
from railgap.views.images import FORMATS, KIND_OF
from railgap.views.report import recent_months
from railgap.web.api.params import AllPlants, MustNotUse, MustUse, UkShare
from railgap.web.limits import MAX_WEB_SOLVE_S, EngineLimiter, RequestError
from railgap.web.service import PAGE_BACKTEST, Service

HERE = Path(__file__).parent
AsOf = Annotated[str | None, Query(max_length=10)]
#: The home page's demand chart runs this many years past the as-of year.
HOME_FORECAST_YEARS = 30


def page_budget(text: str | None) -> float | None:
    """The pipeline form's budget (GBP million a year): empty for none; a 422 if not 1-1e6."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 1e6:
        raise RequestError(
            422, "invalid", f"budget: '{text}' is not a number of GBP million from 1 to 1000000"
        )
    return value


@functools.cache
def templates() -> Jinja2Templates:
    """The dashboard's templates (autoescaped), with railgap's number formats as filters."""
    return Jinja2Templates(env=environment())


@dataclass
class Pages:
    """The page routes and the error page (used by the app's error handlers)."""

    router: APIRouter
    templates: Jinja2Templates

    def error_page(
        self, request: Request, status: int, message: str, refresh: int | None = None
    ) -> Response:
        """A page saying what went wrong, with the status code.

        With ``refresh`` (seconds), a page saying the answer is being computed that reloads
        itself, sent with ``Retry-After``.
        """
        context = {"status": status, "message": message, "refresh": refresh}
        headers = {"retry-after": str(refresh)} if refresh else None
        return self.templates.TemplateResponse(
            request, "error.html", context, status_code=status, headers=headers
        )


def _window_rows(loading: Any, outlook: pd.DataFrame, since: int) -> pd.DataFrame:
    """Windows of the outlook's plants ending in month ``since`` or later, for the Gantt.

    Filtered on month indices before labelling: labels of no rows have no type.
    """
    windows = loading.schedule.windows
    names = charts.short_names(outlook)
    mine = windows[windows["plant_id"].isin(names) & (windows["end"] >= since)]
    frame = pd.DataFrame(
        {
            "plant": [names[p] for p in mine["plant_id"]],
            "order_id": mine["order_id"].to_numpy(),
            "class": mine["class"].to_numpy(),
            "stage": mine["stage"].to_numpy(),
            "vehicles": mine["vehicles"].to_numpy(),
            "build_start": [month_label(m) for m in mine["start"]],
            "build_end": [month_label(m) for m in mine["end"]],
        }
    )
    frame["label"] = [
        f"{o} ({c}, {s}): {a} to {b}"
        for o, c, s, a, b in zip(
            frame["order_id"],
            frame["class"],
            frame["stage"],
            frame["build_start"],
            frame["build_end"],
            strict=True,
        )
    ]
    return frame


def with_images(found: list[Chart], query: str) -> list[Chart]:
    """The charts with links to their PNG and SVG copies (``/api/charts/KIND.png?query``)."""
    out = []
    for chart in found:
        kind = KIND_OF.get(chart.id)
        links = {f: f"/api/charts/{kind}.{f}?{query}" for f in FORMATS} if kind else {}
        out.append(replace(chart, images=links))
    return out


def home_context(service: Service, date: dt.date, all_plants: bool = False) -> dict[str, Any]:
    """Everything the home page shows for a date (every plant known with ``all_plants``)."""
    outlook = service.outlook(date, all_plants)
    loading, stamp, _ = service.loading(date)
    attrs = stamp.as_dict()
    d = date_month(date)
    pm = loading.plant_months
    shown = pm[
        pm["plant_id"].isin(outlook["plant_id"])
        & (pm["month"] >= d - 36)
        & (pm["month"] < d + 120)
        & (pm["vehicle_equivalents"] > 0)
    ][["plant_id", "month", "vehicle_equivalents"]].copy()
    shown["month"] = shown["month"].map(month_label)
    names = charts.short_names(outlook)
    windows = _window_rows(loading, outlook, d - 36)
    to = min(date.year + HOME_FORECAST_YEARS, 2100)
    result, fstamp = service.forecast(date, None, to, {})
    q = f"as_of={date.isoformat()}"
    plants = render.records(outlook, render.OUTLOOK_COLUMNS)
    return {
        "as_of": date.isoformat(),
        "all_plants": all_plants,
        "stamp": attrs,
        "lede": ledes.outlook_lede(plants, date.isoformat()),
        "plants": plants,
        "charts": with_images(
            [
                charts.national_loading(shown, names, attrs, f"/api/loading?{q}&format=csv"),
                charts.order_gantt(windows, attrs, f"/api/loading?{q}&table=windows&format=csv"),
                charts.jobs_bars(outlook, attrs, f"/api/outlook?{q}&format=csv"),
                charts.demand(
                    result.years, fstamp.as_dict(), f"/api/forecast?{q}&to={to}&format=csv"
                ),
            ],
            q,
        ),
    }


def changes_context(service: Service, since: dt.date, to: dt.date) -> dict[str, Any]:
    """Everything the changes page shows: the plants that moved, the rows that became known."""
    from railgap.dataset.changes import CHANGE_COLUMNS
    from railgap.views.changes import moved

    result = service.changes(since, to)
    return {
        "since": result.since,
        "to": result.to,
        "as_of": result.to,
        "stamp": result.stamp.as_dict(),
        "plants": moved(result),
        "rows": render.records(result.rows, CHANGE_COLUMNS),
    }


def plant_context(service: Service, plant_id: str, date: dt.date) -> dict[str, Any]:
    """Everything a plant page shows for a date."""
    report = service.plant(plant_id, date)
    loads = service.order_loads(plant_id, date)
    attrs = report.stamp.as_dict()
    months = recent_months(report.months, date)
    variations, tenders = service.gap_levers(plant_id, date)
    q = f"as_of={date.isoformat()}"
    base = f"/api/plants/{plant_id}"
    run = charts.PAGE_SIMULATION
    sim = service.simulation(date, None, run["draws"], run["seed"], run["months"])
    sim_url = f"/api/simulate?{q}&" + "&".join(f"{k}={v}" for k, v in run.items())
    summary = sim.summary.set_index("plant_id")
    fan = (
        [
            charts.gap_chance(
                sim.gap_probability[plant_id],
                sim.run_out_by[plant_id],
                {str(k): render.clean(v) for k, v in summary.loc[plant_id].items()},
                attrs,
                f"{sim_url}&table=months&format=csv",
            )
        ]
        if plant_id in summary.index
        else []
    )
    plant = {k: render.clean(v) for k, v in report.summary.items()}
    return {
        "as_of": date.isoformat(),
        "stamp": attrs,
        "lede": ledes.plant_lede(plant, date.isoformat()),
        "plant": plant,
        "plant_id": plant_id,
        "orders": render.records(report.orders),
        "sources": render.records(report.sources),
        "variations": render.records(variations),
        "tenders": render.records(tenders),
        "charts": with_images(
            [
                charts.plant_loading(loads, months, attrs, f"{base}/loading?{q}&format=csv"),
                charts.plant_jobs(months, attrs, f"{base}?{q}&format=csv"),
                *fan,
            ],
            f"{q}&plant={quote(plant_id)}",
        ),
        "downloads": {
            "orders": f"{base}/orders?{q}&format=csv",
            "sources": f"{base}/sources?{q}&format=csv",
            "months": f"{base}?{q}&format=csv",
            "json": f"{base}?{q}",
            "brief": f"/plants/{plant_id}/brief.html?{q}",
            "xlsx": f"/plants/{plant_id}/brief.xlsx?{q}",
        },
    }


def pipeline_context(
    service: Service,
    date: dt.date,
    to_year: int,
    weights: str | None,
    time_limit: float = MAX_WEB_SOLVE_S,
    uk_share: float = 0.0,
    budget: float | None = None,
    must_use: tuple[str, ...] = (),
    must_not_use: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Everything the pipeline page shows: the optimiser's answer on a date (as the API)."""
    from railgap.optimise.report import TIMETABLE_COLUMNS
    from railgap.views import optimise as optimise_view

    result = service.optimize(
        date, None, to_year, weights, time_limit, uk_share, budget, must_use, must_not_use
    )
    attrs = dict(result.stamp)
    params: list[tuple[str, Any]] = [("as_of", date.isoformat()), ("to", to_year)]
    params += [("weights", weights)] if weights else []
    params += [("time_limit", f"{time_limit:g}")] if time_limit != MAX_WEB_SOLVE_S else []
    params += [("uk_share", f"{uk_share:g}")] if uk_share else []
    params += [("budget", f"{budget:g}")] if budget is not None else []
    params += [("must_use", p) for p in must_use] + [("must_not_use", p) for p in must_not_use]
    q = urlencode(params)
    known = result.instance.plants  # every plant known on the date
    names = dict(zip(known["plant_id"], known["name"], strict=True))
    names.update(zip(result.plants["plant_id"], result.plants["name"], strict=True))
    plant_ids = sorted(known["plant_id"].astype(str))
    short = charts.short_names(result.plants)
    gb = result.plants.loc[result.plants["country"] == "GB", "plant_id"].tolist()
    found = [
        charts.plan_jobs(result.plants, attrs, f"/api/optimize?{q}&format=csv&table=plants"),
        charts.timetable_gantt(
            result.timetable, short, attrs, f"/api/optimize?{q}&format=csv&table=timetable"
        ),
        charts.plan_loading(
            optimise_view.loading_table(result),
            {p: short[p] for p in gb},
            attrs,
            f"/api/optimize?{q}&format=csv&table=loading",
        ),
    ]
    return {
        "as_of": date.isoformat(),
        "to": to_year,
        "weights": weights or "",
        "controls": {
            "time_limit": time_limit,
            "max_time_limit": MAX_WEB_SOLVE_S,
            "uk_share": uk_share,
            "budget": budget,
            "must_use": list(must_use),
            "must_not_use": list(must_not_use),
        },
        "plant_ids": plant_ids,
        "query": q,
        "stamp": attrs,
        "solver": optimise_view.solver_report(result),
        "problems": result.optimised.problems,
        "terms": render.records(result.terms.reset_index()),
        "gaps": render.records(result.gaps),
        "timetable": render.records(result.timetable, TIMETABLE_COLUMNS),
        "names": names,
        # Images of the default weights' plan only (the image route takes no weights).
        "charts": with_images(found, q) if not weights else found,
    }


async def backtest_ready(service: Service, engine: EngineLimiter, plant_id: str | None) -> None:
    """Wait for the scorecard the page shows (a long job); 503 ``computing`` past the limit."""
    key, job = await engine.check(service.backtest_job, plant_id, *PAGE_BACKTEST)
    await service.jobs.wait(key, job, engine.time_limit_s, "the backtest's scorecard")


def backtest_context(service: Service, plant_id: str | None) -> dict[str, Any]:
    """Everything the backtest page shows: the scorecard, as ``GET /api/backtest``."""
    result = service.backtest(plant_id, *PAGE_BACKTEST)
    attrs = {str(k): v for k, v in result.events.attrs.items()}
    q = "" if plant_id is None else f"plant={quote(plant_id)}&"
    note_text = charts.backtest.backtest_note(attrs, result.truth_date.isoformat())
    at = result.events[result.events["lead_months"] == 0]
    plants = sorted(service.dataset()["plants"]["plant_id"].unique())
    found = [
        charts.backtest.errors_by_lead(
            result.summary, note_text, f"/api/backtest?{q}format=csv&table=summary"
        ),
        charts.backtest.event_errors(
            result.events, note_text, f"/api/backtest?{q}format=csv&table=events"
        ),
        charts.backtest.reliability(
            result.reliability, note_text, f"/api/backtest?{q}format=csv&table=reliability"
        ),
    ]
    return {
        "plant": plant_id or "",
        "plants": plants,
        "query": q,
        "stamp": attrs,
        "truth_date": result.truth_date.isoformat(),
        "headline": render.clean(result.headline),
        "summary": render.records(result.summary),
        "worst": render.records(result.worst),
        "calibration": render.records(result.calibration),
        "national_summary": render.records(result.national_summary),
        "events": render.records(at),
        "draws": result.draws,
        "charts": with_images(found, q.rstrip("&")),
    }


def build_pages(service: Service, engine: EngineLimiter) -> Pages:
    """The dashboard routes (not in the OpenAPI schema: the API is)."""
    router = APIRouter(include_in_schema=False)
    t = templates()
    pages = Pages(router, t)

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request, as_of: AsOf = None, all: bool = False) -> Response:
        date = service.date(as_of or None)
        context = await engine.run(home_context, service, date, all)
        return t.TemplateResponse(request, "home.html", context)

    @router.get("/changes", response_class=HTMLResponse)
    async def changes(
        request: Request, since: AsOf = None, to: AsOf = None
    ) -> Response:
        end = service.date(to or None)
        start = service.date(since) if since else end - dt.timedelta(days=90)
        context = await engine.run(changes_context, service, start, end)
        return t.TemplateResponse(request, "changes.html", context)

    @router.get("/changes.atom")
    async def changes_feed(request: Request, since: AsOf = None, to: AsOf = None) -> Response:
        from railgap.views.changes import atom_feed

        end = service.date(to or None)
        start = service.date(since) if since else end - dt.timedelta(days=90)
        result = await engine.run(service.changes, start, end)
        return Response(
            atom_feed(result, str(request.base_url)), media_type="application/atom+xml"
        )

    @router.get("/plants/{plant_id}", response_class=HTMLResponse)
    async def plant(
        request: Request,
        plant_id: Annotated[str, PathParam(max_length=200)],
        as_of: AsOf = None,
    ) -> Response:
        date = service.date(as_of or None)
        context = await engine.run(plant_context, service, plant_id, date)
        return t.TemplateResponse(request, "plant.html", context)

    @router.get("/pipeline", response_class=HTMLResponse)
    async def pipeline(
        request: Request,
        as_of: AsOf = None,
        to: Annotated[int | None, Query(ge=1990, le=2100)] = None,
        weights: Annotated[str | None, Query(max_length=200)] = None,
        time_limit: Annotated[float, Query(ge=1, le=MAX_WEB_SOLVE_S)] = MAX_WEB_SOLVE_S,
        uk_share: UkShare = 0.0,
        budget: Annotated[str | None, Query(max_length=20)] = None,
        must_use: MustUse = None,
        must_not_use: MustNotUse = None,
    ) -> Response:
        date = service.date(as_of or None)
        to_year = to if to is not None else default_to_year(date.year)
        context = await engine.run(
            pipeline_context,
            service,
            date,
            to_year,
            weights or None,
            time_limit,
            uk_share,
            page_budget(budget),
            tuple(p for p in must_use or () if p),
            tuple(p for p in must_not_use or () if p),
            heavy=True,
        )
        return t.TemplateResponse(request, "pipeline.html", context)

    @router.get("/backtest", response_class=HTMLResponse)
    async def backtest(
        request: Request, plant: Annotated[str | None, Query(max_length=200)] = None
    ) -> Response:
        await backtest_ready(service, engine, plant or None)
        context = await engine.run(backtest_context, service, plant or None, heavy=True)
        return t.TemplateResponse(request, "backtest.html", context)

    SavedId = Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="A saved scenario to brief under.")
    ]

    async def brief(plant_id: str, as_of: str | None, scenario: int | None, kind: str) -> Any:
        from railgap.views import report

        build = report.brief_html if kind == "html" else report.brief_xlsx
        if scenario is None:
            date = service.date(as_of or None)
            return await engine.run(build, plant_id, date, None, service.source()), str(date)
        saved = await engine.quick(service.saved, scenario)
        text = report.ScenarioText(saved.yaml_text, f"saved scenario {scenario}")
        payload = await engine.run(build, plant_id, None, text, service.source())
        return payload, f"scenario-{scenario}"

    @router.get("/plants/{plant_id}/brief.html")
    async def brief_html(
        plant_id: Annotated[str, PathParam(max_length=200)],
        as_of: AsOf = None,
        scenario: SavedId = None,
    ) -> Response:
        html, label = await brief(plant_id, as_of, scenario, "html")
        name = f"{plant_id}-{label}.html"
        return HTMLResponse(html, headers={"content-disposition": f'attachment; filename="{name}"'})

    @router.get("/plants/{plant_id}/brief.xlsx")
    async def brief_xlsx(
        plant_id: Annotated[str, PathParam(max_length=200)],
        as_of: AsOf = None,
        scenario: SavedId = None,
    ) -> Response:
        data, label = await brief(plant_id, as_of, scenario, "xlsx")
        name = f"{plant_id}-{label}.xlsx"
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    async def scenario_page(request: Request, saved: Any, all_plants: bool = False) -> Response:
        date = service.date(None)
        _, _, resolved = await engine.run(service.loading, date)
        outlook = await engine.run(service.outlook, date)
        tenders = await engine.run(service.tenders, date)
        orders = resolved["orders"]
        live = orders[orders["status"] != "cancelled"].sort_values("order_id")
        context = {
            "saved": saved,
            "today": date.isoformat(),
            "orders": live["order_id"].tolist(),
            "plants": outlook[["plant_id", "name"]].to_dict("records"),
            "tenders": tenders["tender_id"].drop_duplicates().tolist(),
            "example": EXAMPLE,
            "simulation": charts.PAGE_SIMULATION,
            "all_plants": all_plants,
        }
        return t.TemplateResponse(request, "scenario.html", context)

    @router.get("/scenarios", response_class=HTMLResponse)
    async def scenarios(request: Request, all: AllPlants = False) -> Response:
        return await scenario_page(request, None, all)

    @router.get("/scenarios/{scenario_id}", response_class=HTMLResponse)
    async def saved_scenario(
        request: Request,
        scenario_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
        all: AllPlants = False,
    ) -> Response:
        saved = await engine.quick(service.saved, scenario_id)
        return await scenario_page(request, saved, all)

    @router.get("/data", response_class=HTMLResponse)
    async def data(request: Request) -> Response:
        dataset = service.dataset()
        tables = [(name, len(frame)) for name, frame in dataset.tables.items()]
        return t.TemplateResponse(
            request, "data.html", {"tables": tables, "digest": dataset.digest}
        )

    @router.get("/data/{table}", response_class=HTMLResponse)
    async def data_table(
        request: Request, table: Annotated[str, PathParam(max_length=100)], as_of: AsOf = None
    ) -> Response:
        date = service.date(as_of) if as_of else None
        frame = await engine.run(service.table, table, date)
        return t.TemplateResponse(
            request,
            "table.html",
            {
                "table": table,
                "as_of": as_of or "",
                "columns": list(frame.columns),
                "rows": render.records(frame),
            },
        )

    return pages


EXAMPLE = """name: West Coast order placed in February 2024
description: ten more Class 807s for Avanti, ordered on 1 February 2024
as_of: 2024-01-15
levers:
  - vary_order: {order: avanti-807-2019, units: 10, from: 2024-02-01}
"""
