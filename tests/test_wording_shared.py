"""Wording checker on the shared data: the seeds, a false-alarm sample and load speed (needs ../shared)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def checker():
    from nlp.wording import build_checker

    return build_checker(None)


def test_seeds(shared, checker):
    from nlp.ingest import ingest_path

    seeds = {p.name[:3]: ingest_path(p) for p in sorted((shared / "seeds").glob("*.txt"))}
    serious = {k: [f for f in checker.check_text(d.text, d) if f.severity == "serious"] for k, d in seeds.items()}
    first_line = seeds["000"].text.split("\n", 1)[0]
    assert any(f.category == "spam" and f.start < len(first_line) for f in serious["000"])
    assert any(f.category == "spam" and "必威" in f.text for f in serious["004"])
    assert serious["001"] == [] and serious["002"] == []


def test_false_alarm_sample(shared, checker):
    data = json.loads((shared / "csc" / "acc_xxqg.tet.json").read_text(encoding="utf-8"))
    sents = [d["original_text"] for d in data[::5]]  # 1,000 clean sentences
    rule_layers = ("political", "institution", "sensitive", "spam", "typo_rules", "format")
    flagged = sum(1 for s in sents if any(f.severity != "info" for f in checker.check_text(s, layers=rule_layers)))
    assert flagged / len(sents) <= 0.005, flagged


def test_cache_is_fresh():
    from nlp.wording.nearmiss import load_cache, tables_hash
    from nlp.wording.tables import load_tables

    assert load_cache().get("source_hash") == tables_hash(load_tables()), "run: .venv/bin/python -m nlp.wording.build"
