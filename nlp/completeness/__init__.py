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

from nlp.completeness.copy import with_copy_ratio
from nlp.completeness.core import WEIGHTS, Assessment, analyse
from nlp.completeness.model import UnitClassifier, load_classifier
from nlp.schema import CompletenessResult, Document, Issue, Partial

__all__ = ["WEIGHTS", "Assessment", "analyse", "assess", "genre_note", "load"]

NOT_INTERPRETATION = "completeness_not_interpretation"

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
        genre = getattr(getattr(ctx, "so_far", None), "genre", None)
        result, warnings = genre_note(a.result, getattr(genre, "label", None), getattr(genre, "abstained", False))
        return Partial(completeness=result, findings=a.findings, warnings=warnings)

    # the batch scan's second pass: a stored result re-read against the linked document (copy ratio only)
    component.with_related = lambda result, doc, related: with_copy_ratio(result, doc.text or "", related.text or "")
    return component


def genre_note(result: CompletenessResult, genre: str | None, abstained: bool = False) -> tuple[CompletenessResult, list[Issue]]:
    """Say so when the score is read off a page that is not an interpretation.

    The score measures how completely an interpretation explains its document; a normative document states
    its own purpose, tasks and measures and so scores high (median 89 on held-out 三明 pages) without being
    an interpretation at all. The schema has no field for this, so it goes into `message` and a warning.
    """
    if not genre or genre == "interpretation" or abstained or result.score is None:
        return result, []
    note = (f"the score applies to policy interpretations (政策解读); the genre model reads this page as {genre}, "
            f"so a high score does not mean it is a complete interpretation")
    message = f"{result.message}; {note}" if result.message else note
    return result.model_copy(update={"message": message}), [Issue(code=NOT_INTERPRETATION, message=note)]
