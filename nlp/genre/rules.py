"""Out-of-scope pages → `other`, decided by explicit rules before the model.

The corpus has only nine `other` pages of unrelated kinds, too few for a model to learn the class; the
kinds themselves are easy to recognise by form (annual report, 公示, procurement notice, transcript, a list,
no text). A rule states which form it saw, so the label is always explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.genre.text import cjk_count

MIN_CJK = 40  # below this (title excluded) the page has no real text (image-only, video, empty template)


@dataclass(frozen=True)
class RuleHit:
    rule: str
    message: str
    start: int = -1  # offset in the body, -1 when the title matched
    end: int = -1


_ANNUAL = re.compile(r"(?:政府信息公开|政务公开)[^\n。]{0,10}(?:工作)?年度报告|\d{4}\s*年度?[^\n。]{0,30}(?:工作)?年度报告")
_PROCURE = re.compile(r"(?:招标|采购|中标|成交|比选|磋商|询价|遴选)[^\n。]{0,12}(?:公告|结果|公示|文件|邀请)")
_PUBLICITY_TITLE = re.compile(r"公示(?:[（(][^)）]*[)）])?\s*$|的公示|公示名单|拟[^\n]{0,30}公示")
_PUBLICITY_HEAD = re.compile(r"(?:现|特)(?:将|予|予以)[^\n。]{0,40}(?:予以)?公示|公示期(?:为|自|：|:)|公示时间")
_TRANSCRIPT_TITLE = re.compile(r"实录|文字直播|图文直播")
_LIST_GUARD = re.compile(r"《|解读|图解|通知|决定|意见|办法|[：:]\s*$|〔\d{4}〕", re.M)  # a document or its explanation laid out in short lines
_SPEAKER = re.compile(r"^\s*(?:主持人|发布人|发言人|记者|[^\n：:]{1,12}记者)\s*[:：]", re.M)


def check(title: str | None, body: str) -> RuleHit | None:
    """The first out-of-scope form the page shows, or None."""
    t = title or ""  # both already simplified by the caller (see nlp.genre.text.to_simplified)
    b = body
    n_cjk = cjk_count(b.replace(t, "") if t else b, stop=MIN_CJK)
    if n_cjk < MIN_CJK:
        return RuleHit("no_text", f"no real text: {n_cjk} Chinese characters besides the title")
    head = b[:300]
    first_line = head.split("\n", 1)[0][:80]
    # an annual report names itself near the top even under site chrome; a tender word is only trusted in
    # the title or the first line (interpretations of subsidy rules mention 招标 in their lead)
    for name, pat, msg, lead in (
        ("annual_report", _ANNUAL, "an annual report (年度报告)", head[:200]),
        ("procurement", _PROCURE, "a procurement/tender notice (采购/招标)", first_line),
    ):
        m = pat.search(t) if t else None
        if m:
            return RuleHit(name, f"title names {msg}: {m.group(0)}")
        m = pat.search(lead)
        if m:
            return RuleHit(name, f"lead names {msg}: {m.group(0)}", m.start(), m.end())
    m = _PUBLICITY_TITLE.search(t) if t else None
    if m:
        return RuleHit("publicity", f"title is a 公示: {m.group(0)}")
    m = _PUBLICITY_HEAD.search(head)
    if m:
        return RuleHit("publicity", f"the page announces a 公示: {m.group(0)}", m.start(), m.end())
    m = _TRANSCRIPT_TITLE.search(t) if t else None
    if m:
        return RuleHit("transcript", f"title names a transcript: {m.group(0)}")
    speakers = _SPEAKER.findall(b)
    if len(speakers) >= 8:
        return RuleHit("transcript", f"a press-conference transcript: {len(speakers)} speaker turns (主持人/发布人/记者：)")
    lines = [ln.strip() for ln in b.split("\n") if ln.strip()]
    if len(lines) >= 15:
        sentences = sum(1 for ln in lines if "。" in ln or "；" in ln)
        mean_len = sum(map(len, lines)) / len(lines)
        official = _LIST_GUARD.search(t) or _LIST_GUARD.search(head)
        if sentences / len(lines) < 0.1 and mean_len < 30 and not official:
            return RuleHit("list", f"a list: {len(lines)} short lines (mean {mean_len:.0f} chars), almost no sentences")
    return None
