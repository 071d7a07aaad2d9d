"""The real server process: `govlint serve` with several workers, and the load generator's contract."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from serve.loadtest import stop_server

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode("utf-8", "replace")[-2000:]
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("server did not become healthy")


@pytest.mark.slow
def test_govlint_serve_with_two_workers(tmp_path):
    """Process mechanics only (workers, limits, page): an empty models dir keeps startup fast."""
    port = free_port()
    govlint = ROOT / ".venv" / "bin" / "govlint"
    cmd = [str(govlint)] if govlint.exists() else [sys.executable, "-m", "nlp.cli"]
    env = dict(os.environ, GOVLINT_ACCESS_LOG="0", GOVLINT_MAX_BODY_BYTES="100000",
               GOVLINT_MODELS=str(tmp_path))
    proc = subprocess.Popen([*cmd, "serve", "--port", str(port), "--workers", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        r = httpx.post(base + "/v1/analyze", json={"text": "二是持续推进扫黑险恶专项斗争。"}, timeout=60)
        assert r.status_code == 200 and r.json()["schema_version"] == "1.0"
        big = httpx.post(base + "/v1/analyze", json={"text": "字" * 60000}, timeout=60)
        assert big.status_code == 413 and big.headers["content-type"].startswith("application/problem+json")

        def chunks():
            for _ in range(50):
                yield b"a" * 10000

        streamed = httpx.post(base + "/v1/analyze", content=chunks(), timeout=60,
                              headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert httpx.get(base + "/", timeout=10).status_code == 200
        ready = httpx.get(base + "/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json()["status"] == "degraded"  # no models in tmp_path
    finally:
        stop_server(proc)
    out = proc.stdout.read().decode("utf-8", "replace")
    assert f"http://127.0.0.1:{port}/" in out and "2 worker" in out


@pytest.mark.slow
def test_loadtest_prints_figures_against_a_running_server(capsys):
    from serve.app import create_app
    from serve.loadtest import main
    from serve.settings import Settings
    from test_api_fakes import fake_pipeline
    from test_web import ServerThread

    with ServerThread(create_app(pipeline=fake_pipeline(), settings=Settings())) as url:
        code = main(["--url", url, "--clients", "5", "--requests", "30", "--rate", "50", "--chars", "500",
                     "--docs", "3", "--warmup", "2", "--server-pid", str(os.getpid())])
    assert code == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert [x["mode"] for x in lines] == ["paced", "closed"]
    for x in lines:
        assert x["requests"] == 30 and x["ok"] == 30 and x["errors"] == 0 and x["chars_per_doc"] == 500
        assert 0 < x["p50_ms"] <= x["p99_ms"] <= x["max_ms"] and x["throughput_rps"] > 0
        assert x["server_cpu_ms_per_request"] >= 0
    assert set(lines[0]["targets"]) == {"p50<=100ms", ">=20rps", "0 errors"}


def test_loadtest_refuses_non_loopback_and_bad_args():
    from serve.loadtest import main

    with pytest.raises(SystemExit, match="loopback"):
        main(["--url", "http://example.com:8000", "--requests", "1"])
    with pytest.raises(SystemExit):
        main(["--clients", "0"])


def test_loadtest_documents_have_the_requested_length():
    from serve.loadtest import _documents

    texts, source = _documents(4, 3000)
    assert len(texts) == 4 and all(len(t) == 3000 for t in texts) and source
