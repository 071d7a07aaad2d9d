"""Main content and metadata of a government web page (lxml), with trafilatura as the general fallback.

Chinese government sites run on a handful of CMS templates (TRS WCM, 开普云 UCAP, 大汉, 拓尔思 …). Their
body sits in a known container (TRS_Editor, UCAP-CONTENT, #zoom …), their metadata in a label/value table
(索引号, 发文机关, 成文日期, 发文字号, 发布日期), their column in a 当前位置 breadcrumb. Reading those
directly is exact and fast (~2 ms a page); a general extractor only sees "the biggest block of text" and
misses or mangles the metadata, so it is the fallback for pages with no known container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from nlp import metadata as M
from nlp.ingest.limits import MAX_TRAFILATURA_CHARS
from nlp.normalize import is_chrome_line
from nlp.schema import Attachment, Issue, Link

# ---------------------------------------------------------------- result


@dataclass
class HtmlResult:
    body: str = ""  # paragraphs separated by "\n", not yet normalised
    title: str | None = None
    published: str | None = None
    written: str | None = None
    fileno: str | None = None
    publisher: str | None = None
    source: str | None = None
    column: str | None = None
    links: list[Link] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    method: str = ""  # which container or extractor produced the body
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)


# ---------------------------------------------------------------- constants

_DROP_TAGS = ("script", "style", "noscript", "iframe", "frame", "object", "embed", "svg", "canvas", "template",
              "input", "select", "button", "textarea", "option", "link", "meta", "map", "audio", "video", "source")
_BLOCK = frozenset(
    "p div br li tr h1 h2 h3 h4 h5 h6 table section article ul ol dl dt dd blockquote pre center form header "
    "footer tbody thead tfoot caption figure figcaption hr address main aside nav body html".split()
)
_CELL = frozenset(("td", "th"))

# (priority group, id or class token). Lower group wins; within a group the longest text wins.
_CONTAINERS: tuple[tuple[int, str], ...] = (
    (0, "ucap-content"), (0, "trs_editor"), (0, "trs_ueditor"), (0, "trs_paper_default"), (0, "custom_unionstyle"),
    (1, "zoom"), (1, "fontzoom"), (1, "pages_content"), (1, "article-content"), (1, "article_content"),
    (1, "xxgk_content"), (1, "news_content"), (1, "artibody"), (1, "maintext"), (1, "contenttext"), (1, "con_txt"),
    (1, "art_con"), (1, "wz_content"), (1, "zwnr"), (1, "zw"), (1, "neirong"), (1, "detail_content"), (1, "bt_content"),
    (1, "view"), (1, "ccontent"), (1, "textcontent"), (1, "article_con"), (1, "main-txt"),
    (2, "content"), (2, "article"), (2, "detail"), (2, "text"), (2, "main"),
)
_CONTAINER_GROUP = {name: g for g, name in _CONTAINERS}

# Widgets inside a body container, by id/class. Distinctive tokens match anywhere ("bdsharebuttonbox",
# "qr_container"); generic words only as a whole token part ("nav", "next" but not "preview"/"context"),
# and "print" not in "printContent" (a common wrapper of the body itself).
_CHROME_ATTR = re.compile(
    r"share|jiathis|qrcode|qr_|erweima|breadcrumb|crumb|fontsize|font-size|zihao|pagination|xgwz|xgxx|xglj|"
    r"gotop|backtop|print(?:btn|button|bar|icon|link|close)|"
    r"(?:^|[\s_-])(?:print|close|ewm|qr|footer|foot|nav|navbar|menu|position|location|toolbar|tools|pager|page-?nav|"
    r"related|prev|next|prevnext|pre-?next|sxp|sxy|comment|comments|banner|sidebar|advert|ad|fx|bdsharebuttonbox)"
    r"(?:$|[\s_\d-])",
    re.I,
)
_LABELS = {
    "索引号": "index", "主题分类": "topic", "发文机关": "publisher", "发布机构": "publisher", "发布机关": "publisher",
    "制发机关": "publisher", "成文日期": "written", "成文时间": "written", "标题": "title", "名称": "title",
    "文件名称": "title", "发文字号": "fileno", "文号": "fileno", "发布日期": "published", "发布时间": "published",
    "公开日期": "published", "发文日期": "written", "来源": "source", "信息来源": "source", "主题词": "keywords",
}
# cheap prefilter in C (labels may be spaced out: "索 引 号："); the exact test is done in Python
_LABEL_XPATH = etree.XPath(
    "//text()[string-length(.) < 120 and (" + " or ".join(f"contains(., '{c}')" for c in "号关构期间题称源类") + ")]"
)
_LABEL_INITIALS = frozenset(k[0] for k in _LABELS) | {"【", "["}
_LABEL_WORDS = re.compile(r"^[【\[]?(?:" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")[】\]]?(?:[:：]|$)")
_INLINE_END = re.compile(r"[\s\u3000\u00a0]{2,}|\s*(?:浏览|点击|访问|阅读|时间|发布|日期|作者|字号|编辑)")
_WITH_ATTRS = etree.XPath("//*[@id or @class]")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_LABEL_SPLIT = re.compile(r"^[【\[]?([\u4e00-\u9fff]{2,4})[】\]]?[:：]?(.*)$", re.S)
_ATTACH_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|zip|rar|7z|ofd|pptx?|txt|csv|ceb|tif)(?:$|[?#])", re.I)
_META_NAMES = {
    "articletitle": "title", "title": "meta_title", "pubdate": "published", "publishdate": "published",
    "firstpublishedtime": "published", "published_time": "published", "article:published_time": "published",
    "contentsource": "source", "source": "source", "columnname": "column", "column": "column",
}
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||－|—|-{1,2}|–)\s*")


# ---------------------------------------------------------------- parsing


def parse(html: str) -> lxml.html.HtmlElement | None:
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root


def _classes(el) -> list[str]:
    out = []
    cid = el.get("id")
    if cid:
        out.append(cid.strip().lower())
    cls = el.get("class")
    if cls:
        out.extend(c.lower() for c in cls.split())
    return out


_TABLE_PARTS = frozenset(("table", "tbody", "thead", "tfoot", "tr"))
_SOURCE_NL = re.compile(r"[ \t]*[\r\n]+[ \t]*")
_WIDE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》]")


def _source_nl(m: re.Match[str]) -> str:
    """A line wrap in the HTML source: nothing between two Chinese characters (as CSS renders it), else a space."""
    s, e, t = m.start(), m.end(), m.string
    if 0 < s and e < len(t) and _WIDE.match(t[s - 1]) and _WIDE.match(t[e]):
        return ""
    return " "


def _mark_blocks(root, container=None) -> None:
    """Put the paragraph breaks into the tree once, so any element's text is a C-level `itertext` join.

    Inside a data table of the body (cells below the container) paragraphs are joined by spaces, so each
    table row reads as one line ("6 以事前产权激励为核心… 科技部、财政部 全国"). Layout tables around the
    body (gov.cn's body is itself a <td>) keep their paragraphs.
    """
    inline: set = set()
    if container is not None:
        for cell in container.iter("td", "th"):
            if cell is container:
                continue
            for d in cell.iterdescendants():
                if d.tag in _BLOCK and d.tag not in _TABLE_PARTS:
                    inline.add(d)
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else None
        # a newline in the HTML source is just a space (only <br> and blocks break lines), except in <pre>
        if tag != "pre":
            if el.text and "\n" in el.text:
                el.text = _SOURCE_NL.sub(_source_nl, el.text)
            if el.tail and "\n" in el.tail:
                el.tail = _SOURCE_NL.sub(_source_nl, el.tail)
        if el in inline:
            el.tail = " " + (el.tail or "")
        elif tag in _BLOCK:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif tag in _CELL:
            el.tail = " " + (el.tail or "")


def _text_of(el) -> str:
    """Block-aware text (after `_mark_blocks`): paragraphs end in "\\n", table cells are separated by a space."""
    return "".join(el.itertext())


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff《》（）〔〕“”、，])[\s\u3000\u00a0]+(?=[\u4e00-\u9fff《》（）〔〕“”、，])")


def _clean_value(s: str) -> str:
    """A cell value broken over lines ("国务院关于…\n  的通知"): no space between Chinese characters."""
    return _SPACES.sub(" ", _CJK_GAP.sub("", s)).strip()


def _compact(s: str) -> str:
    return _SPACES.sub("", s)


# ---------------------------------------------------------------- metadata


def _head_meta(root) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        key = _META_NAMES.get(name)
        content = (m.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    t = root.find(".//title")
    if t is not None and t.text_content().strip():
        found.setdefault("page_title", t.text_content().strip())
    return found


def _label_table(root) -> tuple[dict[str, str], list]:
    """Label/value pairs from a metadata table: "<td>发文字号：</td><td>国办发〔2018〕126号</td>" or "文号：…".

    Also returns the elements holding the labels, so a metadata block inside the body container can be cut.
    """
    found: dict[str, str] = {}
    holders: list = []
    for tnode in _LABEL_XPATH(root):
        if tnode.lstrip(" \t\r\n\u3000\u00a0")[:1] not in _LABEL_INITIALS:
            continue
        compact = _compact(str(tnode))
        if not _LABEL_WORDS.match(compact):
            continue
        m = _LABEL_SPLIT.match(compact)
        if not m or m.group(1) not in _LABELS:
            continue
        key, value = _LABELS[m.group(1)], m.group(2).strip()
        if value:  # inline "来源：青山市林业局　　浏览次数：1024": cut at a wide gap or the next label
            after = re.split(r"[:：】\]]", str(tnode), maxsplit=1)[-1]
            after = _INLINE_END.split(after.strip(), maxsplit=1)[0]
            value = _compact(after)
        if not compact.startswith(("【", "[")) and ":" not in compact and "：" not in compact and value:
            continue  # "标题党" or a sentence containing a label word, not a label
        if not value:
            el = tnode.getparent()
            if el is None:
                continue
            if getattr(tnode, "is_tail", False):
                nxt = el.getnext()
                value = nxt.text_content().strip() if nxt is not None else ""
            else:
                for _ in range(4):
                    nxt = el.getnext()
                    if nxt is not None:
                        value = nxt.text_content().strip()
                        break
                    if el.tail and el.tail.strip():
                        value = el.tail.strip()
                        break
                    parent = el.getparent()
                    if parent is None or _compact(parent.text_content()) != _compact(el.text_content()):
                        break
                    el = parent
        value = _clean_value(value)
        if value and len(value) <= 200:
            holder = tnode.getparent()
            if holder is not None:
                holders.append(holder.getparent() if getattr(tnode, "is_tail", False) and holder.getparent() is not None else holder)
            if key not in found:
                found[key] = value
    return found, holders


def _drop_label_blocks(container, holders: list) -> None:
    """A 索引号/发文机关/… table placed inside the body container is metadata, not body: cut it."""
    inside = {}
    for h in holders:
        block = None
        for anc in h.iterancestors():
            if anc is container:
                break
            if anc.tag in ("table", "ul", "dl", "div", "ol"):
                block = anc  # keep climbing: the outermost block under the container
        else:
            continue  # not inside the container
        if block is not None:
            inside[block] = inside.get(block, 0) + 1
    for block, n in inside.items():
        if n >= 2 and block.getparent() is not None and len(_compact(block.text_content())) < 800:
            block.drop_tree()


# C-level prefilter (display:none, visibility/overflow:hidden, negative offsets); the regex below confirms
_STYLED = etree.XPath(
    "//*[@style][" + " or ".join(f"contains(@style, '{k}')" for k in
                                 ("none", "NONE", "None", "idden", "IDDEN", ":-", ": -")) + "] | //marquee"
)
_HIDDEN_STYLE = re.compile(r"display:none|visibility:hidden|:-\d{3,}|(?:^|;)(?:height|width|font-size):0(?:px)?(?:;|$)")


def _hidden_links(root) -> Issue | None:
    """Links hidden with CSS are how dark-link spam (暗链) is planted on hacked government pages."""
    found = []
    anchors = []
    for el in _STYLED(root):
        if el.tag == "marquee" or _HIDDEN_STYLE.search((el.get("style") or "").replace(" ", "").lower()):
            anchors.extend(a for a in el.iter("a") if a.get("href"))
    seen = set()
    for a in anchors:
        if a in seen:
            continue
        seen.add(a)
        text = _SPACES.sub(" ", a.text_content()).strip()
        href = (a.get("href") or "").strip()
        if text and href and not href.startswith(("javascript:", "#")):
            found.append(f"{text[:40]} → {href[:100]}")
    if not found:
        return None
    shown = "; ".join(found[:10]) + (f"; … {len(found) - 10} more" if len(found) > 10 else "")
    return Issue(code="hidden_links", message=f"{len(found)} link(s) hidden with CSS (display:none, off-screen, zero "
                 f"size): {shown}. Hidden links on a government page are a sign of dark-link spam (暗链); check the "
                 "page source and remove them")


def _breadcrumb(root) -> str | None:
    for el in _WITH_ATTRS(root):
        if el.tag not in ("div", "span", "p", "td", "ul", "nav", "li"):
            continue
        ids = " ".join(_classes(el))
        if ids and re.search(r"crumb|position|location|dqwz|weizhi|curmb|current|path", ids):
            txt = _compact(el.text_content())
            if 2 <= len(txt) <= 200 and not _compact(el.text_content()).startswith("扫一扫"):
                txt = re.sub(r"^(?:当前位置|您的位置|你的位置|所在位置|您现在的位置|当前栏目)[:：]?", "", txt)
                crumb = M.clean_breadcrumb(_spaced(el))
                if crumb:
                    crumb = re.sub(r"^(?:当前位置|您的位置|你的位置|所在位置|您现在的位置|当前栏目)\s*[:：]?\s*(?:>\s*)?", "", crumb)
                    crumb = M.clean_breadcrumb(crumb)
                    if crumb:
                        return crumb
    return None


def _spaced(el) -> str:
    return " ".join(t.strip() for t in el.itertext() if t.strip())


# ---------------------------------------------------------------- content


def _find_container(root):
    best = None
    best_key = None
    for el in _WITH_ATTRS(root):
        for token in _classes(el):
            g = _CONTAINER_GROUP.get(token)
            if g is None:
                continue
            n = len(_compact(el.text_content()))
            if n < 20:
                continue
            if g >= 1 and _link_density(el, n) > 0.5:
                continue
            key = (g, -n)
            if best_key is None or key < best_key:
                best, best_key = el, key
            break
    if best is None:
        return None, ""
    return best, f"container:{next(t for t in _classes(best) if t in _CONTAINER_GROUP)}"


def _link_density(el, n: int) -> float:
    linked = sum(len(_compact(a.text_content())) for a in el.iter("a"))
    return linked / max(1, n)


_PUA_ONLY = re.compile(r"[\ue000-\uf8ff\s]+")


def _drop_chrome(container) -> None:
    for el in list(container.iter()):
        if el is container or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag in ("i", "span", "em") and len(el) == 0 and el.text and _PUA_ONLY.fullmatch(el.text):
            el.text = ""  # an icon-font glyph (<i class="iconfont">&#xe003;</i>), not text
            continue
        ids = " ".join(_classes(el))
        if ids and _CHROME_ATTR.search(ids) and len(_compact(el.text_content())) < 300:
            el.drop_tree()
        elif el.tag in ("div", "p", "span", "td", "li", "a") and len(el) <= 4:
            t = el.text_content().strip()
            if t and len(t) <= 40 and is_chrome_line(t):
                el.drop_tree()


def _links(container, base: str | None) -> tuple[list[Link], list[Attachment]]:
    links: list[Link] = []
    atts: list[Attachment] = []
    seen: set[str] = set()
    for a in container.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:", "tel:")):
            continue
        if base:
            try:
                href = urljoin(base, href)
            except ValueError:
                pass
        text = _SPACES.sub(" ", a.text_content()).strip()
        if href in seen:
            continue
        seen.add(href)
        if len(links) < 500:
            links.append(Link(text=text[:300], href=href[:2000]))
        if _ATTACH_EXT.search(href) or text.startswith("附件"):
            name = text or href.rsplit("/", 1)[-1]
            atts.append(Attachment(name=name[:300], href=href[:2000]))
    return links, atts


def _trafilatura(html: str, url: str | None) -> str | None:
    try:
        import logging

        import trafilatura

        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs "empty HTML tree" on stderr

        return trafilatura.extract(html, url=url, include_tables=True, include_comments=False,
                                   include_images=False, deduplicate=False, with_metadata=False)
    except Exception:  # a third-party failure degrades to the density fallback
        return None


def _density_block(root):
    """The element holding the most paragraph text (for pages trafilatura cannot read).

    A paragraph's text counts for its parent (the block holding the paragraphs); text placed directly in a
    div/td/body (with <br> line breaks) counts for that element itself.
    """
    scores: dict = {}
    for el in root.iter("p", "br", "td", "div", "body", "section", "article", "font", "span", "li"):
        t = (el.text or "") + "".join((c.tail or "") for c in el)
        n = len(t.strip())
        if n < 10:
            continue
        target = el.getparent() if el.tag in ("p", "br", "li", "span", "font") else el
        if target is not None:
            scores[target] = scores.get(target, 0) + n
    if not scores:
        return None
    return max(scores.items(), key=lambda kv: kv[1])[0]


def _clean_page_title(t: str | None) -> str | None:
    if not t:
        return None
    parts = [p for p in _TITLE_SPLIT.split(t) if p.strip()]
    if not parts:
        return None
    # "国务院关于…的通知_政府信息公开专栏" -> the part that reads like a title, else the first
    for p in parts:
        if M._GENRE_END.search(p) or "关于" in p:
            return p.strip()
    return parts[0].strip()


_TITLE_ATTR = re.compile(r"(?:^|[\s_-])(?:title|bt|biaoti|tit|article-title|news_title|arti_title|con_title|detail_title)(?:$|[\s_-])")
_SITE_ATTR = re.compile(r"(?:^|[\s_-])(?:logo|header|head|top|topbar|banner|nav|navbar|menu|foot|footer|sidebar|side|"
                        r"related|hot|links?|friendlink|site-?name)(?:$|[\s_\d-])", re.I)


def _title_element(root, page_title: str | None) -> str | None:
    """The page's headline: an <h1>/<h2> or .title element outside header/logo/sidebar blocks.

    Candidates are scored like plain-text titles (关于 + a document genre wins); a candidate repeated in the
    <title> gains; among equals the first one wins. A site name in a header <h1> loses to the article's title.
    """
    best: tuple[float, int, str] | None = None
    for i, el in enumerate(root.iter("h1", "h2", "h3", "div", "p", "td", "span", "strong")):
        ids = " ".join(_classes(el))
        if el.tag not in ("h1", "h2") and not (ids and _TITLE_ATTR.search(ids)):
            continue
        if any(_SITE_ATTR.search(" ".join(_classes(a))) for a in el.iterancestors() if a.get("class") or a.get("id")):
            continue
        if ids and _SITE_ATTR.search(ids) and not _TITLE_ATTR.search(ids):
            continue
        t = _clean_value(el.text_content())
        if not (4 <= len(t) <= 120) or t.count("_") >= 2 or is_chrome_line(t):
            continue
        score = M._title_score(t, set()) + (2 if page_title and t in page_title else 0) + (1 if el.tag == "h1" else 0)
        if best is None or (score, -i) > (best[0], -best[1]):
            best = (score, i, t)
        if i > 5000:
            break
    return best[2] if best and best[0] > -5 else None


# ---------------------------------------------------------------- main


def extract_html(html: str, url: str | None = None) -> HtmlResult:
    res = HtmlResult()
    root = parse(html)
    if root is None:
        res.errors.append(Issue(code="bad_html", message="the HTML could not be parsed; submit the page source or its text"))
        return res
    meta = _head_meta(root)
    hidden = _hidden_links(root)
    if hidden is not None:
        res.warnings.append(hidden)
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    table, label_holders = _label_table(root)
    res.column = _breadcrumb(root) or meta.get("column")

    body_el = root.find("body")
    if body_el is None or not _compact(body_el.text_content()):
        res.title = _clean_page_title(meta.get("title") or meta.get("page_title"))
        res.errors.append(Issue(code="no_body", message="the HTML has no body text (an empty page, a frame set or a "
                                "page built by JavaScript); submit the page as rendered or its text"))
        return res

    container, method = _find_container(root)
    _mark_blocks(root, container)
    body = ""
    if container is not None:
        _drop_label_blocks(container, label_holders)
        _drop_chrome(container)
        body = _text_of(container)
        res.links, res.attachments = _links(container, url)
    if len(_compact(body)) < 20:
        text = _trafilatura(html, url) if len(html) <= MAX_TRAFILATURA_CHARS else None
        if text and len(_compact(text)) >= 20:
            body, method = text, "trafilatura"
            res.links, res.attachments = _links(body_el, url)
            res.links = [lk for lk in res.links if lk.text and lk.text in body]
            res.attachments = [a for a in res.attachments if a.name in body]
        else:
            blk = _density_block(root)
            if blk is not None:
                _drop_chrome(blk)
                body, method = _text_of(blk), "density"
                res.links, res.attachments = _links(blk, url)
    res.body, res.method = _drop_meta_lines(body), method
    if not _compact(body):
        res.errors.append(Issue(code="no_body", message="no main text found in the HTML (navigation only, or the text "
                                "is in images/scripts); submit the document text instead"))

    # metadata: the label table first (exact), then the head <meta>, then the body text
    page_text = None

    def page() -> str:
        nonlocal page_text
        if page_text is None:
            page_text = _text_of(body_el)
        return page_text

    res.title = table.get("title") or meta.get("title") or _title_element(root, meta.get("page_title"))
    if not res.title:
        res.title = M.find_title(body) or _clean_page_title(meta.get("page_title"))
    res.fileno = _first_fileno(table.get("fileno")) or M.find_fileno(body)
    sig = M.find_signature(body)
    res.written = M.parse_date(table.get("written")) or sig.written
    res.published = (M.parse_date(table.get("published")) or M.parse_date(meta.get("published"))
                     or M.find_published(page(), limit=None) or _date_from_url(url))
    res.publisher = table.get("publisher") or sig.publisher
    res.source = table.get("source") or M.find_source(page(), limit=None) or meta.get("source")
    if res.column is None:
        res.column = M.find_column(page())
    return res


_META_LINE = re.compile(
    r"(?:[\s\u3000\u00a0|]*(?:发布时间|发布日期|发文日期|时间|日期|来源|信息来源|作者|浏览次数|点击数|点击量|访问量|阅读次数|字号)"
    r"[:：][^\n]{0,40}?)+[\s\u3000\u00a0]*"
)


def _drop_meta_lines(body: str) -> str:
    """Lines such as "发布时间：2024-03-08　来源：青山日报" are page metadata, not body text."""
    lines = body.split("\n")
    kept = [ln for ln in lines if not (ln.strip() and len(ln) <= 100 and _META_LINE.fullmatch(ln.strip()))]
    return "\n".join(kept) if len(kept) != len(lines) else body


_URL_DATE = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+|/((?:19|20)\d{2})-?(\d{2})/(\d{2})/|/content_((?:19|20)\d{2})(\d{2})(\d{2})")


def _date_from_url(url: str | None) -> str | None:
    """TRS-style URLs carry the publication date: …/202406/t20240625_2037293.htm, …/2019-01/08/content_…"""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    g = [x for x in m.groups() if x]
    return M._iso(int(g[0]), int(g[1]), int(g[2])) if len(g) == 3 else None


def _first_fileno(v: str | None) -> str | None:
    if not v:
        return None
    v = _compact(v)
    return v if v and v not in ("无", "-", "——") else None
