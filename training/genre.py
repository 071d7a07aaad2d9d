"""`govlint train genre` and `govlint evaluate genre`.

train:    fit the fast model on every labelled page (both sites) → models/genre/fast.{npz,json}, then run
          the evaluation and write the report and the model card beside it.
evaluate: the held-out protocol, re-fitting the same recipe on each split's training side only:
          - time split: train on pages published before --cutoff, test on the rest;
          - source split: train without --held-out (pingtan), test on it, body only and with titles;
          - grouped 5-fold cross-validation over all pages (out-of-fold predictions for the hard set,
            per-source figures and the abstention/cascade thresholds);
          plus the shipped model on pages it never saw: gov.cn State Council documents and the seeds.
Every split is evaluated with titles and with titles removed. Output: models/genre/evaluation.json
(same keys every run), evaluation.md and MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.genre import ABSTAIN_BELOW, CASCADE_BELOW, LABELS, Classifier
from nlp.genre.fast import FastModel
from nlp.genre.features import cue_vector
from nlp.genre.ngrams import Vocabulary
from nlp.genre.text import flatten, model_text
from nlp.log import get_logger
from training import corpus as C
from training.genre_metrics import summarize
from training.paths import MODELS, shared_dir

log = get_logger(__name__)

OUT_DIR = MODELS / "genre"


@dataclass(frozen=True)
class Recipe:
    """Hyper-parameters; each grid is searched by grouped CV inside the training side of a split."""

    c_grid: tuple[float, ...] = (8.0, 32.0)
    struct_scale_grid: tuple[float, ...] = (0.3, 1.0)  # < 1 makes the cues costlier, so the n-grams carry more
    min_df: int = 2
    max_features: int = 60000
    folds: int = 5
    seed: int = 0


def _progress(iterable=None, total=None, desc=""):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, leave=False,
                disable=os.environ.get("GOVLINT_PROGRESS") == "0")


# --- fitting ----------------------------------------------------------------------------------------

def _examples(pages: Sequence[C.Page]) -> tuple[list[str | None], list[str], list[str], list[int]]:
    """Each page three times: with its title, body only, and body only with paragraphs glued together, so
    the body alone must carry the label whatever the extraction kept of the layout."""
    titles, bodies, labels, page_idx = [], [], [], []
    for i, p in enumerate(pages):
        for t, b in ((p.title or None, p.body), (None, p.body), (None, flatten(p.body))):
            titles.append(t)
            bodies.append(b)
            labels.append(p.label)
            page_idx.append(i)
    return titles, bodies, labels, page_idx


def _lr(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced")


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of out-of-fold logits (Guo et al. 2017)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-lp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(-3, 3), method="bounded")
    return float(np.exp(res.x))


def fit_fast(pages: Sequence[C.Page], recipe: Recipe = Recipe(), name: str = "genre-fast", desc: str = "fit") -> tuple[FastModel, dict]:
    """Fit vocabulary, select C by grouped CV, calibrate on out-of-fold logits, refit on everything."""
    from scipy.sparse import csr_matrix, hstack

    titles, bodies, labels, page_idx = _examples(pages)
    texts = [model_text(t, b) for t, b in zip(titles, bodies)]
    vocab = Vocabulary.fit(texts, recipe.min_df, recipe.max_features)
    x_ng = vocab.transform(texts)
    x_st = np.vstack([cue_vector(t, b) for t, b in zip(titles, bodies)])
    labs = sorted(set(labels), key=LABELS.index)
    y = np.array([labs.index(v) for v in labels])
    page_fold = C.grouped_folds(pages, recipe.folds, recipe.seed)
    fold = np.array([page_fold[i] for i in page_idx])
    best = None
    configs = [(c, s) for c in recipe.c_grid for s in recipe.struct_scale_grid]
    bar = _progress(total=len(configs) * recipe.folds + 1, desc=desc)
    for c, s in configs:
        x = hstack([x_ng, csr_matrix(x_st * s)]).tocsr()
        oof = np.zeros((len(y), len(labs)))
        for k in range(recipe.folds):
            tr, te = fold != k, fold == k
            if not te.any():
                bar.update(1)
                continue
            m = _lr(c).fit(x[tr], y[tr])
            dec = m.decision_function(x[te])
            full = np.full((int(te.sum()), len(labs)), -30.0)
            full[:, m.classes_] = dec if dec.ndim == 2 else np.column_stack([-dec, dec])
            oof[te] = full
            bar.update(1)
        pred = oof.argmax(axis=1)
        from sklearn.metrics import f1_score

        score = f1_score(y, pred, average="macro")
        if best is None or score > best[0] + 1e-9:
            best = (score, c, s, oof)
    score, c, s, oof = best
    temperature = _fit_temperature(oof, y)
    x = hstack([x_ng, csr_matrix(x_st * s)]).tocsr()
    final = _lr(c).fit(x, y)
    bar.update(1)
    bar.close()
    coef = final.coef_
    n_ng = len(vocab)
    info = {"C": c, "struct_scale": s, "inner_cv_macro_f1": round(float(score), 4), "temperature": round(temperature, 4),
            "train_pages": len(pages), "train_examples": len(y), "vocabulary": n_ng}
    model = FastModel(labels=tuple(labs), vocab=vocab, w_ngram=coef[:, :n_ng].astype(np.float32),
                      w_struct=coef[:, n_ng:].astype(np.float32), bias=final.intercept_.astype(np.float32),
                      struct_scale=s, temperature=temperature, name=name, meta=info)
    return model, info


# --- predicting and scoring --------------------------------------------------------------------------

def predict(clf: Classifier, pages: Sequence[C.Page], with_title: bool, desc: str = "predict") -> list:
    return [clf.decide(p.title if with_title else None, p.body) for p in _progress(pages, desc=desc)]


def score(pages: Sequence[C.Page], decisions: list, abstain_below: float) -> dict:
    probs = np.array([[d.scores.get(lab, 0.0) for lab in LABELS] for d in decisions]) if decisions else np.zeros((0, 4))
    out = summarize([p.label for p in pages], [d.label for d in decisions], probs,
                    [d.confidence for d in decisions], abstain_below, [p.source for p in pages], [p.hard for p in pages])
    out["decided_by"] = {k: sum(1 for d in decisions if d.decided_by == k) for k in sorted({d.decided_by for d in decisions})}
    return out


def _split_report(name: str, train: list[C.Page], test: list[C.Page], recipe: Recipe, extra: dict) -> dict:
    model, info = fit_fast(train, recipe, desc=f"fit {name}")
    clf = Classifier(fast=model, explain=False)
    rep = dict(extra, train_counts=C.class_counts(train), test_counts=C.class_counts(test), fit=info)
    for key, with_title in (("with_title", True), ("body_only", False)):
        rep[key] = score(test, predict(clf, test, with_title, desc=f"{name} {key}"), ABSTAIN_BELOW)
    return rep


def cross_validated(pages: list[C.Page], recipe: Recipe) -> tuple[dict, dict]:
    """Out-of-fold decisions for every page (grouped folds), and threshold tables derived from them."""
    folds = C.grouped_folds(pages, recipe.folds, recipe.seed + 1)
    dec_t: list = [None] * len(pages)
    dec_b: list = [None] * len(pages)
    for k in _progress(range(recipe.folds), desc="cv folds"):
        train = [p for p, f in zip(pages, folds) if f != k]
        test_idx = [i for i, f in enumerate(folds) if f == k]
        model, _ = fit_fast(train, recipe, desc=f"fit cv{k}")
        clf = Classifier(fast=model, explain=False)
        for i in test_idx:
            dec_t[i] = clf.decide(pages[i].title, pages[i].body)
            dec_b[i] = clf.decide(None, pages[i].body)
    rep = {"folds": recipe.folds, "with_title": score(pages, dec_t, ABSTAIN_BELOW),
           "body_only": score(pages, dec_b, ABSTAIN_BELOW)}
    rep["errors_body_only"] = [
        {"uid": p.uid, "gold": p.label, "predicted": d.label, "confidence": round(d.confidence, 3), "hard": p.hard}
        for p, d in zip(pages, dec_b) if d.label != p.label
    ]
    return rep, {"with_title": dec_t, "body_only": dec_b}


def threshold_table(pages: list[C.Page], decisions: list) -> list[dict]:
    """Coverage and accuracy above each confidence threshold (for the abstention and cascade settings)."""
    rows = []
    for th in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        kept = [(p, d) for p, d in zip(pages, decisions) if d.confidence >= th]
        acc = np.mean([p.label == d.label for p, d in kept]) if kept else 0.0
        rows.append({"threshold": th, "coverage": round(len(kept) / len(pages), 4), "accuracy": round(float(acc), 4)})
    return rows


# --- pages the shipped model never saw ------------------------------------------------------------

def govcn_documents(path: Path) -> list[tuple[str, str, str, str]]:
    """(id, title, body, gold genre) from the gov.cn records, via nlp.ingest.ingest_html when it works,
    else a plain lxml text extraction (training-side fallback only)."""
    out = []
    for r in C._records(path):
        html = r.get("html") or ""
        body, how = "", "ingest_html"
        try:
            from nlp.ingest import ingest_html

            doc = ingest_html(html, title=r.get("title"))
            if not doc.errors:
                body = doc.text
        except Exception:
            body = ""
        if not body.strip():
            how = "lxml"
            body = _lxml_text(html)
        out.append((str(r.get("id")), r.get("title") or "", body, r.get("genre") or "normative", how))
    return out


def _lxml_text(html: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    lines = [ln.strip() for ln in root.text_content().split("\n")]
    return "\n".join(ln for ln in lines if ln)


def external_checks(clf: Classifier) -> dict:
    """The shipped model on gov.cn documents and the seeds (none used for training)."""
    rep: dict = {}
    gpath = shared_dir() / "corpus" / "govcn_state_council.jsonl"
    if gpath.exists():
        docs = govcn_documents(gpath)
        rows = {"with_title": [], "body_only": []}
        for did, title, body, gold, how in _progress(docs, desc="gov.cn"):
            for key, t in (("with_title", title), ("body_only", None)):
                d = clf.decide(t, body)
                rows[key].append((gold, d))
        rep["govcn"] = {
            "n": len(docs), "extraction": sorted({d[4] for d in docs}),
            **{k: {"accuracy": round(float(np.mean([g == d.label for g, d in v])), 4),
                   "predicted_counts": {lab: sum(1 for _, d in v if d.label == lab) for lab in LABELS},
                   "abstained": sum(1 for _, d in v if d.confidence < clf.abstain_below)}
               for k, v in rows.items()},
        }
    seeds_dir = shared_dir() / "seeds"
    if seeds_dir.is_dir():
        from nlp.ingest import ingest_path

        seeds = {}
        for f in sorted(seeds_dir.glob("*.txt")):
            doc = ingest_path(f)
            d = clf.decide(doc.title, doc.text)
            seeds[f.name[:3]] = {"label": d.label, "confidence": round(d.confidence, 3), "decided_by": d.decided_by,
                                 "scores": d.scores, "evidence": [_no_text(e) for e in d.evidence]}
        rep["seeds"] = seeds
    return rep


def _no_text(evidence: str) -> str:
    """Evidence without the quoted page text: reports are committed, shared-data sentences must not be."""
    evidence = re.sub(r"'[^']*'", "'…'", evidence)
    return re.sub(r"^(rule [a-z_]+: [^:]*):.*$", r"\1", evidence)


def throughput(clf: Classifier, pages: Sequence[C.Page], n: int = 500, chars: int = 2000) -> dict:
    """Single-process docs/s of `decide` (with evidence) on 2,000-character bodies; the machine is shared,
    so this is indicative — `govlint bench genre` is the reference figure."""
    bodies = []
    for p in pages:
        b = p.body
        while len(b) < chars:
            b = b + "\n" + b
        bodies.append((p.title, b[:chars]))
    lat = []
    for i in range(n):
        t, b = bodies[i % len(bodies)]
        s = time.perf_counter()
        clf.result(t, b)
        lat.append(time.perf_counter() - s)
    return {"docs": n, "chars_per_doc": chars, "docs_per_s_median_latency": round(1 / float(np.median(lat)), 1),
            "p50_ms": round(float(np.median(lat)) * 1000, 3), "note": "one process, shared 2-core machine"}


# --- commands -------------------------------------------------------------------------------------

def _parser(prog: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=None, help="folder with the labelled .jsonl files (default ../shared/corpus)")
    ap.add_argument("--files", nargs="+", default=list(C.DEFAULT_FILES), help="labelled files to use")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="model folder (default models/genre)")
    ap.add_argument("--cutoff", default="2024-01-01", help="time split: test on pages published on/after this date")
    ap.add_argument("--held-out", default="pingtan", help="source split: the site (file stem) tested on")
    ap.add_argument("--seed", type=int, default=0)
    return ap


def train_main(argv: list[str]) -> int:
    ap = _parser("govlint train genre")
    ap.add_argument("--no-eval", action="store_true", help="skip the evaluation (the report and model card are not updated)")
    args = ap.parse_args(argv)
    stats = C.LoadStats()
    pages = C.load_pages(args.corpus, args.files, stats)
    print(C.describe("training on", pages), file=sys.stderr)
    date = dt.date.today().isoformat()
    model, info = fit_fast(pages, Recipe(seed=args.seed), name=f"genre-fast@{date}", desc="fit shipped model")
    model.meta = dict(info, date=date, files=list(args.files), abstain_below=ABSTAIN_BELOW, cascade_below=CASCADE_BELOW,
                      command="govlint train genre " + " ".join(argv))
    paths = model.save(args.out)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {', '.join(str(p) for p in paths)} ({size / 1e6:.2f} MB)", file=sys.stderr)
    if args.no_eval:
        return 0
    return evaluate_main([a for a in argv if a != "--no-eval"])


def evaluate_main(argv: list[str]) -> int:
    ap = _parser("govlint evaluate genre")
    args = ap.parse_args(argv)
    from nlp.genre import load_classifier
    from training.genre_report import write_reports

    try:
        shipped = load_classifier(args.out.parent if args.out.name == "genre" else args.out)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stats = C.LoadStats()
    pages = C.load_pages(args.corpus, args.files, stats)
    recipe = Recipe(seed=args.seed)
    t0 = time.perf_counter()
    report: dict = {
        "task": "genre", "model": shipped.fast.name, "date": dt.date.today().isoformat(),
        "command": "govlint evaluate genre " + " ".join(argv),
        "corpus": {"files": list(args.files), "read": stats.read, "kept": stats.kept,
                   "exact_duplicates": len(stats.exact_duplicates), "image_only": len(stats.image_only),
                   "near_duplicate_groups": len(stats.near_duplicate_groups), "counts": C.class_counts(pages)},
        "thresholds": {"abstain_below": ABSTAIN_BELOW, "cascade_below": CASCADE_BELOW},
        "splits": {},
    }
    tr, te = C.split_by_time(pages, args.cutoff)
    report["splits"]["time"] = _split_report("time", tr, te, recipe, {"cutoff": args.cutoff})
    if any(p.source == args.held_out for p in pages):
        tr, te = C.split_by_source(pages, args.held_out)
        report["splits"]["source"] = _split_report("source", tr, te, recipe, {"held_out": args.held_out})
    cv, decisions = cross_validated(pages, recipe)
    cv["thresholds_body_only"] = threshold_table(pages, decisions["body_only"])
    report["splits"]["cv"] = cv
    report["external"] = external_checks(shipped)
    report["throughput_fast"] = throughput(shipped, pages)
    report["encoder"] = _encoder_summary(args.out)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    paths = write_reports(report, args.out, shipped)
    print(json.dumps(_headline(report), ensure_ascii=False, indent=1))
    print(f"wrote {', '.join(str(p) for p in paths)}", file=sys.stderr)
    return 0


def _encoder_summary(folder: Path) -> dict | None:
    p = folder / "encoder_evaluation.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def _headline(r: dict) -> dict:
    s = r["splits"]
    h = {
        "time_macro_f1_core": s["time"]["with_title"]["macro_f1_core"],
        "time_macro_f1_core_body_only": s["time"]["body_only"]["macro_f1_core"],
        "cv_hard_news_or_other_rate_body_only": s["cv"]["body_only"]["hard_set"]["news_or_other_rate"],
        "cv_interpretation_recall_body_only": s["cv"]["body_only"]["hard_set"]["interpretation_recall_all_pages"],
    }
    if "source" in s:
        h["source_macro_f1_core_body_only"] = s["source"]["body_only"]["macro_f1_core"]
        h["source_macro_f1_core_with_title"] = s["source"]["with_title"]["macro_f1_core"]
    ext = r.get("external", {})
    if "govcn" in ext:
        h["govcn_accuracy_body_only"] = ext["govcn"]["body_only"]["accuracy"]
    if "seeds" in ext:
        h["seeds"] = {k: v["label"] for k, v in ext["seeds"].items()}
    return h
