"""The web app: the HTTP API under /api, the dashboard pages, and Plotly.js served locally.

``create_app()`` builds it on the embedded dataset with no set-up; ``railgap serve`` runs it
with uvicorn. Every error is answered as JSON with a 4xx status naming what was wrong (for
API paths) or as a page saying so; nothing answers with a traceback.
"""

import contextlib
import importlib.util
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from railgap._version import __version__
from railgap.dataset.errors import (
    DataError,
    DateError,
    RailgapError,
    UnknownOperatorError,
    UnknownPlantError,
)
from railgap.store.faults import StoreUnavailable
from railgap.views.html import plotly_js
from railgap.web.api import build_router
from railgap.web.jobs import StillComputing
from railgap.web.limits import (
    DEFAULT_TIME_LIMIT_S,
    MAX_BODY_BYTES,
    BodyLimitMiddleware,
    ContentTypeMiddleware,
    EngineLimiter,
    PerClientLimitMiddleware,
    RequestError,
)
from railgap.web.pages import build_pages
from railgap.web.service import Service, UnknownTableError

log = logging.getLogger("railgap.web")
HERE = Path(__file__).parent


def swagger_ui_dir() -> Path:
    """Swagger UI's files as shipped in the ``fastapi-offline`` package (no CDN)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("the fastapi-offline package is not installed")
    return Path(spec.origin).parent / "static"


def _status(exc: RailgapError) -> int:
    if isinstance(exc, UnknownPlantError | UnknownOperatorError | UnknownTableError):
        return 404
    if isinstance(exc, StoreUnavailable):  # the disk or database, not the request
        return 503
    return 422


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    """A JSON value with ``redact`` applied to every string in it."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redacted(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, redact) for v in value]
    return value


def error_body(exc: Exception) -> dict[str, Any]:
    """The JSON body of an error: a code, one line saying what is wrong, and where."""
    if isinstance(exc, RequestError):
        return {"error": exc.code, "detail": str(exc)}
    if isinstance(exc, StoreUnavailable):
        return {"error": "storage_unavailable", "kind": exc.kind, "detail": str(exc)}
    railgap_error = exc if isinstance(exc, RailgapError) else None
    status = _status(railgap_error) if railgap_error else 422
    body: dict[str, Any] = {"error": "not_found" if status == 404 else "invalid_input"}
    body["detail"] = str(exc)
    if isinstance(exc, DataError):
        body["problems"] = [
            {"file": p.file, "line": p.line, "field": p.column, "message": p.message}
            for p in exc.problems
        ]
    if isinstance(exc, DateError):
        field = "as_of" if "as-of" in str(exc) else None
        body["problems"] = [{"file": None, "line": None, "field": field, "message": str(exc)}]
    return body


#: Scripts only from this server and never from strings (no ``'unsafe-eval'``: Plotly.js
#: draws the scatter and bar traces the charts use without it); no page may frame these.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Add nosniff, referrer and no-framing headers to every answer, and the CSP (not /docs)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith("/docs")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"same-origin"))
                headers.append((b"x-frame-options", b"DENY"))
                if not docs:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    data: Path | None = None,
    db: str | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    max_body_bytes: int = MAX_BODY_BYTES,
    warm: bool = False,
) -> FastAPI:
    """The app on a dataset (default: embedded) and a database (default: configured one).

    ``warm`` starts the long answers (the backtest's scorecard) when the server starts, so
    the first visitor finds them ready or nearly so (``railgap serve`` does).
    """
    service = Service(data, db)
    engine = EngineLimiter(time_limit_s)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            service.warm()
        yield
        service.jobs.shutdown()

    app = FastAPI(
        title="railgap",
        version=__version__,
        description=(
            "The British passenger rolling-stock pipeline: plant order books, run-out dates, "
            "gaps and jobs at risk, as known on any date. Every number comes from a sourced "
            "row of the dataset or a named assumption. Add `?format=csv` for CSV."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.engine = engine
    # Added last runs first: the client count, then the body's type, then its size.
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(ContentTypeMiddleware)
    app.add_middleware(PerClientLimitMiddleware)

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith(("/api", "/docs", "/openapi"))

    @app.exception_handler(RailgapError)
    async def railgap_error(request: Request, exc: RailgapError) -> Response:
        # A store error may name the database's URL or file: the server's own business.
        if wants_html(request):
            return pages.error_page(request, _status(exc), service.redact(str(exc)))
        body = _redacted(error_body(exc), service.redact)
        status = _status(exc)
        headers = {"retry-after": "30"} if status == 503 else None
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(RequestError)
    async def limit_error(request: Request, exc: RequestError) -> Response:
        headers = {"www-authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, StillComputing):
            if wants_html(request):
                return pages.error_page(request, 503, str(exc), refresh=exc.retry_after)
            headers = {"retry-after": str(exc.retry_after)}
        elif wants_html(request):
            return pages.error_page(request, exc.status, str(exc))
        return JSONResponse(error_body(exc), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "file": "request",
                "line": None,
                "field": ".".join(str(p) for p in err.get("loc", ())),
                "message": str(err.get("msg", "")),
            }
            for err in exc.errors()
        ]
        detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        if wants_html(request):
            return pages.error_page(request, 422, detail)
        body = {"error": "invalid_request", "detail": detail, "problems": problems}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request) and exc.status_code == 404:
            return pages.error_page(request, 404, "no such page")
        body = {"error": "http_error", "detail": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        body = {"error": "internal", "detail": "an unexpected error; it has been logged"}
        return JSONResponse(body, status_code=500)

    app.add_middleware(SecurityHeadersMiddleware)

    app.include_router(build_router(service, engine, db))
    pages = build_pages(service, engine)
    app.include_router(pages.router)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    async def plotly_bundle() -> FileResponse:
        return FileResponse(
            plotly_js(),
            media_type="text/javascript",
            headers={"cache-control": "public, max-age=86400"},
        )

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_dir()), name="swagger")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """The interactive API documentation (Swagger UI, served locally)."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="railgap API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png",
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        """``ok`` when the database can be read (and the data folder, if one is used); else 503."""
        try:
            await engine.quick(service.check_health)
        except RailgapError as exc:
            body = {"status": "unavailable", "version": __version__}
            body["detail"] = service.redact(str(exc))
            return JSONResponse(body, status_code=503, headers={"retry-after": "30"})
        return JSONResponse({"status": "ok", "version": __version__})

    return app
