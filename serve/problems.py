"""RFC 9457 problem details: every error leaves the API as application/problem+json with a stable code.

Clients branch on `code` (also the last part of `type`); `detail` says what to do next, and `errors`
lists each offending field (validation) or the ingestion issues (unreadable upload, empty text).
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """Raised anywhere in a request; turned into a problem+json response by the app's handler."""

    def __init__(self, status: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors
        self.headers = headers


def problem_body(status: int, code: str, detail: str, instance: str | None = None,
                 errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:govlint:problem:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def problem_response(status: int, code: str, detail: str, instance: str | None = None,
                     errors: list[dict[str, Any]] | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(problem_body(status, code, detail, instance, errors), status_code=status,
                        media_type=PROBLEM_TYPE, headers=headers)


def pydantic_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep what a client can act on (where, what, why); drop pydantic's URLs and echoed input."""
    out = []
    for e in errors[:50]:
        out.append({
            "loc": [str(x) for x in e.get("loc", ())],
            "type": str(e.get("type", "invalid")),
            "msg": str(e.get("msg", "invalid value")),
        })
    return out
