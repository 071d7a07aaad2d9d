"""assess(): the one completeness function behind the CLI, the API and the batch scan.

Three signals are combined per element, in order of trust: an explicit heading that the synonym table maps
to the element (strong, but never required), the unit classifier run on the text units only (so it behaves
the same on interpretations written without headings), and for secondary elements precise phrase cues.
The score is a fixed weighted sum (WEIGHTS) so an editor can see exactly which missing element cost what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from nlp.completeness.copy import COPY_WARN_RATIO, copy_ratio
from nlp.completeness.headings import HeadingTable, load_table
from nlp.completeness.model import UnitClassifier
from nlp.completeness.rules import cue_hits, form_of, itemized, linked_document, title_names_document
from nlp.completeness.segment import Unit, segment, unit_text
from nlp.schema import CORE_ELEMENTS, ELEMENT_NAMES, CompletenessResult, Document, ElementResult, Finding, Span

# The score formula (docs/completeness.md): the four core elements carry 70 of the 100 points.
WEIGHTS: dict[str, float] = {
    "background": 0.20,
    "purpose": 0.15,
    "tasks": 0.15,
    "content": 0.20,
    "linked_document": 0.08,
    "measures": 0.06,
    "scope": 0.05,
    "guidance": 0.05,
    "differences": 0.03,
    "terms": 0.03,
}
CONTENT_FLAT_CREDIT = 0.8  # content present but not item by item (fewer than ITEMS_MIN enumeration markers)
ITEMS_MIN = 3
MIN_UNIT_CHARS = 12  # shorter units (dates, signatures, "联系人：…") carry no element for the model
MIN_CHARS = 150  # below this (letters/digits/CJK) the page is a graphic or video: no score
HEADING_CONFIDENCE = 0.95
CUE_CONFIDENCE = 0.75
SECONDARY_MIN = 0.5  # the model alone must be at least this sure of a secondary element (precision first)
MAX_EVIDENCE = 4
TOO_LITTLE = "too little text to assess"

assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9 and set(WEIGHTS) == set(ELEMENT_NAMES)


@dataclass(frozen=True)
class Assessment:
    result: CompletenessResult
    findings: list[Finding]


def _rank(u: Unit, has_level1: bool) -> float:
    if u.level in (4, 5):
        return 1.0 if not has_level1 else 2.5
    return float(u.level)


def heading_sections(units: list[Unit], table: HeadingTable) -> dict[str, list[tuple[Unit, list[Unit]]]]:
    """element -> [(heading, text units under it)] for every heading the table maps to an element."""
    has_level1 = any(u.kind == "heading" and u.level == 1 for u in units)
    has_upper = has_level1 or any(u.kind == "heading" and u.level == 2 for u in units)
    out: dict[str, list[tuple[Unit, list[Unit]]]] = {}
    for i, u in enumerate(units):
        if u.kind != "heading" or (u.level == 3 and has_upper):
            continue  # "1.严格落实…目标考核" under 二、主要内容 is an item title, not a section
        els = table.elements(u.label_text)
        if not els:
            continue
        r = _rank(u, has_level1)
        body: list[Unit] = []
        for v in units[i + 1 :]:
            if v.kind == "heading" and _rank(v, has_level1) <= r:
                break
            if v.kind == "text":
                body.append(v)
        for el in els:
            out.setdefault(el, []).append((u, body))
    return out


def model_unit(u: Unit) -> bool:
    """Whether the classifier may label this unit (long enough to say anything)."""
    return model_unit_text(u.text)


def model_unit_text(text: str) -> bool:
    return _body_chars(text) >= MIN_UNIT_CHARS


def _span(text: str, s: int, e: int) -> Span:
    return Span(start=s, end=e, text=text[s:e])


_NON_ALNUM = re.compile(r"[\W_]+")


def _body_chars(text: str) -> int:
    return len(_NON_ALNUM.sub("", text))


def analyse(
    doc: Document,
    classifier: UnitClassifier | None,
    related: Document | None = None,
    table: HeadingTable | None = None,
    use_headings: bool = True,
) -> Assessment:
    """Completeness of one document plus the copy finding; pure given its arguments."""
    table = table or load_table()
    text = doc.text or ""
    units = segment(text)
    chars = _body_chars("".join(u.text for u in units if u.kind == "text"))
    form = form_of(text, doc.title, units, chars)
    weights = dict(WEIGHTS)
    model_name = f"{classifier.version}@{classifier.meta.get('trained', '?')}+headings+rules" if classifier else "headings+rules"
    if chars < MIN_CHARS:
        return Assessment(CompletenessResult(score=None, form=form, weights=weights, message=TOO_LITTLE, model=model_name), [])

    text_units = [u for u in units if u.kind == "text"]
    n = len(text_units)
    positions = [i / max(1, n - 1) for i in range(n)]
    if classifier is not None and n:
        probs = classifier.predict_proba([unit_text(u) for u in text_units], positions)
        probs[[i for i, u in enumerate(text_units) if not model_unit(u)], :] = 0.0
        thresholds = classifier.thresholds
        col = {el: j for j, el in enumerate(classifier.elements)}
    else:
        probs, thresholds, col = np.zeros((n, 0)), {}, {}
    sections = heading_sections(units, table) if use_headings else {}

    elements: dict[str, ElementResult] = {}
    for el in ELEMENT_NAMES:
        spans: list[tuple[float, int, int]] = []  # (priority, start, end)
        conf_present = 0.0
        p_max = 0.0
        if el == "linked_document":
            hits = linked_document(text, doc.title)
            if hits:
                conf_present = 0.95
                spans += [(0.95, h.start, h.end) for h in hits]
            elif title_names_document(doc.title):
                conf_present = 0.8  # named only in the page title (not in Document.text): no span to show
        else:
            heads = sections.get(el, [])
            if el in col and n:
                p = probs[:, col[el]]
                p_max = float(p.max())
                thr = thresholds.get(el, 0.5)
                if el not in CORE_ELEMENTS:
                    thr = max(thr, SECONDARY_MIN)
                if heads:  # a heading already says where the element is: only confident extra units
                    thr = max(thr, SECONDARY_MIN)
                if p_max >= thr:
                    conf_present = max(conf_present, p_max)
                    order = np.argsort(-p)[:MAX_EVIDENCE]
                    spans += [(float(p[i]), text_units[i].start, text_units[i].end) for i in order if p[i] >= thr]
            for head, body in heads:
                conf_present = max(conf_present, HEADING_CONFIDENCE)
                spans.append((1.0, head.start, head.end))
                if body:
                    spans.append((0.99, body[0].start, body[0].end))
            if el not in CORE_ELEMENTS:
                hits = cue_hits(el, text, text_units)
                if hits:
                    conf_present = max(conf_present, CUE_CONFIDENCE)
                    spans += [(CUE_CONFIDENCE, h.start, h.end) for h in hits[:2]]
        present = conf_present > 0
        uniq: dict[tuple[int, int], float] = {}
        for pr, s, e in spans:
            uniq[(s, e)] = max(pr, uniq.get((s, e), 0.0))
        best = sorted(uniq.items(), key=lambda kv: -kv[1])[:MAX_EVIDENCE]
        evidence = [_span(text, s, e) for (s, e), _ in sorted(best)]
        confidence = conf_present if present else max(0.0, 1.0 - p_max)
        elements[el] = ElementResult(present=present, confidence=round(min(1.0, confidence), 4), evidence=evidence)

    credit = {el: float(r.present) for el, r in elements.items()}
    items = itemized(text)
    if credit["content"] and items < ITEMS_MIN:
        credit["content"] = CONTENT_FLAT_CREDIT
    score = round(100.0 * sum(weights[el] * credit[el] for el in ELEMENT_NAMES), 1)

    findings: list[Finding] = []
    ratio = None
    if related is not None and (related.text or "").strip():
        cr = copy_ratio(text, related.text)
        ratio = cr.ratio
        if cr.ratio is not None and cr.ratio >= COPY_WARN_RATIO and cr.longest:
            s, e = cr.longest
            findings.append(Finding(
                category="copy", severity="warning", start=s, end=e, text=text[s:e],
                rule="completeness.copy_ratio",
                message=f"{cr.ratio:.0%} of this interpretation repeats the interpreted document verbatim "
                        f"(threshold {COPY_WARN_RATIO:.0%}); explain background, purpose and changes in your own words "
                        f"instead of excerpting the document (文件要点摘抄)",
                confidence=min(1.0, round(cr.ratio, 4)),
            ))
    message = None
    if items < ITEMS_MIN and credit["content"]:
        message = "main content is not set out item by item"
    result = CompletenessResult(score=score, form=form, elements=elements, weights=weights,
                                copy_ratio=ratio, message=message, model=model_name)
    return Assessment(result, findings)
