"""The one analysis function behind the CLI, the API and the batch scan.

Like a spaCy pipeline, each task is a component loaded once per process and called on one `Document`;
unlike spaCy, a component does not mutate shared state: it returns a `Partial` which is merged here. A
component that is missing (not built yet) or fails leaves its part of the report null and adds an error,
so one broken analyser never loses the other results.

A task module (e.g. `nlp.genre`) exposes `load(models_dir: Path) -> Component`.
"""

from __future__ import annotations

import contextvars
import importlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nlp.log import get_logger
from nlp.schema import Document, DocumentSummary, Issue, Partial, Report

log = get_logger(__name__)

TASKS: tuple[str, ...] = ("genre", "completeness", "wording")
_MODULES: dict[str, str] = {"genre": "nlp.genre", "completeness": "nlp.completeness", "wording": "nlp.wording"}


@dataclass(frozen=True)
class AnalyzeOptions:
    tasks: tuple[str, ...] = TASKS
    related: Document | None = None  # the interpreted document, for completeness.copy_ratio
    include_text: bool = False
    extra: dict = field(default_factory=dict)  # component-specific options (e.g. extra lexicons)


@dataclass(frozen=True)
class Context:
    """What a component may read besides the document: the options and earlier components' results."""

    options: AnalyzeOptions
    so_far: Report


Component = Callable[[Document, Context], Partial]


def default_models_dir() -> Path:
    env = os.environ.get("GOVLINT_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models"


def parse_tasks(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """Validate a task list ('genre,wording' or an iterable); raises ValueError naming the valid tasks."""
    if spec is None:
        return TASKS
    items = [t.strip() for t in (spec.split(",") if isinstance(spec, str) else spec) if t and t.strip()]
    if not items:
        return TASKS
    bad = [t for t in items if t not in TASKS]
    if bad:
        raise ValueError(f"unknown task(s) {', '.join(bad)}; choose from {', '.join(TASKS)}")
    # keep the pipeline's order: completeness may read the genre
    return tuple(t for t in TASKS if t in items)


# Wall-clock deadline (time.monotonic) for the analysis running in this thread/context: a caller that has given
# up (the API after its 504) sets it so the remaining components are skipped instead of burning CPU.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("govlint_deadline", default=None)

RETRY_LOAD_AFTER_S = 30.0  # a component whose model failed to load is tried again after this long


class Pipeline:
    """Loads components lazily, once, and runs the requested ones in order.

    A failed load is retried after RETRY_LOAD_AFTER_S, so a server started before `make models` (or while a
    model file was being replaced) recovers without a restart; until then the task reports itself unavailable.
    """

    def __init__(self, models_dir: Path | None = None) -> None:
        self.models_dir = Path(models_dir) if models_dir else default_models_dir()
        self._components: dict[str, Component | None] = {}
        self._load_errors: dict[str, str] = {}
        self._failed_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def component(self, task: str) -> Component | None:
        with self._lock:
            retry = (task in self._failed_at
                     and time.monotonic() - self._failed_at[task] >= RETRY_LOAD_AFTER_S)
            if task not in self._components or retry:
                t0 = time.perf_counter()
                try:
                    module = importlib.import_module(_MODULES[task])
                    self._components[task] = module.load(self.models_dir)
                    self._load_errors.pop(task, None)
                    self._failed_at.pop(task, None)
                    log.info("component_loaded", task=task, ms=round((time.perf_counter() - t0) * 1000, 1))
                except Exception as exc:  # a missing model must not take the other tasks down
                    self._components[task] = None
                    self._failed_at[task] = time.monotonic()
                    self._load_errors[task] = f"{type(exc).__name__}: {exc}"
                    log.warning("component_unavailable", task=task, error=self._load_errors[task])
            return self._components[task]

    def load_all(self, tasks: Iterable[str] = TASKS) -> dict[str, bool]:
        return {t: self.component(t) is not None for t in tasks}

    def status(self) -> dict[str, str | None]:
        """None when loaded, else the reason it is not (for /readyz)."""
        return {t: self._load_errors.get(t) for t in self._components}

    def analyze(self, doc: Document, options: AnalyzeOptions | None = None) -> Report:
        options = options or AnalyzeOptions()
        report = Report(
            id=doc.id,
            document=summarize(doc, include_text=options.include_text),
            warnings=list(doc.warnings),
            errors=list(doc.errors),
        )
        if doc.errors:  # ingestion failed: nothing to analyse, but the report still goes out
            return report
        ctx = Context(options=options, so_far=report)
        for task in options.tasks:
            deadline = DEADLINE.get()
            if deadline is not None and time.monotonic() > deadline:
                report.errors.append(Issue(code="timeout", message=f"time limit reached before {task} ran; "
                                           "send a shorter text or fewer tasks"))
                break
            comp = self.component(task)
            if comp is None:
                report.errors.append(
                    Issue(code=f"{task}_unavailable", message=f"the {task} analyser could not be loaded "
                          f"({self._load_errors.get(task)}); run `make models` or check models/")
                )
                continue
            t0 = time.perf_counter()
            try:
                part = comp(doc, ctx)
            except Exception as exc:
                log.exception("component_failed", task=task, id=doc.id)
                report.errors.append(Issue(code=f"{task}_failed", message=f"{type(exc).__name__}: {exc}"))
                continue
            finally:
                report.timings_ms[task] = round((time.perf_counter() - t0) * 1000, 2)
            _merge(report, part, doc)
        if report.findings is not None:
            report.findings.sort(key=lambda f: (f.start, f.end, f.category))
        return report


def _merge(report: Report, part: Partial, doc: Document) -> None:
    if part.genre is not None:
        report.genre = part.genre
    if part.completeness is not None:
        report.completeness = part.completeness
    if part.findings or "wording" in report.timings_ms:
        report.findings = (report.findings or []) + [_with_source(f, doc) for f in part.findings]
    report.warnings.extend(part.warnings)


def _with_source(f, doc: Document):
    if f.source_start is None:
        span = doc.to_source(f.start, f.end)
        if span:
            return f.model_copy(update={"source_start": span[0], "source_end": span[1]})
    return f


def summarize(doc: Document, include_text: bool = False) -> DocumentSummary:
    return DocumentSummary(
        title=doc.title, published=doc.published, written=doc.written, fileno=doc.fileno,
        publisher=doc.publisher, source=doc.source, column=doc.column, url=doc.url,
        chars=len(doc.text), format=doc.format, text=doc.text if include_text else None,
    )


_DEFAULT: Pipeline | None = None
_DEFAULT_LOCK = threading.Lock()


def default_pipeline() -> Pipeline:
    """The per-process pipeline (models load once per process)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Pipeline()
        return _DEFAULT


def analyze(doc: Document, options: AnalyzeOptions | None = None) -> Report:
    return default_pipeline().analyze(doc, options)
