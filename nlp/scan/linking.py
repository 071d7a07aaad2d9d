"""Link each interpretation to the document it interprets, within the crawl.

Evidence, strongest first: a hyperlink from the interpretation to a document page; the document's title
named in 《…》 (or in the interpretation's own title); the document's 文号 cited near the top. Body text also
cites *higher-level* documents (国发〔2015〕27号, 《土地管理法》), so title mentions outrank body mentions and
a 文号 only links when no title does. Everything here is pure and works on small `PageKey` records, so pass 2
never has to reload page bodies.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import urljoin, urlsplit

from nlp.metadata import FILENO

_MENTION = re.compile(r"《([^《》]{4,120})》")
_FILENO = FILENO  # one 文号 pattern for the project (nlp.metadata), malformed variants included
_TITLE_PREFIX = re.compile(r"^(?:图解|图说|一图读懂|一图看懂|解读|政策解读|视频解读|动漫解读|H5)\s*[:：|｜]\s*")
_TITLE_SUFFIX = re.compile(r"(?:的)?(?:政策)?(?:解读|图解|问答|答记者问)(?:材料|稿)?$")
_QUOTES = re.compile(r"[《》<>〈〉“”\"'‘’「」『』\s\u3000]")
_INNER = re.compile(r"关于(?:印发|转发|修订|修改|公布)(.+?)(?:部分(?:内容|条款))?的(?:通知|决定|批复)$")
MIN_MENTION = 6
FUZZY_MIN = 0.82


def norm_title(s: str) -> str:
    """Comparable form: no quotes/brackets/space, unified parentheses and dashes, no 的 (often dropped)."""
    s = _QUOTES.sub("", s or "")
    s = s.replace("（", "(").replace("）", ")").replace("—", "-").replace("–", "-").replace("－", "-")
    return s.replace("的", "").strip("。，,.;；:：")


def norm_fileno(s: str) -> str:
    s = re.sub(r"\s", "", s or "")
    s = re.sub(r"[\[［【(（]", "〔", s, count=1)
    s = re.sub(r"[\]］】)）]", "〕", s, count=1)
    return s.replace("第", "")


_FILENO_PARTS = re.compile(r"^(.*?)〔(\d{4})〕(\d+)号$")


def fileno_parts(s: str) -> tuple[str, str, str] | None:
    """(机关代字, year, number). The code is matched by suffix because a text match may carry words before
    it ('现就明政〔2024〕9号' names 明政〔2024〕9号)."""
    m = _FILENO_PARTS.match(norm_fileno(s))
    return (m.group(1), m.group(2), str(int(m.group(3)))) if m else None


def inner_title(title: str) -> str | None:
    """'…关于印发X的通知' → X: the document a 印发/转发 notice carries, which interpretations name."""
    m = _INNER.search(_QUOTES.sub("", title or ""))
    return m.group(1) if m else None


def norm_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return url.strip().lower()
    host = parts.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    return f"{host}{parts.path}".rstrip("/").lower() + (f"?{parts.query}" if parts.query else "")


@dataclass
class Mentions:
    """What an interpretation names: titles (in the title first, then the opening), 文号, hyperlinks."""

    title_mentions: list[str] = field(default_factory=list)
    body_mentions: list[str] = field(default_factory=list)
    filenos: list[str] = field(default_factory=list)
    hrefs: list[tuple[str, str]] = field(default_factory=list)  # (absolute href, anchor text)

    def as_dict(self) -> dict:
        return {"title_mentions": self.title_mentions, "body_mentions": self.body_mentions,
                "filenos": self.filenos, "hrefs": [list(h) for h in self.hrefs]}

    @classmethod
    def from_dict(cls, d: dict | None) -> Mentions:
        d = d or {}
        return cls(list(d.get("title_mentions", [])), list(d.get("body_mentions", [])), list(d.get("filenos", [])),
                   [tuple(h) for h in d.get("hrefs", [])])


def extract_mentions(title: str | None, text: str, url: str | None, links: list[tuple[str, str]],
                     head_chars: int = 600) -> Mentions:
    """Computed per page in the worker (it has the body); stored so pass 2 never reloads bodies."""
    title = title or ""
    tm = [m for m in _MENTION.findall(title)]
    if not tm and title:
        bare = _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", title.strip()))
        bare = re.sub(r"^关于", "", bare)
        if len(norm_title(bare)) >= MIN_MENTION and bare != title.strip():
            tm.append(bare)
    head = text[:head_chars]
    bm = [m for m in _MENTION.findall(head) if m not in tm]
    fn = list(dict.fromkeys(norm_fileno(f) for f in _FILENO.findall(title + "\n" + text[: head_chars * 2])))
    hrefs = []
    for href, anchor in links:
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        hrefs.append((urljoin(url, href) if url else href, (anchor or "")[:200]))
    return Mentions(tm[:5], bm[:10], fn[:10], hrefs[:200])


@dataclass
class PageKey:
    """The few fields linking needs about any page."""

    id: str
    url: str | None
    title: str | None
    fileno: str | None
    date: str | None  # published, else written (ISO)
    role: str  # 'interpretation' | 'document' | 'other'
    mentions: Mentions = field(default_factory=Mentions)


@dataclass
class LinkResult:
    interp_id: str
    doc_id: str
    method: str  # hyperlink | title | fileno | fuzzy_title
    score: float
    evidence: dict
    links_back: bool = False


def _contains_index(mentions: set[str], docs_norm: dict[str, str]) -> dict[str, list[str]]:
    """{mention: ids of documents whose title contains it}, in one Aho-Corasick pass over all titles, so
    linking stays linear in the crawl size instead of mentions × documents."""
    import ahocorasick_rs

    pats = sorted(m for m in mentions if len(m) >= MIN_MENTION)
    out: dict[str, list[str]] = defaultdict(list)
    if not pats:
        return out
    ac = ahocorasick_rs.AhoCorasick(pats, matchkind=ahocorasick_rs.MatchKind.Standard)
    for doc_id, title in sorted(docs_norm.items()):
        for idx in sorted({i for i, _, _ in ac.find_matches_as_indexes(title, overlapping=True)}):
            out[pats[idx]].append(doc_id)
    return out


def _candidates_by_title(mention: str, exact: dict[str, list[str]], contains: dict[str, list[str]]) -> list[tuple[str, float]]:
    m = norm_title(mention)
    if len(m) < MIN_MENTION:
        return []
    out = [(d, 1.0) for d in exact.get(m, [])]
    if out:
        return out
    return [(d, 0.9) for d in contains.get(m, [])]


def link_all(pages: list[PageKey]) -> dict[str, LinkResult]:
    """Best document for every interpretation that has one. Deterministic: ties break on date, then id."""
    docs = [p for p in pages if p.role == "document"]
    by_url = {norm_url(p.url): p for p in pages if p.url}
    exact: dict[str, list[str]] = defaultdict(list)
    docs_norm: dict[str, str] = {}
    inner_norm: dict[str, str] = {}
    by_fileno: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for d in docs:
        t = norm_title(d.title or "")
        if t:
            exact[t].append(d.id)
            docs_norm[d.id] = t
        inner = inner_title(d.title or "")
        if inner:
            inner_norm[d.id] = norm_title(inner)
            exact[norm_title(inner)].append(d.id)
        parts = fileno_parts(d.fileno or "")
        if parts:
            by_fileno[parts[1:]].append((parts[0], d.id))
    gram_index = _gram_index({**docs_norm, **{k: v for k, v in inner_norm.items()}})
    contains = _contains_index({norm_title(m) for p in pages if p.role == "interpretation"
                                for m in p.mentions.title_mentions + p.mentions.body_mentions}, docs_norm)
    doc_by_id = {d.id: d for d in docs}
    all_norm = {**docs_norm, **inner_norm}
    char_counts: dict[str, Counter] = {}
    results: dict[str, LinkResult] = {}
    for p in pages:
        if p.role != "interpretation":
            continue
        cands: dict[str, tuple[float, str, dict]] = {}

        def offer(doc_id: str, score: float, method: str, ev: dict) -> None:
            if doc_id == p.id:
                return
            if doc_id not in cands or cands[doc_id][0] < score:
                cands[doc_id] = (score, method, ev)

        mentioned = {norm_title(m) for m in p.mentions.title_mentions + p.mentions.body_mentions}
        for href, anchor in p.mentions.hrefs:
            target = by_url.get(norm_url(href))
            if target is not None and target.role == "document":
                agrees = bool(mentioned & {norm_title(target.title or ""), norm_title(inner_title(target.title or "") or "")})
                offer(target.id, 1.0 if agrees else 0.97, "hyperlink", {"href": href, "anchor": anchor})
        for rank, mentions in ((0, p.mentions.title_mentions), (1, p.mentions.body_mentions)):
            for m in mentions:
                for doc_id, s in _candidates_by_title(m, exact, contains):
                    offer(doc_id, s - 0.1 * rank, "title", {"mention": m, "where": "title" if rank == 0 else "body"})
        if not cands:
            for f in p.mentions.filenos:
                parts = fileno_parts(f)
                if not parts:
                    continue
                for code, doc_id in by_fileno.get(parts[1:], []):
                    if code and parts[0].endswith(code):
                        offer(doc_id, 0.7, "fileno", {"fileno": f})
        if not cands:
            for m in p.mentions.title_mentions:
                for doc_id, ratio in _fuzzy(m, gram_index, all_norm, inner_norm, char_counts):
                    offer(doc_id, 0.5 + 0.2 * ratio, "fuzzy_title", {"mention": m, "similarity": round(ratio, 3)})
        if not cands:
            continue
        best = sorted(cands.items(), key=lambda kv: (-kv[1][0], _date_gap(p.date, doc_by_id[kv[0]].date), kv[0]))[0]
        doc_id, (score, method, ev) = best
        doc = doc_by_id[doc_id]
        back = any(norm_url(h) == norm_url(p.url) for h, _ in doc.mentions.hrefs) if p.url else False
        ev = dict(ev, doc_title=doc.title, candidates=len(cands))
        results[p.id] = LinkResult(p.id, doc_id, method, round(score, 3), ev, back)
    return results


def _date_gap(a: str | None, b: str | None) -> int:
    """Prefer the document dated closest before the interpretation (a re-issued title picks the right year)."""
    from nlp.scan.workdays import parse_date

    da, db = parse_date(a), parse_date(b)
    if not da or not db:
        return 10**6
    gap = (da - db).days
    return gap if gap >= 0 else 10**5 - gap


def _grams(s: str, n: int = 3) -> set[str]:
    return {s[i: i + n] for i in range(max(1, len(s) - n + 1))}


def _gram_index(titles: dict[str, str]) -> dict[str, set[str]]:
    idx: dict[str, set[str]] = defaultdict(set)
    for doc_id, t in titles.items():
        for g in _grams(t):
            idx[g].add(doc_id)
    return idx


def _fuzzy(mention: str, idx: dict[str, set[str]], titles: dict[str, str], inner: dict[str, str],
           char_counts: dict[str, Counter] | None = None) -> list[tuple[str, float]]:
    """Near-identical titles ('若干措施' vs '的若干措施', dropped city prefix): trigram candidates, then difflib.

    difflib's ratio is bounded above by the shared-character count (its quick_ratio); candidates whose bound is
    under the cut-off skip the SequenceMatcher entirely (its exact value would not be used)."""
    m = norm_title(mention)
    if len(m) < MIN_MENTION:
        return []
    counts: dict[str, int] = defaultdict(int)
    for g in _grams(m):
        for d in idx.get(g, ()):
            counts[d] += 1
    cache = char_counts if char_counts is not None else {}
    mc = Counter(m)
    out = []
    for d, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
        target = inner.get(d) or titles[d]
        tc = cache.get(target)
        if tc is None:
            tc = cache[target] = Counter(target)
        total = len(m) + len(target)
        bound = 2.0 * sum(min(n, tc[ch]) for ch, n in mc.items()) / total if total else 1.0
        ratio = SequenceMatcher(None, m, target).ratio() if bound >= FUZZY_MIN else 0.0
        tail = _TAIL.split(titles[d])[-1]
        if ratio < FUZZY_MIN and len(tail) >= 10 and m.startswith(tail):
            ratio = FUZZY_MIN  # listing pages cut long titles ('…行动方案（2023'): a prefix of the mention
        if ratio >= FUZZY_MIN:
            out.append((d, ratio))
    return out


_TAIL = re.compile(r"关于印发|关于转发|印发|转发")
