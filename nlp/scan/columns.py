"""Which column (栏目) a page was published in, and whether that column is an interpretation column.

Order of trust: explicit metadata (sidecar JSON, JSONL `column`, CMS <meta name="ColumnName">), else the
breadcrumb ("当前位置：首页 > 政策解读 > 部门解读"), else the URL path. Gov CMS templates (TRS, 大汉, 博思)
almost always carry one of the first two; the URL path is the last resort and yields a folder name such as
`zcjd/bmzcjd` which the interpretation test below still recognises by pinyin initials.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Interpretation columns by name. Chinese names first; the pinyin-initial folder names are the common
# CMS slugs (zcjd = 政策解读, jd = 解读, tj = 图解) seen on municipal sites.
_INTERP_NAME = re.compile(r"解读|图解|一图读懂|答记者问|政策问答|以图释策")
_INTERP_SLUG = re.compile(r"(^|[/_-])(zcjd|[a-z]*jd|tj|tjzc|ytdd)([/_-]|$)", re.I)

_META_COLUMN = re.compile(
    r"<meta\s+[^>]*name\s*=\s*[\"']?(?:ColumnName|columnname|column|lanmu)[\"']?[^>]*content\s*=\s*[\"']([^\"']+)[\"']"
    r"|<meta\s+[^>]*content\s*=\s*[\"']([^\"']+)[\"'][^>]*name\s*=\s*[\"']?(?:ColumnName|columnname|column|lanmu)[\"']?",
    re.I,
)
_BREADCRUMB_START = re.compile(r"(?:当前位置|您的位置|你的位置|您现在的位置|所在位置)\s*[:：]?")
_TAG = re.compile(r"<[^>]+>")
_SEP = re.compile(r"\s*(?:>|＞|&gt;|»|›|→|/|\|)\s*")
_WS = re.compile(r"\s+")
_HOME = {"首页", "网站首页", "主页", "home", "Home"}


def column_from_meta_tag(html: str) -> str | None:
    m = _META_COLUMN.search(html[:20000])
    if not m:
        return None
    value = (m.group(1) or m.group(2) or "").strip()
    return value or None


def breadcrumb(html: str) -> list[str] | None:
    """The breadcrumb trail after '当前位置', home page dropped; None when the page has none.

    Parsed from the markup text (tags stripped) rather than a DOM query because templates put the trail in
    anything from <div class="crumb"> to a bare table cell; the label is the reliable anchor.
    """
    m = _BREADCRUMB_START.search(html)
    if not m:
        return None
    tail = html[m.end(): m.end() + 1500]
    # the trail ends at the end of its block element
    end = re.search(r"</(?:div|td|p|li|ul|span\s*>\s*</div)>", tail, re.I)
    chunk = tail[: end.start()] if end else tail[:400]
    text = _TAG.sub(" > ", chunk).replace("&nbsp;", " ")
    parts = [_WS.sub("", p) for p in _SEP.split(text)]
    parts = [p for p in parts if p and p not in _HOME and p not in {">", "正文", "详情", "内容"}]
    return parts or None


def column_from_url(url: str | None) -> str | None:
    """The folder path of a URL or file path, without the date folders (202406/) and the file name."""
    if not url:
        return None
    path = unquote(urlsplit(url).path if "://" in url else url).replace("\\", "/")
    segs = [s for s in path.split("/") if s]
    if segs and "." in segs[-1]:
        segs = segs[:-1]
    segs = [s for s in segs if not re.fullmatch(r"\d{4,8}|t\d{8}_\d+|\d+", s)]
    return "/".join(segs) or None


def resolve_column(meta_column: str | None, html: str | None, doc_column: str | None,
                   url: str | None) -> tuple[str | None, str]:
    """(column, where it came from): metadata > meta tag > ingested column > breadcrumb > URL path."""
    if meta_column and meta_column.strip():
        return meta_column.strip(), "metadata"
    if html:
        tag = column_from_meta_tag(html)
        if tag:
            return tag, "meta_tag"
    if doc_column and doc_column.strip():
        return doc_column.strip(), "ingest"
    if html:
        trail = breadcrumb(html)
        if trail:  # the whole trail: "政策解读 > 新闻发布会" is an interpretation section, "新闻发布会" alone is not
            return " > ".join(trail), "breadcrumb"
    col = column_from_url(url)
    return (col, "url") if col else (None, "none")


_MIXED_NAME = re.compile(r"(文件|政策|法规|规章)[^>/]{0,6}及[^>/]{0,4}解读|及解读|与解读|和解读")


def column_kind(column: str | None) -> str | None:
    """'interpretation' for an interpretation column, 'mixed' for 政策文件及解读-style columns that legitimately
    hold documents *and* their interpretations (a normative item there is not misplaced), else None."""
    if not column:
        return None
    named = bool(_INTERP_NAME.search(column)) or bool(_INTERP_SLUG.search(column))
    if not named:
        return None
    return "mixed" if _MIXED_NAME.search(column) else "interpretation"


def is_interpretation_column(column: str | None) -> bool:
    """Recognise interpretation columns by name (政策解读, 部门解读, 图解…) or by their usual URL slug."""
    return column_kind(column) is not None
