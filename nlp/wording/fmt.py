"""Format checks (warning / info) and garbled-text findings.

- 发文字号 (GB/T 9704-2012 §7.2.5): year in 六角括号〔〕 written in full, no "第", no leading zero, ends with 号.
- Dates: impossible dates (2月30日); a 落款/metadata date later than the page's publication date; 成文日期
  after the publication date.
- Unbalanced 《》 (warning) and “” （） (info) within a paragraph.
- An interpretation dated before the document it interprets (ctx.options.related).
- Garbled text: ingestion's `mojibake` warnings become findings so editors see them next to the others.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from itertools import islice

from nlp.metadata import to_date
from nlp.schema import Document, Finding
from nlp.wording.common import MAX_FINDINGS, finding, year_of

# a 文号-like string: 机关代字 + bracketed year + optional 第 + number + optional 号
WENHAO_RE = re.compile(
    r"(?P<org>[\u4e00-\u9fa5]{1,12}?)"
    r"(?P<lb>[〔\[【（(［｛{﹝〖〈<])\s*(?P<year>\d{2,4})\s*(?P<rb>[〕\]】）)］｝}﹞〗〉>])"
    r"\s*(?P<di>第)?\s*(?P<num>\d{1,5})\s*(?P<hao>号)?")
# fast scan: the bracketed year and number only; the 机关代字 is then looked up backwards (WENHAO_RE at that spot)
_WENHAO_CORE = re.compile(
    r"[〔\[【（(［｛{﹝〖〈<]\s*\d{2,4}\s*[〕\]】）)］｝}﹞〗〉>]\s*第?\s*\d{1,5}")
_ORG_CHAR = re.compile(r"[^号和及与或的据照按依见为第于彻行《》“”、，。；：\s\W\d]")  # 机关代字 characters (CJK, no joiners)
_BRACKET_OK = ("〔", "〕")
_DI_OK = re.compile(r"(?:公告|令)$")  # 人民银行公告〔2020〕第18号 and 令 legitimately use 第
DATE_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_DATE_LINE = re.compile(r"^[ \t\u3000]*(?:(?:发布|成文|印发)?(?:时间|日期)[ \t]*[:：][ \t]*)?((?:19|20)\d{2}[ \t]*年[ \t]*\d{1,2}[ \t]*月[ \t]*\d{1,2}[ \t]*日)[ \t\u3000]*$", re.M)
_WEEKDAYS = "一二三四五六日"
_WEEKDAY = re.compile(r"\s*[（(]?\s*(?:星期|周|礼拜)([一二三四五六日天])\s*[）)]?")
_PAIRS = (("《", "》", "warning"), ("“", "”", "info"), ("（", "）", "info"))
MAX_SPAN = 300  # longest plausible 《title》 or quotation, in characters


_parse_date = to_date  # the project's one date parser (nlp.metadata), shared with the scan's delays


def wenhao_problems(m: re.Match, ref_year: int | None) -> list[tuple[str, str, str]]:
    """(rule, message, severity) for one 文号 match; empty when it is well-formed."""
    probs = []
    year = m.group("year")
    if (m.group("lb"), m.group("rb")) != _BRACKET_OK:
        probs.append(("bracket", f"发文字号年份应使用六角括号“〔〕”，不用“{m.group('lb')}{m.group('rb')}”", "warning"))
    if len(year) != 4:
        probs.append(("year_short", f"发文字号年份应写全称（如〔20{year[-2:]}〕），不应写“{year}”", "warning"))
    elif not 1949 <= int(year) <= dt.date.today().year + 1:
        probs.append(("year_range", f"发文字号年份{year}不合理（晚于今年或早于1949年）", "warning"))
    elif ref_year and int(year) > ref_year + 1:  # page dates are often mis-extracted: only a hint
        probs.append(("year_after_page", f"发文字号年份{year}晚于页面日期年份{ref_year}", "info"))
    if m.group("di") and not _DI_OK.search(m.group("org")):
        probs.append(("di", "发文顺序号前不加“第”字", "warning"))
    if m.group("num").startswith("0"):
        probs.append(("leading_zero", f"发文顺序号不编虚位（{m.group('num')}应为{int(m.group('num'))}）", "warning"))
    if not m.group("hao"):
        probs.append(("no_hao", "发文顺序号后应加“号”字", "info"))
    return probs


def _wenhao_suggestion(m: re.Match) -> str:
    year = m.group("year")
    if len(year) == 2:
        year = "20" + year
    return f"{m.group('org')}〔{year}〕{int(m.group('num'))}号"


def _wenhao_finding(text: str, s: int, e: int, m: re.Match, probs, shown: str, where: str) -> Finding:
    sev = "warning" if any(p[2] == "warning" for p in probs) else "info"
    rules = "+".join(p[0] for p in probs)
    msg = "；".join(p[1] for p in probs)
    return finding("format", sev, s, e, text, rule=f"format.wenhao.{rules}:{shown}",
                   message=f"发文字号格式错误：{msg}（{where}GB/T 9704-2012 §7.2.5）", suggestion=_wenhao_suggestion(m),
                   confidence=0.9)


def check_wenhao(text: str, doc: Document) -> list[Finding]:
    out = []
    ref_year = year_of(doc.published) or year_of(doc.written)
    seen: list[tuple[int, int]] = []
    for core in islice(_WENHAO_CORE.finditer(text), MAX_FINDINGS):
        b = core.start()
        a = b
        while a > 0 and b - a < 12 and _ORG_CHAR.match(text[a - 1]) and "\u4e00" <= text[a - 1] <= "\u9fa5":
            a -= 1
        if a == b:
            continue  # no 机关代字 before the bracket: a year in parentheses, not a 文号
        m = WENHAO_RE.match(text, a)
        if not m:
            continue
        if m.group("lb") in "(（<〈" and not m.group("hao"):
            continue  # "(2023)12" without 号 is not a 文号
        probs = wenhao_problems(m, ref_year)
        if probs:
            out.append(_wenhao_finding(text, a, m.end(), m, probs, m.group(0), ""))
            seen.append((a, m.end()))
    if doc.fileno:
        m = WENHAO_RE.search(doc.fileno)
        if m:
            probs = wenhao_problems(m, ref_year)
            at = text.find(doc.fileno)
            if probs and (at < 0 or not any(a < at + len(doc.fileno) and at < b for a, b in seen)):
                s, e = (at, at + len(doc.fileno)) if at >= 0 else (0, 0)
                f = _wenhao_finding(text, s, e, m, probs, doc.fileno, f"元数据“发文字号”：{doc.fileno}；")
                out.append(f if at >= 0 else f.model_copy(update={"text": doc.fileno}))
    return out


def check_dates(text: str, doc: Document, related: Document | None) -> list[Finding]:
    out = []
    published = _parse_date(doc.published)
    if "年" in text:
        for m in islice(DATE_RE.finditer(text), MAX_FINDINGS):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            if not 1 <= mo <= 12 or not 1 <= d <= calendar.monthrange(y, mo)[1]:
                out.append(finding("format", "warning", m.start(), m.end(), text, rule=f"format.date.impossible:{m.group(0)}",
                                   message=f"日期不存在：{y}年{mo}月没有{d}日" if 1 <= mo <= 12 else f"日期不存在：月份{mo}",
                                   confidence=0.95))
                continue
            wm = _WEEKDAY.match(text, m.end())
            if wm:
                said = _WEEKDAYS.index(wm.group(1).replace("天", "日"))
                real = dt.date(y, mo, d).weekday()
                if said != real:
                    out.append(finding("format", "warning", m.start(), wm.end(), text, rule=f"format.date.weekday:{m.group(0)}",
                                       message=f"星期不符：{y}年{mo}月{d}日是星期{_WEEKDAYS[real]}，不是星期{wm.group(1)}",
                                       suggestion=f"{m.group(0)}（星期{_WEEKDAYS[real]}）", confidence=0.95))
        # a date standing alone on its line (落款 / 发布时间) later than the publication date or than today
        limit = published or dt.date.today()
        what = f"页面发布日期{published.isoformat()}" if published else f"今天（{limit.isoformat()}）"
        for lm in _DATE_LINE.finditer(text):
            dm = DATE_RE.search(lm.group(1))
            try:
                d = dt.date(int(dm.group("y")), int(dm.group("m")), int(dm.group("d")))
            except ValueError:
                d = None
            if d and d > limit:
                out.append(finding("format", "warning", lm.start(1), lm.end(1), text,
                                   rule="format.date.after_publication" if published else "format.date.future",
                                   message=f"落款/发布日期{d.isoformat()}晚于{what}", confidence=0.7))
    written = _parse_date(doc.written)
    if written and published and written > published:  # info: extracted dates are sometimes wrong
        out.append(finding("format", "info", 0, 0, text, rule="format.date.written_after_published",
                           message=f"成文日期{written.isoformat()}晚于发布日期{published.isoformat()}", confidence=0.7))
    if published and published > dt.date.today() + dt.timedelta(days=1):
        out.append(finding("format", "warning", 0, 0, text, rule="format.date.published_in_future",
                           message=f"发布日期{published.isoformat()}是未来日期", confidence=0.8))
    fm = WENHAO_RE.search(doc.fileno or "")
    if fm and written and len(fm.group("year")) == 4 and int(fm.group("year")) > written.year:
        out.append(finding("format", "warning", 0, 0, text, rule="format.wenhao.year_after_written",
                           message=f"发文字号年份{fm.group('year')}晚于成文日期{written.isoformat()}", confidence=0.8))
    if related is not None and published:
        rel = _parse_date(related.written) or _parse_date(related.published)
        if rel and published < rel:
            out.append(finding("format", "warning", 0, 0, text, rule="format.date.interpretation_before_document",
                               message=f"解读发布日期{published.isoformat()}早于所解读文件的日期{rel.isoformat()}"
                                       f"（{related.title or related.id or '关联文件'}）：解读不应早于文件",
                               confidence=0.9))
    return out


def check_brackets(text: str) -> list[Finding]:
    """Unmatched 《》 (warning) and “” （） (info), matched over the whole text.

    Crawled text often breaks a long title or quote across lines, so pairs may span paragraphs; an opening mark
    still open after MAX_SPAN characters, or a closing mark with nothing open, is reported.
    """
    out = []
    if not any(c in text for c in "《》“”（）"):
        return out
    for lch, rch, sev in _PAIRS:
        if lch not in text and rch not in text:
            continue
        stack: list[int] = []
        bad: list[int] = []
        for mm in re.finditer(f"[{lch}{rch}]", text):
            i, c = mm.start(), mm.group(0)
            if c == lch:
                while stack and i - stack[-1] > MAX_SPAN:
                    bad.append(stack.pop(0))
                stack.append(i)
            elif stack:
                stack.pop()
            else:
                bad.append(i)
        bad.extend(stack)
        for i in sorted(bad)[:MAX_FINDINGS]:
            ch = text[i]
            msg = f"“{ch}”没有对应的“{rch}”" if ch == lch else f"“{ch}”没有对应的“{lch}”"
            out.append(finding("format", sev, i, i + 1, text, rule=f"format.unbalanced:{ch}", message=msg, confidence=0.7))
    return out


def garbled(doc: Document) -> list[Finding]:
    """Ingestion warnings as findings: mojibake → garbled; hidden_spam/hidden_links (HTML) → spam."""
    out = []
    n = len(doc.text)
    for w in doc.warnings:
        if w.code in ("hidden_spam", "hidden_links"):  # from nlp.wording.hidden via ingestion
            out.append(finding("spam", "serious" if w.code == "hidden_spam" else "warning", 0, 0, doc.text,
                               rule=f"spam.{w.code}", message=w.message, confidence=0.9))
            continue
        if w.code != "mojibake":
            continue
        s = w.start if w.start is not None and 0 <= w.start <= n else 0
        e = w.end if w.end is not None and s <= w.end <= n else s
        out.append(finding("garbled", "warning", s, e, doc.text, rule="garbled.mojibake",
                           message=f"乱码或转换错误：{w.message}", confidence=0.9))
    return out
