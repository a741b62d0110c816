"""Chart images: any dashboard chart as a PNG or SVG file, source note printed under it."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from railgap.views import images
from railgap.web.api.params import SCENARIO_BODY, AllPlants, AsOf, ScenarioId
from railgap.web.api.responses import scenario_text
from railgap.web.figures import UnknownChartError, build_chart, check_kind
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service

IMAGE: dict[str, Any] = {media: {} for media in images.FORMATS.values()}
#: The path parameter naming a chart image.
ImageName = Annotated[str, PathParam(max_length=60, description="KIND.png or KIND.svg")]


def image_name(name: str) -> tuple[str, str]:
    """``KIND.png`` as its kind and format; 404 for any other format."""
    kind, _, fmt = name.rpartition(".")
    if fmt not in images.FORMATS:
        raise HTTPException(404, f"a chart image is KIND.png or KIND.svg, not {name!r}")
    return kind, fmt


def image_response(data: bytes, fmt: str, label: str) -> Response:
    """An image file to download as ``label.fmt``."""
    return Response(
        data,
        media_type=images.FORMATS[fmt],
        headers={"content-disposition": f'attachment; filename="{label}.{fmt}"'},
    )


def add_scenario_chart_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the scenario page's chart images: for posted scenario text and for saved ones."""

    async def scenario_image(
        name: str, text: str, where: str, label: str, all_plants: bool
    ) -> Response:
        kind, fmt = image_name(name)
        if images.KINDS.get(kind, ("",))[0] != "scenario":
            kinds = ", ".join(k for k, (p, _, _) in images.KINDS.items() if p == "scenario")
            raise HTTPException(404, f"no scenario chart {kind!r}; they are: {kinds}")
        await engine.check(service.parse, text, where)  # a bad shape never takes a slot
        chart = await engine.run(
            build_chart, service, kind, service.date(None), None, None, text, all_plants
        )
        data = await engine.run(images.render, chart, fmt, None)
        return image_response(data, fmt, f"{kind}-{label}")

    @router.post(
        "/scenarios/charts/{name}",
        summary="A chart of an uploaded scenario as a PNG or SVG image",
        openapi_extra=SCENARIO_BODY,
        responses={200: {"content": IMAGE}, 404: {"description": "No such chart or format"}},
    )
    async def scenario_chart_image(
        name: ImageName, text: Annotated[str, Depends(scenario_text)], all: AllPlants = False
    ) -> Response:
        """A scenario page chart (scenario-jobs, scenario-loading, scenario-gap-chance)."""
        return await scenario_image(name, text, "scenario.yaml", "scenario", all)

    @router.get(
        "/scenarios/{scenario_id}/charts/{name}",
        summary="A chart of a saved scenario as a PNG or SVG image",
        responses={200: {"content": IMAGE}, 404: {"description": "No such chart or scenario"}},
    )
    async def saved_scenario_chart_image(
        scenario_id: ScenarioId, name: ImageName, all: AllPlants = False
    ) -> Response:
        """As /scenarios/charts/{name}, for a saved scenario."""
        saved = await engine.quick(service.saved, scenario_id)
        where = f"saved-{scenario_id}.yaml"
        label = f"saved-{scenario_id}"
        return await scenario_image(name, saved.yaml_text, where, label, all)


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
        name: ImageName,
        as_of: AsOf = None,
        plant: Annotated[str | None, Query(max_length=200, description="For plant charts.")] = None,
        to: Annotated[int | None, Query(ge=1990, le=2100, description="Pipeline's end.")] = None,
    ) -> Response:
        """One chart of the dashboard (kinds as ``railgap chart --help`` lists), as a file."""
        kind, fmt = image_name(name)
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
        return image_response(data, fmt, label)
