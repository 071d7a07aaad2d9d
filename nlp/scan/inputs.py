"""Crawl inputs → `RawPage`s: directory trees (with sidecar .json), WARC/WARC.GZ, JSON Lines records.

The parent process only reads bytes and metadata here (cheap, sequential I/O) and hashes them; parsing and
analysis happen in the workers. Everything is lazy so a million-page crawl starts at once, and every bad
input becomes a RawPage with an `error` instead of stopping the run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PAGE_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".txt", ".text", ".docx", ".pdf"}
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_PAGE_BYTES = 50 * 1024 * 1024
META_KEYS = ("url", "column", "title", "published", "written", "fileno", "publisher", "source")


@dataclass
class RawPage:
    """One crawled item before ingestion. `kind`: html | text | file (docx/pdf/txt by name) | record."""

    id: str
    kind: str
    payload: bytes | str = b""
    name: str | None = None  # file name, for format detection by suffix
    meta: dict = field(default_factory=dict)  # url, column, title, published, … from sidecar/record/WARC
    origin: str = ""  # where it came from (path, path:line, warc#offset), for error messages
    error: str | None = None

    def content_hash(self) -> str:
        """Hash of what determines the analysis: bytes + metadata. Same hash → the stored result is valid."""
        h = hashlib.blake2b(digest_size=16)
        h.update(self.kind.encode())
        data = self.payload.encode("utf-8", "surrogatepass") if isinstance(self.payload, str) else self.payload
        h.update(hashlib.blake2b(data, digest_size=16).digest())
        h.update(json.dumps(self.meta, sort_keys=True, ensure_ascii=False, default=str).encode())
        h.update((self.error or "").encode())
        return h.hexdigest()


def iter_inputs(inputs: list[str]) -> Iterator[RawPage]:
    for item in inputs:
        p = Path(item)
        low = item.lower()
        if p.is_dir():
            yield from iter_directory(p)
        elif low.endswith(WARC_SUFFIXES):
            yield from iter_warc(p)
        elif low.endswith(".jsonl") or low.endswith(".jsonl.gz"):
            yield from iter_jsonl(p)
        elif p.is_file():
            yield _file_page(p, p.parent)
        else:
            yield RawPage(id=item, kind="file", origin=item,
                          error=f"{item} does not exist; pass a directory, a WARC file, a .jsonl file or a page")


def _sidecar(path: Path) -> tuple[dict, str | None]:
    """Metadata next to a page: `page.html.json` or `page.json`. A broken sidecar is reported, not fatal."""
    for cand in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        if cand.is_file():
            try:
                meta = json.loads(cand.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                return {}, f"sidecar {cand} is not valid JSON ({exc}); fix or delete it"
            if not isinstance(meta, dict):
                return {}, f"sidecar {cand} is not a JSON object"
            return {k: meta[k] for k in META_KEYS if meta.get(k) not in (None, "")}, None
    return {}, None


def iter_directory(root: Path) -> Iterator[RawPage]:
    """Pages under `root` in a stable order (sorted walk), so progress and resumption are reproducible."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            path = Path(dirpath) / fn
            low = fn.lower()
            if low.endswith(WARC_SUFFIXES):
                yield from iter_warc(path)
            elif low.endswith(".jsonl"):
                yield from iter_jsonl(path)
            elif path.suffix.lower() in PAGE_SUFFIXES:
                yield _file_page(path, root)


def _file_page(path: Path, root: Path) -> RawPage:
    meta, err = _sidecar(path)
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    pid = str(meta.get("url") or path)
    meta.setdefault("path", rel)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            return RawPage(id=pid, kind="file", name=path.name, meta=meta, origin=str(path),
                           error=f"{path} is {size} bytes; the limit is {MAX_PAGE_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        return RawPage(id=pid, kind="file", name=path.name, meta=meta, origin=str(path),
                       error=f"cannot read {path}: {exc.strerror}")
    kind = "html" if path.suffix.lower() in {".html", ".htm", ".shtml", ".xhtml"} else "file"
    page = RawPage(id=pid, kind=kind, payload=data, name=path.name, meta=meta, origin=str(path))
    if err:
        page.meta["sidecar_error"] = err
    return page


def iter_warc(path: Path) -> Iterator[RawPage]:
    """HTTP 200 HTML responses of a WARC/ARC (gzipped or not). Other records are skipped, not errors."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        fh = path.open("rb")
    except OSError as exc:
        yield RawPage(id=str(path), kind="html", origin=str(path), error=f"cannot read {path}: {exc.strerror}")
        return
    with fh:
        try:
            it = ArchiveIterator(fh, arc2warc=True)
            for rec in it:
                if rec.rec_type != "response":
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                status = rec.http_headers.get_statuscode() if rec.http_headers else None
                ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
                if status and status != "200":
                    continue
                if ctype and "html" not in ctype.lower() and "text/plain" not in ctype.lower():
                    continue
                data = rec.content_stream().read(MAX_PAGE_BYTES + 1)
                origin = f"{path}#{it.get_record_offset()}"
                meta = {"url": url}
                date = rec.rec_headers.get_header("WARC-Date")
                if date:
                    meta["crawled"] = date
                if len(data) > MAX_PAGE_BYTES:
                    yield RawPage(id=url or origin, kind="html", meta=meta, origin=origin,
                                  error=f"response body over {MAX_PAGE_BYTES} bytes")
                    continue
                yield RawPage(id=url or origin, kind="html" if "plain" not in ctype.lower() else "text",
                              payload=data, meta=meta, origin=origin)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            yield RawPage(id=f"{path}#error", kind="html", origin=str(path),
                          error=f"{path} is not a readable WARC ({type(exc).__name__}: {exc}); records before this "
                                f"point were scanned")


def iter_jsonl(path: Path) -> Iterator[RawPage]:
    """Records {url, column?, title?, published?, html | text}; `body` is accepted as text (corpus format)."""
    import gzip

    try:
        fh = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
    except OSError as exc:
        yield RawPage(id=str(path), kind="record", origin=str(path), error=f"cannot read {path}: {exc.strerror}")
        return
    with fh:
        for lineno, raw in enumerate(fh, 1):
            origin = f"{path}:{lineno}"
            if not raw.strip():
                continue
            if len(raw) > MAX_PAGE_BYTES:
                yield RawPage(id=origin, kind="record", origin=origin, error=f"record is {len(raw)} bytes; limit {MAX_PAGE_BYTES}")
                continue
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield RawPage(id=origin, kind="record", origin=origin, error=f"line {lineno} is not valid JSON ({exc}); fix or remove it")
                continue
            if not isinstance(rec, dict):
                yield RawPage(id=origin, kind="record", origin=origin, error=f"line {lineno} is not a JSON object")
                continue
            meta = {k: rec[k] for k in META_KEYS if isinstance(rec.get(k), (str, int, float)) and rec.get(k) != ""}
            meta = {k: str(v) for k, v in meta.items()}
            if not meta.get("column") and isinstance(rec.get("channel_name"), str) and rec["channel_name"]:
                meta["column"] = rec["channel_name"]
            pid = str(rec.get("url") or rec.get("id") or origin)
            html = rec.get("html")
            text = rec.get("text") if isinstance(rec.get("text"), str) else rec.get("body")
            if isinstance(html, str) and html.strip():
                yield RawPage(id=pid, kind="html", payload=html, meta=meta, origin=origin)
            elif isinstance(text, str) and text.strip():
                yield RawPage(id=pid, kind="text", payload=text, meta=meta, origin=origin)
            else:
                yield RawPage(id=pid, kind="record", meta=meta, origin=origin,
                              error=f"line {lineno} has none of html, text or body")
