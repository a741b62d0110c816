"""The HTTP API: every CLI answer as JSON or CSV (``?format=csv``), from the same bodies.

Reads are open; writes (saving a scenario) need a bearer token made with ``railgap token
create``. JSON bodies are those of ``railgap ... --json`` (:mod:`railgap.views.answers`).
Routes are grouped by concern: :mod:`~railgap.web.api.plants`, :mod:`~railgap.web.api.fleets`,
:mod:`~railgap.web.api.tables`, :mod:`~railgap.web.api.engines`,
:mod:`~railgap.web.api.scenarios`, :mod:`~railgap.web.api.backtest` and
:mod:`~railgap.web.api.changes`, :mod:`~railgap.web.api.charts` (images); parameters in
:mod:`~railgap.web.api.params`.
"""

from __future__ import annotations

from fastapi import APIRouter

from railgap.web.api.backtest import add_backtest_routes
from railgap.web.api.changes import add_changes_routes
from railgap.web.api.charts import add_chart_routes, add_scenario_chart_routes
from railgap.web.api.engines import add_engine_routes
from railgap.web.api.fleets import add_fleet_routes
from railgap.web.api.params import ERRORS, MAX_WEB_DRAWS
from railgap.web.api.plants import add_plant_routes
from railgap.web.api.responses import scenario_rows, scenario_text
from railgap.web.api.scenarios import add_scenario_routes
from railgap.web.api.tables import add_table_routes
from railgap.web.limits import EngineLimiter
from railgap.web.service import Service

__all__ = ["MAX_WEB_DRAWS", "build_router", "scenario_rows", "scenario_text"]


def build_router(service: Service, engine: EngineLimiter, db: str | None) -> APIRouter:
    """The API's routes, answering from ``service`` with engine work limited by ``engine``."""
    router = APIRouter(prefix="/api", responses=ERRORS)
    for add in (
        add_plant_routes,
        add_fleet_routes,
        add_table_routes,
        add_engine_routes,
        add_scenario_routes,
        add_scenario_chart_routes,
        add_backtest_routes,
        add_changes_routes,
        add_chart_routes,
    ):
        add(router, service, engine, db)
    return router
