"""The backtest route: the scorecard of every as-of answer against what happened."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from railgap.analysis import MAX_BACKTEST_DRAWS
from railgap.scorecard.calibration import DRAWS
from railgap.views import backtest as view
from railgap.web.api.params import CSV, ID_SCHEMA, Format, Seed
from railgap.web.api.responses import send
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service

BacktestTable = Literal[
    "events",
    "summary",
    "worst",
    "national",
    "national_summary",
    "calibration",
    "reliability",
    "calibration_cases",
]


def add_backtest_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the backtest route to ``router``."""

    @router.get(
        "/backtest",
        summary="The backtest: as-of answers scored against what happened",
        responses={
            200: {"content": CSV},
            503: {
                "description": "Still computing (`computing`): ask again after `Retry-After` s."
            },
        },
    )
    async def backtest(
        plant: Annotated[
            str | None,
            Query(
                max_length=200,
                description="Score one plant's events only (a plant id).",
                json_schema_extra=ID_SCHEMA,
            ),
        ] = None,
        calibration: Annotated[
            bool, Query(description="Run the Monte Carlo calibration (the slow part).")
        ] = True,
        draws: Annotated[
            int,
            Query(
                ge=1,
                le=MAX_BACKTEST_DRAWS,
                description=f"Draws per calibration date (1 to {MAX_BACKTEST_DRAWS:,}).",
            ),
        ] = DRAWS,
        seed: Seed = 2024,
        table: Annotated[
            BacktestTable, Query(description="CSV only: which of the scorecard's tables.")
        ] = "events",
        format: Format = "json",
    ) -> Response:
        """The scorecard: each plant event's answer, error and source, and its summaries.

        Also the worst cases, the national series, and the Monte Carlo's Brier score and
        reliability. JSON has every table; CSV one (``table``). The calibrated scorecard
        takes longer than one request may wait: until it is ready the answer is 503
        ``computing`` with ``Retry-After``, and the computation goes on.
        """
        key, job = await engine.check(service.backtest_job, plant or None, draws, seed, calibration)
        result = await service.jobs.wait(key, job, engine.time_limit_s, "the backtest")
        return send(
            format,
            lambda: view.as_json(result),
            lambda: view.table_csv(result, table),
            f"backtest-{table}.csv",
        )
