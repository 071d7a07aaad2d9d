"""Small pure helpers shared by the wording rules: findings, sentence windows, cue lookup, word boundaries."""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick_rs

from nlp.schema import Finding

_SENT_END = re.compile(r"[。！？!?；;\n]")
ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})  # length-preserving lower()
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?=年|\s*[-./]|\D)")


def finding(category: str, severity: str, start: int, end: int, text: str, rule: str, message: str,
            suggestion: str | None = None, confidence: float = 1.0) -> Finding:
    return Finding(category=category, severity=severity, start=start, end=end, text=text[start:end],
                   suggestion=suggestion, rule=rule, message=message, confidence=round(confidence, 3))


def sentence_span(text: str, start: int, end: int, max_len: int = 160) -> tuple[int, int]:
    """The sentence around [start, end) (bounded to max_len chars each side, so huge lines stay cheap)."""
    lo = max(0, start - max_len)
    s = start
    while s > lo and not _SENT_END.match(text[s - 1]):
        s -= 1
    hi = min(len(text), end + max_len)
    e = end
    while e < hi and not _SENT_END.match(text[e]):
        e += 1
    return s, e


class CueSet:
    """Fast 'does this window contain any cue word' (Aho-Corasick over the cue list)."""

    def __init__(self, cues: Iterable[str]) -> None:
        self.cues = sorted(set(cues))
        self._ac = ahocorasick_rs.AhoCorasick(self.cues) if self.cues else None

    def first(self, text: str) -> str | None:
        if self._ac is None:
            return None
        m = self._ac.find_matches_as_strings(text)
        return m[0] if m else None


class WordFreq:
    """Two-character word frequencies (from the pycorrector lexicon) for jieba-like boundary decisions."""

    def __init__(self, freq: dict[str, int]) -> None:
        self.freq = freq

    def get(self, w: str) -> int:
        return self.freq.get(w, 0)

    def crosses(self, text: str, start: int, end: int, own: int | None = None) -> str | None:
        """A word straddling the start or end of the match that outweighs the match itself (大麻|烦 → 麻烦).

        Returns that word or None. `own` is the match's own frequency (default: its frequency as a word).
        """
        term = text[start:end]
        own = self.get(term) if own is None else own
        if start > 0:
            w = text[start - 1:start + 1]
            if self.get(w) > max(own, 50):
                return w
        if end < len(text):
            w = text[end - 1:end + 1]
            if self.get(w) > max(own, 50):
                return w
        return None


def years_near(text: str, start: int, end: int, radius: int = 80) -> list[int]:
    window = text[max(0, start - radius):min(len(text), end + radius)]
    return [int(m.group(1)) for m in YEAR_RE.finditer(window)]


_YEAR_NIAN = re.compile(r"(?<!\d)((?:19[4-9]|20[0-9])\d)\s*年")


def latest_year(text: str) -> int | None:
    """The latest year written as 'YYYY年' in the text: a stand-in for an undated document's date (a page that
    never mentions a year after 2017 most likely predates the 2018 reform)."""
    years = [int(y) for y in _YEAR_NIAN.findall(text)]
    return max(years) if years else None


def year_of(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


MAX_FINDINGS = 1000  # per document; a page with more is broken or spam, and the report must stay readable


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: drop exact duplicates and findings inside a longer one of higher rank.

    Rank: serious > warning > info, then political > spam > sensitive > institution > format > typo > garbled.
    Works cluster by cluster (findings whose spans overlap), so it stays linear on pages with many findings.
    """
    sev = {"serious": 0, "warning": 1, "info": 2}
    cat = {"political": 0, "spam": 1, "sensitive": 2, "institution": 3, "format": 4, "typo": 5, "garbled": 6}
    rank = lambda f: (sev.get(f.severity, 3), cat.get(f.category, 7), -(f.end - f.start))  # noqa: E731
    kept: list[Finding] = []
    seen_empty: set[tuple] = set()
    spans = []
    for f in findings:
        if f.end <= f.start:  # positionless (metadata, title): only exact duplicates are dropped
            key = (f.start, f.rule, f.message)
            if key not in seen_empty:
                seen_empty.add(key)
                kept.append(f)
        else:
            spans.append(f)
    spans.sort(key=lambda f: f.start)
    i = 0
    while i < len(spans):
        j, end = i, spans[i].end
        while j + 1 < len(spans) and spans[j + 1].start < end:
            j += 1
            end = max(end, spans[j].end)
        cluster = sorted(spans[i:j + 1], key=rank)
        i = j + 1
        chosen: list[Finding] = []
        for f in cluster:
            clash = False
            for k in chosen:
                if k.start < f.end and f.start < k.end and (
                        f.category == k.category or f.category in ("typo", "garbled") or k.start <= f.start and f.end <= k.end):
                    clash = True
                    break
            if not clash:
                chosen.append(f)
        kept.extend(chosen)
    if len(kept) > MAX_FINDINGS:
        kept = sorted(kept, key=rank)[:MAX_FINDINGS]
    kept.sort(key=lambda f: (f.start, f.end, f.category))
    return kept
