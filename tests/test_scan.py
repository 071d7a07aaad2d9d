"""Batch scan: working days, columns, linking, flags, inputs, resumption, outputs.

Analysis is done by the fake pipeline in test_scan_support (no models), so these tests check the scan's own
logic; the acceptance run on the synthetic corpus crawl with the real models is training/synth_crawl.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest

from nlp.scan import columns, flags, linking, workdays
from nlp.scan.cli import main as scan_main
from nlp.scan.store import table_digest

FAKE = "test_scan_support:make"
D = dt.date


# --- working days -------------------------------------------------------------------------------------
def test_known_calendar_days():
    assert workdays.is_working_day(D(2024, 9, 29)) == (True, True)  # Sunday make-up working day (调休)
    assert all(not workdays.is_working_day(D(2024, 10, d))[0] for d in range(1, 8))  # 国庆 holiday
    assert workdays.is_working_day(D(2024, 10, 12))[0]  # Saturday make-up day
    assert not workdays.is_working_day(D(2025, 1, 28))[0] and workdays.is_working_day(D(2025, 1, 26))[0]  # 春节 2025


@pytest.mark.parametrize("doc,interp,expected", [
    ("2024-09-27", "2024-10-09", 4),   # 9-29 (Sun, make-up), 9-30, 10-08, 10-09
    ("2024-09-30", "2024-10-08", 1),   # 8 calendar days, 1 working day
    ("2024-09-28", "2024-10-10", 5),
    ("2025-01-24", "2025-02-06", 4),   # 1-26 (Sun, make-up), 1-27, 2-05, 2-06
    ("2025-01-27", "2025-02-05", 1),
    ("2024-02-08", "2024-02-19", 3),   # 2-09, 2-18 (Sun, make-up), 2-19: on time, at the limit
    ("2024-05-10", "2024-05-10", 0),
    ("2023-06-15", "2023-06-12", -3),  # interpretation before its document
])
def test_delay_across_holidays(doc, interp, expected):
    delay = workdays.working_days_between(D.fromisoformat(doc), D.fromisoformat(interp))
    assert delay.working_days == expected and delay.exact
    assert workdays.is_late(delay) == (expected > 3)


def test_unknown_year_falls_back_to_weekdays_and_says_so():
    delay = workdays.working_days_between(D(2030, 3, 1), D(2030, 3, 8))
    assert delay.working_days == 5 and not delay.exact


def test_parse_date_forms():
    assert workdays.parse_date("2024年9月29日") == D(2024, 9, 29)
    assert workdays.parse_date("2024-09-29 10:00:00") == D(2024, 9, 29)
    assert workdays.parse_date("2024-02-30") is None and workdays.parse_date("soon") is None


# --- columns ------------------------------------------------------------------------------------------
def test_column_resolution_order():
    html = ('<html><head><title>x</title></head><body><div class="crumb">当前位置：<a href="/">首页</a> &gt; '
            '<a>政策解读</a> &gt; <a>新闻发布会</a></div><p>正文</p></body></html>')
    assert columns.resolve_column("本市政策解读", html, None, None) == ("本市政策解读", "metadata")
    assert columns.resolve_column(None, html, None, None) == ("政策解读 > 新闻发布会", "breadcrumb")
    assert columns.resolve_column(None, "<p>no crumb</p>", None, "http://a.gov.cn/zcjd/bmzcjd/202406/t1_2.htm") == ("zcjd/bmzcjd", "url")
    tagged = '<meta name="ColumnName" content="部门政策解读">' + html
    assert columns.resolve_column(None, tagged, None, None) == ("部门政策解读", "meta_tag")


@pytest.mark.parametrize("name,kind", [("本市政策解读", "interpretation"), ("政策解读 > 新闻发布会", "interpretation"),
                                       ("图解政策", "interpretation"), ("zcjd/xwfbh", "interpretation"),
                                       ("政策文件及解读", "mixed"), ("市级动态", None), ("回应关切", None), (None, None)])
def test_interpretation_column_by_name(name, kind):
    assert columns.column_kind(name) == kind


# --- linking ------------------------------------------------------------------------------------------
def _key(pid, role, title, date=None, fileno=None, url=None, text="", links=()):
    return linking.PageKey(id=pid, url=url, title=title, fileno=fileno, date=date, role=role,
                           mentions=linking.extract_mentions(title, text, url, list(links)))


def test_link_by_title_inner_title_fileno_and_hyperlink():
    docs = [
        _key("d1", "document", "三明市人民政府办公室关于印发三明市测试措施的通知", "2024-01-02", "明政办〔2024〕5号", "http://x.gov.cn/d1.htm"),
        _key("d2", "document", "三明市人民政府办公室关于做好某项工作的通知", "2024-01-03", "明政办〔2024〕6号", "http://x.gov.cn/d2.htm"),
        _key("d3", "document", "三明市另一个办法", "2024-01-04", "明政〔2024〕9号", "http://x.gov.cn/d3.htm"),
    ]
    interps = [
        _key("i1", "interpretation", "《三明市测试措施》政策解读", "2024-01-03"),
        _key("i2", "interpretation", "图解：《关于做好某项工作的通知》", "2024-01-03"),
        _key("i3", "interpretation", "一份解读", "2024-01-05", text="现就明政〔2024〕9号文件解读如下。"),
        _key("i4", "interpretation", "另一份解读", "2024-01-05", url="http://x.gov.cn/i4.htm",
             links=[("d1.htm", "相关文件")]),
        _key("i5", "interpretation", "《完全不同的规定》解读", "2024-01-05", text="依据《国务院关于某事的意见》（国发〔2020〕1号）"),
    ]
    got = linking.link_all(docs + interps)
    assert (got["i1"].doc_id, got["i1"].method) == ("d1", "title")
    assert (got["i2"].doc_id, got["i2"].method) == ("d2", "title")
    assert (got["i3"].doc_id, got["i3"].method) == ("d3", "fileno")
    assert (got["i4"].doc_id, got["i4"].method) == ("d1", "hyperlink")
    assert "i5" not in got


def test_title_in_interpretation_title_outranks_body_mention():
    docs = [_key("new", "document", "三明市甲乙丙丁办法", "2024-01-02"),
            _key("old", "document", "福建省上级指导意见全文", "2020-01-02")]
    i = _key("i", "interpretation", "《三明市甲乙丙丁办法》解读", "2024-01-03", text="根据《福建省上级指导意见全文》制定。")
    assert linking.link_all(docs + [i])["i"].doc_id == "new"


def test_fuzzy_title_when_words_differ_slightly():
    docs = [_key("d", "document", "某市人民政府办公室关于印发支持小微商户稳步发展若干措施的通知", "2021-09-26")]
    i = _key("i", "interpretation", "图解：《关于支持小微商户稳步发展的若干措施》政策解读", "2021-09-26")
    assert linking.link_all(docs + [i])["i"].doc_id == "d"


# --- flags --------------------------------------------------------------------------------------------
def _facts(**kw):
    base = dict(id="p", column="本市政策解读", column_kind="interpretation", genre="interpretation",
                genre_confidence=0.9, genre_abstained=False, genre_evidence=[], date="2024-10-09", title="t")
    base.update(kw)
    return flags.PageFacts(**base)


def test_flag_rules():
    link = {"doc_id": "d", "method": "title", "doc_title": "doc"}
    codes = lambda fl: sorted(f.code for f in fl)  # noqa: E731
    assert codes(flags.page_flags(_facts(genre="news"), None, None, None)) == [flags.NEWS_IN_INTERP]
    assert codes(flags.page_flags(_facts(genre="news", genre_abstained=True), None, None, None)) == []
    assert codes(flags.page_flags(_facts(genre="normative", column_kind="mixed"), None, None, None)) == []
    assert codes(flags.page_flags(_facts(), None, None, None)) == [flags.UNLINKED]
    late = flags.page_flags(_facts(), link, "2024-09-27", None)
    assert codes(late) == [flags.LATE] and late[0].evidence["delay_working_days"] == 4
    assert codes(flags.page_flags(_facts(date="2024-10-08"), link, "2024-09-30", None)) == []
    assert codes(flags.page_flags(_facts(date="2023-06-12"), link, "2023-06-15", None)) == [flags.BEFORE_DOC]
    assert codes(flags.page_flags(_facts(date="2024-10-08"), link, "2024-09-30", 0.9)) == [flags.COPY]
    # without a genre model the column decides what is an interpretation, and nothing is "misplaced"
    assert codes(flags.page_flags(_facts(genre=None), None, None, None)) == [flags.UNLINKED]
    assert codes(flags.page_flags(_facts(genre=None, column_kind=None), None, None, None)) == []


# --- end to end (fake pipeline, JSONL records) -------------------------------------------------------
DOC_BODY = "各县（市、区）人民政府：\n第一条 为了测试，制定本措施。\n第二条 本措施自发布之日起施行。"


def _records() -> list[dict]:
    def rec(url, column, title, published, text, **kw):
        return dict(url=f"http://sm.example.gov.cn/{url}", column=column, title=title, published=published, text=text, **kw)

    return [
        rec("wj/a.htm", "规范性文件", "三明市人民政府办公室关于印发三明市甲项措施的通知", "2024-09-27", DOC_BODY, fileno="明政办〔2024〕5号"),
        rec("jd/a.htm", "本市政策解读", "《三明市甲项措施》政策解读", "2024-10-09", "一、出台背景\n为了说明甲项措施。\n二、主要内容\n共两条。"),
        rec("wj/b.htm", "规范性文件", "三明市人民政府办公室关于印发三明市乙项办法的通知", "2024-09-30", DOC_BODY, fileno="明政办〔2024〕6号"),
        rec("jd/b.htm", "本市政策解读", "《三明市乙项办法》政策解读", "2024-10-08", "一、出台背景\n乙项办法的背景。"),
        rec("wj/c.htm", "规范性文件", "三明市人民政府关于丙项工作的意见", "2023-06-15", DOC_BODY),
        rec("jd/c.htm", "部门政策解读", "《三明市人民政府关于丙项工作的意见》解读", "2023-06-12", "一、出台背景\n丙。"),
        rec("jd/d.htm", "部门政策解读", "《不在抓取范围内的规定》解读", "2024-03-01", "一、出台背景\n丁。"),
        rec("wj/e.htm", "规范性文件", "三明市戊项管理办法", "2024-05-06", "第一条 戊项管理办法适用于全市范围。\n第二条 各单位应当按照本办法执行。"),
        rec("jd/e.htm", "本市政策解读", "《三明市戊项管理办法》政策解读", "2024-05-06", "第一条 戊项管理办法适用于全市范围。\n第二条 各单位应当按照本办法执行。"),
        rec("jd/news.htm", "本市政策解读", "我市召开甲项措施推进会", "2024-10-10", "近日，记者从市里获悉，会议召开。"),
        rec("dt/news.htm", "市级动态", "我市召开乙项会议", "2024-10-10", "近日，记者获悉。扫黑险恶专项斗争……"),
    ]


def _write_jsonl(path: Path, recs: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")
    return path


def _reports(out: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, (out / "reports.jsonl").read_text(encoding="utf-8").splitlines())}


def _codes(rep: dict) -> list[str]:
    return sorted(f["code"] for f in rep["flags"])


def test_scan_end_to_end_flags_and_outputs(tmp_path, capsys):
    crawl = _write_jsonl(tmp_path / "crawl.jsonl", _records(), extra_lines=("{not json",))
    out = tmp_path / "out"
    assert scan_main([str(crawl), "--out", str(out), "--workers", "0", "--pipeline-factory", FAKE]) == 0
    reps = _reports(out)
    u = "http://sm.example.gov.cn/"
    assert _codes(reps[u + "jd/a.htm"]) == ["interpretation_late"]
    ev = reps[u + "jd/a.htm"]["flags"][0]["evidence"]
    assert ev["delay_working_days"] == 4 and ev["document_id"] == u + "wj/a.htm"
    assert _codes(reps[u + "jd/b.htm"]) == []  # 8 calendar days but 1 working day after 国庆
    assert _codes(reps[u + "jd/c.htm"]) == ["interpretation_before_document"]
    assert _codes(reps[u + "jd/d.htm"]) == ["interpretation_unlinked"]
    assert _codes(reps[u + "jd/e.htm"]) == ["copy_of_document"]
    assert _codes(reps[u + "jd/news.htm"]) == ["news_in_interpretation_column"]
    assert _codes(reps[u + "dt/news.htm"]) == []
    assert reps[u + "jd/a.htm"]["column"] == "本市政策解读"
    bad = [r for r in reps.values() if r["errors"]]
    assert len(bad) == 1 and "not valid JSON" in bad[0]["errors"][0]["message"]
    for r in reps.values():  # every line is a valid Report
        from nlp.schema import Report
        Report.model_validate(r)
    db = sqlite3.connect(out / "scan.db")
    assert db.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 12
    assert db.execute("SELECT severity FROM findings").fetchall() == [("serious",)]
    assert db.execute("SELECT delay_working_days FROM links WHERE interp_id=?", (u + "jd/a.htm",)).fetchone() == (4,)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "我市召开甲项措施推进会" in html and "扫黑险恶" in html and "http" not in html.split("<body>")[0].replace("http://www.w3.org", "")
    from openpyxl import load_workbook
    wb = load_workbook(out / "report.xlsx")
    assert {"1 not interpretations", "2 interpretations", "3 completeness", "4 wording"} <= set(wb.sheetnames)
    assert wb["1 not interpretations"].max_row == 2 and wb["4 wording"]["A2"].value == "serious"
    # a re-run analyses nothing and gives the same database
    before = table_digest(out / "scan.db")
    capsys.readouterr()
    assert scan_main([str(crawl), "--out", str(out), "--workers", "0", "--pipeline-factory", FAKE]) == 0
    stats = json.loads(capsys.readouterr().err.strip().splitlines()[-2])
    assert stats["analysed"] == 0 and stats["skipped"] == 12
    assert table_digest(out / "scan.db") == before


def test_changed_page_is_reanalysed(tmp_path, capsys):
    recs = _records()
    crawl = _write_jsonl(tmp_path / "crawl.jsonl", recs)
    out = tmp_path / "out"
    scan_main([str(crawl), "--out", str(out), "--workers", "0", "--pipeline-factory", FAKE, "--no-report"])
    recs[0]["published"] = "2024-10-08"  # the document moves: the interpretation is no longer late
    _write_jsonl(crawl, recs)
    capsys.readouterr()
    assert scan_main([str(crawl), "--out", str(out), "--workers", "0", "--pipeline-factory", FAKE]) == 0
    stats = json.loads(capsys.readouterr().err.strip().splitlines()[-2])
    assert stats["analysed"] == 1
    assert _codes(_reports(out)["http://sm.example.gov.cn/jd/a.htm"]) == []


def test_directory_with_sidecars_and_warc(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    crawl = tmp_path / "crawl"
    (crawl / "解读").mkdir(parents=True)
    (crawl / "解读" / "a.txt").write_text("我市召开会议\n近日，记者获悉会议召开。", encoding="utf-8")
    (crawl / "解读" / "a.txt.json").write_text(json.dumps({"title": "我市召开会议", "published": "2024-01-02"}), encoding="utf-8")
    (crawl / "misc").mkdir()
    (crawl / "misc" / "b.txt").write_text("其他内容。", encoding="utf-8")
    (crawl / "misc" / "b.txt.json").write_text("{broken", encoding="utf-8")
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    body = "近日，记者获悉。".encode("utf-8")
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("http://w.example.gov.cn/zcjd/2024/t1.htm", "response",
                                        payload=io.BytesIO(body), http_headers=headers))
    (tmp_path / "c.warc.gz").write_bytes(buf.getvalue())
    out = tmp_path / "out"
    assert scan_main([str(crawl), str(tmp_path / "c.warc.gz"), "--out", str(out), "--workers", "0",
                      "--pipeline-factory", FAKE]) == 0
    reps = _reports(out)
    a = reps[str(crawl / "解读" / "a.txt")]
    assert a["column"] == "解读" and _codes(a) == ["news_in_interpretation_column"]
    b = reps[str(crawl / "misc" / "b.txt")]
    assert any(w["code"] == "bad_sidecar" for w in b["warnings"])
    wr = reps["http://w.example.gov.cn/zcjd/2024/t1.htm"]
    assert wr["column"] == "zcjd" and _codes(wr) == ["news_in_interpretation_column"]


def test_bad_usage_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        scan_main([str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert exc.value.code == 2 and "input not found" in capsys.readouterr().err


def test_truncated_document_title_still_links():
    docs = [_key("d", "document", "某市人民政府办公室关于印发某市推进旧厂房改造利用行动方案（2023", "2023-06-23")]
    i = _key("i", "interpretation", "图解：《某市推进旧厂房改造利用行动方案（2023-2027年）》政策解读", "2023-06-23")
    assert linking.link_all(docs + [i])["i"].method == "fuzzy_title"


# --- kill -9 and resume ---------------------------------------------------------------------------------
def _filler(n: int) -> list[dict]:
    out = []
    for i in range(n):
        col = ("本市政策解读", "市级动态", "规范性文件")[i % 3]
        title = (f"《三明市第{i}号测试办法》政策解读", f"我市召开第{i}次会议", f"三明市第{i}号测试办法")[i % 3]
        text = ("一、出台背景\n说明。", "近日，记者获悉。", "第一条 本办法适用于测试。")[i % 3] + f"\n第{i}页。"
        out.append(dict(url=f"http://f.example.gov.cn/{i}.htm", column=col, title=title,
                        published=f"2024-0{1 + i % 9}-1{i % 10}", text=text))
    return out


def test_kill9_then_resume_gives_the_same_database(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    crawl = _write_jsonl(tmp_path / "crawl.jsonl", _records() + _filler(229))
    here = str(Path(__file__).parent)
    env = dict(os.environ, PYTHONPATH=here + os.pathsep + os.environ.get("PYTHONPATH", ""), SCAN_FAKE_SLEEP="0.03",
               GOVLINT_PROGRESS="0")
    cmd = [sys.executable, "-m", "nlp.cli", "scan", str(crawl), "--workers", "2", "--batch", "8",
           "--pipeline-factory", FAKE]
    a, b = tmp_path / "a", tmp_path / "b"
    subprocess.run(cmd + ["--out", str(a)], env=env, check=True, capture_output=True, timeout=180)
    proc = subprocess.Popen(cmd + ["--out", str(b)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            stored = sqlite3.connect(b / "scan.db", timeout=1).execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored >= 24:
            break
    os.killpg(proc.pid, signal.SIGKILL)  # the job and its workers, mid-run
    proc.wait()
    after_kill = sqlite3.connect(b / "scan.db").execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    assert 0 < after_kill < 240, "the kill must land mid-run for this test to mean anything"
    assert not (b / "reports.jsonl").exists()
    subprocess.run(cmd + ["--out", str(b)], env=env, check=True, capture_output=True, timeout=180)
    assert table_digest(a / "scan.db") == table_digest(b / "scan.db")
    assert (a / "reports.jsonl").read_text(encoding="utf-8").count("\n") == 240


def test_ctrl_c_commits_and_says_how_to_resume(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    crawl = _write_jsonl(tmp_path / "crawl.jsonl", _filler(120))
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               SCAN_FAKE_SLEEP="0.05", GOVLINT_PROGRESS="0")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "nlp.cli", "scan", str(crawl), "--out", str(out), "--workers", "1", "--batch", "4",
           "--pipeline-factory", FAKE]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            if sqlite3.connect(out / "scan.db", timeout=1).execute("SELECT COUNT(*) FROM pages").fetchone()[0] >= 8:
                break
        except sqlite3.Error:
            continue
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "re-run the same command to resume" in err
    kept = sqlite3.connect(out / "scan.db").execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    assert 8 <= kept < 120
    done = subprocess.run(cmd, env=dict(env, SCAN_FAKE_SLEEP="0"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    stats = json.loads(done.stderr.strip().splitlines()[-2])
    assert stats["skipped"] == kept and stats["analysed"] == 120 - kept


def test_html_pages_breadcrumb_column_and_hyperlink_link(tmp_path):
    """Through the real HTML ingestion: the column comes from the breadcrumb and the link from an <a>."""
    crawl = tmp_path / "site"
    (crawl / "zcjd").mkdir(parents=True)
    (crawl / "wj").mkdir()
    doc_url, interp_url = "http://h.example.gov.cn/wj/t1.htm", "http://h.example.gov.cn/zcjd/t2.htm"
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t}</title></head><body>'
            '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="#">{c}</a></div>'
            '<div class="article"><h1>{t}</h1><div class="TRS_Editor">{body}</div></div></body></html>')
    doc_body = "".join(f"<p>第{n}条 本规定适用于本市范围内的测试工作，各部门应当按照职责分工做好落实。</p>" for n in "一二三四五")
    interp_body = ("<p>一、出台背景</p><p>为了说明这项规定，现解读如下，以便社会公众理解。</p>"
                   f'<p>相关文件：<a href="{doc_url}">原文</a></p>')
    (crawl / "wj" / "t1.html").write_text(page.format(t="某某事项测试规定", c="规范性文件", body=doc_body), encoding="utf-8")
    (crawl / "wj" / "t1.html.json").write_text(json.dumps({"url": doc_url, "published": "2024-09-27"}), encoding="utf-8")
    (crawl / "zcjd" / "t2.html").write_text(page.format(t="一图看懂新规定", c="政策解读", body=interp_body), encoding="utf-8")
    (crawl / "zcjd" / "t2.html.json").write_text(json.dumps({"url": interp_url, "published": "2024-10-09"}), encoding="utf-8")
    out = tmp_path / "out"
    assert scan_main([str(crawl), "--out", str(out), "--workers", "0", "--pipeline-factory", FAKE]) == 0
    reps = _reports(out)
    assert reps[interp_url]["column"] == "政策解读"
    late = reps[interp_url]["flags"]
    assert [f["code"] for f in late] == ["interpretation_late"]
    assert late[0]["evidence"]["link_method"] == "hyperlink" and late[0]["evidence"]["delay_working_days"] == 4


# --- engines and speed-ups: same results whatever the route ----------------------------------------------
def test_forked_and_spawned_workers_and_in_process_give_the_same_database(tmp_path, capsys, monkeypatch):
    """fork-after-load (default on Linux), spawn, and in-process runs must store identical tables, and the
    stats line carries the per-stage CPU figures the benchmark reads."""
    crawl = _write_jsonl(tmp_path / "crawl.jsonl", _records())
    digests, stats = {}, {}
    for mode, workers in (("fork", "2"), ("spawn", "2"), ("inprocess", "0")):
        monkeypatch.setenv("GOVLINT_SCAN_START", mode if mode != "inprocess" else "fork")
        out = tmp_path / mode
        capsys.readouterr()
        assert scan_main([str(crawl), "--out", str(out), "--workers", workers, "--pipeline-factory", FAKE]) == 0
        stats[mode] = json.loads(capsys.readouterr().err.strip().splitlines()[-2])
        digests[mode] = table_digest(out / "scan.db")
    assert digests["fork"] == digests["spawn"] == digests["inprocess"]
    assert stats["fork"]["start_method"] == "fork" and stats["spawn"]["start_method"] == "spawn"
    for s in stats.values():
        assert s["analysed"] == 11 and {"ingest", "column", "analyse", "rows", "cpu"} <= set(s["worker_stage_cpu_ms_per_page"])
        assert {"sqlite", "pass2", "reports_jsonl", "report_xlsx", "read_hash"} <= set(s["parent_stage_cpu_s"])
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "fork" / "report.xlsx")["2 interpretations"]
    shaded = {ws.cell(r, 1).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).fill.fgColor.rgb.endswith("FFF5F5")}
    assert "《三明市甲项措施》政策解读" in shaded  # late: a problem row is shaded
    assert "《三明市乙项办法》政策解读" not in shaded  # on time: plain


def test_fuzzy_title_bound_is_difflib_quick_ratio():
    """Fuzzy linking skips SequenceMatcher when the shared-character bound is under the cut-off; that bound
    must be exactly difflib's quick_ratio (an upper bound of ratio), or links would change."""
    import random
    from collections import Counter
    from difflib import SequenceMatcher

    rng = random.Random(7)
    alphabet = "三明市人民政府关于印发实施方案的通知办法意见若干措施"
    for _ in range(300):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 30)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 30)))
        ca, cb = Counter(a), Counter(b)
        bound = 2.0 * sum(min(n, cb[ch]) for ch, n in ca.items()) / (len(a) + len(b))
        sm = SequenceMatcher(None, a, b)
        assert bound == sm.quick_ratio() and bound >= sm.ratio()
    titles = {"d1": linking.norm_title("三明市促进民营经济发展若干措施"), "d2": linking.norm_title("三明市乡村振兴实施方案")}
    idx = linking._gram_index(titles)
    assert [d for d, _ in linking._fuzzy("三明市促进民营经济发展的若干措施", idx, titles, {})] == ["d1"]
