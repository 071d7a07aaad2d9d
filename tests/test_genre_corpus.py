"""Corpus builder and metrics: duplicates are grouped, splits never separate a group, metrics are right.
Texts are generated here; the shared-corpus checks use the `shared` fixture."""

from __future__ import annotations

import json

import numpy as np

from training import corpus as C
from training.genre_metrics import ece, hard_set, prf, summarize

_BASE = "示例县今年推进农村道路建设，完成硬化路面一百公里，惠及群众三万人。相关部门将继续加大投入力度。"


def _write(tmp_path, rows):
    path = tmp_path / "site.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return tmp_path


def _row(i, body, date, label="news", title="标题"):
    return {"docid": str(i), "title": title, "body": body, "published": date, "judged_genre": label,
            "column_genre": "news"}


def test_exact_and_near_duplicates_and_image_only(tmp_path):
    other = "市政府办公室关于印发示例管理办法的通知。第一条为规范管理制定本办法。第二条本办法自印发之日起施行。" * 2
    rows = [
        _row(1, _BASE * 3, "2020-01-01"),
        _row(2, _BASE * 3, "2021-01-01"),  # exact duplicate
        _row(3, _BASE * 3 + "记者张三报道。", "2025-01-01"),  # near duplicate of 1
        _row(4, other, "2025-02-01", "normative"),
        _row(5, "图片", "2022-01-01", "interpretation"),  # image-only
        _row(6, _BASE, "2022-01-01", "unknown-label"),
    ]
    stats = C.LoadStats()
    pages = C.load_pages(_write(tmp_path, rows), ["site.jsonl"], stats)
    assert [p.uid for p in pages] == ["site:1", "site:3", "site:4"]
    assert stats.exact_duplicates and stats.image_only == ["site:5"] and stats.unlabelled == ["site:6"]
    assert pages[0].group == pages[1].group != pages[2].group
    train, test = C.split_by_time(pages, "2024-01-01")
    # page 3 is dated 2025 but copies page 1 (2020): the group stays on the training side
    assert {p.uid for p in train} == {"site:1", "site:3"} and {p.uid for p in test} == {"site:4"}


def test_split_by_source_drops_training_copies(tmp_path):
    a = C.Page("a:1", "a", "", _BASE * 3, "2020-01-01", "news", "news", group=0)
    b = C.Page("b:1", "b", "", _BASE * 3, "2020-01-01", "news", "news", group=0)
    c = C.Page("a:2", "a", "", "另一篇", "2020-01-01", "normative", "normative", group=1)
    train, test = C.split_by_source([a, b, c], "b")
    assert [p.uid for p in test] == ["b:1"] and [p.uid for p in train] == ["a:2"]


def test_grouped_folds_keep_groups_together():
    pages = [C.Page(f"s:{i}", "s", "", "x", "", ["news", "normative"][i % 2], "", group=i // 3) for i in range(30)]
    folds = C.grouped_folds(pages, k=5)
    for g in range(10):
        assert len({f for p, f in zip(pages, folds) if p.group == g}) == 1
    assert len(set(folds)) == 5


def test_metrics():
    y = ["news", "news", "normative", "interpretation"]
    p = ["news", "normative", "normative", "interpretation"]
    per = prf(y, p)
    assert per["news"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    probs = np.array([[0, 1, 0, 0], [0, 0.4, 0.6, 0], [0, 0, 1, 0], [1, 0, 0, 0]], dtype=float)
    y_idx = np.array([1, 1, 2, 0])
    assert abs(ece(probs, y_idx) - 0.15) < 1e-6  # one wrong answer at confidence 0.6 in four
    hs = hard_set(y, p, [True, True, False, False])
    assert hs["news_or_other_rate"] == 0.5 and hs["interpretation_recall_all_pages"] == 1.0
    s = summarize(y, p, probs, probs.max(1), 0.7, ["a", "a", "b", "b"], [False] * 4)
    assert s["abstained_rate"] == 0.25 and s["per_source"]["b"]["accuracy"] == 1.0


def test_shared_corpus_loads(shared):
    stats = C.LoadStats()
    pages = C.load_pages(shared / "corpus", stats=stats)
    assert len(pages) > 350 and set(C.class_counts(pages)) == set(C.LABELS)
    train, test = C.split_by_time(pages, "2024-01-01")
    assert not {p.group for p in train} & {p.group for p in test}
    assert any(len(g) > 1 for g in stats.near_duplicate_groups)
