"""HTTP API: every endpoint and every error path (FastAPI TestClient, fake analysers where findings matter)."""

from __future__ import annotations

import io
import json
import sys
import time
import types
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nlp.pipeline import AnalyzeOptions, Pipeline
from nlp.schema import Report
from serve.app import create_app
from serve.settings import Settings
from test_api_fakes import SAMPLE_DRAFT, fake_pipeline

PROBLEM = "application/problem+json"


def make_client(pipeline: Pipeline | None = None, **settings) -> TestClient:
    return TestClient(create_app(pipeline=pipeline or fake_pipeline(), settings=Settings(**settings)))


@pytest.fixture
def client():
    with make_client() as c:
        yield c


def assert_problem(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers["content-type"]
    body = r.json()
    assert body["status"] == status and body["type"].startswith("urn:govlint:problem:")
    assert body["title"] and body["detail"] and body["code"]
    if code:
        assert body["code"] == code, body
    return body


def docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document as Docx

    d = Docx()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --- analysis -------------------------------------------------------------------------------------

def test_analyze_json_returns_full_report_with_offsets(client):
    r = client.post("/v1/analyze", json={"text": SAMPLE_DRAFT, "title": "某解读", "column": "政策解读",
                                         "published": "2025-03-01", "fileno": "某政〔2025〕1号",
                                         "include_text": True, "id": "d1"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    rep = Report.model_validate(r.json())
    assert rep.id == "d1" and rep.document.title == "某解读" and rep.document.published == "2025-03-01"
    assert rep.document.text and rep.genre.label == "interpretation"
    assert rep.completeness.score == 75.0 and not rep.completeness.elements["purpose"].present
    texts = {f.text for f in rep.findings}
    assert texts == {"扫黑险恶", "财政拔款"}
    for f in rep.findings:  # offsets index the normalised text and, for pasted text, the submitted text
        assert rep.document.text[f.start:f.end] == f.text
        assert SAMPLE_DRAFT[f.source_start:f.source_end] == f.text
    for e in rep.completeness.elements.values():
        for s in e.evidence:
            assert rep.document.text[s.start:s.end] == s.text


def test_text_is_omitted_unless_requested(client):
    rep = client.post("/v1/analyze", json={"text": SAMPLE_DRAFT}).json()
    assert rep["document"]["text"] is None and rep["document"]["chars"] > 0


def test_same_report_as_the_cli_pipeline():
    """The API adds nothing and drops nothing: it is Pipeline.analyze on the ingested text."""
    from nlp.ingest import ingest_text

    p = fake_pipeline()
    with make_client(p) as c:
        api = c.post("/v1/analyze", json={"text": SAMPLE_DRAFT, "tasks": ["wording", "genre"]}).json()
    direct = p.analyze(ingest_text(SAMPLE_DRAFT), AnalyzeOptions(tasks=("genre", "wording"))).model_dump(mode="json")
    api.pop("timings_ms"), direct.pop("timings_ms")
    assert api == direct


def test_interpreted_document_reaches_the_completeness_check(client):
    source = "第一条 为了规范管理，制定本办法。\n第二条 本办法适用于本市。"
    interp = SAMPLE_DRAFT + "\n第一条 为了规范管理，制定本办法。"
    rep = client.post("/v1/completeness", json={"text": interp, "document": source}).json()
    assert rep["completeness"]["copy_ratio"] == 0.5
    rep = client.post("/v1/completeness", json={"text": interp}).json()
    assert rep["completeness"]["copy_ratio"] is None
    up = client.post("/v1/completeness", files={"file": ("a.txt", interp.encode())}, data={"document": source})
    assert up.json()["completeness"]["copy_ratio"] == 0.5


def test_tasks_select_parts(client):
    rep = client.post("/v1/analyze", json={"text": SAMPLE_DRAFT, "tasks": "wording"}).json()
    assert rep["genre"] is None and rep["completeness"] is None and len(rep["findings"]) == 2
    rep = client.post("/v1/analyze", json={"text": SAMPLE_DRAFT, "tasks": ["genre"]}).json()
    assert rep["genre"]["label"] == "interpretation" and rep["findings"] is None


@pytest.mark.parametrize("path,present,absent", [
    ("/v1/classify", "genre", ("completeness", "findings")),
    ("/v1/completeness", "completeness", ("genre", "findings")),
    ("/v1/check", "findings", ("genre", "completeness")),
])
def test_single_task_shortcuts(client, path, present, absent):
    r = client.post(path, json={"text": SAMPLE_DRAFT})
    assert r.status_code == 200
    rep = r.json()
    assert rep[present] is not None and all(rep[k] is None for k in absent)
    assert_problem(client.post(path, json={"text": SAMPLE_DRAFT, "tasks": "genre"}), 422, "tasks_fixed")
    up = client.post(path, files={"file": ("a.txt", SAMPLE_DRAFT.encode())})
    assert up.status_code == 200 and up.json()[present] is not None


def test_unavailable_analysers_leave_parts_null_with_errors():
    p = Pipeline()
    p._components = {"genre": None, "completeness": None, "wording": None}
    p._load_errors = {t: "FileNotFoundError: no model" for t in p._components}
    with make_client(p) as c:
        r = c.post("/v1/analyze", json={"text": SAMPLE_DRAFT})
        assert r.status_code == 200
        rep = r.json()
        assert rep["genre"] is None and rep["completeness"] is None and rep["findings"] is None
        assert [e["code"] for e in rep["errors"]] == ["genre_unavailable", "completeness_unavailable",
                                                      "wording_unavailable"]
        ready = c.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "degraded"
        assert ready.json()["tasks"]["genre"] == {"loaded": False, "error": "FileNotFoundError: no model"}


def test_failing_analyser_is_reported_not_500():
    p = fake_pipeline()

    def boom(doc, ctx):
        raise RuntimeError("kaput")

    p._components["wording"] = boom
    with make_client(p) as c:
        rep = c.post("/v1/analyze", json={"text": SAMPLE_DRAFT}).json()
    assert rep["genre"] is not None and [e["code"] for e in rep["errors"]] == ["wording_failed"]


def test_real_pipeline_report_is_valid_whatever_analysers_exist(pipeline):
    """Against the real models directory: every task either reports or says `<task>_unavailable`."""
    with make_client(pipeline) as c:
        r = c.post("/v1/analyze", json={"text": SAMPLE_DRAFT, "include_text": True})
        assert r.status_code == 200, r.text
        rep = Report.model_validate(r.json())
        codes = {e.code for e in rep.errors}
        assert rep.genre is not None or "genre_unavailable" in codes or "genre_failed" in codes
        assert rep.completeness is not None or codes & {"completeness_unavailable", "completeness_failed"}
        assert rep.findings is not None or codes & {"wording_unavailable", "wording_failed"}
        for f in rep.findings or []:
            assert rep.document.text[f.start:f.end] == f.text


# --- uploads --------------------------------------------------------------------------------------

def test_upload_txt_with_form_fields(client):
    r = client.post("/v1/analyze", files={"file": ("草稿.txt", SAMPLE_DRAFT.encode("utf-8"), "text/plain")},
                    data={"title": "标题", "tasks": "genre,wording", "include_text": "true", "published": "2025-01-02"})
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["id"] == "草稿.txt" and rep["document"]["title"] == "标题" and rep["completeness"] is None
    assert "扫黑险恶" in rep["document"]["text"] and {f["text"] for f in rep["findings"]} == {"扫黑险恶", "财政拔款"}


def test_upload_docx(client):
    data = docx_bytes("关于某措施的政策解读", "一、出台背景", "二是持续推进扫黑险恶专项斗争。")
    r = client.post("/v1/analyze", data={"include_text": "1"},
                    files={"file": ("draft.docx", data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    rep = r.json()
    assert "扫黑险恶" in rep["document"]["text"], rep["document"]["text"][:200]
    assert rep["document"]["format"] == "docx"
    assert any(f["text"] == "扫黑险恶" for f in rep["findings"])


def test_upload_type_from_content_type_when_no_extension(client):
    r = client.post("/v1/analyze", files={"file": ("draft", SAMPLE_DRAFT.encode(), "text/plain")})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("name,data", [
    ("draft.docx", b"PK\x03\x04 this is not really a zip"),
    ("draft.pdf", b"%PDF-1.7\n garbage without objects"),
])
def test_corrupt_upload_is_422(client, name, data):
    assert_problem(client.post("/v1/analyze", files={"file": (name, data)}), 422)


def test_empty_upload_is_422(client):
    assert_problem(client.post("/v1/analyze", files={"file": ("a.txt", b"")}), 422, "empty_input")


def test_unsupported_upload_is_415(client):
    b = assert_problem(client.post("/v1/analyze", files={"file": ("virus.exe", b"MZ\x90\x00")}), 415,
                       "unsupported_file_type")
    assert ".docx" in b["detail"]


def test_multipart_errors(client):
    assert_problem(client.post("/v1/analyze", data={"title": "x"}, files={"other": ("a.txt", b"x")}), 422)
    assert_problem(client.post("/v1/analyze", files={"file": ("a.txt", b"hello")}, data={"nope": "1"}), 422,
                   "invalid_fields")
    assert_problem(client.post("/v1/analyze", files={"file": ("a.txt", b"hello")}, data={"include_text": "maybe"}),
                   422, "invalid_fields")
    assert_problem(client.post("/v1/analyze", files={"file": ("a.txt", b"hello")}, data={"published": "yesterday"}),
                   422, "invalid_fields")
    assert_problem(client.post("/v1/analyze", files={"file": ("a.txt", b"hello")}, data={"tasks": "spelling"}),
                   422, "unknown_task")
    two = [("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))]
    assert_problem(client.post("/v1/analyze", files=two), 422, "file_required")
    assert_problem(client.post("/v1/analyze", data={"file": "not a file"},
                               files={"x": ("a.txt", b"")}), 422)


def test_malformed_multipart_is_400(client):
    body = b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello"  # unterminated
    r = client.post("/v1/analyze", content=body, headers={"content-type": "multipart/form-data; boundary=XYZ"})
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith(PROBLEM)
    r = client.post("/v1/analyze", content=b"abc", headers={"content-type": "multipart/form-data"})
    assert_problem(r, 400, "malformed_multipart")


# --- JSON errors ----------------------------------------------------------------------------------

def test_malformed_json_is_400(client):
    b = assert_problem(client.post("/v1/analyze", content=b'{"text": ', headers={"content-type": "application/json"}),
                       400, "malformed_json")
    assert b["instance"] == "/v1/analyze"
    assert_problem(client.post("/v1/analyze", content=b"\xff\xfe{}", headers={"content-type": "application/json"}),
                   400, "malformed_json")


def test_empty_body_is_400(client):
    assert_problem(client.post("/v1/analyze", content=b"", headers={"content-type": "application/json"}), 400,
                   "empty_body")


@pytest.mark.parametrize("payload,field", [
    ({"text": 123}, "text"),
    ({"text": ["a"]}, "text"),
    ({"text": "正文", "include_text": "yes"}, "include_text"),
    ({"text": "正文", "tasks": 5}, "tasks"),
    ({"text": "正文", "title": {"a": 1}}, "title"),
    ({"text": "正文", "colour": "red"}, "colour"),
    ({"text": "正文", "published": "2025-13-40"}, "published"),
    ({"text": "正文", "published": "2025-W01-1"}, "published"),
])
def test_wrong_types_are_422_naming_the_field(client, payload, field):
    b = assert_problem(client.post("/v1/analyze", json=payload), 422, "invalid_fields")
    assert any(field in e["loc"] for e in b["errors"]), b["errors"]


def test_non_object_json_is_422(client):
    for body in ([], ["text"], "text", 1, None):
        assert_problem(client.post("/v1/analyze", content=json.dumps(body).encode(),
                                   headers={"content-type": "application/json"}), 422, "invalid_fields")


def test_text_or_html_exactly_one(client):
    assert_problem(client.post("/v1/analyze", json={"title": "only a title"}), 422, "text_or_html")
    assert_problem(client.post("/v1/analyze", json={"text": "a", "html": "<p>a</p>"}), 422, "text_or_html")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_empty_text_is_422(client, text):
    b = assert_problem(client.post("/v1/analyze", json={"text": text}), 422, "empty_input")
    assert b["errors"][0]["type"] == "empty_input"


def test_unknown_task_is_422(client):
    b = assert_problem(client.post("/v1/analyze", json={"text": "正文", "tasks": "genre,bogus"}), 422, "unknown_task")
    assert "bogus" in b["detail"] and "wording" in b["detail"]


def test_wrong_content_type_is_415(client):
    assert_problem(client.post("/v1/analyze", content=SAMPLE_DRAFT.encode(), headers={"content-type": "text/plain"}),
                   415, "unsupported_media_type")
    assert_problem(client.post("/v1/analyze", content=b"x"), 415)


def test_html_input(client):
    html = "<html><head><title>某解读</title></head><body><div><p>二是持续推进扫黑险恶专项斗争。</p></div></body></html>"
    r = client.post("/v1/analyze", json={"html": html, "include_text": True})
    assert r.status_code in (200, 422), r.text  # 422 only if the page has no readable body
    if r.status_code == 200:
        assert "扫黑险恶" in r.json()["document"]["text"]


def test_ingest_exception_becomes_422(client, monkeypatch):
    import serve.payload as payload

    def broken(*a, **k):
        raise NotImplementedError

    monkeypatch.setattr(payload, "ingest_html", broken)
    assert_problem(client.post("/v1/analyze", json={"html": "<p>x</p>"}), 422, "ingest_failed")


# --- limits -------------------------------------------------------------------------------------

def test_body_size_limit_by_content_length():
    with make_client(max_body_bytes=1000) as c:
        b = assert_problem(c.post("/v1/analyze", json={"text": "字" * 1000}), 413, "too_large")
        assert "1000" in b["detail"]
        assert c.post("/v1/analyze", json={"text": "字" * 100}).status_code == 200


def test_body_size_limit_while_streaming():
    """No Content-Length (chunked): the body is cut off as soon as it passes the limit."""
    chunks_sent = []

    def gen():
        for i in range(100):
            chunks_sent.append(i)
            yield b"a" * 500

    with make_client(max_body_bytes=2000) as c:
        r = c.post("/v1/analyze", content=gen(), headers={"content-type": "application/json"})
        assert_problem(r, 413, "too_large")
        r = c.post("/v1/analyze", content=gen(), headers={"content-type": "multipart/form-data; boundary=x"})
        assert_problem(r, 413, "too_large")


def test_text_length_limit():
    with make_client(max_chars=50) as c:
        b = assert_problem(c.post("/v1/analyze", json={"text": "字" * 51}), 413, "text_too_long")
        assert "50" in b["detail"] and "GOVLINT_MAX_CHARS" in b["detail"]
        assert_problem(c.post("/v1/check", files={"file": ("a.txt", ("字" * 60).encode())}), 413, "text_too_long")
        assert c.post("/v1/analyze", json={"text": "字" * 50}).status_code == 200
        reps = c.post("/v1/analyze/batch", json={"items": [{"text": "字" * 51}, {"text": "短文"}]}).json()["reports"]
        assert reps[0]["errors"][0]["code"] == "text_too_long" and reps[0]["findings"] is None
        assert reps[1]["errors"] == []


def test_bad_content_length_is_400():
    with make_client() as c:
        r = c.post("/v1/analyze", content=b"{}", headers={"content-type": "application/json",
                                                          "content-length": "-5"})
        assert_problem(r, 400, "bad_content_length")


def test_time_limit_is_504():
    with make_client(fake_pipeline(slow_s=1.5), timeout_s=0.2) as c:
        b = assert_problem(c.post("/v1/analyze", json={"text": SAMPLE_DRAFT}), 504, "timeout")
        assert "0.2" in b["detail"] and "GOVLINT_TIMEOUT_S" in b["detail"]
        assert c.get("/healthz").status_code == 200  # the loop stays responsive


def test_slow_ingestion_is_under_the_time_limit_too(monkeypatch):
    """A pathological upload (e.g. a huge PDF) is parsed in the pool, so it times out instead of blocking."""
    import serve.payload as payload

    real = payload.ingest_bytes

    def slow(*a, **k):
        time.sleep(1.0)
        return real(*a, **k)

    monkeypatch.setattr(payload, "ingest_bytes", slow)
    with make_client(timeout_s=0.2) as c:
        assert_problem(c.post("/v1/analyze", files={"file": ("a.txt", b"hello")}), 504, "timeout")


def test_batch_time_limit_scales_with_items():
    from serve.app import BATCH_BLOCK

    app = create_app(pipeline=fake_pipeline(), settings=Settings(timeout_s=2))
    svc = app.state.service
    assert svc.batch_timeout(1) == 2 and svc.batch_timeout(BATCH_BLOCK) == 2
    assert svc.batch_timeout(BATCH_BLOCK + 1) == 4
    with make_client(fake_pipeline(slow_s=0.3), timeout_s=0.5) as c:
        r = c.post("/v1/analyze/batch", json={"items": [{"text": "正文"}] * 3})
        assert_problem(r, 504, "timeout")


# --- batch --------------------------------------------------------------------------------------

def test_batch_returns_reports_in_order(client):
    items = [{"id": f"n{i}", "text": SAMPLE_DRAFT if i % 2 else "某市召开会议。"} for i in range(6)]
    items.append({"id": "empty", "text": "  "})
    r = client.post("/v1/analyze/batch", json={"items": items, "tasks": "wording,genre"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 7 and [rep["id"] for rep in body["reports"]] == [it["id"] for it in items]
    assert [len(rep["findings"] or []) for rep in body["reports"][:6]] == [0, 2, 0, 2, 0, 2]
    assert body["reports"][6]["errors"][0]["code"] == "empty_input" and body["reports"][6]["genre"] is None
    assert all(rep["completeness"] is None for rep in body["reports"])


def test_batch_errors():
    with make_client(batch_max=3) as c:
        b = assert_problem(c.post("/v1/analyze/batch", json={"items": [{"text": "a"}] * 4}), 413, "too_many_items")
        assert "3" in b["detail"]
        assert c.post("/v1/analyze/batch", json={"items": [{"text": "a"}] * 3}).status_code == 200
        assert_problem(c.post("/v1/analyze/batch", json={"items": []}), 422, "invalid_fields")
        assert_problem(c.post("/v1/analyze/batch", json={"text": "a"}), 422, "invalid_fields")
        assert_problem(c.post("/v1/analyze/batch", json={"items": [{"text": 1}]}), 422, "invalid_fields")
        b = assert_problem(c.post("/v1/analyze/batch", json={"items": [{"text": "a"}, {"title": "t"}]}), 422,
                           "text_or_html")
        assert b["errors"][0]["loc"] == ["body", "items", "1"]
        assert_problem(c.post("/v1/analyze/batch", json={"items": [{"text": "a"}], "tasks": "x"}), 422,
                       "unknown_task")
        assert_problem(c.post("/v1/analyze/batch", content=b"[", headers={"content-type": "application/json"}),
                       400, "malformed_json")
        assert_problem(c.post("/v1/analyze/batch", files={"file": ("a.txt", b"x")}), 415)


# --- service endpoints --------------------------------------------------------------------------

def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["schema_version"] == "1.0"


def test_readyz_ready_and_loading():
    with make_client() as c:
        r = c.get("/readyz")
        assert r.status_code == 200 and r.json()["status"] == "ready"
        assert all(v["loaded"] for v in r.json()["tasks"].values())
    with make_client(load_on_startup=False) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "loading"


def test_models_reads_cards_and_metrics_generically(tmp_path):
    g = tmp_path / "genre"
    g.mkdir()
    (g / "MODEL_CARD.md").write_text("---\nversion: 2026-11-22\ntitle: 文种分类器\n---\n# Genre\ntext", encoding="utf-8")
    (g / "metrics.json").write_text(json.dumps({"macro_f1": 0.91, "by_site": {"pingtan": 0.8}}), encoding="utf-8")
    (g / "weights.json").write_text("{}", encoding="utf-8")  # not a metrics file: not shown
    w = tmp_path / "wording"
    w.mkdir()
    (w / "MODEL_CARD.md").write_text("# Wording lexicons\n\n| Version | 0.3.1 |\n", encoding="utf-8")
    (w / "eval_report.json").write_text("{not json", encoding="utf-8")
    c2 = tmp_path / "completeness"
    c2.mkdir()
    (c2 / "MODEL_CARD.md").write_text("# Completeness\n\n- **Version:** `v5`\n", encoding="utf-8")
    (tmp_path / "no_card").mkdir()
    (tmp_path / "no_card" / "weights.bin").write_bytes(b"0" * 10)
    p = fake_pipeline()
    p.models_dir = tmp_path
    with make_client(p) as c:
        r = c.get("/v1/models")
    assert r.status_code == 200
    body = r.json()
    models = {m["name"]: m for m in body["models"]}
    assert set(models) == {"genre", "wording", "completeness", "no_card"}
    assert models["no_card"]["card"] is None and models["no_card"]["metrics"] == {}
    assert models["genre"]["version"] == "2026-11-22" and models["genre"]["title"] == "文种分类器"
    assert models["genre"]["metrics"] == {"metrics.json": {"macro_f1": 0.91, "by_site": {"pingtan": 0.8}}}
    assert models["wording"]["version"] == "0.3.1" and models["wording"]["title"] == "Wording lexicons"
    assert "unreadable" in models["wording"]["metrics"]["eval_report.json"]
    assert models["completeness"]["version"] == "v5"
    assert body["tasks"]["genre"]["loaded"] is True


def test_models_endpoint_on_the_real_models_dir():
    with make_client(Pipeline(), load_on_startup=False) as c:
        r = c.get("/v1/models")
    assert r.status_code == 200
    for m in r.json()["models"]:
        assert m["name"] and m["version"] and isinstance(m["metrics"], dict)


def test_models_load_once_per_process(monkeypatch):
    calls = {"n": 0}

    def load(models_dir):
        calls["n"] += 1
        return lambda doc, ctx: __import__("nlp.schema", fromlist=["Partial"]).Partial()

    fake_mod = types.SimpleNamespace(load=load)
    import nlp.pipeline as pl

    monkeypatch.setattr(pl.importlib, "import_module", lambda name: fake_mod)
    with make_client(Pipeline()) as c:
        assert calls["n"] == 3  # at startup, one per task
        for _ in range(3):
            assert c.post("/v1/analyze", json={"text": "正文"}).status_code == 200
        assert c.post("/v1/check", json={"text": "正文"}).status_code == 200
    assert calls["n"] == 3


def test_not_found_and_method_not_allowed_are_problems(client):
    assert_problem(client.get("/v1/nothing"), 404, "not_found")
    assert_problem(client.get("/v1/analyze"), 405, "method_not_allowed")
    assert_problem(client.put("/v1/check", json={"text": "a"}), 405)


def test_cors_off_by_default_and_configurable():
    with make_client() as c:
        r = c.post("/v1/analyze", json={"text": "正文"}, headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
    with make_client(cors_origins=("https://cms.example",)) as c:
        r = c.options("/v1/analyze", headers={"origin": "https://cms.example", "access-control-request-method": "POST"})
        assert r.headers.get("access-control-allow-origin") == "https://cms.example"
        r = c.post("/v1/analyze", json={"text": "正文"}, headers={"origin": "https://other.example"})
        assert "access-control-allow-origin" not in r.headers


def test_settings_from_env(monkeypatch):
    monkeypatch.setenv("GOVLINT_MAX_BODY_BYTES", "1234")
    monkeypatch.setenv("GOVLINT_TIMEOUT_S", "2.5")
    monkeypatch.setenv("GOVLINT_BATCH_MAX", "7")
    monkeypatch.setenv("GOVLINT_CORS_ORIGINS", "https://a.example, https://b.example")
    s = Settings.from_env()
    assert (s.max_body_bytes, s.timeout_s, s.batch_max) == (1234, 2.5, 7)
    assert s.cors_origins == ("https://a.example", "https://b.example")
    monkeypatch.setenv("GOVLINT_TIMEOUT_S", "soon")
    with pytest.raises(SystemExit, match="GOVLINT_TIMEOUT_S"):
        Settings.from_env()


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/v1/analyze", "/v1/analyze/batch", "/v1/classify", "/v1/completeness", "/v1/check",
                 "/v1/models", "/healthz", "/readyz"):
        assert path in spec["paths"], path
    body = spec["paths"]["/v1/analyze"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    schemas = spec["components"]["schemas"]
    assert {"AnalyzeRequest", "BatchRequest", "DocumentFields", "Report"} <= set(schemas)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()


def test_web_page_is_served_without_external_assets(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert 'lang="zh-CN"' in r.text
    import re

    for ref in re.findall(r'(?:src|href)="([^"]+)"', r.text):
        assert not ref.startswith(("http:", "https:", "//")), ref
    static = Path(__file__).resolve().parent.parent / "serve" / "static"
    for f in static.iterdir():
        assert client.get(f"/static/{f.name}").status_code == 200
        assert not re.search(r"https?://(?!127\.0\.0\.1)", f.read_text(encoding="utf-8")), f.name


def test_run_rejects_bad_workers():
    from serve.app import run

    with pytest.raises(SystemExit, match="workers"):
        run(workers=0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
