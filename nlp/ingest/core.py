"""Dispatch by format and guarantee the no-crash contract: every failure becomes a Document error.

Each public function returns a Document whatever it is given. Expected failures (empty, too large,
binary, not a zip, no text layer …) carry a specific code and a message saying what to do next; an
unexpected exception inside an extractor is caught at this boundary and reported as `ingest_failed` with
the exception type, so one odd file never stops a batch of millions.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from nlp import metadata as M
from nlp.ingest.decode import decode_bytes
from nlp.ingest.detect import sniff
from nlp.ingest.limits import MAX_EXTRACTED_CHARS, MAX_HTML_BYTES, MAX_INPUT_BYTES, MAX_RECORD_FIELD_CHARS
from nlp.log import get_logger
from nlp.normalize import normalize_with_map
from nlp.schema import Attachment, Document, Issue

log = get_logger(__name__)

_META_FIELDS = ("id", "title", "published", "written", "fileno", "publisher", "source", "column", "url")


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Keep known Document fields with usable values; dates become ISO."""
    out: dict[str, Any] = {}
    for k in _META_FIELDS:
        v = meta.get(k)
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        v = str(v).strip()
        if k in ("published", "written"):
            v = M.parse_date(v) or None
            if v is None:
                continue
        out[k] = v
    return out


def _error(code: str, message: str, fmt: str | None = None, **meta: Any) -> Document:
    return Document(errors=[Issue(code=code, message=message)], format=fmt, **_clean_meta(meta))


def _cap(text: str, warnings: list[Issue]) -> str:
    if len(text) > MAX_EXTRACTED_CHARS:
        warnings.append(Issue(code="truncated_text", message=f"the text has {len(text)} characters; only the first "
                              f"{MAX_EXTRACTED_CHARS} were analysed — split the document to check the rest"))
        return text[:MAX_EXTRACTED_CHARS]
    return text


def _guard(fn):
    """The no-crash boundary: an unexpected exception becomes an `ingest_failed` error on the Document."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Document:
        try:
            return fn(*args, **kwargs)
        except (MemoryError, RecursionError) as exc:
            return _error("too_complex", f"the input is too large or too deeply nested to read ({type(exc).__name__}); "
                          "submit the document text instead", **_meta_from(args, kwargs))
        except Exception as exc:
            log.exception("ingest_failed", fn=fn.__name__)
            return _error("ingest_failed", f"reading the input failed ({type(exc).__name__}: {exc}); this is a bug in "
                          "govlint — please report it with the file", **_meta_from(args, kwargs))

    return wrapper


def _meta_from(args: tuple, kwargs: dict) -> dict[str, Any]:
    meta = {k: v for k, v in kwargs.items() if k in _META_FIELDS}
    if "id" not in meta and "name" in kwargs:
        meta["id"] = kwargs["name"]
    return meta


# ---------------------------------------------------------------- text


def _text_document(raw: str, fmt: str, meta: dict[str, Any], warnings: list[Issue] | None = None,
                   keep_map: bool = True) -> Document:
    warnings = list(warnings or [])
    raw = _cap(raw, warnings)
    norm, offsets, w = normalize_with_map(raw, keep_map=keep_map)
    warnings.extend(w)
    meta = _clean_meta(meta)
    if not norm.strip():
        return Document(errors=[Issue(code="empty_input", message="the text is empty after cleaning; submit the "
                                      "document body")], warnings=warnings, format=fmt, **meta)
    found = M.extract(norm)
    for k, v in found.items():
        if v and k not in meta:
            meta[k] = v
    attachments = [Attachment(name=n) for n in M.find_attachments(norm)]
    return Document(text=norm, source_offsets=offsets if keep_map else None, warnings=warnings, format=fmt,
                    attachments=attachments, **meta)


@_guard
def ingest_text(text: str, **meta: Any) -> Document:
    """Plain text already decoded. `meta` (title, fileno, …) overrides what is read from the text."""
    fmt = meta.pop("format", None) or "text"
    if not isinstance(text, str):
        return _error("bad_input", f"expected text, got {type(text).__name__}", fmt, **meta)
    if not text.strip():
        return _error("empty_input", "the input is empty; submit the document text", fmt, **meta)
    return _text_document(text, fmt, meta)


# ---------------------------------------------------------------- html


@_guard
def ingest_html(html: str | bytes, **meta: Any) -> Document:
    """HTML as text or bytes (any charset). `meta` overrides what is read from the page."""
    from nlp.ingest.html import extract_html

    warnings: list[Issue] = []
    content_type = meta.pop("content_type", None)
    meta.pop("format", None)
    if isinstance(html, bytes):
        if len(html) > MAX_HTML_BYTES:
            return _error("too_large", f"the HTML is {len(html)} bytes; the limit is {MAX_HTML_BYTES}", "html", **meta)
        dec = decode_bytes(html, content_type=content_type, html=True)
        warnings.extend(dec.warnings)
        if dec.bad_ratio > 0.2:
            return _error("undecodable", f"the page's bytes do not decode as {dec.encoding} or any Chinese encoding; "
                          "it may be binary or damaged", "html", **meta)
        html = dec.text
    if not isinstance(html, str):
        return _error("bad_input", f"expected HTML text, got {type(html).__name__}", "html", **meta)
    if len(html) > MAX_HTML_BYTES:
        return _error("too_large", f"the HTML has {len(html)} characters; the limit is {MAX_HTML_BYTES}", "html", **meta)
    if not html.strip():
        return _error("empty_input", "the HTML is empty", "html", **meta)
    res = extract_html(html, url=meta.get("url"))
    warnings.extend(res.warnings)
    page_meta = {k: getattr(res, k) for k in ("title", "published", "written", "fileno", "publisher", "source", "column")}
    merged = {**{k: v for k, v in page_meta.items() if v}, **_clean_meta(meta)}
    if res.errors:
        return Document(errors=res.errors, warnings=warnings, format="html", **_clean_meta(merged))
    body = _cap(res.body, warnings)
    norm, _, w = normalize_with_map(body, keep_map=False)
    warnings.extend(w)
    if not norm.strip():
        return Document(errors=[Issue(code="no_body", message="the page's main text is empty after removing "
                                      "navigation and chrome; submit the document text")],
                        warnings=warnings, format="html", **_clean_meta(merged))
    found = M.extract(norm)
    for k, v in found.items():
        if v and not merged.get(k):
            merged[k] = v
    # the title read from the page is normalised like the body (a traditional-character copy, pinyin glue)
    for k in ("title", "publisher", "source", "column"):
        if merged.get(k):
            merged[k] = normalize_with_map(str(merged[k]), drop_chrome=False, keep_map=False)[0].replace("\n", " ") or None
    attachments = res.attachments or [Attachment(name=n) for n in M.find_attachments(norm)]
    return Document(text=norm, links=res.links, attachments=attachments, warnings=warnings, format="html",
                    **_clean_meta(merged))


# ---------------------------------------------------------------- bytes and files


_PDF_LINE_END = re.compile(r"[。：:；;！!？?”」』）)]$")


def _reflow(text: str) -> str:
    """Join PDF lines broken by the page width (a full-width line not ending a sentence continues)."""
    lines = text.split("\n")
    lens = sorted(len(x.strip()) for x in lines if x.strip())
    if len(lens) < 5:
        return text
    full = lens[int(len(lens) * 0.9)]
    if full < 25:  # short lines everywhere: a title page or a list, not text wrapped by the page width
        return text
    out: list[str] = []
    carry = ""
    for line in lines:
        s = line.strip()
        if not s:
            if carry:
                out.append(carry)
                carry = ""
            continue
        carry += s
        if len(s) < full * 0.85 or _PDF_LINE_END.search(s):
            out.append(carry)
            carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


@_guard
def ingest_bytes(data: bytes, name: str | None = None, content_type: str | None = None, **meta: Any) -> Document:
    """An upload or stdin: the format is sniffed from magic bytes, then the name's extension, then content."""
    meta.setdefault("id", name)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return _error("bad_input", f"expected bytes, got {type(data).__name__}", **meta)
    data = bytes(data)
    if len(data) == 0:
        return _error("empty_input", "the input is empty (0 bytes); submit a file with content", **meta)
    if len(data) > MAX_INPUT_BYTES:
        return _error("too_large", f"the input is {len(data)} bytes; the limit is {MAX_INPUT_BYTES} bytes — split it "
                      "or submit the text only", **meta)
    if not data.strip():
        return _error("empty_input", "the input contains only whitespace; submit the document text", **meta)
    fmt = sniff(data, name=name, content_type=content_type)
    if fmt == "html":
        return ingest_html(data, content_type=content_type, **meta)
    if fmt == "text":
        dec = decode_bytes(data, content_type=content_type)
        if dec.bad_ratio > 0.2:
            return _error("undecodable", f"the bytes do not decode as {dec.encoding} or any Chinese encoding "
                          f"({dec.bad_ratio:.0%} invalid); the file may be binary or damaged", "text", **meta)
        return _text_document(dec.text, "text", meta, dec.warnings)
    if fmt == "docx":
        from nlp.ingest.docx import DocxError, docx_text

        try:
            text, props = docx_text(data)
        except DocxError as exc:
            return Document(errors=[exc.issue], format="docx", **_clean_meta(meta))
        doc = _text_document(text, "docx", meta, keep_map=False)
        if not doc.title and props.get("title"):
            doc = doc.model_copy(update={"title": props["title"]})
        return doc
    if fmt == "pdf":
        from nlp.ingest.pdf import PdfError, pdf_text

        try:
            text, warnings = pdf_text(data)
        except PdfError as exc:
            return Document(errors=[exc.issue], format="pdf", **_clean_meta(meta))
        return _text_document(_reflow(text), "pdf", meta, warnings, keep_map=False)
    if fmt == "json":
        return _json_document(data, meta)
    if fmt == "doc":
        return _error("unsupported_format", "this is an old binary Word .doc; save it as .docx (or PDF/text) and submit "
                      "again", "doc", **meta)
    if fmt == "image":
        return _error("unsupported_format", "this is an image; run OCR first and submit the text", "image", **meta)
    if fmt == "zip":
        return _error("unsupported_format", "this is a zip archive, not a document; unpack it and submit the files", "zip", **meta)
    return _error("binary_input", "the input is binary data, not text, HTML, .docx or PDF; check that the right file "
                  "was submitted", "binary", **meta)


def _json_document(data: bytes, meta: dict[str, Any]) -> Document:
    try:
        obj = json.loads(decode_bytes(data).text)
    except (json.JSONDecodeError, ValueError) as exc:
        return _error("bad_json", f"the JSON is not valid ({exc}); fix it or submit the text", "record", **meta)
    if isinstance(obj, list) and len(obj) == 1:
        obj = obj[0]
    if not isinstance(obj, dict):
        return _error("bad_record", "the JSON must be one object {id, html | text | body, title?, …}; use a .jsonl file "
                      "for many records", "record", **meta)
    if not obj.get("id") and meta.get("id"):
        obj = {**obj, "id": meta["id"]}
    return from_record(obj)


@_guard
def ingest_path(path: str | Path) -> Document:
    """A file on disk; its size is checked before anything is read."""
    if not isinstance(path, (str, Path)) or not str(path):
        return _error("bad_input", f"expected a file path, got {type(path).__name__}")
    p = Path(path)
    try:
        if p.is_dir():
            return _error("is_directory", f"{p} is a directory; pass the files in it (the CLI expands directories)", id=str(p))
        size = p.stat().st_size
    except OSError as exc:
        return _error("unreadable", f"cannot read {p}: {exc.strerror}; check the path and permissions", id=str(p))
    if size > MAX_INPUT_BYTES:
        return _error("too_large", f"{p.name} is {size} bytes; the limit is {MAX_INPUT_BYTES} bytes — split it or "
                      "submit the text only", id=str(p))
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        return _error("unreadable", f"cannot read {p}: {exc.strerror}; check the path and permissions", id=str(p))
    return ingest_bytes(data, name=p.name, id=str(p))


@_guard
def from_record(record: dict[str, Any]) -> Document:
    """A JSON record {id, html | text | body, title?, url?, column?, published?, fileno?, …}.

    Fields present in the record (the crawler's structured data) win over what is read from the content.
    """
    if not isinstance(record, dict):
        return _error("bad_record", f"a record must be a JSON object, got {type(record).__name__}", "record")
    meta: dict[str, Any] = {k: record.get(k) for k in _META_FIELDS if k != "id"}
    if not meta.get("column"):
        meta["column"] = record.get("channel_name") or record.get("channel")
    rid = record.get("id") or record.get("docid") or record.get("url")
    meta["id"] = str(rid) if rid is not None else None
    html = record.get("html")
    body = record.get("text") or record.get("body")
    for field_value in (html, body):
        if isinstance(field_value, str) and len(field_value) > MAX_RECORD_FIELD_CHARS:
            return _error("too_large", f"the record's content has {len(field_value)} characters; the limit is "
                          f"{MAX_RECORD_FIELD_CHARS}", "record", **meta)
    if isinstance(html, str) and html.strip():
        doc = ingest_html(html, **meta)
        if doc.errors and isinstance(body, str) and body.strip():
            doc = _text_document(body, "record", meta)
        elif not doc.errors:
            doc = doc.model_copy(update={"format": "record"})
        return doc
    if isinstance(body, str):
        if not body.strip():
            return _error("empty_input", "the record's text is empty", "record", **meta)
        return _text_document(body, "record", meta)
    return _error("no_content", "the record has none of html, text or body; add the page content", "record", **meta)
