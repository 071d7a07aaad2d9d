"""The HTTP API and the editors' web page: one FastAPI app over the same `Pipeline` as the CLI.

Design: the request body is parsed by hand (serve.payload) so JSON and multipart uploads share one route
and every bad input becomes an RFC 9457 problem (4xx), never a 5xx. Analysis is CPU work and runs in a
bounded thread pool under a per-request time limit (504 when exceeded), so the event loop keeps answering
/healthz while documents are analysed. Models load once per process, at startup; `run()` starts N uvicorn
worker processes, each with its own models. See docs/api.md.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from nlp.log import get_logger
from nlp.pipeline import DEADLINE, TASKS, AnalyzeOptions, Pipeline, default_pipeline
from nlp.schema import SCHEMA_VERSION, Report
from serve.limits import BodySizeLimit, BodyTooLarge
from serve.model_cards import list_models
from serve.payload import (
    AnalyzeRequest, BatchRequest, DocumentFields, document_from_fields, limit_length, media_type, parse_analyze,
    raise_for_ingest, read_json, tasks_or_problem,
)
from serve.problems import Problem, problem_response, pydantic_errors
from serve.settings import Settings

log = get_logger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
T = TypeVar("T")
BATCH_BLOCK = 10  # batch time limit = GOVLINT_TIMEOUT_S per started block of this many items

_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
               413: "too_large", 415: "unsupported_media_type"}
PAGE_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


class BatchResponse(BaseModel):
    count: int
    reports: list[Report] = Field(description="one report per item, in the order of the request")


class ProblemModel(BaseModel):
    """RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="stable machine-readable code, e.g. malformed_json, empty_input, timeout")
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class Service:
    """Per-process state: the pipeline, the analysis thread pool and the limits."""

    def __init__(self, pipeline: Pipeline, settings: Settings) -> None:
        self.pipeline = pipeline
        self.settings = settings
        self.ready = False
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    @property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(self.settings.threads,
                                                                   thread_name_prefix="govlint-analyze")
        return self._executor

    def load(self) -> dict[str, bool]:
        loaded = self.pipeline.load_all(TASKS)
        self.ready = True
        log.info("models_loaded", **{t: ok for t, ok in loaded.items()})
        return loaded

    def batch_timeout(self, n: int) -> float:
        """A batch gets one time limit per started block of BATCH_BLOCK items."""
        return self.settings.timeout_s * max(1, -(-n // BATCH_BLOCK))

    async def run(self, fn: Callable[[], T], timeout_s: float | None = None) -> T:
        """Run CPU work off the event loop under the per-request time limit (queueing time included)."""
        limit = timeout_s or self.settings.timeout_s
        deadline = time.monotonic() + limit

        def bounded() -> T:  # components not started by the deadline are skipped (nlp.pipeline.DEADLINE)
            token = DEADLINE.set(deadline)
            try:
                return fn()
            finally:
                DEADLINE.reset(token)

        future = self.executor.submit(bounded)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), limit)
        except (asyncio.TimeoutError, TimeoutError):
            future.cancel()  # drops it if still queued; a running one stops before its next component
            raise Problem(504, "timeout",
                          f"the analysis took longer than {limit:g} s and was abandoned; "
                          "send a shorter text, fewer tasks or fewer batch items, or raise GOVLINT_TIMEOUT_S"
                          ) from None

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _report_response(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


def _body_doc(model: type[BaseModel], upload: bool = True) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    content: dict[str, Any] = {"application/json": {"schema": ref}}
    if upload:
        content["multipart/form-data"] = {"schema": {
            "type": "object", "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary", "description": ".html, .htm, .txt, .docx or .pdf"},
                "tasks": {"type": "string"}, "include_text": {"type": "boolean"},
                "document": {"type": "string"}, "id": {"type": "string"}, "title": {"type": "string"},
                "url": {"type": "string"}, "column": {"type": "string"}, "published": {"type": "string"},
                "fileno": {"type": "string"},
            }}}
    return {"requestBody": {"required": True, "content": content}}


_ERRORS_DOC = {
    status: {"model": ProblemModel, "content": {"application/problem+json": {}}, "description": desc}
    for status, desc in [
        (400, "malformed JSON or multipart body, empty body"),
        (413, "body larger than GOVLINT_MAX_BODY_BYTES, text longer than GOVLINT_MAX_CHARS, too many batch items"),
        (415, "neither JSON nor multipart, or an unsupported file type"),
        (422, "wrong field types, unknown task, empty text, corrupt or unreadable file"),
        (504, "analysis exceeded GOVLINT_TIMEOUT_S"),
    ]
}


def create_app(pipeline: Pipeline | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app. Tests pass their own pipeline; `run()` lets each worker build its own (factory)."""
    settings = settings or Settings.from_env()
    service = Service(pipeline or default_pipeline(), settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.load_on_startup:
            await asyncio.get_running_loop().run_in_executor(service.executor, service.load)
        yield
        service.shutdown()

    app = _fastapi(
        title="govlint API",
        version=_version(),
        summary="Checks Chinese government web pages: genre, interpretation completeness, wording (错敏信息).",
        description="Every endpoint returns the same `Report` as `govlint analyze`. Errors are RFC 9457 "
                    "problem details. Limits: see docs/api.md.",
        lifespan=lifespan,
    )
    app.state.service = service

    # --- errors -------------------------------------------------------------------------------
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(exc.status, exc.code, exc.detail, request.url.path, exc.errors, exc.headers)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge):
        return problem_response(413, "too_large", f"{exc}; split the document or raise GOVLINT_MAX_BODY_BYTES",
                                request.url.path, headers={"connection": "close"})

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return problem_response(422, "invalid_fields", "some parameters are missing or have the wrong type",
                                request.url.path, pydantic_errors(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return problem_response(exc.status_code, code, str(exc.detail), request.url.path,
                                headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("internal_error", path=request.url.path)
        return problem_response(500, "internal_error", "an internal error occurred; it has been logged",
                                request.url.path)

    # --- analysis ----------------------------------------------------------------------------
    async def _analyze(request: Request, forced: tuple[str, ...] | None) -> Response:
        job = await parse_analyze(request, forced, settings.max_body_bytes)
        doc, report = await service.run(lambda: job.run(service.pipeline, settings.max_chars))
        raise_for_ingest(doc)
        return _report_response(report)

    common = dict(response_model=Report, responses=_ERRORS_DOC)

    @app.post("/v1/analyze", openapi_extra=_body_doc(AnalyzeRequest), tags=["analysis"], **common)
    async def analyze(request: Request):
        """Analyse one document (JSON `text` or `html`, or a file upload) with the requested tasks."""
        return await _analyze(request, None)

    @app.post("/v1/classify", openapi_extra=_body_doc(AnalyzeRequest), tags=["analysis"], **common)
    async def classify(request: Request):
        """Genre only (政策解读 / 新闻 / 规范性文件 / 其他). Same body as /v1/analyze, without `tasks`."""
        return await _analyze(request, ("genre",))

    @app.post("/v1/completeness", openapi_extra=_body_doc(AnalyzeRequest), tags=["analysis"], **common)
    async def completeness(request: Request):
        """Interpretation completeness only. Same body as /v1/analyze, without `tasks`."""
        return await _analyze(request, ("completeness",))

    @app.post("/v1/check", openapi_extra=_body_doc(AnalyzeRequest), tags=["analysis"], **common)
    async def check(request: Request):
        """Wording check only (错敏信息). Same body as /v1/analyze, without `tasks`."""
        return await _analyze(request, ("wording",))

    @app.post("/v1/analyze/batch", response_model=BatchResponse, responses=_ERRORS_DOC, tags=["analysis"],
              openapi_extra=_body_doc(BatchRequest, upload=False))
    async def analyze_batch(request: Request):
        """Analyse up to GOVLINT_BATCH_MAX documents; reports come back in request order.

        An item that cannot be read (e.g. empty text) gets a report with `errors`, like the CLI; a
        structurally wrong request (bad types, too many items) is refused whole.
        """
        mt = media_type(request)
        if not (mt == "application/json" or mt.endswith("+json")):
            raise Problem(415, "unsupported_media_type", "send the batch as application/json: {\"items\": [...]}")
        req: BatchRequest = await read_json(request, BatchRequest)
        if len(req.items) > settings.batch_max:
            raise Problem(413, "too_many_items",
                          f"{len(req.items)} items; the limit is {settings.batch_max} per request "
                          "(send several requests, or raise GOVLINT_BATCH_MAX)")
        tasks = tasks_or_problem(req.tasks)
        ingests = [document_from_fields(item, ["body", "items", str(i)]) for i, item in enumerate(req.items)]
        options = AnalyzeOptions(tasks=tasks, include_text=req.include_text)
        # an unreadable item still gets its report (with errors), like the CLI
        work = lambda: [service.pipeline.analyze(limit_length(ingest(), settings.max_chars), options)  # noqa: E731
                        for ingest in ingests]
        reports = await service.run(work, service.batch_timeout(len(ingests)))
        return _report_response(BatchResponse(count=len(reports), reports=reports))

    # --- service -----------------------------------------------------------------------------
    @app.get("/healthz", tags=["service"])
    async def healthz():
        """Liveness: the process answers."""
        return {"status": "ok", "schema_version": SCHEMA_VERSION, "version": _version()}

    @app.get("/readyz", tags=["service"], responses={503: {"description": "models still loading or missing"}})
    async def readyz():
        """Readiness: every analyser is loaded. 503 lists what is missing and why."""
        status = service.pipeline.status()
        tasks = {t: {"loaded": t in status and status[t] is None, "error": status.get(t)} for t in TASKS}
        ok = service.ready and all(v["loaded"] for v in tasks.values())
        body = {"status": "ready" if ok else ("loading" if not service.ready else "degraded"), "tasks": tasks}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/v1/models", tags=["service"])
    async def models():
        """Trained models: name, version and metrics from each models/*/MODEL_CARD.md, and load status."""
        status = service.pipeline.status()
        return {
            "schema_version": SCHEMA_VERSION,
            "models_dir": str(service.pipeline.models_dir),
            "tasks": {t: {"loaded": t in status and status[t] is None, "error": status.get(t)} for t in TASKS},
            "models": list_models(service.pipeline.models_dir),
        }

    # --- web page ----------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": PAGE_CSP,
                                                             "Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                             description=app.description, routes=app.routes)
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (DocumentFields, AnalyzeRequest, BatchRequest):
            s = model.model_json_schema(ref_template="#/components/schemas/{model}")
            comps.update(s.pop("$defs", {}))
            comps[model.__name__] = s
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["*"], max_age=600)
    return app


def _fastapi(**kwargs: Any) -> FastAPI:
    """FastAPI whose /docs and /redoc load their scripts from this server (fastapi-offline), not a CDN."""
    try:
        from fastapi_offline import FastAPIOffline
    except ImportError:  # docs then load Swagger UI from its CDN; the API itself is unaffected
        return FastAPI(**kwargs)
    return FastAPIOffline(**kwargs)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("govlint")
    except Exception:  # noqa: BLE001 - not installed as a package (e.g. a bare checkout)
        return "0"


def run(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> int:
    """`govlint serve`: start uvicorn; every worker process builds the app and loads the models once."""
    import uvicorn

    if workers < 1:
        raise SystemExit("--workers must be at least 1")
    access = os.environ.get("GOVLINT_ACCESS_LOG", "1") not in ("0", "false", "no")
    print(f"govlint: serving http://{host}:{port}/ with {workers} worker(s); API docs at /docs", flush=True)
    uvicorn.run("serve.app:create_app", factory=True, host=host, port=port, workers=workers,
                access_log=access, log_level=os.environ.get("GOVLINT_SERVER_LOG_LEVEL", "info"),
                timeout_graceful_shutdown=10)
    return 0
