"""Scenario routes: run, compare, save, list and re-run scenarios (saving needs a token)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from railgap.dataset.errors import DataError, Problem
from railgap.views import answers
from railgap.web.api.params import (
    CSV,
    SCENARIO_BODY,
    AllPlants,
    Compare,
    Format,
    ScenarioId,
)
from railgap.web.api.responses import (
    json_response,
    scenario_response,
    scenario_text,
    table_response,
)
from railgap.web.limits import EngineLimiter, RequestError
from railgap.web.service import Service


def add_scenario_routes(
    router: APIRouter, service: Service, engine: EngineLimiter, db: str | None
) -> None:
    """Add the scenarios routes to ``router``."""
    bearer = HTTPBearer(auto_error=False, description="A token from `railgap token create`.")

    async def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        from railgap import store

        token = credentials.credentials if credentials else ""
        # Checked in its own lane: a queue of engine work never holds up a write's token.
        if not token or not await engine.check(store.verify_token, token, db):
            raise RequestError(401, "unauthorized", "a valid bearer token is needed to write")
        return token

    @router.post(
        "/scenarios/run",
        summary="Run an uploaded scenario",
        openapi_extra=SCENARIO_BODY,
        responses={200: {"content": CSV}},
    )
    async def scenario_run(
        text: Annotated[str, Depends(scenario_text)],
        months: Annotated[bool, Query(description="Add the changed plants' months.")] = False,
        all: AllPlants = False,
        format: Format = "json",
    ) -> Response:
        """Each plant's outlook in the baseline and the scenario, and which lever did what."""
        await engine.check(service.parse, text)  # a bad shape never takes an engine slot
        run = await engine.run(service.scenario, text, "scenario.yaml", all)
        return scenario_response(run, months, format)

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
        for text, label in zip(texts, labels, strict=True):
            await engine.check(service.parse, text, f"{label}.yaml")
        runs = [
            await engine.run(service.scenario, t, f"{lab}.yaml")
            for t, lab in zip(texts, labels, strict=True)
        ]
        frame = combine_scenarios([r.table for r in runs], labels).reset_index()
        return table_response(frame, "rows", format, "comparison.csv", answers.COMPARISON_COLUMNS)

    async def _saved(scenario_id: int) -> Any:
        return await engine.quick(service.saved, scenario_id)

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

        spec, _ = await engine.check(service.parse, text)
        # Name the token by its public lookup part only (rg_<lookup>_<secret>): never the secret.
        author = "api token " + token.split("_", 2)[1]
        # One write: the quick lane, never behind engine work.
        scenario_id = await engine.quick(store.save_scenario, spec.name, text, author, db)
        return json_response(
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

        saved = await engine.quick(store.list_scenarios, db)
        return json_response(
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
        return json_response(
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
        all: AllPlants = False,
        format: Format = "json",
    ) -> Response:
        """As /scenarios/run, for a saved scenario."""
        saved = await _saved(scenario_id)
        where = f"saved-{scenario_id}.yaml"
        run = await engine.run(service.scenario, saved.yaml_text, where, all)
        return scenario_response(run, months, format)
