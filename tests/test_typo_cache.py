"""The typo tables' disk cache (nlp/wording/typo_cache.py): same tables, same findings, safe fallbacks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.wording import typo_cache
from nlp.wording.typo_model import TypoResources
from nlp.wording.typo_vec import VecTables

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "typo"

# Written for these tests: two planted typos (布署, 拔款) and clean text.
TEXTS = ["会议要求各单位认真做好工作布署，严格执行财政拔款制度。", "市政府召开常务会议，研究部署下一阶段重点工作。"]


@pytest.fixture(scope="module")
def res() -> TypoResources:
    if not (MODEL_DIR / "typo_lm.npz").exists():
        pytest.skip("models/typo not built; run `govlint train typo`")
    return TypoResources.load(MODEL_DIR)


@pytest.fixture(scope="module")
def built(res) -> VecTables:
    return VecTables.build(res)


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GOVLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GOVLINT_CACHE", raising=False)
    return tmp_path


def _same(a: VecTables, b: VecTables) -> None:
    x, y = typo_cache.to_arrays(a), typo_cache.to_arrays(b)
    assert x.keys() == y.keys()
    for k in x:
        assert x[k].dtype == y[k].dtype and np.array_equal(x[k], y[k]), k


def test_second_load_reads_the_cache_and_gives_the_same_tables_and_findings(res, built, cache):
    first = typo_cache.load_or_build(res, MODEL_DIR)
    files = list(cache.glob("typo_tables-*.npz"))
    assert len(files) == 1
    second = typo_cache.load_or_build(res, MODEL_DIR)
    _same(built, first)
    _same(built, second)
    from nlp.wording.typo import TypoChecker

    want = [f.model_dump() for t in TEXTS for f in TypoChecker(res, tables=built).check(t)]
    got = [f.model_dump() for t in TEXTS for f in TypoChecker(res, tables=second).check(t)]
    assert got == want and {f["suggestion"] for f in want} >= {"部", "拨"}


def test_corrupt_cache_file_is_rebuilt(res, built, cache):
    typo_cache.load_or_build(res, MODEL_DIR)
    (path,) = cache.glob("typo_tables-*.npz")
    path.write_bytes(b"not an npz file")
    _same(built, typo_cache.load_or_build(res, MODEL_DIR))
    assert path.read_bytes()[:2] == b"PK"  # overwritten with good tables


def test_cache_off_writes_nothing(res, cache, monkeypatch):
    monkeypatch.setenv("GOVLINT_CACHE", "0")
    assert typo_cache.cache_dir() is None
    typo_cache.load_or_build(res, MODEL_DIR)
    assert not list(cache.iterdir())


def test_unwritable_cache_directory_still_loads(res, built, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GOVLINT_CACHE_DIR", str(blocker / "sub"))  # cannot be created: a file is in the way
    _same(built, typo_cache.load_or_build(res, MODEL_DIR))


def test_key_changes_with_the_model_files(tmp_path):
    (tmp_path / "scorer.json").write_text("{}")
    k1 = typo_cache.tables_key(tmp_path)
    (tmp_path / "scorer.json").write_text('{"threshold": 0.8}')
    assert typo_cache.tables_key(tmp_path) != k1
