"""Typo layer of the wording checker: wrong characters in words (错别字), found statistically.

A character is flagged only when a confusable character (same or similar pinyin, similar shape) turns its
neighbourhood into a known word AND a logistic scorer over language-model evidence (word-segmentation gain,
character 4-gram gain on clean government text, word frequencies, whether the original already sits in a
word or a known name) is confident. The threshold was tuned for precision: on government sites a false alarm
costs an editor's trust, so the layer stays silent when unsure. Duplicated characters (的的) and the fixed list
of common 公文 misspellings (布署→部署) belong to the wording checker's rule layer, not here.

Usage: `checker = load(models_dir); checker.check(text) -> list[Finding]` (offsets index `text`).
"""

from __future__ import annotations

from pathlib import Path

from nlp.schema import Document, Finding, Partial
from nlp.wording.typo_fast import LocalCache
from nlp.wording.typo_vec import Batch, VecTables
from nlp.wording.typo_model import (
    RunInfo,
    TypoResources,
    cjk_runs,
    name_protected,
    score,
)

RUN_MEMO_MAX = 50_000  # distinct runs remembered (cleared when full)
# Findings below this confidence are `info`, not `warning`: on the corpus pages the four real typos scored
# >= 0.98 while 12 of the 18 false alarms (unknown legitimate words: 村改居, 终期评估, 调增) scored < 0.9
# (docs/typo.md). They stay in the report, below the warnings an editor must look at.
WARN_CONFIDENCE = 0.9
VEC_MIN_CHARS = 24  # below this many new characters the per-position path is cheaper than numpy's overheads
MAX_CHARS = 300_000  # per call; ≈ 30 s of CPU at the measured speed

TYPE_LABEL = {
    "pinyin": "同音字",
    "pinyin2": "同音字",
    "fuzzy": "近音字",
    "stroke": "形近字",
    "shape": "形近字",
    "word": "易错词",
}



def _finding(start: int, end: int, best, score_: float, rule: str, message: str) -> Finding:
    """One typo finding; the score, clipped to [0, 1], is its confidence."""
    conf = round(min(1.0, max(0.0, score_)), 3)
    return Finding(category="typo", severity="warning" if conf >= WARN_CONFIDENCE else "info", start=start,
                   end=end, text=best.orig,
                   suggestion=best.cand, rule=rule, message=message,
                   confidence=conf)

class TypoChecker:
    """Loaded once per process; `check` is pure and thread-safe (read-only resources)."""

    def __init__(self, res: TypoResources, threshold: float | None = None, vectorised: bool = True,
                 tables: VecTables | None = None) -> None:
        self.res = res
        # stage 1 for all new runs of a page in one numpy pass (typo_vec); the memoised per-position path
        # (typo_fast) stays for the second look after a correction and as the reference when vectorised=False
        self.tables = (tables or VecTables.build(res)) if vectorised else None
        self.threshold = float(threshold if threshold is not None else res.scorer.get("threshold", 0.9))
        self.model_id = f"typo-lm@{res.scorer.get('built', 'unknown')}"
        self.cache = LocalCache(res)  # memo keyed on local windows: identical outputs, repeated phrases free
        self._run_memo: dict[str, list[Finding]] = {}  # run -> findings at offset 0 (bounded, thread-safe)

    def clear_memo(self) -> None:
        """Forget memoised runs and windows (outputs never depend on them; used for cold speed figures)."""
        self._run_memo.clear()
        self.cache = LocalCache(self.res)

    def check(self, text: str) -> list[Finding]:
        """Findings (category 'typo'; severity 'warning', or 'info' below WARN_CONFIDENCE) for suspected wrong
        characters in `text`."""
        return self.check_with_status(text)[0]

    def check_with_status(self, text: str, max_chars: int | None = MAX_CHARS) -> tuple[list[Finding], bool]:
        """(findings, truncated): only the first `max_chars` characters are checked (≈ 10k chars/s per core,
        so a pathological 10 MB page cannot hold a worker for minutes); truncated says whether text was cut,
        so the caller can warn the user."""
        if not isinstance(text, str) or not text:
            return [], False
        truncated = max_chars is not None and len(text) > max_chars
        body = text[:max_chars] if truncated else text
        findings: list[Finding] = []
        runs = [(off, run) for off, run in cjk_runs(body) if len(run) >= 2]
        batch, where = None, {}
        if self.tables is not None:
            new = list(dict.fromkeys(run for _, run in runs if run not in self._run_memo))
            if sum(map(len, new)) >= VEC_MIN_CHARS:
                where = {run: k for k, run in enumerate(new)}
                batch = Batch(self.res, self.tables, new)
        for off, run in runs:
            found = self._run_memo.get(run)
            if found is None:  # a run's findings depend on the run alone: boilerplate repeats are free
                found = self._check_run(run, 0, batch, where.get(run))
                if len(self._run_memo) >= RUN_MEMO_MAX:
                    self._run_memo.clear()
                self._run_memo[run] = found
            findings.extend(f.model_copy(update={"start": f.start + off, "end": f.end + off}) for f in found)
        return findings, truncated

    def _check_run(self, run: str, off: int, batch: Batch | None = None, r: int | None = None
                   ) -> list[Finding]:
        """Score every position; then, with the flagged characters corrected, look again next to them.

        The second look finds a neighbour that was hidden because its own word was broken by the first error
        (二登奖 next to 一等奖 …); it only ever adds findings, at the same threshold.
        """
        res = self.res
        info = RunInfo(res, run) if batch is None or r is None else None
        first = (lambda i: batch.single(r, i)) if info is None else None
        out = self._scan(run, off, range(len(run)), info, run, first)
        if res.lin_pair is not None:
            pairs = (lambda i: batch.pairs(r, i)) if info is None else None
            out.extend(self._check_pairs(run, off, info, {f.start - off for f in out}, pairs))
        if out:
            fixed = list(run)
            for f in out:
                fixed[f.start - off : f.end - off] = list(f.suggestion or f.text)
            fixed_run = "".join(fixed)
            done = {p for f in out for p in range(f.start - off, f.end - off)}
            near = sorted({p for f in out for p in range(f.start - off - 3, f.end - off + 3)
                           if 0 <= p < len(run) and p not in done})
            if near:
                out.extend(self._scan(fixed_run, off, near, RunInfo(res, fixed_run), run))
                out.sort(key=lambda f: f.start)
        return out

    def _scan(self, run: str, off: int, positions, info: RunInfo | None, original: str, candidates=None
              ) -> list[Finding]:
        """Single-character findings at `positions` of `run` (which may carry earlier corrections);
        `candidates(i)` supplies precomputed stage-1 survivors, else the memoised per-position path runs."""
        res = self.res
        out: list[Finding] = []
        for i in positions:
            cands = candidates(i) if candidates is not None else self.cache.candidates(run, i, info)
            if not cands:
                continue
            best, best_s = None, 0.0
            for c in cands:
                s = score(res.lin, c.feats)
                if s > best_s:
                    best, best_s = c, s
            if best is None or best_s < self.threshold:
                continue
            if name_protected(res, original, i):
                continue
            a, b = best.span
            wrong_word = original[a:b]
            right_word = run[a:i] + best.cand + run[i + 1 : b]
            out.append(_finding(
                off + i, off + i + 1, best, best_s, f"typo.confusion_lm:{best.ctype}",
                f"疑似错别字（{TYPE_LABEL.get(best.ctype, '易混字')}）：'{wrong_word}' 应为 '{right_word}'"
                f"（'{best.orig}'→'{best.cand}'）",
            ))
        return out

    def _check_pairs(self, run: str, off: int, info: RunInfo | None, flagged: set[int], candidates=None
                     ) -> list[Finding]:
        """Whole-word homophone substitutions (时常→市场): both characters wrong, so single-character
        candidates cannot see them."""
        res = self.res
        out: list[Finding] = []
        i = 0
        while i < len(run) - 1:
            if i in flagged or i + 1 in flagged:
                i += 1
                continue
            best, best_s = None, 0.0
            pcs = candidates(i) if candidates is not None else self.cache.pair_candidates(run, i, info)
            for c in pcs:
                s = score(res.lin_pair, c.feats)
                if s > best_s:
                    best, best_s = c, s
            if best is None or best_s < res.pair_threshold or name_protected(res, run, i):
                i += 1
                continue
            out.append(_finding(off + i, off + i + 2, best, best_s, "typo.homophone_word",
                                f"疑似同音词误用：'{best.orig}' 应为 '{best.cand}'"))
            i += 2
        return out

    def __call__(self, doc: Document, ctx: object = None) -> Partial:
        """Pipeline-component form, so the layer can also run on its own."""
        return Partial(findings=self.check(doc.text))


def load(models_dir: Path) -> TypoChecker:
    """Load models/typo/ (built by `govlint train typo`); raises FileNotFoundError saying how to build it."""
    from nlp.wording.typo_cache import load_or_build

    d = Path(models_dir) / "typo"
    res = TypoResources.load(d)
    return TypoChecker(res, tables=load_or_build(res, d))
