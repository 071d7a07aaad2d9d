"""Turn a request body (JSON or a multipart upload) into a `Job`: how to ingest it, and the analysis options.

Parsing is done by hand rather than by FastAPI's body binding because one route accepts two content types
and every failure must become a problem+json 4xx with a precise location, never a 5xx.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.datastructures import UploadFile
from starlette.requests import Request

from nlp.ingest import ingest_bytes, ingest_html, ingest_text
from nlp.pipeline import AnalyzeOptions, parse_tasks
from nlp.schema import Document, Report
from serve.problems import Problem, pydantic_errors

UPLOAD_TYPES: dict[str, str] = {
    ".html": "text/html", ".htm": "text/html", ".txt": "text/plain", ".text": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
CONTENT_TYPE_EXT = {v: k for k, v in reversed(list(UPLOAD_TYPES.items()))}
META_FIELDS = ("title", "url", "column", "published", "fileno")


@dataclass(frozen=True)
class Job:
    """A parsed request, not yet ingested: ingestion (PDF, DOCX, HTML parsing) is CPU work too, so it runs
    in the analysis thread pool under the time limit instead of blocking the event loop."""

    ingest: Callable[[], Document]
    tasks: tuple[str, ...]
    include_text: bool = False
    related: Callable[[], Document] | None = None

    def run(self, pipeline, max_chars: int) -> tuple[Document, Report | None]:
        doc = limit_length(self.ingest(), max_chars)
        if doc.errors:
            return doc, None
        related = self.related() if self.related else None
        options = AnalyzeOptions(tasks=self.tasks, related=related, include_text=self.include_text)
        return doc, pipeline.analyze(doc, options)


class DocumentFields(BaseModel):
    """One document as JSON: exactly one of `text` or `html`, plus optional metadata."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str | None = Field(default=None, max_length=500, description="your identifier, echoed in the report")
    text: str | None = Field(default=None, description="plain text of the draft or page body")
    html: str | None = Field(default=None, description="a whole HTML page or fragment")
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000)
    column: str | None = Field(default=None, max_length=2000, description="栏目 or breadcrumb")
    published: str | None = Field(default=None, description="发布日期, YYYY-MM-DD")
    fileno: str | None = Field(default=None, max_length=200, description="发文字号")

    @field_validator("published")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        return check_date(v)


class AnalyzeRequest(DocumentFields):
    tasks: str | list[str] | None = Field(
        default=None, description="comma-separated string or list from genre, completeness, wording; default all")
    document: str | None = Field(default=None, description="text of the interpreted document (for copy_ratio)")
    include_text: bool = Field(default=False, description="return the normalised body in report.document.text")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    items: list[DocumentFields] = Field(min_length=1, description="documents, analysed in order")
    tasks: str | list[str] | None = None
    include_text: bool = False


def check_date(v: str | None) -> str | None:
    """Dates reach the date checks as ISO strings; anything else is refused here with a clear message."""
    if v is None or not v.strip():
        return None
    s = v.strip()
    if _DATE.fullmatch(s):
        try:
            return dt.date.fromisoformat(s).isoformat()
        except ValueError:
            pass
    raise ValueError(f"published must be a real date written YYYY-MM-DD, got {s[:40]!r}")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def tasks_or_problem(spec: str | list[str] | None, forced: tuple[str, ...] | None = None) -> tuple[str, ...]:
    if forced is not None:
        return forced
    try:
        return parse_tasks(spec)
    except ValueError as exc:
        raise Problem(422, "unknown_task", str(exc), [{"loc": ["body", "tasks"], "type": "value_error",
                                                         "msg": str(exc)}]) from None


def _meta(fields: DocumentFields) -> dict[str, Any]:
    meta = {k: getattr(fields, k) for k in META_FIELDS if getattr(fields, k)}
    if fields.id:
        meta["id"] = fields.id
    return meta


def document_from_fields(fields: DocumentFields, where: list[str] | None = None) -> Callable[[], Document]:
    """Check one JSON document now (structural mistakes raise Problem) and return how to ingest it later
    (content problems, e.g. empty text, end up on the Document)."""
    loc = where or ["body"]
    if (fields.text is None) == (fields.html is None):
        raise Problem(422, "text_or_html", "give exactly one of `text` or `html`",
                      [{"loc": loc, "type": "missing" if fields.text is None else "value_error",
                        "msg": "exactly one of text or html is required"}])
    meta = _meta(fields)
    if fields.text is not None:
        return functools.partial(safe_ingest, ingest_text, fields.text, **meta)
    return functools.partial(safe_ingest, ingest_html, fields.html, **meta)


def safe_ingest(fn, *args: Any, **kwargs: Any) -> Document:
    """The ingest API promises not to raise; if it ever does, that is a 422 about this input, not a 500."""
    from nlp.log import get_logger
    from nlp.schema import Issue

    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - see docstring
        get_logger(__name__).exception("ingest_failed", fn=getattr(fn, "__name__", "?"))
        return Document(errors=[Issue(code="ingest_failed",
                                      message=f"this input could not be read ({type(exc).__name__}); "
                                              "check the file or send plain text")])


TOO_LONG = "text_too_long"


def limit_length(doc: Document, max_chars: int) -> Document:
    """A running analysis cannot be interrupted, so the text one request may submit is bounded up front."""
    if not doc.errors and len(doc.text) > max_chars:
        from nlp.schema import Issue

        msg = (f"the text has {len(doc.text)} characters after cleaning; the limit is {max_chars} per document "
               "(split it, or raise GOVLINT_MAX_CHARS)")
        return doc.model_copy(update={"errors": [Issue(code=TOO_LONG, message=msg)], "text": ""})
    return doc


def raise_for_ingest(doc: Document) -> None:
    """A single document that could not be read (empty, corrupt, unsupported) is the client's problem: 422
    (413 when it is too long to analyse)."""
    if doc.errors:
        first = doc.errors[0]
        raise Problem(413 if first.code == TOO_LONG else 422, first.code, first.message,
                      [{"loc": ["body"], "type": e.code, "msg": e.message} for e in doc.errors])


async def read_json(request: Request, model: type[BaseModel]) -> Any:
    body = await request.body()
    if not body.strip():
        raise Problem(400, "empty_body", "the request body is empty; send a JSON object such as "
                      '{"text": "..."} or upload a file as multipart/form-data')
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errs = exc.errors(include_url=False, include_input=False)
        if any(e.get("type") in ("json_invalid", "json_type") for e in errs):
            raise Problem(400, "malformed_json", "the body is not valid JSON (UTF-8): " + errs[0]["msg"],
                          pydantic_errors(errs)) from None
        raise Problem(422, "invalid_fields", "some fields are missing or have the wrong type; see errors",
                      pydantic_errors(errs)) from None


def media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


async def parse_analyze(request: Request, forced_tasks: tuple[str, ...] | None,
                        max_bytes: int) -> Job:
    """Parse POST /v1/analyze (and its shortcuts) into what the pipeline needs."""
    mt = media_type(request)
    if mt == "application/json" or mt.endswith("+json"):
        req: AnalyzeRequest = await read_json(request, AnalyzeRequest)
        if forced_tasks is not None and req.tasks is not None:
            raise Problem(422, "tasks_fixed", "this endpoint runs one task; drop `tasks` or use /v1/analyze",
                          [{"loc": ["body", "tasks"], "type": "extra_forbidden", "msg": "not allowed here"}])
        tasks = tasks_or_problem(req.tasks, forced_tasks)
        related = (functools.partial(safe_ingest, ingest_text, req.document)
                   if req.document and req.document.strip() else None)
        return Job(ingest=document_from_fields(req), tasks=tasks, include_text=req.include_text, related=related)
    if mt == "multipart/form-data":
        return await parse_upload(request, forced_tasks, max_bytes)
    raise Problem(415, "unsupported_media_type",
                  f"send application/json or multipart/form-data, not {mt or 'no Content-Type'}")


FORM_FIELDS = {"file", "tasks", "include_text", "document", "id", *META_FIELDS}


async def parse_upload(request: Request, forced_tasks: tuple[str, ...] | None,
                       max_bytes: int) -> Job:
    from starlette.exceptions import HTTPException
    from starlette.formparsers import MultiPartException

    try:
        form = await request.form(max_files=2, max_fields=20, max_part_size=max_bytes)
    except MultiPartException as exc:
        raise Problem(400, "malformed_multipart", f"the multipart body could not be parsed: {exc.message}") from None
    except HTTPException as exc:  # Starlette reports a broken multipart body (e.g. no boundary) this way
        raise Problem(400, "malformed_multipart", f"the multipart body could not be parsed: {exc.detail}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "malformed_multipart", f"the multipart body could not be parsed: {exc}") from None
    try:
        unknown = sorted(set(form.keys()) - FORM_FIELDS)
        if unknown:
            raise Problem(422, "invalid_fields", f"unknown form field(s): {', '.join(unknown)}",
                          [{"loc": ["body", k], "type": "extra_forbidden", "msg": "unknown field"} for k in unknown])
        files = form.getlist("file")
        if len(files) != 1 or not isinstance(files[0], UploadFile):
            raise Problem(422, "file_required", "upload exactly one file in the form field `file`",
                          [{"loc": ["body", "file"], "type": "missing", "msg": "one file required"}])
        upload: UploadFile = files[0]
        text_fields: dict[str, str] = {}
        for k in FORM_FIELDS - {"file"}:
            values = form.getlist(k)
            if not values:
                continue
            if len(values) > 1 or not isinstance(values[0], str):
                raise Problem(422, "invalid_fields", f"form field `{k}` must be given once, as text",
                              [{"loc": ["body", k], "type": "string_type", "msg": "one text value expected"}])
            text_fields[k] = values[0]
        ext = PurePath(upload.filename or "").suffix.lower()
        if ext not in UPLOAD_TYPES:
            ext = CONTENT_TYPE_EXT.get((upload.content_type or "").split(";")[0].strip().lower(), ext)
        if ext not in UPLOAD_TYPES:
            raise Problem(415, "unsupported_file_type",
                          f"cannot read {upload.filename or 'the upload'!r}; upload .html, .txt, .docx or .pdf")
        data = await upload.read()
    finally:
        await form.close()
    if forced_tasks is not None and "tasks" in text_fields:
        raise Problem(422, "tasks_fixed", "this endpoint runs one task; drop `tasks` or use /v1/analyze")
    tasks = tasks_or_problem(text_fields.get("tasks"), forced_tasks)
    include_text = _form_bool(text_fields.get("include_text"), "include_text")
    meta: dict[str, Any] = {k: text_fields[k].strip() for k in META_FIELDS if text_fields.get(k, "").strip()}
    if "published" in meta:
        try:
            meta["published"] = check_date(meta["published"])
        except ValueError as exc:
            raise Problem(422, "invalid_fields", str(exc),
                          [{"loc": ["body", "published"], "type": "value_error", "msg": str(exc)}]) from None
    if text_fields.get("id"):
        meta["id"] = text_fields["id"]
    name = PurePath(upload.filename or f"upload{ext}").name
    if PurePath(name).suffix.lower() != ext:
        name = name + ext
    meta.setdefault("id", name)
    related_text = text_fields.get("document")
    related = (functools.partial(safe_ingest, ingest_text, related_text)
               if related_text and related_text.strip() else None)
    return Job(ingest=functools.partial(safe_ingest, ingest_bytes, data, name=name,
                                        content_type=UPLOAD_TYPES[ext], **meta),
               tasks=tasks, include_text=include_text, related=related)


def _form_bool(v: str | None, name: str) -> bool:
    if v is None or v == "":
        return False
    s = v.strip().lower()
    if s in ("1", "true", "yes", "on"):
        return True
    if s in ("0", "false", "no", "off"):
        return False
    raise Problem(422, "invalid_fields", f"{name} must be true or false",
                  [{"loc": ["body", name], "type": "bool_parsing", "msg": "true or false expected"}])
