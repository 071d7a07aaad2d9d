"""摘抄度: how much of an interpretation is lifted verbatim from the document it interprets.

Shingling (w-character windows shared by both texts) is the standard near-duplicate measure; 13 characters
is long enough that a shared window is almost never a stock phrase (根据《…》的规定, 各县（市、区）) yet short
enough to catch a copied clause. Punctuation and whitespace are ignored so line breaks do not hide a copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHINGLE = 13
COPY_WARN_RATIO = 0.6  # docs/completeness.md: 12 of 48 real 三明 interpretation/document pairs reach it
_TITLE = re.compile(r"《[^《》\n]{0,120}》")
_KEEP = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


@dataclass(frozen=True)
class CopyResult:
    ratio: float | None  # share of the interpretation's characters inside a shared shingle
    longest: tuple[int, int] | None  # longest copied run, offsets into the interpretation's text
    chars: int


def _norm(text: str, mask_titles: bool = False) -> tuple[str, list[int]]:
    """Letters/digits/CJK only, with their offsets; quoting 《the document's title》 is required, not copying."""
    masked = set()
    if mask_titles:
        for m in _TITLE.finditer(text):
            masked.update(range(m.start(), m.end()))
    keep = [(i, ch) for i, ch in enumerate(text) if i not in masked and _KEEP.match(ch)]
    return "".join(ch for _, ch in keep), [i for i, _ in keep]


def copy_ratio(interpretation: str, document: str, w: int = SHINGLE) -> CopyResult:
    a, amap = _norm(interpretation, mask_titles=True)
    b, _ = _norm(document)
    if len(a) < w or len(b) < w:
        return CopyResult(None if not a else 0.0, None, len(a))
    grams = {b[i : i + w] for i in range(len(b) - w + 1)}
    covered = bytearray(len(a))
    for i in range(len(a) - w + 1):
        if a[i : i + w] in grams:
            covered[i : i + w] = b"\x01" * w
    ratio = sum(covered) / len(a)
    best: tuple[int, int] | None = None
    i = 0
    while i < len(a):
        if covered[i]:
            j = i
            while j < len(a) and covered[j]:
                j += 1
            if best is None or j - i > best[1] - best[0]:
                best = (i, j)
            i = j
        else:
            i += 1
    longest = (amap[best[0]], amap[best[1] - 1] + 1) if best else None
    return CopyResult(round(ratio, 4), longest, len(a))
