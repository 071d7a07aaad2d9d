"""The parsed page as text: lxml parsing, block-aware text, id/class tokens, value clean-up.

Shared by the content extractor (`html.py`) and the metadata readers (`htmlmeta.py`). Paragraph breaks are
written into the tree once (`mark_blocks`) so that the text of any element is a C-level `itertext` join.
"""

from __future__ import annotations

import re

from lxml import etree

DROP_TAGS = ("script", "style", "noscript", "iframe", "frame", "object", "embed", "svg", "canvas", "template",
              "input", "select", "button", "textarea", "option", "link", "meta", "map", "audio", "video", "source")


BLOCK = frozenset(
    "p div br li tr h1 h2 h3 h4 h5 h6 table section article ul ol dl dt dd blockquote pre center form header "
    "footer tbody thead tfoot caption figure figcaption hr address main aside nav body html".split()
)

CELL = frozenset(("td", "th"))

WITH_ATTRS = etree.XPath("//*[@id or @class]")

SPACES = re.compile(r"[\s\u3000\u00a0]+")


def parse(html: str):
    """The page as a plain lxml.etree tree (no lxml.html element classes: ~30 % faster), or None."""
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)  # not thread-safe: one per call
    try:
        return etree.fromstring(html, parser)
    except (etree.XMLSyntaxError, etree.ParserError, ValueError, TypeError):
        return None


def tc(el) -> str:
    """The element's text (lxml.html's text_content for a plain etree element)."""
    return "".join(el.itertext())


def drop(el) -> None:
    """Remove an element but keep its tail text (lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def classes(el) -> list[str]:
    out = []
    cid = el.get("id")
    if cid:
        out.append(cid.strip().lower())
    cls = el.get("class")
    if cls:
        out.extend(c.lower() for c in cls.split())
    return out


_TABLE_PARTS = frozenset(("table", "tbody", "thead", "tfoot", "tr"))

_SOURCE_NL = re.compile(r"(?<![ \t])[ \t]*[\r\n]+[ \t]*")  # lookbehind: linear on long space runs

_WIDE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》]")


def _source_nl(m: re.Match[str]) -> str:
    """A line wrap in the HTML source: nothing between two Chinese characters (as CSS renders it), else a space."""
    s, e, t = m.start(), m.end(), m.string
    if 0 < s and e < len(t) and _WIDE.match(t[s - 1]) and _WIDE.match(t[e]):
        return ""
    return " "


def mark_blocks(root, container=None) -> None:
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
                if d.tag in BLOCK and d.tag not in _TABLE_PARTS:
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
        elif tag in BLOCK:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif tag in CELL:
            el.tail = " " + (el.tail or "")


def text_of(el) -> str:
    """Block-aware text (after `mark_blocks`): paragraphs end in "\\n", table cells are separated by a space."""
    return "".join(el.itertext())


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff《》（）〔〕“”、，])[\s\u3000\u00a0]+(?=[\u4e00-\u9fff《》（）〔〕“”、，])")


def clean_value(s: str) -> str:
    """A cell value broken over lines ("国务院关于…\n  的通知"): no space between Chinese characters."""
    return SPACES.sub(" ", _CJK_GAP.sub("", s)).strip()


def compact(s: str) -> str:
    return SPACES.sub("", s)


def spaced(el) -> str:
    return " ".join(t.strip() for t in el.itertext() if t.strip())
