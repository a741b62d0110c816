"""Engine routes: the Monte Carlo and the optimiser."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from railgap.views import answers
from railgap.views.charts import PAGE_SIMULATION
from railgap.web.api.params import (
    CSV,
    OPTIMISER_YEARS,
    SCENARIO_BODY,
    WEIGHTS_PATTERN,
    AllPlants,
    AsOf,
    Budget,
    Draws,
    Format,
    Months,
    MustNotUse,
    MustUse,
    Seed,
    SimTable,
    UkShare,
)
from railgap.web.api.responses import (
    scenario_text,
    send,
)
from railgap.web.limits import MAX_WEB_SOLVE_S, EngineLimiter
from railgap.web.service import Service


def add_engine_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the engines routes to ``router``."""

    def _simulation_response(result: Any, fmt: str, table: str) -> Response:
        name = "simulation.csv" if table == "plants" else "simulation-months.csv"
        return send(
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
        all: AllPlants = False,
        format: Format = "json",
    ) -> Response:
        """As ``railgap simulate --json``: per plant, chances of a gap, run-out and gap ranges."""
        date = service.date(as_of)
        result = await engine.run(service.simulation, date, None, draws, seed, months, all)
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
        await engine.check(service.parse, text)  # a bad shape never takes an engine slot
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
            Query(
                alias="from",
                ge=OPTIMISER_YEARS[0],
                le=OPTIMISER_YEARS[1],
                description="First year (default: as-of year); at most `to`.",
            ),
        ] = None,
        to_year: Annotated[
            int | None,
            Query(
                alias="to",
                ge=OPTIMISER_YEARS[0],
                le=OPTIMISER_YEARS[1],
                description="Last year of the horizon, from the as-of year on (default: 2040, "
                "or 16 years on if later).",
            ),
        ] = None,
        weights: Annotated[
            str | None,
            Query(
                max_length=200,
                description="Objective weights NAME=NUMBER, comma-separated, each 0 to "
                "1,000,000; names jobs, overage, smooth; e.g. jobs=1,overage=10,smooth=1.",
                json_schema_extra={"pattern": WEIGHTS_PATTERN},
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
        uk_share: UkShare = 0.0,
        budget: Budget = None,
        must_use: MustUse = None,
        must_not_use: MustNotUse = None,
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
            service.optimize,
            date,
            from_year,
            last,
            weights,
            time_limit,
            uk_share,
            budget,
            tuple(must_use or ()),
            tuple(must_not_use or ()),
            heavy=True,
        )
        return send(
            format,
            lambda: optimise_view.as_json(result),
            lambda: optimise_view.table_csv(result, table),
            f"optimize-{table}-{date}.csv",
        )
