"""The pipeline's contract: one report per document, never an exception, tasks validated."""

import pytest

from nlp.pipeline import AnalyzeOptions, Pipeline, parse_tasks
from nlp.schema import Document, Issue, Partial, Report, SCHEMA_VERSION


def test_parse_tasks_orders_and_validates():
    assert parse_tasks("wording,genre") == ("genre", "wording")
    assert parse_tasks(None) == ("genre", "completeness", "wording")
    with pytest.raises(ValueError, match="unknown task"):
        parse_tasks("genre,bogus")


def test_failed_component_does_not_lose_other_results(monkeypatch):
    p = Pipeline()

    def boom(doc, ctx):
        raise RuntimeError("kaput")

    def fine(doc, ctx):
        return Partial()

    p._components = {"genre": boom, "completeness": fine, "wording": fine}
    r = p.analyze(Document(id="x", text="关于印发某办法的通知"), AnalyzeOptions())
    assert isinstance(r, Report) and r.schema_version == SCHEMA_VERSION
    assert [e.code for e in r.errors] == ["genre_failed"]
    assert r.findings == []  # wording ran and found nothing: an empty list, not null


def test_ingestion_error_short_circuits():
    r = Pipeline().analyze(Document(id="bad", errors=[Issue(code="empty_input", message="empty")]))
    assert r.errors[0].code == "empty_input" and r.genre is None and r.findings is None
