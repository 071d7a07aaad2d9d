"""Memoised candidate scoring for the typo layer: same outputs as typo_model, far less repeated work.

Why this works: every feature of a candidate at run[i] is a function of the nine characters run[i-4:i+5]
(clipped at the run's ends) except one, run_len_log; a homophone-word candidate at run[i:i+2] depends only on
run[i-4:i+6]. Government pages repeat the same phrases endlessly (成员单位, 各有关部门, the site footer), so
keying the work on that local window lets most positions skip candidate generation, both language models and
the stage-1 scorer. The stage-1 score is linear in run_len_log, so a window is memoised only when every
candidate is pruned for every run length 2..512 or kept for every such length; otherwise (and for longer runs)
the exact path runs each time. Results are bit-identical to typo_model (tests/test_typo.py compares them).

Caches are bounded dicts owned by one `LocalCache` per checker; a lost race between threads only recomputes
the same value, so `check` stays thread-safe.
"""

from __future__ import annotations

import math

from nlp.wording.typo_model import (
    FEATURES,
    MAX_WORD,
    NGRAM_ORDER,
    WINDOW,
    Candidate,
    PairCandidate,
    RunInfo,
    TypoResources,
    CONF_TYPES,
    _seen_with,
    PAIR_FEATURES,
    add_lm_features,
    add_pair_lm_features,
    pair_homophones,
    candidate_features,
    candidates_at,
    pair_candidates,
    score,
)

_RLL = FEATURES.index("run_len_log")
MIN_RUN, MAX_RUN = 2, 512  # run lengths the memo covers (nearly all); longer runs take the exact, uncached path
_ZEPS = 1e-6  # logit margin: decisions closer than this to the threshold use the exact logistic
_CTX = max(WINDOW, MAX_WORD - 1, NGRAM_ORDER - 1)  # characters each side that any single-char feature reads


def _pair_seen(ng3: dict[str, int], ng4: dict[str, int], run: str, i: int, cand: str) -> tuple[int, int]:
    """(cand_seen3, cand_seen4) of pair_candidates — seen 3-/4-grams covering i and i+1 once `cand` replaces
    run[i:i+2], counted with the same multiplicity — from one short edited string instead of four."""
    n_run = len(run)
    lo = max(0, i - 3)
    edited = run[lo:i] + cand + run[i + 2 : i + 5]
    out = []
    for n, ng in ((3, ng3), (4, ng4)):
        k = 0
        for p in (i, i + 1):
            for a in range(max(0, p - n + 1), min(p, n_run - n) + 1):
                if edited[a - lo : a - lo + n] in ng:
                    k += 1
        out.append(k)
    return out[0], out[1]


class LocalCache:
    """Window -> candidates memo for single characters and homophone pairs (bounded, cleared when full)."""

    def __init__(self, res: TypoResources, max_entries: int = 200_000) -> None:
        self.res = res
        self.max_entries = max_entries
        self.single: dict[tuple[str, int], list] = {}
        self.pairs: dict[tuple[str, int], list] = {}
        self.homophones: dict[str, list[tuple[str, float]]] = {}  # bigram -> [(word, log count)]
        self._lo_rll = math.log(MIN_RUN)
        self._hi_rll = math.log(MAX_RUN)
        if res.lin1 is not None:  # stage-1 test in logit space: one C-level dot product per candidate
            thr = res.stage1_threshold
            self._t1 = math.log(thr / (1.0 - thr)) if 0.0 < thr < 1.0 else None
            self._b1, self._w1 = res.lin1
            self._wr = self._w1[_RLL]
            w = dict(zip(FEATURES, self._w1))
            self._w = w
            self._wt = {t: w["t_" + t] for t in CONF_TYPES}
            self._cs3_max = max(0.0, 3.0 * w["cand_seen3"])  # cand_seen3 counts 0..3 trigrams
            self._rll_max = max(self._wr * self._lo_rll, self._wr * self._hi_rll)

    # ---- single characters --------------------------------------------------------------------
    def candidates(self, run: str, i: int, info: RunInfo | None = None) -> list[Candidate]:
        """Same list as `candidate_features(res, run, i, info=info)` (prune=True)."""
        n = len(run)
        if not MIN_RUN <= n <= MAX_RUN:
            return candidate_features(self.res, run, i, info=info)
        lo = max(0, i - _CTX)
        key = (run[lo : min(n, i + _CTX + 1)], i - lo)
        entry = self.single.get(key)
        if entry is None:
            return self._fill_single(run, i, lo, key, info)
        if not entry:
            return []
        rll = math.log(n)
        out: list[Candidate] = []
        for c in entry:
            f = list(c.feats)
            f[_RLL] = rll
            out.append(Candidate(pos=i, orig=c.orig, cand=c.cand, ctype=c.ctype, feats=f,
                                 span=(c.span[0] + lo, c.span[1] + lo)))
        return out

    def _fill_single(self, run: str, i: int, lo: int, key: tuple[str, int], info: RunInfo | None
                     ) -> list[Candidate]:
        """Exact `candidate_features(res, run, i)`; memoised only when no stage-1 decision hinged on the run
        length (then the survivors are the same for every run sharing this window).

        The stage-1 score is accumulated directly in logit space (position part once, then per candidate),
        and a candidate whose best case (all three trigrams seen, most favourable run length) is still below
        the cut-off is dropped before its trigram lookups; decisions within _ZEPS of the cut-off fall back to
        the exact logistic on the full feature vector.
        """
        res = self.res
        if res.lin1 is None or self._t1 is None:
            return candidate_features(res, run, i, info=info)  # no stage 1 to shortcut
        cands = candidates_at(res, run, i)
        if not cands:
            self._store_single(key, [])
            return []
        info = info or RunInfo(res, run)
        lex, ng, w = res.lexicon, res.ngrams, self._w
        n = len(run)
        oa, ob, olc = info.best_word(i)
        olc = max(olc, 0.0)
        seen2, seen3, seen4 = info.seen_at(i, 2), info.seen_at(i, 3), info.seen_at(i, 4)
        oc = math.log(lex.get(run[i], 0) + 1)
        owl = float(ob - oa) if olc > 0 else 0.0
        rll = math.log(n)
        n_log = math.log(len(cands))
        edge = 1.0 if i == 0 or i == n - 1 else 0.0
        zp = (self._b1 + w["orig_word_lc"] * olc + w["orig_word_len"] * owl + w["orig_seen2"] * seen2
              + w["orig_seen3"] * seen3 + w["orig_seen4"] * seen4 + w["orig_char_lc"] * oc
              + w["n_cands"] * n_log + w["at_edge"] * edge)
        w_wl, w_len, w_cs3, w_cc, w_gain = (w["cand_word_lc"], w["cand_word_len"], w["cand_seen3"],
                                           w["cand_char_lc"], w["lc_gain"])
        t_lo, t_hi = self._t1 - _ZEPS, self._t1 + _ZEPS
        wr, lo_r, hi_r = self._wr, self._wr * self._lo_rll, self._wr * self._hi_rll
        cacheable = True
        kept: list[Candidate] = []
        for c, (t, a, b, wl) in cands.items():
            cc = math.log(lex.get(c, 0) + 1)
            zc = zp + w_wl * wl + w_len * (b - a) + w_cc * cc + w_gain * (wl - olc) + self._wt[t]
            if zc + self._cs3_max + self._rll_max < t_lo:
                continue  # pruned for every run length whatever its trigrams
            cs3 = _seen_with(ng[3], run, i, c, 3)
            z0 = zc + w_cs3 * cs3
            if cacheable and not (max(z0 + lo_r, z0 + hi_r) < t_lo or min(z0 + lo_r, z0 + hi_r) > t_hi):
                cacheable = False
            z = z0 + wr * rll
            if z < t_lo:
                continue
            f = [0.0, 0.0, wl, float(b - a), olc, owl, 0.0, 0.0, float(seen2), float(seen3), float(seen4),
                 float(cs3), oc, cc, wl - olc, n_log, edge, rll] + [1.0 if t == ty else 0.0 for ty in CONF_TYPES]
            if z <= t_hi and score(res.lin1, f) < res.stage1_threshold:
                continue
            kept.append(Candidate(pos=i, orig=run[i], cand=c, ctype=t, feats=f, span=(a, b)))
        if kept:
            add_lm_features(res, run, i, kept)
        if cacheable:
            self._store_single(key, [Candidate(pos=0, orig=c.orig, cand=c.cand, ctype=c.ctype, feats=list(c.feats),
                                               span=(c.span[0] - lo, c.span[1] - lo)) for c in kept])
        return kept

    def _store_single(self, key: tuple[str, int], entry: list) -> None:
        if len(self.single) >= self.max_entries:
            self.single.clear()
        self.single[key] = entry

    # ---- homophone word pairs -----------------------------------------------------------------
    def pair_candidates(self, run: str, i: int, info: RunInfo) -> list[PairCandidate]:
        """Same list as `pair_candidates(res, run, i, RunInfo(res, run))`."""
        n = len(run)
        if i + 2 > n:
            return []
        lo = max(0, i - _CTX)
        key = (run[lo : min(n, i + _CTX + 2)], i - lo)
        entry = self.pairs.get(key)
        if entry is None:
            entry = self._fill_pair(run, i, info)
            if len(self.pairs) >= self.max_entries:
                self.pairs.clear()
            self.pairs[key] = entry
        return entry  # callers only read; pos differs between runs but is not used by the checker

    def _fill_pair(self, run: str, i: int, info: RunInfo) -> list[PairCandidate]:
        """Exact `pair_candidates(res, run, i, info)`: stage 1 accumulated in logit space, the exact logistic
        only within _ZEPS of the cut-off; homophone lists memoised per character bigram."""
        res = self.res
        if res.lin_pair1 is None:
            return pair_candidates(res, run, i, info)
        orig = run[i : i + 2]
        found = self.homophones.get(orig)
        if found is None:
            lex = res.lexicon
            found = [(w, math.log(lex.get(w, 0) + 1)) for w in pair_homophones(res, orig)]
            if len(self.homophones) >= self.max_entries:
                self.homophones.clear()
            self.homophones[orig] = found
        if not found:
            return []
        b, ws = res.lin_pair1
        w = dict(zip(PAIR_FEATURES, ws))
        thr = res.pair1_threshold
        if not 0.0 < thr < 1.0:
            return pair_candidates(res, run, i, info)
        t1 = math.log(thr / (1.0 - thr))
        ng3, ng4 = res.ngrams[3], res.ngrams[4]
        o_lc = math.log(res.lexicon.get(orig, 0) + 1)
        isw = 1.0 if orig in res.lexicon else 0.0
        b0, b1 = max(0.0, info.best_word(i)[2]), max(0.0, info.best_word(i + 1)[2])
        o3 = info.seen_at(i, 3) + info.seen_at(i + 1, 3)
        o4 = info.seen_at(i, 4) + info.seen_at(i + 1, 4)
        zp = (b + w["orig_lc"] * o_lc + w["orig_is_word"] * isw + w["orig_best0"] * b0 + w["orig_best1"] * b1
              + w["orig_seen3"] * o3 + w["orig_seen4"] * o4)
        w_clc, w_cs3, w_cs4 = w["cand_lc"], w["cand_seen3"], w["cand_seen4"]
        kept: list[PairCandidate] = []
        for cand, clc in found:
            cs3, cs4 = _pair_seen(ng3, ng4, run, i, cand)
            z = zp + w_clc * clc + w_cs4 * cs4 + w_cs3 * cs3
            if z < t1 - _ZEPS:
                continue
            f = [0.0, 0.0, clc, o_lc, isw, b0, b1, float(o3), float(cs3), float(o4), float(cs4)]
            if z <= t1 + _ZEPS and score(res.lin_pair1, f) < thr:
                continue
            kept.append(PairCandidate(pos=i, orig=orig, cand=cand, feats=f))
        if kept:
            add_pair_lm_features(res, run, i, kept)
        return kept
