"""Large external lists on request (ctx.options.extra["lexicons"]) and allow lists (ctx.options.extra["allow"]).

File format (UTF-8): one term per line, optionally TAB-separated columns term, category, severity,
suggestion, note; "#" starts a comment. Defaults: category `sensitive`, severity `warning` — external lists
(houbb, konsheng) flag many clean government sentences, so their hits are never `serious` unless the file says
so. Matches crossing a more frequent word boundary are skipped, and every hit names its file and line.
Compiled automata are cached per (path, size, mtime), so a changed file is reloaded on the next request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs

from nlp.schema import Finding
from nlp.wording.common import ASCII_LOWER, WordFreq, finding

_CATS = {"political", "institution", "sensitive", "spam", "typo", "format", "garbled", "other"}
_SEVS = {"serious", "warning", "info"}
_LOCK = threading.Lock()
_CACHE: dict[tuple[str, int, float], "ExtraLexicon"] = {}


@dataclass(frozen=True)
class Entry:
    term: str
    category: str
    severity: str
    suggestion: str | None
    note: str
    line: int


class ExtraLexicon:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Entry] = {}
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            for n, ln in enumerate(fh, 1):
                ln = ln.rstrip("\r\n")
                if not ln.strip() or ln.lstrip().startswith("#"):
                    continue
                cols = [c.strip() for c in ln.split("\t")]
                term = cols[0].translate(ASCII_LOWER)
                if not term or term in self.entries:
                    continue
                cat = cols[1] if len(cols) > 1 and cols[1] in _CATS else "sensitive"
                sev = cols[2] if len(cols) > 2 and cols[2] in _SEVS else "warning"
                sug = cols[3] if len(cols) > 3 and cols[3] else None
                note = cols[4] if len(cols) > 4 else ""
                self.entries[term] = Entry(term, cat, sev, sug, note, n)
        self._pats = sorted(self.entries)
        self._ac = (ahocorasick_rs.AhoCorasick(self._pats, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                              implementation=ahocorasick_rs.Implementation.ContiguousNFA)
                    if self._pats else None)  # ContiguousNFA: fastest build for 100k-term lists

    def spans(self, lowered: str) -> list[tuple[int, int, Entry]]:
        if self._ac is None:
            return []
        return [(s, e, self.entries[self._pats[i]]) for i, s, e in self._ac.find_matches_as_indexes(lowered)]

    def check(self, text: str, lowered: str, words: WordFreq) -> list[Finding]:
        out = []
        for s, e, ent in self.spans(lowered):
            if e - s <= 3 and words.crosses(text, s, e):
                continue
            note = f"；{ent.note}" if ent.note else ""
            out.append(finding(ent.category, ent.severity, s, e, text, rule=f"extra:{self.path.name}:{ent.line}:{ent.term}",
                               message=f"命中外部词表 {self.path.name} 第{ent.line}行“{ent.term}”{note}",
                               suggestion=ent.suggestion, confidence=0.6))
        return out


def get_lexicon(path: str | Path) -> ExtraLexicon:
    """Load (or reuse) a lexicon file; raises OSError with the path when it cannot be read."""
    p = Path(path)
    st = p.stat()
    key = (str(p.resolve()), st.st_size, st.st_mtime)
    with _LOCK:
        lex = _CACHE.get(key)
        if lex is None:
            lex = ExtraLexicon(p)
            if len(_CACHE) > 16:
                _CACHE.clear()
            _CACHE[key] = lex
        return lex


def allowed_spans(lowered: str, allow: list[ExtraLexicon]) -> list[tuple[int, int, str]]:
    return [(s, e, ent.term) for lex in allow for s, e, ent in lex.spans(lowered)]


def apply_allow(findings: list[Finding], spans: list[tuple[int, int, str]]) -> list[Finding]:
    """Drop findings inside an allowed occurrence, or whose rule fired on exactly an allowed term."""
    if not spans:
        return findings
    terms = {t for _, _, t in spans}
    out = []
    for f in findings:
        if any(a <= f.start and f.end <= b and f.end > f.start for a, b, _ in spans):
            continue
        if f.rule.rsplit(":", 1)[-1].translate(ASCII_LOWER) in terms:
            continue
        out.append(f)
    return out
