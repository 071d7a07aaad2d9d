"""Expand CLI inputs (files, directories, '-', .jsonl record files) into Documents, lazily.

Lazy so a million-page directory starts producing reports at once; every bad input yields a Document
with `errors` rather than stopping the run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from nlp.ingest import from_record, ingest_bytes, ingest_path
from nlp.ingest.limits import MAX_INPUT_BYTES
from nlp.schema import Document, Issue

SUPPORTED_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".txt", ".text", ".docx", ".pdf", ".json", ".jsonl"}
# also picked up in a directory walk so the user learns why they cannot be read (old Word, crawler dumps)
REPORTED_SUFFIXES = {".doc", ".wps", ".bin", ".dat", ""}
MAX_RECORD_LINE = 50 * 1024 * 1024


def expand(inputs: list[str]) -> list[str]:
    """Resolve directories to their supported files (sorted, recursive). Missing paths are kept so they report an error."""
    out: list[str] = []
    for item in inputs:
        p = Path(item)
        if item != "-" and p.is_dir():
            out.extend(str(f) for f in sorted(p.rglob("*")) if _wanted(f, p))
        else:
            out.append(item)
    return out


def _wanted(f: Path, root: Path) -> bool:
    """Documents (and files a user may expect to be read) in a directory walk; hidden files and folders are skipped."""
    if any(part.startswith(".") for part in f.relative_to(root).parts):
        return False
    return f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES | REPORTED_SUFFIXES


def iter_documents(items: list[str]) -> Iterator[Document]:
    for item in items:
        if item == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)  # more is refused by ingest_bytes, never buffered
            yield ingest_bytes(data, name="stdin", id="-")
        elif item.lower().endswith(".jsonl"):
            yield from iter_records(Path(item))
        else:
            yield ingest_path(item)


def _capped_lines(fh, cap: int) -> Iterator[tuple[bytes, int]]:
    """(line, its size) without ever holding more than `cap` bytes of one line: an over-long line is skipped
    through in chunks and yielded empty with its true size."""
    while True:
        raw = fh.readline(cap + 1)
        if not raw:
            return
        if len(raw) <= cap or raw.endswith(b"\n"):
            yield raw, len(raw)
            continue
        size = len(raw)
        while True:
            chunk = fh.readline(1 << 20)
            size += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                break
        yield b"", size


def iter_records(path: Path) -> Iterator[Document]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield Document(id=str(path), errors=[Issue(code="unreadable", message=f"cannot read {path}: {exc.strerror}")])
        return
    with fh:
        for lineno, (raw, size) in enumerate(_capped_lines(fh, MAX_RECORD_LINE), 1):
            rid = f"{path}:{lineno}"
            if size > MAX_RECORD_LINE:
                yield Document(id=rid, errors=[Issue(code="too_large", message=f"record line is {size} bytes; limit "
                                                     f"{MAX_RECORD_LINE} — split the record or drop its html")])
                continue
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Document(id=rid, errors=[Issue(code="bad_json", message=f"line {lineno} is not valid JSON ({exc}); fix or remove it")])
                continue
            if not isinstance(rec, dict):
                yield Document(id=rid, errors=[Issue(code="bad_record", message=f"line {lineno} is not a JSON object")])
                continue
            doc = from_record(rec)
            if doc.id is None:
                doc = doc.model_copy(update={"id": rid})
            yield doc
