"""The human report's content, queried from the database once and shared by the HTML and Excel writers.

Sections follow what an inspection writes up: (1) items in interpretation columns that are not
interpretations; (2) every interpretation with its document, delay in working days, late / before the
document; (3) completeness per interpretation and per column / department, worst first; (4) wording
findings, serious first.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from nlp.scan.flags import BEFORE_DOC, COPY, LATE, NEWS_IN_INTERP, UNLINKED
from nlp.scan.store import SEVERITY_RANK, Store, unpack
from nlp.schema import CORE_ELEMENTS

GENRES = ("interpretation", "news", "normative", "other", None)


@dataclass
class ReportData:
    summary: dict = field(default_factory=dict)
    misplaced: list[dict] = field(default_factory=list)
    interpretations: list[dict] = field(default_factory=list)
    completeness: list[dict] = field(default_factory=list)
    by_column: list[dict] = field(default_factory=list)
    by_department: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    genre_by_column: dict[str, Counter] = field(default_factory=dict)
    scores: list[float] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)
    severity_by_category: dict[str, Counter] = field(default_factory=dict)


def _flags_by_page(store: Store) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in store.rows("SELECT page_id, code, message, evidence FROM flags"):
        out[r["page_id"]][r["code"]] = {"message": r["message"], "evidence": json.loads(r["evidence"] or "{}")}
    return out


def _missing_core(report_blob: bytes | None) -> list[str]:
    if report_blob is None:
        return []
    return _missing_core_of(json.loads(unpack(report_blob)).get("completeness") or {})


def _missing_core_of(comp: dict) -> list[str]:
    els = comp.get("elements") or {}
    return [e for e in CORE_ELEMENTS if e in els and not els[e].get("present")]


def collect(store: Store, max_findings: int = 100_000) -> ReportData:
    rd = ReportData()
    flags = _flags_by_page(store)
    pages = store.rows("SELECT id, url, title, column_name, column_kind, genre, genre_confidence, genre_abstained, "
                       "completeness, published, written, publisher, source, n_findings, n_serious, n_errors FROM pages")
    codes = Counter(code for f in flags.values() for code in f)
    rd.summary = {
        "pages": len(pages),
        "pages_with_errors": sum(1 for p in pages if p["n_errors"]),
        "genre": dict(Counter(p["genre"] or "unavailable" for p in pages)),
        "flags": {c: codes.get(c, 0) for c in (NEWS_IN_INTERP, UNLINKED, LATE, BEFORE_DOC, COPY)},
        "findings": store.db.execute("SELECT COUNT(*) FROM findings").fetchone()[0],
        "serious_findings": store.db.execute("SELECT COUNT(*) FROM findings WHERE severity='serious'").fetchone()[0],
    }
    gbc: dict[str, Counter] = defaultdict(Counter)
    for p in pages:
        gbc[p["column_name"] or "(none)"][p["genre"] or "unavailable"] += 1
        if p["genre_confidence"] is not None:
            rd.confidences.append(p["genre_confidence"])
    rd.genre_by_column = dict(sorted(gbc.items(), key=lambda kv: -sum(kv[1].values())))

    for p in pages:
        f = flags.get(p["id"], {}).get(NEWS_IN_INTERP)
        if f:
            rd.misplaced.append({"id": p["id"], "title": p["title"], "column": p["column_name"], "label": p["genre"],
                                 "confidence": p["genre_confidence"], "published": p["published"],
                                 "evidence": "; ".join(map(str, f["evidence"].get("model_evidence") or []))})
    rd.misplaced.sort(key=lambda r: (-(r["confidence"] or 0), r["id"]))

    links = {r["interp_id"]: r for r in store.rows(
        "SELECT l.*, p.title AS doc_title, p.fileno AS doc_fileno FROM links l JOIN pages p ON p.id = l.doc_id")}
    rel_rows = store.rows("SELECT r.interp_id, r.copy_ratio, r.completeness FROM related r JOIN links l "
                          "ON l.interp_id = r.interp_id AND l.doc_id = r.doc_id")
    related = {r["interp_id"]: r["copy_ratio"] for r in rel_rows}
    related_comp = {r["interp_id"]: json.loads(r["completeness"]) for r in rel_rows if r["completeness"]}
    by_id = {p["id"]: p for p in pages}
    # every interpretation: judged one by the genre model (or, without it, sitting in an interpretation
    # column). Items only *placed* in such columns are linked too (for the copy check) but listed in (1).
    interp_ids = {pid for pid in ({pid for pid, f in flags.items() if UNLINKED in f} | set(links))
                  if by_id[pid]["genre"] == "interpretation"
                  or (by_id[pid]["genre"] is None and by_id[pid]["column_kind"] == "interpretation")}
    blobs = {}
    for pid in sorted(interp_ids):
        p = by_id[pid]
        lk = links.get(pid)
        pf = flags.get(pid, {})
        rd.interpretations.append({
            "id": pid, "title": p["title"], "column": p["column_name"], "published": p["published"] or p["written"],
            "document_id": lk["doc_id"] if lk else None, "document_title": lk["doc_title"] if lk else None,
            "document_fileno": lk["doc_fileno"] if lk else None, "document_date": lk["doc_date"] if lk else None,
            "link_method": lk["method"] if lk else None, "delay_working_days": lk["delay_working_days"] if lk else None,
            "delay_calendar_days": lk["delay_calendar_days"] if lk else None,
            "late": bool(lk and lk["late"]), "before_document": bool(lk and lk["before_document"]),
            "document_links_back": bool(lk and lk["doc_links_back"]),
            "copy_ratio": related.get(pid) if lk else None,
            "flags": ", ".join(sorted(pf)),
        })
    rd.interpretations.sort(key=lambda r: (r["document_id"] is not None, not r["before_document"], not r["late"],
                                           -(r["delay_working_days"] or 0), r["id"]))
    for row in store.db.execute("SELECT id, report FROM pages WHERE id IN (SELECT value FROM json_each(?))",
                                (json.dumps(sorted(interp_ids)),)):
        blobs[row[0]] = row[1]
    for r in rd.interpretations:
        p = by_id[r["id"]]
        comp = related_comp.get(r["id"])  # measured against the linked document, when there is one
        score = comp.get("score") if comp else p["completeness"]
        missing = _missing_core_of(comp) if comp else _missing_core(blobs.get(r["id"]))
        rd.completeness.append({"id": r["id"], "title": r["title"], "column": r["column"],
                                "department": p["publisher"] or p["source"], "score": score,
                                "missing_core_elements": ", ".join(missing), "copy_ratio": r["copy_ratio"]})
        if score is not None:
            rd.scores.append(score)
    rd.completeness.sort(key=lambda r: (r["score"] is None, r["score"] if r["score"] is not None else 0, r["id"]))
    rd.by_column = _group(rd.completeness, "column")
    rd.by_department = _group(rd.completeness, "department")

    sev: dict[str, Counter] = defaultdict(Counter)
    for cat, s, n in store.db.execute("SELECT category, severity, COUNT(*) FROM findings GROUP BY 1, 2"):
        sev[s][cat] = n
    rd.severity_by_category = dict(sorted(sev.items(), key=lambda kv: SEVERITY_RANK.get(kv[0], 9)))
    q = ("SELECT f.*, p.title, p.column_name FROM findings f JOIN pages p ON p.id = f.page_id "
         "ORDER BY CASE f.severity WHEN 'serious' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.confidence DESC, "
         "f.page_id, f.idx LIMIT ?")
    rd.findings = [{"page": r["page_id"], "title": r["title"], "column": r["column_name"], "severity": r["severity"],
                    "category": r["category"], "text": r["text"], "suggestion": r["suggestion"], "rule": r["rule"],
                    "message": r["message"], "confidence": r["confidence"], "start": r["start"], "end": r["end"]}
                   for r in store.rows(q, (max_findings,))]
    return rd


def _group(rows: list[dict], key: str) -> list[dict]:
    groups: dict[str, list] = defaultdict(list)
    for r in rows:
        groups[r[key] or "(unknown)"].append(r["score"])
    out = []
    for name, scores in groups.items():
        vals = [s for s in scores if s is not None]
        out.append({key: name, "interpretations": len(scores), "scored": len(vals),
                    "mean_score": round(sum(vals) / len(vals), 1) if vals else None,
                    "min_score": min(vals) if vals else None})
    out.sort(key=lambda r: (r["mean_score"] is None, r["mean_score"] if r["mean_score"] is not None else 0, r[key]))
    return out
