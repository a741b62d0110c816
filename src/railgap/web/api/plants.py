"""Plant routes: the outlook, one plant, its orders, sources, loading and levers."""

import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from railgap.views import answers, render
from railgap.web.api.params import (
    CSV,
    AsOf,
    Format,
    PlantId,
)
from railgap.web.api.responses import (
    bytes_response,
    csv_response,
    json_response,
    send,
    table_response,
)
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service


def add_plant_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the plants routes to ``router``."""

    @router.get("/outlook", summary="The national plant outlook", responses={200: {"content": CSV}})
    async def outlook(
        as_of: AsOf = None,
        all: Annotated[
            bool,
            Query(
                description="Every plant, not only those that matter (also closed, never "
                "opened, idle abroad)."
            ),
        ] = False,
        format: Format = "json",
    ) -> Response:
        """One row per plant: order book, run-out, next work, gap and jobs at risk."""
        date = service.date(as_of)
        key = ("outlook", date, all, format)
        cached = service.rendered_if_cached(key)
        if cached is not None:
            return bytes_response(cached, format, f"outlook-{date}.csv")

        def compute() -> bytes:
            frame = service.outlook(date, all)
            if format == "csv":
                return render.to_csv(frame, render.OUTLOOK_COLUMNS).encode()
            body = answers.outlook_body(frame)
            return json.dumps(body, ensure_ascii=False, allow_nan=False).encode()

        data = await engine.run(service.rendered, key, compute)
        return bytes_response(data, format, f"outlook-{date}.csv")

    @router.get("/plants/{plant_id}", summary="One plant", responses={200: {"content": CSV}})
    async def plant(plant_id: PlantId, as_of: AsOf = None, format: Format = "json") -> Response:
        """A plant's outlook row, orders, months and sources (CSV: the months)."""
        report = await engine.run(service.plant, plant_id, service.date(as_of))
        return send(
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
        return table_response(report.orders, "orders", format, f"{plant_id}-orders.csv")

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
        return table_response(frame, "sources", format, f"{plant_id}-sources.csv")

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
        return table_response(frame, "months", format, f"{plant_id}-loading.csv")

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
            return csv_response(render.to_csv(variations, None), f"{plant_id}-levers.csv")
        body = answers.table_body(variations, "variations", None)
        body["open_tenders"] = render.records(tenders)
        return json_response(body)
