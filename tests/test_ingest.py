"""Ingestion: every format, every charset, records, and every hostile input (generated in tmp_path).

Fixtures are self-written (data/fixtures/ingest/); nothing here reads ../shared.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.ingest import from_record, ingest_bytes, ingest_html, ingest_path, ingest_text
from nlp.ingest.limits import MAX_DOCX_UNCOMPRESSED, MAX_INPUT_BYTES
from nlp.schema import Document

FIX = Path(__file__).resolve().parent.parent / "data" / "fixtures" / "ingest"
SAMPLE = FIX.parent / "sample_draft.txt"
CHROME = ("扫一扫", "打印本页", "关闭窗口", "分享到", "主办：", "网站首页", "互动交流", "浏览次数")

NOTICE = ("青山市人民政府办公室关于做好防汛工作的通知\n青政办〔2024〕9号\n各县（区）人民政府，市直各单位：\n"
          "为做好今年防汛工作，经市人民政府同意，现就有关事项通知如下。\n一、加强值班值守。\n二、及时发布预警。\n"
          "青山市人民政府办公室\n2024年5月6日")


def _traditional(text: str) -> str:
    """The notice as a Big5 site would publish it: traditional characters, ASCII brackets for 〔〕."""
    from opencc import OpenCC

    return OpenCC("s2tw").convert(text).replace("〔", "[").replace("〕", "]")


def _codes(doc: Document) -> set[str]:
    return {e.code for e in doc.errors}


# ---------------------------------------------------------------- HTML


def test_cms_page_metadata_body_links_and_no_chrome():
    doc = ingest_path(FIX / "trs_page.html")
    assert not doc.errors
    assert doc.format == "html"
    assert doc.title == "青山市人民政府办公室关于做好2024年春季植树造林工作的通知"
    assert doc.fileno == "青政办〔2024〕6号"
    assert doc.written == "2024-02-28"
    assert doc.published == "2024-03-05"
    assert doc.publisher == "青山市人民政府办公室"
    assert doc.source == "青山市林业局"
    assert doc.column == "政务公开 > 市政府办文件"
    assert doc.text.startswith("青山市人民政府办公室关于做好2024年春季植树造林工作的通知\n青政办〔2024〕6号\n")
    assert "东城区 12000" in doc.text  # table rows become lines
    for w in CHROME:
        assert w not in doc.text, w
    assert any(lk.text == "《青山市林木种苗管理办法》" for lk in doc.links)
    assert [a.name for a in doc.attachments] == ["2024年春季植树造林任务表"]
    assert "\n\n" not in doc.text


@pytest.mark.parametrize("with_zoom", [True, False])
def test_list_style_metadata_gbk_page_declared_gb2312(with_zoom):
    """<li><b>文号：</b>…</li> metadata, a page declaring gb2312 but using GBK characters, and (without #zoom) a
    generic container that holds the metadata block, title, info line, share and prev/next links."""
    html = (FIX / "ucap_page.html").read_text(encoding="utf-8")
    if not with_zoom:
        html = html.replace('<div id="zoom" class="article-content">', "<div>")
    doc = ingest_bytes(html.encode("gb18030"), name="page.html")
    assert not doc.errors
    assert doc.title == "关于印发《青山市城乡居民医疗救助办法》的通知"
    assert doc.fileno == "青政规〔2023〕4号"
    assert (doc.written, doc.published) == ("2023-06-02", "2023-06-09")
    assert doc.publisher == "青山市人民政府" and doc.source == "青山市医疗保障局"
    assert doc.column == "信息公开 > 政策文件 > 规范性文件"
    assert "第三条 本办法自2023年7月1日起施行" in doc.text
    for w in ("索引号", "发布时间", "分享到", "上一篇", "下一篇", "相关解读", "版权所有", "字号", "繁體"):
        assert w not in doc.text, w


def test_hidden_dark_links_are_reported():
    html = (FIX / "trs_page.html").read_text(encoding="utf-8").replace(
        '<div class="footer">',
        '<div style="position:absolute; left:-9999px"><a href="http://bad.example/1">友情链接</a></div>'
        '<p style="DISPLAY: none"><a href="http://bad.example/2">在线投注</a></p><div class="footer">')
    doc = ingest_html(html)
    hidden = {w.code: w.message for w in doc.warnings if w.code in ("hidden_links", "hidden_spam")}
    assert "bad.example/1" in hidden["hidden_links"]  # off-screen link: suspicious whatever its text
    assert "bad.example/2" in hidden["hidden_spam"] and "投注" in hidden["hidden_spam"]  # hidden + gambling words
    clean = ingest_path(FIX / "trs_page.html").warnings
    assert not [w for w in clean if w.code in ("hidden_links", "hidden_spam")]
    menu = ingest_html(html.replace('<div style="position:absolute; left:-9999px">', "<div>").replace(
        "在线投注", "机构设置"))  # a menu hidden with display:none is not spam
    assert not [w for w in menu.warnings if w.code in ("hidden_links", "hidden_spam")]


def test_icon_font_glyphs_are_not_text_or_mojibake():
    html = ("<html><body><div class='TRS_Editor'><p>关于做好防汛工作的通知<i class='iconfont'>\ue003</i></p>"
            "<p>各单位：现将有关事项通知如下（2016─2019年），请认真贯彻执行。</p></div></body></html>")
    doc = ingest_html(html)
    assert "\ue003" not in doc.text and not [w for w in doc.warnings if w.code == "mojibake"]


def test_metadata_cells_broken_over_lines_are_joined():
    html = ("<html><body><table><tr><td>标　题：</td><td>青山市人民政府关于做好\n   防汛工作的通知</td></tr>"
            "<tr><td>发文字号：</td><td>青政〔2024〕 1号</td></tr></table>"
            "<div class='TRS_Editor'><p>各单位：现将有关事项通知如下，请认真贯彻执行。</p></div></body></html>")
    doc = ingest_html(html)
    assert (doc.title, doc.fileno) == ("青山市人民政府关于做好防汛工作的通知", "青政〔2024〕1号")


@pytest.mark.parametrize("headline", ["关于做好防汛工作的通知", "青山市召开防汛工作会议"])
def test_headline_not_the_site_logo_and_date_from_url(headline):
    html = (f"<html><head><title>{headline}_青山市人民政府</title></head><body>"
            "<div class='header'><h1 class='logo'>青山市人民政府</h1></div>"
            f"<div class='main-right con_right'><h1>{headline}</h1><div class='TRS_Editor'><p>各单位：现将有关事项通知如下，请认真贯彻执行。</p>"
            "</div></div></body></html>")
    doc = ingest_html(html, url="http://www.qs.gov.cn/zwgk/202406/t20240625_1.html")
    assert doc.title == headline
    assert doc.published == "2024-06-25"


def test_plain_text_saved_as_html_and_text_directly_in_body():
    doc = ingest_bytes(NOTICE.encode("utf-8"), name="notice.html")
    assert not doc.errors and doc.fileno == "青政办〔2024〕9号" and doc.written == "2024-05-06"
    html = "<html><body><div>" + NOTICE.replace("\n", "<br>") + "</div><div class='foot'>版权所有：青山市人民政府</div></body></html>"
    doc = ingest_html(html)
    assert not doc.errors and doc.title == "青山市人民政府办公室关于做好防汛工作的通知"
    assert "版权所有" not in doc.text and doc.text.endswith("2024年5月6日")


def test_source_line_wraps_and_table_rows():
    html = ("<html><body><div class='TRS_Editor'><p>为做好今年防汛工作，经市人民政府\n   同意，现就\n有关事项通知如下。\nSee more</p>"
            "<table><tr><td><p>序号</p></td><td><p>任务</p><p>（亩）</p></td></tr>"
            "<tr><td><p>1</p></td><td><p>12000</p></td></tr></table></div></body></html>")
    doc = ingest_html(html)
    assert doc.text.split("\n") == ["为做好今年防汛工作，经市人民政府同意，现就有关事项通知如下。 See more", "序号 任务 （亩）", "1 12000"]


def test_links_resolved_against_the_page_url():
    doc = ingest_html((FIX / "trs_page.html").read_text(encoding="utf-8"), url="http://www.qs.gov.cn/zwgk/wj/202403/t1.html")
    hrefs = {lk.href for lk in doc.links}
    assert "http://www.qs.gov.cn/zwgk/wj/202402/t20240201_1.html" in hrefs
    assert doc.attachments[0].href == "http://www.qs.gov.cn/zwgk/wj/202403/P020240305.xlsx"
    assert doc.url == "http://www.qs.gov.cn/zwgk/wj/202403/t1.html"


def test_page_without_known_container_uses_general_extractor():
    doc = ingest_path(FIX / "news_page.html")
    assert not doc.errors
    assert doc.title == "青山市召开春季植树造林工作推进会"
    assert doc.published == "2024-03-08"
    assert doc.source == "青山日报"
    assert "林长" in doc.text and "网站首页" not in doc.text and "友情链接" not in doc.text


@pytest.mark.parametrize("enc", ["gb18030", "gbk", "gb2312", "big5"])
@pytest.mark.parametrize("declared", [True, False])
def test_html_in_chinese_charsets(enc, declared):
    text = NOTICE if enc != "big5" else _traditional(NOTICE)
    paras = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={enc}">' if declared else ""
    html = f"<html><head>{meta}<title>t</title></head><body><div class='TRS_Editor'>{paras}</div></body></html>"
    doc = ingest_bytes(html.encode(enc), name="page.html")
    assert not doc.errors, doc.errors
    assert doc.title == "青山市人民政府办公室关于做好防汛工作的通知"
    assert doc.written == "2024-05-06"
    assert "现就有关事项通知如下" in doc.text


def test_html_with_bom_and_utf16():
    html = "<html><body><div id='zoom'><p>" + NOTICE.replace("\n", "</p><p>") + "</p></div></body></html>"
    for data in (b"\xef\xbb\xbf" + html.encode("utf-8"), html.encode("utf-16")):
        doc = ingest_bytes(data, name="page.htm")
        assert not doc.errors
        assert doc.fileno == "青政办〔2024〕9号"


def test_traditional_page_is_converted_and_flagged():
    html = "<html><body><div class='TRS_Editor'><p>國務院辦公廳關於加強政務公開工作的通知</p><p>各省、自治區人民政府：現將有關事項通知如下。</p></div></body></html>"
    doc = ingest_html(html.encode("big5"))
    assert doc.title == "国务院办公厅关于加强政务公开工作的通知"
    assert "自治区" in doc.text
    assert "traditional_converted" in {w.code for w in doc.warnings}


def test_deeply_nested_html_does_not_crash():
    html = "<html><body>" + "<div>" * 5000 + "关于做好防汛工作的通知。正文内容在这里，足够长的一段文字。" + "</div>" * 5000 + "</body></html>"
    doc = ingest_html(html)
    assert isinstance(doc, Document)
    assert doc.errors or "防汛" in doc.text


# ---------------------------------------------------------------- plain text


def test_plain_text_draft_metadata_and_offsets():
    raw = SAMPLE.read_text(encoding="utf-8")
    doc = ingest_path(SAMPLE)
    assert not doc.errors
    assert doc.format == "text"
    assert doc.fileno == "明政办规〔2025〕3号"
    assert doc.written == "2025-03-12"
    assert doc.title == "三明市人民政府办公室关于进一步加强营商环境建设工作的通知"
    assert doc.publisher == "三明市人民政府办公室"
    i = doc.text.index("布署")
    s, e = doc.to_source(i, i + 2)
    assert raw[s:e] == "布署"


@pytest.mark.parametrize("enc", ["gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be"])
def test_plain_text_in_other_encodings(enc):
    text = _traditional(NOTICE) if enc == "big5" else NOTICE
    doc = ingest_bytes(text.encode(enc), name="draft.txt")
    assert not doc.errors
    assert doc.title == "青山市人民政府办公室关于做好防汛工作的通知"
    assert doc.written == "2024-05-06"


def test_ingest_text_meta_overrides():
    doc = ingest_text(NOTICE, title="自定标题", id="x1")
    assert doc.title == "自定标题" and doc.id == "x1"
    assert doc.fileno == "青政办〔2024〕9号"


# ---------------------------------------------------------------- docx / pdf


def _make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    for line in NOTICE.split("\n")[:4]:
        d.add_paragraph(line)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "县（区）", "任务"
    t.cell(1, 0).text, t.cell(1, 1).text = "东城区", "12000"
    for line in NOTICE.split("\n")[4:]:
        d.add_paragraph(line)
    d.save(str(path))


def test_docx(tmp_path):
    p = tmp_path / "draft.docx"
    _make_docx(p)
    doc = ingest_path(p)
    assert not doc.errors, doc.errors
    assert doc.format == "docx"
    assert doc.fileno == "青政办〔2024〕9号"
    assert doc.written == "2024-05-06"
    assert "东城区 12000" in doc.text
    assert doc.text.index("东城区") < doc.text.index("一、加强值班值守")  # body order kept


def test_docx_xml_part_over_the_limit(tmp_path, monkeypatch):
    import nlp.ingest.docx as docxmod

    p = tmp_path / "draft.docx"
    _make_docx(p)
    monkeypatch.setattr(docxmod, "MAX_DOCX_XML_BYTES", 1000)
    assert "docx_too_complex" in _codes(ingest_path(p))


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal PDF whose text uses the standard Adobe-GB1 font (no embedding needed)."""
    content = "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"<{ln.encode('utf-16-be').hex()}> Tj T*" for ln in lines) + " ET"
    objs = [
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        f"<</Length {len(content)}>>stream\n{content}\nendstream",
        "<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H/DescendantFonts[6 0 R]>>",
        "<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 2>>/FontDescriptor 7 0 R>>",
        "<</Type/FontDescriptor/FontName/STSong-Light/Flags 6/FontBBox[0 0 1000 1000]/ItalicAngle 0/Ascent 880/Descent -120/CapHeight 880/StemV 80>>",
    ]
    return _pdf(objs)


def _pdf(objs: list[str]) -> bytes:
    out = b"%PDF-1.4\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode("latin-1")
    x = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode() + b"".join(f"{o:010d} 00000 n \n".encode() for o in offs)
    out += f"trailer<</Size {len(objs) + 1}/Root 1 0 R>>\nstartxref\n{x}\n%%EOF\n".encode()
    return out


def test_pdf_with_text_layer(tmp_path):
    p = tmp_path / "notice.pdf"
    p.write_bytes(_pdf_with_text(NOTICE.split("\n")))
    doc = ingest_path(p)
    assert not doc.errors, doc.errors
    assert doc.format == "pdf"
    assert doc.title == "青山市人民政府办公室关于做好防汛工作的通知"
    assert doc.fileno == "青政办〔2024〕9号"
    assert doc.written == "2024-05-06"


# ---------------------------------------------------------------- records


def test_record_with_body_uses_record_metadata_first():
    doc = from_record({"docid": 42, "body": NOTICE, "title": "记录标题", "published": "2024-05-07 10:00",
                       "channel_name": "通知公告", "fileno": ""})
    assert doc.id == "42" and doc.title == "记录标题" and doc.published == "2024-05-07"
    assert doc.column == "通知公告"
    assert doc.fileno == "青政办〔2024〕9号"  # empty in the record: read from the body
    assert doc.format == "record"


def test_record_with_html_and_json_file(tmp_path):
    html = (FIX / "trs_page.html").read_text(encoding="utf-8")
    doc = from_record({"id": "r1", "html": html, "url": "http://www.qs.gov.cn/a.html"})
    assert doc.id == "r1" and doc.fileno == "青政办〔2024〕6号" and doc.format == "record"
    p = tmp_path / "one.json"
    p.write_text(json.dumps({"id": "r2", "text": NOTICE}, ensure_ascii=False), encoding="utf-8")
    doc = ingest_path(p)
    assert doc.id == "r2" and doc.written == "2024-05-06"


@pytest.mark.parametrize("rec,code", [({"id": "a"}, "no_content"), ({"id": "b", "body": "  "}, "empty_input"),
                                      ("not a dict", "bad_record")])
def test_bad_records(rec, code):
    assert code in _codes(from_record(rec))


def test_bad_json_file(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{not json", encoding="utf-8")
    assert "bad_json" in _codes(ingest_path(p))


# ---------------------------------------------------------------- hostile input


def _hostile_files(d: Path) -> dict[str, str]:
    """name -> the error code it must produce (None: must succeed with a warning)."""
    (d / "empty.txt").write_bytes(b"")
    with (d / "huge.html").open("wb") as fh:  # 200 MB, sparse: costs nothing on disk
        fh.truncate(200 * 1024 * 1024)
    (d / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (d / "nobody.html").write_text("<html><head><title>标题</title></head></html>", encoding="utf-8")
    (d / "notzip.docx").write_bytes(b"this is not a zip archive at all")
    with zipfile.ZipFile(d / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (MAX_DOCX_UNCOMPRESSED + 1024))
    with zipfile.ZipFile(d / "ratio.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    (d / "scan.pdf").write_bytes(_pdf(["<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
                                       "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>"]))
    (d / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<garbage")
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return {"empty.txt": "empty_input", "huge.html": "too_large", "junk.txt": "binary_input", "nobody.html": "no_body",
            "notzip.docx": "bad_docx", "bomb.docx": "zip_bomb", "ratio.docx": "zip_bomb", "scan.pdf": "no_text_layer",
            "broken.pdf": "bad_pdf"}


def test_hostile_inputs_give_clear_errors_fast(tmp_path):
    expected = _hostile_files(tmp_path)
    for name, code in expected.items():
        t0 = time.perf_counter()
        doc = ingest_path(tmp_path / name)
        took = time.perf_counter() - t0
        assert code in _codes(doc), (name, doc.errors)
        assert all(e.message for e in doc.errors)
        assert took < 10, (name, took)
    assert "unsupported_format" in _codes(ingest_path(tmp_path / "old.doc"))


def test_huge_file_is_not_read(tmp_path, monkeypatch):
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:
        fh.truncate(MAX_INPUT_BYTES + 1)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("must not read an oversized file"))
    assert "too_large" in _codes(ingest_path(p))
    assert "too_large" in _codes(ingest_bytes(b"x" * (MAX_INPUT_BYTES + 1)))


def test_pdf_deflate_bomb_is_stopped_by_the_memory_cap(tmp_path, monkeypatch):
    import zlib

    import nlp.ingest.pdf as pdfmod

    monkeypatch.setattr(pdfmod, "PDF_MEMORY_BYTES", 64 * 1024 * 1024)
    bomb = zlib.compress(b"0" * (256 * 1024 * 1024), 1)  # ~1 MB that inflates to 256 MB
    objs = ["<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>"]
    pdf = _pdf(objs)
    head, tail = pdf.split(b"xref\n", 1)
    stream = b"4 0 obj\n<</Length %d/Filter/FlateDecode>>stream\n" % len(bomb) + bomb + b"\nendstream\nendobj\n"
    p = tmp_path / "bomb.pdf"
    p.write_bytes(head + stream + b"trailer<</Root 1 0 R>>\n%%EOF\n")
    t0 = time.perf_counter()
    doc = ingest_path(p)
    assert "pdf_too_complex" in _codes(doc), doc.errors
    assert time.perf_counter() - t0 < 30


def test_pdf_reader_is_killed_at_the_deadline(tmp_path, monkeypatch):
    import nlp.ingest.pdf as pdfmod

    def slow_pages(data, deadline):
        yield ("page", "第一页文字")
        time.sleep(60)
        yield ("page", "never")

    monkeypatch.setattr(pdfmod, "_pages", slow_pages)
    monkeypatch.setattr(pdfmod, "PDF_TIME_LIMIT_S", 1.0)
    t0 = time.perf_counter()
    text, warnings = pdfmod.pdf_text(b"%PDF-1.4 whatever")
    assert time.perf_counter() - t0 < 10
    assert text == "第一页文字" and [w.code for w in warnings] == ["truncated_pdf"]


def test_truncated_gbk_keeps_the_text_and_warns():
    data = NOTICE.encode("gbk")[:-1]  # cut inside the last character
    doc = ingest_bytes(data, name="cut.txt")
    assert not doc.errors
    assert "truncated_input" in {w.code for w in doc.warnings}
    assert doc.title == "青山市人民政府办公室关于做好防汛工作的通知"


def test_missing_path_and_directory(tmp_path):
    assert "unreadable" in _codes(ingest_path(tmp_path / "nope.html"))
    assert "is_directory" in _codes(ingest_path(tmp_path))


@pytest.mark.parametrize("bad", [None, 12, ["x"]])
def test_wrong_types_never_raise(bad):
    for fn in (ingest_text, ingest_html, ingest_bytes, ingest_path, from_record):
        doc = fn(bad)
        assert isinstance(doc, Document) and doc.errors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.txt", "a.html", "a.docx", "a.pdf", "a.json", None]))
def test_random_bytes_never_raise(data, name):
    doc = ingest_bytes(data, name=name)
    assert isinstance(doc, Document)
    assert doc.errors or doc.text


@pytest.mark.slow
def test_cli_analyze_directory_of_hostile_files(tmp_path):
    """`govlint analyze DIR` writes one report per file and exits 0 whatever the files are."""
    expected = _hostile_files(tmp_path)
    shutil.copy(SAMPLE, tmp_path / "draft.txt")
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / ".hidden.txt").write_text("不应读取", encoding="utf-8")
    (tmp_path / "style.css").write_text("body{color:red}", encoding="utf-8")
    exe = Path(sys.executable).parent / "govlint"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "nlp.cli"]
    out = tmp_path / "reports.jsonl"
    proc = subprocess.run([*cmd, "analyze", str(tmp_path), "-o", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    reports = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    by_name = {Path(r["id"]).name: r for r in reports}
    assert set(by_name) == set(expected) | {"draft.txt", "old.doc", "junk.bin"}
    assert "unsupported_format" in {e["code"] for e in by_name["old.doc"]["errors"]}
    for name, code in expected.items():
        assert code in {e["code"] for e in by_name[name]["errors"]}, (name, by_name[name]["errors"])
    assert "binary_input" in {e["code"] for e in by_name["junk.bin"]["errors"]}
    assert by_name["draft.txt"]["document"]["fileno"] == "明政办规〔2025〕3号"
    assert "Traceback" not in proc.stderr


def test_jsonl_records_each_become_a_document(tmp_path, monkeypatch):
    import nlp.inputs as inputs

    monkeypatch.setattr(inputs, "MAX_RECORD_LINE", 2000)
    p = tmp_path / "recs.jsonl"
    lines = [json.dumps({"id": "ok", "body": NOTICE}, ensure_ascii=False), "{broken", "[1, 2]", "",
             json.dumps({"id": "big", "body": "长" * 5000}, ensure_ascii=False), json.dumps({"body": NOTICE}, ensure_ascii=False)]
    p.write_text("\n".join(lines), encoding="utf-8")
    docs = list(inputs.iter_documents(inputs.expand([str(p)])))
    assert [d.id for d in docs] == ["ok", f"{p}:2", f"{p}:3", f"{p}:5", f"{p}:6"]
    assert [sorted(e.code for e in d.errors) for d in docs] == [[], ["bad_json"], ["bad_record"], ["too_large"], []]
    assert docs[0].fileno == "青政办〔2024〕9号"
