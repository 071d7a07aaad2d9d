"""`govlint evaluate ingest`: the ingestion acceptance numbers, measured on ../shared, printed and saved.

- seeds 000/001: title, 文号, 成文日期 exact; no traditional characters or pinyin annotations left; the
  spam line of 000 is not the title;
- gov.cn State Council pages: title, 文号, 成文日期, 发布日期 exact per page (all four together too);
  bodies free of navigation/footer/share-print-close chrome;
- extraction speed on the gov.cn HTML (pages/s from the median latency, one process, one core) and peak RSS.
Nothing here is tuned on the result: the numbers are what `nlp.ingest` does today.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import time
from pathlib import Path

from training.paths import ROOT, require_shared

SEED_EXPECT = {
    "000": {"title": "湖北省人民政府办公厅关于2020年全省政务公开工作考评情况的通报", "fileno": "鄂政办电〔2021〕11号",
            "written": "2021-03-09"},
    "001": {"fileno": "甘政办发〔2017〕136号", "written": "2017-08-11"},
}
# chrome that must never reach a body: share/print/close/QR widgets, site footers and menus
CHROME_WORDS = ("扫一扫", "二维码", "打印本页", "关闭窗口", "【打印】", "【关闭】", "分享到", "版权所有", "网站地图",
                "主办单位", "主办：", "联系我们", "ICP备", "网站标识码", "当前位置", "收藏本页", "字号：")
PINYIN_LEFT = re.compile(r"[(（][a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}[)）]")
DEFAULT_OUT = ROOT / "training" / "reports" / "ingest_eval.json"


def chrome_lines(text: str) -> list[str]:
    from nlp.normalize import is_chrome_line

    out = []
    for line in text.split("\n"):
        if is_chrome_line(line) or any(w in line for w in CHROME_WORDS):
            out.append(line[:80])
    return out


def eval_seeds() -> dict:
    from nlp.ingest import ingest_path
    from nlp.normalize import _opencc_sets

    trad, _, _ = _opencc_sets()
    seeds_dir = require_shared("seeds")
    out: dict = {}
    for prefix, expect in SEED_EXPECT.items():
        path = next(seeds_dir.glob(f"{prefix}_*"))
        doc = ingest_path(path)
        first_line = doc.text.split("\n", 1)[0] if doc.text else ""
        trad_left = sorted({c for c in doc.text if c in trad})
        checks = {k: {"expected": v, "got": getattr(doc, k), "ok": getattr(doc, k) == v} for k, v in expect.items()}
        checks["no_traditional_left"] = {"got": "".join(trad_left), "ok": not trad_left}
        pinyin = PINYIN_LEFT.findall(doc.text)
        checks["no_pinyin_left"] = {"got": pinyin[:10], "ok": not pinyin}
        if prefix == "000":
            checks["spam_not_title"] = {"got": doc.title, "first_line": first_line[:60],
                                        "ok": doc.title is not None and "_" not in doc.title and doc.title != first_line}
        out[prefix] = {
            "file": path.name, "checks": checks, "all_ok": all(c["ok"] for c in checks.values()),
            "mojibake_warnings": sum(1 for w in doc.warnings if w.code == "mojibake"),
            "warnings": sorted({w.code for w in doc.warnings}), "errors": [e.code for e in doc.errors],
        }
    return out


def eval_govcn(repeats: int = 3) -> dict:
    from nlp.ingest import ingest_html
    from nlp.metadata import parse_date

    rows = [json.loads(x) for x in require_shared("corpus", "govcn_state_council.jsonl").open(encoding="utf-8")]
    fields = ("title", "fileno", "written", "published")
    hits = {f: 0 for f in fields}
    all_ok = 0
    failures = []
    chrome_pages = []
    for r in rows:
        doc = ingest_html(r["html"], url=r.get("url"))  # the page only: the true values are never passed in
        expect = {"title": r["title"], "fileno": r["fileno"], "written": parse_date(r["written"]),
                  "published": parse_date(r["published"])}
        bad = {f: {"expected": expect[f], "got": getattr(doc, f)} for f in fields if getattr(doc, f) != expect[f]}
        for f in fields:
            hits[f] += f not in bad
        all_ok += not bad and not doc.errors
        if bad or doc.errors:
            failures.append({"id": r["id"], "wrong": bad, "errors": [e.code for e in doc.errors]})
        ch = chrome_lines(doc.text)
        if ch:
            chrome_pages.append({"id": r["id"], "lines": ch[:5]})
    # speed: per-page latency, best of `repeats` runs per page, median over pages. CPU time (process_time)
    # is what one core spends; wall time is also reported but is noisy on a shared machine.
    lat, cpu = [], []
    for r in rows:
        best = best_cpu = float("inf")
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            ingest_html(r["html"], url=r.get("url"))
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        lat.append(best * 1000)
        cpu.append(best_cpu * 1000)
    med, med_cpu = statistics.median(lat), statistics.median(cpu)
    total_cpu = sum(cpu)
    return {
        "pages": len(rows),
        "field_accuracy": {f: round(hits[f] / len(rows), 4) for f in fields},
        "all_four_exact": round(all_ok / len(rows), 4),
        "all_four_exact_count": all_ok,
        "failures": failures,
        "pages_with_chrome_in_body": len(chrome_pages),
        "chrome_examples": chrome_pages[:5],
        "speed": {"median_wall_ms_per_page": round(med, 2), "p90_wall_ms": round(sorted(lat)[int(0.9 * (len(lat) - 1))], 2),
                  "median_cpu_ms_per_page": round(med_cpu, 2),
                  "pages_per_s_one_core": round(1000 / med_cpu, 1),
                  "pages_per_s_one_core_all_pages": round(1000 * len(rows) / total_cpu, 1),
                  "pages_per_s_wall_at_median": round(1000 / med, 1), "mean_html_kb": round(
                      statistics.mean(len(r["html"].encode()) for r in rows) / 1024, 1)},
    }


def evaluate_main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="govlint evaluate ingest", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON report (default {DEFAULT_OUT.relative_to(ROOT)})")
    ap.add_argument("--repeats", type=int, default=3, help="timing runs per page (best of)")
    args = ap.parse_args(argv or [])
    report = {"seeds": eval_seeds(), "govcn": eval_govcn(args.repeats)}
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report["acceptance"] = {
        "seeds_all_ok": all(s["all_ok"] for s in report["seeds"].values()),
        "govcn_all_four_exact_ge_95pct": report["govcn"]["all_four_exact"] >= 0.95,
        "govcn_bodies_chrome_free": report["govcn"]["pages_with_chrome_in_body"] == 0,
        "govcn_speed_ge_100_pages_per_s_one_core": report["govcn"]["speed"]["pages_per_s_one_core"] >= 100,
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        from nlp.atomic import write_text_atomic

        write_text_atomic(args.out, text + "\n")
    return 0 if all(report["acceptance"].values()) else 1
