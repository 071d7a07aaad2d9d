"""Property test: no input makes the API answer 5xx, and every answer is a Report or a problem document.

Hypothesis generates arbitrary JSON (well-formed and not), near-miss request objects, raw bytes under
random content types, and uploads with random names and contents; the fake pipeline keeps it fast and a
second pass runs on the real analysers (whatever exists in models/) so their failures surface too.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nlp.schema import Report
from serve.app import create_app
from serve.settings import Settings
from test_api_fakes import fake_pipeline

ENDPOINTS = ["/v1/analyze", "/v1/classify", "/v1/completeness", "/v1/check", "/v1/analyze/batch"]
FIELDS = ["text", "html", "title", "url", "column", "published", "fileno", "tasks", "document", "include_text", "id"]
SETTINGS = dict(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=60)
json_values = st.recursive(json_scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                           max_leaves=12)
# text that looks like the documents the analysers see: Chinese, punctuation, control and odd characters
doc_text = st.text(alphabet=st.sampled_from(list("关于印发政策解读的通知一二三、，。：《》〔〕（）0123456789扫黑险恶拔款 \n\t\r\u3000\x00\ufeff<>&a")
                                                + ["\U0001F600", "\ud7ff", "é"]), max_size=300)
near_miss = st.fixed_dictionaries({}, optional={k: json_values | doc_text for k in FIELDS})
valid_ish = st.fixed_dictionaries({"text": doc_text}, optional={
    "tasks": st.sampled_from(["genre", "wording", "completeness,genre", ["wording"], [], "", " , "]),
    "include_text": st.booleans(), "published": st.sampled_from(["2025-01-01", "2025-02-30", "", "0000-00-00"]),
    "document": doc_text, "title": doc_text})
batch = st.fixed_dictionaries({"items": st.lists(valid_ish.map(lambda d: {k: v for k, v in d.items()
                                                                        if k in ("text", "title", "published")}),
                                                 max_size=4)}, optional={"tasks": json_values, "include_text": json_values})


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(pipeline=fake_pipeline(), settings=Settings(batch_max=3)),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def real_client(pipeline):
    with TestClient(create_app(pipeline=pipeline, settings=Settings()), raise_server_exceptions=False) as c:
        yield c


def check(r) -> None:
    event(f"status {r.status_code}")
    assert r.status_code < 500, r.text[:500]
    if r.status_code == 200:
        body = r.json()
        if "reports" in body:
            for rep in body["reports"]:
                Report.model_validate(rep)
        elif "status" not in body:
            Report.model_validate(body)
    else:
        assert r.headers["content-type"].startswith("application/problem+json"), (r.status_code, r.text[:300])
        p = r.json()
        assert p["status"] == r.status_code and p["code"] and p["detail"]


@settings(**SETTINGS)
@given(path=st.sampled_from(ENDPOINTS), body=json_values | near_miss | valid_ish | batch)
def test_any_json_body_never_5xx(client, path, body):
    check(client.post(path, content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                      headers={"content-type": "application/json"}))


@settings(**SETTINGS)
@given(path=st.sampled_from(ENDPOINTS), data=st.binary(max_size=400),
       ctype=st.sampled_from(["application/json", "text/plain", "multipart/form-data", "multipart/form-data; boundary=zz",
                              "application/x-www-form-urlencoded", "", "application/json; charset=gbk", "image/png"]))
def test_any_bytes_never_5xx(client, path, data, ctype):
    headers = {"content-type": ctype} if ctype else {}
    check(client.post(path, content=data, headers=headers))


@settings(**SETTINGS)
@given(name=st.text(max_size=20) | st.sampled_from(["a.docx", "a.pdf", "a.html", "a.txt", "a.htm", "a"]),
       data=st.binary(max_size=600) | doc_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
       fields=st.dictionaries(st.sampled_from(FIELDS + ["junk"]), st.text(max_size=20), max_size=3))
def test_any_upload_never_5xx(client, name, data, fields):
    fields = {k: v for k, v in fields.items() if k not in ("text", "html")}
    check(client.post("/v1/analyze", files={"file": (name or "x", data)}, data=fields))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=valid_ish, path=st.sampled_from(ENDPOINTS[:4]))
def test_real_analysers_never_5xx(real_client, body, path):
    if path != "/v1/analyze":
        body.pop("tasks", None)
    check(real_client.post(path, content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                           headers={"content-type": "application/json"}))
