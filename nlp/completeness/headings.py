"""Map a heading to completeness elements with the documented synonym table (data/completeness/headings.tsv).

The same table produces the weak training labels and the run-time heading signal, so what a heading means
is decided in one reviewable file rather than in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.schema import ELEMENT_NAMES

TABLE_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "completeness" / "headings.tsv"


@dataclass(frozen=True)
class HeadingTable:
    rows: tuple[tuple[str, re.Pattern[str]], ...]
    exclude: re.Pattern[str] | None

    def elements(self, heading: str) -> tuple[str, ...]:
        """Elements a heading announces; () when it names none (or a drafting-process section)."""
        h = re.sub(r"《[^》]*》|〈[^〉]*〉", "", heading or "").strip()
        if not h:
            return ()
        if self.exclude is not None and self.exclude.search(h):
            return ()
        found = [el for el, rx in self.rows if rx.search(h)]
        return tuple(dict.fromkeys(found))


def parse_table(text: str) -> HeadingTable:
    rows: list[tuple[str, re.Pattern[str]]] = []
    excl: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"headings table line {n}: expected 'element<TAB>pattern[<TAB>note]'")
        el, pat = parts[0].strip(), parts[1].strip()
        if el == "none":
            excl.append(pat)
            continue
        if el not in ELEMENT_NAMES:
            raise ValueError(f"headings table line {n}: unknown element {el!r}; use one of {ELEMENT_NAMES}")
        rows.append((el, re.compile(pat)))
    return HeadingTable(tuple(rows), re.compile("|".join(excl)) if excl else None)


@lru_cache(maxsize=4)
def load_table(path: Path = TABLE_PATH) -> HeadingTable:
    return parse_table(Path(path).read_text(encoding="utf-8"))
