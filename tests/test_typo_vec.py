"""The vectorised stage 1 (nlp/wording/typo_vec.py) must give exactly what the reference functions give."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp.wording.typo_model import RunInfo, candidate_features, cjk_runs, pair_candidates
from nlp.wording.typo_vec import Batch, KeyIndex

MODELS = Path(__file__).resolve().parent.parent / "models"

# Written for these tests: typos of several kinds, names, short and long runs, repeated phrases.
TEXTS = [
    "会议要求，各单位要认真做好工作布署，确保按期完成。各单位要严格执行财政拔款制度。",
    "加快推进城乡桂花编制工作，确保按期完成；请各地认真贯彻落实，确保取得时效。",
    "局长，陈力夫同志出席会议并讲话。市大数局牵头，二登奖获得者名单见附件。",
    "房地产时常平稳健康发展，电磁福射监测站点覆盖全市。",
    "一" + "各有关部门要加强组织领导" * 6,
    "布署", "时效", "的", "",
]


@pytest.fixture(scope="module")
def checker():
    if not (MODELS / "typo" / "typo_lm.npz").exists():
        pytest.skip("models/typo not built; run `govlint train typo`")
    from nlp.wording.typo import load

    return load(MODELS)


def _assert_same(res, tables, texts):
    runs = [r for t in texts for _, r in cjk_runs(t) if len(r) >= 2]
    batch = Batch(res, tables, runs)
    n = 0
    for r, run in enumerate(runs):
        info = RunInfo(res, run)
        for i in range(len(run)):
            want = [(c.cand, c.ctype, c.span, c.feats) for c in candidate_features(res, run, i, info=info)]
            got = [(c.cand, c.ctype, c.span, c.feats) for c in batch.single(r, i)]
            assert got == want, (run, i)
            want_p = [(c.cand, c.feats) for c in pair_candidates(res, run, i, info)]
            got_p = [(c.cand, c.feats) for c in batch.pairs(r, i)]
            assert got_p == want_p, (run, i)
            n += len(want) + len(want_p)
    return n


def test_vectorised_candidates_match_the_reference_path(checker):
    assert _assert_same(checker.res, checker.tables, TEXTS) > 20  # some candidates were actually compared


def test_checker_outputs_do_not_depend_on_the_path(checker):
    from nlp.wording.typo import TypoChecker

    plain = TypoChecker(checker.res, vectorised=False)
    for t in TEXTS + ["\n".join(TEXTS)]:
        checker.clear_memo()
        assert [f.model_dump() for f in checker.check(t)] == [f.model_dump() for f in plain.check(t)]
    found = checker.check(TEXTS[0])
    assert {(f.text, f.suggestion) for f in found} >= {("布", "部"), ("拔", "拨")}


def test_vectorised_candidates_match_on_real_pages(checker, shared):
    """Real 平潭 pages: every candidate at every position, features bit for bit."""
    bodies = []
    with (shared / "corpus" / "pingtan.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            bodies.append((json.loads(line).get("body") or "")[:1500])
            if len(bodies) == 8:
                break
    assert _assert_same(checker.res, checker.tables, bodies) > 100


def test_key_index_finds_rows_and_rejects_the_rest():
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 2**60, size=5000))
    ix = KeyIndex(keys)
    rows = ix.find(keys)
    assert (keys[rows] == keys).all()
    absent = keys[:100] + 1
    absent = absent[~np.isin(absent, keys)]
    assert (ix.find(absent) == -1).all()
    assert (ix.find(np.array([-1, -5], dtype=np.int64)) == -1).all()
    assert len(KeyIndex(np.zeros(0, dtype=np.int64)).find(keys[:3])) == 3
