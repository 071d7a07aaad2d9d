"""Metrics for the genre evaluation report: the same keys on every run so reports can be diffed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

LABELS: tuple[str, ...] = ("interpretation", "news", "normative", "other")
CORE: tuple[str, ...] = ("interpretation", "news", "normative")


def prf(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, dict[str, float]]:
    out = {}
    for lab in labels:
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == lab and p == lab)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t != lab and p == lab)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}
    return out


def macro_f1(per_class: dict[str, dict[str, float]], labels: Sequence[str]) -> float:
    """Mean F1 over the labels that occur in the gold data (a class absent from a test set is skipped)."""
    vals = [per_class[lab]["f1"] for lab in labels if per_class[lab]["support"] > 0]
    return round(float(np.mean(vals)), 4) if vals else 0.0


def confusion(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict:
    m = [[sum(1 for t, p in zip(y_true, y_pred) if t == a and p == b) for b in labels] for a in labels]
    return {"labels": list(labels), "rows_gold_cols_predicted": m}


def ece(probs: np.ndarray, y_idx: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top-class confidence (equal-width bins)."""
    if len(y_idx) == 0:
        return 0.0
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == y_idx).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            total += sel.mean() * abs(correct[sel].mean() - conf[sel].mean())
    return round(float(total), 4)


def summarize(
    y_true: Sequence[str], y_pred: Sequence[str], probs: np.ndarray, confidence: Sequence[float],
    abstain_below: float, sources: Sequence[str], hard: Sequence[bool],
) -> dict:
    """All the figures for one (model, split, title setting)."""
    y_true, y_pred = list(y_true), list(y_pred)
    per = prf(y_true, y_pred)
    y_idx = np.array([LABELS.index(t) for t in y_true])
    conf = np.asarray(confidence, dtype=float)
    kept = conf >= abstain_below
    acc = float(np.mean([t == p for t, p in zip(y_true, y_pred)])) if y_true else 0.0
    acc_kept = float(np.mean([t == p for t, p, k in zip(y_true, y_pred, kept) if k])) if kept.any() else 0.0
    per_source = {}
    for src in sorted(set(sources)):
        sel = [i for i, s in enumerate(sources) if s == src]
        st = [y_true[i] for i in sel]
        sp = [y_pred[i] for i in sel]
        per_source[src] = {
            "n": len(sel), "accuracy": round(float(np.mean([a == b for a, b in zip(st, sp)])), 4),
            "macro_f1_core": macro_f1(prf(st, sp), CORE),
        }
    return {
        "n": len(y_true),
        "accuracy": round(acc, 4),
        "macro_f1_core": macro_f1(per, CORE),
        "macro_f1_all": macro_f1(per, LABELS),
        "per_class": per,
        "confusion": confusion(y_true, y_pred),
        "ece": ece(probs, y_idx),
        "abstain_below": abstain_below,
        "abstained_rate": round(float(1 - kept.mean()), 4) if len(kept) else 0.0,
        "accuracy_when_answered": round(acc_kept, 4),
        "hard_set": hard_set(y_true, y_pred, hard),
        "per_source": per_source,
    }


def hard_set(y_true: Sequence[str], y_pred: Sequence[str], hard: Sequence[bool]) -> dict:
    """News-in-interpretation-column pages: how many are kept out of `interpretation`, and the price paid
    on real interpretations."""
    idx = [i for i, h in enumerate(hard) if h]
    not_interp = [i for i in idx if y_true[i] in ("news", "other")]
    ok = sum(1 for i in not_interp if y_pred[i] in ("news", "other"))
    interp = [i for i, t in enumerate(y_true) if t == "interpretation"]
    interp_ok = sum(1 for i in interp if y_pred[i] == "interpretation")
    return {
        "n": len(idx),
        "gold_news_or_other": len(not_interp),
        "predicted_news_or_other": ok,
        "news_or_other_rate": round(ok / len(not_interp), 4) if not_interp else None,
        "accuracy": round(sum(1 for i in idx if y_true[i] == y_pred[i]) / len(idx), 4) if idx else None,
        "predicted_counts": dict(Counter(y_pred[i] for i in idx)),
        "interpretation_recall_all_pages": round(interp_ok / len(interp), 4) if interp else None,
    }
