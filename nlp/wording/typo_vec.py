"""Vectorised stage 1 of the typo layer: candidates and cheap features for every position of a page at once.

Why: on a page never seen before, ~90% of the typo layer's time went to proposing candidates (nine masked-word
lookups per character, intersected with the character's confusion set) and scoring them with the cheap
stage-1 model, one Python dictionary lookup at a time — and 94% of those candidates are then dropped. Here every
string the reference path looks up (a lexicon word, a corpus n-gram, a masked word, a confusion pair) is packed
into one 64-bit integer (15 bits per character, CJK ideographs only) and looked up for all positions of all
runs at once with `numpy.searchsorted` over sorted key tables built at load time. Only the stage-1 survivors
(a few per hundred characters) go on to the language-model features in Python, exactly as before.

Outputs are the same as `typo_model.candidate_features` / `pair_candidates` (prune=True): the same candidates
in the same order with bit-identical features (every logarithm comes from tables filled with `math.log`), and
every stage-1 decision within 1e-6 of the cut-off is re-taken with the reference `score`.
`tests/test_typo_vec.py` compares both paths position by position.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nlp.wording.typo_model import (
    CONF_TYPES,
    FEATURES,
    MAX_WORD,
    NGRAM_ORDER,
    WINDOW,
    PAIR_FEATURES,
    Candidate,
    PairCandidate,
    TypoResources,
    add_lm_features,
    add_pair_lm_features,
    pair_homophones,
    score,
)

CJK0 = 0x4E00
BITS = 15
MASK = 32767  # packed value of the '?' in a masked word; characters pack as 1 .. 20992
_ZEPS = 1e-6


def _codes(s: str) -> np.ndarray:
    """Packed character values (code point - 0x4E00 + 1) of a CJK-only string."""
    return np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.int64) - (CJK0 - 1)


def _pack_cjk(words: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """(packed keys, row mask): words of length k made only of CJK ideographs (others cannot match a run)."""
    if not words:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    v = _codes("".join(words)).reshape(-1, k)
    ok = ((v >= 1) & (v <= 20992)).all(axis=1)
    key = np.zeros(len(words), dtype=np.int64)
    for j in range(k):
        key |= v[:, j] << (BITS * j)
    return key[ok], ok


_GOLD = np.uint64(0x9E3779B97F4A7C15)
_GOLD2 = np.uint64(0xC2B2AE3D27D4EB4F)


class KeyIndex:
    """Open-addressing hash of non-negative int64 keys -> row, looked up for whole arrays at once.

    Why not only `searchsorted`: a binary search costs ~20 cache misses per query over a 570k-key table,
    which made it most of the vectorised pass; a mostly empty hash table answers ~97% of queries within
    three probes. The few left after three vectorised probing rounds (long clusters) go to `searchsorted`
    at once instead of paying a dozen more rounds of numpy overhead.
    """

    ROUNDS = 3

    def __init__(self, keys: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)  # unique by construction (packing is one-to-one)
        self.bits = max(4, int(2 * max(1, len(keys)) - 1).bit_length())  # load factor 1/4 .. 1/2
        self.shift = np.uint64(64 - self.bits)
        # linear probing without wrap-around, inserted in hash order: slot_i = max(h_i, slot_{i-1} + 1),
        # i.e. a running maximum; the table runs past 2**bits as far as needed and ends with an empty slot
        h = self._hash(keys)
        order = np.argsort(h, kind="stable")
        i = np.arange(len(keys), dtype=np.int64)
        slot = (np.maximum.accumulate(h[order] - i) + i) if len(keys) else i
        size = max(1 << self.bits, int(slot[-1]) + 1 if len(keys) else 0) + 1
        self.slot_key = np.full(size, -1, dtype=np.int64)
        self.slot_row = np.full(size, -1, dtype=np.int32)
        self.slot_key[slot] = keys[order]
        self.slot_row[slot] = order
        # a 16-bits-per-key bit filter (one hash, ~6% false positives) that fits in cache: most lookups miss,
        # and a miss then costs one cache-friendly read instead of a random read into the big table
        self.fbits = max(6, int(16 * max(1, len(keys)) - 1).bit_length())
        self.fshift = np.uint64(64 - self.fbits)
        self.filter = np.zeros(1 << (self.fbits - 3), dtype=np.uint8)
        f = self._fhash(keys)
        np.bitwise_or.at(self.filter, f >> 3, (np.uint8(1) << (f & 7).astype(np.uint8)))
        by_key = np.argsort(keys, kind="stable")
        self.sorted_keys = keys[by_key]
        self.sorted_rows = by_key.astype(np.int32)

    def _fhash(self, q: np.ndarray) -> np.ndarray:
        return ((q.astype(np.uint64) * _GOLD2) >> self.fshift).astype(np.int64)

    def _hash(self, q: np.ndarray) -> np.ndarray:
        return ((q.astype(np.uint64) * _GOLD) >> self.shift).astype(np.int64)

    def find(self, q: np.ndarray) -> np.ndarray:
        """Row of each query key, or -1 (negative queries are never found)."""
        q = np.asarray(q, dtype=np.int64)
        out = np.full(len(q), -1, dtype=np.int64)
        if len(q) == 0:
            return out
        f = self._fhash(q)
        todo = np.nonzero((self.filter[f >> 3] >> (f & 7).astype(np.uint8)) & 1)[0]
        q = q[todo]
        h = self._hash(q)
        todo_q = np.arange(len(q))
        out_q = np.full(len(q), -1, dtype=np.int64)
        self._probe(q, h, todo_q, out_q)
        out[todo] = out_q
        return out

    def _probe(self, q: np.ndarray, h: np.ndarray, todo: np.ndarray, out: np.ndarray) -> None:
        for _ in range(self.ROUNDS):
            sk = self.slot_key[h]
            hit = (sk == q[todo]) & (sk >= 0)
            out[todo[hit]] = self.slot_row[h[hit]]
            go_on = ~hit & (sk != -1)
            todo, h = todo[go_on], h[go_on] + 1
            if not len(todo):
                return
        if len(self.sorted_keys):
            rest = q[todo]
            pos = np.minimum(np.searchsorted(self.sorted_keys, rest), len(self.sorted_keys) - 1)
            ok = self.sorted_keys[pos] == rest
            out[todo[ok]] = self.sorted_rows[pos[ok]]


@dataclass
class VecTables:
    """Hash-indexed arrays mirroring the dictionaries of `TypoResources` (built once per process)."""

    lex_log: np.ndarray  # row -> math.log(count) of a lexicon word (CJK words of 1-4 characters)
    mk_start: np.ndarray  # masked word row -> its completions in mk_chars
    mk_len: np.ndarray
    mk_chars: np.ndarray  # packed completion characters, flat
    cf_type: np.ndarray  # confusion pair row -> CONF_TYPES index
    cf_rank: np.ndarray  # position of cand in the orig's confusion dict (reference iteration order)
    cf_char: np.ndarray  # confusion pair row -> packed cand
    cf_start: np.ndarray  # per packed orig char: its first confusion pair row (rows of one orig are contiguous)
    cf_count: np.ndarray  # per packed orig char: its confusion pair rows
    conf_size: np.ndarray  # per packed char
    char_lc: np.ndarray  # per packed char: math.log(lexicon count + 1)
    lex_ix: KeyIndex
    ng_ix: KeyIndex  # corpus 2-, 3- and 4-grams (packed keys of different lengths never collide)
    mk_ix: KeyIndex
    cf_ix: KeyIndex  # (orig << 15) | cand
    mw_ix: KeyIndex  # every word the masked index completes (lexicon words of 2-4 characters, count >= min)

    def __post_init__(self) -> None:
        self.homophones: dict[int, list[int]] = {}  # packed bigram -> packed pair_homophones (bounded memo)

    @classmethod
    def build(cls, res: TypoResources) -> VecTables:
        keys, cnts, lps = [], [], []
        by_len: dict[int, list[str]] = {}
        for w in res.lexicon:
            by_len.setdefault(len(w), []).append(w)
        for k in range(1, MAX_WORD + 1):
            ws = by_len.get(k, [])
            key, ok = _pack_cjk(ws, k)
            keys.append(key)
            cnt = np.fromiter((res.lexicon[w] for w in ws), dtype=np.int64, count=len(ws))
            lp = np.fromiter((res.lp[w] for w in ws), dtype=np.float64, count=len(ws))  # the very same floats
            cnts.append(cnt[ok] if len(ws) else cnt)
            lps.append(lp[ok] if len(ws) else lp)
        lex_keys, lex_cnt, lex_lp = np.concatenate(keys), np.concatenate(cnts), np.concatenate(lps)
        # bit-identical logarithms: the distinct counts through math.log
        uniq, inv = np.unique(lex_cnt, return_inverse=True)
        lex_log = np.array([math.log(int(c)) for c in uniq], dtype=np.float64)[inv.ravel()]
        ng, ng_cnt = [], []
        for k in (1, 2, 3, 4):  # 1-grams too: the character LM's histories (keys of different lengths differ)
            ws = list(res.ngrams[k])
            key, ok = _pack_cjk(ws, k)
            ng.append(key)
            ng_cnt.append(np.fromiter((res.ngrams[k][w] for w in ws), dtype=np.int64, count=len(ws))[ok])
        mkeys, lens, chars, qposl = [], [], [], []
        by_len = {}
        for key in res.masked:
            by_len.setdefault(len(key), []).append(key)
        for k, ks in by_len.items():
            packed, ok = _pack_cjk([m.replace("?", "\u4e00") for m in ks], k)  # '?' as value 1, swapped below
            ks = [m for m, good in zip(ks, ok.tolist()) if good]
            qpos = np.array([m.index("?") for m in ks], dtype=np.int64)
            qposl.append(qpos)
            mkeys.append(packed + ((np.int64(MASK) - 1) << (BITS * qpos)))
            vals = [res.masked[m] for m in ks]
            lens.append(np.fromiter(map(len, vals), dtype=np.int64, count=len(vals)))
            chars.append("".join(vals))
        mk_len = np.concatenate(lens)
        mk_start = np.cumsum(mk_len) - mk_len
        mk_chars = _codes("".join(chars))
        mk_all = np.concatenate(mkeys)
        qpos_all = np.concatenate(qposl)
        sh = BITS * np.repeat(qpos_all, mk_len)
        mwords = np.unique(np.repeat(mk_all, mk_len) + ((mk_chars - np.int64(MASK)) << sh))
        ck, ct, cr = [], [], []
        conf_size = np.zeros(MASK + 1, dtype=np.int64)
        cf_start = np.zeros(MASK + 1, dtype=np.int64)
        cf_count = np.zeros(MASK + 1, dtype=np.int64)
        for x, m in res.confusion.items():
            xv = ord(x) - CJK0 + 1
            if not 1 <= xv < MASK:
                continue
            conf_size[xv] = len(m)
            cf_start[xv] = len(ck)
            for r, (c, t) in enumerate(m.items()):
                cv = ord(c) - CJK0 + 1
                if 1 <= cv < MASK:
                    ck.append((xv << BITS) | cv)
                    ct.append(CONF_TYPES.index(t))
                    cr.append(r)
            cf_count[xv] = len(ck) - cf_start[xv]
        char_lc = np.zeros(MASK + 1, dtype=np.float64)
        lex = res.lexicon
        for v in range(1, 20993):
            c = lex.get(chr(v + CJK0 - 1))
            if c:
                char_lc[v] = math.log(c + 1)
        char_cnt = np.zeros(MASK + 1, dtype=np.int64)  # lexicon count of the single character
        char_ng1 = np.zeros(MASK + 1, dtype=np.int64)  # corpus unigram count
        for v in range(1, 20993):
            ch = chr(v + CJK0 - 1)
            char_cnt[v] = lex.get(ch, 0)
            char_ng1[v] = res.ngrams[1].get(ch, 0)
        ck_arr = np.array(ck, dtype=np.int64)
        vt = cls(lex_log, mk_start, mk_len, mk_chars, np.array(ct, dtype=np.int64), np.array(cr, dtype=np.int64),
                 ck_arr & MASK, cf_start, cf_count, conf_size, char_lc, KeyIndex(lex_keys),
                 KeyIndex(np.concatenate(ng)), KeyIndex(mk_all), KeyIndex(ck_arr), KeyIndex(mwords))
        vt.lex_lp, vt.ng_cnt, vt.char_cnt, vt.char_ng1 = lex_lp, np.concatenate(ng_cnt), char_cnt, char_ng1
        vt.floor, vt.lex_total, vt.ng_total = res.floor, res.lex_total, res.ng_total
        return vt


def _shift(arr: np.ndarray, off: int, fill) -> np.ndarray:
    """arr[g - off] for every g (fill where g - off < 0)."""
    if off == 0:
        return arr
    out = np.empty_like(arr)
    out[:off] = fill
    out[off:] = arr[:-off]
    return out


_LOGS = np.array([0.0] + [math.log(k) for k in range(1, 4097)])


def _math_logs(n: np.ndarray) -> np.ndarray:
    """math.log of positive integers (not numpy's log, which may differ in the last bit)."""
    if len(n) and int(n.max()) < len(_LOGS):
        return _LOGS[n]
    return np.array([math.log(int(x)) for x in n.tolist()], dtype=np.float64)


# spans covering a position, in the reference iteration order: length ascending, start ascending
COMBOS = [(k, off) for k in range(2, MAX_WORD + 1) for off in range(k - 1, -1, -1)]


class Batch:
    """Stage-1 survivors for every position of a list of CJK runs, computed in one vectorised pass.

    `single(r, i)` / `pairs(r, i)` return what `candidate_features(res, runs[r], i)` /
    `pair_candidates(res, runs[r], i, RunInfo(...))` return; the language-model features are filled in on
    first access, because the checker skips positions it does not need.
    """

    def __init__(self, res: TypoResources, vt: VecTables, runs: list[str]) -> None:
        if res.lin1 is None:
            raise ValueError("the typo model has no stage-1 scorer; rebuild it with `govlint train typo`")
        self.res, self.vt, self.runs = res, vt, runs
        self._single: dict[tuple[int, int], list[Candidate]] = {}
        self._pairs: dict[tuple[int, int], list[PairCandidate]] = {}
        self._lm_done: set[tuple[int, int, int]] = set()
        if runs:
            self._compute()

    # ---- public -------------------------------------------------------------------------------
    def single(self, r: int, i: int) -> list[Candidate]:
        kept = self._single.get((r, i))
        if not kept:
            return []
        if (0, r, i) not in self._lm_done:
            add_lm_features(self.res, self.runs[r], i, kept)
            self._lm_done.add((0, r, i))
        return kept

    def pairs(self, r: int, i: int) -> list[PairCandidate]:
        kept = self._pairs.get((r, i))
        if not kept:
            return []
        if (1, r, i) not in self._lm_done:
            add_pair_lm_features(self.res, self.runs[r], i, kept)
            self._lm_done.add((1, r, i))
        return kept

    # ---- the vectorised pass ------------------------------------------------------------------
    def _compute(self) -> None:
        vt = self.vt
        runs = self.runs
        lens = np.array([len(r) for r in runs], dtype=np.int64)
        N = int(lens.sum())
        self.text = "".join(runs)
        self.codes = codes = _codes(self.text)
        self.L = np.repeat(lens, lens)
        self.rid = np.repeat(np.arange(len(runs)), lens)
        self.p = p = np.arange(N, dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
        self.after = after = self.L - p  # characters from g to the run's end, g included
        pad = np.concatenate([codes, np.zeros(MAX_WORD, dtype=np.int64)])
        self.P = P = {}  # packed k-gram starting at every g (meaningful where it stays inside the run)
        for k in range(1, MAX_WORD + 1):
            key = np.zeros(N, dtype=np.int64)
            for j in range(k):
                key |= pad[j : j + N] << (BITS * j)
            P[k] = key
        self.span_ok = {(k, off): (p >= off) & (after + off >= k) for k, off in COMBOS}

        # lexicon strength (RunInfo.word) and corpus n-gram hits (RunInfo.seen) of every k-gram start:
        # one lookup per table for all three lengths
        starts = {k: np.nonzero(after >= k)[0] for k in (2, 3, 4)}
        q = np.concatenate([P[k][starts[k]] for k in (2, 3, 4)])
        lrow, nrow = vt.lex_ix.find(q), vt.ng_ix.find(q)
        word, seenstart, at = {}, {}, 0
        for k in (2, 3, 4):
            m = len(starts[k])
            lr = lrow[at : at + m]
            w = np.full(N, -1.0)
            w[starts[k]] = np.where(lr >= 0, vt.lex_log[np.maximum(lr, 0)] + 0.5 * (k - 2), -1.0)
            s = np.zeros(N, dtype=bool)
            s[starts[k]] = nrow[at : at + m] >= 0
            word[k], seenstart[k] = w, s
            at += m
        self.word = word
        # best_word(g): the strongest word covering g, first in reference order on ties
        bw = np.stack([np.where(self.span_ok[c], _shift(word[c[0]], c[1], -1.0), -1.0) for c in COMBOS])
        bi = np.argmax(bw, axis=0)
        bv = bw[bi, np.arange(N)]
        self.olc_raw = np.where(bv > -1.0, bv, -1.0)
        self.olc = np.maximum(self.olc_raw, 0.0)
        self.owl = np.where(self.olc > 0, np.array([k for k, _ in COMBOS])[bi], 0).astype(np.float64)
        self.seen = {}
        for k in (2, 3, 4):
            s = np.zeros(N, dtype=np.int64)
            for off in range(k):
                s += self.span_ok[(k, off)] & _shift(seenstart[k], off, False)
            self.seen[k] = s
        self._compute_single()
        if self.res.lin_pair1 is not None and self.res.lin_pair is not None:
            self._compute_pairs()

    def _compute_single(self) -> None:
        res, vt = self.res, self.vt
        codes, P, p, L, after = self.codes, self.P, self.p, self.L, self.after
        N = len(codes)
        has_conf = vt.conf_size[codes] > 0
        # 1. masked words around every position (9 spans), looked up at once
        gl, ml, cil = [], [], []
        for ci, (k, off) in enumerate(COMBOS):
            g = np.nonzero(self.span_ok[(k, off)] & has_conf)[0]
            sh = np.int64(BITS * off)
            gl.append(g)
            ml.append(P[k][g - off] + ((np.int64(MASK) - codes[g]) << sh))
            cil.append(np.full(len(g), ci, dtype=np.int64))
        g, mkey, ci = np.concatenate(gl), np.concatenate(ml), np.concatenate(cil)
        idx = vt.mk_ix.find(mkey)
        hit = idx >= 0
        g, mkey, ci, idx = g[hit], mkey[hit], ci[hit], idx[hit]
        if len(g) == 0:
            return
        # 2. completions confusable with the original character, walking the shorter list as the reference
        #    does: the completions (checked against the confusion pairs) or the confusion set (checked
        #    against the words the masked index completes) — the same candidates in the same order
        n_c = vt.mk_len[idx]
        x = codes[g]
        a_side = n_c <= vt.conf_size[x]
        ga, ma, ca, ia = g[a_side], mkey[a_side], ci[a_side], idx[a_side]
        na = n_c[a_side]
        within = np.arange(int(na.sum())) - np.repeat(np.cumsum(na) - na, na)
        c_a = vt.mk_chars[np.repeat(vt.mk_start[ia], na) + within]
        ga, ma, ca = np.repeat(ga, na), np.repeat(ma, na), np.repeat(ca, na)
        cf = vt.cf_ix.find((codes[ga] << BITS) | c_a)
        ok = cf >= 0
        ga, ma, ca, c_a, cf_a, rank_a = ga[ok], ma[ok], ca[ok], c_a[ok], cf[ok], within[ok]
        b_side = ~a_side
        gb, mb, cb = g[b_side], mkey[b_side], ci[b_side]
        nb = vt.cf_count[codes[gb]]
        rows = np.repeat(vt.cf_start[codes[gb]], nb) + (np.arange(int(nb.sum())) - np.repeat(np.cumsum(nb) - nb, nb))
        gb, mb, cb = np.repeat(gb, nb), np.repeat(mb, nb), np.repeat(cb, nb)
        c_b = vt.cf_char[rows]
        offb = np.array([o for _, o in COMBOS])[cb]
        ok = vt.mw_ix.find(mb + ((c_b - np.int64(MASK)) << (BITS * offb))) >= 0
        gb, mb, cb, c_b, cf_b = gb[ok], mb[ok], cb[ok], c_b[ok], rows[ok]
        g, mkey, ci = np.concatenate([ga, gb]), np.concatenate([ma, mb]), np.concatenate([ca, cb])
        c, cf = np.concatenate([c_a, c_b]), np.concatenate([cf_a, cf_b])
        rank = np.concatenate([rank_a, vt.cf_rank[cf_b]])
        if len(g) == 0:
            return
        kk = np.array([k for k, _ in COMBOS])[ci]
        off = np.array([o for _, o in COMBOS])[ci]
        wi = vt.lex_ix.find(mkey + ((c - np.int64(MASK)) << (BITS * off)))
        v = np.where(wi >= 0, vt.lex_log[np.maximum(wi, 0)], 0.0) + 0.5 * (kk - 2)  # lex.get(word, 1)
        t = vt.cf_type[cf]
        order = ci * 100_000 + rank
        a = p[g] - off
        # 3. one row per (position, candidate): its best span (largest v, first on ties), first appearance
        s1 = np.lexsort((order, -v, c, g))
        g, c, t, order, v, a, kk = g[s1], c[s1], t[s1], order[s1], v[s1], a[s1], kk[s1]
        new = np.ones(len(g), dtype=bool)
        new[1:] = (g[1:] != g[:-1]) | (c[1:] != c[:-1])
        grp = np.cumsum(new) - 1
        fo = np.full(int(grp[-1]) + 1, np.iinfo(np.int64).max)
        np.minimum.at(fo, grp, order)
        head = np.nonzero(new)[0]
        g, c, t, v, a, kk = g[head], c[head], t[head], v[head], a[head], kk[head]
        s2 = np.lexsort((fo, g))
        g, c, t, v, a, kk = g[s2], c[s2], t[s2], v[s2], a[s2], kk[s2]
        n_cands = np.bincount(g, minlength=N)[g]
        # 4. cand_seen3: corpus trigrams covering g once c replaces it
        pg = p[g]
        qs, oks = [], []
        for o in range(3):
            ok = (pg >= o) & (after[g] + o >= 3)
            qs.append(np.where(ok, P[3][np.maximum(g - o, 0)] + ((c - codes[g]) << np.int64(BITS * o)), -1))
            oks.append(ok)
        hits = (vt.ng_ix.find(np.concatenate(qs)) >= 0).reshape(3, -1)
        cs3 = (hits & np.stack(oks)).sum(axis=0)
        # 5. the stage-1 score in logit space; the exact logistic near the cut-off
        w = dict(zip(FEATURES, res.lin1[1]))
        thr = res.stage1_threshold
        t1 = math.log(thr / (1.0 - thr)) if 0.0 < thr < 1.0 else -math.inf
        olc, owl = self.olc[g], self.owl[g]
        s2g, s3g, s4g = self.seen[2][g], self.seen[3][g], self.seen[4][g]
        oc, cc = vt.char_lc[codes[g]], vt.char_lc[c]
        edge = ((pg == 0) | (pg == L[g] - 1)).astype(np.float64)
        wt = np.array([w["t_" + ty] for ty in CONF_TYPES])
        z = (res.lin1[0] + w["orig_word_lc"] * olc + w["orig_word_len"] * owl + w["orig_seen2"] * s2g
             + w["orig_seen3"] * s3g + w["orig_seen4"] * s4g + w["orig_char_lc"] * oc
             + w["n_cands"] * np.log(n_cands) + w["at_edge"] * edge + w["cand_word_lc"] * v
             + w["cand_word_len"] * kk + w["cand_char_lc"] * cc + w["lc_gain"] * (v - olc) + wt[t]
             + w["cand_seen3"] * cs3 + w["run_len_log"] * np.log(L[g]))
        keep = np.nonzero(z >= t1 - _ZEPS)[0]
        if len(keep) == 0:
            return
        # the feature rows of the survivors in one go (logarithms from math.log tables: bit-identical)
        g, c, t, kk, a, pg = g[keep], c[keep], t[keep], kk[keep], a[keep], pg[keep]
        v, olc, z = v[keep], olc[keep], z[keep]
        n_runs = L[g]
        feats = np.zeros((len(keep), len(FEATURES)), dtype=np.float64)
        feats[:, 2], feats[:, 3], feats[:, 4], feats[:, 5] = v, kk, olc, owl[keep]
        feats[:, 8], feats[:, 9], feats[:, 10], feats[:, 11] = s2g[keep], s3g[keep], s4g[keep], cs3[keep]
        feats[:, 12], feats[:, 13], feats[:, 14] = oc[keep], cc[keep], v - olc
        feats[:, 15] = _math_logs(n_cands[keep])
        feats[:, 16] = edge[keep]
        feats[:, 17] = _math_logs(n_runs)
        feats[np.arange(len(keep)), 18 + t] = 1.0
        rows = feats.tolist()
        near = (z <= t1 + _ZEPS).tolist()
        rids = self.rid[g].tolist()
        out = self._single
        runs = self.runs
        for j, (f, r, i, cj, tj, a0, k0) in enumerate(zip(rows, rids, pg.tolist(), c.tolist(), t.tolist(),
                                                         a.tolist(), kk.tolist())):
            if near[j] and score(res.lin1, f) < thr:
                continue
            out.setdefault((r, i), []).append(Candidate(pos=i, orig=runs[r][i], cand=chr(cj + CJK0 - 1),
                                                        ctype=CONF_TYPES[tj], feats=f, span=(a0, a0 + k0)))
        if out:
            self._lm_single()

    # ---- language-model features of the survivors (typo_model.add_lm_features), vectorised -----------
    def _lm_single(self) -> None:
        """d_word, d_char, orig_in_word and orig_seg_lc of every surviving candidate, filled in place.

        One row per position (the original text) and one per candidate (the text with the candidate in place):
        the word-unigram segmentation of the +-4 window and the character 4-gram log-probability of the
        candidate's character and the three after it, each computed for all rows at once with the reference's
        operations in the reference's order (so the floats are the same; logarithms via math.log).
        """
        vt = self.vt
        runs = self.runs
        keys = sorted(self._single)
        starts = np.cumsum([0] + [len(r) for r in runs])
        pos_g = np.array([starts[r] + i for r, i in keys], dtype=np.int64)
        cands = [self._single[k] for k in keys]
        n_c = np.array([len(c) for c in cands], dtype=np.int64)
        row_g = np.concatenate([pos_g, np.repeat(pos_g, n_c)])
        rep = np.concatenate([np.zeros(len(pos_g), dtype=np.int64),
                              np.array([ord(c.cand) - CJK0 + 1 for cs in cands for c in cs], dtype=np.int64)])
        codes, p, L = self.codes, self.p[row_g], self.L[row_g]
        R = len(row_g)
        # the window run[i-4 : i+5] as columns 0..8 (0 = outside the run); column 4 is the judged character
        col = np.arange(-WINDOW, WINDOW + 1)
        inrun = (p[:, None] + col[None, :] >= 0) & (p[:, None] + col[None, :] < L[:, None])
        W = np.where(inrun, codes[np.clip(row_g[:, None] + col[None, :], 0, len(codes) - 1)], 0)
        W[:, WINDOW] = np.where(rep > 0, rep, W[:, WINDOW])
        c0 = np.maximum(0, WINDOW - p)  # first column inside the run
        c1 = np.minimum(2 * WINDOW + 1, L - p + WINDOW)  # one past the last
        # packed k-grams of W starting at every column, looked up once in the lexicon and the corpus n-grams
        grams = {}
        for k in range(1, MAX_WORD + 1):
            key = np.zeros((R, 2 * WINDOW + 2 - k), dtype=np.int64)
            for j in range(k):
                key |= W[:, j : j + key.shape[1]] << (BITS * j)
            grams[k] = key
        flat = np.concatenate([grams[k].ravel() for k in grams])
        lrow, nrow = vt.lex_ix.find(flat), vt.ng_ix.find(flat)
        lp, ngc, at = {}, {}, 0
        for k in grams:
            m = grams[k].size
            lr, nr = lrow[at : at + m].reshape(grams[k].shape), nrow[at : at + m].reshape(grams[k].shape)
            lp[k] = (lr >= 0, vt.lex_lp[np.maximum(lr, 0)], lr)
            ngc[k] = np.where(nr >= 0, vt.ng_cnt[np.maximum(nr, 0)], 0)
            at += m

        # 1. best segmentation of the window (segment_score): DP over columns, strict > in k order
        best = np.full((R, 2 * WINDOW + 2), -1e18)
        back = np.ones((R, 2 * WINDOW + 2), dtype=np.int64)
        rows = np.arange(R)
        best[rows, c0] = 0.0
        for e in range(1, 2 * WINDOW + 2):
            bj = np.full(R, -1e18)
            kb = np.ones(R, dtype=np.int64)
            for k in range(1, MAX_WORD + 1):
                st = e - k
                if st < 0:
                    break
                found, val, _ = lp[k][0][:, st], lp[k][1][:, st], None
                ok = st >= c0
                if k > 1:
                    ok = ok & found
                v = np.where(found, val, vt.floor) + best[:, st]
                better = ok & (v > bj)
                bj = np.where(better, v, bj)
                kb = np.where(better, k, kb)
            live = (e > c0) & (e <= c1)
            best[:, e] = np.where(live, bj, best[:, e])
            back[:, e] = np.where(live, kb, back[:, e])
        seg = best[rows, c1]
        # the word of the original's best segmentation that covers column 4
        n_pos = len(pos_g)
        cur = c1[:n_pos].copy()
        w_len = np.ones(n_pos, dtype=np.int64)
        w_st = np.full(n_pos, WINDOW, dtype=np.int64)
        for _ in range(2 * WINDOW + 1):
            kb = back[np.arange(n_pos), cur]
            cover = (cur > WINDOW) & (cur - kb <= WINDOW) & (cur > c0[:n_pos])
            w_len = np.where(cover, kb, w_len)
            w_st = np.where(cover, cur - kb, w_st)
            cur = np.where(cur > c0[:n_pos], cur - kb, cur)
        in_word = w_len >= 2
        seg_lc = np.zeros(n_pos)
        for k in range(2, MAX_WORD + 1):
            sel = in_word & (w_len == k)
            if sel.any():
                lr = lp[k][2][np.nonzero(sel)[0], w_st[sel]]
                seg_lc[sel] = np.where(lr >= 0, vt.lex_log[np.maximum(lr, 0)], 0.0)  # log(lex.get(w, 1))

        # 2. character 4-gram log-probability of columns 4..7 (char_logp), stupid backoff
        pvals = np.zeros((R, NGRAM_ORDER))
        valid = np.zeros((R, NGRAM_ORDER), dtype=bool)
        for d in range(NGRAM_ORDER):
            k_run = p + d  # position in the run
            valid[:, d] = k_run < L
            cc = WINDOW + d  # column of the predicted character
            done = np.zeros(R, dtype=bool)
            mult = np.ones(R)
            pv = np.zeros(R)
            for order in range(NGRAM_ORDER, 1, -1):
                in_range = order <= k_run + 1
                h_start = cc - order + 1
                ch = ngc[order - 1][:, h_start]
                cg = ngc[order][:, h_start]
                hit = ~done & in_range & (ch > 0) & (cg > 0)
                pv = np.where(hit, mult * cg / np.where(ch > 0, ch, 1), pv)
                done |= hit
                mult = np.where(~done & in_range, mult * 0.4, mult)
            ch1 = W[:, cc]
            c1u = vt.char_ng1[ch1].astype(np.float64)
            lc = vt.char_cnt[ch1].astype(np.float64)
            uni = mult * (c1u + 1.0 + 20.0 * lc / vt.lex_total * vt.ng_total) / (vt.ng_total * 2.0)
            pvals[:, d] = np.where(done, pv, uni)
        logs = np.array([math.log(x) if x > 0 else 0.0 for x in np.where(valid, pvals, 1.0).ravel().tolist()]
                        ).reshape(R, NGRAM_ORDER)
        lm = np.zeros(R)
        for d in range(NGRAM_ORDER):
            lm = np.where(valid[:, d], lm + logs[:, d], lm)

        # 3. fill the candidates
        owner = np.repeat(np.arange(n_pos), n_c)
        d_word = np.clip(seg[n_pos:] - seg[:n_pos][owner], -25.0, 25.0).tolist()
        d_char = np.clip(lm[n_pos:] - lm[:n_pos][owner], -25.0, 25.0).tolist()
        iw = in_word[owner].tolist()
        sl = seg_lc[owner].tolist()
        j = 0
        for (r, i), cs in zip(keys, cands):
            for c in cs:
                f = c.feats
                f[0], f[1] = d_word[j], d_char[j]
                f[6] = 1.0 if iw[j] else 0.0
                f[7] = sl[j]
                j += 1
            self._lm_done.add((0, r, i))

    def _compute_pairs(self) -> None:
        res, vt = self.res, self.vt
        codes, P, p, L = self.codes, self.P, self.p, self.L
        memo = vt.homophones
        if len(memo) > 200_000:
            memo.clear()
        # homophone words of each distinct bigram (memoised across pages), expanded to every position
        gs = np.nonzero(self.after >= 2)[0]
        uk, inv = np.unique(P[2][gs], return_inverse=True)
        counts, flat = [], []
        for key in uk.tolist():
            hw = memo.get(key)
            if hw is None:
                bg = chr((key & MASK) + CJK0 - 1) + chr((key >> BITS) + CJK0 - 1)
                hw = memo[key] = [(ord(w[0]) - CJK0 + 1) | ((ord(w[1]) - CJK0 + 1) << BITS)
                                  for w in pair_homophones(res, bg)]
            counts.append(len(hw))
            flat.extend(hw)
        if not flat:
            return
        cnt = np.array(counts, dtype=np.int64)[inv.ravel()]
        first = (np.cumsum(counts) - np.array(counts, dtype=np.int64))[inv.ravel()]
        g = np.repeat(gs, cnt)
        wkey = np.array(flat, dtype=np.int64)[np.repeat(first, cnt) + (np.arange(int(cnt.sum()))
                                                                      - np.repeat(np.cumsum(cnt) - cnt, cnt))]
        c0, c1 = wkey & MASK, wkey >> BITS
        pg = p[g]
        # candidate word counts and every corpus 3-/4-gram covering g or g + 1 after the swap, one lookup
        qs, oks, blocks = [wkey], [], []
        for n in (3, 4):
            for q_at in (0, 1):
                for o in range(n):  # window starts at (g + q_at) - o
                    s = pg + q_at - o
                    ok = (s >= 0) & (s + n <= L[g])
                    key = P[n][np.clip(g + q_at - o, 0, len(codes) - 1)]
                    d0 = o - q_at  # index of g inside the window
                    if 0 <= d0 < n:
                        key = key + ((c0 - codes[g]) << np.int64(BITS * d0))
                    if 0 <= d0 + 1 < n:
                        key = key + ((c1 - codes[np.minimum(g + 1, len(codes) - 1)]) << np.int64(BITS * (d0 + 1)))
                    qs.append(np.where(ok, key, -1))
                    oks.append(ok)
                    blocks.append(n)
        m = len(g)
        lrow = vt.lex_ix.find(qs[0])
        nrow = vt.ng_ix.find(np.concatenate(qs[1:])).reshape(len(blocks), m) >= 0
        hits = nrow & np.stack(oks)
        nb = np.array(blocks)
        cs3, cs4 = hits[nb == 3].sum(axis=0), hits[nb == 4].sum(axis=0)
        clc = np.where(lrow >= 0, np.log1p(np.exp(vt.lex_log[np.maximum(lrow, 0)])), 0.0)  # decision only
        ow = self.word[2][g]  # log count of the original bigram as a word, or -1
        isw = (ow > -1.0).astype(np.float64)
        o_lc = np.where(ow > -1.0, np.log1p(np.exp(ow)), 0.0)
        b0 = np.maximum(self.olc_raw[g], 0.0)
        b1 = np.maximum(self.olc_raw[g + 1], 0.0)
        o3 = self.seen[3][g] + self.seen[3][g + 1]
        o4 = self.seen[4][g] + self.seen[4][g + 1]
        w = dict(zip(PAIR_FEATURES, res.lin_pair1[1]))
        thr = res.pair1_threshold
        t1 = math.log(thr / (1.0 - thr)) if 0.0 < thr < 1.0 else (-math.inf if thr <= 0.0 else math.inf)
        z = (res.lin_pair1[0] + w["orig_lc"] * o_lc + w["orig_is_word"] * isw + w["orig_best0"] * b0
             + w["orig_best1"] * b1 + w["orig_seen3"] * o3 + w["orig_seen4"] * o4 + w["cand_lc"] * clc
             + w["cand_seen3"] * cs3 + w["cand_seen4"] * cs4)
        lex = res.lexicon
        out = self._pairs
        for j in np.nonzero(z >= t1 - 1e-3)[0].tolist():  # generous band: the reference test decides
            r, i = int(self.rid[int(g[j])]), int(pg[j])
            run = self.runs[r]
            orig, cand = run[i : i + 2], chr(int(c0[j]) + CJK0 - 1) + chr(int(c1[j]) + CJK0 - 1)
            f = [0.0, 0.0, math.log(lex.get(cand, 0) + 1), math.log(lex.get(orig, 0) + 1),
                 1.0 if orig in lex else 0.0, float(b0[j]), float(b1[j]), float(o3[j]), float(cs3[j]),
                 float(o4[j]), float(cs4[j])]
            if score(res.lin_pair1, f) < thr:
                continue
            out.setdefault((r, i), []).append(PairCandidate(pos=i, orig=orig, cand=cand, feats=f))
