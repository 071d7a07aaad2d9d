"""Main content and metadata of a government web page (lxml), with trafilatura as the general fallback.

Chinese government sites run on a handful of CMS templates (TRS WCM, 开普云 UCAP, 大汉, 拓尔思 …). Their
body sits in a known container (TRS_Editor, UCAP-CONTENT, #zoom …), their metadata in a label/value table
(索引号, 发文机关, 成文日期, 发文字号, 发布日期), their column in a 当前位置 breadcrumb. Reading those
directly is exact and fast (~5 ms of CPU a page); a general extractor only sees "the biggest block of text" and
misses or mangles the metadata, so it is the fallback for pages with no known container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from nlp import metadata as M
from nlp.wording.hidden import as_issue, hidden_spam
from nlp.ingest.htmlmeta import (
    breadcrumb,
    clean_page_title,
    date_from_url,
    first_fileno,
    head_meta,
    label_table,
    title_element,
)
from nlp.ingest.htmltree import DROP_TAGS, SPACES, WITH_ATTRS, classes, compact, drop, mark_blocks, parse, tc, text_of
from nlp.ingest.limits import MAX_HIDDEN_ISSUES, MAX_TRAFILATURA_CHARS
from nlp.normalize import is_chrome_line
from nlp.schema import Attachment, Issue, Link


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

_ATTACH_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|zip|rar|7z|ofd|pptx?|txt|csv|ceb|tif)(?:$|[?#])", re.I)


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
        if n >= 2 and block.getparent() is not None and len(compact(tc(block))) < 800:
            drop(block)


def _find_container(root):
    best = None
    best_key = None
    for el in WITH_ATTRS(root):
        for token in classes(el):
            g = _CONTAINER_GROUP.get(token)
            if g is None:
                continue
            n = len(compact(tc(el)))
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
    return best, f"container:{next(t for t in classes(best) if t in _CONTAINER_GROUP)}"


def _link_density(el, n: int) -> float:
    linked = sum(len(compact(tc(a))) for a in el.iter("a"))
    return linked / max(1, n)


_PUA_ONLY = re.compile(r"[\ue000-\uf8ff\s]+")


def _drop_chrome(container) -> None:
    for el in list(container.iter()):
        if el is container or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag in ("i", "span", "em") and len(el) == 0 and el.text and _PUA_ONLY.fullmatch(el.text):
            el.text = ""  # an icon-font glyph (<i class="iconfont">&#xe003;</i>), not text
            continue
        ids = " ".join(classes(el))
        if ids and _CHROME_ATTR.search(ids) and len(compact(tc(el))) < 300:
            drop(el)
        elif el.tag in ("div", "p", "span", "td", "li", "a") and len(el) <= 4:
            t = tc(el).strip()
            if t and len(t) <= 40 and is_chrome_line(t):
                drop(el)


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
        text = SPACES.sub(" ", tc(a)).strip()
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


def extract_html(html: str, url: str | None = None) -> HtmlResult:
    res = HtmlResult()
    root = parse(html)
    if root is None:
        res.errors.append(Issue(code="bad_html", message="the HTML could not be parsed; submit the page source or its text"))
        return res
    meta = head_meta(root)
    # hidden links / hidden spam text (暗链) — one detector, on the raw HTML so offsets and CSS rules are seen
    res.warnings.extend(as_issue(h) for h in hidden_spam(html)[:MAX_HIDDEN_ISSUES])
    for el in list(root.iter(*DROP_TAGS)):
        if el.getparent() is not None:
            drop(el)
    table, label_holders = label_table(root)
    res.column = breadcrumb(root) or meta.get("column")

    body_el = root.find("body")
    if body_el is None or not compact(tc(body_el)):
        res.title = clean_page_title(meta.get("title") or meta.get("page_title"))
        res.errors.append(Issue(code="no_body", message="the HTML has no body text (an empty page, a frame set or a "
                                "page built by JavaScript); submit the page as rendered or its text"))
        return res

    container, method = _find_container(root)
    mark_blocks(root, container)
    body = ""
    if container is not None:
        _drop_label_blocks(container, label_holders)
        _drop_chrome(container)
        body = text_of(container)
        res.links, res.attachments = _links(container, url)
    if len(compact(body)) < 20:
        text = _trafilatura(html, url) if len(html) <= MAX_TRAFILATURA_CHARS else None
        if text and len(compact(text)) >= 20:
            body, method = text, "trafilatura"
            res.links, res.attachments = _links(body_el, url)
            res.links = [lk for lk in res.links if lk.text and lk.text in body]
            res.attachments = [a for a in res.attachments if a.name in body]
        else:
            blk = _density_block(root)
            if blk is not None:
                _drop_chrome(blk)
                body, method = text_of(blk), "density"
                res.links, res.attachments = _links(blk, url)
    res.body, res.method = _drop_meta_lines(body), method
    if not compact(body):
        res.errors.append(Issue(code="no_body", message="no main text found in the HTML (navigation only, or the text "
                                "is in images/scripts); submit the document text instead"))

    # metadata: the label table first (exact), then the head <meta>, then the body text
    page_text = None

    def page() -> str:
        nonlocal page_text
        if page_text is None:
            page_text = text_of(body_el)
        return page_text

    res.title = table.get("title") or meta.get("title") or title_element(root, meta.get("page_title"))
    if not res.title:
        res.title = M.find_title(body) or clean_page_title(meta.get("page_title"))
    res.fileno = first_fileno(table.get("fileno")) or M.find_fileno(body)
    sig = M.find_signature(body)
    res.written = M.parse_date(table.get("written")) or sig.written
    res.published = (M.parse_date(table.get("published")) or M.parse_date(meta.get("published"))
                     or M.find_published(page(), limit=None) or date_from_url(url))
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
