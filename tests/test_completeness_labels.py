"""Label definition v2 (sentence assignment under compound headings, table changes) and the genre note.

Fixtures are written for these tests (no corpus text); nothing here needs ../shared or the trained model.
"""

from __future__ import annotations

from nlp.completeness import NOT_INTERPRETATION, genre_note
from nlp.completeness.headings import load_table
from nlp.schema import CompletenessResult
from training.completeness import LABEL_TABLES, _split_compound, weak_label

COMPOUND = """某某市印发了《某某市旧楼加装电梯补助办法》，现解读如下：
一、背景和意义
我市老旧小区多建于上世纪九十年代，没有电梯，老年住户上下楼困难。为解决老年住户出行难题，提升居住品质，制定本办法。
二、目标任务和主要内容
到2027年，全市完成加装电梯五百台。办法明确了补助对象为符合条件的既有住宅业主。
三、实施期限
本办法自2025年3月1日起施行。"""


def test_v2_table_changes_are_the_documented_ones():
    v1, v2 = load_table(LABEL_TABLES["v1"]), load_table(LABEL_TABLES["v2"])
    assert set(v1.elements("立法必要性")) == {"background", "purpose"}
    assert v2.elements("立法必要性") == ("background",)
    assert "tasks" in v1.elements("指导思想") and "tasks" not in v2.elements("指导思想")
    assert "tasks" in v2.elements("指导思想和主要目标")  # the 目标 in it still announces tasks
    assert set(v2.elements("背景和意义")) == {"background", "purpose"}


def test_compound_heading_sentences_get_their_own_element():
    parts = _split_compound("我市老旧小区没有电梯，老年住户上下楼困难。为解决出行难题，提升居住品质，制定本办法。",
                            {"background", "purpose"})
    assert [sorted(lab) for _t, lab in parts] == [["background"], ["purpose"]]
    parts = _split_compound("到2027年，全市完成加装电梯五百台。办法明确了补助对象。", {"tasks", "content", "measures"})
    assert [sorted(lab) for _t, lab in parts] == [["measures", "tasks"], ["content", "measures"]]
    assert _split_compound("任何一段文字。", {"background"}) is None


def test_weak_label_v2_splits_training_units_but_keeps_document_labels():
    rec = {"docid": "x", "site": "t", "body": COMPOUND, "judged_genre": "interpretation"}
    v2, v1 = weak_label(rec, "v2"), weak_label(rec, "v1")
    assert v2.doc_labels == v1.doc_labels and {"background", "purpose", "tasks", "content"} <= v2.doc_labels
    purpose_units = [t for t, _p, lab in v2.train_units if "purpose" in lab]
    assert purpose_units and all(t.startswith("为解决") for t in purpose_units)
    assert any("purpose" in lab and "老旧小区" in t for t, _p, lab in v1.train_units)  # v1: whole section


def test_genre_note_only_for_other_genres():
    res = CompletenessResult(score=88.0, message="main content is not set out item by item")
    same, warn = genre_note(res, "interpretation")
    assert same is res and warn == []
    assert genre_note(res, None) == (res, [])
    assert genre_note(res, "normative", abstained=True) == (res, [])
    noted, warn = genre_note(res, "normative")
    assert noted.score == 88.0 and "applies to policy interpretations" in noted.message
    assert noted.message.startswith("main content") and warn[0].code == NOT_INTERPRETATION
    assert genre_note(CompletenessResult(score=None), "news")[1] == []
