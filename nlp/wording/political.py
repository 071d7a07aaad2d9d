"""Political wording (serious): near-misses of protected names and formulations, wrong→right rules, leader order
in lists, the order of the 12 core socialist values, and 中华民国 outside a historical context.
"""

from __future__ import annotations

import re
from itertools import islice

import ahocorasick_rs

from nlp.schema import Finding
from nlp.wording.common import MAX_FINDINGS, CueSet, WordFreq, finding, sentence_span, years_near
from nlp.wording.nearmiss import NearMissIndex
from nlp.wording.tables import Rule, Tables

PSC_ORDER = ("习近平", "李强", "赵乐际", "王沪宁", "蔡奇", "丁薛祥", "李希")  # 20th CPC PSC protocol order
PSC_20_ONLY = {"李强", "蔡奇", "丁薛祥", "李希"}
PSC_19_ONLY = ("李克强", "栗战书", "汪洋", "韩正")
_PSC_RE = re.compile("|".join(PSC_ORDER))
_LIST_GAP = re.compile(r"^(?:同志)?[、，,\s和及与]{1,3}$")
CORE_VALUES = ("富强", "民主", "文明", "和谐", "自由", "平等", "公正", "法治", "爱国", "敬业", "诚信", "友善")
_CV = "|".join(CORE_VALUES)
_CV_RE = re.compile(rf"(?:{_CV})(?:[、，,\s]{{1,2}}(?:{_CV})){{5,}}")
_CV_ITEM = re.compile(_CV)
_ROC = "中华民国"
_OP_TEXT = {"sub_pinyin": "同音/近音字", "sub_shape": "形近字", "del": "漏字", "ins": "多字"}
_CONF = {"sub_pinyin": 0.9, "sub_shape": 0.85, "del": 0.85, "ins": 0.8}
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _trigger(pattern: str) -> str:
    """A literal every match must contain (a cheap `in` test before running the regex)."""
    body = re.sub(r"\[[^\]]*\]", "", pattern)
    body = re.sub(r"\(\?<?[!=][^)]*\)", "", body)
    depth = 0
    out: list[str] = []
    cur = ""
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if depth == 0 and "\u4e00" <= ch <= "\u9fff":
            cur += ch
        else:
            if cur:
                out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return max(out, key=len) if out else ""


class PoliticalChecker:
    def __init__(self, tables: Tables, nearmiss: NearMissIndex, words: WordFreq) -> None:
        self.nearmiss = nearmiss
        self.words = words
        self.historical = CueSet(tables.contexts.get("historical", ()))
        self.literal_rules: dict[str, Rule] = {}
        self.regex_rules: list[tuple[str, re.Pattern, Rule]] = []
        for r in tables.rules:
            if r.is_regex:
                self.regex_rules.append((_trigger(r.pattern[3:]), re.compile(r.pattern[3:]), r))
            else:
                self.literal_rules[r.pattern] = r
        pats = sorted(self.literal_rules)
        self._lit_pats = pats
        self._lit_ac = ahocorasick_rs.AhoCorasick(pats, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest) if pats else None

    def check(self, text: str) -> list[Finding]:
        out: list[Finding] = []
        out.extend(self._near_misses(text))
        out.extend(self._rules(text))
        if _ROC in text:
            out.extend(self._roc(text))
        if "富强" in text or "友善" in text:
            out.extend(self._core_values(text))
        out.extend(self._leader_order(text))
        return out

    def _near_misses(self, text: str) -> list[Finding]:
        out = []
        for h in self.nearmiss.find(text):
            p = h.term
            if h.op == "del" and (h.pos == 1 or h.pos == len(p.term) - 2):
                # 健全|人民代表大会: a char left alone at the edge glued to its neighbour, the rest a real term
                edge = text[h.start - 1:h.start + 1] if h.pos == 1 and h.start > 0 else text[h.end - 1:h.end + 1]
                if self.words.get(edge) >= 50:
                    continue
            if p.kind == "leader_name" and h.op.startswith("sub"):
                # a bare name variant whose first/last char forms a common word with its neighbour
                # (开往沪宁) is not a name
                crossing = self.words.crosses(text, h.start, h.end, own=0)
                if crossing and self.words.get(crossing) >= 200:
                    continue
            op = _OP_TEXT.get(h.op, h.op)
            out.append(finding(
                "political", "serious", h.start, h.end, text,
                rule=f"political.near_miss:{p.id}:{p.term}",
                message=f"疑似错写受保护表述“{p.term}”（{op}：{h.detail}）；{p.kind} — {p.source}",
                suggestion=p.term, confidence=_CONF.get(h.op, 0.8)))
        return out

    def _rules(self, text: str) -> list[Finding]:
        out = []
        if self._lit_ac is not None:
            for idx, s, e in self._lit_ac.find_matches_as_indexes(text)[:MAX_FINDINGS]:
                r = self.literal_rules[self._lit_pats[idx]]
                out.append(self._rule_finding(r, text, s, e))
        for trig, rx, r in self.regex_rules:
            if trig and trig not in text:
                continue
            for m in islice(rx.finditer(text), MAX_FINDINGS):
                if m.end() > m.start():
                    out.append(self._rule_finding(r, text, m.start(), m.end()))
        return out

    @staticmethod
    def _rule_finding(r: Rule, text: str, s: int, e: int) -> Finding:
        return finding(r.category, r.severity, s, e, text, rule=f"political.rule:{r.id}:{text[s:e]}",
                       message=f"{r.message}（依据：{r.source}）", suggestion=r.suggestion or None, confidence=0.95)

    def _roc(self, text: str) -> list[Finding]:
        out = []
        start = 0
        while True:
            s = text.find(_ROC, start)
            if s < 0:
                break
            e = s + len(_ROC)
            start = e
            a, b = sentence_span(text, s, e)
            window = text[max(0, s - 120):min(len(text), e + 120)]
            if self.historical.first(text[a:b]) or self.historical.first(window) or any(y <= 1949 for y in years_near(text, s, e, 120)):
                continue
            out.append(finding("political", "serious", s, e, text, rule="political.taiwan:中华民国",
                               message="涉台表述：除历史语境外不得使用“中华民国”（新华社禁用词和慎用词 2016）",
                               suggestion="台湾地区/台湾当局", confidence=0.8))
        return out

    @staticmethod
    def _core_values(text: str) -> list[Finding]:
        out = []
        for m in _CV_RE.finditer(text):
            items = [x.group(0) for x in _CV_ITEM.finditer(m.group(0))]
            ranks = [CORE_VALUES.index(x) for x in items]
            if ranks != sorted(ranks) or len(set(ranks)) != len(ranks):
                out.append(finding("political", "serious", m.start(), m.end(), text,
                                   rule="political.core_values_order",
                                   message="社会主义核心价值观顺序或用字有误：应为“富强、民主、文明、和谐，自由、平等、公正、法治，爱国、敬业、诚信、友善”",
                                   suggestion="富强、民主、文明、和谐，自由、平等、公正、法治，爱国、敬业、诚信、友善",
                                   confidence=0.9))
        return out

    @staticmethod
    def _leader_order(text: str) -> list[Finding]:
        ms = list(_PSC_RE.finditer(text)) if "、" in text else []
        out = []
        i = 0
        while i < len(ms):
            j = i
            while j + 1 < len(ms) and _LIST_GAP.match(text[ms[j].end():ms[j + 1].start()] or "x"):
                j += 1
            group = ms[i:j + 1]
            i = j + 1
            names = [m.group(0) for m in group]
            if len(names) < 3 or not (set(names) & PSC_20_ONLY):
                continue
            s, e = group[0].start(), group[-1].end()
            ctx = text[max(0, s - 200):min(len(text), e + 200)]
            if any(n in ctx for n in PSC_19_ONLY):
                continue
            ranks = [PSC_ORDER.index(n) for n in names]
            if ranks != sorted(ranks):
                right = "、".join(sorted(set(names), key=PSC_ORDER.index))
                out.append(finding("political", "serious", s, e, text, rule="political.leader_order",
                                   message=f"领导人排序有误：二十届中央政治局常委排序为{'、'.join(PSC_ORDER)}",
                                   suggestion=right, confidence=0.9))
        return out
