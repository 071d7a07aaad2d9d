"""The scan database (SQLite): pages, findings, links, flags, and the copy-ratio cache.

Why SQLite: one file the evaluator can query (`sqlite3 scan.db 'select …'`), transactions that make a
kill -9 lose at most the batch in flight, and WAL so readers never block the writer. Only the parent
process writes. Rows are keyed by page id and contain no order-dependent values, so a resumed run ends
with the same table contents as an uninterrupted one (only `analysed_at` and `timings` differ).
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from nlp.schema import Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pages(
  id TEXT PRIMARY KEY, origin TEXT, content_hash TEXT NOT NULL, pipeline_sig TEXT NOT NULL,
  url TEXT, column_name TEXT, column_source TEXT, column_kind TEXT,
  title TEXT, published TEXT, written TEXT, fileno TEXT, publisher TEXT, source TEXT, chars INTEGER,
  genre TEXT, genre_confidence REAL, genre_abstained INTEGER, completeness REAL,
  n_findings INTEGER, n_serious INTEGER, n_errors INTEGER,
  mentions TEXT, doc BLOB, report BLOB, timings TEXT, analysed_at REAL);
CREATE INDEX IF NOT EXISTS pages_column ON pages(column_name);
CREATE TABLE IF NOT EXISTS findings(
  page_id TEXT NOT NULL, idx INTEGER NOT NULL, category TEXT, severity TEXT, start INTEGER, "end" INTEGER,
  text TEXT, suggestion TEXT, rule TEXT, message TEXT, confidence REAL, PRIMARY KEY(page_id, idx));
CREATE TABLE IF NOT EXISTS links(
  interp_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, method TEXT, score REAL, interp_date TEXT, doc_date TEXT,
  delay_working_days INTEGER, delay_calendar_days INTEGER, calendar_exact INTEGER, late INTEGER,
  before_document INTEGER, doc_links_back INTEGER, evidence TEXT);
CREATE TABLE IF NOT EXISTS related(
  interp_id TEXT NOT NULL, doc_id TEXT NOT NULL, interp_hash TEXT, doc_hash TEXT, pipeline_sig TEXT,
  completeness TEXT, copy_ratio REAL, PRIMARY KEY(interp_id, doc_id));
CREATE TABLE IF NOT EXISTS flags(
  page_id TEXT NOT NULL, code TEXT NOT NULL, message TEXT, evidence TEXT, PRIMARY KEY(page_id, code));
"""
VOLATILE_COLUMNS = {"pages": ("analysed_at", "timings")}
SEVERITY_RANK = {"serious": 0, "warning": 1, "info": 2}


def pack(s: str) -> bytes:
    return zlib.compress(s.encode("utf-8"), 6)


def unpack(b: bytes | None) -> str | None:
    return zlib.decompress(b).decode("utf-8") if b is not None else None


def result_rows(rep: Report, *, id: str, origin: str, content_hash: str, pipeline_sig: str, column: str | None,
                column_source: str | None, column_kind: str | None, doc_json: str, mentions: str
                ) -> tuple[tuple, list[tuple]]:
    """A page's `pages` row (every column before `timings`, blobs compressed) and its `findings` rows.

    Built in the worker from the Report object it already holds, so the single writing process neither
    re-parses the report nor compresses anything."""
    d = rep.document
    g = rep.genre
    findings = rep.findings or []
    page = (id, origin, content_hash, pipeline_sig, d.url, column, column_source, column_kind, d.title, d.published,
            d.written, d.fileno, d.publisher, d.source, d.chars, g.label if g else None, g.confidence if g else None,
            int(g.abstained) if g else None, rep.completeness.score if rep.completeness else None,
            len(findings) if rep.findings is not None else None,
            sum(f.severity == "serious" for f in findings) if rep.findings is not None else None,
            len(rep.errors), mentions, pack(doc_json), pack(rep.model_dump_json()))
    rows = [(id, i, f.category, f.severity, f.start, f.end, f.text, f.suggestion, f.rule, f.message, f.confidence)
            for i, f in enumerate(findings)]
    return page, rows


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a committed batch survives kill -9
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # --- pass 1 -----------------------------------------------------------------------------------
    def done_hashes(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """{id: (content_hash, pipeline_sig)} for the given ids that are stored."""
        ids = list(ids)
        out: dict[str, tuple[str, str]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i: i + 500]
            q = f"SELECT id, content_hash, pipeline_sig FROM pages WHERE id IN ({','.join('?' * len(chunk))})"
            for pid, h, sig in self.db.execute(q, chunk):
                out[pid] = (h, sig)
        return out

    def write_results(self, results: list[dict]) -> None:
        """One transaction per batch: either the whole batch is stored or none of it. The rows were built
        by the workers (`result_rows`), so this is a few executemany calls."""
        if not results:
            return
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(f"INSERT OR REPLACE INTO pages VALUES ({','.join('?' * 27)})",
                                [(*r["page"], r["timings"], now) for r in results])
            self.db.executemany("DELETE FROM findings WHERE page_id=?", [(r["id"],) for r in results])
            self.db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                [f for r in results for f in r["findings"]])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # --- meta ---------------------------------------------------------------------------------------
    def set_meta(self, **kv: str) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", [(k, str(v)) for k, v in kv.items()])

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    # --- reading ----------------------------------------------------------------------------------
    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]

    def rows(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        cur = self.db.execute(sql, args)
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row)) for row in cur]

    def doc_json(self, page_id: str) -> str | None:
        row = self.db.execute("SELECT doc FROM pages WHERE id=?", (page_id,)).fetchone()
        return unpack(row[0]) if row else None

    def completeness_json(self, page_id: str) -> str | None:
        """The page's pass-1 completeness result (JSON), if it has one."""
        row = self.db.execute("SELECT report FROM pages WHERE id=?", (page_id,)).fetchone()
        if not row or not row[0]:
            return None
        comp = json.loads(unpack(row[0])).get("completeness")
        return json.dumps(comp, ensure_ascii=False) if comp is not None else None

    def iter_reports(self) -> Iterator[tuple[str, str, str | None]]:
        """(id, report JSON, timings JSON) in id order, streaming."""
        for pid, rep, timings in self.db.execute("SELECT id, report, timings FROM pages ORDER BY id"):
            yield pid, unpack(rep), timings

    # --- pass 2 -----------------------------------------------------------------------------------
    def replace_derived(self, links: list[tuple], flags: list[tuple]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM links")
            self.db.execute("DELETE FROM flags")
            self.db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", links)
            self.db.executemany("INSERT INTO flags VALUES (?,?,?,?)", flags)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def related(self, interp_id: str, doc_id: str) -> dict | None:
        rows = self.rows("SELECT * FROM related WHERE interp_id=? AND doc_id=?", (interp_id, doc_id))
        return rows[0] if rows else None

    def put_related(self, rows: list[tuple]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO related VALUES (?,?,?,?,?,?,?)", rows)


def table_digest(path: str | Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the volatile columns: two runs are 'the same' iff equal."""
    db = sqlite3.connect(str(path))
    out = {}
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        if table == "meta":
            continue
        cols = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
        keep = [c for c in cols if c not in VOLATILE_COLUMNS.get(table, ())]
        rows = db.execute(f"SELECT {', '.join(json.dumps(c) for c in keep)} FROM {table}").fetchall()
        out[table] = sorted(rows, key=repr)
    db.close()
    return out
