"""Ingestion: any submitted item (path, bytes, JSON record) becomes one `Document`.

Public API (stable; the CLI, API and batch scan call only these):
- `ingest_path(path)`: a file on disk.
- `ingest_bytes(data, name=None, content_type=None)`: an upload or stdin.
- `ingest_text(text, **meta)`: text already decoded (API JSON `text`).
- `ingest_html(html, **meta)`: HTML already decoded or as bytes (API JSON `html`).
- `from_record(record)`: a JSON record {id, html | text | body, title?, url?, column?, published?, fileno?}.
None of them raises on bad input: the Document carries `errors` instead.
"""

from nlp.ingest.core import from_record, ingest_bytes, ingest_html, ingest_path, ingest_text

__all__ = ["from_record", "ingest_bytes", "ingest_html", "ingest_path", "ingest_text"]
