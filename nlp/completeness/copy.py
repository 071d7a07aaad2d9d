"""摘抄度: how much of an interpretation is lifted verbatim from the document it interprets.

Shingling (w-character windows shared by both texts) is the standard near-duplicate measure; 13 characters
is long enough that a shared window is almost never a stock phrase (根据《…》的规定, 各县（市、区）) yet short
enough to catch a copied clause. Punctuation and whitespace are ignored so line breaks do not hide a copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.schema import CompletenessResult

SHINGLE = 13
COPY_WARN_RATIO = 0.6  # docs/completeness.md: 12 of 48 real 三明 interpretation/document pairs reach it
_TITLE = re.compile(r"《[^《》\n]{0,120}》")
_RUN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]+")
_COVERED = re.compile(rb"\x01+")


@dataclass(frozen=True)
class CopyResult:
    ratio: float | None  # share of the interpretation's characters inside a shared shingle
    longest: tuple[int, int] | None  # longest copied run, offsets into the interpretation's text
    chars: int


def _norm(text: str, mask_titles: bool = False) -> tuple[str, list[int]]:
    """Letters/digits/CJK only, with their offsets; quoting 《the document's title》 is required, not copying.

    Runs of kept characters are found by one regex pass (a per-character test cost ~4 ms per page)."""
    if mask_titles and "《" in text:  # blank titles out, keeping every offset
        text = _TITLE.sub(lambda m: "\x00" * len(m.group()), text)
    parts: list[str] = []
    offsets: list[int] = []
    for m in _RUN.finditer(text):
        parts.append(m.group())
        offsets.extend(range(m.start(), m.end()))
    return "".join(parts), offsets


def copy_ratio(interpretation: str, document: str, w: int = SHINGLE) -> CopyResult:
    a, amap = _norm(interpretation, mask_titles=True)
    b = "".join(_RUN.findall(document))
    if len(a) < w or len(b) < w:
        return CopyResult(None if not a else 0.0, None, len(a))
    grams = {b[i : i + w] for i in range(len(b) - w + 1)}
    covered = bytearray(len(a))
    run = b"\x01" * w
    for i in range(len(a) - w + 1):
        if a[i : i + w] in grams:
            covered[i : i + w] = run
    ratio = covered.count(1) / len(a)
    best: tuple[int, int] | None = None
    for m in _COVERED.finditer(covered):  # the first longest run, as a left-to-right scan finds it
        if best is None or m.end() - m.start() > best[1] - best[0]:
            best = (m.start(), m.end())
    longest = (amap[best[0]], amap[best[1] - 1] + 1) if best else None
    return CopyResult(round(ratio, 4), longest, len(a))


def with_copy_ratio(result: CompletenessResult, interpretation: str, document: str) -> CompletenessResult:
    """An interpretation's completeness re-read against its document, without running the analysis again.

    Only `copy_ratio` depends on the document (`core.analyse` computes it last, and not at all when the page
    has too little text to score), so a result computed without the document plus this ratio equals
    re-running `analyse(doc, classifier, related)` — at a tenth of the cost, which is what the batch scan's
    second pass pays for every linked pair. The result's genre note (`genre_note`) is kept as it was.
    """
    if result.score is None or not (document or "").strip():
        return result.model_copy(update={"copy_ratio": None})
    return result.model_copy(update={"copy_ratio": copy_ratio(interpretation or "", document).ratio})
