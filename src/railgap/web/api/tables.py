"""Table routes: every plant's loading, the tenders and the dataset's tables."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from railgap.dataset.dates import month_label
from railgap.web.api.params import (
    CSV,
    AsOf,
    Format,
    TableName,
    date_query,
)
from railgap.web.api.responses import (
    json_response,
    table_response,
)
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service


def add_table_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the tables routes to ``router``."""

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
        return table_response(frame, table, format, f"loading-{table}.csv")

    @router.get("/tenders", summary="Tenders", responses={200: {"content": CSV}})
    async def tenders(as_of: AsOf = None, format: Format = "json") -> Response:
        """Procurements as known on the date: stage, scope, expected award, bidders."""
        frame = await engine.run(service.tenders, service.date(as_of))
        return table_response(frame, "tenders", format, "tenders.csv")

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
        return json_response(
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
        table: TableName,
        as_of: Annotated[
            str | None, date_query("Rows in force on this date; default every revision")
        ] = None,
        format: Format = "json",
    ) -> Response:
        """Every row of a table (each with its source URL and known-from date)."""
        date = service.date(as_of) if as_of else None
        frame = await engine.run(service.table, table, date)
        return table_response(frame, "rows", format, f"{table}.csv")
