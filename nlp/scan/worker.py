"""Pass 1 for one page, run inside a worker: ingest → resolve column → analyse → database rows.

Runs in worker processes (or Ray actors) and never touches the database: it returns the finished rows
(pages tuple with compressed blobs, findings tuples), so the parent only inserts them — the per-page
parsing and compression are spread over the workers, not serialised in the single writer. The pipeline
is created once per process by `init_worker` through a factory named by a dotted path
("module:function"), so tests can swap in a fake pipeline that also works in spawned processes. With the
local engine the parent loads it once and forks the workers, which share it copy-on-write.

Per-page CPU time is recorded by stage (ingest, column, each analyser, the typo layer inside wording,
link mentions, row building) in `pages.timings`, for `training.synth_crawl bench`.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

from nlp.pipeline import TASKS, AnalyzeOptions, Pipeline
from nlp.scan.columns import column_kind, resolve_column
from nlp.scan.inputs import RawPage
from nlp.scan.linking import extract_mentions
from nlp.scan.store import result_rows
from nlp.schema import CompletenessResult, Document, Issue

DEFAULT_FACTORY = "nlp.scan.worker:default_pipeline"
_STATE: dict = {}
_CPU: dict[str, float] = {}  # CPU ms per stage for the page being analysed (one page at a time per process)


class _Timed:
    """Wraps a callable and adds its CPU time to _CPU[name]: a measurement hook, outputs are unchanged."""

    def __init__(self, name: str, fn) -> None:
        self.name, self.fn = name, fn

    def __call__(self, *args, **kwargs):
        c0 = time.process_time()
        try:
            return self.fn(*args, **kwargs)
        finally:
            _CPU[self.name] = _CPU.get(self.name, 0.0) + (time.process_time() - c0) * 1000

    def __getattr__(self, attr):  # the pipeline and tests may read the component's attributes
        return getattr(self.fn, attr)


def _instrument(pipeline) -> None:
    """Time each loaded analyser, and the statistical typo layer inside wording, in CPU ms per page."""
    comps = getattr(pipeline, "_components", None)
    if not isinstance(comps, dict):
        return  # a test's fake pipeline: only the total is timed
    for task, comp in list(comps.items()):
        if comp is None or isinstance(comp, _Timed):
            continue
        comps[task] = _Timed(task, comp)
        typo = getattr(comp, "typo_model", None)
        if typo is not None and callable(getattr(typo, "check", None)) and not isinstance(typo.check, _Timed):
            try:
                typo.check = _Timed("typo", typo.check)
            except AttributeError:  # slotted object: typo time stays inside wording
                pass
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def default_pipeline(models_dir: str | None = None) -> Pipeline:
    return Pipeline(Path(models_dir) if models_dir else None)


def make_pipeline(factory: str, models_dir: str | None):
    module, _, func = factory.partition(":")
    return getattr(importlib.import_module(module), func)(models_dir)


def pipeline_signature(factory: str, models_dir: str | None, tasks: tuple[str, ...] = TASKS) -> str:
    """What makes a stored analysis stale: the model files and the analyser code. A factory module may
    define SIGNATURE (tests do, so their fake pipeline's results stay valid)."""
    module = importlib.import_module(factory.partition(":")[0])
    if hasattr(module, "SIGNATURE"):
        return f"{factory}:{module.SIGNATURE}:{','.join(tasks)}"
    h = hashlib.blake2b(digest_size=12)
    h.update(",".join(tasks).encode())
    root = Path(__file__).resolve().parent.parent
    mdir = Path(models_dir) if models_dir else Path(os.environ.get("GOVLINT_MODELS") or root.parent / "models")
    places = [mdir] + [root / t for t in (*TASKS, "ingest")] + [root / "normalize.py"]
    for place in places:
        files = sorted(place.rglob("*")) if place.is_dir() else ([place] if place.exists() else [])
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                st = f.stat()
                h.update(f"{f.relative_to(root.parent) if root.parent in f.parents else f}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def init_worker(factory: str = DEFAULT_FACTORY, models_dir: str | None = None, threads: int = 1,
                worker_process: bool = True, tasks: tuple[str, ...] = TASKS) -> None:
    """Once per process: ignore Ctrl-C in workers (the parent handles it), cap threads, load the models —
    unless this process was forked from a parent that already loaded the same pipeline."""
    if worker_process:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread: nothing to do
            pass
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    key = (factory, models_dir, tuple(tasks))
    if _STATE.get("key") != key:
        t0 = time.perf_counter()
        pipeline = make_pipeline(factory, models_dir)
        if hasattr(pipeline, "load_all"):
            pipeline.load_all(tasks)
        _instrument(pipeline)
        _STATE.update(pipeline=pipeline, tasks=tuple(tasks), key=key, load_s=round(time.perf_counter() - t0, 3))
    if "torch" in sys.modules:  # only if a model uses it: importing torch costs seconds per worker
        try:
            sys.modules["torch"].set_num_threads(threads)
        except Exception:
            pass


def load_seconds() -> float | None:
    """How long this process took to create and load its pipeline (None if not loaded here)."""
    return _STATE.get("load_s")


def _pipeline():
    if "pipeline" not in _STATE:
        init_worker(worker_process=False)
    return _STATE["pipeline"]


def decode_html(data: bytes | str) -> str:
    """Best-effort text of the markup for column/breadcrumb parsing (ingestion does the real decoding)."""
    if isinstance(data, str):
        return data
    m = _CHARSET.search(data[:4096])
    enc = (m.group(1).decode("ascii", "ignore").lower() if m else "utf-8") or "utf-8"
    if enc in {"gb2312", "gbk"}:
        enc = "gb18030"
    try:
        return data.decode(enc)
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")


def ingest(raw: RawPage) -> tuple[Document, str | None]:
    """RawPage → Document via nlp.ingest (never raises); also returns the decoded HTML when there is one."""
    from nlp import ingest as ing

    meta = raw.meta
    base = {"id": raw.id}
    if meta.get("url"):
        base["url"] = meta["url"]
    html = None
    if raw.error:
        return Document(errors=[Issue(code="unreadable", message=raw.error)], **base), None
    try:
        if raw.kind == "html":
            html = decode_html(raw.payload)
            doc = ing.ingest_html(raw.payload, **base)
        elif raw.kind == "text":
            text = raw.payload if isinstance(raw.payload, str) else raw.payload.decode("utf-8", "replace")
            doc = ing.ingest_text(text, **base)
        else:
            data = raw.payload.encode() if isinstance(raw.payload, str) else raw.payload
            doc = ing.ingest_bytes(data, name=raw.name, **base)
    except Exception as exc:  # ingestion must not raise; if it does, the page is reported, the run goes on
        doc = Document(errors=[Issue(code="ingest_failed", message=f"{type(exc).__name__}: {exc}; "
                                     "report this page to the ingestion maintainers")], **base)
    # metadata from the crawler (sidecar / record / WARC) is authoritative over what the page template says
    update = {k: str(meta[k]) for k in ("title", "published", "written", "fileno", "publisher", "source", "url")
              if meta.get(k)}
    update["id"] = raw.id
    doc = doc.model_copy(update=update)
    return doc, html


def analyse(raw: RawPage, content_hash: str, sig: str) -> dict:
    """One page → {"id", "page": pages row, "findings": rows, "timings": JSON} for the parent to insert.
    Never raises."""
    t0, c0 = time.perf_counter(), time.process_time()
    _CPU.clear()
    doc, html = ingest(raw)
    c1 = time.process_time()
    column, source = resolve_column(raw.meta.get("column"), html, doc.column, doc.url or raw.meta.get("path") or raw.id)
    doc = doc.model_copy(update={"column": column})
    c2 = time.process_time()
    try:
        report = _pipeline().analyze(doc, AnalyzeOptions(tasks=_STATE.get("tasks", TASKS)))
    except Exception as exc:  # Pipeline.analyze already isolates components; this is the last guard
        from nlp.pipeline import summarize
        from nlp.schema import Report

        report = Report(id=raw.id, document=summarize(doc), errors=[Issue(code="analysis_failed", message=str(exc))])
    c3 = time.process_time()
    report.column = column
    if raw.meta.get("sidecar_error"):
        report.warnings.append(Issue(code="bad_sidecar", message=raw.meta["sidecar_error"]))
    links = [(lk.href, lk.text) for lk in doc.links]
    mentions = extract_mentions(doc.title, doc.text, doc.url, links)
    c4 = time.process_time()
    timings = dict(report.timings_ms)
    report.timings_ms = {}
    page, findings = result_rows(
        report, id=raw.id, origin=raw.origin, content_hash=content_hash, pipeline_sig=sig, column=column,
        column_source=source, column_kind=column_kind(column), doc_json=doc.model_dump_json(),
        mentions=json.dumps(mentions.as_dict(), ensure_ascii=False, sort_keys=True))
    c5 = time.process_time()
    cpu = {f"{k}_cpu": round(v, 3) for k, v in _CPU.items()}
    cpu.update(ingest_cpu=round((c1 - c0) * 1000, 3), column_cpu=round((c2 - c1) * 1000, 3),
               analyse_cpu=round((c3 - c2) * 1000, 3), mentions_cpu=round((c4 - c3) * 1000, 3),
               rows_cpu=round((c5 - c4) * 1000, 3))
    # wall and CPU ms of this page in this worker: CPU time is what a loaded, shared machine cannot distort
    timing_json = json.dumps(dict(timings, **cpu, total=round((time.perf_counter() - t0) * 1000, 2),
                                  cpu=round((time.process_time() - c0) * 1000, 2)))
    return {"id": raw.id, "page": page, "findings": findings, "timings": timing_json}


def analyse_batch(items: list[tuple[RawPage, str]], sig: str) -> list[dict]:
    return [analyse(raw, h, sig) for raw, h in items]


def relate(interp_doc_json: str, doc_json: str, stored_json: str | None = None) -> str | None:
    """Completeness of an interpretation *against its linked document* (copy_ratio needs the document).

    With the page's pass-1 completeness (`stored_json`) and a component that can re-read a result against a
    document (`with_related`, nlp.completeness), only the copy ratio is computed; otherwise the completeness
    analysis runs again with the document."""
    interp = Document.model_validate_json(interp_doc_json)
    doc = Document.model_validate_json(doc_json)
    pipe = _pipeline()
    comp = pipe.component("completeness") if stored_json and hasattr(pipe, "component") else None
    fast = getattr(comp, "with_related", None) if comp is not None else None
    if fast is not None:
        return fast(CompletenessResult.model_validate_json(stored_json), interp, doc).model_dump_json()
    report = pipe.analyze(interp, AnalyzeOptions(tasks=("completeness",), related=doc))
    if report.completeness is None:
        return None
    return report.completeness.model_dump_json()


def relate_pair(pair: tuple[str, ...]) -> str | None:
    """(interpretation JSON, document JSON[, stored completeness JSON])."""
    return relate(*pair)
