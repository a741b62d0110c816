"""Chart images: any dashboard chart as a PNG or SVG file, source note printed under it."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from railgap.views import images
from railgap.web.api.params import AsOf
from railgap.web.figures import UnknownChartError, build_chart, check_kind
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service

IMAGE: dict[str, Any] = {media: {} for media in images.FORMATS.values()}


def add_chart_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the chart image route to ``router``."""

    @router.get(
        "/charts/{name}",
        summary="A chart as a PNG or SVG image",
        responses={200: {"content": IMAGE}, 404: {"description": "No such chart or format"}},
    )
    async def chart_image(
        name: Annotated[str, PathParam(max_length=60, description="KIND.png or KIND.svg")],
        as_of: AsOf = None,
        plant: Annotated[str | None, Query(max_length=200, description="For plant charts.")] = None,
        to: Annotated[int | None, Query(ge=1990, le=2100, description="Pipeline's end.")] = None,
    ) -> Response:
        """One chart of the dashboard (kinds as ``railgap chart --help`` lists), as a file."""
        kind, _, fmt = name.rpartition(".")
        if fmt not in images.FORMATS:
            raise HTTPException(404, f"a chart image is KIND.png or KIND.svg, not {name!r}")
        try:
            page = check_kind(kind, plant)
        except UnknownChartError as exc:
            raise HTTPException(404, str(exc)) from None
        date = service.date(as_of)
        heavy = page in ("pipeline", "backtest")
        if page == "backtest":  # a long job: 503 computing until its scorecard is ready
            from railgap.web.pages import backtest_ready

            await backtest_ready(service, engine, None)
        chart = await engine.run(build_chart, service, kind, date, plant, to, heavy=heavy)
        only = plant if kind == "plan-loading" else None
        try:
            data = await engine.run(images.render, chart, fmt, only)
        except ValueError as exc:
            raise HTTPException(404, str(exc)) from None
        label = f"{kind}-{plant}-{date}" if plant else f"{kind}-{date}"
        return Response(
            data,
            media_type=images.FORMATS[fmt],
            headers={"content-disposition": f'attachment; filename="{label}.{fmt}"'},
        )
