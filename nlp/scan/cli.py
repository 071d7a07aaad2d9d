"""`govlint scan INPUT... --out DIR`: classify a whole crawl and report what an inspection looks for.

Two passes. Pass 1 ingests and analyses every page (parallel, resumable: a page whose content hash and
pipeline signature are already stored is skipped; results are committed in batches). Pass 2 links
interpretations to documents over the whole database, computes copy ratios and flags, and rewrites the
outputs atomically: reports.jsonl, scan.db, report.html, report.xlsx.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nlp.atomic import AtomicWriter
from nlp.log import get_logger
from nlp.scan.engine import EngineError, make_engine
from nlp.scan.inputs import WARC_SUFFIXES, PAGE_SUFFIXES, RawPage, iter_inputs
from nlp.scan.pass2 import run_pass2
from nlp.scan.store import Store
from nlp.scan.worker import DEFAULT_FACTORY, pipeline_signature

log = get_logger(__name__)
DB_NAME = "scan.db"


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="govlint scan",
        description="Batch-scan crawled pages: genre, completeness, wording, plus site-level flags "
                    "(news in interpretation columns, unlinked / late / early / copied interpretations).",
        epilog="Inputs: directories of .html/.htm/.txt/.docx/.pdf (optional sidecar page.html.json with url, column, "
               "title, published), WARC/WARC.GZ files, JSON Lines records {url, column?, title?, published?, html|text}. "
               "Re-running the same command resumes; pages already analysed are skipped.")
    ap.add_argument("inputs", nargs="+", metavar="INPUT")
    ap.add_argument("--out", required=True, type=Path, help="output directory (created; reused to resume)")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                    help="worker processes (each loads the models once); 0 = in this process (default: %(default)s)")
    ap.add_argument("--engine", choices=["local", "ray"], default="local")
    ap.add_argument("--ray-address", default=None, help="Ray cluster address ('auto', 'ray://head:10001'); default: start a local one")
    ap.add_argument("--tasks", default="genre,completeness,wording",
                    help="analysers to run (comma-separated; flags need genre, copy ratios need completeness)")
    ap.add_argument("--batch", type=int, default=64, help="pages per database transaction (default: %(default)s)")
    ap.add_argument("--models", default=None, help="models directory (default: $GOVLINT_MODELS or ./models)")
    ap.add_argument("--force", action="store_true", help="re-analyse every page even if already stored")
    ap.add_argument("--limit", type=int, default=None, help="stop after this many input pages (sampling)")
    ap.add_argument("--no-report", action="store_true", help="skip pass 2 and the output files (pass 1 only)")
    ap.add_argument("--pipeline-factory", default=os.environ.get("GOVLINT_SCAN_PIPELINE", DEFAULT_FACTORY),
                    help=argparse.SUPPRESS)
    return ap


def _estimate_total(inputs: list[str]) -> int | None:
    """Page count for the ETA, when cheap to know (files and record lines; WARC needs a full read: unknown)."""
    n = 0
    for item in inputs:
        p = Path(item)
        low = item.lower()
        if p.is_dir():
            for root, _, files in os.walk(p):
                for f in files:
                    fl = f.lower()
                    if fl.endswith(WARC_SUFFIXES):
                        return None
                    if fl.endswith(".jsonl"):
                        n += _count_lines(Path(root) / f)
                    elif Path(f).suffix.lower() in PAGE_SUFFIXES:
                        n += 1
        elif low.endswith(".jsonl"):
            n += _count_lines(p)
        elif low.endswith(WARC_SUFFIXES) or low.endswith(".gz"):
            return None
        else:
            n += 1
    return n


def _count_lines(p: Path) -> int:
    try:
        with p.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return 0


def _todo(inputs: list[str], store: Store, sig: str, force: bool, limit: int | None, stats: dict,
          bar) -> Iterator[tuple[RawPage, str]]:
    """Input pages that still need analysis. Duplicated ids keep their first occurrence (deterministic)."""
    seen: set[str] = set()
    buf: list[tuple[RawPage, str]] = []

    def flush() -> Iterator[tuple[RawPage, str]]:
        c0 = time.process_time()
        done = {} if force else store.done_hashes(r.id for r, _ in buf)
        stats["_read_cpu"] += time.process_time() - c0
        for raw, h in buf:
            if done.get(raw.id) == (h, sig):
                stats["skipped"] += 1
                bar.update(1)
            else:
                yield raw, h
        buf.clear()

    pages = iter_inputs(inputs)
    while True:
        c0 = time.process_time()
        raw = next(pages, None)
        if raw is None:
            break
        if raw.id in seen:
            stats["_read_cpu"] += time.process_time() - c0
            stats["duplicates"] += 1
            continue
        seen.add(raw.id)
        stats["inputs"] += 1
        buf.append((raw, raw.content_hash()))
        stats["_read_cpu"] += time.process_time() - c0
        if len(buf) >= 256:
            yield from flush()
        if limit and stats["inputs"] >= limit:
            break
    yield from flush()


def export_reports(store: Store, path: Path) -> int:
    """reports.jsonl: the stored Report of every page (id order) with its column, flags and timings."""
    flags: dict[str, list[dict]] = {}
    for r in store.rows("SELECT page_id, code, message, evidence FROM flags ORDER BY page_id, code"):
        flags.setdefault(r["page_id"], []).append({"code": r["code"], "message": r["message"],
                                                   "evidence": json.loads(r["evidence"] or "{}")})
    # completeness measured against the linked document (copy ratio, linked_document) replaces pass 1's
    related = {pid: comp for pid, comp in store.db.execute(
        "SELECT r.interp_id, r.completeness FROM related r JOIN links l ON l.interp_id = r.interp_id "
        "AND l.doc_id = r.doc_id WHERE r.completeness IS NOT NULL")}
    n = 0
    with AtomicWriter(path) as fh:
        for pid, rep_json, timings in store.iter_reports():
            rep = json.loads(rep_json)
            rep["flags"] = flags.get(pid, [])
            if pid in related and rep.get("completeness") is not None:
                rep["completeness"] = json.loads(related[pid])
            if timings:  # the pipeline's wall ms plus the page's total and CPU (per-stage CPU stays in scan.db)
                rep["timings_ms"] = {k: v for k, v in json.loads(timings).items() if not k.endswith("_cpu")}
            fh.write(json.dumps(rep, ensure_ascii=False) + "\n")
            n += 1
    return n


def _progress(total: int | None, desc: str, unit: str = "page"):
    from tqdm import tqdm

    disable = not sys.stderr.isatty() and os.environ.get("GOVLINT_PROGRESS") != "1"
    return tqdm(total=total, desc=desc, unit=unit, smoothing=0.1, dynamic_ncols=True, disable=disable, file=sys.stderr)


def _rates(arrivals: list[float], worker_cpu_ms: float, parent_cpu_s: float, workers: int) -> dict:
    """Throughput figures that mean something on a shared machine.

    steady_pages_per_s: the second half of the run (no worker start-up or model loading).
    cpu_ms_per_page: worker CPU + the parent's share; cpu_bound_pages_per_s_2_cores: what two dedicated
    cores would do if the work split perfectly (an upper bound to set against the measured wall rates).
    """
    n = len(arrivals)
    out: dict = {}
    if n >= 20:
        half = arrivals[n // 2:]
        if half[-1] > half[0]:
            out["steady_pages_per_s"] = round((len(half) - 1) / (half[-1] - half[0]), 1)
    if n:
        # in-process (workers=0) the parent's CPU already contains the analysis
        per_page = (worker_cpu_ms + parent_cpu_s * 1000) / n if workers else parent_cpu_s * 1000 / n
        out.update(worker_cpu_ms_per_page=round(worker_cpu_ms / n, 2),
                   parent_cpu_ms_per_page=round(parent_cpu_s * 1000 / n, 2),
                   cpu_bound_pages_per_s_2_cores=round(2000 / per_page, 1) if per_page > 0 else None)
    return out


class _Clock:
    """CPU and wall seconds of the parent's stages (startup, SQLite writes, pass 2, each report file)."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            yield
        finally:
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - c0
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - w0


def _peak_rss_mb() -> dict:
    """Peak resident memory of this process and of its largest child (the workers, once they have exited)."""
    import resource

    return {"parent": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    missing = [i for i in args.inputs if not Path(i).exists()]
    if missing:
        ap.error(f"input not found: {', '.join(missing)} (pass directories, .warc[.gz] or .jsonl files)")
    if args.workers < 0:
        ap.error("--workers must be >= 0")
    from nlp.pipeline import parse_tasks

    try:
        tasks = parse_tasks(args.tasks)
    except ValueError as exc:
        ap.error(str(exc))
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    sig = pipeline_signature(args.pipeline_factory, args.models, tasks)
    stats = {"inputs": 0, "skipped": 0, "analysed": 0, "duplicates": 0, "failed": 0, "_read_cpu": 0.0}
    clock = _Clock()
    t0 = time.perf_counter()
    arrivals: list[float] = []  # when each result came back, for the steady-state rate
    stage_ms: dict[str, float] = {}  # worker CPU ms summed by stage
    try:
        # the engine first: the local engine loads the models here and forks its workers, before the
        # database connection or the progress bar's thread exist
        with clock("startup"):
            engine = make_engine(args.engine, args.workers, args.pipeline_factory, args.models, tasks=tasks,
                                 **({"address": args.ray_address} if args.engine == "ray" else {}))
    except EngineError as exc:
        print(f"govlint scan: {exc}", file=sys.stderr)
        return 2
    store = Store(out / DB_NAME)
    store.set_meta(inputs=json.dumps(args.inputs, ensure_ascii=False), pipeline_sig=sig)
    interrupted = False
    buf: list[dict] = []
    bar = _progress(_estimate_total(args.inputs) if not args.limit else args.limit, "scan")
    try:
        last = time.monotonic()
        engine_start_s = time.perf_counter() - t0
        parent_cpu0 = time.process_time()
        for row in engine.run(_todo(args.inputs, store, sig, args.force, args.limit, stats, bar), sig):
            arrivals.append(time.perf_counter())
            for k, v in json.loads(row["timings"]).items():
                if k.endswith("_cpu") or k == "cpu":
                    stage_ms[k] = stage_ms.get(k, 0.0) + v
            buf.append(row)
            stats["analysed"] += 1
            bar.update(1)
            if len(buf) >= args.batch or time.monotonic() - last > 5:
                with clock("sqlite"):
                    store.write_results(buf)
                buf.clear()
                last = time.monotonic()
                bar.set_postfix(skipped=stats["skipped"], refresh=False)
        with clock("sqlite"):
            store.write_results(buf)
        buf.clear()
        bar.close()
        parent_cpu_s = time.process_time() - parent_cpu0
        analyse_s = time.perf_counter() - t0
        stats["failed"] = getattr(engine, "failed", 0)
        if not args.no_report:
            t1 = time.perf_counter()
            with clock("pass2"):
                p2 = run_pass2(store, engine.relate if "completeness" in tasks else None, sig,
                               progress=lambda **kw: _progress(unit="pair", **kw),
                               relate_many=getattr(engine, "relate_many", None) if "completeness" in tasks else None)
            with clock("reports_jsonl"):
                n = export_reports(store, out / "reports.jsonl")
            from nlp.scan.report_data import collect
            from nlp.scan.report_html import write_html
            from nlp.scan.report_xlsx import write_xlsx

            with clock("report_data"):
                rd = collect(store)
            with clock("report_html"):
                write_html(rd, out / "report.html")
            with clock("report_xlsx"):
                write_xlsx(rd, out / "report.xlsx")
            stats.update(pass2_s=round(time.perf_counter() - t1, 2), reports=n, **{f"p2_{k}": v for k, v in p2.items()})
            stats["flags"] = rd.summary["flags"]
        clock.cpu["read_hash"] = stats.pop("_read_cpu")
        stats.update(analyse_s=round(analyse_s, 2), engine_start_s=round(engine_start_s, 2),
                     first_result_s=round(arrivals[0] - t0, 2) if arrivals else None,
                     pages_per_s=round(stats["analysed"] / analyse_s, 1) if analyse_s > 0 else None,
                     **_rates(arrivals, stage_ms.get("cpu", 0.0), parent_cpu_s, args.workers),
                     total_s=round(time.perf_counter() - t0, 2), engine=engine.name, workers=args.workers,
                     start_method=getattr(engine, "start_method", None),
                     worker_stage_cpu_ms_per_page={k.removesuffix("_cpu"): round(v / len(arrivals), 3)
                                                   for k, v in sorted(stage_ms.items())} if arrivals else {},
                     parent_stage_cpu_s={k: round(v, 3) for k, v in clock.cpu.items()},
                     parent_stage_wall_s={k: round(v, 3) for k, v in clock.wall.items()})
    except KeyboardInterrupt:
        interrupted = True
        stats.pop("_read_cpu", None)
        store.write_results(buf)
        print(f"\ninterrupted: {store.count()} pages are stored in {out / DB_NAME}; re-run the same command to resume",
              file=sys.stderr)
    except EngineError as exc:
        store.write_results(buf)
        print(f"govlint scan: {exc}", file=sys.stderr)
        return 1
    finally:
        bar.close()
        engine.close()
        store.close()
    if interrupted:
        return 130
    stats["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(stats, ensure_ascii=False), file=sys.stderr)
    print(f"wrote {out / 'reports.jsonl'}, {out / DB_NAME}, {out / 'report.html'}, {out / 'report.xlsx'}"
          if not args.no_report else f"pass 1 done: {out / DB_NAME}", file=sys.stderr)
    return 1 if stats["failed"] else 0
