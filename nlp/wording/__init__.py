"""Wording checker (错敏信息): sensitive and erroneous wording, precise and explained.

`load(models_dir)` returns the pipeline component. Layers, each a small pure module:
political (near-misses of protected terms, wrong→right rules, orders), institution (outdated names),
sensitive (context-aware), spam (gambling brands, porn titles), typo (rule lists here + the statistical
layer in nlp.wording.typo when it is built), format (文号, dates, brackets), garbled (ingestion warnings).
HTML-only spam (hidden links) is `nlp.wording.hidden.hidden_spam(html)`, called by ingestion/API/scan.

Options read from ctx.options.extra: "lexicons" (list of extra list files), "allow" (allow-list file path or
list of paths), "typo" (False disables the statistical typo layer), "layers" (subset of layer names to run).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from nlp.log import get_logger
from nlp.schema import Document, Finding, Issue, Partial
from nlp.wording.common import ASCII_LOWER, WordFreq, dedupe, latest_year, year_of
from nlp.wording.extra import allowed_spans, apply_allow, get_lexicon
from nlp.wording.fmt import check_brackets, check_dates, check_wenhao, garbled
from nlp.wording.institution import InstitutionChecker
from nlp.wording.nearmiss import CACHE_PATH, NearMissIndex, load_cache, tables_hash
from nlp.wording.political import PoliticalChecker
from nlp.wording.sensitive import SensitiveChecker
from nlp.wording.spam import SpamChecker
from nlp.wording.tables import DATA_DIR, load_tables
from nlp.wording.typo_rules import TypoRules

log = get_logger(__name__)

LAYERS = ("political", "institution", "sensitive", "spam", "typo_rules", "typo_model", "format", "garbled")
MAX_CHARS = 2_000_000  # longer texts are checked on their first MAX_CHARS characters (a warning says so)


def _lower(text: str) -> str:
    """Lower-cased text with the same length (offsets stay valid): str.lower() unless it changes the length."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(ASCII_LOWER)


@dataclass
class WordingChecker:
    """The loaded rule layers; calling it checks one document."""

    political: PoliticalChecker
    institution: InstitutionChecker
    sensitive: SensitiveChecker
    spam: SpamChecker
    typo_rules: TypoRules
    words: WordFreq
    typo_model: object | None = None
    load_warnings: list[Issue] = field(default_factory=list)
    load_ms: dict[str, float] = field(default_factory=dict)

    def check_text(self, text: str, doc: Document | None = None, layers: tuple[str, ...] = LAYERS,
                   related: Document | None = None) -> list[Finding]:
        """All findings for `text` (rule layers + typo model), deduplicated, before allow lists."""
        doc = doc or Document(text=text)
        lowered = _lower(text)
        out: list[Finding] = []
        if "political" in layers:
            out += self.political.check(text)
        if "institution" in layers:
            out += self.institution.check(text, year_of(doc.published) or year_of(doc.written) or latest_year(text))
        if "sensitive" in layers:
            out += self.sensitive.check(text, lowered)
        if "spam" in layers:
            out += self.spam.check(text, lowered)
        if "typo_rules" in layers:
            out += self.typo_rules.check(text)
        if "typo_model" in layers and self.typo_model is not None:
            out += self.typo_model.check(text)
        if "format" in layers:
            out += check_wenhao(text, doc) + check_dates(text, doc, related) + check_brackets(text)
        if "garbled" in layers:
            out += garbled(doc)
        return dedupe(out)

    def _title_findings(self, doc: Document, layers: tuple[str, ...]) -> list[Finding]:
        """Spam and political errors in a title that is not part of the body (hacked <title>, record titles).

        Offsets must index Document.text, so these carry start = end = 0 and the title span in `text`.
        """
        title = (doc.title or "").strip()
        if not title or title in (doc.text or ""):
            return []
        low = _lower(title)
        found = []
        if "spam" in layers:
            found += self.spam.check(title, low)
        if "political" in layers:
            found += self.political.check(title)
        if "sensitive" in layers:
            found += self.sensitive.check(title, low)
        return [f.model_copy(update={"start": 0, "end": 0, "message": f"标题：{f.message}"}) for f in dedupe(found)]

    def __call__(self, doc: Document, ctx) -> Partial:
        extra = dict(getattr(getattr(ctx, "options", None), "extra", None) or {})
        related = getattr(getattr(ctx, "options", None), "related", None)
        warnings = list(self.load_warnings)
        layers = tuple(extra.get("layers") or LAYERS)
        if extra.get("typo") is False:
            layers = tuple(x for x in layers if x != "typo_model")
        text = doc.text or ""
        if len(text) > MAX_CHARS:
            warnings.append(Issue(code="wording_truncated", message=f"only the first {MAX_CHARS} characters were checked for wording"))
            text = text[:MAX_CHARS]
            doc = doc.model_copy(update={"text": text})
        findings = self.check_text(text, doc, layers, related)
        findings += self._title_findings(doc, layers)
        lowered = _lower(text)
        for path in extra.get("lexicons") or []:
            try:
                findings += get_lexicon(path).check(text, lowered, self.words)
            except OSError as exc:
                warnings.append(Issue(code="lexicon_unreadable", message=f"cannot read lexicon {path}: {exc}; check the path"))
        allow = extra.get("allow")
        if allow:
            lexs = []
            for path in [allow] if isinstance(allow, (str, Path)) else list(allow):
                try:
                    lexs.append(get_lexicon(path))
                except OSError as exc:
                    warnings.append(Issue(code="allow_unreadable", message=f"cannot read allow list {path}: {exc}; check the path"))
            findings = apply_allow(findings, allowed_spans(lowered, lexs))
        findings.sort(key=lambda f: (f.start, f.end, f.category))
        return Partial(findings=findings, warnings=warnings)


def _load_typo_model(models_dir: Path):
    """The statistical typo layer (nlp.wording.typo), if it exists and loads; else None and a reason."""
    try:
        from nlp.wording import typo as typo_mod  # built by the typo helper
    except ImportError as exc:
        return None, f"nlp.wording.typo not available ({exc})"
    try:
        return typo_mod.load(Path(models_dir)), None
    except Exception as exc:  # the rule layers must still run
        return None, f"{type(exc).__name__}: {exc}"


def build_checker(models_dir: Path | None = None, data_dir: Path = DATA_DIR, typo_model: bool = True) -> WordingChecker:
    ms: dict[str, float] = {}
    t0 = time.perf_counter()
    tables = load_tables(data_dir)
    cache = load_cache(CACHE_PATH)
    ms["tables"] = (time.perf_counter() - t0) * 1000
    warnings: list[Issue] = []
    if not cache:
        warnings.append(Issue(code="near_miss_cache_missing", message=f"{CACHE_PATH} is missing: near-miss matching of "
                              "protected terms is off; run `.venv/bin/python -m nlp.wording.build`"))
    elif cache.get("source_hash") != tables_hash(tables):
        warnings.append(Issue(code="near_miss_cache_stale", message="data/lexicons/protected.tsv or allow.tsv changed since "
                              "the near-miss cache was built; run `.venv/bin/python -m nlp.wording.build`"))
    t1 = time.perf_counter()
    words = WordFreq(cache.get("word_freq", {}))
    near = NearMissIndex(tables, cache)
    checker = WordingChecker(
        political=PoliticalChecker(tables, near, words), institution=InstitutionChecker(tables),
        sensitive=SensitiveChecker(tables, words), spam=SpamChecker(tables, words), typo_rules=TypoRules(tables, words, set(cache.get("edge_words", []))),
        words=words, load_warnings=warnings)
    ms["automata"] = (time.perf_counter() - t1) * 1000
    if typo_model and models_dir is not None:
        t2 = time.perf_counter()
        model, why = _load_typo_model(models_dir)
        ms["typo_model"] = (time.perf_counter() - t2) * 1000
        if model is None:
            log.warning("typo_layer_unavailable", reason=why)
            warnings.append(Issue(code="typo_layer_unavailable",
                                  message=f"the statistical typo layer is off ({why}); rule-based typo checks still ran"))
        checker.typo_model = model
    checker.load_ms = {k: round(v, 1) for k, v in ms.items()}
    for w in warnings:
        if w.code.startswith("near_miss"):
            log.warning(w.code, message=w.message)
    return checker


def load(models_dir: Path) -> WordingChecker:
    """The pipeline component (loaded once per process).

    GOVLINT_WORDING_TYPO=0 leaves the statistical typo layer out (it dominates load time and run time), e.g. for
    batch scans or `GOVLINT_WORDING_TYPO=0 govlint bench wording` to time the rule layers alone.
    """
    typo = os.environ.get("GOVLINT_WORDING_TYPO", "1").strip().lower() not in ("0", "false", "no", "off")
    return build_checker(Path(models_dir), typo_model=typo)
