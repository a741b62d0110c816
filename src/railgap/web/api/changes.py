"""The changes route: what became known between two dates, and what it moved."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from railgap.web.api.params import CSV, Format
from railgap.web.api.responses import send
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service

Since = Annotated[
    str, Query(description="From the day after this date (YYYY-MM-DD).", max_length=10)
]
To = Annotated[
    str | None, Query(description="Up to and including this date; default today.", max_length=10)
]


def add_changes_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the changes route to ``router``."""
    from railgap.views.changes import changes_body, changes_csv

    @router.get(
        "/changes", summary="What became known between two dates", responses={200: {"content": CSV}}
    )
    async def changes(since: Since, to: To = None, format: Format = "json") -> Response:
        """As ``railgap changes --json``: rows known between the dates, and the outlook.

        The rows with their sources, and each plant's outlook as of ``since`` and as of
        ``to``. CSV: the rows.
        """
        result = await engine.run(service.changes, service.date(since), service.date(to))
        return send(
            format,
            lambda: changes_body(result),
            lambda: changes_csv(result),
            "changes.csv",
        )
