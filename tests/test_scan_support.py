"""A deterministic stand-in pipeline for the scan tests (no models needed), importable by spawned workers.

It decides by obvious surface rules written for the test fixtures, so the scan's own logic (columns,
linking, flags, resumption) is what the tests exercise. Named test_scan_* so it lives with the scan tests;
it contains no tests itself.
"""

from __future__ import annotations

import os
import time

from nlp.pipeline import summarize
from nlp.schema import CompletenessResult, ElementResult, Finding, GenreResult, Report

SIGNATURE = "fake-1"


def _genre(title: str, text: str) -> GenreResult:
    if "解读" in title or "一、出台背景" in text:
        label, ev = "interpretation", ["解读"]
    elif "第一条" in text or "〔" in title:
        label, ev = "normative", ["第一条"]
    elif "记者" in text or "近日" in text:
        label, ev = "news", ["记者/近日"]
    else:
        label, ev = "other", []
    return GenreResult(label=label, confidence=0.9, scores={label: 0.9}, model="fake", evidence=ev)


def _copy_ratio(text: str, related: str) -> float:
    lines = [ln for ln in text.split("\n") if len(ln) >= 8]
    if not lines:
        return 0.0
    return sum(len(ln) for ln in lines if ln in related) / sum(len(ln) for ln in lines)


class FakePipeline:
    def load_all(self, tasks):
        return {t: True for t in tasks}

    def analyze(self, doc, options):
        delay = float(os.environ.get("SCAN_FAKE_SLEEP", "0"))
        if delay:
            time.sleep(delay)
        report = Report(id=doc.id, document=summarize(doc), warnings=list(doc.warnings), errors=list(doc.errors))
        if doc.errors:
            return report
        if "genre" in options.tasks:
            report.genre = _genre(doc.title or "", doc.text)
        if "completeness" in options.tasks:
            els = {k: ElementResult(present=m in doc.text, confidence=1.0)
                   for k, m in (("background", "背景"), ("purpose", "目的"), ("tasks", "任务"), ("content", "主要内容"))}
            score = 25.0 * sum(e.present for e in els.values())
            ratio = _copy_ratio(doc.text, options.related.text) if options.related is not None else None
            report.completeness = CompletenessResult(score=score, elements=els, copy_ratio=ratio, model="fake")
        if "wording" in options.tasks:
            report.findings = []
            i = doc.text.find("扫黑险恶")
            if i >= 0:
                report.findings.append(Finding(category="political", severity="serious", start=i, end=i + 4,
                                               text="扫黑险恶", suggestion="扫黑除恶", rule="fake", message="固定表述错误"))
        return report


def make(models_dir=None):
    return FakePipeline()
