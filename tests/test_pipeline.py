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


def test_failed_model_load_is_retried_later(tmp_path, monkeypatch):
    """A server started before `make models` recovers once the model exists (no restart)."""
    import nlp.pipeline as P

    p = Pipeline(models_dir=tmp_path)  # empty: every load fails
    calls = []

    class FakeModule:
        @staticmethod
        def load(models_dir):
            calls.append(models_dir)
            if len(calls) == 1:
                raise FileNotFoundError("models/genre missing; run `make models`")
            return lambda doc, ctx: Partial()

    monkeypatch.setattr(P.importlib, "import_module", lambda name: FakeModule)
    assert p.component("genre") is None and "make models" in p.status()["genre"]
    assert p.component("genre") is None and len(calls) == 1  # not hammered on every request
    clock = [P.time.monotonic() + P.RETRY_LOAD_AFTER_S + 1]
    monkeypatch.setattr(P.time, "monotonic", lambda: clock[0])
    assert p.component("genre") is not None and len(calls) == 2
    assert p.status()["genre"] is None


def test_components_after_the_deadline_are_skipped():
    import time as _time

    from nlp.pipeline import DEADLINE

    p = Pipeline()
    ran = []
    p._components = {t: (lambda t: lambda doc, ctx: (ran.append(t), Partial())[1])(t)
                     for t in ("genre", "completeness", "wording")}
    token = DEADLINE.set(_time.monotonic() - 1)
    try:
        r = p.analyze(Document(id="x", text="关于印发某办法的通知"), AnalyzeOptions())
    finally:
        DEADLINE.reset(token)
    assert ran == [] and [e.code for e in r.errors] == ["timeout"]
    r = p.analyze(Document(id="x", text="关于印发某办法的通知"), AnalyzeOptions())
    assert ran == ["genre", "completeness", "wording"] and not r.errors
