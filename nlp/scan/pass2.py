"""Pass 2 over the database: link interpretations to documents, compute copy ratios, derive flags.

Cheap and deterministic, so it is simply redone on every run (the links/flags tables are replaced in one
transaction). The only expensive step — completeness against the linked document, for copy_ratio — is
cached in `related`, keyed by both pages' content hashes and the pipeline signature.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from nlp.log import get_logger
from nlp.scan.flags import PageFacts, is_interpretation, page_flags
from nlp.scan.linking import LinkResult, Mentions, PageKey, link_all
from nlp.scan.store import Store
from nlp.scan.workdays import is_late, parse_date, working_days_between

log = get_logger(__name__)


def _facts(row: dict) -> PageFacts:
    return PageFacts(
        id=row["id"], column=row["column_name"], column_kind=row["column_kind"], genre=row["genre"],
        genre_confidence=row["genre_confidence"], genre_abstained=bool(row["genre_abstained"]),
        genre_evidence=[], date=row["published"] or row["written"], title=row["title"],
    )


def _role(row: dict, facts: PageFacts) -> str:
    """interpretation = judged one, or *placed* as one (a copy posted in an interpretation column must still
    be linked to be caught); document = a link target."""
    if is_interpretation(facts)[0] or facts.column_kind == "interpretation":
        return "interpretation"
    if row["genre"] == "normative" or (row["genre"] == "other" and row["fileno"]):
        return "document"
    if row["genre"] is None and row["column_kind"] != "interpretation":
        return "document"
    return "other"


def run_pass2(store: Store, relate: Callable[[str, str, str | None], str | None] | None, sig: str,
              progress: Callable | None = None,
              relate_many: Callable[[list[tuple[str, str, str | None]]], list[str | None]] | None = None) -> dict:
    """Link, relate, flag. `relate(interp_doc_json, doc_json, stored_completeness_json) -> completeness JSON |
    None` re-reads the interpretation's completeness against the document (copy ratio); None skips copy ratios
    (reported as not computed).
    `relate_many`, when given, does a list of pairs at once (the local engine spreads them over its workers)."""
    rows = store.rows("SELECT id, url, title, fileno, published, written, genre, genre_confidence, genre_abstained, "
                      "column_name, column_kind, content_hash, mentions, report IS NOT NULL AS has_report FROM pages")
    facts = {r["id"]: _facts(r) for r in rows}
    keys = [PageKey(id=r["id"], url=r["url"], title=r["title"], fileno=r["fileno"],
                    date=r["published"] or r["written"], role=_role(r, facts[r["id"]]),
                    mentions=Mentions.from_dict(json.loads(r["mentions"]) if r["mentions"] else None))
            for r in rows]
    by_id = {r["id"]: r for r in rows}
    links: dict[str, LinkResult] = link_all(keys)

    copy: dict[str, float | None] = {}
    todo = []
    cache = {(r["interp_id"], r["doc_id"]): r for r in
             store.rows("SELECT interp_id, doc_id, interp_hash, doc_hash, pipeline_sig, copy_ratio FROM related")}
    for lk in links.values():
        i, d = by_id[lk.interp_id], by_id[lk.doc_id]
        cached = cache.get((lk.interp_id, lk.doc_id))
        if cached and cached["interp_hash"] == i["content_hash"] and cached["doc_hash"] == d["content_hash"] \
                and cached["pipeline_sig"] == sig:
            copy[lk.interp_id] = cached["copy_ratio"]
        else:
            todo.append(lk)
    if relate is not None and todo:
        bar = progress(total=len(todo), desc="relate") if progress else None
        for start in range(0, len(todo), 200):
            part = todo[start: start + 200]
            pairs = [(store.doc_json(lk.interp_id), store.doc_json(lk.doc_id), store.completeness_json(lk.interp_id))
                     for lk in part]
            comps: list[str | None] = []
            if relate_many is not None:
                try:
                    comps = relate_many(pairs)
                except Exception as exc:  # fall back to one by one, so one bad pair cannot sink the batch
                    log.warning("relate_batch_failed", error=str(exc))
                    comps = []
            if len(comps) != len(part):
                comps = []
                for lk, (ij, dj, cj) in zip(part, pairs):
                    try:
                        comps.append(relate(ij, dj, cj))
                    except Exception as exc:  # a failing analyser must not stop the report
                        log.warning("relate_failed", interp=lk.interp_id, error=str(exc))
                        comps.append(None)
            batch = []
            for lk, comp in zip(part, comps):
                i, d = by_id[lk.interp_id], by_id[lk.doc_id]
                ratio = json.loads(comp).get("copy_ratio") if comp else None
                copy[lk.interp_id] = ratio
                batch.append((lk.interp_id, lk.doc_id, i["content_hash"], d["content_hash"], sig, comp, ratio))
            store.put_related(batch)
            if bar:
                bar.update(len(part))
        if bar:
            bar.close()

    link_rows, flag_rows = [], []
    for lk in sorted(links.values(), key=lambda x: x.interp_id):
        f = facts[lk.interp_id]
        doc_row = by_id[lk.doc_id]
        doc_date = doc_row["published"] or doc_row["written"]
        di, dd = parse_date(f.date), parse_date(doc_date)
        delay = working_days_between(dd, di) if di and dd else None
        link_rows.append((
            lk.interp_id, lk.doc_id, lk.method, lk.score, f.date, doc_date,
            delay.working_days if delay else None, delay.calendar_days if delay else None,
            int(delay.exact) if delay else None, int(is_late(delay)) if delay else None,
            int(di < dd) if delay else None, int(lk.links_back),
            json.dumps(lk.evidence, ensure_ascii=False, sort_keys=True),
        ))
    for pid in sorted(facts):
        f = facts[pid]
        lk = links.get(pid)
        link = None
        doc_date = None
        if lk:
            link = {"doc_id": lk.doc_id, "method": lk.method, "doc_title": by_id[lk.doc_id]["title"]}
            doc_date = by_id[lk.doc_id]["published"] or by_id[lk.doc_id]["written"]
        if f.genre is not None and f.column_kind:
            f.genre_evidence = _genre_evidence(store, pid)
        for fl in page_flags(f, link, doc_date, copy.get(pid) if lk else None):
            flag_rows.append((pid, fl.code, fl.message, json.dumps(fl.evidence, ensure_ascii=False, sort_keys=True)))
    store.replace_derived(link_rows, flag_rows)
    stats = {"pages": len(rows), "interpretations": sum(k.role == "interpretation" for k in keys),
             "documents": sum(k.role == "document" for k in keys), "linked": len(links),
             "related_computed": len(todo) if relate else 0, "flags": len(flag_rows)}
    log.info("pass2_done", **stats)
    return stats


def _genre_evidence(store: Store, pid: str) -> list[str]:
    """The genre model's own evidence, for the misplaced-item flag (only read for interpretation columns)."""
    from nlp.scan.store import unpack

    row = store.db.execute("SELECT report FROM pages WHERE id=?", (pid,)).fetchone()
    rep = json.loads(unpack(row[0])) if row and row[0] else {}
    return list((rep.get("genre") or {}).get("evidence") or [])
