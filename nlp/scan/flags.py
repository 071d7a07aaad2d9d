"""Site-context verdicts about a page (pure): what an inspector would write down about it.

Inputs are the page's stored analysis (genre, column) and, for interpretations, the link found in pass 2
and the copy ratio computed against the linked document. Each flag carries the evidence that produced it so
an editor can check it without rerunning anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from nlp.scan.workdays import LATE_AFTER_WORKING_DAYS, is_late, parse_date, working_days_between
from nlp.schema import Flag

NEWS_IN_INTERP = "news_in_interpretation_column"
UNLINKED = "interpretation_unlinked"
LATE = "interpretation_late"
BEFORE_DOC = "interpretation_before_document"
COPY = "copy_of_document"
FLAG_CODES = (NEWS_IN_INTERP, UNLINKED, LATE, BEFORE_DOC, COPY)

# Share of the interpretation's text inside 13-character windows shared with the document (completeness
# copy_ratio). Completeness already warns from 0.5; the site-level flag is kept for near-copies, because
# 图解 interpretations legitimately reuse many of the document's phrases (measured 0.6-0.8 on 三明).
COPY_RATIO_FLAG = 0.8
_LABEL_ZH = {"news": "新闻/动态", "normative": "规范性文件", "other": "其他（发布会实录、通知等）", "interpretation": "政策解读"}


@dataclass
class PageFacts:
    id: str
    column: str | None
    column_kind: str | None  # interpretation | mixed | None
    genre: str | None
    genre_confidence: float | None
    genre_abstained: bool
    genre_evidence: list[str]
    date: str | None
    title: str | None = None


def is_interpretation(p: PageFacts) -> tuple[bool, str]:
    """(is an interpretation, on what basis). The genre model decides; without it, the column does."""
    if p.genre is not None:
        return p.genre == "interpretation", "genre"
    return p.column_kind == "interpretation", "column"


def misplaced_flag(p: PageFacts) -> Flag | None:
    """A non-interpretation in an interpretation column (以新闻稿代替政策解读). Mixed columns (政策文件及解读)
    legitimately hold documents, so only news/other is flagged there. An abstaining model flags nothing."""
    if p.column_kind is None or p.genre is None or p.genre == "interpretation" or p.genre_abstained:
        return None
    if p.column_kind == "mixed" and p.genre == "normative":
        return None
    return Flag(
        code=NEWS_IN_INTERP,
        message=f"栏目「{p.column}」是解读栏目，但本页被判为{_LABEL_ZH.get(p.genre, p.genre)}"
                f"（置信度 {p.genre_confidence:.2f}）: 以新闻稿等代替政策解读",
        evidence={"column": p.column, "label": p.genre, "confidence": p.genre_confidence,
                  "model_evidence": p.genre_evidence[:8]},
    )


def link_flags(p: PageFacts, link: dict | None, doc_date: str | None, copy_ratio: float | None,
               copy_threshold: float = COPY_RATIO_FLAG) -> list[Flag]:
    """Flags for an interpretation given its link row (None = no document found). Pages that are only
    *placed* as interpretations (interpretation column, other genre) get the copy check, nothing else."""
    is_interp, basis = is_interpretation(p)
    if not is_interp:
        if link is not None and copy_ratio is not None and copy_ratio >= copy_threshold:
            return [_copy_flag(link, p, doc_date, copy_ratio, copy_threshold)]
        return []
    if link is None:
        return [Flag(code=UNLINKED,
                     message="未找到本解读对应的政策文件（超链接、《标题》、文号均未在抓取范围内匹配）；"
                             "解读应与文件相互关联",
                     evidence={"basis": basis, "title": p.title})]
    flags: list[Flag] = []
    base = {"document_id": link["doc_id"], "document_title": link.get("doc_title"), "link_method": link["method"],
            "interpretation_date": p.date, "document_date": doc_date}
    di, dd = parse_date(p.date), parse_date(doc_date)
    if di and dd:
        delay = working_days_between(dd, di)
        ev = dict(base, **delay.as_evidence())
        if di < dd:
            flags.append(Flag(code=BEFORE_DOC,
                              message=f"解读发布日期 {di} 早于文件发布日期 {dd}（早 {-delay.calendar_days} 天）",
                              evidence=ev))
        elif is_late(delay):
            flags.append(Flag(code=LATE,
                              message=f"解读晚于文件 {delay.working_days} 个工作日发布（{dd} → {di}），"
                                      f"超过 {LATE_AFTER_WORKING_DAYS} 个工作日",
                              evidence=ev))
    if copy_ratio is not None and copy_ratio >= copy_threshold:
        flags.append(_copy_flag(link, p, doc_date, copy_ratio, copy_threshold))
    return flags


def _copy_flag(link: dict, p: PageFacts, doc_date: str | None, ratio: float, threshold: float) -> Flag:
    return Flag(code=COPY, message=f"本页 {ratio:.0%} 的内容抄自所解读文件（文件要点摘抄，不是解读）",
                evidence={"document_id": link["doc_id"], "document_title": link.get("doc_title"),
                          "link_method": link["method"], "interpretation_date": p.date, "document_date": doc_date,
                          "copy_ratio": round(ratio, 3), "threshold": threshold})


def page_flags(p: PageFacts, link: dict | None, doc_date: str | None, copy_ratio: float | None,
               copy_threshold: float = COPY_RATIO_FLAG) -> list[Flag]:
    out = []
    mis = misplaced_flag(p)
    if mis:
        out.append(mis)
    out.extend(link_flags(p, link, doc_date, copy_ratio, copy_threshold))
    return out
