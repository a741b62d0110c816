"""Fleet routes: the register and the national forecast."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from railgap.dataset.assumptions import RANGES, TRACTIONS
from railgap.fleets.turnover import parse_lives
from railgap.views import answers
from railgap.web.api.params import (
    CSV,
    FORECAST_YEARS,
    AsOf,
    Format,
    Operator,
)
from railgap.web.api.responses import (
    send,
    table_response,
)
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service

LIFE_LOW, LIFE_HIGH, _ = RANGES["service_life_years"]
LIFE_PATTERN = rf"^({'|'.join(TRACTIONS)})=[0-9]+(\.[0-9]+)?$"


def add_fleet_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the fleets routes to ``router``."""

    @router.get("/fleet", summary="The fleet register", responses={200: {"content": CSV}})
    async def fleet(
        as_of: AsOf = None,
        operator: Operator = None,
        format: Format = "json",
    ) -> Response:
        """One row per fleet as known on the date: size, age, status, operators."""
        frame = await engine.run(service.fleet, service.date(as_of), operator)
        return table_response(frame, "fleets", format, "fleet.csv", answers.FLEET_COLUMNS)

    @router.get("/forecast", summary="The national forecast", responses={200: {"content": CSV}})
    async def forecast(
        as_of: AsOf = None,
        from_year: Annotated[
            int | None,
            Query(
                alias="from",
                ge=FORECAST_YEARS[0],
                le=FORECAST_YEARS[1],
                description="First year (default: the as-of year); at most `to`.",
            ),
        ] = None,
        to_year: Annotated[
            int,
            Query(
                alias="to", ge=FORECAST_YEARS[0], le=FORECAST_YEARS[1], description="Last year."
            ),
        ] = 2060,
        life: Annotated[
            list[str] | None,
            Query(
                description=f"Service life override TRACTION=YEARS ({LIFE_LOW:g} to "
                f"{LIFE_HIGH:g} years), repeatable; tractions: {', '.join(TRACTIONS)}.",
                max_length=20,
                json_schema_extra={"items": {"type": "string", "pattern": LIFE_PATTERN}},
            ),
        ] = None,
        format: Format = "json",
    ) -> Response:
        """Fleet size, average age, retirements, deliveries and unordered need by year."""
        lives = parse_lives(life, "query", "life")
        result, stamp = await engine.run(
            service.forecast, service.date(as_of), from_year, to_year, lives
        )
        return send(
            format,
            lambda: answers.forecast_body(result, stamp),
            lambda: answers.forecast_csv(result, stamp),
            "forecast.csv",
        )
