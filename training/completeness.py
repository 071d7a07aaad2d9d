"""Train and evaluate the completeness unit classifier from headed interpretations (weak labels).

Weak supervision: an interpretation written with headings (一、出台背景 二、主要内容 …) labels its own
paragraphs — every text unit under a heading gets the elements the synonym table (data/completeness/
headings.tsv) assigns to that heading. The model only ever sees the text units, never the headings, so it
learns to find the elements in interpretations written without any.

Split: by time (documents published before the cut-off train, the rest are held out), with near-duplicate
pages removed first so one document's paragraphs never sit on both sides. 平潭 interpretations are a second,
cross-site test.

    govlint train completeness [--test-share 0.3] [--negatives news]
    govlint evaluate completeness [--out models/completeness/EVALUATION.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from nlp.completeness.core import analyse, heading_sections, model_unit_text
from nlp.completeness.headings import TABLE_PATH, load_table
from nlp.completeness.model import MODEL_VERSION, UnitClassifier, load_classifier
from nlp.completeness.segment import Unit, segment, unit_text
from nlp.log import get_logger
from nlp.schema import CORE_ELEMENTS, ELEMENT_NAMES, Document
from training.paths import MODELS, require_shared

log = get_logger(__name__)
MODEL_ELEMENTS = [e for e in ELEMENT_NAMES if e != "linked_document"]  # linked_document is rule-based
OUT_DIR = MODELS / "completeness"
SEED = 13
MIN_POSITIVE_UNITS = 20  # an element with fewer labelled training units is not predicted by the model


@dataclass
class LabelledDoc:
    docid: str
    site: str
    title: str
    published: str
    genre: str
    body: str
    units: list[Unit] = field(default_factory=list)  # text units only (headings removed)
    unit_labels: list[set[str]] = field(default_factory=list)
    doc_labels: set[str] = field(default_factory=set)
    structured: bool = False
    # what the model trains on: (text, relative position, labels); a unit under a compound heading is split
    # into sentences that each carry only the element their wording names (SENTENCE_CUES)
    train_units: list[tuple[str, float, set[str]]] = field(default_factory=list)

    def stripped_text(self) -> tuple[str, list[tuple[int, int, set[str]]]]:
        """The body with every heading removed, and where each labelled unit now sits."""
        parts, spans, pos = [], [], 0
        for u, lab in zip(self.units, self.unit_labels):
            t = u.text
            parts.append(t)
            spans.append((pos, pos + len(t), lab))
            pos += len(t) + 1
        return "\n".join(parts), spans


# ---------------------------------------------------------------- corpus

def _shingles(text: str, w: int = 8) -> set[str]:
    t = "".join(ch for ch in text if not ch.isspace())[:4000]
    return {t[i : i + w] for i in range(0, max(0, len(t) - w + 1), 2)}


def load_records(names: tuple[str, ...] = ("sanming.jsonl", "pingtan.jsonl")) -> list[dict]:
    """Corpus records with near-duplicate pages removed (Jaccard of 8-char shingles >= 0.6 keeps the first)."""
    recs: list[dict] = []
    for name in names:
        with require_shared("corpus", name).open(encoding="utf-8") as fh:
            recs += [json.loads(line) for line in fh if line.strip()]
    kept: list[dict] = []
    sigs: list[set[str]] = []
    dropped = 0
    for r in sorted(recs, key=lambda r: (r.get("published") or "", str(r.get("docid")))):
        s = _shingles(r.get("body") or "")
        if s and any(len(s & t) / max(1, len(s | t)) >= 0.6 for t in sigs):
            dropped += 1
            continue
        kept.append(r)
        sigs.append(s)
    log.info("corpus_loaded", records=len(recs), near_duplicates_dropped=dropped)
    return kept


# Label definitions: v2 (live) = data/completeness/headings.tsv + sentence assignment under compound headings;
# v1 = the first table (headings_v1.tsv), every unit under a heading gets all of the heading's elements.
LABEL_TABLES = {"v2": TABLE_PATH, "v1": TABLE_PATH.with_name("headings_v1.tsv")}

# Under a heading that names two core elements (背景和意义, 目的和依据, 目标任务和主要内容, 目的任务) the section
# mixes them; a sentence goes to the element whose wording it carries, else to the compound's default element.
# These cues only split a section a heading has already announced: they never create a label on their own.
SENTENCE_CUES = {
    "purpose": re.compile(r"(?:^|[，,])为(?:了)?[^。；]{2,80}?[，,]|旨在|目的|意义|初衷|有利于|有助于|宗旨|预期"),
    "tasks": re.compile(r"目标|任务|到\d{4}年|力争|确保[^。]{0,30}(?:达到|完成|实现)|重点工作"),
}
COMPOUND_DEFAULT = (("background", "purpose", "background"), ("tasks", "content", "content"),
                    ("purpose", "tasks", None), ("background", "tasks", "background"), ("purpose", "content", "content"))
_SENT = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")


def _split_compound(text: str, els: set[str]) -> list[tuple[str, set[str]]] | None:
    """Sentences of a unit under a compound heading with their own element(s); None when not compound."""
    for a, b, default in COMPOUND_DEFAULT:
        if a in els and b in els:
            out = []
            for m in _SENT.finditer(text):
                sent = m.group(0).strip()
                if not sent:
                    continue
                hit = {e for e in (a, b) if e in SENTENCE_CUES and SENTENCE_CUES[e].search(sent)}
                if len(hit) != 1:
                    hit = {default} if default else {a, b}
                out.append((sent, (els - {a, b}) | hit))
            return out
    return None


def weak_label(r: dict, labels: str = "v2") -> LabelledDoc:
    body = r.get("body") or ""
    units = segment(body)
    table = load_table(LABEL_TABLES[labels])
    sections = heading_sections(units, table)
    text_units = [u for u in units if u.kind == "text"]
    idx = {(u.start, u.end): i for i, u in enumerate(text_units)}
    unit_labels: list[set[str]] = [set() for _ in text_units]
    for el, secs in sections.items():
        if el == "linked_document":
            continue
        for _head, body_units in secs:
            for u in body_units:
                unit_labels[idx[(u.start, u.end)]].add(el)
    doc_labels = set(sections) - {"linked_document"}
    structured = len(doc_labels) >= 2 and bool(doc_labels & set(CORE_ELEMENTS))
    n = len(text_units)
    train_units: list[tuple[str, float, set[str]]] = []
    for i, (u, lab) in enumerate(zip(text_units, unit_labels)):
        pos = i / max(1, n - 1)
        parts = _split_compound(unit_text(u), lab) if labels != "v1" else None
        if parts is None:
            train_units.append((unit_text(u), pos, lab))
        else:
            train_units += [(t, pos, sl) for t, sl in parts]
    return LabelledDoc(
        docid=str(r.get("docid")), site=r.get("site") or "", title=r.get("title") or "",
        published=(r.get("published") or "")[:10], genre=r.get("judged_genre") or "other", body=body,
        units=text_units, unit_labels=unit_labels, doc_labels=doc_labels, structured=structured,
        train_units=train_units,
    )


def build(test_share: float, labels: str = "v2") -> tuple[list[LabelledDoc], str]:
    """All labelled docs and the time cut-off: 三明 interpretations published on/after it are held out."""
    docs = [weak_label(r, labels) for r in load_records()]
    interp = sorted((d for d in docs if d.site == "sm.gov.cn" and d.genre == "interpretation" and d.structured),
                    key=lambda d: d.published)
    cut = interp[int(len(interp) * (1 - test_share))].published
    return docs, cut


def is_train(d: LabelledDoc, cut: str) -> bool:
    return d.site == "sm.gov.cn" and d.published < cut


# ---------------------------------------------------------------- training

def _unit_matrix(docs: list[LabelledDoc]) -> tuple[list[str], list[float], np.ndarray, np.ndarray]:
    texts, pos, ys, groups = [], [], [], []
    for g, d in enumerate(docs):
        for t, p, lab in d.train_units:
            if not model_unit_text(t):
                continue
            texts.append(t)
            pos.append(p)
            ys.append([int(e in lab) for e in MODEL_ELEMENTS])
            groups.append(g)
    return texts, pos, np.array(ys, dtype=int).reshape(-1, len(MODEL_ELEMENTS)), np.array(groups)


FIT = {"ngram": (1, 3), "max_features": 40000, "min_df": 2}


def _fit(texts: list[str], pos: list[float], y: np.ndarray, c: float) -> UnitClassifier:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    vec = TfidfVectorizer(analyzer="char", ngram_range=FIT["ngram"], min_df=FIT["min_df"], max_features=FIT["max_features"], sublinear_tf=True,
                          dtype=np.float32)
    from nlp.completeness.model import clean_for_model

    vec.fit([clean_for_model(t) for t in texts])
    model = UnitClassifier(vectorizer=vec, clf=None, elements=list(MODEL_ELEMENTS), thresholds={})
    x = model.features(texts, pos)
    clf = OneVsRestClassifier(LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear"))
    # an element with no positive unit cannot be learnt: fall back to a constant-zero column
    cols = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
    if cols:
        clf.fit(x, y[:, cols])
    model.compile({j: est for j, est in zip(cols, clf.estimators_)} if cols else {})
    return model


def _doc_max(probs: np.ndarray, groups: np.ndarray, n_docs: int) -> np.ndarray:
    out = np.zeros((n_docs, probs.shape[1]))
    for g in range(n_docs):
        m = groups == g
        if m.any():
            out[g] = probs[m].max(axis=0)
    return out


def _best_threshold(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    best = (0.5, -1.0)
    for t in np.arange(0.2, 0.96, 0.025):
        pred = scores >= t
        tp = int((pred & truth).sum())
        f1 = 2 * tp / max(1, int(pred.sum()) + int(truth.sum()))
        if f1 > best[1] + 1e-9:
            best = (round(float(t), 3), f1)
    return best


def train_model(train_docs: list[LabelledDoc], c: float = 4.0, folds: int = 5) -> tuple[UnitClassifier, dict]:
    """Fit on all training units; thresholds per element from document-grouped out-of-fold predictions."""
    from sklearn.model_selection import GroupKFold

    texts, pos, y, groups = _unit_matrix(train_docs)
    oof = np.zeros(y.shape)
    for tr, va in GroupKFold(n_splits=folds).split(texts, y, groups):
        m = _fit([texts[i] for i in tr], [pos[i] for i in tr], y[tr], c)
        oof[va] = m.predict_proba([texts[i] for i in va], [pos[i] for i in va])
    labelled = [d for d in train_docs if d.genre == "interpretation" and d.structured]
    lab_idx = [i for i, d in enumerate(train_docs) if d.genre == "interpretation" and d.structured]
    dmax = _doc_max(oof, groups, len(train_docs))[lab_idx]
    truth = np.array([[e in d.doc_labels for e in MODEL_ELEMENTS] for d in labelled])
    thresholds, cv_f1 = {}, {}
    for j, e in enumerate(MODEL_ELEMENTS):
        if y[:, j].sum() < MIN_POSITIVE_UNITS:  # too few examples to learn from: headings and cues only
            thresholds[e], cv_f1[e] = 1.01, None
            continue
        t, f1 = _best_threshold(dmax[:, j], truth[:, j]) if truth[:, j].any() else (0.9, None)
        thresholds[e], cv_f1[e] = t, (round(f1, 3) if f1 is not None else None)
    model = _fit(texts, pos, y, c)
    model.thresholds = thresholds
    return model, {"cv_doc_f1": cv_f1, "units": len(texts), "unit_positives": dict(zip(MODEL_ELEMENTS, y.sum(0).tolist()))}


# ---------------------------------------------------------------- evaluation

# A "false positive" against the heading labels is often right about the text: the page states its purpose
# (为…，制定本办法) or its targets (到2025年…) inside another section. These explicit phrasings are counted in
# the evaluation report so the gap between label and text is visible, never used to score.
AUDIT_CUES = {
    "purpose": re.compile(r"(?:^|[。；，\n])为(?:了)?[^。]{2,80}?[，,][^。]{0,80}?(?:制定|出台|印发|起草|修订|开展|实施)|旨在|目的是|目的在于|意义在于|有利于|有助于"),
    "tasks": re.compile(r"到\d{4}年|目标是|目标任务|主要任务|力争|确保[^。]{0,30}(?:达到|完成|实现)|总体要求"),
}


def label_audit(docs: list[LabelledDoc]) -> dict:
    """How far the heading labels are from what the text says, per audited element.

    A page "states it" when its heading-stripped text matches AUDIT_CUES anywhere. `statement_oracle_f1` is
    the F1 a perfect detector of explicit statements would get against the heading labels: an upper bound
    for any model that reads the text, whatever its features, when the labels disagree with the text.
    """
    out = {}
    for e, rx in AUDIT_CUES.items():
        c = Counter((e in d.doc_labels, bool(rx.search(d.stripped_text()[0]))) for d in docs)
        tp, fp, fn = c[(True, True)], c[(False, True)], c[(True, False)]
        out[e] = {"labelled": tp + fn, "labelled_stating_it": tp, "unlabelled": len(docs) - tp - fn,
                  "unlabelled_stating_it": fp, "statement_oracle_f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else None}
    return out


def _prf(pred: list[bool], truth: list[bool]) -> dict:
    tp = sum(p and t for p, t in zip(pred, truth))
    fp = sum(p and not t for p, t in zip(pred, truth))
    fn = sum(t and not p for p, t in zip(pred, truth))
    prec = round(tp / (tp + fp), 3) if tp + fp else None
    rec = round(tp / (tp + fn), 3) if tp + fn else None
    f1 = round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else None
    return {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}


def _error_row(d: LabelledDoc, e: str, kind: str, r, spans, where: str) -> dict:
    """One false positive / negative with what an analyst needs to judge it: headings, evidence, labelled text."""
    heads = [f"L{u.level}:{u.label_text}" for u in segment(d.body) if u.kind == "heading" and u.level in (1, 2, 5)]
    return {"where": where, "element": e, "error": kind, "docid": d.docid, "published": d.published, "title": d.title,
            "headings": heads, "evidence": [ev.text[:200] for ev in (r.evidence if r else [])],
            "labelled_units": [d.body[u.start:u.end][:200] for u, lab in zip(d.units, d.unit_labels) if e in lab]}


def evaluate_docs(model: UnitClassifier, docs: list[LabelledDoc], errors: list | None = None, where: str = "",
                  error_elements: tuple[str, ...] = ("purpose", "tasks")) -> dict:
    """Document-level element presence and evidence overlap on heading-stripped held-out interpretations.

    `errors`, when given, collects the false positives/negatives of `error_elements` (for `--errors FILE`,
    never written into the repository: the rows quote corpus text)."""
    per: dict[str, tuple[list[bool], list[bool]]] = {e: ([], []) for e in MODEL_ELEMENTS}
    overlap_hit: Counter = Counter()
    overlap_n: Counter = Counter()
    scores = []
    fp_n: Counter = Counter()
    fp_cue: Counter = Counter()
    for d in docs:
        text, spans = d.stripped_text()
        res = analyse(Document(id=d.docid, text=text, title=d.title), model).result
        scores.append(res.score)
        for e in MODEL_ELEMENTS:
            r = res.elements.get(e)
            got = bool(r and r.present)
            per[e][0].append(got)
            per[e][1].append(e in d.doc_labels)
            if errors is not None and e in error_elements and got != (e in d.doc_labels):
                errors.append(_error_row(d, e, "FP" if got else "FN", r, spans, where))
            if got and e not in d.doc_labels and e in AUDIT_CUES:
                fp_n[e] += 1
                fp_cue[e] += any(AUDIT_CUES[e].search(ev.text) for ev in r.evidence)
            if got and e in d.doc_labels:
                overlap_n[e] += 1
                lab_spans = [(s, t) for s, t, lab in spans if e in lab]
                if any(ev.start < t and s < ev.end for ev in r.evidence for s, t in lab_spans):
                    overlap_hit[e] += 1
    out = {e: _prf(*per[e]) for e in MODEL_ELEMENTS}
    out["_all_fp_audit"] = {e: {"false_positives": n, "evidence_states_it": fp_cue[e]} for e, n in fp_n.items()}
    out["_label_audit"] = label_audit(docs)
    for e in MODEL_ELEMENTS:
        out[e]["evidence_overlap"] = round(overlap_hit[e] / overlap_n[e], 3) if overlap_n[e] else None
    tot_n = sum(overlap_n.values())
    out["_all"] = {"docs": len(docs), "evidence_overlap": round(sum(overlap_hit.values()) / tot_n, 3) if tot_n else None,
                   "evidence_overlap_core": round(sum(overlap_hit[e] for e in CORE_ELEMENTS) / max(1, sum(overlap_n[e] for e in CORE_ELEMENTS)), 3)}
    return out


def _dist(values: list[float]) -> dict:
    v = sorted(x for x in values if x is not None)
    if not v:
        return {"n": 0}
    q = statistics.quantiles(v, n=4) if len(v) >= 2 else [v[0]] * 3
    return {"n": len(v), "q1": round(q[0], 1), "median": round(q[1], 1), "q3": round(q[2], 1),
            "min": round(v[0], 1), "max": round(v[-1], 1)}


def score_distributions(model: UnitClassifier, docs: list[LabelledDoc]) -> dict:
    """Scores of the full pages (headings kept, as at run time) by judged genre."""
    by: dict[str, list[float]] = {}
    for d in docs:
        res = analyse(Document(id=d.docid, text=d.body, title=d.title), model).result
        by.setdefault(d.genre, []).append(res.score)
    return {g: _dist(v) for g, v in sorted(by.items())}


def throughput(model: UnitClassifier, docs: list[LabelledDoc], n: int = 300) -> dict:
    bodies = [Document(text=d.body, title=d.title) for d in docs if d.genre == "interpretation"]
    bodies = (bodies * (n // max(1, len(bodies)) + 1))[:n]
    t0 = time.perf_counter()
    for b in bodies:
        analyse(b, model)
    wall = time.perf_counter() - t0
    return {"docs": n, "docs_per_s": round(n / wall, 1)}


def copy_ratio_pairs() -> dict:
    """摘抄度 of real interpretation -> document pairs (corpus/links.jsonl, both pages in the corpus)."""
    from nlp.completeness.copy import COPY_WARN_RATIO, copy_ratio

    recs = {}
    with require_shared("corpus", "sanming.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            recs[str(r.get("docid"))] = r
    ratios, unrelated = [], []
    with require_shared("corpus", "links.jsonl").open(encoding="utf-8") as fh:
        links = [json.loads(line) for line in fh if line.strip()]
    targets = [recs.get(str(k.get("target_docid"))) for k in links]
    for k, b in zip(links, targets):
        a = recs.get(str(k.get("interp_docid")))
        if a and b:
            ratios.append(copy_ratio(a["body"], b["body"]).ratio)
            other = next((t for t in targets if t and t is not b), None)
            if other:
                unrelated.append(copy_ratio(a["body"], other["body"]).ratio)
    v = [x for x in ratios if x is not None]
    return {"pairs": len(v), "linked": _dist([x * 100 for x in v]), "unrelated": _dist([x * 100 for x in unrelated if x is not None]),
            "threshold": COPY_WARN_RATIO, "flagged": sum(x >= COPY_WARN_RATIO for x in v)}


def full_report(model: UnitClassifier, docs: list[LabelledDoc], cut: str, errors: list | None = None) -> dict:
    held = [d for d in docs if not is_train(d, cut)]
    test_interp = [d for d in held if d.site == "sm.gov.cn" and d.genre == "interpretation" and d.structured]
    cross_site = [d for d in docs if d.site != "sm.gov.cn" and d.genre == "interpretation" and d.structured]
    return {
        "cutoff": cut,
        "heldout_sanming_stripped": evaluate_docs(model, test_interp, errors, "heldout"),
        "cross_site_pingtan_stripped": evaluate_docs(model, cross_site, errors, "pingtan") if cross_site else None,
        "score_by_genre_heldout_sanming": score_distributions(model, [d for d in held if d.site == "sm.gov.cn"]),
        "score_by_genre_pingtan": score_distributions(model, [d for d in docs if d.site != "sm.gov.cn"]),
        "stripped_score_heldout_interpretations": _dist(
            [analyse(Document(text=d.stripped_text()[0], title=d.title), model).result.score for d in test_interp]),
    }


def render_markdown(rep: dict, meta: dict) -> str:
    lines = ["# Completeness model — evaluation report", "",
             f"Generated by `govlint evaluate completeness` on {dt.date.today().isoformat()}. Model: {meta.get('version')} "
             f"trained {meta.get('trained')} on 三明 interpretations published before {rep['cutoff']} "
             f"({meta.get('train_docs')} documents, {meta.get('units')} text units).", ""]
    others = [(k, f"Same model, held-out 三明, against the {k.rsplit('_', 1)[-1]} label definition (for comparison)")
              for k in rep if k.startswith("heldout_sanming_stripped_labels_")]
    for key, title in (("heldout_sanming_stripped", f"Held-out 三明 interpretations (published on/after the cut-off), every heading stripped, labels {rep.get('labels', 'v1')}"),
                       *others,
                       ("cv_time_blocks_stripped", "Time-block cross-validation over all headed 三明 interpretations (each held out once), every heading stripped"),
                       ("cross_site_pingtan_stripped", "Cross-site: 平潭 interpretations (never trained on), every heading stripped")):
        r = rep.get(key)
        if not r:
            continue
        lines += [f"## {title}", "", f"Documents: {r['_all']['docs']}. Evidence overlaps a labelled paragraph for "
                  f"{r['_all']['evidence_overlap']} of detected (true) elements, {r['_all']['evidence_overlap_core']} for core elements.", "",
                  "| element | precision | recall | F1 | support | evidence overlap |", "|---|---|---|---|---|---|"]
        audit = r.get("_all_fp_audit") or {}
        for e in MODEL_ELEMENTS:
            m = r[e]
            lines.append(f"| {e}{' (core)' if e in CORE_ELEMENTS else ''} | {m['precision']} | {m['recall']} | {m['f1']} | {m['support']} | {m['evidence_overlap']} |")
        lines.append("")
        for e, a in audit.items():
            lines.append(f"- {e}: {a['evidence_states_it']} of {a['false_positives']} false positives (no {e} heading) show evidence "
                         f"that states it explicitly (AUDIT_CUES in training/completeness.py).")
        for e, a in (r.get("_label_audit") or {}).items():
            lines.append(f"- label audit, {e}: {a['unlabelled_stating_it']} of {a['unlabelled']} pages without a {e} heading state it "
                         f"explicitly, against {a['labelled_stating_it']} of {a['labelled']} pages with one; a perfect detector of explicit "
                         f"statements would score F1 {a['statement_oracle_f1']} against the heading labels.")
        lines.append("")
    for key, title in (("score_by_genre_heldout_sanming", "Score by judged genre, held-out 三明 pages (full pages, headings kept)"),
                       ("score_by_genre_pingtan", "Score by judged genre, 平潭 pages (other site)")):
        lines += [f"## {title}", "", "| genre | n | min | Q1 | median | Q3 | max |", "|---|---|---|---|---|---|---|"]
        for g, s in rep[key].items():
            lines.append(f"| {g} | {s['n']} | {s.get('min')} | {s.get('q1')} | {s.get('median')} | {s.get('q3')} | {s.get('max')} |")
        lines.append("")
    st = rep.get("decision_rule_study")
    if st:
        els = list(next(iter(st.values())))
        lines += ["## Decision rules compared (thresholds and document models chosen on training docs only)", "",
                  "F1 on held-out 三明 / time-block CV / 平潭. `max`: best unit >= threshold (grid 0.05-0.95); `doc_lr`: "
                  "logistic regression over the unit-score profile (max, second, top-3 mean, share and count >= 0.5, "
                  "number of units, position of the best unit); `+elements`: every element's best unit; `+title`: plan-type / "
                  "rule-type title; `all_positive`: every page has the element.", "",
                  "| rule | " + " | ".join(els) + " |", "|---|" + "---|" * len(els)]
        for rule, per_el in st.items():
            cells = [" / ".join(str(per_el[e].get(k, {}).get("f1")) for k in ("heldout", "cv", "pingtan")) for e in els]
            lines.append(f"| {rule} | " + " | ".join(cells) + " |")
        lines.append("")
    c = rep.get("copy_ratio_pairs")
    if c:
        lines += ["## Copy ratio (摘抄度) of real interpretation/document pairs", "",
                  f"{c['pairs']} linked 三明 pairs, ratio in percent: median {c['linked'].get('median')} (Q1 {c['linked'].get('q1')}, "
                  f"Q3 {c['linked'].get('q3')}, max {c['linked'].get('max')}); {c['flagged']} of {c['pairs']} reach the warning threshold "
                  f"{c['threshold']}. Unrelated pairs: median {c['unrelated'].get('median')}, max {c['unrelated'].get('max')}.", ""]
    s = rep["stripped_score_heldout_interpretations"]
    lines += [f"Held-out interpretations with every heading stripped: median {s.get('median')} (Q1 {s.get('q1')}, Q3 {s.get('q3')}).", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- decision-rule study

_PLAN_TITLE = re.compile(r"方案|计划|规划|意见|纲要|要点|行动")
_RULE_TITLE = re.compile(r"办法|规定|细则|条例|规则|标准|决定")
STUDY_RULES = ("max", "doc_lr", "doc_lr+elements", "doc_lr+title", "doc_lr+elements+title")


def _unit_scores(model: UnitClassifier, text: str) -> np.ndarray:
    """Unit probabilities exactly as analyse() computes them on a (heading-stripped) text."""
    units = [u for u in segment(text) if u.kind == "text"]
    if not units:
        return np.zeros((0, len(model.elements)))
    p = model.predict_proba([unit_text(u) for u in units], [i / max(1, len(units) - 1) for i in range(len(units))])
    p[[i for i, u in enumerate(units) if not model_unit_text(u.text)], :] = 0.0
    return p


def _doc_features(title: str, p: np.ndarray, j: int, rule: str) -> np.ndarray:
    """Document features for element j: the unit-score profile, optionally other elements' maxima and title type."""
    n = len(p)
    col = p[:, j] if n else np.zeros(1)
    top = np.sort(col)[::-1]
    f = [top[0], top[1] if n > 1 else 0.0, top[:3].mean(), float((col >= 0.5).mean()), float((col >= 0.5).sum()) / 5,
         np.log1p(n) / 4, float(np.argmax(col)) / max(1, n - 1)]
    if "elements" in rule:
        f += list(p.max(0) if n else np.zeros(p.shape[1]))
    if "title" in rule:
        f += [float(bool(_PLAN_TITLE.search(title))), float(bool(_RULE_TITLE.search(title)))]
    return np.array(f, dtype=float)


def _study_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    best = (0.5, -1.0)
    for t in np.arange(0.05, 0.96, 0.025):
        pred = scores >= t
        f1 = 2 * int((pred & truth).sum()) / max(1, int(pred.sum()) + int(truth.sum()))
        if f1 > best[1] + 1e-9:
            best = (float(t), f1)
    return best[0]


def _study_split(train: list[LabelledDoc], tests: dict[str, list[LabelledDoc]], c: float, elements: tuple[str, ...]) -> dict:
    """Per rule and element, (predicted, true) on each test set; everything chosen on the training docs only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_predict

    texts, pos, y, groups = _unit_matrix(train)
    oof = np.zeros(y.shape)
    for tr, va in GroupKFold(n_splits=5).split(texts, y, groups):
        m = _fit([texts[i] for i in tr], [pos[i] for i in tr], y[tr], c)
        oof[va] = m.predict_proba([texts[i] for i in va], [pos[i] for i in va])
    model = _fit(texts, pos, y, c)
    tr_rows = [(d.title, d.doc_labels, oof[groups == g]) for g, d in enumerate(train) if d.genre == "interpretation" and d.structured]
    te_rows = {k: [(d.title, d.doc_labels, _unit_scores(model, d.stripped_text()[0])) for d in v] for k, v in tests.items()}
    out: dict = {}
    for e in elements:
        j = MODEL_ELEMENTS.index(e)
        ytr = np.array([e in lab for _t, lab, _p in tr_rows])
        for rule in STUDY_RULES:
            if rule == "max":
                score_tr = np.array([p[:, j].max() if len(p) else 0.0 for _t, _l, p in tr_rows])
                thr = _study_threshold(score_tr, ytr)

                def score(rows, j=j):
                    return np.array([p[:, j].max() if len(p) else 0.0 for _t, _l, p in rows])
            else:
                x = np.array([_doc_features(t, p, j, rule) for t, _l, p in tr_rows])
                lr = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
                folds = max(2, min(5, int(ytr.sum()), int((~ytr).sum())))
                oof_doc = cross_val_predict(lr, x, ytr, cv=StratifiedKFold(folds, shuffle=True, random_state=0), method="predict_proba")[:, 1]
                thr = _study_threshold(oof_doc, ytr)
                lr.fit(x, ytr)

                def score(rows, j=j, lr=lr, rule=rule):
                    return lr.predict_proba(np.array([_doc_features(t, p, j, rule) for t, _l, p in rows]))[:, 1]
            for k, rows in te_rows.items():
                pred = score(rows) >= thr
                out.setdefault(rule, {}).setdefault(e, {})[k] = (pred.tolist(), [e in lab for _t, lab, _p in rows])
    return out


def decision_rule_study(docs: list[LabelledDoc], cut: str, folds: int, negatives: str, c: float,
                        elements: tuple[str, ...] = ("purpose", "tasks")) -> dict:
    """The decision rules of docs/completeness.md on the time split, 平潭 and the time-block CV, plus the
    all-positive baseline: rule -> element -> {heldout, pingtan, cv} -> F1/tp/fp/fn."""
    interp = sorted((d for d in docs if d.site == "sm.gov.cn" and d.genre == "interpretation" and d.structured),
                    key=lambda d: (d.published, d.docid))
    held = [d for d in interp if not is_train(d, cut)]
    pingtan = [d for d in docs if d.site != "sm.gov.cn" and d.genre == "interpretation" and d.structured]
    merged: dict = {}

    def add(res: dict, rename: dict[str, str]) -> None:
        for rule, per_el in res.items():
            for e, per_set in per_el.items():
                for k, (pred, truth) in per_set.items():
                    slot = merged.setdefault(rule, {}).setdefault(e, {}).setdefault(rename[k], ([], []))
                    slot[0].extend(pred)
                    slot[1].extend(truth)

    tr = training_docs(docs, lambda d: is_train(d, cut), negatives)
    add(_study_split(tr, {"heldout": held, "pingtan": pingtan}, c, elements), {"heldout": "heldout", "pingtan": "pingtan"})
    blocks = [interp[i * len(interp) // folds:(i + 1) * len(interp) // folds] for i in range(folds)]
    for block in tqdm(blocks, desc="decision-rule study (time blocks)"):
        lo, hi, ids = block[0].published, block[-1].published, {d.docid for d in block}
        tr = training_docs(docs, lambda d: d.site == "sm.gov.cn" and d.docid not in ids and not (lo <= d.published <= hi), negatives)
        add(_study_split(tr, {"cv": block}, c, elements), {"cv": "cv"})
    out: dict = {}
    for rule, per_el in merged.items():
        for e, per_set in per_el.items():
            out.setdefault(rule, {})[e] = {k: _prf(pred, truth) for k, (pred, truth) in per_set.items()}
    for e in elements:  # the all-positive baseline
        out.setdefault("all_positive", {})[e] = {k: _prf([True] * len(truth), truth) for k, (_p, truth) in merged["max"][e].items()}
    return out


# ---------------------------------------------------------------- entry points

def training_docs(docs: list[LabelledDoc], in_train, negatives: str) -> list[LabelledDoc]:
    """Headed interpretations in the training period, plus pages of the negative genres as all-negative units."""
    neg = {"none": set(), "news": {"news"}, "news+normative": {"news", "normative"}}[negatives]
    out = []
    for d in docs:
        if not in_train(d):
            continue
        if d.genre == "interpretation" and d.structured:
            out.append(d)
        elif d.genre in neg:  # a news story's paragraphs are not interpretation elements
            out.append(LabelledDoc(**{**d.__dict__, "unit_labels": [set() for _ in d.units],
                                      "train_units": [(t, p, set()) for t, p, _ in d.train_units]}))
    return out


def cv_evaluate(docs: list[LabelledDoc], folds: int, negatives: str, c: float, errors: list | None = None) -> dict:
    """Time-block cross-validation: every headed 三明 interpretation is held out once, its block never trained on."""
    interp = sorted((d for d in docs if d.site == "sm.gov.cn" and d.genre == "interpretation" and d.structured),
                    key=lambda d: (d.published, d.docid))
    blocks = [interp[i * len(interp) // folds:(i + 1) * len(interp) // folds] for i in range(folds)]
    all_pred: list[LabelledDoc] = []
    merged: dict = {}
    audit: dict[str, Counter] = {}
    per_fold = []
    for k, block in enumerate(blocks):
        lo, hi = block[0].published, block[-1].published
        held = {d.docid for d in block}
        tr = training_docs(docs, lambda d: d.site == "sm.gov.cn" and d.docid not in held and not (lo <= d.published <= hi), negatives)
        model, _ = train_model(tr, c=c)
        r = evaluate_docs(model, block, errors, f"cv{k}")
        per_fold.append({"fold": k, "from": lo, "to": hi, "docs": len(block)})
        for e, a in r.get("_all_fp_audit", {}).items():
            audit.setdefault(e, Counter()).update(a)
        for e in MODEL_ELEMENTS:
            m = merged.setdefault(e, Counter())
            m.update({x: r[e][x] for x in ("tp", "fp", "fn")})
            m["ov_hit"] += round((r[e]["evidence_overlap"] or 0) * r[e]["tp"])
        all_pred += block
    out = {}
    for e in MODEL_ELEMENTS:
        m = merged[e]
        tp, fp, fn = m["tp"], m["fp"], m["fn"]
        out[e] = {"precision": round(tp / (tp + fp), 3) if tp + fp else None, "recall": round(tp / (tp + fn), 3) if tp + fn else None,
                  "f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else None, "support": tp + fn,
                  "evidence_overlap": round(m["ov_hit"] / tp, 3) if tp else None, "tp": tp, "fp": fp, "fn": fn}
    out["_all_fp_audit"] = {e: dict(a) for e, a in audit.items()}
    out["_label_audit"] = label_audit(all_pred)
    tp_all = sum(merged[e]["tp"] for e in MODEL_ELEMENTS)
    out["_all"] = {"docs": len(all_pred), "folds": per_fold,
                   "evidence_overlap": round(sum(merged[e]["ov_hit"] for e in MODEL_ELEMENTS) / max(1, tp_all), 3),
                   "evidence_overlap_core": round(sum(merged[e]["ov_hit"] for e in CORE_ELEMENTS) / max(1, sum(merged[e]["tp"] for e in CORE_ELEMENTS)), 3)}
    return out


def train_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="govlint train completeness", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--test-share", type=float, default=0.3, help="share of 三明 interpretations held out (latest by date)")
    ap.add_argument("--negatives", choices=["none", "news", "news+normative"], default="news",
                    help="add training-period pages of these genres as all-negative units")
    ap.add_argument("-C", type=float, default=4.0, help="inverse regularisation of the logistic regression")
    ap.add_argument("--labels", choices=sorted(LABEL_TABLES), default="v2",
                    help="label definition: v2 (live table + sentence assignment under compound headings) or the frozen v1")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)
    docs, cut = build(args.test_share, args.labels)
    train_docs = training_docs(docs, lambda d: is_train(d, cut), args.negatives)
    log.info("training", train_docs=len(train_docs), cutoff=cut, negatives=args.negatives)
    model, info = train_model(train_docs, c=args.C)
    model.meta = {"trained": dt.date.today().isoformat(), "cutoff": cut, "negatives": args.negatives, "C": args.C, "labels": args.labels,
                  "train_docs": len(train_docs), "version": MODEL_VERSION, **info}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "unit_clf.joblib"
    model.save(path)
    print(json.dumps({"saved": str(path), "bytes": path.stat().st_size, **model.meta, "thresholds": model.thresholds},
                     ensure_ascii=False))
    return 0


def evaluate_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="govlint evaluate completeness")
    ap.add_argument("--models", type=Path, default=MODELS)
    ap.add_argument("--out", type=Path, default=OUT_DIR / "EVALUATION.md")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "metrics.json")
    ap.add_argument("--cv", type=int, default=5, help="also run time-block cross-validation with this many folds (0: skip)")
    ap.add_argument("--errors", type=Path, default=None,
                    help="write the purpose/tasks false positives and negatives (held-out, 平潭, CV) as JSON lines to this file; "
                         "it quotes corpus text, so keep it outside the repository (e.g. /tmp/completeness_errors.jsonl)")
    ap.add_argument("--rules-study", action="store_true",
                    help="also compare document-level decision rules for purpose/tasks (retrains per split; ~5 min)")
    args = ap.parse_args(argv)
    errors: list | None = [] if args.errors else None
    model = load_classifier(args.models)
    cut = model.meta.get("cutoff")
    labels = model.meta.get("labels", "v1")
    docs, cut_now = build(0.3, labels)
    cut = cut or cut_now
    rep = full_report(model, docs, cut, errors)
    rep["labels"] = labels
    for other in sorted(set(LABEL_TABLES) - {labels}):  # the same model against the other label definition
        odocs, _ = build(0.3, other)
        oheld = [d for d in odocs if d.site == "sm.gov.cn" and d.genre == "interpretation" and d.structured and not is_train(d, cut)]
        rep[f"heldout_sanming_stripped_labels_{other}"] = evaluate_docs(model, oheld)
    rep["throughput_in_process"] = throughput(model, docs)
    rep["copy_ratio_pairs"] = copy_ratio_pairs()
    rep["model"] = {k: model.meta.get(k) for k in ("version", "trained", "cutoff", "negatives", "C", "train_docs", "units")}
    rep["thresholds"] = model.thresholds
    if args.cv:
        rep["cv_time_blocks_stripped"] = cv_evaluate(docs, args.cv, model.meta.get("negatives", "news"), model.meta.get("C", 4.0), errors)
        rep["cv_time_blocks_stripped"]["_all"]["labels"] = labels
    if args.rules_study:
        rep["decision_rule_study"] = decision_rule_study(docs, cut, max(2, args.cv or 5), model.meta.get("negatives", "news"), model.meta.get("C", 4.0))
    if args.errors:
        args.errors.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in errors or []), encoding="utf-8")
        log.info("errors_written", path=str(args.errors), rows=len(errors or []))
    args.json.write_text(json.dumps(rep, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.write_text(render_markdown(rep, model.meta), encoding="utf-8")
    core = rep["heldout_sanming_stripped"]
    print(json.dumps({"core_f1": {e: core[e]["f1"] for e in CORE_ELEMENTS}, "evidence_overlap": core["_all"],
                      "scores": rep["score_by_genre_heldout_sanming"], "throughput": rep["throughput_in_process"]},
                     ensure_ascii=False))
    return 0
