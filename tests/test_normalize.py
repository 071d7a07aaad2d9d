"""Normalisation (offset map, traditional->simplified, pinyin glue, width, pipes, chrome, mojibake) and
plain-text metadata. All inputs are written here; nothing comes from ../shared."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import metadata as M
from nlp.normalize import find_mojibake, is_mostly_traditional, normalize, normalize_with_map
from nlp.schema import Document


def _check_map(src: str, norm: str, offs: list[int]) -> None:
    assert len(offs) == len(norm) + 1
    assert offs[-1] == len(src)
    assert all(0 <= o <= len(src) for o in offs)
    assert all(a <= b for a, b in zip(offs, offs[1:])), "offsets must not go backwards"


# ---------------------------------------------------------------- offset map


def test_offsets_point_at_the_submitted_characters():
    src = "　　关于加强 工作的通知\r\n\r\n\r\n各单位：  现将有关事项通知如下。\n"
    norm, offs, _ = normalize_with_map(src)
    assert norm == "关于加强 工作的通知\n各单位： 现将有关事项通知如下。"
    _check_map(src, norm, offs)
    i = norm.index("各单位")
    assert src[offs[i] : offs[i] + 3] == "各单位"
    doc = Document(text=norm, source_offsets=offs)
    s, e = doc.to_source(i, i + 3)
    assert src[s:e] == "各单位"


def test_offsets_survive_pinyin_removal_and_conversion():
    src = "標題\n關(guān)于加強(qiáng)政務(wù)公開工作的通知"
    norm, offs, warnings = normalize_with_map(src)
    assert norm == "标题\n关于加强政务公开工作的通知"
    _check_map(src, norm, offs)
    i = norm.index("公开")
    assert src[offs[i] : offs[i] + 2] == "公開"
    codes = {w.code for w in warnings}
    assert {"pinyin_removed", "traditional_converted"} <= codes


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("关于工作關於(guān)（）|| \t\u3000\n\r２ＡaA，。?▍\ufffd扫一扫打印关闭")), max_size=80))
def test_offset_map_invariants_on_random_text(src):
    norm, offs, warnings = normalize_with_map(src)
    _check_map(src, norm, offs)
    for w in warnings:
        if w.start is not None:
            assert 0 <= w.start < w.end <= len(norm)


# ---------------------------------------------------------------- characters


def test_pinyin_annotations_removed_only_when_toned_syllables():
    assert normalize("關(guān)于") == "关于"
    assert normalize("各地区（qū）") == "各地区"
    assert normalize("北京（Běijīng City）") == "北京（Běijīng City）"  # not a glued single syllable
    assert normalize("助词(de)的用法") == "助词(de)的用法"  # untoned: left alone


def test_simplified_text_with_a_variant_char_is_untouched():
    src = "乾隆年间的档案於2020年整理完毕，现就有关工作通知如下。"
    assert not is_mostly_traditional(src)
    assert normalize(src) == src


def test_traditional_text_is_converted():
    src = "國務院辦公廳關於進一步加強政務公開工作的意見"
    assert is_mostly_traditional(src)
    assert normalize(src) == "国务院办公厅关于进一步加强政务公开工作的意见"


def test_full_width_letters_digits_to_half_width_punctuation_kept():
    assert normalize("２０２１年ＡＢＣ级，（一）：〔２０２１〕") == "2021年ABC级，（一）：〔2021〕"


def test_table_pipes_and_blank_lines_cleaned():
    src = "当前位置：首页 > |\n|\n湖州市年度报告 | |||||||\n||||||||\n正文第一段。\n\n\n正文第二段。"
    assert normalize(src) == "当前位置：首页 >\n湖州市年度报告\n正文第一段。\n正文第二段。"


@pytest.mark.parametrize(
    "line",
    ["【打印本页】【关闭窗口】", "扫一扫在手机打开当前页", "分享到：微信 微博 QQ空间", "字号：大 中 小", "浏览次数：1024",
     "打印 关闭 ||||||||", "扫描二维码 关注我们", "本文链接:http://example.com/a.html",
     "版权所有：青山市人民政府办公室 闽ICP备00000000号", "主办：青山市人民政府办公室 地址：人民路1号", "网站标识码：0000000000"],
)
def test_chrome_lines_removed(line):
    assert normalize(f"正文第一段。\n{line}\n正文第二段。") == "正文第一段。\n正文第二段。"


def test_sentences_mentioning_chrome_words_kept():
    src = "依法关闭非法小煤矿。\n请打印申请表后到窗口办理。\n主办单位要做好会务保障。"
    assert normalize(src) == src


# ---------------------------------------------------------------- mojibake


def test_mojibake_reported_with_position_in_normalised_text():
    src = "結合第三方評估(gū)結果，各?。▍^(qū)、市)情況如下"
    norm, _, warnings = normalize_with_map(src)
    moj = [w for w in warnings if w.code == "mojibake"]
    assert len(moj) == 1
    assert norm[moj[0].start : moj[0].end] == "?。▍^"


@pytest.mark.parametrize(
    "bad",
    ["报告\ufffd\ufffd结果", "关于" + "政府工作报告".encode("utf-8").decode("gbk", "replace")[:6] + "的说明",
     "文件ÖÐÎÄ名称", "锟斤拷锟斤拷", "标题" + "关于政务公开".encode("gbk").decode("latin-1"),
     "标题" + "关于政务公开".encode("utf-8").decode("latin-1")],
)
def test_mojibake_kinds(bad):
    assert find_mojibake(bad), bad


def test_mojibake_latin1_span_covers_the_damage():
    bad = "关于政务公开".encode("gbk").decode("latin-1")
    norm, _, warnings = normalize_with_map(f"通知：{bad}工作")
    moj = [w for w in warnings if w.code == "mojibake"]
    assert moj and norm[moj[0].start : moj[0].end] in bad and moj[0].end - moj[0].start >= len(bad) - 2


def test_clean_text_has_no_mojibake():
    clean = ("为深入贯彻落实党中央、国务院决策部署，进一步加强政务公开工作，现就有关事项通知如下。一、提高认识。"
             "各地区各部门要充分认识政务公开的重要意义（详见附件1），确保按期完成任务？（二）责任分工。"
             "温度控制在20°C±2°C，阿卜杜拉·买买提同志，“双随机、一公开”。")
    assert find_mojibake(clean) == []


# ---------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    "line,expected",
    [("鄂政办电〔2021〕11号", "鄂政办电〔2021〕11号"), ("甘政办发〔2017〕136号", "甘政办发〔2017〕136号"),
     ("明政办规〔2025〕3号", "明政办规〔2025〕3号"), ("鄂政办电[2021]11号", "鄂政办电[2021]11号"),
     ("甘政办发(2017)136号", "甘政办发(2017)136号"), ("青政办〔21〕第5号", "青政办〔21〕第5号"),
     ("国务院令第707号", "国务院令第707号")],
)
def test_fileno_variants_extracted(line, expected):
    text = f"青山市人民政府办公室关于做好防汛工作的通知\n{line}\n各县（区）人民政府："
    assert M.find_fileno(text) == expected


def test_cited_fileno_is_not_the_documents_own():
    text = "关于做好防汛工作的通知\n各单位：\n根据《防汛办法》（青政办〔2020〕3号）要求，现通知如下。"
    assert M.find_fileno(text) is None


def test_fileno_line_with_book_title_names_the_title():
    text = ("免费看片_在线观看_高清无码_最新影院\n青政办〔2024〕6号《青山市人民政府办公室关于做好防汛工作的通知》\n"
            "青山市人民政府办公室关于做好防汛工作的通知\n青政办〔2024〕6号\n各县（区）人民政府：")
    assert M.find_title(text) == "青山市人民政府办公室关于做好防汛工作的通知"
    assert M.find_fileno(text) == "青政办〔2024〕6号"


def test_spam_title_never_wins_even_alone_above():
    text = "赌场_真人娱乐_在线投注_开户送彩金\n欢迎访问本网站！\n关于开展安全生产大检查的通知\n各乡镇："
    assert M.find_title(text) == "关于开展安全生产大检查的通知"


def test_title_broken_over_two_lines_is_joined():
    text = "国务院办公厅关于推广第二批\n支持创新相关改革举措的通知\n国办发〔2018〕126号\n各省、自治区："
    assert M.find_title(text) == "国务院办公厅关于推广第二批支持创新相关改革举措的通知"


def test_news_headline_without_keywords_falls_back_to_first_plausible_line():
    assert M.find_title("青山市召开春季植树造林推进会\n3月7日，青山市召开推进会。") == "青山市召开春季植树造林推进会"


@pytest.mark.parametrize(
    "tail,expected",
    [("青山市人民政府办公室\n2021年3月9日", "2021-03-09"), ("青山市人民政府办公室\n二〇二一年三月九日", "2021-03-09"),
     ("青山市人民政府办公室 2020年12月31日\n（此件公开发布）", "2020-12-31"), ("青山市人民政府\n二〇二〇年十二月三十一日", "2020-12-31")],
)
def test_written_date_from_signature(tail, expected):
    text = f"关于做好防汛工作的通知\n各单位：\n2021年1月5日召开了会议，现通知如下。\n一、加强值守。\n{tail}"
    sig = M.find_signature(text)
    assert sig.written == expected
    assert sig.publisher and sig.publisher.startswith("青山市人民政府")


def test_date_inside_a_sentence_is_not_the_signature():
    assert M.find_written("关于做好防汛工作的通知\n各单位：\n会议定于2021年3月9日召开。") is None


@pytest.mark.parametrize(
    "s,iso",
    [("2021年3月9日", "2021-03-09"), ("2021-03-22 20:06:56", "2021-03-22"), ("2018.05.29", "2018-05-29"),
     ("二〇二一年三月九日", "2021-03-09"), ("2021年2月30日", None), ("", None), ("无", None)],
)
def test_parse_date(s, iso):
    assert M.parse_date(s) == iso


def test_published_source_column_from_text():
    text = "当前位置：首页 > 政务公开 > 政策解读\n关于某某的解读\n发布时间：2024-03-08 来源：青山市林业局\n正文。"
    f = M.extract(text)
    assert f["published"] == "2024-03-08"
    assert f["source"] == "青山市林业局"
    assert f["column"] == "政务公开 > 政策解读"


@pytest.mark.parametrize(
    "evil",
    ["x" + " " * 300_000 + "x", "|" + " " * 300_000 + "x", "|" * 300_000 + "x", "x" + "\u3000 " * 150_000 + "|x",
     "?" + "a" * 300_000, "?。" + "A" * 300_000, "(a" * 150_000, "时间:" * 100_000],
)
def test_no_quadratic_regex_on_long_runs(evil):
    """A hang guard, not a speed claim: each pass must stay linear on 300k-character runs."""
    import time

    t0 = time.perf_counter()
    norm, offs, _ = normalize_with_map(evil)
    M.extract(norm)
    assert time.perf_counter() - t0 < 10
    assert len(offs) == len(norm) + 1


def test_attachment_names_from_text():
    text = ("关于做好防汛工作的通知\n各单位：\n现将有关事项通知如下。\n附件：1.防汛责任人名单\n2.应急物资清单\n"
            "青山市人民政府办公室\n2024年5月6日")
    assert M.find_attachments(text) == ["防汛责任人名单", "应急物资清单"]
    assert M.find_attachments("附件2：值班表。\n正文") == ["值班表"]
    assert M.find_attachments("没有附件的正文。") == []
