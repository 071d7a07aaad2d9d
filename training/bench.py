"""`govlint bench TARGET`: throughput, p50/p99 latency and peak RSS, printed, on corpus documents.

Targets: pipeline (all tasks), genre, completeness, wording, ingest, api (delegates to serve.loadtest),
scan (delegates to `training.synth_crawl bench`: end-to-end `govlint scan` throughput).
Speed claims in README and model cards come from this command, never from timed unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time

from training.paths import require_shared


def _docs(n: int, chars: int):
    from nlp.ingest import from_record

    texts = []
    for name in ("sanming.jsonl", "pingtan.jsonl"):
        with require_shared("corpus", name).open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                body = (r.get("body") or "").strip()
                if len(body) >= 200:
                    texts.append((r.get("title") or "", body))
    docs = []
    i = 0
    while len(docs) < n:
        title, body = texts[i % len(texts)]
        while len(body) < chars:
            body = body + "\n" + body
        docs.append(from_record({"id": f"bench-{i}", "title": title, "text": body[:chars]}))
        i += 1
    return docs


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main(argv: list[str]) -> int:
    if argv and argv[0] == "api":  # the load test owns all its options
        from serve.loadtest import main as api_main

        return api_main(argv[1:])
    if argv and argv[0] == "typo":  # cold cost of the statistical typo layer (training.typo_bench)
        from training.typo_bench import main as typo_main

        return typo_main(argv[1:])
    if argv and argv[0] == "scan":  # whole `govlint scan` runs on the synthetic crawl (training.synth_crawl bench)
        from training.synth_crawl import main as synth_main

        return synth_main(["bench", *argv[1:]])
    ap = argparse.ArgumentParser(prog="govlint bench")
    ap.add_argument("target", choices=["pipeline", "genre", "completeness", "wording", "ingest", "api"])
    ap.add_argument("-n", type=int, default=300, help="documents")
    ap.add_argument("--chars", type=int, default=2000, help="characters per document")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--no-typo", action="store_true", help="wording without the statistical typo layer")
    args = ap.parse_args(argv)
    from nlp.pipeline import TASKS, AnalyzeOptions, Pipeline

    if args.no_typo:
        os.environ["GOVLINT_WORDING_TYPO"] = "0"

    docs = _docs(args.n + args.warmup, args.chars)
    if args.target == "ingest":
        from nlp.ingest import ingest_text

        run = lambda d: ingest_text(d.text)  # noqa: E731
    else:
        tasks = TASKS if args.target == "pipeline" else (args.target,)
        p = Pipeline()
        p.load_all(tasks)
        opts = AnalyzeOptions(tasks=tasks)
        run = lambda d: p.analyze(d, opts)  # noqa: E731
    for d in docs[: args.warmup]:
        run(d)
    lat = []
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for d in docs[args.warmup :]:
        s = time.perf_counter()
        run(d)
        lat.append((time.perf_counter() - s) * 1000)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "target": args.target, "docs": args.n, "chars_per_doc": args.chars,
        "docs_per_s": round(args.n / wall, 1), "chars_per_s": round(args.n * args.chars / wall),
        "docs_per_cpu_s": round(args.n / cpu, 1) if cpu > 0 else None,
        "p50_ms": round(statistics.median(lat), 2), "p99_ms": round(_pct(lat, 0.99), 2),
        "peak_rss_mb": round(rss_mb, 1),
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0
