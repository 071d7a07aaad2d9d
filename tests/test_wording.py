"""Wording checker: each rule family on hand-written sentences (positives and the false-alarm traps)."""

from __future__ import annotations

import pytest

from nlp.pipeline import AnalyzeOptions, Context
from nlp.schema import Document, Report


@pytest.fixture(scope="module")
def checker():
    from nlp.wording import build_checker

    return build_checker(None)


def rules(checker, text, **doc):
    return [(f.category, f.severity, f.text, f.rule.split(":")[0]) for f in checker.check_text(text, Document(text=text, **doc))]


def serious_or_warning(checker, text, **doc):
    return [f for f in checker.check_text(text, Document(text=text, **doc)) if f.severity != "info"]


@pytest.mark.parametrize("text,expect", [
    ("本次会议由杜家豪同志主持。", "杜家豪"),
    ("坚持中华人民共合国宪法。", "中华人民共合国"),
    ("庆祝中国共产常成立一百周年。", "中国共产常"),
    ("高举习近平近新时代中国特色社会主义思想伟大旗帜。", "习近平近新时代中国特色社会主义思想"),
    ("坚持一国两治方针。", "一国两治"),
    ("深入学习习总书记的重要讲话。", "习总书记"),
    ("台湾总统发表讲话。", "台湾总统"),
])
def test_political_positive(checker, text, expect):
    found = [f for f in checker.check_text(text) if f.category == "political" and f.severity == "serious"]
    assert any(f.text == expect for f in found), found
    f = next(f for f in found if f.text == expect)
    assert text[f.start:f.end] == expect and f.rule and f.message


@pytest.mark.parametrize("text", [
    "认真学习总书记重要讲话精神。",
    "坚持以习近平新时代中国特色社会主义思想为指导。",
    "科学的发展观引导正确的政绩观。",
    "车辆开往沪宁高速公路。",
    "他主持建立健全人民代表大会制度。",
    "中华民国成立于1912年，孙中山任临时大总统。",
    "习近平新时代中国特色社会主义经济思想是重要组成部分。",
])
def test_political_negative(checker, text):
    assert not [f for f in checker.check_text(text) if f.category == "political"], checker.check_text(text)


def test_leader_order_and_core_values(checker):
    assert any(f.rule == "political.leader_order" for f in checker.check_text("习近平、赵乐际、李强、王沪宁等出席。"))
    assert not any(f.rule == "political.leader_order" for f in checker.check_text("习近平、李强、赵乐际、王沪宁等出席。"))
    bad = "富强、民主、文明、和谐，自由、平等、法治、公正，爱国、敬业、诚信、友善"
    good = "富强、民主、文明、和谐，自由、平等、公正、法治，爱国、敬业、诚信、友善"
    assert any(f.rule == "political.core_values_order" for f in checker.check_text(bad))
    assert not checker.check_text(good)


def test_institution_outdated_and_historical(checker):
    f = checker.check_text("请向国家工商行政管理总局咨询。")
    assert f and f[0].category == "institution" and f[0].suggestion == "国家市场监督管理总局"
    assert not checker.check_text("2016年，国家工商行政管理总局开展了专项检查。")
    assert not checker.check_text("请向国家工商行政管理总局咨询。", Document(text="x", published="2017-05-01"))
    assert not checker.check_text("各地农业部门要加强指导。")
    assert not checker.check_text("原国家工商行政管理总局的职责划入新部门。")


@pytest.mark.parametrize("text", ["严厉打击赌博违法犯罪活动。", "开展禁毒宣传进社区活动。", "这真是个大麻烦。",
                                  "计算累积分布函数。", "公安机关查获冰毒50克。", "澳门博彩业收入下降。",
                                  "工业大麻种植面积约500亩，价格稳定。", "手枪射击项目在市体育中心举行，欢迎下载APP报名。",
                                  "冰毒的危害极大，如有线索请联系派出所。"])
def test_sensitive_context_negative(checker, text):
    assert not [f for f in checker.check_text(text) if f.category == "sensitive"]


def test_sensitive_solicit_positive(checker):
    f = [x for x in checker.check_text("出售冰毒，联系微信12345。") if x.category == "sensitive"]
    assert f and f[0].severity == "serious" and f[0].text == "冰毒"


def test_spam(checker):
    f = checker.check_text("必威体育app官网:2022年政务公开考评情况")
    assert f and f[0].category == "spam" and f[0].text.startswith("必威")
    title = "日韩精品一区二区_亚洲无码在线观看_婷婷五月激情综合"
    f = checker.check_text(title + "\n关于做好政务公开工作的通知")
    assert f and f[0].rule == "spam.porn_title" and f[0].severity == "serious"
    assert not checker.check_text("拨开云雾见天日。市民在半岛体育馆观看比赛，打造国产精品剧。")


def test_typo_rules(checker):
    found = {f.text: f.suggestion for f in checker.check_text("财政拔款到位，布署工作，再接再励。我们的的工作。")}
    assert found == {"拔款": "拨款", "布署": "部署", "再接再励": "再接再厉", "的的": "的"}
    assert not checker.check_text("我们常常研究研究，人人参与，达到目的的手段，针对对象，研究所所长，为了了解情况。")


def test_format_wenhao_and_dates(checker):
    t = "根据明政办[2022]02号和国发〔2020〕第5号、闽政〔22〕3号，国办发〔2016〕80号。"
    found = {f.text: f for f in checker.check_text(t) if f.category == "format"}
    assert any(k.endswith("[2022]02号") for k in found)
    assert any(k.endswith("〔2020〕第5号") for k in found)
    assert any(k.endswith("〔22〕3号") for k in found)
    assert not any(k.endswith("〔2016〕80号") for k in found)
    assert any(f.rule.startswith("format.date.impossible") for f in checker.check_text("2023年2月30日"))
    assert not checker.check_text("2024年2月29日")


def test_interpretation_before_document(checker):
    doc = Document(text="关于《某某办法》的解读", published="2024-01-02")
    rel = Document(text="某某办法", written="2024-01-05")
    comp = checker
    part = comp(doc, Context(options=AnalyzeOptions(related=rel), so_far=Report()))
    assert any(f.rule == "format.date.interpretation_before_document" for f in part.findings)


def test_garbled_from_ingestion(checker):
    from nlp.schema import Issue

    doc = Document(text="各省（區、市）?。▍^(qū)", warnings=[Issue(code="mojibake", message="bad bytes", start=7, end=12)])
    part = checker(doc, Context(options=AnalyzeOptions(), so_far=Report()))
    assert [f.category for f in part.findings] == ["garbled"]


def test_extra_lexicon_and_allow(checker, tmp_path):
    lex = tmp_path / "extra.txt"
    lex.write_text("# test list\n示例违禁词\tsensitive\tserious\t\tnote here\n", encoding="utf-8")
    allow = tmp_path / "allow.txt"
    allow.write_text("布署\n", encoding="utf-8")
    doc = Document(text="这里有示例违禁词，还有布署。")
    part = checker(doc, Context(options=AnalyzeOptions(extra={"lexicons": [str(lex)], "allow": str(allow)}), so_far=Report()))
    rules_fired = [f.rule for f in part.findings]
    assert any(r.startswith("extra:extra.txt:2:") for r in rules_fired)
    assert not any(r.startswith("typo.misspelling:布署") for r in rules_fired)
    part = checker(doc, Context(options=AnalyzeOptions(extra={"lexicons": [str(tmp_path / "missing.txt")]}), so_far=Report()))
    assert any(w.code == "lexicon_unreadable" for w in part.warnings)


def test_offsets_and_bad_input(checker):
    text = "一\n二〔2023〕05号\n" * 3
    for f in checker.check_text(text):
        assert text[f.start:f.end] == f.text
    assert checker.check_text("") == []
    assert isinstance(checker.check_text("\x00\ufffd" * 1000), list)


def test_typo_layer_failure_is_a_warning(monkeypatch, tmp_path):
    import nlp.wording as w

    def broken(models_dir):
        return None, "RuntimeError: model file corrupt"

    monkeypatch.setattr(w, "_load_typo_model", broken)
    comp = w.load(tmp_path)
    part = comp(Document(text="财政拔款到位。"), Context(options=AnalyzeOptions(), so_far=Report()))
    assert any(x.code == "typo_layer_unavailable" for x in part.warnings)
    assert [f.rule for f in part.findings] == ["typo.misspelling:拔款"]


def test_pipeline_runs_wording(pipeline):
    from nlp.pipeline import AnalyzeOptions as Opts

    rep = pipeline.analyze(Document(text="请向国家工商行政管理总局咨询。"), Opts(tasks=("wording",)))
    assert rep.findings and rep.findings[0].category == "institution"


def test_title_spam_outside_body(checker):
    doc = Document(text="关于做好政务公开工作的通知。", title="必威体育app官网_关于做好政务公开工作的通知")
    part = checker(doc, Context(options=AnalyzeOptions(), so_far=Report()))
    f = [x for x in part.findings if x.category == "spam"]
    assert f and f[0].start == f[0].end == 0 and f[0].text.startswith("必威") and f[0].message.startswith("标题")


def test_weekday_and_future_dates(checker):
    f = checker.check_text("会议定于2024年5月6日（星期日）召开。")
    assert any(x.rule.startswith("format.date.weekday") and "星期一" in x.message for x in f)
    assert not checker.check_text("会议定于2024年5月6日（星期一）召开。")
    f = checker.check_text("三明市人民政府\n2099年1月5日", Document(text="x", published="2024-01-02"))
    assert any(x.rule == "format.date.after_publication" for x in f)
    assert not checker.check_text("本办法自2099年1月5日起施行。", Document(text="x", published="2024-01-02"))


def test_institution_undated_page_uses_latest_year(checker):
    old = "根据2016年工作安排，环境保护部牵头，农业部配合。\n各部门要抓好落实。"
    assert not [f for f in checker.check_text(old) if f.category == "institution"]
    new = "根据2024年工作安排，请与环境保护部联系。"
    assert [f for f in checker.check_text(new) if f.category == "institution"]
