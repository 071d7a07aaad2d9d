"""Completeness: segmentation, heading table, rules, copy ratio, the component contract and the score.

Fixtures are short interpretations written for these tests (no corpus text). Tests that need the trained
model skip with a clear message when models/completeness is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.completeness.copy import COPY_WARN_RATIO, copy_ratio
from nlp.completeness.core import MIN_CHARS, TOO_LITTLE, WEIGHTS, analyse
from nlp.completeness.headings import load_table, parse_table
from nlp.completeness.rules import form_of, itemized, linked_document
from nlp.completeness.segment import drop_repeated_body, segment, split_lines
from nlp.schema import CORE_ELEMENTS, ELEMENT_NAMES, CompletenessResult, Document

MODELS = Path(__file__).resolve().parent.parent / "models"

HEADED = """近日，市农业局印发了《某某市蔬菜大棚建设补助办法（试行）》（某农规〔2025〕3号，以下简称《办法》），现就有关内容解读如下：
一、出台背景
近年来，我市设施农业发展较快，但大棚设施老化、抗灾能力弱的问题比较突出，农户改造意愿强但资金压力大。
省里去年出台了设施农业提升行动方案，要求各地加大对标准化大棚建设的扶持力度。
二、制定目的
为加快补齐设施农业短板，提高蔬菜稳产保供能力，增加农民收入，制定本《办法》。
三、目标任务
到2027年，全市新建和改造标准化蔬菜大棚1万亩，蔬菜自给率提高到百分之八十以上。
四、主要内容
《办法》共十二条，主要包括以下内容：
（一）补助对象。在本市从事蔬菜生产的农户、家庭农场和合作社。
（二）补助标准。新建连栋大棚每亩补助3000元，改造提升每亩补助1000元。
（三）申报程序。申请人向所在乡镇提交申请表和土地流转合同，经县级农业部门验收后拨付资金。
五、实施期限
《办法》自2025年3月1日起施行，有效期两年。
联系电话：0000-1234567"""

NEWS = """本报讯（记者 张三）3月2日，市农业局召开新闻发布会，通报今年春耕备耕工作进展情况。
会上，市农业局负责人介绍，截至目前全市已储备各类种子三百吨、化肥两千吨，春耕物资供应总体充足。
据了解，市农业局将组织农技人员深入田间地头开展技术指导，帮助农户解决生产中遇到的实际困难。
发布会上还通报了近期全市农产品质量安全抽检情况，合格率保持在较高水平。"""


def _strip_headings(text: str) -> str:
    return "\n".join(u.text for u in segment(text) if u.kind == "text")


# ---------------------------------------------------------------- pure parts (no model)

def test_segment_separates_headings_and_keeps_offsets():
    units = segment(HEADED)
    heads = [u for u in units if u.kind == "heading"]
    assert [h.label_text for h in heads if h.level == 1] == ["出台背景", "制定目的", "目标任务", "主要内容", "实施期限"]
    for u in units:
        assert HEADED[u.start:u.end] == u.text


def test_segment_merges_broken_numbers_into_one_block():
    text = "本办法共\n24\n条，可分为\n9\n个部分，对补助对象和标准作了规定。\n第二段说明补助资金的来源和用途，按年度拨付。"
    units = [u for u in segment(text) if u.kind == "text"]
    assert len(units) == 2
    assert units[0].text.replace("\n", "") == "本办法共24条，可分为9个部分，对补助对象和标准作了规定。"


def test_inline_heading_is_split_from_its_paragraph():
    units = segment("（一）补助对象。在本市从事蔬菜生产的农户和合作社均可申请补助资金。")
    assert units[0].kind == "heading" and units[0].label_text == "补助对象"
    assert units[1].kind == "text" and units[1].text.startswith("在本市")


def test_repeated_body_is_dropped():
    lines = split_lines("甲段落内容一。\n乙段落内容二。\n丙段落内容三。\n丁段落内容四。\n图片解读\n甲段落内容一。\n乙段落内容二。\n丙段落内容三。\n丁段落内容四。")
    kept = drop_repeated_body(lines)
    assert [ln.text for ln in kept] == ["甲段落内容一。", "乙段落内容二。", "丙段落内容三。", "丁段落内容四。"]


def test_heading_table_maps_synonyms_and_excludes_process():
    t = load_table()
    assert set(t.elements("背景和意义")) == {"background", "purpose"}
    assert t.elements("《实施方案》出台背景") == ("background",)
    assert "measures" in t.elements("保障措施") and "content" not in t.elements("保障措施")
    assert t.elements("起草过程") == ()
    assert "guidance" in t.elements("如何申请补助")


def test_heading_table_rejects_unknown_element():
    with pytest.raises(ValueError, match="unknown element"):
        parse_table("bogus\t背景\n")


def test_linked_document_by_title_and_fileno():
    hits = linked_document("市里印发了《某某市蔬菜大棚建设补助办法》，现解读如下。")
    assert hits and "《某某市蔬菜大棚建设补助办法》" in hits[0].text
    assert linked_document("根据某农规〔2025〕3号文件要求开展工作。")
    assert not linked_document("今天天气很好，大家去公园散步。")


def test_form_and_itemization():
    units = segment("问：什么是大棚补助？\n答：是对新建大棚给予的资金补助。\n问：谁可以申请？\n答：本市农户均可申请。")
    assert form_of("x" * 300, "政策问答", units, 300) == "qa"
    assert form_of("", "一图读懂补助办法", [], 20) == "graphic"
    assert form_of("", "视频解读：补助办法", [], 20) == "video"
    assert itemized("一是加强领导；二是加大投入；三是强化考核。") == 3


def test_copy_ratio_detects_copying_and_ignores_unrelated_text():
    doc = "第一条为加快补齐设施农业短板提高蔬菜稳产保供能力增加农民收入制定本办法。第二条本办法适用于本市行政区域内的蔬菜大棚建设补助。"
    copied = copy_ratio("为加快补齐设施农业短板提高蔬菜稳产保供能力增加农民收入制定本办法。", doc)
    assert copied.ratio is not None and copied.ratio > 0.9 and copied.longest is not None
    own = copy_ratio("这份解读用自己的话说明了补助为什么要出台以及农户怎样申请。", doc)
    assert own.ratio == 0.0
    quoted = copy_ratio("《第一条为加快补齐设施农业短板提高蔬菜稳产保供能力》", doc)
    assert quoted.ratio in (0.0, None)  # quoting the title is required, not copying


def test_weights_are_the_documented_formula():
    assert set(WEIGHTS) == set(ELEMENT_NAMES)
    assert abs(sum(WEIGHTS.values()) - 1) < 1e-9
    assert abs(sum(WEIGHTS[e] for e in CORE_ELEMENTS) - 0.70) < 1e-9


def test_headings_alone_give_a_score_without_a_model():
    res = analyse(Document(text=HEADED, title="《某某市蔬菜大棚建设补助办法》政策解读"), None).result
    assert res.score is not None and res.score >= 70
    for e in ("background", "purpose", "tasks", "content", "measures", "linked_document"):
        assert res.elements[e].present, e
        ev = res.elements[e].evidence
        assert ev and all(HEADED[s.start:s.end] == s.text for s in ev)


def test_too_little_text_is_not_scored():
    res = analyse(Document(text="一图读懂《补助办法》", title="图解：补助办法"), None).result
    assert res.score is None and res.message == TOO_LITTLE and res.form == "graphic"
    assert len("一图读懂《补助办法》") < MIN_CHARS


# ---------------------------------------------------------------- with the trained model

@pytest.fixture(scope="module")
def component():
    if not (MODELS / "completeness" / "unit_clf.joblib").exists():
        pytest.skip("models/completeness/unit_clf.joblib missing: run `govlint train completeness`")
    from nlp.completeness import load

    return load(MODELS)


def _ctx(related=None):
    from nlp.pipeline import AnalyzeOptions, Context
    from nlp.schema import Report

    return Context(options=AnalyzeOptions(tasks=("completeness",), related=related), so_far=Report())


def test_component_contract_and_offsets(component):
    doc = Document(text=HEADED, title="《某某市蔬菜大棚建设补助办法》政策解读")
    part = component(doc, _ctx())
    res = part.completeness
    assert isinstance(res, CompletenessResult)
    assert set(res.elements) == set(ELEMENT_NAMES) and res.weights == WEIGHTS
    assert res.model.startswith("completeness-tfidf-lr")
    for r in res.elements.values():
        for s in r.evidence:
            assert doc.text[s.start:s.end] == s.text


def test_model_finds_core_elements_without_headings(component):
    stripped = _strip_headings(HEADED)
    assert "出台背景" not in stripped and "主要内容" not in stripped
    res = component(Document(text=stripped), _ctx()).completeness
    for e in ("background", "content"):
        assert res.elements[e].present, e
    assert res.score is not None and res.score >= 50


def test_news_scores_lower_than_interpretation(component):
    interp = component(Document(text=HEADED), _ctx()).completeness.score
    news = component(Document(text=NEWS), _ctx()).completeness.score
    assert news is not None and interp is not None and news < interp - 20


def test_copy_finding_when_related_document_is_copied(component):
    document = Document(text=HEADED.replace("现就有关内容解读如下", "特此通知"))
    part = component(Document(text=HEADED), _ctx(related=document))
    assert part.completeness.copy_ratio is not None and part.completeness.copy_ratio >= COPY_WARN_RATIO
    f = [x for x in part.findings if x.rule == "completeness.copy_ratio"]
    assert f and f[0].category == "copy" and f[0].severity == "warning"
    assert HEADED[f[0].start:f[0].end] == f[0].text
    own = component(Document(text=HEADED), _ctx(related=Document(text=NEWS)))
    assert own.completeness.copy_ratio is not None and own.completeness.copy_ratio < 0.1 and not own.findings


@pytest.mark.parametrize("text", ["", " \n ", "？？？", "a" * 5000, "一、\n二、\n三、", "《" * 300, "\n".join(["问：为什么？"] * 50)])
def test_bad_input_never_crashes(component, text):
    res = component(Document(text=text), _ctx()).completeness
    assert res is not None
    assert res.score is None or 0 <= res.score <= 100


def test_pipeline_runs_completeness(pipeline):
    if not (MODELS / "completeness" / "unit_clf.joblib").exists():
        pytest.skip("models/completeness/unit_clf.joblib missing: run `govlint train completeness`")
    from nlp.pipeline import AnalyzeOptions

    rep = pipeline.analyze(Document(text=HEADED), AnalyzeOptions(tasks=("completeness",)))
    assert rep.completeness is not None and rep.completeness.score is not None
    assert not [e for e in rep.errors if e.code.startswith("completeness")]


def test_assess_function_matches_component(component):
    from nlp.completeness import assess

    doc = Document(text=HEADED, title="《某某市蔬菜大棚建设补助办法》政策解读")
    a = assess(doc)
    b = component(doc, _ctx()).completeness
    assert a.score == b.score and a.elements == b.elements



def test_component_notes_when_genre_is_not_interpretation(component):
    from nlp.pipeline import AnalyzeOptions, Context
    from nlp.schema import GenreResult, Report

    ctx = Context(options=AnalyzeOptions(tasks=("genre", "completeness")),
                  so_far=Report(genre=GenreResult(label="normative", confidence=0.9)))
    part = component(Document(text=HEADED), ctx)
    assert part.completeness.score is not None
    assert "applies to policy interpretations" in (part.completeness.message or "")
    assert [w.code for w in part.warnings] == ["completeness_not_interpretation"]
    plain = component(Document(text=HEADED), _ctx())
    assert not plain.warnings and "applies to" not in (plain.completeness.message or "")
