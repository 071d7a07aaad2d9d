"""Completeness on the shared corpus: weak labelling finds headed interpretations, scores separate genres.

Needs ../shared (skips otherwise) and the trained model; reads the corpus, never copies it.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.fixture(scope="module")
def labelled(shared):
    from training.completeness import load_records, weak_label

    return [weak_label(r) for r in load_records()]


def test_segmentation_offsets_hold_on_every_corpus_page(labelled):
    from nlp.completeness.segment import segment

    for d in labelled:
        for u in segment(d.body):
            assert d.body[u.start:u.end] == u.text


@pytest.mark.slow
def test_most_sanming_interpretations_are_headed(labelled):
    interp = [d for d in labelled if d.site == "sm.gov.cn" and d.genre == "interpretation"]
    headed = [d for d in interp if d.structured]
    assert len(interp) >= 120
    assert len(headed) >= 0.85 * len(interp)
    # the model's input (stripped text) never contains a heading line
    from nlp.completeness.segment import segment

    for d in headed:
        text, _spans = d.stripped_text()
        heads = {u.text for u in segment(d.body) if u.kind == "heading"}
        assert not heads & set(text.split("\n")), d.docid


@pytest.mark.slow
def test_news_scores_below_interpretations_on_corpus(labelled):
    if not (MODELS / "completeness" / "unit_clf.joblib").exists():
        pytest.skip("models/completeness/unit_clf.joblib missing: run `govlint train completeness`")
    from nlp.completeness.core import analyse
    from nlp.completeness.model import load_classifier
    from nlp.schema import Document

    clf = load_classifier(MODELS)
    scores: dict[str, list[float]] = {}
    for d in labelled:
        if d.genre in ("interpretation", "news"):
            res = analyse(Document(text=d.body, title=d.title), clf).result
            if res.score is not None:
                scores.setdefault(d.genre, []).append(res.score)
    assert statistics.median(scores["news"]) + 20 <= statistics.median(scores["interpretation"])
