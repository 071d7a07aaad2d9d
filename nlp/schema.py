"""The one report schema shared by the CLI, the API and the batch scan.

Everything a user sees leaves the system through these models, so an analyser cannot invent its own
output shape: it returns a `Partial` and the pipeline merges it into a `Report`. Offsets (`start`, `end`)
always index `Document.text` (the normalised body); `source_start`/`source_end`, when present, index the
text as the user submitted it (see `nlp.normalize.OffsetMap`) so an editor's draft can be highlighted
where it was written.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

GenreLabel = Literal["interpretation", "news", "normative", "other"]
Severity = Literal["serious", "warning", "info"]
FindingCategory = Literal[
    "political", "institution", "sensitive", "spam", "typo", "format", "garbled", "copy", "other"
]
ELEMENT_NAMES: tuple[str, ...] = (
    "background",
    "purpose",
    "tasks",
    "content",
    "scope",
    "measures",
    "terms",
    "differences",
    "guidance",
    "linked_document",
)
CORE_ELEMENTS: tuple[str, ...] = ("background", "purpose", "tasks", "content")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Issue(_Model):
    """A warning or error about an input (not about its wording): what happened and what to do next."""

    code: str = Field(description="stable machine-readable code, e.g. 'mojibake', 'empty_input'")
    message: str = Field(description="human-readable explanation, saying what to do next where possible")
    start: int | None = Field(default=None, description="offset in Document.text, when positional")
    end: int | None = None


class Link(_Model):
    text: str
    href: str


class Attachment(_Model):
    name: str
    href: str | None = None


class Document(_Model):
    """One ingested item: clean body text plus the metadata the checks need.

    `text` has paragraphs separated by a single "\\n". Dates are ISO (YYYY-MM-DD) or None.
    """

    id: str | None = None
    text: str = ""
    title: str | None = None
    published: str | None = None
    written: str | None = Field(default=None, description="成文日期")
    fileno: str | None = Field(default=None, description="发文字号")
    publisher: str | None = Field(default=None, description="发文机关/发布机构")
    source: str | None = Field(default=None, description="来源")
    column: str | None = Field(default=None, description="栏目 or breadcrumb")
    url: str | None = None
    links: list[Link] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    format: str | None = Field(default=None, description="html | text | docx | pdf | record")
    warnings: list[Issue] = Field(default_factory=list)
    errors: list[Issue] = Field(default_factory=list)
    source_offsets: list[int] | None = Field(
        default=None,
        exclude=True,
        description="source_offsets[i] = offset in the submitted text of text[i] (+ one sentinel at the end); "
        "only for plain-text input, where the user's own text can be highlighted",
    )

    def to_source(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a [start, end) span of `text` back into the submitted text, if a map exists."""
        m = self.source_offsets
        if not m or start < 0 or end > len(self.text) or start > end:
            return None
        s = m[start]
        e = m[end - 1] + 1 if end > start else s
        return s, e


class Span(_Model):
    start: int
    end: int
    text: str


class DocumentSummary(_Model):
    title: str | None = None
    published: str | None = None
    written: str | None = None
    fileno: str | None = None
    publisher: str | None = None
    source: str | None = None
    column: str | None = None
    url: str | None = None
    chars: int = 0
    format: str | None = None
    text: str | None = Field(default=None, description="the normalised body, only when requested (include_text)")


class GenreResult(_Model):
    label: GenreLabel
    confidence: float = Field(ge=0, le=1)
    scores: dict[str, float] = Field(default_factory=dict)
    abstained: bool = Field(default=False, description="confidence below the documented threshold")
    model: str = Field(default="", description="which model decided (e.g. 'genre-tfidf@2026-11-22', 'cascade:encoder')")
    evidence: list[str] = Field(default_factory=list, description="features that drove the decision")


class ElementResult(_Model):
    present: bool
    confidence: float = Field(ge=0, le=1)
    evidence: list[Span] = Field(default_factory=list)


class CompletenessResult(_Model):
    score: float | None = Field(description="0-100; None when the text is too short to assess")
    form: Literal["text", "qa", "graphic", "video"] = "text"
    elements: dict[str, ElementResult] = Field(default_factory=dict)
    weights: dict[str, float] = Field(default_factory=dict, description="the score formula: weight per element")
    copy_ratio: float | None = Field(default=None, description="share copied from the interpreted document")
    message: str | None = None
    model: str = ""


class Finding(_Model):
    category: FindingCategory
    severity: Severity
    start: int
    end: int
    text: str
    suggestion: str | None = None
    rule: str = Field(description="which rule, lexicon entry or model fired")
    message: str
    confidence: float = Field(ge=0, le=1, default=1.0)
    source_start: int | None = None
    source_end: int | None = None


class Flag(_Model):
    """A batch-scan verdict about a page in its site context (issue: batch scan)."""

    code: str
    message: str
    evidence: dict = Field(default_factory=dict)


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    id: str | None = None
    document: DocumentSummary = Field(default_factory=DocumentSummary)
    genre: GenreResult | None = None
    completeness: CompletenessResult | None = None
    findings: list[Finding] | None = None
    warnings: list[Issue] = Field(default_factory=list)
    errors: list[Issue] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    column: str | None = Field(default=None, description="batch scan: the page's column")
    flags: list[Flag] | None = Field(default=None, description="batch scan only")


class Partial(_Model):
    """What one analyser contributes; the pipeline merges it into the Report."""

    genre: GenreResult | None = None
    completeness: CompletenessResult | None = None
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[Issue] = Field(default_factory=list)
