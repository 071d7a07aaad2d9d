"""Body-size limit enforced while the body streams in, so an oversized upload is refused before it is read.

A declared Content-Length over the limit is refused at once; chunked or lying clients are cut off as soon
as the running count passes the limit (the route's read raises `BodyTooLarge`, mapped to 413).
"""

from __future__ import annotations

import json

from serve.problems import PROBLEM_TYPE, problem_body


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = None
        for k, v in scope.get("headers") or ():
            if k == b"content-length":
                declared = v
                break
        if declared is not None:
            try:
                n = int(declared)
                if n < 0:
                    raise ValueError
            except ValueError:
                await _send_problem(send, 400, "bad_content_length", "the Content-Length header is not a number")
                return
            if n > self.max_bytes:
                await _send_problem(send, 413, "too_large",
                                    f"the request body is {n} bytes; the limit is {self.max_bytes} bytes "
                                    "(split the document or raise GOVLINT_MAX_BODY_BYTES)")
                return
        seen = 0
        limit = self.max_bytes

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(f"the request body exceeds the limit of {limit} bytes")
            return message

        await self.app(scope, limited_receive, send)


async def _send_problem(send, status: int, code: str, detail: str) -> None:
    body = json.dumps(problem_body(status, code, detail), ensure_ascii=False).encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", PROBLEM_TYPE.encode()), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})
