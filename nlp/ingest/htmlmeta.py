"""Metadata of a government page: the label/value table, head <meta>, breadcrumb, headline, URL date,
(hidden links are nlp.wording.hidden's job).

The label table (索引号, 发文机关, 成文日期, 发文字号, 发布日期 …) is exact where it exists; the rest are the
fallbacks `html.extract_html` tries in order.
"""

from __future__ import annotations

import re

from lxml import etree

from nlp import metadata as M
from nlp.ingest.htmltree import WITH_ATTRS, classes, clean_value, compact, spaced, tc
from nlp.normalize import is_chrome_line

LABELS = {
    "索引号": "index", "主题分类": "topic", "发文机关": "publisher", "发布机构": "publisher", "发布机关": "publisher",
    "制发机关": "publisher", "成文日期": "written", "成文时间": "written", "标题": "title", "名称": "title",
    "文件名称": "title", "发文字号": "fileno", "文号": "fileno", "发布日期": "published", "发布时间": "published",
    "公开日期": "published", "发文日期": "written", "来源": "source", "信息来源": "source", "主题词": "keywords",
}

# cheap prefilter in C (labels may be spaced out: "索 引 号："); the exact test is done in Python
_LABEL_XPATH = etree.XPath(
    "//text()[string-length(.) < 120 and (" + " or ".join(f"contains(., '{c}')" for c in "号关构期间题称源类") + ")]"
)

_LABEL_INITIALS = frozenset(k[0] for k in LABELS) | {"【", "["}

_LABEL_WORDS = re.compile(r"^[【\[]?(?:" + "|".join(sorted(LABELS, key=len, reverse=True)) + r")[】\]]?(?:[:：]|$)")

_INLINE_END = re.compile(r"[\s\u3000\u00a0]{2,}|\s*(?:浏览|点击|访问|阅读|时间|发布|日期|作者|字号|编辑)")

_LABEL_SPLIT = re.compile(r"^[【\[]?([\u4e00-\u9fff]{2,4})[】\]]?[:：]?(.*)$", re.S)

_META_NAMES = {
    "articletitle": "title", "title": "meta_title", "pubdate": "published", "publishdate": "published",
    "firstpublishedtime": "published", "published_time": "published", "article:published_time": "published",
    "contentsource": "source", "source": "source", "columnname": "column", "column": "column",
}

_TITLE_SPLIT = re.compile(r"\s*(?:_|\||－|—|-{1,2}|–)\s*")


def head_meta(root) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        key = _META_NAMES.get(name)
        content = (m.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    t = root.find(".//title")
    if t is not None and tc(t).strip():
        found.setdefault("page_title", tc(t).strip())
    return found


def label_table(root) -> tuple[dict[str, str], list]:
    """Label/value pairs from a metadata table: "<td>发文字号：</td><td>国办发〔2018〕126号</td>" or "文号：…".

    Also returns the elements holding the labels, so a metadata block inside the body container can be cut.
    """
    found: dict[str, str] = {}
    holders: list = []
    for tnode in _LABEL_XPATH(root):
        if tnode.lstrip(" \t\r\n\u3000\u00a0")[:1] not in _LABEL_INITIALS:
            continue
        flat = compact(str(tnode))
        if not _LABEL_WORDS.match(flat):
            continue
        m = _LABEL_SPLIT.match(flat)
        if not m or m.group(1) not in LABELS:
            continue
        key, value = LABELS[m.group(1)], m.group(2).strip()
        if value:  # inline "来源：青山市林业局　　浏览次数：1024": cut at a wide gap or the next label
            after = re.split(r"[:：】\]]", str(tnode), maxsplit=1)[-1]
            after = _INLINE_END.split(after.strip(), maxsplit=1)[0]
            value = compact(after)
        if not flat.startswith(("【", "[")) and ":" not in flat and "：" not in flat and value:
            continue  # "标题党" or a sentence containing a label word, not a label
        if not value:
            el = tnode.getparent()
            if el is None:
                continue
            if getattr(tnode, "is_tail", False):
                nxt = el.getnext()
                value = tc(nxt).strip() if nxt is not None else ""
            else:
                for _ in range(4):
                    nxt = el.getnext()
                    if nxt is not None:
                        value = tc(nxt).strip()
                        break
                    if el.tail and el.tail.strip():
                        value = el.tail.strip()
                        break
                    parent = el.getparent()
                    if parent is None or compact(tc(parent)) != compact(tc(el)):
                        break
                    el = parent
        value = clean_value(value)
        if value and len(value) <= 200:
            holder = tnode.getparent()
            if holder is not None:
                holders.append(holder.getparent() if getattr(tnode, "is_tail", False) and holder.getparent() is not None else holder)
            if key not in found:
                found[key] = value
    return found, holders


def breadcrumb(root) -> str | None:
    for el in WITH_ATTRS(root):
        if el.tag not in ("div", "span", "p", "td", "ul", "nav", "li"):
            continue
        ids = " ".join(classes(el))
        if ids and re.search(r"crumb|position|location|dqwz|weizhi|curmb|current|path", ids):
            txt = compact(tc(el))
            if 2 <= len(txt) <= 200 and not compact(tc(el)).startswith("扫一扫"):
                txt = re.sub(r"^(?:当前位置|您的位置|你的位置|所在位置|您现在的位置|当前栏目)[:：]?", "", txt)
                crumb = M.clean_breadcrumb(spaced(el))
                if crumb:
                    crumb = re.sub(r"^(?:当前位置|您的位置|你的位置|所在位置|您现在的位置|当前栏目)\s*[:：]?\s*(?:>\s*)?", "", crumb)
                    crumb = M.clean_breadcrumb(crumb)
                    if crumb:
                        return crumb
    return None


def clean_page_title(t: str | None) -> str | None:
    if not t:
        return None
    parts = [p for p in _TITLE_SPLIT.split(t) if p.strip()]
    if not parts:
        return None
    # "国务院关于…的通知_政府信息公开专栏" -> the part that reads like a title, else the first
    for p in parts:
        if M.GENRE_END.search(p) or "关于" in p:
            return p.strip()
    return parts[0].strip()


_TITLE_ATTR = re.compile(r"(?:^|[\s_-])(?:title|bt|biaoti|tit|article-title|news_title|arti_title|con_title|detail_title)(?:$|[\s_-])")

_SITE_ATTR = re.compile(r"(?:^|[\s_-])(?:logo|header|head|top|topbar|banner|nav|navbar|menu|foot|footer|sidebar|side|"
                        r"related|hot|links?|friendlink|site-?name)(?:$|[\s_\d-])", re.I)


def title_element(root, page_title: str | None) -> str | None:
    """The page's headline: an <h1>/<h2> or .title element outside header/logo/sidebar blocks.

    Candidates are scored like plain-text titles (关于 + a document genre wins); a candidate repeated in the
    <title> gains; among equals the first one wins. A site name in a header <h1> loses to the article's title.
    """
    best: tuple[float, int, str] | None = None
    for i, el in enumerate(root.iter("h1", "h2", "h3", "div", "p", "td", "span", "strong")):
        ids = " ".join(classes(el))
        if el.tag not in ("h1", "h2") and not (ids and _TITLE_ATTR.search(ids)):
            continue
        if any(_SITE_ATTR.search(" ".join(classes(a))) for a in el.iterancestors() if a.get("class") or a.get("id")):
            continue
        if ids and _SITE_ATTR.search(ids) and not _TITLE_ATTR.search(ids):
            continue
        t = clean_value(tc(el))
        if not (4 <= len(t) <= 120) or t.count("_") >= 2 or is_chrome_line(t):
            continue
        score = M.title_score(t) + (2 if page_title and t in page_title else 0) + (1 if el.tag == "h1" else 0)
        if best is None or (score, -i) > (best[0], -best[1]):
            best = (score, i, t)
        if i > 5000:
            break
    return best[2] if best and best[0] > -5 else None


_URL_DATE = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+|/((?:19|20)\d{2})-?(\d{2})/(\d{2})/|/content_((?:19|20)\d{2})(\d{2})(\d{2})")


def date_from_url(url: str | None) -> str | None:
    """TRS-style URLs carry the publication date: …/202406/t20240625_2037293.htm, …/2019-01/08/content_…"""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    g = [x for x in m.groups() if x]
    return M.iso_date(int(g[0]), int(g[1]), int(g[2])) if len(g) == 3 else None


def first_fileno(v: str | None) -> str | None:
    if not v:
        return None
    v = compact(v)
    return v if v and v not in ("无", "-", "——") else None
