"""Outdated institution names (warning) after the 2013, 2018 and 2023 reforms, with the current name.

A mention is fine when the text is about the time before the reform: a year <= the reform year nearby, the
document itself dated no later than the reform year, "原…" before the name, or a sentence about the reform
itself (组建/撤销/更名…). Names used as the start of a longer word (农业部门, 文化部署) are not institutions.
"""

from __future__ import annotations

import re

import ahocorasick_rs

from nlp.schema import Finding
from nlp.wording.common import MAX_FINDINGS, CueSet, finding, sentence_span, years_near
from nlp.wording.tables import Institution, Tables

_SESSION = re.compile(r"第[一二三四五六七八九十百\d]+次")  # 中央财经领导小组第十五次会议: a past session
_NOT_AFTER = set("门署分位件类属")  # 农业部门, 文化部署, 卫生部分 …
_FOREIGN_BEFORE = set("国本亚斯兰大度利西南坡非盟")  # 美国农业部, 日本文化部 … (中国 excepted)


class InstitutionChecker:
    def __init__(self, tables: Tables) -> None:
        self.by_old: dict[str, Institution] = {i.old: i for i in tables.institutions}
        current = {c for i in tables.institutions for c in i.current.split("/") if c}
        self._pats = sorted(set(self.by_old) | current)
        self._ac = ahocorasick_rs.AhoCorasick(self._pats, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self.reform = CueSet(tables.contexts.get("reform", ()))

    def check(self, text: str, doc_year: int | None) -> list[Finding]:
        out = []
        for idx, s, e in self._ac.find_matches_as_indexes(text)[:MAX_FINDINGS]:
            inst = self.by_old.get(self._pats[idx])
            if inst is None:
                continue  # a current name shadowing a substring
            if doc_year is not None and doc_year <= inst.year:
                continue
            if e < len(text) and text[e] in _NOT_AFTER:
                continue
            if s > 0 and text[s - 1] in _FOREIGN_BEFORE and text[max(0, s - 2):s] != "中国":
                continue
            if "原" in text[max(0, s - 3):s] or text[e:e + 2] in ("（现", "(现"):
                continue
            a, b = sentence_span(text, s, e)
            if self.reform.first(text[a:b]) or _SESSION.match(text, e) or any(y <= inst.year for y in years_near(text, s, e)):
                continue
            out.append(finding(
                "institution", "warning", s, e, text, rule=f"institution.outdated:{inst.old}",
                message=f"机构名称已过时：{inst.year}年机构改革后为“{inst.current}”（{inst.note}）；"
                        f"如指改革前的历史情况，请注明年份或写“原{inst.old}”",
                suggestion=inst.current, confidence=0.8))
        return out
