"""The HTTP API: every CLI answer as JSON or CSV (``?format=csv``), from the same bodies.

Reads are open; writes (saving a scenario) need a bearer token made with ``railgap token
create``. JSON bodies are those of ``railgap ... --json`` (:mod:`railgap.views.answers`).
"""

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from railgap.dataset.dates import month_label
from railgap.dataset.errors import DataError, Problem, RailgapError
from railgap.fleets.turnover import parse_lives
from railgap.scenarios.spec import MAX_SCENARIO_BYTES
from railgap.views import answers, render
from railgap.views.charts import PAGE_SIMULATION
from railgap.web.limits import MAX_WEB_SOLVE_S, EngineLimiter, RequestError
from railgap.web.service import ScenarioRun, Service

Format = Annotated[
    Literal["json", "csv"], Query(description="json (default) or csv (for spreadsheets).")
]
AsOf = Annotated[
    str | None,
    Query(
        description="See the world as known on this date (YYYY-MM-DD); default today.",
        max_length=10,
    ),
]
#: Most draws one web request may ask for (the CLI allows far more).
MAX_WEB_DRAWS = 20_000
Draws = Annotated[
    int,
    Query(ge=1, le=MAX_WEB_DRAWS, description=f"Futures drawn (at most {MAX_WEB_DRAWS:,})."),
]
Seed = Annotated[
    int, Query(ge=0, le=2**31 - 1, description="Random seed: the same seed, the same answer.")
]
Months = Annotated[int, Query(ge=12, le=360, description="Months from the as-of date.")]
SimTable = Annotated[
    Literal["plants", "months"],
    Query(description="CSV only: the per-plant summary, or one row per month and plant."),
]
ScenarioId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A saved scenario's id.")]
PlantId = Annotated[
    str, Path(max_length=200, description="Plant id, e.g. hitachi_newton_aycliffe.")
]

#: Scenario text may be posted as YAML (or JSON, which is YAML) in the request body.
SCENARIO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A scenario file (YAML): name, as_of, levers. See docs/scenarios.md.",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}
CSV = {"text/csv": {"schema": {"type": "string"}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown plant, table or scenario"},
    408: {"description": "Took longer than the time limit"},
    413: {"description": "Body too large"},
    422: {"description": "Invalid input: the body names file, line and field"},
}


class Compare(BaseModel):
    """Scenarios to compare: uploaded YAML texts and/or saved scenarios' ids."""

    scenarios: list[Annotated[str, Field(max_length=MAX_SCENARIO_BYTES)]] = Field(
        default_factory=list, max_length=8
    )
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=8)


def _json(body: Any, status: int = 200) -> Response:
    text = json.dumps(render.clean(body), ensure_ascii=False, allow_nan=False)
    return Response(text.encode(), status_code=status, media_type="application/json")


def _csv(text: str, filename: str) -> Response:
    return Response(
        text.encode(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _send(fmt: str, body: Any, csv_text: Any, filename: str) -> Response:
    return _csv(csv_text(), filename) if fmt == "csv" else _json(body())


async def scenario_text(request: Request) -> str:
    """The request body as scenario text (UTF-8, at most MAX_SCENARIO_BYTES)."""
    raw = await request.body()
    if len(raw) > MAX_SCENARIO_BYTES:
        raise RequestError(413, "body_too_large", f"scenario is larger than {MAX_SCENARIO_BYTES}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError([Problem("scenario.yaml", None, None, "is not UTF-8 text")]) from None
    if not text.strip():
        raise DataError([Problem("scenario.yaml", None, None, "is empty")])
    return text


def scenario_rows(run: ScenarioRun, months: bool) -> dict[str, Any]:
    """A scenario run's JSON: as ``railgap scenario run --json``, optionally with months."""
    body = answers.table_body(run.table, "plants", answers.SCENARIO_COLUMNS)
    if months:
        body["months"] = render.records(run.months)
    return body


def build_router(service: Service, engine: EngineLimiter, db: str | None) -> APIRouter:
    """The API's routes, answering from ``service`` with engine work limited by ``engine``."""
    router = APIRouter(prefix="/api", responses=ERRORS)
    bearer = HTTPBearer(auto_error=False, description="A token from `railgap token create`.")

    async def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        from railgap import store

        token = credentials.credentials if credentials else ""
        if not token or not await engine.run(store.verify_token, token, db):
            raise RequestError(401, "unauthorized", "a valid bearer token is needed to write")
        return token

    @router.get("/outlook", summary="The national plant outlook", responses={200: {"content": CSV}})
    async def outlook(
        as_of: AsOf = None,
        all: Annotated[bool, Query(description="Every plant, not only those that matter.")] = False,
        format: Format = "json",
    ) -> Response:
        """One row per plant: order book, run-out, next work, gap and jobs at risk."""
        date = service.date(as_of)
        key = ("outlook", date, all, format)
        cached = service.rendered_if_cached(key)
        if cached is not None:
            return _bytes(cached, format, f"outlook-{date}.csv")

        def compute() -> bytes:
            frame = service.outlook(date, all)
            if format == "csv":
                return render.to_csv(frame, render.OUTLOOK_COLUMNS).encode()
            body = answers.table_body(frame, "plants", render.OUTLOOK_COLUMNS)
            return json.dumps(body, ensure_ascii=False, allow_nan=False).encode()

        data = await engine.run(service.rendered, key, compute)
        return _bytes(data, format, f"outlook-{date}.csv")

    @router.get("/plants/{plant_id}", summary="One plant", responses={200: {"content": CSV}})
    async def plant(plant_id: PlantId, as_of: AsOf = None, format: Format = "json") -> Response:
        """A plant's outlook row, orders, months and sources (CSV: the months)."""
        report = await engine.run(service.plant, plant_id, service.date(as_of))
        return _send(
            format,
            lambda: answers.plant_body(report),
            lambda: answers.plant_months_csv(report),
            f"{plant_id}-months.csv",
        )

    @router.get(
        "/plants/{plant_id}/orders",
        summary="A plant's order book",
        responses={200: {"content": CSV}},
    )
    async def plant_orders(
        plant_id: PlantId, as_of: AsOf = None, format: Format = "json"
    ) -> Response:
        """The orders (work packages) scheduled at a plant, with their sources."""
        report = await engine.run(service.plant, plant_id, service.date(as_of))
        return _table(report.orders, "orders", format, f"{plant_id}-orders.csv")

    @router.get(
        "/plants/{plant_id}/sources",
        summary="The sources behind a plant's numbers",
        responses={200: {"content": CSV}},
    )
    async def plant_sources(
        plant_id: PlantId, as_of: AsOf = None, format: Format = "json"
    ) -> Response:
        """Every dataset row behind a plant's numbers: table, row, source URL, known-from."""
        report = await engine.run(service.plant, plant_id, service.date(as_of))
        frame = report.sources.copy()
        frame.attrs.update(report.stamp.as_dict())
        return _table(frame, "sources", format, f"{plant_id}-sources.csv")

    @router.get(
        "/plants/{plant_id}/loading",
        summary="A plant's monthly load by order",
        responses={200: {"content": CSV}},
    )
    async def plant_loading(
        plant_id: PlantId, as_of: AsOf = None, format: Format = "json"
    ) -> Response:
        """Vehicle-equivalents scheduled each month at the plant, per order."""
        date = service.date(as_of)
        report = await engine.run(service.plant, plant_id, date)
        frame = (await engine.run(service.order_loads, plant_id, date)).copy()
        frame.attrs.update(report.stamp.as_dict())
        return _table(frame, "months", format, f"{plant_id}-loading.csv")

    @router.get(
        "/plants/{plant_id}/levers",
        summary="Levers that could close a plant's gap",
        responses={200: {"content": CSV}},
    )
    async def plant_levers(
        plant_id: PlantId, as_of: AsOf = None, format: Format = "json"
    ) -> Response:
        """Variations of its recent orders sized to keep it viable (run), and open tenders."""
        date = service.date(as_of)
        report = await engine.run(service.plant, plant_id, date)
        variations, tenders = await engine.run(service.gap_levers, plant_id, date)
        variations = variations.copy()
        variations.attrs.update(report.stamp.as_dict())
        if format == "csv":
            return _csv(render.to_csv(variations, None), f"{plant_id}-levers.csv")
        body = answers.table_body(variations, "variations", None)
        body["open_tenders"] = render.records(tenders)
        return _json(body)

    @router.get("/fleet", summary="The fleet register", responses={200: {"content": CSV}})
    async def fleet(
        as_of: AsOf = None,
        operator: Annotated[str | None, Query(max_length=200)] = None,
        format: Format = "json",
    ) -> Response:
        """One row per fleet as known on the date: size, age, status, operators."""
        frame = await engine.run(service.fleet, service.date(as_of), operator)
        return _table(frame, "fleets", format, "fleet.csv", answers.FLEET_COLUMNS)

    @router.get("/forecast", summary="The national forecast", responses={200: {"content": CSV}})
    async def forecast(
        as_of: AsOf = None,
        from_year: Annotated[int | None, Query(alias="from", ge=1950, le=2100)] = None,
        to_year: Annotated[int, Query(alias="to", ge=1950, le=2100)] = 2060,
        life: Annotated[
            list[str] | None,
            Query(description="Service life override TRACTION=YEARS, repeatable.", max_length=20),
        ] = None,
        format: Format = "json",
    ) -> Response:
        """Fleet size, average age, retirements, deliveries and unordered need by year."""
        lives = parse_lives(life, "query", "life")
        result, stamp = await engine.run(
            service.forecast, service.date(as_of), from_year, to_year, lives
        )
        return _send(
            format,
            lambda: answers.forecast_body(result, stamp),
            lambda: answers.forecast_csv(result, stamp),
            "forecast.csv",
        )

    @router.get(
        "/loading",
        summary="Every plant's monthly load, or its build windows",
        responses={200: {"content": CSV}},
    )
    async def loading(
        as_of: AsOf = None,
        table: Annotated[
            Literal["months", "windows"],
            Query(
                description="months: load, capacity and jobs at risk by plant and month; "
                "windows: each work package's months at its plant."
            ),
        ] = "months",
        format: Format = "json",
    ) -> Response:
        """The loading engine's plant-months or work windows as known on the date."""
        run, stamp, _ = await engine.run(service.loading, service.date(as_of))
        frame = (run.plant_months if table == "months" else run.schedule.windows).copy()
        for column in ("month", "start", "end"):
            if column in frame:
                frame[column] = frame[column].map(month_label)
        frame.attrs.update(stamp.as_dict())
        return _table(frame, table, format, f"loading-{table}.csv")

    @router.get("/tenders", summary="Tenders", responses={200: {"content": CSV}})
    async def tenders(as_of: AsOf = None, format: Format = "json") -> Response:
        """Procurements as known on the date: stage, scope, expected award, bidders."""
        frame = await engine.run(service.tenders, service.date(as_of))
        return _table(frame, "tenders", format, "tenders.csv")

    @router.get("/data", summary="The dataset's tables")
    async def data_tables() -> Response:
        """Each table with its row count, columns (from its schema) and licence."""
        from railgap.dataset.schema import schema

        dataset = service.dataset()
        tables = [
            {
                "table": name,
                "rows": len(frame),
                "columns": [
                    {"column": c.name, "type": c.type, "unit": c.unit, "description": c.description}
                    for c in schema(name).columns
                ],
                "url": f"/api/data/{name}",
            }
            for name, frame in dataset.tables.items()
        ]
        return _json(
            {
                "dataset": service.label(),
                "dataset_hash": dataset.digest,
                "licence": "CC BY 4.0",
                "tables": tables,
            }
        )

    @router.get(
        "/data/{table}",
        summary="One dataset table, with sources",
        responses={200: {"content": CSV}},
    )
    async def data_table(
        table: Annotated[str, Path(max_length=100)],
        as_of: Annotated[
            str | None,
            Query(description="Rows in force on this date; default every revision.", max_length=10),
        ] = None,
        format: Format = "json",
    ) -> Response:
        """Every row of a table (each with its source URL and known-from date)."""
        date = service.date(as_of) if as_of else None
        frame = await engine.run(service.table, table, date)
        return _table(frame, "rows", format, f"{table}.csv")

    def _simulation_response(result: Any, fmt: str, table: str) -> Response:
        name = "simulation.csv" if table == "plants" else "simulation-months.csv"
        return _send(
            fmt,
            lambda: answers.simulation_body(result),
            lambda: answers.simulation_csv(result, table),
            name,
        )

    @router.get(
        "/simulate", summary="Monte Carlo: chances of a gap", responses={200: {"content": CSV}}
    )
    async def simulate(
        as_of: AsOf = None,
        draws: Draws = PAGE_SIMULATION["draws"],
        seed: Seed = PAGE_SIMULATION["seed"],
        months: Months = PAGE_SIMULATION["months"],
        table: SimTable = "plants",
        format: Format = "json",
    ) -> Response:
        """As ``railgap simulate --json``: per plant, chances of a gap, run-out and gap ranges."""
        date = service.date(as_of)
        result = await engine.run(service.simulation, date, None, draws, seed, months)
        return _simulation_response(result, format, table)

    @router.post(
        "/simulate",
        summary="Monte Carlo under an uploaded scenario",
        openapi_extra=SCENARIO_BODY,
        responses={200: {"content": CSV}},
    )
    async def simulate_scenario(
        text: Annotated[str, Depends(scenario_text)],
        draws: Draws = PAGE_SIMULATION["draws"],
        seed: Seed = PAGE_SIMULATION["seed"],
        months: Months = PAGE_SIMULATION["months"],
        table: SimTable = "plants",
        format: Format = "json",
    ) -> Response:
        """As ``railgap simulate --scenario FILE --json``, on the scenario's date."""
        result = await engine.run(service.simulation, None, text, draws, seed, months)
        return _simulation_response(result, format, table)

    @router.get(
        "/optimize",
        summary="The pipeline optimiser's timetable",
        responses={200: {"content": CSV}},
    )
    async def optimize(
        as_of: AsOf = None,
        from_year: Annotated[
            int | None,
            Query(alias="from", ge=1990, le=2100, description="First year (default: as-of year)."),
        ] = None,
        to_year: Annotated[
            int | None,
            Query(
                alias="to",
                ge=1990,
                le=2100,
                description="Last year of the horizon (default: 2040, or 16 years on if later).",
            ),
        ] = None,
        weights: Annotated[
            str | None,
            Query(
                max_length=200,
                description="Objective weights, e.g. jobs=1,overage=10,smooth=1.",
            ),
        ] = None,
        time_limit: Annotated[
            float,
            Query(
                ge=1,
                le=MAX_WEB_SOLVE_S,
                description=f"Solver time limit, seconds (at most {MAX_WEB_SOLVE_S:g}).",
            ),
        ] = MAX_WEB_SOLVE_S,
        table: Annotated[
            Literal["timetable", "plants", "terms", "gaps", "tenders", "loading"],
            Query(
                description="CSV only: which of the answer's tables (loading: each plant's "
                "monthly load before and after)."
            ),
        ] = "timetable",
        format: Format = "json",
    ) -> Response:
        """As ``railgap optimize --json``: timetable, plants before and after, terms, gaps."""
        from railgap.optimise.options import default_to_year
        from railgap.views import optimise as optimise_view

        date = service.date(as_of)
        last = default_to_year(date.year) if to_year is None else to_year
        result = await engine.run(
            service.optimize, date, from_year, last, weights, time_limit, heavy=True
        )
        return _send(
            format,
            lambda: optimise_view.as_json(result),
            lambda: optimise_view.table_csv(result, table),
            f"optimize-{table}-{date}.csv",
        )

    @router.post(
        "/scenarios/run",
        summary="Run an uploaded scenario",
        openapi_extra=SCENARIO_BODY,
        responses={200: {"content": CSV}},
    )
    async def scenario_run(
        text: Annotated[str, Depends(scenario_text)],
        months: Annotated[bool, Query(description="Add the changed plants' months.")] = False,
        format: Format = "json",
    ) -> Response:
        """Each plant's outlook in the baseline and the scenario, and which lever did what."""
        run = await engine.run(service.scenario, text)
        return _scenario_response(run, months, format)

    @router.post(
        "/scenarios/compare", summary="Compare scenarios", responses={200: {"content": CSV}}
    )
    async def scenario_compare(body: Compare, format: Format = "json") -> Response:
        """Several scenarios (uploaded and/or saved) side by side, one row per plant."""
        from railgap.analysis import combine_scenarios

        texts = list(body.scenarios)
        labels = [f"upload {i + 1}" for i in range(len(texts))]
        for scenario_id in body.ids:
            saved = await _saved(scenario_id)
            texts.append(saved.yaml_text)
            labels.append(f"saved {scenario_id}")
        if not texts:
            raise DataError([Problem("body", None, "scenarios", "give at least one scenario")])
        runs = [
            await engine.run(service.scenario, t, f"{lab}.yaml")
            for t, lab in zip(texts, labels, strict=True)
        ]
        frame = combine_scenarios([r.table for r in runs], labels).reset_index()
        return _table(frame, "rows", format, "comparison.csv", answers.COMPARISON_COLUMNS)

    async def _saved(scenario_id: int) -> Any:
        return await engine.run(service.saved, scenario_id)

    @router.post(
        "/scenarios",
        summary="Save a scenario (token needed)",
        status_code=201,
        openapi_extra=SCENARIO_BODY,
        responses={401: {"description": "No valid bearer token"}},
    )
    async def scenario_save(
        text: Annotated[str, Depends(scenario_text)],
        token: Annotated[str, Depends(require_token)],
    ) -> Response:
        """Validate a scenario and save it; answers its id and the URL to share."""
        from railgap import store

        spec, _ = service.parse(text)
        # Name the token by its public lookup part only (rg_<lookup>_<secret>): never the secret.
        author = "api token " + token.split("_", 2)[1]
        scenario_id = await engine.run(store.save_scenario, spec.name, text, author, db)
        return _json(
            {
                "id": scenario_id,
                "name": spec.name,
                "url": f"/scenarios/{scenario_id}",
                "api": f"/api/scenarios/{scenario_id}",
            },
            status=201,
        )

    @router.get("/scenarios", summary="Saved scenarios")
    async def scenario_list() -> Response:
        """Every saved scenario: id, name, author, time saved and its URL."""
        from railgap import store

        saved = await engine.run(store.list_scenarios, db)
        return _json(
            {
                "scenarios": [
                    {
                        "id": s.id,
                        "name": s.name,
                        "created_by": s.created_by,
                        "created_at": s.created_at.isoformat(),
                        "url": f"/scenarios/{s.id}",
                    }
                    for s in saved
                ]
            }
        )

    @router.get("/scenarios/{scenario_id}", summary="A saved scenario")
    async def scenario_get(scenario_id: ScenarioId) -> Response:
        """A saved scenario's YAML text and who saved it when."""
        saved = await _saved(scenario_id)
        return _json(
            {
                "id": saved.id,
                "name": saved.name,
                "yaml": saved.yaml_text,
                "created_by": saved.created_by,
                "created_at": saved.created_at.isoformat(),
            }
        )

    @router.get(
        "/scenarios/{scenario_id}/run",
        summary="Run a saved scenario",
        responses={200: {"content": CSV}},
    )
    async def scenario_run_saved(
        scenario_id: ScenarioId,
        months: Annotated[bool, Query(description="Add the changed plants' months.")] = False,
        format: Format = "json",
    ) -> Response:
        """As /scenarios/run, for a saved scenario."""
        saved = await _saved(scenario_id)
        run = await engine.run(service.scenario, saved.yaml_text, f"saved-{scenario_id}.yaml")
        return _scenario_response(run, months, format)

    return router


def _scenario_response(run: ScenarioRun, months: bool, fmt: str) -> Response:
    if fmt == "csv":
        return _csv(render.to_csv(run.table, answers.SCENARIO_COLUMNS), "scenario.csv")
    return _json(scenario_rows(run, months))


def _bytes(data: bytes, fmt: str, filename: str) -> Response:
    if fmt == "csv":
        return Response(
            data,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )
    return Response(data, media_type="application/json")


def _table(
    frame: Any, key: str, fmt: str, filename: str, columns: list[str] | None = None
) -> Response:
    if fmt == "csv":
        return _csv(render.to_csv(frame, columns), filename)
    return _json(answers.table_body(frame, key, columns))


__all__ = ["RailgapError", "build_router"]
