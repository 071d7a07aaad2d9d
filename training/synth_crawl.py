"""Synthetic crawl for the batch-scan acceptance: real corpus pages written as CMS-style HTML into column
folders, with planted cases whose expected verdicts are known in advance.

    .venv/bin/python -m training.synth_crawl build --out /tmp/crawl      # crawl/ + truth.json (never commit)
    .venv/bin/govlint scan /tmp/crawl/crawl --out /tmp/scan
    .venv/bin/python -m training.synth_crawl check --crawl /tmp/crawl --scan /tmp/scan
    .venv/bin/python -m training.synth_crawl killtest --crawl /tmp/crawl --work /tmp/kt   # kill -9 + resume
    .venv/bin/python -m training.synth_crawl bench --workers 1,2 --runs 3   # throughput (= govlint bench scan)

Planted: (1) news / press conferences / notices in interpretation columns (the corpus hard set, plus news
moved from 市级动态); (2) interpretation→document pairs (links.jsonl) with hyperlinks for half of them;
(3) dates across 国庆 2024 and 春节 2024/2025 with make-up working days, with delays computed BY HAND from
the State Council holiday notices (not by the code under test); one interpretation dated before its
document; (4) interpretations whose document is left out of the crawl (unlinked); (5) "interpretations"
that copy their document. The column reaches the scan three ways: sidecar metadata, breadcrumb, URL path.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from training.paths import require_shared

SITE = "http://www.sm.gov.cn/"
COLUMN_OF_CHANNEL = {
    "zcjd/bszcjd": "政策解读/本市政策解读", "zcjd/bmzcjd": "政策解读/部门政策解读", "zcjd/xwfbh": "政策解读/新闻发布会",
    "zcjd/hygq": "政策解读/回应关切", "zcjd/mtjd": "政策解读/媒体解读", "zw/zwxx/sjdt": "政务信息/市级动态",
    "smsrmzfbgs/smsrmzf/zfxxgkml/fggzhgfxwj": "政府信息公开/法规规章和规范性文件",
}
# (document date, interpretation date, expected working-day delay) — counted by hand from the notices:
# 2024 国庆: 10-01..10-07 off, Sun 09-29 and Sat 10-12 worked; 2024 春节: 02-10..02-17 off, Sun 02-04 and
# Sun 02-18 worked (02-09 除夕 was a working day); 2025 春节: 01-28..02-04 off, Sun 01-26 and Sat 02-08 worked.
PLANTED_DATES = [
    ("2024-09-27", "2024-10-09", 4, "国庆2024: 09-29(调休), 09-30, 10-08, 10-09"),
    ("2024-09-30", "2024-10-08", 1, "国庆2024: only 10-08 (8 calendar days, on time)"),
    ("2024-09-28", "2024-10-10", 5, "国庆2024: 09-29(调休), 09-30, 10-08, 10-09, 10-10"),
    ("2024-09-29", "2024-10-11", 5, "国庆2024: 09-30, 10-08, 10-09, 10-10, 10-11"),
    ("2025-01-24", "2025-02-06", 4, "春节2025: 01-26(调休), 01-27, 02-05, 02-06"),
    ("2025-01-27", "2025-02-05", 1, "春节2025: only 02-05"),
    ("2024-02-08", "2024-02-19", 3, "春节2024: 02-09, 02-18(调休), 02-19 (at the limit, on time)"),
    ("2024-02-07", "2024-02-20", 5, "春节2024: 02-08, 02-09, 02-18(调休), 02-19, 02-20"),
    ("2023-06-15", "2023-06-12", -3, "interpretation dated before its document"),
]
# Throughput replicas (k >= 1) reword every page so that per-run memos (the typo layer's) are not handed a
# crawl of exact repeats: another city for 三明, word-for-word synonym swaps and some merged clauses, chosen
# pseudo-randomly per replica and page (deterministic). Replica 0 is the corpus text (the acceptance crawl).
CITIES = ("南平", "龙岩", "宁德", "莆田", "漳州", "泉州", "赣州", "抚州", "上饶", "吉安", "丽水", "衢州",
          "梅州", "韶关", "永州", "郴州", "怀化", "邵阳", "黄山", "宣城")
SYNONYMS = (("加强", "强化"), ("推进", "推动"), ("提升", "提高"), ("完善", "健全"), ("相关", "有关"),
            ("措施", "举措"), ("积极", "主动"), ("全面", "充分"), ("重点", "主要"), ("群众", "居民"),
            ("落实", "执行"), ("促进", "带动"), ("开展", "组织"), ("要求", "规定"), ("有效", "切实"))
MERGE_P = 0.5  # share of ， and 、 dropped: merged clauses are new character runs, as on a site's other pages
N_MOVED_NEWS = 10
N_DROPPED_DOCS = 4
N_COPIES = 2


def vary(text: str, replica: int, key: str) -> str:
    """Reworded text for throughput replica `replica` >= 1: another city for 三明, synonym swaps, the clauses
    of each sentence in another order and about half of the clause breaks (，、) dropped, so most character
    runs are new (as on a site's distinct pages), not exact repeats a memo would make free."""
    import random

    if replica <= 0 or not text:
        return text
    rng = random.Random(f"{replica}:{key}")
    text = text.replace("三明", CITIES[(replica - 1) % len(CITIES)])
    swap = {a: b for a, b in SYNONYMS} | {b: a for a, b in SYNONYMS}
    words = re.compile("|".join(sorted(swap, key=len, reverse=True)))
    text = words.sub(lambda m: swap[m.group(0)] if rng.random() < 0.5 else m.group(0), text)

    def sentence(m: re.Match) -> str:
        clauses = re.split("[，、]", m.group(1))
        if len(clauses) > 2:
            head, mid, tail = clauses[0], clauses[1:-1], clauses[-1]
            rng.shuffle(mid)  # the first and last clause stay (openings and conclusions read naturally)
            clauses = [head, *mid, tail]
        out = clauses[0]
        for c in clauses[1:]:
            out += ("" if rng.random() < MERGE_P else "，") + c
        return out + m.group(2)

    return re.sub(r"([^。！？；\n]+)([。！？；\n]|$)", sentence, text)


def _load(name: str) -> list[dict]:
    with require_shared("corpus", name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _page_html(rec: dict, column: str, how: str, related: list[tuple[str, str]]) -> str:
    title = html.escape(rec["title"])
    crumb = ""
    meta_col = ""
    if how == "breadcrumb":
        trail = " &gt; ".join(f'<a href="#">{html.escape(p)}</a>' for p in column.split("/"))
        crumb = f'<div class="crumb">当前位置：<a href="{SITE}">首页</a> &gt; {trail}</div>'
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in rec["body"].split("\n") if p.strip())
    info = f'发布时间：{html.escape(rec["published"])}'
    if rec.get("source"):
        info += f'　来源：{html.escape(rec["source"])}'
    table = ""
    if rec.get("fileno"):
        table = (f'<table class="xxgk"><tr><td>发文字号：</td><td>{html.escape(rec["fileno"])}</td>'
                 f'<td>发布日期：</td><td>{html.escape(rec["published"][:10])}</td></tr></table>')
    rel = ""
    if related:
        rel = '<div class="related"><h4>相关链接</h4><ul>' + "".join(
            f'<li><a href="{html.escape(u)}">{html.escape(t)}</a></li>' for u, t in related) + "</ul></div>"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_三明市人民政府</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{html.escape(rec['published'])}">{meta_col}
</head><body><div class="top"><a href="{SITE}">首页</a> <a href="{SITE}zwgk/">政务公开</a> <a href="{SITE}zcjd/">政策解读</a>
<a href="{SITE}hdjl/">互动交流</a></div>{crumb}
<div class="article"><h1 class="title">{title}</h1><div class="info">{info}</div>{table}
<div class="TRS_Editor">{paras}</div>{rel}</div>
<div class="footer">主办：三明市人民政府办公室　闽ICP备00000000号</div></body></html>"""


def build(out: Path, replicas: int = 1) -> dict:
    recs = {r["docid"]: r for r in _load("sanming.jsonl")}
    all_links = _load("links.jsonl")
    links = [lk for lk in all_links if lk["interp_docid"] in recs and lk["target_docid"] in recs]
    per_target = Counter(lk["target_docid"] for lk in links)
    per_interp = Counter(lk["interp_docid"] for lk in all_links)
    # pairs we may re-date or break: one document ↔ one interpretation, nothing else pointing either way
    single = [lk for lk in links if per_target[lk["target_docid"]] == 1 and per_interp[lk["interp_docid"]] == 1
              and recs[lk["interp_docid"]]["judged_genre"] == "interpretation"]
    truth: dict = {"misplaced": [], "dates": [], "unlinked": [], "copies": [], "pairs": [], "interpretations_ok": []}
    pages: dict[str, dict] = {}  # docid -> {rec, column, url}
    for docid, r in sorted(recs.items()):
        col = COLUMN_OF_CHANNEL[r["channel_path"]]
        pages[docid] = {"rec": dict(r), "column": col, "url": r["url"], "related": []}

    # (1) news moved into an interpretation column (plus the corpus hard set, already there)
    news = sorted(d for d, p in pages.items() if p["rec"]["channel_path"] == "zw/zwxx/sjdt"
                  and p["rec"]["judged_genre"] == "news" and not p["rec"].get("borderline"))
    for d in news[:: max(1, len(news) // N_MOVED_NEWS)][:N_MOVED_NEWS]:
        pages[d]["column"] = "政策解读/本市政策解读"
        pages[d]["url"] = f"{SITE}zcjd/bszcjd/moved/t_{d}.htm"
        pages[d]["moved"] = True
    # (3) planted dates on pairs whose document has a single interpretation
    dated = single[: len(PLANTED_DATES)]
    for lk, (ddate, idate, expect, why) in zip(dated, PLANTED_DATES):
        pages[lk["target_docid"]]["rec"]["published"] = ddate + " 10:00"
        pages[lk["interp_docid"]]["rec"]["published"] = idate + " 16:00"
        truth["dates"].append({"interp": pages[lk["interp_docid"]]["url"], "document": pages[lk["target_docid"]]["url"],
                               "document_date": ddate, "interp_date": idate, "expected_delay": expect, "why": why,
                               "expected_flag": "interpretation_before_document" if expect < 0 else
                               ("interpretation_late" if expect > 3 else None)})
    # (4) documents left out of the crawl
    rest = [lk for lk in single[len(PLANTED_DATES):]]
    dropped = rest[:N_DROPPED_DOCS]
    for lk in dropped:
        pages.pop(lk["target_docid"])
        truth["unlinked"].append(pages[lk["interp_docid"]]["url"])
    # (2) hyperlinks on every other remaining pair, the document linking back
    for i, lk in enumerate(sorted(links, key=lambda x: x["interp_docid"])):
        if lk["target_docid"] not in pages:
            continue
        ip, dp = pages[lk["interp_docid"]], pages[lk["target_docid"]]
        truth["pairs"].append({"interp": ip["url"], "document": dp["url"], "hyperlink": i % 2 == 0})
        if i % 2 == 0:
            ip["related"].append((dp["url"], dp["rec"]["title"]))
            dp["related"].append((ip["url"], ip["rec"]["title"]))
    # (5) copies: an "interpretation" that is the document's own text
    norm = sorted((d for d, p in pages.items() if p["rec"]["judged_genre"] == "normative"
                   and p["rec"]["channel_path"].endswith("fggzhgfxwj") and len(p["rec"]["body"]) > 800 and d not in {lk["target_docid"] for lk in links}))
    for j, d in enumerate(norm[:N_COPIES]):
        doc = pages[d]["rec"]
        body = doc["body"].split("\n")
        copy = dict(doc, docid=f"copy{j}", title=f"《{doc['title']}》政策解读", fileno="",
                    body="\n".join([f"为便于理解，现将《{doc['title']}》解读如下："] + body[1:]))
        url = f"{SITE}zcjd/bszcjd/copy/t_copy{j}.htm"
        pages[f"copy{j}"] = {"rec": copy, "column": "政策解读/本市政策解读", "url": url,
                             "related": [(pages[d]["url"], doc["title"])]}
        truth["copies"].append({"interp": url, "document": pages[d]["url"]})

    for d, p in pages.items():
        if p["column"].startswith("政策解读") and p["rec"]["judged_genre"] != "interpretation" and not d.startswith("copy"):
            truth["misplaced"].append({"url": p["url"], "judged": p["rec"]["judged_genre"], "moved": bool(p.get("moved"))})
        elif p["column"].startswith("政策解读") and p["rec"]["judged_genre"] == "interpretation":
            truth["interpretations_ok"].append(p["url"])

    crawl = out / "crawl"
    if crawl.exists():
        shutil.rmtree(crawl)
    for k, (i, (d, p)) in ((k, x) for k in range(replicas) for x in enumerate(sorted(pages.items()))):
        # replicas > 1 only make a bigger crawl for throughput runs (truth.json describes replica 0)
        how = ("metadata", "breadcrumb", "url")[i % 3]
        folder = crawl / (f"rep{k}/" if k else "") / p["column"]
        folder.mkdir(parents=True, exist_ok=True)
        rec = p["rec"] if not k else dict(p["rec"], title=vary(p["rec"]["title"], k, "t" + p["url"]),
                                           body=vary(p["rec"]["body"], k, d))
        rel = p["related"] if not k else [(u.replace("sm.gov.cn/", f"sm.gov.cn/rep{k}/", 1), vary(t, k, "t" + u))
                                          for u, t in p["related"]]
        (folder / f"{d}.html").write_text(_page_html(rec, p["column"], how, rel), encoding="utf-8")
        url = p["url"].replace("sm.gov.cn/", f"sm.gov.cn/rep{k}/", 1) if k else p["url"]
        side = {"url": url, "title": rec["title"], "published": rec["published"]}
        if how == "metadata":
            side["column"] = p["column"]
        elif how == "url" and p["column"].startswith("政策解读"):
            # the URL path carries the column (zcjd/...), as on the real site
            assert "/zcjd/" in p["url"], p["url"]
        (folder / f"{d}.html.json").write_text(json.dumps(side, ensure_ascii=False), encoding="utf-8")
    truth["pages"] = len(pages)
    truth["replicas"] = replicas
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"pages": len(pages), **{k: len(v) for k, v in truth.items() if isinstance(v, list)}}


def check(crawl_dir: Path, scan_dir: Path) -> dict:
    truth = json.loads((crawl_dir / "truth.json").read_text(encoding="utf-8"))
    reps = {}
    with (scan_dir / "reports.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            reps[r["id"]] = r
    codes = {pid: {f["code"]: f for f in (r.get("flags") or [])} for pid, r in reps.items()}
    import sqlite3

    db = sqlite3.connect(scan_dir / "scan.db")
    links = {i: (d, dl) for i, d, dl in db.execute("SELECT interp_id, doc_id, delay_working_days FROM links")}
    res: dict = {"pages_in_crawl": truth["pages"], "reports": len(reps)}
    mis = truth["misplaced"]
    missed = [m for m in mis if "news_in_interpretation_column" not in codes.get(m["url"], {})]
    res["misplaced_planted"] = len(mis)
    res["misplaced_reported"] = len(mis) - len(missed)
    res["misplaced_missed"] = [{"url": m["url"], "judged": m["judged"], "model": (reps.get(m["url"], {}).get("genre") or {}).get("label"),
                                "confidence": (reps.get(m["url"], {}).get("genre") or {}).get("confidence"),
                                "abstained": (reps.get(m["url"], {}).get("genre") or {}).get("abstained")} for m in missed]
    ok = truth["interpretations_ok"]
    res["false_misplaced_on_real_interpretations"] = sum("news_in_interpretation_column" in codes.get(u, {}) for u in ok)
    res["real_interpretations_in_interp_columns"] = len(ok)
    dates = []
    for t in truth["dates"]:
        got = links.get(t["interp"])
        flag = t["expected_flag"]
        dates.append({"pair": t["why"][:40], "linked_right": bool(got and got[0] == t["document"]),
                      "delay": got[1] if got else None, "expected": t["expected_delay"],
                      "flag_ok": (flag in codes.get(t["interp"], {})) if flag else not ({"interpretation_late", "interpretation_before_document"} & set(codes.get(t["interp"], {})))})
    res["dates"] = dates
    res["dates_exact"] = sum(d["delay"] == d["expected"] for d in dates)
    res["dates_total"] = len(dates)
    res["unlinked_reported"] = sum("interpretation_unlinked" in codes.get(u, {}) for u in truth["unlinked"])
    res["unlinked_planted"] = len(truth["unlinked"])
    res["copies_reported"] = sum("copy_of_document" in codes.get(c["interp"], {}) for c in truth["copies"])
    res["copies_planted"] = len(truth["copies"])
    res["copy_ratios"] = [db.execute("SELECT copy_ratio FROM related WHERE interp_id=?", (c["interp"],)).fetchone() for c in truth["copies"]]
    pairs = truth["pairs"]
    res["pairs"] = len(pairs)
    res["pairs_linked_right"] = sum(1 for p in pairs if links.get(p["interp"], (None,))[0] == p["document"])
    res["pairs_linked_right_by_hyperlink_pages"] = sum(1 for p in pairs if p["hyperlink"] and links.get(p["interp"], (None,))[0] == p["document"])
    res["pairs_linked_right_title_only_pages"] = sum(1 for p in pairs if not p["hyperlink"] and links.get(p["interp"], (None,))[0] == p["document"])
    res["flags_total"] = dict(Counter(c for v in codes.values() for c in v))
    planted = res["misplaced_planted"] + len(dates) + res["unlinked_planted"] + res["copies_planted"]
    found = res["misplaced_reported"] + sum(d["flag_ok"] for d in dates) + res["unlinked_reported"] + res["copies_reported"]
    res["planted_cases_reported"] = f"{found}/{planted}"
    return res


def killtest(crawl_dir: Path, work: Path, workers: int, kill_after: float, extra: list[str]) -> dict:
    """Run once uninterrupted; run again, kill -9 mid-way, re-run; compare the databases' contents."""
    from nlp.scan.store import table_digest

    # Freeze the code and models first: other people commit to this checkout while the runs take minutes,
    # and a changed analyser (rightly) changes the results — that would not be a resumption bug.
    snap = work / "snapshot"
    shutil.rmtree(snap, ignore_errors=True)
    root = Path(__file__).resolve().parent.parent
    for part in ("nlp", "models", "data", "training"):
        if (root / part).exists():
            shutil.copytree(root / part, snap / part, ignore=shutil.ignore_patterns("__pycache__"))
    cmd = [sys.executable, "-m", "nlp.cli", "scan", str((crawl_dir / "crawl").resolve()), "--workers", str(workers),
           *extra]
    a, b = (work / "uninterrupted").resolve(), (work / "killed").resolve()
    for d in (a, b):
        shutil.rmtree(d, ignore_errors=True)
    env = dict(os.environ, GOVLINT_PROGRESS="0", PYTHONPATH=str(snap.resolve()), GOVLINT_MODELS=str((snap / "models").resolve()))
    t0 = time.perf_counter()
    subprocess.run(cmd + ["--out", str(a)], check=True, env=env, cwd=snap, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    full = time.perf_counter() - t0
    proc = subprocess.Popen(cmd + ["--out", str(b)], env=env, cwd=snap, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(kill_after)
    os.killpg(proc.pid, signal.SIGKILL)  # the job and its worker processes, like a node dying
    proc.wait()
    import sqlite3

    stored = sqlite3.connect(b / "scan.db").execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    subprocess.run(cmd + ["--out", str(b)], check=True, env=env, cwd=snap, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    da, db_ = table_digest(a / "scan.db"), table_digest(b / "scan.db")
    same = da == db_
    diff = {t: (len(da[t]), len(db_.get(t, []))) for t in da if da[t] != db_.get(t)}
    return {"uninterrupted_s": round(full, 1), "killed_after_s": kill_after, "pages_committed_before_kill": stored,
            "tables": {t: len(v) for t, v in da.items()}, "identical": same, "differences": diff}


def _scan_once(crawl: Path, out: Path, workers: int, engine: str, pages: int, typo: bool, tasks: str | None) -> dict:
    """One `govlint scan` in a fresh process (fresh memos, cold start), timed from outside."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "nlp.cli", "scan", str(crawl), "--out", str(out), "--workers", str(workers),
           "--engine", engine, "--limit", str(pages)] + (["--tasks", tasks] if tasks else [])
    env = dict(os.environ, GOVLINT_PROGRESS="0", GOVLINT_LOG_LEVEL="ERROR", GOVLINT_WORDING_TYPO="1" if typo else "0")
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"scan failed ({proc.returncode}): {proc.stderr[-2000:]}")
    stats = next(json.loads(line) for line in reversed(proc.stderr.splitlines()) if line.startswith('{"inputs"'))
    n = stats["analysed"]
    import sqlite3
    import statistics

    db = sqlite3.connect(out / "scan.db")
    cold, warm = [], []  # worker CPU ms of corpus pages (replica 0) and of reworded replicas
    for pid, timings in db.execute("SELECT id, timings FROM pages"):
        (warm if "/rep" in pid else cold).append(json.loads(timings).get("cpu", 0.0))
    db.close()
    parent_s = stats.get("parent_stage_cpu_s") or {}  # older scans (before these figures existed) lack them
    parent = {k: round(v * 1000 / n, 3) for k, v in parent_s.items() if k != "startup"}
    return {
        "pages": n, "process_wall_s": round(wall, 2),
        "e2e_pages_per_s": round(n / wall, 1),  # interpreter start to last report file written
        "pass1_pages_per_s": stats.get("pages_per_s"), "steady_pages_per_s": stats.get("steady_pages_per_s"),
        "startup_s": stats.get("engine_start_s"), "first_result_s": stats.get("first_result_s"),
        "pass2_and_reports_s": stats.get("pass2_s"),
        "worker_cpu_ms_per_page": stats.get("worker_stage_cpu_ms_per_page") or {"cpu": stats.get("worker_cpu_ms_per_page")},
        "worker_cpu_ms_median_page": {"corpus_pages": round(statistics.median(cold), 2) if cold else None,
                                      "reworded_replicas": round(statistics.median(warm), 2) if warm else None},
        "parent_cpu_ms_per_page": parent, "parent_startup_cpu_s": round(parent_s.get("startup", 0), 2),
        "parent_cpu_ms_per_page_pass1": stats.get("parent_cpu_ms_per_page"),
        "parent_stage_wall_s": stats.get("parent_stage_wall_s"),
        "cpu_bound_pages_per_s_2_cores": stats.get("cpu_bound_pages_per_s_2_cores"),
        "peak_rss_mb": stats.get("peak_rss_mb"), "load_avg_1m": [round(load0, 2), round(os.getloadavg()[0], 2)],
    }


def _median_tree(runs: list):
    """Median of every number across runs, keeping the structure (dicts nested)."""
    import statistics

    first = runs[0]
    if isinstance(first, dict):
        return {k: _median_tree([r.get(k) for r in runs]) for k in first}
    vals = [v for v in runs if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if isinstance(first, list) and all(isinstance(r, list) for r in runs):
        return [_median_tree([r[i] for r in runs]) for i in range(len(first))]
    return round(statistics.median(vals), 2) if vals else first


def bench(crawl_dir: Path, pages: int, workers: list[int], engine: str, runs: int, typo: list[bool],
          tasks: str | None, work: Path, replicas: int) -> list[dict]:
    """Scan throughput on the reworded synthetic crawl: medians of `runs` cold runs per configuration."""
    if not (crawl_dir / "crawl").is_dir():
        build(crawl_dir, replicas)
    out = []
    for t in typo:
        for w in workers:
            res = [_scan_once(crawl_dir / "crawl", work / f"scan_{engine}_{w}", w, engine, pages, t, tasks)
                   for _ in range(runs)]
            row = {"engine": engine, "workers": w, "typo": t, "tasks": tasks or "genre,completeness,wording",
                   "runs": runs, "median": _median_tree(res),
                   "e2e_pages_per_s_each_run": [r["e2e_pages_per_s"] for r in res]}
            print(json.dumps(row, ensure_ascii=False), flush=True)
            out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.synth_crawl")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--replicas", type=int, default=1, help="copies of the crawl (throughput runs only)")
    c = sub.add_parser("check")
    c.add_argument("--crawl", type=Path, required=True)
    c.add_argument("--scan", type=Path, required=True)
    k = sub.add_parser("killtest")
    k.add_argument("--crawl", type=Path, required=True)
    k.add_argument("--work", type=Path, required=True)
    k.add_argument("--workers", type=int, default=2)
    k.add_argument("--kill-after", type=float, default=8.0)
    bn = sub.add_parser("bench", help="scan throughput: medians of cold runs, per-stage CPU, start-up, peak RSS")
    bn.add_argument("--crawl", type=Path, default=Path("/tmp/govlint_scan_bench"),
                    help="built here (with --replicas reworded copies) if it has no crawl/ yet")
    bn.add_argument("--replicas", type=int, default=10)
    bn.add_argument("--pages", type=int, default=3000)
    bn.add_argument("--workers", default="2", help="comma-separated, e.g. 1,2")
    bn.add_argument("--engine", choices=["local", "ray"], default="local")
    bn.add_argument("--runs", type=int, default=3)
    bn.add_argument("--typo", choices=["on", "off", "both"], default="both")
    bn.add_argument("--tasks", default=None)
    bn.add_argument("--work", type=Path, default=Path("/tmp/govlint_scan_bench_out"))
    args, rest = ap.parse_known_args(argv)
    if args.cmd == "build":
        print(json.dumps(build(args.out, args.replicas), ensure_ascii=False))
    elif args.cmd == "bench":
        typo = {"on": [True], "off": [False], "both": [False, True]}[args.typo]
        bench(args.crawl, args.pages, [int(w) for w in args.workers.split(",")], args.engine, args.runs, typo,
              args.tasks, args.work, args.replicas)
    elif args.cmd == "check":
        print(json.dumps(check(args.crawl, args.scan), ensure_ascii=False, indent=1))
    else:
        res = killtest(args.crawl, args.work, args.workers, args.kill_after, rest)
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0 if res["identical"] else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
