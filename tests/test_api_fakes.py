"""Fake analysers for the API and web tests (no tests here): small real functions over the text.

They compute findings and evidence from the submitted text (so a test can fail if offsets, ordering or
rendering are wrong) without depending on trained models that other work streams are still building.
"""

from __future__ import annotations

import re
import time

from nlp.pipeline import Pipeline
from nlp.schema import CompletenessResult, ElementResult, Finding, GenreResult, Partial, Span

WRONG = {  # wrong -> (right, category, severity)
    "扫黑险恶": ("扫黑除恶", "political", "serious"),
    "财政拔款": ("财政拨款", "typo", "warning"),
    "重要讲话精神": (None, "other", "info"),
}
HEADINGS = {"background": "背景", "purpose": "目的", "content": "主要内容", "guidance": "办事指引"}


def fake_genre(doc, ctx) -> Partial:
    interp = "解读" in doc.text or "解读" in (doc.title or "")
    label = "interpretation" if interp else "news"
    conf = 0.91 if interp else 0.64
    other = "news" if interp else "interpretation"
    return Partial(genre=GenreResult(label=label, confidence=conf, scores={label: conf, other: round(1 - conf, 2)},
                                     model="fake-genre@test", evidence=["关键词：解读"] if interp else []))


def fake_completeness(doc, ctx) -> Partial:
    elements = {}
    for name, word in HEADINGS.items():
        i = doc.text.find(word)
        ev = [Span(start=i, end=i + len(word), text=word)] if i >= 0 else []
        elements[name] = ElementResult(present=bool(ev), confidence=0.9 if ev else 0.2, evidence=ev)
    weights = {k: 25.0 for k in HEADINGS}
    score = sum(weights[k] for k, e in elements.items() if e.present)
    related = ctx.options.related
    copy_ratio = None
    if related is not None and related.text:  # share of the document's lines repeated in the interpretation
        lines = [ln for ln in related.text.split("\n") if ln.strip()]
        copy_ratio = round(sum(ln in doc.text for ln in lines) / len(lines), 3) if lines else 0.0
    return Partial(completeness=CompletenessResult(score=score, elements=elements, weights=weights,
                                                   copy_ratio=copy_ratio, model="fake-completeness@test"))


def fake_wording(doc, ctx) -> Partial:
    out = []
    for wrong, (right, cat, sev) in WRONG.items():
        for m in re.finditer(re.escape(wrong), doc.text):
            out.append(Finding(category=cat, severity=sev, start=m.start(), end=m.end(), text=wrong,
                               suggestion=right, rule=f"fake:{wrong}", message=f"“{wrong}”应为“{right}”"
                               if right else "核对引用是否准确", confidence=0.99))
    return Partial(findings=out)


def fake_pipeline(slow_s: float = 0.0) -> Pipeline:
    """A Pipeline whose components are the fakes above (optionally slow, to exercise the time limit)."""
    p = Pipeline()

    def slow(fn):
        def run(doc, ctx):
            if slow_s:
                time.sleep(slow_s)
            return fn(doc, ctx)
        return run

    p._components = {"genre": slow(fake_genre), "completeness": fake_completeness, "wording": fake_wording}
    return p


SAMPLE_DRAFT = (
    "关于《某市促进中小企业发展若干措施》的政策解读\n"
    "一、出台背景\n为进一步优化营商环境，市政府制定了本措施。\n"
    "二、主要内容\n一是加大财政拔款力度；二是持续推进扫黑险恶专项斗争。\n"
    "三、办事指引\n符合条件的企业可向市工业和信息化局申请。"
)
