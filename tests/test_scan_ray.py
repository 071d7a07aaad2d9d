"""`--engine ray` on a local Ray cluster (2 CPUs): same database as the local engine. Slow (Ray start-up),
skipped when Ray is not installed (it is the optional `scale` extra)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nlp.scan.cli import main as scan_main
from nlp.scan.store import table_digest
from test_scan import FAKE, _codes, _filler, _records, _reports, _write_jsonl

pytest.importorskip("ray", reason='needs Ray: .venv/bin/pip install "ray[data]" (the scale extra)')


@pytest.mark.slow
def test_ray_engine_matches_local_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    crawl = _write_jsonl(tmp_path / "crawl.jsonl", _records() + _filler(40))
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    assert scan_main([str(crawl), "--out", str(local), "--workers", "0", "--pipeline-factory", FAKE]) == 0
    assert scan_main([str(crawl), "--out", str(ray_out), "--engine", "ray", "--workers", "2",
                      "--pipeline-factory", FAKE]) == 0
    assert table_digest(local / "scan.db") == table_digest(ray_out / "scan.db")
    reps = _reports(ray_out)
    assert _codes(reps["http://sm.example.gov.cn/jd/a.htm"]) == ["interpretation_late"]
    assert len(reps) == 51 and all(json.dumps(r) for r in reps.values())
