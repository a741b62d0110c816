"""Responses: JSON (NaN-free) and CSV bodies, and scenario texts read from request bodies."""

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from railgap.dataset.errors import DataError, Problem
from railgap.scenarios.spec import MAX_SCENARIO_BYTES
from railgap.views import answers, render
from railgap.web.limits import RequestError
from railgap.web.service import ScenarioRun


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response (NaN and infinities become null)."""
    text = json.dumps(render.clean(body), ensure_ascii=False, allow_nan=False)
    return Response(text.encode(), status_code=status, media_type="application/json")


def csv_response(text: str, filename: str) -> Response:
    """A CSV download named ``filename``."""
    return Response(
        text.encode(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def send(fmt: str, body: Any, csv_text: Any, filename: str) -> Response:
    """The CSV or the JSON body, whichever ``fmt`` asks for (each built only if sent)."""
    return csv_response(csv_text(), filename) if fmt == "csv" else json_response(body())


#: Content types a scenario body may be sent as (none at all is accepted too, for scripts).
SCENARIO_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"}
)


def check_scenario_type(request: Request) -> None:
    """Refuse a scenario sent as a form or as plain text (415), before reading it.

    Those are the types a web page may post to another site without asking first (no CORS
    preflight), so accepting them would let any page make a visitor's browser spend this
    server's engine time.
    """
    given = request.headers.get("content-type")
    if given is None:
        return
    media = given.split(";", 1)[0].strip().lower()
    if media not in SCENARIO_TYPES:
        raise RequestError(
            415,
            "unsupported_media_type",
            f"send the scenario as application/yaml (got {media or 'an empty type'})",
        )


async def scenario_text(request: Request) -> str:
    """The request body as scenario text (YAML type, UTF-8, at most MAX_SCENARIO_BYTES)."""
    check_scenario_type(request)
    raw = await request.body()
    if len(raw) > MAX_SCENARIO_BYTES:
        raise RequestError(413, "body_too_large", f"scenario is larger than {MAX_SCENARIO_BYTES}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError([Problem("scenario.yaml", None, None, "is not UTF-8 text")]) from None
    if not text.strip():
        raise DataError([Problem("scenario.yaml", None, None, "is empty")])
    return text


def scenario_rows(run: ScenarioRun, months: bool) -> dict[str, Any]:
    """A scenario run's JSON: as ``railgap scenario run --json``, optionally with months."""
    body = answers.scenario_body(run.table)
    if months:
        body["months"] = render.records(run.months)
    return body


def scenario_response(run: ScenarioRun, months: bool, fmt: str) -> Response:
    """A scenario run as CSV, or as JSON (with its months if asked)."""
    if fmt == "csv":
        return csv_response(render.to_csv(run.table, answers.SCENARIO_COLUMNS), "scenario.csv")
    return json_response(scenario_rows(run, months))


def bytes_response(data: bytes, fmt: str, filename: str) -> Response:
    """Bytes already rendered, as a CSV download or JSON."""
    if fmt == "csv":
        return Response(
            data,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )
    return Response(data, media_type="application/json")


def table_response(
    frame: Any, key: str, fmt: str, filename: str, columns: list[str] | None = None
) -> Response:
    """A stamped table as CSV or as a JSON body under ``key``."""
    if fmt == "csv":
        return csv_response(render.to_csv(frame, columns), filename)
    return json_response(answers.table_body(frame, key, columns))
