"""Interpretation completeness (issue #4): which elements an interpretation covers, with evidence and a score.

Public API:
- `load(models_dir) -> Component`: the pipeline component (reads the interpreted document from
  ctx.options.related for the copy ratio).
- `assess(doc, related=None) -> CompletenessResult`: the same analysis as a plain function (uses the model in
  the default models directory, loaded once).
- `analyse(doc, classifier, related=None)`: the pure core, also returning the copy finding.
"""

from __future__ import annotations

import threading
from pathlib import Path

from nlp.completeness.core import WEIGHTS, Assessment, analyse
from nlp.completeness.model import UnitClassifier, load_classifier
from nlp.schema import CompletenessResult, Document, Partial

__all__ = ["WEIGHTS", "Assessment", "analyse", "assess", "load"]

_DEFAULT: UnitClassifier | None = None
_LOCK = threading.Lock()


def _default_classifier() -> UnitClassifier:
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            from nlp.pipeline import default_models_dir

            _DEFAULT = load_classifier(default_models_dir())
        return _DEFAULT


def assess(doc: Document, related: Document | None = None, classifier: UnitClassifier | None = None) -> CompletenessResult:
    return analyse(doc, classifier or _default_classifier(), related).result


def load(models_dir: Path):
    """Load the unit classifier once; the returned component is pure per call."""
    clf = load_classifier(Path(models_dir))

    def component(doc: Document, ctx) -> Partial:
        related = getattr(getattr(ctx, "options", None), "related", None)
        a = analyse(doc, clf, related)
        return Partial(completeness=a.result, findings=a.findings)

    return component
