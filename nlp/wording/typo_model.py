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
    confusion: char -> {candidate: type}; names: protected person/place names (never "corrected");
    homophones: toneless pinyin of a two-character word ("gui hua") -> frequent words read that way;
    char_py: char -> its toneless readings (to look up the text's own two-character strings).
    """

    lexicon: dict[str, int]
    ngrams: list[dict[str, int]]  # index n (1..NGRAM_ORDER); index 0 unused
    confusion: dict[str, dict[str, str]]
    names: set[str]
    homophones: dict[str, list[str]] = field(default_factory=dict)
    char_py: dict[str, list[str]] = field(default_factory=dict)
    scorer: dict = field(default_factory=dict)
    lex_total: float = 1.0
    ng_total: float = 1.0
    masked: dict[str, str] = field(default_factory=dict)
    lp: dict[str, float] = field(default_factory=dict)
    cand_min_count: int = 5

    def __post_init__(self) -> None:
        self.lex_total = float(sum(self.lexicon.values())) or 1.0
        self.ng_total = float(sum(self.ngrams[1].values())) if len(self.ngrams) > 1 else 1.0
        self.cand_min_count = int(self.scorer.get("params", {}).get("min_word_count", 5))
        if not self.masked:
            self.masked = build_masked_index(self.lexicon, self.cand_min_count)
        lt = math.log(self.lex_total)
        if not self.lp:
            words = list(self.lexicon)
            logs = (np.log(np.fromiter(self.lexicon.values(), dtype=np.float64, count=len(words))) - lt).tolist()
            self.lp = dict(zip(words, logs))
        self.floor = math.log(0.5) - lt - UNK_PENALTY
        self.set_scorer(self.scorer)

    def set_scorer(self, scorer: dict) -> None:
        self.scorer = scorer
        self.lin = linear_scorer(scorer)
        st1 = scorer.get("stage1")
        self.lin1 = linear_scorer(st1) if st1 else None
        self.stage1_threshold = float(st1.get("threshold", 0.0)) if st1 else 0.0
        pair = scorer.get("pair")
        self.lin_pair = linear_scorer(pair, PAIR_FEATURES) if pair else None
        self.pair_threshold = float(pair.get("threshold", 1.1)) if pair else 1.1
        p1 = pair.get("stage1") if pair else None
        self.lin_pair1 = linear_scorer(p1, PAIR_FEATURES) if p1 else None
        self.pair1_threshold = float(p1.get("threshold", 0.0)) if p1 else 0.0

    # ---- persistence -------------------------------------------------------------------------
    def save(self, d: Path) -> dict[str, int]:
        """Write compact artifacts; returns their sizes in bytes."""
        d.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        words = list(self.lexicon)
        arrays["lex_text"] = np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)
        arrays["lex_cnt"] = np.array([self.lexicon[w] for w in words], dtype=np.uint32)
        mk = list(self.masked)  # stored, not rebuilt: building it is most of the load time
        arrays["masked_keys"] = np.frombuffer("\n".join(mk).encode("utf-8"), dtype=np.uint8)
        arrays["masked_vals"] = np.frombuffer("\n".join(self.masked[k] for k in mk).encode("utf-8"), dtype=np.uint8)
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
        with gzip.open(d / "homophones.json.gz", "wt", encoding="utf-8") as fh:
            json.dump({"words": {k: "".join(v) for k, v in self.homophones.items()},
                       "char_py": {c: " ".join(v) for c, v in self.char_py.items()}},
                      fh, ensure_ascii=False, separators=(",", ":"))
        (d / "scorer.json").write_text(json.dumps(self.scorer, ensure_ascii=False, indent=1), encoding="utf-8")
        return {p.name: p.stat().st_size for p in d.iterdir() if p.is_file()}

    @classmethod
    def load(cls, d: Path) -> TypoResources:
        need = ["typo_lm.npz", "confusion.json.gz", "names.txt.gz", "homophones.json.gz", "scorer.json"]
        missing = [n for n in need if not (d / n).exists()]
        if missing:
            raise FileNotFoundError(
                f"typo model incomplete in {d} (missing {', '.join(missing)}); build it with `govlint train typo`"
            )
        z = np.load(d / "typo_lm.npz")
        words = bytes(z["lex_text"]).decode("utf-8").split("\n")
        cnt = z["lex_cnt"]
        lexicon = dict(zip(words, cnt.tolist()))
        masked: dict[str, str] = {}
        if "masked_keys" in z.files:
            masked = dict(zip(bytes(z["masked_keys"]).decode("utf-8").split("\n"),
                              bytes(z["masked_vals"]).decode("utf-8").split("\n")))
        ngrams: list[dict[str, int]] = [{}]
        for n in range(1, NGRAM_ORDER + 1):
            ngrams.append(dict(zip(_unpack_fixed(bytes(z[f"ng{n}_text"]), n), z[f"ng{n}_cnt"].tolist())))
        with gzip.open(d / "confusion.json.gz", "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        confusion = {c: {k: CONF_TYPES[int(t)] for k, t in zip(v[0], v[1])} for c, v in raw.items()}
        with gzip.open(d / "names.txt.gz", "rt", encoding="utf-8") as fh:
            names = {w for w in fh.read().split("\n") if w}
        with gzip.open(d / "homophones.json.gz", "rt", encoding="utf-8") as fh:
            h = json.load(fh)
        homophones = {k: [v[i : i + 2] for i in range(0, len(v), 2)] for k, v in h["words"].items()}
        char_py = {c: v.split() for c, v in h["char_py"].items()}
        scorer = json.loads((d / "scorer.json").read_text(encoding="utf-8"))
        return cls(lexicon=lexicon, ngrams=ngrams, confusion=confusion, names=names, homophones=homophones,
                   char_py=char_py, scorer=scorer, masked=masked)


def build_masked_index(lexicon: dict[str, int], min_count: int = 1) -> dict[str, str]:
    """'数?' -> '据字量…': every character that completes a masked multi-character word, for candidate lookup.

    Only words seen at least `min_count` times propose corrections (rare entries are often noise); every word
    still counts as evidence that the original text is right.
    """
    idx: dict[str, list[str]] = {}
    for w, c in lexicon.items():
        if 2 <= len(w) <= MAX_WORD and c >= min_count:
            for j in range(len(w)):
                idx.setdefault(w[:j] + "?" + w[j + 1 :], []).append(w[j])
    return {k: "".join(v) for k, v in idx.items()}


# ---- scoring ---------------------------------------------------------------------------------

UNK_PENALTY = 4.0  # extra cost (nats) for a character that is not a word of its own


def segment_score(res: TypoResources, s: str) -> tuple[float, list[str]]:
    """Best word-unigram segmentation of `s` (log-prob, words): the word-level language model."""
    n = len(s)
    lp = res.lp
    floor = res.floor
    best = [0.0] + [-1e18] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        bj = -1e18
        kb = 1
        for k in range(1, min(MAX_WORD, j) + 1):
            v = lp.get(s[j - k : j])
            if v is None:
                if k > 1:
                    continue
                v = floor
            v += best[j - k]
            if v > bj:
                bj = v
                kb = k
        best[j] = bj
        back[j] = kb
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
    feats: list[float]  # aligned with FEATURES
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


def candidates_at(res: TypoResources, run: str, i: int) -> dict[str, list]:
    """Confusable characters for run[i] that form a lexicon word with their neighbours.

    Returns cand -> [type, lo, hi, strength] where [lo, hi) is the strongest word the candidate completes
    (strength = log count + 0.5 per character beyond two), found from the masked index so no extra scans.
    """
    conf = res.confusion.get(run[i])
    if not conf:
        return {}
    found: dict[str, list] = {}
    n = len(run)
    masked = res.masked
    lex = res.lexicon
    for k in range(2, MAX_WORD + 1):
        for a in range(max(0, i - k + 1), min(i, n - k) + 1):
            left, right = run[a:i], run[i + 1 : a + k]
            chars = masked.get(left + "?" + right)
            if not chars:
                continue
            if len(chars) <= len(conf):
                hits = [(c, conf[c]) for c in chars if c in conf]
            else:
                hits = [(c, t) for c, t in conf.items() if c in chars]
            for c, t in hits:
                v = math.log(lex.get(left + c + right, 1)) + 0.5 * (k - 2)
                cur = found.get(c)
                if cur is None:
                    found[c] = [t, a, a + k, v]
                elif v > cur[3]:
                    cur[1], cur[2], cur[3] = a, a + k, v
    return found


class RunInfo:
    """Per-run lookups done once (lexicon words and corpus n-grams at every span), shared by all positions."""

    __slots__ = ("run", "word", "seen")

    def __init__(self, res: TypoResources, run: str) -> None:
        self.run = run
        n = len(run)
        lex = res.lexicon
        # word[k][a] = strength of run[a:a+k] as a lexicon word (or -1)
        self.word = {k: [(math.log(lex[run[a : a + k]]) + 0.5 * (k - 2)) if run[a : a + k] in lex else -1.0
                         for a in range(n - k + 1)] for k in range(2, MAX_WORD + 1)}
        ng = res.ngrams
        self.seen = {k: [1 if run[a : a + k] in ng[k] else 0 for a in range(n - k + 1)] for k in (2, 3, 4)}

    def best_word(self, i: int) -> tuple[int, int, float]:
        best = (i, i + 1, -1.0)
        n = len(self.run)
        for k in range(2, MAX_WORD + 1):
            wk = self.word[k]
            for a in range(max(0, i - k + 1), min(i, n - k) + 1):
                if wk[a] > best[2]:
                    best = (a, a + k, wk[a])
        return best

    def seen_at(self, i: int, k: int) -> int:
        sk = self.seen[k]
        return sum(sk[max(0, i - k + 1) : min(i, len(self.run) - k) + 1])


# Common Chinese surnames (hand-written; very ambiguous ones such as 和/时/全/应/党 left out) and the titles
# that introduce a person's name in government text (副部长冀萌新, 局长，陈力夫).
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范贾夏韦付邹孟熊秦邱尹薛闫段雷侯陶贺顾毛郝龚邵钱严覃武戴莫孔汤温康施牛樊葛邢伍庞颜倪庄"
    "聂章鲁岳翟殷詹欧耿焦俞左柳祝舒阮柯纪梅童凌毕季裴霍涂苗翁冉骆喻祁蒲滕饶牟艾尤穆卓缪褚娄窦戚岑晏瞿"
    "桂佟臧闵苟邬卞姬栾隋刁巫寇桑郎甄丛仲虞敖巩佘邝冀"
)
TITLES = (
    "书记", "局长", "主任", "部长", "市长", "县长", "区长", "镇长", "乡长", "省长", "厅长", "处长", "科长", "所长",
    "院长", "校长", "主席", "委员", "同志", "代表", "经理", "秘书", "队长", "组长", "站长", "行长", "社长", "主编",
    "记者", "教授", "先生", "女士", "总理", "理事", "干部", "专家", "医生", "老师", "师傅", "支书",
)


def name_protected(res: TypoResources, run: str, i: int) -> bool:
    """True when run[i] sits inside a person or place name, which is right as written (杜家毫, 陈力夫).

    Known names of >= 3 characters come from the pycorrector lists; unknown personal names are guessed from
    a common surname that starts the clause or follows a title (副部长冀萌新) and does not start a word.
    """
    n = len(run)
    for k in range(3, 6):
        for a in range(max(0, i - k + 1), min(i, n - k) + 1):
            if run[a : a + k] in res.names:
                return True
    for j in (i, i - 1, i - 2):
        if j < 0 or run[j] not in SURNAMES:
            continue
        if j > 0 and run[max(0, j - 2) : j] not in TITLES:
            continue
        if res.lexicon.get(run[j : j + 2], 0) >= 20 or res.lexicon.get(run[j : j + 3], 0) >= 20:
            continue
        return True
    return False


FEATURES = (
    "d_word", "d_char", "cand_word_lc", "cand_word_len", "orig_word_lc", "orig_word_len", "orig_in_word",
    "orig_seg_lc", "orig_seen2", "orig_seen3", "orig_seen4", "cand_seen3", "orig_char_lc", "cand_char_lc",
    "lc_gain", "n_cands", "at_edge", "run_len_log",
) + tuple("t_" + t for t in CONF_TYPES)


def _seen(ng: dict[str, int], run: str, i: int, n: int) -> int:
    """How many corpus n-grams covering position i of run were seen in clean government text."""
    k = 0
    for a in range(max(0, i - n + 1), min(i, len(run) - n) + 1):
        if run[a : a + n] in ng:
            k += 1
    return k


def _seen_with(ng: dict[str, int], run: str, i: int, rep: str, n: int, at: int = 0) -> int:
    """`_seen(ng, run[:i] + rep + run[i+len(rep):], i + at, n)` without copying the whole run (hot path)."""
    lo = max(0, i - n + 1)
    e = i + len(rep)
    return _seen(ng, run[lo:i] + rep + run[e : e + n - 1], i - lo + at, n)


def _local(run: str, i: int, rep: str, back: int) -> tuple[str, int]:
    """(run[lo:i] + rep + run[i+len(rep):], lo) with lo = max(0, i - back): the edited text near i."""
    lo = max(0, i - back)
    return run[lo:i] + rep + run[i + len(rep) :], lo


EXPENSIVE = ("d_word", "d_char", "orig_in_word", "orig_seg_lc")  # need the two LMs; computed after stage 1
_IDX = {f: k for k, f in enumerate(FEATURES)}


def candidate_features(res: TypoResources, run: str, i: int, prune: bool = True,
                       info: RunInfo | None = None, run_len: int | None = None,
                       keep=None) -> list[Candidate]:
    """Features of every candidate correction at run[i].

    Two stages for speed: cheap lexicon/corpus-lookup features first, scored by a cheap logistic model whose
    cut-off keeps every candidate the full model ever accepted on the tune data (with margin); only survivors
    pay for the two language-model scores. prune=False (training) keeps every candidate.

    run_len/keep exist for the memoised path (typo_fast): every feature depends only on run[i-4:i+5] except
    run_len_log, so features can be computed on that window with the real run length, and `keep(feats)`
    replaces the stage-1 test when the caller decides survival itself.
    """
    cands = candidates_at(res, run, i)
    if not cands:
        return []
    info = info or RunInfo(res, run)
    ng = res.ngrams
    oa, ob, olc = info.best_word(i)
    olc = max(olc, 0.0)
    seen2, seen3, seen4 = info.seen_at(i, 2), info.seen_at(i, 3), info.seen_at(i, 4)
    oc = math.log(res.lexicon.get(run[i], 0) + 1)
    owl = float(ob - oa) if olc > 0 else 0.0
    run_len_log = math.log(run_len if run_len is not None else len(run))
    kept: list[Candidate] = []
    for c, (t, a, b, wl) in cands.items():
        f = [
            0.0,
            0.0,
            wl,
            float(b - a),
            olc,
            owl,
            0.0,
            0.0,
            float(seen2),
            float(seen3),
            float(seen4),
            float(_seen_with(ng[3], run, i, c, 3)),
            oc,
            math.log(res.lexicon.get(c, 0) + 1),
            wl - olc,
            math.log(len(cands)),
            1.0 if i == 0 or i == len(run) - 1 else 0.0,
            run_len_log,
        ] + [1.0 if t == ty else 0.0 for ty in CONF_TYPES]
        if keep is not None:
            if not keep(f):
                continue
        elif prune and res.lin1 is not None and score(res.lin1, f) < res.stage1_threshold:
            continue
        kept.append(Candidate(pos=i, orig=run[i], cand=c, ctype=t, feats=f, span=(a, b)))
    if not kept:
        return []
    add_lm_features(res, run, i, kept)
    return kept


def add_lm_features(res: TypoResources, run: str, i: int, kept: list[Candidate]) -> None:
    """Fill the EXPENSIVE features (both language models) of the stage-1 survivors at run[i], in place."""
    lo = max(0, i - WINDOW)
    hi = min(len(run), i + WINDOW + 1)
    win = run[lo:hi]
    j = i - lo
    v_orig, seg_orig = segment_score(res, win)
    pos = 0
    orig_word = ""
    for w in seg_orig:  # is the original character inside a multi-char word of the best segmentation?
        if pos <= j < pos + len(w):
            orig_word = w
            break
        pos += len(w)
    orig_in_word = len(orig_word) >= 2
    orig_seg_lc = math.log(res.lexicon.get(orig_word, 1)) if orig_in_word else 0.0
    c_hi = min(len(run), i + NGRAM_ORDER)
    lm_orig = char_logp(res, run, i, c_hi)
    for cand in kept:
        c = cand.cand
        v_c, _ = segment_score(res, win[:j] + c + win[j + 1 :])
        r2, lo2 = _local(run[:c_hi], i, c, NGRAM_ORDER - 1)  # char_logp reads only 3 characters back
        lm_c = char_logp(res, r2, i - lo2, c_hi - lo2)
        f = cand.feats
        f[_IDX["d_word"]] = max(-25.0, min(25.0, v_c - v_orig))
        f[_IDX["d_char"]] = max(-25.0, min(25.0, lm_c - lm_orig))
        f[_IDX["orig_in_word"]] = 1.0 if orig_in_word else 0.0
        f[_IDX["orig_seg_lc"]] = orig_seg_lc


def linear_scorer(scorer: dict, features: tuple[str, ...] | None = None) -> tuple[float, list[float]]:
    """Fold standardisation into the weights: z = b + sum(w_k * x_k) over `features` (default FEATURES)."""
    coef, mu, sd = scorer.get("coef", {}), scorer.get("mean", {}), scorer.get("scale", {})
    b = float(scorer.get("intercept", 0.0))
    ws: list[float] = []
    for name in features or FEATURES:
        w = coef.get(name, 0.0) / (sd.get(name, 1.0) or 1.0)
        b -= w * mu.get(name, 0.0)
        ws.append(w)
    return b, ws


def score(lin: tuple[float, list[float]], feats: list[float]) -> float:
    """Logistic probability from folded weights: a calibrated-ish confidence."""
    b, ws = lin
    z = b
    for w, x in zip(ws, feats):
        z += w * x
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


# ---- whole-word homophone substitutions (时常→市场, 桂花→规划): both characters wrong ---------------

PAIR_EXPENSIVE = ("d_word", "d_char")
PAIR_FEATURES = (
    "d_word", "d_char", "cand_lc", "orig_lc", "orig_is_word", "orig_best0", "orig_best1", "orig_seen3",
    "cand_seen3", "orig_seen4", "cand_seen4",
)


@dataclass
class PairCandidate:
    pos: int  # index of the first character in the run
    orig: str
    cand: str
    feats: list[float]  # aligned with PAIR_FEATURES


def pair_keys(res: TypoResources, a: str, b: str) -> list[str]:
    pa, pb = res.char_py.get(a), res.char_py.get(b)
    if not pa or not pb:
        return []
    return [x + " " + y for x in pa[:3] for y in pb[:3]]


def pair_candidates(res: TypoResources, run: str, i: int, info: RunInfo, prune: bool = True
                    ) -> list[PairCandidate]:
    """Frequent two-character words that sound like run[i:i+2] and differ in both characters (two stages,
    as for single characters: cheap lookups first, the language models only for survivors)."""
    if i + 2 > len(run):
        return []
    orig = run[i : i + 2]
    found = pair_homophones(res, orig)
    if not found:
        return []
    lex, ng = res.lexicon, res.ngrams
    o_lc = math.log(lex.get(orig, 0) + 1)
    b0, b1 = max(0.0, info.best_word(i)[2]), max(0.0, info.best_word(i + 1)[2])
    o3 = info.seen_at(i, 3) + info.seen_at(i + 1, 3)
    o4 = info.seen_at(i, 4) + info.seen_at(i + 1, 4)
    kept: list[PairCandidate] = []
    for w in found:
        f = [
            0.0,
            0.0,
            math.log(lex.get(w, 0) + 1),
            o_lc,
            1.0 if orig in lex else 0.0,
            b0,
            b1,
            float(o3),
            float(_seen_with(ng[3], run, i, w, 3) + _seen_with(ng[3], run, i, w, 3, at=1)),
            float(o4),
            float(_seen_with(ng[4], run, i, w, 4) + _seen_with(ng[4], run, i, w, 4, at=1)),
        ]
        if prune and res.lin_pair1 is not None and score(res.lin_pair1, f) < res.pair1_threshold:
            continue
        kept.append(PairCandidate(pos=i, orig=orig, cand=w, feats=f))
    if not kept:
        return []
    add_pair_lm_features(res, run, i, kept)
    return kept


def pair_homophones(res: TypoResources, orig: str) -> list[str]:
    """Frequent words read like the two characters `orig` that differ from it in both characters."""
    found: list[str] = []
    for key in pair_keys(res, orig[0], orig[1]):
        for w in res.homophones.get(key, ()):
            if w[0] != orig[0] and w[1] != orig[1] and w not in found:
                found.append(w)
    return found


def add_pair_lm_features(res: TypoResources, run: str, i: int, kept: list[PairCandidate]) -> None:
    """Fill d_word/d_char (both language models) of the stage-1 surviving pair candidates, in place."""
    lo = max(0, i - WINDOW)
    hi = min(len(run), i + 2 + WINDOW)
    win = run[lo:hi]
    j = i - lo
    v_orig, _ = segment_score(res, win)
    c_hi = min(len(run), i + 1 + NGRAM_ORDER)
    lm_orig = char_logp(res, run, i, c_hi)
    for c in kept:
        w = c.cand
        v_c, _ = segment_score(res, win[:j] + w + win[j + 2 :])
        r2, lo2 = _local(run[:c_hi], i, w, NGRAM_ORDER - 1)
        lm_c = char_logp(res, r2, i - lo2, c_hi - lo2)
        c.feats[0] = max(-25.0, min(25.0, v_c - v_orig))
        c.feats[1] = max(-25.0, min(25.0, lm_c - lm_orig))
