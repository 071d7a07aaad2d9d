"""The institution message names the outdated institution itself (regression: an un-interpolated template)."""

from nlp.ingest import ingest_text
from nlp.pipeline import AnalyzeOptions, Pipeline


def test_outdated_institution_message_is_interpolated():
    doc = ingest_text("请各单位向国家工商行政管理总局报送材料。")
    r = Pipeline().analyze(doc, AnalyzeOptions(tasks=("wording",), extra={"typo": False}))
    hits = [f for f in r.findings if f.category == "institution"]
    assert hits and hits[0].suggestion == "国家市场监督管理总局"
    assert "{" not in hits[0].message and "原国家工商行政管理总局" in hits[0].message
