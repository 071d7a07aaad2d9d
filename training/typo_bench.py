"""`govlint bench typo`: cold CPU cost of the statistical typo layer per 3,000 characters, printed.

Why a separate benchmark: `govlint bench wording` measures the checker as a server sees it, with its memos warm
(boilerplate repeats). The figure that bounds latency is the cold one — a page never seen before — so this
clears every memo before each document and reports CPU time (robust on a shared machine) for two kinds of text:
real government pages of the corpus (`pages`) and clean news sentences from acc_xxqg's held-out half glued into
pages (`novel`: text the n-gram model never saw, more candidates survive). `--reference` runs the per-position
path (typo_fast) instead of the vectorised one (typo_vec), for the before/after ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from training.paths import require_shared


def _pages(n: int, chars: int) -> list[str]:
    out: list[str] = []
    with require_shared("corpus", "sanming.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            body = (json.loads(line).get("body") or "").strip()
            if len(body) >= chars // 2:
                out.append(body[:chars])
            if len(out) == n:
                break
    return out


def _novel(n: int, chars: int) -> list[str]:
    from training.typo import halves, load_xxqg

    text = "".join(r["original_text"] for r in halves(load_xxqg("acc_xxqg.tet.json"), "test"))
    return [text[i : i + chars] for i in range(0, min(len(text), n * chars), chars) if len(text[i : i + chars]) == chars]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="govlint bench typo", description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100, help="documents per kind of text")
    ap.add_argument("--chars", type=int, default=3000)
    ap.add_argument("--reference", action="store_true", help="the per-position path instead of the vectorised one")
    ap.add_argument("--models", type=Path, default=Path(__file__).resolve().parent.parent / "models")
    args = ap.parse_args(argv)
    from nlp.wording.typo import TypoChecker
    from nlp.wording.typo_model import TypoResources

    t0 = time.perf_counter()
    checker = TypoChecker(TypoResources.load(args.models / "typo"), vectorised=not args.reference)
    load_s = time.perf_counter() - t0
    for kind, docs in (("pages", _pages(args.n, args.chars)), ("novel", _novel(args.n, args.chars))):
        per_doc, findings = [], 0
        for d in docs:
            checker.clear_memo()
            c0 = time.process_time()
            findings += len(checker.check(d))
            per_doc.append((time.process_time() - c0) * 1000 * 3000 / max(1, len(d)))
        print(json.dumps({
            "target": "typo", "text": kind, "path": "reference" if args.reference else "vectorised",
            "docs": len(docs), "chars_per_doc": args.chars,
            "cpu_ms_per_3000_chars_median": round(statistics.median(per_doc), 1),
            "cpu_ms_per_3000_chars_p90": round(sorted(per_doc)[int(0.9 * (len(per_doc) - 1))], 1),
            "findings": findings, "load_s": round(load_s, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }, ensure_ascii=False), flush=True)
    return 0
