"""Dispatch by format and guarantee the no-crash contract: every failure becomes a Document error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.schema import Document, Issue

MAX_INPUT_BYTES = 50 * 1024 * 1024  # larger inputs are refused with a clear error (documented in README)


def _error(code: str, message: str, **meta: Any) -> Document:
    return Document(errors=[Issue(code=code, message=message)], **meta)


def ingest_text(text: str, **meta: Any) -> Document:
    from nlp.normalize import normalize_with_map

    norm, offsets, warnings = normalize_with_map(text)
    if not norm.strip():
        return _error("empty_input", "the text is empty after cleaning; submit the page body", **meta)
    return Document(text=norm, source_offsets=offsets, warnings=warnings, format=meta.pop("format", "text"), **meta)


def ingest_html(html: str | bytes, **meta: Any) -> Document:
    raise NotImplementedError


def ingest_bytes(data: bytes, name: str | None = None, content_type: str | None = None, **meta: Any) -> Document:
    if len(data) == 0:
        return _error("empty_input", "the input is empty", id=meta.pop("id", name), **meta)
    text = data.decode("utf-8", errors="replace")
    return ingest_text(text, id=meta.pop("id", name), **meta)


def ingest_path(path: str | Path) -> Document:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        return _error("unreadable", f"cannot read {p}: {exc.strerror}", id=str(p))
    if size > MAX_INPUT_BYTES:
        return _error("too_large", f"{p} is {size} bytes; the limit is {MAX_INPUT_BYTES}", id=str(p))
    return ingest_bytes(p.read_bytes(), name=p.name, id=str(p))


def from_record(record: dict[str, Any]) -> Document:
    meta = {k: record.get(k) for k in ("title", "url", "column", "published", "fileno") if record.get(k)}
    rid = record.get("id") or record.get("docid") or record.get("url")
    meta["id"] = str(rid) if rid is not None else None
    body = record.get("text") or record.get("body")
    if isinstance(body, str):
        return ingest_text(body, format="record", **meta)
    return _error("no_content", "the record has none of html, text or body", **meta)
