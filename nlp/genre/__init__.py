"""Genre of a page by its content: interpretation / news / normative / other, with calibrated scores.

Decision order (each step says why in `GenreResult.evidence`):
1. out-of-scope rules (`nlp.genre.rules`): no real text, annual report, 公示, procurement, transcript, list
   → `other`;
2. the fast model (char n-gram TF-IDF + structural cues, temperature-calibrated);
3. when an encoder artifact is present and the fast model's confidence is below `cascade_below`, the
   fine-tuned encoder decides (cascade). Without the encoder the fast model alone is the default.
A confidence below `abstain_below` is reported as `abstained=True` (the label is still the best guess).
The page's column is never used: a reporter's story filed under 政策解读 is still news.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nlp.genre.fast import FastModel, cue_label
from nlp.genre.features import cue_spans
from nlp.genre.rules import check as rule_check
from nlp.genre.text import to_simplified
from nlp.log import get_logger
from nlp.schema import Document, GenreResult, Partial

log = get_logger(__name__)

LABELS: tuple[str, ...] = ("interpretation", "news", "normative", "other")
ABSTAIN_BELOW = 0.6
CASCADE_BELOW = 0.9
RULE_CONFIDENCE = 0.95
# The model saw only nine `other` pages (of unrelated kinds); its `other` is trusted only when this sure,
# otherwise the best of the three genres is reported (with its lower confidence, so it may abstain).
OTHER_MIN = 0.8
SUBDIR = "genre"


@dataclass
class Decision:
    label: str
    confidence: float
    scores: dict[str, float]
    decided_by: str  # rule:<name> | fast | encoder
    evidence: list[str] = field(default_factory=list)


@dataclass
class Classifier:
    """The fast model, an optional encoder, and the documented thresholds."""

    fast: FastModel
    encoder: object | None = None  # nlp.genre.encoder.EncoderModel when committed
    abstain_below: float = ABSTAIN_BELOW
    cascade_below: float = CASCADE_BELOW
    explain: bool = True

    def decide(self, title: str | None, body: str) -> Decision:
        title, body = to_simplified(title or ""), to_simplified(body or "")
        hit = rule_check(title, body)
        if hit is not None:
            rest = (1 - RULE_CONFIDENCE) / (len(LABELS) - 1)
            scores = {lab: (RULE_CONFIDENCE if lab == "other" else rest) for lab in LABELS}
            where = f" [{hit.start}:{hit.end}]" if hit.start >= 0 else ""
            return Decision("other", RULE_CONFIDENCE, scores, f"rule:{hit.rule}", [f"rule {hit.rule}: {hit.message}{where}"])
        feats = self.fast.analyse(title, body)
        p = self.fast.proba_from(feats)
        decided_by = "fast"
        if self.encoder is not None and float(p.max()) < self.cascade_below:
            p = self.encoder.proba(title, body)  # type: ignore[attr-defined]
            decided_by = "encoder"
        scores = {lab: 0.0 for lab in LABELS}
        for lab, v in zip(self.fast.labels, p):
            scores[lab] = round(float(v), 4)
        label = max(scores, key=scores.get)
        if label == "other" and scores["other"] < OTHER_MIN:
            label = max((lab for lab in LABELS if lab != "other"), key=scores.get)
        conf = scores[label]
        evidence = self._evidence(title, body, label, decided_by, feats) if self.explain else []
        return Decision(label, conf, scores, decided_by, evidence)

    def _evidence(self, title: str | None, body: str, label: str, decided_by: str, feats) -> list[str]:
        out: list[str] = []
        if decided_by == "encoder":
            out.append(f"encoder decided: fast model confidence below {self.cascade_below}")
        contrib = self.fast.explain_from(feats, label) if label in self.fast.labels else []
        cue_names = {name for kind, name, _ in contrib if kind == "cue"}
        found = feats.get("spans", {})  # first matches recorded by the cue scan
        missing = {n for n in cue_names if n not in found}
        spans = {n: [v] for n, v in found.items()} | (cue_spans(title, body, missing, limit=1) if missing else {})
        for kind, name, w in contrib:
            if kind == "cue":
                where = ""
                if name in spans:
                    s, e, txt = spans[name][0]
                    where = f" '{txt[:30]}'" + (f" [{s}:{e}]" if s >= 0 else " (title)")
                out.append(f"cue {cue_label(name)}{where} +{w:.2f}")
            else:
                out.append(f"ngram '{name}' +{w:.2f}")
        return out

    def result(self, title: str | None, body: str) -> GenreResult:
        d = self.decide(title, body)
        model = self.fast.name if d.decided_by == "fast" else (
            f"cascade:encoder({getattr(self.encoder, 'name', 'encoder')})" if d.decided_by == "encoder" else d.decided_by)
        return GenreResult(label=d.label, confidence=round(min(1.0, max(0.0, d.confidence)), 4), scores=d.scores,
                           abstained=d.confidence < self.abstain_below, model=model, evidence=d.evidence)


def load_classifier(models_dir: Path, use_encoder: bool = True) -> Classifier:
    folder = Path(models_dir) / SUBDIR
    fast = FastModel.load(folder)
    meta = fast.meta or {}
    encoder = None
    if use_encoder and (folder / "encoder").is_dir():
        try:
            from nlp.genre.encoder import EncoderModel

            encoder = EncoderModel.load(folder / "encoder")
        except Exception as exc:  # the fast model alone is a complete answer
            log.warning("genre_encoder_unavailable", error=f"{type(exc).__name__}: {exc}")
    if not (folder / "MODEL_CARD.md").exists():
        log.warning("genre_model_card_missing", folder=str(folder))
    return Classifier(fast=fast, encoder=encoder, abstain_below=float(meta.get("abstain_below", ABSTAIN_BELOW)),
                      cascade_below=float(meta.get("cascade_below", CASCADE_BELOW)))


def model_card(models_dir: Path) -> str:
    """The model card text (data, split, metrics, how to reproduce), for the API and `--help` pages."""
    p = Path(models_dir) / SUBDIR / "MODEL_CARD.md"
    return p.read_text(encoding="utf-8") if p.exists() else ""


def load(models_dir: Path):
    """Pipeline entry point: a component filling `Partial.genre` for every document."""
    clf = load_classifier(models_dir)

    def component(doc: Document, ctx) -> Partial:
        return Partial(genre=clf.result(doc.title, doc.text or ""))

    return component


__all__ = ["Classifier", "Decision", "LABELS", "load", "load_classifier", "model_card"]
