"""Build, tune and evaluate the typo layer (`govlint train typo`, `govlint evaluate typo`).

Data roles (nothing is trained on a sentence it is scored on):
- LM + lexicon: corpus bodies (三明, 平潭, gov.cn State Council pages) and policy-library titles, minus every
  corpus sentence sharing a 12-character shingle with any evaluation set; pycorrector word_freq.txt.
- Scorer (logistic regression over candidate features) and threshold: the TUNE halves — the first half of
  csc_espell_odw.train (by position) and the first half of acc_xxqg.tet.json (clean: false alarms).
- Reported: the TEST halves (second half of each file) and all of gen_xxqg.tet.json (synthetic errors).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from nlp.log import get_logger
from nlp.wording.typo_model import (
    PAIR_FEATURES,
    RunInfo,
    pair_candidates,
    CONF_TYPES,
    FEATURES,
    MAX_WORD,
    NGRAM_ORDER,
    TypoResources,
    candidate_features,
    cjk_runs,
    is_cjk,
    linear_scorer,
    score,
)
from training.paths import MODELS, require_shared

log = get_logger(__name__)

OUT = MODELS / "typo"
SHINGLE = 12
TARGET_FA = 0.003  # share of clean sentences with a typo finding the threshold may allow (tune half)
TARGET_P = 0.75  # sentence-level precision the threshold must reach on the tune half (acceptance: 0.7)


# ---- data -------------------------------------------------------------------------------------


def load_espell() -> list[dict]:
    """[{source, target, label}]; label = number of wrong characters (0..7). Positions = where source != target."""
    return json.loads(require_shared("csc", "csc_espell_odw.train").read_text(encoding="utf-8"))


def load_xxqg(name: str) -> list[dict]:
    """[{original_text, correct_text, wrong_ids}] (acc = clean, gen = synthetic errors)."""
    return json.loads(require_shared("csc", name).read_text(encoding="utf-8"))


def espell_has_error(r: dict) -> int:
    """1 when the sentence contains an error: label > 0 (5 label-0 rows still differ from their target)."""
    return int(r["label"] != "0" or r["source"] != r["target"])


def halves(items: list, part: str) -> list:
    h = len(items) // 2
    return items[:h] if part == "tune" else items[h:]


def eval_sentences() -> list[str]:
    out: list[str] = []
    for r in load_espell():
        out += [r["source"], r["target"]]
    for name in ("acc_xxqg.tet.json", "gen_xxqg.tet.json"):
        for r in load_xxqg(name):
            out += [r["original_text"], r["correct_text"]]
    return out


def _shingles(s: str) -> set[str]:
    s = "".join(ch for ch in s if is_cjk(ch))
    return {s[i : i + SHINGLE] for i in range(0, max(0, len(s) - SHINGLE + 1))}


def _html_text(html: str) -> str:
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - a broken page just contributes nothing
        return ""
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return tree.text_content()


def corpus_texts() -> list[str]:
    """Clean government text for the character LM, one string per page or title."""
    texts: list[str] = []
    for name in ("sanming.jsonl", "pingtan.jsonl"):
        with require_shared("corpus", name).open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                texts.append((r.get("title") or "") + "\n" + (r.get("body") or ""))
    with require_shared("corpus", "govcn_state_council.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            texts.append((r.get("title") or "") + "\n" + _html_text(r.get("html") or ""))
    with require_shared("corpus", "policy_titles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line).get("title") or "")
    return texts


_SENT = re.compile(r"[^。！？；\n]+[。！？；]?")


def clean_corpus_sentences() -> tuple[list[str], int]:
    """Corpus sentences with every sentence overlapping an evaluation set removed (returns dropped count)."""
    banned: set[str] = set()
    for s in eval_sentences():
        banned |= _shingles(s)
    seen: set[str] = set()
    out: list[str] = []
    dropped = 0
    for t in corpus_texts():
        for m in _SENT.finditer(t):
            s = m.group(0).strip()
            if not s or s in seen:
                continue
            seen.add(s)
            if _shingles(s) & banned:
                dropped += 1
                continue
            out.append(s)
    return out, dropped


# ---- resources ----------------------------------------------------------------------------------


def build_lexicon(min_count: int) -> dict[str, int]:
    lex: dict[str, int] = {}
    with require_shared("lexicons", "pycorrector", "word_freq.txt").open(encoding="utf-8") as fh:
        for line in fh:
            p = line.split()
            if len(p) < 2 or not p[1].isdigit():
                continue
            w, c = p[0], int(p[1])
            if not (1 <= len(w) <= MAX_WORD) or not all(is_cjk(ch) for ch in w):
                continue
            if len(w) > 1 and c < min_count:
                continue
            lex[w] = max(lex.get(w, 0), c)
    return lex


def build_ngrams(sentences: list[str], min_count: int) -> list[dict[str, int]]:
    counts = [collections.Counter() for _ in range(NGRAM_ORDER + 1)]
    for s in sentences:
        for _, run in cjk_runs(s):
            for n in range(1, NGRAM_ORDER + 1):
                c = counts[n]
                for i in range(len(run) - n + 1):
                    c[run[i : i + n]] += 1
    out: list[dict[str, int]] = [{}]
    for n in range(1, NGRAM_ORDER + 1):
        keep = 1 if n == 1 else min_count
        out.append({k: v for k, v in counts[n].items() if v >= keep})
    return out


def _fuzzy(p: str) -> str:
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if p.startswith(a):
            p = b + p[len(a) :]
    for a, b in (("ing", "in"), ("eng", "en"), ("ang", "an")):
        if p.endswith(a):
            p = p[: -len(a)] + b
    if p.startswith("n"):
        p = "l" + p[1:]
    return p


def build_confusion(n_chars: int) -> dict[str, dict[str, str]]:
    """char -> {confusable char: type}, restricted to the n_chars most frequent characters plus the common set.

    Sources, in order of trust: pycorrector same_pinyin (same syllable), same_stroke (look-alikes), pypinyin
    toneless syllables, fuzzy syllables (zh/z, in/ing, n/l), and shape pairs from char-similar decompositions
    (same phonetic part with another radical, or a character and its own part: 银/很, 保/呆, 体/本).
    """
    from pypinyin import Style, pinyin

    lx = require_shared("lexicons")
    common = [ln.strip() for ln in (lx / "pycorrector" / "common_char_set.txt").open(encoding="utf-8") if ln.strip()]
    freq = json.loads((lx / "char-similar" / "char_frequency.dict").read_text(encoding="utf-8"))
    top = [c for c, _ in sorted(freq.items(), key=lambda x: -x[1]) if is_cjk(c)][:n_chars]
    charset = set(common) | set(top)
    conf: dict[str, dict[str, str]] = collections.defaultdict(dict)

    def add(a: str, b: str, t: str) -> None:
        if a != b and a in charset and b in charset:
            conf[a].setdefault(b, t)

    for ln in (lx / "pycorrector" / "same_pinyin.txt").open(encoding="utf-8"):
        if ln.startswith("#"):
            continue
        p = ln.rstrip("\n").split("\t")
        for col in p[1:]:
            for b in col:
                add(p[0], b, "pinyin")
                add(b, p[0], "pinyin")
    for ln in (lx / "pycorrector" / "same_stroke.txt").open(encoding="utf-8"):
        g = ln.split()
        for a in g:
            for b in g:
                add(a, b, "stroke")
    by: dict[str, list[str]] = collections.defaultdict(list)
    byf: dict[str, list[str]] = collections.defaultdict(list)
    for c in sorted(charset):
        for p in pinyin(c, style=Style.NORMAL, heteronym=True)[0]:
            by[p].append(c)
            byf[_fuzzy(p)].append(c)
    for groups, t in ((by, "pinyin2"), (byf, "fuzzy")):
        for g in groups.values():
            for a in g:
                for b in g:
                    add(a, b, t)
    strokes = json.loads((lx / "char-similar" / "char_stroke.dict").read_text(encoding="utf-8"))
    byright: dict[str, list[str]] = collections.defaultdict(list)
    for c in sorted(charset):
        d = strokes.get(c)
        if d and len(d) == 2:
            byright[d[1]].append(c)
            for part in d:
                add(c, part, "shape")
                add(part, c, "shape")
    for g in byright.values():
        for a in g:
            for b in g:
                add(a, b, "shape")
    return dict(conf)


def build_homophones(lexicon: dict[str, int], charset: set[str], min_count: int = 20
                     ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Toneless pinyin of frequent two-character words -> the words, and char -> toneless readings.

    Word readings come from pypinyin's phrase dictionary (银行 = yin hang), the text side tries every
    reading of each character, so a wrong word is matched whatever its characters' usual readings.
    """
    from pypinyin import Style, lazy_pinyin, pinyin

    homo: dict[str, list[str]] = collections.defaultdict(list)
    for w, c in lexicon.items():
        if len(w) == 2 and c >= min_count and w[0] in charset and w[1] in charset:
            homo[" ".join(lazy_pinyin(w, style=Style.NORMAL))].append(w)
    homo = {k: sorted(v, key=lambda w: -lexicon[w]) for k, v in homo.items() if len(v) >= 1}
    char_py = {ch: sorted(set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])) for ch in sorted(charset)}
    return homo, char_py


def build_names() -> set[str]:
    names: set[str] = set()
    for fn in ("person_name.txt", "place_name.txt"):
        with require_shared("lexicons", "pycorrector", fn).open(encoding="utf-8") as fh:
            for line in fh:
                w = line.split("\t")[0].strip()
                if 3 <= len(w) <= 5 and all(is_cjk(ch) for ch in w):
                    names.add(w)
    return names


# ---- features, scorer, threshold ---------------------------------------------------------------


def sentence_candidates(res: TypoResources, text: str) -> list[tuple[int, object]]:
    """(offset in text, Candidate) for every candidate correction in text."""
    out = []
    for off, run in cjk_runs(text):
        info = RunInfo(res, run)
        for i in range(len(run)):
            for c in candidate_features(res, run, i, prune=False, info=info):
                out.append((off + i, c))
    return out


def labelled_pair_candidates(res: TypoResources, pairs: list[tuple[str, str]]):
    """Like labelled_candidates for whole-word homophone candidates; y = 1 when both characters are restored."""
    X, y, sid = [], [], []
    for k, (src, tgt) in enumerate(tqdm(pairs, desc="pair candidates", mininterval=5)):
        aligned = len(src) == len(tgt)
        for off, run in cjk_runs(src):
            info = RunInfo(res, run)
            for i in range(len(run) - 1):
                for c in pair_candidates(res, run, i, info, prune=False):
                    X.append(c.feats)
                    y.append(1 if aligned and tgt[off + i : off + i + 2] == c.cand else 0)
                    sid.append(k)
    return X, y, sid


def labelled_candidates(res: TypoResources, pairs: list[tuple[str, str]]):
    """X, y, sentence index, offset for each candidate; y = 1 when it restores the target character."""
    X, y, sid, offs, chars = [], [], [], [], []
    for k, (src, tgt) in enumerate(tqdm(pairs, desc="candidates", mininterval=5)):
        aligned = len(src) == len(tgt)
        for off, c in sentence_candidates(res, src):
            X.append(c.feats)
            y.append(1 if aligned and tgt[off] == c.cand and src[off] != tgt[off] else 0)
            sid.append(k)
            offs.append(off)
            chars.append(c.cand)
    return X, y, sid, offs, chars


def fit_scorer(X, y, features: tuple[str, ...] = FEATURES, columns: tuple[str, ...] = FEATURES) -> dict:
    """Standardised logistic regression over `features` (a subset of `columns`; the rest get weight 0)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    cols = [columns.index(f) for f in features]
    Xa = np.asarray(X, dtype=float)[:, cols]
    sc = StandardScaler().fit(Xa)
    lr = LogisticRegression(C=0.5, max_iter=3000).fit(sc.transform(Xa), np.asarray(y))
    return {
        "intercept": float(lr.intercept_[0]),
        "coef": {f: float(w) for f, w in zip(features, lr.coef_[0])},
        "mean": {f: float(m) for f, m in zip(features, sc.mean_)},
        "scale": {f: float(s) for f, s in zip(features, sc.scale_)},
    }


def fit_stage1(X, y, full_scores: list[float], threshold: float, columns: tuple[str, ...] = FEATURES) -> dict:
    """Cheap pre-filter: cut-off at half the lowest cheap score of any candidate the full model scores near
    the threshold on the tune data, so pruning (measured) loses no accepted candidate there."""
    from nlp.wording.typo_model import EXPENSIVE, PAIR_EXPENSIVE

    st1 = fit_scorer(X, y, tuple(f for f in columns if f not in EXPENSIVE + PAIR_EXPENSIVE), columns)
    lin = linear_scorer(st1, columns)
    near = [score(lin, x) for x, s in zip(X, full_scores) if s >= threshold - 0.3]
    st1["threshold"] = 0.5 * min(near) if near else 0.0
    st1["kept_share_tune"] = sum(score(lin, x) >= st1["threshold"] for x in X) / max(1, len(X))
    return st1


def sentence_max_scores(scores: list[float], sid: list[int], n: int) -> list[float]:
    best = [0.0] * n
    for s, k in zip(scores, sid):
        if s > best[k]:
            best[k] = s
    return best


def choose_thresholds(err1: list[float], err2: list[float], labels: list[int], clean1: list[float],
                      clean2: list[float]) -> tuple[float, float, dict]:
    """(single-char, whole-word) thresholds with the most tune recall under the false-alarm cap on clean text
    and the precision floor on 公文 sentences; a sentence is flagged when either layer fires."""
    import numpy as np

    e1, e2, lab = np.asarray(err1), np.asarray(err2), np.asarray(labels, dtype=bool)
    c1, c2 = np.asarray(clean1), np.asarray(clean2)
    grid1 = sorted({round(float(x), 3) for x in np.quantile(c1, np.linspace(0.98, 1.0, 60))} | {0.5, 0.9, 0.99})
    grid2 = sorted({round(float(x), 3) for x in np.quantile(c2, np.linspace(0.99, 1.0, 30))} | {0.5, 0.9, 0.99, 1.1})
    best = (0.99, 1.1, {}, -1.0)
    for t1 in grid1:
        for t2 in grid2:
            fa = float(np.mean((c1 >= t1) | (c2 >= t2)))
            pred = (e1 >= t1) | (e2 >= t2)
            tp, fp = int(np.sum(pred & lab)), int(np.sum(pred & ~lab))
            prec = tp / (tp + fp) if tp + fp else 0.0
            rec = tp / max(1, int(lab.sum()))
            if fa <= TARGET_FA and prec >= TARGET_P and rec > best[3]:
                best = (t1, t2, {"tune_false_alarm": fa, "tune_precision": prec, "tune_recall": rec}, rec)
    return best[0], best[1], best[2]


def train_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="govlint train typo", description="build the typo layer's LM and scorer")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--min-word-count", type=int, default=5,
                    help="lexicon words rarer than this do not propose corrections (they still protect the original)")
    ap.add_argument("--min-ngram-count", type=int, default=2, help="pruning of 2..4-grams")
    ap.add_argument("--chars", type=int, default=5000, help="confusion sets over this many frequent characters")
    args = ap.parse_args(argv)
    t0 = time.time()
    sents, dropped = clean_corpus_sentences()
    log.info("corpus", sentences=len(sents), dropped_overlapping_eval=dropped)
    print(f"corpus: {len(sents)} sentences, {sum(map(len, sents))} chars ({dropped} dropped: overlap with eval sets)")
    lexicon = build_lexicon(1)
    confusion = build_confusion(args.chars)
    homophones, char_py = build_homophones(lexicon, set(confusion))
    res = TypoResources(
        lexicon=lexicon,
        ngrams=build_ngrams(sents, args.min_ngram_count),
        confusion=confusion,
        names=build_names(),
        homophones=homophones,
        char_py=char_py,
        scorer={"params": {"min_word_count": args.min_word_count}},
    )
    print(f"lexicon {len(res.lexicon)} words; n-grams {[len(d) for d in res.ngrams[1:]]}; "
          f"confusion {len(res.confusion)} chars; names {len(res.names)}")
    esp = halves(load_espell(), "tune")
    acc = halves(load_xxqg("acc_xxqg.tet.json"), "tune")
    pairs = [(r["source"], r["target"]) for r in esp] + [(r["original_text"], r["correct_text"]) for r in acc]
    X, y, sid, _, _ = labelled_candidates(res, pairs)
    print(f"tune candidates: {len(y)} ({sum(y)} positive)")
    scorer = fit_scorer(X, y)
    lin = linear_scorer(scorer)
    scores = [score(lin, x) for x in X]
    best1 = sentence_max_scores(scores, sid, len(pairs))
    PX, py, psid = labelled_pair_candidates(res, pairs)
    print(f"tune pair candidates: {len(py)} ({sum(py)} positive)")
    pair = fit_scorer(PX, py, PAIR_FEATURES, PAIR_FEATURES)
    plin = linear_scorer(pair, PAIR_FEATURES)
    best2 = sentence_max_scores([score(plin, x) for x in PX], psid, len(pairs))
    n_esp = len(esp)
    labels = [espell_has_error(r) for r in esp]
    thr, pthr, info = choose_thresholds(best1[:n_esp], best2[:n_esp], labels, best1[n_esp:], best2[n_esp:])
    pair["threshold"] = pthr
    pair["stage1"] = fit_stage1(PX, py, [score(plin, x) for x in PX], pthr, PAIR_FEATURES)
    scorer["pair"] = pair
    scorer["stage1"] = fit_stage1(X, y, scores, thr)
    scorer.update({
        "threshold": thr,
        "features": list(FEATURES),
        "tuned_on": "first half of csc_espell_odw.train + first half of acc_xxqg.tet.json",
        "tune": info,
        "built": time.strftime("%Y-%m-%d"),
        "params": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "corpus_sentences": len(sents),
        "corpus_dropped_eval_overlap": dropped,
    })
    res.set_scorer(scorer)
    sizes = res.save(args.out)
    print(json.dumps({"threshold": thr, "pair_threshold": pthr, **info, "stage1_kept_share": scorer["stage1"]["kept_share_tune"], "sizes_bytes": sizes, "seconds": round(time.time() - t0, 1)},
                     ensure_ascii=False, indent=1))
    return 0


# ---- evaluation ---------------------------------------------------------------------------------


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def evaluate_pairs(checker, pairs: list[tuple[str, str]], labels: list[int] | None = None) -> dict:
    """Sentence- and character-level detection (and correction) scores of checker on (source, target) pairs."""
    s_tp = s_fp = s_fn = s_tn = 0
    c_tp = c_fp = c_fn = 0
    corr_ok = 0
    flagged_examples = []
    for k, (src, tgt) in enumerate(pairs):
        findings = checker.check(src)
        wrong = {i for i, (a, b) in enumerate(zip(src, tgt)) if a != b} if len(src) == len(tgt) else set()
        has_err = bool(labels[k]) if labels is not None else bool(wrong)
        pred = bool(findings)
        if pred and has_err:
            s_tp += 1
        elif pred:
            s_fp += 1
        elif has_err:
            s_fn += 1
        else:
            s_tn += 1
        hit = set()
        for f in findings:
            covered = [p for p in range(f.start, f.end) if p in wrong]
            if covered:
                for p in covered:
                    c_tp += 1
                    hit.add(p)
                    sug = f.suggestion or ""
                    if len(sug) == f.end - f.start and sug[p - f.start] == tgt[p]:
                        corr_ok += 1
            else:
                c_fp += 1
                if len(flagged_examples) < 30:
                    flagged_examples.append(f"{src[max(0, f.start - 6): f.end + 6]} | {f.text}->{f.suggestion} "
                                            f"{f.confidence:.2f}")
        c_fn += len(wrong - hit)
    out = {
        "sentences": len(pairs),
        "sentence": _prf(s_tp, s_fp, s_fn),
        "sentence_false_alarm_rate": round(s_fp / max(1, s_fp + s_tn), 4),
        "char": _prf(c_tp, c_fp, c_fn),
        "correction_accuracy_of_detected": round(corr_ok / max(1, c_tp), 4),
        "false_alarm_examples": flagged_examples,
    }
    return out


def speed(checker, texts: list[str], repeats: int = 3) -> dict:
    """Characters per second over `texts`: median of `repeats` cold passes (memos cleared), wall and CPU time.

    CPU time (process_time) is the fairer per-core figure on a shared machine, where wall time includes
    waiting for a core.
    """
    n = sum(map(len, texts))
    wall, cpu = [], []
    for _ in range(repeats):
        if hasattr(checker, "clear_memo"):
            checker.clear_memo()  # cold figure: the memo would otherwise replay earlier passes for free
        t, c = time.perf_counter(), time.process_time()
        for s in texts:
            checker.check(s)
        wall.append(n / (time.perf_counter() - t))
        cpu.append(n / max(1e-9, time.process_time() - c))
    import os

    return {"chars": n, "chars_per_s_wall_median": round(statistics.median(wall)),
            "chars_per_s_cpu_median": round(statistics.median(cpu)), "passes": repeats,
            "load_average_1min": round(os.getloadavg()[0], 2)}


def evaluate_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="govlint evaluate typo", description="score the typo layer on held-out data")
    ap.add_argument("--models", type=Path, default=MODELS)
    ap.add_argument("--part", choices=["test", "tune", "all"], default="test",
                    help="which half of espell/acc to score (the scorer was tuned on 'tune')")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--out", type=Path, default=None, help="write the JSON report here (default models/typo/)")
    ap.add_argument("--examples", action="store_true",
                    help="print false-alarm examples (snippets of the evaluation sentences: never saved, "
                         "so the committed report holds no shared-data text)")
    args = ap.parse_args(argv)
    from nlp.wording.typo import load

    checker = load(args.models)
    if args.threshold is not None:
        checker.threshold = args.threshold
    esp, acc = load_espell(), load_xxqg("acc_xxqg.tet.json")
    if args.part != "all":
        esp, acc = halves(esp, args.part), halves(acc, args.part)
    gen = load_xxqg("gen_xxqg.tet.json")
    t0 = time.time()
    rep = {
        "part": args.part,
        "threshold": checker.threshold,
        "espell_odw": evaluate_pairs(checker, [(r["source"], r["target"]) for r in esp],
                                     [espell_has_error(r) for r in esp]),
        "acc_xxqg_clean": evaluate_pairs(checker, [(r["original_text"], r["correct_text"]) for r in acc]),
        "gen_xxqg_synthetic": evaluate_pairs(checker, [(r["original_text"], r["correct_text"]) for r in gen]),
    }
    sp_texts = [r["original_text"] for r in acc]
    rep["speed"] = speed(checker, sp_texts)
    rep["speed"]["note"] = "pure Python, one process, on a shared 2-core machine"
    rep["seconds"] = round(time.time() - t0, 1)
    for k in ("espell_odw", "acc_xxqg_clean", "gen_xxqg_synthetic"):
        r = rep[k]
        print(f"{k:20s} n={r['sentences']:5d} sentence P={r['sentence']['precision']:.3f} "
              f"R={r['sentence']['recall']:.3f} FA={r['sentence_false_alarm_rate']:.4f} | "
              f"char P={r['char']['precision']:.3f} R={r['char']['recall']:.3f} "
              f"corr={r['correction_accuracy_of_detected']:.3f}")
    sp = rep["speed"]
    print(f"speed: {sp['chars_per_s_cpu_median']} chars/s per core (CPU time), {sp['chars_per_s_wall_median']} "
          f"chars/s wall (median of {sp['passes']}; load average {sp['load_average_1min']})")
    for k in ("espell_odw", "acc_xxqg_clean", "gen_xxqg_synthetic"):
        ex = rep[k].pop("false_alarm_examples")
        if args.examples:
            print(f"-- {k}: false alarms (context | flagged->suggestion confidence)")
            print("\n".join(ex))
    out = args.out or (args.models / "typo" / f"eval_{args.part}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rep, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"report: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(train_main(sys.argv[1:]))
