"""Sensitive content (serious): pornography, gambling, drugs, weapons, terrorism — context-aware.

Government pages name these topics mostly to fight them (打击赌博, 禁毒宣传), so a term is reported only when the
sentence has no enforcement cue, and `solicit` terms only when a selling/contact cue is near. A match that is
part of a more frequent word across its boundary (大麻|烦 → 麻烦) is skipped.
"""

from __future__ import annotations

import re

import ahocorasick_rs

from nlp.schema import Finding
from nlp.wording.common import MAX_FINDINGS, ASCII_LOWER, CueSet, WordFreq, finding, sentence_span
from nlp.wording.tables import SensitiveTerm, Tables

_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")
_SUB_TEXT = {"porn": "色情", "gambling": "赌博", "drugs": "毒品", "weapons": "涉枪涉爆", "terrorism": "暴恐"}


class SensitiveChecker:
    def __init__(self, tables: Tables, words: WordFreq) -> None:
        self.terms: dict[str, SensitiveTerm] = {t.term.translate(ASCII_LOWER): t for t in tables.sensitive}
        self._pats = sorted(self.terms)
        self._ac = ahocorasick_rs.AhoCorasick(self._pats, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self.enforcement = CueSet(tables.contexts.get("enforcement", ()))
        self.solicit = CueSet(tables.contexts.get("solicit", ()))
        self.contact = CueSet(tables.contexts.get("contact", ()))
        self.words = words

    def check(self, text: str, lowered: str) -> list[Finding]:
        out = []
        for idx, s, e in self._ac.find_matches_as_indexes(lowered)[:MAX_FINDINGS]:
            t = self.terms[self._pats[idx]]
            crossing = self.words.crosses(text, s, e)
            if crossing:
                continue
            a, b = sentence_span(text, s, e, max_len=60)
            # the clause around the term (打击赌博, 查获冰毒), at most a few words each side, not the paragraph
            ca = max(a, s - 12)
            m = _CLAUSE_END.search(text[ca:s][::-1])
            if m:
                ca = s - m.start()
            cb = min(b, e + 10)
            m = _CLAUSE_END.search(text, e, cb)
            if m:
                cb = m.start()
            cue = self.enforcement.first(text[ca:cb])
            if cue:
                continue
            if any(x in text[max(0, s - len(x)):e + len(x)] for x in t.exceptions):
                continue  # 工业大麻
            sol = None
            if t.mode == "solicit":
                # a selling cue in the same clause, or contact details in the next one (出售冰毒，加微…)
                sol = self.solicit.first(lowered[ca:cb])
                if not sol:
                    m = _CLAUSE_END.search(text, e, b)
                    nxt = lowered[m.end():b][:30] if m else ""
                    sol = self.contact.first(nxt) if nxt else None
                if not sol:
                    continue
            why = f"，且附近有招揽用语“{sol}”" if sol else ""
            out.append(finding(
                "sensitive", "serious", s, e, text, rule=f"sensitive.{t.sub}:{t.term}",
                message=f"涉及{_SUB_TEXT.get(t.sub, t.sub)}内容“{t.term}”{why}，句中无打击/禁止等语境（{t.reason}）",
                confidence=0.85 if sol else 0.75))
        return out
