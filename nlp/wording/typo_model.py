"""Statistical core of the typo layer: lexicon, character n-gram LM, confusion sets, candidate features.

Why this shape: a wrong character in a government text almost always breaks a word (二登奖, 大数局,
布署). So a candidate correction must (1) come from a confusion set (same/similar pinyin, similar shape),
(2) turn the neighbourhood into a known word of a large frequency lexicon, and (3) raise the probability of
the local text under two language models — a word-unigram segmentation model (the lexicon) and a character
4-gram model of clean government text (the corpus). Step (2) is a lookup in a "masked word" index, so only a
handful of candidates per character are ever scored and the layer stays fast in pure Python.

Everything here is pure (no I/O except `TypoResources.load/save`) so training and the checker share the code.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAX_WORD = 4  # longest lexicon word used (characters); longer idioms are covered by their 4-char pieces
NGRAM_ORDER = 4
WINDOW = 4  # characters of context each side for the local segmentation score
CONF_TYPES = ("pinyin", "pinyin2", "fuzzy", "stroke", "shape", "word")


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def cjk_runs(text: str) -> list[tuple[int, str]]:
    """Maximal runs of CJK ideographs with their start offsets: the units the models score.

    Punctuation, digits and Latin letters end a run, so numbers, codes and ASCII are never judged.
    """
    runs: list[tuple[int, str]] = []
    start = -1
    for i, ch in enumerate(text):
        if is_cjk(ch):
            if start < 0:
                start = i
        elif start >= 0:
            runs.append((start, text[start:i]))
            start = -1
    if start >= 0:
        runs.append((start, text[start:]))
    return runs


def _pack_fixed(keys: list[str], n: int) -> bytes:
    return "".join(keys).encode("utf-8")


def _unpack_fixed(blob: bytes, n: int) -> list[str]:
    s = blob.decode("utf-8")
    return [s[i : i + n] for i in range(0, len(s), n)]


@dataclass
class TypoResources:
    """The artifacts the checker needs, loaded once per process.

    lexicon: word -> count (jieba-scale counts); ngrams[n]: char n-gram -> count in clean government text;
    confusion: char -> {candidate: type}; names: protected person/place names (never "corrected").
    """

    lexicon: dict[str, int]
    ngrams: list[dict[str, int]]  # index n (1..NGRAM_ORDER); index 0 unused
    confusion: dict[str, dict[str, str]]
    names: set[str]
    scorer: dict = field(default_factory=dict)
    lex_total: float = 1.0
    ng_total: float = 1.0
    masked: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lex_total = float(sum(self.lexicon.values())) or 1.0
        self.ng_total = float(sum(self.ngrams[1].values())) if len(self.ngrams) > 1 else 1.0
        self.masked = build_masked_index(self.lexicon)

    # ---- persistence -------------------------------------------------------------------------
    def save(self, d: Path) -> dict[str, int]:
        """Write compact artifacts; returns their sizes in bytes."""
        d.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        words = list(self.lexicon)
        arrays["lex_text"] = np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)
        arrays["lex_cnt"] = np.array([self.lexicon[w] for w in words], dtype=np.uint32)
        for n in range(1, NGRAM_ORDER + 1):
            keys = list(self.ngrams[n])
            arrays[f"ng{n}_text"] = np.frombuffer(_pack_fixed(keys, n), dtype=np.uint8)
            arrays[f"ng{n}_cnt"] = np.array([self.ngrams[n][k] for k in keys], dtype=np.uint32)
        np.savez_compressed(d / "typo_lm.npz", **arrays)
        conf = {c: ["".join(m), "".join(str(CONF_TYPES.index(t)) for t in m.values())] for c, m in self.confusion.items()}
        with gzip.open(d / "confusion.json.gz", "wt", encoding="utf-8") as fh:
            json.dump(conf, fh, ensure_ascii=False, separators=(",", ":"))
        with gzip.open(d / "names.txt.gz", "wt", encoding="utf-8") as fh:
            fh.write("\n".join(sorted(self.names)))
        (d / "scorer.json").write_text(json.dumps(self.scorer, ensure_ascii=False, indent=1), encoding="utf-8")
        return {p.name: p.stat().st_size for p in d.iterdir() if p.is_file()}

    @classmethod
    def load(cls, d: Path) -> TypoResources:
        need = ["typo_lm.npz", "confusion.json.gz", "names.txt.gz", "scorer.json"]
        missing = [n for n in need if not (d / n).exists()]
        if missing:
            raise FileNotFoundError(
                f"typo model incomplete in {d} (missing {', '.join(missing)}); build it with `govlint train typo`"
            )
        z = np.load(d / "typo_lm.npz")
        words = bytes(z["lex_text"]).decode("utf-8").split("\n")
        lexicon = dict(zip(words, z["lex_cnt"].tolist()))
        ngrams: list[dict[str, int]] = [{}]
        for n in range(1, NGRAM_ORDER + 1):
            ngrams.append(dict(zip(_unpack_fixed(bytes(z[f"ng{n}_text"]), n), z[f"ng{n}_cnt"].tolist())))
        with gzip.open(d / "confusion.json.gz", "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        confusion = {c: {k: CONF_TYPES[int(t)] for k, t in zip(v[0], v[1])} for c, v in raw.items()}
        with gzip.open(d / "names.txt.gz", "rt", encoding="utf-8") as fh:
            names = {w for w in fh.read().split("\n") if w}
        scorer = json.loads((d / "scorer.json").read_text(encoding="utf-8"))
        return cls(lexicon=lexicon, ngrams=ngrams, confusion=confusion, names=names, scorer=scorer)


def build_masked_index(lexicon: dict[str, int]) -> dict[str, str]:
    """'数?' -> '据字量…': every character that completes a masked multi-character word, for candidate lookup."""
    idx: dict[str, list[str]] = {}
    for w in lexicon:
        if 2 <= len(w) <= MAX_WORD:
            for j in range(len(w)):
                idx.setdefault(w[:j] + "?" + w[j + 1 :], []).append(w[j])
    return {k: "".join(v) for k, v in idx.items()}


# ---- scoring ---------------------------------------------------------------------------------

UNK_PENALTY = 4.0  # extra cost (nats) for a character that is not a word of its own


def word_logp(res: TypoResources, w: str) -> float | None:
    c = res.lexicon.get(w)
    if c is None:
        return None
    return math.log(c / res.lex_total)


def segment_score(res: TypoResources, s: str) -> tuple[float, list[str]]:
    """Best word-unigram segmentation of `s` (log-prob, words): the word-level language model."""
    n = len(s)
    best = [0.0] + [-1e18] * n
    back = [0] * (n + 1)
    floor = math.log(0.5 / res.lex_total) - UNK_PENALTY
    for j in range(1, n + 1):
        for k in range(1, min(MAX_WORD, j) + 1):
            w = s[j - k : j]
            lp = word_logp(res, w)
            if lp is None:
                if k > 1:
                    continue
                lp = floor
            v = best[j - k] + lp
            if v > best[j]:
                best[j] = v
                back[j] = k
    words: list[str] = []
    j = n
    while j > 0:
        words.append(s[j - back[j] : j])
        j -= back[j]
    return best[n], words[::-1]


def char_logp(res: TypoResources, s: str, lo: int, hi: int) -> float:
    """Sum of stupid-backoff 4-gram log-probs of s[lo:hi] given their left context in s (clean-gov-text LM)."""
    total = 0.0
    ng = res.ngrams
    for k in range(lo, hi):
        p = 0.0
        mult = 1.0
        for order in range(min(NGRAM_ORDER, k + 1), 1, -1):
            h = s[k - order + 1 : k]
            ch = ng[order - 1].get(h)
            if ch:
                c = ng[order].get(s[k - order + 1 : k + 1])
                if c:
                    p = mult * c / ch
                    break
            mult *= 0.4
        if p == 0.0:
            # unigram: corpus count smoothed by the lexicon's single-character frequency
            c1 = ng[1].get(s[k], 0)
            lc = res.lexicon.get(s[k], 0)
            p = mult * (c1 + 1.0 + 20.0 * lc / res.lex_total * res.ng_total) / (res.ng_total * 2.0)
        total += math.log(p)
    return total


@dataclass
class Candidate:
    pos: int  # index in the run
    orig: str
    cand: str
    ctype: str
    feats: dict[str, float]
    span: tuple[int, int]  # word span (in the run) the correction completes


def best_word_with(res: TypoResources, run: str, i: int, ch: str) -> tuple[int, int, float]:
    """Strongest lexicon word (len >= 2) covering position i when run[i] is `ch`: (lo, hi, log count)."""
    best = (i, i + 1, -1.0)
    n = len(run)
    for k in range(2, MAX_WORD + 1):
        for a in range(max(0, i - k + 1), min(i, n - k) + 1):
            w = run[a:i] + ch + run[i + 1 : a + k]
            c = res.lexicon.get(w)
            if c:
                v = math.log(c) + 0.5 * (k - 2)
                if v > best[2]:
                    best = (a, a + k, v)
    return best


def candidates_at(res: TypoResources, run: str, i: int) -> dict[str, str]:
    """Confusable characters for run[i] that form a lexicon word with their neighbours."""
    conf = res.confusion.get(run[i])
    if not conf:
        return {}
    found: dict[str, str] = {}
    n = len(run)
    for k in range(2, MAX_WORD + 1):
        for a in range(max(0, i - k + 1), min(i, n - k) + 1):
            chars = res.masked.get(run[a:i] + "?" + run[i + 1 : a + k])
            if chars:
                for c in chars:
                    t = conf.get(c)
                    if t is not None and c not in found:
                        found[c] = t
    return found


def name_protected(res: TypoResources, run: str, i: int) -> bool:
    """True when run[i] sits inside a known person/place name of >= 3 chars (杜家毫 is right as written)."""
    n = len(run)
    for k in range(3, 6):
        for a in range(max(0, i - k + 1), min(i, n - k) + 1):
            if run[a : a + k] in res.names:
                return True
    return False


def candidate_features(res: TypoResources, run: str, i: int) -> list[Candidate]:
    """Score every candidate correction at run[i]; features feed the logistic scorer."""
    cands = candidates_at(res, run, i)
    if not cands:
        return []
    lo = max(0, i - WINDOW)
    hi = min(len(run), i + WINDOW + 1)
    win = run[lo:hi]
    j = i - lo
    v_orig, seg_orig = segment_score(res, win)
    # is the original character inside a multi-char word of the best segmentation?
    pos = 0
    orig_word = ""
    for w in seg_orig:
        if pos <= j < pos + len(w):
            orig_word = w
            break
        pos += len(w)
    orig_in_word = len(orig_word) >= 2
    orig_word_lc = math.log(res.lexicon.get(orig_word, 1)) if orig_in_word else 0.0
    c_hi = min(len(run), i + NGRAM_ORDER)
    lm_orig = char_logp(res, run, i, c_hi)
    ob = best_word_with(res, run, i, run[i])
    # how often the clean corpus saw the original trigram(s) around i
    seen = 0
    for a in range(max(0, i - 2), min(i, len(run) - 3) + 1):
        if res.ngrams[3].get(run[a : a + 3]):
            seen += 1
    out: list[Candidate] = []
    for c, t in cands.items():
        w2 = win[:j] + c + win[j + 1 :]
        v_c, _ = segment_score(res, w2)
        r2 = run[:i] + c + run[i + 1 :]
        lm_c = char_logp(res, r2, i, c_hi)
        a, b, wl = best_word_with(res, run, i, c)
        f = {
            "d_word": v_c - v_orig,
            "d_char": lm_c - lm_orig,
            "cand_word_lc": wl,
            "cand_word_len": float(b - a),
            "orig_word_lc": ob[2] if ob[2] > 0 else 0.0,
            "orig_in_word": 1.0 if orig_in_word else 0.0,
            "orig_seg_lc": orig_word_lc,
            "orig_seen3": float(seen),
            "orig_char_lc": math.log(res.lexicon.get(run[i], 0) + 1),
            "cand_char_lc": math.log(res.lexicon.get(c, 0) + 1),
        }
        for ty in CONF_TYPES:
            f["t_" + ty] = 1.0 if t == ty else 0.0
        out.append(Candidate(pos=i, orig=run[i], cand=c, ctype=t, feats=f, span=(a, b)))
    return out


FEATURES = (
    "d_word", "d_char", "cand_word_lc", "cand_word_len", "orig_word_lc", "orig_in_word", "orig_seg_lc",
    "orig_seen3", "orig_char_lc", "cand_char_lc",
) + tuple("t_" + t for t in CONF_TYPES)


def score(scorer: dict, feats: dict[str, float]) -> float:
    """Logistic score from the stored coefficients (standardised features): a calibrated-ish probability."""
    z = scorer.get("intercept", 0.0)
    mu = scorer.get("mean", {})
    sd = scorer.get("scale", {})
    for name, w in scorer.get("coef", {}).items():
        x = feats.get(name, 0.0)
        z += w * (x - mu.get(name, 0.0)) / (sd.get(name, 1.0) or 1.0)
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))
