"""Acceptance on the real pages in ../shared (skips when absent): seeds 000/001 and the 40 gov.cn pages."""

from __future__ import annotations

import json

from nlp.ingest import from_record, ingest_html, ingest_path
from nlp.metadata import parse_date
from nlp.normalize import _opencc_sets
from training.ingest_eval import PINYIN_LEFT, chrome_lines


def _seed(shared, prefix):
    return next((shared / "seeds").glob(f"{prefix}_*"))


def test_seed_000_hacked_traditional_copy(shared):
    doc = ingest_path(_seed(shared, "000"))
    assert doc.title == "湖北省人民政府办公厅关于2020年全省政务公开工作考评情况的通报"
    assert doc.fileno == "鄂政办电〔2021〕11号"
    assert doc.written == "2021-03-09"
    spam = doc.text.split("\n", 1)[0]
    assert "_" in spam and doc.title != spam  # the spam stays in the text (the wording check flags it), not as title
    trad, _, _ = _opencc_sets()
    assert not {c for c in doc.text if c in trad}
    assert not PINYIN_LEFT.search(doc.text)


def test_seed_001_with_mojibake(shared):
    doc = ingest_path(_seed(shared, "001"))
    assert doc.fileno == "甘政办发〔2017〕136号"
    assert doc.written == "2017-08-11"
    trad, _, _ = _opencc_sets()
    assert not {c for c in doc.text if c in trad}
    assert not PINYIN_LEFT.search(doc.text)
    moj = [w for w in doc.warnings if w.code == "mojibake"]
    assert moj and all(doc.text[w.start : w.end] for w in moj)
    assert any(doc.text[w.start : w.end].startswith("?。") for w in moj)


def test_govcn_pages_metadata_and_clean_bodies(shared):
    rows = [json.loads(x) for x in (shared / "corpus" / "govcn_state_council.jsonl").open(encoding="utf-8")]
    exact = 0
    for r in rows:
        doc = ingest_html(r["html"], url=r["url"])
        got = (doc.title, doc.fileno, doc.written, doc.published)
        want = (r["title"], r["fileno"], parse_date(r["written"]), parse_date(r["published"]))
        exact += got == want
        assert not chrome_lines(doc.text), (r["id"], chrome_lines(doc.text))
    assert exact / len(rows) >= 0.95, exact


def test_corpus_records_ingest_without_errors(shared):
    n = bad = 0
    with (shared / "corpus" / "pingtan.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            doc = from_record(rec)
            n += 1
            bad += bool(doc.errors) and bool((rec.get("body") or "").strip())
            assert doc.id == str(rec["docid"])
    assert n and bad == 0
