"""Typo layer: real model on hand-written sentences (needs models/typo, built by `govlint train typo`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.schema import Finding

MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.fixture(scope="module")
def checker():
    if not (MODELS / "typo" / "typo_lm.npz").exists():
        pytest.skip("models/typo not built; run `govlint train typo`")
    from nlp.wording.typo import load

    return load(MODELS)


def test_flags_wrong_character_with_offsets_and_suggestion(checker):
    text = "会议要求，各单位要认真做好工作布署，确保按期完成。"
    found = checker.check(text)
    assert found, "布署 should be flagged"
    f = found[0]
    assert isinstance(f, Finding) and f.category == "typo" and f.severity == "warning"
    assert text[f.start : f.end] == f.text == "布"
    assert f.suggestion == "部"
    assert f.rule.startswith("typo.confusion_lm")
    assert 0.0 <= f.confidence <= 1.0


def test_clean_sentence_gives_no_finding(checker):
    assert checker.check("市人民政府办公室关于印发三明市促进数字经济发展若干措施的通知") == []


@pytest.mark.parametrize("text", ["", "12345 abc ...", "\x00\ufffd\n\n", "。" * 1000, "的" * 5000, None])
def test_bad_input_never_crashes(checker, text):
    assert isinstance(checker.check(text), list)
