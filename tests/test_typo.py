"""Typo layer: the shipped model on hand-written sentences, and the pure core on a toy model.

Sentences here are written for the tests (not corpus text). The model tests skip when models/typo has not been
built (`govlint train typo`); the evaluation-slice test needs ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.schema import Document, Finding, Partial
from nlp.wording.typo_model import (
    RunInfo,
    TypoResources,
    candidate_features,
    cjk_runs,
    name_protected,
    segment_score,
)

MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.fixture(scope="module")
def checker():
    if not (MODELS / "typo" / "typo_lm.npz").exists():
        pytest.skip("models/typo not built; run `govlint train typo`")
    from nlp.wording.typo import load

    return load(MODELS)


# ---- the shipped model -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,wrong,right,rule",
    [
        ("会议要求，各单位要认真做好工作布署，确保按期完成。", "布", "部", "typo.confusion_lm"),
        ("各单位要严格执行财政拔款制度。", "拔", "拨", "typo.confusion_lm"),
        ("请各地认真贯彻落实，确保取得时效。", "时", "实", "typo.confusion_lm"),
        ("加快推进城乡桂花编制工作，确保按期完成。", "桂花", "规划", "typo.homophone_word"),
    ],
)
def test_flags_wrong_character_with_offsets_and_suggestion(checker, text, wrong, right, rule):
    found = checker.check(text)
    assert len(found) == 1, found
    f = found[0]
    assert isinstance(f, Finding) and f.category == "typo" and f.severity == "warning"
    assert text[f.start : f.end] == f.text == wrong
    assert f.suggestion == right
    assert f.rule.startswith(rule)
    assert right in f.message and 0.5 <= f.confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "市人民政府办公室关于印发三明市促进数字经济发展若干措施的通知",
        "我们要坚持以人民为中心的发展思想，推动高质量发展。",
        "本办法自发布之日起施行，有效期五年。",
        "局长，陈力夫为三明市人民政府副市长。",  # an invented official's name after a title
        "2024年GDP增长5.2%，CPI同比上涨0.2%。",
    ],
)
def test_clean_text_gives_no_finding(checker, text):
    assert checker.check(text) == []


def test_long_document_offsets_index_the_text(checker):
    para = "各地区各部门要高度重视，加强组织领导，狠抓工作落实。\n"
    text = para * 300 + "要认真做好防汛抗旱各项工作布署。\n" + para * 300
    found = checker.check(text)
    assert [(text[f.start : f.end], f.suggestion) for f in found] == [("布", "部")]
    assert found[0].start == len(para) * 300 + text[len(para) * 300 :].index("布署")


@pytest.mark.parametrize("text", ["", "12345 abc ...", "\x00\ufffd\n\n", "。" * 1000, "的" * 5000, "𠀀𠀁㐀" * 50, None])
def test_bad_input_never_crashes(checker, text):
    assert isinstance(checker.check(text), list)


def test_component_form_returns_partial(checker):
    p = checker(Document(text="各单位要严格执行财政拔款制度。"), None)
    assert isinstance(p, Partial) and [f.suggestion for f in p.findings] == ["拨"]


def test_missing_model_says_how_to_build(tmp_path):
    from nlp.wording.typo import load

    with pytest.raises(FileNotFoundError, match="govlint train typo"):
        load(tmp_path)


@pytest.mark.slow
def test_held_out_slice_precision_and_false_alarms(checker, shared):
    """A slice of the held-out halves: precision well above the 0.7 floor, few false alarms on clean text."""
    esp = json.loads((shared / "csc" / "csc_espell_odw.train").read_text(encoding="utf-8"))
    esp = esp[len(esp) // 2 :][:300]
    acc = json.loads((shared / "csc" / "acc_xxqg.tet.json").read_text(encoding="utf-8"))
    acc = acc[len(acc) // 2 :][:600]
    tp = fp = 0
    for r in esp:
        if checker.check(r["source"]):
            if r["label"] != "0" or r["source"] != r["target"]:
                tp += 1
            else:
                fp += 1
    assert tp >= 50 and tp / (tp + fp) >= 0.8
    flagged = sum(bool(checker.check(r["original_text"])) for r in acc)
    assert flagged / len(acc) <= 0.01


# ---- the pure core on a toy model ----------------------------------------------------------------


@pytest.fixture(scope="module")
def toy():
    lexicon = {"工作": 5000, "部署": 3000, "布": 800, "部": 4000, "署": 300, "工": 900, "作": 900, "做": 900,
               "好": 2000, "做好": 2500, "布置": 600}
    ngrams = [{}, {c: 10 for c in "做好工作部署"}, {"工作": 5, "部署": 4, "作部": 2}, {"工作部": 2, "作部署": 2},
              {"工作部署": 2}]
    conf = {"布": {"部": "pinyin", "步": "pinyin"}, "部": {"布": "pinyin"}}
    return TypoResources(lexicon=lexicon, ngrams=ngrams, confusion=conf, names={"杜家毫"})


def test_cjk_runs_split_on_everything_else():
    assert cjk_runs("abc关于2024年度的通知。好") == [(3, "关于"), (9, "年度的通知"), (15, "好")]


def test_segmentation_prefers_known_words(toy):
    assert segment_score(toy, "做好工作部署")[1] == ["做好", "工作", "部署"]


def test_candidate_must_complete_a_word_and_raise_both_models(toy):
    run = "做好工作布署"
    cands = candidate_features(toy, run, 4, prune=False, info=RunInfo(toy, run))
    assert [c.cand for c in cands] == ["部"]  # 步 is confusable but forms no word here
    f = dict(zip(__import__("nlp.wording.typo_model", fromlist=["FEATURES"]).FEATURES, cands[0].feats))
    assert f["d_word"] > 0 and f["d_char"] > 0 and f["cand_word_len"] == 2
    assert candidate_features(toy, "做好工作部署", 4, prune=False) == []  # 布 would break 部署


def test_known_names_are_protected(toy):
    assert name_protected(toy, "省委书记杜家毫同志", 5)
    assert name_protected(toy, "副部长冀萌新宣读", 4)  # surname after a title
    assert not name_protected(toy, "做好工作布署", 4)


def test_threshold_choice_respects_false_alarm_cap():
    from training.typo import choose_thresholds

    err1 = [0.95, 0.9, 0.2, 0.85, 0.1]
    labels = [1, 1, 1, 0, 0]
    clean1 = [0.0] * 995 + [0.99, 0.97, 0.8, 0.6, 0.5]
    t1, t2, info = choose_thresholds(err1, [0.0] * 5, labels, clean1, [0.0] * 1000)
    assert info["tune_false_alarm"] <= 0.003 and info["tune_precision"] >= 0.75
    assert t1 > 0.85  # 0.85 would flag the clean 公文 sentence and break the precision floor


def test_huge_input_is_cut_and_says_so(checker):
    text = "各单位要严格执行财政拔款制度。" * 10
    found, cut = checker.check_with_status(text, max_chars=20)
    assert cut and [f.start for f in found] == [10]
    assert checker.check_with_status(text)[1] is False


def test_memoised_scoring_matches_the_reference_path(checker):
    """typo_fast must give exactly the candidates (features included) of the plain typo_model functions,
    at every position, whether the window memo is cold or warm and whatever the run length."""
    from nlp.wording.typo_fast import LocalCache
    from nlp.wording.typo_model import pair_candidates

    res = checker.res
    cache = LocalCache(res)
    runs = ["会议要求各单位要认真做好工作布署确保按期完成", "加快推进城乡桂花编制工作", "各单位要严格执行财政拔款制度",
            "请各地认真贯彻落实确保取得时效", "做好工作布署", "布署", "时效"]
    for rep in range(2):  # second pass hits the memo
        for run in runs + [runs[0] * 3]:
            info = RunInfo(res, run)
            for i in range(len(run)):
                want = [(c.cand, c.ctype, c.span, c.feats) for c in candidate_features(res, run, i, info=info)]
                got = [(c.cand, c.ctype, c.span, c.feats) for c in cache.candidates(run, i, info)]
                assert got == want, (rep, run, i)
                want_p = [(c.cand, c.feats) for c in pair_candidates(res, run, i, info)]
                got_p = [(c.cand, c.feats) for c in cache.pair_candidates(run, i, info)]
                assert got_p == want_p, (rep, run, i)


def test_low_confidence_typos_are_info_not_warnings(checker):
    from nlp.wording.typo import WARN_CONFIDENCE, _finding
    from nlp.wording.typo_model import Candidate

    c = Candidate(pos=0, orig="拔", cand="拨", ctype="stroke", feats=[], span=(0, 2))
    assert _finding(0, 1, c, WARN_CONFIDENCE + 0.01, "r", "m").severity == "warning"
    assert _finding(0, 1, c, WARN_CONFIDENCE - 0.01, "r", "m").severity == "info"
    sure = checker.check("各单位要严格执行财政拔款制度。")
    assert [(f.text, f.severity) for f in sure] == [("拔", "warning")] and sure[0].confidence >= WARN_CONFIDENCE
