"""hidden_spam(html): hidden link blocks (暗链) found in raw HTML, legitimate hidden menus left alone."""

from __future__ import annotations

from nlp.pipeline import AnalyzeOptions, Context
from nlp.schema import Document, Report
from nlp.wording.hidden import as_issue, hidden_spam

PAGE = """<html><head><style>.hide1 { display:none } #x2{font-size:0px}</style></head><body>
<ul class="menu"><li style="display:none"><a href="/zwgk/">政务公开</a></li></ul>
<div style="position:absolute; left:-9999px"><a href="http://spam.example/1">必威体育</a> <a href="http://spam.example/2">体育app</a></div>
<div class="hide1"><a href="http://spam.example/3">新葡京娱乐官网</a></div>
<p id="x2">澳门六合彩开奖</p>
<marquee>欢迎访问本网站，请关注最新通知</marquee>
</body></html>"""


def test_hidden_blocks_found_with_offsets():
    hits = hidden_spam(PAGE)
    rules = [h["rule"] for h in hits]
    assert any("left:-9999" in r for r in rules)
    assert any("class:hide1" in r for r in rules)
    assert any("id:x2" in r for r in rules)
    for h in hits:
        assert h["category"] == "spam" and 0 <= h["start"] < h["end"] <= len(PAGE)
        assert PAGE[h["start"]] == "<"
    off = next(h for h in hits if "left:-9999" in h["rule"])
    assert off["severity"] == "serious" and off["links"] == ["http://spam.example/1", "http://spam.example/2"]


def test_legit_hidden_menu_and_marquee_not_reported():
    hits = hidden_spam(PAGE)
    assert not any("/zwgk/" in h["links"] for h in hits)
    assert not any(h["rule"].endswith("marquee") for h in hits)


def test_bad_input_never_raises():
    for bad in ["", None, "<div style='display:none'", "<<<>>>" * 1000, "<div style=\"left:-999px\">" * 200]:
        assert isinstance(hidden_spam(bad), list)


def test_issue_becomes_spam_finding():
    from nlp.wording import build_checker

    hit = hidden_spam(PAGE)[0]
    doc = Document(text="正文内容。", warnings=[as_issue(hit)])
    part = build_checker(None)(doc, Context(options=AnalyzeOptions(), so_far=Report()))
    assert [(f.category, f.severity) for f in part.findings] == [("spam", "serious")]
