"""Normalisation with an offset map back to the submitted text (placeholder: whitespace only)."""

from __future__ import annotations

from nlp.schema import Issue


def normalize_with_map(text: str) -> tuple[str, list[int], list[Issue]]:
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text.replace("\r\n", "\n")):
        out.append(ch)
        offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets, []
