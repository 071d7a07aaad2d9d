"""Pass 2's shortcut: a stored completeness re-read against the linked document equals re-running the analysis."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.completeness.copy import with_copy_ratio
from nlp.schema import CompletenessResult, Document, Report

MODELS = Path(__file__).resolve().parent.parent / "models"

# Written for these tests: an interpretation that copies two articles of its (invented) document.
DOCUMENT = (
    "第一条 为规范本市社区食堂建设运营，保障老年人用餐安全，制定本办法。\n"
    "第二条 本办法适用于本市行政区域内由街道、社区组织建设的社区食堂。\n"
    "第三条 社区食堂应当取得食品经营许可证，建立食材采购查验和留样制度，每餐次留样不少于一百二十五克。\n"
    "第四条 区民政部门对运营满一年且考核合格的社区食堂给予每家三万元一次性补助。\n"
)
INTERPRETATION = (
    "一、出台背景\n近年来，我市老年人口持续增加，社区用餐需求日益增长，部分食堂存在管理不规范、"
    "服务标准不统一、运营资金不足等问题，群众反映较为集中。为回应群众关切，市民政局会同市场监管部门开展调研，"
    "梳理了全市现有社区食堂的建设、运营和监管情况，在广泛征求意见的基础上起草了本办法。\n"
    "二、主要内容\n（一）明确适用范围。本办法适用于本市行政区域内由街道、社区组织建设的社区食堂。\n"
    "（二）规范食品安全。社区食堂应当取得食品经营许可证，建立食材采购查验和留样制度，每餐次留样不少于一百二十五克。\n"
    "（三）给予补助。对运营满一年且考核合格的社区食堂给予一次性补助。\n"
    "三、施行时间\n本办法自印发之日起施行。"
)


@pytest.fixture(scope="module")
def component():
    from nlp.completeness import load

    try:
        return load(MODELS)
    except (FileNotFoundError, TypeError) as exc:
        pytest.skip(f"completeness model not available ({exc}); run `govlint train completeness`")


def _ctx(related=None):
    from nlp.pipeline import AnalyzeOptions, Context

    return Context(options=AnalyzeOptions(tasks=("completeness",), related=related), so_far=Report())


@pytest.mark.parametrize("document", [DOCUMENT, "", "完全无关的一段文字，讲的是天气。" * 5])
def test_stored_result_plus_copy_ratio_equals_a_full_rerun(component, document):
    interp, doc = Document(text=INTERPRETATION), Document(text=document)
    full = component(interp, _ctx(related=doc)).completeness
    stored = component(interp, _ctx()).completeness
    fast = component.with_related(stored, interp, doc)
    assert fast == full
    if document == DOCUMENT:
        assert fast.copy_ratio is not None and fast.copy_ratio > 0.3  # the copied articles are found


def test_too_little_text_has_no_copy_ratio():
    res = CompletenessResult(score=None, form="graphic", message="too little text")
    assert with_copy_ratio(res, "图解", DOCUMENT).copy_ratio is None


def test_worker_relate_uses_the_stored_result(component, monkeypatch):
    """The scan worker takes the shortcut when pass 2 hands it the stored result (same JSON as a re-run)."""
    from nlp.scan import worker

    worker.init_worker(worker_process=False, tasks=("completeness",))
    interp, doc = Document(text=INTERPRETATION), Document(text=DOCUMENT)
    stored = component(interp, _ctx()).completeness.model_dump_json()
    slow = worker.relate(interp.model_dump_json(), doc.model_dump_json())
    calls = []
    pipe = worker._pipeline()
    monkeypatch.setattr(pipe, "analyze", lambda *a, **k: calls.append(a))  # must not be called
    fast = worker.relate(interp.model_dump_json(), doc.model_dump_json(), stored)
    assert not calls
    assert CompletenessResult.model_validate_json(fast) == CompletenessResult.model_validate_json(slow)
