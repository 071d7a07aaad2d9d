"""Structural cues of the three genres (docs/domain.md): what a reader looks at before the wording.

Each cue is a regular expression over a scope of the body (head, tail or all) or over the title. The
vector feeds the linear model next to the character n-grams; the matched spans become the evidence shown
to users. Cues run on the body after a length-preserving traditional→simplified translation, so their
offsets index `Document.text` directly.

Speed: each regular expression is the *definition* of its cue (`cue_vector_reference` applies them one by
one), but scanning a 2,000-character page with ~30 of them costs ~0.4 ms in Python's `re`, most of it in
patterns whose alternatives start with different characters. `cue_scan` gives the same values from one
Aho-Corasick pass per scope (ahocorasick_rs, already a dependency) over the literals the cues are built
from: a cue that is an ordered alternation of literals (`lits`) is counted from the hits with the regex's
own leftmost-first, non-overlapping rule; a cue whose every match starts with one of `starts` runs its
regex only at those positions; `needs` skips a regex when a literal every match contains is absent.
tests/test_genre.py checks `cue_scan` against `cue_vector_reference` on generated pages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


_CN_NUM = "一二三四五六七八九十百零〇○"


@dataclass(frozen=True)
class Cue:
    name: str  # stable id, used in the model artifact and in evidence
    label: str  # what a reader calls it
    pattern: re.Pattern
    scope: str  # head | tail | all | lead | title
    binary: bool = False
    back: re.Pattern | None = None  # a match counts only if the 20 characters before it end with this
    # (two-stage search: scan for rare keywords, then check the context; much faster than one pattern)
    # --- fast path (speed only; `pattern` is the definition) ---
    lits: tuple[str, ...] = ()  # `pattern` is exactly this ordered alternation of literals
    starts: tuple[str, ...] = ()  # every match of `pattern` starts with one of these literals
    needs: tuple[tuple[str, ...], ...] = ()  # every match contains a literal of each group
    fallback: tuple[str, ...] = ()  # with `starts`: a match may start elsewhere only if one of these occurs
    line_starts: bool = False  # with `starts`: a match may also start at a line start
    year_back: bool = False  # with starts=("年",): a match starts 4 characters before the 年 and its spaces


def _c(p: str, flags: int = re.M) -> re.Pattern:
    return re.compile(p, flags)


_B = r"(?:^|(?<=[\s。；：！？!?]))"  # a boundary: line start or after sentence punctuation (pages may lose newlines)
_ENUM = rf"(?:[{_CN_NUM}]{{1,2}}、|[（(][{_CN_NUM}]{{1,2}}[)）]|\d{{1,2}}[、.．])"
_DATE = rf"(?:\d{{4}}|[{_CN_NUM}]{{4}})\s*年\s*[\d{_CN_NUM}]{{1,3}}\s*月\s*[\d{_CN_NUM}]{{1,3}}\s*日"
_ISSUERS = ("人民政府", "办公室", "办公厅", "局", "委员会", "管委会", "委", "厅", "中心", "领导小组", "指挥部")
_ISSUER = "(?:" + "|".join(_ISSUERS) + ")"
_HEADINGS = ("背景", "依据", "目的", "意义", "主要内容", "主要措施", "重点内容", "适用范围", "范围期限", "起草过程", "制定过程",
             "亮点", "创新点", "名词解释", "关键词", "政策措施", "实施时间", "有效期", "目标任务", "主要任务", "联系人", "注意事项")
_END_CHROME = r"\s*[）)]?\s*(?:[（(]此件[^)）\n]{0,12}[)）])?\s*(?:附件下载|附件[:：][^\n]{0,40})?\s*$"

CUES: tuple[Cue, ...] = (
    Cue("fileno_head", "文号 at the top", _c(r"(?<![（(\u4e00-\u9fff])[\u4e00-\u9fff]{1,12}\s*[〔\[［【]\s*(?:19|20)\d{2}\s*[〕\]］】]\s*第?\d{1,4}\s*号(?![)）])"), "head", True,
        needs=(("号",), ("〔", "[", "［", "【"))),
    Cue("fileno", "文号 cited", _c(r"[〔\[［【]\s*(?:19|20)\d{2}\s*[〕\]］】]\s*第?\d{1,4}\s*号"), "all", starts=("〔", "[", "［", "【")),
    Cue("addressee", "主送机关 line 各…：", _c(r"(?:^|(?<=[\s。；：！？!?号]))[^。：:\n，,；]{0,30}?(?:各|有关|市直|区直|县直|省直)[^。：:\n如]{0,60}[：:]"), "head", True,
        needs=(("各", "有关", "市直", "区直", "县直", "省直"), ("：", ":"))),
    Cue("articles", "第X条 articles", _c(rf"第[{_CN_NUM}]{{1,4}}条"), "all"),
    Cue("chapters", "第X章 chapters", _c(rf"第[{_CN_NUM}]{{1,3}}章"), "all"),
    Cue("ben_doc", "本办法/本规定…", _c(r"本(?:办法|规定|细则|条例|规则|意见|方案|通知|决定|制度|标准|公告|通告)"), "all"),
    Cue("effective", "自…起施行", _c(r"起[^\n。]{0,6}?(?:施行|执行|实施|生效)|有效期(?:为|至|自)"), "all", starts=("起", "有效期")),
    Cue("closing", "印发/特此通知 formula", _c(r"特此(?:通知|通告|公告|函|批复|通报)|(?:通知|通报|通告|公告|批复|答复|函告)如下|请(?:认真)?(?:贯彻执行|遵照执行|抓好落实|认真组织实施|结合实际)|印发给你们|现予(?:印发|公布)|此件(?:主动|依申请|不予)公开"), "all",
        lits=tuple("特此" + w for w in ("通知", "通告", "公告", "函", "批复", "通报"))
        + tuple(w + "如下" for w in ("通知", "通报", "通告", "公告", "批复", "答复", "函告"))
        + tuple("请" + a + w for a in ("认真", "") for w in ("贯彻执行", "遵照执行", "抓好落实", "认真组织实施", "结合实际"))
        + ("印发给你们", "现予印发", "现予公布") + tuple("此件" + w + "公开" for w in ("主动", "依申请", "不予"))),
    Cue("signoff_date", "落款 date at the end", _c(_DATE + _END_CHROME, 0), "tail", True, starts=("年",), year_back=True),
    Cue("issuer_line", "落款 issuing body", _c(_ISSUER + r"\s*" + _DATE + "|" + r"^[\u4e00-\u9fff（）()、 ]{2,40}" + _ISSUER + r"\s*$"), "tail",
        starts=_ISSUERS, line_starts=True),
    Cue("doc_quote_head", "《document》 in the lead", _c(r"《[^》\n]{4,80}》"), "head"),
    # head only: an interpretation announces itself in its lead; circulars that discuss 政策解读 work as a
    # topic (evaluation 通报) mention it all through the body
    Cue("jiedu_words", "解读 words in the lead", _c(r"解读|解答|答记者问|一图读懂|图解|读懂|政策问答|热点问答"), "head",
        lits=("解读", "解答", "答记者问", "一图读懂", "图解", "读懂", "政策问答", "热点问答")),
    Cue("jiedu_intro", "…解读如下/说明如下", _c(r"(?:解读|说明|解答)如下|起草说明|(?:现|特)(?:将|就)[^\n。]{0,40}(?:解读|说明|介绍)"), "all",
        starts=("解读如下", "说明如下", "解答如下", "起草说明", "现将", "现就", "特将", "特就")),
    Cue("interp_headings", "headings 出台背景/主要内容…", _c("|".join(_HEADINGS)), "all",
        back=_c(_ENUM + r"[^。，；：\n]{0,16}\Z"), lits=_HEADINGS),
    Cue("qa_lines", "问: 答: turns", _c(r"[问答QA]\s*\d{0,2}\s*[:：]"), "all", starts=("问", "答", "Q", "A")),
    Cue("questions", "questions ？", _c(r"？"), "all", lits=("？",)),  # full-width only: garbled pages are full of '?'

    Cue("news_lead", "dated news lead 近日/X月X日", _c(r"\A\s*(?:原标题[^\n]{0,60})?(?:近日|日前|近期|连日来|今年以来|昨日|昨天|今天|本报讯|[^\n]{0,12}讯\s*[（(]|[（(]?记者|\d{1,2}\s*月\s*\d{1,2}\s*日(?:[上下]午|晚|，|,|至|—|-|在|、))", 0), "lead", True),
    Cue("date_lead", "date in the lead", _c(r"\d{1,2}\s*月\s*\d{1,2}\s*日"), "lead", True),
    Cue("reporter", "记者/通讯员", _c(r"记者|通讯员|本报讯|融媒|责任编辑|编辑\s*[:：]|摄影|供稿|原标题|\d{1,2}月\d{1,2}日讯"), "all",
        starts=("记者", "通讯员", "本报讯", "融媒", "责任编辑", "编辑", "摄影", "供稿", "原标题"), fallback=("日讯",)),
    Cue("media_source", "来源: a newspaper or news site", _c(r"来源\s*[:：]\s*[^\s，。]{0,10}(?:网|报|日报|电视台|新闻|融媒|客户端|微信|公众号)"), "all"),
    Cue("byline_end", "(reporter) at the end", _c(r"[（(]\s*[\u4e00-\u9fff]{2,4}(?:[ 　、,，\s]+[\u4e00-\u9fff]{2,4}){0,3}\s*[)）]\s*\Z", 0), "tail", True),
    Cue("meeting", "meeting/visit reporting", _c(r"会议(?:指出|强调|要求|认为|提出|听取|审议)|会上|调研|座谈会|现场会|召开|举行|出席|主持|参加|表示|介绍"), "all",
        lits=tuple("会议" + w for w in ("指出", "强调", "要求", "认为", "提出", "听取", "审议"))
        + ("会上", "调研", "座谈会", "现场会", "召开", "举行", "出席", "主持", "参加", "表示", "介绍")),
    Cue("work_report", "一是…二是 work report", _c(r"[一二三四五]是"), "all", lits=tuple(c + "是" for c in "一二三四五")),
    Cue("we_city", "我市/我区 narration", _c(r"我(?:市|区|县|省|局)"), "all", lits=tuple("我" + c for c in "市区县省局")),
    Cue("press_conf", "新闻发布会", _c(r"新闻发布会|发布会"), "all", lits=("新闻发布会", "发布会")),
    Cue("annual_report", "年度报告", _c(r"年度报告|年报"), "all", lits=("年度报告", "年报")),
    Cue("publicity", "公示", _c(r"公示"), "all", lits=("公示",)),
    Cue("procurement", "采购/招标", _c(r"招标|采购|中标|成交|竞争性磋商|询价"), "all",
        lits=("招标", "采购", "中标", "成交", "竞争性磋商", "询价")),
    Cue("transcript", "实录 transcript", _c(r"实录|主持人\s*[:：]|发布人\s*[:：]"), "all", starts=("实录", "主持人", "发布人")),
    Cue("title_interp", "title: 解读/问答", _c(r"解读|答记者问|问答|图解|读懂|解答|说明"), "title", True),
    Cue("title_official", "title: 关于…的通知/意见/办法", _c(r"关于.{2,80}的(?:通知|意见|办法|决定|通报|批复|规定|方案|公告|通告|函|细则|实施意见|指导意见)$|(?:办法|规定|细则|条例|规则)(?:[（(]试行[）)])?$", 0), "title", True),
    Cue("title_news", "title: news headline", _c(r"召开|举行|开展|出台|推进|我市|我区|媒体报道|记者|走进|聚焦|[！!]|：|:"), "title", True),
)

STRUCT_NAMES: tuple[str, ...] = tuple(c.name for c in CUES) + ("log_len", "short_lines")
HEAD, TAIL, LEAD = 400, 300, 60


def _scope(body: str, scope: str) -> tuple[str, int]:
    """The slice a cue looks at and its offset in the body."""
    if scope == "head":
        return body[:HEAD], 0
    if scope == "lead":
        return body[:LEAD], 0
    if scope == "tail":
        start = max(0, len(body) - TAIL)
        return body[start:].rstrip(), start
    return body, 0


def _layout(body: str, out: np.ndarray) -> None:
    lines = [ln.strip() for ln in body.split("\n")]
    lines = [ln for ln in lines if ln]
    out[len(CUES)] = min(1.0, math.log1p(len(body)) / 10.0)
    out[len(CUES) + 1] = (sum(1 for ln in lines if len(ln) < 25) / len(lines)) if lines else 1.0


def _value(cue: Cue, n: int) -> float:
    return min(1.0, n) if cue.binary else min(3.0, math.log1p(n))


def cue_vector_reference(title: str | None, body: str) -> np.ndarray:
    """The cue values by definition: every cue's regular expression over its scope, one after another.
    `cue_vector` must equal this (tests/test_genre.py); it is kept as the readable specification."""
    title = (title or "").strip()
    out = np.zeros(len(STRUCT_NAMES), dtype=np.float32)
    for i, cue in enumerate(CUES):
        text = title if cue.scope == "title" else _scope(body, cue.scope)[0]
        if not text:
            continue
        if cue.back is not None:
            n = sum(1 for m in cue.pattern.finditer(text) if cue.back.search(text, max(0, m.start() - 20), m.start()))
            out[i] = _value(cue, n)
        elif cue.binary:
            out[i] = 1.0 if cue.pattern.search(text) else 0.0
        else:
            out[i] = _value(cue, len(cue.pattern.findall(text)))
    _layout(body, out)
    return out


# roles a literal plays for a cue in the per-scope automaton
_LIT, _START, _NEED, _FALLBACK = range(4)


class _Automaton:
    """One overlapping Aho-Corasick search over every literal the cues of one scope are keyed on."""

    def __init__(self, cues: list[tuple[int, Cue]]) -> None:
        from ahocorasick_rs import AhoCorasick, MatchKind

        roles: dict[str, list[tuple[int, int, int]]] = {}
        for i, cue in cues:
            if len(cue.lits) > 1 or cue.back is not None:
                for k, w in enumerate(cue.lits):
                    roles.setdefault(w, []).append((i, _LIT, k))
            for w in cue.starts:
                roles.setdefault(w, []).append((i, _START, 0))
            for g, group in enumerate(cue.needs):
                for w in group:
                    roles.setdefault(w, []).append((i, _NEED, g))
            for w in cue.fallback:
                roles.setdefault(w, []).append((i, _FALLBACK, 0))
        self.words = list(roles)
        self.roles = [tuple(roles[w]) for w in self.words]
        self.ac = AhoCorasick(self.words, matchkind=MatchKind.Standard) if self.words else None

    def hits(self, text: str) -> dict[int, list[tuple[int, int, int, int]]]:
        """cue index → [(role, start, key, end)] for every occurrence of its literals (overlaps included)."""
        out: dict[int, list[tuple[int, int, int, int]]] = {}
        if self.ac is None:
            return out
        roles = self.roles
        for pid, s, e in self.ac.find_matches_as_indexes(text, overlapping=True):
            for i, role, k in roles[pid]:
                if i in out:
                    out[i].append((role, s, k, e))
                else:
                    out[i] = [(role, s, k, e)]
        return out


@lru_cache(maxsize=1)
def _automata() -> dict[str, _Automaton]:
    fast = [(i, c) for i, c in enumerate(CUES) if c.lits or c.starts or c.needs]
    return {scope: _Automaton([(i, c) for i, c in fast if c.scope == scope]) for scope in ("all", "head", "tail")}


def _regex(cue: Cue, text: str, want_span: bool) -> tuple[int, tuple[int, int] | None]:
    """(count, first span) by the cue's own regular expression (count is 0/1 for binary cues)."""
    if cue.back is not None:
        n, first = 0, None
        for m in cue.pattern.finditer(text):
            b = cue.back.search(text, max(0, m.start() - 20), m.start())
            if b:
                n += 1
                if first is None:
                    first = (b.start(), m.end())
        return n, first
    if cue.binary or want_span:
        m = cue.pattern.search(text)
        if m is None:
            return 0, None
        if cue.binary:
            return 1, m.span()
        return len(cue.pattern.findall(text)), m.span()
    return len(cue.pattern.findall(text)), None


def _from_literals(cue: Cue, text: str, hits: list[tuple[int, int, int, int]]) -> tuple[int, tuple[int, int] | None]:
    """Leftmost-first, non-overlapping matches of the ordered literal alternation `cue.lits` — what
    `re` does for `a|b|c` — from all their occurrences: at each start the earliest-listed literal wins,
    and the scan resumes where it ended."""
    occ = sorted((s, k, e) for role, s, k, e in hits if role == _LIT)
    n, pos, first = 0, 0, None
    back = cue.back
    for s, _, e in occ:
        if s < pos:
            continue
        pos = e
        if back is not None:
            b = back.search(text, max(0, s - 20), s)
            if not b:
                continue
            span = (b.start(), e)
        else:
            span = (s, e)
        n += 1
        if first is None:
            first = span
            if cue.binary:
                break
    return n, first


def _from_starts(cue: Cue, text: str, hits: list[tuple[int, int, int, int]]) -> tuple[int, tuple[int, int] | None]:
    """The cue's regex tried only where a match can start, in order, resuming after each match (the
    same matches `finditer` finds, since no match starts anywhere else)."""
    cands = {s for role, s, k, e in hits if role == _START}
    if cue.year_back:  # (\d{4}|[一…]{4})\s*年: the match starts 4 characters before the spaces before 年
        moved = set()
        for q in cands:
            while q > 0 and text[q - 1].isspace():
                q -= 1
            if q >= 4:
                moved.add(q - 4)
        cands = moved
    if cue.line_starts:
        cands.add(0)
        j = text.find("\n")
        while j >= 0:
            cands.add(j + 1)
            j = text.find("\n", j + 1)
    n, pos, first = 0, 0, None
    match = cue.pattern.match
    for p in sorted(cands):
        if p < pos:
            continue
        m = match(text, p)
        if m is None:
            continue
        n += 1
        if first is None:
            first = m.span()
            if cue.binary:
                break
        pos = m.end() if m.end() > p else p + 1
    return n, first


def cue_scan(title: str | None, body: str) -> tuple[np.ndarray, dict[str, tuple[int, int, str]]]:
    """(Text already simplified.) The cue vector (equal to `cue_vector_reference`) and, for the cues found
    on the way, their first match (start, end, text) as `cue_spans(..., limit=1)` gives it."""
    title = (title or "").strip()
    out = np.zeros(len(STRUCT_NAMES), dtype=np.float32)
    first: dict[str, tuple[int, int, str]] = {}
    tail_start = max(0, len(body) - TAIL)
    scoped = {"all": (body, 0), "head": (body[:HEAD], 0), "tail": (body[tail_start:].rstrip(), tail_start)}
    autos = _automata()
    hits_by_scope: dict[str, dict] = {}
    for i, cue in enumerate(CUES):
        if cue.scope == "title":
            text, off = title, -1
        elif cue.scope in scoped:
            text, off = scoped[cue.scope]
        else:
            text, off = _scope(body, cue.scope)
        if not text:
            continue
        span = None
        if len(cue.lits) == 1 and cue.back is None:  # one literal: str.count is exactly re.findall
            n = text.count(cue.lits[0])
            if n:
                s = text.find(cue.lits[0])
                span = (s, s + len(cue.lits[0]))
        elif cue.lits or cue.starts or cue.needs:
            if cue.scope not in hits_by_scope:
                hits_by_scope[cue.scope] = autos[cue.scope].hits(text)
            hits = hits_by_scope[cue.scope].get(i, [])
            if cue.lits:
                n, span = _from_literals(cue, text, hits)
            elif cue.starts and not any(h[0] == _FALLBACK for h in hits):
                n, span = _from_starts(cue, text, hits)
            elif cue.needs and len({h[2] for h in hits if h[0] == _NEED}) < len(cue.needs):
                n = 0
            else:
                n, span = _regex(cue, text, False)
        else:
            n, span = _regex(cue, text, False)
        if n:
            out[i] = _value(cue, n)
            if span is not None:
                s, e = span
                first[cue.name] = (-1, -1, text[s:e]) if off < 0 else (off + s, off + e, text[s:e])
    _layout(body, out)
    return out, first


def cue_vector(title: str | None, body: str) -> np.ndarray:
    """(Text already simplified, see `to_simplified`.) Numeric cue values: log counts clipped at 3 (binary
    cues are 0/1), plus length and layout."""
    return cue_scan(title, body)[0]


def cue_spans(title: str | None, body: str, names: set[str] | None = None, limit: int = 2) -> dict[str, list[tuple[int, int, str]]]:
    """Where each cue matched (offsets into `body`, or -1 for the title), for evidence."""
    body_t = body
    title_t = title or ""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for cue in CUES:
        if names is not None and cue.name not in names:
            continue
        if cue.scope == "title":
            m = cue.pattern.search(title_t)
            if m:
                spans[cue.name] = [(-1, -1, m.group(0))]
            continue
        text, off = _scope(body_t, cue.scope)
        found = []
        for m in cue.pattern.finditer(text):
            if cue.back is not None:
                b = cue.back.search(text, max(0, m.start() - 20), m.start())
                if not b:
                    continue
                found.append((off + b.start(), off + m.end(), body[off + b.start(): off + m.end()]))
                if len(found) >= limit:
                    break
                continue
            found.append((off + m.start(), off + m.end(), body[off + m.start(): off + m.end()]))
            if len(found) >= limit:
                break
        if found:
            spans[cue.name] = found
    return spans


CUE_LABELS: dict[str, str] = {c.name: c.label for c in CUES} | {"log_len": "length", "short_lines": "share of short lines"}
