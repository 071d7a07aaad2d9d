"""Memoised candidate scoring for the typo layer: same outputs as typo_model, far less repeated work.

Why this works: every feature of a candidate at run[i] is a function of the nine characters run[i-4:i+5]
(clipped at the run's ends) except one, run_len_log; a homophone-word candidate at run[i:i+2] depends only on
run[i-4:i+6]. Government pages repeat the same phrases endlessly (成员单位, 各有关部门, the site footer), so
keying the work on that local window lets most positions skip candidate generation, both language models and
the stage-1 scorer. The stage-1 cut-off is linear in run_len_log, so at cache-fill time a candidate is either
(a) pruned for every possible run length, (b) kept for every run length, or (c) borderline, and only (c) is
re-scored exactly per call. Results are bit-identical to typo_model (tests/test_typo.py compares them).

Caches are bounded dicts owned by one `LocalCache` per checker; a lost race between threads only recomputes
the same value, so `check` stays thread-safe.
"""

from __future__ import annotations

import math
from operator import mul

from nlp.wording.typo_model import (
    FEATURES,
    MAX_WORD,
    NGRAM_ORDER,
    WINDOW,
    Candidate,
    PairCandidate,
    RunInfo,
    TypoResources,
    candidate_features,
    pair_candidates,
    score,
)

_RLL = FEATURES.index("run_len_log")
MIN_RUN, MAX_RUN = 2, 512  # run lengths the memo covers (nearly all); longer runs take the exact, uncached path
_ZEPS = 1e-6  # logit margin: decisions closer than this to the threshold use the exact logistic
_CTX = max(WINDOW, MAX_WORD - 1, NGRAM_ORDER - 1)  # characters each side that any single-char feature reads


class LocalCache:
    """Window -> candidates memo for single characters and homophone pairs (bounded, cleared when full)."""

    def __init__(self, res: TypoResources, max_entries: int = 200_000) -> None:
        self.res = res
        self.max_entries = max_entries
        self.single: dict[tuple[str, int], list] = {}
        self.pairs: dict[tuple[str, int], list] = {}
        self._lo_rll = math.log(MIN_RUN)
        self._hi_rll = math.log(MAX_RUN)
        if res.lin1 is not None:  # stage-1 test in logit space: one C-level dot product per candidate
            thr = res.stage1_threshold
            self._t1 = math.log(thr / (1.0 - thr)) if 0.0 < thr < 1.0 else None
            self._b1, self._w1 = res.lin1
            self._wr = self._w1[_RLL]

    # ---- single characters --------------------------------------------------------------------
    def _stage1_class(self, f: list[float]) -> int:
        """0 = pruned at every run length, 1 = kept at every run length, 2 = depends on the run length."""
        if self.res.lin1 is None:
            return 1
        if self._t1 is None:
            return 2
        zr = self._b1 + sum(map(mul, self._w1, f)) - self._wr * f[_RLL]
        z_lo, z_hi = zr + self._wr * self._lo_rll, zr + self._wr * self._hi_rll
        if max(z_lo, z_hi) < self._t1 - _ZEPS:
            return 0
        if min(z_lo, z_hi) > self._t1 + _ZEPS:
            return 1
        return 2

    def _stage1_keep(self, f: list[float]) -> bool:
        """Exactly `score(lin1, f) >= threshold`; the logistic is only evaluated near the threshold."""
        res = self.res
        if self._t1 is not None:
            z = self._b1 + sum(map(mul, self._w1, f))
            if z < self._t1 - _ZEPS:
                return False
            if z > self._t1 + _ZEPS:
                return True
        return score(res.lin1, f) >= res.stage1_threshold

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
        """Exact computation on the real run; memoised only when no stage-1 decision hinged on the run
        length (then the survivors are the same for every run sharing this window)."""
        res = self.res
        cacheable = True

        def keep(f: list[float]) -> bool:
            nonlocal cacheable
            if res.lin1 is None:
                return True
            if cacheable and self._stage1_class(f) == 2:
                cacheable = False
            return self._stage1_keep(f)

        cands = candidate_features(res, run, i, info=info, keep=keep)
        if cacheable:
            if len(self.single) >= self.max_entries:
                self.single.clear()
            self.single[key] = [Candidate(pos=0, orig=c.orig, cand=c.cand, ctype=c.ctype, feats=list(c.feats),
                                          span=(c.span[0] - lo, c.span[1] - lo)) for c in cands]
        return cands

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
            entry = pair_candidates(self.res, run, i, info)
            if len(self.pairs) >= self.max_entries:
                self.pairs.clear()
            self.pairs[key] = entry
        return entry  # callers only read; pos differs between runs but is not used by the checker
