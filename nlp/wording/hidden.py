"""Hidden-link spam in raw HTML (暗链): links a visitor cannot see but search engines index.

The wording component only sees `Document.text`, where hidden elements are indistinguishable from visible ones,
so this is a separate pure function on the HTML, called by HTML ingestion (`nlp.ingest.html.extract_html`), so
the CLI, the API and the batch scan all get it:

    from nlp.wording.hidden import hidden_spam, as_issue
    hits = hidden_spam(html)            # offsets index `html`
    doc.warnings += [as_issue(h) for h in hits]   # the wording component turns these into `spam` findings

Detected: elements hidden by inline style or by a class/id rule in a <style> block (display:none,
visibility:hidden, off-screen absolute positioning, negative text-indent, font-size/height/width 0-2px,
opacity 0) and <marquee> blocks, when they contain gambling/porn spam words, or links hidden in ways menus and
tabs never use (off-screen, zero size, tiny font, 3+ links in a marquee).
Why regex and not a DOM: offsets into the submitted HTML are needed, and hacked pages are often malformed.
"""

from __future__ import annotations

import re
from typing import TypedDict

from nlp.schema import Issue

_HIDDEN_DECL = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)"
    r"|(?:left|top|right|bottom|text-indent|margin-left|margin-top)\s*:\s*-\s*\d{3,}"
    r"|font-size\s*:\s*[0-2](?:\.\d+)?\s*(?:px|pt)?\s*(?:;|$|!)"
    r"|(?:height|width)\s*:\s*[0-2]\s*(?:px)?\s*;[^\"']*overflow\s*:\s*hidden"
    r"|overflow\s*:\s*hidden\s*;[^\"']*(?:height|width)\s*:\s*[0-2]\s*(?:px)?\s*(?:;|$)", re.I)
_OPEN = re.compile(r"<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>(?:\s+[^>]*?)?)\s*/?>", re.S)
_STYLE_ATTR = re.compile(r"""style\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_CLASS_ATTR = re.compile(r"""class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_ID_ATTR = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.I | re.S)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_LINK = re.compile(r"""<a\s[^>]*href\s*=\s*["']?([^"'\s>]+)[^>]*>(.*?)</a>""", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_SPAM_WORDS = re.compile(r"必威|betway|开云|九游|华体会|雷竞技|威廉希尔|新葡京|百家乐|真人娱乐|博彩|六合彩|体育app|娱乐官网|"
                         r"一区二区|无码|毛片|成人片|av在线|国产精品|欧美日韩|日韩精品|彩票|赌场|棋牌|投注|下注|娱乐城|赌博|赌球|时时彩|"
                         r"老虎机|澳门.{0,4}(?:娱乐|赌|葡京)", re.I)
_VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"}
MAX_HTML = 5_000_000


class HiddenHit(TypedDict):
    category: str
    severity: str
    start: int
    end: int
    text: str
    rule: str
    message: str
    confidence: float
    links: list[str]


def _attr(rx: re.Pattern, attrs: str) -> str:
    m = rx.search(attrs)
    return next((g for g in m.groups() if g is not None), "") if m else ""


def _hidden_selectors(html: str) -> tuple[set[str], set[str]]:
    classes: set[str] = set()
    ids: set[str] = set()
    for block in _STYLE_BLOCK.findall(html):
        for sel, body in _CSS_RULE.findall(block):
            if not _HIDDEN_DECL.search(body):
                continue
            for part in sel.split(","):
                last = part.strip().split()[-1] if part.strip() else ""
                for m in re.finditer(r"([.#])([\w-]+)", last):
                    (classes if m.group(1) == "." else ids).add(m.group(2))
    return classes, ids


def _element_end(html: str, tag: str, pos: int) -> int:
    """End offset of the element whose opening tag ends at `pos` (same-name nesting counted)."""
    rx = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
    depth = 1
    for m in rx.finditer(html, pos):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return min(len(html), pos + 5000)


def hidden_spam(html: str) -> list[HiddenHit]:
    """Hidden link blocks and hidden spam text in `html`; never raises on malformed input."""
    if not isinstance(html, str) or not html:
        return []
    html = html[:MAX_HTML]
    classes, ids = _hidden_selectors(html)
    hits: list[HiddenHit] = []
    covered_until = -1
    for m in _OPEN.finditer(html):
        if m.start() < covered_until:
            continue
        tag = m.group("tag").lower()
        if tag in _VOID or tag in ("style", "script", "head", "html", "body", "meta"):
            continue
        attrs = m.group("attrs") or ""
        why = None
        if tag == "marquee":
            why = "marquee"
        else:
            style = _attr(_STYLE_ATTR, attrs)
            d = _HIDDEN_DECL.search(style) if style else None
            if d:
                why = f"style:{d.group(0).strip()}"
            else:
                cls = set(_attr(_CLASS_ATTR, attrs).split())
                el_id = _attr(_ID_ATTR, attrs)
                if cls & classes:
                    why = f"class:{sorted(cls & classes)[0]}"
                elif el_id and el_id in ids:
                    why = f"id:{el_id}"
        if not why:
            continue
        end = _element_end(html, tag, m.end())
        inner = html[m.end():end]
        links = _LINK.findall(inner)
        text = re.sub(r"\s+", " ", _TAGS.sub(" ", inner)).strip()
        spam = _SPAM_WORDS.search(text) or any(_SPAM_WORDS.search(h) for h, _ in links)
        if tag == "marquee" and not spam and len(links) < 3:
            continue  # scrolling notices on government pages are common; only spammy marquees count
        if not links and not spam:
            continue
        if not spam and re.search(r"display|visibility|class:|id:|opacity", why, re.I):
            continue  # menus and tabs hide links with display:none; only spam words make those suspicious
        covered_until = end
        kind = "hidden_links" if links else "hidden_text"
        hits.append(HiddenHit(
            category="spam", severity="serious" if (spam or len(links) >= 3) else "warning",
            start=m.start(), end=end, text=text[:200], rule=f"spam.{kind}:{why}",
            message=f"隐藏{'链接' if links else '文字'}（{why}）：{len(links)}个链接"
                    + (f"，含博彩/色情用语“{spam.group(0)}”" if hasattr(spam, 'group') else "")
                    + "；疑似暗链/网页被篡改，请检查源代码",
            confidence=0.95 if spam else 0.7, links=[h for h, _ in links][:20]))
    return hits


def as_issue(hit: HiddenHit) -> Issue:
    """A Document warning carrying the hit; the wording component reports it as a `spam` finding.

    Code 'hidden_spam' (serious: spam words or 3+ hidden links) or 'hidden_links' (warning: a few hidden links).
    """
    links = ", ".join(hit["links"][:5])
    code = "hidden_spam" if hit["severity"] == "serious" else "hidden_links"
    return Issue(code=code, message=f"{hit['message']} [{hit['rule']}] {links}".strip())
