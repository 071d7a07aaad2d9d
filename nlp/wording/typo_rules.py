"""Rule-based typos (warning): known 公文 misspellings (布署→部署) and accidental duplication (的的).

Reduplication is normal Chinese (常常, 研究研究, 人人), so only function characters that are never doubled are
checked, and a double that is just two words meeting (针对|对象, 研究所|所长) is skipped using word frequencies.
"""

from __future__ import annotations

import re
from itertools import islice

import ahocorasick_rs

from nlp.schema import Finding
from nlp.wording.common import MAX_FINDINGS, WordFreq, finding
from nlp.wording.tables import Tables

DOUBLE_CHARS = "的了是在和与及对把被将并从于为就也都而或以其之向"
_DOUBLE = re.compile(rf"([{DOUBLE_CHARS}])\1")
_DOUBLE_OK = ("的的确确", "不了了之", "是是非非", "和和美美", "和和气气", "了了分明")
_WORD_DOUBLE = re.compile(
    r"(我们|他们|进一步|加强|推进|工作|发展|建设|全面|以及|并且|但是|因为|所以|如果|虽然|可以|已经|进行|通过|根据|按照|关于|要求|实施|落实)\1")


class TypoRules:
    def __init__(self, tables: Tables, words: WordFreq, edge_words: set[str] | None = None) -> None:
        self.edge_words = edge_words or set()
        self.miss = {m.wrong: m for m in tables.misspellings}
        self._pats = sorted(self.miss)
        self._ac = ahocorasick_rs.AhoCorasick(self._pats, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self.words = words

    def check(self, text: str) -> list[Finding]:
        out = []
        for idx, s, e in self._ac.find_matches_as_indexes(text)[:MAX_FINDINGS]:
            m = self.miss[self._pats[idx]]
            out.append(finding("typo", "warning", s, e, text, rule=f"typo.misspelling:{m.wrong}",
                               message=f"常见错别字：“{m.wrong}”应为“{m.right}”（{m.source}）",
                               suggestion=m.right, confidence=0.95))
        for mt in islice(_DOUBLE.finditer(text), MAX_FINDINGS):
            s, e = mt.start(), mt.end()
            ch = mt.group(1)
            around = text[max(0, s - 2):e + 2]
            if any(ok in around for ok in _DOUBLE_OK):
                continue
            # two words meeting (目的|的, 针对|对象, 为了|了解, 研究所|所长) is not a duplication
            left = text[s - 1:s + 1] if s > 0 else ""
            right = text[s + 1:s + 3]
            if self.words.get(left) >= 30 or self.words.get(right) >= 30:
                continue
            ew = self.edge_words
            if text[max(0, s - 3):s + 1] in ew or text[max(0, s - 2):s + 1] in ew or text[s + 1:s + 4] in ew or text[s + 1:s + 5] in ew:
                continue
            out.append(finding("typo", "warning", s, e, text, rule=f"typo.duplicate_char:{ch}{ch}",
                               message=f"疑似重复字“{ch}{ch}”", suggestion=ch, confidence=0.85))
        for mt in islice(_WORD_DOUBLE.finditer(text), MAX_FINDINGS):
            w = mt.group(1)
            out.append(finding("typo", "warning", mt.start(), mt.end(), text, rule=f"typo.duplicate_word:{w}",
                               message=f"疑似重复词“{w}{w}”", suggestion=w, confidence=0.85))
        return out
